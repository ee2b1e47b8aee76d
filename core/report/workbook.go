package report

import (
	"archive/zip"
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"handover/core/internal/pdeflate"
	"handover/core/model"
)

// The workbook is written here part by part, straight into the zip stream,
// rather than through excelize: excelize keeps up to 16 MB of every
// streamed sheet in memory until the end, builds the whole .xlsx in a
// bytes.Buffer before writing it out, and parses every sheet back into
// memory to set the active tab. At a million rows that was hundreds of
// megabytes. This writer holds one row at a time; its output is the same
// for the same rows (fixed part order, fixed timestamps, fixed compression
// level), so a package stays reproducible without re-zipping.

// Excel's limits.
const (
	maxRows      = 1 << 20 // rows per sheet
	maxCols      = 1 << 14 // columns per sheet
	maxCellChars = 32767   // UTF-16 units in one cell
)

// Cell styles, by index in styles.xml's cellXfs.
const (
	styleNone  = 0
	styleBold  = 1
	styleMoney = 2 // #,##0.00
)

const (
	nsMain = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
	nsRel  = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	xmlHdr = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
)

const stylesXML = xmlHdr + `<styleSheet xmlns="` + nsMain + `">` +
	`<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>` +
	`<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>` +
	`<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>` +
	`<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
	`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
	`<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
	`<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>` +
	`<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>` +
	`<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>` +
	`</styleSheet>`

// workbook writes an .xlsx whose sheet names are known up front; the sheets
// are then written one after another, in that order.
type workbook struct {
	zw     *zip.Writer
	mod    time.Time
	names  []string
	next   int // index of the next sheet to write
	open   *sheet
	closed bool
}

func newWorkbook(w io.Writer, mod time.Time, names []string) (*workbook, error) {
	if len(names) == 0 {
		return nil, errors.New("a workbook needs at least one sheet")
	}
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, pdeflate.Compressor) // fixed level and cut points: same bytes every time
	wb := &workbook{zw: zw, mod: mod, names: names}
	var ct, rels, book strings.Builder
	ct.WriteString(xmlHdr + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
		`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>`)
	rels.WriteString(xmlHdr + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	book.WriteString(xmlHdr + `<workbook xmlns="` + nsMain + `" xmlns:r="` + nsRel + `">` +
		`<bookViews><workbookView activeTab="0"/></bookViews><sheets>`)
	for i, n := range names {
		id := strconv.Itoa(i + 1)
		fmt.Fprintf(&ct, `<Override PartName="/xl/worksheets/sheet%s.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, id)
		fmt.Fprintf(&rels, `<Relationship Id="rId%s" Type="%s/worksheet" Target="worksheets/sheet%s.xml"/>`, id, nsRel, id)
		book.WriteString(`<sheet name="`)
		xml.EscapeText(&book, []byte(n))
		fmt.Fprintf(&book, `" sheetId="%s" r:id="rId%s"/>`, id, id)
	}
	ct.WriteString(`</Types>`)
	fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="%s/styles" Target="styles.xml"/></Relationships>`, len(names)+1, nsRel)
	book.WriteString(`</sheets></workbook>`)
	for _, p := range []struct{ name, body string }{
		{"[Content_Types].xml", ct.String()},
		{"_rels/.rels", xmlHdr + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="` + nsRel + `/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", book.String()},
		{"xl/_rels/workbook.xml.rels", rels.String()},
		{"xl/styles.xml", stylesXML},
	} {
		pw, err := wb.part(p.name)
		if err != nil {
			return nil, err
		}
		if _, err := io.WriteString(pw, p.body); err != nil {
			return nil, err
		}
	}
	return wb, nil
}

func (wb *workbook) part(name string) (io.Writer, error) {
	return wb.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: wb.mod})
}

// sheet is one worksheet being written: rows go out as they are added.
type sheet struct {
	bw      *bufio.Writer
	name    string
	row     int // the last row number used
	full    bool
	scratch []byte
}

// sheet starts the next sheet. widths are the first columns' widths;
// freeze keeps the first row in view while scrolling.
func (wb *workbook) sheet(widths []float64, freeze bool) (*sheet, error) {
	if wb.open != nil {
		if err := wb.open.flush(); err != nil {
			return nil, err
		}
		wb.open = nil
	}
	if wb.next >= len(wb.names) {
		return nil, errors.New("more sheets than the workbook names")
	}
	i := wb.next
	wb.next++
	pw, err := wb.part(sheetPart(i))
	if err != nil {
		return nil, err
	}
	wb.open = startSheet(pw, wb.names[i], i == 0, widths, freeze)
	return wb.open, nil
}

func sheetPart(i int) string { return "xl/worksheets/sheet" + strconv.Itoa(i+1) + ".xml" }

// Part is a workbook part written apart, already compressed as the
// workbook's own deflate would compress it: the workbook copies it in as
// it is.
type Part interface {
	CopyInto(zw *zip.Writer, name string, mod time.Time) error
}

// copyPart puts the next sheet in from a part written apart.
func (wb *workbook) copyPart(p Part) error {
	if wb.open != nil {
		if err := wb.open.flush(); err != nil {
			return err
		}
		wb.open = nil
	}
	if wb.next >= len(wb.names) {
		return errors.New("more sheets than the workbook names")
	}
	i := wb.next
	wb.next++
	return p.CopyInto(wb.zw, sheetPart(i), wb.mod)
}

// startSheet writes the start of a sheet into w; the first sheet is the
// one selected when the workbook opens.
func startSheet(w io.Writer, name string, selected bool, widths []float64, freeze bool) *sheet {
	s := &sheet{bw: bufio.NewWriterSize(w, 64<<10), name: name}
	s.bw.WriteString(xmlHdr + `<worksheet xmlns="` + nsMain + `" xmlns:r="` + nsRel + `"><sheetViews><sheetView`)
	if selected {
		s.bw.WriteString(` tabSelected="1"`)
	}
	s.bw.WriteString(` workbookViewId="0"`)
	if freeze {
		s.bw.WriteString(`><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>` +
			`<selection pane="bottomLeft"/></sheetView>`)
	} else {
		s.bw.WriteString(`/>`)
	}
	s.bw.WriteString(`</sheetViews><sheetFormatPr defaultRowHeight="15"/>`)
	if len(widths) > 0 {
		s.bw.WriteString(`<cols>`)
		for c, wd := range widths {
			n := strconv.Itoa(c + 1)
			fmt.Fprintf(s.bw, `<col min="%s" max="%s" width="%s" customWidth="1"/>`, n, n, strconv.FormatFloat(wd, 'f', -1, 64))
		}
		s.bw.WriteString(`</cols>`)
	}
	s.bw.WriteString(`<sheetData>`)
	return s
}

func (s *sheet) flush() error {
	s.bw.WriteString(`</sheetData></worksheet>`)
	return s.bw.Flush()
}

// close finishes the last sheet and the zip. Every named sheet must have
// been written.
func (wb *workbook) close() error {
	if wb.closed {
		return nil
	}
	wb.closed = true
	if wb.open != nil {
		if err := wb.open.flush(); err != nil {
			return err
		}
		wb.open = nil
	}
	if wb.next != len(wb.names) {
		return fmt.Errorf("the workbook names %d sheets but %d were written", len(wb.names), wb.next)
	}
	return wb.zw.Close()
}

// add writes one row: strings as text (never a formula), integers and
// amounts as numbers.
func (s *sheet) add(vals ...any) error { return s.write(styleNone, vals) }

// heading writes one row in bold.
func (s *sheet) heading(vals ...string) error {
	a := make([]any, len(vals))
	for i, v := range vals {
		a[i] = v
	}
	return s.write(styleBold, a)
}

// blank leaves an empty row.
func (s *sheet) blank() { s.row++ }

func (s *sheet) write(style int, vals []any) error {
	if s.full {
		return nil
	}
	s.row++
	if s.row == maxRows && len(vals) > 0 {
		// The last row Excel can show says that the sheet stops here.
		s.full = true
		vals = []any{fmt.Sprintf("Excel shows at most %d rows on a sheet: the rest of %q is not listed here.", maxRows, s.name)}
	}
	b := s.scratch[:0]
	b = append(b, `<row r="`...)
	b = strconv.AppendInt(b, int64(s.row), 10)
	b = append(b, `">`...)
	for i, v := range vals {
		if i >= maxCols {
			break
		}
		b = s.cell(b, i, style, v)
	}
	b = append(b, `</row>`...)
	s.scratch = b
	_, err := s.bw.Write(b)
	return err
}

