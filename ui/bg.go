package ui

import (
	"context"
	"runtime"
	"slices"
	"sort"
	"sync"
	"time"

	"fyne.io/fyne/v2"
)

// Reads from the project never run on the UI goroutine: on a big firm a
// count or a page of findings takes long enough to freeze the window. A
// screen asks for its data with background(key, read): read runs in a
// goroutine and returns what to apply, which then runs on the UI goroutine
// (it only sets widgets). While a read with the same key is running, later
// requests collapse into one more run after it, with the latest read.

// bgReaders is how many reads run at once: all cores but one, which the
// window needs to draw (with software OpenGL the frames are drawn on the
// CPU: a frame that waits for a core is a frozen window). On a 1M-record
// project with two cores, four reads at once made frames take 0.5-1.7 s;
// one at a time, 0.2 s.
var bgReaders = max(1, runtime.NumCPU()-1)

// bgLater are the reads that wait for the others: the slow ones for what is
// not the first thing on show (the Readiness overview's counts, the banner).
var bgLater = map[string]bool{"readiness-counts": true, "readiness-info": true}

type bgJobs struct {
	mu      sync.Mutex
	idle    *sync.Cond
	running int
	next    map[string]*bgNext // keys running → the read to run after (nil: none)

	// the slots reads wait for: first the reads not in bgLater, each in the
	// order asked
	slotsSet bool
	free     int
	seq      int
	waiting  []*bgWaiter
}

type bgNext struct {
	ctx  context.Context
	read func(context.Context) func()
	seq  int
}

type bgWaiter struct {
	later bool
	seq   int
	ready chan struct{}
}

// acquire waits for a slot (later reads after the others, then by seq).
func (b *bgJobs) acquire(later bool, seq int) {
	b.mu.Lock()
	if !b.slotsSet {
		b.slotsSet, b.free = true, bgReaders
	}
	if b.free > 0 && len(b.waiting) == 0 {
		b.free--
		b.mu.Unlock()
		return
	}
	w := &bgWaiter{later: later, seq: seq, ready: make(chan struct{})}
	i := sort.Search(len(b.waiting), func(i int) bool {
		o := b.waiting[i]
		return o.later && !later || o.later == later && o.seq > seq
	})
	b.waiting = slices.Insert(b.waiting, i, w)
	b.mu.Unlock()
	<-w.ready
}

func (b *bgJobs) release() {
	b.mu.Lock()
	if len(b.waiting) > 0 {
		close(b.waiting[0].ready)
		b.waiting = b.waiting[1:]
	} else {
		b.free++
	}
	b.mu.Unlock()
}

func (b *bgJobs) init() {
	if b.next == nil {
		b.next = map[string]*bgNext{}
		b.idle = sync.NewCond(&b.mu)
	}
}

// background runs read off the UI goroutine and the function it returns (if
// not nil) on the UI goroutine. read gets the open project's context: it is
// cancelled when the project is closed or another one opened, and then
// nothing read is shown, so what read returns needs no check that its
// project is still the open one.
func (ui *App) background(key string, read func(ctx context.Context) func()) {
	ctx := ui.readCtx
	if ctx == nil {
		ctx = context.Background()
	}
	b := &ui.bg
	later := bgLater[key]
	b.mu.Lock()
	b.seq++
	seq := b.seq
	if n, ok := b.next[key]; ok {
		n.ctx, n.read, n.seq = ctx, read, seq // the running read's result is stale: read again after it
		b.mu.Unlock()
		return
	}
	n := &bgNext{}
	b.next[key] = n
	b.running++
	b.mu.Unlock()
	go func() {
		for read != nil {
			b.acquire(later, seq)
			if apply := read(ctx); apply != nil && ctx.Err() == nil {
				onUI(func() {
					if ctx.Err() == nil {
						uiWork.time("show:"+key, apply)
					}
				})
			}
			b.release() // after apply: what it asks for queues before those waiting
			b.mu.Lock()
			ctx, read, seq, n.read = n.ctx, n.read, n.seq, nil
			if read == nil {
				delete(b.next, key)
				b.running--
				if b.running == 0 {
					b.idle.Broadcast()
				}
			}
			b.mu.Unlock()
		}
	}()
}

// Settle waits until no background read is running or queued, and their
// results are on the screen (tests, the tour, the benchmarks). Never call it
// on the UI goroutine.
func (ui *App) Settle() {
	b := &ui.bg
	b.mu.Lock()
	for b.running > 0 {
		b.idle.Wait()
	}
	b.mu.Unlock()
}

// uiSerial makes the functions given to onUI and onUIAsync run one at a
// time. The desktop driver runs them all on its one UI goroutine anyway; the
// test driver runs each on the goroutine that asked, so without it two
// background results could change the same widgets at once in tests.
var uiSerial sync.Mutex

// afterFrame runs apply on the UI goroutine a frame or two from now, as a
// background read that only waits (so Settle waits for it too). A big
// section built in two parts draws the first part in one frame and the rest
// in a later one: the first frame of new text is the expensive one (each
// string is shaped and rasterised on the CPU), and two half-size frames keep
// the window answering where one whole one froze it.
func (ui *App) afterFrame(key string, apply func()) {
	ui.background(key, func(ctx context.Context) func() {
		select {
		case <-time.After(40 * time.Millisecond):
			return apply
		case <-ctx.Done():
			return nil
		}
	})
}

// onUI runs f on the UI goroutine and waits for it.
func onUI(f func()) {
	fyne.DoAndWait(func() {
		uiSerial.Lock()
		defer uiSerial.Unlock()
		f()
	})
}

// onUIAsync runs f on the UI goroutine later.
func onUIAsync(f func()) {
	fyne.Do(func() {
		uiSerial.Lock()
		defer uiSerial.Unlock()
		f()
	})
}
