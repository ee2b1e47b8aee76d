// Command wscheck is the soak harness's judge of a project file after a crash:
//
//	wscheck -w P.handover -dump clean.json            # record a clean run's state
//	wscheck -w P.handover -expect clean.json          # after kill -9: consistent, no half source
//	wscheck -w P.handover -expect clean.json -complete  # after the re-run: equal to the clean run
//
// It fails (exit 1, reason on stderr) when the project does not open, SQLite's
// integrity_check is not "ok", VerifyInvariant fails (a source whose stored rows
// do not add up to its recorded counts), a source is present with other counts
// than the clean run's for the same path (half a file), or — with -complete —
// the sources or per-type counts differ from the clean run. A missing project
// file is a valid state after a crash (nothing was committed) unless -complete.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"

	"handover/core/model"
	"handover/core/workspace"
)

type state struct {
	Exists   bool                              `json:"exists"`
	Sources  map[string]workspace.SourceCounts `json:"sources"`
	Records  map[model.Entity]int64            `json:"records"`
	Excluded map[model.Reason]int64            `json:"excluded"`
	Rejected int64                             `json:"rejected"`
	Rows     int64                             `json:"rows"`
}

func main() {
	path := flag.String("w", "", "project file")
	dump := flag.String("dump", "", "write the project's state (sources, counts) as JSON to this file")
	expect := flag.String("expect", "", "a -dump of a clean run to compare with")
	complete := flag.Bool("complete", false, "with -expect: the project must equal the clean run")
	flag.Parse()
	st, err := inspect(*path)
	if err == nil && *expect != "" {
		err = compare(st, *expect, *complete)
	}
	if err == nil && *dump != "" {
		b, _ := json.MarshalIndent(st, "", "  ")
		err = os.WriteFile(*dump, b, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "wscheck:", err)
		os.Exit(1)
	}
	fmt.Printf("wscheck: ok: %d sources, %d rows\n", len(st.Sources), st.Rows)
}

func inspect(path string) (state, error) {
	st := state{Sources: map[string]workspace.SourceCounts{}}
	if fi, err := os.Stat(path); errors.Is(err, os.ErrNotExist) || err == nil && fi.Size() == 0 {
		// an empty file is a creation killed before its first commit: no
		// project yet, as OpenOrCreate takes it (it starts one afresh)
		return st, nil
	}
	st.Exists = true
	ctx := context.Background()
	ws, err := workspace.Open(path)
	if err != nil {
		return st, fmt.Errorf("project does not open: %w", err)
	}
	defer ws.Close()
	var ic string
	if err := ws.DB().QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&ic); err != nil || ic != "ok" {
		return st, fmt.Errorf("integrity_check: %q %v", ic, err)
	}
	if err := ws.VerifyInvariant(ctx); err != nil {
		return st, fmt.Errorf("VerifyInvariant: %w", err)
	}
	srcs, err := ws.Sources(ctx)
	if err != nil {
		return st, err
	}
	for _, s := range srcs {
		c := s.Counts
		c.SourceID = 0 // ids differ between runs
		if _, dup := st.Sources[s.Path]; dup {
			return st, fmt.Errorf("source %s is in the project twice", s.Path)
		}
		st.Sources[s.Path] = c
	}
	c, err := ws.Counts(ctx)
	if err != nil {
		return st, err
	}
	st.Records, st.Excluded, st.Rejected, st.Rows = c.Records, c.Excluded, c.Rejected, c.Rows
	return st, nil
}

func compare(st state, expectFile string, complete bool) error {
	b, err := os.ReadFile(expectFile)
	if err != nil {
		return err
	}
	var want state
	if err := json.Unmarshal(b, &want); err != nil {
		return err
	}
	if complete && !st.Exists {
		return errors.New("project missing after the re-run")
	}
	var paths []string
	for p := range st.Sources {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		w, ok := want.Sources[p]
		if !ok {
			return fmt.Errorf("source %s is not in the clean run", p)
		}
		if got := st.Sources[p]; got != w {
			return fmt.Errorf("source %s is half present: %+v, clean run %+v", p, got, w)
		}
	}
	if !complete {
		return nil
	}
	if len(st.Sources) != len(want.Sources) {
		return fmt.Errorf("%d sources after the re-run, clean run %d", len(st.Sources), len(want.Sources))
	}
	for e, n := range want.Records {
		if st.Records[e] != n {
			return fmt.Errorf("%s: %d records after the re-run, clean run %d", e, st.Records[e], n)
		}
	}
	for r, n := range want.Excluded {
		if st.Excluded[r] != n {
			return fmt.Errorf("excluded %s: %d after the re-run, clean run %d", r, st.Excluded[r], n)
		}
	}
	if st.Rejected != want.Rejected || st.Rows != want.Rows {
		return fmt.Errorf("rows %d rejected %d after the re-run, clean run %d / %d", st.Rows, st.Rejected, want.Rows, want.Rejected)
	}
	return nil
}