// cell appends one <c> element; empty strings and nil write nothing.
func (s *sheet) cell(b []byte, col, style int, v any) []byte {
	var num []byte
	str, isStr := "", false
	switch x := v.(type) {
	case nil:
		return b
	case string:
		str, isStr = x, true
	case int:
		num = strconv.AppendInt(nil, int64(x), 10)
	case int64:
		num = strconv.AppendInt(nil, x, 10)
	case float64:
		num = strconv.AppendFloat(nil, x, 'f', -1, 64)
	case model.Cents:
		num = strconv.AppendFloat(nil, float64(x)/100, 'f', -1, 64)
		if style == styleNone {
			style = styleMoney
		}
	default:
		str, isStr = fmt.Sprint(x), true
	}
	if isStr && str == "" {
		return b
	}
	b = append(b, `<c r="`...)
	b = appendCol(b, col)
	b = strconv.AppendInt(b, int64(s.row), 10)
	b = append(b, '"')
	if style != styleNone {
		b = append(b, ` s="`...)
		b = strconv.AppendInt(b, int64(style), 10)
		b = append(b, '"')
	}
	if !isStr {
		b = append(b, `><v>`...)
		b = append(b, num...)
		return append(b, `</v></c>`...)
	}
	str = clip(str)
	b = append(b, ` t="inlineStr"><is><t`...)
	if str[0] == ' ' || str[len(str)-1] == ' ' || strings.ContainsAny(str, "\t\n\r") {
		b = append(b, ` xml:space="preserve"`...)
	}
	b = append(b, '>')
	b = appendEscaped(b, str)
	return append(b, `</t></is></c>`...)
}

