package ui

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"handover/core/lease"
	"handover/core/workspace"
	"handover/importers/ingest"
	"handover/importers/tabular"
)

// sources is the Sources step: what was read, from which files, and how.
type sources struct {
	ui      *App
	content fyne.CanvasObject
	list    []workspace.Source
	table   *widget.Table
	summary *widget.Label
	preview *widget.Table
	pvRows  [][]string
	pvNote  *widget.Label

	selected  int
	encoding  *widget.Select
	delimiter *widget.Select
	headerRow *widget.Entry
	reread    *widget.Button
	remove    *widget.Button

	AddFiles, AddFolder, NextButton *widget.Button
}

var sourceCols = []string{"File", "Recognised as", "Format", "Encoding", "Rows", "Records", "Left out", "Rejected"}

func newSources(ui *App) *sources {
	s := &sources{ui: ui, selected: -1}
	s.summary = widget.NewLabel("")
	s.summary.Wrapping = fyne.TextWrapWord
	s.table = widget.NewTable(
		func() (int, int) { return len(s.list) + 1, len(sourceCols) },
		newTextCell,
		func(id widget.TableCellID, o fyne.CanvasObject) {
			if id.Row == 0 {
				setCell(o, sourceCols[id.Col], widget.MediumImportance, true)
				return
			}
			setCell(o, sourceCell(s.list[id.Row-1], id.Col), widget.MediumImportance, false)
		})
	s.table.StickyRowCount = 1 // the column titles stay in view
	for i, w := range []float32{230, 200, 70, 110, 70, 70, 80, 80} {
		s.table.SetColumnWidth(i, w)
	}
	s.table.OnSelected = func(id widget.TableCellID) {
		if id.Row > 0 {
			s.selectSource(id.Row - 1)
		}
	}

	s.AddFiles = widget.NewButtonWithIcon("Add files…", theme.FileIcon(), s.pickFile)
	s.AddFiles.Importance = widget.HighImportance
	s.AddFolder = widget.NewButtonWithIcon("Add a folder…", theme.FolderIcon(), s.pickFolder)
	s.NextButton = widget.NewButtonWithIcon("Next: check the mapping", theme.NavigateNextIcon(), ui.Next)

	s.encoding = widget.NewSelect([]string{"detect", "utf-8", "utf-16le", "utf-16be", "windows-1252", "cp437", "cp850"}, nil)
	s.delimiter = widget.NewSelect([]string{"detect", ",", ";", "tab", "|"}, nil)
	s.headerRow = widget.NewEntry()
	s.headerRow.SetPlaceHolder("detect")
	s.reread = widget.NewButtonWithIcon("Read again with these settings", theme.ViewRefreshIcon(), s.rereadSelected)
	s.remove = widget.NewButtonWithIcon("Remove this file", theme.DeleteIcon(), s.removeSelected)
	s.reread.Disable()
	s.remove.Disable()

	s.pvNote = widget.NewLabel("Select a file to see its first rows.")
	s.pvNote.Wrapping = fyne.TextWrapWord
	s.preview = widget.NewTable(
		func() (int, int) {
			if len(s.pvRows) == 0 {
				return 0, 0
			}
			return len(s.pvRows), len(s.pvRows[0])
		},
		newTextCell,
		func(id widget.TableCellID, o fyne.CanvasObject) {
			text := ""
			if id.Col < len(s.pvRows[id.Row]) {
				text = s.pvRows[id.Row][id.Col]
			}
			setCell(o, text, widget.MediumImportance, id.Row == 0)
		})

	overrides := container.NewHBox(widget.NewLabel("Encoding"), s.encoding, widget.NewLabel("Delimiter"), s.delimiter,
		widget.NewLabel("Header row"), container.NewGridWrap(fyne.NewSize(80, 36), s.headerRow), s.reread, s.remove)
	top := container.NewVBox(
		wrapped("Add the files your old system exported — or drag them, or a whole folder, onto this window. "+
			"Handover recognises each file from its content and counts every row: each one becomes a record, "+
			"is left out with a reason, or is rejected with a reason."),
		container.NewHBox(s.AddFiles, s.AddFolder),
		s.summary,
	)
	bottom := container.NewBorder(container.NewVBox(widget.NewSeparator(), overrides, s.pvNote), container.NewHBox(s.NextButton), nil, nil, s.preview)
	split := container.NewVSplit(s.table, bottom)
	split.Offset = 0.45
	s.content = container.NewBorder(top, nil, nil, nil, split)
	ui.Win.SetOnDropped(func(_ fyne.Position, uris []fyne.URI) {
		var paths []string
		for _, u := range uris {
			paths = append(paths, u.Path())
		}
		if ui.project != nil && len(paths) > 0 {
			ui.Show(StepSources)
			s.Add(paths, ingest.Options{})
		}
	})
	return s
}

