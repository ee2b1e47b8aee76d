package workspace

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"handover/core/model"
)

// SourceInfo describes a file being read.
type SourceInfo struct {
	Path       string
	Name       string
	Size       int64
	SHA256     string
	Format     string
	Encoding   string
	Delimiter  string
	HeaderRow  int
	System     string
	Profile    string
	Detection  any // JSON-able: guesses, notes and the mapping plan, shown in the UI
	Options    any // JSON-able: the user's overrides, re-applied on re-read
	ExportedAt time.Time
}

// Finding is an observation made while reading a row (e.g. an Excel-mangled
// number) that the readiness check cannot re-derive from the stored record.
type Finding struct {
	Rule     string
	Severity model.Severity
	Field    string
	Value    string
	Message  string
	Fix      string
}

// Row is one input row and its outcome. Exactly one of Records, Excluded or
// Reject is set; Stage refuses anything else, which is what makes
// "rows read = records + exclusions + rejects" hold by construction.
type Row struct {
	Num     int64
	Locator string
	Header  int64    // from Stager.Header; 0 when the raw values carry their own names
	Raw     []string // the values exactly as read

	Records []model.Record // the first is the row's record; further ones are derived (e.g. the company named on a person's row)

	Excluded model.Reason
	Entity   model.Entity      // what an excluded row would have been
	Excl     any               // the parsed value that was excluded, kept for the report
	Ledger   *model.LedgerLine // accounting rows: kept to compute balances
	Detail   string

	Reject string

	Findings []Finding
}

// SourceCounts is the per-source account of rows.
type SourceCounts struct {
	SourceID int64 `json:"source_id"`
	Rows     int64 `json:"rows"`
	Records  int64 `json:"records"`
	Excluded int64 `json:"excluded"`
	Rejected int64 `json:"rejected"`
}

// Balanced reports whether every row read is accounted for.
func (c SourceCounts) Balanced() bool { return c.Rows == c.Records+c.Excluded+c.Rejected }

// Stager writes one source's rows inside a single transaction, so a source is
// either entirely in the project or not at all (a crash or cancel mid-file
// leaves no half-read source behind). Memory stays flat: rows go straight to
// SQLite through prepared statements.
type Stager struct {
	w        *Workspace
	tx       *sql.Tx
	sourceID int64
	info     SourceInfo
	insRow   *sql.Stmt
	insFind  *sql.Stmt
	counts   SourceCounts
	keyRows  map[string]int64 // only for conflict messages: entity|key → row number (bounded, see remember)
	done     bool
}

