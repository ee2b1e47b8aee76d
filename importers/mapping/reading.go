package mapping

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"handover/core/model"
)

// A column's reading says how its values are read, decided in Finish from
// ALL the column's values (pass 1 keeps a few counters a column, never the
// values) together with its target and, as evidence beside them, its name.
// What decided it is kept in Column.Evidence for the Mapping screen. A column
// whose reading the evidence does not settle gets Column.Question and a Plan
// warning RuleReadingQuestion; it is read the way the question names as the
// default until someone answers with SetReading (remembered like a column's
// target). Readings never change a value's text in the project's raw rows.
const (
	ReadAsWritten   = ""             // the value readers' own forms (dates, 1,234.50, 1.5 / 1:30 hours)
	ReadUnixSeconds = "unix_seconds" // dates: seconds since 1970-01-01 UTC
	ReadUnixMillis  = "unix_millis"  // dates: milliseconds since 1970-01-01 UTC
	ReadJulianDay   = "julian_day"   // dates: Julian day numbers (2460385.5 = 2024-03-15 00:00 UTC)
	ReadExcelSerial = "excel_serial" // dates: days since 1899-12-30, a fraction is the time of day
	ReadYYYYMMDD    = "yyyymmdd"     // dates: 20240315
	ReadHours       = "hours"        // durations: decimal hours or h:mm
	ReadMinutes     = "minutes"      // durations: minutes
	ReadTenths      = "tenths"       // durations: six-minute units (tenths of an hour)
	ReadCents       = "cents"        // money: integer cents (pence)
	ReadWholeUnits  = "whole"        // money: integer amounts in whole dollars (pounds, euros)
	ReadFlag        = "flag"         // yes/no flag: yes means done, closed, billed
	ReadFlagInverse = "flag_inverse" // yes/no flag: yes means open, pending, active
)

// RuleReadingQuestion is a Plan warning for a column whose values can be read
// two ways that the values and name do not settle: the Mapping screen asks.
const RuleReadingQuestion = "column.question"

// readingChoices lists the readings a question may be answered with, by kind.
var readingChoices = map[string][]string{
	"date":     {ReadAsWritten, ReadUnixSeconds, ReadUnixMillis, ReadJulianDay, ReadExcelSerial, ReadYYYYMMDD},
	"duration": {ReadHours, ReadMinutes, ReadTenths},
	"money":    {ReadWholeUnits, ReadCents},
	"flag":     {ReadFlag, ReadFlagInverse},
}

// ReadingChoices lists the answers to a column's question (by the column's
// target), for a mapping screen's choice.
func ReadingChoices(target string) []string {
	return readingChoices[readingKind(target)]
}

func readingKind(target string) string {
	switch {
	case isDateTarget(target):
		return "date"
	case target == "hours":
		return "duration"
	case moneyTarget(target):
		return "money"
	case target == "status" || target == "billed" || target == "billable":
		return "flag"
	case target == "" || strings.HasPrefix(target, "custom:") || strings.HasPrefix(target, "append:"):
		return "date" // an unmapped column is asked about only when its values may be dates
	}
	return ""
}

func moneyTarget(t string) bool {
	switch t {
	case "rate", "amount", "ledger.amount", "ledger.paid", "ledger.balance", "ledger.in", "ledger.out":
		return true
	}
	return false
}

// ReadingLabel says a reading in a few words, for screens and messages.
func ReadingLabel(r string) string {
	switch r {
	case ReadUnixSeconds:
		return "Unix time in seconds"
	case ReadUnixMillis:
		return "Unix time in milliseconds"
	case ReadJulianDay:
		return "Julian day numbers"
	case ReadExcelSerial:
		return "Excel day numbers"
	case ReadYYYYMMDD:
		return "dates written YYYYMMDD"
	case ReadHours:
		return "hours"
	case ReadMinutes:
		return "minutes"
	case ReadTenths:
		return "six-minute units (tenths of an hour)"
	case ReadCents:
		return "cents"
	case ReadWholeUnits:
		return "whole amounts (not cents)"
	case ReadFlag:
		return "yes = done / closed / billed"
	case ReadFlagInverse:
		return "yes = open / pending"
	}
	return "as written"
}

