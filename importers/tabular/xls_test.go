package tabular

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"
)

// readAll returns every row of a source, as comparable text lines.
func readXLSRows(t testing.TB, p string, opts Options) ([]string, Info) {
	t.Helper()
	r, err := Open(p, opts)
	if err != nil {
		t.Fatalf("open %s: %v", filepath.Base(p), err)
	}
	defer r.Close()
	var out []string
	for {
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		mustNil(t, err)
		out = append(out, rowLine(row))
	}
	return out, r.Info()
}

func rowLine(row Row) string {
	vals, _ := json.Marshal(row.Values)
	hdr, _ := json.Marshal(row.Table.Header)
	return fmt.Sprintf("%s|%d|%d|%v|%s|%s|%s", row.Table.Name, row.Table.HeaderRow, row.Num, row.Kind, hdr, vals, row.Reason)
}

// clientsSpec is a small firm's client export: a merged title above the
// header, zero-padded client numbers, dates in several formats, money, whole
// numbers, accented and non-Latin names, plus a summary sheet and a second table.
// With date1904 the date serials are those of the 1904 date system, so the
// dates read are the same either way.
func clientsSpec(date1904 bool) xlsSpec {
	day := 0.0
	if date1904 {
		day = -1462
	}
	c := func(r, col int, kind string, v any, f string) [5]any { return [5]any{r, col, kind, v, f} }
	clients := xlsSpecSheet{Name: "Clients", Merges: [][4]int{{0, 0, 0, 6}}}
	clients.Cells = append(clients.Cells,
		c(0, 0, "s", "Client list — exported 1 March 2024", ""),
		c(2, 0, "s", "Client ID", ""), c(2, 1, "s", "Name", ""), c(2, 2, "s", "Opened", ""),
		c(2, 3, "s", "Last contact", ""), c(2, 4, "s", "Balance", ""), c(2, 5, "s", "Matters", ""),
		c(2, 6, "s", "Phone", ""), c(2, 7, "s", "Active", ""), c(2, 8, "s", "Born", ""), c(2, 9, "s", "Rate", ""))
	names := []string{"Zoë Müller", "李雷", "O'Brien & Søn", "Ğül Çelik", "Łukasz Żółw"}
	for i, n := range names {
		r := 3 + i
		clients.Cells = append(clients.Cells,
			c(r, 0, "n", 42+i*1000, "00000"),
			c(r, 1, "s", n, ""),
			c(r, 2, "n", 45292+float64(i*31)+day, "DD/MM/YYYY"),
			c(r, 3, "n", 45292.5+float64(i)+day, "yyyy-mm-dd hh:mm"),
			c(r, 4, "n", 1234.5*float64(i+1)-0.25, "#,##0.00"),
			c(r, 5, "n", i+1, ""),
			c(r, 6, "s", fmt.Sprintf("+44 20 7946 0%03d", i), ""),
			c(r, 7, "b", i%2 == 0, ""),
			c(r, 8, "n", 20000+float64(i*400)+day, "d mmm yyyy"),
			c(r, 9, "n", 0.0375+float64(i)/1000, "0.00%"))
	}
	// a very large id and a big plain number keep their digits
	clients.Cells = append(clients.Cells,
		c(8, 0, "n", 123456789012, "0"), c(8, 1, "s", "Big Number Ltd", ""), c(8, 5, "n", 9876543210, ""),
		c(8, 4, "n", -17.125, ""),
		c(10, 0, "s", "Total", ""), c(10, 4, "f", "SUM(E4:E9)", "#,##0.00"))

	matters := xlsSpecSheet{Name: "Matters"}
	matters.Cells = append(matters.Cells,
		c(0, 0, "s", "Matter No", ""), c(0, 1, "s", "Client ID", ""), c(0, 2, "s", "Description", ""), c(0, 3, "s", "Opened", ""))
	for i := 0; i < 30; i++ {
		matters.Cells = append(matters.Cells,
			c(1+i, 0, "s", fmt.Sprintf("24-%04d", i+1), ""),
			c(1+i, 1, "n", 42+(i%5)*1000, "00000"),
			c(1+i, 2, "s", strings.Repeat("Conveyancing ", 1+i%3)+fmt.Sprint(i), ""),
			c(1+i, 3, "n", 45000+float64(i)+day, "mm/dd/yy"))
	}
	summary := xlsSpecSheet{Name: "Summary"}
	summary.Cells = append(summary.Cells,
		c(0, 0, "s", "Clients", ""), c(0, 1, "n", 6, ""),
		c(1, 0, "s", "Total", ""), c(1, 1, "n", 18517.25, "#,##0.00"))
	return xlsSpec{Date1904: date1904, Sheets: []xlsSpecSheet{clients, matters, summary}}
}

