package pack

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"handover/core/model"
	"handover/core/resolve"
	"handover/core/workspace"
)

// BalanceDescription is the activity description Clio's balances-forward
// template uses by default (CLIO-API.md §6).
const BalanceDescription = "Balance Brought Forward from Previous Software"

// names is how a contact is written in 01-contacts.csv: the other files name
// contacts with exactly these values so Clio's importer can match them.
type names struct{ first, last, company string }

// refs resolves legacy contact and matter references (with the project's
// one resolver, as check and upload do) and gives how the contacts and
// matters files wrote the record found. The names written live in a private
// temporary SQLite database (unnamed: SQLite deletes it on close), so
// packaging a firm with ten times the contacts keeps only the resolver's
// few hashes a record in memory.
type refs struct {
	ctx   context.Context
	res   *resolve.Resolver
	index *workspace.Scratch
	tx    *sql.Tx
	stmt  map[string]*sql.Stmt
	err   error // the first failure; lookups after it find nothing
	// Records found are kept for the next reference to them: a firm's time
	// entries name its matters in no order, each many times, and a look-up
	// in the index costs a hundred times a map's. Bounded, so memory stays
	// flat however many contacts and matters a firm has.
	contacts, matters *foundCache
}

// foundCache holds up to max records found, by key; when full, a random
// one makes room. Only records found are kept: the files add records to
// the index as they write them, so a key not found yet may be found later.
// A record's fields are kept as one string and where each ends.
type foundCache struct {
	max int
	m   map[string]packedFound
}

type found struct {
	number string // a matter's display number
	n      names
}

type packedFound struct {
	s       string // number, first, last, company one after another
	a, b, c uint32 // where number, first and last end
}

func newFoundCache(max int) *foundCache { return &foundCache{max: max, m: map[string]packedFound{}} }

func (c *foundCache) get(key string) (found, bool) {
	p, ok := c.m[key]
	if !ok {
		return found{}, false
	}
	return found{number: p.s[:p.a], n: names{first: p.s[p.a:p.b], last: p.s[p.b:p.c], company: p.s[p.c:]}}, true
}

func (c *foundCache) put(key string, f found) {
	if c.max <= 0 {
		return
	}
	if len(c.m) >= c.max {
		for k := range c.m { // map order is random: a random entry goes
			delete(c.m, k)
			break
		}
	}
	s := f.number + f.n.first + f.n.last + f.n.company
	a := uint32(len(f.number))
	b := a + uint32(len(f.n.first))
	c.m[key] = packedFound{s: s, a: a, b: b, c: b + uint32(len(f.n.last))}
}

// Enough for every matter of a large firm (about 100 bytes each with the
// key, so at most 7 MB); contacts are mostly named once or twice (a
// matter's client, a note's), so a few suffice.
const (
	cachedMatters  = 1 << 16
	cachedContacts = 1 << 12
)

const refsSchema = `
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
CREATE TABLE contact(key TEXT PRIMARY KEY, first TEXT, last TEXT, company TEXT) WITHOUT ROWID;
CREATE TABLE matter(key TEXT PRIMARY KEY, number TEXT, first TEXT, last TEXT, company TEXT) WITHOUT ROWID;`

var refsStmts = map[string]string{
	"contact": `INSERT OR REPLACE INTO contact VALUES(?,?,?,?)`,
	"matter":  `INSERT OR REPLACE INTO matter VALUES(?,?,?,?,?)`,
	"findC":   `SELECT first, last, company FROM contact WHERE key = ?`,
	"findM":   `SELECT number, first, last, company FROM matter WHERE key = ?`,
}

// newRefs starts an empty index; the writer adds contacts and matters as it
// writes them. Records merged while cleaning are added now: references to
// them lead to the record they were merged into.
func newRefs(ctx context.Context, ws *workspace.Workspace) (_ *refs, err error) {
	index, err := workspace.OpenScratch(ctx, "reference index", refsSchema)
	if err != nil {
		return nil, err
	}
	r := &refs{ctx: ctx, res: resolve.New(), index: index, stmt: map[string]*sql.Stmt{},
		contacts: newFoundCache(cachedContacts), matters: newFoundCache(cachedMatters)}
	defer func() {
		if err != nil {
			r.close()
		}
	}()
	if ws != nil {
		if err = r.res.AddMerged(ctx, ws); err != nil {
			return nil, err
		}
	}
	if r.tx, err = index.Conn.BeginTx(ctx, nil); err != nil {
		return nil, err
	}
	for name, q := range refsStmts {
		if r.stmt[name], err = r.tx.PrepareContext(ctx, q); err != nil {
			return nil, fmt.Errorf("reference index: %w", err)
		}
	}
	return r, nil
}

