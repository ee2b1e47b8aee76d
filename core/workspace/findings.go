package workspace

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"
	"strings"

	"handover/core/model"
)

// StoredFinding is a readiness finding as kept in the project.
type StoredFinding struct {
	ID        int64          `json:"-"`
	Origin    string         `json:"-"`
	Rule      string         `json:"rule"`
	Severity  model.Severity `json:"severity"`
	Entity    model.Entity   `json:"entity,omitempty"`
	RecordKey string         `json:"record,omitempty"`
	RowID     int64          `json:"-"`
	Source    string         `json:"source,omitempty"`
	Row       int64          `json:"row,omitempty"`
	Field     string         `json:"field,omitempty"`
	Value     string         `json:"value,omitempty"`
	Message   string         `json:"message"`
	Fix       string         `json:"fix,omitempty"`
	Detail    map[string]any `json:"detail,omitempty"`
}

// FindingWriter replaces the check-made findings in one transaction.
type FindingWriter struct {
	tx  *sql.Tx
	ins *sql.Stmt
}

// ReplaceFindings starts a fresh set of check findings (ingest findings stay).
func (w *Workspace) ReplaceFindings(ctx context.Context) (*FindingWriter, error) {
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM findings WHERE origin IN ('check', '`+originCheckFolded+`')`); err != nil {
		tx.Rollback()
		return nil, err
	}
	// the importers' findings the last check folded are the check's to judge again
	if _, err := tx.ExecContext(ctx, `UPDATE findings SET origin = 'ingest' WHERE origin = '`+originIngestFolded+`'`); err != nil {
		tx.Rollback()
		return nil, err
	}
	ins, err := tx.PrepareContext(ctx, `INSERT INTO findings(origin, rule, severity, entity, record_key, row_id, source,
		row_no, field, value, message, fix, detail) VALUES('check',?,?,?,?,?,?,?,?,?,?,?,?)`)
	if err != nil {
		tx.Rollback()
		return nil, err
	}
	return &FindingWriter{tx: tx, ins: ins}, nil
}

// Add writes one finding.
func (fw *FindingWriter) Add(ctx context.Context, f StoredFinding) error {
	det := "{}"
	if len(f.Detail) > 0 {
		b, _ := json.Marshal(f.Detail)
		det = string(b)
	}
	return fw.AddEncoded(ctx, f, det)
}

// AddEncoded writes one finding whose detail is already JSON (f.Detail is
// not read): findings that share one detail, such as the members of one
// duplicate cluster, encode it once.
func (fw *FindingWriter) AddEncoded(ctx context.Context, f StoredFinding, det string) error {
	var rowID any
	if f.RowID != 0 {
		rowID = f.RowID
	}
	_, err := fw.ins.ExecContext(ctx, f.Rule, string(f.Severity), string(f.Entity), f.RecordKey, rowID, f.Source,
		f.Row, f.Field, f.Value, f.Message, f.Fix, det)
	return whyFailed(ctx, err)
}

// whyFailed is err, or the context's error when the context ended: the
// transaction began with ctx, and database/sql rolls it back and closes its
// statements the moment ctx is cancelled, so a write racing that says
// "statement is closed" when the reason is the cancellation.
func whyFailed(ctx context.Context, err error) error {
	if err != nil && ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// Commit makes the new set visible.
func (fw *FindingWriter) Commit() error { fw.ins.Close(); return fw.tx.Commit() }

// Abort keeps the previous set.
func (fw *FindingWriter) Abort() { fw.ins.Close(); fw.tx.Rollback() }

// FindingFilter narrows EachFinding. Zero values mean "any".
type FindingFilter struct {
	Severity model.Severity
	Rule     string
	Entity   model.Entity
	Source   string
	Field    string
	// Folded lists the per-row findings that a finding for a whole column
	// stands for (fold.go) instead of the findings on show.
	Folded bool
	Offset int
	Limit  int // 0 = all
}

func (f FindingFilter) where() (string, []any) {
	var conds []string
	var args []any
	if f.Severity != "" {
		conds, args = append(conds, "severity = ?"), append(args, string(f.Severity))
	}
	if f.Rule != "" {
		conds, args = append(conds, "rule = ?"), append(args, f.Rule)
	}
	if f.Entity != "" {
		conds, args = append(conds, "entity = ?"), append(args, string(f.Entity))
	}
	if f.Source != "" {
		conds, args = append(conds, "source = ?"), append(args, f.Source)
	}
	if f.Field != "" {
		conds, args = append(conds, "field = ?"), append(args, f.Field)
	}
	if f.Folded {
		conds = append(conds, "origin IN ('"+originCheckFolded+"', '"+originIngestFolded+"')")
	} else {
		conds = append(conds, "origin NOT IN ('"+originCheckFolded+"', '"+originIngestFolded+"')")
	}
	// Findings on records the user excluded or merged no longer matter.
	// (rows_inactive holds only those: the planner would read every record)
	conds = append(conds, `(row_id IS NULL OR row_id NOT IN (SELECT id FROM rows INDEXED BY rows_inactive WHERE outcome = 'record' AND state != 'active'))`)
	return " WHERE " + strings.Join(conds, " AND "), args
}

// findingOrder is the order of the findings list: blockers first, then by
// rule, source and row (the index findings_list, schema.go).
const findingOrder = ` ORDER BY sev_rank, rule, source, row_no, id`

const findingColumns = `id, origin, rule, severity, entity, record_key, coalesce(row_id, 0), source, row_no, field, value, message, fix, detail`

// EachFinding streams findings, blockers first, then by source and row.
func (w *Workspace) EachFinding(ctx context.Context, f FindingFilter, fn func(StoredFinding) error) error {
	where, args := f.where()
	q := `SELECT ` + findingColumns + ` FROM findings` + where + findingOrder
	if f.Limit > 0 {
		q += ` LIMIT ? OFFSET ?`
		args = append(args, f.Limit, f.Offset)
	}
	return w.scanFindings(ctx, q, args, fn)
}

// EachFindingJSON streams the findings EachFinding would, each as the JSON
// object json.Marshal makes of it, byte for byte, without decoding its
// detail: the detail is stored as JSON and copied through. (Decoding every
// detail into a map and encoding it again was 1.6 s of `handover check
// --json` on a million-row firm's 223 MB of findings.) The slice is reused:
// fn must not keep it.
func (w *Workspace) EachFindingJSON(ctx context.Context, f FindingFilter, fn func(object []byte) error) error {
	where, args := f.where()
	q := `SELECT ` + findingColumns + ` FROM findings` + where + findingOrder
	if f.Limit > 0 {
		q += ` LIMIT ? OFFSET ?`
		args = append(args, f.Limit, f.Offset)
	}
	var buf []byte
	return w.scanFindingRows(ctx, q, args, func(s StoredFinding, det string) error {
		buf = s.appendJSON(buf[:0], det)
		return fn(buf)
	})
}

func (w *Workspace) scanFindings(ctx context.Context, q string, args []any, fn func(StoredFinding) error) error {
	return w.scanFindingRows(ctx, q, args, func(s StoredFinding, det string) error {
		if !emptyDetail(det) {
			json.Unmarshal([]byte(det), &s.Detail)
		}
		return fn(s)
	})
}

// scanFindingRows reads findingColumns rows, handing each finding over with
// its detail still encoded (s.Detail is nil).
func (w *Workspace) scanFindingRows(ctx context.Context, q string, args []any, fn func(s StoredFinding, detail string) error) error {
	rows, err := w.db.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var s StoredFinding
		var det string
		if err := rows.Scan(&s.ID, &s.Origin, &s.Rule, &s.Severity, &s.Entity, &s.RecordKey, &s.RowID, &s.Source, &s.Row,
			&s.Field, &s.Value, &s.Message, &s.Fix, &det); err != nil {
			return err
		}
		if err := fn(s, det); err != nil {
			return err
		}
	}
	return rows.Err()
}

