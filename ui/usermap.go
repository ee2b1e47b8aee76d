package ui

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"handover/core/clio"
	"handover/core/model"
	"handover/core/upload"
	"handover/core/workspace"
)

// Options of the matching Selects that are not a Clio user or calendar.
const (
	leaveUnassigned    = "— leave unassigned —"
	matchAutomatically = "— match automatically again —" // only on rows settled by a choice
	ownCalendar        = "— the person's own Clio calendar —"
)

// matchEditor is the "Who is who in Clio" part of the Upload screen: each
// person named in the old system with the Clio user they become, and each
// calendar owner with the Clio calendar their events go in. A change is kept
// in the project (the command line's upload uses it too) and the plan is
// worked out again.
type matchEditor struct {
	u   *uploadScreen
	box *fyne.Container

	Users     []*matchRow
	Calendars []*matchRow
	// DefaultOwner chooses who gets the records the old system left without
	// a person; DefaultOwnerStatus says how many there are and where they go.
	DefaultOwner       *widget.Select
	DefaultOwnerStatus *widget.Label
	ownerBox           *fyne.Container // the default-owner part (to scroll to)
}

// matchRow is one legacy user (or calendar owner) and its Select.
type matchRow struct {
	Legacy string
	Select *widget.Select
	Status *widget.Label
}

func newMatchEditor(u *uploadScreen) *matchEditor {
	return &matchEditor{u: u, box: container.NewVBox()}
}

// ShowMatching scrolls the Upload screen to the matching editor (the tour's
// screenshot; a no-op before a plan is worked out).
func (u *uploadScreen) ShowMatching() {
	if len(u.matches.box.Objects) == 0 {
		return
	}
	// ScrollToOffset moves the view; Refresh would re-render every label in it
	u.scroll.ScrollToOffset(fyne.NewPos(0, u.planBox.Position().Y+u.matches.box.Position().Y-40))
}

// userRow and calendarRow find a row by the legacy name (tests).
func (m *matchEditor) userRow(legacy string) *matchRow     { return findRow(m.Users, legacy) }
func (m *matchEditor) calendarRow(legacy string) *matchRow { return findRow(m.Calendars, legacy) }

func findRow(rows []*matchRow, legacy string) *matchRow {
	for _, r := range rows {
		if r.Legacy == legacy {
			return r
		}
	}
	return nil
}

