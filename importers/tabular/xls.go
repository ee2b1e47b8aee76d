package tabular

// Old Excel workbooks (.xls, Excel 97-2003 BIFF8, and Excel 5/95 BIFF5/7)
// read as a first-class source.
//
// Why our own record reader: the two pure-Go .xls readers on the module proxy
// were tried on a workbook written by python3-xlwt (a title row, a blank row,
// a header, two records). github.com/extrame/xls v0.0.1 panicked (nil pointer)
// on the blank row; github.com/shakinm/xlsReader v0.9.12 returned "Zoë" as the
// raw Latin-1 bytes "Zo\xeb", dates as serial numbers, 00042 as 42, decoded
// the RK number -3.25 as 10737414.99 and lost a formula's result. The records
// that carry cell values are few, so this file reads them itself over
// github.com/richardlehane/mscfb (the OLE compound-file reader excelize already
// uses for encrypted workbooks, so no new module), and hands each sheet's rows
// to the same machinery as .xlsx (xlsx.go): header detection below title rows,
// not-data sheets, date and number formatting through the same styleInfo and
// numFormatter, so an .xls and the .xlsx saved from it read the same.
//
// Every length read from the file is bounded by the record it sits in (at most
// 8224 bytes) and every record by the stream, so a damaged file ends in an
// error naming the sheet and the byte (the callers add the file's name, as
// for every format), never in a panic or a huge allocation.

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/richardlehane/mscfb"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// BIFF record identifiers (MS-XLS 2.3).
const (
	recFormula    = 0x0006
	recEOF        = 0x000A
	recDateMode   = 0x0022
	recFilePass   = 0x002F
	recContinue   = 0x003C
	recCodePage   = 0x0042
	recBoundSheet = 0x0085
	recMulRK      = 0x00BD
	recRString    = 0x00D6
	recXF         = 0x00E0
	recSST        = 0x00FC
	recLabelSST   = 0x00FD
	recNumber     = 0x0203
	recLabel      = 0x0204
	recBoolErr    = 0x0205
	recString     = 0x0207
	recRK         = 0x027E
	recFormat     = 0x041E
	recBOF        = 0x0809

	maxBIFFRecord = 8224 // BIFF8's largest record body; BIFF5's is smaller
)

// ErrXLSPassword is returned for .xls workbooks saved with a password to open.
var ErrXLSPassword = errors.New("this workbook is password-protected: open it in Excel or LibreOffice, remove the password (Excel: File > Info > Protect Workbook > Encrypt with Password, clear it), save, and add it again")

// ---- record stream ----

// biffStream reads records from a Workbook stream; pos is the byte offset of
// the next record, so errors can say where the damage is.
type biffStream struct {
	r      *bufio.Reader
	pos    int64 // offset of the next record
	recPos int64 // offset of the record last returned
	size   int64
	id     uint16
	data   []byte
	again  bool // next returns the same record once more
	hdr    [4]byte
}

func newBIFFStream(r io.Reader, start, size int64) *biffStream {
	return &biffStream{r: bufio.NewReaderSize(r, 64<<10), pos: start, size: size, data: make([]byte, 0, maxBIFFRecord)}
}

// next returns the next record; its data is valid until the following call.
// io.EOF means the stream ended cleanly between records.
func (s *biffStream) next() (uint16, []byte, error) {
	if s.again {
		s.again = false
		return s.id, s.data, nil
	}
	if s.pos >= s.size {
		return 0, nil, io.EOF
	}
	s.recPos = s.pos
	if _, err := io.ReadFull(s.r, s.hdr[:]); err != nil {
		if err == io.EOF {
			return 0, nil, io.EOF
		}
		return 0, nil, fmt.Errorf("the workbook stream ends inside a record header at byte %d", s.pos)
	}
	s.id = binary.LittleEndian.Uint16(s.hdr[0:])
	n := int(binary.LittleEndian.Uint16(s.hdr[2:]))
	if n > maxBIFFRecord {
		return 0, nil, fmt.Errorf("the record at byte %d claims %d bytes (at most %d are allowed)", s.pos, n, maxBIFFRecord)
	}
	s.data = s.data[:n]
	if _, err := io.ReadFull(s.r, s.data); err != nil {
		return 0, nil, fmt.Errorf("the workbook stream ends inside the record at byte %d", s.pos)
	}
	s.pos += 4 + int64(n)
	return s.id, s.data, nil
}

