package mapping

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Dates are read per column. Definite forms (ISO 2024-03-15, 20240315,
// "15-Mar-2024", "Mar 15, 2024", Excel serial numbers) need no order; the
// numeric forms a/b/y (M/D/Y or D/M/Y, also with '-' or '.') are decided
// per column from ALL its values in Observe: a first part above 12 proves D/M,
// a second part above 12 proves M/D. When no value decides, the profile's
// date_order is used, else D/M for dotted dates and M/D otherwise, and the
// column is flagged RuleDateAmbiguous (each row also gets a Finding with the
// original text). Two-digit years: 00–49 → 20xx, 50–99 → 19xx.

var (
	reISODate  = regexp.MustCompile(`^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ]+(.*))?$`)
	reABY      = regexp.MustCompile(`^(\d{1,2})([-/.])(\d{1,2})([-/.])(\d{4}|\d{2})\.?(?:[T ,]+(.*))?$`)
	reDMonY    = regexp.MustCompile(`^(\d{1,2})\.?[-\s/]+(\p{L}{3,9})\.?[-\s/,]+(\d{4}|\d{2})(?:[T ,]+(.*))?$`)
	reMonDY    = regexp.MustCompile(`^(\p{L}{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(?:[T ,]+(.*))?$`)
	reCompact  = regexp.MustCompile(`^((?:19|20)\d{2})(\d{2})(\d{2})$`)
	reSerial   = regexp.MustCompile(`^(\d{4,5})(?:\.(\d+))?$`)
	reTime     = regexp.MustCompile(`^(\d{1,2})(?:[:.](\d{2}))?(?:[:.](\d{2}))?(?:\.\d+)?\s*(?:([AaPp])\.?\s*[Mm]\.?)?(?:\s*Uhr)?$`)
	blankDates = map[string]bool{"0.0.00": true, "0/0/00": true, "00/00/0000": true, "0000-00-00": true, "00.00.0000": true, "n/a": true, "none": true, "null": true, "-": true}
)

var monthNames = map[string]int{
	"jan": 1, "january": 1, "januar": 1, "jän": 1, "janv": 1,
	"feb": 2, "february": 2, "februar": 2, "febr": 2,
	"mar": 3, "march": 3, "mär": 3, "märz": 3, "mrz": 3, "maerz": 3,
	"apr": 4, "april": 4,
	"may": 5, "mai": 5,
	"jun": 6, "june": 6, "juni": 6,
	"jul": 7, "july": 7, "juli": 7,
	"aug": 8, "august": 8,
	"sep": 9, "sept": 9, "september": 9,
	"oct": 10, "october": 10, "okt": 10, "oktober": 10,
	"nov": 11, "november": 11,
	"dec": 12, "december": 12, "dez": 12, "dezember": 12,
}

type dateShape int

const (
	shapeBad      dateShape = iota
	shapeBlank              // nothing to read
	shapeDefinite           // needs no order
	shapeAB                 // a/b/y: order decides
)

type scanned struct {
	shape  dateShape
	y      int // full year
	m, d   int // for definite
	a, b   int // for AB
	dotted bool
	rest   string // text after the date (a time), if any
	serial bool
	frac   string // serial fraction digits (time of day)
}

func fullYear(s string) int {
	y, _ := strconv.Atoi(s)
	if len(s) == 2 {
		if y < 50 {
			return 2000 + y
		}
		return 1900 + y
	}
	return y
}

func scanDate(v string) scanned {
	v = strings.TrimSpace(v)
	if v == "" || len(v) <= 10 && blankDates[strings.ToLower(v)] { // the longest blank form has 10 characters
		return scanned{shape: shapeBlank}
	}
	if s, ok := scanCommonDate(v); ok {
		return s
	}
	return scanDatePatterns(v)
}

// scanDatePatterns reads a trimmed, non-blank value with the patterns.
func scanDatePatterns(v string) scanned {
	if !mayBeDate(v) {
		return scanned{shape: shapeBad}
	}
	if whole, frac, ok := serialShape(v); ok { // 45366, 45366.5, a zip code: only reSerial can match it
		n, _ := strconv.Atoi(whole)
		if n >= 1000 && n <= 99999 { // 1902-09-26 .. 2173-10-14
			t := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n)
			return scanned{shape: shapeDefinite, y: t.Year(), m: int(t.Month()), d: t.Day(), serial: true, frac: frac}
		}
		return scanned{shape: shapeBad}
	}
	return scanDateRegexps(v)
}

// serialShape matches reSerial, ^(\d{4,5})(?:\.(\d+))?$, returning its groups.
func serialShape(v string) (whole, frac string, ok bool) {
	n := 0
	for n < len(v) && v[n] >= '0' && v[n] <= '9' {
		n++
	}
	if n < 4 || n > 5 {
		return "", "", false
	}
	if n == len(v) {
		return v, "", true
	}
	if v[n] != '.' || n+1 == len(v) {
		return "", "", false
	}
	for i := n + 1; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return "", "", false
		}
	}
	return v[:n], v[n+1:], true
}

