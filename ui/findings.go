package ui

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"handover/core/workspace"
)

// The findings table shows up to a million rows, read from the project a
// page at a time through the list's index (workspace.FindingsAfter: an index
// seek, whatever the page). One pass over the index's keys finds where every
// page starts (FindingMarks: a few bytes a page), so a page anywhere in the
// list is one query away. The table's cell callback never reads the project:
// it looks rows up among the pages in memory, and a row not read yet asks
// for its page, read in the background, and says "Reading…" until it is in.

// rows per page read (a variable: tests page a small list in small pages)
var findingPage = 100

const (
	findingPagesKept = 24 // pages kept in memory, the least recently used dropped first
	findingPagesWant = 6  // pages asked for and not read yet: older asks are dropped (scrolled past)
)

// findingList is one filter's findings, read page by page.
type findingList struct {
	filter  workspace.FindingFilter
	cancel  context.CancelFunc
	started bool
	ctx     context.Context              // the list's reads; cancelled when another list replaces it
	ws      *workspace.Workspace         // set by readList
	kick    func()                       // starts the background read of the pages asked for
	misses  int                          // cells drawn before their row was read (benchmarks; UI goroutine)
	stats   struct{ pages, maxMS int64 } // pages read, and the slowest (benchmarks)

	mu         sync.Mutex
	marks      []workspace.FindingCursor // where each page starts; nil until read
	marksTook  time.Duration
	count      int // rows the project has for the filter (-1 until the marks are read)
	err        error
	pages      map[int][]workspace.StoredFinding
	used       []int // pages in memory, least recently used first
	want       []int // pages asked for, latest last
	readingNow int   // the page being read (-1 when none)
}

func newFindingList(f workspace.FindingFilter) *findingList {
	return &findingList{filter: f, count: -1, cancel: func() {}, kick: func() {}, ctx: context.Background(),
		pages: map[int][]workspace.StoredFinding{}, readingNow: -1}
}

// length is how many rows the table has: the project's count once the marks
// are read, until then the first page's rows (shown before the count).
func (l *findingList) length() int {
	if l == nil {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.count >= 0 {
		return l.count
	}
	return len(l.pages[0])
}

// counted tells whether length is the list's size yet.
func (l *findingList) counted() bool {
	if l == nil {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.count >= 0
}

// readMarks is the pass over the index that finds where each page starts
// and counts the rows (off the UI goroutine).
func (l *findingList) readMarks() error {
	start := time.Now()
	marks, n, err := l.ws.FindingMarks(l.ctx, l.filter, findingPage)
	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil {
		if l.err == nil && !errors.Is(err, context.Canceled) {
			l.err = err
		}
		return err
	}
	l.marks, l.count, l.marksTook = marks, n, time.Since(start)
	return nil
}

// row is row i if its page is in memory; if not, the page is asked for
// (any goroutine; the table's cell callback calls it).
func (l *findingList) row(i int) (workspace.StoredFinding, bool) {
	if l == nil || i < 0 {
		return workspace.StoredFinding{}, false
	}
	p, j := i/findingPage, i%findingPage
	l.mu.Lock()
	rows, ok := l.pages[p]
	if ok {
		if k := slices.Index(l.used, p); k >= 0 && k != len(l.used)-1 {
			l.used = append(slices.Delete(l.used, k, k+1), p)
		}
		// near a page's edge, the next page is read before it is on show
		// (a mouse wheel then never shows "Reading…")
		next := p + 1
		if j < findingPage/4 {
			next = p - 1
		}
		asked := false
		if _, in := l.pages[next]; !in && next >= 0 && (j < findingPage/4 || j >= findingPage*3/4) && len(rows) == findingPage {
			asked = l.ask(next)
		}
		l.mu.Unlock()
		if asked {
			l.kick()
		}
		if j < len(rows) {
			return rows[j], true
		}
		return workspace.StoredFinding{}, false // past the end of a short (last) page
	}
	asked := l.ask(p)
	l.mu.Unlock()
	if asked {
		l.kick()
	}
	return workspace.StoredFinding{}, false
}

// ask adds page p to those wanted (l.mu held); false if it was already.
func (l *findingList) ask(p int) bool {
	if p == l.readingNow || l.count >= 0 && p*findingPage >= l.count {
		return false
	}
	if k := slices.Index(l.want, p); k >= 0 {
		if k == len(l.want)-1 {
			return false
		}
		l.want = slices.Delete(l.want, k, k+1) // asked again: latest now
	}
	l.want = append(l.want, p)
	if len(l.want) > findingPagesWant {
		l.want = l.want[len(l.want)-findingPagesWant:]
	}
	return true
}

// readWanted reads the pages asked for, the latest ask first, until none is
// left that can be read (off the UI goroutine). A page after the first
// waits for the marks. It returns whether any page came in.
func (l *findingList) readWanted() bool {
	got := false
	for l.ctx.Err() == nil {
		l.mu.Lock()
		p := -1
		for k := len(l.want) - 1; k >= 0; k-- {
			q := l.want[k]
			if _, in := l.pages[q]; in {
				l.want = slices.Delete(l.want, k, k+1)
				continue
			}
			if q == 0 || q < len(l.marks) {
				p = q
				l.want = slices.Delete(l.want, k, k+1)
				break
			}
		}
		if p < 0 {
			l.mu.Unlock()
			return got
		}
		var after workspace.FindingCursor
		if p > 0 {
			after = l.marks[p]
		}
		l.readingNow = p
		l.mu.Unlock()

		start := time.Now()
		rows, err := l.ws.FindingsAfter(l.ctx, l.filter, after, findingPage)
		took := time.Since(start).Milliseconds()

		l.mu.Lock()
		l.readingNow = -1
		if err != nil {
			if l.err == nil && !errors.Is(err, context.Canceled) {
				l.err = err
			}
			l.mu.Unlock()
			return got
		}
		l.pages[p] = rows
		l.used = append(l.used, p)
		if len(l.used) > findingPagesKept {
			delete(l.pages, l.used[0])
			l.used = l.used[1:]
		}
		l.stats.pages++
		l.stats.maxMS = max(l.stats.maxMS, took)
		l.mu.Unlock()
		got = true
	}
	return got
}

// wait returns row i once its page is read, or false if there is no such
// row (tests, the tour, benchmarks: any goroutine but the UI's).
func (l *findingList) wait(i int) (workspace.StoredFinding, bool) {
	for {
		if f, ok := l.row(i); ok {
			return f, true
		}
		l.mu.Lock()
		p := i / findingPage
		rows, in := l.pages[p]
		gone := i < 0 || l.err != nil || l.ctx.Err() != nil || l.count >= 0 && i >= l.count || in && i%findingPage >= len(rows)
		l.mu.Unlock()
		if gone {
			return workspace.StoredFinding{}, false
		}
		time.Sleep(5 * time.Millisecond)
	}
}
