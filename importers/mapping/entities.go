package mapping

import (
	"fmt"
	"regexp"
	"strings"
	"sync"

	"handover/core/model"
)

var reTarget = regexp.MustCompile(`^(emails|phones|address)\[([A-Za-z]+|[1-9])\](?:\.(\w+))?$`)

// targetParts caches reTarget's submatches per target: a contact row asked
// the pattern about each of its columns' targets, which do not change.
var targetParts sync.Map // target → []string (nil when it does not match)

// splitTarget is reTarget.FindStringSubmatch(target), remembered.
func splitTarget(target string) []string {
	if !strings.HasPrefix(target, "emails[") && !strings.HasPrefix(target, "phones[") && !strings.HasPrefix(target, "address[") {
		return nil // what the pattern starts with: most columns are asked no further
	}
	if m, ok := targetParts.Load(target); ok {
		return m.([]string)
	}
	m := reTarget.FindStringSubmatch(target)
	targetParts.Store(target, m)
	return m
}

// splitMulti splits Google's " ::: " multi-values and ';'-separated lists.
func splitMulti(v string) []string {
	var out []string
	for _, a := range strings.Split(v, ":::") {
		for _, b := range strings.Split(a, ";") {
			if b = strings.TrimSpace(b); b != "" {
				out = append(out, b)
			}
		}
	}
	return out
}

var companyWords = map[string]bool{
	"llc": true, "llp": true, "inc": true, "ltd": true, "limited": true, "corp": true, "corporation": true, "co": true, "company": true,
	"gmbh": true, "ag": true, "kg": true, "plc": true, "pc": true, "pllc": true, "lp": true, "group": true, "associates": true, "bank": true,
	"partners": true, "partnership": true, "university": true, "foundation": true, "services": true, "holdings": true, "trust": true,
	"insurance": true, "agency": true, "department": true, "county": true, "city": true, "council": true, "society": true, "church": true, "clinic": true, "hospital": true,
}

func looksCompany(s string) bool {
	if strings.Contains(s, "&") {
		return true
	}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return r == ' ' || r == ',' || r == '.' }) {
		if companyWords[w] {
			return true
		}
	}
	return false
}

var prefixes = map[string]bool{"mr": true, "mrs": true, "ms": true, "miss": true, "dr": true, "prof": true, "herr": true, "frau": true, "hon": true, "rev": true, "mx": true}

// splitName reads "Smith, John Q." or "Dr. John Q. Smith".
func splitName(full string) (prefix, first, middle, last string) {
	full = strings.Join(strings.Fields(full), " ")
	if l, f, ok := strings.Cut(full, ","); ok && strings.TrimSpace(f) != "" {
		last = strings.TrimSpace(l)
		ws := strings.Fields(f)
		if len(ws) > 0 && prefixes[strings.ToLower(strings.TrimSuffix(ws[0], "."))] {
			prefix, ws = ws[0], ws[1:]
		}
		if len(ws) > 0 {
			first = ws[0]
			middle = strings.Join(ws[1:], " ")
		}
		return
	}
	ws := strings.Fields(full)
	if len(ws) > 1 && prefixes[strings.ToLower(strings.TrimSuffix(ws[0], "."))] {
		prefix, ws = ws[0], ws[1:]
	}
	switch len(ws) {
	case 0:
	case 1:
		last = ws[0]
	default:
		first, last = ws[0], ws[len(ws)-1]
		middle = strings.Join(ws[1:len(ws)-1], " ")
	}
	return
}