// close drops the index (safe to call more than once).
func (r *refs) close() {
	for _, st := range r.stmt {
		st.Close()
	}
	r.stmt = map[string]*sql.Stmt{}
	if r.tx != nil {
		r.tx.Rollback()
		r.tx = nil
	}
	if r.index != nil {
		r.index.Close()
		r.index = nil
	}
	r.res = resolve.New()
	r.contacts, r.matters = newFoundCache(0), newFoundCache(0)
}

func (r *refs) exec(name string, args ...any) {
	if r.err != nil {
		return
	}
	if _, err := r.stmt[name].ExecContext(r.ctx, args...); err != nil {
		r.err = fmt.Errorf("reference index: %w", err)
	}
}

// addContact records how a contact was written in 01-contacts.csv.
func (r *refs) addContact(rec workspace.StoredRecord, n names) {
	r.res.Add(rec)
	r.exec("contact", rec.Key, n.first, n.last, n.company)
}

// findContact resolves a contact reference to how the contacts file wrote
// the contact; a missing or ambiguous reference finds nothing (the
// readiness check reports it).
func (r *refs) findContact(ref model.Ref) (names, bool) {
	res := r.res.Contact(ref)
	if res.Status != resolve.Found {
		return names{}, false
	}
	if f, ok := r.contacts.get(res.Key); ok {
		return f.n, true
	}
	var n names
	ok := r.lookup("findC", res.Key, &n.first, &n.last, &n.company)
	if ok {
		r.contacts.put(res.Key, found{n: n})
	}
	return n, ok
}

func (r *refs) lookup(stmt string, key string, dest ...any) bool {
	if r.err != nil {
		return false
	}
	err := r.stmt[stmt].QueryRowContext(r.ctx, key).Scan(dest...)
	if err == sql.ErrNoRows {
		return false
	}
	if err != nil {
		r.err = fmt.Errorf("reference index: %w", err)
		return false
	}
	return true
}

// addMatter records a matter's display number (what 02-matters.csv writes
// as custom_number, which Clio's importers match on) and its client as
// written in the contacts file.
func (r *refs) addMatter(rec workspace.StoredRecord, client names) {
	r.res.Add(rec)
	m := rec.Data.(*model.Matter)
	r.exec("matter", rec.Key, m.DisplayNumber, client.first, client.last, client.company)
}

// matter is the display number and client for ref.
func (r *refs) matter(ref model.Ref) (number string, client names, ok bool) {
	res := r.res.Matter(ref)
	if res.Status != resolve.Found {
		return "", names{}, false
	}
	if f, ok := r.matters.get(res.Key); ok {
		return f.number, f.n, true
	}
	ok = r.lookup("findM", res.Key, &number, &client.first, &client.last, &client.company)
	if ok {
		r.matters.put(res.Key, found{number: number, n: client})
	}
	return number, client, ok
}

// number is the display number for ref; an unresolved number reference is
// written as given (the readiness check reports the orphan).
func (r *refs) number(ref model.Ref) string {
	n, _, ok := r.matter(ref)
	if ok && n != "" {
		return n
	}
	if ref.Kind == "number" || ref.Kind == "" {
		return strings.TrimSpace(ref.Value)
	}
	return ""
}

