package mapping

import (
	"math/rand"
	"sort"
	"testing"
)

// oracleBilled is billed as it was before historyOf: it sorted the
// profile's history targets and normalised their words on every row.
func oracleBilled(p *Plan, r *rowCtx) bool {
	if len(p.prof.History) > 0 {
		targets := make([]string, 0, len(p.prof.History))
		for t := range p.prof.History {
			targets = append(targets, t)
		}
		sort.Strings(targets)
		for _, t := range targets {
			c, ok := r.getCell(t)
			if !ok {
				continue
			}
			star := false
			for _, w := range p.prof.History[t] {
				if w == "*" {
					star = true
				}
				if w == "*" || Normalize(w) == Normalize(c.v) {
					return true
				}
			}
			// A column the profile reads as a yes flag takes yes and no in any
			// language ("Oui"/"Non"), as the Billed column below does.
			b, known := yesNo(c.v)
			if known && b && listsYes(p.prof.History[t]) {
				return true
			}
			if !star && !(known && !b) && !unbilledWords[Normalize(c.v)] {
				r.fail(c, "a billed/unbilled marker", "Billed time is left out and unbilled time is imported, so this must be clear: write Y or N (or Billed/Unbilled), then re-import.")
			}
		}
		return false
	}
	if c, ok := r.getCell("billed"); ok {
		if b, _ := yesNo(c.v); b {
			return true
		}
		switch Normalize(c.v) {
		case "billed", "invoiced", "paid":
			return true
		}
		if _, known := yesNo(c.v); !known && !unbilledWords[Normalize(c.v)] {
			r.fail(c, "a billed/unbilled marker", "Billed time is left out and unbilled time is imported, so this must be clear: write Y or N (or Billed/Unbilled), then re-import.")
		}
	}
	return r.get("invoice") != ""
}

// TestBilledAsBefore: billed, reading the profile's history words
// normalised once, decides and rejects every row as it did when it
// normalised them on each row, for both profiles with a billed history.
func TestBilledAsBefore(t *testing.T) {
	rng := rand.New(rand.NewSource(9))
	values := []string{"", "Y", "N", "y", "yes", "No", "X", "1", "0", "Billed", "billed ", "Invoiced", "PAID", "Closed", "open", "Oui", "Non", "Sí", "wip", "maybe", "INV-1", "✓"}
	for _, c := range []struct {
		profile string
		header  []string
	}{
		{"pclaw-time", []string{"Date", "Lawyer", "Matter", "Hours", "Rate", "Amount", "Description", "Billed", "Invoice"}},
		{"bill4time-time", []string{"Date", "User", "Project ID", "Hours", "Billed Status", "Invoice"}},
	} {
		p, err := Choose("time.csv", "", c.header, nil, nil, c.profile)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.prof.History) == 0 {
			t.Fatalf("%s has no billed history", c.profile)
		}
		for i := 0; i < 2000; i++ {
			row := make([]string, len(c.header))
			for j := range row {
				row[j] = values[rng.Intn(len(values))]
			}
			got, want := &rowCtx{p: p, row: row}, &rowCtx{p: p, row: row}
			if b, ob := p.billed(got), oracleBilled(p, want); b != ob || got.reject != want.reject {
				t.Fatalf("%s row %q: billed %v (%q), before %v (%q)", c.profile, row, b, got.reject, ob, want.reject)
			}
		}
	}
}