func (p *Plan) mapContact(r *rowCtx) Outcome {
	c := &model.Contact{
		Prefix: r.get("prefix"), FirstName: r.get("first_name"), MiddleName: r.get("middle_name"),
		LastName: r.get("last_name"), Title: r.get("title"),
	}
	company := r.get("company")
	full := r.get("full_name")
	typ := r.mapValue("contact_type", "contact_type")
	var keepType *cell
	if typ != "Person" && typ != "Company" {
		if typ != "" { // e.g. "Opposing Counsel": not a contact type, kept as a custom field
			c, _ := r.getCell("contact_type")
			keepType = &c
		}
		typ = ""
	}
	if c.FirstName == "" && c.LastName == "" && full != "" {
		if typ == "Company" || (typ == "" && (looksCompany(full) || Normalize(full) == Normalize(company))) {
			if company == "" {
				company = full
			}
			typ = "Company"
		} else {
			pre, f, m, l := splitName(full)
			c.FirstName, c.MiddleName, c.LastName = f, m, l
			if c.Prefix == "" {
				c.Prefix = pre
			}
		}
	}
	// "Display As" (PCLaw) says who the client is: when it is the firm name,
	// the row is the company and the names are its contact person.
	display := r.get("display_as")
	contactPerson := ""
	if typ == "" && company != "" && display != "" && Normalize(display) == Normalize(company) && (c.FirstName != "" || c.LastName != "") {
		typ = "Company"
		contactPerson = strings.Join(strings.Fields(strings.Join([]string{c.Prefix, c.FirstName, c.MiddleName, c.LastName}, " ")), " ")
	}
	if typ == "" {
		typ = "Person"
		if c.FirstName == "" && c.LastName == "" && company != "" {
			typ = "Company"
		}
	}
	c.Type = typ
	if typ == "Company" {
		c.Name = company
		if c.Name == "" {
			c.Name = strings.TrimSpace(strings.Join([]string{c.FirstName, c.MiddleName, c.LastName}, " "))
			c.Name = strings.Join(strings.Fields(c.Name), " ")
		}
		c.FirstName, c.MiddleName, c.LastName = "", "", ""
	} else if company != "" {
		c.Company = model.Ref{Kind: "name", Value: company}
	}

	// labelled values
	labelOf := func(kind, slot string) string {
		if slot[0] >= '1' && slot[0] <= '9' {
			if l := r.get(kind + "[" + slot + "].label"); l != "" {
				return clioLabel(kind, l)
			}
			if kind == "phones" {
				return "Other"
			}
			return "Other"
		}
		return slot
	}
	var addrs map[string]*model.Address // made for the first address column
	var addrOrder []string
	for i, col := range p.Columns {
		m := splitTarget(col.Target)
		if m == nil || m[3] == "label" {
			continue
		}
		v := r.at(i)
		if v == "" {
			continue
		}
		kind, slot, part := m[1], m[2], m[3]
		switch kind {
		case "emails":
			for _, e := range splitMulti(v) {
				c.Emails = append(c.Emails, model.Email{Name: labelOf(kind, slot), Address: e})
			}
		case "phones":
			for _, ph := range strings.Split(v, ":::") {
				if ph = strings.TrimSpace(ph); ph != "" {
					c.Phones = append(c.Phones, model.Phone{Name: labelOf(kind, slot), Number: ph})
				}
			}
		case "address":
			a := addrs[slot]
			if a == nil {
				if addrs == nil {
					addrs = map[string]*model.Address{}
				}
				a = &model.Address{Name: labelOf(kind, slot)}
				addrs[slot] = a
				addrOrder = append(addrOrder, slot)
			}
			switch part {
			case "street", "street2", "street3":
				if a.Street != "" {
					a.Street += "\n"
				}
				a.Street += v
			case "city":
				a.City = v
			case "province":
				a.Province = v
			case "postal_code":
				a.PostalCode = v
			case "country":
				a.Country = v
			}
		}
	}
	for _, s := range addrOrder {
		c.Addresses = append(c.Addresses, *addrs[s])
	}
	if len(c.Emails) > 0 {
		c.Emails[0].Default = true
	}
	if len(c.Phones) > 0 {
		c.Phones[0].Default = true
	}
	for _, w := range r.all("web_site") {
		c.WebSites = append(c.WebSites, splitMulti(w.v)...)
	}
	c.CustomFields = r.customs()
	extra := map[string]string{}
	if contactPerson != "" {
		extra["Contact Person"] = contactPerson
	}
	if display != "" && !derivable(display, c, company) {
		extra["Display As"] = display
	}
	if fc, ok := r.getCell("full_name"); ok && !derivable(fc.v, c, company) {
		extra[p.Columns[fc.col].Header] = fc.v // a full name that says more than the name parts
	}
	for k, v := range extra {
		if c.CustomFields == nil {
			c.CustomFields = map[string]string{}
		}
		c.CustomFields[k] = v
	}
	if keepType != nil {
		if c.CustomFields == nil {
			c.CustomFields = map[string]string{}
		}
		c.CustomFields[p.Columns[keepType.col].Header] = keepType.v
	}
	if dc, ok := r.getCell("date_of_birth"); ok {
		s := p.scanAt(dc.col, dc.v)
		if s.shape != shapeBlank {
			ord := p.DateOrder
			if dc.col < len(p.order) && p.order[dc.col] != "" {
				ord = p.order[dc.col]
			}
			if iso, ok := s.resolve(ord); ok {
				c.DateOfBirth = iso
			} else {
				// a birthday is not worth rejecting a contact over: keep it as written
				if c.CustomFields == nil {
					c.CustomFields = map[string]string{}
				}
				c.CustomFields[p.Columns[dc.col].Header] = dc.v
				r.findings = append(r.findings, Finding{Rule: "date.unreadable", Field: "date_of_birth", Value: dc.v, Message: "Not a date; kept as a custom field."})
			}
		}
	}
	key := r.key(model.Contacts)
	out := Outcome{Records: []model.Record{rec(model.Contacts, key, c)}}
	if c.Type == "Company" {
		if p.seenCompany == nil {
			p.seenCompany = map[string]bool{}
		}
		p.seenCompany[Normalize(c.Name)] = true
	} else if company != "" {
		n := Normalize(company)
		if p.seenCompany == nil {
			p.seenCompany = map[string]bool{}
		}
		if n != "" && !p.seenCompany[n] {
			p.seenCompany[n] = true
			out.Records = append(out.Records, rec(model.Contacts, p.Profile+":contacts:company:"+n, &model.Contact{Type: "Company", Name: company}))
		}
	}
	if notes := joinText(valuesOf(r.all("notes"))...); notes != "" {
		// the note's contact is this row's: its key names it exactly (a name or
		// an id may be another system's contact too)
		ref := model.Ref{Kind: "key", Value: key}
		out.Records = append(out.Records, rec(model.Notes, noteKey(key, "contact"), &model.Note{Type: "Contact", Contact: ref, Subject: "Notes from " + p.System, Detail: notes}))
	}
	return out
}

