package ui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"handover/core/check"
	"handover/core/clean"
	"handover/core/lease"
	"handover/core/model"
	"handover/core/workspace"
)

func init() {
	moreScreens = append(moreScreens, func(ui *App) { ui.setScreen(StepClean, newClean(ui)) })
}

// settingDismissed holds the ids of duplicate suggestions the user said are
// not duplicates (JSON list), so they are not suggested again.
const settingDismissed = "dismissed_clusters"

// cleanScreen is the Clean step: likely duplicates side by side with a
// choice per field, one-click bulk fixes, and the recipe with undo/redo.
type cleanScreen struct {
	ui       *App
	content  fyne.CanvasObject
	clusters []check.Cluster
	idx      int
	searched bool
	ops      []clean.Op
	contacts int64

	title   *widget.Label
	why     *widget.Label
	compare *fyne.Container
	status  *widget.Label
	recipe  *widget.List
	choice  map[string]string // field → key of the record whose value survives
	checks  map[string][]*widget.Check

	// Pending is the last background task the screen started (tests wait on it).
	Pending *Task

	FindButton, PrevButton, NextCluster, MergeButton, NotDupButton *widget.Button
	UndoButton, RedoButton, NextButton                             *widget.Button
	BulkButtons                                                    map[string]*widget.Button
}

func newClean(ui *App) *cleanScreen {
	c := &cleanScreen{ui: ui, BulkButtons: map[string]*widget.Button{}}
	c.title = sectionTitle("Possible duplicates")
	c.why = wrapped("")
	c.status = wrapped("")
	c.compare = container.New(&formLayout{cols: []float32{150, 0, 0}})
	c.FindButton = widget.NewButtonWithIcon("Look for duplicates again", theme.SearchIcon(), func() { c.Find() })
	c.PrevButton = widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { c.show(c.idx - 1) })
	c.NextCluster = widget.NewButtonWithIcon("", theme.NavigateNextIcon(), func() { c.show(c.idx + 1) })
	c.MergeButton = widget.NewButtonWithIcon("Merge into one", theme.ContentPasteIcon(), func() { c.Merge() })
	c.MergeButton.Importance = widget.HighImportance
	c.NotDupButton = widget.NewButtonWithIcon("Not duplicates", theme.CancelIcon(), func() { c.Dismiss() })

	bulk := container.NewVBox(sectionTitle("Fix all contacts at once"))
	for _, b := range []struct{ norm, label, help string }{
		{clean.NormPhones, "Tidy phone numbers", "(555) 123-4567 → +15551234567"},
		{clean.NormEmails, "Tidy e-mail addresses", "BOB@X.COM → bob@x.com"},
		{clean.NormNameCase, "Fix name capitals", "JOHN SMITH → John Smith"},
		{clean.NormTrim, "Remove stray spaces", "“Smith  ” → “Smith”"},
		{clean.NormEmailPhones, "Phones out of e-mail", "E-mail “202-555-0143” → Phone"},
	} {
		b := b
		btn := widget.NewButton(b.label, func() {
			c.Pending = c.ui.applyOp(clean.Op{Kind: clean.Normalize, Entity: model.Contacts, Norm: b.norm}, c.afterOp)
		})
		c.BulkButtons[b.norm] = btn
		help := wrapped(b.help)
		bulk.Add(container.NewBorder(nil, nil, container.NewGridWrap(fyne.NewSize(190, 36), btn), nil, help))
	}

	c.recipe = widget.NewList(
		func() int { return len(c.ops) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("Merge 2 contacts into one")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			op := c.ops[id]
			l := o.(*widget.Label)
			text := fmt.Sprintf("%d. %s", id+1, op.Describe())
			l.Importance = widget.MediumImportance
			if op.Undone {
				text += " (undone)"
				l.Importance = widget.LowImportance
			} else if op.Status != "" && op.Status != "applied" {
				text += " — " + op.Status
				l.Importance = widget.WarningImportance
			}
			l.SetText(text)
		})
	c.UndoButton = widget.NewButtonWithIcon("Undo", theme.ContentUndoIcon(), func() { c.Undo() })
	c.RedoButton = widget.NewButtonWithIcon("Redo", theme.ContentRedoIcon(), func() { c.Redo() })
	recipeBox := container.NewBorder(
		container.NewVBox(sectionTitle("Your fixes, in order"),
			wrapped("Your files are never changed. Undo: Ctrl+Z, redo: Ctrl+Y.")),
		container.NewHBox(c.UndoButton, c.RedoButton), nil, nil, c.recipe)

	nav := container.NewBorder(nil, nil, nil, container.NewHBox(c.PrevButton, c.NextCluster, c.FindButton), c.title)
	left := container.NewBorder(
		container.NewVBox(nav, c.why,
			widget.NewLabelWithStyle("Pick, for each line, the value to keep. The merged contact keeps the first record's links.", fyne.TextAlignLeading, fyne.TextStyle{Italic: true})),
		container.NewVBox(widget.NewSeparator(), container.NewHBox(c.MergeButton, c.NotDupButton)),
		nil, nil, container.NewVScroll(c.compare))
	right := container.NewBorder(bulk, nil, nil, nil, recipeBox)
	split := container.NewHSplit(left, right)
	split.Offset = 0.66
	c.NextButton = widget.NewButtonWithIcon("Next: package", theme.NavigateNextIcon(), ui.Next)
	c.content = container.NewBorder(nil, container.NewBorder(nil, nil, nil, c.NextButton, c.status), nil, nil, split)
	return c
}

