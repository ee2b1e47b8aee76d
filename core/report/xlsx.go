package report

import (
	"context"
	"io"
	"strings"
	"time"

	"handover/core/model"
	"handover/core/workspace"
)

// WriteXLSX writes the readiness report as an Excel workbook: a Summary
// sheet, one sheet per finding rule (every finding, with the row's original
// values), an Excluded sheet (every row left out, with its reason) and a
// "What won't be migrated" sheet. Rows are streamed: memory stays flat.
func WriteXLSX(ctx context.Context, ws *workspace.Workspace, w io.Writer) error {
	return WriteXLSXAt(ctx, ws, w, time.Time{})
}

// WriteXLSXAt is WriteXLSX with every part of the workbook stamped with mod
// (a package stamps its cut-off), so the same project gives the same bytes.
func WriteXLSXAt(ctx context.Context, ws *workspace.Workspace, w io.Writer, mod time.Time) error {
	g, err := Gather(ctx, ws)
	if err != nil {
		return err
	}
	return WriteXLSXFrom(ctx, ws, w, mod, g)
}

// WriteXLSXFrom is WriteXLSXAt with the summary already gathered.
func WriteXLSXFrom(ctx context.Context, ws *workspace.Workspace, w io.Writer, mod time.Time, g *Gathered) error {
	return WriteXLSXWith(ctx, ws, w, mod, g, nil)
}

// WriteXLSXWith is WriteXLSXFrom with the Excluded sheet written apart
// (ExcludedSheet) by whoever reads the left-out rows anyway: excluded
// returns it once written. A package reads those rows once for its own
// excluded/ files and this sheet.
func WriteXLSXWith(ctx context.Context, ws *workspace.Workspace, w io.Writer, mod time.Time, g *Gathered, excluded func() (Part, error)) error {
	s := g.s
	names := []string{"Summary"}
	for _, r := range s.Rules {
		names = append(names, r.Sheet)
	}
	names = append(names, excludedSheetName, "What won't be migrated")
	wb, err := newWorkbook(w, mod, names)
	if err != nil {
		return err
	}

	// Summary.
	sum, err := wb.sheet([]float64{44, 14, 14, 14, 14, 90}, false)
	if err != nil {
		return err
	}
	if err := writeSummary(sum, s); err != nil {
		return err
	}

	// One sheet per rule.
	for _, r := range s.Rules {
		if err := ctx.Err(); err != nil {
			return err
		}
		sh, err := wb.sheet([]float64{10, 22, 7, 16, 24, 60, 60, 30, 30, 30, 30, 30}, true)
		if err != nil {
			return err
		}
		if err := sh.heading("Severity", "Source file", "Row", "Field", "Value", "Message", "Suggested fix", "Original values →"); err != nil {
			return err
		}
		var vals []any
		err = eachFindingRow(ctx, ws, r.Rule, 0, func(fr findingRow) error {
			vals = append(vals[:0], fr.Severity, fr.Source, fr.Row, fr.Field, fr.Value, fr.Message, fr.Fix)
			if fr.Row == 0 {
				vals[2] = ""
			}
			for _, v := range fr.Values {
				vals = append(vals, v)
			}
			return sh.add(vals...)
		})
		if err != nil {
			return err
		}
	}

	// Excluded.
	if excluded != nil {
		part, err := excluded()
		if err != nil {
			return err
		}
		if err := wb.copyPart(part); err != nil {
			return err
		}
	} else {
		ex, err := wb.sheet(excludedWidths, true)
		if err != nil {
			return err
		}
		xs, err := newExcludedSheet(ex)
		if err != nil {
			return err
		}
		n := 0
		err = ws.EachLeftOut(ctx, func(o workspace.OutcomeRow) error {
			if n++; n%10000 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			return xs.Add(o)
		})
		if err != nil {
			return err
		}
	}

	// What won't be migrated.
	nm, err := wb.sheet([]float64{50, 14, 110}, false)
	if err != nil {
		return err
	}
	if err := nm.heading("What", "Rows in your data", "What happens instead"); err != nil {
		return err
	}
	for _, r := range s.NotMigrated {
		var n any = r.Rows
		if r.Rows < 0 {
			n = "—"
		}
		if err := nm.add(r.Item, n, r.Instead); err != nil {
			return err
		}
	}
	return wb.close()
}

