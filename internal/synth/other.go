package synth

import (
	"fmt"
	"strings"
	"time"

	"handover/core/model"
)

const (
	tslotNoName    = 4 // task without a name
	nslotNoParent  = 3 // note with neither matter nor contact
	nslotMultiLine = 2 // note text with a line break inside quotes
)

var taskNames = []string{"File motion to compel", "Send engagement letter", "Order title search", "Draft will", "Calendar hearing",
	"Request medical records", "Prepare discovery responses", "Follow up on retainer", "Record deed", "Serve subpoena"}
var priorities = []string{"High", "Normal", "Normal", "Low"}
var taskStatuses = []string{"Not Started", "In Progress", "Completed", "Waiting on someone else"}

func (g *gen) otherTasks() error {
	const rel = "other/tasks.csv"
	t, err := g.table(rel, EncUTF8, ',', false, false)
	if err != nil {
		return err
	}
	t.Rec("Task", "Description", "Matter", "Assigned To", "Due Date", "Priority", "Status")
	r := g.rng(rel, 0)
	for i := 0; i < g.nTasks; i++ {
		m := g.matterAt(g.goodMatter(r.IntN(g.nMatters)))
		name := taskNames[r.IntN(len(taskNames))]
		due := day(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), r.IntN(90))
		if i == 0 {
			due = time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
		}
		desc := fmt.Sprintf("%s for %s", name, m.Desc)
		if i%period == tslotNoName {
			name = ""
		}
		row := t.Rec(name, desc, m.Number, Lawyers[r.IntN(len(Lawyers))].Name(), mdy(due), priorities[r.IntN(len(priorities))], taskStatuses[r.IntN(len(taskStatuses))])
		if i%period == tslotNoName {
			g.plant(Planted{Rule: model.RuleTaskMissingName, File: rel, Row: row, Entity: model.Tasks, Field: "name", Value: desc, Note: "Task column empty"})
		}
	}
	if err := t.Close(); err != nil {
		return err
	}
	g.addFile(rel, FileTruth{Entity: model.Tasks, Format: "generic-csv", Encoding: EncUTF8, Delimiter: ",", Header: true,
		Rows: g.nTasks, Records: g.nTasks, Note: "Due Date MM/DD/YYYY; Assigned To = lawyer full name; Status Not Started/In Progress/Completed/Waiting on someone else; LF"})
	return nil
}

var noteSubjects = []string{"Call with client", "Strategy", "Conflict check", "Settlement offer", "Court clerk update", "Document review", "Fee discussion"}

func (g *gen) otherNotes() error {
	const rel = "other/notes.csv"
	t, err := g.table(rel, EncUTF8, ',', false, false)
	if err != nil {
		return err
	}
	t.Rec("Matter", "Date", "Subject", "Note", "Author")
	r := g.rng(rel, 0)
	for i := 0; i < g.nNotes; i++ {
		m := g.matterAt(g.goodMatter(r.IntN(g.nMatters)))
		d := day(time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), r.IntN(300))
		if i == 0 {
			d = time.Date(2026, 2, 19, 0, 0, 0, 0, time.UTC)
		}
		subj := noteSubjects[r.IntN(len(noteSubjects))]
		cl := g.pclawClient(m.ClientIdx).Display()
		text := fmt.Sprintf("%s: discussed next steps with %s.", subj, strings.TrimSuffix(cl, "."))
		num := m.Number
		switch i % period {
		case nslotNoParent:
			num = ""
			text = "Reminder: update the conflicts database before year end."
			subj = "General"
		case nslotMultiLine:
			text = fmt.Sprintf("Spoke with %s.\nAgreed to send the revised draft by Friday.\nFollow up next week.", cl)
		}
		row := t.Rec(num, mdy(d), subj, text, Lawyers[r.IntN(len(Lawyers))].Name())
		if i%period == nslotNoParent {
			g.plant(Planted{Rule: model.RuleNoteMissingParent, File: rel, Row: row, Entity: model.Notes, Field: "matter", Value: text, Note: "no matter and no contact"})
		}
	}
	if err := t.Close(); err != nil {
		return err
	}
	g.addFile(rel, FileTruth{Entity: model.Notes, Format: "generic-csv", Encoding: EncUTF8, Delimiter: ",", Header: true,
		Rows: g.nNotes, Records: g.nNotes, Note: "Date MM/DD/YYYY; one Note per block holds line breaks inside quotes (rows count records, not lines); LF"})
	return nil
}

var callSubjects = []string{"Returned call", "Question about invoice", "Scheduling", "Left voicemail", "Status of case", "New matter inquiry"}

func (g *gen) otherPhoneLog() error {
	const rel = "other/phone-log.csv"
	t, err := g.table(rel, EncUTF8, ',', false, false)
	if err != nil {
		return err
	}
	t.Rec("Date", "Time", "Matter", "Caller", "Staff", "Subject", "Notes")
	r := g.rng(rel, 0)
	for i := 0; i < g.nPhone; i++ {
		m := g.matterAt(g.goodMatter(r.IntN(g.nMatters)))
		// DD/MM/YYYY with every day ≤ 12: the order cannot be told from the column.
		d := time.Date(2026, time.Month(1+r.IntN(10)), 1+r.IntN(12), 0, 0, 0, 0, time.UTC)
		date := d.Format("02/01/2006")
		h, min := 8+r.IntN(10), 5*r.IntN(12)
		ampm := "AM"
		if h >= 12 {
			ampm = "PM"
			if h > 12 {
				h -= 12
			}
		}
		staff := Lawyers[r.IntN(len(Lawyers))]
		row := t.Rec(date, fmt.Sprintf("%d:%02d %s", h, min, ampm), m.Number, g.pclawClient(m.ClientIdx).Display(), staff.Initials,
			callSubjects[r.IntN(len(callSubjects))], fmt.Sprintf("Re %s. Call back at %s.", m.Desc, g.pclawClient(m.ClientIdx).Phone))
		if i == 0 {
			g.plant(Planted{Rule: model.RuleDateAmbiguous, File: rel, Row: row, Entity: model.PhoneLogs, Field: "Date", Value: date,
				Note: "the whole Date column is DD/MM/YYYY with every day ≤ 12 (planted once, on the column; row points at its first value)"})
		}
	}
	if err := t.Close(); err != nil {
		return err
	}
	g.addFile(rel, FileTruth{Entity: model.PhoneLogs, Format: "generic-csv", Encoding: EncUTF8, Delimiter: ",", Header: true,
		Rows: g.nPhone, Records: g.nPhone, Note: "Date DD/MM/YYYY (ambiguous: all days ≤ 12); Time h:mm AM/PM; Staff = initials; LF"})
	return nil
}
