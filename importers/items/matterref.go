package items

import (
	"regexp"
	"strings"
	"unicode"
)

// A matter reference is taken from free text (a subject, an event title, a
// file name) only where the writer marked it as one: a link to the wrong
// matter is worse than none, which the readiness check reports and the user
// settles. The marks, in the forms firms write them:
//
//   - wording: "Our ref: 2024-017", "Ref 2024/017", "Ref. 2024-017",
//     "Reference no. 17", "Our file 2024-017", "Matter No. 17", "Matter #17",
//     "Matter: 2024-017" ("Your ref", "their ref" and "court ref" are the
//     other side's numbers, never ours; a bare "matter 5" is prose);
//   - brackets: "[2024-017]" (a tag without a digit, "[EXTERNAL]", a part
//     count "[1/2]" or a date is not one);
//   - a bare value that is, in some written form, the number of a matter
//     already in the project, when it has a matter number's structure (a
//     separator or letters, and three digits or more, or two beside letters):
//     "Re: Smith / 2024-017", "M-42 closing"; or, leading the text or a
//     part of a title, a plain number of four digits or more that is not a
//     year ("1042 Lease") or a letter code joined to a number ("M-6 Documents").
//
// The value is returned as written; the resolver folds number forms.

var refWording = regexp.MustCompile(`(?i)\b(your\s+|their\s+|court\s+|invoice\s+)?(our\s+ref(?:erence)?|our\s+file|ref(?:erence)?|matter)\b(\s*(?:no|nr|number|ref)\b\.?|\s*#|\s*:)?\s*[:.#]?\s*([A-Za-z0-9](?:[A-Za-z0-9._/-]*[A-Za-z0-9])?)`)

var refBracket = regexp.MustCompile(`\[\s*([A-Za-z0-9](?:[A-Za-z0-9._/-]{0,30}[A-Za-z0-9])?)\s*\]`)

// dateLike is a value written as a date (2024-03-12, 12/03/2024, 12.3.24) and
// partCount a "[1/2]" of a message sent in parts: neither is a matter number.
var (
	dateLike  = regexp.MustCompile(`^(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.](\d{2}|\d{4}))$`)
	partCount = regexp.MustCompile(`^\d{1,2}/\d{1,2}$`)
)

// MatterRef returns the matter number a text carries, as written, or "".
// known, when not nil, reports whether a value is the number of a matter in
// the project (in any written form); it enables the bare-value form.
func MatterRef(text string, known func(string) bool) string {
	for _, m := range refWording.FindAllStringSubmatch(text, -1) {
		other, word, qualifier, value := m[1], strings.ToLower(m[2]), m[3], m[4]
		if other != "" || word == "matter" && qualifier == "" && !strings.ContainsAny(value, "-/._") {
			continue
		}
		if plausibleNumber(value) {
			return value
		}
	}
	for _, m := range refBracket.FindAllStringSubmatch(text, -1) {
		if plausibleNumber(m[1]) && !partCount.MatchString(m[1]) {
			return m[1]
		}
	}
	if known == nil {
		return ""
	}
	toks := strings.FieldsFunc(text, func(r rune) bool { return strings.ContainsRune(" \t,;:()[]{}<>\"'!?", r) })
	for _, tok := range toks {
		tok = strings.TrimRight(tok, ".")
		if structured(tok) && plausibleNumber(tok) && known(tok) {
			return tok
		}
	}
	// A plain number leads the text ("1042 Lease renewal", "RE: 1042 …"), as
	// folder names carry them, or leads a part of it set off by a spaced dash
	// or bar, as titles join their parts ("Court date - 1042 Abbott"); four
	// digits at least, and not a year.
	for _, part := range titleParts.Split(text, -1) {
		if tok := leadingNumber(part); tok != "" && known(tok) {
			return tok
		}
	}
	return ""
}

var titleParts = regexp.MustCompile(`\s+[-–—|]\s+`)

// leadingNumber is the plain number of four to nine digits, not a year, that
// opens text after any reply prefixes, or "".
func leadingNumber(text string) string {
	toks := strings.FieldsFunc(text, func(r rune) bool { return strings.ContainsRune(" \t,;:()[]{}<>\"'!?", r) })
	for _, tok := range toks {
		tok = strings.TrimRight(tok, ".")
		if replyPrefix[strings.ToLower(tok)] {
			continue
		}
		if len(tok) >= 4 && len(tok) <= 9 && strings.Trim(tok, "0123456789") == "" && !yearLike.MatchString(tok) {
			return tok
		}
		if codeDashNumber.MatchString(tok) {
			return tok // "M-6 Documents": where folder names carry it, one digit is enough
		}
		return ""
	}
	return ""
}

// codeDashNumber: a letter code joined to a number, with a separator or
// typed straight on ("M-6", "M6"), the forms documents reads in folder names.
var codeDashNumber = regexp.MustCompile(`^[A-Za-z]{1,4}[-./]?\d{1,9}$`)

var (
	replyPrefix = map[string]bool{"re": true, "fw": true, "fwd": true, "aw": true, "wg": true, "tr": true, "sv": true, "vs": true, "antw": true}
	yearLike    = regexp.MustCompile(`^(19|20)\d\d$`)
)

func plausibleNumber(v string) bool {
	return len(v) <= 32 && strings.ContainsAny(v, "0123456789") && !dateLike.MatchString(v)
}

// structured: a separator or letters, with three digits or more or two
// beside letters ("M-42"), as documents reads matter folders; a bare "17" or
// "2024" anywhere in a subject is never read as a matter.
func structured(v string) bool {
	digits, other, letter := 0, false, false
	for _, r := range v {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case unicode.IsLetter(r):
			other, letter = true, true
		default:
			other = true
		}
	}
	return other && (digits >= 3 || digits == 2 && letter)
}

// FoldNumber is a matter number in a comparable form: its runs of digits
// (leading zeros dropped) and of letters (upper case), joined by "-", so
// "2024/017", "2024-17" and "M017"/"m-17" fold alike. Used to ask whether a
// bare value is a known matter; the resolver does the real matching.
func FoldNumber(s string) string {
	var parts []string
	var run []rune
	digits := false
	flush := func() {
		if len(run) == 0 {
			return
		}
		p := string(run)
		if digits {
			if p = strings.TrimLeft(p, "0"); p == "" {
				p = "0"
			}
		}
		parts, run = append(parts, p), run[:0]
	}
	for _, r := range strings.ToUpper(s) {
		isDigit := r >= '0' && r <= '9'
		isLetter := unicode.IsLetter(r)
		if !isDigit && !isLetter || len(run) > 0 && isDigit != digits {
			flush()
		}
		if isDigit || isLetter {
			run, digits = append(run, r), isDigit
		}
	}
	flush()
	return strings.Join(parts, "-")
}
