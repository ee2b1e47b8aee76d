// Command checkprof shows where the readiness check spends its time: it
// copies a project (the check rewrites its findings and balances, so the
// original is never touched), runs check.Run on the copy with an optional
// CPU profile for `go tool pprof -top`, and prints wall and CPU seconds,
// records/s, findings and peak RSS.
//
//	go run ./scripts/bench/checkprof -w build/bench-data/project-100000-s1.handover -cpuprofile /tmp/check.prof
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"syscall"
	"time"

	"handover/cli"
	"handover/core/check"
	"handover/core/workspace"
)

func main() {
	ws := flag.String("w", "", "project file (an existing project; it is copied first)")
	dir := flag.String("tmp", "", "directory for the copy (default: the system's temporary directory)")
	keep := flag.Bool("keep", false, "keep the checked copy (its path is printed)")
	cpu := flag.String("cpuprofile", "", "write a CPU profile of the check here")
	mem := flag.String("memprofile", "", "write a heap profile here when the per-record rules are done (the most the check holds)")
	whole := flag.Bool("cli", false, "run all of `handover check --json` (open, check, readiness, the findings as JSON to nowhere) instead of check.Run alone")
	dump := flag.String("findings", "", "write every finding the check left (folded ones too), in the order written, to this file: two runs' lists compare with cmp")
	reopen := flag.Bool("closed", false, "open and close the copy once before measuring, as any earlier Handover command (the bench's cutoff) leaves it: a fresh copy is verified with quick_check on its first open, a project Handover closed is not")
	flag.Parse()
	if *ws == "" {
		flag.Usage()
		os.Exit(2)
	}
	tmp, err := os.MkdirTemp(*dir, "checkprof-")
	if err != nil {
		fail(err)
	}
	if !*keep {
		defer os.RemoveAll(tmp)
	}
	cp := filepath.Join(tmp, filepath.Base(*ws))
	if err := copyFile(*ws, cp); err != nil {
		fail(err)
	}
	if *reopen {
		w, err := workspace.Open(cp)
		if err != nil {
			fail(err)
		}
		if err := w.Close(); err != nil {
			fail(err)
		}
	}
	if *whole {
		runCLI(cp, *cpu)
		return
	}
	opened := time.Now()
	w, err := workspace.Open(cp)
	if err != nil {
		fail(err)
	}
	openWall := time.Since(opened).Seconds()
	if *cpu != "" {
		f, err := os.Create(*cpu)
		if err != nil {
			fail(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fail(err)
		}
	}
	before := cpuSeconds()
	start := time.Now()
	progress := func(stage string, done, total int64) {
		if stage != "duplicates" || *mem == "" {
			return
		}
		f, err := os.Create(*mem)
		if err != nil {
			fail(err)
		}
		runtime.GC()
		if err := pprof.WriteHeapProfile(f); err != nil {
			fail(err)
		}
		f.Close()
	}
	res, err := check.Run(context.Background(), w, check.Options{}, progress)
	if err != nil {
		fail(err)
	}
	wall := time.Since(start).Seconds()
	cpuUsed := cpuSeconds() - before
	pprof.StopCPUProfile() // the check only, not the dump or the close
	var recs int64
	for _, n := range res.Counts.Records {
		recs += n
	}
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	fmt.Printf("check of %d records: %.2f s wall, %.2f s CPU (%.0f %%), %.0f records/s, %d findings on show, %d duplicate clusters, peak RSS %d MB\n",
		recs, wall, cpuUsed, 100*cpuUsed/wall, float64(recs)/wall, res.Summary.Total, res.Clusters, ru.Maxrss/1024)
	if *dump != "" {
		if err := dumpFindings(w, *dump); err != nil {
			fail(err)
		}
	}
	closing := time.Now()
	if err := w.Close(); err != nil {
		fail(err)
	}
	// handover check pays these too: opening verifies the file, closing
	// folds the write-ahead log (the new findings) back into it
	fmt.Printf("opening the project %.2f s, closing it %.2f s\n", openWall, time.Since(closing).Seconds())
	if *keep {
		fmt.Println("checked copy:", cp)
	}
}

// dumpFindings writes one line per finding: every column but the row id
// the project gives it, so two checks of copies of one project compare.
func dumpFindings(w *workspace.Workspace, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	bw := bufio.NewWriter(f)
	rows, err := w.DB().Query(`SELECT origin, rule, severity, entity, record_key, coalesce(row_id, 0), source, row_no, field, value,
		message, fix, detail FROM findings ORDER BY id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols := make([]string, 13)
	dest := make([]any, len(cols))
	for i := range cols {
		dest[i] = &cols[i]
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		for i, c := range cols {
			if i > 0 {
				bw.WriteByte('\t')
			}
			bw.WriteString(strconv.Quote(c))
		}
		bw.WriteByte('\n')
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return bw.Flush()
}

// runCLI measures the command make bench times, in this process.
func runCLI(project, cpu string) {
	if cpu != "" {
		f, err := os.Create(cpu)
		if err != nil {
			fail(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fail(err)
		}
		defer pprof.StopCPUProfile()
	}
	before := cpuSeconds()
	start := time.Now()
	out := &counter{}
	if code := cli.Main([]string{"check", "-w", project, "--json"}, out, os.Stderr); code != 0 {
		fail(fmt.Errorf("handover check exited %d", code))
	}
	wall := time.Since(start).Seconds()
	cpuUsed := cpuSeconds() - before
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	fmt.Printf("handover check --json: %.2f s wall, %.2f s CPU (%.0f %%), %.1f MB of JSON, peak RSS %d MB\n",
		wall, cpuUsed, 100*cpuUsed/wall, float64(out.n)/1e6, ru.Maxrss/1024)
}

type counter struct{ n int64 }

func (c *counter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// cpuSeconds is the process's user + system CPU time so far.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