func (c *cleanScreen) Content() fyne.CanvasObject { return c.content }
func (c *cleanScreen) Done() bool                 { return c.searched && len(c.clusters) == 0 }

// Clusters are the duplicate suggestions still open (tests).
func (c *cleanScreen) Clusters() []check.Cluster { return c.clusters }

// Ops is the recipe as shown (tests).
func (c *cleanScreen) Ops() []clean.Op { return c.ops }

func (c *cleanScreen) Refresh() {
	if c.ui.project == nil {
		return
	}
	c.loadRecipe()
	if !c.searched {
		c.Find()
		return
	}
	c.show(c.idx)
}

func recipeOf(ctx context.Context, ws *workspace.Workspace) *clean.Recipe {
	country, _ := ws.Setting(ctx, workspace.SettingCountry)
	return clean.Open(ws, country)
}

// loadRecipe reads the fixes and the contact count in the background and
// shows them.
func (c *cleanScreen) loadRecipe() {
	ws := c.ui.project
	c.ui.background("recipe", func(ctx context.Context) func() {
		ops, err := recipeOf(ctx, ws).Ops(ctx)
		var counts workspace.Counts
		if err == nil {
			counts, err = ws.Counts(ctx)
		}
		return func() {
			if err != nil {
				c.ui.ShowError("Could not read your fixes", err)
				return
			}
			c.showRecipe(ops, counts.Records[model.Contacts])
		}
	})
}

func (c *cleanScreen) showRecipe(ops []clean.Op, contacts int64) {
	c.ops = ops
	c.recipe.Refresh()
	var canUndo, canRedo bool
	for _, op := range ops {
		if op.Undone {
			canRedo = true
		} else {
			canUndo = true
		}
	}
	setEnabled(c.UndoButton, canUndo)
	setEnabled(c.RedoButton, canRedo)
	c.contacts = contacts
	setText(c.status, fmt.Sprintf("%s will be migrated; %s of your fixes in effect.", plural(c.contacts, "contact", "contacts"),
		count(int64(canUndoCount(ops)))))
}

func canUndoCount(ops []clean.Op) int {
	n := 0
	for _, op := range ops {
		if !op.Undone {
			n++
		}
	}
	return n
}

func setEnabled(b *widget.Button, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}

func dismissed(ctx context.Context, ws *workspace.Workspace) map[string]bool {
	s, _ := ws.Setting(ctx, settingDismissed)
	var ids []string
	json.Unmarshal([]byte(s), &ids)
	out := map[string]bool{}
	for _, id := range ids {
		out[id] = true
	}
	return out
}

// openClusters keeps the suggestions the user has not set aside.
func openClusters(found []check.Cluster, gone map[string]bool) []check.Cluster {
	var out []check.Cluster
	for _, cl := range found {
		if !gone[cl.ID] {
			out = append(out, cl)
		}
	}
	return out
}

// Find looks for duplicate contacts in the background.
func (c *cleanScreen) Find() *Task {
	ws := c.ui.project
	var found []check.Cluster
	c.Pending = c.ui.RunTask("Looking for duplicate contacts", func(ctx context.Context, report func(Progress)) error {
		report(Progress{Stage: "Comparing names, e-mails and phone numbers"})
		all, err := check.FindDuplicates(ctx, ws, check.Options{})
		found = openClusters(all, dismissed(ctx, ws))
		return err
	}, func(err error) {
		if err != nil {
			if !errors.Is(err, context.Canceled) {
				c.ui.ShowError("Could not look for duplicates", fmt.Errorf("%v\n\nTry again with “Look for duplicates again”.", err))
			}
			c.show(c.idx)
			return
		}
		c.clusters = found
		c.searched = true
		c.show(0)
		c.ui.RefreshSteps()
	})
	return c.Pending
}

