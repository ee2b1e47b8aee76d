package ui

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
)

// stallProbe measures how responsive the UI goroutine stays: every 20 ms it
// queues a no-op with fyne.Do and records how long it waited to run. The
// longest wait per phase (ingest, check, package, upload) is what a user would
// feel as a frozen window. Used by the tour, which prints the figures.
type stallProbe struct {
	mu    sync.Mutex
	phase string
	max   map[string]time.Duration
	stop  chan struct{}
}

func startStallProbe() *stallProbe {
	p := &stallProbe{phase: "idle", max: map[string]time.Duration{}, stop: make(chan struct{})}
	go func() {
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-t.C:
				sent := time.Now()
				p.mu.Lock()
				phase := p.phase
				p.mu.Unlock()
				fyne.Do(func() {
					wait := time.Since(sent)
					p.mu.Lock()
					if wait > p.max[phase] {
						p.max[phase] = wait
					}
					p.mu.Unlock()
				})
			}
		}
	}()
	return p
}

// Phase names the work the next measurements belong to.
func (p *stallProbe) Phase(name string) {
	p.mu.Lock()
	p.phase = name
	p.mu.Unlock()
}

// Report stops the probe and says the longest wait per phase, e.g.
// "STALLS check=35ms ingest=12ms".
func (p *stallProbe) Report() string {
	close(p.stop)
	p.mu.Lock()
	defer p.mu.Unlock()
	var parts []string
	for ph, d := range p.max {
		parts = append(parts, fmt.Sprintf("%s=%dms", ph, d.Milliseconds()))
	}
	sort.Strings(parts)
	return "STALLS " + strings.Join(parts, " ")
}
