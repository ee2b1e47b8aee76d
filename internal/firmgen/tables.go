package firmgen

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// Typed cells: each sink writes them in the firm's style and its own types.
type (
	day    time.Time // a date
	moment time.Time // a date and time
	cents  int64     // money
	secs   int64     // a duration
	flag   bool      // yes/no
)

// col is one column of a logical table.
type col struct {
	concept  string
	optional bool // may be missing from a firm's export
	// sameHeaderAs: written under the same header as that concept's column
	// (two "Address" columns), for Quirks.DupHeader.
	sameHeaderAs string
}

// rowMeta is what a row is in truth.
type rowMeta struct {
	id     string // record id ("" for a row that is not a record)
	entity string
	links  []Link // Child filled with id
	excl   string // exclusion reason for a row that is not a record
	// values: a few fields as Clio should receive them (dates YYYY-MM-DD,
	// money in cents, durations in seconds), to tell a record read right
	// from one read wrong.
	values  map[string]string
	planted []string // finding rules that should fire on this record
	user    string   // the e-mail of the person the record is filed under (Record.User)
	// derived records this row introduces (a party's new contact)
	derived []Record
}

// table is a logical table before it is written.
type table struct {
	base string // clients, matters, time ...
	cols []col
	rows [][]any
	meta []rowMeta
	// pk names the key column's concept and fks the reference columns'
	// concepts → parent table base, for databases that declare them.
	pk  string
	fks map[string]string
}

func (t *table) add(m rowMeta, cells ...any) {
	if len(cells) != len(t.cols) {
		panic(fmt.Sprintf("firmgen: table %s: %d cells for %d columns", t.base, len(cells), len(t.cols)))
	}
	t.rows = append(t.rows, cells)
	t.meta = append(t.meta, m)
}

// shape decides which optional columns a firm leaves out and which extra
// ones it carries, once per table.
func (t *table) shape(r *rand.Rand, st Style) {
	if st.Drop {
		keep := t.cols[:0:0]
		var idx []int
		dropped := 0
		for i, c := range t.cols {
			if c.optional && dropped < 2 && r.IntN(2) == 0 {
				dropped++
				continue
			}
			keep = append(keep, c)
			idx = append(idx, i)
		}
		for i, row := range t.rows {
			nr := make([]any, len(idx))
			for j, k := range idx {
				nr[j] = row[k]
			}
			t.rows[i] = nr
		}
		t.cols = keep
	}
	if st.Extra {
		t.cols = append(t.cols, col{concept: "old_ref"}, col{concept: "remarks"})
		for i := range t.rows {
			var remark any
			if r.IntN(6) == 0 {
				remark = pick(r, []string{"see file", "check", "ok", "migrated 2019"})
			}
			t.rows[i] = append(t.rows[i], fmt.Sprintf("R%05d", r.IntN(99999)), remark)
		}
	}
}

func cid(c int) string { return fmt.Sprintf("C%d", c) }
func mid(m int) string { return fmt.Sprintf("M%d", m) }

func link(child, field, parent string) Link { return Link{Child: child, Field: field, Parent: parent} }

// builder turns the world into logical tables in one firm's style.
type builder struct {
	w  *world
	st Style
	r  *rand.Rand
	lr *rand.Rand // the ledger shapes' own stream (Style.L)
	// relational: clients are referenced by numeric id, matters by id or
	// by their number (MatterNo), staff by initials decoded by a staff table.
	relational bool
	// staffByName: the firm writes its people by full name, not initials
	// (decided once: one export writes them one way).
	staffByName bool
}

func (b *builder) matterRef(mi int) any {
	m := b.w.matters[mi]
	if b.st.MatterRef == "id" {
		return m.ID
	}
	if b.st.Q.MatterDesc && !b.relational {
		return b.st.matterWithDesc(m, b.w.contacts[m.Client])
	}
	return b.st.matterNumber(m)
}

func (b *builder) clientRef(ci int) any {
	c := b.w.contacts[ci]
	if b.st.ClientRef == "id" || b.relational {
		return c.ID
	}
	return b.st.clientName(c)
}

func (b *builder) staffRef(si int) any {
	s := b.w.staff[si]
	if b.relational || !b.staffByName {
		return s.Initials
	}
	return s.First + " " + s.Last
}