// appendCol appends the column letters of a 0-based column (A, …, Z, AA, …).
func appendCol(b []byte, col int) []byte {
	var tmp [4]byte
	i := len(tmp)
	for n := col + 1; n > 0; n = (n - 1) / 26 {
		i--
		tmp[i] = byte('A' + (n-1)%26)
	}
	return append(b, tmp[i:]...)
}

// clip cuts a value to what one Excel cell holds.
func clip(s string) string {
	if len(s) <= maxCellChars {
		return s
	}
	units := 0
	for i, r := range s {
		u := 1
		if r > 0xFFFF {
			u = 2
		}
		if units+u > maxCellChars {
			return s[:i]
		}
		units += u
	}
	return s
}

// appendEscaped appends s as XML character data. Characters XML cannot
// carry (most control characters, broken UTF-8) become U+FFFD.
func appendEscaped(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '&':
				b = append(b, "&amp;"...)
			case c == '<':
				b = append(b, "&lt;"...)
			case c == '>':
				b = append(b, "&gt;"...)
			case c == '\r':
				b = append(b, "&#xD;"...)
			case c == '\t' || c == '\n' || c >= 0x20:
				b = append(b, c)
			default:
				b = append(b, "\uFFFD"...)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || r == 0xFFFE || r == 0xFFFF || (r >= 0xD800 && r <= 0xDFFF) {
			b = append(b, "\uFFFD"...)
		} else {
			b = append(b, s[i:i+n]...)
		}
		i += n
	}
	return b
}
