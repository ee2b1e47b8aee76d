package ui

import (
	"context"
	"sync"

	"fyne.io/fyne/v2"
)

// Reads from the project never run on the UI goroutine: on a big firm a
// count or a page of findings takes long enough to freeze the window. A
// screen asks for its data with background(key, read): read runs in a
// goroutine and returns what to apply, which then runs on the UI goroutine
// (it only sets widgets). While a read with the same key is running, later
// requests collapse into one more run after it, with the latest read.

type bgJobs struct {
	mu      sync.Mutex
	idle    *sync.Cond
	running int
	next    map[string]*bgNext // keys running → the read to run after (nil: none)
}

type bgNext struct {
	ctx  context.Context
	read func(context.Context) func()
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
// nothing read is shown.
func (ui *App) background(key string, read func(ctx context.Context) func()) {
	ctx := ui.readCtx
	if ctx == nil {
		ctx = context.Background()
	}
	b := &ui.bg
	b.mu.Lock()
	if n, ok := b.next[key]; ok {
		n.ctx, n.read = ctx, read // the running read's result is stale: read again after it
		b.mu.Unlock()
		return
	}
	n := &bgNext{}
	b.next[key] = n
	b.running++
	b.mu.Unlock()
	go func() {
		for read != nil {
			if apply := read(ctx); apply != nil && ctx.Err() == nil {
				onUI(func() {
					if ctx.Err() == nil {
						uiWork.time("show:"+key, apply)
					}
				})
			}
			b.mu.Lock()
			ctx, read, n.read = n.ctx, n.read, nil
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