// The same workbook saved as .xls (xlwt) and .xlsx (excelize) reads the same,
// row for row: kinds, values, reasons and headers.
func TestXLSReadsLikeXLSX(t *testing.T) {
	for _, date1904 := range []bool{false, true} {
		t.Run(fmt.Sprintf("date1904=%v", date1904), func(t *testing.T) {
			dir := t.TempDir()
			spec := clientsSpec(date1904)
			xls, xlsx := filepath.Join(dir, "clients.xls"), filepath.Join(dir, "clients.xlsx")
			writeXLSSpec(t, spec, xls)
			writeXLSXSpec(t, spec, xlsx)
			if f, err := Detect(xls); err != nil || f != FormatXLS {
				t.Fatalf("Detect(xls) = %q, %v", f, err)
			}
			got, info := readXLSRows(t, xls, Options{})
			want, _ := readXLSRows(t, xlsx, Options{})
			if info.Format != FormatXLS {
				t.Errorf("format %q", info.Format)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("xls and xlsx differ:\n%s", lineDiff(got, want))
			}
			// And what both say is right.
			first := findLine(t, got, "Clients", 4)
			for _, v := range []string{`"00042"`, `"Zoë Müller"`, `"2024-01-01"`, `"2024-01-01T12:00:00"`, `"1,234.25"`, `"1"`, `"TRUE"`, `"1954-10-03"`, `"3.75%"`} {
				if !strings.Contains(first, v) {
					t.Errorf("row 4 lacks %s: %s", v, first)
				}
			}
			big := findLine(t, got, "Clients", 9)
			for _, v := range []string{`"123456789012"`, `"9876543210"`, `"-17.125"`} {
				if !strings.Contains(big, v) {
					t.Errorf("row 9 lacks %s: %s", v, big)
				}
			}
			if l := findLine(t, got, "Clients", 1); !strings.Contains(l, "|not data|") || !strings.Contains(l, "above the header row 3") {
				t.Errorf("title row: %s", l)
			}
			if l := findLine(t, got, "Clients", 11); !strings.Contains(l, "totals row") {
				t.Errorf("totals row: %s", l)
			}
			if l := findLine(t, got, "Summary", 1); !strings.Contains(l, "not data") {
				t.Errorf("summary sheet: %s", l)
			}
			if l := findLine(t, got, "Matters", 2); !strings.Contains(l, `["24-0001","00042",`) || !strings.Contains(l, `"2023-03-15"`) {
				t.Errorf("matters row 2: %s", l)
			}
		})
	}
}

func findLine(t *testing.T, lines []string, sheet string, num int) string {
	t.Helper()
	for _, l := range lines {
		parts := strings.SplitN(l, "|", 4)
		if parts[0] == sheet && parts[2] == fmt.Sprint(num) {
			return l
		}
	}
	t.Fatalf("no row %d in sheet %s", num, sheet)
	return ""
}

func lineDiff(got, want []string) string {
	var b strings.Builder
	for i := 0; i < max(len(got), len(want)); i++ {
		g, w := "<none>", "<none>"
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			fmt.Fprintf(&b, "xls : %s\nxlsx: %s\n", g, w)
		}
	}
	return b.String()
}

// The committed sample (written by python3-xlwt from clientsSpec) reads as
// recorded, so the reader is tested where python3-xlwt is missing. Refresh
// the files with XLS_REFRESH=1 after checking the rows by hand.
func TestXLSCommittedSample(t *testing.T) {
	xls := filepath.Join("testdata", "xls", "clients.xls")
	wantFile := filepath.Join("testdata", "xls", "clients.rows.txt")
	if os.Getenv("XLS_REFRESH") != "" {
		writeXLSSpec(t, clientsSpec(false), xls)
		// the same workbook as .xlsx, for the CLI test that ingests both,
		// and a password-protected one (FILEPASS) for its message
		writeXLSXSpec(t, clientsSpec(false), filepath.Join("testdata", "xls", "clients.xlsx"))
		mustNil(t, os.WriteFile(filepath.Join("testdata", "xls", "locked.xls"), lockedBook(), 0o644))
		got, _ := readXLSRows(t, xls, Options{})
		mustNil(t, os.WriteFile(wantFile, []byte(strings.Join(got, "\n")+"\n"), 0o644))
	}
	got, _ := readXLSRows(t, xls, Options{})
	want, err := os.ReadFile(wantFile)
	mustNil(t, err)
	if g := strings.Join(got, "\n") + "\n"; g != string(want) {
		t.Errorf("rows differ from %s:\n%s", wantFile, lineDiff(got, strings.Split(strings.TrimSuffix(string(want), "\n"), "\n")))
	}
}

