package tabular

import "handover/importers/internal/bytescan"

// Byte-level forms of the two patterns every value of every row is held to
// (the short-row shapes and the header finder): as regular expressions they
// were the largest single cost of reading a CSV. classify_test.go holds each
// to the pattern it replaces, on generated and fuzzed values.

// dateLike reports whether v matches
// ^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}([ T]\d{1,2}:\d{2}(:\d{2})?)?( ?[AaPp][Mm])?$
// Each digit run is followed by something that is not a digit, so reading
// the whole run and checking its length decides it.
func dateLike(v string) bool {
	i := 0
	sep := func(c byte) bool { return c == '-' || c == '/' || c == '.' }
	for part, maxLen := range [3]int{4, 2, 4} {
		if part > 0 {
			if i >= len(v) || !sep(v[i]) {
				return false
			}
			i++
		}
		n := bytescan.Digits(v, i)
		if n < 1 || n > maxLen {
			return false
		}
		i += n
	}
	if i+1 < len(v) && (v[i] == ' ' || v[i] == 'T') && bytescan.Digit(v[i+1]) { // the time of day
		var ok bool
		if i, ok = bytescan.Clock(v, i+1, 2); !ok {
			return false
		}
	}
	return bytescan.AmPmEnd(v, i)
}

// numberLike reports whether v matches ^[-+(]?[$€£]?\s?[\d.,' ]+%?\)?$
// (\s being Go's [\t\n\f\r ]).
func numberLike(v string) bool {
	i := 0
	if i < len(v) && (v[i] == '-' || v[i] == '+' || v[i] == '(') {
		i++
	}
	switch {
	case i < len(v) && v[i] == '$':
		i++
	case len(v)-i >= 3 && v[i:i+3] == "€":
		i += 3
	case len(v)-i >= 2 && v[i:i+2] == "£":
		i += 2
	}
	// \s? then the body: a space may be either; a tab or line break only the first.
	if i < len(v) && (v[i] == '\t' || v[i] == '\n' || v[i] == '\f' || v[i] == '\r') {
		i++
	}
	body := 0
	for i < len(v) && (bytescan.Digit(v[i]) || v[i] == '.' || v[i] == ',' || v[i] == '\'' || v[i] == ' ') {
		i++
		body++
	}
	if body == 0 {
		return false
	}
	if i < len(v) && v[i] == '%' {
		i++
	}
	if i < len(v) && v[i] == ')' {
		i++
	}
	return i == len(v)
}
