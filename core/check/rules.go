package check

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"handover/core/balances"
	"handover/core/model"
	"handover/core/workspace"
)

const (
	B = model.Blocker
	W = model.Warning
	I = model.Info
)

// record runs every per-record rule for one record.
// phones are a contact's numbers checked by the reader (checkPhones).
func (c *checker) record(r workspace.StoredRecord, phones []phoneResult) error {
	c.countRecord(r)                        // the share a finding kind fires on (aggregate.go)
	if err := c.notePerson(r); err != nil { // no assignee/owner/user: one finding per file (owners.go)
		return err
	}
	if r.Entity != model.Contacts && c.pending != nil {
		if err := c.employers(); err != nil {
			return err
		}
	}
	if err := c.parents(r); err != nil {
		return err
	}
	if err := c.links(r); err != nil {
		return err
	}
	switch v := r.Data.(type) {
	case *model.Contact:
		c.index(r)
		return c.contact(r, v, phones)
	case *model.Matter:
		c.index(r)
		return c.matter(r, v)
	case *model.Relationship:
		return nil
	case *model.Task:
		return c.task(r, v)
	case *model.Note:
		return c.note(r, v)
	case *model.CalendarEvent:
		return c.event(r, v)
	case *model.Communication:
		return c.communication(r, v)
	case *model.TimeEntry:
		return c.timeEntry(r, v)
	case *model.ARBalance:
		return c.balanceWithRejects(r, v.Matter, model.Ref{})
	case *model.TrustBalance:
		return c.balanceWithRejects(r, v.Matter, v.Contact)
	}
	return nil
}

// noun is the singular, capitalised name of a record type for messages.
func noun(e model.Entity) string {
	switch e {
	case model.Contacts:
		return "Contact"
	case model.Matters:
		return "Matter"
	case model.Relationships:
		return "Related contact"
	case model.Tasks:
		return "Task"
	case model.Notes:
		return "Note"
	case model.CalendarEvents:
		return "Calendar event"
	case model.Emails:
		return "E-mail"
	case model.PhoneLogs:
		return "Phone log"
	case model.TimeEntries:
		return "Time entry"
	case model.ARBalances:
		return "A/R balance"
	case model.TrustBalances:
		return "Trust balance"
	case model.Documents:
		return "Document"
	}
	return string(e)
}

// errs runs checks in order and stops at the first write error.
func errs(fs ...error) error {
	for _, err := range fs {
		if err != nil {
			return err
		}
	}
	return nil
}

func oneOf(v string, allowed ...string) bool {
	for _, a := range allowed {
		if strings.EqualFold(strings.TrimSpace(v), a) {
			return true
		}
	}
	return false
}

func (c *checker) enum(r workspace.StoredRecord, sev model.Severity, field, value string, allowed ...string) error {
	if value == "" || oneOf(value, allowed...) {
		return nil
	}
	return c.em.add(r, RuleEnumInvalid, sev, field, value,
		fmt.Sprintf("%s %q is not one Clio accepts (%s)", field, value, strings.Join(allowed, ", ")),
		fmt.Sprintf("Change it to one of %s in %s and export again, or edit it here", strings.Join(allowed, ", "), c.em.system(r)), nil)
}

// date checks a date field: readable, not before 1900, not more than two
// years ahead. required: an unreadable value blocks the record.
func (c *checker) date(r workspace.StoredRecord, field, value string, required bool) (time.Time, bool, error) {
	if strings.TrimSpace(value) == "" {
		return time.Time{}, false, nil
	}
	t, ok := parseDate(value)
	if !ok {
		sev := W
		if required {
			sev = B
		}
		return t, false, c.em.add(r, RuleDateInvalid, sev, field, value,
			fmt.Sprintf("%q in %s is not a date", value, field),
			fmt.Sprintf("Enter a real date in %s and export again, or edit it here", c.em.system(r)), nil)
	}
	limit := c.opts.Now.AddDate(2, 0, 0)
	if field == "date_of_birth" {
		limit = c.opts.Now
	}
	if t.Before(minDate) || t.After(limit) {
		why := "before 1900"
		if !t.Before(minDate) {
			why = "more than two years from now"
			if field == "date_of_birth" {
				why = "in the future"
			}
		}
		return t, true, c.em.add(r, model.RuleDateOutOfRange, W, field, value,
			fmt.Sprintf("%s %s is %s: probably a typing error", field, t.Format("2006-01-02"), why),
			fmt.Sprintf("Correct the date in %s and export again, or edit it here", c.em.system(r)), nil)
	}
	return t, true, nil
}