func (b *builder) contacts(withParties bool) *table {
	t := &table{base: "clients", pk: "client_id", cols: []col{{concept: "client_id"}, {concept: "company"}, {concept: "first"},
		{concept: "middle", optional: true}, {concept: "last"}, {concept: "email"}, {concept: "phone", optional: true},
		{concept: "street", optional: true}, {concept: "city", optional: true}, {concept: "zip", optional: true},
		{concept: "created", optional: true}}}
	for i, c := range b.w.contacts {
		if c.party && !withParties {
			continue
		}
		var mid any
		if c.Middle != "" {
			mid = c.Middle
		}
		t.add(rowMeta{id: cid(i), entity: "contacts", values: contactValues(c), planted: c.planted}, c.ID, nilIfEmpty(c.Company), nilIfEmpty(c.First), mid, nilIfEmpty(c.Last),
			c.Email, c.Phone, c.Street, c.City, c.Zip, day(c.Created))
	}
	return t
}

func (b *builder) matters(statusCodes bool) *table {
	t := &table{base: "matters", pk: "matter_id", fks: map[string]string{"client_id": "clients"},
		cols: []col{{concept: "matter_id"}, {concept: "matter_no"}, {concept: "client_id"}, {concept: "description"},
			{concept: "area", optional: true}, {concept: "status"}, {concept: "opened"}, {concept: "closed"},
			{concept: "attorney"}}}
	if !b.relational && b.st.ClientRef != "id" {
		t.cols[2].concept = "client"
		t.fks = nil
	}
	for i, m := range b.w.matters {
		var closed any
		if !m.Closed.IsZero() {
			closed = day(m.Closed)
		}
		var status any = b.st.word(m.Status)
		if statusCodes {
			status = m.Status[:1]
		}
		t.add(rowMeta{id: mid(i), entity: "matters", links: []Link{link(mid(i), "client", cid(m.Client))},
			values: map[string]string{"display_number": b.st.matterNumber(m), "open_date": ymd(m.Opened), "status": m.Status}, planted: m.planted},
			m.ID, b.st.matterNumber(m), b.clientRef(m.Client), m.Desc, m.Area, status, day(m.Opened), closed, b.staffRef(m.Attorney))
	}
	return t
}

func (b *builder) matterCol() string {
	switch {
	case b.st.MatterRef == "id":
		return "matter_id"
	case b.relational:
		return "matter_no" // the conventional MatterNo foreign key
	}
	return "matter"
}

// time writes billed and unbilled entries; billed ones say so with a flag
// or with the invoice number they went on.
func (b *builder) time(byInvoice bool) *table {
	mc := b.matterCol()
	t := &table{base: "time_entries", pk: "entry_id", fks: map[string]string{mc: "matters"},
		cols: []col{{concept: "entry_id"}, {concept: "date"}, {concept: mc}, {concept: "staff"}, {concept: b.st.durationConcept()},
			{concept: "rate"}, {concept: "work"}, {concept: "billed"}}}
	if byInvoice {
		t.cols[7].concept = "invoice_no"
	}
	for _, e := range b.w.time {
		var billed any = flag(e.Billed)
		if byInvoice {
			billed = nilIfEmpty(e.Invoice)
		}
		m := rowMeta{id: fmt.Sprintf("T%d", e.ID), entity: "time_entries", links: []Link{link(fmt.Sprintf("T%d", e.ID), "matter", mid(e.Matter))},
			values: map[string]string{"date": ymd(e.Date), "quantity_seconds": fmt.Sprint(e.Seconds), "price_cents": fmt.Sprint(e.Rate)},
			user:   b.w.staff[e.Staff].Email}
		if e.Billed {
			m = rowMeta{excl: "billed_history"}
		}
		t.add(m, e.ID, day(e.Date), b.matterRef(e.Matter), b.staffRef(e.Staff), secs(e.Seconds), cents(e.Rate), e.Desc, billed)
	}
	return t
}

// invoices: amount with paid, amount with balance, or amount alone when
// payments are a separate list.
func (b *builder) invoices() *table {
	mc := b.matterCol()
	t := &table{base: "invoices", pk: "invoice_no", fks: map[string]string{mc: "matters"},
		cols: []col{{concept: "invoice_no"}, {concept: mc}, {concept: "date"}, {concept: "amount"}}}
	switch b.st.AR {
	case "paid":
		t.cols = append(t.cols, col{concept: "paid"})
	case "balance":
		t.cols = append(t.cols, col{concept: "balance"})
	}
	for _, in := range b.w.invoices {
		cells := []any{in.Number, b.matterRef(in.Matter), day(in.Date), cents(in.Amount)}
		switch b.st.AR {
		case "paid":
			cells = append(cells, cents(in.Paid))
		case "balance":
			cells = append(cells, cents(in.Amount-in.Paid))
		}
		t.add(rowMeta{excl: "accounting_history"}, cells...)
	}
	return t
}

