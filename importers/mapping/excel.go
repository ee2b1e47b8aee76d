package mapping

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"handover/importers/internal/bytescan"
)

// Excel damage in an identifier column (matter numbers, ids). Excel turns
// text it can read as a date into a date, and a CSV saved from it then holds
// a serial number (45366), a short date (3/15/2024) or a month label (1-Jan)
// where the column's other values are identifiers such as 16-1001. What is
// NOT damage, and must not be reported:
//
//   - a number with leading zeros (00001, 000123): Excel drops leading zeros,
//     so a value that still has them never went through a date cell;
//   - a 5-digit number outside the dates a firm's data holds (serials of
//     1980..2049), e.g. the zip 90210;
//   - plain numbers in a column of plain numbers (invoice numbers, phone
//     extensions, zip codes): with no dashed identifiers beside them there is
//     nothing they were damaged from;
//   - a 5-digit number in a column whose dashed values start with 5 digits
//     (ZIP+4 45201-1234 beside 45201): the same identifier without its suffix;
//   - a column where a fifth or more are such numbers: two kinds of value,
//     not damage;
//   - a month-named code (MAR-03) in a column of word codes (SMI-01, JON-02).
//
// Every test is decided per column from counters kept in Observe.

// The shapes below are read byte by byte, not by regular expressions: Observe
// shows them every value with a digit of every column. excel_shapes_test.go
// holds each to the pattern it replaced (kept there as the oracle).

// dashedID: ^[A-Za-z]{0,4}(\d{1,6})[-./]\d{1,6}[A-Za-z]?$ ; lead is the
// length of the first digit group.
func dashedID(v string) (lead int, ok bool) {
	i := 0
	for i < len(v) && bytescan.Letter(v[i]) {
		i++
	}
	if i > 4 {
		return 0, false
	}
	lead = bytescan.Digits(v, i)
	if lead < 1 || lead > 6 {
		return 0, false
	}
	i += lead
	if i >= len(v) || v[i] != '-' && v[i] != '.' && v[i] != '/' {
		return 0, false
	}
	i++
	if n := bytescan.Digits(v, i); n < 1 || n > 6 {
		return 0, false
	} else {
		i += n
	}
	if i < len(v) && bytescan.Letter(v[i]) {
		i++
	}
	return lead, i == len(v)
}

// slashDateShape: ^\d{1,2}[/.]\d{1,2}[/.]\d{2,4}$
func slashDateShape(v string) bool {
	i := 0
	for part, lim := range [3][2]int{{1, 2}, {1, 2}, {2, 4}} {
		if part > 0 {
			if i >= len(v) || v[i] != '/' && v[i] != '.' {
				return false
			}
			i++
		}
		n := bytescan.Digits(v, i)
		if n < lim[0] || n > lim[1] {
			return false
		}
		i += n
	}
	return i == len(v)
}