// noteKey turns "<profile>:contacts:<id>" into "<profile>:notes:contact:<id>"
// for the note made from a contact's or matter's Notes column.
func noteKey(parentKey, kind string) string {
	parts := strings.SplitN(parentKey, ":", 3)
	if len(parts) != 3 {
		return parentKey + ":note"
	}
	return parts[0] + ":notes:" + kind + ":" + parts[2]
}

// derivable reports whether a "Display As" value says nothing new: the
// company name, "Last, First" or "First Last".
func derivable(display string, c *model.Contact, company string) bool {
	// Normalize folds rune by rune when every rune folds by table (fold.go),
	// so the folded name forms are the folded parts end to end: compared
	// in place, not built and folded eight times per row.
	var buf [256]byte
	b := buf[:0]
	var f [7][]byte // display, company, name, last, first, middle, prefix folded
	for i, s := range [...]string{display, company, c.Name, c.LastName, c.FirstName, c.MiddleName, c.Prefix} {
		n := len(b)
		var ok bool
		if b, ok = appendFold(b, s); !ok {
			return derivableByText(display, c, company)
		}
		f[i] = b[n:len(b):len(b)]
	}
	d, co, name, last, first, mid, pre := f[0], f[1], f[2], f[3], f[4], f[5], f[6]
	person := c.LastName != "" || c.FirstName != "" // a name form is not "" when a part of it is not
	return company != "" && string(co) == string(d) || c.Name != "" && string(name) == string(d) ||
		person && (isConcat(d, last, first, nil, nil) || isConcat(d, first, last, nil, nil)) ||
		(person || c.MiddleName != "") && (isConcat(d, last, first, mid, nil) || isConcat(d, first, mid, last, nil)) ||
		(person || c.MiddleName != "" || c.Prefix != "") && (isConcat(d, pre, first, mid, last) || isConcat(d, last, pre, first, mid))
}

// isConcat reports whether d is a+b+c+e.
func isConcat(d, a, b, c, e []byte) bool {
	if len(d) != len(a)+len(b)+len(c)+len(e) {
		return false
	}
	for _, p := range [...][]byte{a, b, c, e} {
		if string(d[:len(p)]) != string(p) {
			return false
		}
		d = d[len(p):]
	}
	return true
}

// derivableByText is derivable for names with runes the table does not
// fold: each name form built and normalised.
func derivableByText(display string, c *model.Contact, company string) bool {
	d := Normalize(display)
	for _, s := range []string{company, c.Name, c.LastName + c.FirstName, c.FirstName + c.LastName, c.LastName + c.FirstName + c.MiddleName, c.FirstName + c.MiddleName + c.LastName,
		c.Prefix + c.FirstName + c.MiddleName + c.LastName, c.LastName + c.Prefix + c.FirstName + c.MiddleName} {
		if s != "" && Normalize(s) == d {
			return true
		}
	}
	return false
}