// unread makes next return the current record again.
func (s *biffStream) unread() { s.again = true }

func u16(b []byte, off int) (int, bool) {
	if off < 0 || off+2 > len(b) {
		return 0, false
	}
	return int(binary.LittleEndian.Uint16(b[off:])), true
}

// ---- strings ----

// contReader reads a record body and the CONTINUE records after it as one
// sequence, as SST and STRING need: a string's characters may be split
// across records, and each continuation then starts with a fresh flags byte.
type contReader struct {
	s    *biffStream
	data []byte
	pos  int
	u    []uint16
}

func (c *contReader) more() bool {
	id, data, err := c.s.next()
	if err != nil {
		return false
	}
	if id != recContinue {
		c.s.unread()
		return false
	}
	c.data, c.pos = data, 0
	return true
}

func (c *contReader) avail() int { return len(c.data) - c.pos }

func (c *contReader) byte1() (byte, error) {
	for c.avail() < 1 {
		if !c.more() {
			return 0, errShortRecord
		}
	}
	b := c.data[c.pos]
	c.pos++
	return b, nil
}

func (c *contReader) uint(n int) (uint32, error) {
	var v uint32
	for i := 0; i < n; i++ {
		b, err := c.byte1()
		if err != nil {
			return 0, err
		}
		v |= uint32(b) << (8 * i)
	}
	return v, nil
}

func (c *contReader) skip(n int64) error {
	for n > 0 {
		if c.avail() == 0 && !c.more() {
			return errShortRecord
		}
		k := min(int64(c.avail()), n)
		c.pos += int(k)
		n -= k
	}
	return nil
}

var errShortRecord = errors.New("a string runs past the end of its record")

// unicodeString reads a BIFF8 string body: cch characters, 8-bit (the high
// byte is zero, so Latin-1) or UTF-16LE per the flags, then its rich-text runs
// and phonetic block. cchBytes is 1 or 2.
func (c *contReader) unicodeString(cchBytes int, rich bool) (string, error) {
	cch, err := c.uint(cchBytes)
	if err != nil {
		return "", err
	}
	flags, err := c.byte1()
	if err != nil {
		return "", err
	}
	var runs, ext uint32
	if rich && flags&0x08 != 0 {
		if runs, err = c.uint(2); err != nil {
			return "", err
		}
	}
	if rich && flags&0x04 != 0 {
		if ext, err = c.uint(4); err != nil {
			return "", err
		}
	}
	c.u = c.u[:0]
	high := flags&0x01 != 0
	for left := int(cch); left > 0; {
		if c.avail() == 0 {
			if !c.more() {
				return "", errShortRecord
			}
			if len(c.data) > 0 {
				high = c.data[0]&0x01 != 0 // a continued string restates its width
				c.pos = 1
			}
			continue
		}
		if high {
			k := min(left, c.avail()/2)
			if k == 0 {
				return "", errors.New("a UTF-16 character is split across records")
			}
			for i := 0; i < k; i++ {
				c.u = append(c.u, binary.LittleEndian.Uint16(c.data[c.pos+2*i:]))
			}
			c.pos += 2 * k
			left -= k
		} else {
			k := min(left, c.avail())
			for i := 0; i < k; i++ {
				c.u = append(c.u, uint16(c.data[c.pos+i]))
			}
			c.pos += k
			left -= k
		}
	}
	if err := c.skip(4*int64(runs) + int64(ext)); err != nil {
		return "", err
	}
	return string(utf16.Decode(c.u)), nil
}

// byteString reads a BIFF5 string: cch bytes in the workbook's code page.
func (b *xlsBook) byteString(data []byte, off, cchBytes int) (string, error) {
	if off+cchBytes > len(data) {
		return "", errShortRecord
	}
	n := int(data[off])
	if cchBytes == 2 {
		n = int(binary.LittleEndian.Uint16(data[off:]))
	}
	off += cchBytes
	if off+n > len(data) {
		return "", errShortRecord
	}
	return b.decode(data[off : off+n]), nil
}

