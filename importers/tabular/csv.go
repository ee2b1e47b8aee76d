package tabular

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/transform"
)

const (
	csvBufSize = 1 << 20
	// MaxRecordBytes caps one CSV record; a longer one is rejected and reading stops.
	MaxRecordBytes = 16 << 20
	csvSampleSize  = 1 << 20
)

var errRecordTooLong = errors.New("record too long")

// recorder sits between the 1 MiB buffer and encoding/csv. It keeps the raw
// text of the record being parsed (so a rejected row can carry its original
// line and a bare quote can be re-read leniently), counts line breaks, and
// fails once a single record grows past MaxRecordBytes, so a 2 GB line or a
// quote that never closes cannot pull the whole file into memory.
//
// buf[start:] holds the raw bytes from input offset base on. Taking a record
// only moves start; Read moves the kept bytes to the front when buf is full,
// so the same array serves the whole file instead of a new one every few
// records.
type recorder struct {
	r     io.Reader
	buf   []byte
	start int
	base  int64 // input offset of buf[start]
	nl    int64 // '\n' seen in all bytes read
	max   int
}

// recorderSize is the recorder's buffer: several of encoding/csv's 4 KiB reads.
const recorderSize = 64 << 10

func (c *recorder) Read(p []byte) (int, error) {
	kept := len(c.buf) - c.start
	if kept > c.max {
		return 0, errRecordTooLong
	}
	n, err := c.r.Read(p)
	if len(c.buf)+n > cap(c.buf) && c.start > 0 {
		c.buf = c.buf[:copy(c.buf, c.buf[c.start:])]
		c.start = 0
	}
	if c.buf == nil {
		c.buf = make([]byte, 0, max(recorderSize, n))
	}
	c.buf = append(c.buf, p[:n]...)
	c.nl += int64(bytes.Count(p[:n], []byte{'\n'}))
	return n, err
}

// take returns the raw text up to input offset off and forgets it. The text
// is valid until the next Read.
func (c *recorder) take(off int64) []byte {
	k := int(off - c.base)
	if k < 0 || k > len(c.buf)-c.start {
		return nil
	}
	raw := c.buf[c.start : c.start+k : c.start+k]
	c.start += k
	c.base = off
	if rest := len(c.buf) - c.start; cap(c.buf) > 4*recorderSize && rest < cap(c.buf)/4 {
		// a long record grew the buffer: let it go
		nb := make([]byte, rest, max(rest*2, recorderSize))
		copy(nb, c.buf[c.start:])
		c.buf, c.start = nb, 0
	}
	return raw
}

// lines is the number of '\n' in the input before base.
func (c *recorder) lines() int64 {
	return c.nl - int64(bytes.Count(c.buf[c.start:], []byte{'\n'}))
}

// csvUnit is one physical thing the csv reader produced: a record or a parse error.
type csvUnit struct {
	start, end int64 // physical lines
	fields     []string
	raw        string // original text of a record that failed to parse
	lenient    bool   // parsed only after allowing a bare quote
	eofMarker  bool   // not a record: only flushes blank lines at the end
	utf8       bool   // the record's raw text is valid UTF-8 (checked when the reader checks UTF-8)
	err        error
}

type csvReader struct {
	f        io.ReadCloser
	info     Info
	table    *Table
	cr       *csv.Reader
	rec      *recorder
	lastEnd  int64 // last physical line emitted
	lastRead int64 // last physical line read
	checkU8  bool  // source passed through as UTF-8: verify each record
	checkFD  bool  // source was decoded: U+FFFD marks undecodable bytes
	queue    []Row
	units    []csvUnit // read ahead for detection, not yet emitted
	fatal    error
	eof      bool
	width    int // header width
	noted    bool
	shapes   columnShapes // value classes of the full rows read so far (short rows are judged by them)
	slab     []string     // keep's values, handed out a record at a time
	qhead    int          // queue[qhead:] are the rows not yet returned
}

func openCSV(path string, opts Options) (Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	r, err := newCSVReader(f, opts, "")
	if err != nil {
		f.Close()
		return nil, err
	}
	return r, nil
}