func (b *builder) payments() *table {
	mc := b.matterCol()
	t := &table{base: "payments", fks: map[string]string{mc: "matters"},
		cols: []col{{concept: "date"}, {concept: mc}, {concept: "invoice_no"}, {concept: "amount"}}}
	for _, p := range b.w.payments {
		t.add(rowMeta{excl: "accounting_history"}, day(p.Date), b.matterRef(p.Matter), p.Invoice, cents(p.Amount))
	}
	return t
}

// trust writes the ledger by matter or by client, with a type column,
// signed amounts, or deposit and withdrawal columns.
func (b *builder) trust() *table {
	by := b.matterCol()
	if b.st.TrustBy == "client" {
		by = "client_id"
		if !b.relational && b.st.ClientRef != "id" {
			by = "client"
		}
	}
	t := &table{base: "trust", fks: map[string]string{}, cols: []col{{concept: "date"}, {concept: by}}}
	if by == "client_id" {
		t.fks[by] = "clients"
	} else if by == "matter_id" {
		t.fks[by] = "matters"
	}
	switch b.st.Trust {
	case "type":
		t.cols = append(t.cols, col{concept: "type"}, col{concept: "amount"})
	case "signed":
		t.cols = append(t.cols, col{concept: "amount"})
	default:
		t.cols = append(t.cols, col{concept: "deposit"}, col{concept: "withdrawal"})
	}
	t.cols = append(t.cols, col{concept: "memo", optional: true})
	words := pick(b.r, [][2]string{{"Receipt", "Payment"}, {"Deposit", "Withdrawal"}, {"DEP", "WD"}, {"In", "Out"}})
	if local, ok := trustWords[b.st.Lang]; ok {
		words = local
	}
	for _, l := range b.w.trust {
		var owner any
		if by == "client_id" || by == "client" {
			owner = b.clientRef(b.w.matters[l.Matter].Client)
		} else {
			owner = b.matterRef(l.Matter)
		}
		cells := []any{day(l.Date), owner}
		switch b.st.Trust {
		case "type":
			w := words[1]
			if l.Deposit {
				w = words[0]
			}
			cells = append(cells, w, cents(l.Amount))
		case "signed":
			a := l.Amount
			if !l.Deposit {
				a = -a
			}
			cells = append(cells, cents(a))
		default:
			if l.Deposit {
				cells = append(cells, cents(l.Amount), nil)
			} else {
				cells = append(cells, nil, cents(l.Amount))
			}
		}
		cells = append(cells, l.Memo)
		t.add(rowMeta{excl: "accounting_history"}, cells...)
	}
	return t
}

func (b *builder) notes() *table {
	mc := b.matterCol()
	t := &table{base: "notes", fks: map[string]string{mc: "matters"},
		cols: []col{{concept: "id"}, {concept: mc}, {concept: "date"}, {concept: "author", optional: true}, {concept: "subject", optional: true}, {concept: "text"}}}
	for _, n := range b.w.notes {
		id := fmt.Sprintf("N%d", n.ID)
		t.add(rowMeta{id: id, entity: "notes", links: []Link{link(id, "matter", mid(n.Matter))}, values: map[string]string{"date": ymd(n.Date)}},
			n.ID, b.matterRef(n.Matter), day(n.Date), b.staffRef(n.Author), n.Subject, n.Text)
	}
	return t
}

func (b *builder) tasks() *table {
	mc := b.matterCol()
	t := &table{base: "tasks", fks: map[string]string{mc: "matters"},
		cols: []col{{concept: "id"}, {concept: mc}, {concept: "task"}, {concept: "due"}, {concept: "assignee"},
			{concept: "priority", optional: true}, {concept: "done"}}}
	for _, k := range b.w.tasks {
		id := fmt.Sprintf("K%d", k.ID)
		t.add(rowMeta{id: id, entity: "tasks", links: []Link{link(id, "matter", mid(k.Matter))},
			values: map[string]string{"due_at": ymd(k.Due), "complete": fmt.Sprint(k.Done)}, user: b.w.staff[k.Assignee].Email},
			k.ID, b.matterRef(k.Matter), k.Name, day(k.Due), b.staffRef(k.Assignee), k.Priority, flag(k.Done))
	}
	return t
}

