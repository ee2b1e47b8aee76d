package resolve

import (
	"testing"

	"handover/core/internal/namecases"
)

// TestPeople runs the shared table of the firm's people (namecases) through
// the one rule; the check's user findings and upload's automatic user match
// run the same table through their callers of it.
func TestPeople(t *testing.T) {
	var ps []Person
	for _, s := range namecases.Staff {
		ps = append(ps, Person{Name: s.Name, FirstName: s.FirstName, LastName: s.LastName, Initials: s.Initials, Email: s.Email})
	}
	people := NewPeople(ps)
	for _, tc := range namecases.StaffCases {
		m := people.Match(tc.Legacy)
		got := namecases.NoMatch
		switch m.Status {
		case Found:
			got = m.Index
		case Ambiguous:
			got = namecases.Ambiguous
		}
		if got != tc.Want {
			t.Errorf("%s: %q → %d (%+v), want %d", tc.Why, tc.Legacy, got, m, tc.Want)
		}
	}
	if m := people.Match("  "); m.Status != Empty {
		t.Errorf("blank: %+v", m)
	}
}

func TestParsePerson(t *testing.T) {
	for in, want := range map[string]Person{
		"Helen Lane <hlane@firm.example>": {Name: "Helen Lane", Email: "hlane@firm.example"},
		" jh@firm.example ":               {Email: "jh@firm.example"},
		"James Harbor":                    {Name: "James Harbor"},
		"HL":                              {Name: "HL"},
	} {
		if got := ParsePerson(in); got != want {
			t.Errorf("ParsePerson(%q) = %+v, want %+v", in, got, want)
		}
	}
}
