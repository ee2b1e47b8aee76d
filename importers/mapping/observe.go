package mapping

import (
	"fmt"
	"strings"

	"handover/core/model"
)

// decimalSep reports whether v shows dec as its decimal separator: it ends in
// dec and one or two digits ("12,50", "(3,5)"), or groups thousands with the
// other mark before a first dec ("1.234,5"). It is the hot path of reading
// every amount, so it is written out rather than a regular expression (which
// cost a fifth of the whole ingest); TestDecimalSepMatchesThePattern holds it
// to the pattern it replaces.
func decimalSep(v string, dec, group byte) bool {
	digit := func(i int) bool { return i >= 0 && i < len(v) && v[i] >= '0' && v[i] <= '9' }
	t := strings.TrimSuffix(v, ")")
	if n := len(t); n > 0 && (t[n-1] < '0' || t[n-1] > '9') {
		t = trimCurrencyAfter(t) // "150,00 CHF", "12,50 €": the mark is before the code
	}
	for n := 1; n <= 2; n++ { // …d<dec>d or …d<dec>dd at the end
		i := len(t) - n - 1
		if i >= 1 && t[i] == dec && digit(i-1) {
			ok := true
			for j := i + 1; j < len(t); j++ {
				ok = ok && t[j] >= '0' && t[j] <= '9'
			}
			if ok {
				return true
			}
		}
	}
	i := strings.IndexByte(v, dec) // the first dec, after d<group>ddd
	return i >= 5 && digit(i+1) && v[i-4] == group && digit(i-3) && digit(i-2) && digit(i-1) && digit(i-5)
}

// trimCurrencyAfter drops a currency code or sign written after an amount
// (upper-case letters, a non-ASCII sign, spaces).
func trimCurrencyAfter(t string) string {
	i := len(t)
	for i > 0 && (t[i-1] >= 'A' && t[i-1] <= 'Z' || t[i-1] >= 0x80 || t[i-1] == ' ') && len(t)-i < 6 {
		i--
	}
	return t[:i]
}

// hasLetter reports whether v may hold a letter: an ASCII letter or any
// non-ASCII byte (a month name in another script).
func hasLetter(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i] | 0x20; c >= 'a' && c <= 'z' || v[i] >= 0x80 {
			return true
		}
	}
	return false
}

// hasDigit is strings.ContainsAny(v, "0123456789").
func hasDigit(v string) bool {
	for i := 0; i < len(v); i++ {
		if v[i] >= '0' && v[i] <= '9' {
			return true
		}
	}
	return false
}

// monthish reports a value Excel made out of an identifier ("1-Jan", "Jan-01", "16-Jan-01").
func monthish(v string) bool {
	w, _, ok := monthLabel(v)
	if !ok {
		return false
	}
	_, ok = monthNames[strings.ToLower(w)]
	return ok
}

// Observe gathers evidence from one row (pass 1; call it on every row).
func (p *Plan) Observe(row []string) {
	if len(p.obs) != len(p.Columns) {
		p.obs = make([]colObs, len(p.Columns))
	}
	p.rows++
	p.finished = false
	for i, c := range p.Columns {
		if c.Index < 0 || c.Index >= len(row) {
			continue
		}
		p.obs[i].observe(row[c.Index])
	}
}

// Evidence is what Observe learns from a table's rows, gathered by column
// position before the table has a plan: the relational pre-pass reads every
// row anyway, so the ingest need not read the file once more only to observe
// it. UseEvidence then gives a plan exactly what Observe on the same rows
// would have.
type Evidence struct {
	rows  int
	cols  []colObs   // by column position in the row
	memos []*obsMemo // by column position: the effect of the column's repeated values
}

// Observe gathers evidence from one row, as Plan.Observe does.
func (e *Evidence) Observe(row []string) {
	e.StartRow(len(row))
	for i, v := range row {
		e.ObserveAt(i, v)
	}
}

// StartRow counts a row of width values, making room for its columns;
// ObserveAt then takes its values. ObserveAt may run on several goroutines
// at once for different columns, never beside StartRow: that lets a reader
// share a row's columns among workers.
func (e *Evidence) StartRow(width int) {
	e.rows++
	if len(e.cols) < width {
		e.cols = append(e.cols, make([]colObs, width-len(e.cols))...)
		for len(e.memos) < width {
			e.memos = append(e.memos, &obsMemo{seen: map[string]obsDelta{}})
		}
	}
}

// ObserveAt gathers the evidence of value v of column i (below StartRow's width).
func (e *Evidence) ObserveAt(i int, v string) { e.memos[i].observe(&e.cols[i], v) }