// readingObs counts what one column's values look like (pass 1).
type readingObs struct {
	ints, decs, zeros int     // plain integers, plain decimals (point or comma), zeros among them
	lo, hi            float64 // smallest and largest non-zero number
	ymd               int     // integers that are valid YYYYMMDD dates
	logSum            float64 // sum of log10 |n| over the non-zero integers: their typical size
	clock             int     // h:mm
	yes, no           int     // flag words (1/0, Y/N, T/F, yes/no, true/false, x)
	matterStatus      int     // matter status words (Open, Closed, On hold …)
	taskStatus        int     // task status words (Completed, Not started …)
}

// observe counts one trimmed, non-empty value. It runs on every value of
// every column, so it scans bytes rather than using patterns.
func (o *readingObs) observe(v string) {
	if v != "" && len(v) <= 10 {
		if yes, known := yesNo(v); known && yes {
			o.yes++
		} else if known {
			o.no++
		}
	}
	if v == "" || len(v) > 24 {
		return
	}
	s := v
	if s[0] == '-' || s[0] == '+' {
		s = s[1:]
	}
	digits, seps, sepAt, colonAt := 0, 0, -1, -1
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' || c == ',':
			seps++
			sepAt = i
		case c == ':':
			colonAt = i
		default:
			return
		}
	}
	switch {
	case digits == 0:
		return
	case colonAt > 0 && seps == 0 && colonAt == len(s)-3 && strings.Count(s, ":") == 1:
		o.clock++
		return
	case colonAt >= 0:
		return
	case seps == 0:
		o.ints++
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return
		}
		if n == 0 {
			o.zeros++
			return
		}
		o.logSum += math.Log10(math.Abs(float64(n)))
		if n >= 18000101 && n <= 21001231 && validYMD(int(n/10000), int(n/100%100), int(n%100)) {
			o.ymd++
		}
		o.number(float64(n))
	case seps == 1 && sepAt > 0 && sepAt < len(s)-1:
		o.decs++
		f, err := strconv.ParseFloat(strings.Replace(v, ",", ".", 1), 64)
		if err != nil || f == 0 {
			if f == 0 {
				o.zeros++
			}
			return
		}
		o.number(f)
	}
}

func (o *readingObs) number(f float64) {
	if o.lo == 0 && o.hi == 0 {
		o.lo, o.hi = f, f
	}
	o.lo, o.hi = math.Min(o.lo, f), math.Max(o.hi, f)
}

// Date ranges by reading: years 1900..2100, except Excel serials (1901..2100,
// below that they are day counts) and Unix seconds (1973..2100: smaller ones
// are ordinary numbers). The ranges do not overlap.
func epochReading(o readingObs, nonEmpty int) string {
	num := o.ints + o.decs
	if num == 0 || num != nonEmpty || num == o.zeros {
		return ""
	}
	switch lo, hi := o.lo, o.hi; {
	case o.decs == 0 && o.ymd == o.ints-o.zeros:
		return ReadYYYYMMDD
	case lo >= 367 && hi <= 73415:
		return ReadExcelSerial
	case lo >= 2415020.5 && hi <= 2488070.5:
		return ReadJulianDay
	case lo >= 1e8 && hi <= 4102444800:
		return ReadUnixSeconds
	case lo >= 1e11 && hi <= 4102444800000:
		return ReadUnixMillis
	}
	return ""
}