// emptyDetail tells a stored detail that decodes to no map entries: the
// writers store "{}" for none.
func emptyDetail(det string) bool { return det == "" || det == "{}" || det == "null" }

// appendJSON appends json.Marshal(s) with det, the stored detail, in place
// of s.Detail. det is copied as stored when it is what encoding the decoded
// map again would give (an object written by json.Marshal, as every writer
// here stores it); anything else goes the long way round, so the output is
// json.Marshal's whatever the project holds.
func (s StoredFinding) appendJSON(b []byte, det string) []byte {
	b = append(b, `{"rule":`...)
	b = appendJSONString(b, s.Rule)
	b = append(b, `,"severity":`...)
	b = appendJSONString(b, string(s.Severity))
	for _, f := range [...]struct{ name, v string }{{`,"entity":`, string(s.Entity)}, {`,"record":`, s.RecordKey}, {`,"source":`, s.Source}} {
		if f.v != "" {
			b = append(b, f.name...)
			b = appendJSONString(b, f.v)
		}
	}
	if s.Row != 0 {
		b = append(b, `,"row":`...)
		b = strconv.AppendInt(b, s.Row, 10)
	}
	for _, f := range [...]struct{ name, v string }{{`,"field":`, s.Field}, {`,"value":`, s.Value}} {
		if f.v != "" {
			b = append(b, f.name...)
			b = appendJSONString(b, f.v)
		}
	}
	b = append(b, `,"message":`...)
	b = appendJSONString(b, s.Message)
	if s.Fix != "" {
		b = append(b, `,"fix":`...)
		b = appendJSONString(b, s.Fix)
	}
	if !emptyDetail(det) {
		if !canonicalDetail(det) {
			var m map[string]any
			json.Unmarshal([]byte(det), &m)
			if len(m) == 0 {
				return append(b, '}')
			}
			re, _ := json.Marshal(m)
			det = string(re)
		}
		b = append(b, `,"detail":`...)
		b = append(b, det...)
	}
	return append(b, '}')
}

