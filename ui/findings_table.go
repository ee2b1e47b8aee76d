package ui

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

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

// readList starts reading the table's list (once): its count, then its rows.
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
	l.cancel = cancel
	r.ui.background("findings-count", func(context.Context) func() {
		s, err := ws.SummarizeFindings(listCtx, l.filter)
		if err != nil {
			return nil // cancelled, or the pass will say
		}
		l.setCount(int(s.Total))
		return func() {
			if r.list == l {
				r.showShown()
				r.Table.Refresh()
			}
		}
	})
	var mu sync.Mutex
	var last time.Time
	r.ui.background("findings-list", func(context.Context) func() {
		if listCtx.Err() != nil {
			return nil // replaced before it started
		}
		l.read(listCtx, ws, func() {
			// the first rows at once, then at most four times a second
			mu.Lock()
			now := time.Now()
			show := last.IsZero() || now.Sub(last) > 250*time.Millisecond
			if show {
				last = now
			}
			mu.Unlock()
			if show {
				onUIAsync(func() {
					if r.list == l {
						uiWork.time("findings-progress", r.Table.Refresh)
					}
				})
			}
		})
		return func() {
			if r.list != l {
				return
			}
			if l.err != nil && !errors.Is(l.err, context.Canceled) {
				r.ui.ShowError("Could not list the problems", l.err)
			}
			r.showShown()
			r.Table.Refresh()
		}
	})
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

// FindingAt returns the finding on row i of the table, once it has been
// read. For tests and the tour: it waits for the UI goroutine and for the
// list, so never call it there.
func (r *readinessScreen) FindingAt(i int) (workspace.StoredFinding, bool) {
	var l *findingList
	onUI(func() {
		r.readList()
		l = r.list
	})
	if l == nil || i < 0 || i >= l.length() {
		return workspace.StoredFinding{}, false
	}
	return l.wait(i)
}

// updateCell draws one cell from the list in memory; a row not read yet
// says "Reading…" (the cell callback never reads the project).
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