func valuesOf(cs []cell) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.v)
	}
	return out
}

func (p *Plan) clientRef(r *rowCtx) model.Ref {
	if v := r.get("client"); v != "" {
		return clientIDRef(v)
	}
	if v := r.get("client_name"); v != "" {
		return model.Ref{Kind: "name", Value: v}
	}
	return model.Ref{}
}

// clientIDRef reads a client column's value: a legacy id ("1042",
// "SMITH01", "C-7"), or — when it is words without a digit, like
// "Peter Zimmermann" or "Harbor LLC" under a header that says Client — the
// client's name, so the link is not lost looking for an id nobody has.
func clientIDRef(v string) model.Ref {
	if !strings.ContainsAny(v, "0123456789") && strings.ContainsAny(strings.TrimSpace(v), " ,&") {
		return model.Ref{Kind: "name", Value: v}
	}
	return model.Ref{Kind: "id", Value: v}
}

func matterRef(r *rowCtx) model.Ref {
	if v := r.get("matter"); v != "" {
		return model.Ref{Kind: "number", Value: v}
	}
	return model.Ref{}
}

func (p *Plan) mapMatter(r *rowCtx) Outcome {
	m := &model.Matter{
		DisplayNumber:       r.get("matter"),
		Description:         r.get("description"),
		Client:              p.clientRef(r),
		Status:              r.mapValue("status", "status"),
		PracticeArea:        r.get("practice_area"),
		ResponsibleAttorney: r.get("responsible_attorney"),
		OriginatingAttorney: r.get("originating_attorney"),
		ClientReference:     r.get("client_reference"),
		Location:            r.get("location"),
		CustomFields:        r.customs(),
	}
	m.OpenDate, _ = r.date("open_date")
	m.CloseDate, _ = r.date("close_date")
	m.PendingDate, _ = r.date("pending_date")
	if b, known := r.yes("billable"); known && r.get("billable") != "" {
		m.Billable = &b
	}
	key := r.key(model.Matters)
	out := Outcome{Records: []model.Record{rec(model.Matters, key, m)}}
	if notes := joinText(valuesOf(r.all("notes"))...); notes != "" {
		out.Records = append(out.Records, rec(model.Notes, noteKey(key, "matter"), &model.Note{Type: "Matter", Matter: model.Ref{Kind: "key", Value: key}, Subject: "Notes from " + p.System, Detail: notes, Date: m.OpenDate}))
	}
	return out
}

func (p *Plan) mapTask(r *rowCtx) Outcome {
	t := &model.Task{
		Name:        r.get("subject"),
		Description: joinText(r.get("description"), r.appended()),
		Matter:      matterRef(r),
		Assignee:    r.get("user"),
		Priority:    r.mapValue("priority", "priority"),
		Status:      r.mapValue("status", "task.status"),
	}
	t.DueAt, _ = r.date("due_date")
	return Outcome{Records: []model.Record{rec(model.Tasks, r.key(model.Tasks), t)}}
}

func (p *Plan) mapNote(r *rowCtx) Outcome {
	n := &model.Note{Type: "Matter", Matter: matterRef(r), Subject: r.get("subject"), Detail: joinText(r.get("body"), r.appended()), Author: r.get("user")}
	if !n.Matter.IsZero() {
		if v := r.get("contact"); v != "" { // a matter note about a contact: keep who it was about
			n.Detail = joinText(n.Detail, "Contact: "+v)
		}
	} else {
		if v := r.get("contact"); v != "" || (r.has("contact") && !r.has("matter")) {
			n.Type = "Contact"
			n.Contact = model.Ref{Kind: p.refKind("contact", "name"), Value: v}
		}
	}
	n.Date, _ = r.date("date")
	return Outcome{Records: []model.Record{rec(model.Notes, r.key(model.Notes), n)}}
}

