package ui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"handover/core/check"
	"handover/core/clean"
	"handover/core/lease"
	"handover/core/model"
	"handover/core/readiness"
	"handover/core/workspace"
)

func init() {
	moreScreens = append(moreScreens, func(ui *App) { ui.setScreen(StepReadiness, newReadiness(ui)) })
}

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

	// ChooseOwner is the last missing-person finding dialog's way to the
	// Upload screen's default owner (tests).
	ChooseOwner *widget.Button

	banner, bannerSub *widget.Label
	ackForm, ackDone  *fyne.Container
	ackDoneText       *widget.Label
	summary           *widget.Label
	overview          *fyne.Container
	tabs              *container.AppTabs
	problemsTab       *container.TabItem

	loaded bool // the summary has been read once
	// the "What is ready" tab's sections (showOverview)
	ovRecords, ovProblems, ovNotMigrated, ovLeftOut, ovReminders overviewPart
	ovRecordsChart                                               *fyne.Container
	afterLoad                                                    []func() // run once the summary being read is shown

	filter   workspace.FindingFilter // the filter chosen
	list     *findingList            // the table's rows, for filter (findings.go)
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
	r := &readinessScreen{ui: ui}

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
	r.ovRecordsChart = container.NewVBox()
	r.buildOverview()

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
	problems := container.NewBorder(container.NewVBox(filters,
		widget.NewLabelWithStyle("Click a problem to see the record, fix it or leave it out.", fyne.TextAlignLeading, fyne.TextStyle{Italic: true})),
		nil, nil, nil, r.Table)

	r.problemsTab = container.NewTabItemWithIcon("Problems to fix", theme.ErrorIcon(), problems)
	r.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon("What is ready", theme.InfoIcon(), container.NewVScroll(r.overview)),
		r.problemsTab)
	r.tabs.OnSelected = func(t *container.TabItem) {
		if t == r.problemsTab {
			r.readList() // the list is read when it is first looked at
		}
	}
	top := container.NewVBox(bannerBox, container.NewBorder(nil, nil, container.NewVBox(r.RunButton), nil, r.summary))
	r.content = container.NewBorder(top, container.NewHBox(r.NextButton), nil, nil, r.tabs)
	return r
}

func (r *readinessScreen) Content() fyne.CanvasObject { return r.content }
func (r *readinessScreen) Done() bool                 { return r.checked && r.info.Cutoff.Acknowledged }

// Info is what the banner and lists show (tests).
func (r *readinessScreen) Info() readiness.Readiness { return r.info }

// Total is how many findings match the filter (tests).
func (r *readinessScreen) Total() int {
	var l *findingList
	onUI(func() { l = r.list })
	return l.length()
}

func (r *readinessScreen) Refresh() { r.reload(nil) }

// reload reads what the screen shows in the background, in three parts that
// each show as soon as they are in: the summary of the problems (quick), the
// counts of records, and what the banner and the "won't be migrated" list
// say (slowest on a big firm). after (if not nil) runs once the summary is
// shown.
func (r *readinessScreen) reload(after func()) {
	ws := r.ui.project
	if ws == nil {
		return
	}
	if after != nil {
		r.afterLoad = append(r.afterLoad, after)
	}
	if !r.loaded {
		setText(r.summary, "Counting the records and the problems found…")
	}
	r.applyFilter() // the findings may have changed: a new list
	r.ui.background("readiness-summary", func(ctx context.Context) func() {
		sum, err := ws.SummarizeFindings(ctx, workspace.FindingFilter{})
		state, _ := check.ReadState(ctx, ws)
		return func() {
			if err != nil {
				r.ui.ShowError("Could not count the problems", fmt.Errorf("%v\n\nTry opening the project again.", err))
				return
			}
			r.loaded = true
			r.sum, r.checked = sum, state.Checked
			r.showSummary(state.Checked && state.Stale)
			r.showShown()
			afters := r.afterLoad
			r.afterLoad = nil
			for _, f := range afters {
				f()
			}
		}
	})
	r.ui.background("readiness-counts", func(ctx context.Context) func() {
		counts, err := ws.Counts(ctx)
		return func() {
			if err != nil {
				return // the summary's read says what went wrong
			}
			r.counts = counts
			r.showOverview()
			// the banner and the "won't be migrated" list need the counts:
			// read once, here, not again inside Gather
			r.ui.background("readiness-info", func(ctx context.Context) func() {
				info, err := readiness.GatherCounted(ctx, ws, time.Now(), counts)
				return func() {
					if err != nil {
						r.ui.ShowError("Could not work out what is ready", fmt.Errorf("%v\n\nTry opening the project again.", err))
						return
					}
					r.info = info
					r.showInfo()
					r.showOverview()
					r.ui.RefreshSteps()
				}
			})
		}
	})
}