func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	mustNil(t, os.WriteFile(p, data, 0o644))
	return p
}

// globals8 is a BIFF8 workbook's global records: General, a "00000" style
// and a date style.
func globals8(extra ...[]byte) []byte {
	recs := [][]byte{bof8(0x0005)}
	recs = append(recs, extra...)
	recs = append(recs,
		biffRec(recFormat, le16(164), u16str("00000")),
		biffRec(recXF, le16(0), le16(0), make([]byte, 16)),   // 0: General
		biffRec(recXF, le16(0), le16(164), make([]byte, 16)), // 1: 00000
		biffRec(recXF, le16(0), le16(14), make([]byte, 16)),  // 2: built-in date
	)
	return bytes.Join(recs, nil)
}

func sheet8(name string) func(uint32) []byte {
	return func(pos uint32) []byte {
		return bytes.Join([][]byte{le32(pos), {0, 0}, {byte(len([]rune(name))), 0}, []byte(name)}, nil)
	}
}

// lockedBook is a workbook saved with a password to open (a FILEPASS record).
func lockedBook() []byte {
	book := biffBook(globals8(biffRec(recFilePass, le16(1), make([]byte, 52))), sheet8("S"),
		bytes.Join([][]byte{bof8(0x0010), biffRec(recEOF)}, nil))
	return cfbFile("Workbook", book)
}

func TestXLSPasswordProtected(t *testing.T) {
	p := writeTemp(t, "fees.xls", lockedBook())
	_, err := Open(p, Options{})
	if !errors.Is(err, ErrXLSPassword) {
		t.Fatalf("want the password error, got %v", err)
	}
	for _, w := range []string{"password-protected", "remove the password", "add it again"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("message lacks %q: %v", w, err)
		}
	}
}

// An encrypted .xlsx is an OLE file too; it keeps its own message.
func TestXLSEncryptedXLSXKeepsItsMessage(t *testing.T) {
	p := writeTemp(t, "secret.xlsx", cfbFile("EncryptionInfo", make([]byte, 100)))
	if f, _ := Detect(p); f != FormatXLSX {
		t.Fatalf("Detect = %q", f)
	}
	if _, err := Open(p, Options{}); !errors.Is(err, ErrPasswordProtected) {
		t.Fatalf("got %v", err)
	}
}

// feesBook is a hand-made BIFF8 workbook with one sheet "Fees" made of the
// given cell records (see feesUnits), and a shared-string table split by a
// CONTINUE record in the middle of a string.
func feesBook(units [][]byte) []byte {
	// SST: "Name", "Zoë", a 10-character string split after 4 8-bit
	// characters (BIFF8 8-bit text is Latin-1), then a rich string.
	sst := bytes.Join([][]byte{le32(4), le32(4),
		le16(4), {0}, []byte("Name"),
		le16(3), {0}, []byte("Zo\xeb"),
		le16(10), {0}, []byte("Ab\xe7d"),
	}, nil)
	cont := []byte{0x01} // the continued characters are UTF-16
	for _, r := range "ÉfghŁj" {
		cont = binary.LittleEndian.AppendUint16(cont, uint16(r))
	}
	cont = append(cont, bytes.Join([][]byte{le16(4), {0x08}, le16(1), []byte("Rich"), le16(0), le16(1)}, nil)...)
	sheet := bytes.Join(append(append([][]byte{bof8(0x0010)}, units...), biffRec(recEOF)), nil)
	return cfbFile("Workbook", biffBook(globals8(biffRec(recSST, sst), biffRec(recContinue, cont)), sheet8("Fees"), sheet))
}

// feesUnits are the Fees sheet's cells, one unit per cell (a formula's
// STRING record stays with it): MULRK and RK numbers, a formula's text
// result, error and boolean cells.
func feesUnits() [][]byte {
	rk := func(v int32) []byte { return le32(uint32(v)<<2 | 0x02) }
	rk100 := func(v int32) []byte { return le32(uint32(v)<<2 | 0x03) }
	formula := func(row, col int, result []byte) []byte {
		return biffRec(recFormula, cellHead(row, col, 0), result, le16(0), le32(0), le16(0))
	}
	return [][]byte{
		biffRec(recLabelSST, cellHead(0, 0, 0), le32(0)),
		biffRec(recLabel, cellHead(0, 1, 0), u16str("Amount")),
		biffRec(recLabel, cellHead(0, 2, 0), u16str("When")),
		biffRec(recLabel, cellHead(0, 3, 0), u16str("Formula")),
		biffRec(recLabelSST, cellHead(1, 0, 0), le32(1)),
		biffRec(recMulRK, le16(1), le16(1), le16(0), rk100(1234), le16(2), rk(45292), le16(2)),
		append(formula(1, 3, []byte{0, 0, 0, 0, 0, 0, 0xFF, 0xFF}), biffRec(recString, u16str("from formula"))...),
		biffRec(recLabelSST, cellHead(2, 0, 0), le32(2)),
		biffRec(recRK, cellHead(2, 1, 1), rk(42)),
		biffRec(recBoolErr, cellHead(2, 2, 0), []byte{0x07, 1}),
		formula(2, 3, []byte{1, 0, 1, 0, 0, 0, 0xFF, 0xFF}),
		biffRec(recLabelSST, cellHead(3, 0, 0), le32(3)),
		biffRec(recNumber, cellHead(3, 1, 0), binary.LittleEndian.AppendUint64(nil, math.Float64bits(-3.25))),
	}
}

