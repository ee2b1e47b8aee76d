package mapping

import (
	"testing"

	"handover/core/model"
)

// A column no header rule knows is sent to the field its values fill when
// the table lacks that field and no other column qualifies.
func TestTargetByValues(t *testing.T) {
	rows := [][]string{{"1", "16-1001", "20260623", "Discussed the case"}, {"2", "16-1002", "20250228", "Called the client"}}
	p, outs := run(t, "notes.csv", []string{"ID", "Matter", "Field 3", "Note"}, rows, Memory{"note": "body"}, "")
	if p.Entity != model.Notes {
		t.Fatalf("entity %q", p.Entity)
	}
	if c := column(t, p, "Field 3"); c.Target != "date" || c.Via != ViaValues || c.Evidence == "" {
		t.Errorf("Field 3: %+v", c)
	}
	if d := outs[0].Records[0].Data.(*model.Note).Date; d != "2026-06-23" {
		t.Errorf("note date %q", d)
	}

	// Julian days in a tasks table under a header no rule knows.
	rows = [][]string{{"Call the court", "2460384.5", "HL"}, {"File the answer", "2460400.5", "DK"}}
	p, outs = run(t, "tasks.csv", []string{"Task", "Field 2", "Assigned To"}, rows, nil, "")
	if d := outs[0].Records[0].Data.(*model.Task).DueAt; d != "2024-03-15" || column(t, p, "Field 2").Target != "due_date" {
		t.Errorf("due %q, column %+v", d, column(t, p, "Field 2"))
	}

	// Status words on a matters table.
	rows = [][]string{{"16-1001", "Doe divorce", "Closed"}, {"16-1002", "Roe estate", "Open"}, {"16-1003", "Acme lease", "On hold"}}
	p, outs = run(t, "matters.csv", []string{"Matter Number", "Description", "Field 3"}, rows, nil, "")
	if s := outs[0].Records[0].Data.(*model.Matter).Status; s != "Closed" || column(t, p, "Field 3").Target != "status" {
		t.Errorf("status %q, column %+v", s, column(t, p, "Field 3"))
	}
}

func TestTargetByValuesLeavesDoubtAlone(t *testing.T) {
	// Two date columns: which is the note's date is not for the values to say.
	rows := [][]string{{"16-1001", "20260623", "20260701", "x"}, {"16-1002", "20250228", "20250301", "y"}}
	p, _ := run(t, "notes.csv", []string{"Matter", "Field 2", "Field 3", "Note"}, rows, Memory{"note": "body"}, "")
	if c := column(t, p, "Field 2"); c.Via == ViaValues {
		t.Errorf("Field 2 sent to %q", c.Target)
	}
	// Numbers 1000–5000 are Excel day numbers only to a date column: an id
	// column's numbers are not dates.
	rows = [][]string{{"1001", "16-1001", "Discussed"}, {"4500", "16-1002", "Called"}}
	p, _ = run(t, "notes.csv", []string{"Ref", "Matter", "Note"}, rows, Memory{"note": "body"}, "")
	if c := column(t, p, "Ref"); c.Via == ViaValues {
		t.Errorf("Ref sent to %q", c.Target)
	}
	// A 0/1 column is a flag, not a status column of words.
	rows = [][]string{{"Call", "03/15/2024", "1"}, {"File", "03/16/2024", "0"}}
	p, _ = run(t, "tasks.csv", []string{"Task", "Due Date", "Flag"}, rows, nil, "")
	if c := column(t, p, "Flag"); c.Via == ViaValues {
		t.Errorf("Flag sent to %q", c.Target)
	}
}