func (c *checker) contact(r workspace.StoredRecord, v *model.Contact, phones []phoneResult) error {
	sys := c.em.system(r)
	first, last, name := strings.TrimSpace(v.FirstName), strings.TrimSpace(v.LastName), strings.TrimSpace(v.Name)
	if err := c.enum(r, B, "type", v.Type, "Person", "Company"); err != nil {
		return err
	}
	switch {
	case strings.EqualFold(v.Type, "Company") && name == "":
		if err := c.em.add(r, model.RuleContactMissingName, B, "name", "", "This company has no name: Clio will not import it",
			fmt.Sprintf("Add the company name in %s and export again, or type it here", sys), nil); err != nil {
			return err
		}
	case !strings.EqualFold(v.Type, "Company") && first == "" && last == "" && name == "":
		hint := firstNonEmpty(emailsOf(v), phonesOf(v))
		msg := "This contact has no first, last or company name: Clio will not import it"
		if hint != "" {
			msg += " (only " + hint + ")"
		}
		if err := c.em.add(r, model.RuleContactMissingName, B, "name", hint, msg,
			fmt.Sprintf("Add a name in %s and export again, type one here, or exclude the contact", sys), nil); err != nil {
			return err
		}
	case strings.EqualFold(v.Type, "Person") && first == "" && last == "":
		if err := c.em.add(r, model.RuleContactMissingName, W, "name", name,
			fmt.Sprintf("This person has only a full name (%q) and no first or last name: Clio has to guess which is which", name),
			"Split it into First name and Last name here, or make it a Company", nil); err != nil {
			return err
		}
	}
	// Names in the wrong column.
	if strings.Contains(first, ",") {
		parts := strings.SplitN(first, ",", 2)
		l, f := strings.TrimSpace(parts[0]), strings.TrimSpace(parts[1])
		if err := c.em.add(r, model.RuleNameWrongColumn, W, "first_name", first,
			fmt.Sprintf("First name %q looks like \"Last, First\"", first),
			fmt.Sprintf("Put %q in First name and %q in Last name (in %s, or here)", f, l, sys),
			map[string]any{"first_name": f, "last_name": l}); err != nil {
			return err
		}
	} else if first == "" && strings.Contains(last, ",") {
		parts := strings.SplitN(last, ",", 2)
		l, f := strings.TrimSpace(parts[0]), strings.TrimSpace(parts[1])
		if err := c.em.add(r, model.RuleNameWrongColumn, W, "last_name", last,
			fmt.Sprintf("Last name %q holds both names (\"Last, First\") and First name is empty", last),
			fmt.Sprintf("Put %q in First name and %q in Last name (in %s, or here)", f, l, sys),
			map[string]any{"first_name": f, "last_name": l}); err != nil {
			return err
		}
	}
	if !strings.EqualFold(v.Type, "Company") && (first != "" || last != "") {
		if suf := companySuffixOf(last); suf != "" {
			if err := c.em.add(r, model.RuleNameWrongColumn, W, "last_name", last,
				fmt.Sprintf("Last name %q ends in %q: it looks like a company, not a person", last, suf),
				fmt.Sprintf("Make it a Company contact named %q (in %s, or here)", strings.TrimSpace(first+" "+last), sys), nil); err != nil {
				return err
			}
		}
	}
	for _, e := range v.Emails {
		if err := c.enum(r, W, "email label", e.Name, "Work", "Home", "Other"); err != nil {
			return err
		}
		a := strings.TrimSpace(e.Address)
		if a == "" || model.ValidEmail(a) {
			continue
		}
		msg := fmt.Sprintf("%q is not an e-mail address", a)
		fix := fmt.Sprintf("Correct the e-mail address in %s and export again, or fix it here", sys)
		if model.LooksLikePhone(a) {
			msg = fmt.Sprintf("%q is a phone number, not an e-mail address", a)
			fix = fmt.Sprintf("Move it to a phone column in %s and export again, or here: Clean → “Phones out of e-mail” moves every such number at once", sys)
		}
		if err := c.em.add(r, model.RuleEmailInvalid, B, "email", a, msg, fix, nil); err != nil {
			return err
		}
	}
	var valid []string // E.164 forms, for duplicate detection
	if len(phones) != len(v.Phones) {
		phones = checkPhones(v, c.opts.Country)
	}
	for i, p := range v.Phones {
		if err := c.enum(r, W, "phone label", p.Name, "Work", "Home", "Mobile", "Fax", "Pager", "Skype", "Other"); err != nil {
			return err
		}
		n := phones[i].number
		if n == "" {
			continue
		}
		sug, ok, problem := phones[i].e164, phones[i].ok, phones[i].problem
		if ok {
			valid = append(valid, sug)
			continue
		}
		fix := fmt.Sprintf("Correct the number in %s and export again, or fix it here", sys)
		var det map[string]any
		if sug != "" {
			fix = fmt.Sprintf("Use the international form %s (in %s, or here)", sug, sys)
			det = map[string]any{"suggest": sug}
		}
		if err := c.em.add(r, model.RulePhoneInvalid, W, "phone", n, problem, fix, det); err != nil {
			return err
		}
	}
	for _, a := range v.Addresses {
		if err := c.enum(r, W, "address label", a.Name, "Work", "Home", "Billing", "Other"); err != nil {
			return err
		}
	}
	if c.dupw != nil {
		c.dupw.add(r, v, valid)
	} else if err := c.dup.addParsed(c.ctx, r, v, valid); err != nil {
		return err
	}
	if _, _, err := c.date(r, "date_of_birth", v.DateOfBirth, false); err != nil {
		return err
	}
	c.customFieldNames(r, v.CustomFields)
	return nil
}

