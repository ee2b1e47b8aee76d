package relational

import (
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"handover/core/model"
	"handover/importers/mapping"
)

// What a table holds beyond Clio's record types.
const (
	holdsStaff  = "staff"  // people of the firm: decodes initials/ids into names
	holdsLookup = "lookup" // codes and their labels
)

// contactTargets are the fields that make a table a list of people.
func contactTarget(t string) bool {
	switch t {
	case "first_name", "last_name", "full_name", "company":
		return true
	}
	return strings.HasPrefix(t, "emails[") || strings.HasPrefix(t, "phones[") || strings.HasPrefix(t, "address[")
}

// preliminary maps t as kind with the mapping's own rules (no hints), to
// see what its columns mean for that type.
func preliminary(t *table, kind string) *mapping.Plan {
	p, err := mapping.ChooseWithHints(filepath.Base(t.path), t.t.Name, t.t.Header, t.sample, nil, "", mapping.Hints{Kind: kind})
	if err != nil {
		return nil
	}
	return p
}

// trustWords name a trust account in a table's name.
var trustWords = map[string]bool{"trust": true, "iolta": true, "escrow": true, "treuhand": true, "fiducie": true}

// people: the table lists persons or organisations — name columns with an
// e-mail, phone or address, or name-shaped values beside e-mails, phones or
// an initials key. Link columns say nothing about the table's own rows.
func people(t *table) bool {
	p := preliminary(t, "contacts")
	named, reach := 0, 0
	if p != nil {
		for _, c := range p.Columns {
			col := t.byIndex(c.Index)
			if c.Via == mapping.ViaNone || c.Via == mapping.ViaFuzzy || !contactTarget(c.Target) || col != nil && t.linkOf(col) != nil {
				continue
			}
			switch {
			case c.Target == "first_name" || c.Target == "last_name" || c.Target == "full_name" || c.Target == "company":
				named++
			default:
				reach++
			}
		}
	}
	nameCols := 0
	var mails, phones, dated, clocked bool
	for _, c := range t.cols {
		// a date with a time of day on every row: calls or events logged,
		// whoever they name, not a list of people
		dated = dated || c.date()
		clocked = clocked || c.share(c.clock) >= 0.9
		if dated && clocked {
			return false
		}
		if t.linkOf(c) != nil || c == t.pk {
			continue
		}
		// names are many and varied; statuses and practice areas repeat
		varied := len(c.counts) >= 2 && 3*int64(len(c.counts)) >= c.nonEmpty
		if varied && (c.share(c.names) >= 0.6 || c.share(c.word1) >= 0.8) {
			nameCols++
		}
		mails = mails || c.share(c.emails) >= 0.6
		phones = phones || c.share(c.phones) >= 0.6
	}
	if ledgerOfNames(t) != nil {
		return false
	}
	inits := t.pk != nil && t.pk.share(t.pk.initials) >= 0.9
	return named > 0 && (reach > 0 || named >= 2 || nameCols > 0) || nameCols > 0 && (mails || phones || inits) || mails && named > 0
}

// ledgerOfNames is the column of names a ledger keeps its lines under: a
// dated table whose rows carry money and whose column of people's or firms'
// names repeats down the rows (a client's deposit and its withdrawal, each
// invoice of a client) — money moving for someone, not a list of people,
// where each is named once. nil when the table is not such a ledger.
func ledgerOfNames(t *table) *column {
	f := featuresOf(t)
	if f.date == nil || f.amount == nil || f.hours != nil {
		return nil
	}
	for _, c := range t.cols {
		if c == t.pk || t.linkOf(c) != nil || c.counts == nil || c == f.amount {
			continue
		}
		if c.share(c.names) >= 0.6 && len(c.counts) >= 2 && 5*int64(len(c.counts)) <= 4*c.nonEmpty {
			return c
		}
	}
	return nil
}

