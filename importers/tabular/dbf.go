package tabular

// A small, careful dBase III/IV / FoxPro / Visual FoxPro reader.
//
// go-dbase v1.12.9 reads the shared FoxPro test tables, but it was not used
// here because (measured/read in its v1.12.9 source) it allocates whatever
// length a memo block header claims (a damaged .FPT can ask for 4 GB), skips
// code-page decoding whenever a field happens to be valid UTF-8, only reads
// 4-byte FoxPro memo pointers (not dBase III .DBT), returned VFP varchar
// values with their length byte still attached on TEST.DBF, and refuses
// dBase III tables unless "Untested" is set. The format is small; this reader
// bounds every length by the file size and never panics.

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
)

type dbfField struct {
	name    string
	typ     byte
	off     int
	length  int
	dec     int
	flags   byte
	nullBit int // -1 if not nullable
	varBit  int // -1 unless V/Q
	hidden  bool
}

type dbfReader struct {
	f         *os.File
	br        *bufio.Reader
	memo      *memoFile
	info      Info
	table     *Table
	fields    []dbfField
	nullFlags *dbfField
	vfp       bool
	nrec      int64
	phys      int64 // complete records physically present
	recLen    int
	i         int64
	buf       []byte
	dec       *encoding.Decoder
	asciiSame bool         // dec maps every ASCII byte to itself: ASCII text needs no decoding
	byteText  *[256]string // a single-byte code page's text of each byte (nil for others)
	tail      bool         // partial last record pending
}

// ErrBadDBF wraps header problems.
var ErrBadDBF = errors.New("this DBF table's header is damaged")

func badDBF(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrBadDBF, fmt.Sprintf(format, a...))
}

// dbfCodePages maps the language driver id (header byte 29) to a code page.
var dbfCodePages = map[byte]struct {
	name string
	cm   *charmap.Charmap
}{
	0x01: {"cp437", charmap.CodePage437},
	0x02: {"cp850", charmap.CodePage850},
	0x03: {"windows-1252", charmap.Windows1252},
	0x57: {"windows-1252", charmap.Windows1252},
	0x58: {"windows-1252", charmap.Windows1252},
	0x59: {"windows-1252", charmap.Windows1252},
	0x64: {"cp852", charmap.CodePage852},
	0x65: {"cp866", charmap.CodePage866},
	0x66: {"cp865", charmap.CodePage865},
	0x67: {"cp861", nil},
	0x6A: {"cp737", nil},
	0x6B: {"cp857", nil},
	0x78: {"cp950", nil},
	0x7D: {"windows-1255", charmap.Windows1255},
	0x7E: {"windows-1256", charmap.Windows1256},
	0xC8: {"windows-1250", charmap.Windows1250},
	0xC9: {"windows-1251", charmap.Windows1251},
	0xCA: {"windows-1254", charmap.Windows1254},
	0xCB: {"windows-1253", charmap.Windows1253},
}

func openDBF(path string, opts Options) (Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	r, err := newDBFReader(f, path, opts)
	if err != nil {
		f.Close()
		return nil, err
	}
	return r, nil
}