// str reads the string at off of one record: BIFF8 unicode or BIFF5 bytes.
func (b *xlsBook) str(s *biffStream, data []byte, off, cchBytes int) (string, error) {
	if !b.biff8 {
		return b.byteString(data, off, cchBytes)
	}
	if off > len(data) {
		return "", errShortRecord
	}
	c := &contReader{s: s, data: data, pos: off}
	return c.unicodeString(cchBytes, false)
}

func (b *xlsBook) decode(raw []byte) string {
	if b.dec == nil {
		return strings.ToValidUTF8(string(raw), "\uFFFD")
	}
	out, err := b.dec.NewDecoder().Bytes(raw)
	if err != nil {
		return strings.ToValidUTF8(string(raw), "\uFFFD")
	}
	return string(out)
}

type xlsCodePage struct {
	name string
	enc  encoding.Encoding // nil: UTF-8 / already Unicode
}

// xlsCodePages maps the CODEPAGE record (a Windows code page number) to a decoder.
var xlsCodePages = map[int]xlsCodePage{
	367: {"ascii", charmap.Windows1252}, 437: {"cp437", charmap.CodePage437},
	850: {"cp850", charmap.CodePage850}, 852: {"cp852", charmap.CodePage852},
	866: {"cp866", charmap.CodePage866}, 874: {"windows-874", charmap.Windows874},
	932: {"shift_jis", japanese.ShiftJIS}, 936: {"gbk", simplifiedchinese.GBK},
	949: {"euc-kr", korean.EUCKR}, 950: {"big5", traditionalchinese.Big5},
	1200: {"utf-16le", nil},
	1250: {"windows-1250", charmap.Windows1250}, 1251: {"windows-1251", charmap.Windows1251},
	1252: {"windows-1252", charmap.Windows1252}, 1253: {"windows-1253", charmap.Windows1253},
	1254: {"windows-1254", charmap.Windows1254}, 1255: {"windows-1255", charmap.Windows1255},
	1256: {"windows-1256", charmap.Windows1256}, 1257: {"windows-1257", charmap.Windows1257},
	1258:  {"windows-1258", charmap.Windows1258},
	10000: {"macintosh", charmap.Macintosh}, 32768: {"macintosh", charmap.Macintosh},
	32769: {"windows-1252", charmap.Windows1252},
	65001: {"utf-8", nil},
}

// ---- workbook ----

type xlsBook struct {
	f        *os.File
	stream   *mscfb.File
	size     int64
	biff8    bool
	dec      encoding.Encoding
	codepage string
	date1904 bool
	styles   []styleInfo
	sheets   []wbSheet
	sst      *sharedStrings
	nf       *numFormatter
}

func (b *xlsBook) fail(format string, args ...any) error {
	return fmt.Errorf("%s; open it in Excel or LibreOffice and save it again (as .xls or .xlsx), then add it again", fmt.Sprintf(format, args...))
}

func openXLS(p string, opts Options) (Reader, error) {
	b, err := readXLSBook(p)
	if err != nil {
		return nil, err
	}
	r := &xlsxReader{wb: &workbookMeta{date1904: b.date1904}, opts: opts, fm: b.nf, styles: b.styles, sst: b.sst,
		info:     Info{Format: FormatXLS, Encoding: b.codepage, Guessed: map[string]string{}},
		openRows: b.openSheet, closeSrc: b.close}
	if b.biff8 {
		r.info.Guessed["encoding"] = "utf-16le (an Excel 97-2003 workbook stores its text as Unicode)"
	} else {
		r.info.Guessed["encoding"] = b.codepage + " (the workbook's CODEPAGE record; Excel 5/95 stores text in it)"
	}
	if err := r.selectSheets(b.sheets); err != nil {
		r.Close()
		return nil, err
	}
	if len(r.sheets) > 0 {
		if err := r.openNextSheet(); err != nil {
			r.Close()
			return nil, err
		}
	}
	return r, nil
}

