package relational

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"handover/importers/mapping"
	"handover/importers/tabular"
)

// prepare maps t as what it holds with the mapping's rules, then decides the
// columns the mapping left as custom fields or text that the table's shape
// explains (its key, its number, its body, its hours …).
func prepare(t *table, mem mapping.Memory, flat bool) {
	if t.virtual {
		return
	}
	t.targets = map[*column]string{}
	switch t.holds {
	case "", holdsLookup:
		return
	case holdsStaff:
		t.plan = preliminary(t, "contacts")
		return
	}
	p, err := mapping.ChooseWithHints(t.base(), t.t.Name, t.t.Header, t.sample, mem, "", mapping.Hints{Kind: t.holds})
	if err != nil {
		return
	}
	t.plan = p
	if flat && p.Profile != "generic" {
		return // a file a profile knows is read the profile's way
	}
	mapped := map[string]bool{}
	free := map[*column]bool{}
	for _, c := range p.Columns {
		col := t.byIndex(c.Index)
		if col == nil {
			continue
		}
		// a fuzzy guess from the header gives way to what the values show
		if c.Via == mapping.ViaNone || c.Via == mapping.ViaFuzzy || strings.HasPrefix(c.Target, "custom:") || strings.HasPrefix(c.Target, "append:") {
			free[col] = t.linkOf(col) == nil
		} else {
			mapped[c.Target] = true
		}
	}
	set := func(c *column, target string) {
		if c != nil && free[c] && !mapped[target] {
			t.targets[c] = target
			free[c], mapped[target] = false, true
		}
	}
	f := featuresOf(t)
	if t.holds == "matters" && f.number == nil {
		// a unique number beside the key that other tables refer to
		// (MTR_NO 1001 beside MTR_ID 1): the number the firm writes
		for _, l := range t.refBy {
			if l.key != t.pk && l.key != nil && free[l.key] && !l.key.dup {
				f.number = l.key
				break
			}
		}
		if f.number == nil {
			f.number = writtenNumber(t, free) // MTR_NO 1001 beside the MTR_ID 1 the others link by
		}
	}
	if t.pk != nil && t.holds != "ledger:ar" && t.holds != "ledger:trust" {
		if t.holds == "matters" && f.number == nil && !mapped["matter"] {
			set(t.pk, "matter") // a matter without a number: its key is the number it had
		} else {
			set(t.pk, "id")
		}
	}
	if t.holds == "contacts" && !mapped["id"] && t.pk == nil && len(t.refBy) > 0 {
		set(t.refBy[0].key, "id")
	}
	switch t.holds {
	case "contacts":
		// e-mail addresses and phone numbers say what they are, in any language
		for _, c := range t.cols {
			switch {
			case c.share(c.emails) >= 0.9:
				set(c, "emails[Work]")
			case c.share(c.phones) >= 0.9:
				set(c, "phones[Work]")
			}
		}
	case "matters":
		// a bare integer key taken for the matter number while a number
		// written like one ("M-17", "2024-017") sits unmapped beside it: the
		// integer is the id, the written one the number
		if f.number != nil && free[f.number] && t.pk != nil && t.pk.ints == t.pk.nonEmpty && t.targetOf(t.pk) == "matter" {
			t.targets[t.pk] = "id"
			mapped["matter"] = false
		}
		set(f.number, "matter")
		// the client by name: names of many people or firms, not the few
		// lawyers a responsible-attorney column repeats
		var client *column
		for _, c := range t.cols {
			if client == nil && !mapped["client"] && free[c] && c != t.pk && c.share(c.names) >= 0.9 && !fewValues(c) {
				client = c
				set(c, "client_name")
			}
		}
		if client != nil && f.text != nil && (f.text == client || f.text.share(f.text.names) >= 0.9) {
			f.text = nil // the description is the wordiest other text that is not names (a lawyer's)
			for _, c := range t.cols {
				if c != client && c != t.pk && free[c] && c.text() && !c.date() && c.share(c.names) < 0.9 && (f.text == nil || c.avgLen() > f.text.avgLen()) {
					f.text = c
				}
			}
		}
		set(f.text, "description")
		set(f.prose, "description")
		set(f.date, "open_date")
	case "notes":
		set(f.prose, "body")
		set(f.text, "body")
		set(f.text, "subject")
		set(f.date, "date")
	case "time_entries":
		set(f.hours, "hours")
		set(f.date, "date")
		set(f.prose, "description")
		set(f.text, "description")
		if f.amount != nil && (hasWord(f.amount.name, rateWords) || fewValues(f.amount) || repeats(f.amount)) {
			set(f.amount, "rate") // a price per hour repeats; a total varies with the hours
		}
		set(f.amount, "amount")
		// a yes/no column whose name, however shortened, says billed
		// (BLD_FLG, INVCD): billed time is history, left out of Clio; read
		// as unbilled it would be billed twice
		for _, c := range t.cols {
			if free[c] && t.linkOf(c) == nil && c.flag() && mapping.AbbrevTarget(c.name, t.holds) == "billed" {
				set(c, "billed")
			}
		}
		var invoice *column
		for _, c := range t.cols {
			if t.targetOf(c) == "invoice" {
				invoice = c
			}
		}
		for _, c := range t.cols {
			if invoice != nil && c != invoice && free[c] && t.linkOf(c) == nil && c.flag() && billedByInvoice(t, c, invoice) {
				set(c, "billed")
			}
		}
		if !mapped["rate"] && f.amount == nil {
			// a price per hour written with its currency ("USD 275.00") or
			// kept in cents (30000): money by its form, a rate because it repeats
			for _, c := range t.cols {
				if free[c] && t.linkOf(c) == nil && fewValues(c) && (currencyAmounts(c) || roundCents(c) || commaPrices(c)) {
					set(c, "rate")
					break
				}
			}
		}
	case "tasks":
		set(f.text, "subject")
		set(f.prose, "subject")
		set(f.prose, "description")
		set(f.date, "due_date")
		set(f.flag, "status")
	case "ledger:ar", "ledger:trust":
		// money in and money out in two columns, one filled a row: the
		// values say which is which where the headers' reading does not
		// make them a pair (a "Paid Out" read as the amount beside
		// "Received" read as money in would lose every withdrawal)
		inTarget, outTarget := "ledger.in", "ledger.out"
		if t.holds == "ledger:ar" {
			inTarget, outTarget = "ledger.amount", "ledger.paid" // billed, less what was paid
		}
		money := map[*column]bool{}
		for c, f := range free {
			money[c] = f
		}
		for _, c := range t.cols {
			if ledgerMoney[t.targetOf(c)] {
				money[c] = true
			}
		}
		if in, out := inOut(t, money); in != nil {
			a, b := t.targetOf(in), t.targetOf(out)
			if !(a == inTarget && b == outTarget || a == outTarget && b == inTarget) {
				t.targets[in], t.targets[out] = inTarget, outTarget
				free[in], free[out] = false, false
				mapped[inTarget], mapped[outTarget] = true, true
			}
		}
		set(f.amount, "ledger.amount")
		set(f.date, "date")
		if t.settles && !mapped["ledger.type"] {
			// a payment list's column of two or three words on every row
			// ("Eingang", "Rückgabe"): what each row is; the words are read
			// by how the money flows (mapping's refundsByFlow)
			for _, c := range t.cols {
				if free[c] && t.linkOf(c) == nil && c.text() && len(c.counts) >= 2 && len(c.counts) <= 3 && 10*c.nonEmpty >= 9*t.rows && c.share(c.names) < 0.5 {
					set(c, "ledger.type")
					break
				}
			}
		}
		if t.linksTo("matters") == nil && !mapped["matter"] && !mapped["client"] && !mapped["client_name"] {
			// kept under the clients' names, not linked by a key
			if c := ledgerOfNames(t); c != nil {
				set(c, "client_name")
			}
		}
	case "relationships":
		if names := partyNames(t); names != nil && free[names] && t.linksTo("contacts") == nil {
			set(names, "full_name")
			for _, c := range t.cols {
				if c.share(c.emails) >= 0.9 {
					set(c, "emails[Work]")
				}
			}
			if f.text == names && !mapped["role"] {
				f.text = nil
				for _, c := range t.cols {
					if c != names && free[c] && c.text() && fewValues(c) && (f.text == nil || c.avgLen() > f.text.avgLen()) {
						f.text = c
					}
				}
			}
		}
		set(f.text, "role")
	case "phone_logs":
		// what made it a phone log: the date, the caller's number, and
		// beside them the time of day the call came in (joined to the date)
		set(f.date, "date")
		set(f.clock, "time")
		set(f.phone, "phone")
		set(f.prose, "body")
		set(f.text, "body")
	case "calendar_events":
		// a start read from the header that holds only times of day: the
		// day is the date column beside it
		for _, c := range t.cols {
			if t.targetOf(c) == "start_date" && !c.date() && c.share(c.clock) >= 0.9 && f.date != nil && f.date != c && free[f.date] && !mapped["start_time"] {
				t.targets[c], t.targets[f.date] = "start_time", "start_date"
				free[f.date], mapped["start_time"] = false, true
			}
		}
		set(f.start, "start_date")
		set(f.end, "end_date")
		set(f.text, "subject")
	}
	switch t.holds {
	case "time_entries", "calendar_events", "tasks", "phone_logs":
		// who did the work, owns the event or took the call: names or
		// initials of a few people of the firm, repeated
		for _, c := range t.cols {
			if free[c] && c != t.pk && c != f.text && c.share(c.names+c.initials) >= 0.9 && fewValues(c) {
				set(c, "user")
				break
			}
		}
	}
}