func emailsOf(v *model.Contact) string {
	for _, e := range v.Emails {
		if e.Address != "" {
			return e.Address
		}
	}
	return ""
}

func phonesOf(v *model.Contact) string {
	for _, p := range v.Phones {
		if p.Number != "" {
			return p.Number
		}
	}
	return ""
}

func (c *checker) matter(r workspace.StoredRecord, v *model.Matter) error {
	sys := c.em.system(r)
	num := strings.TrimSpace(v.DisplayNumber)
	label := "This matter"
	if num != "" {
		label = "Matter " + num
	}
	if num == "" {
		if err := c.em.add(r, model.RuleMatterMissingNumber, B, "display_number", "",
			fmt.Sprintf("Matter %q has no matter number: its time, notes and balances cannot be linked to it", v.Description),
			fmt.Sprintf("Give the matter its number in %s and export again, or type it here", sys), nil); err != nil {
			return err
		}
	}
	if strings.TrimSpace(v.Description) == "" {
		if err := c.em.add(r, model.RuleMatterMissingDesc, B, "description", "",
			label+" has no description: Clio requires one",
			fmt.Sprintf("Add a description in %s and export again, or type one here", sys), nil); err != nil {
			return err
		}
	}
	switch {
	case strings.TrimSpace(v.Status) == "":
		if err := c.em.add(r, model.RuleMatterInvalidStatus, B, "status", "",
			label+" has no status: Clio needs Open, Pending or Closed",
			"Pick Open, Pending or Closed here (or map the status column)", nil); err != nil {
			return err
		}
	case !oneOf(v.Status, "Open", "Pending", "Closed"):
		if err := c.em.add(r, model.RuleMatterInvalidStatus, B, "status", v.Status,
			fmt.Sprintf("%s has status %q: Clio accepts only Open, Pending or Closed", label, v.Status),
			fmt.Sprintf("Map %q to Open, Pending or Closed here, or change it in %s", v.Status, sys), nil); err != nil {
			return err
		}
	}
	open, okOpen, err := c.date(r, "open_date", v.OpenDate, false)
	if err != nil {
		return err
	}
	closed, okClose, err := c.date(r, "close_date", v.CloseDate, false)
	if err != nil {
		return err
	}
	if _, _, err := c.date(r, "pending_date", v.PendingDate, false); err != nil {
		return err
	}
	if okOpen && okClose && closed.Before(open) {
		if err := c.em.add(r, model.RuleMatterCloseBeforeOpen, W, "close_date", v.CloseDate,
			fmt.Sprintf("%s was closed (%s) before it was opened (%s)", label, closed.Format("2006-01-02"), open.Format("2006-01-02")),
			fmt.Sprintf("Correct the open or close date in %s, or here", sys), nil); err != nil {
			return err
		}
	}
	c.user(r, "responsible_attorney", v.ResponsibleAttorney)
	c.user(r, "originating_attorney", v.OriginatingAttorney)
	c.customFieldNames(r, v.CustomFields)
	return nil
}

