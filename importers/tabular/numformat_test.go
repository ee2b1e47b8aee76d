package tabular

import (
	"strconv"
	"testing"
)

// TestNumFormatterShowsRepeatsAsFirstTime: a number shown again (from the
// formatter's memory) reads as a fresh formatter shows it, for several
// styles of one workbook, and the memory stays capped.
func TestNumFormatterShowsRepeatsAsFirstTime(t *testing.T) {
	styles := []styleInfo{{numFmtID: 4}, {code: "#,##0.00"}, {numFmtID: 10}, {code: `"$"#,##0.00;[Red]\("$"#,##0.00\)`}}
	raws := []string{"3100", "867.5", "-12.345", "0", "1234567.891", "0.5", "3100"}
	var fm numFormatter
	defer fm.close()
	for round := 0; round < 2; round++ {
		for sid, st := range styles {
			for _, raw := range raws {
				var fresh numFormatter
				want := fresh.formatOnce(raw, sid, st)
				fresh.close()
				if got := fm.format(raw, sid, st); got != want {
					t.Errorf("style %d, %s: shown %q, a fresh formatter shows %q", sid, raw, got, want)
				}
			}
		}
	}
	if want := len(styles) * (len(raws) - 1); len(fm.shown) != want {
		t.Errorf("remembers %d texts, want %d", len(fm.shown), want)
	}
	for i := 0; i < maxShown+10; i++ {
		fm.format(strconv.Itoa(i)+".25", 1, styles[1])
	}
	if len(fm.shown) > maxShown {
		t.Errorf("remembers %d texts, more than %d", len(fm.shown), maxShown)
	}
}