// FindingCursor is a place in the findings list: the sort key of the
// finding it follows. The zero cursor is the start of the list.
type FindingCursor struct {
	Rank   int // the severity's place: 0 blocker, 1 warning, 2 info
	Rule   string
	Source string
	Row    int64
	ID     int64
}

// Cursor is the place just after f in the list.
func (f StoredFinding) Cursor() FindingCursor {
	return FindingCursor{Rank: f.Severity.Rank(), Rule: f.Rule, Source: f.Source, Row: f.Row, ID: f.ID}
}

// listWhere is f's condition, and "comes after c" (unless c is the zero
// cursor), written so that the index can seek them: the severity as
// sev_rank (the index's column; severity = ? would make the planner take
// findings_rule and sort), and the row value over the index columns after
// those a filter fixes (SQLite seeks a row value only there).
func (f FindingFilter) listWhere(c FindingCursor) (string, []any) {
	g := f
	g.Severity = ""
	where, args := g.where()
	switch {
	case f.Severity != "":
		where += ` AND sev_rank = ?`
		args = append(args, f.Severity.Rank())
		if c.ID != 0 {
			where += ` AND (rule, source, row_no, id) > (?, ?, ?, ?)`
			args = append(args, c.Rule, c.Source, c.Row, c.ID)
		}
	case c.ID != 0:
		where += ` AND (sev_rank, rule, source, row_no, id) > (?, ?, ?, ?, ?)`
		args = append(args, c.Rank, c.Rule, c.Source, c.Row, c.ID)
	}
	return where, args
}

// FindingsAfter returns up to n of the findings matching f (Offset and
// Limit ignored) that come after the cursor, in the list's order. A page
// costs an index seek and n rows, wherever it is in the list (keyset
// pagination: LIMIT/OFFSET sorted every finding for each page).
func (w *Workspace) FindingsAfter(ctx context.Context, f FindingFilter, after FindingCursor, n int) ([]StoredFinding, error) {
	where, args := f.listWhere(after)
	q := `SELECT ` + findingColumns + ` FROM findings` + where + findingOrder + ` LIMIT ?`
	out := make([]StoredFinding, 0, n)
	err := w.scanFindings(ctx, q, append(args, n), func(s StoredFinding) error {
		out = append(out, s)
		return nil
	})
	return out, err
}

// FindingMarks walks the list's index once, reading only sort keys, and
// returns the cursor every page of the given size starts after (marks[0] is
// the zero cursor, the start) and how many findings match f. With them any
// page can be read at once by FindingsAfter: a scroll bar dragged to the
// middle of a million findings.
func (w *Workspace) FindingMarks(ctx context.Context, f FindingFilter, page int) ([]FindingCursor, int, error) {
	if page <= 0 {
		page = 1
	}
	where, args := f.listWhere(FindingCursor{})
	rows, err := w.db.QueryContext(ctx, `SELECT sev_rank, rule, source, row_no, id FROM findings`+where+findingOrder, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	marks := []FindingCursor{{}}
	n := 0
	for rows.Next() {
		var c FindingCursor
		if err := rows.Scan(&c.Rank, &c.Rule, &c.Source, &c.Row, &c.ID); err != nil {
			return nil, 0, err
		}
		if n++; n%page == 0 {
			marks = append(marks, c)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	if n%page == 0 && len(marks) > 1 {
		marks = marks[:len(marks)-1] // the mark after the last row starts no page
	}
	return marks, n, nil
}

// FindingSummary counts findings by severity and by rule.
type FindingSummary struct {
	BySeverity map[model.Severity]int64 `json:"by_severity"`
	ByRule     map[string]int64         `json:"by_rule"`
	Total      int64                    `json:"total"`
}

// SummarizeFindings counts the findings matching f (Offset/Limit ignored).
func (w *Workspace) SummarizeFindings(ctx context.Context, f FindingFilter) (FindingSummary, error) {
	s := FindingSummary{BySeverity: map[model.Severity]int64{}, ByRule: map[string]int64{}}
	where, args := f.where()
	rows, err := w.db.QueryContext(ctx, `SELECT severity, rule, count(*) FROM findings`+where+` GROUP BY severity, rule`, args...)
	if err != nil {
		return s, err
	}
	defer rows.Close()
	for rows.Next() {
		var sev, rule string
		var n int64
		if err := rows.Scan(&sev, &rule, &n); err != nil {
			return s, err
		}
		s.BySeverity[model.Severity(sev)] += n
		s.ByRule[rule] += n
		s.Total += n
	}
	return s, rows.Err()
}
