// Command packprof shows where packaging spends its time: it writes a
// project's package (to a file or, with -o "", nowhere) with an optional CPU
// profile for `go tool pprof -top`, and prints records/s and peak RSS.
//
//	go run ./scripts/bench/packprof -w build/bench-data/project-100000-s1.handover -cpuprofile /tmp/pack.prof
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"syscall"
	"time"

	"handover/core/pack"
	"handover/core/workspace"
)

func main() {
	ws := flag.String("w", "", "project file (an existing, checked project)")
	out := flag.String("o", "", "write the package here (default: count the bytes only)")
	cpu := flag.String("cpuprofile", "", "write a CPU profile here")
	mem := flag.String("memprofile", "", "write the heap profile here, taken after the collection that found the most live heap")
	flag.Parse()
	if *ws == "" {
		flag.Usage()
		os.Exit(2)
	}
	w, err := workspace.Open(*ws)
	if err != nil {
		fail(err)
	}
	defer w.Close()
	var dst io.Writer = &counter{}
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			fail(err)
		}
		defer f.Close()
		dst = f
	}
	if *cpu != "" {
		f, err := os.Create(*cpu)
		if err != nil {
			fail(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fail(err)
		}
		defer pprof.StopCPUProfile()
	}
	if *mem != "" {
		stop := watchHeap(*mem)
		defer stop()
	}
	start := time.Now()
	m, err := pack.Write(context.Background(), w, dst, pack.Options{AppVersion: "packprof", AllowBlockers: true})
	if err != nil {
		fail(err)
	}
	wall := time.Since(start).Seconds()
	var recs int64
	for _, n := range m.Counts {
		recs += n
	}
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	fmt.Printf("package of %d records: %.2f s (%.0f records/s), peak RSS %d MB\n", recs, wall, float64(recs)/wall, ru.Maxrss/1024)
}

// watchHeap keeps the heap profile of the moment the live heap was
// largest: every 200 ms it collects, and when more is live than ever before
// it writes the profile (in-use figures are as of that collection).
func watchHeap(path string) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		var most uint64
		for {
			select {
			case <-done:
				return
			case <-time.After(200 * time.Millisecond):
			}
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc <= most {
				continue
			}
			most = ms.HeapAlloc
			if f, err := os.Create(path); err == nil {
				pprof.Lookup("heap").WriteTo(f, 0)
				f.Close()
			}
		}
	}()
	return func() { close(done); <-finished }
}

type counter struct{ n int64 }

func (c *counter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
