package check

import (
	"fmt"
	"slices"
	"strings"

	"handover/core/model"
	"handover/core/workspace"
)

// A warning or info that fires on a good share of one file's records, on
// the same field, is the column's pattern rather than a few typing errors:
// a list of hundreds of identical findings buries the ones that matter. The
// check says it once for the column, with the count and a few example rows.
// The per-row findings stay in the project, hidden (workspace/fold.go).
// Blockers are never folded: each one stops its own record at upload, and
// the Readiness screen must let the user settle or leave out each record.

const (
	// foldShare: a kind on more than 1/foldShare of the records of one type
	// read from one file (5 %) is said once for the column.
	foldShare = 20
	// minFoldRows: below this many rows the rows themselves say it best.
	minFoldRows = 3
	// foldExamples is how many example rows the column's finding quotes.
	foldExamples = 3
)

// countRecord counts the records of each type read from each file: the
// share a finding kind fires on is taken of these.
func (c *checker) countRecord(r workspace.StoredRecord) {
	if c.perSource == nil {
		c.perSource = map[string]int64{}
	}
	c.perSource[string(r.Entity)+"\x00"+r.Prov.Source]++
}

// foldColumns runs right after the per-record rules (and before the checks
// across records, whose findings are about pairs or whole files): it replaces
// every warning/info kind that fires on more than 5 % of a file's records of
// one type, on one field, by one finding for the column.
func (c *checker) foldColumns() error {
	groups, err := c.em.fw.Groups(c.ctx)
	if err != nil {
		return err
	}
	for _, g := range groups {
		if slices.Contains(model.MissingPersonRules, g.Rule) {
			continue // one finding per file already (owners.go)
		}
		total := c.perSource[string(g.Entity)+"\x00"+g.Source]
		if total == 0 || g.Rows < minFoldRows || g.Rows*foldShare <= total {
			continue
		}
		err := c.em.fw.Fold(c.ctx, g, foldExamples, func(ex []workspace.StoredFinding) workspace.StoredFinding {
			return columnFinding(g, total, ex)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// columnFinding is the one finding for a folded column: how many of the
// file's records, which field, the first example in full and the rows of
// the others. It points at no record (leaving one out settles nothing).
func columnFinding(g workspace.FindingGroup, total int64, ex []workspace.StoredFinding) workspace.StoredFinding {
	pct := float64(g.Rows) * 100 / float64(total)
	what := strings.ToLower(g.Entity.Label())
	if g.Entity == "" {
		what = "records"
	}
	msg := fmt.Sprintf("%d of the %d %s from %s (%.0f %%) have the same problem in %s. Row %d, for example: %s",
		g.Rows, total, what, g.Source, pct, fieldName(g.Field), ex[0].Row, strings.TrimSuffix(ex[0].Message, "."))
	if len(ex) > 1 {
		var rows []string
		for _, e := range ex[1:] {
			rows = append(rows, fmt.Sprint(e.Row))
		}
		more := ""
		if g.Rows > int64(len(ex)) {
			more = fmt.Sprintf(" and %d more", g.Rows-int64(len(ex)))
		}
		msg += fmt.Sprintf("; also rows %s%s", strings.Join(rows, ", "), more)
	}
	// each row's own fix ("… or fix it here") is for one record: the column's is the mapping or the old system
	fix := "It is the whole column, not a few typing errors: check on the Mapping screen that the column is read as the right kind of value, or correct the rows in the old system and export again"
	examples := make([]map[string]any, 0, len(ex))
	for _, e := range ex {
		examples = append(examples, map[string]any{"row": e.Row, "record": e.RecordKey, "value": e.Value, "message": e.Message})
	}
	return workspace.StoredFinding{
		Rule: g.Rule, Severity: g.Severity, Entity: g.Entity, Source: g.Source, Field: g.Field,
		Message: msg + ".", Fix: fix,
		Detail: map[string]any{"column": true, "records": g.Rows, "of": total, "examples": examples},
	}
}

// fieldName is a record field as an office manager would say it.
func fieldName(f string) string {
	if f == "" {
		return "one field"
	}
	return fmt.Sprintf("%q", strings.ReplaceAll(f, "_", " "))
}

// FoldedFindings is what a finding said once for a column (or, for records
// with no person, for a file) stands for: the per-row findings of its kind
// on its field of its file, kept hidden in the project.
func FoldedFindings(f workspace.StoredFinding) workspace.FindingFilter {
	return workspace.FindingFilter{Rule: f.Rule, Severity: f.Severity, Entity: f.Entity, Source: f.Source, Field: f.Field, Folded: true}
}
