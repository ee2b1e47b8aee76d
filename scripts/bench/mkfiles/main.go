// Command mkfiles writes the spreadsheet and dBase inputs for `make bench`
// from a generated firm, so every format is measured at the same scale:
//
//	go run ./scripts/bench/mkfiles -time DIR/pclaw/time.csv -rows N -xlsx OUT.xlsx -dbf OUT.DBF
//
// The xlsx holds the first N rows of the PCLaw time listing the way Excel saves
// it (one sheet, shared strings, real date cells, numbers as numbers), so the
// pclaw-time profile recognises it and in2csv reads the same cells. The DBF is
// an AbacusLaw NAMES table (Visual FoxPro, memo file) with N contacts, written
// with the generator's own DBF writer. Output is deterministic.
package main

import (
	"archive/zip"
	"bufio"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"handover/internal/synth"
)

func main() {
	timeCSV := flag.String("time", "", "pclaw/time.csv of a generated firm (source of the xlsx rows)")
	rows := flag.Int("rows", 200000, "data rows in each file")
	xlsxOut := flag.String("xlsx", "", "write the time listing as this .xlsx")
	dbfOut := flag.String("dbf", "", "write an AbacusLaw NAMES table as this .DBF (+ .FPT)")
	flag.Parse()
	if *xlsxOut != "" {
		if err := writeXLSX(*timeCSV, *xlsxOut, *rows); err != nil {
			fail(err)
		}
	}
	if *dbfOut != "" {
		if err := writeDBF(*dbfOut, *rows); err != nil {
			fail(err)
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "mkfiles:", err)
	os.Exit(1)
}

func xmlEsc(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

func col(c int) string { return string(rune('A' + c)) }

// writeXLSX converts the first n data rows of the time listing.
func writeXLSX(src, out string, n int) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	cr := csv.NewReader(bufio.NewReaderSize(in, 1<<20))
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return err
	}
	header = append([]string(nil), header...)
	// Shared strings are collected while the sheet is written and spooled to a
	// temp file; the sst part is added after the sheet (zip order is free).
	spool, err := os.CreateTemp("", "mkfiles-sst-*")
	if err != nil {
		return err
	}
	defer os.Remove(spool.Name())
	defer spool.Close()
	sw := bufio.NewWriterSize(spool, 1<<20)
	index := map[string]int{}
	refs := 0
	sst := func(s string) int {
		refs++
		if i, ok := index[s]; ok {
			return i
		}
		i := len(index)
		index[s] = i
		fmt.Fprintf(sw, "<si><t>%s</t></si>", xmlEsc(s))
		return i
	}

	f, err := os.Create(out + ".tmp")
	if err != nil {
		return err
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	part := func(name, body string) error {
		w, err := zw.Create(name)
		if err != nil {
			return err
		}
		_, err = io.WriteString(w, body)
		return err
	}
	const ns = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`
	const rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	const ct = "application/vnd.openxmlformats-officedocument.spreadsheetml."
	for _, p := range [][2]string{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="` + ct + `sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="` + ct + `worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="` + ct + `styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="` + ct + `sharedStrings+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="` + rel + `/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook ` + ns + ` xmlns:r="` + rel + `"><sheets><sheet name="Time" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="` + rel + `/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="` + rel + `/styles" Target="styles.xml"/><Relationship Id="rId3" Type="` + rel + `/sharedStrings" Target="sharedStrings.xml"/></Relationships>`},
		{"xl/styles.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet ` + ns + `><numFmts count="1"><numFmt numFmtId="164" formatCode="mm/dd/yyyy"/></numFmts><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>`},
	} {
		if err := part(p[0], p[1]); err != nil {
			return err
		}
	}
	w, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	bw.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet ` + ns + `><sheetData><row r="1">`)
	for c, h := range header {
		fmt.Fprintf(bw, `<c r="%s1" t="s"><v>%d</v></c>`, col(c), sst(h))
	}
	bw.WriteString("</row>")
	epoch := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	written := 0
	for written < n {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		r := written + 2
		fmt.Fprintf(bw, `<row r="%d">`, r)
		for c, v := range rec {
			if v == "" {
				continue
			}
			ref := col(c) + strconv.Itoa(r)
			switch strings.ToLower(header[c]) {
			case "date":
				if t, err := time.Parse("01/02/2006", v); err == nil {
					fmt.Fprintf(bw, `<c r="%s" s="1"><v>%d</v></c>`, ref, int(t.Sub(epoch).Hours()/24))
					continue
				}
			case "hours", "rate", "amount":
				if _, err := strconv.ParseFloat(v, 64); err == nil {
					s := 0
					if header[c] != "Hours" {
						s = 2
					}
					fmt.Fprintf(bw, `<c r="%s" s="%d"><v>%s</v></c>`, ref, s, v)
					continue
				}
			}
			fmt.Fprintf(bw, `<c r="%s" t="s"><v>%d</v></c>`, ref, sst(v))
		}
		bw.WriteString("</row>")
		written++
	}
	if written < n {
		return fmt.Errorf("%s has only %d data rows, want %d", src, written, n)
	}
	bw.WriteString("</sheetData></worksheet>")
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	w, err = zw.Create("xl/sharedStrings.xml")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst %s count="%d" uniqueCount="%d">`, ns, refs, len(index))
	if _, err := spool.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if _, err := io.Copy(w, spool); err != nil {
		return err
	}
	io.WriteString(w, "</sst>")
	if err := zw.Close(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(out+".tmp", out)
}