func sourceCell(src workspace.Source, col int) string {
	switch col {
	case 0:
		return src.Name
	case 1:
		if src.System != "" && src.System != src.Profile {
			return src.System + " (" + src.Profile + ")"
		}
		return src.Profile
	case 2:
		return src.Format
	case 3:
		return src.Encoding
	case 4:
		return count(src.Counts.Rows)
	case 5:
		return count(src.Counts.Records)
	case 6:
		return count(src.Counts.Excluded)
	case 7:
		return count(src.Counts.Rejected)
	}
	return ""
}

func (s *sources) Content() fyne.CanvasObject { return s.content }
func (s *sources) Done() bool                 { return len(s.list) > 0 }

func (s *sources) Refresh() {
	ws := s.ui.project
	if ws == nil {
		return
	}
	s.ui.background("sources", func(ctx context.Context) func() {
		list, err := ws.Sources(ctx)
		return func() {
			if err != nil {
				s.ui.ShowError("Could not list the files", err)
				return
			}
			s.show(list)
		}
	})
}

func (s *sources) show(list []workspace.Source) {
	s.list = list
	var rows, recs, excl, rej int64
	for _, src := range list {
		rows += src.Counts.Rows
		recs += src.Counts.Records
		excl += src.Counts.Excluded
		rej += src.Counts.Rejected
	}
	if len(list) == 0 {
		s.summary.SetText("No files yet.")
	} else {
		s.summary.SetText(fmt.Sprintf("%d files, %s rows read: %s records, %s left out with a reason, %s rejected with a reason.",
			len(list), count(rows), count(recs), count(excl), count(rej)))
	}
	s.table.Refresh()
	s.ui.RefreshSteps()
}

// Sources lists what the screen shows (tests).
func (s *sources) Sources() []workspace.Source { return s.list }

func (s *sources) pickFile() {
	dialog.ShowFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil || rc == nil {
			return
		}
		path := rc.URI().Path()
		rc.Close()
		s.Add([]string{path}, ingest.Options{})
	}, s.ui.Win)
}

func (s *sources) pickFolder() {
	dialog.ShowFolderOpen(func(lu fyne.ListableURI, err error) {
		if err != nil || lu == nil {
			return
		}
		s.Add([]string{lu.Path()}, ingest.Options{})
	}, s.ui.Win)
}

// Add reads paths into the project in the background. It returns the task
// so tests can wait for it.
func (s *sources) Add(paths []string, opts ingest.Options) *Task {
	ws := s.ui.project
	return s.ui.RunWrite(lease.Reading, "Reading files", func(ctx context.Context, report func(Progress)) error {
		opts.Progress = func(p ingest.Progress) {
			stage := "Reading " + filepath.Base(p.File)
			switch p.Stage {
			case "hashing":
				stage = "Checking " + filepath.Base(p.File)
			case "scanning":
				stage = "Looking through " + filepath.Base(p.File)
			case "balances":
				stage = "Computing balances from the ledgers"
			}
			report(Progress{Stage: stage, Done: p.Done, Total: p.Total})
		}
		_, err := ingest.Run(ctx, ws, paths, opts)
		return err
	}, func(err error) {
		s.Refresh()
		s.ui.RefreshSteps()
		switch {
		case errors.Is(err, context.Canceled):
			dialog.ShowInformation("Stopped", "Reading was stopped. The file being read was not kept; files read before it are in the project.", s.ui.Win)
		case err != nil:
			s.ui.ShowError("A file could not be read", err)
		}
	})
}