// newCSVReader reads CSV text from f (which it closes on Close). name is the Table name.
func newCSVReader(f io.ReadCloser, opts Options, name string) (*csvReader, error) {
	br := bufio.NewReaderSize(f, csvSampleSize)
	head, err := br.Peek(csvSampleSize)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, err
	}
	head = bytes.Clone(head)
	info := Info{Format: FormatCSV, Guessed: map[string]string{}}

	// Encoding.
	var enc encChoice
	if opts.Encoding != "" {
		if _, ok := encodingByName(opts.Encoding); !ok {
			return nil, fmt.Errorf("unknown encoding %q (use utf-8, utf-16le, utf-16be, windows-1252, cp437 or cp850)", opts.Encoding)
		}
		enc = encChoice{name: normEncodingName(opts.Encoding)}
		sniffed, _ := sniffEncoding(head)
		if sniffed.bom > 0 && sniffed.name == enc.name {
			enc.bom = sniffed.bom
		}
		if enc.name == "utf-8" && len(head) >= 3 && string(head[:3]) == "\xEF\xBB\xBF" {
			enc.bom = 3
		}
	} else {
		enc, _ = sniffEncoding(head)
		info.Guessed["encoding"] = enc.reason
	}
	info.Encoding = enc.name
	var src io.Reader = br
	if enc.bom > 0 {
		if _, err := br.Discard(enc.bom); err != nil {
			return nil, err
		}
	}
	e, _ := encodingByName(enc.name)
	r := &csvReader{f: f, info: info}
	if e != nil {
		src = bufio.NewReaderSize(transform.NewReader(br, e.NewDecoder()), csvBufSize)
		r.checkFD = enc.name == "utf-16le" || enc.name == "utf-16be"
	} else {
		r.checkU8 = true
	}
	sample, err := decodeSample(head, enc)
	if err != nil {
		return nil, err
	}

	// Delimiter.
	delim := opts.Delimiter
	if first := strings.TrimRight(firstLine(sample), " "); delim == 0 && len(first) == 5 && strings.HasPrefix(strings.ToLower(first), "sep=") {
		// Excel's "sep=;" hint line.
		delim = rune(first[4])
		r.info.Guessed["delimiter"] = fmt.Sprintf("%q (the first line says %s)", string(delim), first)
	}
	if delim == 0 {
		var why string
		delim, why = sniffDelimiter(sample, len(head) == csvSampleSize)
		r.info.Guessed["delimiter"] = why
	} else if delim == '"' || delim == '\r' || delim == '\n' || delim == utf8.RuneError {
		return nil, fmt.Errorf("%q cannot be used as a delimiter", delim)
	}
	r.info.Delimiter = string(delim)
	if delim == oneColumn && opts.Delimiter == 0 {
		r.info.Delimiter = "" // no delimiter: one column
	}

	if strings.Contains(sample, "\r") && !strings.Contains(sample, "\n") {
		// "CSV (Macintosh)" from old Mac Excel ends lines with CR only.
		src = crToLF{src}
		r.info.Guessed["line ends"] = "CR only (old Mac export): each CR is read as a line break"
	}
	r.rec = &recorder{r: src, max: MaxRecordBytes}
	r.cr = csv.NewReader(r.rec)
	r.cr.Comma = delim
	r.cr.FieldsPerRecord = -1
	r.cr.LazyQuotes = false
	r.cr.ReuseRecord = true
	r.table = &Table{Name: name}
	if err := r.findHeader(opts); err != nil {
		return nil, err
	}
	return r, nil
}

