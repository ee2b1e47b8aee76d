package check

import (
	"testing"

	"handover/core/internal/namecases"
)

// TestUsersMatchAsUploadDoes: the check's user findings match the firm's
// people to Clio users (given as "Name <email>") with the answers of the
// shared table (namecases), which upload's automatic user match is held to
// as well.
func TestUsersMatchAsUploadDoes(t *testing.T) {
	var clio []string
	for _, s := range namecases.Staff {
		clio = append(clio, s.Written())
	}
	m := newUserMatcher(clio)
	for _, tc := range namecases.StaffCases {
		hits := m.match(tc.Legacy)
		got := namecases.NoMatch
		switch {
		case len(hits) == 1:
			got = -3 // a user the table does not list
			for i, s := range namecases.Staff {
				if s.Written() == hits[0] {
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