// events: a calendar export with separate date and time columns; all-day
// rows have no times.
func (b *builder) events() *table {
	mc := b.matterCol()
	t := &table{base: "calendar", fks: map[string]string{mc: "matters"},
		cols: []col{{concept: "title"}, {concept: "start_date"}, {concept: "start_time"}, {concept: "end_time"},
			{concept: "all_day"}, {concept: "location", optional: true}, {concept: mc}, {concept: "staff"}}}
	for _, e := range b.w.events {
		id := fmt.Sprintf("E%d", e.ID)
		var st, et any
		if !e.AllDay {
			st = e.Start.Format("15:04")
			et = e.Start.Add(time.Duration(e.Minutes) * time.Minute).Format("15:04")
		}
		t.add(rowMeta{id: id, entity: "calendar_events", links: []Link{link(id, "matter", mid(e.Matter))}, values: eventValues(e), user: b.w.staff[e.Owner].Email},
			e.Title, day(e.Start), st, et, flag(e.AllDay), nilIfEmpty(e.Location), b.matterRef(e.Matter), b.staffRef(e.Owner))
	}
	return t
}

func (b *builder) phone() *table {
	mc := b.matterCol()
	t := &table{base: "phone_messages", fks: map[string]string{mc: "matters"},
		cols: []col{{concept: "date"}, {concept: "time"}, {concept: "caller"}, {concept: "phone", optional: true},
			{concept: "for"}, {concept: mc}, {concept: "message"}, {concept: "call_back", optional: true}}}
	for _, p := range b.w.phone {
		id := fmt.Sprintf("P%d", p.ID)
		c := b.w.contacts[p.Caller]
		t.add(rowMeta{id: id, entity: "phone_logs", links: append([]Link{link(id, "matter", mid(p.Matter))}, b.w.party(id, p.Caller)...),
			values: map[string]string{"received_at": p.At.Format("2006-01-02T15:04")}, user: b.w.staff[p.For].Email},
			day(p.At), p.At.Format("15:04"), displayName(c), c.Phone, b.staffRef(p.For), b.matterRef(p.Matter), p.Message, flag(p.Call))
	}
	return t
}

// parties: matter, name, role, e-mail. A person named here and nowhere
// else becomes one new contact (the first row naming them).
func (b *builder) parties(clientsWritten map[int]bool) *table {
	mc := b.matterCol()
	t := &table{base: "parties", fks: map[string]string{mc: "matters"},
		cols: []col{{concept: mc}, {concept: "name"}, {concept: "role"}, {concept: "email", optional: true}}}
	seen := map[int]bool{}
	for _, p := range b.w.parties {
		id := fmt.Sprintf("R%d", p.ID)
		c := b.w.contacts[p.Contact]
		m := rowMeta{id: id, entity: "relationships", links: []Link{link(id, "matter", mid(p.Matter)), link(id, "contact", cid(p.Contact))},
			values: map[string]string{"description": p.Role}}
		if !clientsWritten[p.Contact] && !seen[p.Contact] {
			seen[p.Contact] = true
			v := contactValues(c)
			delete(v, "email") // a parties list may not carry it
			m.derived = append(m.derived, Record{ID: cid(p.Contact), Entity: "contacts", Derived: true, Values: v})
		}
		t.add(m, b.matterRef(p.Matter), displayName(c), p.Role, c.Email)
	}
	return t
}

// staffTable is a lookup table: staff by initials (not migrated as records).
func (b *builder) staffTable() *table {
	t := &table{base: "staff", pk: "initials", cols: []col{{concept: "initials"}, {concept: "first"}, {concept: "last"}, {concept: "email"}}}
	for _, s := range b.w.staff {
		t.add(rowMeta{excl: "not_migratable"}, s.Initials, s.First, s.Last, s.Email)
	}
	return t
}

// statusTable is a lookup table of matter status codes.
func (b *builder) statusTable() *table {
	t := &table{base: "status_codes", pk: "code", cols: []col{{concept: "code"}, {concept: "label"}}}
	for _, s := range []string{"Open", "Pending", "Closed"} {
		t.add(rowMeta{excl: "not_migratable"}, s[:1], s)
	}
	return t
}

func displayName(c contact) string {
	if c.Company != "" {
		return c.Company
	}
	return c.First + " " + c.Last
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func ymd(t time.Time) string { return t.Format("2006-01-02") }

func contactValues(c contact) map[string]string {
	v := map[string]string{"first_name": c.First, "last_name": c.Last, "email": c.Email}
	if c.Company != "" {
		v = map[string]string{"name": c.Company, "email": c.Email}
	}
	if c.hasPlanted(plantEmailInvalid) {
		delete(v, "email") // not an address: where it goes is the check's business
	}
	return v
}

func eventValues(e event) map[string]string {
	if e.AllDay {
		return map[string]string{"start": ymd(e.Start), "all_day": "true"}
	}
	return map[string]string{"start": e.Start.Format("2006-01-02T15:04"), "all_day": "false"}
}