func newDBFReader(f *os.File, path string, opts Options) (*dbfReader, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := st.Size()
	var h [32]byte
	if _, err := io.ReadFull(f, h[:]); err != nil {
		return nil, badDBF("the file is shorter than a DBF header (%d bytes)", size)
	}
	version := h[0]
	if version == 0x04 || version == 0x8C {
		return nil, fmt.Errorf("dBase 7 tables are not supported: open the table in its program and export it to CSV, then add the CSV")
	}
	nrec := int64(binary.LittleEndian.Uint32(h[4:8]))
	hdrLen := int(binary.LittleEndian.Uint16(h[8:10]))
	recLen := int(binary.LittleEndian.Uint16(h[10:12]))
	if hdrLen < 33 || int64(hdrLen) > size {
		return nil, badDBF("it says the header is %d bytes long, but the file has %d bytes", hdrLen, size)
	}
	if recLen < 1 {
		return nil, badDBF("it says each record is %d bytes long", recLen)
	}
	hdr := make([]byte, hdrLen-32)
	if _, err := io.ReadFull(f, hdr); err != nil {
		return nil, badDBF("the header could not be read: %v", err)
	}
	r := &dbfReader{f: f, recLen: recLen, nrec: nrec, info: Info{Format: FormatDBF, Guessed: map[string]string{}}}
	r.vfp = version == 0x30 || version == 0x31 || version == 0x32
	name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	r.table = &Table{Name: name}

	off, bit := 1, 0
	for p := 0; p+32 <= len(hdr) && hdr[p] != 0x0D; p += 32 {
		d := hdr[p : p+32]
		fd := dbfField{typ: d[11], length: int(d[16]), dec: int(d[17]), flags: d[18], nullBit: -1, varBit: -1}
		fd.name = strings.TrimSpace(string(bytes.TrimRight(d[:11], "\x00 ")))
		if i := bytes.IndexByte(d[:11], 0); i >= 0 {
			fd.name = strings.TrimSpace(string(d[:i]))
		}
		if fd.typ == 'C' && !r.vfp && fd.dec > 0 {
			fd.length += fd.dec << 8 // Clipper/FoxBase long character fields
			fd.dec = 0
		}
		fd.off = off
		off += fd.length
		if fd.typ == '0' || (r.vfp && fd.flags&0x01 != 0) {
			fd.hidden = true
		}
		if r.vfp {
			if fd.typ == 'V' || fd.typ == 'Q' {
				fd.varBit = bit
				bit++
			}
			if fd.flags&0x02 != 0 {
				fd.nullBit = bit
				bit++
			}
		}
		if fd.length == 0 {
			return nil, badDBF("field %q has length 0", fd.name)
		}
		r.fields = append(r.fields, fd)
	}
	if len(r.fields) == 0 {
		return nil, badDBF("it lists no fields")
	}
	if off > recLen {
		return nil, badDBF("its fields need %d bytes per record but records are %d bytes", off, recLen)
	}
	for i := range r.fields {
		fd := &r.fields[i]
		if fd.typ == '0' {
			r.nullFlags = fd
		}
		if !fd.hidden {
			r.table.Header = append(r.table.Header, fieldName(fd.name, i))
		}
	}

	// Code page.
	ldid := h[29]
	var cm *charmap.Charmap // the decoder's code page when it is a single-byte one
	switch {
	case opts.Encoding != "":
		e, ok := encodingByName(opts.Encoding)
		if !ok {
			return nil, fmt.Errorf("unknown encoding %q", opts.Encoding)
		}
		r.info.Encoding = normEncodingName(opts.Encoding)
		if e != nil {
			r.dec = e.NewDecoder()
			cm, _ = e.(*charmap.Charmap)
		}
	default:
		if cp, ok := dbfCodePages[ldid]; ok && cp.cm != nil {
			r.info.Encoding, r.dec, cm = cp.name, cp.cm.NewDecoder(), cp.cm
			r.info.Guessed["encoding"] = fmt.Sprintf("%s (code-page mark 0x%02X in the table header)", cp.name, ldid)
		} else if ok {
			return nil, fmt.Errorf("the table uses code page %s, which this program cannot decode yet; export it to CSV as UTF-8 and add the CSV", cp.name)
		} else if r.vfp {
			r.info.Encoding, r.dec, cm = "windows-1252", charmap.Windows1252.NewDecoder(), charmap.Windows1252
			r.info.Guessed["encoding"] = fmt.Sprintf("windows-1252 (no known code-page mark (0x%02X); Visual FoxPro tables are usually Windows ANSI)", ldid)
		} else {
			r.info.Encoding, r.dec, cm = "cp437", charmap.CodePage437.NewDecoder(), charmap.CodePage437
			r.info.Guessed["encoding"] = fmt.Sprintf("cp437 (no known code-page mark (0x%02X); dBase/FoxPro for DOS tables are usually DOS code page 437)", ldid)
		}
	}

	r.asciiSame = keepsASCII(r.dec)
	r.byteText = byteTable(cm)

	// Memo file.
	hasMemo := false
	for _, fd := range r.fields {
		if isMemoField(fd, r.vfp) {
			hasMemo = true
		}
	}
	if hasMemo {
		mp := findSibling(path, ".fpt", ".dbt")
		if mp == "" {
			r.info.Notes = append(r.info.Notes, fmt.Sprintf("the memo file (%s.fpt or .dbt) is missing, so memo fields are empty; add it next to the table to read them", name))
		} else {
			m, err := openMemo(mp, version)
			if err != nil {
				r.info.Notes = append(r.info.Notes, fmt.Sprintf("the memo file %s could not be read (%v), so memo fields are empty", filepath.Base(mp), err))
			} else {
				r.memo = m
			}
		}
	}

	r.phys = (size - int64(hdrLen)) / int64(recLen)
	rest := (size - int64(hdrLen)) % int64(recLen)
	switch {
	case r.phys < nrec:
		r.info.Notes = append(r.info.Notes, fmt.Sprintf("the header says %d records but the file holds only %d complete ones (the file was cut short)", nrec, r.phys))
		if rest > 1 {
			r.tail = true
		}
		r.nrec = r.phys
	case r.phys > nrec && nrec >= 0:
		// Usually just the 0x1A end marker; more means records the header does not count.
		if extra := r.phys - nrec; extra > 0 {
			r.info.Notes = append(r.info.Notes, fmt.Sprintf("the file holds %d more record(s) after the %d the header counts; dBase ignores them and so does this import", extra, nrec))
		}
	}
	if _, err := f.Seek(int64(hdrLen), io.SeekStart); err != nil {
		return nil, err
	}
	r.br = bufio.NewReaderSize(f, 1<<20)
	r.buf = make([]byte, recLen)
	if opts.Sheet != "" && !strings.EqualFold(opts.Sheet, name) {
		r.info.Notes = append(r.info.Notes, fmt.Sprintf("a DBF file holds one table; table %q was asked for and %q is read", opts.Sheet, name))
	}
	return r, nil
}

