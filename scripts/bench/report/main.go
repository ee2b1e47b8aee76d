// Command report turns build/bench/results.tsv (written by scripts/bench.sh)
// into BENCHMARKS.md: the machine, one table per stage with our figures next to
// the peer tools', growth from the smallest to the largest size, and the
// targets from the issues marked met or not met from the measured numbers.
//
// Text between "<!-- notes -->" and "<!-- /notes -->" in an existing
// BENCHMARKS.md is kept, so the human commentary survives a rerun.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"
)

type result struct {
	size        int
	stage, tool string
	rows, bytes int64
	wall        float64
	rssKB       int64
	cpu         string
	rc          string
	note        string
}

func (r result) ours() bool   { return r.tool == "handover" }
func (r result) todo() bool   { return strings.HasPrefix(r.note, "TODO") }
func (r result) failed() bool { return r.rc != "0" && !r.todo() }
func (r result) rssMB() float64 {
	return float64(r.rssKB) / 1024
}

func main() {
	in := flag.String("results", "build/bench/results.tsv", "results written by scripts/bench.sh")
	out := flag.String("out", "BENCHMARKS.md", "markdown to write")
	secs := flag.Int("seconds", 0, "how long the whole run took")
	flag.StringVar(&loadStart, "load-start", "", "/proc/loadavg when the run started")
	flag.StringVar(&builtFrom, "commit", "", "the commit build/handover was built from (default: HEAD now)")
	flag.StringVar(&loadEnd, "load-end", "", "/proc/loadavg when the run ended")
	flag.Parse()
	res, err := load(*in)
	if err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
	notes := keepNotes(*out)
	var b strings.Builder
	write(&b, res, *secs, notes)
	if err := os.WriteFile(*out, []byte(b.String()), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}

func load(path string) ([]result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []result
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	first := true
	for sc.Scan() {
		if first {
			first = false
			continue
		}
		c := strings.Split(sc.Text(), "\t")
		if len(c) < 10 {
			continue
		}
		var r result
		r.size, _ = strconv.Atoi(c[0])
		r.stage, r.tool = c[1], c[2]
		r.rows, _ = strconv.ParseInt(c[3], 10, 64)
		r.bytes, _ = strconv.ParseInt(c[4], 10, 64)
		r.wall, _ = strconv.ParseFloat(c[5], 64)
		r.rssKB, _ = strconv.ParseInt(c[6], 10, 64)
		r.cpu, r.rc, r.note = c[7], c[8], c[9]
		out = append(out, r)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].size < out[j].size })
	return out, sc.Err()
}

var loadStart, loadEnd, builtFrom string

const notesOpen, notesClose = "<!-- notes -->", "<!-- /notes -->"

func keepNotes(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	s := string(b)
	i, j := strings.Index(s, notesOpen), strings.Index(s, notesClose)
	if i < 0 || j < i {
		return ""
	}
	return strings.TrimSpace(s[i+len(notesOpen) : j])
}

func sh(name string, args ...string) string {
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(out))
}

func cpuModel() string {
	b, _ := os.ReadFile("/proc/cpuinfo")
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "model name") {
			if _, v, ok := strings.Cut(l, ":"); ok {
				return strings.TrimSpace(v)
			}
		}
	}
	return "?"
}

func human(n int) string {
	switch {
	case n >= 1_000_000 && n%1_000_000 == 0:
		return fmt.Sprintf("%dM", n/1_000_000)
	case n >= 1000 && n%1000 == 0:
		return fmt.Sprintf("%dk", n/1000)
	}
	return strconv.Itoa(n)
}

func rate(n int64, secs float64) string {
	if secs <= 0 || n <= 0 {
		return "–"
	}
	v := float64(n) / secs
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%.2f M", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.1f k", v/1e3)
	}
	return fmt.Sprintf("%.0f", v)
}

func mbps(b int64, secs float64) string {
	if secs <= 0 || b <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f", float64(b)/(1<<20)/secs)
}