// clock finds the time of day for a date-time built from a date column
// (its own time part or Excel fraction) and a time column.
func (r *rowCtx) clock(timeTarget string, s scanned) (string, bool) {
	if c, ok := r.getCell(timeTarget); ok {
		if t, ok := parseTime(c.v); ok {
			return t, true
		}
		// a time column may also hold a full date-time
		if ds := scanDate(c.v); ds.rest != "" {
			if t, ok := parseTime(ds.rest); ok {
				return t, true
			}
		}
		r.fail(c, "a time of day", "Write it like 14:30 or 2:30 PM, then re-import.")
		return "", false
	}
	if s.rest != "" {
		if t, ok := parseTime(s.rest); ok {
			return t, true
		}
	}
	if s.serial && s.frac != "" {
		if t, ok := parseTime("0." + s.frac); ok {
			return t, true
		}
	}
	return "", false
}

func (p *Plan) mapEvent(r *rowCtx) Outcome {
	e := &model.CalendarEvent{
		Summary:     r.get("subject"),
		Description: joinText(r.get("description"), r.appended()),
		Location:    r.get("location"),
		Matter:      matterRef(r),
		Owner:       r.get("user"),
	}
	sd, ss := r.date("start_date")
	ed, es := r.date("end_date")
	st, hasST := r.clock("start_time", ss)
	et, hasET := r.clock("end_time", es)
	allDay, known := r.yes("all_day")
	if !known {
		if c, ok := r.getCell("all_day"); ok {
			r.fail(c, "yes or no", "Write True/False (or Yes/No), then re-import.")
		}
	}
	if r.get("all_day") == "" && !hasST && !hasET {
		allDay = true // a date without any time is an all-day event
	}
	if ed == "" {
		ed = sd
	}
	e.AllDay = allDay
	if allDay {
		e.StartAt, e.EndAt = sd, ed
	} else {
		if !hasST {
			st = "00:00:00"
		}
		if !hasET {
			et = st
		}
		if sd != "" {
			e.StartAt = sd + "T" + st
		}
		if ed != "" {
			e.EndAt = ed + "T" + et
		}
	}
	return Outcome{Records: []model.Record{rec(model.CalendarEvents, r.key(model.CalendarEvents), e)}}
}

func (p *Plan) mapPhone(r *rowCtx) Outcome {
	c := &model.Communication{
		Subject: r.get("subject"),
		Body:    joinText(r.get("body"), r.appended()),
		Matter:  matterRef(r),
		From:    r.get("caller"),
		User:    r.get("user"),
	}
	phone := r.get("phone")
	switch {
	case c.From != "":
		c.Contact = model.Ref{Kind: "name", Value: c.From}
	case phone != "": // only a number: the contact is found by it
		c.Contact = model.Ref{Kind: "phone", Value: phone}
		c.From = phone
	}
	if phone != "" {
		c.Body = joinText(c.Body, "Phone: "+phone)
	}
	if c.Subject == "" {
		c.Subject = "Phone call"
		if c.From != "" {
			c.Subject += " with " + c.From
		}
	}
	d, s := r.date("date")
	if d != "" {
		c.ReceivedAt = d
		if t, ok := r.clock("time", s); ok {
			c.ReceivedAt = d + "T" + t
		}
	}
	return Outcome{Records: []model.Record{rec(model.PhoneLogs, r.key(model.PhoneLogs), c)}}
}

// billed decides whether a time row is billed history: the profile's history
// columns (a listed word, or "*" for any value), else a yes in a Billed column
// or any invoice number.
func (p *Plan) billed(r *rowCtx) bool {
	if len(p.prof.History) > 0 {
		for _, h := range historyOf(p.prof) {
			c, ok := r.getCell(h.target)
			if !ok {
				continue
			}
			if h.star {
				return true
			}
			v := Normalize(c.v)
			for _, w := range h.words {
				if w == v {
					return true
				}
			}
			// A column the profile reads as a yes flag takes yes and no in any
			// language ("Oui"/"Non"), as the Billed column below does.
			b, known := yesNo(c.v)
			if known && b && h.listsYes {
				return true
			}
			if !(known && !b) && !unbilledWords[v] {
				r.fail(c, "a billed/unbilled marker", "Billed time is left out and unbilled time is imported, so this must be clear: write Y or N (or Billed/Unbilled), then re-import.")
			}
		}
		return false
	}
	if c, ok := r.getCell("billed"); ok {
		if b, _ := yesNo(c.v); b {
			return true
		}
		switch Normalize(c.v) {
		case "billed", "invoiced", "paid":
			return true
		}
		if _, known := yesNo(c.v); !known && !unbilledWords[Normalize(c.v)] {
			r.fail(c, "a billed/unbilled marker", "Billed time is left out and unbilled time is imported, so this must be clear: write Y or N (or Billed/Unbilled), then re-import.")
		}
	}
	return r.get("invoice") != ""
}