// show puts cluster i side by side.
func (c *cleanScreen) show(i int) {
	c.compare.RemoveAll()
	c.choice = map[string]string{}
	c.checks = map[string][]*widget.Check{}
	if len(c.clusters) == 0 {
		c.idx = 0
		if c.searched {
			c.title.SetText("No more possible duplicates")
			c.why.SetText("Every suggestion has been merged or set aside. You can look again after re-reading files.")
		} else {
			c.title.SetText("Possible duplicates")
			c.why.SetText("")
		}
		for _, b := range []*widget.Button{c.MergeButton, c.NotDupButton, c.PrevButton, c.NextCluster} {
			b.Disable()
		}
		c.compare.Refresh()
		return
	}
	if i < 0 {
		i = 0
	}
	if i >= len(c.clusters) {
		i = len(c.clusters) - 1
	}
	c.idx = i
	cl := c.clusters[i]
	setEnabled(c.PrevButton, i > 0)
	setEnabled(c.NextCluster, i < len(c.clusters)-1)
	c.MergeButton.Enable()
	c.NotDupButton.Enable()
	c.title.SetText(fmt.Sprintf("Possible duplicate %d of %d", i+1, len(c.clusters)))
	c.why.SetText("Why they look the same: " + strings.Join(cl.Why, "; ") + ".")

	cols := []float32{140}
	for range cl.Members {
		cols = append(cols, 0)
	}
	c.compare.Layout = &formLayout{cols: cols}
	c.compare.Add(boldLabel(""))
	fields := [][]field{}
	var order []string
	labels := map[string]string{}
	for j, m := range cl.Members {
		title := fmt.Sprintf("Record %d", j+1)
		if j == 0 {
			title += " (kept)"
		}
		head := boldLabel(title)
		src := wrapped("from " + m.Prov.String())
		src.TextStyle = fyne.TextStyle{Italic: true}
		c.compare.Add(container.NewVBox(head, src))
		fs := recordFields(m.Data)
		fields = append(fields, fs)
		for _, f := range fs {
			if _, ok := labels[f.Name]; !ok {
				labels[f.Name] = f.Label
				order = append(order, f.Name)
			}
		}
	}
	united := map[string]bool{}
	for _, n := range clean.MergeUnites {
		united[n] = true
	}
	for _, name := range order {
		vals := make([]string, len(cl.Members))
		same := true
		for j, fs := range fields {
			for _, f := range fs {
				if f.Name == name {
					vals[j] = f.Value
				}
			}
			if vals[j] != vals[0] {
				same = false
			}
		}
		if same && vals[0] == "" {
			continue
		}
		name := name
		lab := wrapped(labels[name])
		c.compare.Add(lab)
		if same {
			for _, v := range vals {
				c.compare.Add(wrapped(v))
			}
			continue
		}
		if united[name] {
			lab.SetText(labels[name] + " (all kept)")
			for _, v := range vals {
				c.compare.Add(wrapped(v))
			}
			continue
		}
		lab.TextStyle = fyne.TextStyle{Bold: true}
		// default: the first record's value, unless it is empty
		pick := 0
		for j, v := range vals {
			if vals[0] == "" && v != "" {
				pick = j
				break
			}
		}
		for j, v := range vals {
			j, text := j, v
			if text == "" {
				text = "(empty)"
			}
			chk := widget.NewCheck("", nil)
			chk.SetChecked(j == pick)
			chk.OnChanged = func(on bool) { c.choose(name, j, on) }
			c.checks[name] = append(c.checks[name], chk)
			val := wrapped(text)
			if v == "" {
				val.Importance = widget.LowImportance
			}
			c.compare.Add(container.NewBorder(nil, nil, chk, nil, val))
		}
		c.choice[name] = cl.Members[pick].Key
	}
	c.compare.Refresh()
}

// choose makes member j's value of field the one kept (the checks of a line
// behave as radio buttons).
func (c *cleanScreen) choose(name string, j int, on bool) {
	chks := c.checks[name]
	if !on {
		if c.choice[name] == c.clusters[c.idx].Members[j].Key {
			chks[j].SetChecked(true) // one must stay chosen
		}
		return
	}
	c.choice[name] = c.clusters[c.idx].Members[j].Key
	for k, other := range chks {
		if k != j && other.Checked {
			other.SetChecked(false)
		}
	}
}

