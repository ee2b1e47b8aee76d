package report

import (
	"context"
	"html/template"
	"io"
	"strconv"
	"strings"

	"handover/core/model"
	"handover/core/workspace"
)

// HTMLLimit caps the findings and the excluded rows shown on the HTML page;
// the XLSX has them all.
const HTMLLimit = 2000

type htmlData struct {
	summary
	FindingRows   []findingRow
	FindingsTotal int64
	Excluded      []excludedRow
	ExcludedAll   int64
	Limit         int
}

type excludedRow struct {
	Source, Outcome, Type, Reason, Detail string
	Row                                   int64
	Values                                []string
}

// WriteHTML writes the readiness report as one self-contained, printable
// HTML page (inline CSS, every value escaped).
func WriteHTML(ctx context.Context, ws *workspace.Workspace, w io.Writer) error {
	g, err := Gather(ctx, ws)
	if err != nil {
		return err
	}
	return WriteHTMLFrom(ctx, ws, w, g)
}

// WriteHTMLFrom is WriteHTML with the summary already gathered.
func WriteHTMLFrom(ctx context.Context, ws *workspace.Workspace, w io.Writer, g *Gathered) error {
	s := g.s
	var err error
	d := htmlData{summary: s, FindingsTotal: s.Findings.Total, Limit: HTMLLimit}
	err = eachFindingRow(ctx, ws, "", HTMLLimit, func(f findingRow) error {
		d.FindingRows = append(d.FindingRows, f)
		return nil
	})
	if err != nil {
		return err
	}
	// The page lists the first rows and counts the rest without reading
	// them: on a large firm the left-out rows outnumber the records.
	if d.ExcludedAll, err = ws.CountLeftOut(ctx); err != nil {
		return err
	}
	err = ws.EachLeftOutFirst(ctx, HTMLLimit, func(o workspace.OutcomeRow) error {
		typ := ""
		if o.Entity != "" {
			typ = o.Entity.Label()
		}
		src := o.Source
		if o.Locator != "" {
			src += " (" + o.Locator + ")"
		}
		d.Excluded = append(d.Excluded, excludedRow{Source: src, Row: o.Row, Outcome: o.Outcome, Type: typ,
			Reason: reasonText(o), Detail: o.Detail, Values: leftOutValues(o)})
		return nil
	})
	if err != nil {
		return err
	}
	return page.Execute(w, d)
}

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"sev":   plainSeverity,
	"join":  func(v []string) string { return strings.Join(v, " · ") },
	"money": func(c model.Cents) string { return c.String() },
	"rows": func(n int64) string {
		if n < 0 {
			return "—"
		}
		return strconv.FormatInt(n, 10)
	},
	"more": func(total int64, shown int) bool { return total > int64(shown) },
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Readiness report: {{.Firm}}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;font-size:13px;color:#1d2330;margin:24px;line-height:1.4}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:2px solid #d5dae3;padding-bottom:4px}
.meta{color:#555;margin-bottom:12px}.banner{background:#fff4d6;border:1px solid #e5c46b;padding:10px 12px;border-radius:4px;margin:12px 0}
table{border-collapse:collapse;width:100%;margin:6px 0 12px}th,td{border:1px solid #d5dae3;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#eef1f6}td.n{text-align:right;font-variant-numeric:tabular-nums}
.blocker{color:#fff;background:#b42318;font-weight:600}.warning{background:#fdf1c7}.info{background:#e6f0fb}
.vals{color:#555;font-size:11px}.note{color:#555;font-style:italic}
@media print{body{margin:0;font-size:10px}h2{page-break-after:avoid}tr{page-break-inside:avoid}.banner{border-width:2px}}
</style></head><body>
<h1>Readiness report for the move to Clio</h1>
<div class="meta">{{.Firm}}{{if .OldSystem}} · from {{.OldSystem}}{{end}}{{if .ExportTime}} · export taken {{.ExportTime}}{{end}} · {{len .Sources}} files, {{.Rows}} rows read</div>
<div class="banner"><strong>Stop using the old system now.</strong> Anything entered in it after the export is not migrated.</div>

<h2>Records</h2>
<table><tr><th>Type</th><th>Ready</th><th>Blocked</th><th>Excluded</th><th>Total</th></tr>
{{range .Types}}<tr><td>{{.Label}}</td><td class="n">{{.Ready}}</td><td class="n">{{.Blocked}}</td><td class="n">{{.Excluded}}</td><td class="n">{{.Records}}</td></tr>
{{end}}<tr><td>Rows that could not be read</td><td></td><td></td><td></td><td class="n">{{.Rejected}}</td></tr></table>

<h2>Left out, and why</h2>
<table><tr><th>Reason</th><th>Rows</th><th>Why</th></tr>
{{range .Reasons}}<tr><td>{{.Reason}}</td><td class="n">{{.Rows}}</td><td>{{.Explain}}</td></tr>
{{else}}<tr><td colspan="3" class="note">Nothing was left out.</td></tr>{{end}}</table>

<h2>Balances</h2>
<table><tr><th></th><th>Amount</th><th>Lines</th></tr>
<tr><td>Accounts receivable (A/R) total</td><td class="n">{{money .ARTotal}}</td><td class="n">{{.ARLines}}</td></tr>
<tr><td>Trust total</td><td class="n">{{money .TrustTotal}}</td><td class="n">{{.TrustLines}}</td></tr></table>

<h2>Findings</h2>
<table><tr><th>Blockers (fix before upload)</th><th>Warnings (will import, probably wrong)</th><th>Info</th></tr>
<tr><td class="n">{{.Severity "blocker"}}</td><td class="n">{{.Severity "warning"}}</td><td class="n">{{.Severity "info"}}</td></tr></table>
<table><tr><th>Rule</th><th>Severity</th><th>Count</th></tr>
{{range .Rules}}<tr><td>{{.Rule}}</td><td class="{{.Severity}}">{{sev (print .Severity)}}</td><td class="n">{{.Count}}</td></tr>
{{end}}</table>
{{if more .FindingsTotal (len .FindingRows)}}<p class="note">Showing the first {{len .FindingRows}} of {{.FindingsTotal}} findings: see the XLSX for all {{.FindingsTotal}}.</p>{{end}}
<table><tr><th>Severity</th><th>Source file</th><th>Row</th><th>Field</th><th>Value</th><th>Message</th><th>Suggested fix</th></tr>
{{range .FindingRows}}<tr><td class="{{.Severity}}">{{sev .Severity}}</td><td>{{.Source}}</td><td class="n">{{if .Row}}{{.Row}}{{end}}</td><td>{{.Field}}</td><td>{{.Value}}</td><td>{{.Message}}{{if .Values}}<div class="vals">{{join .Values}}</div>{{end}}</td><td>{{.Fix}}</td></tr>
{{else}}<tr><td colspan="7" class="note">No findings.</td></tr>{{end}}</table>

<h2>Excluded rows</h2>
{{if more .ExcludedAll (len .Excluded)}}<p class="note">Showing the first {{len .Excluded}} of {{.ExcludedAll}} rows left out: see the XLSX for all {{.ExcludedAll}}.</p>{{end}}
<table><tr><th>Source file</th><th>Row</th><th>Outcome</th><th>Type</th><th>Reason</th><th>Detail</th><th>Original values</th></tr>
{{range .Excluded}}<tr><td>{{.Source}}</td><td class="n">{{.Row}}</td><td>{{.Outcome}}</td><td>{{.Type}}</td><td>{{.Reason}}</td><td>{{.Detail}}</td><td class="vals">{{join .Values}}</td></tr>
{{else}}<tr><td colspan="7" class="note">Nothing was left out.</td></tr>{{end}}</table>

<h2>What won't be migrated</h2>
<table><tr><th>What</th><th>Rows in your data</th><th>What happens instead</th></tr>
{{range .NotMigrated}}<tr><td>{{.Item}}</td><td class="n">{{rows .Rows}}</td><td>{{.Instead}}</td></tr>
{{end}}</table>
</body></html>
`))