// Hand-made records xlwt never writes: MULRK and RK numbers, a shared string
// split across a CONTINUE (switching from 8-bit to UTF-16 mid-string), a
// rich string, a formula's text result, error and boolean cells, and cells
// written column by column.
func TestXLSHandMadeRecords(t *testing.T) {
	units := feesUnits()
	want := []string{
		`Fees|1|2|data|["Name","Amount","When","Formula"]|["Zoë","12.34","2024-01-01","from formula"]|`,
		`Fees|1|3|data|["Name","Amount","When","Formula"]|["AbçdÉfghŁj","00042","#DIV/0!","TRUE"]|`,
		`Fees|1|4|data|["Name","Amount","When","Formula"]|["Rich","-3.25","",""]|`,
	}
	read := func(name string, units [][]byte) []string {
		got, _ := readXLSRows(t, writeTemp(t, name, feesBook(units)), Options{HeaderRow: 1})
		return got
	}
	if got := read("fees.xls", units); !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The same cells written column by column read the same.
	byCol := append([][]byte(nil), units...)
	sort.SliceStable(byCol, func(i, j int) bool {
		return binary.LittleEndian.Uint16(byCol[i][6:]) < binary.LittleEndian.Uint16(byCol[j][6:])
	})
	if got := read("bycolumn.xls", byCol); !reflect.DeepEqual(got, want) {
		t.Errorf("column-ordered sheet:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// An Excel 5/95 workbook (BIFF5) stores 8-bit text in its CODEPAGE.
// biff5Book is an Excel 5/95 workbook whose sheet name and text are in code page 1251.
func biff5Book() []byte {
	enc := func(s string) []byte {
		b, err := charmap.Windows1251.NewEncoder().Bytes([]byte(s))
		if err != nil {
			panic(err)
		}
		return b
	}
	str8 := func(s string) []byte { b := enc(s); return append(le16(len(b)), b...) }
	globals := bytes.Join([][]byte{bof5(0x0005),
		biffRec(recCodePage, le16(1251)),
		biffRec(recFormat, le16(164), []byte{5}, []byte("00000")),
		biffRec(recXF, le16(0), le16(0), make([]byte, 12)),
		biffRec(recXF, le16(0), le16(164), make([]byte, 12)),
	}, nil)
	name := enc("Клиенты")
	bs := func(pos uint32) []byte { return bytes.Join([][]byte{le32(pos), {0, 0}, {byte(len(name))}, name}, nil) }
	sheet := bytes.Join([][]byte{bof5(0x0010),
		biffRec(recLabel, cellHead(0, 0, 0), str8("Номер")),
		biffRec(recLabel, cellHead(0, 1, 0), str8("Имя")),
		biffRec(recRK, cellHead(1, 0, 1), le32(7<<2|2)),
		biffRec(recLabel, cellHead(1, 1, 0), str8("Пётр Иванов")),
		biffRec(recEOF)}, nil)
	return cfbFile("Book", biffBook(globals, bs, sheet))
}

func TestXLSBIFF5CodePage(t *testing.T) {
	p := writeTemp(t, "old.xls", biff5Book())
	got, info := readXLSRows(t, p, Options{HeaderRow: 1})
	want := []string{`Клиенты|1|2|data|["Номер","Имя"]|["00007","Пётр Иванов"]|`}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if info.Encoding != "windows-1251" {
		t.Errorf("encoding %q", info.Encoding)
	}
}

// A damaged workbook never panics: every truncation and a sweep of flipped
// bytes either reads or fails with an error (the callers add the file's
// name); a cut workbook is still recognised, so the message says it is
// damaged rather than "not a table".
func TestXLSDamaged(t *testing.T) {
	good, err := os.ReadFile(filepath.Join("testdata", "xls", "clients.xls"))
	mustNil(t, err)
	dir := t.TempDir()
	check := func(data []byte, what string) error {
		p := filepath.Join(dir, "broken.xls")
		mustNil(t, os.WriteFile(p, data, 0o644))
		r, err := openXLS(p, Options{})
		if err != nil {
			if strings.Contains(err.Error(), "internal error") {
				t.Fatalf("%s: %v", what, err)
			}
			return err
		}
		drain(t, r)
		return nil
	}
	for n := 0; n < len(good); n += 97 {
		check(good[:n], fmt.Sprintf("cut at %d", n))
	}
	for i := 512; i < len(good); i += 13 {
		bad := append([]byte(nil), good...)
		bad[i] ^= 0xFF
		check(bad, fmt.Sprintf("byte %d flipped", i))
	}
	// Cut where the OLE directory is lost: still an .xls, and damaged.
	cut := writeTemp(t, "cut-clients.xls", good[:len(good)*3/4])
	if f, _ := Detect(cut); f != FormatXLS {
		t.Errorf("a cut .xls detected as %q", f)
	}
	if _, err := Open(cut, Options{}); err == nil || !strings.Contains(err.Error(), "damaged") || !strings.Contains(err.Error(), "save it again") {
		t.Errorf("a cut .xls: %v", err)
	}
	// A sheet whose records are cut mid-way says which sheet and where.
	book := biffBook(globals8(), sheet8("S"), bytes.Join([][]byte{bof8(0x0010), biffRec(recLabel, cellHead(0, 0, 0), u16str("Name"))[:9]}, nil))
	p := writeTemp(t, "cut.xls", cfbFile("Workbook", book))
	_, err = Open(p, Options{})
	if err == nil || !strings.Contains(err.Error(), "sheet 'S' is damaged at byte") || !strings.Contains(err.Error(), "save it again") {
		t.Errorf("a cut record: %v", err)
	}
}

func FuzzXLS(f *testing.F) {
	if good, err := os.ReadFile(filepath.Join("testdata", "xls", "clients.xls")); err == nil {
		f.Add(good)
		f.Add(good[:len(good)/2])
	}
	sheet := bytes.Join([][]byte{bof8(0x0010),
		biffRec(recLabel, cellHead(0, 0, 0), u16str("Name")),
		biffRec(recMulRK, le16(1), le16(0), le16(1), le32(42<<2|2), le16(2), le32(45292<<2|2), le16(1)),
		biffRec(recFormula, cellHead(1, 2, 0), []byte{0, 0, 0, 0, 0, 0, 0xFF, 0xFF}, make([]byte, 8)),
		biffRec(recString, le16(300), []byte{1}, []byte("short")),
		biffRec(recLabelSST, cellHead(2, 0, 0), le32(1)),
		biffRec(recEOF)}, nil)
	sst := bytes.Join([][]byte{le32(2), le32(2), le16(3), {0x0C}, le16(1), le32(9), []byte("abc")}, nil)
	f.Add(cfbFile("Workbook", biffBook(globals8(biffRec(recSST, sst), biffRec(recContinue, []byte{1, 'x', 0})), sheet8("S"), sheet)))
	f.Add(cfbFile("Book", biffBook(bytes.Join([][]byte{bof5(5), biffRec(recCodePage, le16(1251))}, nil), sheet8("S"), sheet)))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "f.xls")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		_ = detectBytes(data, p)
		openOrFail(t, openXLS, p, Options{})
	})
}

