package resolve

import (
	"fmt"
	"slices"
	"testing"

	"handover/core/internal/heaptest"
	"handover/core/model"
	"handover/core/workspace"
)

func contact(key string, c model.Contact) workspace.StoredRecord {
	return workspace.StoredRecord{Record: model.Record{Entity: model.Contacts, Key: key, Data: &c}}
}

func matter(key, number, desc string) workspace.StoredRecord {
	return workspace.StoredRecord{Record: model.Record{Entity: model.Matters, Key: key,
		Data: &model.Matter{DisplayNumber: number, Description: desc}}}
}

func fixture() *Resolver {
	r := New()
	for _, rec := range []workspace.StoredRecord{
		contact("p:contacts:1", model.Contact{Type: "Person", FirstName: "Ana", MiddleName: "M.", LastName: "Ruiz",
			Emails: []model.Email{{Address: "Ana.Ruiz@Example.com"}}, Phones: []model.Phone{{Number: "+1 (555) 010-2000"}}}),
		contact("p:contacts:2", model.Contact{Type: "Person", FirstName: "José", LastName: "Núñez", MiddleName: "Luis Alberto"}),
		contact("p:contacts:3", model.Contact{Type: "Company", Name: "Smith & Jones, L.L.C."}),
		contact("p:contacts:4", model.Contact{Type: "Person", FirstName: "John", LastName: "Smith"}),
		contact("p:contacts:5", model.Contact{Type: "Person", FirstName: "John", MiddleName: "Q", LastName: "Smith"}),
		// two different people with the same name
		contact("p:contacts:6", model.Contact{Type: "Person", FirstName: "Mary", LastName: "Lee"}),
		contact("q:contacts:7", model.Contact{Type: "Person", FirstName: "mary", LastName: "LEE"}),
		contact("p:contacts:8", model.Contact{Type: "Company", Name: "The Acme Corporation"}),
		contact("p:contacts:9", model.Contact{Type: "Person", Name: "Dr. Wei Chen Jr."}),
		// merged into 4: its forms lead to 4
		{Record: model.Record{Entity: model.Contacts, Key: "p:contacts:10", Data: &model.Contact{Type: "Person", FirstName: "Jon", LastName: "Smyth"}},
			State: "merged", MergedInto: "p:contacts:4"},
		// left out: does not resolve
		{Record: model.Record{Entity: model.Contacts, Key: "p:contacts:11", Data: &model.Contact{Type: "Person", FirstName: "Zed", LastName: "Gone"}},
			State: "excluded"},
		matter("p:matters:17", "2024-017", "Ruiz v. Ruiz (divorce)"),
		matter("p:matters:18", "M0018", "Estate of Núñez"),
		matter("p:matters:19", "2024-19", "Same description"),
		matter("p:matters:20", "2024-0019", "Same description"),
		matter("p:matters:3", "17", "Numbered like an id"),
	} {
		r.Add(rec)
	}
	return r
}

