package ingest

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"handover/core/model"
	"handover/core/workspace"
	"handover/importers/relational/reltest"
)

// legacyID is the id part of a record key ("<profile>:<entity>:<id>").
func legacyID(key string) string {
	parts := strings.SplitN(key, ":", 3)
	if len(parts) < 3 {
		return ""
	}
	return parts[2]
}

type staged struct {
	contacts map[string]bool // legacy ids
	matters  map[string]*model.Matter
	notes    []*model.Note
	times    []*model.TimeEntry
	tasks    []*model.Task
	left     []workspace.OutcomeRow
	rows     int64
}

func ingestDB(t *testing.T, path string) staged {
	t.Helper()
	ctx := context.Background()
	ws, err := workspace.Create(filepath.Join(t.TempDir(), "r.handover"))
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	res, err := Run(ctx, ws, []string{path}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := staged{contacts: map[string]bool{}, matters: map[string]*model.Matter{}}
	for _, sr := range res.Sources {
		if sr.Rows != sr.Records+sr.Excluded+sr.Rejected {
			t.Errorf("%s: %d rows but %d records + %d excluded + %d rejected", sr.Path, sr.Rows, sr.Records, sr.Excluded, sr.Rejected)
		}
		s.rows += sr.Rows
	}
	err = ws.EachRecord(ctx, workspace.RecordFilter{}, func(r workspace.StoredRecord) error {
		switch d := r.Data.(type) {
		case *model.Contact:
			s.contacts[legacyID(r.Key)] = true
		case *model.Matter:
			s.matters[d.DisplayNumber] = d
		case *model.Note:
			s.notes = append(s.notes, d)
		case *model.TimeEntry:
			s.times = append(s.times, d)
		case *model.Task:
			s.tasks = append(s.tasks, d)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := ws.EachLeftOut(ctx, func(o workspace.OutcomeRow) error { s.left = append(s.left, o); return nil }); err != nil {
		t.Fatal(err)
	}
	return s
}

// An in-house case database nobody wrote a profile for: every table typed
// from its links and values, every foreign key followed into the parent's
// reference form, the lookups decoded and left out with their reason.
func TestCaseDatabaseLinksFollowed(t *testing.T) {
	s := ingestDB(t, reltest.CaseDB(t, t.TempDir()))
	f := reltest.Firm
	if want := int64(f.Staff + f.Statuses + f.Clients + f.Matters + f.Memos + f.Times + f.Todos); s.rows != want {
		t.Fatalf("%d rows accounted, want %d", s.rows, want)
	}
	staffNames := map[string]bool{"Jane Smith": true, "Raj Kumar": true, "Ana Morales": true, "Tom Walsh": true}
	lookups := 0
	for _, o := range s.left {
		if o.Outcome == "excluded" && o.Reason == string(model.NotMigratable) {
			lookups++
			if o.Detail == "" {
				t.Errorf("lookup row %s/%d excluded without a reason", o.Locator, o.Row)
			}
		}
	}
	if lookups != f.Staff+f.Statuses {
		t.Errorf("%d lookup rows excluded, want %d (staff and status codes)", lookups, f.Staff+f.Statuses)
	}
	if len(s.contacts) < f.Clients || len(s.matters) != f.Matters {
		t.Fatalf("%d contacts and %d matters staged, want %d and %d", len(s.contacts), len(s.matters), f.Clients, f.Matters)
	}
	for i := 1; i <= f.Matters; i++ {
		m := s.matters[reltest.MatterNo(i)]
		if m == nil {
			t.Fatalf("matter %s missing: matters are keyed by their number, not their id", reltest.MatterNo(i))
		}
		if m.Client.Kind != "id" || !s.contacts[m.Client.Value] {
			t.Errorf("matter %s: client %+v is not a staged contact", m.DisplayNumber, m.Client)
		}
		if m.Status != "Open" && m.Status != "Closed" && m.Status != "Pending" {
			t.Errorf("matter %s: status %q was not decoded from the status table", m.DisplayNumber, m.Status)
		}
		if !staffNames[m.ResponsibleAttorney] {
			t.Errorf("matter %s: responsible attorney %q was not decoded from the staff table", m.DisplayNumber, m.ResponsibleAttorney)
		}
		for k := range m.CustomFields {
			if k == "ClientID" || k == "StatusCode" || k == "RespAtty" {
				t.Errorf("matter %s: link column %s kept as a custom field", m.DisplayNumber, k)
			}
		}
	}
	if len(s.times) != f.Times || len(s.tasks) != f.Todos {
		t.Fatalf("%d time entries and %d tasks, want %d and %d", len(s.times), len(s.tasks), f.Times, f.Todos)
	}
	for _, te := range s.times {
		if te.Matter.Kind != "number" || s.matters[te.Matter.Value] == nil || !staffNames[te.User] {
			t.Errorf("time entry %+v: matter or user not resolved", te)
		}
		if strings.Contains(te.Note, "MatterNo") {
			t.Errorf("time entry note holds the link: %q", te.Note)
		}
	}
	for _, tk := range s.tasks {
		if s.matters[tk.Matter.Value] == nil || !staffNames[tk.Assignee] || strings.Contains(tk.Description, "MatterID") {
			t.Errorf("task %+v: matter or assignee not resolved", tk)
		}
		if tk.Status != "complete" && tk.Status != "pending" {
			t.Errorf("task %q: the 0/1 done flag became status %q", tk.Name, tk.Status)
		}
	}
	// tblMemo's dates are Unix seconds: until they are read as dates a row
	// may be rejected for its date, but never for its link, and never staged
	// without its matter.
	for _, n := range s.notes {
		if n.Type != "Matter" || s.matters[n.Matter.Value] == nil || !staffNames[n.Author] {
			t.Errorf("note %+v: matter or author not resolved", n)
		}
	}
	rejected := 0
	for _, o := range s.left {
		if o.Outcome == "rejected" {
			rejected++
			if o.Locator != "tblMemo" || !strings.Contains(o.Reason, "MemoDate") {
				t.Errorf("row %s/%d rejected: %s", o.Locator, o.Row, o.Reason)
			}
		}
	}
	if len(s.notes)+rejected != f.Memos {
		t.Errorf("%d notes + %d rejected memos, want %d", len(s.notes), rejected, f.Memos)
	}
}

func TestSnakeCaseDatabaseLinksFollowed(t *testing.T) {
	s := ingestDB(t, reltest.SnakeDB(t, t.TempDir()))
	if len(s.contacts) != 10 || len(s.matters) != 8 || len(s.notes) != 16 {
		t.Fatalf("%d contacts, %d matters, %d notes; want 10, 8, 16", len(s.contacts), len(s.matters), len(s.notes))
	}
	for _, m := range s.matters {
		if m.Client.Kind != "id" || !s.contacts[m.Client.Value] {
			t.Errorf("matter %s: person_id not followed to a contact (%+v)", m.DisplayNumber, m.Client)
		}
	}
	for _, n := range s.notes {
		if s.matters[n.Matter.Value] == nil {
			t.Errorf("note's matter_id not decoded to a matter number: %+v", n.Matter)
		}
	}
}
