package check

import (
	"fmt"
	"path/filepath"
	"strings"

	"handover/core/model"
	"handover/core/workspace"
)

// Records Clio cannot take without a person of the firm (a task's assignee,
// a calendar event's owner, a time entry's user) that the old system left
// without one are one question, not one blocker per record: a file with no
// ORGANIZER or a task list with no assignee column leaves all of them empty.
// The check says so once per type and file, with the count, and the project's
// default owner (workspace.SettingDefaultOwner, chosen on the Upload screen or
// with handover upload --default-owner) settles it. model.PersonRequired
// decides "no person" for the check and the upload alike.
//
// Each such record still gets its own finding, folded behind the one for the
// file (workspace/fold.go): hidden from the lists, but the records stay
// queryable and the readiness report still counts them as blocked.

// maxPersonExamples is how many example rows a missing-person finding lists.
const maxPersonExamples = 5

// personGap counts one type's records from one file that name no person.
type personGap struct {
	entity model.Entity
	source string
	field  string
	rule   string
	n      int64
	first  workspace.StoredRecord // provenance only
}

// personCheck is what the check knows about records with no person.
type personCheck struct {
	loaded  bool
	owner   string // the default owner saved in the project ("" = none)
	problem string // why the saved one settles nothing
	sev     model.Severity
	gaps    map[string]*personGap
}

// personCheck reads the default owner once: the per-record findings' severity
// depends on it.
func (c *checker) personCheck() (*personCheck, error) {
	if c.persons == nil {
		c.persons = &personCheck{gaps: map[string]*personGap{}}
	}
	p := c.persons
	if p.loaded {
		return p, nil
	}
	p.loaded = true
	owner, err := c.ws.Setting(c.ctx, workspace.SettingDefaultOwner)
	if err != nil {
		return nil, err
	}
	p.owner = strings.ToLower(strings.TrimSpace(owner))
	if p.owner != "" && len(c.opts.ClioUsers) > 0 && len(newUserMatcher(c.opts.ClioUsers).match(p.owner)) == 0 {
		p.problem = fmt.Sprintf("the default owner saved in the project, %s, is not one of the Clio users", p.owner)
	}
	p.sev = I
	if p.owner == "" || p.problem != "" {
		p.sev = B
	}
	return p, nil
}

// notePerson counts r, and gives it its (folded) finding, if Clio needs a
// person for it and the old system gave none.
func (c *checker) notePerson(r workspace.StoredRecord) error {
	field, rule, _, missing := model.PersonRequired(r.Data)
	if !missing {
		return nil
	}
	p, err := c.personCheck()
	if err != nil {
		return err
	}
	k := string(r.Entity) + "\x00" + r.Prov.Source
	g := p.gaps[k]
	if g == nil {
		first := r
		first.Data = nil
		g = &personGap{entity: r.Entity, source: r.Prov.Source, field: field, rule: rule, first: first}
		p.gaps[k] = g
	}
	g.n++
	return c.em.add(r, rule, p.sev, field, "", fmt.Sprintf("This %s has no %s", strings.ToLower(noun(r.Entity)), personWord(r.Entity)),
		"Choose a default owner on the Upload screen", nil)
}

