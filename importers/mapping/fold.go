package mapping

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Names and words with accents (José, Müller, Łódź) are a quarter of a
// contact table's values, and Normalize ran each through NFD. For the Latin,
// Greek and Cyrillic letters below foldEnd the answer is a table look-up per
// rune, the same as the full form's.

// foldEnd bounds the runes folded by table: Latin-1 to Cyrillic.
const foldEnd = 0x0530

// folded[r] is the full form's answer for the one-rune string r, for the
// runes foldable says may be folded one by one: a starter (canonical
// combining class 0) whose decomposition starts with a starter. NFD only
// reorders runs of non-starters, so in a string made of such runes every run
// stays inside one rune's decomposition: NFD of the string is the NFDs of
// its runes end to end, and so is Normalize's answer.
var (
	folded   [foldEnd]string
	foldable [foldEnd]bool
)

func init() {
	for r := rune(0); r < foldEnd; r++ {
		s := string(r)
		p := norm.NFD.PropertiesString(s)
		if p.CCC() != 0 || p.LeadCCC() != 0 {
			continue
		}
		folded[r], foldable[r] = foldNFD(s), true
	}
}

// foldNFD is Normalize's full form: decomposed, marks dropped, letters and
// digits kept lower-cased.
func foldNFD(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// foldByTable is Normalize's answer from the table, ok false when s has a
// rune the table does not fold (or bytes that are not UTF-8).
func foldByTable(s string) (string, bool) {
	n := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r >= foldEnd || !foldable[r] {
			return "", false
		}
		n += len(folded[r])
		i += size
	}
	b := make([]byte, 0, n)
	for _, r := range s {
		b = append(b, folded[r]...)
	}
	return string(b), true
}

// appendFold appends Normalize(s) to b when s folds byte by byte (ASCII) or
// by the table, ok false (b as it was) otherwise.
func appendFold(b []byte, s string) ([]byte, bool) {
	n := len(b)
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c >= 'A' && c <= 'Z':
				b = append(b, c+'a'-'A')
			case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r >= foldEnd || !foldable[r] {
			return b[:n], false
		}
		b = append(b, folded[r]...)
		i += size
	}
	return b, true
}
