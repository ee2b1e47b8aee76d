package vcard

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	textlines "handover/importers/lines"
	"io"
	"mime/quotedprintable"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"

	"handover/core/model"
)

// prop is one content line, unfolded and decoded to UTF-8 (vCard escapes
// such as \, are still in value: unescape after splitting structured values).
type prop struct {
	name   string              // upper case, group removed
	params map[string][]string // upper-case keys; TYPE values lower case
	types  map[string]bool     // TYPE values, lower case (incl. bare 2.1 params)
	value  string
	line   int64
}

func (p *prop) param(k string) string {
	if v := p.params[k]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// logicalLines unfolds a card with the folding rule vCard shares with
// iCalendar (package lines), in vCard's two variants: in 2.1 the
// continuation's leading whitespace is kept (3.0/4.0 remove one character),
// and a quoted-printable value whose line ends in "=" continues on the next
// line (2.1 soft line break; the "=\r\n" is kept for the QP decoder).
func logicalLines(lines []string, start int64) []prop {
	version := "2.1"
	for _, l := range lines {
		if n, v, ok := strings.Cut(l, ":"); ok && strings.EqualFold(strings.TrimSpace(n), "VERSION") {
			version = strings.TrimSpace(v)
			break
		}
	}
	folding := textlines.Folding{KeepSpace: version == "2.1", SoftBreak: qpSoftBreak}
	var props []prop
	for _, ll := range folding.Unfold(lines, start) {
		if strings.TrimSpace(ll.Text) == "" {
			continue
		}
		if p, ok := parseLine(ll.Text); ok {
			p.line = ll.Line
			props = append(props, p)
		}
	}
	return props
}

// qpSoftBreak: a quoted-printable property whose line ends in "=" goes on,
// unless the card ends there.
func qpSoftBreak(first, last, next string) bool {
	if !strings.HasSuffix(last, "=") || isMarker(next, "END") {
		return false
	}
	head, _, _ := textlines.CutUnquoted(first, ':')
	return strings.Contains(strings.ToUpper(head), "QUOTED-PRINTABLE")
}

func parseLine(l string) (prop, bool) {
	head, raw, ok := textlines.CutUnquoted(l, ':')
	if !ok {
		return prop{}, false
	}
	p := prop{params: map[string][]string{}, types: map[string]bool{}}
	var parts []string
	for {
		b, a, more := textlines.CutUnquoted(head, ';')
		parts = append(parts, b)
		if !more {
			break
		}
		head = a
	}
	name := strings.TrimSpace(parts[0])
	if i := strings.LastIndexByte(name, '.'); i >= 0 { // group.NAME
		name = name[i+1:]
	}
	p.name = strings.ToUpper(name)
	if p.name == "" {
		return prop{}, false
	}
	for _, prm := range parts[1:] {
		k, v, hasEq := strings.Cut(prm, "=")
		k = strings.ToUpper(strings.TrimSpace(k))
		if !hasEq { // vCard 2.1 bare parameter: TEL;WORK;VOICE:
			switch k {
			case "QUOTED-PRINTABLE", "BASE64", "8BIT", "7BIT", "B":
				p.params["ENCODING"] = append(p.params["ENCODING"], k)
			case "PREF":
				p.params["PREF"] = append(p.params["PREF"], "1")
				p.types["pref"] = true
			case "":
			default:
				p.types[strings.ToLower(k)] = true
			}
			continue
		}
		v = strings.Trim(strings.TrimSpace(v), `"`)
		if k == "TYPE" {
			for _, t := range strings.Split(v, ",") {
				if t = strings.ToLower(strings.Trim(strings.TrimSpace(t), `"`)); t != "" {
					p.types[t] = true
				}
			}
			continue
		}
		p.params[k] = append(p.params[k], v)
		if k == "PREF" {
			p.types["pref"] = true
		}
	}
	p.value = decodeValue(raw, strings.ToUpper(p.param("ENCODING")), p.param("CHARSET"))
	return p, true
}

// decodeValue undoes the transfer encoding and converts to UTF-8.
//
// Broken quoted-printable (e.g. "=G1" or a stray "=") is decoded leniently:
// the bad sequence is kept as literal text and the rest of the value is
// decoded, so one damaged character does not cost the whole contact.
func decodeValue(raw, enc, cs string) string {
	var b []byte
	switch enc {
	case "QUOTED-PRINTABLE":
		var err error
		b, err = io.ReadAll(quotedprintable.NewReader(strings.NewReader(raw)))
		if err != nil {
			b = lenientQP(raw)
		}
	case "BASE64", "B":
		d, err := base64.StdEncoding.DecodeString(strings.Map(dropSpace, raw))
		if err != nil {
			d = []byte(raw)
		}
		b = d
	default:
		b = []byte(raw)
	}
	return toUTF8(b, cs)
}

func dropSpace(r rune) rune {
	if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
		return -1
	}
	return r
}

