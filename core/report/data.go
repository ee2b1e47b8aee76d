// Package report writes the readiness report an office manager works from:
// an XLSX (every finding and every row left out, streamed so memory stays
// flat) and a self-contained printable HTML page with the same content.
package report

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"handover/core/model"
	"handover/core/workspace"
)

type typeRow struct {
	Entity                            model.Entity
	Label                             string
	Records, Ready, Blocked, Excluded int64
}

type reasonRow struct {
	Reason  model.Reason
	Explain string
	Rows    int64
}

type ruleRow struct {
	Rule     string
	Severity model.Severity // the worst severity it has
	Count    int64
	Sheet    string
}

type notMigrated struct {
	Item    string
	Rows    int64 // -1: not counted (not in the data as rows)
	Instead string
}

// summary is everything on the first page.
type summary struct {
	Firm, Project, OldSystem, ExportTime, Cutoff string
	Types                                        []typeRow
	Rows, Rejected, ExcludedTotal                int64
	Reasons                                      []reasonRow
	ARTotal, TrustTotal                          model.Cents
	ARLines, TrustLines                          int64
	Findings                                     workspace.FindingSummary
	Rules                                        []ruleRow
	NotMigrated                                  []notMigrated
	Sources                                      []workspace.Source
}

func (s summary) Severity(sev model.Severity) int64 { return s.Findings.BySeverity[sev] }

// activeFinding leaves out findings on records the user excluded or merged
// out. One primary-key look-up per finding: "row_id NOT IN (every inactive
// record)" walked every record of the project once per query, and the
// workbook runs one query per rule.
const activeFinding = `(f.row_id IS NULL OR NOT EXISTS (SELECT 1 FROM rows x WHERE x.id = f.row_id AND x.outcome = 'record' AND x.state != 'active'))
	AND f.origin NOT LIKE '%-folded'` // folded: said once for the column (workspace/fold.go)

// Gathered is what both reports say about the project as a whole, read
// once: a package writes both reports, and on a large firm the reading (the
// counts walk every row) costs as much as writing a report.
type Gathered struct {
	s      summary
	counts workspace.Counts
}

// Counts are the project's counts as the summary read them: a package's
// manifest takes them from here instead of walking every row again.
func (g *Gathered) Counts() workspace.Counts { return g.counts }

// Gather reads the project's summary for WriteHTMLFrom and WriteXLSXFrom.
// The reports only read it, so both may use it at the same time.
func Gather(ctx context.Context, ws *workspace.Workspace) (*Gathered, error) {
	g := &Gathered{}
	if err := gather(ctx, ws, g); err != nil {
		return nil, err
	}
	return g, nil
}

