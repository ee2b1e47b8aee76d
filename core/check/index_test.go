package check

import (
	"fmt"
	"testing"
)

// The reference index answers exactly as a set of strings would, whether
// lookups come after all the adds or between them, and costs 8 bytes a
// distinct form once merged (string sets held 20 MB at 1M rows).
func TestIndexIsACompactSet(t *testing.T) {
	var ix index
	want := map[string]bool{}
	for i := 0; i < 50000; i++ {
		k := fmt.Sprintf("pclaw:contacts:%d", i%30000) // repeats too
		ix.add(formContactKey, k)
		want[k] = true
		if i%997 == 0 { // lookups while adding
			if !ix.has(formContactKey, k) || ix.has(formContactID, k) || ix.has(formContactKey, k+"x") {
				t.Fatalf("after %d adds: wrong answer for %q", i+1, k)
			}
		}
	}
	ix.merge()
	for i := 0; i < 31000; i++ {
		k := fmt.Sprintf("pclaw:contacts:%d", i)
		if ix.has(formContactKey, k) != want[k] {
			t.Errorf("%q: has %v, want %v", k, !want[k], want[k])
		}
	}
	if len(ix.sorted) != len(want) || ix.tail != nil {
		t.Errorf("%d hashes kept for %d distinct forms", len(ix.sorted), len(want))
	}
}