// unbilledWords mark time that is not on an invoice yet.
// listsYes says whether a profile's history words include a yes word: the
// column is then a flag.
func listsYes(words []string) bool {
	for _, w := range words {
		if b, known := yesNo(w); known && b {
			return true
		}
	}
	return false
}

var unbilledWords = map[string]bool{"n": true, "no": true, "false": true, "0": true, "f": true, "nein": true, "unbilled": true, "notbilled": true,
	"open": true, "draft": true, "pending": true, "approved": true, "wip": true, "workinprogress": true, "new": true, "submitted": true, "offen": true}

func (p *Plan) mapTime(r *rowCtx) Outcome {
	t := &model.TimeEntry{
		Type:     "TimeEntry",
		User:     r.get("user"),
		Matter:   matterRef(r),
		Note:     joinText(r.get("description"), r.appended()),
		Activity: r.get("activity"),
	}
	if v := r.mapValue("entry_type", "entry_type"); v == "ExpenseEntry" {
		t.Type = v
	}
	t.Date, _ = r.date("date")
	if c, ok := r.getCell("hours"); ok {
		dc := c.col < len(p.decComma) && p.decComma[c.col]
		sec, err := p.seconds(c.col, c.v, dc)
		if err != nil {
			r.fail(c, "a number of hours", "Write hours like 1.5 or 1:30, then re-import.")
		}
		t.Seconds = sec
	}
	rate, hasRate := r.money("rate")
	amount, hasAmount := r.money("amount")
	switch {
	case hasRate:
		t.Price = rate
	case t.Type == "ExpenseEntry" && hasAmount:
		t.Price = amount
	case hasAmount && t.Seconds > 0 && (int64(amount)*3600)%t.Seconds == 0:
		t.Price = model.Cents(int64(amount) * 3600 / t.Seconds) // exact rate from amount ÷ hours
	case hasAmount && r.get("hours") == "":
		t.Type, t.Price = "ExpenseEntry", amount // an amount without hours is an expense or flat fee
	}
	if b, known := r.yes("billable"); known && r.get("billable") != "" {
		t.NonBillable = !b
	}
	if p.billed(r) {
		r.reject = "" // billed history is left out anyway; parse problems do not matter
		return Outcome{Excluded: model.BilledHistory, Entity: model.TimeEntries, Excl: t}
	}
	return Outcome{Records: []model.Record{rec(model.TimeEntries, r.key(model.TimeEntries), t)}}
}

func (p *Plan) mapLedger(r *rowCtx) Outcome {
	trust := p.kind == "ledger:trust"
	if p.BilledLines {
		// what an invoice was made of: billed history, no movement of money
		amount, _ := r.money("ledger.amount")
		r.reject = "" // left out anyway: a line's unread amount moves nothing
		return Outcome{Excluded: model.AccountingHistory, Entity: model.ARBalances,
			Excl: &BilledLine{Invoice: r.get("ledger.reference"), Amount: amount}}
	}
	line := &model.LedgerLine{Matter: matterRef(r), Reference: r.get("ledger.reference")}
	if line.Matter.IsZero() && line.Reference != "" && p.matterOf != nil {
		if m, ok := p.matterOf[line.Reference]; ok {
			line.Matter = model.Ref{Kind: "number", Value: m} // the invoice's matter, from the invoice listing
		}
	}
	if v := r.get("client"); v != "" {
		line.Contact = clientIDRef(v)
	} else if v := r.get("client_name"); v != "" {
		line.Contact = model.Ref{Kind: "name", Value: v}
	}
	line.Date, _ = r.date("date")
	var kind model.LedgerKind
	var amt model.Cents
	if r.has("ledger.type") {
		var out *Outcome
		kind, amt, out = p.typedMovement(r)
		if out != nil {
			return *out
		}
	} else {
		net, ok := p.movement(r, trust)
		if r.reject != "" {
			return Outcome{Reject: r.reject}
		}
		if !ok {
			return Outcome{Reject: "This ledger row has no amount (row: " + r.hint() + "). Fill in the amount or delete the row, then re-import."}
		}
		switch {
		case trust && net >= 0:
			kind, amt = model.LedgerTrustDeposit, net
		case trust:
			kind, amt = model.LedgerTrustWithdrawal, -net
		case net >= 0:
			kind, amt = model.LedgerInvoice, net
		default:
			kind, amt = model.LedgerPayment, -net
		}
	}
	line.Kind, line.Amount = kind, amt
	ent := model.ARBalances
	if trust {
		ent = model.TrustBalances
	}
	if r.reject != "" {
		return Outcome{Reject: r.reject}
	}
	return Outcome{Excluded: model.AccountingHistory, Entity: ent, Ledger: line, Excl: line}
}