// readUnit reads the next record (or parse error) and queues Empty rows for
// blank lines before it. It returns false at the end of input.
func (r *csvReader) readUnit() (csvUnit, bool) {
	if r.eof || r.fatal != nil {
		return csvUnit{}, false
	}
	rec, err := r.cr.Read()
	if err == io.EOF {
		r.eof = true
		r.rec.take(r.rec.base + int64(len(r.rec.buf)-r.rec.start))
		// Blank lines after the last record.
		if total := r.rec.nl; total > r.lastRead {
			return csvUnit{start: total + 1, end: total, eofMarker: true}, true
		}
		return csvUnit{}, false
	}
	var u csvUnit
	if err == nil {
		line, _ := r.cr.FieldPos(0)
		u.start = int64(line)
		last := len(rec) - 1
		ll, _ := r.cr.FieldPos(last)
		u.end = int64(ll) + int64(strings.Count(rec[last], "\n"))
		u.fields = r.keep(rec)
		raw := r.rec.take(r.cr.InputOffset())
		// Quotes, delimiters and line breaks are whole characters, so when the
		// record's text is valid UTF-8, so is each of its values.
		u.utf8 = r.checkU8 && utf8.Valid(raw)
		r.lastRead = max(r.lastRead, u.end)
		return u, true
	}
	switch pe := parseError(err); {
	case pe != nil:
		u.start, u.end, u.err = int64(pe.StartLine), int64(pe.Line), pe
		if u.end < u.start {
			u.end = u.start
		}
		u.raw = strings.TrimRight(string(r.rec.take(r.cr.InputOffset())), "\r\n")
		if errors.Is(pe.Err, csv.ErrBareQuote) {
			// A quote inside an unquoted value (12" x 9", 37°36'37.8"N) is
			// unambiguous: re-read just this record allowing it.
			lz := csv.NewReader(strings.NewReader(u.raw))
			lz.Comma, lz.FieldsPerRecord, lz.LazyQuotes = r.cr.Comma, -1, true
			if recs, err := lz.ReadAll(); err == nil && len(recs) == 1 {
				u.fields, u.err, u.lenient = recs[0], nil, true
			}
		}
	default:
		// Too long or an I/O / decoding error: nothing after this can be trusted.
		u.start = r.rec.lines() + 1
		u.end = u.start
		if errors.Is(err, errRecordTooLong) {
			u.err = fmt.Errorf("the record starting at line %d is longer than %d MiB (a missing closing quote or a binary file?); reading stopped here", u.start, MaxRecordBytes>>20)
		} else {
			u.err = fmt.Errorf("reading stopped at line %d: %v", u.start, err)
		}
		r.fatal = u.err
	}
	r.lastRead = max(r.lastRead, u.end)
	return u, true
}

// parseError is err as a *csv.ParseError, or nil.
func parseError(err error) *csv.ParseError {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe
	}
	return nil
}

// fieldSlab is how many values keep allocates at a time.
const fieldSlab = 4096

// keep copies a record's values (encoding/csv reuses its slice) into the
// reader's slab, so a row costs no allocation of its own. The slice is
// capped at its length: appending to it never touches the next row's values.
func (r *csvReader) keep(rec []string) []string {
	if len(r.slab)+len(rec) > cap(r.slab) {
		r.slab = make([]string, 0, max(fieldSlab, len(rec)))
	}
	n := len(r.slab)
	r.slab = append(r.slab, rec...)
	return r.slab[n:len(r.slab):len(r.slab)]
}

// unitRows turns blank lines before u plus u itself into rows of unknown kind:
// blank lines become Empty rows; u is returned for classification.
func (r *csvReader) blankRows(u csvUnit) []Row {
	var rows []Row
	for l := r.lastEnd + 1; l < u.start; l++ {
		rows = append(rows, Row{Table: r.table, Num: l, Kind: Empty, Reason: fmt.Sprintf("line %d is blank", l)})
	}
	if u.end > r.lastEnd {
		r.lastEnd = u.end
	}
	return rows
}