// show rebuilds the editor from a plan.
func (m *matchEditor) show(p *upload.PlanResult) {
	m.Users, m.Calendars, m.DefaultOwner, m.DefaultOwnerStatus, m.ownerBox = nil, nil, nil, nil, nil
	var objs []fyne.CanvasObject
	defer func() { setObjects(m.box, objs...) }()
	if d := p.DefaultOwner; d.Total > 0 || d.Email != "" {
		m.ownerBox = m.defaultOwner(p)
	}
	if len(p.Users) == 0 {
		if m.ownerBox != nil {
			objs = append(objs, m.ownerBox)
		}
		return
	}
	// the Clio users one can choose: enabled ones, by name
	users := enabledUsers(p.ClioUsers)
	userOptions := []string{leaveUnassigned}
	emailOf := map[string]string{leaveUnassigned: ""}
	labelOf := map[int64]string{}
	for _, cu := range users {
		l := cu.Name + " <" + cu.Email + ">"
		userOptions = append(userOptions, l)
		emailOf[l] = cu.Email
		labelOf[int64(cu.ID)] = l
	}
	calChosen := map[string]bool{}
	for _, c := range p.Calendars {
		calChosen[c.Legacy] = c.How == upload.HowChosen
	}

	objs = append(objs, sectionTitle("Who is who in Clio"), wrapped("Handover matched the people named in your old system to your Clio users. Check each one and change any that is wrong. "+
		"Your choices are kept in this project; the plan is worked out again after each change."))
	cells := []fyne.CanvasObject{boldLabel("In your old system"), boldLabel("Appears on"), boldLabel("In Clio"), boldLabel("")}
	// those that still need a choice first, then as the plan lists them (most used first)
	rows := append([]upload.UserMatch(nil), p.Users...)
	sort.SliceStable(rows, func(i, j int) bool { return !rows[i].Settled() && rows[j].Settled() })
	for _, um := range rows {
		options := userOptions
		chosen := um.How == upload.HowChosen || um.How == upload.HowUnassigned // the screen's plan uses no user map file
		if chosen {
			options = append(append([]string(nil), userOptions...), matchAutomatically)
		}
		sel := widget.NewSelect(options, nil)
		sel.PlaceHolder = "Choose a Clio user…"
		switch {
		case um.ClioID != 0 && labelOf[um.ClioID] != "":
			sel.Selected = labelOf[um.ClioID]
		case um.How == upload.HowUnassigned:
			sel.Selected = leaveUnassigned
		}
		current := sel.Selected
		sel.OnChanged = func(s string) {
			if s == current {
				return
			}
			email, legacy := emailOf[s], um.Legacy
			m.u.Pending = m.u.planAfter("Saving your choice", func(ctx context.Context, ws *workspace.Workspace) error {
				if s == matchAutomatically {
					return upload.ForgetUser(ctx, ws, legacy)
				}
				return upload.ChooseUser(ctx, ws, legacy, email)
			})
		}
		status := widget.NewLabel(userStatus(um, calChosen[um.Legacy]))
		status.Wrapping = fyne.TextWrapWord
		if !um.Settled() {
			status.Importance = widget.DangerImportance
		} else if um.How == upload.HowUnassigned {
			status.Importance = widget.WarningImportance
		}
		used := widget.NewLabel(usedFor(um.Fields))
		used.Wrapping = fyne.TextWrapWord
		cells = append(cells, legacyLabel(um.Legacy), used, sel, status)
		m.Users = append(m.Users, &matchRow{Legacy: um.Legacy, Select: sel, Status: status})
	}
	objs = append(objs, container.New(&formLayout{cols: []float32{200, 0, 340, 240}}, cells...))
	if m.ownerBox != nil { // after the people named: these records name nobody
		objs = append(objs, m.ownerBox)
	}

	if len(p.Calendars) == 0 {
		return
	}
	calOptions := []string{ownCalendar}
	calOf := map[string]clio.Calendar{}
	calLabel := map[int64]string{}
	for _, c := range p.ClioCalendars {
		l := c.Name
		if c.Type == "AccountCalendar" {
			l += " (the firm's calendar)"
		}
		if _, dup := calOf[l]; dup {
			l = fmt.Sprintf("%s (%d)", l, c.ID)
		}
		calOptions = append(calOptions, l)
		calOf[l] = c
		calLabel[int64(c.ID)] = l
	}
	objs = append(objs, sectionTitle("Whose calendar the events go in"), wrapped("Each event in Clio sits in one calendar. Normally it goes in the calendar of the person it belonged to; "+
		"you can send a person's events to another calendar instead, for example the firm's calendar for someone who is not a Clio user."))
	cells = []fyne.CanvasObject{boldLabel("Calendar owner"), boldLabel("Events"), boldLabel("Goes in"), boldLabel("")}
	for _, cm := range p.Calendars {
		sel := widget.NewSelect(calOptions, nil)
		sel.PlaceHolder = "Choose a calendar…"
		if cm.How == upload.HowChosen && calLabel[cm.CalendarID] != "" {
			sel.Selected = calLabel[cm.CalendarID]
		} else {
			sel.Selected = ownCalendar
		}
		current := sel.Selected
		sel.OnChanged = func(s string) {
			if s == current {
				return
			}
			choice, owner := upload.CalendarChoice{}, cm.Legacy
			if c, ok := calOf[s]; ok {
				choice = upload.CalendarChoice{ID: int64(c.ID), Name: c.Name}
			}
			m.u.Pending = m.u.planAfter("Saving your choice", func(ctx context.Context, ws *workspace.Workspace) error {
				return upload.ChooseCalendar(ctx, ws, owner, choice)
			})
		}
		status := widget.NewLabel(calendarStatus(cm))
		status.Wrapping = fyne.TextWrapWord
		if cm.CalendarID == 0 {
			status.Importance = widget.DangerImportance
		}
		cells = append(cells, legacyLabel(cm.Legacy), widget.NewLabel(plural(cm.Events, "event", "events")), sel, status)
		m.Calendars = append(m.Calendars, &matchRow{Legacy: cm.Legacy, Select: sel, Status: status})
	}
	objs = append(objs, container.New(&formLayout{cols: []float32{200, 0, 340, 240}}, cells...))
}