func (c *checker) task(r workspace.StoredRecord, v *model.Task) error {
	if strings.TrimSpace(v.Name) == "" {
		if err := c.em.add(r, model.RuleTaskMissingName, B, "name", "", "This task has no name: Clio requires one",
			fmt.Sprintf("Give the task a name in %s and export again, or type one here", c.em.system(r)), nil); err != nil {
			return err
		}
	}
	if _, _, err := c.date(r, "due_at", v.DueAt, false); err != nil {
		return err
	}
	c.user(r, "assignee", v.Assignee)
	return errs(
		c.enum(r, W, "priority", v.Priority, "High", "Normal", "Low"),
		c.enum(r, W, "status", v.Status, "pending", "in_progress", "in_review", "complete", "draft"),
	)
}

func (c *checker) note(r workspace.StoredRecord, v *model.Note) error {
	if err := c.enum(r, B, "type", v.Type, "Matter", "Contact"); err != nil {
		return err
	}
	_, _, err := c.date(r, "date", v.Date, false)
	return err
}

func (c *checker) event(r workspace.StoredRecord, v *model.CalendarEvent) error {
	sys := c.em.system(r)
	for _, f := range []struct{ field, value, what string }{
		{"summary", v.Summary, "no title"}, {"start_at", v.StartAt, "no start"}, {"end_at", v.EndAt, "no end"},
	} {
		if strings.TrimSpace(f.value) == "" {
			if err := c.em.add(r, model.RuleCalendarMissingField, B, f.field, "",
				fmt.Sprintf("Calendar event %q has %s: Clio requires a title, a start and an end", v.Summary, f.what),
				fmt.Sprintf("Fill in %s in %s and export again, or here", f.field, sys), nil); err != nil {
				return err
			}
		}
	}
	start, okS, err := c.date(r, "start_at", v.StartAt, true)
	if err != nil {
		return err
	}
	end, okE, err := c.date(r, "end_at", v.EndAt, true)
	if err != nil {
		return err
	}
	if okS && okE && end.Before(start) {
		if err := c.em.add(r, model.RuleCalendarEndBeforeStart, B, "end_at", v.EndAt,
			fmt.Sprintf("Calendar event %q ends (%s) before it starts (%s)", v.Summary, v.EndAt, v.StartAt),
			fmt.Sprintf("Correct the start or end in %s and export again, or here", sys), nil); err != nil {
			return err
		}
	}
	c.user(r, "calendar_owner", v.Owner)
	return nil
}

