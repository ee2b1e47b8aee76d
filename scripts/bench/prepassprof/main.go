// Command prepassprof runs the relational pre-pass alone, as an ingest of
// FILE runs it: FILE read with the other tables of its folder, its own
// evidence kept. It prints the pre-pass's wall and the process's CPU, and
// with -cpuprofile writes a profile for `go tool pprof -top`.
//
//	go run ./scripts/bench/prepassprof -cpuprofile /tmp/pre.out FILE
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sort"
	"strings"
	"syscall"
	"time"

	"handover/importers/relational"
	"handover/importers/tabular"
)

func main() {
	cpu := flag.String("cpuprofile", "", "write a CPU profile here")
	rounds := flag.Int("n", 1, "run the pre-pass this many times")
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	file, _ := filepath.Abs(flag.Arg(0))
	format, err := tabular.Detect(file)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	group := []string{file}
	if format == tabular.FormatCSV || format == tabular.FormatXLSX || format == tabular.FormatXLS {
		group = siblings(file)
	}
	if *cpu != "" {
		f, err := os.Create(*cpu)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	opts := relational.Options{Flat: format != tabular.FormatDBF && format != tabular.FormatSQLite && format != tabular.FormatMDB,
		Keep: func(p string) bool { return p == file }}
	for i := 0; i < *rounds; i++ {
		start := time.Now()
		res, err := relational.Analyze(context.Background(), group, opts)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		var ru syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		cpuS := float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
		fmt.Printf("pre-pass of %d files: %.2f s wall; process CPU so far %.2f s; %d tables\n", len(group), time.Since(start).Seconds(), cpuS, len(res.Tables))
	}
}

// siblings is the folder's tabular files, as the ingest's pre-pass groups them.
func siblings(file string) []string {
	entries, _ := os.ReadDir(filepath.Dir(file))
	var out []string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, ".") {
			continue
		}
		full := filepath.Join(filepath.Dir(file), name)
		switch f, err := tabular.Detect(full); {
		case err != nil:
		case f == tabular.FormatCSV, f == tabular.FormatXLSX, f == tabular.FormatXLS:
			out = append(out, full)
		}
	}
	sort.Strings(out)
	return out
}