// legacyLabel shows a name as the old system wrote it; a long e-mail breaks
// across lines rather than running into the next column.
func legacyLabel(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapBreak
	return l
}

// usedFor says in words where the old system names a person.
func usedFor(fields map[string]int64) string {
	order := []struct{ key, one, many string }{
		{string(model.Matters) + ".responsible_attorney", "responsible attorney on 1 matter", "responsible attorney on %s matters"},
		{string(model.Matters) + ".originating_attorney", "originating attorney on 1 matter", "originating attorney on %s matters"},
		{string(model.Tasks) + ".assignee", "1 task", "%s tasks"},
		{string(model.CalendarEvents) + ".calendar_owner", "1 calendar event", "%s calendar events"},
		{string(model.TimeEntries) + ".user", "1 time entry", "%s time entries"},
		{string(model.PhoneLogs) + ".user", "1 phone call", "%s phone calls"},
	}
	var parts []string
	seen := map[string]bool{}
	for _, o := range order {
		seen[o.key] = true
		switch n := fields[o.key]; {
		case n == 1:
			parts = append(parts, o.one)
		case n > 1:
			parts = append(parts, fmt.Sprintf(o.many, count(n)))
		}
	}
	var rest int64
	for k, n := range fields {
		if !seen[k] {
			rest += n
		}
	}
	if rest > 0 {
		parts = append(parts, plural(rest, "other record", "other records"))
	}
	return strings.Join(parts, ", ")
}

// userStatus says how a person was matched, or what is missing.
func userStatus(um upload.UserMatch, calendarChosen bool) string {
	switch {
	case um.ClioID != 0:
		switch um.How {
		case "email":
			return "Found automatically (same e-mail)"
		case "name":
			return "Found automatically (same name)"
		case "initials":
			return "Found automatically (same initials) — check it"
		case upload.HowUserMap:
			return "From the user map file"
		}
		return "Your choice"
	case um.How == upload.HowUnassigned:
		var lost []string
		for _, f := range []struct{ key, what string }{
			{string(model.Tasks) + ".assignee", "tasks"}, {string(model.TimeEntries) + ".user", "time entries"}, {string(model.CalendarEvents) + ".calendar_owner", "calendar events"},
		} {
			if um.Fields[f.key] > 0 && !(f.key == string(model.CalendarEvents)+".calendar_owner" && calendarChosen) {
				lost = append(lost, f.what)
			}
		}
		s := "Left unassigned"
		if um.Fields[string(model.Matters)+".responsible_attorney"]+um.Fields[string(model.Matters)+".originating_attorney"] > 0 {
			s += ": the matters go without this attorney"
		}
		if len(lost) > 0 {
			s += ". Their " + strings.Join(lost, ", ") + " are not uploaded (Clio needs a person)"
		}
		return s
	case um.Settled():
		return "Not a Clio user: the events go in the calendar chosen below"
	case um.Problem != "":
		return "Needs a choice: " + um.Problem
	}
	return "Needs a choice: no Clio user has this name, e-mail or initials"
}

func calendarStatus(cm upload.CalendarMatch) string {
	switch {
	case cm.CalendarID == 0 && cm.Problem != "":
		return "No calendar: " + cm.Problem
	case cm.CalendarID == 0:
		return "No calendar yet"
	case cm.How == upload.HowChosen:
		return "Your choice"
	}
	return "Goes in " + cm.CalendarName + " (their own calendar)"
}

