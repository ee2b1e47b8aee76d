package tabular

import (
	"archive/zip"
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// writeBigCSV writes n records of 10 fields (some quoted, with commas and line breaks).
func writeBigCSV(tb testing.TB, path string, n int) {
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprintln(w, "Client ID,Name,Address,City,Zip,Phone,Email,Opened,Balance,Notes")
	for i := 0; i < n; i++ {
		note := "plain"
		if i%100 == 0 {
			note = "\"two\nlines, with comma\""
		}
		fmt.Fprintf(w, "%06d,\"Client %d, Esq.\",%d Main St,Springfield,%05d,555-%04d,c%d@example.com,2024-03-%02d,%d.%02d,%s\n",
			i, i, i%9999, i%99999, i%10000, i, i%28+1, i%5000, i%100, note)
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	f.Close()
}

// writeBigXLSX writes an Excel-like workbook (shared strings, a date style) with n data rows.
func writeBigXLSX(tb testing.TB, path string, n int) {
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	zw := zip.NewWriter(f)
	part := func(name, body string) {
		w, err := zw.Create(name)
		if err != nil {
			tb.Fatal(err)
		}
		io.WriteString(w, body)
	}
	part("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`)
	part("_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	part("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Clients" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	part("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`)
	part("xl/styles.xml", `<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>`)
	const strCols = 7
	header := []string{"Client ID", "Name", "Address", "City", "Email", "Phone", "Notes", "Opened", "Balance", "Count"}
	// shared strings: header + 7 unique strings per row
	w, _ := zw.Create("xl/sharedStrings.xml")
	bw := bufio.NewWriterSize(w, 1<<20)
	total := len(header) + n*strCols
	fmt.Fprintf(bw, `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, total, total)
	for _, h := range header {
		fmt.Fprintf(bw, "<si><t>%s</t></si>", h)
	}
	for i := 0; i < n; i++ {
		fmt.Fprintf(bw, "<si><t>%06d</t></si><si><t>Client %d, Esq.</t></si><si><t>%d Main St</t></si><si><t>Springfield %d</t></si><si><t>c%d@example.com</t></si><si><t>555-%07d</t></si><si><t>note %d</t></si>", i, i, i, i%500, i, i, i)
	}
	bw.WriteString("</sst>")
	bw.Flush()
	w, _ = zw.Create("xl/worksheets/sheet1.xml")
	bw = bufio.NewWriterSize(w, 1<<20)
	bw.WriteString(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">`)
	for c := range header {
		fmt.Fprintf(bw, `<c r="%s1" t="s"><v>%d</v></c>`, string(rune('A'+c)), c)
	}
	bw.WriteString("</row>")
	for i := 0; i < n; i++ {
		r := i + 2
		fmt.Fprintf(bw, `<row r="%d">`, r)
		for c := 0; c < strCols; c++ {
			fmt.Fprintf(bw, `<c r="%s%d" t="s"><v>%d</v></c>`, string(rune('A'+c)), r, len(header)+i*strCols+c)
		}
		fmt.Fprintf(bw, `<c r="H%d" s="1"><v>%d</v></c><c r="I%d"><v>%d.5</v></c><c r="J%d"><v>%d</v></c></row>`, r, 45000+i%3000, r, i, r, i%7)
	}
	bw.WriteString("</sheetData></worksheet>")
	bw.Flush()
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	f.Close()
}

func countRows(tb testing.TB, p string) (rows, data int) {
	r, err := Open(p, Options{})
	if err != nil {
		tb.Fatal(err)
	}
	defer r.Close()
	for {
		row, err := r.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			tb.Fatal(err)
		}
		rows++
		if row.Kind == Data {
			data++
		}
	}
}

func BenchmarkCSV1M(b *testing.B) {
	p := filepath.Join(b.TempDir(), "big.csv")
	writeBigCSV(b, p, 1_000_000)
	b.ResetTimer()
	start := time.Now()
	total := 0
	for i := 0; i < b.N; i++ {
		n, d := countRows(b, p)
		if n != 1_000_000 || d != n {
			b.Fatalf("rows %d data %d", n, d)
		}
		total += n
	}
	b.ReportMetric(float64(total)/time.Since(start).Seconds(), "rows/s")
}

// TestBigFilesMemory reads a 1M-row CSV and a 200k-row shared-strings xlsx in
// child processes and checks their peak RSS. Run with HANDOVER_BIG=1 (takes ~1 min).
func TestBigFilesMemory(t *testing.T) {
	if p := os.Getenv("TABULAR_READ_ONLY"); p != "" {
		start := time.Now()
		n, d := countRows(t, p)
		var ru syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		fmt.Printf("RESULT rows=%d data=%d secs=%.2f maxrss_kb=%d\n", n, d, time.Since(start).Seconds(), ru.Maxrss)
		return
	}
	if os.Getenv("HANDOVER_BIG") == "" {
		t.Skip("set HANDOVER_BIG=1 to measure 1M-row CSV and 200k-row xlsx memory")
	}
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "big.csv")
	writeBigCSV(t, csvPath, 1_000_000)
	xlsxPath := filepath.Join(dir, "big.xlsx")
	writeBigXLSX(t, xlsxPath, 200_000)
	for _, c := range []struct {
		path string
		rows int
	}{{csvPath, 1_000_000}, {xlsxPath, 200_000}} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestBigFilesMemory$", "-test.count=1")
		cmd.Env = append(os.Environ(), "TABULAR_READ_ONLY="+c.path, "TMPDIR="+dir)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", c.path, err, out)
		}
		var line string
		for _, l := range strings.Split(string(out), "\n") {
			if strings.HasPrefix(l, "RESULT") {
				line = l
			}
		}
		st, _ := os.Stat(c.path)
		t.Logf("%s (%d MiB): %s", filepath.Base(c.path), st.Size()>>20, line)
		var rows, data, kb int
		var secs float64
		fmt.Sscanf(line, "RESULT rows=%d data=%d secs=%f maxrss_kb=%d", &rows, &data, &secs, &kb)
		if rows != c.rows || data != c.rows {
			t.Errorf("%s: rows %d data %d, want %d", c.path, rows, data, c.rows)
		}
		if kb > 200*1024 {
			t.Errorf("%s: peak RSS %d MB, want < 200 MB", c.path, kb/1024)
		}
		_ = strconv.Itoa
	}
}
