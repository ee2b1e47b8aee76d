// Package model holds the Clio data types Handover migrates, where each record
// came from (provenance), and why a row may be left out (exclusion reasons).
//
// The types follow Clio Manage API v4 field names (see shared/docs/CLIO-API.md §5).
// Links between records are by legacy reference (a number, id or name as the old
// system wrote it); they are resolved to Clio ids only at upload time.
package model

import (
	"encoding/json"
	"fmt"

	fastjson "github.com/goccy/go-json"
)

// Entity names one of the twelve Clio data types. The string is stable: it is
// stored in project files, packages and the CLI's JSON.
type Entity string

const (
	Contacts       Entity = "contacts"
	Matters        Entity = "matters"
	Relationships  Entity = "relationships"
	Tasks          Entity = "tasks"
	Notes          Entity = "notes"
	CalendarEvents Entity = "calendar_events"
	Emails         Entity = "emails"
	PhoneLogs      Entity = "phone_logs"
	TimeEntries    Entity = "time_entries"
	ARBalances     Entity = "ar_balances"
	TrustBalances  Entity = "trust_balances"
	Documents      Entity = "documents"
)

// Entities lists every type in upload order: parents before children.
var Entities = []Entity{
	Contacts, Matters, Relationships, Tasks, Notes, CalendarEvents,
	Emails, PhoneLogs, TimeEntries, ARBalances, TrustBalances, Documents,
}

// Valid reports whether e is one of the twelve types.
func (e Entity) Valid() bool {
	for _, x := range Entities {
		if x == e {
			return true
		}
	}
	return false
}

// Label is the plain-English name shown to users.
func (e Entity) Label() string {
	switch e {
	case Contacts:
		return "Contacts"
	case Matters:
		return "Matters"
	case Relationships:
		return "Related contacts"
	case Tasks:
		return "Tasks"
	case Notes:
		return "Notes"
	case CalendarEvents:
		return "Calendar events"
	case Emails:
		return "Emails"
	case PhoneLogs:
		return "Phone logs"
	case TimeEntries:
		return "Unbilled time entries"
	case ARBalances:
		return "A/R balances"
	case TrustBalances:
		return "Trust balances"
	case Documents:
		return "Documents"
	}
	return string(e)
}

// Reason says why a row read from a source is not migrated as a record.
type Reason string

const (
	BilledHistory     Reason = "billed_history"     // billed time, already on an invoice
	AccountingHistory Reason = "accounting_history" // invoices, payments, trust/operating transactions, A/R ledgers
	DeletedInSource   Reason = "deleted_in_source"  // marked deleted in the legacy database
	EmptyRow          Reason = "empty_row"          // no values at all
	NotData           Reason = "not_data"           // titles, totals, summary sheets, report footers
	DuplicateMerged   Reason = "duplicate_merged"   // merged into another record while cleaning
	ExcludedByUser    Reason = "excluded_by_user"   // the user chose to leave it out
	NotMigratable     Reason = "not_migratable"     // rates, reports, permissions, settings: Clio has no import for them
)

// Reasons lists every exclusion reason in display order.
var Reasons = []Reason{BilledHistory, AccountingHistory, DeletedInSource, EmptyRow, NotData, DuplicateMerged, ExcludedByUser, NotMigratable}

// Explain is the sentence shown to users for a reason.
func (r Reason) Explain() string {
	switch r {
	case BilledHistory:
		return "Billed time: already invoiced in the old system; Clio imports only unbilled time."
	case AccountingHistory:
		return "Accounting history (invoices, payments, ledgers, trust and operating transactions) is not migrated; Clio gets one balance line per matter instead."
	case DeletedInSource:
		return "Marked as deleted in the old system."
	case EmptyRow:
		return "The row has no values."
	case NotData:
		return "A title, total or summary line, not a record."
	case DuplicateMerged:
		return "A duplicate, merged into another record."
	case ExcludedByUser:
		return "Left out by you while cleaning."
	case NotMigratable:
		return "Clio does not import this kind of data (rates, reports, permissions, settings): re-enter it in Clio."
	}
	return string(r)
}

// Provenance says where a record came from: the source file and the row in it.
// Row numbers are 1-based as a spreadsheet shows them (the header is a row too).
type Provenance struct {
	SourceID int64  `json:"source_id"`
	Source   string `json:"source"`            // file name as the user knows it
	Row      int64  `json:"row"`               // 1-based row (or record number in a database table / message in a mailbox)
	Locator  string `json:"locator,omitempty"` // extra position: sheet name, table name, "message 12"
}

