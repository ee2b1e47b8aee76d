package ui

import (
	"sync"
	"time"
)

// uiWork records how long named pieces of work kept the UI goroutine busy
// (what background reads apply, task progress, the tour's steps): the
// longest and the count per name, for the tour and the benchmarks.
var uiWork = &workStats{m: map[string]*workStat{}}

type workStats struct {
	mu sync.Mutex
	m  map[string]*workStat
}

type workStat struct {
	n   int
	max time.Duration
	sum time.Duration
}

// time runs f (on the UI goroutine) and records how long it took as name.
func (w *workStats) time(name string, f func()) {
	start := time.Now()
	f()
	d := time.Since(start)
	w.mu.Lock()
	s := w.m[name]
	if s == nil {
		s = &workStat{}
		w.m[name] = s
	}
	s.n++
	s.sum += d
	s.max = max(s.max, d)
	w.mu.Unlock()
}
