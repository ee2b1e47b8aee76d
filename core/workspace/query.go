package workspace

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"handover/core/model"
)

// Source is a source as stored.
type Source struct {
	ID         int64           `json:"id"`
	Path       string          `json:"path"`
	Name       string          `json:"name"`
	Size       int64           `json:"size"`
	SHA256     string          `json:"sha256"`
	Format     string          `json:"format"`
	Encoding   string          `json:"encoding"`
	Delimiter  string          `json:"delimiter,omitempty"`
	HeaderRow  int             `json:"header_row"`
	System     string          `json:"system,omitempty"`
	Profile    string          `json:"profile"`
	Detection  json.RawMessage `json:"detection,omitempty"`
	Options    json.RawMessage `json:"options,omitempty"`
	ExportedAt string          `json:"exported_at,omitempty"`
	IngestedAt string          `json:"ingested_at"`
	Counts     SourceCounts    `json:"counts"`
}

const sourceCols = `id, path, name, size, sha256, format, encoding, delimiter, header_row, system, profile,
	detection, options, exported_at, ingested_at, rows, records, excluded, rejected`

func scanSource(sc interface{ Scan(...any) error }) (Source, error) {
	var s Source
	var det, opt string
	err := sc.Scan(&s.ID, &s.Path, &s.Name, &s.Size, &s.SHA256, &s.Format, &s.Encoding, &s.Delimiter, &s.HeaderRow,
		&s.System, &s.Profile, &det, &opt, &s.ExportedAt, &s.IngestedAt,
		&s.Counts.Rows, &s.Counts.Records, &s.Counts.Excluded, &s.Counts.Rejected)
	s.Detection, s.Options = json.RawMessage(det), json.RawMessage(opt)
	s.Counts.SourceID = s.ID
	return s, err
}

// Sources lists the sources in the order they were added.
func (w *Workspace) Sources(ctx context.Context) ([]Source, error) {
	rows, err := w.db.QueryContext(ctx, `SELECT `+sourceCols+` FROM sources ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Source
	for rows.Next() {
		s, err := scanSource(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// SourceByHash finds an already-read source with the same content.
func (w *Workspace) SourceByHash(ctx context.Context, sha string) (*Source, error) {
	s, err := scanSource(w.db.QueryRowContext(ctx, `SELECT `+sourceCols+` FROM sources WHERE sha256 = ? ORDER BY id LIMIT 1`, sha))
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// RemoveSource deletes a source and everything read from it.
func (w *Workspace) RemoveSource(ctx context.Context, id int64) error {
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM findings WHERE row_id IN (SELECT id FROM rows WHERE source_id = ?)`, id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM sources WHERE id = ?`, id); err != nil {
		return err
	}
	return tx.Commit()
}

// Counts is the project-wide account: records per type (active, after
// cleaning), exclusions per reason (incl. those made while cleaning), rejects.
type Counts struct {
	Records  map[model.Entity]int64 `json:"counts"`
	Excluded map[model.Reason]int64 `json:"excluded"`
	Rejected int64                  `json:"rejected"`
	Rows     int64                  `json:"rows"`         // input rows read, all sources
	RowsKept int64                  `json:"rows_records"` // of those, rows that became records (cleaning aside)
}

// countsQuery is one walk of the index rows_outcome, which holds these
// columns in this order: grouped on derived too, for the rows read (Counts
// takes any derived other than 0 as derived).
const countsQuery = `SELECT outcome, entity, reason, state, derived, count(*) FROM rows GROUP BY outcome, entity, reason, state, derived`

// Counts computes the project's counts.
func (w *Workspace) Counts(ctx context.Context) (Counts, error) {
	c := Counts{Records: map[model.Entity]int64{}, Excluded: map[model.Reason]int64{}}
	for _, e := range model.Entities {
		c.Records[e] = 0
	}
	rows, err := w.db.QueryContext(ctx, countsQuery)
	if err != nil {
		return c, err
	}
	defer rows.Close()
	for rows.Next() {
		var outcome, entity, reason, state string
		var derived, n int64
		if err := rows.Scan(&outcome, &entity, &reason, &state, &derived, &n); err != nil {
			return c, err
		}
		if derived == 0 {
			c.Rows += n
			if outcome == "record" {
				c.RowsKept += n
			}
		}
		switch outcome {
		case "record":
			switch state {
			case "active":
				c.Records[model.Entity(entity)] += n
			case "merged":
				c.Excluded[model.DuplicateMerged] += n
			default:
				c.Excluded[model.ExcludedByUser] += n
			}
		case "excluded":
			c.Excluded[model.Reason(reason)] += n
		case "rejected":
			c.Rejected += n
		}
	}
	return c, rows.Err()
}

// CountRows is how many rows the project holds, every outcome and state:
// the items a package writes (each row is a record, a left-out row or a
// reject). One walk of the smallest index, not the GROUP BY of Counts.
func (w *Workspace) CountRows(ctx context.Context) (int64, error) {
	var n int64
	err := w.db.QueryRowContext(ctx, `SELECT count(*) FROM rows`).Scan(&n)
	return n, err
}

// VerifyInvariant re-counts every source from the stored rows and returns an
// error naming the first source whose rows do not add up.
func (w *Workspace) VerifyInvariant(ctx context.Context) error {
	srcs, err := w.Sources(ctx)
	if err != nil {
		return err
	}
	for _, s := range srcs {
		var c SourceCounts
		err := w.db.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(outcome = 'record'), 0),
			coalesce(sum(outcome = 'excluded'), 0), coalesce(sum(outcome = 'rejected'), 0)
			FROM rows WHERE source_id = ? AND derived = 0`, s.ID).Scan(&c.Rows, &c.Records, &c.Excluded, &c.Rejected)
		if err != nil {
			return err
		}
		c.SourceID = s.ID
		if c != s.Counts || !c.Balanced() {
			return fmt.Errorf("%s: stored rows %+v do not match the counts taken when it was read %+v", s.Name, c, s.Counts)
		}
	}
	return nil
}