var firsts = []string{"Ana", "Ben", "Carla", "David", "Elena", "Frank", "Grace", "Hugo", "Irene", "José", "Karen", "Liam", "María", "Nora", "Omar", "Paula", "Quinn", "Rosa", "Sam", "Tomás"}
var lasts = []string{"Abbott", "Baker", "Castro", "Dunn", "Ellis", "Flores", "García", "Hughes", "Ibáñez", "Jensen", "Klein", "López", "Moore", "Nguyen", "O'Neil", "Patel", "Quiroga", "Reyes", "Smith", "Turner", "Underwood", "Vargas", "Walsh", "Young", "Zhang"}
var notes = []string{"", "", "", "Referred by Helen Lane.", "Prefers e-mail.", "Spanish speaker - confirm interpreter for meetings.\r\nSecond line of the memo."}

// writeDBF writes n AbacusLaw NAMES records; every 500th is deleted in the
// source and every 97th repeats an earlier person (a duplicate to find).
func writeDBF(out string, n int) error {
	fields := synth.AbacusNamesFields
	w, err := synth.NewDBFWriter(out, fields, time.Date(2026, 11, 20, 17, 30, 0, 0, time.UTC))
	if err != nil {
		return err
	}
	base := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)
	for a := 0; a < n; a++ {
		p := a
		if a%97 == 96 {
			p = a - 50
		}
		first, last := firsts[p%len(firsts)], lasts[(p/len(firsts))%len(lasts)]
		name, company := last+", "+first, ""
		phone := fmt.Sprintf("(555) %03d-%04d", (p/10000)%1000, p%10000)
		email := fmt.Sprintf("%s.%s%d@example.com", strings.ToLower(first[:1]), strings.ToLower(strings.ReplaceAll(last, "'", "")), p)
		if p%11 == 5 {
			company = fmt.Sprintf("%s & %s Holdings %d", last, lasts[p%len(lasts)], p)
			name, first, last = company, "", ""
		}
		added := base.AddDate(0, 0, p%3000).Format("20060102")
		if err := w.Write(a%500 == 499, fmt.Sprintf("N%06d", a+1), name, first, last, company, phone, email, added, notes[p%len(notes)]); err != nil {
			w.Close()
			return err
		}
	}
	return w.Close()
}
