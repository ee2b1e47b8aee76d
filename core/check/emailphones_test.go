package check

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"handover/core/clean"
	"handover/core/model"
	"handover/core/workspace"
)

// A phone number typed into an e-mail field blocks its contact (and what
// hangs under it); Clean's bulk fix moves every such number to the
// contact's phones in one operation, which the check then passes, and
// which undoes. An address that is wrong but not a phone number stays
// blocked: a person has to correct it.
func TestMovingPhonesOutOfEmailsClearsTheirBlockers(t *testing.T) {
	ctx := context.Background()
	ws, err := workspace.Create(filepath.Join(t.TempDir(), "firm.handover"))
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	contacts := map[string]*model.Contact{
		"phone": {Type: "Person", FirstName: "Ana", LastName: "Ruiz",
			Emails: []model.Email{{Name: "Work", Address: "(202) 555-0143"}, {Name: "Home", Address: "ana@example.com", Default: true}}},
		"twice": {Type: "Person", FirstName: "Bo", LastName: "Ortiz",
			Emails: []model.Email{{Name: "Home", Address: "202.555.0177"}},
			Phones: []model.Phone{{Name: "Home", Number: "202.555.0177"}}},
		"typo": {Type: "Person", FirstName: "Cy", LastName: "Lane",
			Emails: []model.Email{{Name: "Work", Address: "cy at example.com"}}},
	}
	st, err := ws.BeginSource(ctx, workspace.SourceInfo{Path: "/x/c.csv", Name: "c.csv", Format: "csv"})
	if err != nil {
		t.Fatal(err)
	}
	for i, k := range []string{"phone", "twice", "typo"} {
		if err := st.Stage(ctx, workspace.Row{Num: int64(i + 2), Raw: []string{k},
			Records: []model.Record{{Entity: model.Contacts, Key: "t:contacts:" + k, Data: contacts[k]}}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	blocked := func() []string {
		t.Helper()
		if _, err := Run(ctx, ws, Options{Country: "US"}, nil); err != nil {
			t.Fatal(err)
		}
		var keys []string
		if err := ws.EachFinding(ctx, workspace.FindingFilter{Rule: model.RuleEmailInvalid}, func(f workspace.StoredFinding) error {
			keys = append(keys, f.RecordKey)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		slices.Sort(keys)
		return keys
	}
	before := []string{"t:contacts:phone", "t:contacts:twice", "t:contacts:typo"}
	if got := blocked(); !slices.Equal(got, before) {
		t.Fatalf("before the fix, email.invalid on %v, want %v", got, before)
	}
	recipe := clean.Open(ws, "US")
	if _, err := recipe.Add(ctx, clean.Op{Kind: clean.Normalize, Entity: model.Contacts, Norm: clean.NormEmailPhones}); err != nil {
		t.Fatal(err)
	}
	if got := blocked(); !slices.Equal(got, []string{"t:contacts:typo"}) {
		t.Fatalf("after the fix, email.invalid on %v, want only the typo", got)
	}
	record := func(k string) *model.Contact {
		t.Helper()
		r, err := ws.RecordByKey(ctx, model.Contacts, "t:contacts:"+k)
		if err != nil || r == nil {
			t.Fatalf("%s: %v", k, err)
		}
		return r.Data.(*model.Contact)
	}
	if c := record("phone"); len(c.Emails) != 1 || c.Emails[0].Address != "ana@example.com" ||
		len(c.Phones) != 1 || c.Phones[0] != (model.Phone{Name: "Work", Number: "(202) 555-0143"}) {
		t.Errorf("moved: emails %+v phones %+v", c.Emails, c.Phones)
	}
	if c := record("twice"); len(c.Emails) != 0 || len(c.Phones) != 1 {
		t.Errorf("a number the contact already had was added again or the e-mail kept: emails %+v phones %+v", c.Emails, c.Phones)
	}
	if c := record("typo"); len(c.Emails) != 1 || len(c.Phones) != 0 {
		t.Errorf("an address that is not a phone number was moved: emails %+v phones %+v", c.Emails, c.Phones)
	}
	if ok, err := recipe.Undo(ctx); !ok || err != nil {
		t.Fatalf("undo: %v %v", ok, err)
	}
	if got := blocked(); !slices.Equal(got, before) {
		t.Fatalf("after undo, email.invalid on %v, want %v", got, before)
	}
}