var stageTitles = []struct{ stage, title, what string }{
	{"ingest-csv", "Ingest: CSV (pclaw/time.csv)", "`handover ingest -w P time.csv --json` (detect, map with the pclaw-time profile, stage every row with provenance into the project, one transaction, recompute balances) vs `sqlite3 x.db \".import --csv time.csv t\"` (raw text rows into one table) and `mlr --icsv --ojson cat` (conversion only, output to /dev/null). Rows = data rows of the file."},
	{"ingest-xlsx", "Ingest: xlsx (the time listing as an Excel-style workbook, rows = size ÷ 5)", "`handover ingest` of a workbook with shared strings, date-styled serial numbers and numeric cells (written by `scripts/bench/mkfiles` from the first N rows of time.csv) vs `in2csv time.xlsx > /dev/null` (csvkit, openpyxl, with type inference)."},
	{"ingest-dbf", "Ingest: dBase/FoxPro (AbacusLaw NAMES.DBF + .FPT memo, rows = size ÷ 5)", "`handover ingest` of a Visual FoxPro table with a memo file (contacts; the abacus-names profile) vs `in2csv -f dbf NAMES.DBF > /dev/null` (csvkit, dbfread)."},
	{"ingest-rest", "Ingest: the rest of the firm (clients, matters, trust, A/R workbook, Outlook, mbox, AbacusLaw, tasks, notes, phone log)", "Into the same project as time.csv, so that check and package see a whole firm. Not a headline figure; rows column is 0 (many files)."},
	{"check", "Check (all readiness rules, including duplicate contacts)", "`handover check -w P --json` on the whole firm's project. Rows = records in the project."},
	{"package", "Package", "`handover package -w P -o out.zip --allow-blockers` (Clio CSVs, full data, excluded rows, XLSX+HTML report, manifest). MB/s = zip bytes ÷ wall."},
	{"verify", "Verify", "`handover verify out.zip`: every checksum and count against the manifest. MB/s = zip bytes ÷ wall."},
	{"upload", "Upload (against the local Clio)", "`handover upload` against `handover fakeclio`."},
}

