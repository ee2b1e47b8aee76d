package pack

import (
	"context"
	"fmt"
	"testing"

	"handover/core/internal/heaptest"
	"handover/core/model"
	"handover/core/workspace"
)

func stored(e model.Entity, key string, data any) workspace.StoredRecord {
	return workspace.StoredRecord{Record: model.Record{Entity: e, Key: key, Data: data}}
}

// The names the Clio files match contacts and matters by live on disk, not
// in memory (in-memory string indexes were 22 MB of a 1M-row package's live
// heap); only the shared resolver's hashes stay in memory, a few a record.
// Every reference form resolves to how the files wrote the record, and a
// name two contacts share resolves to neither (the check reports it).
func TestRefsResolveFromDisk(t *testing.T) {
	ctx := context.Background()
	r, err := newRefs(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.close()
	base := heaptest.Live()
	const nc, nm = 30000, 15000
	for i := 0; i < nc; i++ {
		c := &model.Contact{Type: "Person", FirstName: fmt.Sprintf("Ann%d", i), LastName: "Lee",
			Emails: []model.Email{{Address: fmt.Sprintf(" Ann.%d@Example.com", i)}}}
		r.addContact(stored(model.Contacts, fmt.Sprintf("pclaw:contacts:C%d", i), c), names{first: c.FirstName, last: c.LastName})
	}
	r.addContact(stored(model.Contacts, "outlook:contacts:O1", &model.Contact{Type: "Person", FirstName: "Ann0", LastName: "Lee"}), names{first: "Second", last: "Claim"})
	for i := 0; i < nm; i++ {
		m := &model.Matter{DisplayNumber: fmt.Sprintf("24-%05d", i)}
		r.addMatter(stored(model.Matters, fmt.Sprintf("pclaw:matters:M%d", i), m), names{first: fmt.Sprintf("Ann%d", i), last: "Lee"})
	}
	if r.err != nil {
		t.Fatal(r.err)
	}
	if _, ok := r.findContact(model.Ref{Kind: "id", Value: "C1"}); !ok { // sorts the hashes
		t.Fatal("C1 not found")
	}
	grew := heaptest.Live() - base
	t.Logf("live heap after indexing %d contacts and %d matters: %+d bytes", nc, nm, grew)
	if per := grew / (nc + nm); per > 200 {
		t.Errorf("the live heap grew by %d bytes a record: the names are held in memory", per)
	}
	for _, tc := range []struct {
		ref  model.Ref
		want string
	}{
		{model.Ref{Kind: "id", Value: "C123"}, "Ann123"},
		{model.Ref{Kind: "key", Value: "pclaw:contacts:C7"}, "Ann7"},
		{model.Ref{Kind: "name", Value: "lee,  ann42"}, "Ann42"},
		{model.Ref{Kind: "email", Value: "ann.9@example.com "}, "Ann9"},
		{model.Ref{Value: "Ann0 Lee"}, ""},                  // two contacts: not guessed
		{model.Ref{Value: "outlook:contacts:O1"}, "Second"}, // each is found by its key
		{model.Ref{Kind: "id", Value: "C99999"}, ""},
	} {
		n, ok := r.findContact(tc.ref)
		if n.first != tc.want || ok != (tc.want != "") {
			t.Errorf("%+v → %+v %v, want %q", tc.ref, n, ok, tc.want)
		}
	}
	if got := r.number(model.Ref{Kind: "id", Value: "M77"}); got != "24-00077" {
		t.Errorf("matter M77 → %q", got)
	}
	if got := r.number(model.Ref{Kind: "number", Value: "24-77"}); got != "24-00077" {
		t.Errorf("matter 24-77 → %q, want the number as the matters file wrote it", got)
	}
	if got := r.number(model.Ref{Kind: "number", Value: "99-1"}); got != "99-1" {
		t.Errorf("an unknown number is written as given, got %q", got)
	}
	if got := r.matterClient(model.Ref{Value: "24-00005"}); got.first != "Ann5" {
		t.Errorf("client of 24-00005: %+v", got)
	}
	if r.err != nil {
		t.Fatal(r.err)
	}
}

// Records found are cached, a bounded number: with room for fewer records
// than are looked up, each look-up still gives the record's own names, and
// the cache never holds more than its bound.
func TestRefsCacheBounded(t *testing.T) {
	ctx := context.Background()
	r, err := newRefs(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.close()
	r.contacts, r.matters = newFoundCache(16), newFoundCache(16)
	const n = 200
	for i := 0; i < n; i++ {
		c := &model.Contact{Type: "Person", FirstName: fmt.Sprintf("Ann%d", i), LastName: "Lee"}
		r.addContact(stored(model.Contacts, fmt.Sprintf("pclaw:contacts:C%d", i), c), names{first: c.FirstName, last: c.LastName})
		m := &model.Matter{DisplayNumber: fmt.Sprintf("24-%05d", i)}
		r.addMatter(stored(model.Matters, fmt.Sprintf("pclaw:matters:M%d", i), m), names{first: c.FirstName, last: "Lee"})
	}
	for round := 0; round < 3; round++ {
		for i := n - 1; i >= 0; i -= 7 {
			if got, ok := r.findContact(model.Ref{Kind: "id", Value: fmt.Sprintf("C%d", i)}); !ok || got.first != fmt.Sprintf("Ann%d", i) {
				t.Fatalf("contact C%d → %+v %v", i, got, ok)
			}
			if got := r.number(model.Ref{Kind: "id", Value: fmt.Sprintf("M%d", i)}); got != fmt.Sprintf("24-%05d", i) {
				t.Fatalf("matter M%d → %q", i, got)
			}
			if got := r.matterClient(model.Ref{Kind: "id", Value: fmt.Sprintf("M%d", i)}); got.first != fmt.Sprintf("Ann%d", i) {
				t.Fatalf("client of M%d → %+v", i, got)
			}
		}
	}
	if len(r.contacts.m) > 16 || len(r.matters.m) > 16 {
		t.Errorf("cache holds %d contacts and %d matters, bound 16", len(r.contacts.m), len(r.matters.m))
	}
	if _, ok := r.findContact(model.Ref{Kind: "id", Value: "C9999"}); ok {
		t.Error("an unknown contact was found")
	}
}
