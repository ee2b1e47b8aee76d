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

	"handover/core/clean"
	"handover/core/lease"
	"handover/core/model"
	"handover/core/workspace"
	"handover/importers/ingest"
	"handover/importers/mapping"
	"handover/importers/tabular"
)

func init() {
	moreScreens = append(moreScreens, func(ui *App) { ui.setScreen(StepMapping, newMapping(ui)) })
}

// mapTable is one table of one source and how its columns were mapped.
type mapTable struct {
	Source workspace.Source
	Table  ingest.Table
	Count  int // tables in this source
}

// mappingScreen is the Mapping step: for each table, which column goes to
// which Clio field, how sure Handover is, and a way to change it.
type mappingScreen struct {
	ui      *App
	content fyne.CanvasObject
	tables  []mapTable
	list    *widget.List
	sel     int
	title   *widget.Label
	summary *widget.Label
	rows    *fyne.Container
	note    *widget.Label
	status  *widget.Label

	// Selects, by column header, of the table on show (tests).
	Selects    map[string]*widget.Select
	Asked      asked                     // the questions on show and their answers (mapping_questions.go)
	Readings   map[string]*widget.Select // answers to the columns' questions (mapping_evidence.go)
	NextButton *widget.Button
}

func newMapping(ui *App) *mappingScreen {
	m := &mappingScreen{ui: ui, sel: -1, Selects: map[string]*widget.Select{}}
	m.list = widget.NewList(
		func() int { return len(m.tables) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("contacts.csv — Contacts")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(m.tables[id].name())
		})
	m.list.OnSelected = func(id widget.ListItemID) { m.showTable(id) }
	m.title = sectionTitle("")
	m.summary = wrapped("")
	m.note = wrapped("")
	m.status = wrapped("")
	m.status.Importance = widget.SuccessImportance
	m.rows = container.NewVBox()
	m.NextButton = widget.NewButtonWithIcon("Next: see what is ready", theme.NavigateNextIcon(), ui.Next)
	m.NextButton.Importance = widget.HighImportance

	head := container.NewBorder(nil, nil,
		container.NewGridWrap(fyne.NewSize(150, 30), boldLabel("Column in the file")),
		container.NewHBox(container.NewGridWrap(fyne.NewSize(240, 30), boldLabel("Goes to in Clio")),
			container.NewGridWrap(fyne.NewSize(120, 30), boldLabel("How sure"))),
		boldLabel("Examples from the file"))
	right := container.NewBorder(
		container.NewVBox(m.title, m.summary, widget.NewSeparator(), head),
		container.NewVBox(m.status, container.NewHBox(m.NextButton)),
		nil, nil, container.NewVScroll(m.rows))
	left := container.NewBorder(boldLabel("Tables read"), m.note, nil, nil, m.list)
	split := container.NewHSplit(left, right)
	split.Offset = 0.26
	intro := wrapped("Each column of your files goes to a field in Clio. Check the ones marked “likely” or “guess”: " +
		"pick another field from the list if it is wrong. Your choice is remembered and the file is read again.")
	m.content = container.NewBorder(intro, nil, nil, nil, split)
	return m
}

func (t mapTable) name() string {
	n := t.Source.Name
	if t.Count > 1 && t.Table.Name != "" {
		n += " › " + t.Table.Name
	}
	what := "accounting history"
	if t.Table.Lookup != "" {
		what = "lookup, not migrated"
	} else if t.Table.Entity != "" {
		what = t.Table.Entity.Label()
	}
	return n + " — " + what
}

func (m *mappingScreen) Content() fyne.CanvasObject { return m.content }
func (m *mappingScreen) Done() bool                 { return len(m.tables) > 0 && m.ui.current > StepMapping }

// Tables lists the tables the screen shows (tests).
func (m *mappingScreen) Tables() []mapTable { return m.tables }

func (m *mappingScreen) Refresh() {
	ws := m.ui.project
	if ws == nil {
		return
	}
	m.ui.background("mapping", func(ctx context.Context) func() {
		list, err := ws.Sources(ctx)
		var tables []mapTable
		var plain []string
		for _, src := range list {
			var det struct {
				Tables []ingest.Table `json:"tables"`
			}
			if len(src.Detection) > 0 {
				json.Unmarshal(src.Detection, &det)
			}
			if len(det.Tables) == 0 {
				plain = append(plain, src.Name)
			}
			for _, t := range det.Tables {
				tables = append(tables, mapTable{Source: src, Table: t, Count: len(det.Tables)})
			}
		}
		return func() {
			if err != nil {
				m.ui.ShowError("Could not list the files", err)
				return
			}
			m.show(tables, plain)
		}
	})
}

