package tabular

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// drain reads every row and checks the invariants the orchestrator relies on.
func drain(t *testing.T, r Reader) {
	t.Helper()
	defer r.Close()
	lastNum := map[*Table]int64{}
	for i := 0; i < 20000; i++ {
		row, err := r.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			if strings.Contains(err.Error(), "internal error") {
				t.Fatalf("parser panicked: %v", err)
			}
			return
		}
		if row.Table == nil {
			t.Fatalf("row without table: %+v", row)
		}
		if row.Num <= 0 || row.Num <= lastNum[row.Table] {
			t.Fatalf("row numbers must increase: %d after %d (%+v)", row.Num, lastNum[row.Table], row)
		}
		lastNum[row.Table] = row.Num
		switch row.Kind {
		case Data:
			if len(row.Values) != len(row.Table.Header) {
				t.Fatalf("data row %d has %d values, header %d", row.Num, len(row.Values), len(row.Table.Header))
			}
		case NotData, Rejected, Deleted:
			if row.Reason == "" {
				t.Fatalf("%v row %d without a reason", row.Kind, row.Num)
			}
		case Empty:
		default:
			t.Fatalf("bad kind %v", row.Kind)
		}
	}
}

func openOrFail(t *testing.T, open func(string, Options) (Reader, error), p string, opts Options) {
	r, err := func() (r Reader, err error) {
		defer func() {
			if e := recover(); e != nil {
				t.Fatalf("open panicked: %v", e)
			}
		}()
		return open(p, opts)
	}()
	if err != nil {
		return
	}
	drain(t, r)
}

func FuzzCSV(f *testing.F) {
	seeds := []string{
		"",
		"a,b,c\n1,2,3\n",
		"\xEF\xBB\xBFName,City\r\nJosé,Zürich\r\n",
		"\xFF\xFEa\x00,\x00b\x00\n\x001\x00,\x002\x00\n\x00",
		"\xFE\xFF\x00a\x00,\x00b",
		"a\x00,b\x00\n\x00\x00,\x00",
		"a,\"b\nc\",d\n\"unterminated,x\n",
		"a,b\n\"x\"y,z\n1,2\n",
		"a;b;c\n1;2\n3;4;5;6\n",
		"Title\n\n\nID|Name\n1|x\"y\n",
		"\r\r\r\n\n\n,,,\n",
		"\"\"\"\n\"\"\n",
		"Caf\xe9,na\xefve\n\x93quoted\x94,\x80\n",
		"\xc9\xcd\xcd\xbb\n\x81ber,K\x94ln\n",
		strings.Repeat("a,", 1000) + "\n",
		"Total,,5\nGrand total,1,2\nPage 1 of 2\n",
		"M,N,D,H\n1-1,A B,1/2/2024,1\n1-2,C D,1/3/2024,2\n1-3,E F,1/4/2024,3\n1-4,1/5/2024,4\n1-5,G\n1-6,H,1/6/2024,5,,\n", // short, shifted and long rows
	}
	for _, c := range delimiterCases {
		seeds = append(seeds, c.text)
	}
	for _, s := range seeds {
		f.Add([]byte(s), 0, "")
	}
	f.Add([]byte("a\tb\n1\t2"), -1, "cp850")
	f.Add([]byte("x,y\n1,2\n"), 2, "utf-16le")
	f.Fuzz(func(t *testing.T, data []byte, header int, enc string) {
		if header > 100 || header < -1 {
			header = 0
		}
		if _, ok := encodingByName(enc); !ok {
			enc = ""
		}
		p := filepath.Join(t.TempDir(), "f.csv")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		_ = detectBytes(data, p)
		openOrFail(t, openCSV, p, Options{HeaderRow: header, Encoding: enc})
	})
}