func (s *sources) selectSource(i int) {
	if i < 0 || i >= len(s.list) {
		return
	}
	s.selected = i
	src := s.list[i]
	s.reread.Enable()
	s.remove.Enable()
	s.pvNote.SetText("Reading the first rows of " + src.Name + "…")
	// the file may be big or on a slow disk: read it off the UI goroutine
	s.ui.background("preview", func(ctx context.Context) func() {
		info, rows, err := tabular.Preview(src.Path, tabular.Options{}, 20)
		return func() {
			if s.selected < 0 || s.selected >= len(s.list) || s.list[s.selected].ID != src.ID {
				return // another file was selected meanwhile
			}
			s.showPreview(src, info, rows, err)
		}
	})
}

func (s *sources) showPreview(src workspace.Source, info tabular.Info, rows []tabular.Row, err error) {
	s.pvRows = nil
	if err != nil {
		s.pvNote.SetText(fmt.Sprintf("%s (%s): no table preview — %v", src.Name, src.Format, err))
		s.preview.Refresh()
		return
	}
	s.pvNote.SetText(fmt.Sprintf("%s: %s, encoding %s, delimiter %q, header row %d. First rows as read:", src.Name, info.Format, info.Encoding, info.Delimiter, info.HeaderRow))
	if len(rows) > 0 && rows[0].Table != nil {
		s.pvRows = append(s.pvRows, rows[0].Table.Header)
	}
	for _, r := range rows {
		s.pvRows = append(s.pvRows, r.Values)
	}
	if len(s.pvRows) > 0 { // the template's width would show every cell as "…"
		for i := range s.pvRows[0] {
			s.preview.SetColumnWidth(i, 140)
		}
	}
	s.preview.Refresh()
}

func (s *sources) rereadSelected() {
	if s.selected < 0 {
		return
	}
	src := s.list[s.selected]
	opts := ingest.Options{}
	if v := s.encoding.Selected; v != "" && v != "detect" {
		opts.Tabular.Encoding = v
	}
	switch v := s.delimiter.Selected; v {
	case "", "detect":
	case "tab":
		opts.Tabular.Delimiter = '\t'
	default:
		opts.Tabular.Delimiter = rune(v[0])
	}
	if v := s.headerRow.Text; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			s.ui.ShowError("Header row", fmt.Errorf("the header row must be a number (or empty to detect; -1 for a file without a header)"))
			return
		}
		opts.Tabular.HeaderRow = n
	}
	s.Add([]string{src.Path}, opts)
}

func (s *sources) removeSelected() {
	if s.selected < 0 {
		return
	}
	src := s.list[s.selected]
	dialog.ShowConfirm("Remove "+src.Name+"?", "Its rows leave the project. The file itself is not touched.", func(ok bool) {
		if !ok {
			return
		}
		ws := s.ui.project
		s.selected = -1
		s.reread.Disable()
		s.remove.Disable()
		// a big file's rows take a while to delete: not on the UI goroutine
		s.ui.RunWrite(lease.Working, "Removing "+src.Name, func(ctx context.Context, report func(Progress)) error {
			report(Progress{Stage: "Removing the rows read from " + src.Name})
			return ws.RemoveSource(ctx, src.ID)
		}, func(err error) {
			if err != nil {
				s.ui.ShowError("Could not remove the file", err)
			}
			s.Refresh()
		})
	}, s.ui.Win)
}