func (m *mappingScreen) show(tables []mapTable, plain []string) {
	m.tables = tables
	m.note.SetText("")
	if len(plain) > 0 {
		m.note.SetText("No columns to check in " + strings.Join(plain, ", ") + ": e-mail, calendar and address-card files have fixed fields.")
	}
	m.list.Refresh()
	sel := m.sel
	if sel < 0 || sel >= len(m.tables) {
		sel = 0
	}
	if len(m.tables) > 0 {
		if m.sel == sel {
			m.showTable(sel) // the same table, read again
		} else {
			m.list.Select(sel) // OnSelected shows it
		}
	} else {
		m.title.SetText("No tables yet")
		m.summary.SetText("Add your exported files on the Sources step first.")
		setObjects(m.rows)
	}
}

// SelectTable shows the first table whose source file is named name (tests
// and the tour); it reports whether there was one.
func (m *mappingScreen) SelectTable(name string) bool {
	for i, t := range m.tables {
		if t.Source.Name == name {
			if m.sel == i {
				m.showTable(i)
			} else {
				m.list.Select(i) // OnSelected shows it
			}
			return true
		}
	}
	return false
}

// sureness says in one word how the column's field was chosen.
func sureness(c mapping.Column) (string, widget.Importance) {
	switch {
	case c.Target == "" || c.Target == "skip":
		return "left out", widget.LowImportance
	case c.Via == mapping.ViaNone && strings.HasPrefix(c.Target, "append:"):
		return "kept as text", widget.MediumImportance
	case c.Via == mapping.ViaNone:
		return "custom field", widget.MediumImportance
	case c.Via == mapping.ViaUser:
		return "your choice", widget.SuccessImportance
	case c.Via == mapping.ViaRemembered:
		return "remembered", widget.SuccessImportance
	case c.Confidence >= 0.99:
		return "sure", widget.SuccessImportance
	case c.Confidence >= 0.9:
		return "likely", widget.WarningImportance
	}
	return "guess", widget.DangerImportance
}

// targetLabel is a Clio field name as people read it.
func targetLabel(t string) string {
	switch {
	case t == "" || t == "skip":
		return "— leave this column out —"
	case strings.HasPrefix(t, "custom:"):
		return "new custom field “" + strings.TrimPrefix(t, "custom:") + "”"
	case strings.HasPrefix(t, "append:"):
		return "added to the text as “" + strings.TrimPrefix(t, "append:") + ": …”"
	case strings.HasPrefix(t, "ledger."):
		return "ledger " + strings.TrimPrefix(t, "ledger.")
	}
	s := strings.NewReplacer("emails[", "e-mail (", "phones[", "phone (", "address[", "address (", "]", ")", ".", " ", "_", " ").Replace(t)
	return s
}