func (r *csvReader) findHeader(opts Options) error {
	// Read ahead: the detection window, or up to the requested header row.
	for {
		if opts.HeaderRow > 0 {
			if len(r.units) > 0 && r.units[len(r.units)-1].end >= int64(opts.HeaderRow) {
				break
			}
		} else if len(r.units) >= detectWindow {
			break
		}
		u, ok := r.readUnit()
		if !ok {
			break
		}
		r.units = append(r.units, u)
		if r.fatal != nil {
			break
		}
	}
	var good [][]string
	var nums []int64
	var goodIdx []int
	for i, u := range r.units {
		if u.err == nil && !u.eofMarker {
			good = append(good, u.fields)
			nums = append(nums, u.start)
			goodIdx = append(goodIdx, i)
		}
	}
	hdr := -1 // index into r.units
	switch {
	case opts.HeaderRow > 0:
		for i, u := range r.units {
			if u.start == int64(opts.HeaderRow) && u.err == nil {
				hdr = i
			}
		}
		if hdr < 0 {
			return fmt.Errorf("line %d is not the start of a readable record (blank, inside a multi-line value, unreadable or past the end), so it cannot be the header row", opts.HeaderRow)
		}
	case opts.HeaderRow < 0:
	default:
		i, why := findHeader(good, nums)
		r.info.Guessed["header"] = why
		if i >= 0 {
			hdr = goodIdx[i]
		}
	}
	if hdr >= 0 {
		r.table.Header = cleanHeader(r.units[hdr].fields)
		r.table.HeaderRow = int(r.units[hdr].start)
		if hdr > 0 {
			r.info.Notes = append(r.info.Notes, fmt.Sprintf("%d record(s) above the header row (line %d) are treated as report titles, not data", hdr, r.table.HeaderRow))
		}
	} else {
		r.table.Header = columnNames(max(fieldCountMode(good), 1))
		r.info.Notes = append(r.info.Notes, fmt.Sprintf("no header row: columns are named 1..%d", len(r.table.Header)))
	}
	r.width = len(r.table.Header)
	r.info.HeaderRow = r.table.HeaderRow

	// Queue the read-ahead rows.
	for i, u := range r.units {
		if u.eofMarker {
			r.queue = append(r.queue, r.blankRows(u)...)
			continue
		}
		if i == hdr {
			r.blankRows(u)
			continue
		}
		rows := r.blankRows(u)
		if hdr >= 0 && i < hdr {
			for j := range rows {
				rows[j].Reason = fmt.Sprintf("line %d is blank (above the header)", rows[j].Num)
			}
			kind, reason := NotData, fmt.Sprintf("line %d is above the header row (line %d): report title or notes", u.start, r.table.HeaderRow)
			if u.err != nil {
				reason = fmt.Sprintf("line %d is above the header row and unreadable: %v", u.start, u.err)
			} else if nonEmpty(u.fields) == 0 {
				kind, reason = Empty, fmt.Sprintf("line %d is empty (above the header)", u.start)
			}
			rows = append(rows, Row{Table: r.table, Num: u.start, Kind: kind, Values: u.fields, Reason: reason})
		} else {
			rows = append(rows, r.rowFor(u))
		}
		r.queue = append(r.queue, rows...)
	}
	r.units = nil
	return nil
}