// BilledLine is what an excluded invoice line keeps of its row: the invoice
// it belongs to and its amount (it moves no balance).
type BilledLine struct {
	Invoice string      `json:"invoice,omitempty"`
	Amount  model.Cents `json:"amount_cents"`
}

// typedMovement reads a row whose table has a type column: the type says the
// direction, a negative amount reverses it. out is set when the row is rejected.
func (p *Plan) typedMovement(r *rowCtx) (model.LedgerKind, model.Cents, *Outcome) {
	amt, ok := r.money("ledger.amount")
	if !ok && r.reject == "" && (r.has("ledger.in") || r.has("ledger.out")) {
		in, hasIn := r.money("ledger.in")
		out, hasOut := r.money("ledger.out")
		amt, ok = abs(in)+abs(out), hasIn || hasOut
	}
	if r.reject != "" {
		return "", 0, &Outcome{Reject: r.reject}
	}
	if !ok {
		return "", 0, &Outcome{Reject: "This ledger row has no amount (row: " + r.hint() + "). Fill in the Amount or delete the row, then re-import."}
	}
	tc, hasType := r.getCell("ledger.type")
	if !hasType {
		return "", 0, &Outcome{Reject: "This ledger row has no type (row: " + r.hint() + "). Fill in Invoice, Payment, Deposit or Withdrawal, then re-import."}
	}
	v, known := p.values["ledger.type"][Normalize(tc.v)]
	if !known {
		r.fail(tc, "a known transaction type", "Map it to Invoice, Payment, Credit (A/R) or Deposit, Withdrawal (trust) for this table, then re-import.")
		return "", 0, &Outcome{Reject: r.reject}
	}
	kind := model.LedgerKind(v)
	switch kind {
	case model.LedgerInvoice, model.LedgerPayment, model.LedgerCredit, model.LedgerTrustDeposit, model.LedgerTrustWithdrawal, model.LedgerOperating:
	default:
		r.fail(tc, "a known transaction type", fmt.Sprintf("It is mapped to %q, which is not a ledger kind; map it to invoice, payment, credit, trust_deposit or trust_withdrawal.", v))
		return "", 0, &Outcome{Reject: r.reject}
	}
	if amt < 0 && p.signByType { // the sign repeats what the type says
		amt = -amt
	}
	if amt < 0 { // a negative amount reverses the type's direction
		amt = -amt
		switch kind {
		case model.LedgerTrustDeposit:
			kind = model.LedgerTrustWithdrawal
		case model.LedgerTrustWithdrawal:
			kind = model.LedgerTrustDeposit
		case model.LedgerInvoice:
			kind = model.LedgerCredit
		case model.LedgerPayment, model.LedgerCredit:
			kind = model.LedgerInvoice
		}
	}
	return kind, amt, nil
}

// movement reads a row of a ledger without a type column from its shape: the
// signed change to the balance (positive raises the receivable or the trust
// money held) and whether the row had an amount at all.
//
//   - trust with in and out columns (deposit/withdrawal, receipt/payment,
//     credit/debit): in − out, each read as a size whatever its sign;
//   - trust otherwise: the signed amount;
//   - an invoice listing: the balance (outstanding) column when filled, else
//     amount − paid;
//   - a payment list (a paid column without an amount, or a payment method
//     column beside a bare amount): the amount lowers the receivable;
//   - otherwise a signed amount: invoices positive, payments negative.
func (p *Plan) movement(r *rowCtx, trust bool) (model.Cents, bool) {
	if trust {
		if r.has("ledger.in") || r.has("ledger.out") {
			in, hasIn := r.money("ledger.in")
			out, hasOut := r.money("ledger.out")
			if hasIn || hasOut {
				return abs(in) - abs(out), true
			}
		}
		return r.money("ledger.amount")
	}
	amount, hasAmount := r.money("ledger.amount")
	paid, hasPaid := r.money("ledger.paid")
	if bal, ok := r.money("ledger.balance"); ok {
		if hasAmount && amount-abs(paid) != bal {
			c, _ := r.getCell("ledger.balance")
			r.findings = append(r.findings, Finding{Rule: RuleLedgerBalanceDiffers, Field: "ledger.balance", Value: c.v,
				Message: fmt.Sprintf("The balance %s is not the amount less what was paid (%s); the balance column is taken as what is owed.", c.v, (amount - abs(paid)).String())})
		}
		return bal, true
	}
	if !r.has("ledger.amount") || (r.has("ledger.method") || p.Ledger == model.LedgerPayment) && !r.has("ledger.paid") && !r.has("ledger.balance") {
		// a payment list: each row is money received
		switch {
		case hasAmount:
			return -amount, true
		case hasPaid:
			return -paid, true
		}
		return 0, false
	}
	if !hasAmount && !hasPaid {
		return 0, false
	}
	return amount - abs(paid), true
}