// showInfo puts the banner and the cut-off confirmation on the screen.
func (r *readinessScreen) showInfo() {
	info := r.info
	setText(r.banner, info.Banner)
	sub := "Handover only has what was in the files you exported."
	if !info.ExportedAt.IsZero() {
		sub = fmt.Sprintf("Your files were exported %s (%s). ", info.AgeText, info.ExportedAt.Local().Format("Mon 2 Jan 2006 at 15:04")) +
			"If anyone keeps working in the old system, export again and add the files again before you upload."
	}
	for _, w := range info.Warnings {
		sub += "\n• " + w
	}
	setText(r.bannerSub, sub)
	if info.Cutoff.Acknowledged {
		r.ackForm.Hide()
		r.ackDone.Show()
		setText(r.ackDoneText, fmt.Sprintf("Cut-off confirmed by %s on %s.", info.Cutoff.By, info.Cutoff.At.Local().Format("Mon 2 Jan 2006 at 15:04")))
	} else {
		r.ackDone.Hide()
		r.ackForm.Show()
	}
}

// showSummary puts the one-line summary of the problems and the count on
// the Problems tab.
func (r *readinessScreen) showSummary(stale bool) {
	var msg string
	switch {
	case !r.checked:
		msg = "Press “Run the check” to look for problems: missing names, duplicates, records that point at nothing, bad e-mails and phone numbers, odd dates."
		if r.sum.Total > 0 {
			msg += fmt.Sprintf(" (%s noted so far.)", plural(r.sum.Total, "problem", "problems"))
		}
	case r.sum.BySeverity[model.Blocker] == 0:
		msg = fmt.Sprintf("Nothing blocks the upload. %s to look at (%s should be checked).", plural(r.sum.Total, "finding", "findings"), count(r.sum.BySeverity[model.Warning]))
	default:
		msg = fmt.Sprintf("%s must be fixed (or the records left out) before the upload; %s should be checked; %s good to know.",
			plural(r.sum.BySeverity[model.Blocker], "problem", "problems"), count(r.sum.BySeverity[model.Warning]), count(r.sum.BySeverity[model.Info]))
	}
	if stale && r.checked {
		msg = "You made fixes since the last check: run it again to bring this list up to date. " + msg
	}
	setText(r.summary, msg)
	if tab := fmt.Sprintf("Problems to fix (%s)", count(r.sum.Total)); tab != r.problemsTab.Text {
		r.problemsTab.Text = tab
		r.tabs.Refresh()
	}
	r.showOverview()
}

// overviewPart is one section of the "What is ready" tab, rebuilt only when
// what it shows changes: the tab is a few hundred widgets, and the three
// reads behind it arrive one by one.
type overviewPart struct {
	box *fyne.Container
	key string
}

func (p *overviewPart) update(key string, build func(*pile)) {
	if key == p.key {
		return
	}
	p.key = key
	var o pile
	build(&o)
	setObjects(p.box, o.objs...)
}

// buildOverview lays the tab out once: its sections, filled by showOverview.
func (r *readinessScreen) buildOverview() {
	for _, p := range []*overviewPart{&r.ovRecords, &r.ovProblems, &r.ovNotMigrated, &r.ovLeftOut, &r.ovReminders} {
		p.box = container.NewVBox()
		p.key = "-"
	}
	setObjects(r.overview,
		sectionTitle("Ready for Clio"),
		r.ovRecords.box,
		container.NewGridWithColumns(2, r.ovRecordsChart, r.ovProblems.box),
		widget.NewSeparator(),
		sectionTitle("What won't be migrated"),
		wrapped("Clio has no place for these. They stay in your old system's files; here is what happens instead."),
		r.ovNotMigrated.box,
		r.ovLeftOut.box,
		r.ovReminders.box)
}

