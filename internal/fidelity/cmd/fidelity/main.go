// Command fidelity generates the corpus's firms, runs the real pipeline on
// each (ingest into a new project, check, upload into a local Clio read back
// through its API) and prints how much of each firm's ground truth came
// through: records, links, balances, manual steps, false positives, and what
// reached Clio with its links. With -doc it writes the tables into FIDELITY.md.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"

	"handover/internal/fidelity"
	"handover/internal/firmgen"
)

func main() {
	seed := flag.Int64("seed", 0, "measure one more firm drawn from this seed (besides the corpus)")
	only := flag.Bool("only-seed", false, "with -seed: measure that firm alone")
	doc := flag.String("doc", "", "update the table in this Markdown file (between its fidelity markers)")
	keep := flag.String("keep", "", "generate into this folder and keep it (default: a temporary folder, removed)")
	holdout := flag.Int("holdout", 0, "also measure this many firms from seeds outside the corpus, reported apart")
	holdoutBase := flag.Int64("holdout-base", 9001, "first held-out seed (change it to draw fresh firms)")
	misses := flag.Int("misses", 0, "also print this many worst misses per held-out firm to stderr")
	noCorpus := flag.Bool("no-corpus", false, "measure only the held-out (and -seed) firms, not the corpus's eight")
	noUpload := flag.Bool("no-upload", false, "stop after the check: do not upload the firms into a local Clio")
	workers := flag.Int("workers", 4, "firms measured at a time")
	flag.Parse()
	specs := firmgen.Firms()
	if *noCorpus {
		specs = nil
	}
	if *seed != 0 {
		s := firmgen.FromSeed(*seed)
		if *only {
			specs = nil
		}
		specs = append(specs, s)
	}
	work := *keep
	if work == "" {
		var err error
		if work, err = fidelity.WorkDir(); err != nil {
			fail(err)
		}
		defer os.RemoveAll(work)
	}
	opts := fidelity.Options{NoUpload: *noUpload}
	rs, err := fidelity.MeasureAll(context.Background(), work, specs, opts, *workers)
	if err != nil {
		fail(err)
	}
	for _, r := range rs {
		fmt.Fprintf(os.Stderr, "fidelity: %s measured in %s\n", r.Firm, r.Elapsed.Round(1e6))
	}
	var heldSpecs []firmgen.Spec
	for i := 0; i < *holdout; i++ {
		heldSpecs = append(heldSpecs, firmgen.FromSeed(*holdoutBase+int64(i)))
	}
	held, err := fidelity.MeasureAll(context.Background(), work, heldSpecs, opts, *workers)
	if err != nil {
		fail(err)
	}
	var b bytes.Buffer
	fidelity.Report(&b, rs, held)
	os.Stdout.Write(b.Bytes())
	if *misses > 0 {
		fidelity.WriteMisses(os.Stderr, held, *misses)
	}
	if *doc != "" {
		if err := fidelity.UpdateDoc(*doc, b.String()); err != nil {
			fail(err)
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "fidelity:", err)
	os.Exit(1)
}