// RuleLedgerBalanceDiffers flags an invoice whose balance column is not its
// amount less what was paid (a write-off or a discount the listing does not show).
const RuleLedgerBalanceDiffers = "ledger.balance_differs"

func abs(c model.Cents) model.Cents {
	if c < 0 {
		return -c
	}
	return c
}

// mapRelationship reads a party list's row (matter + a person by name or
// e-mail + their role) into a related contact. The person is referred to by
// legacy contact id when the list has one, else by e-mail, else by name, and
// carried along as Party: a person no other source has becomes one contact
// (see importers/parties), whatever how many matters name them.
func (p *Plan) mapRelationship(r *rowCtx) Outcome {
	rel := &model.Relationship{Matter: matterRef(r), Description: r.get("role")}
	if rel.Matter.IsZero() {
		return Outcome{Reject: "This party has no matter (row: " + r.hint() + "). Fill in the matter number, then re-import."}
	}
	c := &model.Contact{FirstName: r.get("first_name"), MiddleName: r.get("middle_name"), LastName: r.get("last_name")}
	company, full := r.get("company"), r.get("full_name")
	if c.FirstName == "" && c.LastName == "" && full != "" {
		if looksCompany(full) || Normalize(full) == Normalize(company) {
			company = full
		} else {
			pre, f, m, l := splitName(full)
			c.Prefix, c.FirstName, c.MiddleName, c.LastName = pre, f, m, l
		}
	}
	c.Type = "Person"
	if c.FirstName == "" && c.LastName == "" {
		c.Type, c.Name = "Company", company
	} else if company != "" {
		c.Company = model.Ref{Kind: "name", Value: company}
	}
	for i, col := range p.Columns {
		m := splitTarget(col.Target)
		if m == nil || m[3] == "label" {
			continue
		}
		v := r.at(i)
		switch {
		case v == "":
		case m[1] == "emails":
			for _, e := range splitMulti(v) {
				c.Emails = append(c.Emails, model.Email{Name: "Work", Address: e, Default: len(c.Emails) == 0})
			}
		case m[1] == "phones":
			c.Phones = append(c.Phones, model.Phone{Name: clioLabel("phones", m[2]), Number: v, Default: len(c.Phones) == 0})
		}
	}
	if c.Type == "Company" && c.Name == "" && len(c.Emails) > 0 {
		c.Type, c.LastName = "Person", c.Emails[0].Address // known only by e-mail: shown by it
	}
	name := model.DisplayName(c)
	switch {
	case r.get("contact") != "":
		rel.Contact = model.Ref{Kind: "id", Value: r.get("contact")}
	case len(c.Emails) > 0 && model.ValidEmail(c.Emails[0].Address):
		// (a phone number typed where the e-mail goes names nobody: the
		// name does, and finds the contact whose e-mail field holds the same)
		rel.Contact = model.Ref{Kind: "email", Value: strings.ToLower(c.Emails[0].Address)}
	case strings.TrimSpace(name) != "":
		rel.Contact = model.Ref{Kind: "name", Value: name}
	default:
		return Outcome{Reject: "This party has no name or e-mail (row: " + r.hint() + "). Fill one in, then re-import."}
	}
	if rel.Contact.Kind != "id" {
		rel.Party = c
	}
	return Outcome{Records: []model.Record{rec(model.Relationships, r.key(model.Relationships), rel)}}
}
