package pdeflate

import (
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
)

// deflateInput is text-like (repeats, so matches reach across block edges)
// with some noise.
func deflateInput(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	var b bytes.Buffer
	for b.Len() < n {
		fmt.Fprintf(&b, `{"key":"pclaw:time:%d","note":"Drafted letter %d","seconds":%d}`+"\n", r.IntN(50000), r.IntN(300), r.IntN(36000))
		if r.IntN(10) == 0 {
			b.WriteByte(byte(r.IntN(256)))
		}
	}
	return b.Bytes()[:n]
}

func deflateAll(t *testing.T, in []byte, chunk int) []byte {
	t.Helper()
	var out bytes.Buffer
	d := NewWriter(&out)
	for p := in; len(p) > 0; {
		k := min(chunk, len(p))
		if _, err := d.Write(p[:k]); err != nil {
			t.Fatal(err)
		}
		p = p[k:]
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// The blocks join into one deflate stream any inflater reads back exactly,
// whatever the size (empty, inside one block, on and across block edges).
func TestParallelDeflateRoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, 1000, deflateBlockSize - 1, deflateBlockSize, deflateBlockSize + 1, 5*deflateBlockSize + 12345} {
		in := deflateInput(n, uint64(n))
		z := deflateAll(t, in, 70000)
		got, err := io.ReadAll(flate.NewReader(bytes.NewReader(z)))
		if err != nil {
			t.Fatalf("%d bytes: inflating: %v", n, err)
		}
		if !bytes.Equal(got, in) {
			t.Fatalf("%d bytes: read back %d bytes that differ from the input", n, len(got))
		}
		if n > 100000 && len(z) > n/2 {
			t.Errorf("%d bytes compressed to %d: the blocks do not compress", n, len(z))
		}
	}
}

// Same input, same bytes: however the input is handed over, however many
// blocks are in flight, and with compressors reused from the pool.
func TestParallelDeflateDeterministic(t *testing.T) {
	in := deflateInput(4*deflateBlockSize+777, 7)
	want := deflateAll(t, in, 1<<16)
	defer func(n int) { deflateInFlight = n }(deflateInFlight)
	for _, inFlight := range []int{1, 2, 9} {
		deflateInFlight = inFlight
		for _, chunk := range []int{1 << 20, 4093, len(in)} {
			if got := deflateAll(t, in, chunk); !bytes.Equal(got, want) {
				t.Fatalf("%d in flight, written %d bytes at a time: %d compressed bytes differ from the first run's %d", inFlight, chunk, len(got), len(want))
			}
		}
	}
}

type failingWriter struct{ after int }

func (f *failingWriter) Write(p []byte) (int, error) {
	if f.after <= 0 {
		return 0, io.ErrShortWrite
	}
	f.after--
	return len(p), nil
}

// A failed write of the zip reaches the caller.
func TestParallelDeflateWriteError(t *testing.T) {
	d := NewWriter(&failingWriter{after: 1})
	in := deflateInput(3*deflateBlockSize, 3)
	_, werr := d.Write(in)
	cerr := d.Close()
	if werr == nil && cerr == nil {
		t.Fatal("the output failed but neither Write nor Close said so")
	}
}