// matterClient is the matter's client as written in the contacts file.
func (r *refs) matterClient(ref model.Ref) names {
	_, c, _ := r.matter(ref)
	return c
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

// clioWriter writes the rows of clio-import/: Clio's own CSV import
// templates, one row per record (recordPass reads each type once).
type clioWriter struct {
	ctx  context.Context
	refs *refs
	asOf string // cut-off date for balances without one
}

// clioFile is one CSV of clio-import/: the records of one type, a row each
// (or none, for a record the file does not hold).
type clioFile struct {
	path   string
	header []string
	kinds  []colKind
	entity model.Entity
	row    func(c *clioWriter, f *csvFile, r workspace.StoredRecord) error
}

// clioTrustPath comes after README.txt in the zip.
const clioTrustPath = "clio-import/trust-balances.csv"

// clioFiles are clio-import/'s CSVs in zip order. Contacts come first and
// matters next: the later files name them as those two wrote them.
var clioFiles = []clioFile{
	{"clio-import/01-contacts.csv", []string{"title", "job_title", "first_name", "last_name", "company", "business_street", "business_city",
		"business_state", "business_postal_code", "email_address", "primary_phone"},
		[]colKind{text, text, text, text, text, text, text, text, text, text, phone}, model.Contacts, (*clioWriter).contactRow},
	{"clio-import/02-matters.csv", []string{"status", "location", "client_reference", "description", "open_date", "close_date", "pending_date",
		"custom_number", "note", "client_first_name", "client_last_name", "client_company_name"}, nil, model.Matters, (*clioWriter).matterRow},
	{"clio-import/03-activities.csv", activityHeader, []colKind{text, text, text, text, number, number}, model.TimeEntries, (*clioWriter).activityRow},
	{"clio-import/04-balances-forward.csv", []string{"matter", "date", "activity_description", "note", "price", "quantity"},
		[]colKind{text, text, text, text, number, number}, model.ARBalances, (*clioWriter).balanceRow},
	{"clio-import/05-calendar.csv", []string{"summary", "description", "location", "start_date", "start_time", "end_date", "end_time", "all_day",
		"calendar", "matter", "recurrence_rule", "time_zone"}, nil, model.CalendarEvents, (*clioWriter).calendarRow},
	{"clio-import/06-contact-notes.csv", []string{"first_name", "last_name", "company", "date", "subject", "detail", "author"}, nil,
		model.Notes, (*clioWriter).contactNoteRow},
	{"clio-import/07-matter-notes.csv", []string{"matter", "date", "subject", "detail", "author"}, nil, model.Notes, (*clioWriter).matterNoteRow},
	{"clio-import/08-tasks.csv", []string{"name", "description", "matter", "assignee", "due_date", "priority", "status"}, nil,
		model.Tasks, (*clioWriter).taskRow},
	{"clio-import/09-related-contacts.csv", []string{"matter", "first_name", "last_name", "company", "relationship"}, nil,
		model.Relationships, (*clioWriter).relatedRow},
	{clioTrustPath, []string{"matter", "client_first_name", "client_last_name", "client_company_name", "amount", "as_of", "ledger_lines"},
		[]colKind{text, text, text, text, number, text, number}, model.TrustBalances, (*clioWriter).trustRow},
}

func (c *clioWriter) client(ref model.Ref) names {
	if n, ok := c.refs.findContact(ref); ok {
		return n
	}
	return names{}
}

func (c *clioWriter) companyName(ref model.Ref) string {
	if ref.IsZero() {
		return ""
	}
	if n, ok := c.refs.findContact(ref); ok && n.company != "" && n.first == "" && n.last == "" {
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

func (c *clioWriter) contactRow(f *csvFile, r workspace.StoredRecord) error {
	ct := r.Data.(*model.Contact)
	n := contactNames(ct, c.companyName)
	c.refs.addContact(r, n)
	addr, _ := pick(ct.Addresses, func(a model.Address) bool { return false }, func(a model.Address) bool { return a.Name == "Work" })
	email, _ := pick(ct.Emails, func(e model.Email) bool { return e.Default }, func(e model.Email) bool { return e.Name == "Work" })
	ph, _ := pick(ct.Phones, func(p model.Phone) bool { return p.Default }, func(p model.Phone) bool { return p.Name == "Work" })
	title := ""
	if n.first != "" || n.last != "" {
		title = ct.Prefix
	}
	return f.row(title, ct.Title, n.first, n.last, n.company, addr.Street, addr.City, addr.Province, addr.PostalCode,
		email.Address, ph.Number)
}

func (c *clioWriter) matterRow(f *csvFile, r workspace.StoredRecord) error {
	m := r.Data.(*model.Matter)
	cl := c.client(m.Client)
	if cl.first != "" || cl.last != "" {
		cl.company = "" // a person client is matched by name; their employer is not the client
	}
	c.refs.addMatter(r, cl)
	company := cl.company
	return f.row(m.Status, m.Location, m.ClientReference, m.Description, usDate(m.OpenDate), usDate(m.CloseDate),
		usDate(m.PendingDate), m.DisplayNumber, "", cl.first, cl.last, company)
}

var activityHeader = []string{"matter", "date", "activity_description", "note", "price", "quantity", "type", "activity_user", "non_billable"}

func (c *clioWriter) activityRow(f *csvFile, r workspace.StoredRecord) error {
	t := r.Data.(*model.TimeEntry)
	typ, qty := "", hours(t.Seconds)
	if t.Type != "" && t.Type != "TimeEntry" {
		typ = t.Type
		if t.Seconds == 0 {
			qty = "1"
		}
	}
	return f.row(c.refs.number(t.Matter), usDate(t.Date), t.Activity, t.Note, t.Price.String(), qty, typ, t.User, yesNo(t.NonBillable))
}

func (c *clioWriter) balanceRow(f *csvFile, r workspace.StoredRecord) error {
	b := r.Data.(*model.ARBalance)
	asOf := b.AsOf
	if asOf == "" {
		asOf = c.asOf
	}
	note := "Accounts receivable at the cut-off " + asOf
	if b.Lines > 0 {
		note += " (from " + itoa(int64(b.Lines)) + " ledger lines)"
	}
	return f.row(c.refs.number(b.Matter), usDate(asOf), BalanceDescription, note, b.Amount.String(), "1")
}

func (c *clioWriter) calendarRow(f *csvFile, r workspace.StoredRecord) error {
	ev := r.Data.(*model.CalendarEvent)
	st, et := usTime(ev.StartAt), usTime(ev.EndAt)
	if ev.AllDay {
		st, et = "", ""
	}
	return f.row(ev.Summary, ev.Description, ev.Location, usDate(ev.StartAt), st, usDate(ev.EndAt), et, yesNo(ev.AllDay),
		ev.Owner, c.refs.number(ev.Matter), ev.RecurrenceRule, ev.TimeZone)
}

func (c *clioWriter) contactNoteRow(f *csvFile, r workspace.StoredRecord) error {
	n := r.Data.(*model.Note)
	if !resolve.NoteOnContact(n) {
		return nil
	}
	cl := c.client(n.Contact)
	return f.row(cl.first, cl.last, cl.company, usDate(n.Date), n.Subject, n.Detail, n.Author)
}

func (c *clioWriter) matterNoteRow(f *csvFile, r workspace.StoredRecord) error {
	n := r.Data.(*model.Note)
	if resolve.NoteOnContact(n) {
		return nil
	}
	return f.row(c.refs.number(n.Matter), usDate(n.Date), n.Subject, n.Detail, n.Author)
}

func (c *clioWriter) taskRow(f *csvFile, r workspace.StoredRecord) error {
	t := r.Data.(*model.Task)
	return f.row(t.Name, t.Description, c.refs.number(t.Matter), t.Assignee, usDate(t.DueAt), t.Priority, t.Status)
}

func (c *clioWriter) relatedRow(f *csvFile, r workspace.StoredRecord) error {
	rel := r.Data.(*model.Relationship)
	cl := c.client(rel.Contact)
	return f.row(c.refs.number(rel.Matter), cl.first, cl.last, cl.company, rel.Description)
}

func (c *clioWriter) trustRow(f *csvFile, r workspace.StoredRecord) error {
	b := r.Data.(*model.TrustBalance)
	cl := c.client(b.Contact)
	if b.Contact.IsZero() {
		cl = c.refs.matterClient(b.Matter)
	}
	asOf := b.AsOf
	if asOf == "" {
		asOf = c.asOf
	}
	return f.row(c.refs.number(b.Matter), cl.first, cl.last, cl.company, b.Amount.String(), usDate(asOf), itoa(int64(b.Lines)))
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
