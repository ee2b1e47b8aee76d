package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"handover/assets"
	"handover/core/workspace"
	"handover/importers/ingest"
)

type welcome struct {
	ui      *App
	content fyne.CanvasObject
	recent  *fyne.Container

	NewButton, OpenButton, DemoButton *widget.Button
	// Pending is the demo's background task (tests wait on it).
	Pending *Task
}

func newWelcome(ui *App) *welcome {
	w := &welcome{ui: ui}
	title := widget.NewLabelWithStyle("Move your firm's data to Clio", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	intro := widget.NewLabel("Handover reads what your old practice-management system exported, shows what is ready and " +
		"what is not, helps you fix it, and uploads it to Clio Manage. Nothing leaves this computer until you press Upload. " +
		"Your work is saved automatically in one project file.")
	intro.Wrapping = fyne.TextWrapWord

	w.NewButton = widget.NewButtonWithIcon("Start a new migration", theme.DocumentCreateIcon(), w.startNew)
	w.NewButton.Importance = widget.HighImportance
	w.OpenButton = widget.NewButtonWithIcon("Open a migration…", theme.FolderOpenIcon(), w.open)
	w.DemoButton = widget.NewButtonWithIcon("Try the demo firm", theme.MediaPlayIcon(), w.demo)
	w.recent = container.NewVBox()

	w.content = container.NewVScroll(container.NewPadded(container.NewVBox(
		title, intro,
		container.NewGridWithColumns(3, w.NewButton, w.OpenButton, w.DemoButton),
		widget.NewSeparator(),
		widget.NewLabelWithStyle("Recent migrations", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		w.recent,
		widget.NewSeparator(),
		widget.NewLabelWithStyle("How it goes", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		wrapped("1. Sources: add the files your old system exported (or the folder holding them).\n"+
			"2. Mapping: check which column goes where in Clio.\n"+
			"3. Readiness: see what is ready, what is not, and what Clio will not take.\n"+
			"4. Clean: merge duplicates and fix problems; every fix can be undone.\n"+
			"5. Package: save everything in one file for your records or Clio's migration team.\n"+
			"6. Upload: sign in to Clio and send it, with pause and resume.\n"+
			"7. Review: compare what arrived; undo the whole upload if something is wrong."),
	)))
	return w
}

func wrapped(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	return l
}

func (w *welcome) Content() fyne.CanvasObject { return w.content }
func (w *welcome) Done() bool                 { return w.ui.project != nil }

func (w *welcome) Refresh() {
	w.recent.Objects = nil
	for _, p := range w.ui.Recent() {
		p := p
		w.recent.Add(widget.NewButtonWithIcon(filepath.Base(p)+"  —  "+filepath.Dir(p), theme.HistoryIcon(), func() { w.openPath(p) }))
	}
	if len(w.recent.Objects) == 0 {
		w.recent.Add(widget.NewLabel("None yet."))
	}
	w.recent.Refresh()
}

func (w *welcome) startNew() {
	d := dialog.NewFileSave(func(uc fyne.URIWriteCloser, err error) {
		if err != nil || uc == nil {
			return
		}
		path := uc.URI().Path()
		uc.Close()
		os.Remove(path) // the dialog created an empty file; Create makes the real one
		if filepath.Ext(path) != ".handover" {
			path += ".handover"
		}
		ws, err := workspace.Create(path)
		if err != nil {
			w.ui.ShowError("Could not start the migration", err)
			return
		}
		w.ui.OpenProject(ws)
	}, w.ui.Win)
	d.SetFileName("our-firm.handover")
	d.Show()
}

func (w *welcome) open() {
	d := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil || rc == nil {
			return
		}
		path := rc.URI().Path()
		rc.Close()
		w.openPath(path)
	}, w.ui.Win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".handover"}))
	d.Show()
}

func (w *welcome) openPath(path string) { w.Pending = w.ui.OpenPath(path) }

// OpenPath opens a project file in the background (opening checks the whole
// file: seconds on a big firm) and then shows it.
func (ui *App) OpenPath(path string) *Task {
	var ws *workspace.Workspace
	return ui.RunTask("Opening "+filepath.Base(path), func(ctx context.Context, report func(Progress)) error {
		report(Progress{Stage: "Checking " + filepath.Base(path)})
		var err error
		ws, err = workspace.Open(path)
		return err
	}, func(err error) {
		if err != nil {
			ui.ShowError("Could not open the migration", err)
			return
		}
		ui.OpenProject(ws)
	})
}

// demo makes a fresh demo project and reads the demo firm's files into it.
func (w *welcome) demo() {
	dir := w.ui.DemoDir
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			base = os.TempDir()
		}
		dir = filepath.Join(base, "Handover", "demo")
	}
	var ws *workspace.Workspace
	w.Pending = w.ui.RunTask("Preparing the demo firm", func(ctx context.Context, report func(Progress)) error {
		path, err := OpenDemo(ctx, dir, report)
		if err != nil {
			return err
		}
		if ws, err = workspace.Open(path); err != nil {
			return fmt.Errorf("could not open the demo firm: %w", err)
		}
		return nil
	}, func(err error) {
		if err != nil {
			if !errors.Is(err, context.Canceled) {
				w.ui.ShowError("Could not prepare the demo firm", err)
			}
			return
		}
		w.ui.OpenProject(ws)
	})
}

// OpenDemo writes the demo firm's exports into dir and reads them into a
// fresh project dir/harbor-lane.handover.
func OpenDemo(ctx context.Context, dir string, report func(Progress)) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	exports, err := assets.ExtractDemo(dir)
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "harbor-lane.handover")
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		os.Remove(p)
	}
	os.RemoveAll(path + ".files")
	ws, err := workspace.Create(path)
	if err != nil {
		return "", err
	}
	defer ws.Close()
	ws.SetSetting(ctx, workspace.SettingFirmName, "Harbor & Lane LLP (demo)")
	ws.SetSetting(ctx, workspace.SettingCountry, "US")
	_, err = ingest.Run(ctx, ws, []string{exports}, ingest.Options{Progress: func(p ingest.Progress) {
		report(Progress{Stage: "Reading " + filepath.Base(p.File), Done: p.Done, Total: p.Total})
	}})
	return path, err
}
