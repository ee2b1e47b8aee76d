package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"text/tabwriter"
	"unicode/utf8"

	"handover/core/balances"
	"handover/core/lease"
	"handover/core/model"
	"handover/core/workspace"
	"handover/importers/ingest"
	"handover/importers/tabular"
)

func init() {
	register(&command{
		name:    "ingest",
		summary: "read exported files or folders into a project (creating it if needed)",
		usage:   "ingest -w PROJECT.handover PATH... [--profile NAME] [--encoding E] [--delimiter D] [--header-row N] [--json]",
		run:     runIngest,
	})
}

// interruptible cancels the context on Ctrl-C, so a long read stops cleanly
// (the file being read is rolled back; earlier files stay).
func interruptible() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt)
}

// hold takes the project's lease for the run (core/lease): a second Handover
// changing the same project is refused at once, naming who holds it. The
// returned context ends if the lease is lost; call release when done.
func hold(ctx context.Context, ws *workspace.Workspace, purpose string) (context.Context, func(), error) {
	l, lctx, err := lease.Acquire(ctx, ws, purpose)
	if err != nil {
		return nil, nil, err
	}
	return lctx, func() { l.Release() }, nil
}

// openToChange is how a command that changes the project starts: open it,
// make Ctrl-C cancel the work, and hold the lease for purpose. done gives the
// lease back and closes the project, in that order. load is for ingest: the
// project is created if need be and opened for a bulk load
// (workspace.OpenOrCreateBulk), which the lease makes this run's alone.
func openToChange(path string, load bool, purpose string) (ws *workspace.Workspace, ctx context.Context, done func(), err error) {
	if ws, err = openProject(path, load); err != nil {
		return nil, nil, nil, err
	}
	ctx, cancel := interruptible()
	ctx, release, err := hold(ctx, ws, purpose)
	if err != nil {
		cancel()
		ws.Close()
		return nil, nil, nil, err
	}
	return ws, ctx, func() { release(); cancel(); ws.Close() }, nil
}

func openProject(path string, load bool) (*workspace.Workspace, error) {
	if path == "" {
		return nil, usagef("-w PROJECT.handover is required")
	}
	if load {
		return workspace.OpenOrCreateBulk(path)
	}
	return workspace.Open(path)
}

// ingestJSON is the CLI contract's shape (DESIGN.md).
type ingestJSON struct {
	Sources  []ingest.SourceResult  `json:"sources"`
	Counts   map[model.Entity]int64 `json:"counts"`
	Excluded map[model.Reason]int64 `json:"excluded"`
	Rejected int64                  `json:"rejected"`
	Rows     int64                  `json:"rows"`
	Balances any                    `json:"balances"`
}

func runIngest(e *env, args []string) error {
	fs := flag.NewFlagSet("ingest", flag.ContinueOnError)
	wsPath := fs.String("w", "", "project file")
	profile := fs.String("profile", "", "mapping profile to use instead of detection")
	encoding := fs.String("encoding", "", "force the text encoding: utf-8, utf-16le, utf-16be, windows-1252, cp437, cp850")
	delim := fs.String("delimiter", "", "force the delimiter: , ; tab |")
	headerRow := fs.Int("header-row", 0, "1-based row of the header; -1 for a file without one")
	asJSON := fs.Bool("json", false, "print one JSON object")
	paths, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return usagef("name at least one file or folder to read")
	}
	opts := ingest.Options{Profile: *profile, Tabular: tabular.Options{Encoding: *encoding, HeaderRow: *headerRow}}
	switch *delim {
	case "":
	case "tab", `\t`:
		opts.Tabular.Delimiter = '\t'
	default:
		r, n := utf8.DecodeRuneInString(*delim)
		if n != len(*delim) {
			return usagef("--delimiter takes one character (or 'tab'), got %q", *delim)
		}
		opts.Tabular.Delimiter = r
	}
	ws, ctx, done, err := openToChange(*wsPath, true, lease.Reading)
	if err != nil {
		return err
	}
	defer done()
	if isTerminal(e.stderr) && !*asJSON {
		opts.Progress = terminalProgress(e.stderr)
	}
	res, err := ingest.Run(ctx, ws, paths, opts)
	if err != nil {
		return err
	}
	counts, err := ws.Counts(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(e.stdout, ingestJSON{Sources: res.Sources, Counts: counts.Records, Excluded: counts.Excluded,
			Rejected: counts.Rejected, Rows: counts.Rows, Balances: res.Balances})
	}
	printSources(e.stdout, res.Sources)
	fmt.Fprintln(e.stdout)
	printCounts(e.stdout, counts)
	printBalances(e.stdout, res.Balances)
	return nil
}

