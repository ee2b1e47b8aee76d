package pack

import (
	"archive/zip"
	"bufio"
	"crypto/sha256"
	"hash"
	"hash/crc32"
	"io"
	"math"
	"os"
	"time"

	"filippo.io/age"

	"handover/core/internal/pdeflate"
)

// spool holds an entry written ahead of its place in the zip: a temporary
// file encrypted to a key that lives only in this process's memory, so the
// firm's data never touches the disk in the clear (as with an encrypted
// package) and memory stays flat however large the entry is.
//
// The file is unlinked as soon as it is open where the system allows it
// (not Windows): a package killed mid-write (kill -9, a power cut) leaves
// no spool behind to pile up in the temporary folder.
type spool struct {
	*bufio.Writer
	f        *os.File
	key      *age.X25519Identity
	enc      io.WriteCloser
	unlinked bool
}

func newSpool(pattern string) (*spool, error) {
	key, err := age.GenerateX25519Identity()
	if err != nil {
		return nil, err
	}
	f, err := os.CreateTemp("", pattern)
	if err != nil {
		return nil, err
	}
	enc, err := age.Encrypt(f, key.Recipient())
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	unlinked := os.Remove(f.Name()) == nil
	return &spool{Writer: bufio.NewWriterSize(enc, 64<<10), f: f, key: key, enc: enc, unlinked: unlinked}, nil
}

// finish ends the writing. A package holds a few dozen finished spools at
// a time: their write buffers are let go.
func (s *spool) finish() error {
	if err := s.Flush(); err != nil {
		return err
	}
	s.Writer = nil
	err := s.enc.Close()
	s.enc = nil
	return err
}

// copyTo writes the spooled bytes into w.
func (s *spool) copyTo(w io.Writer) error {
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	r, err := age.Decrypt(bufio.NewReaderSize(s.f, 256<<10), s.key)
	if err != nil {
		return err
	}
	_, err = io.Copy(w, r)
	return err
}

// remove closes and deletes the file; a nil spool is fine.
func (s *spool) remove() {
	if s != nil {
		s.f.Close()
		if !s.unlinked {
			os.Remove(s.f.Name())
		}
	}
}

// ahead is an entry written ahead of its place in the zip, on another
// goroutine than the one writing the zip: hashed and counted as written,
// compressed (the same pdeflate stream the zip's own compressor makes) and
// spooled compressed, then copied in raw when its turn comes (copyAhead).
// The zip's bytes are the same as if the entry had been written in place.
type ahead struct {
	meta
	store bool
	crc   hash.Hash32
	dw    *pdeflate.Writer // nil when stored
	sp    *spool
	comp  countingWriter // the compressed bytes, into the spool
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func newAhead(path string, store bool) (*ahead, error) {
	sp, err := newSpool("handover-entry-*.age")
	if err != nil {
		return nil, err
	}
	a := &ahead{meta: meta{path: path, h: sha256.New()}, store: store, crc: crc32.NewIEEE(), sp: sp}
	a.comp.w = sp
	if !store {
		a.dw = pdeflate.NewWriter(&a.comp)
	}
	return a, nil
}

func (a *ahead) Write(p []byte) (int, error) {
	a.h.Write(p)
	a.crc.Write(p)
	a.n += int64(len(p))
	if a.dw != nil {
		return a.dw.Write(p)
	}
	return a.comp.Write(p)
}

// done ends the compressed stream and the spool.
func (a *ahead) done() error {
	if a.dw != nil {
		if err := a.dw.Close(); err != nil {
			return err
		}
	}
	return a.sp.finish()
}

// remove deletes the spool; a nil entry is fine.
func (a *ahead) remove() {
	if a != nil {
		a.sp.remove()
	}
}

// copyAhead writes a finished ahead entry into the zip at its place.
func (z *zipOut) copyAhead(a *ahead) error {
	if err := a.CopyInto(z.zw, a.path, z.mod); err != nil {
		return err
	}
	z.files = append(z.files, a.file())
	return nil
}

// CopyInto writes the finished entry into zw as name: the header
// archive/zip's CreateHeader would write for it, then its compressed bytes
// as they are. (It is also a report.Part: a workbook sheet written apart.)
func (a *ahead) CopyInto(zw *zip.Writer, name string, mod time.Time) error {
	method := zip.Deflate
	if a.store {
		method = zip.Store
	}
	fh := &zip.FileHeader{Name: name, Method: method, Modified: mod}
	// CreateHeader fills in the flags, versions, MS-DOS time and extended
	// timestamp exactly as it does for the zip's other entries; CreateRaw
	// would leave them to the caller.
	shape := zip.NewWriter(io.Discard)
	shape.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return nopCloser{w}, nil })
	if _, err := shape.CreateHeader(fh); err != nil {
		return err
	}
	fh.CRC32 = a.crc.Sum32()
	fh.CompressedSize64 = uint64(a.comp.n)
	fh.UncompressedSize64 = uint64(a.n)
	if fh.CompressedSize64 >= math.MaxUint32 || fh.UncompressedSize64 >= math.MaxUint32 {
		fh.ReaderVersion = 45 // zip64, as archive/zip marks a large entry it compressed itself
	}
	w, err := zw.CreateRaw(fh)
	if err != nil {
		return err
	}
	return a.sp.copyTo(w)
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }
