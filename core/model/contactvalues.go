package model

import (
	"net/mail"
	"strings"
	"unicode"
)

// ValidEmail accepts a plain addr-spec (no display name) with a dotted
// domain: what Clio takes as a contact's e-mail address.
func ValidEmail(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" || strings.ContainsAny(s, " \t<>,;") || strings.Count(s, "@") != 1 {
		return false
	}
	at := strings.IndexByte(s, '@')
	local, domain := s[:at], s[at+1:]
	if local == "" || !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") ||
		strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") {
		return false
	}
	for _, r := range domain {
		if !(r == '.' || r == '-' || unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return false
		}
	}
	a, err := mail.ParseAddress(s)
	return err == nil && strings.EqualFold(a.Address, s)
}

// LooksLikePhone reports whether s is a phone number typed where an e-mail
// address belongs: at least 7 digits and nothing but phone punctuation.
func LooksLikePhone(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune(" +-().x/ext:#", unicode.ToLower(r)):
		default:
			return false
		}
	}
	return digits >= 7
}