// bigClientsSpec is one sheet of n clients: a zero-padded number, a distinct
// name (so the shared-string table spans many CONTINUE records), a date,
// money and a note.
func bigClientsSpec(n int) xlsSpec {
	sh := xlsSpecSheet{Name: "Clients", Cells: [][5]any{
		{0, 0, "s", "Client ID", ""}, {0, 1, "s", "Name", ""}, {0, 2, "s", "Opened", ""}, {0, 3, "s", "Balance", ""}, {0, 4, "s", "Note", ""}}}
	for i := 1; i <= n; i++ {
		sh.Cells = append(sh.Cells,
			[5]any{i, 0, "n", i, "000000"},
			[5]any{i, 1, "s", fmt.Sprintf("Client %d Müller", i), ""},
			[5]any{i, 2, "n", 40000 + i%5000, "DD/MM/YYYY"},
			[5]any{i, 3, "n", float64(i) * 1.25, "#,##0.00"},
			[5]any{i, 4, "s", fmt.Sprintf("№%d 李 see file", i%100), ""})
	}
	return xlsSpec{Sheets: []xlsSpecSheet{sh}}
}

// benchReader reads a 50k-row client list written as .xls (xlwt) or .xlsx
// (excelize) from the same data and reports rows per second.
func benchReader(b *testing.B, ext string) {
	const n = 50_000
	p := filepath.Join(b.TempDir(), "big."+ext)
	if ext == "xls" {
		writeXLSSpec(b, bigClientsSpec(n), p)
	} else {
		writeXLSXSpec(b, bigClientsSpec(n), p)
	}
	b.ResetTimer()
	start := time.Now()
	total := 0
	for i := 0; i < b.N; i++ {
		rows, data := countRows(b, p)
		if rows != n || data != n {
			b.Fatalf("rows %d data %d, want %d", rows, data, n)
		}
		total += rows
	}
	b.ReportMetric(float64(total)/time.Since(start).Seconds(), "rows/s")
}

