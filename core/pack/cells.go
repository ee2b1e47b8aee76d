package pack

import (
	"strings"
	"time"
)

// neutralise protects a CSV cell meant for people against formula
// injection: a spreadsheet treats a cell starting with = + - @ (or a tab or
// carriage return before one) as a formula. Such a cell gets a leading
// apostrophe, which spreadsheets hide and treat as "this is text".
//
// Exceptions, per column kind:
//   - number columns (price, quantity, amounts) are written by Handover from
//     integers as -?\d+(\.\d+)? : "-12.50" is a credit Clio must read as a
//     number, and such a cell cannot carry a formula;
//   - in any column a cell that is entirely a plain number is left alone for
//     the same reason (a raw "-12.50" in the excluded rows stays a number);
//   - phone columns keep "+1 508 555 0101": made only of digits, spaces and
//   - - . ( ) it cannot call a function, and Clio would import the
//     apostrophe into the phone number.
func neutralise(s string, k colKind) string {
	if s == "" || !strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return s
	}
	if k == number || plainNumber(s) {
		return s
	}
	if k == phone && plainPhone(s) {
		return s
	}
	return "'" + s
}

func plainNumber(s string) bool {
	if s[0] == '-' || s[0] == '+' {
		s = s[1:]
	}
	digits, dot := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot && digits > 0:
			dot = true
		default:
			return false
		}
	}
	return digits > 0 && s[len(s)-1] != '.'
}

func plainPhone(s string) bool {
	digits := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case strings.IndexByte("+-.() ", c) >= 0:
		default:
			return false
		}
	}
	return digits >= 3
}

// usDate turns a YYYY-MM-DD or RFC 3339 value into Clio's CSV MM/DD/YYYY.
// A value that cannot be read is passed through unchanged (the readiness
// check reports it).
func usDate(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	if t, ok := parseTime(s); ok {
		return t.Format("01/02/2006")
	}
	return s
}

// usTime is the clock time of an RFC 3339 value in its own offset ("02:30 PM").
func usTime(s string) string {
	s = strings.TrimSpace(s)
	if len(s) <= 10 {
		return ""
	}
	if t, ok := parseTime(s); ok {
		return t.Format("03:04 PM")
	}
	return ""
}

func parseTime(s string) (time.Time, bool) {
	for _, l := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	if len(s) > 10 {
		if t, err := time.Parse("2006-01-02", s[:10]); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// hours formats seconds as decimal hours with at most 4 decimals, exactly
// (integer arithmetic, rounded half up): 5400 → "1.5", 100 → "0.0278".
func hours(sec int64) string {
	neg := sec < 0
	if neg {
		sec = -sec
	}
	tenThousandths := (sec*10000 + 1800) / 3600
	whole, frac := tenThousandths/10000, tenThousandths%10000
	out := itoa(whole)
	if frac != 0 {
		f := itoa(frac + 10000)[1:]
		out += "." + strings.TrimRight(f, "0")
	}
	if neg && out != "0" {
		out = "-" + out
	}
	return out
}

func itoa(v int64) string {
	if v == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for v > 0 {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return string(b[i:])
}