func seedWorkbook(tb testing.TB) []byte {
	f := excelize.NewFile()
	defer f.Close()
	_ = f.SetCellValue("Sheet1", "A1", "Report")
	_ = f.SetCellValue("Sheet1", "A3", "Name")
	_ = f.SetCellValue("Sheet1", "B3", "Opened")
	_ = f.SetCellValue("Sheet1", "A4", "0042")
	_ = f.SetCellValue("Sheet1", "B4", 45366.5)
	st, _ := f.NewStyle(&excelize.Style{NumFmt: 22})
	_ = f.SetCellStyle("Sheet1", "B4", "B4", st)
	_ = f.SetCellValue("Sheet1", "A5", "Line\nbreak")
	_ = f.SetCellValue("Sheet1", "A6", "Total")
	_, _ = f.NewSheet("Summary")
	_ = f.SetCellValue("Summary", "A1", "Total")
	buf, err := f.WriteToBuffer()
	if err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// zipWith builds a zip whose parts have the given contents (for hostile XML).
func zipWith(parts map[string]string) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, body := range parts {
		w, _ := zw.Create(name)
		_, _ = w.Write([]byte(body))
	}
	_ = zw.Close()
	return b.Bytes()
}

func FuzzXLSX(f *testing.F) {
	good := seedWorkbook(f)
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add(good[:30])
	f.Add([]byte("PK\x03\x04garbage xl/workbook.xml"))
	f.Add(append(append([]byte(nil), magicCFB...), make([]byte, 600)...))
	f.Add(zipWith(map[string]string{"xl/workbook.xml": "<workbook><sheets><sheet name=\"S\" r:id=\"rId1\"/></sheets>", "xl/_rels/workbook.xml.rels": "<"}))
	rels := `<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>`
	wb := `<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`
	f.Add(zipWith(map[string]string{
		"[Content_Types].xml":        `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
		"xl/workbook.xml":            wb,
		"xl/_rels/workbook.xml.rels": rels,
		"xl/worksheets/sheet1.xml":   `<worksheet><sheetData><row r="3"><c r="Z3" s="99" t="s"><v>7</v></c></row><row r="2"><c r="A1048577"><v>1e308</v></c></row><row><c><v>-1</v></c></row></sheetData></worksheet>`,
		"xl/styles.xml":              `<styleSheet><numFmts><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts><cellXfs><xf numFmtId="164"/><xf numFmtId="14"/></cellXfs></styleSheet>`,
	}))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "f.xlsx")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		_ = detectBytes(data, p)
		openOrFail(t, openXLSX, p, Options{})
	})
}

func FuzzDBF(f *testing.F) {
	for _, p := range []string{filepath.Join(dbaseDir, "table", "TEST.DBF"), filepath.Join(dbaseDir, "database", "employees.dbf")} {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
			f.Add(b[:len(b)/2])
			bad := append([]byte(nil), b...)
			binary.LittleEndian.PutUint16(bad[8:], 0xFFFF) // header length past the end
			f.Add(bad)
			bad = append([]byte(nil), b...)
			binary.LittleEndian.PutUint16(bad[10:], 0) // record length 0
			f.Add(bad)
			bad = append([]byte(nil), b...)
			binary.LittleEndian.PutUint32(bad[4:], 0xFFFFFFFF) // absurd record count
			f.Add(bad)
		}
	}
	f.Add([]byte{0x03, 124, 1, 1})
	f.Add(append([]byte{0x83, 124, 1, 1, 1, 0, 0, 0, 65, 0, 12, 0}, make([]byte, 60)...))
	fpt, _ := os.ReadFile(filepath.Join(dbaseDir, "table", "TEST.FPT"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		p := filepath.Join(dir, "TEST.DBF")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if fpt != nil {
			_ = os.WriteFile(filepath.Join(dir, "TEST.FPT"), fpt, 0o644)
			_ = os.WriteFile(filepath.Join(dir, "TEST.DBT"), fpt, 0o644)
		}
		_ = detectBytes(data, p)
		openOrFail(t, openDBF, p, Options{})
	})
}

func FuzzDetect(f *testing.F) {
	f.Add([]byte("SQLite format 3\x00"))
	f.Add([]byte("\x00\x01\x00\x00Standard Jet DB\x00"))
	f.Add([]byte("BEGIN:VCARD\r\n"))
	f.Add(append(append([]byte(nil), magicCFB...), utf16le("EncryptionInfo")...))
	f.Add([]byte{0x30, 1, 1, 1, 0, 0, 0, 0, 40, 0, 2, 0})
	for _, c := range delimiterCases {
		f.Add([]byte(c.text))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = detectBytes(data, "")
		_, _ = sniffEncoding(data)
		_, _ = sniffDelimiter(string(data), false)
		_, _ = sniffDelimiter(string(data), true)
	})
}
