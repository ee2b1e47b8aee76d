// Package firmgen generates small law firms' handed-over data the way real
// firms export it — CSV folders, workbooks, in-house databases, DBF sets,
// vCards, calendars, mail and document trees — each with its ground truth:
// every record per Clio type, every link from a child record to its parent,
// and the A/R and trust balances in cents. It is the yardstick for
// recognition (internal/fidelity), so it is written from what firms' exports
// look like, never from what the importers happen to recognise.
//
// A firm is drawn from a seed: the same seed writes the same bytes.
package firmgen

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
)

// Loc is where a row lives as the importers count it: File is the path
// relative to the firm's folder; Table the sheet or database table ("" for a
// file that is one table); Row the 1-based row number (CSV: physical line,
// the header being line 1; xlsx: the sheet's row; SQLite: position in rowid
// order; DBF: record number; vCard/iCalendar/mbox: the card, event or
// message number; a document or .eml file: 1).
type Loc struct {
	File  string `json:"file"`
	Table string `json:"table,omitempty"`
	Row   int64  `json:"row"`
}

// Record is one record the firm's data holds, of one Clio type.
type Record struct {
	ID     string `json:"id"` // stable legacy id (C12, M7, T31...): also written in the data where the firm would
	Entity string `json:"entity"`
	Loc    Loc    `json:"loc"`
	// Derived: no row of its own — e.g. a party named only in a parties
	// list becomes one new contact; Loc is the first row naming it.
	Derived bool `json:"derived,omitempty"`
	// Values are a few fields as Clio should receive them: dates
	// YYYY-MM-DD (moments YYYY-MM-DDTHH:MM), money in cents, durations in
	// seconds, names and numbers as written, flags true/false.
	Values map[string]string `json:"values,omitempty"`
	// User is the e-mail of the firm's person the record is filed under in
	// Clio: a time entry's user, a task's assignee, a calendar event's
	// owner, the person a call or an e-mail was for.
	User string `json:"user,omitempty"`
}

// Link is a child record's reference to its parent, both by id.
type Link struct {
	Child  string `json:"child"`
	Field  string `json:"field"` // client, matter, contact (a related contact's; a call's caller, an e-mail's sender)
	Parent string `json:"parent"`
}

// Balance is one non-zero balance brought forward: A/R per matter, trust per
// matter or per client (Owner is the matter's or contact's id).
type Balance struct {
	Kind  string `json:"kind"` // ar | trust
	Owner string `json:"owner"`
	Cents int64  `json:"cents"`
}

// Excluded is a row that is rightly not a record (billed time, invoices,
// payments, trust ledger lines, lookup tables, junk files in a documents tree).
type Excluded struct {
	Loc    Loc    `json:"loc"`
	Reason string `json:"reason"` // billed_history, accounting_history, not_migratable, not_data
}

// FileTruth says what was written to one file (or one table of it), so a
// test can count the rows back.
type FileTruth struct {
	File   string `json:"file"`
	Table  string `json:"table,omitempty"`
	Format string `json:"format"` // csv, xlsx, sqlite, dbf, vcf, ics, mbox, eml, document
	Rows   int    `json:"rows"`   // data rows / items (header not counted)
	// Encoding and Delimiter of a CSV as written.
	Encoding  string `json:"encoding,omitempty"`
	Delimiter string `json:"delimiter,omitempty"`
	HeaderRow bool   `json:"header_row,omitempty"`
}

// Truth is the ground truth of one firm.
type Truth struct {
	Firm     string            `json:"firm"`
	Seed     int64             `json:"seed"`
	Shape    string            `json:"shape"`
	Style    map[string]string `json:"style"` // what was drawn: naming, dates, money...
	Files    []FileTruth       `json:"files"`
	Records  []Record          `json:"records"`
	Links    []Link            `json:"links"`
	Balances []Balance         `json:"balances"`
	Excluded []Excluded        `json:"excluded"`
	// Users are the firm's people as they will be Clio users ("Name <email>"),
	// so a check run with them matches every legacy user.
	Users []string `json:"users"`
	// Planted are the data problems the firm has, by record and rule.
	Planted []Planted `json:"planted"`
}

// Counts returns the number of truth records per Clio type.
func (t *Truth) Counts() map[string]int {
	out := map[string]int{}
	for _, r := range t.Records {
		out[r.Entity]++
	}
	return out
}

// Write saves the truth as indented JSON.
func (t *Truth) Write(path string) error {
	b, err := json.MarshalIndent(t, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

// ReadTruth loads a truth.json.
func ReadTruth(path string) (*Truth, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var t Truth
	return &t, json.Unmarshal(b, &t)
}

func (t *Truth) sortStable() {
	sort.SliceStable(t.Files, func(i, j int) bool {
		if t.Files[i].File != t.Files[j].File {
			return t.Files[i].File < t.Files[j].File
		}
		return t.Files[i].Table < t.Files[j].Table
	})
}

// TruthFile is the name of the ground truth beside a firm's folder.
const TruthFile = "truth.json"

// Dir layout: Generate writes the firm's files under dir/export and the
// truth at dir/truth.json, so the export folder holds only what a firm hands over.
func exportDir(dir string) string { return filepath.Join(dir, "export") }
