// Package tabular reads every tabular source a firm hands over (CSV/TSV,
// XLSX, XLS, dBase/FoxPro DBF, SQLite, Access via mdbtools) as a stream of rows.
//
// The contract the ingest orchestrator relies on: every physical row after a
// table's header comes out of Reader.Next exactly once, with a Kind. Nothing is
// dropped silently, so "rows read = records + exclusions + rejects" can be
// checked for every file.
//
// Detection (Detect) looks at content only: "SQLite format 3" → sqlite;
// "Standard Jet DB"/"Standard ACE DB" at offset 4 → mdb; a zip holding
// xl/workbook.xml (or a damaged zip naming xl/ parts) → xlsx; an OLE file with
// an EncryptionInfo stream → xlsx (Open explains the password); an OLE file
// with a Workbook (or Excel 5 Book) stream → xls; a dBase/FoxPro version
// byte with a plausible date and first field descriptor → dbf; text that is
// not vCard/iCalendar/mail/XML/JSON/PDF → csv.
//
// Row numbers: CSV Num is the physical line where the record starts (blank
// lines come out as Empty rows, a multi-line record counts once at its first
// line); Options.HeaderRow for CSV is such a line number. XLSX Num is the
// Excel row number (rows missing from the sheet XML come out Empty). DBF Num
// is the record number; SQLite Num is the position in rowid order.
package tabular

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
)

// Options steer detection; the zero value detects everything.
type Options struct {
	Encoding  string // "" = detect; else "utf-8", "utf-16le", "utf-16be", "windows-1252", "cp437", "cp850"
	Delimiter rune   // 0 = detect among , ; \t |
	HeaderRow int    // 0 = detect (may be below report-title rows); -1 = headerless (columns named "1","2",...); n = 1-based row
	Sheet     string // xlsx/xls: only this sheet ("" = all); sqlite/mdb/dbf: table name
}

// Info describes what was found (or forced) when the source was opened.
type Info struct {
	Format    string // "csv" | "xlsx" | "xls" | "dbf" | "sqlite" | "mdb"
	Encoding  string // detected or forced, as above
	Delimiter string // "," ";" "\t" "|" (csv only); "" when none was found (one column)
	HeaderRow int
	Guessed   map[string]string // what was guessed and how sure
	Notes     []string          // plain-words remarks
}

// Table is one sheet / database table / the CSV file itself.
type Table struct {
	Name      string // sheet/table name ("" for CSV)
	Header    []string
	HeaderRow int // 1-based physical row of the header; 0 when the source has no header row (DBF, SQLite, headerless CSV)
}

// RowKind says what a physical row is.
type RowKind int

const (
	// Data is a record: Values has exactly len(Table.Header) entries.
	Data RowKind = iota
	// Empty is a row with no values at all (blank line, empty spreadsheet row).
	Empty
	// NotData is a title/total/summary row or a row of a sheet that is not a table.
	NotData
	// Deleted is a DBF record carrying the deleted flag.
	Deleted
	// Rejected is a row that could not be read as a record (ragged, bad quoting, undecodable bytes...).
	Rejected
)

func (k RowKind) String() string {
	switch k {
	case Data:
		return "data"
	case Empty:
		return "empty"
	case NotData:
		return "not data"
	case Deleted:
		return "deleted"
	case Rejected:
		return "rejected"
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Row is one physical row.
type Row struct {
	Table  *Table
	Num    int64 // 1-based physical position (CSV line where the record starts, xlsx row, DBF record number, SQLite rowid order)
	Kind   RowKind
	Values []string // exactly len(Header) for Data; raw cells for others
	Reason string   // for NotData / Rejected / Deleted: plain words incl. position
	// Warning, on a Data row, says what was assumed to read it (a CSV row
	// missing its last fields: RuleShortRow), for a row-level finding.
	Warning string
}

// Reader streams rows. Next returns io.EOF at the end.
type Reader interface {
	Info() Info
	Next() (Row, error)
	Close() error
}

// Format names.
const (
	FormatCSV    = "csv"
	FormatXLSX   = "xlsx"
	FormatDBF    = "dbf"
	FormatSQLite = "sqlite"
	FormatMDB    = "mdb"
	// FormatXLS is an Excel 97-2003 (BIFF8) or Excel 5/95 (BIFF5) workbook
	// in an OLE compound file; read by xls.go.
	FormatXLS = "xls"
)

// ErrNotTabular is returned by Open for files Detect does not recognise.
var ErrNotTabular = errors.New("this file is not a table (CSV, Excel, DBF, SQLite or Access)")

// Open detects the format from the content and returns a streaming reader.
func Open(path string, opts Options) (r Reader, err error) {
	defer func() {
		if p := recover(); p != nil {
			r, err = nil, fmt.Errorf("%s: could not be read (internal error: %v)", path, p)
		}
	}()
	format, err := Detect(path)
	if err != nil {
		return nil, err
	}
	switch format {
	case FormatCSV:
		return openCSV(path, opts)
	case FormatXLSX:
		return openXLSX(path, opts)
	case FormatXLS:
		return openXLS(path, opts)
	case FormatDBF:
		return openDBF(path, opts)
	case FormatSQLite:
		return openSQLite(path, opts)
	case FormatMDB:
		return openMDB(path, opts)
	}
	return nil, fmt.Errorf("%s: %w", path, ErrNotTabular)
}

// Preview returns the Info and the first n rows (of any kind) for the UI.
func Preview(path string, opts Options, n int) (Info, []Row, error) {
	r, err := Open(path, opts)
	if err != nil {
		return Info{}, nil, err
	}
	defer r.Close()
	var rows []Row
	for len(rows) < n {
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return r.Info(), rows, err
		}
		rows = append(rows, row)
	}
	return r.Info(), rows, nil
}

// safeNext wraps a next function so a bug or hostile input never panics the caller.
func safeNext(next func() (Row, error)) (row Row, err error) {
	defer func() {
		if p := recover(); p != nil {
			row, err = Row{}, fmt.Errorf("internal error while reading: %v", p)
		}
	}()
	return next()
}

// columnNames returns "1".."n".
func columnNames(n int) []string {
	h := make([]string, n)
	for i := range h {
		h[i] = strconv.Itoa(i + 1)
	}
	return h
}

func fileSize(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return -1
	}
	return st.Size()
}