func BenchmarkXLS50k(b *testing.B)  { benchReader(b, "xls") }
func BenchmarkXLSX50k(b *testing.B) { benchReader(b, "xlsx") }

// TestBigXLSMemory reads a 120k-row workbook (two sheets of 60k rows, the
// most an .xls sheet holds is 65,536) in a child process and checks its peak
// memory. Run with HANDOVER_BIG=1. The child reports VmHWM from /proc, not
// getrusage's maxrss: Linux carries maxrss over an exec, so a child would
// report the parent's peak (here the parent wrote the big files).
func TestBigXLSMemory(t *testing.T) {
	if p := os.Getenv("XLS_READ_ONLY"); p != "" {
		start := time.Now()
		n, d := countRows(t, p)
		status, _ := os.ReadFile("/proc/self/status")
		var hwm string
		for _, l := range strings.Split(string(status), "\n") {
			if strings.HasPrefix(l, "VmHWM:") {
				hwm = strings.TrimSuffix(strings.Join(strings.Fields(l)[1:], ""), "kB")
			}
		}
		fmt.Printf("RESULT rows=%d data=%d secs=%.2f hwm_kb=%s\n", n, d, time.Since(start).Seconds(), hwm)
		return
	}
	if os.Getenv("HANDOVER_BIG") == "" {
		t.Skip("set HANDOVER_BIG=1 to measure reading a 120k-row .xls")
	}
	dir := t.TempDir()
	measure := func(p string) (rows, data, kb int, secs float64) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestBigXLSMemory$", "-test.count=1")
		cmd.Env = append(os.Environ(), "XLS_READ_ONLY="+p, "TMPDIR="+dir)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		for _, l := range strings.Split(string(out), "\n") {
			if strings.HasPrefix(l, "RESULT") {
				fmt.Sscanf(l, "RESULT rows=%d data=%d secs=%f hwm_kb=%d", &rows, &data, &secs, &kb)
			}
		}
		return
	}
	small := filepath.Join(dir, "small.xls")
	writeXLSSpec(t, bigClientsSpec(10_000), small)
	big := filepath.Join(dir, "big.xls")
	spec := bigClientsSpec(60_000)
	second := spec.Sheets[0]
	second.Name = "More clients"
	spec.Sheets = append(spec.Sheets, second)
	writeXLSSpec(t, spec, big)
	_, _, smallKB, _ := measure(small)
	rows, data, kb, secs := measure(big)
	st, _ := os.Stat(big)
	t.Logf("big.xls (%d MiB): %d rows in %.2f s, peak RSS %d MB (10k rows: %d MB)", st.Size()>>20, rows, secs, kb/1024, smallKB/1024)
	if rows != 120_000 || data != 120_000 {
		t.Errorf("rows %d data %d, want 120000", rows, data)
	}
	// Twelve times the rows: the shared strings (60k distinct names here)
	// grow, the rest must not.
	if kb > 100*1024 || kb > smallKB*3 {
		t.Errorf("peak RSS %d MB for 120k rows (%d MB for 10k), want < 100 MB and < 3x", kb/1024, smallKB/1024)
	}
}

// xlrdCells runs python3-xlrd, the reference .xls reader, over a workbook,
// or skips the test when it is not installed.
func xlrdCells(t testing.TB, p string) map[string][][3]any {
	t.Helper()
	if py := pythonWith("xlrd"); py != "" {
		out, err := exec.Command(py, filepath.Join("testdata", "xls", "xlrd_cells.py"), p).Output()
		if err != nil {
			t.Fatalf("xlrd_cells.py %s: %v", p, err)
		}
		var cells map[string][][3]any
		mustNil(t, json.Unmarshal(out, &cells))
		return cells
	}
	t.Skip("python3-xlrd is not installed (apt-get install python3-xlrd): the comparison with the reference reader is skipped")
	return nil
}

