package ui

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"handover/core/check"
	"handover/core/clean"
	"handover/core/model"
	"handover/core/readiness"
	"handover/core/workspace"
)

func init() {
	moreScreens = append(moreScreens, func(ui *App) { ui.setScreen(StepReadiness, newReadiness(ui)) })
}

// findingPage is how many findings are read from the project at a time; the
// table keeps only a few pages, so a million findings cost no memory.
const (
	findingPage     = 100
	findingPagesMax = 6
)

// readinessScreen is the Readiness step: the "stop using the old system"
// banner and its acknowledgement, what is ready, what will not be migrated,
// and every problem found, page by page.
type readinessScreen struct {
	ui      *App
	content fyne.CanvasObject
	info    readiness.Readiness
	counts  workspace.Counts
	sum     workspace.FindingSummary
	checked bool

	banner, bannerSub *widget.Label
	ackForm, ackDone  *fyne.Container
	ackDoneText       *widget.Label
	summary           *widget.Label
	overview          *fyne.Container
	tabs              *container.AppTabs
	problemsTab       *container.TabItem

	filter   workspace.FindingFilter
	total    int
	pages    map[int][]workspace.StoredFinding
	shown    *widget.Label
	Table    *widget.Table
	Severity *widget.Select
	Type     *widget.Select

	AckName    *widget.Entry
	AckCheck   *widget.Check
	AckButton  *widget.Button
	RunButton  *widget.Button
	NextButton *widget.Button
}

var findingCols = []string{"", "Type", "File", "Row", "Problem", "What to do"}
var findingColWidths = []float32{100, 115, 115, 45, 290, 290}

var severityChoices = []string{"All problems", "Must fix", "Should check", "Good to know"}

func newReadiness(ui *App) *readinessScreen {
	r := &readinessScreen{ui: ui, pages: map[int][]workspace.StoredFinding{}}

	r.banner = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	r.banner.SizeName = theme.SizeNameSubHeadingText
	r.banner.Wrapping = fyne.TextWrapWord
	r.bannerSub = wrapped("")

	r.AckName = widget.NewEntry()
	r.AckName.SetPlaceHolder("Your name")
	r.AckCheck = widget.NewCheck("Everyone at the firm has stopped entering data in the old system", func(bool) { r.updateAck() })
	r.AckName.OnChanged = func(string) { r.updateAck() }
	r.AckButton = widget.NewButtonWithIcon("Confirm the cut-off", theme.ConfirmIcon(), r.acknowledge)
	r.AckButton.Disable()
	r.ackForm = container.NewBorder(nil, nil, container.NewGridWrap(fyne.NewSize(200, 38), r.AckName), r.AckButton, r.AckCheck)
	r.ackDoneText = widget.NewLabel("")
	r.ackDoneText.Importance = widget.SuccessImportance
	r.ackDone = container.NewHBox(widget.NewIcon(theme.ConfirmIcon()), r.ackDoneText)
	r.ackDone.Hide()
	bannerBox := boxed(container.NewBorder(nil, nil, widget.NewIcon(theme.WarningIcon()), nil,
		container.NewVBox(r.banner, r.bannerSub, r.ackForm, r.ackDone)), theme.ColorNameWarning)

	r.RunButton = widget.NewButtonWithIcon("Run the check", theme.SearchIcon(), func() { r.RunCheck() })
	r.RunButton.Importance = widget.HighImportance
	r.summary = wrapped("")
	r.NextButton = widget.NewButtonWithIcon("Next: fix duplicates and problems", theme.NavigateNextIcon(), ui.Next)

	r.overview = container.NewVBox()

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
		func() (int, int) { return r.total, len(findingCols) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("placeholder text")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) { r.updateCell(id, o.(*widget.Label)) })
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
		if f, ok := r.FindingAt(id.Row); ok {
			r.ShowRecord(f)
		}
	}
	filters := container.NewHBox(widget.NewLabel("Show"), r.Severity, widget.NewLabel("in"), r.Type, r.shown)
	problems := container.NewBorder(container.NewVBox(filters,
		widget.NewLabelWithStyle("Click a problem to see the record, fix it or leave it out.", fyne.TextAlignLeading, fyne.TextStyle{Italic: true})),
		nil, nil, nil, r.Table)

	r.problemsTab = container.NewTabItemWithIcon("Problems to fix", theme.ErrorIcon(), problems)
	r.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon("What is ready", theme.InfoIcon(), container.NewVScroll(r.overview)),
		r.problemsTab)
	top := container.NewVBox(bannerBox, container.NewBorder(nil, nil, container.NewVBox(r.RunButton), nil, r.summary))
	r.content = container.NewBorder(top, container.NewHBox(r.NextButton), nil, nil, r.tabs)
	return r
}

