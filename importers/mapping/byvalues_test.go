package mapping

import (
	"math/rand"
	"sort"
	"strings"
	"testing"
	"unicode"

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

// A yes/no column whose header made it a date ("Closed" is an alias of the
// close date, "Open" is near "Open Date") is a flag: the matter's status when
// the name says what yes means, else kept as written — never a reject per row.
func TestFlagsAreNotDates(t *testing.T) {
	rows := [][]string{{"16-1001", "Doe divorce", "Y"}, {"16-1002", "Roe estate", "N"}}
	for _, c := range []struct{ header, yes, no string }{{"Closed", "Closed", "Open"}, {"Open", "Open", "Closed"}, {"Is Closed", "Closed", "Open"}, {"Active", "Open", "Closed"}} {
		p, outs := run(t, "matters.csv", []string{"Matter Number", "Description", c.header}, rows, nil, "")
		if outs[0].Reject != "" || outs[1].Reject != "" {
			t.Errorf("%s: rejected: %s", c.header, outs[0].Reject)
			continue
		}
		m0, m1 := outs[0].Records[0].Data.(*model.Matter), outs[1].Records[0].Data.(*model.Matter)
		if m0.Status != c.yes || m1.Status != c.no || m0.CloseDate != "" || m0.OpenDate != "" {
			t.Errorf("%s: Y → %q, N → %q (column %+v)", c.header, m0.Status, m1.Status, column(t, p, c.header))
		}
	}
	// With a status column already there, the flag is kept as written.
	p, outs := run(t, "matters.csv", []string{"Matter Number", "Description", "Status", "Closed"}, [][]string{{"16-1001", "a", "Open", "Y"}, {"16-1002", "b", "Closed", "N"}}, nil, "")
	if outs[0].Reject != "" || column(t, p, "Closed").Target != "custom:Closed" || outs[0].Records[0].Data.(*model.Matter).CustomFields["Closed"] != "Y" {
		t.Errorf("flag beside a status: %+v %+v", column(t, p, "Closed"), outs[0])
	}
}

// Status words in the languages the corpus's firms write them map onto
// Clio's statuses, accents and case aside.
func TestForeignStatusWords(t *testing.T) {
	rows := [][]string{{"16-1001", "a", "Clos"}, {"16-1002", "b", "En attente"}, {"16-1003", "c", "Cerrado"}, {"16-1004", "d", "Fermé"}, {"16-1005", "e", "Abierto"}}
	want := []string{"Closed", "Pending", "Closed", "Closed", "Open"}
	_, outs := run(t, "matters.csv", []string{"Matter Number", "Description", "Statut"}, rows, Memory{"statut": "status"}, "")
	for i, o := range outs {
		if s := o.Records[0].Data.(*model.Matter).Status; s != want[i] {
			t.Errorf("%q → %q, want %q", rows[i][2], s, want[i])
		}
	}
	trows := [][]string{{"a", "", "Terminée"}, {"b", "", "En cours"}, {"c", "", "Pendiente"}}
	twant := []string{"complete", "in_progress", "pending"}
	_, outs = run(t, "tasks.csv", []string{"Task", "Due Date", "Status"}, trows, nil, "")
	for i, o := range outs {
		if s := o.Records[0].Data.(*model.Task).Status; s != twant[i] {
			t.Errorf("task %q → %q, want %q", trows[i][2], s, twant[i])
		}
	}
}

// observeWord's ASCII path counts what the general one (observeText, which
// any value may take) counts: status words in every case and spacing.
func TestObserveWordCountsAsTheGeneralPath(t *testing.T) {
	var words []string
	for _, m := range []string{"status", "task.status"} {
		for w := range defaultValues[m] {
			words = append(words, w)
		}
	}
	if len(words) < 5 {
		t.Fatalf("only %d status words", len(words))
	}
	sort.Strings(words)
	rng := rand.New(rand.NewSource(1))
	seps := []string{"", " ", "-", "_", ".", "/", "  "}
	hits := 0
	for i := 0; i < 20000; i++ {
		var b strings.Builder
		for _, c := range words[rng.Intn(len(words))] {
			if rng.Intn(3) == 0 {
				c = unicode.ToUpper(c)
			}
			b.WriteRune(c)
			if rng.Intn(6) == 0 {
				b.WriteString(seps[rng.Intn(len(seps))])
			}
		}
		v := b.String()
		var fast, general readingObs
		fast.observeWord(v)
		if len(v) <= 20 && hasLetter(v) { // observeWord's own bounds
			general.observeText(v)
		}
		if fast != general {
			t.Fatalf("observeWord(%q) counted %+v, the general path %+v", v, fast, general)
		}
		hits += fast.matterStatus + fast.taskStatus
	}
	if hits < 1000 {
		t.Fatalf("only %d of the values were counted as status words", hits)
	}
}