// obsMemo keeps what observing each of a column's repeated values adds (a
// date, a rate, a lawyer's initials recur on thousands of rows), so each is
// read once. It stops growing at obsMemoMax and is dropped when most values
// miss it (ids, invoice numbers). It only spares work: the column's
// evidence is the same with it or without it.
type obsMemo struct {
	seen       map[string]obsDelta // by trimmed value; nil once dropped
	hits, miss int
}

const obsMemoMax = 2048

func (m *obsMemo) observe(o *colObs, v string) {
	if m.seen == nil {
		o.observe(v)
		return
	}
	v = strings.TrimSpace(v)
	if v == "" {
		return
	}
	if d, ok := m.seen[v]; ok {
		m.hits++
		o.apply(d, v)
		return
	}
	var one colObs
	one.observe(v)
	d, ok := deltaOf(&one)
	if !ok { // a counter moved by more than one: not kept (none does today)
		o.observe(v)
		return
	}
	o.apply(d, v)
	if len(m.seen) < obsMemoMax {
		m.seen[strings.Clone(v)] = d // not the reader's row buffer, which the key would keep alive
	} else if m.miss++; m.miss > m.hits {
		m.seen = nil // the values hardly repeat: looking them up costs more than it spares
	}
}

// obsDelta is what observing one non-empty value adds to a colObs: each
// counter it raises (by one) is a bit; a number it saw, and the log10 it
// adds to the integers' sum.
type obsDelta struct {
	bits   uint32
	number float64 // passed to readingObs.number when bit dNumber is set
	logSum float64
}

const (
	dDMY uint32 = 1 << iota
	dMDY
	dAmbig
	dDotted
	dDefinite
	dBad
	dCommaDec
	dPointDec
	dDashedID
	dDashed5
	dMonthish
	dWordCode
	dSerial
	dSlash
	dInts
	dDecs
	dZeros
	dYMD
	dClock
	dYes
	dNo
	dMatterStatus
	dTaskStatus
	dNumber
	dLog
)

// obsCounters lists every counter of a colObs with its bit, nonEmpty aside
// (always one): deltaOf and apply go through the same list.
func obsCounters(o *colObs) [23]struct {
	bit uint32
	n   *int
} {
	return [23]struct {
		bit uint32
		n   *int
	}{
		{dDMY, &o.dmy}, {dMDY, &o.mdy}, {dAmbig, &o.ambig}, {dDotted, &o.dotted}, {dDefinite, &o.definite}, {dBad, &o.bad},
		{dCommaDec, &o.commaDec}, {dPointDec, &o.pointDec},
		{dDashedID, &o.xl.dashedID}, {dDashed5, &o.xl.dashed5}, {dMonthish, &o.xl.monthish}, {dWordCode, &o.xl.wordCode},
		{dSerial, &o.xl.serial}, {dSlash, &o.xl.slash},
		{dInts, &o.rd.ints}, {dDecs, &o.rd.decs}, {dZeros, &o.rd.zeros}, {dYMD, &o.rd.ymd}, {dClock, &o.rd.clock},
		{dYes, &o.rd.yes}, {dNo, &o.rd.no}, {dMatterStatus, &o.rd.matterStatus}, {dTaskStatus, &o.rd.taskStatus},
	}
}

// deltaOf reads the delta off a colObs that observed one non-empty value.
func deltaOf(one *colObs) (obsDelta, bool) {
	var d obsDelta
	for _, c := range obsCounters(one) {
		switch *c.n {
		case 0:
		case 1:
			d.bits |= c.bit
		default:
			return d, false
		}
	}
	if one.nonEmpty != 1 {
		return d, false
	}
	if one.rd.lo != 0 || one.rd.hi != 0 { // number is only given non-zero values
		if one.rd.lo != one.rd.hi {
			return d, false
		}
		d.bits |= dNumber
		d.number = one.rd.lo
	}
	if one.rd.logSum != 0 {
		d.bits |= dLog
		d.logSum = one.rd.logSum
	}
	return d, true
}

// apply adds d, the delta of value v, to o, as observe(v) would have.
func (o *colObs) apply(d obsDelta, v string) {
	o.nonEmpty++
	if d.bits&^(dNumber|dLog) != 0 {
		for _, c := range obsCounters(o) {
			if d.bits&c.bit != 0 {
				*c.n++
			}
		}
	}
	if d.bits&dAmbig != 0 && o.firstAmbig == "" {
		o.firstAmbig = v
	}
	if d.bits&dLog != 0 {
		o.rd.logSum += d.logSum
	}
	if d.bits&dNumber != 0 {
		o.rd.number(d.number)
	}
}