func write(b *strings.Builder, res []result, secs int, notes string) {
	sizes := map[int]bool{}
	for _, r := range res {
		sizes[r.size] = true
	}
	var sz []int
	for s := range sizes {
		sz = append(sz, s)
	}
	sort.Ints(sz)
	var szs []string
	for _, s := range sz {
		szs = append(szs, human(s))
	}
	p := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	p("# Benchmarks\n\n")
	p("Measured by `make bench` (`scripts/bench.sh`, tables written by `scripts/bench/report`). ")
	p("Each figure is one run of one process under `/usr/bin/time -v`: wall-clock time and that process's peak resident set size. ")
	p("Peers run in the same run, on the same files, one after the other. Sizes are time-entry rows in the synthetic firm's `pclaw/time.csv` ")
	p("(`go run ./internal/synth/gen -contacts SIZE/10 -seed 1`); the xlsx and DBF have SIZE÷5 rows. ")
	p("Figures on a shared 2-core VM move by ±10–20 %% between runs; read ratios, not digits.\n\n")
	p("Rerun: `make bench` (all of %s: 8–10 minutes here, plus about a minute to generate the data the first time) or `BENCH_SIZES=\"10000 100000\" make bench` (about 4 minutes, 2.5 of them the 100k upload; `BENCH_UPLOAD_SIZES=10000` saves those). Raw numbers: `build/bench/results.tsv`.\n\n", strings.Join([]string{"10k", "100k", "1M"}, ", "))

	p("## Machine\n\n")
	commit := builtFrom
	if commit == "" {
		commit = sh("git", "rev-parse", "--short", "HEAD")
		if sh("git", "status", "--porcelain", "--untracked-files=no") != "" {
			commit += " (working tree had uncommitted changes)"
		}
	}
	p("| | |\n|---|---|\n")
	p("| date | %s |\n", time.Now().UTC().Format("2006-01-02 15:04 MST"))
	p("| git commit (build/handover) | %s |\n", commit)
	p("| CPU | %s, `nproc` = %s (runtime.NumCPU %d) |\n", cpuModel(), sh("nproc"), runtime.NumCPU())
	mem := sh("free", "-h")
	for _, l := range strings.Split(mem, "\n") {
		if strings.HasPrefix(l, "Mem:") {
			f := strings.Fields(l)
			if len(f) >= 7 {
				p("| memory (`free -h`) | total %s, used %s, available %s |\n", f[1], f[2], f[6])
			}
		}
	}
	p("| Go | %s |\n", sh("go", "version"))
	p("| peers | %s; %s; %s |\n", firstLine(sh("sqlite3", "--version"), 2), sh("mlr", "--version"), sh("in2csv", "--version"))
	p("| sizes | %s |\n", strings.Join(szs, ", "))
	if loadStart != "" || loadEnd != "" {
		p("| load average (1/5/15 min) | at start %s, at end %s — the VM is shared with other engineers' builds and tests, so some runs had company |\n", loadStart, loadEnd)
	}
	if secs > 0 {
		p("| whole run | %d min %02d s (generation of uncached data included) |\n", secs/60, secs%60)
	}
	p("\n")

	p("## Targets\n\n")
	p("| target (from the issues) | measured | verdict |\n|---|---|---|\n")
	targets(b, res, sz)
	p("\n")

	for _, st := range stageTitles {
		var rows []result
		for _, r := range res {
			if r.stage == st.stage {
				rows = append(rows, r)
			}
		}
		if len(rows) == 0 {
			continue
		}
		p("## %s\n\n%s\n\n", st.title, st.what)
		p("| size | tool | rows | wall (s) | rows/s | MB/s | peak RSS (MB) | CPU | ours ÷ this: time, RSS | note |\n")
		p("|---|---|---:|---:|---:|---:|---:|---:|---|---|\n")
		for _, r := range rows {
			if r.todo() {
				p("| %s | %s | | | | | | | | **%s** |\n", human(r.size), r.tool, r.note)
				continue
			}
			ratio := ""
			if !r.ours() {
				if o, ok := find(res, r.size, r.stage, "handover"); ok && r.wall > 0 && r.rssKB > 0 && !o.failed() {
					ratio = fmt.Sprintf("%.2f×, %.2f×", o.wall/r.wall, float64(o.rssKB)/float64(r.rssKB))
				}
			}
			note := r.note
			if r.failed() {
				note = "**FAILED** " + note
			}
			tool := r.tool
			if r.ours() {
				tool = "**handover**"
			}
			p("| %s | %s | %d | %.2f | %s | %s | %.0f | %s%% | %s | %s |\n", human(r.size), tool, r.rows, r.wall,
				rate(r.rows, r.wall), mbps(r.bytes, r.wall), r.rssMB(), r.cpu, ratio, note)
		}
		p("\n")
	}

	p("## Growth (handover only)\n\n")
	p("How wall time and peak RSS grow with the input. Rows grow 10× per step, so time ≈ 10× per step is linear; ")
	p("peak RSS should stay flat (streaming).\n\n")
	p("| stage |")
	for _, s := range sz {
		p(" wall %s |", human(s))
	}
	for i := 1; i < len(sz); i++ {
		p(" time ×%s→%s |", human(sz[i-1]), human(sz[i]))
	}
	for _, s := range sz {
		p(" RSS %s (MB) |", human(s))
	}
	p(" RSS ×first→last |\n|---|")
	for i := 0; i < 3*len(sz); i++ {
		p("---:|")
	}
	p("\n")
	for _, st := range stageTitles {
		var have bool
		for _, s := range sz {
			if r, ok := find(res, s, st.stage, "handover"); ok && !r.todo() && !r.failed() {
				have = true
			}
		}
		if !have {
			continue
		}
		p("| %s |", st.stage)
		for _, s := range sz {
			if r, ok := find(res, s, st.stage, "handover"); ok && !r.todo() {
				p(" %.2f |", r.wall)
			} else {
				p(" – |")
			}
		}
		for i := 1; i < len(sz); i++ {
			a, ok1 := find(res, sz[i-1], st.stage, "handover")
			c, ok2 := find(res, sz[i], st.stage, "handover")
			if ok1 && ok2 && a.wall > 0 {
				p(" %.1f× |", c.wall/a.wall)
			} else {
				p(" – |")
			}
		}
		for _, s := range sz {
			if r, ok := find(res, s, st.stage, "handover"); ok && !r.todo() {
				p(" %.0f |", r.rssMB())
			} else {
				p(" – |")
			}
		}
		a, ok1 := find(res, sz[0], st.stage, "handover")
		c, ok2 := find(res, sz[len(sz)-1], st.stage, "handover")
		if ok1 && ok2 && a.rssKB > 0 && len(sz) > 1 {
			p(" %.2f× |\n", float64(c.rssKB)/float64(a.rssKB))
		} else {
			p(" – |\n")
		}
	}
	p("\n## Notes\n\n%s\n%s\n%s\n", notesOpen, notes, notesClose)
}

func firstLine(s string, fields int) string {
	f := strings.Fields(s)
	if len(f) > fields {
		f = f[:fields]
	}
	return strings.Join(f, " ")
}

func find(res []result, size int, stage, tool string) (result, bool) {
	for _, r := range res {
		if r.size == size && r.stage == stage && strings.HasPrefix(r.tool, tool) {
			return r, true
		}
	}
	return result{}, false
}

func verdict(ok bool) string {
	if ok {
		return "**met**"
	}
	return "**not met**"
}

