package pack

import (
	"context"
	"strings"

	"handover/core/model"
	"handover/core/workspace"
)

// BalanceDescription is the activity description Clio's balances-forward
// template uses by default (CLIO-API.md §6).
const BalanceDescription = "Balance Brought Forward from Previous Software"

// names is how a contact is written in 01-contacts.csv: the other files name
// contacts with exactly these values so Clio's importer can match them.
type names struct{ first, last, company string }

// refIndex maps a 64-bit hash of (kind, normalised value) to a record's
// position: a few bytes per reference form, never the strings themselves,
// so a firm with a million contacts costs tens of megabytes, not hundreds.
// A hash collision (odds about 1 in 10^10 for a million keys) could only
// make a name cell show another record's name; data/ is unaffected.
type refIndex map[uint64]int32

func refHash(kind byte, s string) uint64 {
	h := uint64(14695981039346656037) ^ uint64(kind)
	h *= 1099511628211
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

func (ix refIndex) set(kind byte, k string, v int32) {
	if k == "" {
		return
	}
	h := refHash(kind, k)
	if _, ok := ix[h]; !ok {
		ix[h] = v
	}
}

func (ix refIndex) get(kind byte, k string) (int32, bool) {
	if k == "" {
		return 0, false
	}
	v, ok := ix[refHash(kind, k)]
	return v, ok
}

// Reference kinds in a refIndex.
const (
	byKey byte = iota + 1
	byID
	byName
	byEmail
	byNumber
)

// contactIndex resolves legacy contact references to the names written in
// the contacts file.
type contactIndex struct {
	list []names
	ix   refIndex
}

func newContactIndex() *contactIndex { return &contactIndex{ix: refIndex{}} }

func legacyID(key string) string {
	if i := strings.LastIndexByte(key, ':'); i >= 0 {
		return key[i+1:]
	}
	return key
}

func (ci *contactIndex) add(key string, c *model.Contact, n names) {
	i := int32(len(ci.list))
	ci.list = append(ci.list, n)
	ci.ix.set(byKey, key, i)
	ci.ix.set(byID, legacyID(key), i)
	for _, s := range []string{c.Name, model.DisplayName(c), c.FirstName + " " + c.LastName, c.LastName + " " + c.FirstName,
		c.LastName + " " + c.FirstName + " " + c.MiddleName} {
		ci.ix.set(byName, fold(s), i)
	}
	for _, e := range c.Emails {
		ci.ix.set(byEmail, strings.ToLower(strings.TrimSpace(e.Address)), i)
	}
}

func (ci *contactIndex) find(ref model.Ref) (names, bool) {
	v := strings.TrimSpace(ref.Value)
	var tries [][2]any
	switch ref.Kind {
	case "id":
		tries = [][2]any{{byID, v}}
	case "key":
		tries = [][2]any{{byKey, v}}
	case "name":
		tries = [][2]any{{byName, fold(v)}}
	case "email":
		tries = [][2]any{{byEmail, strings.ToLower(v)}}
	default:
		tries = [][2]any{{byID, v}, {byKey, v}, {byName, fold(v)}, {byEmail, strings.ToLower(v)}}
	}
	for _, t := range tries {
		if i, ok := ci.ix.get(t[0].(byte), t[1].(string)); ok {
			return ci.list[i], true
		}
	}
	return names{}, false
}

// matterIndex resolves legacy matter references to the display number that
// 02-matters.csv writes as custom_number (what Clio's importers match on),
// and to the matter's client as written in the contacts file.
type matterIndex struct {
	numbers []string
	clients []names
	ix      refIndex
}

func newMatterIndex() *matterIndex { return &matterIndex{ix: refIndex{}} }

func normNumber(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

func (mi *matterIndex) add(key string, m *model.Matter, client names) {
	i := int32(len(mi.numbers))
	mi.numbers = append(mi.numbers, m.DisplayNumber)
	mi.clients = append(mi.clients, client)
	mi.ix.set(byKey, key, i)
	mi.ix.set(byID, legacyID(key), i)
	mi.ix.set(byNumber, normNumber(m.DisplayNumber), i)
}

// number is the display number for ref; an unresolved number reference is
// written as given (the readiness check reports the orphan).
func (mi *matterIndex) number(ref model.Ref) string {
	i, ok := mi.find(ref)
	if ok && mi.numbers[i] != "" {
		return mi.numbers[i]
	}
	if ref.Kind == "number" || ref.Kind == "" {
		return strings.TrimSpace(ref.Value)
	}
	return ""
}

// client is the matter's client as written in the contacts file.
func (mi *matterIndex) client(ref model.Ref) names {
	if i, ok := mi.find(ref); ok {
		return mi.clients[i]
	}
	return names{}
}

func (mi *matterIndex) find(ref model.Ref) (int32, bool) {
	v := strings.TrimSpace(ref.Value)
	switch ref.Kind {
	case "number":
		return mi.ix.get(byNumber, normNumber(v))
	case "id":
		return mi.ix.get(byID, v)
	case "key":
		return mi.ix.get(byKey, v)
	}
	if i, ok := mi.ix.get(byNumber, normNumber(v)); ok {
		return i, true
	}
	if i, ok := mi.ix.get(byID, v); ok {
		return i, true
	}
	return mi.ix.get(byKey, v)
}

// contactNames is how a contact appears in the contacts file.
func contactNames(c *model.Contact, companyOf func(model.Ref) string) names {
	if c.Type == "Company" || (c.FirstName == "" && c.LastName == "" && c.Name != "") {
		return names{company: c.Name}
	}
	return names{first: c.FirstName, last: c.LastName, company: companyOf(c.Company)}
}

func pick[T any](xs []T, isDefault func(T) bool, prefer func(T) bool) (T, bool) {
	var zero T
	if len(xs) == 0 {
		return zero, false
	}
	for _, x := range xs {
		if isDefault(x) {
			return x, true
		}
	}
	for _, x := range xs {
		if prefer(x) {
			return x, true
		}
	}
	return xs[0], true
}

// clioWriter writes clio-import/: Clio's own CSV import templates.
type clioWriter struct {
	ctx      context.Context
	ws       *workspace.Workspace
	z        *zipOut
	contacts *contactIndex
	matters  *matterIndex
	asOf     string // cut-off date for balances without one
}

func (c *clioWriter) each(e model.Entity, fn func(workspace.StoredRecord) error) error {
	n := 0
	return c.ws.EachRecord(c.ctx, workspace.RecordFilter{Entity: e}, func(r workspace.StoredRecord) error {
		if n++; n%1000 == 0 {
			if err := c.ctx.Err(); err != nil {
				return err
			}
		}
		return fn(r)
	})
}

func (c *clioWriter) file(path string, header []string, kinds []colKind, e model.Entity, fn func(*csvFile, workspace.StoredRecord) error) error {
	f, err := c.z.csv(path, false, header, kinds...)
	if err != nil {
		return err
	}
	if err := c.each(e, func(r workspace.StoredRecord) error { return fn(f, r) }); err != nil {
		return err
	}
	return f.close()
}

func (c *clioWriter) client(ref model.Ref) names {
	if n, ok := c.contacts.find(ref); ok {
		return n
	}
	return names{}
}

func (c *clioWriter) companyName(ref model.Ref) string {
	if ref.IsZero() {
		return ""
	}
	if n, ok := c.contacts.find(ref); ok && n.company != "" && n.first == "" && n.last == "" {
		return n.company
	}
	if ref.Kind == "name" || ref.Kind == "" {
		return ref.Value
	}
	return ""
}

func yesNo(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func (c *clioWriter) write() error {
	steps := []func() error{c.contactsCSV, c.mattersCSV, c.activitiesCSV, c.balancesCSV, c.calendarCSV,
		c.contactNotesCSV, c.matterNotesCSV, c.tasksCSV, c.relatedCSV}
	for _, s := range steps {
		if err := s(); err != nil {
			return err
		}
	}
	if err := c.z.writeAll("clio-import/README.txt", []byte(importReadme)); err != nil {
		return err
	}
	return c.trustCSV()
}

func (c *clioWriter) contactsCSV() error {
	header := []string{"title", "job_title", "first_name", "last_name", "company", "business_street", "business_city",
		"business_state", "business_postal_code", "email_address", "primary_phone"}
	kinds := []colKind{text, text, text, text, text, text, text, text, text, text, phone}
	return c.file("clio-import/01-contacts.csv", header, kinds, model.Contacts, func(f *csvFile, r workspace.StoredRecord) error {
		ct := r.Data.(*model.Contact)
		n := contactNames(ct, c.companyName)
		c.contacts.add(r.Key, ct, n)
		addr, _ := pick(ct.Addresses, func(a model.Address) bool { return false }, func(a model.Address) bool { return a.Name == "Work" })
		email, _ := pick(ct.Emails, func(e model.Email) bool { return e.Default }, func(e model.Email) bool { return e.Name == "Work" })
		ph, _ := pick(ct.Phones, func(p model.Phone) bool { return p.Default }, func(p model.Phone) bool { return p.Name == "Work" })
		title := ""
		if n.first != "" || n.last != "" {
			title = ct.Prefix
		}
		return f.row(title, ct.Title, n.first, n.last, n.company, addr.Street, addr.City, addr.Province, addr.PostalCode,
			email.Address, ph.Number)
	})
}

func (c *clioWriter) mattersCSV() error {
	header := []string{"status", "location", "client_reference", "description", "open_date", "close_date", "pending_date",
		"custom_number", "note", "client_first_name", "client_last_name", "client_company_name"}
	return c.file("clio-import/02-matters.csv", header, nil, model.Matters, func(f *csvFile, r workspace.StoredRecord) error {
		m := r.Data.(*model.Matter)
		cl := c.client(m.Client)
		if cl.first != "" || cl.last != "" {
			cl.company = "" // a person client is matched by name; their employer is not the client
		}
		c.matters.add(r.Key, m, cl)
		company := cl.company
		return f.row(m.Status, m.Location, m.ClientReference, m.Description, usDate(m.OpenDate), usDate(m.CloseDate),
			usDate(m.PendingDate), m.DisplayNumber, "", cl.first, cl.last, company)
	})
}

var activityHeader = []string{"matter", "date", "activity_description", "note", "price", "quantity", "type", "activity_user", "non_billable"}

func (c *clioWriter) activitiesCSV() error {
	kinds := []colKind{text, text, text, text, number, number}
	return c.file("clio-import/03-activities.csv", activityHeader, kinds, model.TimeEntries, func(f *csvFile, r workspace.StoredRecord) error {
		t := r.Data.(*model.TimeEntry)
		typ, qty := "", hours(t.Seconds)
		if t.Type != "" && t.Type != "TimeEntry" {
			typ = t.Type
			if t.Seconds == 0 {
				qty = "1"
			}
		}
		return f.row(c.matters.number(t.Matter), usDate(t.Date), t.Activity, t.Note, t.Price.String(), qty, typ, t.User, yesNo(t.NonBillable))
	})
}

func (c *clioWriter) balancesCSV() error {
	header := []string{"matter", "date", "activity_description", "note", "price", "quantity"}
	kinds := []colKind{text, text, text, text, number, number}
	return c.file("clio-import/04-balances-forward.csv", header, kinds, model.ARBalances, func(f *csvFile, r workspace.StoredRecord) error {
		b := r.Data.(*model.ARBalance)
		asOf := b.AsOf
		if asOf == "" {
			asOf = c.asOf
		}
		note := "Accounts receivable at the cut-off " + asOf
		if b.Lines > 0 {
			note += " (from " + itoa(int64(b.Lines)) + " ledger lines)"
		}
		return f.row(c.matters.number(b.Matter), usDate(asOf), BalanceDescription, note, b.Amount.String(), "1")
	})
}

func (c *clioWriter) calendarCSV() error {
	header := []string{"summary", "description", "location", "start_date", "start_time", "end_date", "end_time", "all_day",
		"calendar", "matter", "recurrence_rule", "time_zone"}
	return c.file("clio-import/05-calendar.csv", header, nil, model.CalendarEvents, func(f *csvFile, r workspace.StoredRecord) error {
		ev := r.Data.(*model.CalendarEvent)
		st, et := usTime(ev.StartAt), usTime(ev.EndAt)
		if ev.AllDay {
			st, et = "", ""
		}
		return f.row(ev.Summary, ev.Description, ev.Location, usDate(ev.StartAt), st, usDate(ev.EndAt), et, yesNo(ev.AllDay),
			ev.Owner, c.matters.number(ev.Matter), ev.RecurrenceRule, ev.TimeZone)
	})
}

func (c *clioWriter) contactNotesCSV() error {
	header := []string{"first_name", "last_name", "company", "date", "subject", "detail", "author"}
	return c.file("clio-import/06-contact-notes.csv", header, nil, model.Notes, func(f *csvFile, r workspace.StoredRecord) error {
		n := r.Data.(*model.Note)
		if n.Type != "Contact" {
			return nil
		}
		cl := c.client(n.Contact)
		return f.row(cl.first, cl.last, cl.company, usDate(n.Date), n.Subject, n.Detail, n.Author)
	})
}

func (c *clioWriter) matterNotesCSV() error {
	header := []string{"matter", "date", "subject", "detail", "author"}
	return c.file("clio-import/07-matter-notes.csv", header, nil, model.Notes, func(f *csvFile, r workspace.StoredRecord) error {
		n := r.Data.(*model.Note)
		if n.Type == "Contact" {
			return nil
		}
		return f.row(c.matters.number(n.Matter), usDate(n.Date), n.Subject, n.Detail, n.Author)
	})
}

func (c *clioWriter) tasksCSV() error {
	header := []string{"name", "description", "matter", "assignee", "due_date", "priority", "status"}
	return c.file("clio-import/08-tasks.csv", header, nil, model.Tasks, func(f *csvFile, r workspace.StoredRecord) error {
		t := r.Data.(*model.Task)
		return f.row(t.Name, t.Description, c.matters.number(t.Matter), t.Assignee, usDate(t.DueAt), t.Priority, t.Status)
	})
}

func (c *clioWriter) relatedCSV() error {
	header := []string{"matter", "first_name", "last_name", "company", "relationship"}
	return c.file("clio-import/09-related-contacts.csv", header, nil, model.Relationships, func(f *csvFile, r workspace.StoredRecord) error {
		rel := r.Data.(*model.Relationship)
		cl := c.client(rel.Contact)
		return f.row(c.matters.number(rel.Matter), cl.first, cl.last, cl.company, rel.Description)
	})
}

func (c *clioWriter) trustCSV() error {
	header := []string{"matter", "client_first_name", "client_last_name", "client_company_name", "amount", "as_of", "ledger_lines"}
	kinds := []colKind{text, text, text, text, number, text, number}
	return c.file("clio-import/trust-balances.csv", header, kinds, model.TrustBalances, func(f *csvFile, r workspace.StoredRecord) error {
		b := r.Data.(*model.TrustBalance)
		cl := c.client(b.Contact)
		if b.Contact.IsZero() {
			cl = c.matters.client(b.Matter)
		}
		asOf := b.AsOf
		if asOf == "" {
			asOf = c.asOf
		}
		return f.row(c.matters.number(b.Matter), cl.first, cl.last, cl.company, b.Amount.String(), usDate(asOf), itoa(int64(b.Lines)))
	})
}

const importReadme = `Handover migration package: Clio import files
=============================================

These CSV files are made for Clio Manage's own CSV import (Imports page:
https://app.clio.com/imports, or ca.app.clio.com/imports in Canada, then Add).
Dates are MM/DD/YYYY; time is in decimal hours; money has no thousands
separator. The files are UTF-8 without a byte order mark.

01 to 04 use the column names of Clio's published templates (contacts,
matters, activities, balances forward): do not change their header rows.
05 to 09 use Clio's field names because their templates' exact headers were
not published where Handover could read them: download Clio's template for
each from the Imports page and, if a header differs, rename that header cell
to Clio's before importing.

Import them in this order (contacts before matters, matters before what hangs
off them):

  01-contacts.csv           Contacts from CSV
  02-matters.csv            Matters from CSV (clients are matched by the names
                            written in 01-contacts.csv)
  03-activities.csv         Activities from CSV: unbilled time and expenses
                            (quantity in decimal hours, price per hour)
  04-balances-forward.csv   Activities from CSV: one "Balance Brought Forward
                            from Previous Software" line per matter with an
                            accounts-receivable balance (quantity 1, price =
                            balance). Bill these in Clio afterwards.
  05-calendar.csv           Calendar events
  06-contact-notes.csv      Contact notes
  07-matter-notes.csv       Matter notes
  08-tasks.csv              Tasks
  09-related-contacts.csv   Related contacts

Not in these CSV files:

  - Trust balances: Clio has no CSV import for them. trust-balances.csv lists
    one line per matter (or per client when the ledger named no matter) with
    the balance at the cut-off: enter each as a deposit in the Clio trust
    account by hand (or through Handover's upload).
  - E-mails, phone logs and documents: Clio takes them only through its API.
    Handover's upload sends them; their full data is in data/ (and the files
    in documents/).

A cell that starts with = + - @ in a text column starts with an apostrophe
(') so a spreadsheet never runs it as a formula; the exact values are in
data/*.jsonl. Amounts and quantities are never changed.
`