// Choose picks, for a field (JSON name), the value of member j (tests).
func (c *cleanScreen) Choose(field string, j int) bool {
	chks, ok := c.checks[field]
	if !ok || j >= len(chks) {
		return false
	}
	chks[j].SetChecked(true)
	return true
}

// Choices lists the fields on show that differ between the records.
func (c *cleanScreen) Choices() map[string]string { return c.choice }

// Merge merges the cluster on show with the chosen values.
func (c *cleanScreen) Merge() *Task {
	if len(c.clusters) == 0 {
		return nil
	}
	cl := c.clusters[c.idx]
	op := clean.Op{Kind: clean.Merge, Entity: model.Contacts, Choose: map[string]string{}}
	for _, m := range cl.Members {
		op.Targets = append(op.Targets, m.Key)
	}
	for f, k := range c.choice {
		op.Choose[f] = k
	}
	id := cl.ID
	c.Pending = c.ui.applyOp(op, func() {
		for i, x := range c.clusters {
			if x.ID == id {
				c.clusters = append(c.clusters[:i], c.clusters[i+1:]...)
				break
			}
		}
		c.afterOp()
	})
	return c.Pending
}

// Dismiss sets the suggestion on show aside for good: "not duplicates".
func (c *cleanScreen) Dismiss() {
	if len(c.clusters) == 0 {
		return
	}
	ws := c.ui.project
	id := c.clusters[c.idx].ID
	c.clusters = append(c.clusters[:c.idx], c.clusters[c.idx+1:]...)
	c.show(c.idx)
	c.ui.RefreshSteps()
	c.ui.background("dismiss", func(ctx context.Context) func() {
		gone := dismissed(ctx, ws)
		gone[id] = true
		ids := make([]string, 0, len(gone))
		for id := range gone {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		b, _ := json.Marshal(ids)
		if err := ws.SetSetting(ctx, settingDismissed, string(b)); err != nil {
			return func() { c.ui.ShowError("Could not save your answer", err) }
		}
		return nil
	})
}

func (c *cleanScreen) afterOp() {
	c.loadRecipe()
	c.show(c.idx)
	c.ui.RefreshSteps()
}

// Undo takes back the latest fix; a merge taken back is suggested again.
func (c *cleanScreen) Undo() *Task { return c.undoRedo(true) }

// Redo applies again the fix undone last.
func (c *cleanScreen) Redo() *Task { return c.undoRedo(false) }

func (c *cleanScreen) undoRedo(undo bool) *Task {
	if c.ui.project == nil {
		return nil
	}
	ws := c.ui.project
	title := "Undoing"
	if !undo {
		title = "Redoing"
	}
	var found []check.Cluster
	var did bool
	c.Pending = c.ui.RunWrite(lease.Cleaning, title, func(ctx context.Context, report func(Progress)) error {
		report(Progress{Stage: title + " your last fix"})
		r := recipeOf(ctx, ws)
		var err error
		if undo {
			did, err = r.Undo(ctx)
		} else {
			did, err = r.Redo(ctx)
		}
		if err != nil || !did {
			return err
		}
		report(Progress{Stage: "Looking for duplicate contacts again"})
		all, err := check.FindDuplicates(ctx, ws, check.Options{})
		found = openClusters(all, dismissed(ctx, ws))
		return err
	}, func(err error) {
		if err != nil && !errors.Is(err, context.Canceled) {
			c.ui.ShowError("Could not "+strings.ToLower(title[:4])+" the fix", err)
		}
		if did && err == nil {
			c.clusters = found
		}
		c.afterOp()
	})
	return c.Pending
}

// applyOp adds one operation to the recipe in the background (re-applying
// the recipe can take a while on a big firm), then calls after.
func (ui *App) applyOp(op clean.Op, after func()) *Task {
	ws := ui.project
	return ui.RunWrite(lease.Cleaning, "Applying your fix", func(ctx context.Context, report func(Progress)) error {
		report(Progress{Stage: op.Describe()})
		_, err := recipeOf(ctx, ws).Add(ctx, op)
		return err
	}, func(err error) {
		switch {
		case errors.Is(err, context.Canceled):
			dialog.ShowInformation("Stopped", "The fix was not applied.", ui.Win)
		case err != nil:
			ui.ShowError("The fix could not be applied", fmt.Errorf("%v\n\nNothing was changed. Try again, or undo your last fix first.", err))
		}
		if after != nil {
			after()
		}
		ui.RefreshSteps()
	})
}
