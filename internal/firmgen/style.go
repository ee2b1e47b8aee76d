package firmgen

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Style is everything a firm's export varies in, drawn from its seed.
type Style struct {
	Naming    string // snake, camel, access, upper, spaces
	Lang      string // en, fr, es, de: some headers in that language
	Date      string // iso, us, dmy, dotted, monthname, unix, unixms, julian, excel, yyyymmdd
	Money     string // plain, symbol, thousands, comma, cents, parens
	Duration  string // hours, hmm, minutes, units
	Flag      string // 01, yn, x, tf, yesno
	Delim     string // "," ";" "\t" "|"
	Encoding  string // utf-8, utf-8-bom, windows-1252, utf-16le
	MatterNo  string // dash, slash, mprefix, plain
	ClientRef string // id, lastfirst, middle
	MatterRef string // number, id
	AR        string // paid, payments, balance
	Trust     string // type, signed, inout
	TrustBy   string // matter, client
	Drop      bool   // optional columns missing
	Extra     bool   // extra columns nobody asked for
	Short     bool   // rows missing trailing empty fields
	// Drift: where people type a matter number by hand (folder names,
	// e-mail subjects, calendar entries) they drop its leading zeros or its
	// separator: 2024-17 for 2024-017, M17 for M-17.
	Drift bool
	// Q: the widened range's quirks (zero for the corpus's eight).
	Q Quirks
	// L: the widened range's ledger shapes (zero for the corpus's eight).
	L Ledgers
}

func (s Style) describe() map[string]string {
	m := map[string]string{
		"naming": s.Naming, "lang": s.Lang, "date": s.Date, "money": s.Money, "duration": s.Duration,
		"flag": s.Flag, "delim": fmt.Sprintf("%q", s.Delim), "encoding": s.Encoding, "matter_no": s.MatterNo,
		"client_ref": s.ClientRef, "matter_ref": s.MatterRef, "ar": s.AR, "trust": s.Trust, "trust_by": s.TrustBy,
		"drop": fmt.Sprint(s.Drop), "extra": fmt.Sprint(s.Extra), "short_rows": fmt.Sprint(s.Short), "typed_numbers_drift": fmt.Sprint(s.Drift),
	}
	if s.Q != (Quirks{}) {
		s.Q.describe(m)
	}
	if s.L.LinesBase != "" {
		s.L.describe(m)
	}
	return m
}

func drawStyle(r *rand.Rand) Style {
	return Style{
		Naming:    pick(r, []string{"snake", "camel", "access", "upper", "spaces"}),
		Lang:      pick(r, []string{"en", "en", "en", "fr", "es", "de"}),
		Date:      pick(r, []string{"iso", "us", "dmy", "dotted", "monthname", "unix", "unixms", "julian", "excel", "yyyymmdd"}),
		Money:     pick(r, []string{"plain", "symbol", "thousands", "comma", "cents", "parens"}),
		Duration:  pick(r, []string{"hours", "hmm", "minutes", "units"}),
		Flag:      pick(r, []string{"01", "yn", "x", "tf", "yesno"}),
		Delim:     pick(r, []string{",", ",", ";", "\t", "|"}),
		Encoding:  pick(r, []string{"utf-8", "utf-8-bom", "windows-1252", "utf-16le"}),
		MatterNo:  pick(r, []string{"dash", "slash", "mprefix", "plain"}),
		ClientRef: pick(r, []string{"id", "id", "lastfirst", "middle"}),
		MatterRef: pick(r, []string{"number", "number", "id"}),
		AR:        pick(r, []string{"paid", "payments", "balance"}),
		Trust:     pick(r, []string{"type", "signed", "inout"}),
		TrustBy:   pick(r, []string{"matter", "matter", "client"}),
		Drop:      r.IntN(2) == 0,
		Extra:     r.IntN(2) == 0,
		Short:     r.IntN(2) == 0,
	}
}

// ---- headers ----