func (r *csvReader) rowFor(u csvUnit) Row {
	row := Row{Table: r.table, Num: u.start, Values: u.fields}
	if u.lenient && !r.noted {
		r.noted = true
		r.info.Notes = append(r.info.Notes, fmt.Sprintf("line %d (and maybe others) has a quote character inside an unquoted value; it was kept as written", u.start))
	}
	if u.err != nil {
		row.Kind = Rejected
		if u.raw != "" {
			row.Values = []string{u.raw}
		}
		var pe *csv.ParseError
		if errors.As(u.err, &pe) {
			switch {
			case errors.Is(pe.Err, csv.ErrQuote):
				row.Reason = fmt.Sprintf("row at line %d has a quoted value that is not closed properly (problem at line %d, column %d)", u.start, pe.Line, pe.Column)
			case errors.Is(pe.Err, csv.ErrBareQuote):
				row.Reason = fmt.Sprintf("row at line %d has a quote character inside an unquoted value (line %d, column %d)", u.start, pe.Line, pe.Column)
			default:
				row.Reason = fmt.Sprintf("row at line %d could not be read: %v", u.start, pe.Err)
			}
		} else {
			row.Reason = u.err.Error()
		}
		return row
	}
	if r.checkU8 && !u.utf8 {
		for i, v := range u.fields {
			if !utf8.ValidString(v) {
				p := firstInvalidUTF8([]byte(v))
				row.Kind = Rejected
				row.Reason = fmt.Sprintf("row at line %d has bytes that are not valid UTF-8 (byte 0x%02X in field %d); if accented letters look wrong, choose the file's encoding (e.g. windows-1252)", u.start, v[p], i+1)
				return row
			}
		}
	}
	if r.checkFD {
		for i, v := range u.fields {
			if strings.ContainsRune(v, utf8.RuneError) {
				row.Kind = Rejected
				row.Reason = fmt.Sprintf("row at line %d has bytes that cannot be decoded as %s (field %d)", u.start, r.info.Encoding, i+1)
				return row
			}
		}
	}
	kind, why := classify(u.fields, headerOrNil(r.table))
	switch kind {
	case Empty:
		row.Kind = Empty
		row.Reason = fmt.Sprintf("line %d has no values", u.start)
		return row
	case NotData:
		row.Kind = NotData
		row.Reason = fmt.Sprintf("line %d %s", u.start, why)
		return row
	}
	vals, ok := fitValues(u.fields, r.width, false)
	switch {
	case ok:
		r.shapes.learn(vals, r.width)
	case len(u.fields) > r.width:
		row.Kind = Rejected
		row.Reason = fmt.Sprintf("row %d has %d fields, the header has %d, and the extra ones hold values (%s): the row is shifted or has an unquoted delimiter in a value", u.start, len(u.fields), r.width, clip(strings.Join(u.fields[r.width:], string(r.cr.Comma)), 40))
		return row
	default:
		// A row that lost only its last fields is read with them empty; one
		// whose values sit in the wrong columns is not.
		padded, shifted, why := r.shapes.shortRow(u.fields, r.table.Header)
		if shifted {
			row.Kind = Rejected
			row.Reason = fmt.Sprintf("row %d has %d fields, the header has %d; %s", u.start, len(u.fields), r.width, why)
			return row
		}
		vals = padded
		if r.shapes.missingMatters(len(u.fields), r.width) {
			row.Warning = fmt.Sprintf("row %d has %d fields, the header has %d: read with the last %d (%s) empty", u.start, len(u.fields), r.width, r.width-len(u.fields), clip(strings.Join(r.table.Header[len(u.fields):], ", "), 60))
		}
	}
	row.Kind, row.Values = Data, vals
	return row
}

func headerOrNil(t *Table) []string {
	if t.HeaderRow == 0 {
		return nil
	}
	return t.Header
}

func (r *csvReader) Info() Info { return r.info }

func (r *csvReader) Next() (Row, error) { return safeNext(r.next) }

func (r *csvReader) next() (Row, error) {
	for r.qhead == len(r.queue) {
		r.queue, r.qhead = r.queue[:0], 0 // the same array again: a row is queued and taken at a time
		if r.fatal != nil && r.eof {
			return Row{}, r.fatal
		}
		u, ok := r.readUnit()
		if !ok {
			if r.fatal != nil {
				r.eof = true
				return Row{}, r.fatal
			}
			return Row{}, io.EOF
		}
		r.queue = append(r.queue, r.blankRows(u)...)
		if !u.eofMarker {
			r.queue = append(r.queue, r.rowFor(u))
		}
		if r.fatal != nil {
			r.eof = true
		}
	}
	row := r.queue[r.qhead]
	r.queue[r.qhead] = Row{}
	r.qhead++
	return row, nil
}

func (r *csvReader) Close() error {
	if r.f == nil {
		return nil
	}
	err := r.f.Close()
	r.f = nil
	return err
}

// fieldCountMode is the most common number of fields (ties to the larger).
func fieldCountMode(recs [][]string) int {
	freq := map[int]int{}
	w, c := 0, 0
	for _, r := range recs {
		freq[len(r)]++
	}
	for k, v := range freq {
		if v > c || (v == c && k > w) {
			w, c = k, v
		}
	}
	return w
}

// crToLF turns every CR into LF (for files whose lines end with CR only).
type crToLF struct{ r io.Reader }

func (c crToLF) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i, b := range p[:n] {
		if b == '\r' {
			p[i] = '\n'
		}
	}
	return n, err
}
