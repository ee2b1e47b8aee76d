package tabular

// Streaming access to the parts of an .xlsx package.
//
// excelize's Rows() iterator was measured at ~192 MB peak RSS on a 200k-row
// workbook with 1.4M shared strings (its shared-string offset index is a
// [][]uint, ~45 bytes per string, plus growth garbage), and it cannot tell a
// date-styled cell from a plain number. This reader streams the sheet XML
// itself, keeps the shared strings in a temp file indexed by one int64 per
// string, reads cell styles from styles.xml, and asks excelize only to format
// numbers whose number format is neither General nor a date (so "1234.010"
// and "1,234.50" come out as Excel shows them).

import (
	"archive/zip"
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

const (
	sstInMemory = 8 << 20 // shared-string parts up to this size stay in memory
	maxColumns  = 16384   // Excel's limit (XFD)
)

type wbSheet struct {
	name   string
	part   string // xlsx: the sheet's part; xls: "worksheet", "chart", ...
	hidden bool
	pos    int64 // xls: where the sheet's records start in the Workbook stream
}

type workbookMeta struct {
	sheets     []wbSheet
	date1904   bool
	sstPart    string
	stylesPart string
}

func relTarget(t string) string {
	if strings.HasPrefix(t, "/") {
		return strings.TrimPrefix(t, "/")
	}
	return path.Join("xl", t)
}

func readWorkbook(zr *zip.Reader) (*workbookMeta, error) {
	var wb struct {
		Pr struct {
			Date1904 string `xml:"date1904,attr"`
		} `xml:"workbookPr"`
		Sheets []struct {
			Name  string `xml:"name,attr"`
			State string `xml:"state,attr"`
			RID   string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := readZipXML(zr, "xl/workbook.xml", &wb); err != nil {
		return nil, err
	}
	if err := readZipXML(zr, "xl/_rels/workbook.xml.rels", &rels); err != nil {
		return nil, err
	}
	m := &workbookMeta{sstPart: "xl/sharedStrings.xml", stylesPart: "xl/styles.xml"}
	m.date1904 = wb.Pr.Date1904 == "1" || strings.EqualFold(wb.Pr.Date1904, "true")
	targets := map[string]string{}
	for _, r := range rels.Rels {
		targets[r.ID] = relTarget(r.Target)
		switch {
		case strings.HasSuffix(r.Type, "/sharedStrings"):
			m.sstPart = relTarget(r.Target)
		case strings.HasSuffix(r.Type, "/styles"):
			m.stylesPart = relTarget(r.Target)
		}
	}
	for _, s := range wb.Sheets {
		m.sheets = append(m.sheets, wbSheet{name: s.Name, part: targets[s.RID], hidden: s.State == "hidden" || s.State == "veryHidden"})
	}
	return m, nil
}

type styleInfo struct {
	numFmtID int
	code     string // custom format code, "" for built-in formats
	kind     dateKind
}

func readStyles(zr *zip.Reader, part string) []styleInfo {
	var ss struct {
		NumFmts []struct {
			ID   int    `xml:"numFmtId,attr"`
			Code string `xml:"formatCode,attr"`
		} `xml:"numFmts>numFmt"`
		Xfs []struct {
			NumFmtID int `xml:"numFmtId,attr"`
		} `xml:"cellXfs>xf"`
	}
	if err := readZipXML(zr, part, &ss); err != nil {
		return nil // no styles: everything is General
	}
	codes := map[int]string{}
	for _, n := range ss.NumFmts {
		codes[n.ID] = n.Code
	}
	out := make([]styleInfo, len(ss.Xfs))
	for i, x := range ss.Xfs {
		st := styleInfo{numFmtID: x.NumFmtID}
		if c, ok := codes[x.NumFmtID]; ok {
			st.code = c
			st.kind = classifyNumFmt(c)
		} else {
			st.kind = builtinDateKind(x.NumFmtID)
		}
		out[i] = st
	}
	return out
}

// ---- shared strings ----

type sharedStrings struct {
	mem  []string
	f    *os.File
	offs []int64 // start of string i; offs[len] = end
	buf  []byte
}

var reXEscape = regexp.MustCompile(`_x[0-9A-Fa-f]{4}_`)

// unescapeOOXML turns Excel's _xHHHH_ escapes (e.g. _x000D_ for CR) back into characters.
func unescapeOOXML(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	return reXEscape.ReplaceAllStringFunc(s, func(m string) string {
		n, err := strconv.ParseUint(m[2:6], 16, 32)
		if err != nil {
			return m
		}
		return string(rune(n))
	})
}

func loadSharedStrings(zr *zip.Reader, part string) (*sharedStrings, error) {
	s := &sharedStrings{}
	zf := findZipFile(zr, part)
	if zf == nil {
		return s, nil
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var w *bufio.Writer
	var off int64
	if zf.UncompressedSize64 > sstInMemory {
		f, err := os.CreateTemp("", "handover-sst-*")
		if err != nil {
			return nil, err
		}
		s.f = f
		w = bufio.NewWriterSize(f, 1<<20)
	}
	// Tags must match here, as they did with Decoder.Token.
	x := newXMLScan(rc, true)
	var text []byte
	for {
		tok, err := x.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			s.close()
			return nil, fmt.Errorf("the shared strings are damaged: %v", err)
		}
		if tok != tokStart || string(x.local) != "si" {
			continue
		}
		if text, err = x.richText(text[:0], "si"); err != nil {
			s.close()
			return nil, fmt.Errorf("the shared strings are damaged: %v", err)
		}
		if w == nil {
			s.mem = append(s.mem, unescapeOOXML(string(text)))
			continue
		}
		s.offs = append(s.offs, off)
		n, err := w.WriteString(unescapeOOXML(string(text)))
		if err != nil {
			s.close()
			return nil, err
		}
		off += int64(n)
	}
	if w != nil {
		s.offs = append(s.offs, off)
		if err := w.Flush(); err != nil {
			s.close()
			return nil, err
		}
	}
	return s, nil
}

func (s *sharedStrings) get(i int) (string, bool) {
	if s.f == nil {
		if i < 0 || i >= len(s.mem) {
			return "", false
		}
		return s.mem[i], true
	}
	if i < 0 || i+1 >= len(s.offs) {
		return "", false
	}
	n := int(s.offs[i+1] - s.offs[i])
	if cap(s.buf) < n {
		s.buf = make([]byte, n)
	}
	b := s.buf[:n]
	if _, err := s.f.ReadAt(b, s.offs[i]); err != nil {
		return "", false
	}
	return string(b), true
}

func (s *sharedStrings) close() {
	if s != nil && s.f != nil {
		name := s.f.Name()
		s.f.Close()
		os.Remove(name)
		s.f = nil
	}
}

// ---- number formatting (as Excel shows it) ----

type numFormatter struct {
	f   *excelize.File
	ids map[int]int // workbook style id -> scratch style id (-1: cannot format)
	// shown keeps the text of numbers formatted before (a ledger's amounts
	// recur), each a round trip through a scratch workbook.
	shown map[shownKey]string
}

type shownKey struct {
	sid int
	raw string
}

// maxShown caps numFormatter.shown.
const maxShown = 4096

func (n *numFormatter) format(raw string, sid int, st styleInfo) string {
	if v, ok := n.shown[shownKey{sid, raw}]; ok {
		return v
	}
	v := n.formatOnce(raw, sid, st)
	if n.shown == nil {
		n.shown = map[shownKey]string{}
	}
	if len(n.shown) < maxShown {
		n.shown[shownKey{sid, strings.Clone(raw)}] = v
	}
	return v
}

func (n *numFormatter) close() {
	if n.f != nil {
		n.f.Close()
	}
}

func (n *numFormatter) formatOnce(raw string, sid int, st styleInfo) string {
	if n.f == nil {
		n.f = excelize.NewFile()
		n.ids = map[int]int{}
	}
	id, ok := n.ids[sid]
	if !ok {
		style := &excelize.Style{NumFmt: st.numFmtID}
		if st.code != "" {
			code := st.code
			style = &excelize.Style{CustomNumFmt: &code}
		}
		var err error
		if id, err = n.f.NewStyle(style); err != nil {
			id = -1
		}
		n.ids[sid] = id
	}
	if id < 0 {
		return generalNumber(raw)
	}
	if err := n.f.SetCellDefault("Sheet1", "A1", raw); err != nil {
		return generalNumber(raw)
	}
	if err := n.f.SetCellStyle("Sheet1", "A1", "A1", id); err != nil {
		return generalNumber(raw)
	}
	v, err := n.f.GetCellValue("Sheet1", "A1")
	if err != nil {
		return generalNumber(raw)
	}
	return v
}

// generalNumber shows a number the way the General format does (15 significant digits).
func generalNumber(raw string) string {
	v, err := strconv.ParseFloat(strings.TrimSpace(raw), 64)
	if err != nil {
		return raw
	}
	s := strconv.FormatFloat(v, 'g', 15, 64)
	if strings.ContainsAny(s, "e") {
		if r, err := strconv.ParseFloat(s, 64); err == nil && r == v && len(raw) < 22 {
			return strconv.FormatFloat(v, 'f', -1, 64)
		}
		return s
	}
	return s
}

// ---- sheet stream ----

type sheetStream struct {
	rc       io.ReadCloser
	x        *xmlScan
	sst      *sharedStrings
	styles   []styleInfo
	fm       *numFormatter
	date1904 bool

	lastRow  int64    // row number of the last <row> parsed
	pending  []string // cells of the parsed row not yet returned
	pendNum  int64
	havePend bool
	emitted  int64 // last row number returned
	done     bool
	width    int    // cells in the last row: the next row's starting capacity
	v        []byte // scratch: a cell's <v> text
	inline   []byte // scratch: a cell's inline string
}

func newSheetStream(rc io.ReadCloser, sst *sharedStrings, styles []styleInfo, fm *numFormatter, date1904 bool) *sheetStream {
	return &sheetStream{rc: rc, x: newXMLScan(rc, false), sst: sst, styles: styles, fm: fm, date1904: date1904}
}

func colIndex(ref []byte) int {
	col := 0
	for i := 0; i < len(ref); i++ {
		c := ref[i] | 0x20
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a'+1)
		if col > maxColumns {
			return -1
		}
	}
	return col - 1
}

// next returns the next physical row; rows missing from the XML come back empty.
func (s *sheetStream) next() (int64, []string, bool, error) {
	if !s.havePend && !s.done {
		if err := s.readRow(); err != nil {
			return 0, nil, false, err
		}
	}
	if !s.havePend {
		return 0, nil, false, nil
	}
	if s.pendNum > s.emitted+1 {
		s.emitted++
		return s.emitted, nil, true, nil
	}
	s.havePend = false
	s.emitted = s.pendNum
	return s.pendNum, s.pending, true, nil
}

func (s *sheetStream) readRow() error {
	x := s.x
	for {
		tok, err := x.next()
		if err == io.EOF {
			s.done = true
			return nil
		}
		if err != nil {
			s.done = true
			return fmt.Errorf("after row %d the sheet is damaged: %v", s.lastRow, err)
		}
		if tok != tokStart || string(x.local) != "row" {
			continue
		}
		num := s.lastRow + 1
		if v := x.attr[attrR]; len(v) > 0 {
			if n, ok := parseInt64(v); ok && n > s.lastRow && n <= 1<<20 {
				num = n
			}
		}
		s.lastRow = num
		cells, err := s.readCells()
		if err != nil {
			s.done = true
			return fmt.Errorf("row %d is damaged: %v", num, err)
		}
		cells = cells[:filledWidth(cells)]
		if len(cells) > 0 {
			s.width = len(cells)
		}
		s.pending, s.pendNum, s.havePend = cells, num, true
		return nil
	}
}

// cellType is a cell's t attribute.
type cellType uint8

const (
	cellNumber  cellType = iota // absent or anything not below
	cellShared                  // s
	cellInline                  // inlineStr
	cellFormula                 // str
	cellError                   // e
	cellBool                    // b
	cellISODate                 // d
)

func cellTypeOf(t []byte) cellType {
	switch string(t) {
	case "s":
		return cellShared
	case "inlineStr":
		return cellInline
	case "str":
		return cellFormula
	case "e":
		return cellError
	case "b":
		return cellBool
	case "d":
		return cellISODate
	}
	return cellNumber
}

func (s *sheetStream) readCells() ([]string, error) {
	var cells []string
	x := s.x
	col := -1
	for {
		tok, err := x.next()
		if err != nil {
			return cells, err
		}
		switch tok {
		case tokEnd:
			if string(x.local) == "row" {
				return cells, nil
			}
		case tokStart:
			if string(x.local) != "c" {
				continue
			}
			col++
			if ref := x.attr[attrR]; len(ref) > 0 {
				if c := colIndex(ref); c >= 0 {
					col = c
				}
			}
			typ := cellTypeOf(x.attr[attrT])
			sid := atoiLikeStrconv(x.attr[attrS])
			if err := s.readCell(); err != nil {
				return cells, err
			}
			if col >= maxColumns {
				continue
			}
			val := s.cellText(typ, sid)
			if val == "" {
				continue
			}
			if cells == nil {
				cells = make([]string, 0, max(s.width, col+1))
			}
			for len(cells) <= col {
				cells = append(cells, "")
			}
			cells[col] = val
		}
	}
}

// readCell reads a <c> element's <v> text into s.v and its inline string
// (the last <is>) into s.inline, up to </c>.
func (s *sheetStream) readCell() error {
	x := s.x
	s.v, s.inline = s.v[:0], s.inline[:0]
	inV := false
	for {
		tok, err := x.next()
		if err != nil {
			return err
		}
		switch tok {
		case tokStart:
			switch string(x.local) {
			case "v":
				inV = true
			case "is":
				if s.inline, err = x.richText(s.inline[:0], "is"); err != nil {
					return err
				}
			}
		case tokEnd:
			switch string(x.local) {
			case "v":
				inV = false
			case "c":
				return nil
			}
		case tokText:
			if inV {
				s.v = append(s.v, x.text...)
			}
		}
	}
}

func (s *sheetStream) cellText(typ cellType, sid int) string {
	v := s.v
	switch typ {
	case cellShared:
		i, ok := parseDecimal(bytes.TrimSpace(v))
		if !ok {
			n, err := strconv.Atoi(string(bytes.TrimSpace(v)))
			if err != nil {
				return ""
			}
			i = int64(n)
		}
		str, _ := s.sst.get(int(i))
		return str
	case cellInline:
		if len(s.inline) == 0 {
			return ""
		}
		return unescapeOOXML(string(s.inline))
	case cellFormula, cellError:
		return unescapeOOXML(string(v))
	case cellBool:
		switch string(bytes.TrimSpace(v)) {
		case "1":
			return "TRUE"
		case "0":
			return "FALSE"
		}
		return string(v)
	case cellISODate:
		return string(v)
	}
	return numberText(s.styles, s.fm, s.date1904, sid, string(v))
}

// parseDecimal reads plain decimal digits (no sign, at most 18 of them);
// false for anything else, which the callers hand to strconv.
func parseDecimal(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// parseInt64 is strconv.ParseInt(string(b), 10, 64) without the conversion
// for plain digits.
func parseInt64(b []byte) (int64, bool) {
	if n, ok := parseDecimal(b); ok {
		return n, true
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	return n, err == nil
}

// atoiLikeStrconv is `n, _ := strconv.Atoi(string(b))` (a style index that
// is absent or not a number is 0) without the conversion's allocation.
func atoiLikeStrconv(b []byte) int {
	if len(b) == 0 {
		return 0
	}
	if n, ok := parseDecimal(b); ok {
		return int(n)
	}
	n, _ := strconv.Atoi(string(b))
	return n
}

// numberText shows a numeric cell as Excel does: a date (ISO) when its style
// is a date format, else through its number format (General when it has none).
// The .xls reader shares it, so both formats read the same.
func numberText(styles []styleInfo, fm *numFormatter, date1904 bool, sid int, v string) string {
	if strings.TrimSpace(v) == "" {
		return ""
	}
	if sid >= 0 && sid < len(styles) {
		st := styles[sid]
		if st.kind != notDate {
			if iso, ok := excelDate(v, st.kind, date1904); ok {
				return iso
			}
		}
		if st.numFmtID != 0 || st.code != "" {
			if st.code == "" && st.numFmtID == 49 { // "@" text
				return v
			}
			return fm.format(v, sid, st)
		}
	}
	return generalNumber(v)
}

func (s *sheetStream) close() {
	if s.rc != nil {
		s.rc.Close()
		s.rc = nil
	}
}