// RecordFilter narrows EachRecord.
type RecordFilter struct {
	Entity     model.Entity // "" = all types, in upload order
	IncludeOff bool         // also records excluded or merged while cleaning
	Original   bool         // the values as imported, not as cleaned
}

// StoredRecord is a record with its cleaning state.
type StoredRecord struct {
	model.Record
	State      string `json:"state"` // active|excluded|merged
	StateNote  string `json:"state_note,omitempty"`
	MergedInto string `json:"merged_into,omitempty"`
	Derived    bool   `json:"derived,omitempty"`
	Cleaned    bool   `json:"cleaned,omitempty"` // effective values differ from the original
}

// EachRecord streams records in a stable order (type, then id).
func (w *Workspace) EachRecord(ctx context.Context, f RecordFilter, fn func(StoredRecord) error) error {
	entities := model.Entities
	if f.Entity != "" {
		entities = []model.Entity{f.Entity}
	}
	for _, e := range entities {
		if err := w.eachRecord(ctx, e, f, fn); err != nil {
			return err
		}
	}
	return nil
}

// EachRecordWithOriginal streams the active records of e as EachRecord
// does, each with its values as imported when cleaning changed them (nil
// otherwise): one pass, and the original decoded only where it differs.
func (w *Workspace) EachRecordWithOriginal(ctx context.Context, e model.Entity, fn func(r StoredRecord, original any) error) error {
	return w.eachRecordOf(ctx, e, RecordFilter{Entity: e}, true, fn)
}

func (w *Workspace) eachRecord(ctx context.Context, e model.Entity, f RecordFilter, fn func(StoredRecord) error) error {
	return w.eachRecordOf(ctx, e, f, false, func(r StoredRecord, _ any) error { return fn(r) })
}