func (m *mappingScreen) showTable(i int) {
	if i < 0 || i >= len(m.tables) {
		return
	}
	m.sel = i
	t := m.tables[i]
	sys := t.Table.System
	if sys == "" {
		sys = t.Source.System
	}
	m.title.SetText(t.name())
	// every field any table of the same kind maps to, plus this column's own
	// custom-field/text fallback and "leave out"
	known := map[string]bool{}
	for _, o := range m.tables {
		if o.Table.Entity == t.Table.Entity {
			for _, c := range o.Table.Columns {
				if c.Target != "" && !strings.HasPrefix(c.Target, "custom:") && !strings.HasPrefix(c.Target, "append:") {
					known[c.Target] = true
				}
			}
		}
	}
	var sure, likely, guess, extra, out int
	var rows pile
	rows.Add(m.questionRows(t)...)
	m.Selects = map[string]*widget.Select{}
	m.Readings = map[string]*widget.Select{}
	for _, c := range t.Table.Columns {
		c := c
		word, imp := sureness(c)
		switch word {
		case "sure", "your choice", "remembered":
			sure++
		case "likely":
			likely++
		case "guess":
			guess++
		case "custom field", "kept as text":
			extra++
		default:
			out++
		}
		opts := map[string]string{}
		for k := range known {
			opts[targetLabel(k)] = k
		}
		switch t.Table.Entity {
		case model.Contacts, model.Matters:
			opts[targetLabel("custom:"+c.Header)] = "custom:" + c.Header
		case "":
		default:
			opts[targetLabel("append:"+c.Header)] = "append:" + c.Header
		}
		if c.Target != "" {
			opts[targetLabel(c.Target)] = c.Target
		}
		opts[targetLabel("skip")] = "skip"
		labels := make([]string, 0, len(opts))
		for l := range opts {
			labels = append(labels, l)
		}
		leaveOut := targetLabel("skip")
		sort.Slice(labels, func(a, b int) bool {
			if (labels[a] == leaveOut) != (labels[b] == leaveOut) { // "leave this column out" last
				return labels[b] == leaveOut
			}
			return labels[a] < labels[b]
		})
		sel := widget.NewSelect(labels, nil)
		sel.SetSelected(targetLabel(c.Target))
		sel.OnChanged = func(label string) {
			if target := opts[label]; target != c.Target && !(target == "skip" && c.Target == "") {
				m.SetTarget(t, c.Header, target)
			}
		}
		m.Selects[c.Header] = sel
		how := widget.NewLabel(word)
		how.Importance = imp
		how.TextStyle = fyne.TextStyle{Bold: imp == widget.DangerImportance || imp == widget.WarningImportance}
		samples := widget.NewLabel(strings.Join(nonEmpty(c.Samples), " · "))
		samples.Truncation = fyne.TextTruncateEllipsis
		if len(nonEmpty(c.Samples)) == 0 {
			samples.SetText("(empty in the first rows)")
			samples.Importance = widget.LowImportance
		}
		hdr := widget.NewLabel(c.Header)
		hdr.Truncation = fyne.TextTruncateEllipsis
		rows.Add(container.NewBorder(nil, nil,
			container.NewGridWrap(fyne.NewSize(150, 38), hdr),
			container.NewHBox(container.NewGridWrap(fyne.NewSize(240, 38), sel), container.NewGridWrap(fyne.NewSize(120, 38), how)),
			samples))
		rows.Add(m.evidenceLines(t, c)...)
	}
	parts := []string{fmt.Sprintf("Recognised as %s (%s). %d columns: %d sure", sys, t.Table.Profile, len(t.Table.Columns), sure)}
	if likely > 0 {
		parts = append(parts, fmt.Sprintf("%d likely", likely))
	}
	if guess > 0 {
		parts = append(parts, fmt.Sprintf("%d guessed — please check", guess))
	}
	if extra > 0 {
		what := "will become custom fields in Clio"
		if t.Table.Entity != model.Contacts && t.Table.Entity != model.Matters {
			what = "will be added to the record's text"
		}
		parts = append(parts, fmt.Sprintf("%d %s", extra, what))
	}
	if out > 0 {
		parts = append(parts, fmt.Sprintf("%d left out", out))
	}
	m.summary.SetText(strings.Join(parts, ", ") + ".")
	setObjects(m.rows, rows.objs...)
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

// SetTarget sends a column to another Clio field: the choice is remembered
// in the project (for this and later files with the same column) and the file
// is read again in the background. It returns the task (tests wait on it).
func (m *mappingScreen) SetTarget(t mapTable, header, target string) *Task {
	remember := target
	if remember == "skip" {
		remember = "" // the mapping memory's way of saying "leave out"
	}
	return m.rememberAndReread(t, header, mapping.Normalize(header), remember,
		fmt.Sprintf("“%s” now goes to %s.", header, targetLabel(target)))
}

// rememberAndReread stores one decision about a column in the project's
// mapping memory (key → value) and reads the table's file again with it.
func (m *mappingScreen) rememberAndReread(t mapTable, header, key, value, done string) *Task {
	ws := m.ui.project
	opts := ingest.Options{Profile: t.Table.Profile, Reread: true} // a database's file has not changed, its mapping has
	if t.Count > 1 {
		// one profile per table: re-read the whole file with its own settings
		opts.Profile = ""
		var prev struct {
			Tabular tabular.Options `json:"tabular"`
		}
		json.Unmarshal(t.Source.Options, &prev)
		opts.Tabular = prev.Tabular
		if opts.Tabular == (tabular.Options{}) {
			opts.Tabular.HeaderRow = t.Source.HeaderRow
		}
	}
	return m.ui.RunWrite(lease.Reading, "Reading "+t.Source.Name+" again", func(ctx context.Context, report func(Progress)) error {
		country, _ := ws.Setting(ctx, workspace.SettingCountry)
		if err := ws.Remember(ctx, key, value); err != nil {
			return err
		}
		opts.Progress = func(p ingest.Progress) {
			report(Progress{Stage: "Reading " + t.Source.Name, Done: p.Done, Total: p.Total})
		}
		if _, err := ingest.Run(ctx, ws, []string{t.Source.Path}, opts); err != nil {
			return err
		}
		report(Progress{Stage: "Re-applying your fixes"})
		_, err := clean.Open(ws, country).Replay(ctx)
		return err
	}, func(err error) {
		m.Refresh()
		m.ui.RefreshSteps()
		switch {
		case errors.Is(err, context.Canceled):
			dialog.ShowInformation("Stopped", "The file was not read again; the project is as it was.", m.ui.Win)
		case err != nil:
			m.ui.ShowError("Could not read "+t.Source.Name+" again",
				fmt.Errorf("%v\n\nYour choice for “%s” is remembered. Check the file is still there and try again.", err, header))
		default:
			m.status.SetText(fmt.Sprintf("%s %s was read again; run the check on the Readiness step to see the effect.", done, t.Source.Name))
		}
	})
}