func (c *checker) communication(r workspace.StoredRecord, v *model.Communication) error {
	if strings.TrimSpace(v.ReceivedAt) == "" {
		// Clio refuses a communication without received_at (422): said here,
		// not found out at upload.
		if err := c.em.add(r, model.RuleCommMissingDate, B, "received_at", "",
			fmt.Sprintf("%s %q has no date it was received: Clio will not import it", noun(r.Entity), model.DisplayName(r.Data)),
			fmt.Sprintf("Add the date in %s and export again, or type it here", c.em.system(r)), nil); err != nil {
			return err
		}
	} else if _, _, err := c.date(r, "received_at", v.ReceivedAt, false); err != nil {
		return err
	}
	c.user(r, "user", v.User)
	return nil
}

func (c *checker) timeEntry(r workspace.StoredRecord, v *model.TimeEntry) error {
	sys := c.em.system(r)
	if err := c.enum(r, B, "type", v.Type, "TimeEntry", "ExpenseEntry", "HardCostEntry", "SoftCostEntry"); err != nil {
		return err
	}
	what := fmt.Sprintf("Time entry (%s, matter %s)", firstNonEmpty(v.Date, "no date"), firstNonEmpty(v.Matter.Value, "none"))
	if v.Matter.IsZero() {
		// Clio takes time on no matter, so the upload sends it: said here,
		// because a matter column the import missed looks just like this.
		if err := c.em.add(r, model.RuleTimeNoMatter, W, "matter", "", what+" names no matter: it goes to Clio as time on no matter",
			fmt.Sprintf("If it belongs to a matter, add the matter in %s and export again, or pick the matter here", sys), nil); err != nil {
			return err
		}
	}
	if strings.TrimSpace(v.Date) == "" {
		if err := c.em.add(r, model.RuleTimeMissingDate, B, "date", "", what+" has no date: Clio will not import it",
			fmt.Sprintf("Add the date in %s and export again, or type it here", sys), nil); err != nil {
			return err
		}
	} else if _, _, err := c.date(r, "date", v.Date, true); err != nil {
		return err
	}
	isTime := v.Type == "" || strings.EqualFold(v.Type, "TimeEntry")
	hours := fmt.Sprintf("%.2f", float64(v.Seconds)/3600)
	switch {
	case v.Seconds == 0:
		if err := c.em.add(r, model.RuleTimeMissingQuantity, B, "quantity", "0", what+" has no hours (quantity 0)",
			fmt.Sprintf("Enter the time spent in %s and export again, type it here, or exclude the entry", sys), nil); err != nil {
			return err
		}
	case v.Seconds < 0:
		if err := c.em.add(r, model.RuleTimeBadDuration, B, "quantity", hours, fmt.Sprintf("%s has negative hours (%s)", what, hours),
			fmt.Sprintf("Correct the hours in %s and export again, or here", sys), nil); err != nil {
			return err
		}
	case isTime && v.Seconds > 24*3600:
		if err := c.em.add(r, model.RuleTimeBadDuration, W, "quantity", hours, fmt.Sprintf("%s has %s hours in one entry: more than a day", what, hours),
			fmt.Sprintf("Check the hours in %s (a typing error, or several days in one entry?)", sys), nil); err != nil {
			return err
		}
	}
	switch {
	case v.Price < 0:
		if err := c.em.add(r, model.RuleTimeMissingRate, B, "price", v.Price.String(), fmt.Sprintf("%s has a negative rate (%s)", what, v.Price),
			fmt.Sprintf("Correct the rate in %s and export again, or here", sys), nil); err != nil {
			return err
		}
	case v.Price == 0 && !v.NonBillable:
		if err := c.em.add(r, model.RuleTimeMissingRate, B, "price", "", what+" has no rate: Clio needs one for billable time",
			fmt.Sprintf("Enter the rate in %s and export again, type it here, or mark the entry non-billable", sys), nil); err != nil {
			return err
		}
	}
	c.user(r, "user", v.User)
	return nil
}

// fieldUse counts one over-long custom field name.
type fieldUse struct {
	entity model.Entity
	name   string
	n      int64
	first  workspace.StoredRecord
}

func (c *checker) customFieldNames(r workspace.StoredRecord, fields map[string]string) {
	for name := range fields {
		if utf8.RuneCountInString(name) <= 32 {
			continue
		}
		k := string(r.Entity) + "\x00" + name
		u := c.cf[k]
		if u == nil {
			first := r
			first.Data = nil
			u = &fieldUse{entity: r.Entity, name: name, first: first}
			c.cf[k] = u
		}
		u.n++
	}
}

