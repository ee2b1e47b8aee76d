// Command gen writes the synthetic Harbor & Lane LLP firm.
//
//	go run ./internal/synth/gen -out assets/demo -contacts 60 -seed 1
//	go run ./internal/synth/gen -out /tmp/bench -contacts 100000   # ≈1M time entries
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"handover/internal/synth"
)

func main() {
	out := flag.String("out", "", "output directory (required)")
	contacts := flag.Int("contacts", 60, "scale: number of contacts (matters ≈ contacts/2, time entries ≈ contacts×10)")
	seed := flag.Uint64("seed", 1, "random seed; same seed and scale give byte-identical files")
	formats := flag.String("formats", "", "comma-separated subset of "+strings.Join(synth.AllFormats, ",")+" (default all)")
	quiet := flag.Bool("q", false, "do not print the summary")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	var fs []string
	if *formats != "" {
		fs = strings.Split(*formats, ",")
	}
	t, err := synth.Generate(*out, synth.Options{Seed: *seed, Contacts: *contacts, Formats: fs})
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	if !*quiet {
		fmt.Printf("wrote %d files to %s: %d planted problems, %d duplicate clusters\n", len(t.Files), *out, len(t.Planted), len(t.Duplicates))
	}
}