func (p Provenance) String() string {
	if p.Locator != "" {
		return fmt.Sprintf("%s (%s) row %d", p.Source, p.Locator, p.Row)
	}
	return fmt.Sprintf("%s row %d", p.Source, p.Row)
}

// Cents is money as an integer number of cents: never a float.
type Cents int64

// String formats as 1234.56 (no thousands separator, as Clio's CSV wants).
func (c Cents) String() string {
	sign := ""
	v := int64(c)
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
}

// Ref points at another record by the legacy system's own identifier: a
// matter number, a contact id, or a name. Kind says which, so a resolver can
// match it ("number", "id", "name", "email").
type Ref struct {
	Kind  string `json:"kind"`
	Value string `json:"value"`
}

// IsZero reports whether the reference is empty.
func (r Ref) IsZero() bool { return r.Value == "" }

// Labelled values for contacts, with Clio's label sets (CLIO-API.md §5.1).
type Email struct {
	Name    string `json:"name"` // Work|Home|Other
	Address string `json:"address"`
	Default bool   `json:"default_email,omitempty"`
}

type Phone struct {
	Name    string `json:"name"` // Work|Home|Mobile|Fax|Pager|Skype|Other
	Number  string `json:"number"`
	Default bool   `json:"default_number,omitempty"`
}

type Address struct {
	Name       string `json:"name"` // Work|Home|Billing|Other
	Street     string `json:"street,omitempty"`
	City       string `json:"city,omitempty"`
	Province   string `json:"province,omitempty"`
	PostalCode string `json:"postal_code,omitempty"`
	Country    string `json:"country,omitempty"`
}

// Contact is a Person or a Company.
type Contact struct {
	Type         string            `json:"type"` // Person|Company
	Prefix       string            `json:"prefix,omitempty"`
	FirstName    string            `json:"first_name,omitempty"`
	MiddleName   string            `json:"middle_name,omitempty"`
	LastName     string            `json:"last_name,omitempty"`
	Name         string            `json:"name,omitempty"` // company name (Company only)
	Title        string            `json:"title,omitempty"`
	Company      Ref               `json:"company,omitzero"` // employer, for a Person
	DateOfBirth  string            `json:"date_of_birth,omitempty"`
	Emails       []Email           `json:"email_addresses,omitempty"`
	Phones       []Phone           `json:"phone_numbers,omitempty"`
	Addresses    []Address         `json:"addresses,omitempty"`
	WebSites     []string          `json:"web_sites,omitempty"`
	CustomFields map[string]string `json:"custom_fields,omitempty"`
}

// Matter is a case or file.
type Matter struct {
	DisplayNumber       string            `json:"display_number,omitempty"` // the legacy matter number, kept as text
	Description         string            `json:"description,omitempty"`
	Client              Ref               `json:"client,omitzero"`
	Status              string            `json:"status,omitempty"` // Open|Pending|Closed
	OpenDate            string            `json:"open_date,omitempty"`
	CloseDate           string            `json:"close_date,omitempty"`
	PendingDate         string            `json:"pending_date,omitempty"`
	PracticeArea        string            `json:"practice_area,omitempty"`
	ResponsibleAttorney string            `json:"responsible_attorney,omitempty"` // legacy user name/initials
	OriginatingAttorney string            `json:"originating_attorney,omitempty"`
	ClientReference     string            `json:"client_reference,omitempty"`
	Location            string            `json:"location,omitempty"`
	Billable            *bool             `json:"billable,omitempty"`
	CustomFields        map[string]string `json:"custom_fields,omitempty"`
}

// Relationship is a related contact on a matter ("Opposing Counsel").
type Relationship struct {
	Matter      Ref    `json:"matter"`
	Contact     Ref    `json:"contact"`
	Description string `json:"description,omitempty"`
	// Party is the person as a party list names them (name, e-mail, phone):
	// the contact Handover makes when no other source has them. Not uploaded.
	Party *Contact `json:"party,omitempty"`
}