func (t *table) base() string {
	i := strings.LastIndexAny(t.path, `/\`)
	return t.path[i+1:]
}

func (t *table) byIndex(i int) *column {
	if i >= 0 && i < len(t.cols) {
		return t.cols[i]
	}
	return nil
}

// targetOf is the column's target once prepared: the override, else the plan's.
func (t *table) targetOf(c *column) string {
	if v, ok := t.targets[c]; ok {
		return v
	}
	if t.plan != nil {
		for _, pc := range t.plan.Columns {
			if pc.Index == c.idx {
				return pc.Target
			}
		}
	}
	return ""
}

// form is how a row of a parent is written where a child refers to it.
type form func(row []string) string

func colForm(c *column) form {
	return func(row []string) string {
		if c.idx < len(row) {
			return strings.TrimSpace(row[c.idx])
		}
		return ""
	}
}

// refForm is what the mapping will hold as the parent's reference: the
// matter's number, the contact's legacy id, the person's name, the label.
func refForm(p *table) form {
	switch p.holds {
	case "matters", "contacts":
		want := map[string]string{"matters": "matter", "contacts": "id"}[p.holds]
		for _, c := range p.cols {
			if p.targetOf(c) == want {
				return colForm(c)
			}
		}
		return nil
	case holdsStaff:
		var full, first, last, mail *column
		if p.plan != nil {
			for _, pc := range p.plan.Columns {
				c := p.byIndex(pc.Index)
				switch {
				case pc.Via == mapping.ViaNone:
				case pc.Target == "full_name" && full == nil:
					full = c
				case pc.Target == "first_name":
					first = c
				case pc.Target == "last_name":
					last = c
				case strings.HasPrefix(pc.Target, "emails[") && mail == nil:
					mail = c
				}
			}
		}
		var words []*column // name columns the headers did not name: first, then last
		for _, c := range p.cols {
			switch {
			case c == p.pk || p.linkOf(c) != nil:
			case full == nil && c.share(c.names) >= 0.6:
				full = c
			case c.share(c.word1) >= 0.8:
				words = append(words, c)
			case mail == nil && c.share(c.emails) >= 0.6:
				mail = c
			}
		}
		if first == nil && last == nil && len(words) >= 2 {
			first, last = words[0], words[len(words)-1]
		}
		return func(row []string) string {
			get := func(c *column) string {
				if c != nil && c.idx < len(row) {
					return strings.TrimSpace(row[c.idx])
				}
				return ""
			}
			if v := get(full); v != "" {
				return v
			}
			if v := strings.TrimSpace(get(first) + " " + get(last)); v != "" {
				return v
			}
			return get(mail)
		}
	case holdsLookup:
		var label *column
		for _, c := range p.cols {
			if c == p.pk || c.nonEmpty == 0 || c.numeric() && label != nil {
				continue
			}
			if label == nil || c.text() && (!label.text() || len(c.counts) > len(label.counts)) {
				label = c
			}
		}
		if label == nil {
			return nil
		}
		return colForm(label)
	}
	return nil
}

// buildDecodes is pass 2: it reads the tables other tables refer to and
// fills each link's decode map (key value → the parent's reference form).
// A link whose key already is the reference form needs none.
func buildDecodes(ctx context.Context, tables []*table, opts tabular.Options) error {
	type need struct {
		key  *column
		form form
		out  map[string]string
	}
	needs := map[*table][]need{}
	byPath := map[string]bool{}
	for _, t := range tables {
		for _, l := range t.links {
			f := refForm(l.parent)
			if f == nil {
				continue
			}
			if l.parent.holds == "matters" || l.parent.holds == "contacts" {
				want := map[string]string{"matters": "matter", "contacts": "id"}[l.parent.holds]
				if l.parent.targetOf(l.key) == want {
					continue // the child already holds the reference as the mapping writes it
				}
			}
			l.decode = map[string]string{}
			needs[l.parent] = append(needs[l.parent], need{key: l.key, form: f, out: l.decode})
			byPath[l.parent.path] = true
		}
	}
	// a payments table naming only invoices: each invoice's matter, as the
	// invoice listing names it (decoded below as the listing's own link is)
	type via struct {
		t       *table
		listing *link // the listing's matter link (nil: its matter column as written)
	}
	var vias []via
	for _, t := range tables {
		l := invoiceLink(t)
		if t.holds != "ledger:ar" || t.lines || l == nil {
			continue
		}
		u := l.parent
		ml := u.linksTo("matters")
		mc := (*column)(nil)
		if ml != nil {
			mc = ml.col
		} else {
			for _, c := range u.cols {
				if u.targetOf(c) == "matter" {
					mc = c
				}
			}
		}
		if mc == nil {
			continue
		}
		t.matterOf = map[string]string{}
		needs[u] = append(needs[u], need{key: l.key, form: colForm(mc), out: t.matterOf})
		byPath[u.path] = true
		vias = append(vias, via{t, ml})
	}
	defer func() {
		for _, v := range vias {
			if v.listing == nil || len(v.listing.decode) == 0 {
				continue
			}
			for inv, m := range v.t.matterOf {
				if d, ok := v.listing.decode[m]; ok {
					v.t.matterOf[inv] = d
				}
			}
		}
	}()
	for path := range byPath {
		r, err := tabular.Open(path, opts)
		if err != nil {
			return err
		}
		byID := map[string]*table{}
		for t := range needs {
			byID[t.id] = t
		}
		for {
			if err := ctx.Err(); err != nil {
				r.Close()
				return err
			}
			row, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				r.Close()
				return fmt.Errorf("%s: %w", path, err)
			}
			if row.Kind != tabular.Data || row.Table == nil {
				continue
			}
			t := byID[id(path, row.Table)]
			for _, n := range needs[t] {
				k := ""
				if n.key.idx < len(row.Values) {
					k = strings.TrimSpace(row.Values[n.key.idx])
				}
				if v := n.form(row.Values); k != "" && v != "" {
					n.out[k] = v
				}
			}
		}
		r.Close()
	}
	return nil
}

// linkTarget is the field a link column of a table holding kind goes to.
func linkTarget(kind string, l *link) (target, refKind string) {
	switch l.parent.holds {
	case "matters":
		if kind != "contacts" && kind != "matters" {
			return "matter", ""
		}
	case "contacts":
		switch kind {
		case "matters", "ledger:ar", "ledger:trust":
			return "client", ""
		case "notes", "relationships":
			return "contact", "id"
		case "phone_logs":
			if l.key.share(l.key.phones) >= 0.6 {
				return "phone", "" // the caller, known by the number
			}
		}
	case holdsStaff:
		switch kind {
		case "matters":
			if hasWord(l.col.name, origWords) {
				return "originating_attorney", ""
			}
			return "responsible_attorney", ""
		case "tasks", "notes", "calendar_events", "phone_logs", "time_entries":
			return "user", ""
		}
	case "ledger:ar":
		if intoInvoices(l) && !slices.ContainsFunc(l.parent.links, func(b *link) bool { return b.parent == l.child }) {
			return "ledger.reference", "" // the invoice the row settles (mapping: paymentsByLink)
		}
	case holdsLookup:
		labels := 0
		for _, v := range l.decode {
			if statusWords[mapping.Normalize(v)] {
				labels++
			}
		}
		if (kind == "matters" || kind == "tasks") && len(l.decode) > 0 && labels*2 >= len(l.decode) {
			return "status", ""
		}
		if kind == "matters" && hasWord(l.col.name, areaWords) {
			return "practice_area", ""
		}
	}
	return "", ""
}

// ledgerMoney: the mapping's targets for a ledger row's money.
var ledgerMoney = map[string]bool{"ledger.amount": true, "ledger.paid": true, "ledger.balance": true, "ledger.in": true, "ledger.out": true}

// hintsFor turns the pre-pass's decisions on t into the mapping's hints.
func hintsFor(t *table, flat bool, qs []*question) mapping.Hints {
	h := mapping.Hints{Columns: map[string]mapping.ColumnHint{}}
	switch t.holds {
	case holdsLookup, holdsStaff:
		if flat {
			return h // a file of its own is migrated as the mapping reads it
		}
		h.Lookup = fmt.Sprintf("Not migrated as records: %s; its codes are written out in the tables that use them.", t.why)
		return h
	}
	h.Kind, h.Why = t.holds, t.why
	h.KindIfUnknown = flat && !t.overrules
	for c, target := range t.targets { // none for a file a profile knows
		h.Columns[c.name] = mapping.ColumnHint{Target: target}
	}
	if !flat {
		// a 0/1 "done" flag says whether the task is complete
		if f := featuresOf(t); t.holds == "tasks" && f.flag != nil && t.targetOf(f.flag) == "status" && hasWord(f.flag.name, doneWords) {
			h.Columns[f.flag.name] = mapping.ColumnHint{Target: "status",
				Values: map[string]string{"1": "complete", "-1": "complete", "0": "pending", "t": "complete", "f": "pending"}}
		}
	}
	h.Settles = t.settles
	if h.Lines = t.lines; t.lines {
		// a line's amount, not its rate (which the header may call a price)
		for _, c := range t.cols {
			if ledgerMoney[t.targetOf(c)] && c != t.lineAmount {
				h.Columns[c.name] = mapping.ColumnHint{Target: "skip"}
			}
		}
		if t.lineAmount != nil {
			h.Columns[t.lineAmount.name] = mapping.ColumnHint{Target: "ledger.amount"}
		}
	}
	for _, l := range t.links {
		target, rk := linkTarget(t.holds, l)
		lk := l.report()
		ch := mapping.ColumnHint{Target: target, RefKind: rk, Decode: l.decode, Link: &lk}
		if len(t.matterOf) > 0 && l == invoiceLink(t) {
			ch.Target, ch.Decode, ch.Matters = "ledger.reference", nil, t.matterOf
		}
		if target == "phone" {
			ch.Decode = nil // a phone number is its own reference
		}
		if target == "" && (l.parent.holds == "matters" || l.parent.holds == "contacts" || l.parent.holds == holdsStaff) && t.holds != "" {
			// a link this record type has no field for: say so rather than hide it in a custom field
			h.Questions = append(h.Questions, mapping.Question{Rule: mapping.RuleLinkQuestion, Column: l.col.name,
				Message: fmt.Sprintf("“%s” links each row to %s (%s), but a %s record has no field for it. Keep it as text, or leave it out?", l.col.name, l.parent.name, what(l.parent.holds), strings.TrimSuffix(t.holds, "s")),
				Choices: []mapping.Choice{{Label: "Keep it as text", Target: fallback(t.holds, l.col.name)}, {Label: "Leave it out", Target: "skip"}}})
		}
		h.Columns[l.col.name] = ch
	}
	for _, q := range qs {
		h.Questions = append(h.Questions, askFor(t, q))
	}
	if t.holds == "time_entries" {
		h.Questions = append(h.Questions, billedQuestions(t)...)
	}
	return h
}

// billedQuestions ask about a time table's yes/no columns whose name says
// neither billed nor billable (CHK_FLG, DONE): billed time is left out of
// Clio and unbilled time goes in, so a wrong guess either drops work or
// bills it twice. A column set on exactly the rows that carry an invoice
// number is the billed flag, and is not asked about (billedByInvoice).
func billedQuestions(t *table) []mapping.Question {
	var qs []mapping.Question
	for _, c := range t.cols {
		if !c.flag() || c == t.pk || t.linkOf(c) != nil {
			continue
		}
		switch target := t.targetOf(c); {
		case target == "billed" || target == "billable" || target == "status":
			continue
		case target != "" && !strings.HasPrefix(target, "append:") && !strings.HasPrefix(target, "custom:"):
			continue
		}
		if n := mapping.AbbrevTarget(c.name, t.holds); n == "billed" || n == "billable" {
			continue // the name says, however shortened (BLBL_FLG)
		}
		qs = append(qs, mapping.Question{Rule: mapping.RuleReadingQuestion, Column: c.name,
			Message: fmt.Sprintf("Does “%s” mark billed time? Billed time is left out of Clio (it was invoiced already) and unbilled time is imported; its yes/no values and its name do not say which, so Handover will not guess.", c.name),
			Choices: []mapping.Choice{{Label: "Yes: billed, leave those rows out", Target: "billed"}, {Label: "No: it says billable", Target: "billable"}, {Label: "Neither: keep it as text", Target: fallback(t.holds, c.name)}}})
	}
	return qs
}

// billedByInvoice: in a time table, a yes/no column set on exactly the
// sampled rows that carry an invoice number (and on some, not all) says
// what the invoice number says: the row was billed.
func billedByInvoice(t *table, flag, invoice *column) bool {
	set, unset := 0, 0
	for _, row := range t.sample {
		if flag.idx >= len(row) || invoice.idx >= len(row) {
			continue
		}
		yes := setMark(row[flag.idx])
		if yes != (strings.TrimSpace(row[invoice.idx]) != "") {
			return false
		}
		if yes {
			set++
		} else {
			unset++
		}
	}
	return set > 0 && unset > 0
}

// setMark: a flag's value that says yes.
func setMark(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "-1", "y", "yes", "true", "t", "x":
		return true
	}
	return false
}

func fallback(kind, header string) string {
	switch kind {
	case "contacts", "matters":
		return "custom:" + header
	}
	return "append:" + header
}

func what(holds string) string {
	switch holds {
	case holdsStaff:
		return "people of the firm"
	case holdsLookup:
		return "a lookup table"
	case "":
		return "a table Handover did not recognise"
	}
	return strings.ReplaceAll(strings.TrimPrefix(holds, "ledger:"), "_", " ")
}

// askFor writes a question with one answer per table the column may point to.
func askFor(t *table, q *question) mapping.Question {
	var choices []mapping.Choice
	var fits []string
	seen := map[string]bool{}
	seenParent := map[*table]bool{}
	for _, l := range q.cands { // best first: one key per table
		if seenParent[l.parent] {
			continue
		}
		seenParent[l.parent] = true
		fits = append(fits, fmt.Sprintf("the %s of %s (%s)", l.key.name, l.parent.name, what(l.parent.holds)))
		target, _ := linkTarget(t.holds, l)
		if target == "" || seen[target] {
			continue
		}
		seen[target] = true
		choices = append(choices, mapping.Choice{Label: fmt.Sprintf("Yes: the %s in %s", strings.TrimSuffix(what(l.parent.holds), "s"), l.parent.name), Target: target})
	}
	choices = append(choices, mapping.Choice{Label: "No: keep it as text", Target: fallback(t.holds, q.col.name)})
	msg := fmt.Sprintf("Which records does “%s” in %s point to? Its values are %s alike, so Handover will not guess.", q.col.name, t.name, strings.Join(fits, " and "))
	if q.partial {
		l := q.cands[0]
		msg = fmt.Sprintf("Is “%s” in %s a link to %s (%s)? Only %.0f%% of its %d values are in %s.%s.", q.col.name, t.name, l.parent.name, what(l.parent.holds), 100*l.found, q.col.nonEmpty, l.parent.name, l.key.name)
	}
	return mapping.Question{Rule: mapping.RuleLinkQuestion, Column: q.col.name, Message: msg, Choices: choices}
}

// moneyTargets are the mapping's targets that hold amounts.
// repeats: each of the column's values is on three rows or more, on
// average — a few lawyers' hourly rates down a small firm's time sheet,
// where hours times rate would be nearly a new total on every row.
func repeats(c *column) bool {
	return len(c.counts) > 0 && 3*int64(len(c.counts)) <= c.nonEmpty
}

var moneyTargets = map[string]bool{"rate": true, "amount": true, "ledger.amount": true, "ledger.paid": true,
	"ledger.balance": true, "ledger.in": true, "ledger.out": true}

var rateWords = map[string]bool{"rate": true, "taux": true, "tarif": true, "tarifa": true, "satz": true, "stundensatz": true, "hourly": true}

// wholeCents looks across a database for proof that it keeps money in
// integer cents: an hourly rate in whole numbers from 2,000 to 250,000 is
// $20–$2,500 an hour read as cents and an impossible $2,000+ an hour read as
// whole units; or a money column named in cents. A database keeps its money
// one way, so the proof covers every whole-number amount in it. It returns
// the evidence in words ("" without proof).
func wholeCents(tables []*table) string {
	for _, t := range tables {
		for _, c := range t.cols {
			target := t.targetOf(c)
			whole := c.nonEmpty > 0 && c.ints == c.nonEmpty
			if !whole || !moneyTargets[target] && !hasWord(c.name, rateWords) {
				continue
			}
			if (target == "rate" || hasWord(c.name, rateWords)) && c.minNum >= 2000 && c.maxNum <= 250_000 {
				return fmt.Sprintf("%s.%s holds hourly rates from %.0f to %.0f: cents, as $%.2f–$%.2f an hour", t.name, c.name, c.minNum, c.maxNum, c.minNum/100, c.maxNum/100)
			}
			if hasWord(c.name, map[string]bool{"cents": true, "pence": true, "cts": true}) {
				return fmt.Sprintf("%s.%s is named in cents", t.name, c.name)
			}
		}
	}
	return ""
}

// centsReadings adds, to the hints of a table of a database that keeps
// money in cents, the cents reading of its whole-number amounts.
func centsReadings(t *table, h *mapping.Hints) {
	for _, c := range t.cols {
		target := t.targetOf(c)
		if c.nonEmpty == 0 || c.ints != c.nonEmpty || !moneyTargets[target] && !(c.numeric() && hasWord(c.name, moneyWords)) {
			continue
		}
		ch := h.Columns[c.name]
		ch.Reading = mapping.ReadCents
		h.Columns[c.name] = ch
	}
}

// currencyAmounts: every value is an amount with two decimals, written
// after a currency code or sign ("USD 275.00", "EUR 1.250,00", "$ 90.00").
func currencyAmounts(c *column) bool {
	if len(c.counts) == 0 {
		return false
	}
	for v := range c.counts {
		n := strings.TrimLeft(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ $€£")
		if n == v || len(n) < 4 || n[len(n)-3] != '.' && n[len(n)-3] != ',' || strings.Trim(n, "0123456789.,") != "" {
			return false
		}
	}
	return true
}

// roundCents: whole numbers of hundreds between 2,000 and 250,000 — a
// round price per hour kept in cents (30000 for $300.00), which no count of
// minutes or hours reaches.
func roundCents(c *column) bool {
	if c.nonEmpty == 0 || c.ints != c.nonEmpty || c.minNum < 2000 || c.maxNum > 250_000 || len(c.counts) == 0 {
		return false
	}
	for v := range c.counts {
		if !strings.HasSuffix(v, "00") {
			return false
		}
	}
	return true
}

// commaPrices: every value a price written with a decimal comma and two
// decimals, of 25 or more ("275,00", "1.250,00") — more than any day's hours.
func commaPrices(c *column) bool {
	if len(c.counts) == 0 {
		return false
	}
	for v := range c.counts {
		if len(v) < 5 || v[len(v)-3] != ',' || strings.Trim(v, "0123456789.,") != "" || strings.Count(v, ",") != 1 {
			return false
		}
		units := strings.ReplaceAll(v[:len(v)-3], ".", "")
		if len(units) < 2 || len(units) == 2 && units < "25" {
			return false
		}
	}
	return true
}

// fewValues: a handful of values repeated down the column (rates, codes).
func fewValues(c *column) bool {
	return len(c.counts) > 0 && int64(len(c.counts)) <= max(5, c.nonEmpty/5)
}