// readXLSBook opens the compound file and reads the workbook globals: code
// page, date system, number formats, cell styles, shared strings and the
// sheet list. The sheets themselves are read later, one at a time.
func readXLSBook(p string) (book *xlsBook, err error) {
	b := &xlsBook{dec: charmap.Windows1252, codepage: "windows-1252", nf: &numFormatter{}}
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	b.f = f
	defer func() {
		if err != nil {
			b.close()
		}
	}()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	doc, err := mscfb.New(f)
	if err != nil {
		return nil, b.fail("the file is damaged (its OLE container could not be read: %v)", err)
	}
	var book5 *mscfb.File
	for _, e := range doc.File {
		if len(e.Path) != 0 {
			continue
		}
		switch {
		case strings.EqualFold(e.Name, "Workbook"):
			b.stream = e
		case strings.EqualFold(e.Name, "Book"):
			book5 = e
		case e.Name == "EncryptionInfo" || e.Name == "EncryptedPackage":
			return nil, ErrPasswordProtected
		}
	}
	if b.stream == nil {
		b.stream = book5
	}
	if b.stream == nil {
		return nil, errors.New("this Office file has no Workbook stream, so it is not an Excel workbook")
	}
	// A stream cannot be larger than the file that holds it; a damaged size
	// would otherwise have the reader walk a sector chain for gigabytes.
	b.size = b.stream.Size
	if b.size > st.Size() {
		return nil, b.fail("the file is damaged (its Workbook stream claims %d bytes, the file has %d)", b.size, st.Size())
	}
	s := newBIFFStream(b.stream, 0, b.size)
	if err := b.readGlobals(s); err != nil {
		return nil, err
	}
	return b, nil
}

func (b *xlsBook) close() error {
	b.sst.close()
	b.sst = nil
	if b.f != nil {
		err := b.f.Close()
		b.f = nil
		return err
	}
	return nil
}

func (b *xlsBook) readGlobals(s *biffStream) error {
	id, data, err := s.next()
	if err != nil {
		return b.fail("the file is damaged (%v)", err)
	}
	switch id {
	case 0x0009, 0x0209, 0x0409:
		return errors.New("this is an Excel 2.x-4.0 workbook, older than this program reads: open it in Excel or LibreOffice, save it as .xlsx, and add the .xlsx file")
	case recBOF:
	default:
		return b.fail("the Workbook stream does not start with a BOF record (found 0x%04X)", id)
	}
	vers, _ := u16(data, 0)
	dt, _ := u16(data, 2)
	b.biff8 = vers >= 0x0600 || vers == 0 // 0: some writers leave it blank; the globals tell
	if vers != 0 && vers < 0x0500 {
		return fmt.Errorf("this is an Excel 4.0 or older workbook (BIFF version 0x%04X): open it in Excel or LibreOffice, save it as .xlsx, and add the .xlsx file", vers)
	}
	if b.biff8 {
		b.dec, b.codepage = nil, "utf-16le"
	}
	if dt == 0x0010 {
		// An Excel 5 single-sheet file: the stream is the sheet itself.
		b.sheets = []wbSheet{{name: "Sheet1", part: "worksheet", pos: 0}}
		b.styles = nil
		return b.readStylesIn(s)
	}
	xfs, codes := []int{}, map[int]string{}
	for {
		id, data, err := s.next()
		if err == io.EOF {
			return b.fail("the workbook's global records end without an EOF record at byte %d", s.pos)
		}
		if err != nil {
			return b.fail("the file is damaged (%v)", err)
		}
		switch id {
		case recEOF:
			b.styles = buildXLSStyles(xfs, codes)
			return nil
		case recFilePass:
			return ErrXLSPassword
		case recCodePage:
			cp, _ := u16(data, 0)
			if b.biff8 {
				continue // BIFF8 text is Unicode whatever the record says
			}
			if c, ok := xlsCodePages[cp]; ok {
				b.dec, b.codepage = c.enc, c.name
			}
		case recDateMode:
			v, _ := u16(data, 0)
			b.date1904 = v == 1
		case recXF:
			fmtID, ok := u16(data, 2)
			if !ok {
				return b.fail("the cell style (XF) record at byte %d is too short", s.recPos)
			}
			xfs = append(xfs, fmtID)
		case recFormat:
			fid, _ := u16(data, 0)
			var code string
			if b.biff8 {
				code, err = b.str(s, data, 2, 2)
			} else {
				code, err = b.byteString(data, 2, 1)
			}
			if err != nil {
				return b.fail("the number format record at byte %d is damaged (%v)", s.recPos, err)
			}
			codes[fid] = code
		case recBoundSheet:
			if len(data) < 6 {
				return b.fail("the sheet record at byte %d is too short", s.recPos)
			}
			sh := wbSheet{pos: int64(binary.LittleEndian.Uint32(data)), hidden: data[4]&0x03 != 0}
			switch data[5] {
			case 0x00:
				sh.part = "worksheet"
			case 0x01:
				sh.part = "macro sheet"
			case 0x02:
				sh.part = "chart"
			default:
				sh.part = "Visual Basic module"
			}
			if b.biff8 {
				sh.name, err = b.str(s, data, 6, 1)
			} else {
				sh.name, err = b.byteString(data, 6, 1)
			}
			if err != nil {
				return b.fail("the sheet record at byte %d is damaged (%v)", s.recPos, err)
			}
			b.sheets = append(b.sheets, sh)
		case recSST:
			if err := b.readSST(s, data); err != nil {
				return b.fail("the shared strings at byte %d are damaged (%v)", s.recPos, err)
			}
		}
	}
}