// settingLastCheck is when the check last ran to the end (RFC 3339); re-reading
// a file clears it, since the findings no longer match the data.
const settingLastCheck = "ui_last_check"

// settingCheckStale is set when a fix changed the records after the last
// check: the list of problems may be out of date.
const settingCheckStale = "ui_check_stale"

func (r *readinessScreen) Content() fyne.CanvasObject { return r.content }
func (r *readinessScreen) Done() bool                 { return r.checked && r.info.Cutoff.Acknowledged }

// Info is what the banner and lists show (tests).
func (r *readinessScreen) Info() readiness.Readiness { return r.info }

// Total is how many findings match the filter (tests).
func (r *readinessScreen) Total() int { return r.total }

func (r *readinessScreen) Refresh() {
	ws := r.ui.project
	if ws == nil {
		return
	}
	ctx := context.Background()
	info, err := readiness.Gather(ctx, ws, time.Now())
	if err != nil {
		r.ui.ShowError("Could not work out what is ready", fmt.Errorf("%v\n\nTry opening the project again.", err))
		return
	}
	r.info = info
	last, _ := ws.Setting(ctx, settingLastCheck)
	r.checked = last != ""
	r.counts, _ = ws.Counts(ctx)
	r.sum, _ = ws.SummarizeFindings(ctx, workspace.FindingFilter{})

	r.banner.SetText(info.Banner)
	sub := "Handover only has what was in the files you exported."
	if !info.ExportedAt.IsZero() {
		sub = fmt.Sprintf("Your files were exported %s (%s). ", info.AgeText, info.ExportedAt.Local().Format("Mon 2 Jan 2006 at 15:04")) +
			"If anyone keeps working in the old system, export again and add the files again before you upload."
	}
	for _, w := range info.Warnings {
		sub += "\n• " + w
	}
	r.bannerSub.SetText(sub)
	if info.Cutoff.Acknowledged {
		r.ackForm.Hide()
		r.ackDone.Show()
		r.ackDoneText.SetText(fmt.Sprintf("Cut-off confirmed by %s on %s.", info.Cutoff.By, info.Cutoff.At.Local().Format("Mon 2 Jan 2006 at 15:04")))
	} else {
		r.ackDone.Hide()
		r.ackForm.Show()
	}

	switch {
	case !r.checked:
		msg := "Press “Run the check” to look for problems: missing names, duplicates, records that point at nothing, bad e-mails and phone numbers, odd dates."
		if r.sum.Total > 0 {
			msg += fmt.Sprintf(" (%s noted so far.)", plural(r.sum.Total, "problem", "problems"))
		}
		r.summary.SetText(msg)
	default:
		blockers := r.sum.BySeverity[model.Blocker]
		if blockers == 0 {
			r.summary.SetText(fmt.Sprintf("Nothing blocks the upload. %s to look at (%s should be checked).", plural(r.sum.Total, "finding", "findings"), count(r.sum.BySeverity[model.Warning])))
		} else {
			r.summary.SetText(fmt.Sprintf("%s must be fixed (or the records left out) before the upload; %s should be checked; %s good to know.",
				plural(blockers, "problem", "problems"), count(r.sum.BySeverity[model.Warning]), count(r.sum.BySeverity[model.Info])))
		}
	}
	if stale, _ := ws.Setting(ctx, settingCheckStale); stale != "" && r.checked {
		r.summary.SetText("You made fixes since the last check: run it again to bring this list up to date. " + r.summary.Text)
	}
	r.problemsTab.Text = fmt.Sprintf("Problems to fix (%s)", count(r.sum.Total))
	r.tabs.Refresh()
	r.buildOverview()
	r.applyFilter()
}