func (w *Workspace) eachRecordOf(ctx context.Context, e model.Entity, f RecordFilter, withOriginal bool, fn func(StoredRecord, any) error) error {
	dataCol := "coalesce(r.effective, r.data)"
	if f.Original {
		dataCol = "r.data"
	}
	origCol := "NULL"
	if withOriginal {
		origCol = "CASE WHEN r.effective IS NOT NULL THEN r.data END"
	}
	q := `SELECT r.id, r.key, coalesce(r.source_id, 0), coalesce(s.name, ''), r.row_no, r.locator, ` + dataCol + `,
		r.state, r.state_note, coalesce(r.merged_into, ''), r.derived, r.effective IS NOT NULL, ` + origCol + `
		FROM rows r LEFT JOIN sources s ON s.id = r.source_id
		WHERE r.outcome = 'record' AND r.entity = ?`
	if !f.IncludeOff {
		q += ` AND r.state = 'active'`
	}
	q += ` ORDER BY r.id`
	rows, err := w.db.QueryContext(ctx, q, string(e))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r StoredRecord
		var data string
		var orig sql.NullString
		r.Entity = e
		if err := rows.Scan(&r.ID, &r.Key, &r.Prov.SourceID, &r.Prov.Source, &r.Prov.Row, &r.Prov.Locator, &data,
			&r.State, &r.StateNote, &r.MergedInto, &r.Derived, &r.Cleaned, &orig); err != nil {
			return err
		}
		v, err := model.Decode(e, []byte(data))
		if err != nil {
			return fmt.Errorf("record %d: %w", r.ID, err)
		}
		r.Data = v
		var original any
		if orig.Valid {
			if original, err = model.Decode(e, []byte(orig.String)); err != nil {
				return fmt.Errorf("record %d (as imported): %w", r.ID, err)
			}
		}
		if err := fn(r, original); err != nil {
			return err
		}
	}
	return rows.Err()
}

// RecordByKey loads one record (any state) by its stable key.
func (w *Workspace) RecordByKey(ctx context.Context, e model.Entity, key string) (*StoredRecord, error) {
	q := `SELECT r.id, r.key, coalesce(r.source_id, 0), coalesce(s.name, ''), r.row_no, r.locator, coalesce(r.effective, r.data),
		r.state, r.state_note, coalesce(r.merged_into, ''), r.derived, r.effective IS NOT NULL
		FROM rows r LEFT JOIN sources s ON s.id = r.source_id WHERE r.outcome = 'record' AND r.entity = ? AND r.key = ?`
	var r StoredRecord
	var data string
	r.Entity = e
	err := w.db.QueryRowContext(ctx, q, string(e), key).Scan(&r.ID, &r.Key, &r.Prov.SourceID, &r.Prov.Source, &r.Prov.Row,
		&r.Prov.Locator, &data, &r.State, &r.StateNote, &r.MergedInto, &r.Derived, &r.Cleaned)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if r.Data, err = model.Decode(e, []byte(data)); err != nil {
		return nil, err
	}
	return &r, nil
}

// OutcomeRow is an excluded or rejected input row, for reports and packages.
type OutcomeRow struct {
	ID      int64             `json:"id"`
	Source  string            `json:"source"`
	Row     int64             `json:"row"`
	Locator string            `json:"locator,omitempty"`
	Outcome string            `json:"outcome"` // excluded|rejected
	Entity  model.Entity      `json:"entity,omitempty"`
	Reason  string            `json:"reason"`
	Detail  string            `json:"detail,omitempty"`
	Header  []string          `json:"header,omitempty"`
	Raw     []string          `json:"raw"`
	Data    json.RawMessage   `json:"data,omitempty"`
	Ledger  *model.LedgerLine `json:"ledger,omitempty"`
}

// leftOutRow is an input row that does not become a record (EachLeftOut).
const leftOutRow = `(r.outcome != 'record' OR r.state != 'active') AND r.derived = 0`

// CountLeftOut is how many rows EachLeftOut would give, without reading them.
func (w *Workspace) CountLeftOut(ctx context.Context) (int64, error) {
	var n int64
	err := w.db.QueryRowContext(ctx, `SELECT count(*) FROM rows r WHERE `+leftOutRow).Scan(&n)
	return n, err
}

// errEnoughLeftOut stops EachLeftOutFirst's walk.
var errEnoughLeftOut = errors.New("enough left-out rows")

// EachLeftOutFirst is EachLeftOut for the first limit rows only.
func (w *Workspace) EachLeftOutFirst(ctx context.Context, limit int, fn func(OutcomeRow) error) error {
	n := 0
	err := w.EachLeftOut(ctx, func(o OutcomeRow) error {
		if n >= limit {
			return errEnoughLeftOut
		}
		n++
		return fn(o)
	})
	if errors.Is(err, errEnoughLeftOut) {
		return nil
	}
	return err
}

