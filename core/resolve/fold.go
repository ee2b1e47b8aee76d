package resolve

import (
	"slices"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// foldChains hands each caller its own accent-folding chain: a
// transform.Chain keeps its buffers in itself, so one shared by two
// goroutines (check's pass and its duplicate worker, firms checked side by
// side) corrupts both answers.
var foldChains = sync.Pool{New: func() any {
	return transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
}}

// FoldAccents removes the accents from s ("Zoë" → "Zoe"); safe for
// concurrent use.
func FoldAccents(s string) string {
	t := foldChains.Get().(transform.Transformer)
	s, _, _ = transform.String(t, s)
	foldChains.Put(t)
	return s
}

// words folds accents and case and splits on anything that is not a letter
// or digit. Apostrophes and full stops join ("O'Brien" → obrien, "L.L.C."
// → llc) so abbreviations and names read the same with or without them;
// "&" is the word "and".
func words(s string) []string {
	if s == "" {
		return nil
	}
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if !ascii {
		s = FoldAccents(s)
	}
	var out []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, b.String())
			b.Reset()
		}
	}
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		case r == '\'' || r == '’' || r == '.':
		case r == '&':
			flush()
			out = append(out, "and")
		default:
			flush()
		}
	}
	flush()
	return out
}

// Titles and suffixes are not part of who a person is: "Dr. Ana Ruiz",
// "Ruiz, Ana, Esq." and "Ana Ruiz" are one person. A lone "v" is kept: it
// is as likely a middle initial as a Roman five.
var (
	titles   = set("mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "rev", "hon", "sir", "dame", "mme", "mlle")
	suffixes = set("jr", "sr", "ii", "iii", "iv", "esq", "esquire", "md", "phd", "dds", "cpa", "jd")
	// company forms dropped from the end of a company's name
	companyForms = set("inc", "incorporated", "llc", "ltd", "limited", "corp", "corporation", "co", "company",
		"llp", "lp", "pc", "pllc", "plc", "pa", "gmbh")
)

func set(ws ...string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[w] = true
	}
	return m
}

// personWords drops titles and suffixes wherever they stand ("Ruiz, Dr.
// Ana" puts the title in the middle).
func personWords(ws []string) []string {
	out := ws[:0:0]
	for _, w := range ws {
		if !titles[w] && !suffixes[w] {
			out = append(out, w)
		}
	}
	return out
}

// bag is a person's name as a sorted set of words, so "Ana Ruiz", "Ruiz
// Ana" and "Ruiz, Ana" are one form. Two people whose names differ only in
// order (John Paul, Paul John) then share a form: the resolver reports them
// as ambiguous instead of picking one.
func bag(parts ...[]string) string {
	var all []string
	for _, p := range parts {
		all = append(all, p...)
	}
	if len(all) == 0 {
		return ""
	}
	slices.Sort(all)
	return strings.Join(all, " ")
}

func initials(ws []string) []string {
	out := make([]string, 0, len(ws))
	for _, w := range ws {
		r := []rune(w)
		out = append(out, string(r[:1]))
	}
	return out
}

// Surname particles ("de la Cruz", "van der Berg", "Ibn Saud") belong to
// the surname: never a middle name to drop or shorten to an initial, else
// "Juan de la Cruz" would be "Juan Cruz", another family. (Not the "y" of
// "García y López": it is as likely the initial of a middle name.)
var particles = set("de", "del", "della", "dela", "di", "da", "das", "do", "dos", "du", "la", "las", "le", "les", "los",
	"van", "von", "vom", "der", "den", "ten", "ter", "zu", "zum", "bin", "ibn", "al", "el", "st")

// notAPerson: a legal form anywhere ("Smith Jones LLP", "Acme Ltd
// Services") or an "and" ("Smith & Jones", "Ana and Luis Ruiz") says the
// words are a firm's or a couple's, not one person's name, so no word of
// them is a middle name to drop or to shorten, and their order matters.
func notAPerson(ws []string) bool {
	for _, w := range ws {
		if companyForms[w] || w == "and" {
			return true
		}
	}
	return false
}

// nameParts splits a person's name at spaces into its parts, each part's
// words folded: "Ana García-López" is two parts, the second of two words,
// so a hyphenated surname stays one surname when the name is read as first,
// middle and last. Titles and suffixes are dropped.
func nameParts(s string) [][]string {
	var out [][]string
	for _, f := range strings.Fields(s) {
		if ws := personWords(words(f)); len(ws) > 0 {
			out = append(out, ws)
		}
	}
	return out
}

func flat(parts [][]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// particlesToSurname moves the particles that end the middle names onto
// the surname: "Juan | de la | Cruz" is "Juan | | de la Cruz".
func particlesToSurname(middle, last []string) ([]string, []string) {
	n := len(middle)
	for n > 0 && particles[middle[n-1]] {
		n--
	}
	if n == len(middle) {
		return middle, last
	}
	return middle[:n], append(slices.Clip(middle[n:]), last...)
}

// companyName folds a company's name: case, accents, punctuation, "&" and
// "and", a leading "The" and trailing legal forms (Inc., L.L.C., Co., ...)
// do not matter. Word order does.
func companyName(s string) string {
	ws := words(s)
	if len(ws) > 1 && ws[0] == "the" {
		ws = ws[1:]
	}
	end := len(ws)
	for end > 1 && companyForms[ws[end-1]] {
		end--
	}
	return strings.Join(ws[:end], " ")
}

// Number folds a matter number: case does not matter, separators (- / _ .
// and spaces) do not matter, and neither do leading zeros of a group of
// digits, so 2024-017, 2024/0017 and "2024 17" are one number, as are M17,
// m-017 and M 0017. Digit groups stay apart: 2024-017 is not 2024017.
func Number(s string) string {
	var b strings.Builder
	prev := 0 // 0 none, 1 letters, 2 digits
	zeros := false
	for _, r := range strings.ToUpper(strings.TrimSpace(s)) {
		kind := 0
		switch {
		case r >= '0' && r <= '9':
			kind = 2
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			kind = 1
		}
		if kind == 0 {
			if zeros {
				b.WriteByte('0')
				zeros = false
			}
			prev = 0
			continue
		}
		if kind != prev {
			if zeros {
				b.WriteByte('0')
				zeros = false
			}
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			if kind == 2 {
				zeros = true
			}
		}
		prev = kind
		if kind == 2 && zeros {
			if r == '0' {
				continue
			}
			zeros = false
		}
		b.WriteRune(r)
	}
	if zeros {
		b.WriteByte('0')
	}
	return b.String()
}

// Phone is a phone number's digits; a leading 1 of an 11-digit North
// American number is dropped. Fewer than 7 digits is not a phone number.
func Phone(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b = append(b, s[i])
		}
	}
	if len(b) == 11 && b[0] == '1' {
		b = b[1:]
	}
	if len(b) < 7 {
		return ""
	}
	return string(b)
}

// Email folds an e-mail address (case, surrounding space, a mailto: prefix).
func Email(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "mailto:")
	if !strings.Contains(s, "@") {
		return ""
	}
	return s
}

func description(s string) string { return strings.Join(words(s), " ") }

// LegacyID is the legacy system's id in a project key: what follows
// "<profile>:<entity>:".
func LegacyID(key string) string {
	parts := strings.SplitN(key, ":", 3)
	if len(parts) == 3 {
		return parts[2]
	}
	return key
}
