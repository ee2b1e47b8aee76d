package ui

import (
	"context"
	"fmt"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"handover/core/model"
	"handover/core/workspace"
)

var findingCols = []string{"", "Type", "File", "Row", "Problem", "What to do"}
var findingColWidths = []float32{100, 115, 115, 45, 290, 290}

var severityChoices = []string{"All problems", "Must fix", "Should check", "Good to know"}

// buildProblems makes the Problems tab: the two filters and the table of
// findings, one row a finding.
func (r *readinessScreen) buildProblems() fyne.CanvasObject {
	r.Severity = widget.NewSelect(severityChoices, nil)
	r.Severity.SetSelected(severityChoices[0])
	r.Severity.OnChanged = func(string) { r.applyFilter() }
	types := []string{"All types"}
	for _, e := range model.Entities {
		types = append(types, e.Label())
	}
	r.Type = widget.NewSelect(types, nil)
	r.Type.SetSelected(types[0])
	r.Type.OnChanged = func(string) { r.applyFilter() }
	r.shown = widget.NewLabel("")
	r.Table = widget.NewTable(
		func() (int, int) { return r.list.length(), len(findingCols) },
		newTextCell,
		r.updateCell)
	r.Table.ShowHeaderRow = true
	r.Table.CreateHeader = func() fyne.CanvasObject { return boldLabel("header") }
	r.Table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < len(findingCols) {
			o.(*widget.Label).SetText(findingCols[id.Col])
		}
	}
	for i, w := range findingColWidths {
		r.Table.SetColumnWidth(i, w)
	}
	r.Table.OnSelected = func(id widget.TableCellID) {
		r.Table.UnselectAll()
		if f, ok := r.list.row(id.Row); ok { // a row on show: it is in memory
			r.ShowRecord(f)
		}
	}
	filters := container.NewHBox(widget.NewLabel("Show"), r.Severity, widget.NewLabel("in"), r.Type, r.shown)
	return container.NewBorder(container.NewVBox(filters,
		widget.NewLabelWithStyle("Click a problem to see the record, fix it or leave it out.", fyne.TextAlignLeading, fyne.TextStyle{Italic: true})),
		nil, nil, nil, r.Table)
}

// Total is how many findings match the filter (tests).
func (r *readinessScreen) Total() int {
	var l *findingList
	onUI(func() { l = r.list })
	return l.length()
}

// applyFilter makes the table show the findings the two selects ask for:
// a new list, read in the background once the Problems tab is on show.
func (r *readinessScreen) applyFilter() {
	if r.ui.project == nil {
		return
	}
	f := workspace.FindingFilter{}
	switch r.Severity.SelectedIndex() {
	case 1:
		f.Severity = model.Blocker
	case 2:
		f.Severity = model.Warning
	case 3:
		f.Severity = model.Info
	}
	if i := r.Type.SelectedIndex(); i > 0 {
		f.Entity = model.Entities[i-1]
	}
	r.filter = f
	if r.list != nil {
		r.list.cancel()
	}
	r.list = newFindingList(f)
	setText(r.shown, "")
	r.Table.Refresh()
	r.Table.ScrollToTop()
	if r.tabs.Selected() == r.problemsTab {
		r.readList()
	}
}

// readList starts reading the table's list (once): the first page and,
// beside it, the marks where every page starts (with the count); other
// pages are read as the table shows them.
func (r *readinessScreen) readList() {
	l, ws := r.list, r.ui.project
	if l == nil || l.started || ws == nil {
		return
	}
	l.started = true
	parent := r.ui.readCtx
	if parent == nil {
		parent = context.Background()
	}
	listCtx, cancel := context.WithCancel(parent) // cancelled when another list replaces it
	l.ctx, l.ws, l.cancel = listCtx, ws, cancel
	l.kick = func() {
		r.ui.background("findings-pages", func(context.Context) func() {
			if !l.readWanted() {
				return r.showListError(l)
			}
			return func() {
				if r.list == l {
					r.Table.Refresh()
				}
			}
		})
	}
	l.row(0) // the first rows show before the count
	r.ui.background("findings-marks", func(context.Context) func() {
		if l.readMarks() != nil {
			return r.showListError(l)
		}
		return func() {
			if r.list != l {
				return
			}
			r.showShown()
			r.Table.Refresh() // asks for the pages on show that waited for the marks
			l.kick()
		}
	})
}

// showListError says why the list could not be read, if it could not (and
// it is still the one on show); a list replaced meanwhile says nothing.
func (r *readinessScreen) showListError(l *findingList) func() {
	l.mu.Lock()
	err := l.err
	l.mu.Unlock()
	if err == nil {
		return nil
	}
	return func() {
		if r.list == l {
			r.ui.ShowError("Could not list the problems", err)
		}
	}
}

func (r *readinessScreen) showShown() {
	if !r.list.counted() {
		setText(r.shown, "")
		return
	}
	n := r.list.length()
	if n == 0 && r.sum.Total > 0 {
		setText(r.shown, "— none of this kind.")
	} else {
		setText(r.shown, fmt.Sprintf("— %s", plural(int64(n), "problem", "problems")))
	}
}

// FindingAt returns the finding on row i of the table, once its page has
// been read. For tests and the tour: it waits for the UI goroutine and for
// the page, so never call it there.
func (r *readinessScreen) FindingAt(i int) (workspace.StoredFinding, bool) {
	var l *findingList
	onUI(func() {
		r.readList()
		l = r.list
	})
	if l == nil {
		return workspace.StoredFinding{}, false
	}
	return l.wait(i)
}

// updateCell draws one cell from the pages in memory; a row not read yet
// says "Reading…" and asks for its page (the cell callback never reads the
// project).
func (r *readinessScreen) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	f, ok := r.list.row(id.Row)
	if !ok {
		text := ""
		if id.Col == 4 && r.list != nil {
			text = "Reading…"
			r.list.misses++
		}
		setCell(o, text, widget.LowImportance, false)
		return
	}
	imp, bold, text := widget.MediumImportance, false, ""
	switch id.Col {
	case 0:
		imp, bold, text = severityImportance(f.Severity), true, severityWord(f.Severity)
	case 1:
		text = f.Entity.Label()
	case 2:
		text = f.Source
	case 3:
		if f.Row > 0 {
			text = strconv.FormatInt(f.Row, 10)
		}
	case 4:
		text = f.Message
	case 5:
		text = f.Fix
	}
	setCell(o, text, imp, bold)
}
