package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"handover/core/model"
	"handover/core/report"
	"handover/core/workspace"
)

func init() {
	moreScreens = append(moreScreens, func(ui *App) { ui.setScreen(StepReview, newReview(ui)) })
}

// reviewScreen is the Review step: what is ready per type against what is
// left out, the advice for after the upload, and the readiness report.
type reviewScreen struct {
	ui       *App
	content  fyne.CanvasObject
	table    *fyne.Container
	saved    *widget.Label
	exported bool
	shownKey string // the counts the table shows

	ExcelButton, WebButton *widget.Button
}

func newReview(ui *App) *reviewScreen {
	r := &reviewScreen{ui: ui}
	r.table = container.New(&formLayout{cols: []float32{220, 140, 0}})
	r.saved = wrapped("")
	r.saved.Importance = widget.SuccessImportance
	r.ExcelButton = widget.NewButtonWithIcon("Save the readiness report (Excel)…", theme.DocumentSaveIcon(), func() { r.pick("xlsx") })
	r.ExcelButton.Importance = widget.HighImportance
	r.WebButton = widget.NewButtonWithIcon("Save it as a web page to print…", theme.DocumentPrintIcon(), func() { r.pick("html") })

	warn := boxed(container.NewBorder(nil, nil, widget.NewIcon(theme.WarningIcon()), nil, container.NewVBox(
		widget.NewLabelWithStyle("Don't change imported data in Clio until you've checked it.", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		wrapped("Open a few clients and matters in Clio and compare them with the report. While you have not confirmed the upload, "+
			"Handover can still take it back in one go; records edited in Clio in the meantime make that harder."))), theme.ColorNameWarning)
	r.content = container.NewVScroll(container.NewVBox(
		warn,
		sectionTitle("Readiness report"),
		wrapped("One file for the firm's records: every problem found with the row it came from, every row left out and why, "+
			"and what Clio does not take. Give it to whoever checks the migration."),
		container.NewHBox(r.ExcelButton, r.WebButton),
		r.saved,
		widget.NewSeparator(),
		sectionTitle("What goes to Clio"),
		r.table,
	))
	return r
}

func (r *reviewScreen) Content() fyne.CanvasObject { return r.content }
func (r *reviewScreen) Done() bool                 { return r.exported }

func (r *reviewScreen) Refresh() {
	ws := r.ui.project
	if ws == nil {
		return
	}
	r.ui.background("review", func(ctx context.Context) func() {
		counts, err := ws.Counts(ctx)
		return func() {
			if err != nil {
				r.ui.ShowError("Could not count the records", err)
				return
			}
			r.show(counts)
		}
	})
}

func (r *reviewScreen) show(counts workspace.Counts) {
	key := fmt.Sprint(counts)
	if key == r.shownKey {
		return // the same numbers: nothing to rebuild
	}
	r.shownKey = key
	var t pile
	t.Add(boldLabel("Type"))
	t.Add(boldLabel("Ready"))
	t.Add(boldLabel(""))
	for _, e := range model.Entities {
		if n := counts.Records[e]; n > 0 {
			t.Add(widget.NewLabel(e.Label()))
			t.Add(widget.NewLabelWithStyle(count(n), fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}))
			t.Add(widget.NewLabel(""))
		}
	}
	t.Add(boldLabel("Left out"))
	t.Add(boldLabel("Rows"))
	t.Add(boldLabel("Why"))
	for _, reason := range model.Reasons {
		if n := counts.Excluded[reason]; n > 0 {
			t.Add(widget.NewLabel(reasonLabel(reason)))
			t.Add(widget.NewLabelWithStyle(count(n), fyne.TextAlignTrailing, fyne.TextStyle{}))
			t.Add(wrapped(reason.Explain()))
		}
	}
	if counts.Rejected > 0 {
		t.Add(widget.NewLabel("could not be read"))
		t.Add(widget.NewLabelWithStyle(count(counts.Rejected), fyne.TextAlignTrailing, fyne.TextStyle{}))
		t.Add(wrapped("Listed with the reason in the readiness report."))
	}
	setObjects(r.table, t.objs...)
}

func (r *reviewScreen) pick(kind string) {
	d := dialog.NewFileSave(func(uc fyne.URIWriteCloser, err error) {
		if err != nil || uc == nil {
			return
		}
		path := uc.URI().Path()
		uc.Close()
		if filepath.Ext(path) != "."+kind {
			os.Remove(path)
			path += "." + kind
		}
		r.Export(path)
	}, r.ui.Win)
	base := strings.TrimSuffix(filepath.Base(r.ui.project.Path()), filepath.Ext(r.ui.project.Path()))
	d.SetFileName(base + "-readiness." + kind)
	d.Show()
}

// Export writes the readiness report to path (.xlsx or .html) in the
// background; a half-written file is removed.
func (r *reviewScreen) Export(path string) *Task {
	ws := r.ui.project
	return r.ui.RunTask("Writing the readiness report", func(ctx context.Context, report func(Progress)) error {
		report(Progress{Stage: "Writing " + filepath.Base(path)})
		return writeReport(ctx, ws, path)
	}, func(err error) {
		switch {
		case errors.Is(err, context.Canceled):
		case err != nil:
			r.ui.ShowError("Could not save the report", fmt.Errorf("%v\n\nPick another folder (one you can write to) and try again.", err))
		default:
			r.exported = true
			r.saved.SetText("Saved " + path)
			r.ui.RefreshSteps()
		}
	})
}

func writeReport(ctx context.Context, ws *workspace.Workspace, path string) error {
	tmp := path + ".part"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if filepath.Ext(path) == ".html" {
		err = report.WriteHTML(ctx, ws, f)
	} else {
		err = report.WriteXLSX(ctx, ws, f)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}

// reasonLabel is a short name for an exclusion reason (Explain says why).
func reasonLabel(r model.Reason) string {
	s := strings.ReplaceAll(string(r), "_", " ")
	return strings.ToUpper(s[:1]) + s[1:]
}