// lookupish: a small table of codes — few rows, at most three columns
// besides its key, no prose.
func lookupish(t *table) bool {
	if t.rows > 500 {
		return false
	}
	others := 0
	for _, c := range t.cols {
		if c.prose() || c.date() {
			return false // codes and labels are not dated
		}
		if c != t.pk && c.nonEmpty > 0 {
			others++
		}
	}
	return others <= 3
}

type features struct {
	hours, amount, date, prose, text, flag, start, end, clock *column
	number                                                    *column
	span                                                      bool // hours read from h:mm values' shape, not a header word
	phone                                                     *column
}

func featuresOf(t *table) features {
	var f features
	for _, c := range t.cols {
		if l := t.linkOf(c); f.phone == nil && c != t.pk && c.share(c.phones) >= 0.9 && c.avgLen() >= 10 && (l == nil || l.parent.holds != "matters") {
			f.phone = c // the caller's number, even where it matches a contact's (not a matter number like 2024-001)
		}
		if c == t.pk || t.linkOf(c) != nil {
			continue
		}
		switch {
		case c.date():
			if f.date == nil {
				f.date = c
			}
			if hasWord(c.name, map[string]bool{"start": true, "begin": true, "from": true}) {
				f.start = c
			}
			if hasWord(c.name, map[string]bool{"end": true, "finish": true, "until": true, "to": true}) {
				f.end = c
			}
		case c.flag():
			if f.flag == nil || hasWord(c.name, doneWords) {
				f.flag = c
			}
		case hasWord(c.name, hourWords) && !hasWord(c.name, moneyWords) && (c.numeric() || c.share(c.clock) >= 0.9):
			f.hours, f.span = c, false // decimal hours, minutes, units or h:mm
		case c.share(c.clock) >= 0.9 && 2*c.shortClock >= c.clock && f.hours == nil:
			f.hours, f.span = c, true // h:mm mostly under seven hours: how long, not when
		case c.share(c.clock) >= 0.9:
			if f.clock == nil {
				f.clock = c // a time of day beside a date
			}
		case c.numeric() && (hasWord(c.name, moneyWords) || hasWord(c.name, rateWords)):
			if f.amount == nil {
				f.amount = c
			}
		case c.numeric() && c.fracs > 0 && c.maxNum <= 24 && c.share(c.decimals2) < 0.5 && f.hours == nil:
			f.hours = c // quarter- and tenth-hours, never above a day
		case c.numeric() && c.share(c.decimals2) >= 0.5 && f.amount == nil:
			f.amount = c
		case !c.numeric() && f.amount == nil && moneyColumn(t, c):
			f.amount = c // "-$64.87", "1.234,50 EUR": money by its form, which pass 1 does not count as numbers
		case c.prose():
			if f.prose == nil || c.avgLen() > f.prose.avgLen() {
				f.prose = c
			}
		case c.text() && candidate(t, c) && digits1(c):
			if f.number == nil {
				f.number = c
			}
		case c.text():
			// the wordiest short text: a subject or description — never the
			// names of the few people of the firm who did the work (a
			// TK_INIT of full names is longer than "Closing" or "Hearing")
			// nor a remark filled on a few rows (an event needs its title on
			// every row)
			if f.text == nil || better(c, f.text) {
				f.text = c
			}
		}
	}
	return f
}

// better: c is a better text for the record than cur — not the names of a
// few people; filled on clearly more rows (a title is on every row, a
// location or a remark on some); then the wordier.
func better(c, cur *column) bool {
	if few(c) != few(cur) {
		return few(cur)
	}
	if 10*c.nonEmpty < 9*cur.nonEmpty || 10*cur.nonEmpty < 9*c.nonEmpty {
		return c.nonEmpty > cur.nonEmpty
	}
	return c.avgLen() > cur.avgLen()
}

// few: the names or initials of a few people, repeated down the column —
// who did the work, not what it was.
func few(c *column) bool {
	return c.share(c.names+c.initials) >= 0.9 && fewValues(c)
}

