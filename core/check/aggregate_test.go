package check

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"handover/core/model"
	"handover/core/workspace"
)

// A warning kind on more than 5 % of a file's records is one finding for the
// column, with the count and example rows; the per-row findings stay
// queryable (FoldedFindings). Below the share, in another file, or for a
// blocker, every row keeps its own finding. The importers' findings fold the
// same way, and checking again gives the same list.
func TestCommonFindingsAreSaidOnceForTheColumn(t *testing.T) {
	ctx := context.Background()
	ws := newWS(t)
	C, N := model.Contacts, model.Notes
	var many, few, notes []item
	for i := 1; i <= 40; i++ {
		phone := fmt.Sprintf("650-253-%04d", i)
		if i%4 == 0 { // 10 of 40: the column's pattern
			phone = "55-" + fmt.Sprint(i)
		}
		email := fmt.Sprintf("p%d@example.com", i)
		if i%5 == 0 { // 8 of 40 bad e-mails: blockers, never folded
			email = fmt.Sprintf("650-253-%04d", i)
		}
		many = append(many, item{row: int64(i + 1), entity: C, id: fmt.Sprint("A", i), data: person("Ann", fmt.Sprint("Able", i), []string{email}, phone)})
		phone = fmt.Sprintf("650-254-%04d", i)
		if i == 7 { // 1 of 40: stays a finding on its row
			phone = "12"
		}
		few = append(few, item{row: int64(i + 1), entity: C, id: fmt.Sprint("B", i), data: person("Bob", fmt.Sprint("Baker", i), nil, phone)})
		var finds []workspace.Finding
		if i <= 6 { // the importer's observations: 6 of 40
			finds = []workspace.Finding{{Rule: model.RuleDateAmbiguous, Severity: model.Warning, Field: "date", Value: "01/02/2024", Message: "day or month?"}}
		}
		notes = append(notes, item{row: int64(i + 1), entity: N, id: fmt.Sprint("n", i), data: &model.Note{Type: "Contact", Contact: cid("A1"), Subject: "s", Date: "2024-01-02"}, finds: finds})
	}
	load(t, ws, "many.csv", "Generic", many...)
	load(t, ws, "few.csv", "Generic", few...)
	load(t, ws, "notes.csv", "Generic", notes...)

	for pass := 1; pass <= 2; pass++ {
		if _, err := Run(ctx, ws, Options{Country: "US", Now: now}, nil); err != nil {
			t.Fatal(err)
		}
		per := map[string][]workspace.StoredFinding{}
		for _, f := range findings(t, ws, "") {
			k := f.Rule + "|" + f.Source
			per[k] = append(per[k], f)
		}
		col := per[model.RulePhoneInvalid+"|many.csv"]
		if len(col) != 1 {
			t.Fatalf("pass %d: %d phone findings on many.csv, want one for the column", pass, len(col))
		}
		f := col[0]
		if n, _ := f.Detail["records"].(float64); n != 10 || f.RecordKey != "" || f.RowID != 0 || f.Severity != model.Warning {
			t.Errorf("pass %d: column finding %+v", pass, f)
		}
		if ex, _ := f.Detail["examples"].([]any); len(ex) != foldExamples {
			t.Errorf("pass %d: examples %v", pass, f.Detail["examples"])
		}
		for _, s := range []string{"10 of the 40", "many.csv", "Row 5", "55-4", "rows 9, 13 and 7 more"} {
			if !strings.Contains(f.Message, s) {
				t.Errorf("pass %d: the column's message %q does not say %q", pass, f.Message, s)
			}
		}
		var hidden []int64
		ws.EachFinding(ctx, FoldedFindings(f), func(h workspace.StoredFinding) error {
			hidden = append(hidden, h.Row)
			return nil
		})
		if len(hidden) != 10 || hidden[0] != 5 || hidden[9] != 41 {
			t.Errorf("pass %d: the folded rows are %v, want the 10 rows 5…41", pass, hidden)
		}
		if got := per[model.RulePhoneInvalid+"|few.csv"]; len(got) != 1 || got[0].Row != 8 || got[0].RecordKey == "" {
			t.Errorf("pass %d: one bad phone in few.csv: %+v", pass, got)
		}
		if got := per[model.RuleEmailInvalid+"|many.csv"]; len(got) != 8 {
			t.Errorf("pass %d: %d e-mail blockers, want each of the 8 on its row", pass, len(got))
		}
		if got := per[model.RuleDateAmbiguous+"|notes.csv"]; len(got) != 1 || got[0].Detail["records"].(float64) != 6 {
			t.Errorf("pass %d: the importer's 6 date findings: %+v", pass, got)
		}
		s, err := ws.SummarizeFindings(ctx, workspace.FindingFilter{Rule: model.RulePhoneInvalid})
		if err != nil || s.Total != 2 {
			t.Errorf("pass %d: the summary counts %d phone findings (%v), want 2", pass, s.Total, err)
		}
	}
}
