package workspace

import (
	"context"
	"encoding/json"
	"fmt"

	"handover/core/model"
)

// A finding kind that fires on a good share of one file's rows is said once
// for the column (core/check decides which). The per-row findings it stands
// for are not deleted but hidden: their origin gets a "-folded" suffix, so
// EachFinding and SummarizeFindings skip them unless FindingFilter.Folded
// asks for them, and the next check (ReplaceFindings) starts from them again.
// Importers' findings are folded the same way and restored at the next check.

const (
	originCheckFolded  = "check-folded"
	originIngestFolded = "ingest-folded"
)

// FindingGroup is the findings of one kind (rule and severity) on one field
// of one source's records of one type.
type FindingGroup struct {
	Rule     string
	Severity model.Severity
	Entity   model.Entity
	Source   string
	Field    string
	Rows     int64 // distinct rows with such a finding
}

// groupsSQL skips the findings of records left out or merged through
// rows_inactive, which holds only those: left to itself the planner read
// every record's state (0.3 s of a 1M check's critical path).
const groupsSQL = `SELECT rule, severity, entity, source, field, count(DISTINCT row_id) FROM findings
	WHERE origin IN ('check', 'ingest') AND severity != 'blocker' AND row_id IS NOT NULL AND source != ''
	AND row_id NOT IN (SELECT id FROM rows INDEXED BY rows_inactive WHERE outcome = 'record' AND state != 'active')
	GROUP BY rule, severity, entity, source, field ORDER BY rule, entity, source, field`

// Groups lists the warning and info findings tied to a row — the check's
// written so far in this run and the importers' — by kind, type, source and
// field. Blockers are never grouped: each stops its own record at upload.
func (fw *FindingWriter) Groups(ctx context.Context) ([]FindingGroup, error) {
	out, err := fw.groups(ctx)
	return out, whyFailed(ctx, err)
}

func (fw *FindingWriter) groups(ctx context.Context) ([]FindingGroup, error) {
	rows, err := fw.tx.QueryContext(ctx, groupsSQL)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []FindingGroup
	for rows.Next() {
		var g FindingGroup
		if err := rows.Scan(&g.Rule, &g.Severity, &g.Entity, &g.Source, &g.Field, &g.Rows); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

const groupWhere = ` WHERE origin IN ('check', 'ingest') AND rule = ? AND severity = ? AND entity = ? AND source = ? AND field = ? AND row_id IS NOT NULL`

func (g FindingGroup) args() []any {
	return []any{g.Rule, string(g.Severity), string(g.Entity), g.Source, g.Field}
}

// Fold hides g's per-row findings behind the one finding summary makes from
// the first n of them (by row), which is written as a check finding.
func (fw *FindingWriter) Fold(ctx context.Context, g FindingGroup, n int, summary func(examples []StoredFinding) StoredFinding) error {
	return whyFailed(ctx, fw.fold(ctx, g, n, summary))
}

func (fw *FindingWriter) fold(ctx context.Context, g FindingGroup, n int, summary func(examples []StoredFinding) StoredFinding) error {
	rows, err := fw.tx.QueryContext(ctx, `SELECT origin, record_key, row_id, row_no, value, message, fix, detail FROM findings`+groupWhere+
		` ORDER BY row_no, id LIMIT ?`, append(g.args(), n)...)
	if err != nil {
		return err
	}
	var ex []StoredFinding
	for rows.Next() {
		f := StoredFinding{Rule: g.Rule, Severity: g.Severity, Entity: g.Entity, Source: g.Source, Field: g.Field}
		var det string
		if err := rows.Scan(&f.Origin, &f.RecordKey, &f.RowID, &f.Row, &f.Value, &f.Message, &f.Fix, &det); err != nil {
			rows.Close()
			return err
		}
		if !emptyDetail(det) {
			json.Unmarshal([]byte(det), &f.Detail)
		}
		ex = append(ex, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(ex) == 0 {
		return fmt.Errorf("no findings to fold for %s on %s of %s", g.Rule, g.Field, g.Source)
	}
	if _, err := fw.tx.ExecContext(ctx, `UPDATE findings SET origin = origin || '-folded'`+groupWhere, g.args()...); err != nil {
		return err
	}
	return fw.Add(ctx, summary(ex))
}