// showOverview fills the sections whose numbers changed.
func (r *readinessScreen) showOverview() {
	counts := fmt.Sprint(r.counts.Records, r.counts.Excluded)
	r.ovRecords.update(counts, func(o *pile) {
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
			msg := "Counting…"
			if r.counts.Records != nil {
				msg = "Nothing yet: add files on the Sources step."
			}
			o.Add(widget.NewLabel(msg))
		}
		o.Add(cards)
		setObjects(r.ovRecordsChart, boldLabel("Records per type"), barChart(bars, 150))
	})
	r.ovProblems.update(fmt.Sprint(r.sum, r.checked, r.loaded), func(o *pile) {
		o.Add(boldLabel("Problems found"))
		if r.sum.Total == 0 {
			msg := "No check has been run yet."
			switch {
			case !r.loaded:
				msg = "Counting…"
			case r.checked:
				msg = "No problems found."
			}
			o.Add(widget.NewLabel(msg))
			return
		}
		var sev []barItem
		for _, s := range []model.Severity{model.Blocker, model.Warning, model.Info} {
			sev = append(sev, barItem{Label: severityWord(s), Value: r.sum.BySeverity[s], Color: severityColor(s)})
		}
		o.Add(barChart(sev, 150))
		o.Add(boldLabel("By kind of problem"))
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
		o.Add(barChart(rules, 190))
	})
	r.ovNotMigrated.update(fmt.Sprint(r.info.NotMigrate), func(o *pile) {
		if r.info.NotMigrate == nil {
			o.Add(widget.NewLabel("Counting…"))
		}
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
	})
	r.ovLeftOut.update(counts, func(o *pile) {
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
	})
	r.ovReminders.update(fmt.Sprint(r.info.Reminders), func(o *pile) {
		if len(r.info.Reminders) > 0 {
			o.Add(widget.NewSeparator())
			o.Add(sectionTitle("Before you upload"))
			o.Add(wrapped("• " + strings.Join(r.info.Reminders, "\n• ")))
		}
	})
}

// ruleSeverity is the severity most findings of a rule have (for colours).
func ruleSeverity(rule string) model.Severity {
	switch {
	case strings.HasPrefix(rule, "duplicate."), strings.HasPrefix(rule, "date.ambiguous"), strings.HasPrefix(rule, "name."), rule == model.RuleParentByDescription, strings.HasPrefix(rule, "link."),
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
	model.RuleParentAmbiguous:        "Matches two records",
	model.RuleParentByDescription:    "Matter found by description",
	model.RuleLinkUnresolved:         "Link not found",
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
	model.RuleTaskMissingAssignee:    "Task without an assignee",
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
	ws := r.ui.project
	r.AckButton.Disable()
	r.ui.background("acknowledge", func(ctx context.Context) func() {
		err := readiness.Acknowledge(ctx, ws, name, cutoff, time.Now())
		return func() {
			if err != nil {
				r.updateAck()
				r.ui.ShowError("Could not save the confirmation", fmt.Errorf("%v\n\nTry again; if it keeps failing, check the project file is not read-only.", err))
				return
			}
			r.reload(r.ui.RefreshSteps)
		}
	})
}

var checkStages = map[string]string{
	"balances":   "Computing balances from the ledgers",
	"duplicates": "Looking for duplicate contacts",
	"done":       "Done",
}

// checkStageText says in plain words what a check stage is doing.
func checkStageText(stage string) string {
	if s, ok := checkStages[stage]; ok {
		return s
	}
	return "Checking " + strings.ToLower(model.Entity(stage).Label())
}

// RunCheck runs every readiness rule in the background and shows the result.
func (r *readinessScreen) RunCheck() *Task {
	ws := r.ui.project
	return r.ui.RunWrite(lease.Checking, "Checking your data", func(ctx context.Context, report func(Progress)) error {
		_, err := check.Run(ctx, ws, check.Options{}, func(stage string, done, total int64) {
			report(Progress{Stage: checkStageText(stage), Done: done, Total: total})
		})
		return err
	}, func(err error) {
		switch {
		case errors.Is(err, context.Canceled):
			dialog.ShowInformation("Check stopped", "The previous results are kept. Run the check again when you are ready.", r.ui.Win)
		case err != nil:
			r.ui.ShowError("The check could not finish", fmt.Errorf("%v\n\nThe previous results are kept. Try again; if it fails again, send this message to your support contact.", err))
		}
		r.reload(func() {
			r.ui.RefreshSteps()
			if err == nil && r.sum.Total > 0 {
				r.tabs.Select(r.problemsTab)
			}
		})
	})
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
	body := container.NewVBox(msg, wrapped("What to do: "+f.Fix), widget.NewLabel("From "+where+"."))
	title := severityWord(f.Severity) + ": " + ruleLabel(f.Rule)
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
	d = dialog.NewCustomWithoutButtons(f.Entity.Label()+": "+ruleLabel(f.Rule), content, r.ui.Win)
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
	if size.Width <= 0 {
		// Not placed yet: Container.Add lays out after every object, and
		// wrapping text at a made-up width only to wrap it again once the
		// container is sized made filling a big grid quadratic.
		return
	}
	w := g.widths(size.Width)
	pad := theme.Padding()
	var y float32
	for i := 0; i < len(objs); i += len(w) {
		var h float32
		for j := 0; j < len(w) && i+j < len(objs); j++ {
			// a wrapped label's height depends on its width: set the width
			// first, keeping the height, so an unchanged cell is not re-wrapped
			o := objs[i+j]
			if o.Size().Width != w[j] {
				o.Resize(fyne.NewSize(w[j], o.Size().Height))
			}
			if mh := o.MinSize().Height; mh > h {
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