// readStylesIn is for single-sheet BIFF5 files, whose XF and FORMAT records
// sit inside the sheet: it collects them and rewinds nothing (the sheet is
// read again from the start when it is opened).
func (b *xlsBook) readStylesIn(s *biffStream) error {
	xfs, codes := []int{}, map[int]string{}
	for {
		id, data, err := s.next()
		if err == io.EOF || id == recEOF {
			b.styles = buildXLSStyles(xfs, codes)
			return nil
		}
		if err != nil {
			return b.fail("the file is damaged (%v)", err)
		}
		switch id {
		case recFilePass:
			return ErrXLSPassword
		case recCodePage:
			cp, _ := u16(data, 0)
			if c, ok := xlsCodePages[cp]; ok && !b.biff8 {
				b.dec, b.codepage = c.enc, c.name
			}
		case recDateMode:
			v, _ := u16(data, 0)
			b.date1904 = v == 1
		case recXF:
			if fmtID, ok := u16(data, 2); ok {
				xfs = append(xfs, fmtID)
			}
		case recFormat:
			fid, _ := u16(data, 0)
			if code, err := b.byteString(data, 2, 1); err == nil {
				codes[fid] = code
			}
		}
	}
}

// buildXLSStyles turns the XF records' format ids into the styleInfo the
// .xlsx reader uses, so dates and "00042" come out the same way.
func buildXLSStyles(xfs []int, codes map[int]string) []styleInfo {
	out := make([]styleInfo, len(xfs))
	for i, id := range xfs {
		st := styleInfo{numFmtID: id}
		if c, ok := codes[id]; ok && !isGeneralCode(c) {
			st.code, st.kind = c, classifyNumFmt(c)
		} else if !ok {
			st.kind = builtinDateKind(id)
		} else {
			st.numFmtID = 0
		}
		out[i] = st
	}
	return out
}

func isGeneralCode(c string) bool { return strings.EqualFold(strings.TrimSpace(c), "general") }

// readSST reads the shared-string table (SST and its CONTINUE records) into
// the same store the .xlsx reader uses (spilled to a temp file when large).
func (b *xlsBook) readSST(s *biffStream, data []byte) error {
	if len(data) < 8 {
		return errShortRecord
	}
	unique := binary.LittleEndian.Uint32(data[4:])
	c := &contReader{s: s, data: data, pos: 8}
	sb := &sstBuilder{s: &sharedStrings{}}
	b.sst = sb.s
	for i := uint32(0); i < unique; i++ {
		if c.avail() == 0 && !c.more() {
			break // fewer strings than announced: the cells that use them read as empty
		}
		str, err := c.unicodeString(2, true)
		if err != nil {
			return fmt.Errorf("string %d: %v", i+1, err)
		}
		if err := sb.add(str); err != nil {
			return err
		}
	}
	return sb.finish()
}

// xlsSSTInMemory is how large the shared strings may grow in memory before
// they move to a temp file (a variable so a test can take the file path).
var xlsSSTInMemory = sstInMemory

// sstBuilder fills a sharedStrings in memory and moves it to a temp file once
// it passes xlsSSTInMemory bytes, so a huge table does not stay in memory.
type sstBuilder struct {
	s     *sharedStrings
	w     *bufio.Writer
	off   int64
	bytes int
}