// EachLeftOut streams every input row that is not a record (exclusions and
// rejects), plus records excluded or merged while cleaning, in source order.
func (w *Workspace) EachLeftOut(ctx context.Context, fn func(OutcomeRow) error) error {
	rows, err := w.db.QueryContext(ctx, `SELECT r.id, coalesce(s.name, ''), r.row_no, r.locator,
		CASE WHEN r.outcome = 'record' THEN 'excluded' ELSE r.outcome END,
		r.entity,
		CASE WHEN r.outcome = 'record' AND r.state = 'merged' THEN 'duplicate_merged'
		     WHEN r.outcome = 'record' THEN 'excluded_by_user' ELSE r.reason END,
		CASE WHEN r.outcome = 'record' THEN r.state_note ELSE r.detail END,
		coalesce(r.header_id, 0), coalesce(r.raw, '[]'), coalesce(r.data, ''), coalesce(r.ledger, '')
		FROM rows r LEFT JOIN sources s ON s.id = r.source_id
		WHERE `+leftOutRow+`
		ORDER BY r.source_id, r.row_no, r.id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	// A file has one header (a workbook one per sheet): read each once, not
	// once per row. The rows share it; callers only read it.
	headers := map[int64][]string{}
	for rows.Next() {
		var o OutcomeRow
		var headerID int64
		var raw, data, ledger string
		if err := rows.Scan(&o.ID, &o.Source, &o.Row, &o.Locator, &o.Outcome, &o.Entity, &o.Reason, &o.Detail,
			&headerID, &raw, &data, &ledger); err != nil {
			return err
		}
		if headerID != 0 {
			h, ok := headers[headerID]
			if !ok {
				if h, err = w.headerNames(ctx, headerID); err != nil {
					return err
				}
				headers[headerID] = h
			}
			o.Header = h
		}
		var ok bool
		if o.Raw, ok = plainStrings(raw); !ok {
			json.Unmarshal([]byte(raw), &o.Raw)
		}
		if data != "" {
			o.Data = json.RawMessage(data)
		}
		if ledger != "" {
			o.Ledger = &model.LedgerLine{}
			json.Unmarshal([]byte(ledger), o.Ledger)
		}
		if err := fn(o); err != nil {
			return err
		}
	}
	return rows.Err()
}

// plainStrings reads a compact JSON array of strings none of which needs
// decoding (no escape, no control character, valid UTF-8): most stored raw
// rows. ok is false for anything else, which encoding/json reads instead;
// what plainStrings reads is exactly what encoding/json would.
func plainStrings(s string) (_ []string, ok bool) {
	if len(s) < 2 || s[0] != '[' || s[len(s)-1] != ']' {
		return nil, false
	}
	body := s[1 : len(s)-1]
	out := make([]string, 0, strings.Count(body, `","`)+1)
	for len(body) > 0 {
		if body[0] != '"' {
			return nil, false
		}
		end := 1
		for end < len(body) && body[end] != '"' {
			if c := body[end]; c == '\\' || c < 0x20 {
				return nil, false
			}
			end++
		}
		if end == len(body) {
			return nil, false
		}
		v := body[1:end]
		if !utf8.ValidString(v) {
			return nil, false
		}
		out = append(out, v)
		body = body[end+1:]
		if len(body) > 0 {
			if body[0] != ',' || len(body) == 1 {
				return nil, false
			}
			body = body[1:]
		}
	}
	return out, true
}

// headerNames reads one stored header's column names (nil when it has none).
func (w *Workspace) headerNames(ctx context.Context, id int64) ([]string, error) {
	var names string
	err := w.db.QueryRowContext(ctx, `SELECT names FROM headers WHERE id = ?`, id).Scan(&names)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var h []string
	json.Unmarshal([]byte(names), &h)
	return h, nil
}

// EachLedgerLine streams the accounting rows kept for balances.
func (w *Workspace) EachLedgerLine(ctx context.Context, fn func(rowID int64, l model.LedgerLine) error) error {
	rows, err := w.db.QueryContext(ctx, `SELECT id, ledger FROM rows WHERE outcome = 'excluded' AND ledger IS NOT NULL ORDER BY id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var s string
		if err := rows.Scan(&id, &s); err != nil {
			return err
		}
		var l model.LedgerLine
		if err := json.Unmarshal([]byte(s), &l); err != nil {
			return fmt.Errorf("ledger row %d: %w", id, err)
		}
		if err := fn(id, l); err != nil {
			return err
		}
	}
	return rows.Err()
}

