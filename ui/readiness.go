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
	// checkedAt is when the last check finished; upToDate that nothing it
	// reads has changed since (check.State)
	checkedAt time.Time
	upToDate  bool

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

func newReadiness(ui *App) *readinessScreen {
	r := &readinessScreen{ui: ui}

	bannerBox := r.buildCutoff()

	r.RunButton = widget.NewButtonWithIcon("Run the check", theme.SearchIcon(), func() { r.RunCheck() })
	r.RunButton.Importance = widget.HighImportance
	r.summary = wrapped("")
	r.NextButton = widget.NewButtonWithIcon("Next: fix duplicates and problems", theme.NavigateNextIcon(), ui.Next)

	r.overview = container.NewVBox()
	r.ovRecordsChart = container.NewVBox()
	r.buildOverview()

	problems := r.buildProblems()
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
			r.checkedAt, r.upToDate = state.At, state.Checked && !state.Stale
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
	switch {
	case stale && r.checked:
		msg = "You made fixes since the last check: run it again to bring this list up to date. " + msg
	case r.upToDate && !r.checkedAt.IsZero():
		// package and upload will not check again: say so
		msg = fmt.Sprintf("Checked %s, up to date: nothing has changed since. ", r.checkedAt.Local().Format("2 Jan 15:04")) + msg
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
			k := check.KindOf(rule)
			rules = append(rules, barItem{Label: k.Label, Value: n, Color: severityColor(k.Severity)})
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
