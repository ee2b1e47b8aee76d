// Package pdeflate writes one raw deflate stream (what a zip entry holds)
// compressed on every core, with the same bytes however many cores there are.
package pdeflate

import (
	"bytes"
	"io"
	"runtime"
	"sync"

	"github.com/klauspost/compress/flate"
)

// Level is fixed so the same input always deflates to the same bytes (for a
// given version of github.com/klauspost/compress, pinned in go.mod).
const Level = 6

// The zip's deflate streams are compressed on every core: an entry's bytes
// are cut into blocks of a fixed size, each block is compressed on its own
// goroutine with the 32 KiB before it as its dictionary and ends with a sync
// flush (so the blocks join into one valid stream), and the compressed blocks
// are written in input order. The cut points depend only on the input, never
// on the number of cores or on timing, so the same project still gives the
// same bytes. Memory stays bounded: at most deflateInFlight blocks exist at
// a time.
const (
	deflateBlockSize = 1 << 20
	deflateWindow    = 32 << 10 // deflate's back-reference window
)

// deflateInFlight is how many blocks may be compressing or waiting to be
// written: enough to keep every core busy while the oldest one is written.
var deflateInFlight = 2*runtime.GOMAXPROCS(0) + 1

// LimitInFlight lets one block be compressed at a time until restore is
// called, for a test that measures the live heap: each block in flight
// holds about 3 MB (its input, its output and a compressor's tables), and
// how many are in flight at a given moment depends on the cores and on
// timing. Not for use while streams are being written.
func LimitInFlight() (restore func()) {
	old := deflateInFlight
	deflateInFlight = 1
	return func() { deflateInFlight = old }
}

var (
	deflateWriters = sync.Pool{New: func() any {
		w, err := flate.NewWriter(nil, Level)
		if err != nil {
			panic(err) // only for a level out of range: a constant here
		}
		return w
	}}
	deflateBuffers = sync.Pool{New: func() any { b := make([]byte, 0, deflateBlockSize); return &b }}
	// deflateEnd is an empty final block: it closes a stream of sync-flushed blocks.
	deflateEnd = func() []byte {
		var b bytes.Buffer
		w, _ := flate.NewWriter(&b, Level)
		w.Close()
		return b.Bytes()
	}()
)

type deflateBlock struct {
	in   *[]byte
	dict []byte
	out  bytes.Buffer
	done chan struct{}
	err  error
}

// compressing holds a token for each block being compressed, across every
// stream: a package writes several entries at once, and each block being
// compressed holds about 3 MB (its input, its output, a compressor's
// tables). A finished block keeps only its compressed bytes until written.
var compressing = make(chan struct{}, runtime.GOMAXPROCS(0)+1)

func (b *deflateBlock) compress() {
	defer close(b.done)
	defer func() { <-compressing }()
	w := deflateWriters.Get().(*flate.Writer)
	defer deflateWriters.Put(w)
	w.ResetDict(&b.out, b.dict)
	_, b.err = w.Write(*b.in)
	if b.err == nil {
		b.err = w.Flush()
	}
	deflateBuffers.Put(b.in) // the input is not needed once compressed
	b.in = nil
}

// Writer is an io.WriteCloser producing one raw deflate stream (what a zip
// entry holds) from blocks compressed in parallel.
type Writer struct {
	out   io.Writer
	cur   *[]byte
	dict  []byte // the previous block's last window, copied
	queue []*deflateBlock
	err   error
}

// NewWriter starts a stream written to out; Close ends it.
func NewWriter(out io.Writer) *Writer {
	return &Writer{out: out}
}

// Compressor is NewWriter as an archive/zip compressor:
// zw.RegisterCompressor(zip.Deflate, pdeflate.Compressor).
func Compressor(out io.Writer) (io.WriteCloser, error) { return NewWriter(out), nil }

func (d *Writer) Write(p []byte) (int, error) {
	if d.err != nil {
		return 0, d.err
	}
	n := len(p)
	for len(p) > 0 {
		if d.cur == nil {
			d.cur = deflateBuffers.Get().(*[]byte)
			*d.cur = (*d.cur)[:0]
		}
		k := min(len(p), deflateBlockSize-len(*d.cur))
		*d.cur = append(*d.cur, p[:k]...)
		p = p[k:]
		if len(*d.cur) == deflateBlockSize {
			if err := d.submit(); err != nil {
				return n - len(p), err
			}
		}
	}
	return n, nil
}

// submit hands the filled block to a goroutine, first writing out the oldest
// block when the queue is full.
func (d *Writer) submit() error {
	in := *d.cur
	b := &deflateBlock{in: d.cur, dict: d.dict, done: make(chan struct{})}
	d.dict = append([]byte(nil), in[max(0, len(in)-deflateWindow):]...)
	d.cur = nil
	d.queue = append(d.queue, b)
	compressing <- struct{}{}
	go b.compress()
	// Blocks already compressed go out now rather than when the queue is
	// full: a package writes several streams at once, and each one's
	// finished blocks would otherwise wait in memory.
	for len(d.queue) > 0 && (len(d.queue) >= deflateInFlight || d.queue[0].finished()) {
		if err := d.writeOldest(); err != nil {
			return err
		}
	}
	return nil
}

func (b *deflateBlock) finished() bool {
	select {
	case <-b.done:
		return true
	default:
		return false
	}
}

func (d *Writer) writeOldest() error {
	b := d.queue[0]
	d.queue[0] = nil
	d.queue = d.queue[1:]
	<-b.done
	if d.err == nil {
		d.err = b.err
	}
	if d.err == nil {
		_, d.err = d.out.Write(b.out.Bytes())
	}
	return d.err
}

// Close compresses what is left, writes every block in order and ends the
// stream.
func (d *Writer) Close() error {
	if d.cur != nil && len(*d.cur) > 0 {
		d.submit()
	}
	for len(d.queue) > 0 {
		d.writeOldest() // drains even after an error, so no goroutine is left behind
	}
	if d.err == nil {
		_, d.err = d.out.Write(deflateEnd)
	}
	return d.err
}
