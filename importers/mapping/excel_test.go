package mapping

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"handover/core/model"
)

// excelKind names the finding kind of a value: the form Excel left behind.
func excelKind(v string) string {
	switch {
	case hasLetter(v):
		return "month label"
	case slashDate(v):
		return "short date"
	}
	return "serial"
}

type excelCase struct {
	name    string
	values  func(r *rand.Rand, i int) string
	damaged func(r *rand.Rand, i int) (string, bool) // a planted damaged value for row i, if any
}

func pad(n, w int) string { return fmt.Sprintf("%0*d", w, n) }

// excelCases: columns that must not fire (every value is undamaged) and
// columns with planted damage (about 5 % of the rows) that must.
var excelCases = []excelCase{
	{name: "zero-padded ids", values: func(r *rand.Rand, i int) string { return pad(i+1, 5) }},
	{name: "zero-padded ids with one dashed", values: func(r *rand.Rand, i int) string {
		if i == 7 {
			return "2024-001"
		}
		return pad(i+1, 6)
	}},
	{name: "zip codes", values: func(r *rand.Rand, i int) string { return pad(r.IntN(99999)+1, 5) }},
	{name: "zip codes with ZIP+4", values: func(r *rand.Rand, i int) string {
		z := pad(r.IntN(99999)+1, 5)
		if i%2 == 0 {
			return z + "-" + pad(r.IntN(9999), 4)
		}
		return z
	}},
	{name: "phone extensions", values: func(r *rand.Rand, i int) string { return fmt.Sprint(100 + r.IntN(59900)) }},
	{name: "phone numbers and extensions", values: func(r *rand.Rand, i int) string {
		if i%3 == 0 {
			return fmt.Sprint(30000 + r.IntN(20000))
		}
		return fmt.Sprintf("555-%04d", r.IntN(10000))
	}},
	{name: "invoice numbers", values: func(r *rand.Rand, i int) string { return fmt.Sprint(40000 + i) }},
	{name: "dashed invoice numbers", values: func(r *rand.Rand, i int) string { return fmt.Sprintf("INV%d-%04d", 2020+i%5, i) }},
	{name: "word codes", values: func(r *rand.Rand, i int) string {
		return []string{"SMI", "JON", "MAR", "DEC", "BRO", "MAY", "LEE"}[i%7] + "-" + pad(i%100, 2)
	}},
	{name: "dates in an id column", values: func(r *rand.Rand, i int) string { return fmt.Sprintf("%d/%d/2024", 1+i%12, 1+i%28) }},
	{name: "clean matter numbers", values: func(r *rand.Rand, i int) string { return fmt.Sprintf("%02d-%04d", 16+i%8, 1000+i) }},

	{name: "matter numbers with serials",
		values: func(r *rand.Rand, i int) string { return fmt.Sprintf("%02d-%04d", 16+i%8, 1000+i) },
		damaged: func(r *rand.Rand, i int) (string, bool) {
			return fmt.Sprint(42370 + r.IntN(3000)), i%20 == 3
		}},
	{name: "matter numbers with short dates",
		values: func(r *rand.Rand, i int) string { return fmt.Sprintf("%d-%03d", 2020+i%5, i%1000) },
		damaged: func(r *rand.Rand, i int) (string, bool) {
			return fmt.Sprintf("%d/%d/%d", 1+r.IntN(12), 1+r.IntN(28), 2020+r.IntN(5)), i%20 == 5
		}},
	{name: "matter numbers with month labels",
		values: func(r *rand.Rand, i int) string { return fmt.Sprintf("%d-%04d", 1+i%9, 1000+i) },
		damaged: func(r *rand.Rand, i int) (string, bool) {
			return fmt.Sprintf("%d-%s", 1+r.IntN(28), []string{"Jan", "Feb", "Mar", "Apr"}[r.IntN(4)]), i%20 == 9
		}},
}

// TestExcelDamageFalsePositives runs each column as a matter-number column
// and counts, per finding kind, the values flagged that were not damaged
// (false positives) and the damaged values missed.
func TestExcelDamageFalsePositives(t *testing.T) {
	const rowsPer = 200
	flaggedWrong := map[string]int{}
	total := 0
	for _, c := range excelCases {
		r := rand.New(rand.NewPCG(1, uint64(len(c.name))))
		var rows [][]string
		planted := map[int]bool{}
		for i := range rowsPer {
			v := c.values(r, i)
			if c.damaged != nil {
				if d, ok := c.damaged(r, i); ok {
					v, planted[i] = d, true
				}
			}
			rows = append(rows, []string{v, "Matter " + fmt.Sprint(i), "Client " + fmt.Sprint(i%9)})
		}
		p, outs := run(t, "matters.csv", []string{"Matter Number", "Description", "Client Name"}, rows, nil, "")
		if p.Entity != model.Matters || p.Columns[0].Target != "matter" {
			t.Fatalf("%s: not a matters table: %+v", c.name, p.Columns)
		}
		missed := 0
		for i, o := range outs {
			fired := hasFinding(o, model.RuleExcelMangled, rows[i][0])
			switch {
			case fired && !planted[i]:
				flaggedWrong[excelKind(rows[i][0])]++
				t.Errorf("%s: %q flagged as Excel damage", c.name, rows[i][0])
			case !fired && planted[i]:
				missed++
			}
		}
		total += rowsPer - len(planted)
		if missed > 0 {
			t.Errorf("%s: %d of %d damaged values not flagged", c.name, missed, len(planted))
		}
		if c.damaged == nil && len(p.Warnings) > 0 {
			for _, w := range p.Warnings {
				if w.Column == "Matter Number" {
					t.Errorf("%s: column warning %q", c.name, w.Message)
				}
			}
		}
	}
	for _, kind := range []string{"serial", "short date", "month label"} {
		rate := float64(flaggedWrong[kind]) / float64(total)
		t.Logf("false positives, %s: %d of %d undamaged values (%.2f %%)", kind, flaggedWrong[kind], total, 100*rate)
		if rate >= 0.05 {
			t.Errorf("%s: false-positive rate %.1f %% (limit 5 %%)", kind, 100*rate)
		}
	}
}

// The report that started this: 50 zero-padded numbers and one dashed id in
// an id column gave 50 "Excel-mangled" warnings.
func TestZeroPaddedNumbersAreNotExcelDates(t *testing.T) {
	h := []string{"Matter Number", "Description", "Client Name"}
	var rows [][]string
	for i := range 50 {
		rows = append(rows, []string{pad(i+1, 5), "d", "c"})
	}
	rows = append(rows, []string{"16-1001", "d", "c"})
	p, outs := run(t, "m.csv", h, rows, nil, "")
	for i, o := range outs {
		if hasFinding(o, model.RuleExcelMangled, rows[i][0]) {
			t.Errorf("%q flagged", rows[i][0])
		}
	}
	for _, w := range p.Warnings {
		if w.Column == "Matter Number" {
			t.Errorf("column warning: %s", w.Message)
		}
	}
}