// Options of the default-owner Select that are not a Clio user.
const noDefaultOwner = "— nobody: skip them —"

// defaultOwner is the part of the editor for the records the old system left
// without a person (no assignee column, an iCalendar file with no
// ORGANIZER, a time sheet with no user): one Clio user gets them all.
func (m *matchEditor) defaultOwner(p *upload.PlanResult) *fyne.Container {
	d := p.DefaultOwner
	options := []string{noDefaultOwner}
	emailOf := map[string]string{noDefaultOwner: ""}
	selected := noDefaultOwner
	users := enabledUsers(p.ClioUsers)
	for _, cu := range users {
		l := cu.Name + " <" + cu.Email + ">"
		options = append(options, l)
		emailOf[l] = cu.Email
		if int64(cu.ID) == d.ClioID {
			selected = l
		}
	}
	sel := widget.NewSelect(options, nil)
	sel.Selected = selected
	sel.OnChanged = func(s string) {
		if s == selected {
			return
		}
		email := emailOf[s]
		m.u.Pending = m.u.planAfter("Saving your choice", func(ctx context.Context, ws *workspace.Workspace) error {
			return upload.ChooseDefaultOwner(ctx, ws, email)
		})
	}
	status := wrapped(defaultOwnerStatus(d))
	switch {
	case d.Problem != "" || d.ClioID == 0 && d.Total > 0:
		status.Importance = widget.DangerImportance
	case d.ClioID != 0:
		status.Importance = widget.SuccessImportance
	}
	m.DefaultOwner, m.DefaultOwnerStatus = sel, status
	intro := "Your old system named nobody on some records, and Clio needs a person for each: " + personless(d) + "."
	if d.Total == 0 {
		intro = "Every task, calendar event and time entry in this project names its person."
	}
	return container.NewVBox(
		sectionTitle("Records with no one named"),
		wrapped(intro),
		container.New(&formLayout{cols: []float32{420, 340}},
			widget.NewLabel("Records your old system left without a person go to"), sel),
		status,
	)
}

func enabledUsers(all []clio.User) []clio.User {
	var users []clio.User
	for _, cu := range all {
		if cu.Enabled {
			users = append(users, cu)
		}
	}
	sort.SliceStable(users, func(i, j int) bool { return strings.ToLower(users[i].Name) < strings.ToLower(users[j].Name) })
	return users
}

// personless says "12 tasks, 1 calendar event and 3 time entries".
func personless(d upload.DefaultOwnerPlan) string {
	var parts []string
	for _, f := range []struct {
		e         model.Entity
		one, many string
	}{{model.Tasks, "task", "tasks"}, {model.CalendarEvents, "calendar event", "calendar events"}, {model.TimeEntries, "time entry", "time entries"}} {
		if n := d.Records[f.e]; n > 0 {
			parts = append(parts, plural(n, f.one, f.many))
		}
	}
	switch len(parts) {
	case 0:
		return "none"
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// defaultOwnerStatus says what the plan does with the records with no person.
func defaultOwnerStatus(d upload.DefaultOwnerPlan) string {
	switch {
	case d.Problem != "":
		return "Needs a choice: " + d.Problem + "."
	case d.ClioID != 0 && d.Total == 0:
		return "Kept in this project for later: no record needs it now."
	case d.ClioID != 0:
		s := "The plan gives " + personless(d) + " to " + d.Name
		if d.Records[model.CalendarEvents] > 0 {
			s += " (the events go on " + d.Name + "'s calendar)"
		}
		return s + ". Your choice is kept in this project."
	}
	return "Needs a choice: without one, these records are not uploaded (“upload the rest” skips and lists them)."
}

// ShowDefaultOwner scrolls the Upload screen to the default-owner choice
// (the tour's screenshot; a no-op when the plan has none).
func (u *uploadScreen) ShowDefaultOwner() {
	if u.matches.ownerBox == nil {
		return
	}
	u.scroll.ScrollToOffset(fyne.NewPos(0, u.planBox.Position().Y+u.matches.box.Position().Y+u.matches.ownerBox.Position().Y-16))
}
