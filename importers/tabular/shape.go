package tabular

import (
	"fmt"
	"strings"
)

// RuleShortRow is the finding a row carries when it had fewer fields than the
// header and was read with the missing trailing fields empty.
const RuleShortRow = "row.short"

// A value's class, for telling a row that lost its last fields (read, with
// the rest empty) from one that lost a field in the middle, whose later values
// then sit one column to the left (rejected: reading it would put a date in a
// name and a name in an amount).
type valueClass uint8

const (
	classEmpty valueClass = iota
	classNumber
	classDate
	classText
	nClasses
)

func classOf(v string) valueClass {
	v = strings.TrimSpace(v)
	switch {
	case v == "":
		return classEmpty
	case len(v) <= 30 && dateLike(v):
		return classDate
	case len(v) <= 30 && numberLike(v):
		return classNumber
	}
	return classText
}

// columnShapes counts each column's value classes over the full rows read so
// far: a few counters a column, whatever the file's length.
type columnShapes struct {
	counts [][nClasses]int
}

func (s *columnShapes) learn(fields []string, width int) {
	if len(s.counts) != width {
		s.counts = make([][nClasses]int, width)
	}
	for i := 0; i < width && i < len(fields); i++ {
		s.counts[i][classOf(fields[i])]++
	}
}

// dominant is column i's class when at least 8 in 10 of its non-empty values
// (and at least 3) have it; classEmpty when the column shows no clear shape.
func (s *columnShapes) dominant(i int) valueClass {
	if i < 0 || i >= len(s.counts) {
		return classEmpty
	}
	c := s.counts[i]
	n := shaped(c)
	for k := classNumber; k < nClasses; k++ {
		if c[k] >= 3 && c[k]*10 >= n*8 {
			return k
		}
	}
	return classEmpty
}

// misfits counts the fields that clash with the clear shape of the column
// they would be read into, when the missing fields sit before field gap (so
// fields from gap on are read missing columns to the right).
func (s *columnShapes) misfits(fields []string, gap, missing int) int {
	n := 0
	for j, v := range fields {
		col := j
		if j >= gap {
			col = j + missing
		}
		c := classOf(v)
		if d := s.dominant(col); c != classEmpty && d != classEmpty && c != d && !s.holds(col, c) {
			n++
		}
	}
	return n
}

// holds reports whether column i's full rows have held values of class k in
// at least one in ten of its values: a date written out in a column of date
// numbers (Unix milliseconds, Excel days) beside other written ones, as an
// export whose system changed mid-way writes them, fits its column.
func (s *columnShapes) holds(i int, k valueClass) bool {
	if i < 0 || i >= len(s.counts) {
		return false
	}
	c := s.counts[i]
	return c[k] > 0 && c[k]*10 >= shaped(c)
}

// shaped is how many of a column's counted values have a shape (are not empty).
func shaped(c [nClasses]int) int {
	n := 0
	for k := classNumber; k < nClasses; k++ {
		n += c[k]
	}
	return n
}

// shortRow decides a row with fewer fields than the header. It returns the
// row padded with empty fields when its values fit the columns as they are
// (only trailing fields are missing); otherwise shifted is true and why says
// where a field seems to be missing.
func (s *columnShapes) shortRow(fields, header []string) (padded []string, shifted bool, why string) {
	width := len(header)
	missing := width - len(fields)
	aligned := s.misfits(fields, len(fields), missing)
	if aligned > 0 {
		best, bestGap := aligned, -1
		for gap := len(fields) - 1; gap >= 0; gap-- { // ties: the latest gap, which moves the fewest values
			if m := s.misfits(fields, gap, missing); m < best {
				best, bestGap = m, gap
			}
		}
		// one value out of its column's shape (a credit note's CN-2363 among
		// invoice numbers) is not evidence enough to move every value after
		// it: a shift must explain at least two
		if bestGap >= 0 && aligned-best >= 2 {
			return fields, true, fmt.Sprintf("%d of its values do not fit their columns as written, but fit if a field is missing before field %d (column %q): the values after it are shifted", aligned, bestGap+1, header[bestGap])
		}
	}
	out := make([]string, width)
	copy(out, fields)
	return out, false, ""
}

// missingMatters reports whether a short row's missing columns are ones the
// full rows nearly always fill: then the row lost values and says so. Many
// exporters leave off trailing empty cells; a row missing only columns that
// are mostly empty anyway lost nothing worth a finding.
func (s *columnShapes) missingMatters(have, width int) bool {
	if len(s.counts) != width {
		return true // no full row yet: nothing says the fields were empty
	}
	for j := have; j < width; j++ {
		c := s.counts[j]
		n := 0
		for k := range c {
			n += c[k]
		}
		if n < 3 || (n-c[classEmpty])*10 >= n*9 {
			return true
		}
	}
	return false
}