const (
	updateDerivedSQL = `UPDATE rows SET data = ?, locator = ? WHERE outcome = 'record' AND entity = ? AND key = ? AND derived = 1 AND source_id IS NULL`
	deleteDerivedSQL = `DELETE FROM rows WHERE outcome = 'record' AND entity = ? AND key = ? AND derived = 1 AND source_id IS NULL`
)

// ReplaceDerived replaces all project-level derived records of one type
// (e.g. balances computed from ledgers) in one transaction. A record whose key
// already exists is updated in place, so it keeps its id (and with it the
// cleaning state and anything else that points at it): recomputing the same
// ledgers changes nothing, and a package of the project stays byte-for-byte
// the same.
//
// Every statement names outcome = 'record' so SQLite finds the row through
// the partial unique index on (entity, key); without it each one walked every
// sourceless row, and re-checking a 1M-row firm took minutes.
func (w *Workspace) ReplaceDerived(ctx context.Context, e model.Entity, recs []model.Record) error {
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	stale := map[string]bool{}
	rows, err := tx.QueryContext(ctx, `SELECT key FROM rows WHERE entity = ? AND derived = 1 AND source_id IS NULL`, string(e))
	if err != nil {
		return err
	}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			rows.Close()
			return err
		}
		stale[k] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, r := range recs {
		b, err := json.Marshal(r.Data)
		if err != nil {
			return err
		}
		if stale[r.Key] {
			delete(stale, r.Key)
			if _, err := tx.ExecContext(ctx, updateDerivedSQL,
				string(b), r.Prov.Locator, string(e), r.Key); err != nil {
				return fmt.Errorf("derived %s %s: %w", e, r.Key, err)
			}
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO rows(source_id, outcome, derived, entity, key, data, locator)
			VALUES(NULL, 'record', 1, ?, ?, ?, ?)`, string(e), r.Key, string(b), r.Prov.Locator); err != nil {
			return fmt.Errorf("derived %s %s: %w", e, r.Key, err)
		}
	}
	for k := range stale {
		if _, err := tx.ExecContext(ctx, deleteDerivedSQL, string(e), k); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// Header returns a source's column names for a locator (table/sheet).
func (w *Workspace) Headers(ctx context.Context, sourceID int64) (map[string][]string, error) {
	rows, err := w.db.QueryContext(ctx, `SELECT locator, names FROM headers WHERE source_id = ? ORDER BY id`, sourceID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var loc, names string
		if err := rows.Scan(&loc, &names); err != nil {
			return nil, err
		}
		var n []string
		json.Unmarshal([]byte(names), &n)
		out[loc] = n
	}
	return out, rows.Err()
}

// Remembered returns the mappings the user confirmed in this project.
func (w *Workspace) Remembered(ctx context.Context) (map[string]string, error) {
	rows, err := w.db.QueryContext(ctx, `SELECT header, target FROM remembered_mappings`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var h, t string
		if err := rows.Scan(&h, &t); err != nil {
			return nil, err
		}
		out[h] = t
	}
	return out, rows.Err()
}

// Remember stores a confirmed mapping (normalised header → target).
func (w *Workspace) Remember(ctx context.Context, header, target string) error {
	_, err := w.db.ExecContext(ctx, `INSERT INTO remembered_mappings(header, target) VALUES(?, ?)
		ON CONFLICT(header) DO UPDATE SET target = excluded.target`, header, target)
	return err
}

// DocumentHashes returns the SHA-256 of every document any row names, as read
// or as cleaned: the stored attachments the project still needs.
func (w *Workspace) DocumentHashes(ctx context.Context) (map[string]bool, error) {
	rows, err := w.db.QueryContext(ctx, `SELECT json_extract(data, '$.sha256') FROM rows
		WHERE entity = 'documents' AND json_valid(data)
		UNION SELECT json_extract(effective, '$.sha256') FROM rows
		WHERE entity = 'documents' AND json_valid(effective)`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var h sql.NullString
		if err := rows.Scan(&h); err != nil {
			return nil, err
		}
		if h.Valid && h.String != "" {
			out[h.String] = true
		}
	}
	return out, rows.Err()
}
