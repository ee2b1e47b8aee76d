// Package namewords splits the names legacy exports give tables and columns
// into the lower-case words people wrote them with, for the mapping's
// header rules and the relational pre-pass's naming conventions alike.
package namewords

import (
	"strings"
	"unicode"
)

// Split splits a table or column name into lower-case words: at spaces and
// punctuation (snake_case, "Case No."), where a lower-case letter meets an
// upper-case one (camelCase: "MatterNo" → matter no), where a run of
// capitals meets a capitalised word ("HTMLExport" → html export; "IDs"
// stays one word), and between letters and digits ("ADDR1" → addr 1,
// "Phone2Type" → phone 2 type).
func Split(s string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	rs := []rune(s)
	for i, r := range rs {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush()
			continue
		}
		if n := len(cur); n > 0 {
			prev := cur[n-1]
			camel := unicode.IsUpper(r) && unicode.IsLower(prev)
			// a capital starting a word of two or more small letters after
			// capitals ends the capitals' run; a plural's "s" does not (IDs, PMs)
			acronymEnd := unicode.IsUpper(r) && unicode.IsUpper(prev) && i+2 < len(rs) && unicode.IsLower(rs[i+1]) && unicode.IsLower(rs[i+2])
			if camel || acronymEnd || unicode.IsDigit(r) != unicode.IsDigit(prev) {
				flush()
			}
		}
		cur = append(cur, r)
	}
	flush()
	return out
}