// header words per concept, in English; translations for some concepts.
var concepts = map[string][]string{
	"client_id": {"client", "id"}, "contact_id": {"contact", "id"}, "first": {"first", "name"}, "middle": {"middle", "initial"},
	"last": {"last", "name"}, "company": {"company"}, "email": {"email"}, "phone": {"phone"}, "street": {"address"},
	"city": {"city"}, "zip": {"zip"}, "created": {"created"}, "client": {"client"},
	"matter_id": {"matter", "id"}, "matter_no": {"matter", "no"}, "matter": {"matter"}, "description": {"description"},
	"area": {"practice", "area"}, "status": {"status"}, "opened": {"open", "date"}, "closed": {"close", "date"},
	"attorney": {"responsible", "lawyer"}, "date": {"date"}, "staff": {"timekeeper"}, "hours": {"hours"}, "minutes": {"minutes"},
	"units": {"units"}, "duration": {"duration"}, "rate": {"rate"}, "billed": {"billed"}, "invoice_no": {"invoice", "no"},
	"amount": {"amount"}, "amount_cents": {"amount", "cents"}, "paid": {"paid"}, "balance": {"balance"}, "type": {"type"},
	"deposit": {"deposit"}, "withdrawal": {"withdrawal"}, "memo": {"memo"}, "subject": {"subject"}, "text": {"note"},
	"author": {"author"}, "task": {"task"}, "due": {"due", "date"}, "assignee": {"assigned", "to"}, "done": {"done"},
	"priority": {"priority"}, "title": {"event"}, "start_date": {"start", "date"}, "start_time": {"start", "time"},
	"end_time": {"end", "time"}, "all_day": {"all", "day"}, "location": {"location"}, "caller": {"caller"},
	"for": {"message", "for"}, "message": {"message"}, "call_back": {"call", "back"}, "time": {"time"}, "role": {"role"},
	"name": {"name"}, "party": {"party"}, "initials": {"initials"}, "code": {"code"}, "label": {"description"},
	"remarks": {"remarks"}, "old_ref": {"old", "ref"}, "id": {"id"}, "entry_id": {"entry", "id"}, "cents": {"cents"},
	"payment": {"payment"}, "work": {"work", "description"}, "fax": {"fax"}, "user1": {"user", "field", "1"},
}

var translations = map[string]map[string][]string{
	"fr": {"first": {"prénom"}, "last": {"nom"}, "company": {"société"}, "email": {"courriel"}, "phone": {"téléphone"},
		"street": {"adresse"}, "city": {"ville"}, "zip": {"code", "postal"}, "matter": {"dossier"}, "matter_no": {"no", "dossier"},
		"description": {"objet"}, "status": {"statut"}, "opened": {"date", "ouverture"}, "date": {"date"}, "amount": {"montant"},
		"paid": {"payé"}, "hours": {"heures"}, "rate": {"taux"}, "client": {"client"}, "subject": {"sujet"}, "text": {"texte"},
		"due": {"échéance"}, "role": {"rôle"}, "name": {"nom"}, "memo": {"libellé"}, "type": {"type"}, "location": {"lieu"},
		"title": {"titre"}, "message": {"message"}, "balance": {"solde"}},
	"es": {"first": {"nombre"}, "last": {"apellido"}, "company": {"empresa"}, "email": {"correo"}, "phone": {"teléfono"},
		"street": {"dirección"}, "city": {"ciudad"}, "matter": {"expediente"}, "matter_no": {"num", "expediente"},
		"description": {"descripción"}, "status": {"estado"}, "opened": {"fecha", "apertura"}, "date": {"fecha"},
		"amount": {"importe"}, "paid": {"pagado"}, "hours": {"horas"}, "rate": {"tarifa"}, "client": {"cliente"},
		"subject": {"asunto"}, "text": {"texto"}, "due": {"vencimiento"}, "role": {"función"}, "name": {"nombre"},
		"memo": {"concepto"}, "type": {"tipo"}, "location": {"lugar"}, "title": {"evento"}, "balance": {"saldo"}},
	"de": {"first": {"vorname"}, "last": {"nachname"}, "company": {"firma"}, "email": {"e-mail"}, "phone": {"telefon"},
		"street": {"straße"}, "city": {"ort"}, "zip": {"plz"}, "matter": {"akte"}, "matter_no": {"aktenzeichen"},
		"description": {"gegenstand"}, "status": {"status"}, "opened": {"angelegt"}, "date": {"datum"}, "amount": {"betrag"},
		"paid": {"bezahlt"}, "hours": {"stunden"}, "rate": {"satz"}, "client": {"mandant"}, "subject": {"betreff"},
		"text": {"notiz"}, "due": {"fällig"}, "role": {"rolle"}, "name": {"name"}, "memo": {"buchungstext"}, "type": {"art"},
		"location": {"ort"}, "title": {"termin"}, "balance": {"saldo"}},
}