type Task struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Matter      Ref    `json:"matter,omitzero"`
	Assignee    string `json:"assignee,omitempty"` // legacy user name/initials
	DueAt       string `json:"due_at,omitempty"`   // YYYY-MM-DD
	Priority    string `json:"priority,omitempty"` // High|Normal|Low
	Status      string `json:"status,omitempty"`   // pending|in_progress|in_review|complete
}

// Note belongs to a matter or a contact (Type says which).
type Note struct {
	Type    string `json:"type"` // Matter|Contact
	Matter  Ref    `json:"matter,omitzero"`
	Contact Ref    `json:"contact,omitzero"`
	Subject string `json:"subject,omitempty"`
	Detail  string `json:"detail,omitempty"`
	Date    string `json:"date,omitempty"`
	Author  string `json:"author,omitempty"`
}

type CalendarEvent struct {
	Summary        string `json:"summary"`
	Description    string `json:"description,omitempty"`
	Location       string `json:"location,omitempty"`
	StartAt        string `json:"start_at"` // RFC 3339, or YYYY-MM-DD when AllDay
	EndAt          string `json:"end_at"`
	AllDay         bool   `json:"all_day,omitempty"`
	TimeZone       string `json:"time_zone,omitempty"`       // IANA zone of the original (TZID)
	RecurrenceRule string `json:"recurrence_rule,omitempty"` // RFC 5545 RRULE value, kept verbatim
	Matter         Ref    `json:"matter,omitzero"`
	Owner          string `json:"calendar_owner,omitempty"` // legacy user name/initials/email
}

// Communication is an email or a phone log (Clio's communications).
type Communication struct {
	Subject    string   `json:"subject"`
	Body       string   `json:"body,omitempty"`
	ReceivedAt string   `json:"received_at"` // RFC 3339
	Matter     Ref      `json:"matter,omitzero"`
	From       string   `json:"from,omitempty"`
	To         []string `json:"to,omitempty"`
	Contact    Ref      `json:"contact,omitzero"`
	User       string   `json:"user,omitempty"` // legacy user who made/took the call
	MessageID  string   `json:"message_id,omitempty"`
}

// TimeEntry is an unbilled activity. Quantity is in seconds (API ≥ 4.0.4);
// Price is the hourly rate (or the flat amount for an expense).
type TimeEntry struct {
	Type        string `json:"type"` // TimeEntry|ExpenseEntry
	Date        string `json:"date"` // YYYY-MM-DD
	Seconds     int64  `json:"quantity_seconds"`
	Price       Cents  `json:"price_cents"`
	User        string `json:"user,omitempty"` // legacy user name/initials
	Matter      Ref    `json:"matter,omitzero"`
	Note        string `json:"note,omitempty"`
	Activity    string `json:"activity_description,omitempty"`
	NonBillable bool   `json:"non_billable,omitempty"`
}

// ARBalance is the one outstanding-receivables line per matter, computed from
// the invoice and payment ledgers that are themselves not migrated.
type ARBalance struct {
	Matter Ref    `json:"matter"`
	Amount Cents  `json:"amount_cents"`
	AsOf   string `json:"as_of,omitempty"` // YYYY-MM-DD: the cut-off
	Lines  int    `json:"ledger_lines"`    // how many ledger rows made it
}

// TrustBalance is the one trust line per matter (or per contact when the
// ledger has no matter).
type TrustBalance struct {
	Matter  Ref    `json:"matter,omitzero"`
	Contact Ref    `json:"contact,omitzero"`
	Amount  Cents  `json:"amount_cents"`
	AsOf    string `json:"as_of,omitempty"`
	Lines   int    `json:"ledger_lines"`
}

type Document struct {
	Name        string `json:"name"`
	Path        string `json:"path,omitempty"` // where the bytes are (file path, or "email:<id>#<n>" for attachments)
	Size        int64  `json:"size,omitempty"`
	SHA256      string `json:"sha256,omitempty"`
	ContentType string `json:"content_type,omitempty"`
	Matter      Ref    `json:"matter,omitzero"`
	Contact     Ref    `json:"contact,omitzero"`
	Email       Ref    `json:"email,omitzero"` // the email it was attached to
	ReceivedAt  string `json:"received_at,omitempty"`
}

// Record is one normalised record of any type with its provenance.
// Key is the record's stable identity within the project: it survives a
// re-import of a fresher export (used by the cleaning recipe and the upload
// journal). Importers build it from the legacy id where there is one.
type Record struct {
	ID     int64      `json:"id,omitempty"` // row id in the project file
	Entity Entity     `json:"entity"`
	Key    string     `json:"key"`
	Prov   Provenance `json:"provenance"`
	Data   any        `json:"data"` // *Contact, *Matter, ... matching Entity
}