func (r *readinessScreen) buildOverview() {
	o := r.overview
	o.RemoveAll()

	o.Add(sectionTitle("Ready for Clio"))
	cards := container.NewGridWrap(fyne.NewSize(150, 70))
	var bars []barItem
	for _, e := range model.Entities {
		n := r.counts.Records[e]
		if n == 0 {
			continue
		}
		cards.Add(statCard(n, e.Label()))
		bars = append(bars, barItem{Label: e.Label(), Value: n})
	}
	if len(cards.Objects) == 0 {
		o.Add(widget.NewLabel("Nothing yet: add files on the Sources step."))
	}
	o.Add(cards)

	// two pictures side by side: records per type, problems by kind
	left := container.NewVBox(boldLabel("Records per type"), barChart(bars, 150))
	right := container.NewVBox(boldLabel("Problems found"))
	if r.sum.Total == 0 {
		msg := "No check has been run yet."
		if r.checked {
			msg = "No problems found."
		}
		right.Add(widget.NewLabel(msg))
	} else {
		var sev []barItem
		for _, s := range []model.Severity{model.Blocker, model.Warning, model.Info} {
			sev = append(sev, barItem{Label: severityWord(s), Value: r.sum.BySeverity[s], Color: severityColor(s)})
		}
		right.Add(barChart(sev, 150))
		right.Add(boldLabel("By kind of problem"))
		var rules []barItem
		for rule, n := range r.sum.ByRule {
			rules = append(rules, barItem{Label: ruleLabel(rule), Value: n, Color: severityColor(ruleSeverity(rule))})
		}
		sort.Slice(rules, func(i, j int) bool {
			if rules[i].Value != rules[j].Value {
				return rules[i].Value > rules[j].Value
			}
			return rules[i].Label < rules[j].Label
		})
		if len(rules) > 10 {
			rules = rules[:10]
		}
		right.Add(barChart(rules, 190))
	}
	o.Add(container.NewGridWithColumns(2, left, right))

	o.Add(widget.NewSeparator())
	o.Add(sectionTitle("What won't be migrated"))
	o.Add(wrapped("Clio has no place for these. They stay in your old system's files; here is what happens instead."))
	for _, nm := range r.info.NotMigrate {
		n := "not in your files as such"
		if nm.Count >= 0 {
			n = plural(nm.Count, "row", "rows")
		}
		what := widget.NewLabelWithStyle(nm.What, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		what.Wrapping = fyne.TextWrapWord
		o.Add(container.NewBorder(nil, nil,
			container.NewGridWrap(fyne.NewSize(260, 36), what),
			nil,
			wrapped(n+" — "+nm.Instead)))
	}
	var reasons []string
	for _, reason := range model.Reasons {
		if n := r.counts.Excluded[reason]; n > 0 {
			reasons = append(reasons, fmt.Sprintf("• %s: %s", plural(n, "row", "rows"), reason.Explain()))
		}
	}
	if len(reasons) > 0 {
		o.Add(boldLabel("Rows left out of your files, and why"))
		o.Add(wrapped(strings.Join(reasons, "\n")))
	}
	if len(r.info.Reminders) > 0 {
		o.Add(widget.NewSeparator())
		o.Add(sectionTitle("Before you upload"))
		o.Add(wrapped("• " + strings.Join(r.info.Reminders, "\n• ")))
	}
	o.Refresh()
}

// ruleSeverity is the severity most findings of a rule have (for colours).
func ruleSeverity(rule string) model.Severity {
	switch {
	case strings.HasPrefix(rule, "duplicate."), strings.HasPrefix(rule, "date.ambiguous"), strings.HasPrefix(rule, "name."),
		strings.HasPrefix(rule, "number."), strings.HasPrefix(rule, "phone."), strings.HasPrefix(rule, "datetime."):
		return model.Warning
	case strings.HasPrefix(rule, "user."), strings.HasPrefix(rule, "column."), strings.HasPrefix(rule, "table."), strings.HasPrefix(rule, "custom_field"):
		return model.Info
	}
	return model.Blocker
}

var ruleLabels = map[string]string{
	model.RuleContactMissingName:     "Contact without a name",
	model.RuleMatterMissingClient:    "Matter without a client",
	model.RuleMatterMissingDesc:      "Matter without a description",
	model.RuleMatterMissingNumber:    "Matter without a number",
	model.RuleMatterInvalidStatus:    "Unknown matter status",
	model.RuleMatterCloseBeforeOpen:  "Matter closed before it opened",
	model.RuleOrphanClient:           "Client not found",
	model.RuleOrphanMatter:           "Matter not found",
	model.RuleOrphanContact:          "Contact not found",
	model.RuleTimeMissingUser:        "Time entry without a lawyer",
	model.RuleTimeMissingDate:        "Time entry without a date",
	model.RuleTimeMissingQuantity:    "Time entry without hours",
	model.RuleTimeMissingRate:        "Time entry without a rate",
	model.RuleTimeBadDuration:        "Odd number of hours",
	model.RuleCalendarMissingField:   "Calendar entry incomplete",
	model.RuleCalendarEndBeforeStart: "Ends before it starts",
	model.RuleCalendarMissingOwner:   "Calendar entry without owner",
	model.RuleNoteMissingParent:      "Note without matter/contact",
	model.RuleTaskMissingName:        "Task without a name",
	model.RuleEmailInvalid:           "Not an e-mail address",
	model.RulePhoneInvalid:           "Phone number unreadable",
	model.RuleDateOutOfRange:         "Date far in past/future",
	model.RuleDateAmbiguous:          "Day/month order unclear",
	model.RuleNameWrongColumn:        "Name in the wrong field",
	model.RuleExcelMangled:           "Number damaged by Excel",
	model.RuleUserUnmatched:          "Lawyer/user to match",
	model.RuleCustomFieldName:        "Custom field name too long",
	model.RuleDuplicateContact:       "Possible duplicate",
	model.RuleBalanceNegative:        "Trust below zero",
	check.RuleEnumInvalid:            "Value Clio doesn't know",
	check.RuleDateInvalid:            "Unreadable date",
}

func ruleLabel(rule string) string {
	if l, ok := ruleLabels[rule]; ok {
		return l
	}
	s := strings.NewReplacer(".", " ", "_", " ").Replace(rule)
	if s == "" {
		return rule
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func (r *readinessScreen) updateAck() {
	if strings.TrimSpace(r.AckName.Text) != "" && r.AckCheck.Checked {
		r.AckButton.Enable()
		r.AckButton.Importance = widget.HighImportance
	} else {
		r.AckButton.Disable()
	}
	r.AckButton.Refresh()
}

// acknowledge records who confirmed the cut-off; the cut-off is the export
// time the banner shows.
func (r *readinessScreen) acknowledge() {
	name := strings.TrimSpace(r.AckName.Text)
	if name == "" || !r.AckCheck.Checked {
		return
	}
	cutoff := r.info.ExportedAt
	if cutoff.IsZero() {
		cutoff = time.Now()
	}
	if err := readiness.Acknowledge(context.Background(), r.ui.project, name, cutoff, time.Now()); err != nil {
		r.ui.ShowError("Could not save the confirmation", fmt.Errorf("%v\n\nTry again; if it keeps failing, check the project file is not read-only.", err))
		return
	}
	r.Refresh()
	r.ui.RefreshSteps()
}

var checkStages = map[string]string{
	"balances":   "Computing balances from the ledgers",
	"duplicates": "Looking for duplicate contacts",
	"done":       "Done",
}

// RunCheck runs every readiness rule in the background and shows the result.
func (r *readinessScreen) RunCheck() *Task {
	ws := r.ui.project
	return r.ui.RunTask("Checking your data", func(ctx context.Context, report func(Progress)) error {
		_, err := check.Run(ctx, ws, check.Options{}, func(stage string, done, total int64) {
			s, ok := checkStages[stage]
			if !ok {
				s = "Checking " + strings.ToLower(model.Entity(stage).Label())
			}
			report(Progress{Stage: s, Done: done, Total: total})
		})
		return err
	}, func(err error) {
		switch {
		case errors.Is(err, context.Canceled):
			dialog.ShowInformation("Check stopped", "The previous results are kept. Run the check again when you are ready.", r.ui.Win)
		case err != nil:
			r.ui.ShowError("The check could not finish", fmt.Errorf("%v\n\nThe previous results are kept. Try again; if it fails again, send this message to your support contact.", err))
		default:
			r.checked = true
			ws.SetSetting(context.Background(), settingLastCheck, time.Now().Format(time.RFC3339))
			ws.SetSetting(context.Background(), settingCheckStale, "")
		}
		r.Refresh()
		r.ui.RefreshSteps()
		if err == nil && r.sum.Total > 0 {
			r.tabs.Select(r.problemsTab)
		}
	})
}

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
	s, err := r.ui.project.SummarizeFindings(context.Background(), f)
	if err != nil {
		r.ui.ShowError("Could not list the problems", err)
		return
	}
	r.total = int(s.Total)
	r.pages = map[int][]workspace.StoredFinding{}
	if r.total == 0 && r.sum.Total > 0 {
		r.shown.SetText("— none of this kind.")
	} else {
		r.shown.SetText(fmt.Sprintf("— %s", plural(int64(r.total), "problem", "problems")))
	}
	r.Table.Refresh()
	r.Table.ScrollToTop()
}

// FindingAt returns the finding on row i of the table, reading its page
// from the project when it is not cached.
func (r *readinessScreen) FindingAt(i int) (workspace.StoredFinding, bool) {
	if i < 0 || i >= r.total {
		return workspace.StoredFinding{}, false
	}
	p := i / findingPage
	page, ok := r.pages[p]
	if !ok {
		f := r.filter
		f.Offset, f.Limit = p*findingPage, findingPage
		page = make([]workspace.StoredFinding, 0, findingPage)
		err := r.ui.project.EachFinding(context.Background(), f, func(sf workspace.StoredFinding) error {
			page = append(page, sf)
			return nil
		})
		if err != nil {
			return workspace.StoredFinding{}, false
		}
		if len(r.pages) >= findingPagesMax { // forget the page farthest away
			far, dist := -1, -1
			for k := range r.pages {
				d := k - p
				if d < 0 {
					d = -d
				}
				if d > dist {
					far, dist = k, d
				}
			}
			delete(r.pages, far)
		}
		r.pages[p] = page
	}
	if j := i - p*findingPage; j < len(page) {
		return page[j], true
	}
	return workspace.StoredFinding{}, false
}

func (r *readinessScreen) updateCell(id widget.TableCellID, l *widget.Label) {
	f, ok := r.FindingAt(id.Row)
	l.Importance = widget.MediumImportance
	l.TextStyle = fyne.TextStyle{}
	if !ok {
		l.SetText("")
		return
	}
	switch id.Col {
	case 0:
		l.Importance = severityImportance(f.Severity)
		l.TextStyle = fyne.TextStyle{Bold: true}
		l.SetText(severityWord(f.Severity))
	case 1:
		l.SetText(f.Entity.Label())
	case 2:
		l.SetText(f.Source)
	case 3:
		if f.Row > 0 {
			l.SetText(fmt.Sprint(f.Row))
		} else {
			l.SetText("")
		}
	case 4:
		l.SetText(f.Message)
	case 5:
		l.SetText(f.Fix)
	}
}

// ShowRecord opens the record a finding points at: its values as read from
// the file beside the values after the fixes, and a way to leave it out.
func (r *readinessScreen) ShowRecord(f workspace.StoredFinding) dialog.Dialog {
	ctx := context.Background()
	ws := r.ui.project
	where := f.Source
	if f.Row > 0 {
		where = fmt.Sprintf("%s, row %d", f.Source, f.Row)
	}
	msg := wrapped(f.Message)
	msg.TextStyle = fyne.TextStyle{Bold: true}
	body := container.NewVBox(msg, wrapped("What to do: "+f.Fix), widget.NewLabel("From "+where+"."))
	var rec *workspace.StoredRecord
	if f.RecordKey != "" && f.Entity != "" {
		var err error
		rec, err = ws.RecordByKey(ctx, f.Entity, f.RecordKey)
		if err != nil {
			r.ui.ShowError("Could not load the record", err)
			return nil
		}
	}
	if rec == nil {
		d := dialog.NewCustom(severityWord(f.Severity)+": "+ruleLabel(f.Rule), "Close", body, r.ui.Win)
		d.Resize(fyne.NewSize(640, 300))
		d.Show()
		return d
	}
	cleaned := recordFields(rec.Data)
	original := cleaned
	if rec.Cleaned {
		original = originalFields(ctx, ws, f.Entity, rec.Key)
	}
	orig := map[string]string{}
	for _, fl := range original {
		orig[fl.Name] = fl.Value
	}
	grid := container.New(&formLayout{cols: []float32{170, 0, 0}})
	grid.Add(boldLabel("Field"))
	grid.Add(boldLabel("As read from the file"))
	grid.Add(boldLabel("After your fixes"))
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
		grid.Add(name)
		grid.Add(a)
		grid.Add(b)
	}
	state := ""
	switch rec.State {
	case "excluded":
		state = "This record is left out of the migration (" + rec.StateNote + ")."
	case "merged":
		state = "This record was merged into another one."
	}
	if state != "" {
		body.Add(widget.NewLabelWithStyle(state, fyne.TextAlignLeading, fyne.TextStyle{Italic: true}))
	}
	body.Add(widget.NewSeparator())
	body.Add(grid)
	var d dialog.Dialog
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
	closeButton := widget.NewButton("Close", func() { d.Hide() })
	content := container.NewBorder(nil, container.NewHBox(action, closeButton), nil, nil, container.NewVScroll(body))
	d = dialog.NewCustomWithoutButtons(f.Entity.Label()+": "+model.DisplayName(rec.Data), content, r.ui.Win)
	d.Resize(fyne.NewSize(760, 520))
	d.Show()
	return d
}

// LeaveOut excludes the finding's record (an undoable step of the recipe).
func (r *readinessScreen) LeaveOut(f workspace.StoredFinding) *Task {
	return r.recipeOp(clean.Op{Kind: clean.Exclude, Entity: f.Entity, Targets: []string{f.RecordKey}, Note: "left out on the Readiness step: " + ruleLabel(f.Rule)})
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

// formLayout lays objects out in rows of len(cols) cells; a 0 width shares
// what is left equally. Rows are as tall as their tallest cell.
type formLayout struct{ cols []float32 }

func (g *formLayout) widths(total float32) []float32 {
	var fixed float32
	flex := 0
	for _, c := range g.cols {
		if c == 0 {
			flex++
		}
		fixed += c
	}
	pad := theme.Padding()
	out := make([]float32, len(g.cols))
	for i, c := range g.cols {
		out[i] = c
		if c == 0 {
			out[i] = (total - fixed - pad*float32(len(g.cols)-1)) / float32(flex)
			if out[i] < 80 {
				out[i] = 80
			}
		}
	}
	return out
}

func (g *formLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	w := g.widths(size.Width)
	pad := theme.Padding()
	var y float32
	for i := 0; i < len(objs); i += len(w) {
		var h float32
		for j := 0; j < len(w) && i+j < len(objs); j++ {
			objs[i+j].Resize(fyne.NewSize(w[j], objs[i+j].MinSize().Height))
			if mh := objs[i+j].MinSize().Height; mh > h {
				h = mh
			}
		}
		var x float32
		for j := 0; j < len(w) && i+j < len(objs); j++ {
			objs[i+j].Move(fyne.NewPos(x, y))
			objs[i+j].Resize(fyne.NewSize(w[j], h))
			x += w[j] + pad
		}
		y += h
	}
}

func (g *formLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	w := g.widths(0)
	var width, height float32
	for _, c := range w {
		width += c
	}
	for i := 0; i < len(objs); i += len(w) {
		var h float32
		for j := 0; j < len(w) && i+j < len(objs); j++ {
			if mh := objs[i+j].MinSize().Height; mh > h {
				h = mh
			}
		}
		height += h
	}
	return fyne.NewSize(width, height)
}