// headerFor names a column in the firm's convention and language.
func (s Style) headerFor(concept string, maxLen int) string {
	if a, ok := abbreviations[concept]; ok && s.Q.Abbrev {
		if maxLen > 0 {
			return cutBytes(a, maxLen)
		}
		return a
	}
	words := concepts[concept]
	if tr, ok := translations[s.Lang][concept]; ok {
		words = tr
	}
	if words == nil {
		words = strings.Split(concept, "_")
	}
	var h string
	switch s.Naming {
	case "snake":
		h = strings.Join(words, "_")
	case "camel":
		h = camel(words, false)
	case "access":
		h = camel(words, true)
	case "upper":
		h = strings.ToUpper(strings.Join(words, "_"))
	default:
		h = titleWords(words)
	}
	if maxLen > 0 {
		h = cutBytes(asciiFold(h), maxLen)
	}
	return h
}

// cutBytes shortens s to at most n bytes without splitting a character: a
// DBF field name is ten bytes, and an accent asciiFold leaves (an upper-case
// "Ó") is two of them.
func cutBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// tableName names a table: tblClients, CLIENTS, clients, Clients.
func (s Style) tableName(base string) string {
	words := strings.Split(base, "_")
	if s.Q.Abbrev {
		return strings.ToUpper(base)
	}
	switch s.Naming {
	case "access":
		return "tbl" + camel(words, false)
	case "upper":
		return strings.ToUpper(base)
	case "camel":
		return camel(words, false)
	case "spaces":
		return strings.ToUpper(base[:1]) + strings.ReplaceAll(base[1:], "_", " ")
	}
	return base
}

func camel(words []string, access bool) string {
	var b strings.Builder
	for _, w := range words {
		if access && (w == "id" || w == "no") {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
			if w == "id" {
				return strings.TrimSuffix(b.String(), "Id") + "ID"
			}
			continue
		}
		rs := []rune(w)
		rs[0] = unicode.ToUpper(rs[0])
		b.WriteString(string(rs))
	}
	return b.String()
}

func titleWords(words []string) string {
	out := make([]string, len(words))
	for i, w := range words {
		rs := []rune(w)
		rs[0] = unicode.ToUpper(rs[0])
		out[i] = string(rs)
	}
	return strings.Join(out, " ")
}

// ---- values ----

var monthNames = []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// date writes a date in the firm's encoding.
func (s Style) date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	switch s.Date {
	case "us":
		return t.Format("01/02/2006")
	case "dmy":
		return t.Format("02/01/2006")
	case "dotted":
		return t.Format("02.01.2006")
	case "monthname":
		return fmt.Sprintf("%s %d, %d", monthNames[t.Month()-1], t.Day(), t.Year())
	case "unix":
		return fmt.Sprint(time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).Unix())
	case "unixms":
		return fmt.Sprint(time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).UnixMilli())
	case "julian":
		return fmt.Sprint(julianDay(t))
	case "excel":
		return fmt.Sprint(excelSerial(t))
	case "yyyymmdd":
		return t.Format("20060102")
	}
	return t.Format("2006-01-02")
}

// dateTime writes a moment: the date encoding plus a time where the
// encoding has room for one (epoch encodings carry it in the number).
func (s Style) dateTime(t time.Time) string {
	switch s.Date {
	case "unix":
		return fmt.Sprint(t.Unix())
	case "unixms":
		return fmt.Sprint(t.UnixMilli())
	case "julian", "excel", "yyyymmdd":
		return s.date(t) + " " + t.Format("15:04")
	case "iso":
		return t.Format("2006-01-02 15:04")
	}
	return s.date(t) + " " + t.Format("15:04")
}

func julianDay(t time.Time) int64 {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).Unix()/86400 + 2440588
}

func excelSerial(t time.Time) int64 {
	base := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	return int64(time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).Sub(base).Hours() / 24)
}

// money writes cents in the firm's encoding.
func (s Style) money(c int64) string {
	neg := c < 0
	if neg {
		c = -c
	}
	whole, frac := c/100, c%100
	var out string
	switch s.Money {
	case "cents":
		out = fmt.Sprint(c)
	case "symbol":
		out = fmt.Sprintf("$%d.%02d", whole, frac)
	case "thousands":
		out = fmt.Sprintf("%s.%02d", group(whole, ","), frac)
	case "comma":
		out = fmt.Sprintf("%s,%02d", group(whole, "."), frac)
	case "parens":
		out = fmt.Sprintf("%s.%02d", group(whole, ","), frac)
		if neg {
			return "(" + out + ")"
		}
	default:
		out = fmt.Sprintf("%d.%02d", whole, frac)
	}
	if neg {
		return "-" + out
	}
	return out
}

