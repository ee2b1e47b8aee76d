package tabular

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// ErrPasswordProtected is returned for encrypted workbooks.
var ErrPasswordProtected = errors.New("this workbook is password-protected: open it in Excel, remove the password (File > Info > Protect Workbook), save, and add it again")

type dateKind int

const (
	notDate dateKind = iota
	isDate           // has day/month/year parts
	isTime           // time of day only
)

type xlsxReader struct {
	zr     *zip.ReadCloser
	wb     *workbookMeta
	info   Info
	opts   Options
	sheets []wbSheet
	next   int // index of the next sheet to open
	cur    *xlsxSheet
	queue  []Row
	styles []styleInfo
	sst    *sharedStrings
	fm     *numFormatter
	closed bool

	// openRows and closeSrc read a workbook that is not an .xlsx package
	// (.xls, xls.go) through the same header and not-data logic; nil for .xlsx.
	// openRows returns nil rows for a sheet without cells (chart, macros).
	openRows func(sh wbSheet) (sheetRows, error)
	closeSrc func() error
}

// sheetRows yields one sheet's physical rows in order; Num is the Excel row
// number and rows missing from the file come back empty.
type sheetRows interface {
	next() (num int64, cells []string, ok bool, err error)
	close()
}

type xlsxSheet struct {
	table  *Table
	rows   sheetRows
	num    int64 // row number of the last row read
	width  int
	done   bool
	header bool
}

func damagedWorkbook(err error) error {
	return fmt.Errorf("this workbook is damaged or is not a real .xlsx file (%v): open it in Excel and save it again as .xlsx, then add it again", err)
}

func openXLSX(p string, opts Options) (Reader, error) {
	head := make([]byte, 8)
	if fh, err := os.Open(p); err == nil {
		n, _ := io.ReadFull(fh, head)
		fh.Close()
		head = head[:n]
	}
	if bytes.HasPrefix(head, magicCFB) {
		return nil, ErrPasswordProtected
	}
	zr, err := zip.OpenReader(p)
	if err != nil {
		return nil, damagedWorkbook(err)
	}
	wb, err := readWorkbook(&zr.Reader)
	if err != nil {
		zr.Close()
		return nil, damagedWorkbook(err)
	}
	r := &xlsxReader{zr: zr, wb: wb, opts: opts, fm: &numFormatter{}, info: Info{Format: FormatXLSX, Encoding: "utf-8", Guessed: map[string]string{}}}
	r.styles = readStyles(&zr.Reader, wb.stylesPart)
	if err := r.selectSheets(wb.sheets); err != nil {
		r.Close()
		return nil, err
	}
	if len(r.sheets) > 0 {
		if r.sst, err = loadSharedStrings(&zr.Reader, wb.sstPart); err != nil {
			r.Close()
			return nil, damagedWorkbook(err)
		}
	}
	// Prepare the first sheet now so Info is meaningful straight after Open.
	if len(r.sheets) > 0 {
		if err := r.openNextSheet(); err != nil {
			r.Close()
			return nil, err
		}
	}
	return r, nil
}

// selectSheets keeps the sheets to read (all, or the one Options.Sheet names).
func (r *xlsxReader) selectSheets(all []wbSheet) error {
	var names []string
	for _, sh := range all {
		names = append(names, sh.name)
		if r.opts.Sheet != "" && !strings.EqualFold(sh.name, r.opts.Sheet) {
			continue
		}
		r.sheets = append(r.sheets, sh)
		if sh.hidden {
			r.info.Notes = append(r.info.Notes, fmt.Sprintf("sheet '%s' is hidden in Excel; its rows are read too", sh.name))
		}
	}
	if r.opts.Sheet != "" && len(r.sheets) == 0 {
		return fmt.Errorf("the workbook has no sheet named %q (sheets: %s)", r.opts.Sheet, strings.Join(names, ", "))
	}
	return nil
}

func findZipFile(zr *zip.Reader, name string) *zip.File {
	for _, f := range zr.File {
		if strings.EqualFold(strings.ReplaceAll(f.Name, "\\", "/"), name) {
			return f
		}
	}
	return nil
}

func readZipXML(zr *zip.Reader, name string, v any) error {
	zf := findZipFile(zr, name)
	if zf == nil {
		return fmt.Errorf("%s is missing", name)
	}
	rc, err := zf.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(io.LimitReader(rc, 64<<20)).Decode(v)
}

func builtinDateKind(id int) dateKind {
	switch {
	case id >= 14 && id <= 17, id == 22, id >= 27 && id <= 36, id >= 50 && id <= 58:
		return isDate
	case id >= 18 && id <= 21, id == 45, id == 47:
		return isTime
	}
	return notDate // 46 is [h]:mm:ss, an elapsed time: keep as shown
}