// missingPersons folds the records with no person into one finding per type
// and file: a blocker until a default owner is chosen (and is one of the
// Clio users, when those are known), then an info saying where they go.
func (c *checker) missingPersons() error {
	if c.persons == nil {
		return nil
	}
	p := c.persons
	for _, k := range sortedKeys(p.gaps) {
		g := p.gaps[k]
		group := workspace.FindingGroup{Rule: g.rule, Severity: p.sev, Entity: g.entity, Source: g.source, Field: g.field, Rows: g.n}
		err := c.em.fw.Fold(c.ctx, group, maxPersonExamples, func(ex []workspace.StoredFinding) workspace.StoredFinding {
			return c.personFinding(p, g, ex)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// personFinding is the one finding for a type's records with no person in
// one file. It points at no record: leaving one out settles nothing.
func (c *checker) personFinding(p *personCheck, g *personGap, ex []workspace.StoredFinding) workspace.StoredFinding {
	where := ""
	if g.source != "" {
		where = " from " + g.source
	}
	var rows []int64
	for _, e := range ex {
		if e.Row > 0 {
			rows = append(rows, e.Row)
		}
	}
	at := ""
	switch {
	case len(rows) == 1 && g.n == 1:
		at = fmt.Sprintf(" (row %d)", rows[0])
	case len(rows) > 0:
		var rs []string
		for _, r := range rows {
			rs = append(rs, fmt.Sprint(r))
		}
		at = " (rows " + strings.Join(rs, ", ")
		if g.n > int64(len(rows)) {
			at += ", …"
		}
		at += ")"
	}
	what := personWhat(g.entity, g.n, where)
	var msg, fix string
	if p.sev == B {
		msg = fmt.Sprintf("%s%s: %s", what, at, personNeed(g.entity))
		if p.problem != "" {
			msg += "; " + p.problem
		}
		settles := "that settles it"
		if g.n > 1 {
			settles = fmt.Sprintf("that settles all %d at once", g.n)
		}
		fix = fmt.Sprintf("Choose a default owner on the Upload screen (\"Records your old system left without a person go to …\") or give handover upload --default-owner EMAIL: %s. ", settles)
		if tabular(g.source) {
			fix += fmt.Sprintf("If %s has a column naming the person, map it as the %s on the Mapping screen instead; or ", g.source, personWord(g.entity))
		} else {
			fix += "Or "
		}
		fix += fmt.Sprintf("fill in the %s in %s and export again", personWord(g.entity), c.em.system(g.first))
	} else {
		msg = fmt.Sprintf("%s%s: they go to the default owner, %s", what, at, p.owner)
		if g.entity == model.CalendarEvents {
			msg += ", on that user's calendar"
		}
		fix = "Nothing to do; choose another default owner on the Upload screen if someone else should have them"
	}
	return workspace.StoredFinding{
		Rule: g.rule, Severity: p.sev, Entity: g.entity, Source: g.first.Prov.Source, Row: g.first.Prov.Row, Field: g.field,
		Message: msg, Fix: fix, Detail: map[string]any{"records": g.n, "rows": rows, "default_owner": p.owner},
	}
}

// personWhat says "12 calendar events from cal.ics have no owner".
func personWhat(e model.Entity, n int64, where string) string {
	switch e {
	case model.Tasks:
		return plural(n, "task", "tasks") + where + pick(n, " has", " have") + " no assignee"
	case model.CalendarEvents:
		return plural(n, "calendar event", "calendar events") + where + pick(n, " has", " have") + " no owner"
	case model.TimeEntries:
		return plural(n, "time entry", "time entries") + where + pick(n, " has", " have") + " no user"
	}
	return plural(n, "record", "records") + where + pick(n, " has", " have") + " no person"
}

func pick(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func personNeed(e model.Entity) string {
	switch e {
	case model.Tasks:
		return "Clio gives every task to someone"
	case model.CalendarEvents:
		return "Clio puts every event on someone's calendar"
	case model.TimeEntries:
		return "Clio records every time entry against a user"
	}
	return "Clio needs a person for each"
}

func personWord(e model.Entity) string {
	switch e {
	case model.Tasks:
		return "assignee"
	case model.CalendarEvents:
		return "owner"
	}
	return "user"
}

// tabular says whether a source has columns one could map (not a calendar
// file, a mailbox or a card file, whose fields are fixed).
func tabular(source string) bool {
	switch strings.ToLower(filepath.Ext(source)) {
	case ".ics", ".ical", ".vcs", ".vcf", ".mbox", ".eml", ".msg", "":
		return false
	}
	return true
}