// lenientQP decodes =XX escapes and soft line breaks; anything else after an
// "=" is kept as it is.
func lenientQP(s string) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '=' {
			out = append(out, c)
			continue
		}
		rest := s[i+1:]
		switch {
		case rest == "": // a soft line break with nothing after it
		case strings.HasPrefix(rest, "\r\n"):
			i += 2
		case strings.HasPrefix(rest, "\n"):
			i++
		case len(rest) >= 2 && isHex(rest[0]) && isHex(rest[1]):
			v, _ := strconv.ParseUint(rest[:2], 16, 8)
			out = append(out, byte(v))
			i += 2
		default:
			out = append(out, '=')
		}
	}
	return out
}

func isHex(c byte) bool {
	return ('0' <= c && c <= '9') || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}

// toUTF8 converts b from the named charset. Without a charset, valid UTF-8 is
// kept and anything else is read as Windows-1252 (what Outlook writes).
func toUTF8(b []byte, cs string) string {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	var enc encoding.Encoding
	if cs != "" && !strings.EqualFold(cs, "utf-8") && !strings.EqualFold(cs, "utf8") {
		if e, err := ianaindex.MIME.Encoding(cs); err == nil && e != nil {
			enc = e
		} else if e, err := htmlindex.Get(cs); err == nil {
			enc = e
		}
	}
	if enc == nil && !utf8.Valid(b) {
		enc = charmap.Windows1252
	}
	if enc != nil {
		if d, err := enc.NewDecoder().Bytes(b); err == nil {
			b = d
		}
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

// splitEscaped splits a structured value on sep, honouring backslash escapes,
// and unescapes each component.
func splitEscaped(s string, sep byte) []string {
	var out []string
	var cur strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			cur.WriteByte(c)
			cur.WriteByte(s[i+1])
			i++
			continue
		}
		if c == sep {
			out = append(out, unescapeTrim(cur.String()))
			cur.Reset()
			continue
		}
		cur.WriteByte(c)
	}
	return append(out, unescapeTrim(cur.String()))
}