// mayBeDate is false for values none of the patterns can match, decided from
// how they start: Observe shows every column's values (amounts, invoice and
// matter numbers) to the date reader, and running six patterns on each to
// learn it is no date cost more than the rest of pass 1.
// TestMayBeDateKeepsThePatternsAnswers holds it to scanDateRegexps.
func mayBeDate(v string) bool {
	if v == "" {
		return false
	}
	if c := v[0]; c < '0' || c > '9' {
		// Only reMonDY starts with something else: a month's name, maybe a
		// dot, then a space. Letters are ASCII ones or non-ASCII bytes here.
		j := 0
		for j < len(v) && hasLetter(v[j:j+1]) {
			j++
		}
		if j < len(v) && v[j] == '.' {
			j++
		}
		return j > 0 && j < len(v) && (v[j] == ' ' || v[j] == '\t' || v[j] == '\n' || v[j] == '\f' || v[j] == '\r')
	}
	n := 1
	for n < len(v) && v[n] >= '0' && v[n] <= '9' {
		n++
	}
	switch n {
	case 1, 2: // a/b/y needs two separators; d-Mon-y a month's name with the year after it
		return digitAfterLetter(v) || strings.Count(v, "-")+strings.Count(v, "/")+strings.Count(v, ".") >= 2
	case 4: // ISO, or a serial
		return n == len(v) || v[n] == '-' || v[n] == '/' || v[n] == '.'
	case 5: // a serial
		return n == len(v) || v[n] == '.'
	case 8: // YYYYMMDD
		return n == len(v)
	}
	return false
}

// digitAfterLetter: a digit comes somewhere after a letter (hasLetter's
// sense: an ASCII letter or any non-ASCII byte).
func digitAfterLetter(v string) bool {
	seen := false
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c >= '0' && c <= '9':
			if seen {
				return true
			}
		case c|0x20 >= 'a' && c|0x20 <= 'z' || c >= 0x80:
			seen = true
		}
	}
	return false
}

// scanDateRegexps is scanDatePatterns without the quick refusal.
func scanDateRegexps(v string) scanned {
	if m := reISODate.FindStringSubmatch(v); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		return scanned{shape: shapeDefinite, y: y, m: mo, d: d, rest: m[4]}
	}
	if m := reABY.FindStringSubmatch(v); m != nil && m[2] == m[4] {
		a, _ := strconv.Atoi(m[1])
		b, _ := strconv.Atoi(m[3])
		return scanned{shape: shapeAB, a: a, b: b, y: fullYear(m[5]), dotted: m[2] == ".", rest: m[6]}
	}
	if m := reDMonY.FindStringSubmatch(v); m != nil {
		if mo, ok := monthNames[strings.ToLower(m[2])]; ok {
			d, _ := strconv.Atoi(m[1])
			return scanned{shape: shapeDefinite, y: fullYear(m[3]), m: mo, d: d, rest: m[4]}
		}
	}
	if m := reMonDY.FindStringSubmatch(v); m != nil {
		if mo, ok := monthNames[strings.ToLower(m[1])]; ok {
			d, _ := strconv.Atoi(m[2])
			y, _ := strconv.Atoi(m[3])
			return scanned{shape: shapeDefinite, y: y, m: mo, d: d, rest: m[4]}
		}
	}
	if m := reCompact.FindStringSubmatch(v); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		if mo >= 1 && mo <= 12 && d >= 1 && d <= 31 {
			return scanned{shape: shapeDefinite, y: y, m: mo, d: d}
		}
	}
	if m := reSerial.FindStringSubmatch(v); m != nil {
		n, _ := strconv.Atoi(m[1])
		if n >= 1000 && n <= 99999 { // 1902-09-26 .. 2173-10-14
			t := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n)
			return scanned{shape: shapeDefinite, y: t.Year(), m: int(t.Month()), d: t.Day(), serial: true, frac: m[2]}
		}
	}
	return scanned{shape: shapeBad}
}

