package mapping

import (
	"testing"

	"handover/core/model"
)

// A pre-pass's question about what a time table's flag column means (billed
// or billable) stays on the plan as a column.question warning after the rows
// are read, so the check names it; answering "billed" leaves the flagged
// rows out as billed history.
func TestBilledQuestionSurvivesSettle(t *testing.T) {
	header := []string{"Date", "Matter", "Hours", "Description", "CHK"}
	rows := [][]string{
		{"2024-05-01", "2024-001", "1.5", "Drafted the reply", "Y"},
		{"2024-05-02", "2024-002", "0.5", "Call with client", "N"},
		{"2024-05-03", "2024-001", "2.0", "Research", "Y"},
	}
	q := Question{Rule: RuleReadingQuestion, Column: "CHK", Message: "Does “CHK” mark billed time?",
		Choices: []Choice{{Label: "Yes", Target: "billed"}, {Label: "No", Target: "billable"}, {Label: "Neither", Target: "append:CHK"}}}
	p, err := ChooseWithHints("time.csv", "", header, rows, nil, "", Hints{Kind: "time_entries", Questions: []Question{q}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		p.Observe(r)
	}
	p.Finish()
	n := 0
	for _, w := range p.Warnings {
		if w.Rule == RuleReadingQuestion && w.Column == "CHK" {
			n++
		}
	}
	if n != 1 || len(p.Questions) != 1 {
		t.Fatalf("%d column.question warnings on CHK, %d questions; want 1 and 1 (warnings: %+v)", n, len(p.Questions), p.Warnings)
	}
	for _, r := range rows { // unanswered: nothing is guessed billed
		if o := p.Map(r); o.Excluded != "" {
			t.Fatalf("row %v excluded (%s) before the question is answered", r, o.Excluded)
		}
	}
	p2, err := ChooseWithHints("time.csv", "", header, rows, Memory{"chk": "billed"}, "", Hints{Kind: "time_entries", Questions: []Question{q}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		p2.Observe(r)
	}
	p2.Finish()
	if len(p2.Questions) != 0 {
		t.Errorf("asked again after the answer: %+v", p2.Questions)
	}
	for _, r := range rows {
		o := p2.Map(r)
		if billed := o.Excluded == model.BilledHistory; billed != (r[4] == "Y") {
			t.Errorf("row %v: excluded %q", r, o.Excluded)
		}
	}
}