func group(n int64, sep string) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	return b.String()
}

// durationConcept is the column a duration is written under.
func (s Style) durationConcept() string {
	switch s.Duration {
	case "minutes":
		return "minutes"
	case "units":
		return "units"
	case "hmm":
		return "duration"
	}
	return "hours"
}

func (s Style) duration(sec int64) string {
	switch s.Duration {
	case "minutes":
		return fmt.Sprint(sec / 60)
	case "units":
		return fmt.Sprint(sec / 360)
	case "hmm":
		return fmt.Sprintf("%d:%02d", sec/3600, sec%3600/60)
	}
	h := fmt.Sprintf("%.2f", float64(sec)/3600)
	h = strings.TrimRight(strings.TrimRight(h, "0"), ".")
	if s.Money == "comma" {
		h = strings.Replace(h, ".", ",", 1)
	}
	return h
}

func (s Style) flag(b bool) string {
	switch s.Flag {
	case "yn":
		if b {
			return "Y"
		}
		return "N"
	case "x":
		if b {
			return "x"
		}
		return ""
	case "tf":
		if b {
			return "T"
		}
		return "F"
	case "yesno":
		if b {
			return s.word("Yes")
		}
		return s.word("No")
	}
	if b {
		return "1"
	}
	return "0"
}

// matterNumber writes a matter's number in the firm's form.
func (s Style) matterNumber(m matter) string {
	switch s.MatterNo {
	case "slash":
		return fmt.Sprintf("%d/%04d", m.Year, m.Seq)
	case "mprefix":
		return fmt.Sprintf("M-%d", m.ID)
	case "plain":
		return fmt.Sprint(1000 + m.ID)
	}
	return fmt.Sprintf("%d-%03d", m.Year, m.Seq)
}

// typedNumber is a matter number as typed by hand where no system wrote it.
func (s Style) typedNumber(m matter) string {
	if !s.Drift {
		return s.matterNumber(m)
	}
	switch s.MatterNo {
	case "slash", "dash":
		return fmt.Sprintf("%d-%d", m.Year, m.Seq)
	case "mprefix":
		return fmt.Sprintf("M%d", m.ID)
	}
	return s.matterNumber(m)
}

// clientName is how a matter (or ledger) names its client when it does so by name.
func (s Style) clientName(c contact) string {
	if c.Company != "" {
		return c.Company
	}
	if s.ClientRef == "middle" {
		if c.Middle == "" {
			return c.First + " " + c.Last
		}
		return c.First + " " + c.Middle + ". " + c.Last
	}
	return c.Last + ", " + c.First
}

func asciiFold(s string) string {
	r := strings.NewReplacer("é", "e", "É", "E", "è", "e", "ê", "e", "ë", "e", "á", "a", "à", "a", "ä", "ae", "â", "a",
		"í", "i", "ï", "i", "ó", "o", "ö", "oe", "ô", "o", "ú", "u", "ü", "ue", "û", "u", "ñ", "n", "ç", "c", "ß", "ss",
		"Ü", "Ue", "Ö", "Oe", "Ä", "Ae", "ō", "o")
	return r.Replace(s)
}

func asciiLower(s string) string {
	s = strings.ToLower(asciiFold(s))
	var b strings.Builder
	for _, c := range s {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// A firm that writes its headers in French, Spanish or German writes its
// words there too: statuses, yes/no, ledger entry types.
var localWords = map[string]map[string]string{
	"fr": {"Open": "Ouvert", "Pending": "En attente", "Closed": "Clos", "Yes": "Oui", "No": "Non"},
	"es": {"Open": "Abierto", "Pending": "Pendiente", "Closed": "Cerrado", "Yes": "Sí", "No": "No"},
	"de": {"Open": "Offen", "Pending": "Ruhend", "Closed": "Geschlossen", "Yes": "Ja", "No": "Nein"},
}

var trustWords = map[string][2]string{
	"fr": {"Dépôt", "Retrait"},
	"es": {"Depósito", "Retiro"},
	"de": {"Einzahlung", "Auszahlung"},
}

func (s Style) word(w string) string {
	if l, ok := localWords[s.Lang][w]; ok {
		return l
	}
	return w
}
