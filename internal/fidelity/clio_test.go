package fidelity

import (
	"context"
	"path/filepath"
	"testing"

	"handover/core/clio"
	"handover/core/model"
	"handover/core/upload"
	"handover/core/workspace"
	"handover/importers/ingest"
	"handover/internal/firmgen"
)

// The Clio yardstick on a hand-made upload whose every number is known: a
// record counts in Clio only when the journal's id is in Clio's listing; a
// link only when Clio's field points at the parent's Clio record (or the
// truth's person); a record skipped is held when the check named it, goes
// "with a parent" when only its parent was named, and is unsaid otherwise;
// a second Clio contact of the same name that stands for no truth record is
// a double; a balance counts as one line to the cent; a value counts when
// read right and the same in Clio.
func TestCompareClioCountsWhatReachedClio(t *testing.T) {
	ctx := context.Background()
	ws, err := workspace.Create(filepath.Join(t.TempDir(), "p.handover"))
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	stage(t, ws, "clients.csv",
		workspace.Row{Num: 2, Records: rec(model.Contacts, "x:contacts:1", &model.Contact{Type: "Person", FirstName: "Ann", LastName: "Lee"})},
		workspace.Row{Num: 3, Records: rec(model.Contacts, "x:contacts:2", &model.Contact{Type: "Person", FirstName: "Bo", LastName: "Ng"})},
		workspace.Row{Num: 4, Records: rec(model.Contacts, "x:contacts:3", &model.Contact{Type: "Person", FirstName: "Cy", LastName: "Po"})})
	stage(t, ws, "matters.csv",
		workspace.Row{Num: 2, Records: rec(model.Matters, "x:matters:A-1", &model.Matter{DisplayNumber: "A-1", Client: model.Ref{Kind: "id", Value: "1"}})},
		workspace.Row{Num: 3, Records: rec(model.Matters, "x:matters:A-2", &model.Matter{DisplayNumber: "A-2", Client: model.Ref{Kind: "id", Value: "2"}})})
	stage(t, ws, "time.csv",
		workspace.Row{Num: 2, Records: rec(model.TimeEntries, "x:time_entries:1", &model.TimeEntry{Date: "2024-01-02", Matter: model.Ref{Kind: "number", Value: "A-1"}})},
		workspace.Row{Num: 3, Records: rec(model.TimeEntries, "x:time_entries:2", &model.TimeEntry{Date: "2024-01-02", Matter: model.Ref{Kind: "number", Value: "A-2"}})})
	truth := &firmgen.Truth{
		Records: []firmgen.Record{
			{ID: "C1", Entity: "contacts", Loc: firmgen.Loc{File: "clients.csv", Row: 2}},
			{ID: "C2", Entity: "contacts", Loc: firmgen.Loc{File: "clients.csv", Row: 3}},
			{ID: "C3", Entity: "contacts", Loc: firmgen.Loc{File: "clients.csv", Row: 4}},
			{ID: "M1", Entity: "matters", Loc: firmgen.Loc{File: "matters.csv", Row: 2}, Values: map[string]string{"display_number": "A-1"}},
			{ID: "M2", Entity: "matters", Loc: firmgen.Loc{File: "matters.csv", Row: 3}},
			{ID: "T1", Entity: "time_entries", Loc: firmgen.Loc{File: "time.csv", Row: 2}, User: "ann@firm.example",
				Values: map[string]string{"date": "2024-01-02", "quantity_seconds": "3600"}},
			{ID: "T2", Entity: "time_entries", Loc: firmgen.Loc{File: "time.csv", Row: 3}, User: "ann@firm.example"},
		},
		Links: []firmgen.Link{{Child: "M1", Field: "client", Parent: "C1"}, {Child: "M2", Field: "client", Parent: "C2"},
			{Child: "T1", Field: "matter", Parent: "M1"}, {Child: "T2", Field: "matter", Parent: "M2"}},
		Balances: []firmgen.Balance{{Kind: "ar", Owner: "M1", Cents: 5000}, {Kind: "trust", Owner: "C2", Cents: 700}},
	}
	res, err := compare(ctx, ws, "/firm", truth, ingest.Result{})
	if err != nil {
		t.Fatal(err)
	}
	res.Clio = &InClio{LinksBy: map[string]Count{}}
	// The upload: A-2 skipped for its own blocker, its time with it; Cy Po
	// skipped with nothing said. Clio holds Ann Lee twice.
	skips := &upload.Reconciliation{Skips: []upload.Failure{
		{Entity: model.Matters, Key: "x:matters:A-2", Message: "blocker: …"},
		{Entity: model.TimeEntries, Key: "x:time_entries:2", Message: "parent skipped: …"},
		{Entity: model.Contacts, Key: "x:contacts:3", Message: "no reason anybody gave"},
	}}
	ids := map[string]map[string]int64{
		"contacts":     {"x:contacts:1": 101, "x:contacts:2": 102},
		"matters":      {"x:matters:A-1": 201},
		"time_entries": {"x:time_entries:1": 301},
	}
	ref := func(id int64) map[string]any { return map[string]any{"id": float64(id)} }
	clioRecs := map[string]map[int64]map[string]any{
		"contacts": {
			101: {"id": float64(101), "type": "Person", "first_name": "Ann", "last_name": "Lee"},
			102: {"id": float64(102), "type": "Person", "first_name": "Bo", "last_name": "Ng"},
			103: {"id": float64(103), "type": "Person", "first_name": "Ann", "last_name": "Lee"},
		},
		"matters": {201: {"id": float64(201), "display_number": "A-1", "client": ref(101)}},
		"activities": {
			301: {"id": float64(301), "type": "TimeEntry", "date": "2024-01-03", "quantity": 3600.0, "matter": ref(201), "user": ref(1)},
			302: {"id": float64(302), "type": "TimeEntry", "matter": ref(201), "price": 50.0, "activity_description": map[string]any{"name": upload.BalanceActivity}},
		},
		"bank_transactions": {
			401: {"id": float64(401), "amount": 7.0, "client": ref(102)},
			402: {"id": float64(402), "amount": 7.0, "client": ref(102)},
		},
	}
	users := []clio.User{{Record: clio.Record{ID: 1}, Email: "Ann@firm.example"}}
	res.compareClio(skips, ids, clioRecs, users, map[string]string{"matters/x:matters:A-2": model.RuleMatterMissingDesc})
	c := res.Clio
	if c.Records != (Count{4, 6}) || c.OfTruth != (Count{4, 7}) || c.Held != 1 {
		t.Errorf("records %+v of truth %+v held %d, want 4/6 (A-2 held; Cy Po and A-2's time not in Clio), 4/7, 1", c.Records, c.OfTruth, c.Held)
	}
	if c.HeldBy[model.RuleMatterMissingDesc] != 1 || c.HeldWrongly[model.RuleMatterMissingDesc] != 1 || len(c.HeldBy) != 1 {
		t.Errorf("held by %v, wrongly %v; want A-2 by its rule, on a record the truth planted nothing on", c.HeldBy, c.HeldWrongly)
	}
	if c.WithParent != 1 || c.Unsaid != 1 {
		t.Errorf("skipped with a named parent %d, unsaid %d; want 1 (A-2's time), 1 (Cy Po)", c.WithParent, c.Unsaid)
	}
	if c.Links != (Count{3, 5}) {
		t.Errorf("links %+v, want 3/5 (A-1's client, T1's matter and user; T2's matter and user lost; A-2's held)", c.Links)
	}
	if c.Balances != (Count{1, 2}) {
		t.Errorf("balances %+v, want 1/2 (A-1's A/R is one line of 50.00; Bo Ng's trust is two lines)", c.Balances)
	}
	if c.Values != (Count{1, 2}) {
		t.Errorf("values %+v, want 1/2 (A-1's number kept; T1's date read right but a day later in Clio; its hours, read wrong, not counted)", c.Values)
	}
	if c.Doubles != 2 || c.Extra != 0 {
		t.Errorf("doubles %d extra %d, want 2 (a second Ann Lee, a second trust line) and 0", c.Doubles, c.Extra)
	}
}
