// Package bytescan holds the byte-level primitives the importers' value
// classifiers are written with. Those classifiers run on every value of every
// row, where regular expressions were a fifth of an ingest's CPU; each
// classifier's tests keep the pattern it replaced as the oracle.
package bytescan

// Digit reports whether c is an ASCII digit.
func Digit(c byte) bool { return c >= '0' && c <= '9' }

// Letter reports whether c is an ASCII letter.
func Letter(c byte) bool { c |= 0x20; return c >= 'a' && c <= 'z' }

// Digits is the number of ASCII digits in s from i on.
func Digits(s string, i int) int {
	n := 0
	for i+n < len(s) && Digit(s[i+n]) {
		n++
	}
	return n
}

// Letters is the number of ASCII letters in s from i on.
func Letters(s string, i int) int {
	n := 0
	for i+n < len(s) && Letter(s[i+n]) {
		n++
	}
	return n
}

// AmPmEnd reports whether s[i:] is empty or ( ?[AaPp][Mm]) and nothing after
// it: the optional end of a clock time.
func AmPmEnd(s string, i int) bool {
	if i == len(s) {
		return true
	}
	if s[i] == ' ' {
		i++
	}
	return i+2 == len(s) && (s[i]|0x20 == 'a' || s[i]|0x20 == 'p') && s[i+1]|0x20 == 'm'
}

// Clock reads a clock time \d{1,maxHour}:\d{2}(:\d{2})? at s[i:] and
// returns where it ends. Minutes and seconds take exactly two digits; a
// longer run is left for the caller's next test to refuse.
func Clock(s string, i, maxHour int) (end int, ok bool) {
	n := Digits(s, i)
	if n < 1 || n > maxHour || i+n >= len(s) || s[i+n] != ':' {
		return 0, false
	}
	i += n + 1
	if Digits(s, i) < 2 {
		return 0, false
	}
	i += 2
	if i < len(s) && s[i] == ':' {
		if Digits(s, i+1) < 2 {
			return 0, false
		}
		i += 3
	}
	return i, true
}