func gather(ctx context.Context, ws *workspace.Workspace, g *Gathered) error {
	s := &g.s
	db := ws.DB()
	s.Firm, _ = ws.Setting(ctx, workspace.SettingFirmName)
	s.OldSystem, _ = ws.Setting(ctx, workspace.SettingOldSystemName)
	s.ExportTime, _ = ws.Setting(ctx, workspace.SettingExportTime)
	s.Cutoff, _ = ws.Setting(ctx, workspace.SettingCutoff)
	s.Project = strings.TrimSuffix(filepath.Base(ws.Path()), ".handover")
	if s.Firm == "" {
		s.Firm = s.Project
	}
	var err error
	if s.Sources, err = ws.Sources(ctx); err != nil {
		return err
	}
	counts, err := ws.Counts(ctx)
	if err != nil {
		return err
	}
	g.counts = counts
	s.Rows, s.Rejected = counts.Rows, counts.Rejected

	// A join, not "row_id IN (SELECT id FROM rows …)": that list held every
	// active record's id in memory (15 MB of a 1M-row package's peak).
	blocked, err := groupCount(ctx, db, `SELECT f.entity, count(DISTINCT f.row_id) FROM findings f
		JOIN rows r ON r.id = f.row_id
		WHERE f.severity = 'blocker' AND r.outcome = 'record' AND r.state = 'active'
		GROUP BY f.entity`)
	if err != nil {
		return err
	}
	// Two index walks (groupCount adds them up), not one WHERE … OR …:
	// SQLite answered the OR by collecting every matching row id in memory.
	excluded, err := groupCount(ctx, db, `SELECT entity, count(*) FROM rows
		WHERE outcome = 'excluded' AND derived = 0 GROUP BY entity
		UNION ALL
		SELECT entity, count(*) FROM rows WHERE outcome = 'record' AND state != 'active' AND derived = 0 GROUP BY entity`)
	if err != nil {
		return err
	}
	for _, e := range model.Entities {
		t := typeRow{Entity: e, Label: e.Label(), Records: counts.Records[e], Blocked: blocked[string(e)], Excluded: excluded[string(e)]}
		t.Ready = max(t.Records-t.Blocked, 0)
		s.Types = append(s.Types, t)
	}
	if n := excluded[""]; n > 0 {
		s.Types = append(s.Types, typeRow{Label: "Other rows (titles, totals, unknown)", Excluded: n})
	}
	for _, r := range model.Reasons {
		if n := counts.Excluded[r]; n > 0 {
			s.Reasons = append(s.Reasons, reasonRow{r, r.Explain(), n})
			s.ExcludedTotal += n
		}
	}
	for r, n := range counts.Excluded { // reasons this build does not know, still counted
		if !knownReason(r) && n > 0 {
			s.Reasons = append(s.Reasons, reasonRow{r, r.Explain(), n})
			s.ExcludedTotal += n
		}
	}

	for _, e := range []model.Entity{model.ARBalances, model.TrustBalances} {
		err := ws.EachRecord(ctx, workspace.RecordFilter{Entity: e}, func(r workspace.StoredRecord) error {
			switch b := r.Data.(type) {
			case *model.ARBalance:
				s.ARTotal += b.Amount
				s.ARLines++
			case *model.TrustBalance:
				s.TrustTotal += b.Amount
				s.TrustLines++
			}
			return nil
		})
		if err != nil {
			return err
		}
	}

	if s.Findings, err = ws.SummarizeFindings(ctx, workspace.FindingFilter{}); err != nil {
		return err
	}
	worst := map[string]model.Severity{}
	rows, err := db.QueryContext(ctx, `SELECT f.rule, f.severity FROM findings f WHERE `+activeFinding+` GROUP BY f.rule, f.severity`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var rule, sev string
		if err := rows.Scan(&rule, &sev); err != nil {
			rows.Close()
			return err
		}
		if w, ok := worst[rule]; !ok || model.Severity(sev).Rank() < w.Rank() {
			worst[rule] = model.Severity(sev)
		}
	}
	rows.Close()
	used := map[string]bool{"Summary": true, "Excluded": true, "What won't be migrated": true}
	for rule, n := range s.Findings.ByRule {
		s.Rules = append(s.Rules, ruleRow{Rule: rule, Severity: worst[rule], Count: n})
	}
	sort.Slice(s.Rules, func(i, j int) bool {
		a, b := s.Rules[i], s.Rules[j]
		if a.Severity.Rank() != b.Severity.Rank() {
			return a.Severity.Rank() < b.Severity.Rank()
		}
		return a.Rule < b.Rule
	})
	for i := range s.Rules {
		s.Rules[i].Sheet = sheetName(s.Rules[i].Rule, used)
	}

	kinds, err := groupCount(ctx, db, `SELECT coalesce(json_extract(ledger, '$.kind'), ''), count(*) FROM rows
		WHERE outcome = 'excluded' AND ledger IS NOT NULL GROUP BY 1`)
	if err != nil {
		return err
	}
	s.NotMigrated = notMigratedRows(*s, counts, kinds)
	return nil
}

func knownReason(r model.Reason) bool {
	for _, x := range model.Reasons {
		if x == r {
			return true
		}
	}
	return false
}

func groupCount(ctx context.Context, db *sql.DB, q string) (map[string]int64, error) {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var k sql.NullString
		var n int64
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		out[k.String] += n
	}
	return out, rows.Err()
}

// sheetName makes a valid, unique Excel sheet name (≤ 31 characters, none
// of []:*?/\).
func sheetName(s string, used map[string]bool) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '_'
		}
		return r
	}, s)
	if r := []rune(s); len(r) > 31 {
		s = string(r[:31])
	}
	base := s
	for i := 2; used[strings.ToLower(s)]; i++ {
		suf := fmt.Sprintf(" (%d)", i)
		r := []rune(base)
		if len(r)+len(suf) > 31 {
			r = r[:31-len(suf)]
		}
		s = string(r) + suf
	}
	used[strings.ToLower(s)] = true
	return s
}

func notMigratedRows(s summary, c workspace.Counts, kinds map[string]int64) []notMigrated {
	k := func(l model.LedgerKind) int64 { return kinds[string(l)] }
	unparsed := c.Excluded[model.AccountingHistory] - (k(model.LedgerInvoice) + k(model.LedgerPayment) + k(model.LedgerCredit) +
		k(model.LedgerTrustDeposit) + k(model.LedgerTrustWithdrawal) + k(model.LedgerOperating))
	return []notMigrated{
		{"Invoices and historical bills", k(model.LedgerInvoice),
			fmt.Sprintf("Not migrated. Clio gets one \"balance brought forward\" line per matter (%d matters, %s in total), which you then bill in Clio.", s.ARLines, s.ARTotal)},
		{"Payments and credits / write-offs", k(model.LedgerPayment) + k(model.LedgerCredit),
			"Not migrated; they are already taken off the A/R balance per matter."},
		{"Billed time entries", c.Excluded[model.BilledHistory],
			"Not migrated (already invoiced). Only unbilled time is imported. Invoice all outstanding time in the old system before the export."},
		{"Trust transactions (deposits, withdrawals, transfers)", k(model.LedgerTrustDeposit) + k(model.LedgerTrustWithdrawal),
			fmt.Sprintf("Not migrated. Clio gets one trust balance per matter or contact (%d balances, %s in total). Create the trust account in Clio first.", s.TrustLines, s.TrustTotal)},
		{"Operating account transactions", k(model.LedgerOperating),
			"Not migrated. Keep the old system's reports for your accountant."},
		{"Other accounting history (A/R ledgers, statements)", max(unparsed, 0),
			"Not migrated; keep a copy of the old system's ledgers and reports."},
		{"Billing rates", -1, "Not migrated. Re-enter rates in Clio (per user, per matter or per activity)."},
		{"Reports", -1, "Not migrated. Run the reports you need in the old system before you stop using it and keep them as PDFs; Clio has its own reports."},
		{"User permissions", -1, "Not migrated. Add users in Clio and set their permissions there."},
		{"Settings (numbering, templates, preferences)", -1, "Not migrated. Set up Clio's firm settings yourself; watch for custom fields already in a preconfigured Clio account."},
		{"Other rows Clio cannot import (rates, reports, settings files)", c.Excluded[model.NotMigratable],
			model.NotMigratable.Explain()},
	}
}

