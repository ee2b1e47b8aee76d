package upload

import (
	"fmt"
	"testing"

	"handover/core/clio"
	"handover/core/internal/namecases"
	"handover/core/model"
	"handover/core/resolve"
	"handover/core/workspace"
)

// Outcomes of matching one firm contact against Clio's contacts.
const (
	noMatch   = namecases.NoMatch
	ambiguous = namecases.Ambiguous
)

func person(first, middle, last string) model.Contact {
	return model.Contact{Type: "Person", FirstName: first, MiddleName: middle, LastName: last}
}

func company(name string) model.Contact { return model.Contact{Type: "Company", Name: name} }

// asListed is c as Clio's contact index lists it (Clio shows a person's
// full name in name).
func asListed(id int, c model.Contact) map[string]any {
	m := map[string]any{"id": fmt.Sprint(id), "etag": fmt.Sprintf(`"%d"`, id), "type": c.Type, "name": c.Name}
	if c.Type == "Person" {
		m["first_name"], m["middle_name"], m["last_name"] = c.FirstName, c.MiddleName, c.LastName
		m["name"] = model.DisplayName(&c)
	}
	return m
}

// TestClioContactsMatchAsTheCheckResolves: a firm's contact is found among
// Clio's contacts exactly when the check's resolver, holding those contacts
// in the project, resolves the firm's name as written to them — the same
// one, the same "none", the same refusal to choose between two. The table
// (namecases) is the one core/resolve's own test runs.
func TestClioContactsMatchAsTheCheckResolves(t *testing.T) {
	for _, tc := range namecases.Cases {
		t.Run(tc.Why, func(t *testing.T) {
			res := resolve.New()
			cc := newClioContacts()
			for i, c := range tc.Known {
				res.Add(workspace.StoredRecord{Record: model.Record{Entity: model.Contacts, Key: fmt.Sprintf("firm:contacts:%d", i), Data: &c}})
				cc.add(asListed(i+1, c))
			}
			checkSays := noMatch
			switch r := res.Contact(model.Ref{Kind: "name", Value: tc.Written}); r.Status {
			case resolve.Found:
				fmt.Sscanf(resolve.LegacyID(r.Key), "%d", &checkSays)
			case resolve.Ambiguous:
				checkSays = ambiguous
			}
			if checkSays != tc.Want {
				t.Errorf("the check resolves %q to %d, want %d", tc.Written, checkSays, tc.Want)
			}

			firm := tc.Firm
			if firm.Type == "" {
				firm.Type = "Person"
			}
			nameOnly := model.Contact{Type: firm.Type, Name: tc.Written} // a person known by a full name only
			for _, d := range []*model.Contact{&firm, &nameOnly} {
				uploadSays := noMatch
				hit, twins := cc.match(d)
				switch {
				case hit != nil && twins != nil:
					t.Fatalf("both a hit and twins for %+v", d)
				case hit != nil:
					uploadSays = int(hit.id) - 1
				case twins != nil:
					uploadSays = ambiguous
					if len(twins.contacts) != len(tc.Known) {
						t.Errorf("twins %s, want all %d", twins.describe(), len(tc.Known))
					}
				}
				if uploadSays != checkSays {
					t.Errorf("upload matches %q (%+v) to %d in Clio, the check resolves it to %d", tc.Written, *d, uploadSays, checkSays)
				}
			}
		})
	}
}

func clioWith(cs ...map[string]any) *clioContacts {
	cc := newClioContacts()
	for _, m := range cs {
		cc.add(m)
	}
	return cc
}

func withPhone(m map[string]any, number string) map[string]any {
	m["phone_numbers"] = []any{map[string]any{"number": number}}
	return m
}

func withEmail(m map[string]any, addr string) map[string]any {
	m["email_addresses"] = []any{map[string]any{"address": addr}}
	return m
}

func matchID(t *testing.T, cc *clioContacts, d model.Contact) (clio.ID, string) {
	t.Helper()
	hit, twins := cc.match(&d)
	switch {
	case twins != nil:
		return ambiguous, twins.by
	case hit == nil:
		return noMatch, ""
	}
	return hit.id, hit.by
}

func TestClioContactsPhonesAndEmails(t *testing.T) {
	ana := model.Contact{Type: "Person", FirstName: "Ana", LastName: "Ruiz", Phones: []model.Phone{{Number: "(617) 555-0101"}}}

	// Equal names, one with the firm's phone: the phone tells which.
	cc := clioWith(asListed(1, person("Ana", "", "Ruiz")), withPhone(asListed(2, person("Ana", "", "Ruiz")), "+1 617 555 0101"))
	if id, by := matchID(t, cc, ana); id != 2 || by != "name and phone" {
		t.Errorf("got %d by %q, want 2 by name and phone", id, by)
	}
	// The only one of that name has another phone: someone else.
	cc = clioWith(withPhone(asListed(1, person("Ana", "", "Ruiz")), "617-555-0199"))
	if id, _ := matchID(t, cc, ana); id != noMatch {
		t.Errorf("linked to %d despite a different phone", id)
	}
	// A couple sharing one address: the name tells which.
	both := "ruiz.family@example.com"
	cc = clioWith(withEmail(asListed(1, person("Luis", "", "Ruiz")), both), withEmail(asListed(2, person("Ana", "", "Ruiz")), both))
	anaMail := ana
	anaMail.Emails = []model.Email{{Address: " Ruiz.Family@Example.com "}}
	if id, by := matchID(t, cc, anaMail); id != 2 || by != "e-mail "+both+" and name" {
		t.Errorf("got %d by %q, want 2 by e-mail and name", id, by)
	}
	// ... and when the name does not tell, neither is taken.
	pat := model.Contact{Type: "Person", FirstName: "Pat", LastName: "Ruiz", Emails: anaMail.Emails}
	if id, by := matchID(t, cc, pat); id != ambiguous || by != "e-mail "+both {
		t.Errorf("got %d by %q, want the two as twins by e-mail", id, by)
	}
	// A person is never linked to a company, by name or by e-mail.
	cc = clioWith(withEmail(asListed(1, company("Jordan Lee")), "jordan@lee.example"))
	jordan := model.Contact{Type: "Person", FirstName: "Jordan", LastName: "Lee", Emails: []model.Email{{Address: "jordan@lee.example"}}}
	if id, _ := matchID(t, cc, jordan); id != noMatch {
		t.Errorf("a person was linked to the company %d", id)
	}
}

// A contact this import created (settled on a resumed run) is not one the
// firm had: forgotten, it no longer matches nor makes another ambiguous.
func TestClioContactsForget(t *testing.T) {
	cc := clioWith(asListed(1, person("Ana", "", "Ruiz")), asListed(2, person("Ana", "", "Ruiz")))
	ana := person("Ana", "", "Ruiz")
	if id, _ := matchID(t, cc, ana); id != ambiguous {
		t.Fatalf("got %d, want the two as twins", id)
	}
	cc.forget(1)
	if id, _ := matchID(t, cc, ana); id != 2 {
		t.Errorf("after forgetting 1: got %d, want 2", id)
	}
	cc.forget(2)
	if id, _ := matchID(t, cc, ana); id != noMatch {
		t.Errorf("after forgetting both: got %d, want none", id)
	}
}