func (sb *sstBuilder) add(str string) error {
	if sb.w == nil {
		sb.s.mem = append(sb.s.mem, str)
		sb.bytes += len(str) + 16
		if sb.bytes <= xlsSSTInMemory {
			return nil
		}
		f, err := os.CreateTemp("", "handover-sst-*")
		if err != nil {
			return err
		}
		sb.s.f, sb.w = f, bufio.NewWriterSize(f, 1<<20)
		mem := sb.s.mem
		sb.s.mem = nil
		for _, m := range mem {
			if err := sb.write(m); err != nil {
				return err
			}
		}
		return nil
	}
	return sb.write(str)
}

func (sb *sstBuilder) write(str string) error {
	sb.s.offs = append(sb.s.offs, sb.off)
	n, err := sb.w.WriteString(str)
	sb.off += int64(n)
	return err
}

func (sb *sstBuilder) finish() error {
	if sb.w == nil {
		return nil
	}
	sb.s.offs = append(sb.s.offs, sb.off)
	return sb.w.Flush()
}

// ---- sheets ----

type xlsCell struct {
	row, col int
	text     string
}

// xlsSheetRows streams one sheet's rows in row order. Cells of a sheet are
// written row by row by Excel and by the usual libraries; a sheet whose cells
// come out of order (some report writers emit them column by column) is
// noticed in a first pass and then gathered in memory before it is read.
type xlsSheetRows struct {
	b     *xlsBook
	name  string
	start int64
	s     *biffStream
	depth int
	queue []xlsCell
	done  bool

	// formula whose string result follows in a STRING record
	fRow, fCol int
	fPending   bool

	look     *xlsCell // first cell of the next row
	emitted  int64    // last row number returned
	pending  []string
	pendNum  int64
	havePend bool

	gathered map[int][]string // out-of-order sheets only
	order    []int
	scanning bool // first pass: positions only, no text
}

func (b *xlsBook) openSheet(sh wbSheet) (sheetRows, error) {
	if sh.part != "worksheet" {
		return nil, nil
	}
	if sh.pos < 0 || sh.pos >= b.size {
		return nil, fmt.Errorf("sheet '%s' is damaged (it starts at byte %d, past the end of the %d-byte workbook stream); open it in Excel or LibreOffice and save it again", sh.name, sh.pos, b.size)
	}
	x := &xlsSheetRows{b: b, name: sh.name, start: sh.pos}
	sorted, err := x.scanOrder()
	if err != nil {
		return nil, err
	}
	if err := x.rewind(); err != nil {
		return nil, err
	}
	if !sorted {
		if err := x.gather(); err != nil {
			return nil, err
		}
	}
	return x, nil
}

func (x *xlsSheetRows) rewind() error {
	if _, err := x.b.stream.Seek(x.start, io.SeekStart); err != nil {
		return x.damaged(x.start, fmt.Errorf("cannot reach it: %v", err))
	}
	x.s = newBIFFStream(x.b.stream, x.start, x.b.size)
	x.depth, x.queue, x.done, x.fPending = 0, nil, false, false
	return nil
}

func (x *xlsSheetRows) damaged(pos int64, err error) error {
	return fmt.Errorf("sheet '%s' is damaged at byte %d of the workbook stream (%v); open it in Excel or LibreOffice and save it again", x.name, pos, err)
}

// scanOrder reads the sheet once to see whether its cells come row by row.
func (x *xlsSheetRows) scanOrder() (bool, error) {
	if err := x.rewind(); err != nil {
		return false, err
	}
	x.scanning = true
	defer func() { x.scanning = false }()
	last := -1
	for {
		c, ok, err := x.cell()
		if err != nil || !ok {
			return true, err
		}
		if c.row < last {
			return false, nil
		}
		last = c.row
	}
}

// gather reads an out-of-order sheet into memory, row by row.
func (x *xlsSheetRows) gather() error {
	x.gathered = map[int][]string{}
	for {
		c, ok, err := x.cell()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		row := x.gathered[c.row]
		for len(row) <= c.col {
			row = append(row, "")
		}
		row[c.col] = c.text
		x.gathered[c.row] = row
	}
	for r := range x.gathered {
		x.order = append(x.order, r)
	}
	sort.Ints(x.order)
	return nil
}

