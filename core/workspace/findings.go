package workspace

import (
	"context"
	"database/sql"
	"encoding/json"
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
	var rowID any
	if f.RowID != 0 {
		rowID = f.RowID
	}
	_, err := fw.ins.ExecContext(ctx, f.Rule, string(f.Severity), string(f.Entity), f.RecordKey, rowID, f.Source,
		f.Row, f.Field, f.Value, f.Message, f.Fix, det)
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
	conds = append(conds, `(row_id IS NULL OR row_id NOT IN (SELECT id FROM rows WHERE outcome = 'record' AND state != 'active'))`)
	return " WHERE " + strings.Join(conds, " AND "), args
}

// EachFinding streams findings, blockers first, then by source and row.
func (w *Workspace) EachFinding(ctx context.Context, f FindingFilter, fn func(StoredFinding) error) error {
	where, args := f.where()
	q := `SELECT id, origin, rule, severity, entity, record_key, coalesce(row_id, 0), source, row_no, field, value, message, fix, detail
		FROM findings` + where + ` ORDER BY CASE severity WHEN 'blocker' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, rule, source, row_no, id`
	if f.Limit > 0 {
		q += ` LIMIT ? OFFSET ?`
		args = append(args, f.Limit, f.Offset)
	}
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
		if det != "{}" && det != "" {
			json.Unmarshal([]byte(det), &s.Detail)
		}
		if err := fn(s); err != nil {
			return err
		}
	}
	return rows.Err()
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
