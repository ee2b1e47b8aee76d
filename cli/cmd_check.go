package cli

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"handover/core/check"
	"handover/core/lease"
	"handover/core/model"
	"handover/core/readiness"
	"handover/core/workspace"
)

func init() {
	register(&command{
		name:    "check",
		summary: "check readiness: counts, what won't be migrated, data-quality findings",
		usage:   "check -w PROJECT.handover [--country US] [--json]",
		run:     runCheck,
	})
	register(&command{
		name:    "cutoff",
		summary: "acknowledge the cut-off: the old system is no longer used after the export",
		usage:   "cutoff -w PROJECT.handover --by NAME [--at 2026-11-20T17:00:00Z]",
		run:     runCutoff,
	})
}

func runCheck(e *env, args []string) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	wsPath := fs.String("w", "", "project file")
	country := fs.String("country", "", "the firm's country for phone numbers (ISO code, default the project's or US)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	ws, ctx, done, err := openToChange(*wsPath, false, lease.Checking)
	if err != nil {
		return err
	}
	defer done()
	res, err := check.Run(ctx, ws, check.Options{Country: *country}, nil)
	if err != nil {
		return err
	}
	rd, err := readiness.GatherAfterCheck(ctx, ws, time.Now(), res.Counts, res.Balances.LinesByKind)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeCheckJSON(e.stdout, ws, res, rd)
	}
	printReadiness(e.stdout, rd)
	fmt.Fprintln(e.stdout)
	printCounts(e.stdout, res.Counts)
	fmt.Fprintln(e.stdout)
	printFindingSummary(e.stdout, ws, res)
	return nil
}

// writeCheckJSON streams the findings so a million of them never sit in memory.
func writeCheckJSON(w io.Writer, ws *workspace.Workspace, res check.Result, rd readiness.Readiness) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	head := map[string]any{"ready": res.Ready, "counts": res.Counts.Records, "excluded": res.Counts.Excluded,
		"rejected": res.Counts.Rejected, "rows": res.Counts.Rows, "summary": res.Summary, "balances": res.Balances,
		"duplicate_clusters": res.Clusters, "readiness": rd}
	b, err := json.Marshal(head)
	if err != nil {
		return err
	}
	bw.Write(b[:len(b)-1]) // leave the object open for the findings
	bw.WriteString(`,"findings":[`)
	first := true
	err = ws.EachFindingJSON(bgctx(), workspace.FindingFilter{}, func(object []byte) error {
		if !first {
			bw.WriteByte(',')
		}
		first = false
		_, err := bw.Write(object)
		return err
	})
	if err != nil {
		return err
	}
	bw.WriteString("]}\n")
	return bw.Flush()
}

func printReadiness(w io.Writer, rd readiness.Readiness) {
	fmt.Fprintf(w, "!! %s\n", rd.Banner)
	switch {
	case rd.Stale:
		fmt.Fprintf(w, "   ! The export was taken %s: if the old system was used since, export again before uploading.\n", rd.AgeText)
	case rd.AgeText != "":
		fmt.Fprintf(w, "   The export was taken %s.\n", rd.AgeText)
	}
	if rd.Cutoff.Acknowledged {
		fmt.Fprintf(w, "   Cut-off acknowledged by %s on %s.\n", rd.Cutoff.By, rd.Cutoff.At.Local().Format("2 Jan 2006 15:04"))
	} else {
		fmt.Fprintln(w, "   The cut-off is not acknowledged yet: run 'handover cutoff -w PROJECT --by \"Your Name\"' (or use the Readiness screen) before packaging or uploading.")
	}
	for _, s := range rd.Warnings {
		fmt.Fprintf(w, "   ! %s\n", s)
	}
	fmt.Fprintln(w, "What will not be migrated:")
	for _, n := range rd.NotMigrate {
		count := "—"
		if n.Count >= 0 {
			count = fmt.Sprint(n.Count)
		}
		fmt.Fprintf(w, "  %-32s %7s  %s\n", n.What, count, n.Instead)
	}
}

func printFindingSummary(w io.Writer, ws *workspace.Workspace, res check.Result) {
	s := res.Summary
	fmt.Fprintf(w, "Findings: %d blockers, %d warnings, %d for information.\n",
		s.BySeverity[model.Blocker], s.BySeverity[model.Warning], s.BySeverity[model.Info])
	rules := make([]string, 0, len(s.ByRule))
	for r := range s.ByRule {
		rules = append(rules, r)
	}
	sort.Slice(rules, func(i, j int) bool {
		return s.ByRule[rules[i]] > s.ByRule[rules[j]] || (s.ByRule[rules[i]] == s.ByRule[rules[j]] && rules[i] < rules[j])
	})
	for _, r := range rules {
		fmt.Fprintf(w, "  %-28s %6d\n", r, s.ByRule[r])
	}
	shown := 0
	ws.EachFinding(bgctx(), workspace.FindingFilter{Severity: model.Blocker, Limit: 10}, func(f workspace.StoredFinding) error {
		if shown == 0 {
			fmt.Fprintln(w, "First blockers:")
		}
		shown++
		where := f.Source
		if f.Row > 0 {
			where = fmt.Sprintf("%s row %d", f.Source, f.Row)
		}
		fmt.Fprintf(w, "  %s: %s", where, f.Message)
		if f.Fix != "" {
			fmt.Fprintf(w, " → %s", f.Fix)
		}
		fmt.Fprintln(w)
		return nil
	})
	if res.Ready {
		fmt.Fprintln(w, "Ready: no blockers.")
	} else {
		fmt.Fprintln(w, "Not ready: fix the blockers (or leave those records out) before uploading. 'handover report' writes every finding to a spreadsheet.")
	}
}

func runCutoff(e *env, args []string) error {
	fs := flag.NewFlagSet("cutoff", flag.ContinueOnError)
	wsPath := fs.String("w", "", "project file")
	by := fs.String("by", "", "who acknowledges (a name)")
	at := fs.String("at", "", "the cut-off time (RFC 3339); default the newest export time")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if strings.TrimSpace(*by) == "" {
		return usagef("--by NAME is required: who acknowledges the cut-off")
	}
	ws, err := openProject(*wsPath, false)
	if err != nil {
		return err
	}
	defer ws.Close()
	_, release, err := hold(bgctx(), ws, lease.Working)
	if err != nil {
		return err
	}
	defer release()
	now := time.Now()
	rd, err := readiness.Gather(bgctx(), ws, now)
	if err != nil {
		return err
	}
	cut := rd.ExportedAt
	if *at != "" {
		if cut, err = time.Parse(time.RFC3339, *at); err != nil {
			return usagef("--at must look like 2026-11-20T17:00:00Z: %v", err)
		}
	}
	if cut.IsZero() {
		cut = now
	}
	if err := readiness.Acknowledge(bgctx(), ws, *by, cut, now); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Cut-off acknowledged by %s: nothing entered in the old system after %s will be migrated.\n", strings.TrimSpace(*by), cut.Local().Format("Mon 2 Jan 2006 15:04"))
	return nil
}
