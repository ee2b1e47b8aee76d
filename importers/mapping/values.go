package mapping

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"handover/core/model"
)

// ParseCents reads money written as text into exact integer cents, never via
// a float: "1,234.50" → 123450, "(125.00)" → -12500, "-$5" → -500,
// "125.00 CR" → -12500, "R 1 234.50" → 123450, "£12.50-" → -1250. With decimalComma, "$ 1.234,50" → 123450. More than two
// decimals are accepted only when the extra digits are zeros.
// thousandsSpacer removes the spaces and apostrophes some locales group
// thousands with ("1 234,50", "1'234.50"). Built once: it is on the path of
// every amount read.
var thousandsSpacer = strings.NewReplacer(" ", "", "'", "", "’", "")

func ParseCents(s string, decimalComma bool) (model.Cents, error) {
	if v, ok := plainCents(s, decimalComma); ok {
		return v, nil
	}
	return parseCents(s, decimalComma)
}

// plainCents reads the form nearly every export writes, an optional minus,
// up to 15 digits and an optional decimal mark with one or two digits
// ("1500.00", "-12,5" with decimalComma), exactly as parseCents does, without
// its trimming and replacing; ok is false for anything else.
func plainCents(s string, decimalComma bool) (model.Cents, bool) {
	i := 0
	neg := len(s) > 0 && s[0] == '-'
	if neg {
		i = 1
	}
	var v int64
	n := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		v = v*10 + int64(s[i]-'0')
		i, n = i+1, n+1
	}
	if n == 0 || n > 15 {
		return 0, false
	}
	v *= 100
	if i < len(s) {
		dec := byte('.')
		if decimalComma {
			dec = ','
		}
		if s[i] != dec {
			return 0, false
		}
		frac := s[i+1:]
		switch {
		case len(frac) == 1 && allDigits(frac):
			v += int64(frac[0]-'0') * 10
		case len(frac) == 2 && allDigits(frac):
			v += int64(frac[0]-'0')*10 + int64(frac[1]-'0')
		default:
			return 0, false
		}
	}
	if neg {
		v = -v
	}
	return model.Cents(v), true
}

