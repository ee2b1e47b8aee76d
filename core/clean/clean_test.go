package clean

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"handover/core/model"
	"handover/core/workspace"
)

func load(t *testing.T, ws *workspace.Workspace, contacts ...*model.Contact) {
	t.Helper()
	ctx := context.Background()
	st, err := ws.BeginSource(ctx, workspace.SourceInfo{Path: "/c.csv", Name: "c.csv", Format: "csv"})
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range contacts {
		key := "t:contacts:" + string(rune('a'+i))
		if err := st.Stage(ctx, workspace.Row{Num: int64(i + 2), Raw: []string{c.FirstName}, Records: []model.Record{{Entity: model.Contacts, Key: key, Data: c}}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Commit(ctx); err != nil {
		t.Fatal(err)
	}
}

func project(t *testing.T) *workspace.Workspace {
	ws, err := workspace.Create(filepath.Join(t.TempDir(), "p.handover"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}

func get(t *testing.T, ws *workspace.Workspace, key string) *workspace.StoredRecord {
	t.Helper()
	r, err := ws.RecordByKey(context.Background(), model.Contacts, key)
	if err != nil || r == nil {
		t.Fatalf("record %s: %v", key, err)
	}
	return r
}

func TestMergeUndoRedoKeepsOriginals(t *testing.T) {
	ctx := context.Background()
	ws := project(t)
	load(t, ws,
		&model.Contact{Type: "Person", FirstName: "Bob", LastName: "Smith", Emails: []model.Email{{Name: "Work", Address: "bob@x.com"}}},
		&model.Contact{Type: "Person", FirstName: "Robert", LastName: "Smith", Emails: []model.Email{{Name: "Home", Address: "BOB@x.com "}, {Name: "Work", Address: "rs@y.com"}},
			Phones: []model.Phone{{Name: "Work", Number: "(555) 010-2000"}}},
	)
	r := Open(ws, "US")
	_, err := r.Add(ctx, Op{Kind: Merge, Entity: model.Contacts, Targets: []string{"t:contacts:a", "t:contacts:b"},
		Choose: map[string]string{"first_name": "t:contacts:b"}})
	if err != nil {
		t.Fatal(err)
	}
	a := get(t, ws, "t:contacts:a").Data.(*model.Contact)
	if a.FirstName != "Robert" || len(a.Emails) != 2 || len(a.Phones) != 1 {
		t.Fatalf("survivor = %+v", a)
	}
	if b := get(t, ws, "t:contacts:b"); b.State != "merged" || b.MergedInto != "t:contacts:a" {
		t.Fatalf("member state = %s into %q", b.State, b.MergedInto)
	}
	c, _ := ws.Counts(ctx)
	if c.Records[model.Contacts] != 1 || c.Excluded[model.DuplicateMerged] != 1 {
		t.Fatalf("counts after merge: %+v %+v", c.Records, c.Excluded)
	}
	var orig []string
	ws.EachRecord(ctx, workspace.RecordFilter{Entity: model.Contacts, IncludeOff: true, Original: true}, func(r workspace.StoredRecord) error {
		orig = append(orig, r.Data.(*model.Contact).FirstName)
		return nil
	})
	if strings.Join(orig, ",") != "Bob,Robert" {
		t.Fatalf("originals changed: %v", orig)
	}

	if ok, err := r.Undo(ctx); !ok || err != nil {
		t.Fatalf("undo: %v %v", ok, err)
	}
	if a := get(t, ws, "t:contacts:a"); a.Data.(*model.Contact).FirstName != "Bob" || a.Cleaned {
		t.Fatalf("after undo: %+v", a)
	}
	if b := get(t, ws, "t:contacts:b"); b.State != "active" {
		t.Fatalf("after undo member state = %s", b.State)
	}
	if ok, _ := r.Redo(ctx); !ok {
		t.Fatal("redo did nothing")
	}
	if a := get(t, ws, "t:contacts:a"); a.Data.(*model.Contact).FirstName != "Robert" {
		t.Fatalf("after redo: %+v", a.Data)
	}
	// A new fix after an undo ends the redo history.
	r.Undo(ctx)
	r.Add(ctx, Op{Kind: Exclude, Entity: model.Contacts, Targets: []string{"t:contacts:b"}, Note: "test contact"})
	if ok, _ := r.Redo(ctx); ok {
		t.Fatal("redo after a new operation should have nothing to redo")
	}
	if b := get(t, ws, "t:contacts:b"); b.State != "excluded" || b.StateNote != "test contact" {
		t.Fatalf("exclude: %+v", b)
	}
}

func TestBulkNormaliseAndSet(t *testing.T) {
	ctx := context.Background()
	ws := project(t)
	load(t, ws,
		&model.Contact{Type: "Person", FirstName: "JOHN", LastName: "o'neil", Emails: []model.Email{{Name: "Work", Address: " John@Example.COM "}},
			Phones: []model.Phone{{Name: "Work", Number: "(202) 555-0143"}, {Name: "Other", Number: "call reception"}}},
		&model.Contact{Type: "Person", FirstName: "Anne-Marie", LastName: "McDonald"},
	)
	r := Open(ws, "US")
	for _, n := range []string{NormPhones, NormEmails, NormNameCase} {
		if _, err := r.Add(ctx, Op{Kind: Normalize, Entity: model.Contacts, Norm: n}); err != nil {
			t.Fatal(err)
		}
	}
	v, _ := json.Marshal("Smithers")
	if _, err := r.Add(ctx, Op{Kind: Set, Entity: model.Contacts, Targets: []string{"t:contacts:b"}, Field: "last_name", Value: v}); err != nil {
		t.Fatal(err)
	}
	a := get(t, ws, "t:contacts:a").Data.(*model.Contact)
	if a.FirstName != "John" || a.LastName != "O'Neil" || a.Emails[0].Address != "john@example.com" ||
		a.Phones[0].Number != "+12025550143" || a.Phones[1].Number != "call reception" {
		t.Fatalf("normalised = %+v", a)
	}
	if b := get(t, ws, "t:contacts:b").Data.(*model.Contact); b.FirstName != "Anne-Marie" || b.LastName != "Smithers" {
		t.Fatalf("mixed-case name changed or set failed: %+v", b)
	}
	if _, err := r.Add(ctx, Op{Kind: Set, Entity: model.Contacts, Targets: []string{"t:contacts:b"}, Field: "x", Value: []byte("{bad")}); err == nil {
		t.Fatal("invalid JSON value accepted")
	}
}

func TestReplayAfterReimportReportsWhatNoLongerApplies(t *testing.T) {
	ctx := context.Background()
	ws := project(t)
	load(t, ws, &model.Contact{Type: "Person", FirstName: "A", LastName: "One"}, &model.Contact{Type: "Person", FirstName: "B", LastName: "Two"})
	r := Open(ws, "US")
	v, _ := json.Marshal("Uno")
	r.Add(ctx, Op{Kind: Set, Entity: model.Contacts, Targets: []string{"t:contacts:a"}, Field: "last_name", Value: v})
	r.Add(ctx, Op{Kind: Exclude, Entity: model.Contacts, Targets: []string{"t:contacts:b"}, Note: "moved away"})

	// The firm re-exports: contact a is still there (fresher data), b is gone.
	load(t, ws, &model.Contact{Type: "Person", FirstName: "A", LastName: "One-Fresh"})
	rep, err := r.Replay(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Applied != 1 || len(rep.NotApplied) != 1 || !strings.Contains(rep.NotApplied[0], "Leave out") {
		t.Fatalf("replay report = %+v", rep)
	}
	if a := get(t, ws, "t:contacts:a").Data.(*model.Contact); a.LastName != "Uno" {
		t.Fatalf("replayed set: %+v", a)
	}
	ops, _ := r.Ops(ctx)
	if len(ops) != 2 || ops[1].Status == "applied" {
		t.Fatalf("ops status = %+v", ops)
	}
}