// digits1: the values are written like numbers — short, a third or more
// digits ("2024-017", "M0041", "SMITH-003"), not words with a number in them.
func digits1(c *column) bool {
	if c.counts == nil || c.avgLen() > 20 {
		return false
	}
	n := 0
	for v := range c.counts {
		if d := digits(v); d > 0 && 3*d >= len(v) {
			n++
		}
	}
	return n*10 >= len(c.counts)*9
}

func (t *table) linkOf(c *column) *link {
	for _, l := range t.links {
		if l.col == c {
			return l
		}
	}
	return nil
}

func (t *table) linksTo(holds string) *link {
	for _, l := range t.links {
		if l.parent.holds == holds {
			return l
		}
	}
	return nil
}

// classify decides what every table holds: people first (contacts or
// staff), then code lookups, then matters (what the leaves hang on), then
// the leaves from their columns, their links and their values.
func classify(tables []*table, questions map[*table][]*question) {
	isPeople := map[*table]bool{}
	for _, t := range tables {
		// a table already known to hold something else (a folder's matters
		// file, with its clients' names) is not a list of people
		isPeople[t] = (t.holds == "" || t.holds == "contacts") && people(t)
	}
	for _, t := range tables {
		if !isPeople[t] || t.holds != "" {
			continue
		}
		// a list of people that hangs on another table (the parties to each
		// matter, phone messages) is a leaf, not the firm's contacts
		hangs := false
		for _, l := range t.links {
			// its own key, which other tables refer to, found inside another
			// table's 1, 2, 3… is a coincidence of numbering, not a parent
			if l.col == t.pk && slices.ContainsFunc(t.refBy, func(r *link) bool { return r.key == t.pk }) {
				continue
			}
			hangs = hangs || !isPeople[l.parent] && !lookupish(l.parent)
		}
		if hangs {
			isPeople[t] = false
			continue
		}
		staff, contact := 0, 0
		if t.pk != nil && t.pk.share(t.pk.initials) >= 0.9 {
			staff += 3
		}
		if hasWord(t.name, staffWords) {
			staff += 3
		}
		if hasWord(t.name, contactWords) {
			contact += 3
		}
		for _, l := range t.refBy {
			if hasWord(l.col.name, staffWords) {
				staff += 2
			}
			if hasWord(l.col.name, contactWords) {
				contact += 2
			}
		}
		if t.rows <= 30 && len(t.refBy) > 0 {
			staff++
		} else {
			contact++
		}
		if staff > contact && len(t.refBy) > 0 {
			t.holds, t.why = holdsStaff, "people of the firm: other tables refer to them by "+refNames(t)
		} else {
			t.holds, t.why = "contacts", "names, e-mail or phone columns"
			if len(t.refBy) > 0 {
				t.why += "; referred to by " + refNames(t)
			}
			t.byShape = len(t.refBy) == 0 && len(t.links) == 0
		}
	}
	for _, t := range tables {
		if t.holds == "" && !isPeople[t] && len(t.refBy) > 0 && len(t.links) == 0 && lookupish(t) {
			t.holds, t.why = holdsLookup, fmt.Sprintf("a lookup table of %d codes with their labels, referred to by %s", t.rows, refNames(t))
		}
	}
	// matters: what the leaves hang on, or what links to the contacts —
	// and never a table that itself hangs on another such table (invoices
	// refer to matters and time entries to invoices)
	candidates := map[*table]bool{}
	// a folder's matters file, recognised already: the other files hang on
	// it, and a column of 1, 2, 3… that another file's 1, 2, 3… happen to
	// fall in does not make a second one
	known := false
	for _, t := range tables {
		known = known || t.holds == "matters"
	}
	dataRefsOf := func(t *table) int {
		n := 0
		for _, l := range t.refBy {
			if !isPeople[l.child] {
				n++
			}
		}
		return n
	}
	// hub: another table links to the contacts and the data hangs on it —
	// the database's matters. Beside it, dated amounts nothing refers to are
	// accounting even when they carry a code of their own (an old reference).
	hub := func(self *table) bool {
		for _, o := range tables {
			if o != self && o.holds == "" && !isPeople[o] && o.linksTo("contacts") != nil && dataRefsOf(o) > 0 {
				return true
			}
		}
		return false
	}
	for _, t := range tables {
		if t.holds != "" || isPeople[t] || known {
			continue
		}
		if t.linksTo("matters") != nil {
			continue // hangs on a table already known to hold the matters (a flat file's invoices)
		}
		f := featuresOf(t)
		dataRefs := dataRefsOf(t)
		client := t.linksTo("contacts") != nil
		if f.hours != nil || f.amount != nil && f.date != nil && (f.number == nil || hub(t)) && dataRefs == 0 {
			continue // time, or dated amounts per client: a leaf
		}
		if dataRefs > 0 || client && (f.number != nil || f.text != nil) && (f.prose == nil || f.number != nil) {
			candidates[t] = true
		}
	}
	// decided against the candidates as found, not as they are being
	// dropped: deleting while ranging over the map made the outcome depend
	// on its iteration order (a chain A → B → C kept A on some runs)
	var hangsOn []*table
	for t := range candidates {
		for _, l := range t.links {
			if candidates[l.parent] {
				hangsOn = append(hangsOn, t)
				break
			}
		}
	}
	for _, t := range hangsOn {
		delete(candidates, t)
	}
	for _, t := range tables {
		if !candidates[t] {
			continue
		}
		client := t.linksTo("contacts") != nil
		t.holds = "matters"
		switch {
		case client && len(t.refBy) > 0:
			t.why = "links to the contacts and other tables link to it"
		case client:
			t.why = "a number or description with a link to the contacts"
		default:
			t.why = "other tables link to it: " + refNames(t)
		}
	}
	for _, t := range tables {
		if t.holds == "" && !isPeople[t] || t.holds == "" && len(t.links) > 0 {
			leaf(t, questions[t])
		}
	}
}

