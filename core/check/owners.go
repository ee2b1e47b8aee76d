package check

import (
	"fmt"
	"slices"
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
	rows   []int64                // the first few rows, for the message
}

// notePerson counts r if Clio needs a person for it and the old system gave none.
func (c *checker) notePerson(r workspace.StoredRecord) {
	field, rule, _, missing := model.PersonRequired(r.Data)
	if !missing {
		return
	}
	if c.persons == nil {
		c.persons = map[string]*personGap{}
	}
	k := string(r.Entity) + "\x00" + r.Prov.Source
	g := c.persons[k]
	if g == nil {
		first := r
		first.Data = nil
		g = &personGap{entity: r.Entity, source: r.Prov.Source, field: field, rule: rule, first: first}
		c.persons[k] = g
	}
	g.n++
	if len(g.rows) < maxPersonExamples && r.Prov.Row > 0 {
		g.rows = append(g.rows, r.Prov.Row)
	}
}

// missingPersons writes one finding per type and file with records that
// name no person: a blocker until a default owner is chosen (and is one of
// the Clio users, when those are known), then an info saying where they go.
func (c *checker) missingPersons() error {
	owner, err := c.ws.Setting(c.ctx, workspace.SettingDefaultOwner)
	if err != nil {
		return err
	}
	owner = strings.ToLower(strings.TrimSpace(owner))
	ownerProblem := ""
	if owner != "" && len(c.opts.ClioUsers) > 0 && len(newUserMatcher(c.opts.ClioUsers).match(owner)) == 0 {
		ownerProblem = fmt.Sprintf("the default owner saved in the project, %s, is not one of the Clio users", owner)
	}
	for _, k := range sortedKeys(c.persons) {
		g := c.persons[k]
		where := ""
		if g.source != "" {
			where = " from " + g.source
		}
		what := personWhat(g.entity, g.n, where)
		rows := ""
		if len(g.rows) > 0 {
			var rs []string
			for _, r := range g.rows {
				rs = append(rs, fmt.Sprint(r))
			}
			rows = " (rows " + strings.Join(rs, ", ")
			if g.n > int64(len(g.rows)) {
				rows += ", …"
			}
			rows += ")"
			if len(g.rows) == 1 && g.n == 1 {
				rows = fmt.Sprintf(" (row %d)", g.rows[0])
			}
		}
		detail := map[string]any{"records": g.n, "rows": slices.Clone(g.rows), "default_owner": owner}
		sev, msg, fix := B, "", ""
		switch {
		case owner == "" || ownerProblem != "":
			msg = fmt.Sprintf("%s%s: %s", what, rows, personNeed(g.entity))
			fix = fmt.Sprintf("Choose a default owner on the Upload screen (\"Records your old system left without a person go to …\") or give handover upload --default-owner EMAIL: that settles all %d at once. Or fill in the %s in %s and export again",
				g.n, personWord(g.entity), c.em.system(g.first))
			if ownerProblem != "" {
				msg += "; " + ownerProblem
			}
		default:
			sev = I
			msg = fmt.Sprintf("%s%s: they go to the default owner, %s", what, rows, owner)
			if g.entity == model.CalendarEvents {
				msg += ", on that user's calendar"
			}
			fix = "Nothing to do; choose another default owner on the Upload screen if someone else should have them"
		}
		f := g.first
		if err := c.em.fw.Add(c.ctx, workspace.StoredFinding{
			// No record key or row id: the finding is about every such
			// record of the file, and leaving one record out does not settle it.
			Rule: g.rule, Severity: sev, Entity: g.entity, Source: f.Prov.Source, Row: f.Prov.Row, Field: g.field,
			Message: msg, Fix: fix, Detail: detail,
		}); err != nil {
			return err
		}
	}
	return nil
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
		return "organizer"
	}
	return "user"
}
