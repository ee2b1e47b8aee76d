// Command firmgen writes the corpus's firms (or one firm from a seed) to a
// folder: each firm as <out>/<name>/export plus <out>/<name>/truth.json.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"handover/internal/firmgen"
)

func main() {
	out := flag.String("out", "build/firms", "folder to write the firms into")
	seed := flag.Int64("seed", 0, "write one firm drawn from this seed instead of the corpus")
	flag.Parse()
	specs := firmgen.Firms()
	if *seed != 0 {
		specs = []firmgen.Spec{firmgen.FromSeed(*seed)}
	}
	for _, s := range specs {
		dir := filepath.Join(*out, s.Name)
		t, err := firmgen.Generate(dir, s)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Printf("%-20s %-16s %4d records %4d links %3d balances  %s\n", s.Name, s.Shape, len(t.Records), len(t.Links), len(t.Balances), dir)
	}
}
