package mapping

import (
	"sort"
	"strings"
	"sync"

	"handover/importers/internal/namewords"
)

// Abbreviated headers. Report writers of the DOS and early Windows era, and
// the dBase systems whose field names had ten characters, wrote headers as
// CLNT_NO, MTR_DSC, TRAN_DT, RESP_ATTY. Nobody lists every such spelling, so
// they are read by the rule people write them with: each word shortened to
// letters it keeps in order, starting with its first (MTR ← matter, DSC ←
// description, ATTY ← attorney). A header whose words all shorten the words
// of one known alias, and of no other equally well, reads as that alias.

var (
	abbrevWords   []string        // every word of every profile's aliases
	abbrevWordSet map[string]bool // the same, as a set
	abbrevAliases map[string]bool // every normalised alias and target name
	abbrevCache   sync.Map        // header → expansion ("" when none)
)

// buildAbbrev collects the vocabulary once the profiles are loaded.
func buildAbbrev() {
	abbrevWordSet = map[string]bool{}
	abbrevAliases = map[string]bool{}
	abbrevCache = sync.Map{}
	for _, p := range allProfile {
		for _, aliases := range p.Columns {
			for _, a := range aliases {
				for _, w := range namewords.Split(strings.ReplaceAll(a, "{n}", "1")) {
					if len(w) >= 2 && !isDigits(w) {
						abbrevWordSet[w] = true
					}
				}
			}
		}
		for a := range p.aliases {
			abbrevAliases[a] = true
		}
	}
	for n := range exactNames {
		abbrevAliases[n] = true
	}
	abbrevWords = abbrevWords[:0]
	for w := range abbrevWordSet {
		abbrevWords = append(abbrevWords, w)
	}
	sort.Strings(abbrevWords)
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// shortens: a is w shortened the way people shorten words — its first
// letters (AUTH ← author, LOC ← location), or its first letter and then
// consonants it keeps in order (MTR ← matter, ATTY ← attorney, DT ← date) —
// keeping at least a quarter of it. A word with vowels inside that is not
// w's beginning (ROLE, MEMO) is a word, not a shortening.
func shortens(a, w string) bool {
	if len(a) < 2 || len(a) >= len(w) || a[0] != w[0] || 4*len(a) < len(w) {
		return false
	}
	if strings.HasPrefix(w, a) {
		return true
	}
	if strings.ContainsAny(a[1:], "aeiou") {
		return false
	}
	j := 1
	for i := 1; i < len(w) && j < len(a); i++ {
		if w[i] == a[j] {
			j++
		}
	}
	return j == len(a)
}

// expandHeader is the target an abbreviated header names for kind, as
// accept reads an expansion (a normalised alias → its target, "" when it is
// none of the kind's); "" when it names none, or two equally well.
func expandHeader(h, key string, accept func(alias string) string) string {
	if abbrevAliases == nil {
		return ""
	}
	ck := key + "\x00" + h
	if v, ok := abbrevCache.Load(ck); ok {
		return v.(string)
	}
	out := expand(h, accept)
	abbrevCache.Store(ck, out)
	return out
}

func expand(h string, accept func(alias string) string) string {
	toks := namewords.Split(h)
	out := expandWords(toks, accept)
	if out == "" && len(toks) > 1 && flagMarker(toks[len(toks)-1]) {
		// BLD_FLG, INVCD_IND: the last word says the column is a yes/no
		// marker, the words before it say of what. Only a target read as a
		// flag takes it, so CO_FLG does not become a company's name.
		if t := expandWords(toks[:len(toks)-1], accept); readingKind(t) == "flag" {
			out = t
		}
	}
	return out
}

// flagMarker: a header word that names a column's form — a yes/no flag or
// indicator — rather than what it records.
func flagMarker(w string) bool {
	switch w {
	case "flg", "flag", "fl", "ind", "yn", "indicator":
		return true
	}
	return false
}

func expandWords(toks []string, accept func(alias string) string) string {
	if len(toks) == 0 || len(toks) > 4 {
		return ""
	}
	type cand struct {
		word  string
		cover float64 // share of the word the header kept
		short bool
	}
	cands := make([][]cand, len(toks))
	for i, t := range toks {
		if isDigits(t) || abbrevWordSet[t] {
			cands[i] = []cand{{t, 1, false}}
		}
		if isDigits(t) {
			continue
		}
		for _, w := range abbrevWords {
			if shortens(t, w) {
				cands[i] = append(cands[i], cand{w, float64(len(t)) / float64(len(w)), true})
			}
		}
		if len(cands[i]) == 0 {
			return ""
		}
	}
	best, bestScore, tie := "", 0.0, false
	budget := 20000
	var walk func(i int, joined string, score float64, short bool)
	walk = func(i int, joined string, score float64, short bool) {
		if budget <= 0 {
			return
		}
		if i == len(toks) {
			budget--
			if !short || !abbrevAliases[joined] {
				return // the header as written was tried before this rule
			}
			t := accept(joined)
			switch {
			case t == "":
			case score > bestScore+1e-9:
				best, bestScore, tie = t, score, false
			case score > bestScore-1e-9 && t != best:
				tie = true
			}
			return
		}
		for _, c := range cands[i] {
			walk(i+1, joined+c.word, score+c.cover, short || c.short)
		}
	}
	walk(0, "", 0, false)
	if tie || budget <= 0 {
		return ""
	}
	return best
}

// abbrevTarget is the target an abbreviated header names for kind: the
// profile's alias, a target's own name, or an alias of another profile of
// the kind (abbrev.go's rule; a guess the values may overrule).
func abbrevTarget(header string, prof *profile, kind string) string {
	if kind == "" {
		return ""
	}
	name := ""
	if prof != nil {
		name = prof.Name
	}
	return expandHeader(header, kind+"\x00"+name, func(e string) string {
		if t, ok := profAlias(prof, e); ok && targetFits(t, kind) {
			return t
		}
		if t := exactTarget(e, kind); t != "" {
			return t
		}
		return kindAlias[kind][e]
	})
}

// AbbrevTarget is the target an abbreviated header names in a table of
// kind (BLD_FLG → billed in time entries), "" when it names none or two
// equally well: for a pre-pass that knows the table's type from its links
// and values.
func AbbrevTarget(header, kind string) string {
	if load() != nil {
		return ""
	}
	return abbrevTarget(header, nil, kind)
}

// flagSays reads what a yes means from a flag column's abbreviated name:
// "done" when a word of it shortens one of done's words and none of open's
// (CMPL_FLG ← complete, CLS ← closed), "open" the other way round (OPN_FLG,
// PEND), "" when it says neither or both.
func flagSays(header string, done, open []string) string {
	var isDone, isOpen bool
	for _, t := range namewords.Split(header) {
		for _, w := range done {
			isDone = isDone || shortens(t, w)
		}
		for _, w := range open {
			isOpen = isOpen || shortens(t, w)
		}
	}
	switch {
	case isDone && !isOpen:
		return "done"
	case isOpen && !isDone:
		return "open"
	}
	return ""
}
