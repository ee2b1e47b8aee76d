package mapping

import (
	"math/rand"
	"reflect"
	"strconv"
	"testing"
)

// someValue makes the values a column's evidence counts: dates of every
// shape, amounts written both ways, epoch numbers, clock times, flags,
// status words, Excel-damaged identifiers, and plain words.
func someValue(rng *rand.Rand) string {
	pick := func(s ...string) string { return s[rng.Intn(len(s))] }
	n := func(hi int) string { return strconv.Itoa(rng.Intn(hi)) }
	switch rng.Intn(12) {
	case 0:
		return n(32) + pick("/", ".", "-") + n(32) + pick("/", ".", "-") + pick("2024", "24", "1999")
	case 1:
		return pick("2024-", "2023/") + n(13) + pick("-", "/") + n(32)
	case 2:
		return pick("", "-", "(") + n(5000) + pick(".", ",") + n(100) + pick("", ")", " CHF")
	case 3:
		return pick("1", "12", "1.234", "1,234") + pick(".", ",") + n(1000)
	case 4:
		return pick(n(100000), "20240315", "1700000000", "1700000000000", "2460385.5", "45000", "0", "-7", "00")
	case 5:
		return n(24) + ":" + pick("00", "15", "30", "5") + pick("", ":00")
	case 6:
		return pick("Y", "N", "yes", "No", "TRUE", "f", "1", "0", "x", "-1")
	case 7:
		return pick("Open", "Closed", "On hold", "Pending", "Completed", "Not started", "in-progress", "Résolu")
	case 8:
		return n(30) + "-" + n(100000) + pick("", "-"+n(10))
	case 9:
		return pick("1-Jan", "Jan-01", "16-Jan-01", "SMI-01", "Mar-2024", "45123", "3/15/2024")
	case 10:
		return pick("", " ", "  7 ", "\t2024-01-05 ")
	}
	return pick("Meeting with client", "DK", "Ruiz, Ana", "INV-33024", "20-39775", "21270.010", "€12,50", "1e5")
}

// TestEvidenceMemoObservesAsObserve: Evidence, which takes the effect of a
// column's repeated values from its memo, ends with exactly what observe on
// every value gives, for columns of few values (the memo holds them all),
// of ever new ones (it is dropped) and between.
func TestEvidenceMemoObservesAsObserve(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	pool := make([]string, 300)
	for i := range pool {
		pool[i] = someValue(rng)
	}
	const rows = 3 * obsMemoMax
	var e Evidence
	want := make([]colObs, 3)
	for i := 0; i < rows; i++ {
		row := []string{pool[rng.Intn(len(pool))], someValue(rng) + strconv.Itoa(i), someValue(rng)}
		e.Observe(row)
		for c, v := range row {
			want[c].observe(v)
		}
	}
	if e.memos[0].seen == nil || e.memos[0].hits == 0 {
		t.Fatal("a column of 300 values was not memoised")
	}
	if e.memos[1].seen != nil {
		t.Error("a column of distinct values kept its memo")
	}
	for c := range want {
		if !reflect.DeepEqual(e.cols[c], want[c]) {
			t.Errorf("column %d: with the memo\n%+v\nobserving each value\n%+v", c, e.cols[c], want[c])
		}
	}
}

// TestObsDeltaKnowsEveryCounter: obsCounters must list every counter of a
// colObs, or the memo would drop what a new one counts.
func TestObsDeltaKnowsEveryCounter(t *testing.T) {
	var o colObs
	listed := map[*int]bool{&o.nonEmpty: true}
	for _, c := range obsCounters(&o) {
		listed[c.n] = true
	}
	var walk func(v reflect.Value, path string)
	walk = func(v reflect.Value, path string) {
		for i := 0; i < v.NumField(); i++ {
			f, name := v.Field(i), path+v.Type().Field(i).Name
			switch f.Kind() {
			case reflect.Struct:
				walk(f, name+".")
			case reflect.Int:
				if !listed[(*int)(f.Addr().UnsafePointer())] {
					t.Errorf("counter %s is not in obsCounters", name)
				}
			case reflect.Float64, reflect.String:
				if name != "rd.lo" && name != "rd.hi" && name != "rd.logSum" && name != "firstAmbig" { // apply's own cases
					t.Errorf("field %s: teach obsDelta about it", name)
				}
			default:
				t.Errorf("field %s of kind %s: teach obsDelta about it", name, f.Kind())
			}
		}
	}
	walk(reflect.ValueOf(&o).Elem(), "")
}