// BeginSource starts reading a source. A source with the same path is
// replaced (a fresher export of the same file); the old rows go in the same
// transaction, so a failed re-read keeps the previous data.
func (w *Workspace) BeginSource(ctx context.Context, info SourceInfo) (*Stager, error) {
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*Stager, error) { tx.Rollback(); return nil, err }
	if _, err := tx.ExecContext(ctx, `DELETE FROM findings WHERE row_id IN
		(SELECT r.id FROM rows r JOIN sources s ON r.source_id = s.id WHERE s.path = ?)`, info.Path); err != nil {
		return fail(err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM sources WHERE path = ?`, info.Path); err != nil {
		return fail(err)
	}
	det, _ := json.Marshal(orEmpty(info.Detection))
	opt, _ := json.Marshal(orEmpty(info.Options))
	exported := ""
	if !info.ExportedAt.IsZero() {
		exported = info.ExportedAt.UTC().Format(time.RFC3339)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO sources(path, name, size, sha256, format, encoding, delimiter,
		header_row, system, profile, detection, options, exported_at, ingested_at)
		VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		info.Path, info.Name, info.Size, info.SHA256, info.Format, info.Encoding, info.Delimiter,
		info.HeaderRow, info.System, info.Profile, string(det), string(opt), exported,
		time.Now().UTC().Format(time.RFC3339))
	if err != nil {
		return fail(err)
	}
	id, _ := res.LastInsertId()
	insRow, err := tx.PrepareContext(ctx, `INSERT INTO rows(source_id, row_no, locator, header_id, raw, outcome,
		derived, entity, key, data, reason, detail, ledger) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)`)
	if err != nil {
		return fail(err)
	}
	insFind, err := tx.PrepareContext(ctx, `INSERT INTO findings(origin, rule, severity, entity, record_key, row_id,
		source, row_no, field, value, message, fix) VALUES('ingest',?,?,?,?,?,?,?,?,?,?,?)`)
	if err != nil {
		return fail(err)
	}
	return &Stager{w: w, tx: tx, sourceID: id, info: info, insRow: insRow, insFind: insFind,
		counts: SourceCounts{SourceID: id}, keyRows: map[string]int64{}}, nil
}

func orEmpty(v any) any {
	if v == nil {
		return struct{}{}
	}
	return v
}

// SourceID is the id the source will have once committed.
func (s *Stager) SourceID() int64 { return s.sourceID }

// Header stores the column names shared by following rows and returns the id
// to put in Row.Header.
func (s *Stager) Header(ctx context.Context, locator string, names []string) (int64, error) {
	b, _ := json.Marshal(names)
	res, err := s.tx.ExecContext(ctx, `INSERT INTO headers(source_id, locator, names) VALUES(?,?,?)`, s.sourceID, locator, string(b))
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// Encoded is a Row with its values already written as JSON. Encoding is the
// part of staging that needs no database, so an importer can encode rows on
// one goroutine while the Stager writes the previous ones on another.
type Encoded struct {
	Row
	raw     string
	records []string // JSON of Row.Records[i].Data
	excl    any      // JSON of Row.Excl, or nil
	ledger  any      // JSON of Row.Ledger, or nil
}

// Encode writes r's values as JSON. It is safe to call from any goroutine.
func Encode(r Row) (Encoded, error) {
	raw, err := json.Marshal(r.Raw)
	if err != nil {
		return Encoded{}, err
	}
	e := Encoded{Row: r, raw: string(raw)}
	e.Raw = nil // encoded: the caller may reuse its slice
	if r.Excl != nil {
		b, err := json.Marshal(r.Excl)
		if err != nil {
			return Encoded{}, err
		}
		e.excl = string(b)
	}
	if r.Ledger != nil {
		b, err := json.Marshal(r.Ledger)
		if err != nil {
			return Encoded{}, err
		}
		e.ledger = string(b)
	}
	for _, rec := range r.Records {
		b, err := json.Marshal(rec.Data)
		if err != nil {
			return Encoded{}, err
		}
		e.records = append(e.records, string(b))
	}
	return e, nil
}

// Stage writes one row and its outcome.
func (s *Stager) Stage(ctx context.Context, r Row) error {
	e, err := Encode(r)
	if err != nil {
		return fmt.Errorf("%s row %d: %w", s.info.Name, r.Num, err)
	}
	return s.StageEncoded(ctx, e)
}

// StageEncoded writes one encoded row and its outcome.
func (s *Stager) StageEncoded(ctx context.Context, r Encoded) error {
	if s.done {
		return errors.New("stager already finished")
	}
	outcomes := 0
	if len(r.Records) > 0 {
		outcomes++
	}
	if r.Excluded != "" {
		outcomes++
	}
	if r.Reject != "" {
		outcomes++
	}
	if outcomes != 1 {
		return fmt.Errorf("%s row %d: internal error: a row needs exactly one outcome (record, exclusion or reject), got %d", s.info.Name, r.Num, outcomes)
	}
	var header any
	if r.Header != 0 {
		header = r.Header
	}
	s.counts.Rows++
	switch {
	case r.Reject != "":
		return s.reject(ctx, r, header, r.Reject)
	case r.Excluded != "":
		if _, err := s.insRow.ExecContext(ctx, s.sourceID, r.Num, r.Locator, header, r.raw, "excluded", 0,
			string(r.Entity), nil, r.excl, string(r.Excluded), r.Detail, r.ledger); err != nil {
			return err
		}
		s.counts.Excluded++
		return nil
	}
	first := r.Records[0]
	id, err := s.insertRecord(ctx, r.Num, r.Locator, first, r.records[0], r.raw, header, 0)
	if err != nil {
		return err
	}
	if id == 0 { // the key is taken by an earlier row: not silently merged
		prev := s.keyRows[string(first.Entity)+"|"+first.Key]
		where := "an earlier row"
		if prev > 0 {
			where = fmt.Sprintf("row %d", prev)
		}
		return s.reject(ctx, r, header, fmt.Sprintf("same %s id %q as %s: the old system exported it twice; check which one is right there", strings.TrimSuffix(first.Entity.Label(), "s"), keyID(first.Key), where))
	}
	s.counts.Records++
	s.remember(first, r.Num)
	for i, extra := range r.Records[1:] {
		if _, err := s.insertRecord(ctx, r.Num, r.Locator, extra, r.records[i+1], "", nil, 1); err != nil {
			return err
		}
	}
	for _, f := range r.Findings {
		if _, err := s.insFind.ExecContext(ctx, f.Rule, string(f.Severity), string(first.Entity), first.Key, id,
			s.info.Name, r.Num, f.Field, f.Value, f.Message, f.Fix); err != nil {
			return err
		}
	}
	return nil
}

func keyID(key string) string {
	if i := strings.LastIndexByte(key, ':'); i >= 0 {
		return key[i+1:]
	}
	return key
}

// remember keeps row numbers for conflict messages, bounded so memory stays
// flat on huge files (later conflicts just say "an earlier row").
func (s *Stager) remember(rec model.Record, num int64) {
	if len(s.keyRows) < 200000 {
		s.keyRows[string(rec.Entity)+"|"+rec.Key] = num
	}
}

// insertRecord returns 0 when the record's key is already taken; derived
// records that collide are the same thing named twice and are skipped.
func (s *Stager) insertRecord(ctx context.Context, num int64, locator string, rec model.Record, data, raw string, header any, derived int) (int64, error) {
	if !rec.Entity.Valid() {
		return 0, fmt.Errorf("%s row %d: internal error: unknown record type %q", s.info.Name, num, rec.Entity)
	}
	if rec.Key == "" {
		return 0, fmt.Errorf("%s row %d: internal error: record without a key", s.info.Name, num)
	}
	var rawArg any
	if derived == 0 {
		rawArg = raw
	}
	res, err := s.insRow.ExecContext(ctx, s.sourceID, num, locator, header, rawArg, "record", derived,
		string(rec.Entity), rec.Key, data, "", "", nil)
	if err != nil {
		if isUniqueViolation(err) {
			return 0, nil
		}
		return 0, err
	}
	return res.LastInsertId()
}

func (s *Stager) reject(ctx context.Context, r Encoded, header any, reason string) error {
	if _, err := s.insRow.ExecContext(ctx, s.sourceID, r.Num, r.Locator, header, r.raw, "rejected", 0,
		"", nil, nil, reason, r.Detail, nil); err != nil {
		return err
	}
	s.counts.Rejected++
	return nil
}

func isUniqueViolation(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// Commit checks the invariant against what is really stored, records the
// counts on the source and makes the source visible.
func (s *Stager) Commit(ctx context.Context) (SourceCounts, error) {
	if s.done {
		return s.counts, errors.New("stager already finished")
	}
	s.done = true
	defer s.insRow.Close()
	defer s.insFind.Close()
	var stored SourceCounts
	stored.SourceID = s.sourceID
	err := s.tx.QueryRowContext(ctx, `SELECT count(*),
		coalesce(sum(outcome = 'record'), 0), coalesce(sum(outcome = 'excluded'), 0), coalesce(sum(outcome = 'rejected'), 0)
		FROM rows WHERE source_id = ? AND derived = 0`, s.sourceID).Scan(&stored.Rows, &stored.Records, &stored.Excluded, &stored.Rejected)
	if err != nil {
		s.tx.Rollback()
		return stored, err
	}
	if stored != s.counts || !stored.Balanced() {
		s.tx.Rollback()
		return stored, fmt.Errorf("%s: rows do not add up (read %d, stored %+v): nothing was saved from this file", s.info.Name, s.counts.Rows, stored)
	}
	if _, err := s.tx.ExecContext(ctx, `UPDATE sources SET rows = ?, records = ?, excluded = ?, rejected = ? WHERE id = ?`,
		stored.Rows, stored.Records, stored.Excluded, stored.Rejected, s.sourceID); err != nil {
		s.tx.Rollback()
		return stored, err
	}
	return stored, s.tx.Commit()
}

// Abort drops everything staged for this source; the project is as before.
func (s *Stager) Abort() {
	if s.done {
		return
	}
	s.done = true
	s.insRow.Close()
	s.insFind.Close()
	s.tx.Rollback()
}

// TableFinding records an observation about a whole table (e.g. a date
// column whose day/month order cannot be told), pointing at row.
func (s *Stager) TableFinding(ctx context.Context, f Finding, row int64) error {
	_, err := s.insFind.ExecContext(ctx, f.Rule, string(f.Severity), "", "", nil, s.info.Name, row, f.Field, f.Value, f.Message, f.Fix)
	return err
}