// parseCents is ParseCents for every form.
func parseCents(s string, decimalComma bool) (model.Cents, error) {
	orig := s
	s = strings.TrimSpace(strings.ReplaceAll(s, "\u00a0", " "))
	if s == "" {
		return 0, errors.New("empty")
	}
	neg := false
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		neg, s = true, strings.TrimSpace(s[1:len(s)-1])
	}
	up := strings.ToUpper(s)
	if strings.HasSuffix(up, "CR") {
		neg, s = !neg, strings.TrimSpace(s[:len(s)-2])
	} else if strings.HasSuffix(up, "DR") {
		s = strings.TrimSpace(s[:len(s)-2])
	}
	// Strip currency signs/codes and signs in any order around the number.
	for changed := true; changed; {
		changed = false
		for _, c := range []string{"$", "€", "£", "USD", "CAD", "AUD", "EUR", "GBP", "CHF", "Fr.", "R$"} {
			if strings.HasPrefix(s, c) {
				s, changed = strings.TrimSpace(s[len(c):]), true
			}
			if strings.HasSuffix(s, c) {
				s, changed = strings.TrimSpace(s[:len(s)-len(c)]), true
			}
		}
		if len(s) > 1 && s[0] == 'R' && (s[1] == ' ' || s[1] >= '0' && s[1] <= '9') { // rand: R 1 234,50
			s, changed = strings.TrimSpace(s[1:]), true
		}
		if len(s) > 2 && s[0] == '(' && s[len(s)-1] == ')' { // "USD (2,515.35)": the code outside the brackets
			neg, s, changed = !neg, strings.TrimSpace(s[1:len(s)-1]), true
		} else if strings.HasPrefix(s, "-") {
			neg, s, changed = !neg, strings.TrimSpace(s[1:]), true
		} else if strings.HasSuffix(s, "-") {
			neg, s, changed = !neg, strings.TrimSpace(s[:len(s)-1]), true
		} else if strings.HasPrefix(s, "+") {
			s, changed = strings.TrimSpace(s[1:]), true
		}
	}
	dec, thou := ".", ","
	if decimalComma {
		dec, thou = ",", "."
	}
	s = thousandsSpacer.Replace(s)
	if strings.Count(s, dec) > 1 {
		return 0, fmt.Errorf("%q is not an amount", orig)
	}
	intPart, frac, _ := strings.Cut(s, dec)
	if strings.Contains(intPart, thou) {
		groups := strings.Split(intPart, thou)
		for i, g := range groups {
			if (i == 0 && (len(g) < 1 || len(g) > 3)) || (i > 0 && len(g) != 3) {
				return 0, fmt.Errorf("%q is not an amount (thousands separators in the wrong places)", orig)
			}
		}
		intPart = strings.Join(groups, "")
	}
	if intPart == "" && frac == "" {
		return 0, fmt.Errorf("%q is not an amount", orig)
	}
	if !allDigits(intPart) || !allDigits(frac) {
		return 0, fmt.Errorf("%q is not an amount", orig)
	}
	for len(frac) > 2 && frac[len(frac)-1] == '0' {
		frac = frac[:len(frac)-1]
	}
	roundUp := false
	if len(frac) >= 7 {
		// Binary-float noise from a spreadsheet cell (1234.4999999999998):
		// nobody writes money with seven decimals, so round half up to cents.
		roundUp = frac[2] >= '5'
		frac = frac[:2]
	}
	if len(frac) > 2 {
		return 0, fmt.Errorf("%q has more than two decimals", orig)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	intPart = strings.TrimLeft(intPart, "0")
	if len(intPart) > 15 {
		return 0, fmt.Errorf("%q is too large", orig)
	}
	v, err := strconv.ParseInt("0"+intPart+frac, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not an amount", orig)
	}
	if roundUp {
		v++
	}
	if neg {
		v = -v
	}
	return model.Cents(v), nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

var reClock = regexp.MustCompile(`^(-)?(\d{1,4}):(\d{2})(?::(\d{2}))?$`)

// clockMatch is reClock's submatches, without running it on the values with
// no colon (decimal hours, read on every time row).
func clockMatch(s string) []string {
	if strings.IndexByte(s, ':') < 0 {
		return nil
	}
	return reClock.FindStringSubmatch(s)
}

// ParseHours reads a duration into whole seconds without floats: decimal hours
// "1.5" → 5400, "0.1" → 360 (rounded to the nearest second), clock form
// "0:45" → 2700, "1:30:15" → 5415; a trailing "h"/"hrs"/"hours" is allowed.
func ParseHours(s string, decimalComma bool) (int64, error) {
	orig := s
	s = strings.ToLower(strings.TrimSpace(s))
	for _, suf := range []string{"hours", "hour", "hrs", "hr", "h", "std."} {
		if strings.HasSuffix(s, suf) {
			s = strings.TrimSpace(strings.TrimSuffix(s, suf))
			break
		}
	}
	if m := clockMatch(s); m != nil {
		h, _ := strconv.ParseInt(m[2], 10, 64)
		mi, _ := strconv.ParseInt(m[3], 10, 64)
		var sec int64
		if m[4] != "" {
			sec, _ = strconv.ParseInt(m[4], 10, 64)
		}
		if mi > 59 || sec > 59 {
			return 0, fmt.Errorf("%q is not a duration", orig)
		}
		v := h*3600 + mi*60 + sec
		if m[1] != "" {
			v = -v
		}
		return v, nil
	}
	neg := false
	if strings.HasPrefix(s, "-") {
		neg, s = true, s[1:]
	}
	if decimalComma {
		s = strings.Replace(s, ",", ".", 1)
	}
	intPart, frac, _ := strings.Cut(s, ".")
	if len(frac) > 12 && allDigits(frac) {
		frac = frac[:12] // float noise below a nanosecond-hour; rounding to the second follows
	}
	if (intPart == "" && frac == "") || !allDigits(intPart) || !allDigits(frac) || len(intPart) > 6 || len(frac) > 12 {
		return 0, fmt.Errorf("%q is not a number of hours", orig)
	}
	h, _ := strconv.ParseInt("0"+intPart, 10, 64)
	v := h * 3600
	if frac != "" {
		f, _ := strconv.ParseInt(frac, 10, 64)
		den := int64(1)
		for range len(frac) {
			den *= 10
		}
		v += (f*3600*2 + den) / (2 * den) // round half up to the second
	}
	if neg {
		v = -v
	}
	return v, nil
}

// yes/no words in the languages the profiles and the status words cover,
// compared without accents ("Sí", "Não").
var yesWords = map[string]bool{"y": true, "yes": true, "true": true, "1": true, "x": true, "ja": true, "j": true, "wahr": true, "oui": true, "si": true, "checked": true, "on": true, "✓": true, "-1": true, "t": true, "ein": true,
	"vrai": true, "sim": true, "verdadero": true, "vero": true, "verdadeiro": true}
var noWords = map[string]bool{"n": true, "no": true, "false": true, "0": true, "nein": true, "falsch": true, "non": true, "off": true, "unchecked": true, "f": true, "aus": true,
	"faux": true, "nao": true, "falso": true}

// yesNo returns (value, known).
func yesNo(s string) (bool, bool) {
	var buf [16]byte
	if n, ok := lowerASCII(&buf, s); ok { // the usual short ASCII value, read without allocating
		if yesWords[string(buf[:n])] {
			return true, true
		}
		return false, noWords[string(buf[:n])] || n == 0
	}
	w := strings.ToLower(strings.TrimSpace(s))
	if yesWords[w] {
		return true, true
	}
	if noWords[w] || w == "" {
		return false, true
	}
	if !isASCII(w) {
		if f := Normalize(w); yesWords[f] || noWords[f] {
			return yesWords[f], true
		}
	}
	return false, false
}

// lowerASCII writes strings.ToLower(strings.TrimSpace(s)) into buf and
// says how long it is; ok is false when s is not ASCII or is too long.
func lowerASCII(buf *[16]byte, s string) (n int, ok bool) {
	i, j := 0, len(s)
	for i < j && asciiSpace(s[i]) {
		i++
	}
	for j > i && asciiSpace(s[j-1]) {
		j--
	}
	if j-i > len(buf) {
		return 0, false
	}
	for k := i; k < j; k++ {
		c := s[k]
		if c >= 0x80 {
			return 0, false
		}
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[n] = c
		n++
	}
	return n, true
}

func asciiSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// Default value maps (normalised source word → value), per target; profiles add to them.
var defaultValues = map[string]map[string]string{
	"status": { // matter status → Clio's three words (task status is mapped separately)
		"open": "Open", "active": "Open", "current": "Open", "new": "Open", "inprogress": "Open", "ongoing": "Open", "aktiv": "Open", "offen": "Open",
		"pending": "Pending", "onhold": "Pending", "hold": "Pending", "suspended": "Pending", "waiting": "Pending", "intake": "Pending", "prospect": "Pending", "potential": "Pending", "ruhend": "Pending",
		"closed": "Closed", "inactive": "Closed", "archived": "Closed", "done": "Closed", "completed": "Closed", "complete": "Closed", "finished": "Closed",
		"settled": "Closed", "disabled": "Closed", "geschlossen": "Closed", "abgeschlossen": "Closed", "inaktiv": "Closed",
		// French, Spanish, Italian, Portuguese, more German (compared without accents)
		"ouvert": "Open", "ouverte": "Open", "actif": "Open", "encours": "Open", "abierto": "Open", "abierta": "Open", "activo": "Open", "activa": "Open",
		"encurso": "Open", "vigente": "Open", "aperto": "Open", "aperta": "Open", "attivo": "Open", "aberto": "Open", "ativo": "Open", "laufend": "Open",
		"enattente": "Pending", "suspendu": "Pending", "pendiente": "Pending", "enespera": "Pending", "suspendido": "Pending", "inattesa": "Pending",
		"sospeso": "Pending", "pendente": "Pending", "wartend": "Pending", "pausiert": "Pending",
		"clos": "Closed", "close": "Closed", "ferme": "Closed", "fermee": "Closed", "termine": "Closed", "terminee": "Closed", "archive": "Closed",
		"cerrado": "Closed", "cerrada": "Closed", "terminado": "Closed", "finalizado": "Closed", "archivado": "Closed", "chiuso": "Closed", "chiusa": "Closed",
		"fechado": "Closed", "encerrado": "Closed", "erledigt": "Closed", "archiviert": "Closed",
	},
	"task.status": {
		"complete": "complete", "completed": "complete", "done": "complete", "closed": "complete", "finished": "complete", "erledigt": "complete", "y": "complete", "yes": "complete", "true": "complete", "x": "complete",
		"inprogress": "in_progress", "started": "in_progress", "working": "in_progress", "inbearbeitung": "in_progress",
		"inreview": "in_review", "review": "in_review",
		"pending": "pending", "open": "pending", "waitingonsomeoneelse": "pending", "waiting": "pending", "deferred": "pending", "notstarted": "pending", "new": "pending", "todo": "pending", "n": "pending", "no": "pending", "false": "pending", "offen": "pending",
		"fait": "complete", "faite": "complete", "termine": "complete", "terminee": "complete", "hecho": "complete", "hecha": "complete", "completado": "complete", "completada": "complete",
		"terminado": "complete", "terminada": "complete", "fatto": "complete", "completato": "complete", "concluido": "complete", "feito": "complete",
		"encours": "in_progress", "enprogreso": "in_progress", "encurso": "in_progress", "incorso": "in_progress", "emandamento": "in_progress",
		"afaire": "pending", "aucommencer": "pending", "pendiente": "pending", "porhacer": "pending", "dafare": "pending", "pendente": "pending", "enattente": "pending",
	},
	"priority": {
		"high": "High", "urgent": "High", "1": "High", "hoch": "High", "a": "High", "critical": "High",
		"normal": "Normal", "medium": "Normal", "2": "Normal", "mittel": "Normal", "b": "Normal", "standard": "Normal",
		"low": "Low", "3": "Low", "niedrig": "Low", "c": "Low",
	},
	"contact_type": {
		"person": "Person", "individual": "Person", "people": "Person", "personal": "Person", "privat": "Person",
		"company": "Company", "business": "Company", "organization": "Company", "organisation": "Company", "firm": "Company", "corporation": "Company", "firma": "Company", "unternehmen": "Company",
	},
	"entry_type": {"time": "TimeEntry", "timeentry": "TimeEntry", "fee": "TimeEntry", "expense": "ExpenseEntry", "expenseentry": "ExpenseEntry", "disbursement": "ExpenseEntry", "cost": "ExpenseEntry"},
}

// label maps for Google-style "E-mail 1 - Type" columns.
func clioLabel(kind, raw string) string {
	w := Normalize(raw)
	switch kind {
	case "phones":
		switch {
		case strings.Contains(w, "fax"):
			return "Fax"
		case strings.Contains(w, "mobil"), strings.Contains(w, "cell"), strings.Contains(w, "handy"):
			return "Mobile"
		case strings.Contains(w, "pager"):
			return "Pager"
		case strings.Contains(w, "skype"):
			return "Skype"
		case strings.Contains(w, "work"), strings.Contains(w, "business"), strings.Contains(w, "office"), strings.Contains(w, "main"), strings.Contains(w, "gesch"):
			return "Work"
		case strings.Contains(w, "home"), strings.Contains(w, "privat"):
			return "Home"
		}
		return "Other"
	case "address":
		switch {
		case strings.Contains(w, "bill"):
			return "Billing"
		case strings.Contains(w, "work"), strings.Contains(w, "business"), strings.Contains(w, "office"), strings.Contains(w, "gesch"):
			return "Work"
		case strings.Contains(w, "home"), strings.Contains(w, "privat"):
			return "Home"
		}
		return "Other"
	}
	switch {
	case strings.Contains(w, "work"), strings.Contains(w, "business"), strings.Contains(w, "office"), strings.Contains(w, "gesch"):
		return "Work"
	case strings.Contains(w, "home"), strings.Contains(w, "privat"), strings.Contains(w, "personal"):
		return "Home"
	}
	return "Other"
}

// ReadAmount reads v as money when its own form says it is money and how to
// read it: a currency sign or code around it ("-$24.37", "275,00 CHF",
// "USD $1,757.50", "(€ 12,50)") or exactly two decimals ("1.234,50",
// "1,234.50"). The decimal mark is told by the value, as the mapping's
// observation tells a column's: a comma with one or two digits after it and
// no point, or a comma after the last point. ok is false for anything else —
// a bare whole number (an id, a count), a reference with a letter in front
// (R20575, M-17), a date, a time or a phone number — so a column of such
// values is never taken for money by this reading. twoDecimals says the
// value was written with exactly two decimals.
func ReadAmount(v string) (cents model.Cents, twoDecimals, ok bool) {
	v = strings.TrimSpace(v)
	if len(v) < 2 || len(v) > 32 {
		return 0, false, false
	}
	digit, sign, upper := false, false, false
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c >= '0' && c <= '9':
			digit = true
		case c >= 'a' && c <= 'z', c == '/', c == ':', c == '@', c == '#', c == '%':
			return 0, false, false // words, dates, times, addresses: not an amount
		case c == '$' || c >= 0x80:
			sign = true
		case c >= 'A' && c <= 'Z':
			upper = true
		}
	}
	if !digit {
		return 0, false, false
	}
	// the number as written, without a code, sign or bracket after it
	n := len(v)
	for n > 0 {
		if c := v[n-1]; c == ')' || c == '-' || c == '+' || c == ' ' || c >= 'A' && c <= 'Z' || c >= 0x80 {
			n--
			continue
		}
		break
	}
	comma := n >= 3 && v[n-3] == ','
	twoDecimals = n >= 4 && (v[n-3] == '.' || comma) && v[n-2] >= '0' && v[n-2] <= '9' && v[n-1] >= '0' && v[n-1] <= '9'
	if !sign && upper {
		sign = currencyCode(codeAround(v))
	}
	if !sign && !twoDecimals {
		return 0, false, false // a bare number or a reference: the form does not say money
	}
	// the decimal mark as the value shows it: a comma with two digits after
	// it, or a comma after the last point ("1.234,5")
	if !twoDecimals {
		comma = decimalSep(v, ',', '.') && !strings.Contains(v, ".") ||
			strings.Contains(v, ".") && strings.Contains(v, ",") && strings.LastIndex(v, ",") > strings.LastIndex(v, ".")
	}
	c, err := ParseCents(v, comma)
	if err != nil {
		return 0, false, false
	}
	return c, twoDecimals, true
}

// codeAround is the letters written before or after an amount ("USD" in
// "USD 1,234.50" or "(USD 12.50)", "CHF" in "275,00 CHF").
func codeAround(v string) string {
	i := 0
	for i < len(v) && (v[i] == '(' || v[i] == '-' || v[i] == '+' || v[i] == ' ') {
		i++
	}
	j := i
	for j < len(v) && (v[j] >= 'A' && v[j] <= 'Z' || v[j] == '.') {
		j++
	}
	if j > i {
		return v[i:j]
	}
	e := len(v)
	for e > 0 && (v[e-1] == ')' || v[e-1] == '-' || v[e-1] == ' ') {
		e--
	}
	b := e
	for b > 0 && v[b-1] >= 'A' && v[b-1] <= 'Z' {
		b--
	}
	return v[b:e]
}

// currencyCode: an ISO-style code or a sign written beside an amount.
func currencyCode(s string) bool {
	switch s {
	case "USD", "CAD", "AUD", "EUR", "GBP", "CHF", "Fr.", "R$", "$", "€", "£":
		return true
	}
	return false
}
