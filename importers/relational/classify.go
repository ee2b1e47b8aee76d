package relational

import (
	"strings"

	"handover/importers/internal/bytescan"
)

// Byte-level forms of the patterns pass 1 holds every value of every column
// to. As regular expressions they were a fifth of an ingest's CPU;
// classify_test.go holds each to the pattern it replaces (kept there as the
// oracle) on generated and fuzzed values.

// isSpace is the regexp package's \s: [\t\n\f\r ].
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' }

// isEmail: ^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$
func isEmail(v string) bool {
	at := -1
	for i := 0; i < len(v); i++ {
		switch {
		case v[i] == '@':
			if at >= 0 {
				return false
			}
			at = i
		case isSpace(v[i]):
			return false
		}
	}
	if at < 1 {
		return false
	}
	// The letters after the last dot; the dot needs something before it.
	end := len(v)
	n := 0
	for n < end-at-1 && bytescan.Letter(v[end-1-n]) {
		n++
	}
	dot := end - 1 - n
	return n >= 2 && dot > at+1 && v[dot] == '.'
}

// isPhone: ^\+?[\d\s().\-/]{7,22}$
func isPhone(v string) bool {
	if v != "" && v[0] == '+' {
		v = v[1:]
	}
	if len(v) < 7 || len(v) > 22 {
		return false
	}
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case bytescan.Digit(c), isSpace(c), c == '(', c == ')', c == '.', c == '-', c == '/':
		default:
			return false
		}
	}
	return true
}

// yearNumbered: a year and a running number, one separator between
// ("2023/0001", "2024-017"): how firms number their files, not a phone
// number, though it has the digits of one.
func yearNumbered(v string) bool {
	if bytescan.Digits(v, 0) != 4 || !(strings.HasPrefix(v, "19") || strings.HasPrefix(v, "20")) || len(v) < 6 {
		return false
	}
	if c := v[4]; c != '/' && c != '-' && c != '.' {
		return false
	}
	n := bytescan.Digits(v, 5)
	return n <= 5 && 5+n == len(v)
}

// isClock: ^\d{1,3}:\d{2}(:\d{2})?( ?[AaPp][Mm])?$
func isClock(v string) bool {
	i, ok := bytescan.Clock(v, 0, 3)
	return ok && bytescan.AmPmEnd(v, i)
}

// shortSpan: a clock value (isClock) whose hours are below 7 and that has
// no am/pm — how long work took ("0:45", "2:30"), as office hours rarely are.
func shortSpan(v string) bool {
	n := bytescan.Digits(v, 0)
	if n < 1 || n > 2 || v[len(v)-1]|0x20 == 'm' {
		return false
	}
	h := 0
	for i := 0; i < n; i++ {
		h = 10*h + int(v[i]-'0')
	}
	return h < 7
}

// isTextDate is the pattern
//
//	^(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{1,2}[ -][A-Za-z]{3,9}[ -]\d{2,4}|[A-Za-z]{3,9}\.? \d{1,2},? \d{4})
//	([ T]\d{1,2}:\d{2}(:\d{2})?(\.\d+)?( ?[AaPp][Mm])?(Z|[+-]\d{2}:?\d{2})?)?$
//
// Every digit or letter run is followed by something of another kind, so
// each run is read whole and its length checked.
func isTextDate(v string) bool {
	i, ok := textDatePart(v)
	return ok && timePart(v, i)
}

func dateSep(c byte) bool { return c == '-' || c == '/' || c == '.' }

// textDatePart reads the date alternatives; i is where the date ends.
func textDatePart(v string) (int, bool) {
	if v == "" {
		return 0, false
	}
	if bytescan.Letter(v[0]) { // Jan 5, 2024
		n := bytescan.Letters(v, 0)
		if n < 3 || n > 9 {
			return 0, false
		}
		i := n
		if i < len(v) && v[i] == '.' {
			i++
		}
		if i >= len(v) || v[i] != ' ' {
			return 0, false
		}
		i++
		if n := bytescan.Digits(v, i); n < 1 || n > 2 {
			return 0, false
		} else {
			i += n
		}
		if i < len(v) && v[i] == ',' {
			i++
		}
		if i >= len(v) || v[i] != ' ' || bytescan.Digits(v, i+1) != 4 {
			return 0, false
		}
		return i + 5, true
	}
	n := bytescan.Digits(v, 0)
	i := n
	switch {
	case n == 4: // 2024-01-05
		if i >= len(v) || !dateSep(v[i]) {
			return 0, false
		}
		i++
		if n := bytescan.Digits(v, i); n < 1 || n > 2 {
			return 0, false
		} else {
			i += n
		}
		if i >= len(v) || !dateSep(v[i]) {
			return 0, false
		}
		i++
		if n := bytescan.Digits(v, i); n < 1 || n > 2 {
			return 0, false
		} else {
			i += n
		}
		return i, true
	case n == 1 || n == 2:
		if i+1 >= len(v) {
			return 0, false
		}
		if (v[i] == ' ' || v[i] == '-') && bytescan.Letter(v[i+1]) { // 5 Jan 2024, 5-Jan-24
			i++
			n := bytescan.Letters(v, i)
			if n < 3 || n > 9 {
				return 0, false
			}
			i += n
			if i >= len(v) || v[i] != ' ' && v[i] != '-' {
				return 0, false
			}
			i++
		} else { // 05/01/2024
			if !dateSep(v[i]) {
				return 0, false
			}
			i++
			if n := bytescan.Digits(v, i); n < 1 || n > 2 {
				return 0, false
			} else {
				i += n
			}
			if i >= len(v) || !dateSep(v[i]) {
				return 0, false
			}
			i++
		}
		if n := bytescan.Digits(v, i); n < 2 || n > 4 {
			return 0, false
		} else {
			i += n
		}
		return i, true
	}
	return 0, false
}

// timePart: v[i:] is empty or
// [ T]\d{1,2}:\d{2}(:\d{2})?(\.\d+)?( ?[AaPp][Mm])?(Z|[+-]\d{2}:?\d{2})? to the end.
func timePart(v string, i int) bool {
	if i == len(v) {
		return true
	}
	if v[i] != ' ' && v[i] != 'T' {
		return false
	}
	i, ok := bytescan.Clock(v, i+1, 2)
	if !ok {
		return false
	}
	if i < len(v) && v[i] == '.' {
		n := bytescan.Digits(v, i+1)
		if n == 0 {
			return false
		}
		i += 1 + n
	}
	if i < len(v) && (v[i] == ' ' || v[i]|0x20 == 'a' || v[i]|0x20 == 'p') {
		j := i
		if v[j] == ' ' {
			j++
		}
		if j+1 >= len(v) || v[j]|0x20 != 'a' && v[j]|0x20 != 'p' || v[j+1]|0x20 != 'm' {
			return false
		}
		i = j + 2
	}
	if i == len(v) {
		return true
	}
	if v[i] == 'Z' {
		return i+1 == len(v)
	}
	if v[i] != '+' && v[i] != '-' || bytescan.Digits(v, i+1) < 2 {
		return false
	}
	i += 3
	if i < len(v) && v[i] == ':' {
		i++
	}
	return bytescan.Digits(v, i) == 2 && i+2 == len(v)
}