// classifyNumFmt reads a custom number format code such as "dd/mm/yyyy",
// "[$-409]mmmm d, yyyy;@" or "h:mm AM/PM".
func classifyNumFmt(code string) dateKind {
	if i := strings.IndexByte(code, ';'); i >= 0 {
		code = code[:i]
	}
	var b strings.Builder
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch c {
		case '"':
			j := strings.IndexByte(code[i+1:], '"')
			if j < 0 {
				i = len(code)
			} else {
				i += j + 1
			}
		case '\\', '_', '*':
			i++
		case '[':
			j := strings.IndexByte(code[i:], ']')
			if j < 0 {
				i = len(code)
				continue
			}
			inner := strings.ToLower(code[i+1 : i+j])
			if inner == "h" || inner == "hh" || inner == "m" || inner == "mm" || inner == "s" || inner == "ss" {
				return notDate // elapsed time: keep as shown
			}
			i += j
		default:
			b.WriteByte(c | 0x20)
		}
	}
	s := b.String()
	if strings.ContainsAny(s, "dy") {
		return isDate
	}
	if strings.ContainsAny(s, "hs") {
		return isTime
	}
	return notDate
}

// excelDate turns a serial date into ISO text.
func excelDate(raw string, kind dateKind, date1904 bool) (string, bool) {
	v, err := strconv.ParseFloat(strings.TrimSpace(raw), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || v > 2958466 {
		return "", false
	}
	t, err := excelize.ExcelDateToTime(v, date1904)
	if err != nil {
		return "", false
	}
	t = t.Round(time.Second)
	switch {
	case v < 1 && kind == isTime:
		return t.Format("15:04:05"), true
	case t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && kind == isDate:
		return t.Format("2006-01-02"), true
	default:
		return t.Format("2006-01-02T15:04:05"), true
	}
}

func (r *xlsxReader) Info() Info { return r.info }

func (r *xlsxReader) Close() error {
	if r.cur != nil {
		r.closeSheet()
	}
	r.closed = true
	r.sst.close()
	r.sst = nil
	r.fm.close()
	if r.closeSrc != nil {
		err := r.closeSrc()
		r.closeSrc = nil
		return err
	}
	if r.zr != nil {
		err := r.zr.Close()
		r.zr = nil
		return err
	}
	return nil
}

func (r *xlsxReader) closeSheet() {
	if r.cur.rows != nil {
		r.cur.rows.close()
	}
	r.cur = nil
}

func (r *xlsxReader) Next() (Row, error) { return safeNext(r.nextRow) }

func (r *xlsxReader) nextRow() (Row, error) {
	for len(r.queue) == 0 {
		if r.closed {
			return Row{}, errors.New("reader is closed")
		}
		if r.cur == nil {
			if r.next >= len(r.sheets) {
				return Row{}, io.EOF
			}
			if err := r.openNextSheet(); err != nil {
				return Row{}, err
			}
			continue
		}
		if r.cur.done {
			r.closeSheet()
			continue
		}
		num, cells, ok, err := r.readSheetRow()
		if err != nil {
			return Row{}, err
		}
		if !ok {
			r.cur.done = true
			continue
		}
		r.queue = append(r.queue, r.rowFor(num, cells))
	}
	row := r.queue[0]
	r.queue[0] = Row{}
	r.queue = r.queue[1:]
	return row, nil
}

// readSheetRow returns the next physical row of the current sheet.
func (r *xlsxReader) readSheetRow() (int64, []string, bool, error) {
	s := r.cur
	num, cells, ok, err := s.rows.next()
	if err != nil {
		return 0, nil, false, fmt.Errorf("sheet '%s': %w", s.table.Name, err)
	}
	if ok {
		s.num = num
	}
	return num, cells, ok, nil
}

func (r *xlsxReader) openNextSheet() error {
	sh := r.sheets[r.next]
	name := sh.name
	r.next++
	var st sheetRows
	if r.openRows != nil {
		rows, err := r.openRows(sh)
		if err != nil {
			return err
		}
		if rows == nil {
			r.info.Notes = append(r.info.Notes, fmt.Sprintf("sheet '%s' has no cells to read (it is a %s)", name, sh.part))
			return nil
		}
		st = rows
	} else {
		zf := findZipFile(&r.zr.Reader, sh.part)
		if zf == nil || !strings.Contains(sh.part, "worksheets/") {
			r.info.Notes = append(r.info.Notes, fmt.Sprintf("sheet '%s' has no cells to read (it is a chart or macro sheet, or missing)", name))
			return nil
		}
		rc, err := zf.Open()
		if err != nil {
			return damagedWorkbook(err)
		}
		st = newSheetStream(rc, r.sst, r.styles, r.fm, r.wb.date1904)
	}
	s := &xlsxSheet{table: &Table{Name: name}, rows: st}
	r.cur = s
	// Read ahead the detection window.
	var buf [][]string
	var nums []int64
	for len(buf) < detectWindow || (r.opts.HeaderRow > 0 && (len(nums) == 0 || nums[len(nums)-1] < int64(r.opts.HeaderRow))) {
		num, cells, ok, err := r.readSheetRow()
		if err != nil {
			return err
		}
		if !ok {
			s.done = true
			break
		}
		buf = append(buf, cells)
		nums = append(nums, num)
	}
	if len(buf) == 0 {
		r.info.Notes = append(r.info.Notes, fmt.Sprintf("sheet '%s' is empty", name))
		return nil
	}
	hdr := -1
	switch {
	case r.opts.HeaderRow > 0:
		for i, n := range nums {
			if n == int64(r.opts.HeaderRow) {
				hdr = i
			}
		}
		if hdr < 0 {
			return fmt.Errorf("sheet '%s' has no row %d to use as the header", name, r.opts.HeaderRow)
		}
	case r.opts.HeaderRow < 0:
	default:
		var why string
		hdr, why = findHeader(buf, nums)
		r.info.Guessed["header: "+name] = why
	}
	if hdr >= 0 {
		s.header = true
		s.table.Header = cleanHeader(buf[hdr][:filledWidth(buf[hdr])])
		s.table.HeaderRow = int(nums[hdr])
	} else {
		w := 0
		for _, b := range buf {
			w = max(w, filledWidth(b))
		}
		s.table.Header = columnNames(w)
	}
	s.width = len(s.table.Header)
	if r.info.HeaderRow == 0 {
		r.info.HeaderRow = s.table.HeaderRow
	}

	if why, notTable := r.notATable(s, buf, hdr, nums); notTable {
		r.info.Notes = append(r.info.Notes, fmt.Sprintf("sheet '%s' is %s, not data", name, why))
		for i, cells := range buf {
			kind := NotData
			if nonEmpty(cells) == 0 {
				kind = Empty
			}
			r.queue = append(r.queue, Row{Table: s.table, Num: nums[i], Kind: kind, Values: cells,
				Reason: fmt.Sprintf("sheet '%s' row %d: the sheet is %s, not data", name, nums[i], why)})
		}
		return nil
	}
	for i, cells := range buf {
		switch {
		case i == hdr:
			continue
		case i < hdr:
			kind, reason := NotData, fmt.Sprintf("sheet '%s' row %d is above the header row %d: report title or notes", name, nums[i], s.table.HeaderRow)
			if nonEmpty(cells) == 0 {
				kind, reason = Empty, fmt.Sprintf("sheet '%s' row %d is empty (above the header)", name, nums[i])
			}
			r.queue = append(r.queue, Row{Table: s.table, Num: nums[i], Kind: kind, Values: cells, Reason: reason})
		default:
			r.queue = append(r.queue, r.rowFor(nums[i], cells))
		}
	}
	return nil
}

// notATable decides whether a short sheet is a summary/report page rather than a table.
func (r *xlsxReader) notATable(s *xlsxSheet, buf [][]string, hdr int, nums []int64) (string, bool) {
	if !s.done || r.opts.Sheet != "" || r.opts.HeaderRow != 0 {
		return "", false
	}
	score := 0
	var why []string
	if reSummary.MatchString(s.table.Name) {
		score += 2
		why = append(why, "its name says so")
	}
	if len(buf) <= 20 {
		score++
		why = append(why, fmt.Sprintf("it has only %d rows", len(buf)))
	}
	if hdr < 0 {
		score += 2
		why = append(why, "no row looks like column titles")
	}
	data, totals := 0, 0
	for i, cells := range buf {
		if i <= hdr {
			continue
		}
		switch k, _ := classify(cells, s.table.Header); k {
		case Data:
			data++
		case NotData:
			totals++
		}
	}
	if data < 2 {
		score++
		why = append(why, fmt.Sprintf("only %d row(s) look like records", data))
	}
	if totals > 0 {
		score++
		why = append(why, "it has totals rows")
	}
	if score < 3 {
		return "", false
	}
	kind := "a summary"
	if strings.Contains(strings.ToLower(s.table.Name), "report") {
		kind = "a report page"
	}
	return fmt.Sprintf("%s (%s)", kind, strings.Join(why, ", ")), true
}

func (r *xlsxReader) rowFor(num int64, cells []string) Row {
	s := r.cur
	row := Row{Table: s.table, Num: num, Values: cells}
	kind, why := classify(cells, headerIf(s))
	switch kind {
	case Empty:
		row.Kind, row.Reason = Empty, fmt.Sprintf("sheet '%s' row %d is empty", s.table.Name, num)
		return row
	case NotData:
		row.Kind, row.Reason = NotData, fmt.Sprintf("sheet '%s' row %d %s", s.table.Name, num, why)
		return row
	}
	vals, ok := fitValues(cells, s.width, true)
	if !ok {
		row.Kind = Rejected
		row.Reason = fmt.Sprintf("sheet '%s' row %d has values in %d columns, the header has %d", s.table.Name, num, filledWidth(cells), s.width)
		return row
	}
	row.Kind, row.Values = Data, vals
	return row
}

func headerIf(s *xlsxSheet) []string {
	if !s.header {
		return nil
	}
	return s.table.Header
}
