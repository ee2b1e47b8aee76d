package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"handover/assets"
	"handover/core/check"
	"handover/core/pack"
	"handover/core/readiness"
	"handover/core/report"
	"handover/core/workspace"
	"handover/importers/ingest"
)

func init() {
	register(&command{
		name:    "demo",
		summary: "run the whole offline pipeline on the embedded demo firm",
		usage:   "demo [--out DIR] [--json]",
		run:     runDemo,
	})
}

// DemoResult is what `demo --json` prints.
type DemoResult struct {
	Project  string              `json:"project"`
	Exports  string              `json:"exports"`
	Ingest   ingestJSON          `json:"ingest"`
	Check    check.Result        `json:"check"`
	Report   []string            `json:"reports"`
	Package  string              `json:"package,omitempty"`
	Readines readiness.Readiness `json:"readiness"`
}

func runDemo(e *env, args []string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	out := fs.String("out", "", "folder for the demo project, exports and outputs (default: a new temporary folder)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	dir := *out
	if dir == "" {
		d, err := os.MkdirTemp("", "handover-demo-")
		if err != nil {
			return err
		}
		dir = d
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("cannot create %s: %w", dir, err)
	}
	ctx, cancel := interruptible()
	defer cancel()
	res, err := RunDemo(ctx, dir, e.stderr)
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(e.stdout, res)
	}
	w := e.stdout
	fmt.Fprintf(w, "Handover demo: the fictional firm Harbor & Lane LLP, exported from PCLaw, Outlook, AbacusLaw and a mailbox.\n\n")
	printSources(w, res.Ingest.Sources)
	fmt.Fprintln(w)
	printReadiness(w, res.Readines)
	fmt.Fprintln(w)
	printCounts(w, res.Check.Counts)
	printBalances(w, res.Check.Balances)
	fmt.Fprintln(w)
	ws, err := workspace.Open(res.Project)
	if err != nil {
		return err
	}
	printFindingSummary(w, ws, res.Check)
	ws.Close()
	fmt.Fprintf(w, "\nProject: %s\nReadiness report: %s\n", res.Project, res.Report[0])
	if res.Package != "" {
		fmt.Fprintf(w, "Package: %s\n", res.Package)
	}
	fmt.Fprintln(w, "Open the project in the desktop app (make run) to clean the data and upload it.")
	return nil
}

// RunDemo runs ingest, check and the reports on a fresh demo project in dir.
func RunDemo(ctx context.Context, dir string, progress io.Writer) (DemoResult, error) {
	var res DemoResult
	exports, err := assets.ExtractDemo(dir)
	if err != nil {
		return res, fmt.Errorf("cannot write the demo files into %s: %w", dir, err)
	}
	res.Exports = exports
	res.Project = filepath.Join(dir, "harbor-lane.handover")
	for _, p := range []string{res.Project, res.Project + "-wal", res.Project + "-shm"} {
		os.Remove(p)
	}
	os.RemoveAll(res.Project + ".files")
	ws, err := workspace.Create(res.Project)
	if err != nil {
		return res, err
	}
	defer ws.Close()
	ws.SetSetting(ctx, workspace.SettingFirmName, "Harbor & Lane LLP")
	ws.SetSetting(ctx, workspace.SettingCountry, "US")
	ir, err := ingest.Run(ctx, ws, []string{exports}, ingest.Options{})
	if err != nil {
		return res, err
	}
	res.Check, err = check.Run(ctx, ws, check.Options{Country: "US"}, nil)
	if err != nil {
		return res, err
	}
	c := res.Check.Counts
	res.Ingest = ingestJSON{Sources: ir.Sources, Counts: c.Records, Excluded: c.Excluded, Rejected: c.Rejected, Rows: c.Rows, Balances: ir.Balances}
	res.Readines, err = readiness.GatherCounted(ctx, ws, time.Now(), c)
	if err != nil {
		return res, err
	}
	// The demo goes all the way to a package. A real firm acknowledges the
	// cut-off itself and fixes its blockers first; the demo records its
	// planted blockers in the manifest instead (--allow-blockers).
	if err := readiness.Acknowledge(ctx, ws, "Demo (acknowledged automatically)", assets.DemoExportTime, time.Now()); err != nil {
		return res, err
	}
	res.Package = filepath.Join(dir, "harbor-lane-package.zip")
	if _, err := pack.WriteFile(ctx, ws, res.Package, pack.Options{AppVersion: Version, AllowBlockers: true}); err != nil {
		return res, fmt.Errorf("packaging the demo: %w", err)
	}
	if rep, err := pack.VerifyFile(ctx, res.Package, ""); err != nil {
		return res, fmt.Errorf("verifying the demo package: %w", err)
	} else if !rep.OK {
		return res, fmt.Errorf("the demo package did not verify: %+v", rep)
	}
	for _, r := range []struct {
		name  string
		write func(context.Context, *workspace.Workspace, io.Writer) error
	}{{"readiness-report.xlsx", report.WriteXLSX}, {"readiness-report.html", report.WriteHTML}} {
		path := filepath.Join(dir, r.name)
		if err := writeFileAtomic(path, func(w io.Writer) error { return r.write(ctx, ws, w) }); err != nil {
			return res, fmt.Errorf("writing %s: %w", path, err)
		}
		res.Report = append(res.Report, path)
	}
	return res, nil
}

// writeFileAtomic writes to a temporary file beside path and renames it into
// place only when complete, so a half-written file never has the final name.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
