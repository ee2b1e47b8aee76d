package workspace

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"handover/core/model"
)

// findingsProject holds findings of every severity and two types, several on
// the same rule, source and row (only the id orders those), and one on a
// record the user left out.
func findingsProject(t *testing.T) (*Workspace, int64) {
	t.Helper()
	ctx := context.Background()
	w := newProject(t)
	st, err := w.BeginSource(ctx, SourceInfo{Path: "/x/contacts.csv", Name: "contacts.csv", Format: "csv", SHA256: "abc"})
	if err != nil {
		t.Fatal(err)
	}
	h, _ := st.Header(ctx, "", []string{"id", "first", "last"})
	if err := st.Stage(ctx, Row{Num: 2, Header: h, Raw: []string{"1", "Ann", "Lee"}, Records: []model.Record{contact("p:contacts:1", "Ann", "Lee")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	var leftOut int64
	if err := w.DB().QueryRow(`SELECT id FROM rows WHERE outcome = 'record'`).Scan(&leftOut); err != nil {
		t.Fatal(err)
	}
	fw, err := w.ReplaceFindings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sevs := []model.Severity{model.Info, model.Warning, model.Blocker}
	ents := []model.Entity{model.Contacts, model.Matters}
	for i := range 157 {
		f := StoredFinding{Rule: fmt.Sprintf("rule.%d", i%4), Severity: sevs[i%3], Entity: ents[i%5%2],
			Source: fmt.Sprintf("file%d.csv", i%3), Row: int64(i % 7), Message: fmt.Sprint("finding ", i)}
		if i%11 == 0 {
			f.RowID = leftOut
		}
		if err := fw.Add(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	if err := fw.Commit(); err != nil {
		t.Fatal(err)
	}
	if _, err := w.DB().Exec(`UPDATE rows SET state = 'excluded' WHERE id = ?`, leftOut); err != nil {
		t.Fatal(err)
	}
	return w, leftOut
}

// Paging through the index gives the list EachFinding streams, page by
// page from the marks or one page after another, for every filter the
// Readiness screen offers.
func TestFindingsAfterPagesTheWholeList(t *testing.T) {
	ctx := context.Background()
	w, leftOut := findingsProject(t)
	for _, f := range []FindingFilter{{}, {Severity: model.Blocker}, {Severity: model.Info}, {Entity: model.Matters},
		{Severity: model.Warning, Entity: model.Contacts}} {
		var want []int64
		if err := w.EachFinding(ctx, f, func(s StoredFinding) error {
			if s.RowID == leftOut {
				t.Errorf("%+v: a finding on a record left out is listed", f)
			}
			want = append(want, s.ID)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(want) == 0 {
			t.Fatalf("%+v: nothing to page", f)
		}
		for _, page := range []int{1, 6, 10, 500} {
			// one page after another, each after the last one's cursor
			var got []int64
			var after FindingCursor
			for {
				p, err := w.FindingsAfter(ctx, f, after, page)
				if err != nil {
					t.Fatal(err)
				}
				for _, s := range p {
					got = append(got, s.ID)
				}
				if len(p) < page {
					break
				}
				after = p[len(p)-1].Cursor()
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%+v, pages of %d:\n got %v\nwant %v", f, page, got, want)
			}
			// any page at once from its mark
			marks, n, err := w.FindingMarks(ctx, f, page)
			if err != nil {
				t.Fatal(err)
			}
			if n != len(want) || len(marks) != (n+page-1)/page {
				t.Errorf("%+v, pages of %d: %d marks for %d findings, want %d for %d", f, page, len(marks), n, (len(want)+page-1)/page, len(want))
			}
			for k := len(marks) - 1; k >= 0; k-- {
				p, err := w.FindingsAfter(ctx, f, marks[k], page)
				if err != nil {
					t.Fatal(err)
				}
				var ids []int64
				for _, s := range p {
					ids = append(ids, s.ID)
				}
				if exp := want[k*page : min(len(want), (k+1)*page)]; fmt.Sprint(ids) != fmt.Sprint(exp) {
					t.Errorf("%+v, page %d of %d: got %v, want %v", f, k, page, ids, exp)
				}
			}
		}
	}
}

// The list's pages are read through the indexes, never by sorting the
// findings (what made a page cost seconds on a big firm).
func TestFindingsPagesUseTheIndex(t *testing.T) {
	w, _ := findingsProject(t)
	after := FindingCursor{Rank: 1, Rule: "rule.2", Source: "file1.csv", Row: 3, ID: 40}
	for _, f := range []FindingFilter{{}, {Severity: model.Warning}, {Entity: model.Contacts}, {Severity: model.Info, Entity: model.Matters}} {
		for _, c := range []FindingCursor{{}, after} {
			where, args := f.listWhere(c)
			rows, err := w.DB().Query(`EXPLAIN QUERY PLAN SELECT id FROM findings`+where+findingOrder+` LIMIT 10`, args...)
			if err != nil {
				t.Fatal(err)
			}
			var plan string
			for rows.Next() {
				var id, parent, notused int
				var detail string
				rows.Scan(&id, &parent, &notused, &detail)
				plan += detail + "\n"
			}
			rows.Close()
			if !strings.Contains(plan, "USING INDEX findings_list") || strings.Contains(plan, "TEMP B-TREE") {
				t.Errorf("%+v after %+v:\n%s", f, c, plan)
			}
			if !strings.Contains(plan, "USING INDEX rows_inactive") {
				t.Errorf("%+v: the left-out records are not read through rows_inactive:\n%s", f, plan)
			}
		}
	}
}

// Folding's groups skip the left-out records' findings through
// rows_inactive, not by reading every record's state.
func TestFoldGroupsReadOnlyTheLeftOutRecords(t *testing.T) {
	w, leftOut := findingsProject(t)
	rows, err := w.DB().Query(`EXPLAIN QUERY PLAN ` + groupsSQL)
	if err != nil {
		t.Fatal(err)
	}
	var plan string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		rows.Scan(&id, &parent, &notused, &detail)
		plan += detail + "\n"
	}
	rows.Close()
	if !strings.Contains(plan, "USING INDEX rows_inactive") || strings.Contains(plan, "rows_outcome") {
		t.Errorf("groups plan:\n%s", plan)
	}
	// and they are still skipped
	ctx := context.Background()
	fw, err := w.ReplaceFindings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer fw.Abort()
	if err := fw.Add(ctx, StoredFinding{Rule: "odd", Severity: model.Warning, Entity: model.Contacts, Source: "contacts.csv",
		Field: "x", Message: "m", RowID: leftOut}); err != nil {
		t.Fatal(err)
	}
	gs, err := fw.Groups(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range gs {
		if g.Rule == "odd" {
			t.Errorf("a left-out record's finding is grouped: %+v", g)
		}
	}
}