// findingRow is a finding with the values of the row it is about.
type findingRow struct {
	Rule, Severity, Source, Field, Value, Message, Fix, Key string
	Row                                                     int64
	Values                                                  []string // "Header: value"
}

// eachFindingRow streams findings (of one rule, or all when rule is "")
// blockers first, then by file and row; limit 0 = all.
func eachFindingRow(ctx context.Context, ws *workspace.Workspace, rule string, limit int, fn func(findingRow) error) error {
	q := `SELECT f.rule, f.severity, f.source, f.row_no, f.field, f.value, f.message, f.fix, f.record_key,
		coalesce(r.raw, ''), coalesce(h.names, ''), coalesce(r.effective, r.data, ''), coalesce(r.ledger, '')
		FROM findings f LEFT JOIN rows r ON r.id = f.row_id LEFT JOIN headers h ON h.id = r.header_id
		WHERE ` + activeFinding
	var args []any
	if rule != "" {
		// Every severity rank named (the schema allows no other) so SQLite
		// finds the rule's findings through findings_list instead of reading
		// every finding once per rule's sheet.
		q += ` AND f.sev_rank IN (0, 1, 2) AND f.rule = ?`
		args = append(args, rule)
	}
	// findings_list's own order (sev_rank is blockers first, then warnings,
	// then info; the row id ends every index entry): SQLite walks the index
	// instead of sorting every finding with its row's values attached, and
	// the page's first rows come without reading the rest.
	q += ` ORDER BY f.sev_rank, f.rule, f.source, f.row_no, f.id`
	if limit > 0 {
		q += ` LIMIT ?`
		args = append(args, limit)
	}
	rows, err := ws.DB().QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var f findingRow
		var raw, header, data, ledger string
		if err := rows.Scan(&f.Rule, &f.Severity, &f.Source, &f.Row, &f.Field, &f.Value, &f.Message, &f.Fix, &f.Key,
			&raw, &header, &data, &ledger); err != nil {
			return err
		}
		f.Values = values(raw, header, data, ledger)
		if err := fn(f); err != nil {
			return err
		}
	}
	return rows.Err()
}

// values labels a row's original values with its column names; a record
// with no raw row (derived: a company named on a person's row, a computed
// balance) shows its fields instead.
func values(raw, header, data, ledger string) []string {
	var vals, names []string
	if raw != "" {
		json.Unmarshal([]byte(raw), &vals)
		if header != "" {
			json.Unmarshal([]byte(header), &names)
		}
		return labelled(vals, names)
	}
	src := data
	if src == "" {
		src = ledger
	}
	var m map[string]any
	if json.Unmarshal([]byte(src), &m) != nil {
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		switch v := m[k].(type) {
		case map[string]any:
			if val, ok := v["value"]; ok {
				out = append(out, fmt.Sprintf("%s: %v", k, val))
			}
		case []any:
			b, _ := json.Marshal(v)
			out = append(out, k+": "+string(b))
		default:
			out = append(out, fmt.Sprintf("%s: %v", k, v))
		}
	}
	return out
}

func labelled(vals, names []string) []string {
	out := make([]string, len(vals))
	for i, v := range vals {
		if i < len(names) && names[i] != "" {
			out[i] = names[i] + ": " + v
		} else {
			out[i] = fmt.Sprintf("column %d: %s", i+1, v)
		}
	}
	return out
}

// leftOutValues labels an excluded or rejected row's values (already
// decoded: not written back to JSON to be read again).
func leftOutValues(o workspace.OutcomeRow) []string {
	if len(o.Raw) > 0 {
		return labelled(o.Raw, o.Header)
	}
	return values("", "", string(o.Data), "")
}

// reasonText explains an exclusion reason, or gives a reject's reason as is.
func reasonText(o workspace.OutcomeRow) string {
	if o.Outcome == "rejected" {
		return "Could not be read: " + o.Reason
	}
	return model.Reason(o.Reason).Explain()
}