func fieldName(n string, i int) string {
	if n == "" {
		return strconv.Itoa(i + 1)
	}
	return n
}

func isMemoField(fd dbfField, vfp bool) bool {
	switch fd.typ {
	case 'M', 'G', 'P', 'W':
		return true
	case 'B':
		return !vfp
	}
	return false
}

// findSibling finds base.ext next to path, any letter case.
func findSibling(path string, exts ...string) string {
	dir := filepath.Dir(path)
	base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	ents, err := os.ReadDir(dir)
	if err != nil {
		return ""
	}
	for _, want := range exts {
		for _, e := range ents {
			n := e.Name()
			if strings.EqualFold(n, base+want) {
				return filepath.Join(dir, n)
			}
		}
	}
	return ""
}

func (r *dbfReader) Info() Info { return r.info }

func (r *dbfReader) Close() error {
	if r.memo != nil {
		r.memo.f.Close()
		r.memo = nil
	}
	if r.f == nil {
		return nil
	}
	err := r.f.Close()
	r.f = nil
	return err
}

func (r *dbfReader) Next() (Row, error) { return safeNext(r.next) }

func (r *dbfReader) next() (Row, error) {
	if r.f == nil {
		return Row{}, errors.New("reader is closed")
	}
	if r.i >= r.nrec {
		if r.tail {
			r.tail = false
			r.i++
			return Row{Table: r.table, Num: r.i, Kind: Rejected, Reason: fmt.Sprintf("record %d is cut off by the end of the file", r.i)}, nil
		}
		return Row{}, io.EOF
	}
	if _, err := io.ReadFull(r.br, r.buf); err != nil {
		return Row{}, fmt.Errorf("record %d: %w", r.i+1, err)
	}
	r.i++
	row := Row{Table: r.table, Num: r.i}
	flag := r.buf[0]
	vals, problem := r.decode(r.buf)
	row.Values = vals
	switch {
	case flag == 0x1A && r.i == r.nrec:
		row.Kind, row.Reason = Rejected, fmt.Sprintf("record %d starts with the end-of-file marker", r.i)
	case flag == '*':
		row.Kind, row.Reason = Deleted, fmt.Sprintf("record %d is marked deleted", r.i)
	case flag != ' ':
		row.Kind, row.Reason = Rejected, fmt.Sprintf("record %d has an unknown status byte 0x%02X (expected space or *)", r.i, flag)
	case problem != "":
		row.Kind, row.Reason = Rejected, fmt.Sprintf("record %d: %s", r.i, problem)
	case nonEmpty(vals) == 0:
		row.Kind, row.Reason = Empty, fmt.Sprintf("record %d has no values", r.i)
	default:
		row.Kind = Data
	}
	return row, nil
}

