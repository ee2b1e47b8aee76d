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

// Money is an amount read from its written form alone.
type Money struct {
	Cents       model.Cents
	TwoDecimals bool // written with exactly two decimals ("12,50", "$1,234.00")
	Marked      bool // a currency sign or code written beside it ("$", "CHF", "R$")
}

// Units is the amount's whole part without its sign, capped at 100 000
// (callers ask "is it beyond a day's hours", never how large).
func (m Money) Units() int {
	u := int64(m.Cents) / 100
	if u < 0 {
		u = -u
	}
	return int(min(u, 100_000))
}

// ReadMoney is the one reader of whether a value is money by its written
// form, whatever its column: a sign, brackets, "CR"/"DR", a currency sign
// or code ("-$24.37", "275,00 CHF", "USD (2,515.35)", "Fr. 900",
// "R 1 234,50", "12.50 CR") around digits grouped in thousands by a point,
// comma, space or apostrophe. Without a currency it must have exactly two decimals
// ("1.234,50", "1,234.50"); with one, one decimal ("USD 12.5") or none
// ("£1,200", "€ 1.234": three digits after the only mark are thousands) will
// do. The decimal mark is told by the value itself. Anything else is not
// money: a bare whole number (an id, a count), a reference with a letter in
// front (R20575, M-17, "INV 1001": only known codes are currencies), a
// date, a time, a phone number, ".50".
func ReadMoney(v string) (m Money, ok bool) {
	s := strings.TrimSpace(strings.ReplaceAll(v, "\u00a0", " "))
	s = strings.ReplaceAll(s, "’", "'")
	neg := false
	for changed := true; changed && s != ""; {
		changed = false
		if len(s) >= 2 && s[0] == '(' && s[len(s)-1] == ')' {
			s, neg, changed = strings.TrimSpace(s[1:len(s)-1]), !neg, true
		}
		if s == "" {
			break
		}
		switch {
		case s[0] == '-':
			s, neg, changed = s[1:], !neg, true
		case s[len(s)-1] == '-':
			s, neg, changed = s[:len(s)-1], !neg, true
		case s[0] == '+':
			s, changed = s[1:], true
		case strings.HasSuffix(s, "CR") && len(s) > 2 && moneySep(s[len(s)-3]):
			s, neg, changed = s[:len(s)-2], !neg, true
		case strings.HasSuffix(s, "DR") && len(s) > 2 && moneySep(s[len(s)-3]):
			s, changed = s[:len(s)-2], true
		}
		if len(s) >= 2 && s[0] == 'R' && s[1] == ' ' {
			s, changed = s[1:], true // the rand, read only with its two decimals ("R 1 234,50"; "R 12" may be a reference)
		}
		if n := currencyBefore(s); n > 0 {
			s, m.Marked, changed = s[n:], true, true
		}
		if n := currencyAfter(s); n > 0 {
			s, m.Marked, changed = s[:len(s)-n], true, true
		}
		s = strings.TrimSpace(s)
	}
	if s == "" || !isDigit(s[0]) || !isDigit(s[len(s)-1]) {
		return Money{}, false
	}
	last := -1
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case isDigit(c):
		case c == '.' || c == ',' || c == '\'' || c == ' ':
			last = i
		default:
			return Money{}, false
		}
	}
	whole, frac := s, ""
	if last >= 0 && (s[last] == '.' || s[last] == ',') {
		switch tail := len(s) - last - 1; {
		case tail == 2:
			m.TwoDecimals = true
			whole, frac = s[:last], s[last+1:]
		case tail == 1 && m.Marked:
			whole, frac = s[:last], s[last+1:]+"0"
		}
	}
	if !m.TwoDecimals && !m.Marked {
		return Money{}, false // "1017", "1.5", "06.03.2024": the form does not say money
	}
	// what is left before the decimals is thousands, one kind of mark apart
	var group byte
	var units int64
	digits, run, runs := 0, 0, 0
	for i := 0; i <= len(whole); i++ {
		if i < len(whole) && isDigit(whole[i]) {
			units = 10*units + int64(whole[i]-'0')
			digits, run = digits+1, run+1
			continue
		}
		if runs > 0 && run != 3 || runs == 0 && run == 0 || digits > 15 {
			return Money{}, false
		}
		runs++
		if i < len(whole) {
			if group != 0 && whole[i] != group || frac != "" && whole[i] == s[last] {
				return Money{}, false
			}
			group, run = whole[i], 0
		}
	}
	if runs > 1 && strings.IndexByte(whole, group) > 3 {
		return Money{}, false // "2024.01.15": the first group of thousands has at most three digits
	}
	cents := 100 * units
	if frac != "" {
		cents += int64(frac[0]-'0')*10 + int64(frac[1]-'0')
	}
	if neg {
		cents = -cents
	}
	m.Cents = model.Cents(cents)
	return m, true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// moneySep: what may stand between an amount and a mark written beside it.
func moneySep(c byte) bool { return c == ' ' || c == '$' || c == '(' || isDigit(c) }

// currencies are the codes read as money's; any other three capitals
// ("INV 1001") are a reference's prefix.
var currencies = map[string]bool{
	"USD": true, "CAD": true, "AUD": true, "NZD": true, "EUR": true, "GBP": true, "CHF": true,
	"JPY": true, "ZAR": true, "SEK": true, "NOK": true, "DKK": true,
}

// currencyBefore is the length of a currency sign or code opening s, 0 when
// there is none.
func currencyBefore(s string) int {
	for _, sign := range []string{"$", "€", "£", "R$", "Fr."} {
		if strings.HasPrefix(s, sign) {
			return len(sign)
		}
	}
	if len(s) >= 4 && currencies[s[:3]] && moneySep(s[3]) {
		return 3
	}
	return 0
}

// currencyAfter is the length of a currency sign or code closing s.
func currencyAfter(s string) int {
	for _, sign := range []string{"$", "€", "£", "Fr."} {
		if strings.HasSuffix(s, sign) {
			return len(sign)
		}
	}
	if n := len(s); n >= 4 && currencies[s[n-3:]] && (moneySep(s[n-4]) || s[n-4] == ')') {
		return 3
	}
	return 0
}