// Every text, boolean and General-number cell reads as python3-xlrd reads
// it: the committed sample, a 5,000-row workbook whose shared strings span
// many CONTINUE records, and the hand-made BIFF5 and BIFF8 workbooks.
func TestXLSAgreesWithXlrd(t *testing.T) {
	dir := t.TempDir()
	fees, old := filepath.Join(dir, "fees.xls"), filepath.Join(dir, "old.xls")
	mustNil(t, os.WriteFile(fees, feesBook(feesUnits()), 0o644))
	mustNil(t, os.WriteFile(old, biff5Book(), 0o644))
	files := []string{filepath.Join("testdata", "xls", "clients.xls"), fees, old}
	if pythonWith("xlwt") != "" {
		big := filepath.Join(dir, "big.xls")
		writeXLSSpec(t, bigClientsSpec(5000), big)
		files = append(files, big)
	}
	for _, p := range files {
		want := xlrdCells(t, p)
		r, err := Open(p, Options{HeaderRow: -1}) // every row as data, cells in place
		mustNil(t, err)
		got := map[string]map[[2]int]string{}
		for {
			row, err := r.Next()
			if err == io.EOF {
				break
			}
			mustNil(t, err)
			if got[row.Table.Name] == nil {
				got[row.Table.Name] = map[[2]int]string{}
			}
			for c, v := range row.Values {
				got[row.Table.Name][[2]int{int(row.Num), c + 1}] = v
			}
		}
		r.Close()
		n := 0
		for sheet, cells := range want {
			for _, c := range cells {
				pos := [2]int{int(c[0].(float64)), int(c[1].(float64))}
				n++
				if g := got[sheet][pos]; g != c[2].(string) {
					t.Errorf("%s sheet %s row %d col %d: %q, xlrd reads %q", filepath.Base(p), sheet, pos[0], pos[1], g, c[2])
				}
			}
		}
		if n == 0 {
			t.Errorf("%s: no cell compared", filepath.Base(p))
		}
	}
}

// A Word document is an OLE file too: its text saying "Workbook" or "Book"
// does not make it a workbook, so it is not taken for a table.
func TestXLSDetectWordDocumentIsNotATable(t *testing.T) {
	text := append(utf16le("Minutes: the Book of accounts and the Workbook were reviewed."), make([]byte, 200)...)
	p := writeTemp(t, "minutes.doc", cfbFile("WordDocument", text))
	if f, err := Detect(p); err != nil || f != "" {
		t.Errorf("Detect(.doc) = %q, %v; want not tabular", f, err)
	}
	p = writeTemp(t, "clients.xls", cfbFile("Workbook", biffBook(globals8(), sheet8("S"), bytes.Join([][]byte{bof8(0x0010), biffRec(recEOF)}, nil))))
	if f, err := Detect(p); err != nil || f != FormatXLS {
		t.Errorf("Detect(.xls) = %q, %v", f, err)
	}
	p = writeTemp(t, "old.xls", biff5Book())
	if f, err := Detect(p); err != nil || f != FormatXLS {
		t.Errorf("Detect(Excel 5 .xls) = %q, %v", f, err)
	}
}