// scanCommonDate reads the two shapes nearly every export writes, ISO
// (2024-03-15) and a/b/y (03/15/2024), without a regexp: a million-row file
// spent a tenth of its ingest in the patterns. It answers only when the
// patterns reISODate and reABY would give exactly the same result, and
// otherwise leaves the value to them (ok false).
func scanCommonDate(v string) (s scanned, ok bool) {
	digits := func(i int) int { // how many ASCII digits start at i
		n := 0
		for i+n < len(v) && v[i+n] >= '0' && v[i+n] <= '9' {
			n++
		}
		return n
	}
	isSep := func(i int) bool { return i < len(v) && (v[i] == '-' || v[i] == '/' || v[i] == '.') }
	// rest reads the optional tail "[T ]+(.*)" (ISO) or "[T ,]+(.*)" (a/b/y)
	// starting at i; '.' in a pattern does not match a newline.
	rest := func(i int, comma bool) (string, bool) {
		if i == len(v) {
			return "", true
		}
		j := i
		for j < len(v) && (v[j] == 'T' || v[j] == ' ' || comma && v[j] == ',') {
			j++
		}
		if j == i || strings.IndexByte(v[j:], '\n') >= 0 {
			return "", false
		}
		return v[j:], true
	}
	atoi := func(i, n int) int {
		x := 0
		for _, c := range v[i : i+n] {
			x = x*10 + int(c-'0')
		}
		return x
	}
	first := digits(0)
	switch {
	case first == 4 && isSep(4): // ^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ]+(.*))?$
		mo := digits(5)
		if mo < 1 || mo > 2 || !isSep(5+mo) {
			return s, false
		}
		dpos := 6 + mo
		d := digits(dpos)
		if d < 1 || d > 2 {
			return s, false
		}
		tail, ok := rest(dpos+d, false)
		if !ok {
			return s, false
		}
		return scanned{shape: shapeDefinite, y: atoi(0, 4), m: atoi(5, mo), d: atoi(dpos, d), rest: tail}, true
	case (first == 1 || first == 2) && isSep(first): // ^(\d{1,2})([-/.])(\d{1,2})([-/.])(\d{4}|\d{2})\.?(?:[T ,]+(.*))?$
		sep := v[first]
		bpos := first + 1
		b := digits(bpos)
		if b < 1 || b > 2 || !isSep(bpos+b) || v[bpos+b] != sep {
			return s, false
		}
		ypos := bpos + b + 1
		y := digits(ypos)
		if y != 2 && y != 4 {
			return s, false
		}
		i := ypos + y
		if i < len(v) && v[i] == '.' {
			i++
		}
		tail, ok := rest(i, true)
		if !ok {
			return s, false
		}
		return scanned{shape: shapeAB, a: atoi(0, first), b: atoi(bpos, b), y: fullYear(v[ypos : ypos+y]), dotted: sep == '.', rest: tail}, true
	}
	return s, false
}

func validYMD(y, m, d int) bool {
	if y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 {
		return false
	}
	return d <= time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// resolve turns a scanned date into YYYY-MM-DD using order for a/b/y forms.
func (s scanned) resolve(order string) (string, bool) {
	y, m, d := s.y, s.m, s.d
	if s.shape == shapeAB {
		if order == "DMY" {
			d, m = s.a, s.b
		} else { // MDY, and YMD columns written a/b/y fall back to M/D
			m, d = s.a, s.b
		}
	} else if s.shape != shapeDefinite {
		return "", false
	}
	if !validYMD(y, m, d) {
		return "", false
	}
	return isoDate(y, m, d), true
}

// isoDate is fmt.Sprintf("%04d-%02d-%02d", y, m, d) for a date validYMD
// accepts (year 1..9999): written out, as every dated row makes one.
func isoDate(y, m, d int) string {
	b := [10]byte{byte('0' + y/1000), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-',
		byte('0' + m/10), byte('0' + m%10), '-', byte('0' + d/10), byte('0' + d%10)}
	return string(b[:])
}

// parseTime reads "10:00:00 AM", "14:30", "2 PM", "9.15 Uhr", an Excel day
// fraction "0.5" → "HH:MM:SS".
func parseTime(v string) (string, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", false
	}
	if strings.HasPrefix(v, "0.") || v == "0" {
		if f := v[min(2, len(v)):]; allDigits(f) && len(f) <= 12 {
			num, _ := strconv.ParseInt("0"+f, 10, 64)
			den := int64(1)
			for range len(f) {
				den *= 10
			}
			sec := (num*86400*2 + den) / (2 * den)
			return fmt.Sprintf("%02d:%02d:%02d", sec/3600%24, sec/60%60, sec%60), true
		}
	}
	m := reTime.FindStringSubmatch(v)
	if m == nil || (m[2] == "" && m[4] == "") {
		return "", false
	}
	h, _ := strconv.Atoi(m[1])
	mi, _ := strconv.Atoi("0" + m[2])
	se, _ := strconv.Atoi("0" + m[3])
	if ap := strings.ToLower(m[4]); ap != "" {
		if h < 1 || h > 12 {
			return "", false
		}
		if ap == "p" && h != 12 {
			h += 12
		} else if ap == "a" && h == 12 {
			h = 0
		}
	}
	if h > 23 || mi > 59 || se > 59 {
		return "", false
	}
	return fmt.Sprintf("%02d:%02d:%02d", h, mi, se), true
}
