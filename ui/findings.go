package ui

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"sync"
	"time"

	"compress/flate"

	"handover/core/model"
	"handover/core/workspace"
)

// The findings table shows up to a million rows. Reading a page of them from
// the project costs a sort of every finding (seconds on a big firm), so the
// list is read once per filter, in one pass in the background, and kept in
// memory compressed in chunks of findingChunk rows (the text of findings is
// repetitive: a few bytes a row). The table's cell callback only looks rows
// up in memory: a chunk is inflated on first use (about a millisecond) and a
// few stay inflated.

const (
	findingChunk   = 500 // rows per compressed chunk
	findingDecoded = 8   // chunks kept inflated
)

// findingList is one filter's findings as the pass reads them.
type findingList struct {
	filter workspace.FindingFilter
	cancel context.CancelFunc

	mu      sync.Mutex
	changed *sync.Cond // broadcast when a chunk is added or the pass ends
	chunks  [][]byte
	n       int // rows read so far
	count   int // rows the project says match (-1 until known)
	started bool
	done    bool
	err     error
	took    time.Duration // the pass, start to end
	bytes   int           // compressed size of the chunks

	// used on the UI goroutine only
	decoded map[int][]workspace.StoredFinding
	order   []int // decoded chunks, least recently used first
	misses  int   // cells drawn before their row was read (benchmarks)
}

func newFindingList(f workspace.FindingFilter) *findingList {
	l := &findingList{filter: f, count: -1, cancel: func() {}, decoded: map[int][]workspace.StoredFinding{}}
	l.changed = sync.NewCond(&l.mu)
	return l
}

// length is how many rows the table has: what the project counts, or what
// the pass found once it is done.
func (l *findingList) length() int {
	if l == nil {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case l.done && l.err == nil:
		return l.n
	case l.count >= 0:
		return l.count
	}
	return l.n
}

// counted tells whether length is the list's size yet (the count is in, or
// the pass is done).
func (l *findingList) counted() bool {
	if l == nil {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.count >= 0 || l.done
}

// setCount records the project's count of rows for the filter.
func (l *findingList) setCount(n int) {
	l.mu.Lock()
	l.count = n
	l.mu.Unlock()
}

// read is the pass: it streams the filter's findings from the project and
// keeps them compressed, calling progress after each chunk (off the UI
// goroutine).
func (l *findingList) read(ctx context.Context, ws *workspace.Workspace, progress func()) {
	start := time.Now()
	var w *flate.Writer
	var raw, enc bytes.Buffer
	rows := 0
	flush := func() {
		enc.Reset()
		if w == nil {
			w, _ = flate.NewWriter(&enc, flate.BestSpeed)
		} else {
			w.Reset(&enc)
		}
		w.Write(raw.Bytes())
		w.Close()
		chunk := bytes.Clone(enc.Bytes())
		l.mu.Lock()
		l.chunks = append(l.chunks, chunk)
		l.n += rows
		l.bytes += len(chunk)
		l.changed.Broadcast()
		l.mu.Unlock()
		raw.Reset()
		rows = 0
		progress()
	}
	err := ws.EachFinding(ctx, l.filter, func(f workspace.StoredFinding) error {
		encodeFinding(&raw, f)
		if rows++; rows == findingChunk {
			flush()
		}
		return nil
	})
	if rows > 0 && err == nil {
		flush()
	}
	l.mu.Lock()
	l.done, l.err, l.took = true, err, time.Since(start)
	l.changed.Broadcast()
	l.mu.Unlock()
}

// row is row i if its chunk is in memory (UI goroutine).
func (l *findingList) row(i int) (workspace.StoredFinding, bool) {
	if l == nil || i < 0 {
		return workspace.StoredFinding{}, false
	}
	c := i / findingChunk
	rows, ok := l.decoded[c]
	if ok {
		l.touch(c)
	} else {
		l.mu.Lock()
		var chunk []byte
		if c < len(l.chunks) {
			chunk = l.chunks[c]
		}
		l.mu.Unlock()
		if chunk == nil {
			return workspace.StoredFinding{}, false
		}
		rows = decodeChunk(chunk)
		if len(l.order) >= findingDecoded {
			delete(l.decoded, l.order[0])
			l.order = l.order[1:]
		}
		l.decoded[c] = rows
		l.order = append(l.order, c)
	}
	if j := i - c*findingChunk; j < len(rows) {
		return rows[j], true
	}
	return workspace.StoredFinding{}, false
}

func (l *findingList) touch(c int) {
	for k, x := range l.order {
		if x == c {
			l.order = append(append(l.order[:k:k], l.order[k+1:]...), c)
			return
		}
	}
}

// wait returns row i once the pass has read it (tests and the tour; any
// goroutine: it inflates its own copy of the chunk).
func (l *findingList) wait(i int) (workspace.StoredFinding, bool) {
	c := i / findingChunk
	l.mu.Lock()
	for c >= len(l.chunks) && !l.done {
		l.changed.Wait()
	}
	var chunk []byte
	if c < len(l.chunks) {
		chunk = l.chunks[c]
	}
	l.mu.Unlock()
	if chunk == nil || i < 0 {
		return workspace.StoredFinding{}, false
	}
	rows := decodeChunk(chunk)
	if j := i - c*findingChunk; j < len(rows) {
		return rows[j], true
	}
	return workspace.StoredFinding{}, false
}

// A finding is kept as its fields, each a uvarint length then the bytes
// (numbers as varints); Detail is left out (nothing on screen uses it).
func encodeFinding(b *bytes.Buffer, f workspace.StoredFinding) {
	var tmp [binary.MaxVarintLen64]byte
	num := func(v int64) { b.Write(tmp[:binary.PutVarint(tmp[:], v)]) }
	str := func(s string) {
		b.Write(tmp[:binary.PutUvarint(tmp[:], uint64(len(s)))])
		b.WriteString(s)
	}
	num(f.ID)
	num(f.RowID)
	num(f.Row)
	str(f.Origin)
	str(f.Rule)
	str(string(f.Severity))
	str(string(f.Entity))
	str(f.RecordKey)
	str(f.Source)
	str(f.Field)
	str(f.Value)
	str(f.Message)
	str(f.Fix)
}

func decodeChunk(chunk []byte) []workspace.StoredFinding {
	raw, err := io.ReadAll(flate.NewReader(bytes.NewReader(chunk)))
	if err != nil {
		return nil
	}
	out := make([]workspace.StoredFinding, 0, findingChunk)
	all := string(raw) // the strings of a chunk share one allocation
	p, bad := 0, false
	num := func() int64 {
		v, n := binary.Varint(raw[p:])
		if n <= 0 {
			bad = true
			return 0
		}
		p += n
		return v
	}
	str := func() string {
		v, n := binary.Uvarint(raw[p:])
		if n <= 0 || uint64(len(raw)-p-n) < v {
			bad = true
			return ""
		}
		p += n
		s := all[p : p+int(v)]
		p += int(v)
		return s
	}
	for p < len(raw) && !bad {
		var f workspace.StoredFinding
		f.ID, f.RowID, f.Row = num(), num(), num()
		f.Origin, f.Rule = str(), str()
		f.Severity, f.Entity = model.Severity(str()), model.Entity(str())
		f.RecordKey, f.Source, f.Field, f.Value, f.Message, f.Fix = str(), str(), str(), str(), str(), str()
		if !bad {
			out = append(out, f)
		}
	}
	return out
}