// A chart embedded in a sheet nests its own BOF..EOF, whose records are not
// cells of the sheet; a formula's text result may continue in a CONTINUE
// record; a sheet may end without its EOF record.
func TestXLSEmbeddedChartAndContinuedText(t *testing.T) {
	long := strings.Repeat("é", 10)
	first := append(le16(10), 0x00) // 10 characters, the first 4 here as 8-bit Latin-1
	first = append(first, []byte("\xe9\xe9\xe9\xe9")...)
	rest := []byte{0x01} // the other 6 as UTF-16
	for i := 0; i < 6; i++ {
		rest = binary.LittleEndian.AppendUint16(rest, 'é')
	}
	sheet := bytes.Join([][]byte{bof8(0x0010),
		biffRec(recLabel, cellHead(0, 0, 0), u16str("Note")),
		biffRec(recLabel, cellHead(0, 1, 0), u16str("Amount")),
		bof8(0x0020), // an embedded chart
		biffRec(recNumber, cellHead(5, 0, 0), binary.LittleEndian.AppendUint64(nil, math.Float64bits(99))),
		biffRec(recEOF),
		biffRec(recFormula, cellHead(1, 0, 0), []byte{0, 0, 0, 0, 0, 0, 0xFF, 0xFF}, le16(0), le32(0), le16(0)),
		biffRec(recString, first),
		biffRec(recContinue, rest),
		biffRec(recRK, cellHead(1, 1, 0), le32(5<<2|2)),
		// no EOF: the stream just ends
	}, nil)
	p := writeTemp(t, "chart.xls", cfbFile("Workbook", biffBook(globals8(), sheet8("S"), sheet)))
	got, _ := readXLSRows(t, p, Options{HeaderRow: 1})
	want := []string{`S|1|2|data|["Note","Amount"]|["` + long + `","5"]|`}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

// Every sheet is considered: a hidden sheet is read (with a note), a chart
// sheet has no cells (a note), and Options.Sheet picks one sheet by name.
func TestXLSSheets(t *testing.T) {
	type sheet struct {
		name   string
		hidden bool
		dt     byte // BOUNDSHEET type: 0 worksheet, 2 chart
		body   []byte
	}
	table := func(v string) []byte {
		return bytes.Join([][]byte{bof8(0x0010),
			biffRec(recLabel, cellHead(0, 0, 0), u16str("Client")), biffRec(recLabel, cellHead(0, 1, 0), u16str("Number")),
			biffRec(recLabel, cellHead(1, 0, 0), u16str(v)), biffRec(recRK, cellHead(1, 1, 1), le32(42<<2|2)),
			biffRec(recLabel, cellHead(2, 0, 0), u16str(v+" 2")), biffRec(recRK, cellHead(2, 1, 1), le32(43<<2|2)),
			biffRec(recEOF)}, nil)
	}
	sheets := []sheet{
		{"Active", false, 0, table("Acme")},
		{"Archived", true, 0, table("Old Co")},
		{"Chart1", false, 2, bytes.Join([][]byte{bof8(0x0020), biffRec(recEOF)}, nil)},
	}
	// globals with a BOUNDSHEET per sheet, then the sheets
	var bs [][]byte
	pos := len(globals8())
	for _, s := range sheets {
		pos += len(biffRec(recBoundSheet, sheet8(s.name)(0)))
	}
	pos += 4 // the globals' EOF
	for _, s := range sheets {
		body := sheet8(s.name)(uint32(pos))
		if s.hidden {
			body[4] = 1
		}
		body[5] = s.dt
		bs = append(bs, biffRec(recBoundSheet, body))
		pos += len(s.body)
	}
	parts := append([][]byte{globals8()}, bs...)
	parts = append(parts, biffRec(recEOF))
	for _, s := range sheets {
		parts = append(parts, s.body)
	}
	p := writeTemp(t, "book.xls", cfbFile("Workbook", bytes.Join(parts, nil)))

	got, info := readXLSRows(t, p, Options{})
	want := []string{
		`Active|1|2|data|["Client","Number"]|["Acme","00042"]|`,
		`Active|1|3|data|["Client","Number"]|["Acme 2","00043"]|`,
		`Archived|1|2|data|["Client","Number"]|["Old Co","00042"]|`,
		`Archived|1|3|data|["Client","Number"]|["Old Co 2","00043"]|`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	notes := strings.Join(info.Notes, "\n")
	for _, w := range []string{"sheet 'Archived' is hidden in Excel; its rows are read too", "sheet 'Chart1' has no cells to read (it is a chart)"} {
		if !strings.Contains(notes, w) {
			t.Errorf("notes lack %q: %s", w, notes)
		}
	}
	got, _ = readXLSRows(t, p, Options{Sheet: "archived"})
	if !reflect.DeepEqual(got, want[2:]) {
		t.Errorf("Sheet: archived: %q", got)
	}
	if _, err := Open(p, Options{Sheet: "Nope"}); err == nil || !strings.Contains(err.Error(), "Active, Archived, Chart1") {
		t.Errorf("unknown sheet: %v", err)
	}
}

// Shared strings too large to keep in memory move to a temp file, and read
// the same from there; the file is removed on Close.
func TestXLSSharedStringsInTempFile(t *testing.T) {
	p := filepath.Join("testdata", "xls", "clients.xls")
	want, _ := readXLSRows(t, p, Options{})
	defer func(v int) { xlsSSTInMemory = v }(xlsSSTInMemory)
	xlsSSTInMemory = 200 // a few strings in memory, then the file
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	r, err := Open(p, Options{})
	mustNil(t, err)
	if files, _ := filepath.Glob(filepath.Join(tmp, "handover-sst-*")); len(files) != 1 {
		t.Fatalf("want one shared-strings temp file, found %v", files)
	}
	var got []string
	for {
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		mustNil(t, err)
		got = append(got, rowLine(row))
	}
	mustNil(t, r.Close())
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rows differ when the shared strings are in a file:\n%s", lineDiff(got, want))
	}
	if files, _ := filepath.Glob(filepath.Join(tmp, "handover-sst-*")); len(files) != 0 {
		t.Errorf("temp file left behind: %v", files)
	}
}