func TestContactForms(t *testing.T) {
	r := fixture()
	cases := []struct {
		ref  model.Ref
		want string // key, "" = missing, "a,b" = ambiguous
		via  string
	}{
		{model.Ref{Kind: "key", Value: "p:contacts:1"}, "p:contacts:1", "key"},
		{model.Ref{Kind: "id", Value: "1"}, "p:contacts:1", "id"},
		{model.Ref{Kind: "email", Value: " ana.ruiz@example.COM "}, "p:contacts:1", "email"},
		{model.Ref{Kind: "phone", Value: "555.010.2000"}, "p:contacts:1", "phone"},
		{model.Ref{Kind: "name", Value: "Ana M. Ruiz"}, "p:contacts:1", "name"},
		{model.Ref{Kind: "name", Value: "Ana Ruiz"}, "p:contacts:1", "name"},
		{model.Ref{Kind: "name", Value: "Ruiz, Ana"}, "p:contacts:1", "name"},
		{model.Ref{Kind: "name", Value: "RUIZ, ANA M"}, "p:contacts:1", "name"},
		{model.Ref{Kind: "name", Value: "Ruiz Ana"}, "p:contacts:1", "name"},
		{model.Ref{Kind: "name", Value: "Ms. Ana Ruiz"}, "p:contacts:1", "name"},
		{model.Ref{Kind: "name", Value: "Ana Maria Ruiz"}, "p:contacts:1", "name"},
		{model.Ref{Kind: "name", Value: "Jose Nunez"}, "p:contacts:2", "name"},
		{model.Ref{Kind: "name", Value: "José L. A. Núñez"}, "p:contacts:2", "name"},
		{model.Ref{Kind: "name", Value: "Nunez, Jose Luis Alberto"}, "p:contacts:2", "name"},
		{model.Ref{Kind: "name", Value: "Smith and Jones LLC"}, "p:contacts:3", "name"},
		{model.Ref{Kind: "name", Value: "smith & jones"}, "p:contacts:3", "name"},
		{model.Ref{Kind: "name", Value: "Smith & Jones, Inc."}, "p:contacts:3", "name"},
		{model.Ref{Kind: "name", Value: "Acme Corp."}, "p:contacts:8", "name"},
		{model.Ref{Kind: "name", Value: "ACME"}, "p:contacts:8", "name"},
		{model.Ref{Kind: "name", Value: "Wei Chen"}, "p:contacts:9", "name"},
		{model.Ref{Kind: "name", Value: "Chen, Wei, Jr."}, "p:contacts:9", "name"},
		// the full name wins over a name with its middle left out
		{model.Ref{Kind: "name", Value: "John Smith"}, "p:contacts:4", "name"},
		{model.Ref{Kind: "name", Value: "John Q. Smith"}, "p:contacts:5", "name"},
		{model.Ref{Kind: "name", Value: "Smith, John Q"}, "p:contacts:5", "name"},
		{model.Ref{Kind: "name", Value: "Mary Lee"}, "p:contacts:6,q:contacts:7", "name"},
		{model.Ref{Kind: "name", Value: "Jon Smyth"}, "p:contacts:4", "name"},
		{model.Ref{Kind: "key", Value: "p:contacts:10"}, "p:contacts:4", "key"},
		{model.Ref{Kind: "name", Value: "Zed Gone"}, "", ""},
		{model.Ref{Kind: "name", Value: "Nobody Here"}, "", ""},
		{model.Ref{Kind: "id", Value: "5550102000"}, "", ""}, // an id is not a phone number
	}
	for _, c := range cases {
		res := r.Contact(c.ref)
		check(t, c.ref, res, c.want, c.via)
	}
	if res := r.Contact(model.Ref{Kind: "name", Value: "  "}); res.Status != Empty {
		t.Errorf("blank reference: %+v, want Empty", res)
	}
}

func check(t *testing.T, ref model.Ref, res Result, want, via string) {
	t.Helper()
	got := ""
	switch res.Status {
	case Found:
		got = res.Key
	case Ambiguous:
		for i, k := range res.Candidates {
			if i > 0 {
				got += ","
			}
			got += k
		}
	}
	if got != want || res.Via != via {
		t.Errorf("%+v: got %s %q via %q, want %q via %q", ref, res.Status, got, res.Via, want, via)
	}
}

func TestMatterForms(t *testing.T) {
	r := fixture()
	cases := []struct {
		ref  model.Ref
		want string
		via  string
		conf float64
	}{
		{model.Ref{Kind: "number", Value: "2024-017"}, "p:matters:17", "number", 1},
		{model.Ref{Kind: "number", Value: "2024-0017"}, "p:matters:17", "number", 1},
		{model.Ref{Kind: "number", Value: "2024/17"}, "p:matters:17", "number", 1},
		{model.Ref{Kind: "number", Value: "2024_017"}, "p:matters:17", "number", 1},
		{model.Ref{Kind: "number", Value: "2024 . 017"}, "p:matters:17", "number", 1},
		{model.Ref{Kind: "number", Value: "2024017"}, "", "", 0}, // digit groups stay apart
		{model.Ref{Kind: "number", Value: "m18"}, "p:matters:18", "number", 1},
		{model.Ref{Kind: "number", Value: "M-018"}, "p:matters:18", "number", 1},
		// written exactly, one of two numbers that fold alike
		{model.Ref{Kind: "number", Value: "2024-19"}, "p:matters:19", "number", 1},
		{model.Ref{Kind: "number", Value: "2024-0019"}, "p:matters:20", "number", 1},
		{model.Ref{Kind: "number", Value: "2024-019"}, "p:matters:19,p:matters:20", "number", 1},
		// a number is a number before it is an id; an id reference the other way round
		{model.Ref{Kind: "number", Value: "17"}, "p:matters:3", "number", 1},
		{model.Ref{Kind: "id", Value: "17"}, "p:matters:17", "id", 1},
		{model.Ref{Kind: "number", Value: "18"}, "p:matters:18", "id", 1}, // M0018 is not 18: a prefix is part of the number
		{model.Ref{Kind: "key", Value: "p:matters:18"}, "p:matters:18", "key", 1},
		{model.Ref{Kind: "number", Value: "20"}, "p:matters:20", "id", 1},
		{model.Ref{Kind: "number", Value: "Estate of Nunez"}, "p:matters:18", "description", DescriptionConfidence},
		{model.Ref{Kind: "number", Value: "same description"}, "p:matters:19,p:matters:20", "description", DescriptionConfidence},
		{model.Ref{Kind: "number", Value: "2023-001"}, "", "", 0},
	}
	for _, c := range cases {
		res := r.Matter(c.ref)
		check(t, c.ref, res, c.want, c.via)
		if res.Confidence != c.conf {
			t.Errorf("%+v: confidence %v, want %v", c.ref, res.Confidence, c.conf)
		}
	}
}