const excludedSheetName = "Excluded"

var excludedWidths = []float64{22, 7, 10, 16, 60, 40, 30, 30, 30, 30, 30}

// ExcludedSheet writes the workbook's Excluded sheet, a row for each
// left-out row, apart from the workbook: into its own writer, as the
// workbook would deflate it (WriteXLSXWith copies it in).
type ExcludedSheet struct {
	sh   *sheet
	vals []any
}

// NewExcludedSheet starts the sheet's part (uncompressed XML) in w. It
// follows the summary, so it is not the sheet selected on opening.
func NewExcludedSheet(w io.Writer) (*ExcludedSheet, error) {
	return newExcludedSheet(startSheet(w, excludedSheetName, false, excludedWidths, true))
}

func newExcludedSheet(sh *sheet) (*ExcludedSheet, error) {
	if err := sh.heading("Source file", "Row", "Outcome", "Type", "Reason", "Detail", "Original values →"); err != nil {
		return nil, err
	}
	return &ExcludedSheet{sh: sh}, nil
}

// Add writes one left-out row.
func (x *ExcludedSheet) Add(o workspace.OutcomeRow) error {
	typ := ""
	if o.Entity != "" {
		typ = o.Entity.Label()
	}
	src := o.Source
	if o.Locator != "" {
		src += " (" + o.Locator + ")"
	}
	x.vals = append(x.vals[:0], src, o.Row, o.Outcome, typ, reasonText(o), o.Detail)
	for _, v := range leftOutValues(o) {
		x.vals = append(x.vals, v)
	}
	return x.sh.add(x.vals...)
}

// Close ends the sheet's XML (not the writer).
func (x *ExcludedSheet) Close() error { return x.sh.flush() }

func writeSummary(sh *sheet, s summary) error {
	add := sh.add
	steps := []func() error{
		func() error { return sh.heading("Readiness report for the move to Clio") },
		func() error { return add("Firm", s.Firm) },
		func() error {
			if s.OldSystem == "" {
				return nil
			}
			return add("Old system", s.OldSystem)
		},
		func() error {
			if s.ExportTime == "" {
				return nil
			}
			return add("Export taken", s.ExportTime)
		},
		func() error {
			return add("Stop using the old system now", "Anything entered in the old system after the export is not migrated.")
		},
		func() error { return add("Files read", int64(len(s.Sources))) },
		func() error { return add("Rows read", s.Rows) },
		func() error { sh.blank(); return sh.heading("Records", "Ready", "Blocked", "Excluded", "Total") },
	}
	for _, t := range s.Types {
		steps = append(steps, func() error { return add(t.Label, t.Ready, t.Blocked, t.Excluded, t.Records) })
	}
	steps = append(steps,
		func() error { return add("Rows that could not be read", "", "", "", s.Rejected) },
		func() error { sh.blank(); return sh.heading("Left out", "Rows", "", "", "", "Why") },
	)
	for _, r := range s.Reasons {
		steps = append(steps, func() error { return add(string(r.Reason), r.Rows, "", "", "", r.Explain) })
	}
	steps = append(steps,
		func() error { sh.blank(); return sh.heading("Balances", "Amount", "Lines") },
		func() error { return add("Accounts receivable (A/R) total", s.ARTotal, s.ARLines) },
		func() error { return add("Trust total", s.TrustTotal, s.TrustLines) },
		func() error { sh.blank(); return sh.heading("Findings", "Count") },
		func() error { return add("Blockers (fix before upload)", s.Severity(model.Blocker)) },
		func() error { return add("Warnings (will import, probably wrong)", s.Severity(model.Warning)) },
		func() error { return add("Info (worth knowing)", s.Severity(model.Info)) },
		func() error { sh.blank(); return sh.heading("Rule", "Count", "Severity", "Sheet") },
	)
	for _, r := range s.Rules {
		steps = append(steps, func() error { return add(r.Rule, r.Count, string(r.Severity), r.Sheet) })
	}
	for _, st := range steps {
		if err := st(); err != nil {
			return err
		}
	}
	return nil
}

// plainSeverity is the word shown for a severity.
func plainSeverity(s string) string {
	switch model.Severity(s) {
	case model.Blocker:
		return "Blocker"
	case model.Warning:
		return "Warning"
	case model.Info:
		return "Info"
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
