package cli

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"handover/core/report"
)

func init() {
	register(&command{
		name:    "report",
		summary: "write the readiness report (.xlsx, or .html) for fixing rows in the old system",
		usage:   "report -w PROJECT.handover -o report.xlsx|report.html",
		run:     runReport,
	})
}

func runReport(e *env, args []string) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	wsPath := fs.String("w", "", "project file")
	out := fs.String("o", "", "the report file to write (.xlsx or .html)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	var write func(w io.Writer) error
	ws, err := openProject(*wsPath, false)
	if err != nil {
		return err
	}
	defer ws.Close()
	ctx, cancel := interruptible()
	defer cancel()
	switch strings.ToLower(filepath.Ext(*out)) {
	case ".xlsx":
		write = func(w io.Writer) error { return report.WriteXLSX(ctx, ws, w) }
	case ".html", ".htm":
		write = func(w io.Writer) error { return report.WriteHTML(ctx, ws, w) }
	default:
		return usagef("-o must name a .xlsx or .html file")
	}
	if err := writeFileAtomic(*out, write); err != nil {
		return fmt.Errorf("writing %s: %w", *out, err)
	}
	fmt.Fprintf(e.stdout, "Wrote %s\n", *out)
	return nil
}