func TestNumberFold(t *testing.T) {
	for in, want := range map[string]string{
		"2024-017": "2024 17", "2024/0017": "2024 17", " m17 ": "M 17", "M-0017": "M 17", "000": "0",
		"2024-000-5": "2024 0 5", "AB12cd": "AB 12 CD", "": "",
	} {
		if got := Number(in); got != want {
			t.Errorf("Number(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestHeapFlat builds a resolver of 200,000 contacts and 100,000 matters
// and holds its live heap to a few hashes a record.
func TestHeapFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("large")
	}
	before := heaptest.Live()
	r := New()
	const nc, nm = 200_000, 100_000
	for i := 0; i < nc; i++ {
		r.Add(contact(fmt.Sprintf("firm:contacts:%d", i), model.Contact{Type: "Person",
			FirstName: fmt.Sprintf("First%d", i), MiddleName: "Q", LastName: fmt.Sprintf("Last%d", i%5000),
			Emails: []model.Email{{Address: fmt.Sprintf("p%d@example.com", i)}}, Phones: []model.Phone{{Number: fmt.Sprintf("555%07d", i)}}}))
	}
	for i := 0; i < nm; i++ {
		r.Add(matter(fmt.Sprintf("firm:matters:%d", i), fmt.Sprintf("2024-%05d", i), fmt.Sprintf("Matter number %d", i)))
	}
	if res := r.Contact(model.Ref{Kind: "name", Value: "Last7, First7"}); res.Status != Found || res.Key != "firm:contacts:7" {
		t.Fatalf("lookup in the large resolver: %+v", res)
	}
	live := heaptest.Live() - before
	perRecord := live / (nc + nm)
	t.Logf("live heap %d MB for %d records: %d bytes a record", live>>20, nc+nm, perRecord)
	// 8 forms a contact and 5 a matter at 12 bytes, plus the key: about 110
	// bytes a contact. A map of strings per form would be several times that.
	if perRecord > 160 {
		t.Errorf("%d bytes a record: the index is not compact", perRecord)
	}
	if len(r.contacts.runs) != 1 || !slices.IsSortedFunc(r.contacts.forms, cmpEntry) {
		t.Errorf("forms not in one sorted run after adds then a lookup: %d runs", len(r.contacts.runs))
	}
}

// Lookups between adds (the package resolves a person's employer while it
// adds contacts) answer as lookups after all adds, and keep few runs.
func TestInterleavedAddsAndLookups(t *testing.T) {
	r := New()
	for i := 0; i < 20000; i++ {
		r.Add(contact(fmt.Sprintf("f:contacts:%d", i), model.Contact{Type: "Company", Name: fmt.Sprintf("Firm %d Inc", i)}))
		j := i * 7919 % (i + 1)
		if res := r.Contact(model.Ref{Kind: "name", Value: fmt.Sprintf("firm %d", j)}); res.Status != Found || res.Key != fmt.Sprintf("f:contacts:%d", j) {
			t.Fatalf("after %d adds, firm %d: %+v", i+1, j, res)
		}
		if res := r.Contact(model.Ref{Kind: "name", Value: fmt.Sprintf("firm %d", i+1)}); res.Status != Missing {
			t.Fatalf("after %d adds, firm %d not yet added: %+v", i+1, i+1, res)
		}
	}
	if n := len(r.contacts.runs); n > 17 {
		t.Errorf("%d runs for 20000 adds: runs are not merged", n)
	}
	for r2 := range r.contacts.runs {
		if !slices.IsSortedFunc(r.contacts.forms[r.contacts.runStart(r2):r.contacts.runs[r2]], cmpEntry) {
			t.Errorf("run %d not sorted", r2)
		}
	}
}
