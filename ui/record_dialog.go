package ui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"handover/core/check"
	"handover/core/clean"
	"handover/core/model"
	"handover/core/workspace"
)

// ShowRecord opens the record a finding points at: its values as read from
// the file beside the values after the fixes, and a way to leave it out. The
// dialog opens at once; the record is read in the background.
func (r *readinessScreen) ShowRecord(f workspace.StoredFinding) dialog.Dialog {
	ws := r.ui.project
	where := f.Source
	if f.Row > 0 {
		where = fmt.Sprintf("%s, row %d", f.Source, f.Row)
	}
	msg := wrapped(f.Message)
	msg.TextStyle = fyne.TextStyle{Bold: true}
	kind := check.KindOf(f.Rule)
	body := container.NewVBox(msg, wrapped("What to do: "+f.Fix), widget.NewLabel("From "+where+"."))
	if kind.Help != "" {
		help := wrapped(kind.Label + ": " + kind.Help)
		help.TextStyle = fyne.TextStyle{Italic: true}
		body.Add(help)
	}
	title := severityWord(f.Severity) + ": " + kind.Label
	if f.RecordKey == "" || f.Entity == "" {
		d := dialog.NewCustom(title, "Close", container.NewVScroll(body), r.ui.Win)
		if slices.Contains(model.MissingPersonRules, f.Rule) && f.Severity == model.Blocker {
			// one choice settles every such record: it is made on the Upload screen
			r.ChooseOwner = widget.NewButtonWithIcon("Choose who gets them on the Upload screen", theme.NavigateNextIcon(), func() {
				d.Hide()
				r.ui.Show(StepUpload)
			})
			body.Add(r.ChooseOwner)
		}
		d.Resize(fyne.NewSize(680, 300))
		if f.Source != "" && f.Rule != "" {
			// a finding said once for a column (or a file) stands for
			// per-row findings kept in the project: show the first few
			r.ui.background("column-rows", func(ctx context.Context) func() {
				all := check.FoldedFindings(f)
				some := all
				some.Limit = 5
				var rows []workspace.StoredFinding
				ws.EachFinding(ctx, some, func(g workspace.StoredFinding) error {
					rows = append(rows, g)
					return nil
				})
				sum, _ := ws.SummarizeFindings(ctx, all)
				return func() {
					if len(rows) == 0 {
						return
					}
					head := "The rows, for example:"
					if sum.Total > int64(len(rows)) {
						head = fmt.Sprintf("The first %d of its %s:", len(rows), plural(sum.Total, "row", "rows"))
					}
					body.Add(boldLabel(head))
					for _, g := range rows {
						body.Add(wrapped(fmt.Sprintf("Row %d: %s", g.Row, g.Message)))
					}
					d.Resize(fyne.NewSize(680, min(560, max(300, body.MinSize().Height+110))))
				}
			})
		}
		d.Show()
		return d
	}
	var d dialog.Dialog
	closeButton := widget.NewButton("Close", func() { d.Hide() })
	buttons := container.NewHBox(closeButton)
	loading := widget.NewLabelWithStyle("Reading the record…", fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
	body.Add(loading)
	content := container.NewBorder(nil, buttons, nil, nil, container.NewVScroll(body))
	d = dialog.NewCustomWithoutButtons(f.Entity.Label()+": "+kind.Label, content, r.ui.Win)
	d.Resize(fyne.NewSize(760, 520))
	d.Show()
	r.ui.background("record", func(ctx context.Context) func() {
		rec, err := ws.RecordByKey(ctx, f.Entity, f.RecordKey)
		var cleaned, original []field
		if rec != nil {
			cleaned = recordFields(rec.Data)
			original = cleaned
			if rec.Cleaned {
				original = originalFields(ctx, ws, f.Entity, rec.Key)
			}
		}
		return func() {
			body.Remove(loading)
			switch {
			case err != nil:
				d.Hide()
				r.ui.ShowError("Could not load the record", err)
			case rec == nil:
				body.Add(widget.NewLabel("The record is no longer in the project (the file was read again or removed)."))
			default:
				r.fillRecord(f, rec, cleaned, original, body, buttons, d)
			}
		}
	})
	return d
}

// fillRecord puts a record's fields and the action that fits its state in
// the dialog ShowRecord opened.
func (r *readinessScreen) fillRecord(f workspace.StoredFinding, rec *workspace.StoredRecord, cleaned, original []field,
	body, buttons *fyne.Container, d dialog.Dialog) {
	orig := map[string]string{}
	for _, fl := range original {
		orig[fl.Name] = fl.Value
	}
	name := boldLabel(model.DisplayName(rec.Data))
	name.SizeName = theme.SizeNameSubHeadingText
	objs := append([]fyne.CanvasObject{name}, body.Objects...)
	cells := []fyne.CanvasObject{boldLabel("Field"), boldLabel("As read from the file"), boldLabel("After your fixes")}
	for _, fl := range cleaned {
		name := widget.NewLabel(fl.Label)
		a, b := wrapped(orig[fl.Name]), wrapped(fl.Value)
		if f.Field != "" && (strings.HasPrefix(fl.Name, f.Field) || strings.HasPrefix(f.Field, fl.Name)) {
			name.Importance = severityImportance(f.Severity)
			name.TextStyle = fyne.TextStyle{Bold: true}
		}
		if orig[fl.Name] != fl.Value {
			b.TextStyle = fyne.TextStyle{Bold: true}
		}
		cells = append(cells, name, a, b)
	}
	state := ""
	switch rec.State {
	case "excluded":
		state = "This record is left out of the migration (" + rec.StateNote + ")."
	case "merged":
		state = "This record was merged into another one."
	}
	if state != "" {
		objs = append(objs, widget.NewLabelWithStyle(state, fyne.TextAlignLeading, fyne.TextStyle{Italic: true}))
	}
	objs = append(objs, widget.NewSeparator(), container.New(&formLayout{cols: []float32{170, 0, 0}}, cells...))
	setObjects(body, objs...)
	var action *widget.Button
	if rec.State == "excluded" {
		action = widget.NewButtonWithIcon("Take it back into the migration", theme.ContentUndoIcon(), func() {
			d.Hide()
			r.recipeOp(clean.Op{Kind: clean.Include, Entity: f.Entity, Targets: []string{rec.Key}})
		})
	} else {
		action = widget.NewButtonWithIcon("Leave this record out", theme.DeleteIcon(), func() {
			d.Hide()
			r.LeaveOut(f)
		})
		action.Importance = widget.DangerImportance
	}
	buttons.Objects = append([]fyne.CanvasObject{action}, buttons.Objects...)
	buttons.Refresh()
}

// LeaveOut excludes the finding's record (an undoable step of the recipe).
func (r *readinessScreen) LeaveOut(f workspace.StoredFinding) *Task {
	return r.recipeOp(clean.Op{Kind: clean.Exclude, Entity: f.Entity, Targets: []string{f.RecordKey}, Note: "left out on the Readiness step: " + check.KindOf(f.Rule).Label})
}

func (r *readinessScreen) recipeOp(op clean.Op) *Task {
	return r.ui.applyOp(op, func() { r.Refresh() })
}

// originalFields finds a record's values as imported. Records are streamed
// (one type only) until the key turns up.
func originalFields(ctx context.Context, ws *workspace.Workspace, e model.Entity, key string) []field {
	var out []field
	found := errors.New("found")
	ws.EachRecord(ctx, workspace.RecordFilter{Entity: e, IncludeOff: true, Original: true}, func(sr workspace.StoredRecord) error {
		if sr.Key == key {
			out = recordFields(sr.Data)
			return found
		}
		return nil
	})
	return out
}