// scanEpoch reads v by a date reading; ok is false when the reading is not
// a number form or v is no number (then the usual forms apply).
func scanEpoch(reading, v string) (scanned, bool) {
	var t time.Time
	switch reading {
	case ReadUnixSeconds, ReadUnixMillis, ReadJulianDay, ReadExcelSerial:
	default:
		return scanned{}, false
	}
	f, err := strconv.ParseFloat(strings.Replace(strings.TrimSpace(v), ",", ".", 1), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return scanned{}, false
	}
	if f == 0 {
		return scanned{shape: shapeBlank}, true // 0 is how these columns say "no date"
	}
	var sec float64
	switch reading {
	case ReadUnixSeconds:
		sec = f
	case ReadUnixMillis:
		sec = f / 1000
	case ReadJulianDay:
		sec = (f - 2440587.5) * 86400
	case ReadExcelSerial:
		sec = (f - 25569) * 86400
	}
	if sec < -2208988800 || sec > 7258118400 { // 1900 .. 2200
		return scanned{shape: shapeBad}, true
	}
	t = time.Unix(int64(math.Round(sec)), 0).UTC()
	s := scanned{shape: shapeDefinite, y: t.Year(), m: int(t.Month()), d: t.Day()}
	if h, m, se := t.Clock(); h != 0 || m != 0 || se != 0 {
		s.rest = fmt.Sprintf("%02d:%02d:%02d", h, m, se)
	}
	return s, true
}

// centsSpan is a column's range read as cents: 200.00–375.00.
func centsSpan(o readingObs) string {
	f := func(x float64) string { return strconv.FormatFloat(x/100, 'f', 2, 64) }
	if o.lo == o.hi {
		return f(o.lo)
	}
	return f(o.lo) + "–" + f(o.hi)
}

// colReading is the decision for one column.
type colReading struct {
	reading  string
	kind     string // date, duration, money, flag
	evidence string
	question string
}

// readState is a Plan's readings: per column, and the user's answers by header.
type readState struct {
	cols []colReading
	user map[string]string
}

// SetReading answers a column's question (or overrides its reading): header
// as shown, reading one of ReadingChoices(target). It replaces the decided
// reading and its question.
func (p *Plan) SetReading(header, reading string) error {
	var col *Column
	for i := range p.Columns {
		if c := &p.Columns[i]; c.Header == header || strconv.Itoa(c.Index+1) == header {
			col = c
		}
	}
	if col == nil {
		return fmt.Errorf("no column %q", header)
	}
	ok := false
	for _, r := range ReadingChoices(col.Target) {
		ok = ok || r == reading
	}
	if !ok {
		return fmt.Errorf("column %q cannot be read as %q (one of %q)", header, reading, ReadingChoices(col.Target))
	}
	if p.rd.user == nil {
		p.rd.user = map[string]string{}
	}
	p.rd.user[col.Header] = reading
	p.settle()
	return nil
}

// readingMemoryKey is the Memory key of a column's answered reading; it
// cannot clash with a header's key, which Normalize leaves without ':'.
func readingMemoryKey(header string) string { return "reading:" + Normalize(header) }

// recallReadings takes the answers remembered in mem for this plan's columns.
func (p *Plan) recallReadings(mem Memory) {
	for _, c := range p.Columns {
		if r, ok := mem[readingMemoryKey(c.Header)]; ok {
			if p.rd.user == nil {
				p.rd.user = map[string]string{}
			}
			p.rd.user[c.Header] = r
		}
	}
}

// rememberReadings adds the plan's answered readings to m.
func (p *Plan) rememberReadings(m Memory) {
	for h, r := range p.rd.user {
		m[readingMemoryKey(h)] = r
	}
}

// ReadingMemory is the Memory entry that remembers reading as the answer for
// columns named header (for a screen that stores answers with the project).
func ReadingMemory(header, reading string) (key, value string) {
	return readingMemoryKey(header), reading
}

// Name evidence: words a column's name holds (compared on its normalised form).
func nameHas(norm string, words ...string) bool {
	for _, w := range words {
		if strings.Contains(norm, w) {
			return true
		}
	}
	return false
}

