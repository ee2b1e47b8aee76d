package check

import (
	"testing"

	"handover/core/internal/namecases"
	"handover/core/resolve"
)

// clioUsers are Clio users written "Name <email>" (or a name or e-mail alone).
func clioUsers(written ...string) []resolve.Person {
	out := make([]resolve.Person, len(written))
	for i, s := range written {
		out[i] = resolve.ParsePerson(s)
	}
	return out
}

// TestUsersMatchAsUploadDoes: the check's user findings match the firm's
// people to Clio users — given every field upload reads of a Clio user:
// name, first and last name, initials, e-mail — with the answers of the
// shared table (namecases), which upload's automatic user match is held to
// as well.
func TestUsersMatchAsUploadDoes(t *testing.T) {
	var clio []resolve.Person
	for _, s := range namecases.Staff {
		clio = append(clio, resolve.Person{Name: s.Name, FirstName: s.FirstName, LastName: s.LastName, Initials: s.Initials, Email: s.Email})
	}
	m := newUserMatcher(clio)
	for _, tc := range namecases.StaffCases {
		hits := m.match(tc.Legacy)
		got := namecases.NoMatch
		switch {
		case len(hits) == 1:
			got = -3 // a user the table does not list
			for i := range clio {
				if userLabel(clio[i]) == hits[0] {
					got = i
				}
			}
		case len(hits) > 1:
			got = namecases.Ambiguous
		}
		if got != tc.Want {
			t.Errorf("%s: %q → %v, want %d", tc.Why, tc.Legacy, hits, tc.Want)
		}
	}
}

func TestUserLabel(t *testing.T) {
	for _, tc := range []struct {
		p    resolve.Person
		want string
	}{
		{resolve.Person{Name: "Helen Lane", FirstName: "Helen", LastName: "Lane", Email: "hl@firm.example"}, "Helen Lane <hl@firm.example>"},
		{resolve.Person{FirstName: "Helen", LastName: "Lane"}, "Helen Lane"},
		{resolve.Person{Email: " hl@firm.example "}, "hl@firm.example"},
		{resolve.Person{Initials: "HL"}, "HL"},
	} {
		if got := userLabel(tc.p); got != tc.want {
			t.Errorf("userLabel(%+v) = %q, want %q", tc.p, got, tc.want)
		}
	}
}
