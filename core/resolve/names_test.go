package resolve

import (
	"fmt"
	"testing"

	"handover/core/internal/namecases"
	"handover/core/model"
)

// TestNameCases runs the shared table of names (namecases) through the
// resolver as the check uses it: the known contacts are the project's, the
// written name is a legacy reference. Upload's test of Clio's contacts runs
// the same table, so the two answer alike.
func TestNameCases(t *testing.T) {
	for _, tc := range namecases.Cases {
		t.Run(tc.Why, func(t *testing.T) {
			r := New()
			for i, c := range tc.Known {
				r.Add(contact(fmt.Sprintf("firm:contacts:%d", i), c))
			}
			got := namecases.NoMatch
			res := r.Contact(model.Ref{Kind: "name", Value: tc.Written})
			switch res.Status {
			case Found:
				fmt.Sscanf(LegacyID(res.Key), "%d", &got)
			case Ambiguous:
				got = namecases.Ambiguous
				if len(res.Candidates) != len(tc.Known) {
					t.Errorf("candidates %v, want all %d", res.Candidates, len(tc.Known))
				}
			}
			if got != tc.Want {
				t.Errorf("%q among %v: got %d (%s via %s), want %d", tc.Written, tc.Known, got, res.Status, res.Via, tc.Want)
			}
		})
	}
}