// printBalances says what the ledgers (not migrated themselves) bring forward
// into Clio: one A/R line per matter, one trust line per matter or client.
func printBalances(w io.Writer, b balances.Summary) {
	if b.Lines == 0 && b.Unassigned == 0 {
		fmt.Fprintln(w, "Balances brought forward: none (no invoice, payment or trust ledger was read).")
		return
	}
	asOf := ""
	if b.AsOf != "" {
		asOf = " as of " + b.AsOf
	}
	fmt.Fprintf(w, "Balances brought forward%s: A/R $%s on %d matters, trust $%s on %d matters or clients (from %d ledger lines",
		asOf, b.ARTotal, b.ARBalances, b.TrustTotal, b.TrustBalances, b.Lines)
	if z := b.ZeroSkipped(); z > 0 {
		fmt.Fprintf(w, "; %d settled to zero and need no line", z)
	}
	fmt.Fprintln(w, ").")
	if b.Unassigned > 0 {
		fmt.Fprintf(w, "  ! %d ledger lines name no matter or client, so they are in no balance: see them with 'handover check'.\n", b.Unassigned)
	}
}

func terminalProgress(w io.Writer) func(ingest.Progress) {
	last := ""
	return func(p ingest.Progress) {
		line := fmt.Sprintf("%s %s %d", p.Stage, p.File, p.Done)
		if p.Total > 0 {
			line += fmt.Sprintf("/%d", p.Total)
		}
		if line != last {
			fmt.Fprintf(w, "\r%-100.100s", line)
			last = line
		}
		if p.Stage == "balances" {
			fmt.Fprintf(w, "\r%-100s\r", "")
		}
	}
}

func printSources(w io.Writer, srcs []ingest.SourceResult) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FILE\tFORMAT\tENCODING\tRECOGNISED AS\tROWS\tRECORDS\tEXCLUDED\tREJECTED\t")
	for _, s := range srcs {
		if s.Skipped != "" {
			fmt.Fprintf(tw, "%s\tskipped: %s\t\t\t\t\t\t\t\n", s.Path, s.Skipped)
			continue
		}
		as := s.Profile
		if s.System != "" {
			as = s.System + " (" + s.Profile + ")"
		}
		note := ""
		if s.Unchanged {
			note = " (unchanged)"
		}
		fmt.Fprintf(tw, "%s%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t\n", s.Path, note, s.Format, s.Encoding, as, s.Rows, s.Records, s.Excluded, s.Rejected)
	}
	tw.Flush()
	for _, s := range srcs {
		for _, wn := range s.Warnings {
			fmt.Fprintf(w, "  ! %s: %s\n", s.Path, wn)
		}
	}
}

func printCounts(w io.Writer, c workspace.Counts) {
	fmt.Fprintln(w, "Records ready for Clio:")
	var total int64
	for _, e := range model.Entities {
		fmt.Fprintf(w, "  %-24s %8d\n", e.Label(), c.Records[e])
		total += c.Records[e]
	}
	fmt.Fprintf(w, "  %-24s %8d\n", "Total", total)
	var reasons []string
	for r, n := range c.Excluded {
		if n > 0 {
			reasons = append(reasons, string(r))
		}
	}
	sort.Strings(reasons)
	fmt.Fprintln(w, "Left out, with the reason:")
	if len(reasons) == 0 {
		fmt.Fprintln(w, "  nothing")
	}
	for _, r := range reasons {
		fmt.Fprintf(w, "  %-24s %8d  %s\n", r, c.Excluded[model.Reason(r)], model.Reason(r).Explain())
	}
	fmt.Fprintf(w, "Rejected rows (could not be read): %d\n", c.Rejected)
	fmt.Fprintf(w, "Every one of the %d rows read is accounted for: %d became records, %d were left out with a reason, %d were rejected with a reason.\n",
		c.Rows, c.RowsKept, c.Rows-c.RowsKept-c.Rejected, c.Rejected)
}