// leaf decides what a table that hangs on matters or contacts holds: hours
// and a date are time; an amount and a date are accounting history; what
// the mapping recognises from the headers (a calendar, phone messages,
// tasks) stands when the values agree; else a date and a time of day are a
// calendar, a done flag and a text a task, and a text a note.
func leaf(t *table, qs []*question) {
	f := featuresOf(t)
	parent := t.linksTo("matters")
	if parent == nil {
		parent = t.linksTo("contacts")
	}
	if parent == nil {
		// a column that may link to a matter or a contact (asked on the
		// Mapping screen): the table's shape does not depend on which
		for _, q := range qs {
			for _, l := range q.cands {
				if parent == nil && (l.parent.holds == "matters" || l.parent.holds == "contacts") {
					parent = l
				}
			}
		}
	}
	linked := parent != nil
	own := ""
	if p := preliminary(t, ""); p != nil {
		switch {
		case p.Entity != "":
			own = string(p.Entity)
		case p.Ledger == model.LedgerTrustDeposit:
			own = "ledger:trust"
		case p.Ledger != "":
			own = "ledger:ar"
		}
	}
	trust := hasWord(t.name, trustWords)
	switch {
	case f.hours != nil && f.date != nil && !(f.span && f.clock != nil):
		// (a short h:mm beside a time of day is an event's length)
		t.holds, t.why = "time_entries", fmt.Sprintf("hours (%s) and a date (%s)", f.hours.name, f.date.name)
	case f.amount != nil && f.date != nil && (linked || strings.HasPrefix(own, "ledger:") || ledgerOfNames(t) != nil):
		// (a ledger kept under its clients' names links to them by name)
		t.holds, t.why = "ledger:ar", fmt.Sprintf("an amount (%s) and a date (%s)", f.amount.name, f.date.name)
		if trust || own == "ledger:trust" {
			t.holds = "ledger:trust"
		}
	case own == "calendar_events" || own == "phone_logs" || own == "tasks" || own == "relationships":
		t.holds, t.why = own, "its columns, as the mapping reads them"
	case t.linksTo("matters") != nil && t.linksTo("contacts") != nil && f.date == nil && f.prose == nil && f.hours == nil && f.amount == nil:
		// a matter, a contact and at most a role: who else is party to the matter
		t.holds, t.why = "relationships", fmt.Sprintf("links to a matter (%s) and a contact (%s)", t.linksTo("matters").col.name, t.linksTo("contacts").col.name)
	case t.linksTo("matters") != nil && f.date == nil && f.prose == nil && f.hours == nil && f.amount == nil && partyNames(t) != nil:
		// undated names of people beside a matter (and a role): who else is party to it
		t.holds, t.why = "relationships", fmt.Sprintf("names of people (%s) linked to a matter (%s)", partyNames(t).name, t.linksTo("matters").col.name)
	case f.date != nil && f.phone != nil && (f.text != nil || f.prose != nil) && linked:
		// a dated message with the caller's number: a phone log, not an event
		t.holds, t.why = "phone_logs", fmt.Sprintf("a date (%s) with a phone number (%s)", f.date.name, f.phone.name)
	case f.date != nil && f.phone == nil && (f.text != nil || f.prose != nil) && linked && caller(t, f) != nil:
		// a message taken at a time of day from someone: a phone log even
		// where the caller's number was not written down
		t.holds, t.why = "phone_logs", fmt.Sprintf("a date (%s), one time of day (%s) and callers' names (%s)", f.date.name, f.clock.name, caller(t, f).name)
	case f.date != nil && (f.clock != nil || f.start != nil && f.end != nil) && (f.text != nil || f.prose != nil) && linked:
		t.holds, t.why = "calendar_events", fmt.Sprintf("a date (%s) with a time of day and a title", f.date.name)
	case f.flag != nil && (f.text != nil || f.prose != nil) && linked:
		t.holds, t.why = "tasks", fmt.Sprintf("a done flag (%s) and a text", f.flag.name)
	case (f.prose != nil || f.text != nil) && linked:
		body := f.prose
		if body == nil {
			body = f.text
		}
		t.holds, t.why = "notes", fmt.Sprintf("a text (%s) linked to a record (%s)", body.name, parent.col.name)
		if f.date != nil {
			t.why += ", dated (" + f.date.name + ")"
		}
	}
}