// labelSep is [-\s/.] (\s being [\t\n\f\r ]).
func labelSep(c byte) bool {
	return c == '-' || c == '/' || c == '.' || c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

// lettersAt is the length in bytes and in letters of the run of (Unicode)
// letters at i.
func lettersAt(v string, i int) (size, count int) {
	for i+size < len(v) {
		r, w := utf8.DecodeRuneInString(v[i+size:])
		if !unicode.IsLetter(r) {
			break
		}
		size += w
		count++
	}
	return size, count
}

// monthLabel matches ^(\d{1,2}[-\s/.](\p{L}{3,9})([-\s/.]\d{2,4})?|(\p{L}{3,9})[-\s/.]\d{2})$
// and returns the word; wordFirst says it was the second form (SMI-01).
func monthLabel(v string) (word string, wordFirst, ok bool) {
	if v == "" {
		return "", false, false
	}
	if n := bytescan.Digits(v, 0); n > 0 { // 1-Jan, 16-Jan-01
		if n > 2 || n >= len(v) || !labelSep(v[n]) {
			return "", false, false
		}
		i := n + 1
		size, count := lettersAt(v, i)
		if count < 3 || count > 9 {
			return "", false, false
		}
		word, i = v[i:i+size], i+size
		if i == len(v) {
			return word, false, true
		}
		if !labelSep(v[i]) {
			return "", false, false
		}
		d := bytescan.Digits(v, i+1)
		return word, false, d >= 2 && d <= 4 && i+1+d == len(v)
	}
	size, count := lettersAt(v, 0) // Jan-01
	if count < 3 || count > 9 || size >= len(v) || !labelSep(v[size]) {
		return "", false, false
	}
	return v[:size], true, bytescan.Digits(v, size+1) == 2 && size+3 == len(v)
}

// Serial numbers of the dates a firm's records hold: 1980-01-01 .. 2049-12-31.
const (
	serialLow  = 29221
	serialHigh = 54788
)

// excelObs counts, per column, the evidence for and against Excel damage.
type excelObs struct {
	dashedID int // identifiers like 16-1001
	dashed5  int // of those, ones whose first digit group has 5 digits (ZIP+4)
	monthish int // 1-Jan, Jan-01, 16-Jan-01
	wordCode int // SMI-01: the month-label shape with a word that is no month
	serial   int // 5 digits, no leading zero, a serial of 1980..2049
	slash    int // 3/15/2024
}

// serialSuspect: a value Excel could have written for a date cell.
func serialSuspect(v string) bool {
	if len(v) != 5 || v[0] == '0' || bytescan.Digits(v, 0) != 5 {
		return false
	}
	n := 0
	for i := 0; i < 5; i++ {
		n = n*10 + int(v[i]-'0')
	}
	return n >= serialLow && n <= serialHigh
}

func slashDate(v string) bool {
	return len(v) >= 5 && len(v) <= 10 && strings.ContainsAny(v, "/.") && slashDateShape(v)
}

// observe counts one trimmed, non-empty value that holds a digit.
func (x *excelObs) observe(v string) {
	sd := slashDate(v)
	switch {
	case !sd && len(v) <= 18 && strings.ContainsAny(v, "-./"):
		if lead, ok := dashedID(v); ok {
			x.dashedID++
			if lead == 5 {
				x.dashed5++
			}
			return
		}
	case sd:
		x.slash++
		return
	}
	if hasLetter(v) {
		if monthish(v) {
			x.monthish++
		} else if _, wordFirst, ok := monthLabel(v); len(v) <= 13 && ok && wordFirst {
			x.wordCode++
		}
		return
	}
	if serialSuspect(v) {
		x.serial++
	}
}

// dashedColumn: most of the column's undamaged values are dashed identifiers
// that a 5-digit number or short date could have been damaged from, and those
// are a minority (at most a fifth): Excel damages the few identifiers it can
// read as dates, while a column where a third are 5-digit numbers (phone
// numbers beside extensions) simply holds two kinds of value.
func (x excelObs) dashedColumn(nonEmpty int) bool {
	ids := x.dashedID - x.dashed5
	rest := nonEmpty - x.serial - x.slash - x.monthish
	n := x.serial + x.slash
	return ids > 0 && ids*2 >= rest && (n*5 <= nonEmpty || n == 1 && ids >= 2)
}

// monthDamage: month labels here are damage, not the column's own codes.
func (x excelObs) monthDamage(nonEmpty int) bool {
	return x.monthish > 0 && x.wordCode*2 < nonEmpty-x.monthish
}

// suspects is how many values of the column the finding fires on.
func (x excelObs) suspects(nonEmpty int) int {
	n := 0
	if x.monthDamage(nonEmpty) {
		n += x.monthish
	}
	if x.dashedColumn(nonEmpty) {
		n += x.serial + x.slash
	}
	return n
}

// excelDamaged reports whether v, in a column with evidence x, is Excel damage.
func (x excelObs) excelDamaged(v string, nonEmpty int) bool {
	if hasLetter(v) {
		return monthish(v) && x.monthDamage(nonEmpty)
	}
	return (serialSuspect(v) || slashDate(v)) && x.dashedColumn(nonEmpty)
}
