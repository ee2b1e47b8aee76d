package synth

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/text/encoding/charmap"
)

// Encodings written by the generator.
const (
	EncUTF8    = "utf-8"
	EncUTF8BOM = "utf-8-bom"
	EncCP1252  = "windows-1252"
	EncBinary  = "binary"
)

// outFile is a buffered file under the output directory.
type outFile struct {
	rel string
	f   *os.File
	w   *bufio.Writer
	err error
}

func (g *gen) create(rel string) (*outFile, error) {
	p := filepath.Join(g.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return nil, err
	}
	f, err := os.Create(p)
	if err != nil {
		return nil, err
	}
	return &outFile{rel: rel, f: f, w: bufio.NewWriterSize(f, 64<<10)}, nil
}

func (o *outFile) WriteString(s string) {
	if o.err == nil {
		_, o.err = o.w.WriteString(s)
	}
}

func (o *outFile) Write(b []byte) {
	if o.err == nil {
		_, o.err = o.w.Write(b)
	}
}

func (o *outFile) Close() error {
	if o.err == nil {
		o.err = o.w.Flush()
	}
	if err := o.f.Close(); o.err == nil {
		o.err = err
	}
	if o.err != nil {
		return fmt.Errorf("synth: write %s: %w", o.rel, o.err)
	}
	return nil
}

// table writes delimited text one record at a time and counts physical rows
// the way a spreadsheet does (a header is row 1).
type table struct {
	*outFile
	delim    byte
	crlf     bool
	quoteAll bool
	cp1252   bool
	line     int64 // physical lines written so far
}

func (g *gen) table(rel string, enc string, delim byte, crlf, quoteAll bool) (*table, error) {
	o, err := g.create(rel)
	if err != nil {
		return nil, err
	}
	t := &table{outFile: o, delim: delim, crlf: crlf, quoteAll: quoteAll, cp1252: enc == EncCP1252}
	if enc == EncUTF8BOM {
		o.WriteString("\uFEFF")
	}
	return t, nil
}

var cp1252 = charmap.Windows1252.NewEncoder()

// Rec writes one record and returns its row number as importers/tabular
// reports it: the 1-based physical line on which the record starts (equal to
// the record ordinal unless an earlier quoted field held a line break).
func (t *table) Rec(fields ...string) int64 {
	var b strings.Builder
	for i, f := range fields {
		if i > 0 {
			b.WriteByte(t.delim)
		}
		if t.quoteAll || strings.ContainsAny(f, "\"\r\n"+string(t.delim)) {
			b.WriteByte('"')
			b.WriteString(strings.ReplaceAll(f, `"`, `""`))
			b.WriteByte('"')
		} else {
			b.WriteString(f)
		}
	}
	if t.crlf {
		b.WriteString("\r\n")
	} else {
		b.WriteByte('\n')
	}
	s := b.String()
	if t.cp1252 {
		enc, err := cp1252.String(s)
		if err != nil && t.err == nil {
			t.err = fmt.Errorf("encode %q as windows-1252: %w", s, err)
		}
		s = enc
	}
	t.WriteString(s)
	start := t.line + 1
	t.line += int64(strings.Count(s, "\n"))
	return start
}

func newBuf(f *os.File) *bufio.Writer { return bufio.NewWriterSize(f, 64<<10) }

func ensureDir(file string) error { return os.MkdirAll(filepath.Dir(file), 0o755) }