// New returns an empty value of the Go type for e (e.g. *Contact for Contacts).
func New(e Entity) (any, error) {
	switch e {
	case Contacts:
		return &Contact{}, nil
	case Matters:
		return &Matter{}, nil
	case Relationships:
		return &Relationship{}, nil
	case Tasks:
		return &Task{}, nil
	case Notes:
		return &Note{}, nil
	case CalendarEvents:
		return &CalendarEvent{}, nil
	case Emails, PhoneLogs:
		return &Communication{}, nil
	case TimeEntries:
		return &TimeEntry{}, nil
	case ARBalances:
		return &ARBalance{}, nil
	case TrustBalances:
		return &TrustBalance{}, nil
	case Documents:
		return &Document{}, nil
	}
	return nil, fmt.Errorf("unknown record type %q", e)
}

// Decode turns stored JSON into the typed value for e. Every pass over the
// records (check, package, upload) decodes each one, so it uses a decoder
// several times faster than encoding/json that reads the same values
// (TestDecodeMatchesEncodingJSON, FuzzDecode); should it refuse an input,
// encoding/json reads it, or says what is wrong with it.
func Decode(e Entity, raw []byte) (any, error) {
	v, err := New(e)
	if err != nil {
		return nil, err
	}
	if fastjson.Unmarshal(raw, v) == nil {
		return v, nil
	}
	v, _ = New(e)
	if err := json.Unmarshal(raw, v); err != nil {
		return nil, fmt.Errorf("decode %s: %w", e, err)
	}
	return v, nil
}

// DisplayName is a short human label for a record, for lists and findings.
func DisplayName(data any) string {
	switch v := data.(type) {
	case *Contact:
		if v.Type == "Company" || (v.FirstName == "" && v.LastName == "") {
			return v.Name
		}
		return joinNonEmpty(v.FirstName, v.MiddleName, v.LastName)
	case *Matter:
		return joinNonEmpty(v.DisplayNumber, v.Description)
	case *Relationship:
		return joinNonEmpty(v.Contact.Value, "on", v.Matter.Value)
	case *Task:
		return v.Name
	case *Note:
		return v.Subject
	case *CalendarEvent:
		return v.Summary
	case *Communication:
		return v.Subject
	case *TimeEntry:
		return joinNonEmpty(v.Date, v.Matter.Value, v.Note)
	case *ARBalance:
		return joinNonEmpty(v.Matter.Value, v.Amount.String())
	case *TrustBalance:
		return joinNonEmpty(v.Matter.Value, v.Contact.Value, v.Amount.String())
	case *Document:
		return v.Name
	}
	return ""
}

func joinNonEmpty(parts ...string) string {
	out := ""
	for _, p := range parts {
		if p == "" {
			continue
		}
		if out != "" {
			out += " "
		}
		out += p
	}
	return out
}

// LedgerKind names an accounting-history line. Ledger lines are never
// migrated themselves; they are kept (as exclusions) so the one-line A/R and
// trust balances can be computed from them and checked against them.
type LedgerKind string

const (
	LedgerInvoice         LedgerKind = "invoice"          // raises the matter's receivable
	LedgerPayment         LedgerKind = "payment"          // lowers it
	LedgerCredit          LedgerKind = "credit"           // write-off or credit note: lowers it
	LedgerTrustDeposit    LedgerKind = "trust_deposit"    // raises the trust balance
	LedgerTrustWithdrawal LedgerKind = "trust_withdrawal" // lowers it (incl. transfers to operating)
	LedgerOperating       LedgerKind = "operating"        // operating-account transaction: history only
)

// LedgerLine is one parsed row of an invoice, payment or trust ledger.
// Amount is positive; Kind says which way it moves the balance.
type LedgerLine struct {
	Kind      LedgerKind `json:"kind"`
	Matter    Ref        `json:"matter,omitzero"`
	Contact   Ref        `json:"contact,omitzero"`
	Amount    Cents      `json:"amount_cents"`
	Date      string     `json:"date,omitempty"`
	Reference string     `json:"reference,omitempty"` // invoice or cheque number, as text
}
