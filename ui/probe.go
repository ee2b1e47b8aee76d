//go:build dev

package ui

import (
	"bytes"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
)

// stallProbe measures how responsive the UI goroutine stays: every 20 ms it
// queues a no-op with fyne.Do and records how long it waited to run. The
// longest wait per phase (ingest, check, package, upload) is what a user would
// feel as a frozen window. Used by the tour and the benchmarks, which print
// the figures.
//
// While a no-op has waited longer than stallSample, the probe also takes the
// UI goroutine's stack every stallSample (at most a few per stall): what was
// running when the window froze, counted per phase (StackReport).
type stallProbe struct {
	mu      sync.Mutex
	phase   string
	waits   map[string][]time.Duration
	stacks  map[string]int // "phase\tstack" → samples
	stop    chan struct{}
	pending time.Time // when the outstanding no-op was queued (zero: none)
	sampled int       // stack samples taken for the outstanding no-op
}

// stallSample is how long a queued no-op may wait before the probe looks at
// what the UI goroutine is doing, and then how often it looks again.
const stallSample = 60 * time.Millisecond

func startStallProbe() *stallProbe {
	p := &stallProbe{phase: "idle", waits: map[string][]time.Duration{}, stacks: map[string]int{}, stop: make(chan struct{})}
	go func() {
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		next := time.Now()
		for {
			select {
			case <-p.stop:
				return
			case now := <-t.C:
				p.mu.Lock()
				waiting := !p.pending.IsZero()
				age := now.Sub(p.pending)
				phase := p.phase
				send := !waiting && !now.Before(next)
				if send {
					p.pending, p.sampled = now, 0
					next = now.Add(20 * time.Millisecond)
				}
				sample := waiting && p.sampled < 5 && age >= stallSample*time.Duration(p.sampled+1)
				if sample {
					p.sampled++
				}
				p.mu.Unlock()
				if sample {
					if st := mainStack(); st != "" {
						p.mu.Lock()
						p.stacks[phase+"\t"+st]++
						p.mu.Unlock()
					}
				}
				if send {
					sent := now
					fyne.Do(func() {
						wait := time.Since(sent)
						p.mu.Lock()
						p.waits[phase] = append(p.waits[phase], wait)
						p.pending = time.Time{}
						p.mu.Unlock()
					})
				}
			}
		}
	}()
	return p
}

// Phase names the work the next measurements belong to and returns the
// name it replaces.
func (p *stallProbe) Phase(name string) (was string) {
	p.mu.Lock()
	was, p.phase = p.phase, name
	p.mu.Unlock()
	return was
}

// Max is the longest wait seen in a phase so far.
func (p *stallProbe) Max(phase string) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	var m time.Duration
	for _, w := range p.waits[phase] {
		m = max(m, w)
	}
	return m
}

// Stop ends the measurements.
func (p *stallProbe) Stop() {
	select {
	case <-p.stop:
	default:
		close(p.stop)
	}
}

// Report stops the probe and says the longest wait per phase, e.g.
// "STALLS check=35ms ingest=12ms".
func (p *stallProbe) Report() string {
	p.Stop()
	p.mu.Lock()
	defer p.mu.Unlock()
	var parts []string
	for ph, ws := range p.waits {
		var m time.Duration
		for _, w := range ws {
			m = max(m, w)
		}
		parts = append(parts, fmt.Sprintf("%s=%dms", ph, m.Milliseconds()))
	}
	sort.Strings(parts)
	return "STALLS " + strings.Join(parts, " ")
}

// Detail says, per phase, how many waits were measured and their median,
// 99th percentile and maximum, e.g. "STALLDETAIL check n=250 p50=3ms p99=80ms max=120ms".
func (p *stallProbe) Detail() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for ph, ws := range p.waits {
		s := append([]time.Duration(nil), ws...)
		sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
		q := func(f float64) int64 { return s[int(f*float64(len(s)-1))].Milliseconds() }
		out = append(out, fmt.Sprintf("STALLDETAIL %s n=%d p50=%dms p99=%dms max=%dms", ph, len(s), q(0.5), q(0.99), q(1)))
	}
	sort.Strings(out)
	return out
}

// StackReport lists what the UI goroutine was doing during stalls, most
// sampled first: "STALLSTACK phase samples: innermost < … < outermost".
func (p *stallProbe) StackReport(n int) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	type kv struct {
		k string
		n int
	}
	var all []kv
	for k, c := range p.stacks {
		all = append(all, kv{k, c})
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].n != all[j].n {
			return all[i].n > all[j].n
		}
		return all[i].k < all[j].k
	})
	var out []string
	for i, e := range all {
		if i == n {
			break
		}
		ph, st, _ := strings.Cut(e.k, "\t")
		out = append(out, fmt.Sprintf("STALLSTACK %s %d: %s", ph, e.n, st))
	}
	return out
}

// mainStack is the UI goroutine's stack (goroutine 1: the drivers run the
// event loop on the main goroutine) as function names, innermost first,
// without the driver loop underneath.
func mainStack() string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	i := bytes.Index(buf, []byte("goroutine 1 ["))
	if i < 0 {
		return ""
	}
	g := buf[i:]
	if j := bytes.Index(g, []byte("\n\n")); j >= 0 {
		g = g[:j]
	}
	lines := strings.Split(string(g), "\n")
	state := strings.TrimSuffix(strings.TrimPrefix(lines[0], "goroutine 1 ["), "]:")
	var fns []string
	for _, l := range lines[1:] {
		if strings.HasPrefix(l, "\t") || l == "" {
			continue
		}
		fn := l
		if k := strings.LastIndex(fn, "("); k > 0 && strings.HasSuffix(fn, ")") {
			fn = fn[:k]
		}
		if strings.Contains(fn, "(*gLDriver).runGL") || strings.HasPrefix(fn, "main.main") {
			break
		}
		fn = strings.TrimPrefix(fn, "fyne.io/fyne/v2/")
		fns = append(fns, fn)
	}
	// keep it short: the innermost frames, and the outermost ones (what the
	// loop was running), with a handover frame in between when there is one
	if len(fns) > 12 {
		keep := append([]string{}, fns[:6]...)
		for _, f := range fns[6 : len(fns)-5] {
			if strings.HasPrefix(f, "handover/") {
				keep = append(keep, "…", f)
				break
			}
		}
		keep = append(keep, "…")
		fns = append(keep, fns[len(fns)-5:]...)
	}
	return "[" + state + "] " + strings.Join(fns, " < ")
}

// Report lists the work seen, longest first: "UIWORK name n=3 max=12ms mean=5ms".
func (w *workStats) Report() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	names := make([]string, 0, len(w.m))
	for k := range w.m {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool { return w.m[names[i]].max > w.m[names[j]].max })
	var out []string
	for _, k := range names {
		s := w.m[k]
		out = append(out, fmt.Sprintf("UIWORK %s n=%d max=%dms mean=%.1fms", k, s.n, s.max.Milliseconds(),
			float64(s.sum.Microseconds())/1000/float64(s.n)))
	}
	return out
}

// Reset forgets what was recorded.
func (w *workStats) Reset() {
	w.mu.Lock()
	w.m = map[string]*workStat{}
	w.mu.Unlock()
}