// UseEvidence replaces what the plan observed with e (gathered from every
// row of the plan's table), as if Observe had been called on each row.
func (p *Plan) UseEvidence(e *Evidence) {
	p.obs = make([]colObs, len(p.Columns))
	p.rows = e.rows
	p.finished = false
	for i, c := range p.Columns {
		if c.Index >= 0 && c.Index < len(e.cols) {
			p.obs[i] = e.cols[c.Index]
		}
	}
}

// observe counts one value of the column.
func (o *colObs) observe(v string) {
	v = strings.TrimSpace(v)
	if v == "" {
		return
	}
	o.nonEmpty++
	o.rd.observe(v)
	o.rd.observeWord(v)
	if len(v) > 40 || !hasDigit(v) {
		return // no date, amount or identifier evidence in text without digits
	}
	// Evidence is kept for every column, whatever its target, so a later
	// SetColumn (e.g. to a date field) still has it.
	switch s := scanDate(v); s.shape {
	case shapeDefinite:
		o.definite++
	case shapeAB:
		switch {
		case s.a > 12 && s.b <= 12:
			o.dmy++
		case s.b > 12 && s.a <= 12:
			o.mdy++
		case s.a <= 12 && s.b <= 12:
			o.ambig++
			if o.firstAmbig == "" {
				o.firstAmbig = v
			}
		default:
			o.bad++
		}
		if s.dotted {
			o.dotted++
		}
	case shapeBad:
		o.bad++
	}
	if decimalSep(v, ',', '.') && !strings.Contains(v, ".") || strings.Contains(v, ".") && strings.Contains(v, ",") && strings.LastIndex(v, ",") > strings.LastIndex(v, ".") {
		o.commaDec++
	} else if decimalSep(v, '.', ',') {
		o.pointDec++
	}
	o.xl.observe(v)
}

// Finish settles per-column decisions from what Observe saw and adds the
// table's warnings. It may be called more than once.
func (p *Plan) Finish() {
	p.settle()
	if p.kind != "" && p.targetByValues() {
		p.refresh() // the new targets' readings, warnings and unmapped list
	}
	p.finished = true
	p.seenHash = map[model.Entity]map[uint64]uint32{}
	p.seenCompany = map[string]bool{}
}

// hintAsked: a warning that is a pre-pass's question about a column
// (ApplyHints), not one settle computes from the readings.
func (p *Plan) hintAsked(w Warning) bool {
	for _, q := range p.Questions {
		if q.Column == w.Column && q.Rule == w.Rule && q.Message == w.Message {
			return true
		}
	}
	return false
}

