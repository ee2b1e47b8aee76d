package pack

import (
	"archive/zip"
	"bufio"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"hash"
	"io"
	"time"

	"handover/core/internal/pdeflate"
)

// zipOut writes the package's entries one after another, hashing and
// counting each while it is written; nothing is held beyond one entry's
// buffers.
type zipOut struct {
	zw    *zip.Writer
	mod   time.Time
	files []File
	open  *entry
}

func newZipOut(w io.Writer, mod time.Time) *zipOut {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, pdeflate.Compressor) // same bytes on any number of cores
	return &zipOut{zw: zw, mod: mod}
}

// meta is what the manifest says of an entry, counted and hashed as its
// bytes are written.
type meta struct {
	path    string
	h       hash.Hash
	n       int64
	records int64
	hasRecs bool
}

func (m *meta) file() File {
	f := File{Path: m.path, Size: m.n, SHA256: hex.EncodeToString(m.h.Sum(nil))}
	if m.hasRecs {
		r := m.records
		f.Records = &r
	}
	return f
}

func (m *meta) info() *meta { return m }

// sink is where a CSV or JSON Lines entry goes: straight into the zip
// (entry) or ahead of its place into a spool (ahead, spool.go).
type sink interface {
	io.Writer
	info() *meta
	done() error
}

// entry is one file being written into the zip.
type entry struct {
	meta
	z *zipOut
	w io.Writer
}

func (e *entry) Write(p []byte) (int, error) {
	n, err := e.w.Write(p)
	e.h.Write(p[:n])
	e.n += int64(n)
	return n, err
}

// create starts an entry; store = no compression (already-compressed bytes).
func (z *zipOut) create(path string, store bool) (*entry, error) {
	method := zip.Deflate
	if store {
		method = zip.Store
	}
	w, err := z.zw.CreateHeader(&zip.FileHeader{Name: path, Method: method, Modified: z.mod})
	if err != nil {
		return nil, err
	}
	e := &entry{meta: meta{path: path, h: sha256.New()}, z: z, w: w}
	z.open = e
	return e, nil
}

// done records the finished entry for the manifest.
func (e *entry) done() error {
	e.z.files = append(e.z.files, e.file())
	e.z.open = nil
	return nil
}

func (z *zipOut) close() error { return z.zw.Close() }

// jsonlFile is a JSON Lines entry.
type jsonlFile struct {
	e  sink
	bw *bufio.Writer
}

func (z *zipOut) jsonl(path string) (*jsonlFile, error) {
	e, err := z.create(path, false)
	if err != nil {
		return nil, err
	}
	return newJSONL(e), nil
}

func newJSONL(e sink) *jsonlFile {
	e.info().hasRecs = true
	return &jsonlFile{e: e, bw: bufio.NewWriterSize(e, 64<<10)}
}

// line writes one already-encoded JSON value (without its newline).
func (j *jsonlFile) line(b []byte) error {
	j.e.info().records++
	j.bw.Write(b)
	return j.bw.WriteByte('\n')
}

func (j *jsonlFile) close() error {
	if err := j.bw.Flush(); err != nil {
		return err
	}
	return j.e.done()
}

// colKind says how a CSV column is protected against formula injection.
type colKind int

const (
	text   colKind = iota // neutralised unless the whole cell is a plain number
	number                // written by us from an integer: never neutralised
	phone                 // neutralised unless it is a plain phone number ("+1 508 555 0101")
)

// csvFile is a CSV entry whose cells are neutralised per column.
type csvFile struct {
	e     sink
	cw    *csv.Writer
	kinds []colKind
	cells []string
}

// csv starts a CSV entry (CRLF line ends, RFC 4180). kinds may be shorter
// than header: missing columns are text.
func (z *zipOut) csv(path string, bom bool, header []string, kinds ...colKind) (*csvFile, error) {
	e, err := z.create(path, false)
	if err != nil {
		return nil, err
	}
	return newCSV(e, bom, header, kinds...)
}

func newCSV(e sink, bom bool, header []string, kinds ...colKind) (*csvFile, error) {
	e.info().hasRecs = true
	if bom {
		if _, err := e.Write([]byte("\ufeff")); err != nil {
			return nil, err
		}
	}
	c := &csvFile{e: e, cw: csv.NewWriter(e), kinds: kinds}
	c.cw.UseCRLF = true
	if err := c.cw.Write(header); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *csvFile) row(cells ...string) error {
	c.cells = c.cells[:0]
	for i, s := range cells {
		k := text
		if i < len(c.kinds) {
			k = c.kinds[i]
		}
		c.cells = append(c.cells, neutralise(s, k))
	}
	c.e.info().records++
	return c.cw.Write(c.cells)
}

func (c *csvFile) close() error {
	c.cw.Flush()
	if err := c.cw.Error(); err != nil {
		return err
	}
	return c.e.done()
}

// writeAll writes a whole small entry.
func (z *zipOut) writeAll(path string, b []byte) error {
	e, err := z.create(path, false)
	if err != nil {
		return err
	}
	if _, err := e.Write(b); err != nil {
		return err
	}
	return e.done()
}