func (x *xlsSheetRows) close() {}

// next returns the next physical row; rows with no cells come back empty, as
// for .xlsx, so Num is always the Excel row number.
func (x *xlsSheetRows) next() (int64, []string, bool, error) {
	if !x.havePend {
		if err := x.readRow(); err != nil {
			return 0, nil, false, err
		}
	}
	if !x.havePend {
		return 0, nil, false, nil
	}
	if x.pendNum > x.emitted+1 {
		x.emitted++
		return x.emitted, nil, true, nil
	}
	x.havePend = false
	x.emitted = x.pendNum
	return x.pendNum, x.pending, true, nil
}

func (x *xlsSheetRows) readRow() error {
	if x.gathered != nil {
		if len(x.order) == 0 {
			return nil
		}
		r := x.order[0]
		x.order = x.order[1:]
		cells := x.gathered[r]
		delete(x.gathered, r)
		x.pending, x.pendNum, x.havePend = cells[:filledWidth(cells)], int64(r)+1, true
		return nil
	}
	var first xlsCell
	if x.look != nil {
		first, x.look = *x.look, nil
	} else {
		c, ok, err := x.cell()
		if err != nil || !ok {
			return err
		}
		first = c
	}
	var cells []string
	put := func(c xlsCell) {
		for len(cells) <= c.col {
			cells = append(cells, "")
		}
		cells[c.col] = c.text
	}
	put(first)
	for {
		c, ok, err := x.cell()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		if c.row != first.row {
			x.look = &c
			break
		}
		put(c)
	}
	x.pending, x.pendNum, x.havePend = cells[:filledWidth(cells)], int64(first.row)+1, true
	return nil
}

// cell returns the sheet's next non-empty cell, in file order.
func (x *xlsSheetRows) cell() (xlsCell, bool, error) {
	for {
		if len(x.queue) > 0 {
			c := x.queue[0]
			x.queue = x.queue[1:]
			if c.text == "" || c.col >= maxColumns {
				continue
			}
			return c, true, nil
		}
		if x.done {
			return xlsCell{}, false, nil
		}
		if err := x.record(); err != nil {
			x.done = true
			return xlsCell{}, false, err
		}
	}
}