func (r *dbfReader) text(b []byte) string {
	if r.dec == nil {
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	if r.asciiSame && asciiBytes(b) {
		return string(b) // most of a table's text: one copy instead of two
	}
	if r.byteText != nil { // one string built, not the decoder's buffer and then a copy
		n := 0
		for _, c := range b {
			n += len(r.byteText[c])
		}
		var sb strings.Builder
		sb.Grow(n)
		for _, c := range b {
			sb.WriteString(r.byteText[c])
		}
		return sb.String()
	}
	out, err := r.dec.Bytes(b)
	if err != nil {
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	return string(out)
}

// keepsASCII reports whether dec (a single-byte code page) decodes each
// ASCII byte to itself, checked on all 128 of them.
func keepsASCII(dec *encoding.Decoder) bool {
	if dec == nil {
		return false
	}
	all := make([]byte, 0x80)
	for i := range all {
		all[i] = byte(i)
	}
	out, err := dec.Bytes(all)
	return err == nil && bytes.Equal(out, all)
}

// byteTable is each byte's text through cm's decoder: a single-byte code
// page decodes each byte on its own, so a text's decoding is its bytes'
// texts end to end. It is nil when a byte does not decode cleanly.
func byteTable(cm *charmap.Charmap) *[256]string {
	if cm == nil {
		return nil
	}
	dec := cm.NewDecoder()
	var t [256]string
	for c := range t {
		out, err := dec.Bytes([]byte{byte(c)})
		if err != nil || !utf8.Valid(out) {
			return nil
		}
		t[c] = string(out)
	}
	return &t
}

func asciiBytes(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

func (r *dbfReader) bit(rec []byte, n int) bool {
	if r.nullFlags == nil || n < 0 {
		return false
	}
	nf := r.nullFlags
	byteIdx := n / 8
	if nf.off+byteIdx >= len(rec) || byteIdx >= nf.length {
		return false
	}
	return rec[nf.off+byteIdx]&(1<<(uint(n)%8)) != 0
}

// decode turns one record into text values (hidden system fields left out).
func (r *dbfReader) decode(rec []byte) ([]string, string) {
	vals := make([]string, 0, len(r.table.Header))
	problem := ""
	for _, fd := range r.fields {
		if fd.hidden {
			continue
		}
		raw := rec[fd.off : fd.off+fd.length]
		if r.bit(rec, fd.nullBit) {
			vals = append(vals, "")
			continue
		}
		v, err := r.value(fd, raw, rec)
		if err != nil && problem == "" {
			problem = fmt.Sprintf("field %s: %v", fd.name, err)
		}
		vals = append(vals, v)
	}
	return vals, problem
}

func (r *dbfReader) value(fd dbfField, raw, rec []byte) (string, error) {
	switch fd.typ {
	case 'C':
		return r.text(trimPad(raw)), nil
	case 'V':
		if r.bit(rec, fd.varBit) {
			n := int(raw[len(raw)-1])
			if n <= len(raw)-1 {
				raw = raw[:n]
			}
		}
		return r.text(trimPad(raw)), nil
	case 'Q':
		if r.bit(rec, fd.varBit) {
			n := int(raw[len(raw)-1])
			if n <= len(raw)-1 {
				raw = raw[:n]
			}
		}
		return hex.EncodeToString(raw), nil
	case 'N', 'F':
		return strings.TrimSpace(string(bytes.Trim(raw, "\x00"))), nil
	case 'D':
		if iso, ok := dateDigits(raw); ok {
			return iso, nil
		}
		s := strings.TrimSpace(string(bytes.Trim(raw, "\x00")))
		if s == "" || s == "00000000" {
			return "", nil
		}
		if t, err := time.Parse("20060102", s); err == nil {
			return t.Format("2006-01-02"), nil
		}
		return s, fmt.Errorf("date %q is not a valid date", s)
	case 'L':
		switch raw[0] {
		case 'T', 't', 'Y', 'y':
			return "true", nil
		case 'F', 'f', 'N', 'n':
			return "false", nil
		}
		return "", nil
	case 'I':
		if len(raw) != 4 {
			break
		}
		return strconv.FormatInt(int64(int32(binary.LittleEndian.Uint32(raw))), 10), nil
	case 'Y':
		if len(raw) != 8 {
			break
		}
		return currency(int64(binary.LittleEndian.Uint64(raw))), nil
	case 'T':
		if len(raw) != 8 {
			break
		}
		return julianDateTime(raw), nil
	case 'B':
		if r.vfp && len(raw) == 8 {
			v := math.Float64frombits(binary.LittleEndian.Uint64(raw))
			return strconv.FormatFloat(v, 'f', -1, 64), nil
		}
		return r.memoValue(fd, raw)
	case 'M', 'G', 'P', 'W':
		return r.memoValue(fd, raw)
	}
	return r.text(trimPad(raw)), nil
}

// trimPad is bytes.TrimRight(b, " \x00"): the padding after a text value.
func trimPad(b []byte) []byte {
	n := len(b)
	for n > 0 && (b[n-1] == ' ' || b[n-1] == 0) {
		n--
	}
	return b[:n]
}

// dateDigits reads the usual D value, eight digits YYYYMMDD naming a real
// day, as time.Parse and Format would ("2024-03-09"); ok is false for
// anything else (blank, padded, impossible), which the general path reads.
func dateDigits(raw []byte) (string, bool) {
	if len(raw) != 8 {
		return "", false
	}
	for _, c := range raw {
		if c < '0' || c > '9' {
			return "", false
		}
	}
	num := func(b []byte) int {
		n := 0
		for _, c := range b {
			n = n*10 + int(c-'0')
		}
		return n
	}
	y, m, d := num(raw[:4]), num(raw[4:6]), num(raw[6:])
	if m < 1 || m > 12 || d < 1 || d > daysIn(m, y) {
		return "", false
	}
	var b [10]byte
	copy(b[:4], raw[:4])
	b[4] = '-'
	copy(b[5:7], raw[4:6])
	b[7] = '-'
	copy(b[8:], raw[6:])
	return string(b[:]), true
}

func daysIn(m, y int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

func currency(v int64) string {
	neg := v < 0
	u := uint64(v)
	if neg {
		u = uint64(-v)
	}
	s := fmt.Sprintf("%d.%04d", u/10000, u%10000)
	s = strings.TrimRight(s, "0")
	if i := strings.IndexByte(s, '.'); len(s)-i-1 < 2 {
		s += strings.Repeat("0", 2-(len(s)-i-1))
	}
	if neg {
		s = "-" + s
	}
	return s
}

// julianDateTime reads a FoxPro T value: Julian day number + milliseconds.
func julianDateTime(raw []byte) string {
	jd := int64(int32(binary.LittleEndian.Uint32(raw[:4])))
	ms := int64(int32(binary.LittleEndian.Uint32(raw[4:])))
	if jd == 0 && ms == 0 {
		return ""
	}
	t := time.Unix((jd-2440588)*86400, 0).UTC().Add(time.Duration(ms) * time.Millisecond)
	return t.Format("2006-01-02T15:04:05")
}

func (r *dbfReader) memoValue(fd dbfField, raw []byte) (string, error) {
	var block int64
	if len(raw) == 4 {
		block = int64(binary.LittleEndian.Uint32(raw))
	} else {
		s := strings.TrimSpace(string(bytes.Trim(raw, "\x00")))
		if s == "" {
			return "", nil
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return "", fmt.Errorf("memo pointer %q is not a number", s)
		}
		block = n
	}
	if block == 0 {
		return "", nil
	}
	if r.memo == nil {
		return "", nil
	}
	data, isText, err := r.memo.read(block)
	if err != nil {
		return "", err
	}
	if !isText || fd.typ == 'G' || fd.typ == 'W' || fd.typ == 'P' || (fd.typ == 'B' && !r.vfp && bytes.IndexByte(data, 0) >= 0) {
		return fmt.Sprintf("<blob %d bytes>", len(data)), nil
	}
	return r.text(data), nil
}

// ---- memo files ----

// maxMemo caps one memo value; larger claims are treated as damage.
const maxMemo = 64 << 20

type memoFile struct {
	f         *os.File
	size      int64
	blockSize int64
	fpt       bool
	dbase4    bool
	win       []byte // a window of the file read ahead: memos are read in
	winOff    int64  // file order, and one read call each cost more than the rest
}

// memoWindow is how much of the memo file one read brings in.
const memoWindow = 256 << 10

// readAt is f.ReadAt served from the window, which it moves to off when the
// bytes asked for are not in it; reads larger than the window go straight to
// the file.
func (m *memoFile) readAt(p []byte, off int64) (int, error) {
	if len(p) > memoWindow {
		return m.f.ReadAt(p, off)
	}
	if off < m.winOff || off+int64(len(p)) > m.winOff+int64(len(m.win)) {
		if m.win == nil {
			m.win = make([]byte, memoWindow)
		}
		m.win = m.win[:cap(m.win)]
		n, err := m.f.ReadAt(m.win, off)
		m.win, m.winOff = m.win[:n], off
		if n < len(p) { // as f.ReadAt: the end of the file (or its error) before p is full
			if err == nil {
				err = io.EOF
			}
			return copy(p, m.win[:n]), err
		}
	}
	return copy(p, m.win[off-m.winOff:]), nil
}

// view is the n bytes at off, as readAt would read them, in the window when
// they fit in it: valid only until the next read of the memo file. A memo
// is decoded into a string at once, so it need not be copied out first.
func (m *memoFile) view(off, n int64) ([]byte, error) {
	if n > memoWindow {
		p := make([]byte, n)
		_, err := m.readAt(p, off)
		return p, err
	}
	if off < m.winOff || off+n > m.winOff+int64(len(m.win)) {
		if m.win == nil {
			m.win = make([]byte, memoWindow)
		}
		m.win = m.win[:cap(m.win)]
		got, err := m.f.ReadAt(m.win, off)
		m.win, m.winOff = m.win[:got], off
		if int64(got) < n {
			if err == nil {
				err = io.EOF
			}
			return m.win[:got], err
		}
	}
	return m.win[off-m.winOff : off-m.winOff+n], nil
}

func openMemo(path string, version byte) (*memoFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	var h [32]byte
	if _, err := io.ReadFull(f, h[:]); err != nil {
		f.Close()
		return nil, fmt.Errorf("memo header too short")
	}
	m := &memoFile{f: f, size: st.Size()}
	if strings.EqualFold(filepath.Ext(path), ".fpt") {
		m.fpt = true
		m.blockSize = int64(binary.BigEndian.Uint16(h[6:8]))
		if m.blockSize == 0 {
			m.blockSize = 64
		}
	} else {
		m.blockSize = 512
		if version == 0x8B || version == 0x8E || version == 0x7B {
			m.dbase4 = true
			if bs := int64(binary.LittleEndian.Uint16(h[20:22])); bs >= 64 && bs%64 == 0 {
				m.blockSize = bs
			}
		}
	}
	return m, nil
}

// read returns the memo at block and whether it is text. An FPT memo's
// bytes may be the read-ahead window's: use them before the next read.
func (m *memoFile) read(block int64) ([]byte, bool, error) {
	pos := block * m.blockSize
	if block < 0 || pos/m.blockSize != block || pos >= m.size {
		return nil, false, fmt.Errorf("memo block %d is past the end of the memo file", block)
	}
	if m.fpt {
		h, err := m.view(pos, 8)
		if err != nil {
			return nil, false, fmt.Errorf("memo block %d: %v", block, err)
		}
		typ := binary.BigEndian.Uint32(h[:4])
		n := int64(binary.BigEndian.Uint32(h[4:]))
		if n > maxMemo || pos+8+n > m.size {
			return nil, false, fmt.Errorf("memo block %d claims %d bytes, more than the memo file holds", block, n)
		}
		buf, err := m.view(pos+8, n) // read by the caller before the next view
		if err != nil {
			return nil, false, fmt.Errorf("memo block %d: %v", block, err)
		}
		return buf, typ == 1, nil
	}
	if m.dbase4 {
		var h [8]byte
		if _, err := m.f.ReadAt(h[:], pos); err == nil && h[0] == 0xFF && h[1] == 0xFF && h[2] == 0x08 && h[3] == 0x00 {
			n := int64(binary.LittleEndian.Uint32(h[4:])) - 8
			if n < 0 || n > maxMemo || pos+8+n > m.size {
				return nil, false, fmt.Errorf("memo block %d claims %d bytes, more than the memo file holds", block, n)
			}
			buf := make([]byte, n)
			if _, err := m.f.ReadAt(buf, pos+8); err != nil {
				return nil, false, fmt.Errorf("memo block %d: %v", block, err)
			}
			return buf, true, nil
		}
	}
	// dBase III: text up to the 0x1A end marker.
	var out []byte
	chunk := make([]byte, 4096)
	for p := pos; p < m.size; p += int64(len(chunk)) {
		n, err := m.f.ReadAt(chunk, p)
		if i := bytes.IndexByte(chunk[:n], 0x1A); i >= 0 {
			out = append(out, chunk[:i]...)
			return out, true, nil
		}
		out = append(out, chunk[:n]...)
		if len(out) > maxMemo {
			return nil, false, fmt.Errorf("memo block %d has no end marker within %d MiB", block, maxMemo>>20)
		}
		if err != nil {
			break
		}
	}
	return out, true, nil
}
