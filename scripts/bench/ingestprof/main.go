// Command ingestprof shows where an ingest spends its time: the wall time of
// each stage the ingest reports (hashing, scanning, reading, balances) and,
// with -cpuprofile, a CPU profile for `go tool pprof -top`.
//
//	go run ./scripts/bench/ingestprof -w /tmp/p.handover -cpuprofile /tmp/cpu.out FILE...
//
// -memprofile writes the live heap halfway through staging the first file
// (for `go tool pprof -sample_index=inuse_space`).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"syscall"
	"time"

	"handover/core/workspace"
	"handover/importers/ingest"
)

func main() {
	ws := flag.String("w", "", "project file (created; must not exist)")
	cpu := flag.String("cpuprofile", "", "write a CPU profile here")
	mem := flag.String("memprofile", "", "write a heap profile here, taken halfway through the first file's staging")
	flag.Parse()
	if *ws == "" || flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	w, err := workspace.OpenOrCreateBulk(*ws) // as the command line's ingest opens it
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer w.Close()
	if *cpu != "" {
		f, err := os.Create(*cpu)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	// Peak Go heap (sampled every 50 ms) next to the process's peak RSS tells
	// Go allocations apart from SQLite's (modernc allocates outside the Go heap).
	var peakHeap uint64
	stop := make(chan struct{})
	go func() {
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peakHeap {
				peakHeap = v
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	start := time.Now()
	stage, since := "", start
	var order []string
	spent := map[string]time.Duration{}
	heapTaken := false
	opts := ingest.Options{Progress: func(p ingest.Progress) {
		if *mem != "" && !heapTaken && p.Stage == "reading" && p.Total > 0 && 2*p.Done >= p.Total {
			heapTaken = true
			if f, err := os.Create(*mem); err == nil {
				runtime.GC() // the live heap, not what awaits collection
				pprof.WriteHeapProfile(f)
				f.Close()
			}
		}
		if p.Stage != stage {
			if stage != "" {
				spent[stage] += time.Since(since)
			}
			if _, seen := spent[p.Stage]; !seen {
				order = append(order, p.Stage)
				spent[p.Stage] = 0
			}
			stage, since = p.Stage, time.Now()
		}
	}}
	res, err := ingest.Run(context.Background(), w, flag.Args(), opts)
	if stage != "" {
		spent[stage] += time.Since(since)
	}
	total := time.Since(start)
	close(stop)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var rows int64
	for _, s := range res.Sources {
		rows += s.Rows
	}
	fmt.Printf("ingest of %d rows: %.2f s (%.0f rows/s)\n", rows, total.Seconds(), float64(rows)/total.Seconds())
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	fmt.Printf("  peak RSS %d MB, peak live Go heap %d MB (sampled)\n", ru.Maxrss/1024, peakHeap>>20)
	for _, s := range order {
		fmt.Printf("  %-10s %6.2f s  %4.1f%%\n", s, spent[s].Seconds(), 100*spent[s].Seconds()/total.Seconds())
	}
}