func targets(b *strings.Builder, res []result, sz []int) {
	p := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	largest := sz[len(sz)-1]
	// 1. CSV ingest ≤ 5× sqlite3 .import (#18; the earlier 1.5× was withdrawn:
	// the driver alone uses it up, as the floor lines show).
	for _, s := range sz {
		o, ok1 := find(res, s, "ingest-csv", "handover")
		q, ok2 := find(res, s, "ingest-csv", "sqlite3")
		if ok1 && ok2 && q.wall > 0 && !o.failed() && !q.failed() {
			r := o.wall / q.wall
			// #18 sets the ratio on the 1M-row firm; below it the line is
			// context: .import of 10k rows takes 0.01 s, so there the ratio
			// is mostly the start-up of one process against the other's.
			v := verdict(r <= 5)
			if s != 1_000_000 {
				v = "context (the target is at 1M rows)"
			}
			p("| CSV ingest ≤ 5× `sqlite3 .import` time (%s rows) | %.2f s vs %.2f s = **%.2f×** | %s |\n", human(s), o.wall, q.wall, r, v)
		}
	}
	// 1b. What the fixed SQLite driver alone costs: the floor under target 1.
	for _, s := range sz {
		f, ok1 := find(res, s, "ingest-csv", "modernc.org/sqlite, .import's work only")
		fb, ok2 := find(res, s, "ingest-csv", "modernc.org/sqlite, .import's work, 100")
		q, ok3 := find(res, s, "ingest-csv", "sqlite3")
		if ok1 && ok2 && ok3 && q.wall > 0 && !f.failed() && !fb.failed() && !q.failed() {
			p("| (floor under the line above: modernc.org/sqlite doing only `.import`'s work, %s rows) | %.2f s row by row = **%.2f×**, %.2f s 100 rows per INSERT = **%.2f×** `sqlite3 .import` | context |\n",
				human(s), f.wall, f.wall/q.wall, fb.wall, fb.wall/q.wall)
		}
	}
	// 2. DBF ingest faster than in2csv -f dbf.
	for _, s := range sz {
		o, ok1 := find(res, s, "ingest-dbf", "handover")
		q, ok2 := find(res, s, "ingest-dbf", "in2csv")
		if ok1 && ok2 && q.wall > 0 && !o.failed() && !q.failed() {
			r := o.wall / q.wall
			p("| DBF ingest faster than `in2csv -f dbf` (%s rows) | %.2f s vs %.2f s = **%.2f×** | %s |\n", human(int(o.rows)), o.wall, q.wall, r, verdict(r < 1))
		}
	}
	// 3. Check of the whole firm ≤ 15 s at 1M.
	if c, ok := find(res, 1_000_000, "check", "handover"); ok && !c.failed() {
		p("| check, whole 1M firm ≤ 15 s | %.2f s (%d records) | %s |\n", c.wall, c.rows, verdict(c.wall <= 15))
	} else {
		p("| check, whole 1M firm ≤ 15 s | not measured in this run (size 1M not run) | – |\n")
	}
	// 4. Package ≥ 25k records/s at 1M.
	if c, ok := find(res, 1_000_000, "package", "handover"); ok && !c.failed() && !c.todo() && c.wall > 0 {
		rate := float64(c.rows) / c.wall
		p("| package, whole 1M firm ≥ 25k records/s | %.2f s for %d records = **%.1f k/s** | %s |\n", c.wall, c.rows, rate/1000, verdict(rate >= 25_000))
	} else {
		p("| package, whole 1M firm ≥ 25k records/s | not measured in this run (size 1M not run) | – |\n")
	}
	// 5. Peak RSS < 200 MB at every stage, and flat from the smallest size to the largest.
	stages := map[string]bool{}
	var order []string
	for _, r := range res {
		if r.ours() && !stages[r.stage] {
			stages[r.stage] = true
			order = append(order, r.stage)
		}
	}
	for _, st := range order {
		c, ok := find(res, largest, st, "handover")
		if !ok || c.failed() || c.todo() || c.rssKB == 0 {
			continue
		}
		flat := ""
		ok200 := c.rssMB() < 200
		if a, ok := find(res, sz[0], st, "handover"); ok && len(sz) > 1 && !a.failed() && !a.todo() && a.rssKB > 0 {
			r := float64(c.rssKB) / float64(a.rssKB)
			flat = fmt.Sprintf(" (%.2f× the %s run's %.0f MB)", r, human(sz[0]), a.rssMB())
		}
		p("| peak RSS < 200 MB, %s at %s | %.0f MB%s | %s |\n", st, human(largest), c.rssMB(), flat, verdict(ok200))
	}
}
