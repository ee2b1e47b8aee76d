//go:build dev

package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"handover/core/workspace"
	"handover/importers/ingest"
)

// BenchReadiness measures the Readiness screen on the project at path in the
// real window (scripts/bench/readiness.sh runs it under Xvfb on a 1M-record
// project; ui/desktop calls it when HANDOVER_BENCH=readiness). It opens the
// project the way a user does, goes to Readiness and its Problems tab, and
// times each part showing up; measures what a full frame of that screen
// costs; scrolls the findings table from top to bottom in steps jumps, then
// like a mouse wheel; filters; opens a record. With HANDOVER_BENCH_INGEST
// set to a folder it first reads that folder into a new project on the
// Sources step; with HANDOVER_BENCH_CHECK set it then runs the check from the
// Readiness screen, with HANDOVER_BENCH_PACKAGE writes a package from the
// Package screen. The stall probe runs throughout. It prints "BENCH name=value" lines, the probe's figures and
// "BENCH DONE", then quits.
func BenchReadiness(u *App, path string, steps int) {
	go func() {
		time.Sleep(2 * time.Second) // the window is up and idle
		probe := startStallProbe()
		uiWork.Reset()
		out := func(format string, a ...any) { fmt.Printf("BENCH "+format+"\n", a...) }
		fail := func(what string) {
			fmt.Println("BENCH FAILED " + what)
			onUIAsync(u.FyneApp.Quit)
		}
		// until polls cond on the UI goroutine every 10 ms and returns how long
		// it took to hold, from start (or -1 after the limit)
		until := func(start time.Time, limit time.Duration, cond func() bool) time.Duration {
			for {
				var ok bool
				onUI(func() { ok = cond() })
				if ok {
					return time.Since(start)
				}
				if time.Since(start) > limit {
					return -1
				}
				time.Sleep(10 * time.Millisecond)
			}
		}
		ms := func(d time.Duration) int64 { return d.Milliseconds() }

		// ingest (when asked): a new project, and a folder added on the Sources step
		if dir := os.Getenv("HANDOVER_BENCH_INGEST"); dir != "" {
			probe.Phase("ingest")
			tmp, err := os.MkdirTemp("", "handover-bench-ingest")
			if err != nil {
				fail(err.Error())
				return
			}
			defer os.RemoveAll(tmp)
			ws, err := workspace.Create(filepath.Join(tmp, "ingest.handover"))
			if err != nil {
				fail(err.Error())
				return
			}
			onUI(func() { u.OpenProject(ws) })
			u.Settle()
			src, _ := u.screens[StepSources].(*sources)
			t := time.Now()
			var task *Task
			onUI(func() { task = src.Add([]string{dir}, ingest.Options{}) })
			task.Wait()
			var rows int64
			onUI(func() {
				for _, s := range src.list {
					rows += s.Counts.Rows
				}
			})
			out("ingest_ms=%d ingest_rows=%d ingest_stall_max_ms=%d", ms(time.Since(t)), rows, ms(probe.Max("ingest")))
			onUI(u.Close)
			u.WaitClosed()
		}

		// open: what "Open a migration…" does, to the Sources step listing the files
		probe.Phase("open")
		t0 := time.Now()
		onUI(func() { u.OpenPath(path) })
		src, _ := u.screens[StepSources].(*sources)
		open := until(t0, 5*time.Minute, func() bool { return u.project != nil })
		if open < 0 {
			fail("the project did not open")
			return
		}
		listed := until(t0, 5*time.Minute, func() bool { return len(src.list) > 0 })
		out("open_ms=%d sources_ms=%d", ms(open), ms(listed))
		u.Settle()

		// Readiness, then its Problems tab, as a user clicks them
		probe.Phase("readiness")
		r, _ := u.screens[StepReadiness].(*readinessScreen)
		t1 := time.Now()
		onUI(func() { uiWork.time("bench: show Readiness", func() { u.Show(StepReadiness) }) })
		onUI(func() { uiWork.time("bench: Problems tab", func() { r.tabs.Select(r.problemsTab) }) })
		// each part's time on screen, polled together
		var summary, rows, counts, banner time.Duration = -1, -1, -1, -1
		until(t1, 10*time.Minute, func() bool {
			since := time.Since(t1)
			mark := func(d *time.Duration, on bool) {
				if *d < 0 && on {
					*d = since
				}
			}
			_, first := r.list.row(0)
			mark(&summary, r.loaded)
			mark(&rows, first)
			mark(&counts, len(r.counts.Records) > 0)
			mark(&banner, r.info.Banner != "")
			return summary >= 0 && rows >= 0 && counts >= 0 && banner >= 0
		})
		u.Settle()
		all := time.Since(t1)
		var n, marks int
		var pass time.Duration
		var l *findingList
		onUI(func() { l = r.list })
		l.mu.Lock()
		n, marks, pass = l.count, len(l.marks), l.marksTook
		l.mu.Unlock()
		out("readiness_summary_ms=%d readiness_first_rows_ms=%d readiness_counts_ms=%d readiness_banner_ms=%d readiness_all_ms=%d",
			ms(summary), ms(rows), ms(counts), ms(banner), ms(all))
		out("findings=%d marks_pass_ms=%d pages=%d", n, ms(pass), marks)
		if n == 0 {
			fail("no findings in the table")
			return
		}

		// the frame floor on this screen
		probe.Phase("frame")
		p50, worst, frames := frameCost(u, 3*time.Second)
		out("frame_p50_ms=%d frame_max_ms=%d frames=%d", ms(p50), ms(worst), frames)

		// scroll from top to bottom in jumps, a step every 50 ms
		probe.Phase("scroll")
		t2 := time.Now()
		var missBefore int
		onUI(func() { missBefore = r.list.misses })
		for i := 0; i <= steps; i++ {
			row := int(int64(i) * int64(n-1) / int64(steps))
			onUI(func() {
				uiWork.time("bench: scroll step", func() { r.Table.ScrollTo(widget.TableCellID{Row: row, Col: 0}) })
			})
			time.Sleep(50 * time.Millisecond)
		}
		var last string
		if f, ok := r.FindingAt(n - 1); ok { // read as the table reads it: its page
			last = f.Message
		}
		var misses int
		onUI(func() { misses = r.list.misses - missBefore })
		l.mu.Lock()
		pagesRead, pageMax := l.stats.pages, l.stats.maxMS
		l.mu.Unlock()
		out("scroll_steps=%d scroll_ms=%d scroll_stall_max_ms=%d scroll_cells_not_ready=%d last_row_ok=%v pages_read=%d page_read_max_ms=%d",
			steps, ms(time.Since(t2)), ms(probe.Max("scroll")), misses, last != "", pagesRead, pageMax)

		// like a mouse wheel from the middle: 40 px every 16 ms for 3 s
		probe.Phase("wheel")
		onUI(func() { r.Table.ScrollTo(widget.TableCellID{Row: n / 2, Col: 0}) })
		var off fyne.Position
		onUI(func() { // where that row is: rows are the template's height plus padding
			h := widget.NewLabel("placeholder text").MinSize().Height + r.Table.Theme().Size(theme.SizeNamePadding)
			off = fyne.NewPos(0, float32(n/2)*h)
		})
		r.FindingAt(n / 2) // the first page on show read, as a user sees it before scrolling
		time.Sleep(100 * time.Millisecond)
		onUI(func() { missBefore = r.list.misses })
		for end := time.Now().Add(3 * time.Second); time.Now().Before(end); time.Sleep(16 * time.Millisecond) {
			off.Y += 40
			o := off
			onUI(func() { uiWork.time("bench: wheel step", func() { r.Table.ScrollToOffset(o) }) })
		}
		onUI(func() { misses = r.list.misses - missBefore })
		out("wheel_stall_max_ms=%d wheel_cells_not_ready=%d", ms(probe.Max("wheel")), misses)

		// filter: must fix only, then everything again
		probe.Phase("filter")
		t3 := time.Now()
		onUI(func() { r.Severity.SetSelected(severityChoices[1]) })
		blockers := until(t3, 5*time.Minute, func() bool {
			f, ok := r.list.row(0)
			return ok && f.Severity == "blocker"
		})
		u.Settle()
		blockersAll := time.Since(t3)
		t4 := time.Now()
		onUI(func() { r.Severity.SetSelected(severityChoices[0]) })
		again := until(t4, 5*time.Minute, func() bool { _, ok := r.list.row(0); return ok && r.filter.Severity == "" })
		u.Settle()
		out("filter_first_rows_ms=%d filter_all_ms=%d unfilter_first_rows_ms=%d filter_stall_max_ms=%d",
			ms(blockers), ms(blockersAll), ms(again), ms(probe.Max("filter")))

		// jump to the record of a row in the middle
		probe.Phase("record")
		t5 := time.Now()
		f, ok := r.FindingAt(n / 2)
		if ok {
			onUI(func() { uiWork.time("bench: open a record", func() { r.ShowRecord(f) }) })
			u.Settle()
		}
		out("record_ms=%d record_stall_max_ms=%d", ms(time.Since(t5)), ms(probe.Max("record")))
		if os.Getenv("HANDOVER_BENCH_CHECK") != "" {
			onUI(u.closeOverlays)
			// the check again from the Readiness screen, as "Run the check"
			probe.Phase("check")
			t6 := time.Now()
			var task *Task
			onUI(func() { task = r.RunCheck() })
			task.Wait()
			out("check_ms=%d check_stall_max_ms=%d", ms(time.Since(t6)), ms(probe.Max("check")))
		}
		if os.Getenv("HANDOVER_BENCH_PACKAGE") != "" {
			// a package written from the Package screen (check included)
			dir, err := os.MkdirTemp("", "handover-bench-package")
			if err != nil {
				fail(err.Error())
				return
			}
			defer os.RemoveAll(dir)
			probe.Phase("package")
			t7 := time.Now()
			var task *Task
			onUI(func() {
				u.Show(StepPackage)
				p, _ := u.screens[StepPackage].(*packageScreen)
				p.Dest.SetText(filepath.Join(dir, "bench-package.zip.age"))
				p.Passphrase.SetText("copper lantern meadow violin")
				p.Confirm.SetText("copper lantern meadow violin")
				p.AllowBlockers.SetChecked(true)
				task = p.Create()
			})
			if task == nil {
				fail("the package did not start")
				return
			}
			task.Wait()
			out("package_ms=%d package_stall_max_ms=%d", ms(time.Since(t7)), ms(probe.Max("package")))
		}
		probe.Phase("end")

		probe.Stop()
		lines := append(probe.Detail(), probe.StackReport(12)...)
		lines = append(lines, uiWork.Report()...)
		for _, l := range lines {
			fmt.Println(l)
		}
		fmt.Println(probe.Report())
		fmt.Println("BENCH DONE")
		// closing must not hang; if it does, say where everything waits
		closed := make(chan struct{})
		go func() {
			select {
			case <-closed:
			case <-time.After(time.Minute):
				fmt.Println("BENCH FAILED closing the project took over a minute; goroutines:")
				pprof.Lookup("goroutine").WriteTo(os.Stdout, 2)
				os.Exit(3)
			}
		}()
		t8 := time.Now()
		onUI(u.Close)
		u.WaitClosed()
		close(closed)
		out("close_ms=%d", ms(time.Since(t8)))
		onUIAsync(u.FyneApp.Quit)
	}()
}

// benchSteps reads HANDOVER_BENCH_STEPS (default 200).
func benchSteps() int {
	var n int
	if _, err := fmt.Sscan(strings.TrimSpace(os.Getenv("HANDOVER_BENCH_STEPS")), &n); err != nil || n <= 0 {
		return 200
	}
	return n
}

// Bench starts the benchmark HANDOVER_BENCH names, on the project in
// HANDOVER_BENCH_PROJECT (ui/desktop calls it); it reports whether there
// was one to run.
func Bench(u *App) bool {
	if n, err := strconv.Atoi(os.Getenv("HANDOVER_BG_READERS")); err == nil && n > 0 {
		bgReaders = n // to compare (before the first read)
	}
	switch os.Getenv("HANDOVER_BENCH") {
	case "readiness":
		BenchReadiness(u, os.Getenv("HANDOVER_BENCH_PROJECT"), benchSteps())
		return true
	case "":
		return false
	}
	fmt.Println("BENCH FAILED unknown HANDOVER_BENCH", os.Getenv("HANDOVER_BENCH"))
	return false
}