func buildCard(it *Item, lines []string, start int64) {
	props := logicalLines(lines, start)
	c := &model.Contact{CustomFields: map[string]string{}}
	var fn, org, uid, note string
	var nParts []string
	isOrgKind := false
	var emails []model.Email
	var phones []model.Phone
	var emailPref, phonePref = -1, -1
	depth := 0
	for i := range props {
		p := &props[i]
		switch p.name {
		case "BEGIN":
			depth++
			continue
		case "END":
			depth--
			continue
		}
		if depth > 1 { // inside a card embedded with AGENT: not this contact's data
			continue
		}
		switch p.name {
		case "N":
			nParts = splitEscaped(p.value, ';')
		case "FN":
			fn = unescapeTrim(p.value)
		case "ORG":
			org = strings.Join(nonEmpty(splitEscaped(p.value, ';')[:1]), "")
		case "KIND", "X-ABSHOWAS":
			v := strings.ToLower(unescapeTrim(p.value))
			isOrgKind = v == "org" || v == "organization" || v == "company"
		case "UID":
			uid = unescapeTrim(p.value)
		case "EMAIL":
			addr := strings.TrimPrefix(unescapeTrim(p.value), "mailto:")
			if addr == "" {
				continue
			}
			if p.types["pref"] && emailPref < 0 {
				emailPref = len(emails)
			}
			emails = append(emails, model.Email{Name: emailLabel(p.types), Address: addr})
		case "TEL":
			num := unescapeTrim(p.value)
			num = strings.TrimPrefix(num, "tel:")
			if num == "" {
				continue
			}
			if p.types["pref"] && phonePref < 0 {
				phonePref = len(phones)
			}
			phones = append(phones, model.Phone{Name: phoneLabel(p.types), Number: num})
		case "X-SKYPE", "X-SKYPE-USERNAME":
			if v := unescapeTrim(p.value); v != "" {
				phones = append(phones, model.Phone{Name: "Skype", Number: v})
			}
		case "ADR":
			if a, ok := address(p); ok {
				c.Addresses = append(c.Addresses, a)
			}
		case "BDAY":
			v := unescapeTrim(p.value)
			if d, ok := parseBirthday(v); ok {
				c.DateOfBirth = d
			} else if v != "" {
				c.CustomFields["Birthday (as written)"] = v
			}
		case "URL":
			if v := unescapeTrim(p.value); v != "" {
				c.WebSites = append(c.WebSites, v)
			}
		case "NOTE":
			if v := unescapeTrim(p.value); v != "" {
				if note != "" {
					note += "\n\n"
				}
				note += v
			}
		case "TITLE":
			if v := unescapeTrim(p.value); v != "" {
				c.CustomFields["Job title"] = v
			}
		}
	}
	if len(emails) > 0 {
		if emailPref < 0 {
			emailPref = 0
		}
		emails[emailPref].Default = true
		c.Emails = emails
	}
	if len(phones) > 0 {
		if phonePref < 0 {
			phonePref = 0
		}
		phones[phonePref].Default = true
		c.Phones = phones
	}

	// Name: N first, FN as a fallback, ORG alone makes a company.
	for len(nParts) < 5 {
		nParts = append(nParts, "")
	}
	c.LastName, c.FirstName, c.Prefix = nParts[0], nParts[1], nParts[3]
	c.MiddleName = strings.Join(nonEmpty(strings.Split(nParts[2], ",")), " ")
	if nParts[4] != "" {
		c.CustomFields["Name suffix"] = nParts[4]
	}
	if c.FirstName == "" && c.LastName == "" && fn != "" && !(org != "" && strings.EqualFold(fn, org)) && !isOrgKind {
		splitFN(c, fn)
	}
	personName := c.FirstName != "" || c.LastName != ""
	switch {
	case (isOrgKind || !personName) && (org != "" || (isOrgKind && fn != "")):
		c.Type = "Company"
		c.Name = org
		if c.Name == "" {
			c.Name = fn
		}
		c.Prefix, c.FirstName, c.MiddleName, c.LastName = "", "", "", ""
	case personName:
		c.Type = "Person"
		if org != "" {
			c.Company = model.Ref{Kind: "name", Value: org}
		}
	}
	if note != "" {
		c.CustomFields["Note"] = note
	}
	if len(c.CustomFields) == 0 {
		c.CustomFields = nil
	}

	if c.Type == "" {
		if len(c.Emails) == 0 && len(c.Phones) == 0 && len(c.Addresses) == 0 && note == "" && len(c.WebSites) == 0 {
			it.Empty = true
			return
		}
		it.Reject = fmt.Sprintf("card %d at line %d has contact details but no name and no organisation (N, FN and ORG are empty)", it.Num, start)
		return
	}

	key := uid
	if key == "" {
		email := ""
		if len(c.Emails) > 0 {
			email = c.Emails[0].Address
		}
		sum := sha256.Sum256([]byte(strings.ToLower(model.DisplayName(c)) + "\x00" + strings.ToLower(email)))
		key = "vcard:" + hex.EncodeToString(sum[:12])
	}
	it.Records = append(it.Records, model.Record{Entity: model.Contacts, Key: key, Data: c})
	if note != "" {
		it.Records = append(it.Records, model.Record{Entity: model.Notes, Key: key + "#note", Data: &model.Note{
			Type:    "Contact",
			Contact: model.Ref{Kind: "key", Value: key},
			Subject: "Note from vCard",
			Detail:  note,
		}})
	}
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

var namePrefixes = map[string]bool{"mr": true, "mrs": true, "ms": true, "miss": true, "dr": true, "prof": true, "hon": true, "rev": true, "sir": true, "mx": true}

// splitFN splits a formatted name: "Last, First Middle" when there is a
// comma, otherwise "[Prefix] First [Middle...] Last". A single word becomes
// the last name. Suffixes after a comma ("Jr.", "Esq.") are kept off the name.
func splitFN(c *model.Contact, fn string) {
	if last, rest, ok := strings.Cut(fn, ","); ok {
		restW := strings.Fields(rest)
		if len(restW) == 1 && isSuffix(restW[0]) { // "John Smith, Jr."
			c.CustomFields["Name suffix"] = restW[0]
			splitFN(c, last)
			return
		}
		c.LastName = strings.TrimSpace(last)
		if len(restW) > 0 && namePrefixes[strings.ToLower(strings.TrimSuffix(restW[0], "."))] {
			c.Prefix, restW = restW[0], restW[1:]
		}
		if len(restW) > 0 {
			c.FirstName = restW[0]
			c.MiddleName = strings.Join(restW[1:], " ")
		}
		return
	}
	w := strings.Fields(fn)
	if len(w) > 1 && namePrefixes[strings.ToLower(strings.TrimSuffix(w[0], "."))] {
		c.Prefix, w = w[0], w[1:]
	}
	switch len(w) {
	case 0:
	case 1:
		c.LastName = w[0]
	default:
		c.FirstName = w[0]
		c.LastName = w[len(w)-1]
		c.MiddleName = strings.Join(w[1:len(w)-1], " ")
	}
}

func isSuffix(s string) bool {
	switch strings.ToLower(strings.TrimSuffix(s, ".")) {
	case "jr", "sr", "ii", "iii", "iv", "esq", "phd", "md", "qc", "kc":
		return true
	}
	return false
}

func emailLabel(t map[string]bool) string {
	switch {
	case t["work"]:
		return "Work"
	case t["home"]:
		return "Home"
	}
	return "Other"
}

func phoneLabel(t map[string]bool) string {
	switch {
	case t["cell"] || t["mobile"] || t["iphone"]:
		return "Mobile"
	case t["fax"]:
		return "Fax"
	case t["pager"]:
		return "Pager"
	case t["x-skype"] || t["skype"]:
		return "Skype"
	case t["work"]:
		return "Work"
	case t["home"]:
		return "Home"
	}
	return "Other"
}

// address maps ADR (post office box; extended address; street; locality;
// region; postal code; country).
func address(p *prop) (model.Address, bool) {
	f := splitEscaped(p.value, ';')
	for len(f) < 7 {
		f = append(f, "")
	}
	street := strings.Join(nonEmpty([]string{f[0], f[1], f[2]}), "\n")
	a := model.Address{Street: street, City: f[3], Province: f[4], PostalCode: f[5], Country: f[6]}
	if a == (model.Address{}) {
		return a, false
	}
	switch {
	case p.types["work"]:
		a.Name = "Work"
	case p.types["home"]:
		a.Name = "Home"
	default:
		a.Name = "Other"
	}
	return a, true
}

// parseBirthday accepts the BDAY forms seen in 2.1/3.0/4.0 cards and returns
// YYYY-MM-DD. A date without a year (4.0 "--0415") is not a date of birth
// Clio can hold: it is reported as not parsed.
func parseBirthday(v string) (string, bool) {
	v = strings.TrimSpace(v)
	if len(v) > 10 && (v[8] == 'T' || v[10] == 'T') { // date-time: keep the date part as written
		if i := strings.IndexByte(v, 'T'); i > 0 {
			v = v[:i]
		}
	}
	for _, layout := range []string{"2006-01-02", "20060102", "2006-1-2", "01/02/2006", "1/2/2006"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.Format("2006-01-02"), true
		}
	}
	return "", false
}

// unescapeTrim undoes vCard text escapes and trims the value.
func unescapeTrim(s string) string { return strings.TrimSpace(textlines.UnescapeText(s)) }