func (p *Plan) settle() {
	if len(p.obs) != len(p.Columns) {
		p.obs = make([]colObs, len(p.Columns))
	}
	// drop warnings computed by an earlier settle, keep Choose's
	var keep []Warning
	for _, w := range p.Warnings {
		if w.Rule == RuleUnknownTable || w.Rule == RuleLinkQuestion || w.Rule == RuleLookupTable || w.Rule == RuleSettlementUnread || w.Rule == RuleLedgerDirection || w.Rule == RuleLedgerTrustByFlow || p.hintAsked(w) {
			keep = append(keep, w)
		}
	}
	p.Warnings = keep
	p.settleReadings()
	n := len(p.Columns)
	p.order = make([]string, n)
	p.ambiguous = make([]bool, n)
	p.decComma = make([]bool, n)
	p.DateOrders = map[string]string{}
	hint := p.prof.DateOrder
	hasTime := false
	for i, c := range p.Columns {
		o := p.obs[i]
		p.decComma[i] = p.prof.DecimalComma
		if o.commaDec > 0 && o.pointDec == 0 {
			p.decComma[i] = true
		} else if o.pointDec > 0 && o.commaDec == 0 {
			p.decComma[i] = false
		} else if o.commaDec > 0 && o.pointDec > 0 && (isMoneyTarget(c.Target) || c.Target == "hours") {
			p.decComma[i] = o.commaDec > o.pointDec
			p.Warnings = append(p.Warnings, Warning{Rule: "amount.mixed_decimal", Column: c.Header, Message: fmt.Sprintf("Column %q mixes decimal commas (%d values) and decimal points (%d values); reading it with a decimal %s. Check the amounts.", c.Header, o.commaDec, o.pointDec, map[bool]string{true: "comma", false: "point"}[p.decComma[i]])})
		}
		if c.Target == "time" || c.Target == "start_time" || c.Target == "end_time" {
			hasTime = true
		}
		if !isDateTarget(c.Target) {
			continue
		}
		if _, epoch := scanEpoch(p.readingAt(i), "1"); epoch {
			continue // numbers read by the column's reading: no day/month order to settle
		}
		ord := p.DateOrder
		switch {
		case p.userOrder[c.Header] != "":
			ord = p.userOrder[c.Header]
		case o.dmy > 0 && o.mdy == 0:
			ord = "DMY"
		case o.mdy > 0 && o.dmy == 0:
			ord = "MDY"
		case o.dmy > 0 && o.mdy > 0:
			ord = "MDY"
			if o.dmy > o.mdy {
				ord = "DMY"
			}
			p.Warnings = append(p.Warnings, Warning{Rule: model.RuleDateAmbiguous, Column: c.Header, Message: fmt.Sprintf("Column %q mixes day-first (%d values) and month-first (%d values) dates; reading it as %s, so the other rows are rejected or wrong. Check the source.", c.Header, o.dmy, o.mdy, orderWords(ord))})
		case o.ambig > 0 && hint == "":
			if o.dotted*2 > o.ambig {
				ord = "DMY"
			}
			p.ambiguous[i] = true
			p.Warnings = append(p.Warnings, Warning{Rule: model.RuleDateAmbiguous, Column: c.Header, Value: o.firstAmbig, Message: fmt.Sprintf("Every date in column %q could be day-first or month-first (no day above 12, e.g. %q). Reading them as %s (the default); the rows keep the text as written. Set the order if that is wrong.", c.Header, o.firstAmbig, orderWords(ord))})
		case o.ambig > 0 && hint != "":
			ord = hint
			if ord == "YMD" {
				ord = "MDY"
				if o.dotted*2 > o.ambig {
					ord = "DMY"
				}
			}
		}
		p.order[i] = ord
		p.DateOrders[c.Header] = ord
		if o.bad > 0 {
			p.Warnings = append(p.Warnings, Warning{Column: c.Header, Message: fmt.Sprintf("%d value(s) in column %q are not dates; those rows are rejected.", o.bad, c.Header)})
		}
	}
	for i, c := range p.Columns {
		o := p.obs[i]
		if isIdentTarget(c.Target) {
			if n := o.xl.suspects(o.nonEmpty); n > 0 {
				p.Warnings = append(p.Warnings, Warning{Column: c.Header, Message: fmt.Sprintf("%d value(s) in column %q look like dates Excel made out of identifiers such as 16-1001; they are kept as written. Re-export without opening the file in Excel, or correct them.", n, c.Header)})
			}
		}
	}
	if hasTime && (p.kind == "calendar_events" || p.kind == "phone_logs") {
		p.Warnings = append(p.Warnings, Warning{Rule: RuleNoTimeZone, Message: "Times in this table have no time zone; they are kept as local times without an offset (e.g. 2024-03-15T10:00:00) until the firm's time zone is applied."})
	}
	if unmapped := p.unmappedWithValues(); len(unmapped) > 0 {
		what := "become custom fields"
		switch p.kind {
		case "tasks", "notes", "calendar_events", "phone_logs", "time_entries":
			what = "are added to the record's text as \"Column: value\" lines"
		case "", "ledger:ar", "ledger:trust":
			what = "are not used (this record type has no place for them)"
		}
		p.Warnings = append(p.Warnings, Warning{Rule: RuleUnmapped, Column: strings.Join(unmapped, ", "), Message: fmt.Sprintf("%d column(s) were not recognised and %s unless you map them: %s.", len(unmapped), what, strings.Join(unmapped, ", "))})
	}
}

func orderWords(o string) string {
	switch o {
	case "DMY":
		return "day/month/year"
	case "YMD":
		return "year-month-day"
	}
	return "month/day/year"
}

// mangledValue reports whether v in identifier column i looks like Excel damage.
func (p *Plan) mangledValue(i int, v string) bool {
	if i >= len(p.obs) {
		return false
	}
	return p.obs[i].xl.excelDamaged(v, p.obs[i].nonEmpty)
}

// unmappedWithValues is the unmapped columns worth an answer: once rows
// were seen, a column nobody ever filled (Fax, User Field 1) has nothing to
// lose, so it is not put to the office manager.
func (p *Plan) unmappedWithValues() []string {
	if p.rows == 0 {
		return p.Unmapped
	}
	held := map[string]bool{}
	for i, c := range p.Columns {
		if i < len(p.obs) && p.obs[i].nonEmpty > 0 {
			held[c.Header] = true
		}
	}
	var out []string
	for _, h := range p.Unmapped {
		if held[h] {
			out = append(out, h)
		}
	}
	return out
}
