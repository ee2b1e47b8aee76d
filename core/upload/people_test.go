package upload

import (
	"testing"

	"handover/core/clio"
	"handover/core/internal/namecases"
)

// TestAutoMatchAsTheCheckDoes: upload matches the firm's people to Clio's
// users with the answers of the shared table (namecases), which the check's
// user findings are held to as well; two equally good users are a problem
// naming how they tie, never a pick.
func TestAutoMatchAsTheCheckDoes(t *testing.T) {
	var users []clio.User
	for i, s := range namecases.Staff {
		users = append(users, clio.User{Record: clio.Record{ID: clio.ID(i + 1)}, Name: s.Name, FirstName: s.FirstName, LastName: s.LastName,
			Initials: s.Initials, Email: s.Email, Enabled: true})
	}
	people := clioPeople(users)
	for _, tc := range namecases.StaffCases {
		hit, how, problem := autoMatch(people, users, normUser(tc.Legacy))
		got := namecases.NoMatch
		switch {
		case hit != nil:
			got = int(hit.ID) - 1
			if how == "" || problem != "" {
				t.Errorf("%s: matched with how %q, problem %q", tc.Why, how, problem)
			}
		case problem != "":
			got = namecases.Ambiguous
		}
		if got != tc.Want {
			t.Errorf("%s: %q → %d (how %q, %s), want %d", tc.Why, tc.Legacy, got, how, problem, tc.Want)
		}
	}
}