// nameEnds reports whether the raw header ends with one of the suffixes as a
// word of its own ("amount_c", "Total C").
func nameEnds(header string, sufs ...string) bool {
	h := strings.ToLower(strings.TrimSpace(header))
	for _, s := range sufs {
		if strings.HasSuffix(h, s) && len(h) > len(s) {
			if c := h[len(h)-len(s)-1]; c == '_' || c == ' ' || c == '-' || c == '.' {
				return true
			}
		}
	}
	return false
}

func centsName(header string) bool {
	n := Normalize(header)
	return nameHas(n, "cents", "pennies", "pence", "cts") || nameEnds(header, "c", "ct")
}

func dateName(header string) bool {
	return nameHas(Normalize(header), "date", "time", "stamp", "created", "modified", "updated", "opened", "closed", "due", "birth", "dob", "when", "datum") || nameEnds(header, "at", "on")
}

// num formats a number for evidence with digits after the point: 1.6e9
// (digits 1), 2460385.5, 600.
func num(f float64, digits int) string {
	if math.Abs(f) >= 1e6 && f == math.Trunc(f) {
		e := math.Floor(math.Log10(math.Abs(f)))
		return strconv.FormatFloat(f/math.Pow(10, e), 'f', digits, 64) + "e" + strconv.Itoa(int(e))
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// span is a column's range, with as many digits as tell its ends apart.
func span(o readingObs) string {
	if o.lo == o.hi {
		return num(o.lo, 1)
	}
	for d := 1; d < 6; d++ {
		if lo, hi := num(o.lo, d), num(o.hi, d); lo != hi {
			return lo + "–" + hi
		}
	}
	return num(o.lo, 6) + "–" + num(o.hi, 6)
}

func countWord(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// settleReadings decides every column's reading and evidence (part of settle).
func (p *Plan) settleReadings() {
	n := len(p.Columns)
	p.rd.cols = make([]colReading, n)
	centsCol := ""
	for i, c := range p.Columns {
		o := p.obs[i]
		if moneyTarget(c.Target) && o.rd.ints == o.nonEmpty && o.nonEmpty > 0 && centsName(c.Header) {
			centsCol = c.Header
		}
	}
	for i := range p.Columns {
		c := &p.Columns[i]
		o := p.obs[i]
		d := p.decideReading(i, *c, o, centsCol)
		if u, ok := p.rd.user[c.Header]; ok && readingKind(c.Target) != "" {
			d = colReading{reading: u, kind: readingKind(c.Target), evidence: "your choice: " + ReadingLabel(u)}
		}
		if c.Via == ViaValues {
			d.evidence = strings.TrimSuffix("no header rule knew this column; its values fit: "+d.evidence, ": ")
		}
		p.rd.cols[i] = d
		c.Reading, c.Evidence, c.Question = d.reading, d.evidence, d.question
		if d.question != "" {
			p.Warnings = append(p.Warnings, Warning{Rule: RuleReadingQuestion, Column: c.Header, Message: fmt.Sprintf("Column %q: %s", c.Header, d.question)})
		}
	}
	p.applyFlagValues()
}

func (p *Plan) decideReading(i int, c Column, o colObs, centsCol string) colReading {
	ro := o.rd
	ne := o.nonEmpty
	norm := p.normHeaderAt(i)
	if ne == 0 {
		return colReading{}
	}
	kind := readingKind(c.Target)
	unmapped := c.Via == ViaNone || c.Target == ""
	switch {
	case kind == "date" && !unmapped:
		if r := epochReading(ro, ne); r != "" {
			return colReading{reading: r, kind: kind, evidence: fmt.Sprintf("all %d values are numbers %s: %s", ne, span(ro), ReadingLabel(r))}
		}
		// numbers in one date encoding beside dates written out (rows
		// edited by hand after a system wrote the rest): each read by its
		// own form, the numbers by their encoding
		if num := ro.ints + ro.decs; num > 0 && num < ne && o.definite+o.dmy+o.mdy+o.ambig >= ne-num {
			if r := epochReading(ro, num); r != "" {
				return colReading{reading: r, kind: kind, evidence: fmt.Sprintf("%d of %d values are numbers %s: %s; the others are written dates", num, ne, span(ro), ReadingLabel(r))}
			}
		}
		if ro.ints+ro.decs == ne && ro.zeros < ne {
			return colReading{kind: kind, evidence: fmt.Sprintf("all %d values are numbers %s, which are no date form Handover knows", ne, span(ro)),
				question: fmt.Sprintf("How are these dates written? Numbers (%s), not dates Handover can read: say how they are written (e.g. Unix time), or map the column elsewhere.", span(ro))}
		}
		return colReading{kind: kind, evidence: dateEvidence(o)}
	case kind == "date" && unmapped:
		r := epochReading(ro, ne)
		if r == "" || r == ReadExcelSerial || r == ReadYYYYMMDD && !dateName(c.Header) {
			return colReading{} // plain numbers: kept as written
		}
		if dateName(c.Header) {
			return colReading{reading: r, kind: kind, evidence: fmt.Sprintf("all %d values are numbers %s and the name says a date: %s", ne, span(ro), ReadingLabel(r))}
		}
		return colReading{kind: kind, evidence: fmt.Sprintf("all %d values are numbers %s, which could be %s", ne, span(ro), ReadingLabel(r)),
			question: fmt.Sprintf("Are these dates? Numbers (%s) that could be dates written as %s: kept as numbers unless you say they are dates.", span(ro), ReadingLabel(r))}
	case kind == "duration":
		return durationReading(c, ro, ne, norm)
	case kind == "money":
		return moneyReading(c, o, centsCol)
	case kind == "flag":
		return p.flagReading(c, ro, ne, norm)
	}
	return colReading{}
}

func (p *Plan) normHeaderAt(i int) string {
	if i < len(p.normHeader) {
		return p.normHeader[i]
	}
	return Normalize(p.Columns[i].Header)
}

func dateEvidence(o colObs) string {
	var parts []string
	if o.definite > 0 {
		parts = append(parts, countWord(o.definite, "date needs", "dates need")+" no day/month order")
	}
	if o.mdy > 0 {
		parts = append(parts, countWord(o.mdy, "has", "have")+" a day above 12 in second place (month first)")
	}
	if o.dmy > 0 {
		parts = append(parts, countWord(o.dmy, "has", "have")+" a day above 12 in first place (day first)")
	}
	if o.ambig > 0 {
		parts = append(parts, countWord(o.ambig, "could be", "could be")+" either order")
	}
	if o.bad > 0 {
		parts = append(parts, countWord(o.bad, "is", "are")+" no date")
	}
	return strings.Join(parts, "; ")
}

func durationReading(c Column, ro readingObs, ne int, norm string) colReading {
	d := colReading{kind: "duration", reading: ReadHours}
	allNum := ro.ints+ro.decs+ro.clock == ne
	switch {
	case !allNum:
		d.evidence = "hours as written (1.5 or 1:30)"
	case nameHas(norm, "min"):
		d.reading, d.evidence = ReadMinutes, fmt.Sprintf("the name says minutes; values %s", span(ro))
	case nameHas(norm, "unit", "tenth", "zehntel") && ro.decs == 0 && ro.clock == 0:
		d.reading, d.evidence = ReadTenths, fmt.Sprintf("the name says units and all values are whole numbers %s: six-minute units", span(ro))
	case ro.clock > 0 && ro.clock == ne:
		d.evidence = fmt.Sprintf("all %d values are h:mm", ne)
	case ro.decs == 0 && ro.clock == 0 && ro.hi > 24:
		// No entry lasts more than a day: whole numbers above 24 are
		// minutes or six-minute units, and only the firm knows which.
		d.reading = ReadMinutes
		d.evidence = fmt.Sprintf("all %d values are whole numbers %s, too many for hours", ne, span(ro))
		d.question = fmt.Sprintf("Minutes or six-minute units? Whole numbers up to %s, too many for the hours of one entry: read as minutes unless you say six-minute units (tenths of an hour).", num(ro.hi, 1))
	case nameHas(norm, "hour", "hrs", "std", "stunden") || ro.decs > 0:
		d.evidence = fmt.Sprintf("values %s: decimal hours", span(ro))
	default:
		d.evidence = fmt.Sprintf("whole numbers %s: hours", span(ro))
	}
	return d
}

func moneyReading(c Column, o colObs, centsCol string) colReading {
	ro, ne := o.rd, o.nonEmpty
	d := colReading{kind: "money"}
	allInt := ro.ints == ne
	nonZero := ro.ints - ro.zeros
	switch {
	case allInt && centsName(c.Header):
		d.reading, d.evidence = ReadCents, fmt.Sprintf("the name says cents and all %d values are whole numbers %s", ne, span(ro))
	case allInt && centsCol != "" && nonZero > 0:
		d.reading, d.evidence = ReadCents, fmt.Sprintf("all %d values are whole numbers %s, like column %q beside it, which is in cents", ne, span(ro), centsCol)
	case allInt && c.Target == "rate" && ro.lo >= 2500 && ro.hi <= 200000:
		// Read as whole units these would be hourly rates of 2,500 and more.
		d.reading, d.evidence = ReadCents, fmt.Sprintf("all %d values are whole numbers %s: as hourly rates they are cents (%s an hour)", ne, span(ro), centsSpan(ro))
	case allInt && nonZero >= 3 && math.Max(math.Abs(ro.lo), math.Abs(ro.hi)) >= 1000:
		// Whole-number amounts may be cents or whole dollars: a hundredfold
		// error either way, so ask. Until answered, the typical size decides:
		// a small firm's amounts are rarely tens of thousands each.
		d.reading = ReadWholeUnits
		typical := math.Pow(10, ro.logSum/float64(nonZero))
		if typical >= 10000 {
			d.reading = ReadCents
		}
		d.evidence = fmt.Sprintf("all %d values are whole numbers %s (typically about %s)", ne, span(ro), num(math.Round(typical), 1))
		d.question = fmt.Sprintf("Cents or whole amounts? Only whole numbers (%s): read as %s unless you say otherwise (1250 as whole amounts is 1,250.00, as cents 12.50).", span(ro), ReadingLabel(d.reading))
	case allInt:
		d.evidence = fmt.Sprintf("whole amounts %s", span(ro))
	default:
		d.evidence = "amounts with a decimal point"
		if o.commaDec > o.pointDec {
			d.evidence = "amounts with a decimal comma"
		}
	}
	return d
}

// Flag polarity from the name: what a "yes" in the column means.
var (
	doneNames = []string{"done", "complete", "finish", "erledigt", "closed", "archiv", "inactive", "billed", "invoiced", "paid", "abgeschlossen"}
	openNames = []string{"open", "pending", "todo", "outstanding", "active", "current", "unbilled", "offen", "aktiv"}
)

func (p *Plan) flagReading(c Column, ro readingObs, ne int, norm string) colReading {
	if ro.yes+ro.no != ne || ne == 0 {
		return colReading{}
	}
	d := colReading{kind: "flag", reading: ReadFlag}
	what := "done"
	switch {
	case c.Target == "status" && p.kind == "matters":
		what = "closed"
	case c.Target == "billed":
		what = "billed"
	case c.Target == "billable":
		return colReading{kind: "flag", reading: ReadFlag, evidence: fmt.Sprintf("all %d values are yes/no (%d yes)", ne, ro.yes)}
	}
	switch {
	case nameHas(norm, "unbilled", "notbilled", "notdone", "incomplete", "undone", "unpaid"):
		d.reading = ReadFlagInverse
	case nameHas(norm, doneNames...):
	case nameHas(norm, openNames...):
		d.reading = ReadFlagInverse
	case flagSays(c.Header, doneNames, openNames) == "done": // CMPL_FLG: the name, abbreviated
	case flagSays(c.Header, doneNames, openNames) == "open":
		d.reading = ReadFlagInverse
	case c.Target != "billed": // a billed column's own name is what made it billed
		d.question = fmt.Sprintf("What does yes mean here? Only yes/no values (%d yes, %d no), and the name does not say what yes means: read as yes = %s unless you say yes means open or pending.", ro.yes, ro.no, what)
	}
	if d.reading == ReadFlagInverse {
		d.evidence = fmt.Sprintf("all %d values are yes/no and the name says yes = not %s", ne, what)
	} else {
		d.evidence = fmt.Sprintf("all %d values are yes/no (%d yes): yes = %s", ne, ro.yes, what)
	}
	return d
}

// applyFlagValues points the flag words of a status column read as a flag at
// Clio's statuses, in the plan's value map: a task's 1/0 becomes complete /
// pending, a matter's closed flag Closed / Open.
func (p *Plan) applyFlagValues() {
	if p.values == nil {
		return
	}
	for i, c := range p.Columns {
		d := p.rd.cols[i]
		if d.kind != "flag" || c.Target != "status" {
			continue
		}
		key, yes, no := "task.status", "complete", "pending"
		if p.kind == "matters" {
			key, yes, no = "status", "Closed", "Open"
		} else if p.kind != "tasks" {
			continue
		}
		if d.reading == ReadFlagInverse {
			yes, no = no, yes
		}
		if p.values[key] == nil {
			p.values[key] = map[string]string{}
		}
		for w := range yesWords {
			p.values[key][Normalize(w)] = yes
		}
		for w := range noWords {
			p.values[key][Normalize(w)] = no
		}
	}
}

// readingAt is column i's decided reading.
func (p *Plan) readingAt(i int) string {
	if i < 0 || i >= len(p.rd.cols) {
		return ""
	}
	return p.rd.cols[i].reading
}

// scanAt reads a date value of column i by the column's reading.
func (p *Plan) scanAt(i int, v string) scanned {
	if s, ok := scanEpoch(p.readingAt(i), v); ok {
		return s
	}
	return scanDate(v)
}

// seconds reads a duration value of column i into seconds by its reading.
func (p *Plan) seconds(i int, v string, decComma bool) (int64, error) {
	switch p.readingAt(i) {
	case ReadMinutes:
		h, err := ParseHours(v, decComma) // minutes written like hours: 90, 7.5
		if err != nil {
			return 0, err
		}
		return (h + 30) / 60, nil
	case ReadTenths:
		h, err := ParseHours(v, decComma)
		return h / 10, err // one unit is a tenth of an hour
	}
	return ParseHours(v, decComma)
}

// cents reads an amount of column i by its reading.
func (p *Plan) cents(i int, v string, decComma bool) (model.Cents, error) {
	c, err := ParseCents(v, decComma)
	if err == nil && p.readingAt(i) == ReadCents {
		if c%100 != 0 {
			return 0, fmt.Errorf("%q is not a whole number of cents", v)
		}
		c /= 100
	}
	return c, err
}

// shown is how an unmapped column's value is kept (custom field, appended
// text): a column of epoch dates keeps the date, not the number.
func (p *Plan) shown(i int, v string) string {
	if v == "" || p.readingAt(i) == "" || i >= len(p.rd.cols) || p.rd.cols[i].kind != "date" {
		return v
	}
	s, ok := scanEpoch(p.readingAt(i), v)
	if !ok || s.shape != shapeDefinite {
		return v
	}
	iso, ok := s.resolve("")
	if !ok {
		return v
	}
	if s.rest != "" {
		iso += "T" + s.rest
	}
	return iso
}