// record reads one record of the sheet and queues the cells it holds.
func (x *xlsSheetRows) record() error {
	s := x.s
	id, data, err := s.next()
	if err == io.EOF {
		// The stream ended before the sheet's EOF record: keep what was read.
		x.done = true
		return nil
	}
	if err != nil {
		return x.damaged(s.pos, err)
	}
	switch id {
	case recBOF, 0x0009, 0x0209, 0x0409:
		x.depth++ // a chart embedded in the sheet nests its own BOF..EOF
		if x.depth == 1 && id != recBOF {
			return x.damaged(s.recPos, errors.New("it is not an Excel 5-2003 sheet"))
		}
		return nil
	case recEOF:
		x.depth--
		if x.depth <= 0 {
			x.done = true
		}
		return nil
	}
	if x.depth == 0 {
		return x.damaged(s.recPos, fmt.Errorf("expected the sheet's BOF record, found 0x%04X", id))
	}
	if x.depth != 1 {
		return nil
	}
	if id == recString {
		if !x.fPending {
			return nil
		}
		x.fPending = false
		text, err := x.b.str(s, data, 0, 2)
		if err != nil {
			return x.damaged(s.recPos, err)
		}
		x.queue = append(x.queue, xlsCell{row: x.fRow, col: x.fCol, text: text})
		return nil
	}
	if isCellRecord(id) {
		x.fPending = false
	}
	var row, col, xf int
	if isCellRecord(id) {
		var ok bool
		row, _ = u16(data, 0)
		col, _ = u16(data, 2)
		if xf, ok = u16(data, 4); !ok {
			return x.damaged(s.recPos, fmt.Errorf("the cell record 0x%04X is too short", id))
		}
	}
	switch id {
	case recLabelSST:
		if len(data) < 10 {
			return x.damaged(s.recPos, errors.New("a text cell is too short"))
		}
		text := ""
		switch {
		case x.scanning:
			text = "s"
		case x.b.sst != nil:
			text, _ = x.b.sst.get(int(binary.LittleEndian.Uint32(data[6:])))
		}
		x.queue = append(x.queue, xlsCell{row, col, text})
	case recLabel, recRString:
		text, err := x.b.str(s, data, 6, 2)
		if err != nil {
			return x.damaged(s.recPos, err)
		}
		x.queue = append(x.queue, xlsCell{row, col, text})
	case recNumber:
		if len(data) < 14 {
			return x.damaged(s.recPos, errors.New("a number cell is too short"))
		}
		v := math.Float64frombits(binary.LittleEndian.Uint64(data[6:]))
		x.queue = append(x.queue, xlsCell{row, col, x.number(v, xf)})
	case recRK:
		if len(data) < 10 {
			return x.damaged(s.recPos, errors.New("a number cell is too short"))
		}
		x.queue = append(x.queue, xlsCell{row, col, x.number(rkValue(binary.LittleEndian.Uint32(data[6:])), xf)})
	case recMulRK:
		// row, first column, then (xf, rk) pairs, then the last column.
		if len(data) < 6 || (len(data)-6)%6 != 0 {
			return x.damaged(s.recPos, errors.New("a MULRK record has a broken length"))
		}
		n := (len(data) - 6) / 6
		for i := 0; i < n; i++ {
			p := 4 + 6*i
			xfi := int(binary.LittleEndian.Uint16(data[p:]))
			rk := binary.LittleEndian.Uint32(data[p+2:])
			x.queue = append(x.queue, xlsCell{row, col + i, x.number(rkValue(rk), xfi)})
		}
	case recBoolErr:
		if len(data) < 8 {
			return x.damaged(s.recPos, errors.New("a boolean cell is too short"))
		}
		x.queue = append(x.queue, xlsCell{row, col, boolErrText(data[6], data[7] != 0)})
	case recFormula:
		if len(data) < 14 {
			return x.damaged(s.recPos, errors.New("a formula cell is too short"))
		}
		res := data[6:14]
		if res[6] != 0xFF || res[7] != 0xFF {
			v := math.Float64frombits(binary.LittleEndian.Uint64(res))
			x.queue = append(x.queue, xlsCell{row, col, x.number(v, xf)})
			return nil
		}
		switch res[0] {
		case 0: // the text follows in a STRING record
			x.fRow, x.fCol, x.fPending = row, col, true
		case 1:
			x.queue = append(x.queue, xlsCell{row, col, boolErrText(res[2], false)})
		case 2:
			x.queue = append(x.queue, xlsCell{row, col, boolErrText(res[2], true)})
		}
	}
	return nil
}

func isCellRecord(id uint16) bool {
	switch id {
	case recLabelSST, recLabel, recRString, recNumber, recRK, recMulRK, recBoolErr, recFormula, 0x0201, 0x00BE:
		return true
	}
	return false
}

// number shows a numeric cell the way the .xlsx reader shows it: a date when
// its format is a date format, else as its number format displays it.
func (x *xlsSheetRows) number(v float64, xf int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return ""
	}
	if x.scanning {
		return "n" // the first pass only looks at positions
	}
	return numberText(x.b.styles, x.b.nf, x.b.date1904, xf, strconv.FormatFloat(v, 'g', -1, 64))
}

// rkValue decodes an RK number: a 30-bit integer or the top 30 bits of a
// double, optionally divided by 100.
func rkValue(rk uint32) float64 {
	var v float64
	if rk&0x02 != 0 {
		v = float64(int32(rk) >> 2)
	} else {
		v = math.Float64frombits(uint64(rk&^0x03) << 32)
	}
	if rk&0x01 != 0 {
		v /= 100
	}
	return v
}

func boolErrText(v byte, isErr bool) string {
	if !isErr {
		if v != 0 {
			return "TRUE"
		}
		return "FALSE"
	}
	switch v {
	case 0x00:
		return "#NULL!"
	case 0x07:
		return "#DIV/0!"
	case 0x0F:
		return "#VALUE!"
	case 0x17:
		return "#REF!"
	case 0x1D:
		return "#NAME?"
	case 0x24:
		return "#NUM!"
	case 0x2A:
		return "#N/A"
	}
	return "#ERROR!"
}