// caller: the column of callers' names of a log of calls — a table with one
// time of day, written on every dated row (an event list's all-day rows have
// none), no end or length (an event has one), and beside it the names of
// many different people or firms that link nowhere, where a calendar names
// only its few owners. nil when the table is not such a log.
func caller(t *table, f features) *column {
	if f.date == nil || f.clock == nil || f.end != nil || f.hours != nil || f.clock.nonEmpty*20 < f.date.nonEmpty*19 {
		return nil
	}
	clocks := 0
	for _, c := range t.cols {
		if c.share(c.clock) >= 0.9 {
			clocks++
		}
	}
	if clocks != 1 {
		return nil
	}
	return partyNames(t)
}

// partyNames: the table's column of people's or firms' names, many and
// varied (not the few lawyers of the firm), that links nowhere. In a short
// list names that never repeat are many, however few the rows.
func partyNames(t *table) *column {
	for _, c := range t.cols {
		if c != t.pk && t.linkOf(c) == nil && c.share(c.names) >= 0.9 && (!fewValues(c) || int64(len(c.counts)) == c.nonEmpty && c.nonEmpty >= 2) {
			return c
		}
	}
	return nil
}

func refNames(t *table) string {
	var out []string
	seen := map[string]bool{}
	for _, l := range t.refBy {
		n := l.child.name + "." + l.col.name
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}