// customFields writes one finding per over-long custom field name.
func (c *checker) customFields() error {
	for _, k := range sortedKeys(c.cf) {
		u := c.cf[k]
		if err := c.em.add(u.first, model.RuleCustomFieldName, B, "custom_field", u.name,
			fmt.Sprintf("Custom field name %q has %d characters; Clio allows 32 (%s uses it)",
				u.name, utf8.RuneCountInString(u.name), plural(u.n, "record", "records")),
			"Rename the field to 32 characters or fewer in the column mapping",
			map[string]any{"records": u.n, "length": utf8.RuneCountInString(u.name)}); err != nil {
			return err
		}
	}
	return nil
}

// ledgerRow is where a ledger line was read (its file and row), for a
// finding about a balance that points at it.
func (c *checker) ledgerRow(rowID int64) (model.Provenance, error) {
	var p model.Provenance
	err := c.ws.DB().QueryRowContext(c.ctx, `SELECT coalesce(s.name, ''), coalesce(s.id, 0), r.row_no FROM rows r
		LEFT JOIN sources s ON s.id = r.source_id WHERE r.id = ?`, rowID).Scan(&p.Source, &p.SourceID, &p.Row)
	if err != nil {
		return p, fmt.Errorf("ledger row %d: %w", rowID, err)
	}
	return p, nil
}

// paymentsWithoutInvoices says, at the first payment, that the receivables
// could not be worked out: payments were read and not one invoice, which is
// nearly always an invoice listing Handover did not recognise (or did not get).
func (c *checker) paymentsWithoutInvoices(p *balances.PaymentsOnly) error {
	if p == nil {
		return nil
	}
	prov, err := c.ledgerRow(p.FirstRow)
	if err != nil {
		return err
	}
	rec := workspace.StoredRecord{Record: model.Record{ID: p.FirstRow, Entity: model.ARBalances, Prov: prov}}
	msg := fmt.Sprintf("%d payments were read but no invoices, so what each client owes cannot be worked out: no receivables balance will be sent", p.Lines)
	fix := "Check on the Mapping screen which file lists your invoices (the amounts billed) and that it is read as invoices; if it was not exported, export the invoice list from " +
		c.em.system(rec) + " and add it"
	return c.em.add(rec, model.RuleBalanceNoInvoices, B, "amount", "", msg, fix, map[string]any{"payment_lines": p.Lines})
}

// negativeTrust points at the ledger row where each trust balance first
// went below zero.
func (c *checker) negativeTrust(dips []balances.Dip) error {
	for _, d := range dips {
		prov, err := c.ledgerRow(d.RowID)
		if err != nil {
			return err
		}
		who := "matter " + d.Matter.Value
		if d.Matter.IsZero() {
			who = "contact " + d.Contact.Value
		}
		sev, msg := B, fmt.Sprintf("Trust for %s goes below zero here (%s on %s) and ends at %s: money was paid out that was not held",
			who, d.Running, firstNonEmpty(d.Date, "this line"), d.Final)
		if d.Final >= 0 {
			sev = W
			msg = fmt.Sprintf("Trust for %s goes below zero here (%s on %s), though it ends at %s: a ledger entry is probably out of order or wrong",
				who, d.Running, firstNonEmpty(d.Date, "this line"), d.Final)
		}
		rec := workspace.StoredRecord{Record: model.Record{ID: d.RowID, Entity: model.TrustBalances, Key: d.Key, Prov: prov}}
		if err := c.em.add(rec, model.RuleBalanceNegative, sev, "amount", d.Running.String(), msg,
			fmt.Sprintf("Correct the trust ledger in %s (reconcile it) and export again", c.em.system(rec)),
			map[string]any{"ledger_row_id": d.RowID, "final_cents": int64(d.Final)}); err != nil {
			return err
		}
	}
	return nil
}
