package check

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/text/unicode/norm"
)

// fold lowercases, removes accents (NFD, then drops combining marks) and
// turns punctuation into spaces, collapsing runs of spaces: "Núñez, José" →
// "nunez jose".
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := true
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == '&':
			if !space {
				b.WriteByte(' ')
			}
			b.WriteString("and ")
			space = true
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
			space = false
		case r == '\'' || r == '’' || r == '.':
			// O'Brien → obrien, P.C. → pc, J. → j
		default:
			if !space {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	return strings.TrimSpace(b.String())
}

// normEmail is the blocking form of an address: trimmed and lowercased.
func normEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// otherRegions are tried when a number is not valid for the firm's country,
// to suggest the international form of a foreign number written without it.
var otherRegions = []string{"US", "CA", "GB", "IE", "AU", "NZ", "DE", "FR", "ES", "IT", "NL", "MX", "IN"}

// phoneCheck parses a phone number for country. ok: valid there (e164 is its
// canonical form). Otherwise problem says why in plain words and e164 is a
// suggestion when the number is valid read as another country's.
func phoneCheck(s, country string) (e164 string, ok bool, problem string) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "@") {
		return "", false, fmt.Sprintf("%q is an e-mail address, not a phone number", s)
	}
	n, err := phonenumbers.Parse(s, country)
	if err == nil && phonenumbers.IsValidNumber(n) {
		return phonenumbers.Format(n, phonenumbers.E164), true, ""
	}
	// A foreign number written nationally starts with its trunk prefix 0
	// (GB 020…, DE 030…); only then is another country's reading a fair
	// suggestion (a US-style 10-digit number is not "really British").
	trunk := strings.HasPrefix(strings.TrimLeft(s, " ("), "0") && !strings.HasPrefix(strings.TrimLeft(s, " ("), "00")
	for _, reg := range otherRegions {
		if reg == country || !trunk {
			continue
		}
		if m, err := phonenumbers.Parse(s, reg); err == nil && phonenumbers.IsValidNumber(m) {
			return phonenumbers.Format(m, phonenumbers.E164), false,
				fmt.Sprintf("%q is not a valid %s number; it reads as a %s number: %s", s, country, reg, phonenumbers.Format(m, phonenumbers.E164))
		}
	}
	if err != nil {
		return "", false, fmt.Sprintf("%q cannot be read as a phone number", s)
	}
	digits := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	switch phonenumbers.IsPossibleNumberWithReason(n) {
	case phonenumbers.TOO_SHORT:
		return "", false, fmt.Sprintf("%q has too few digits (%d) for a %s phone number", s, digits, country)
	case phonenumbers.TOO_LONG:
		return "", false, fmt.Sprintf("%q has too many digits (%d) for a %s phone number", s, digits, country)
	}
	return "", false, fmt.Sprintf("%q is not a valid %s phone number", s, country)
}

// e164 returns the canonical form of a valid number, or "".
func e164(s, country string) string {
	if e, ok, _ := phoneCheck(s, country); ok {
		return e
	}
	return ""
}

var dateLayouts = []string{"2006-01-02", time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04"}

// parseDate reads the ISO forms importers write (YYYY-MM-DD, RFC 3339).
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, l := range dateLayouts {
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

var minDate = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)

// companySuffixes are words that end a company's name.
var companySuffixes = map[string]bool{
	"inc": true, "incorporated": true, "llc": true, "llp": true, "lp": true, "ltd": true, "limited": true,
	"co": true, "corp": true, "corporation": true, "company": true, "gmbh": true, "plc": true, "pc": true,
	"pllc": true, "pa": true, "ag": true, "sa": true, "bv": true, "pty": true,
}

// companySuffixOf returns the company suffix that ends s ("Jones LLP" →
// "LLP"), or "".
func companySuffixOf(s string) string {
	f := strings.Fields(fold(s))
	if len(f) == 0 {
		return ""
	}
	last := f[len(f)-1]
	if companySuffixes[last] && !(len(f) == 1 && (last == "co" || last == "pa" || last == "sa")) {
		w := strings.Fields(strings.NewReplacer(",", " ").Replace(s))
		return w[len(w)-1]
	}
	return ""
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
