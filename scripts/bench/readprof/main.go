// Command readprof times the reading side of an ingest layer by layer, with
// no project: the tabular reader alone (-layer read), then each row mapped by
// the plan the first rows choose (-layer map), then encoded as staging would
// store it (-layer encode). Each layer runs -n times in the process so the
// CPU profile (-cpuprofile, for `go tool pprof -top`) has enough samples;
// -layer prepass runs the relational pre-pass ingest runs on a DBF, and
// -layer cli all of `handover ingest -w NEW FILE --json` in the process, under
// the CLI's soft memory limit, as `make bench` times it. It
// prints each layer's CPU seconds (user+sys of the process) per run.
//
//	go run ./scripts/bench/readprof -layer map -n 3 -cpuprofile /tmp/cpu.out NAMES.DBF
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"syscall"
	"time"

	"handover/cli"
	"handover/core/model"
	"handover/core/workspace"
	"handover/importers/mapping"
	"handover/importers/relational"
	"handover/importers/tabular"
)

func cpuSeconds() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

func main() {
	layer := flag.String("layer", "read", "read, map, encode, prepass or cli")
	n := flag.Int("n", 1, "runs")
	cpu := flag.String("cpuprofile", "", "write a CPU profile here")
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	path := flag.Arg(0)
	if *cpu != "" {
		f, err := os.Create(*cpu)
		if err != nil {
			fail(err)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	for i := 0; i < *n; i++ {
		c0, t0 := cpuSeconds(), time.Now()
		rows, recs := run(path, *layer)
		what := fmt.Sprintf("%d rows, %d records", rows, recs)
		if *layer == "cli" {
			what = "handover ingest --json"
		}
		fmt.Printf("%s: %s: %.2f s CPU, %.2f s wall\n", *layer, what, cpuSeconds()-c0, time.Since(t0).Seconds())
	}
}

func run(path, layer string) (rows, recs int64) {
	if layer == "cli" {
		dir, err := os.MkdirTemp("", "readprof")
		if err != nil {
			fail(err)
		}
		defer os.RemoveAll(dir)
		debug.SetMemoryLimit(96 << 20) // main.go's cliMemoryLimit
		if rc := cli.Main([]string{"ingest", "-w", filepath.Join(dir, "p.handover"), path, "--json"}, io.Discard, os.Stderr); rc != 0 {
			os.Exit(rc)
		}
		return 0, 0
	}
	if layer == "prepass" {
		keep := func(string) bool { return true }
		res, err := relational.Analyze(context.Background(), []string{path}, relational.Options{Keep: keep})
		if err != nil {
			fail(err)
		}
		read, _ := res.Read(path)
		return read.Rows, 0
	}
	var plan *mapping.Plan
	if layer != "read" {
		plan = choose(path)
	}
	r, err := tabular.Open(path, tabular.Options{})
	if err != nil {
		fail(err)
	}
	defer r.Close()
	for {
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			return rows, recs
		}
		if err != nil {
			fail(err)
		}
		rows++
		if plan == nil || row.Kind != tabular.Data {
			continue
		}
		o := plan.Map(row.Values)
		recs += int64(len(o.Records))
		if layer == "encode" {
			for i := range o.Records {
				o.Records[i].Prov = model.Provenance{SourceID: 1, Source: "x", Row: row.Num, Locator: "t"}
			}
			if _, err := workspace.Encode(workspace.Row{Num: row.Num, Raw: row.Values, Records: o.Records}); err != nil {
				fail(err)
			}
		}
	}
}

// choose picks the plan from the first 50 rows and observes every row, as
// ingest's first pass does.
func choose(path string) *mapping.Plan {
	r, err := tabular.Open(path, tabular.Options{})
	if err != nil {
		fail(err)
	}
	defer r.Close()
	var sample [][]string
	var header []string
	var table string
	var plan *mapping.Plan
	for {
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			fail(err)
		}
		if row.Kind != tabular.Data || row.Table == nil {
			continue
		}
		if plan != nil {
			plan.Observe(row.Values)
			continue
		}
		header, table = row.Table.Header, row.Table.Name
		sample = append(sample, append([]string(nil), row.Values...))
		if len(sample) == 50 {
			if plan, err = mapping.Choose(path, table, header, sample, nil, ""); err != nil {
				fail(err)
			}
			for _, s := range sample {
				plan.Observe(s)
			}
		}
	}
	if plan == nil {
		if plan, err = mapping.Choose(path, table, header, sample, nil, ""); err != nil {
			fail(err)
		}
	}
	plan.Finish()
	return plan
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
