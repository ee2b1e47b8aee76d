package tabular

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func mustNil(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// makeWorkbook writes a workbook like a small firm's export.
func makeWorkbook(t testing.TB) string {
	f := excelize.NewFile()
	defer f.Close()
	mustNil(t, f.SetSheetName("Sheet1", "Matters"))
	dateStyle, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	dmy := "dd/mm/yyyy hh:mm"
	dtStyle, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &dmy})
	money, _ := f.NewStyle(&excelize.Style{NumFmt: 4})
	three := "0.000"
	threeDec, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &three})
	timeStyle, _ := f.NewStyle(&excelize.Style{NumFmt: 20})

	set := func(sheet, cell string, v any) { mustNil(t, f.SetCellValue(sheet, cell, v)) }
	style := func(sheet, cell string, id int) { mustNil(t, f.SetCellStyle(sheet, cell, cell, id)) }

	set("Matters", "A1", "Smith & Jones LLP")
	set("Matters", "A2", "Open matters as of 15/03/2024")
	// row 3 empty
	for i, h := range []string{"Matter No", "Client", "Opened", "Opened at", "Fee", "Client ID", "Ref", "Serial", "Start"} {
		cell, _ := excelize.CoordinatesToCellName(i+1, 4)
		set("Matters", cell, h)
	}
	// row 5
	set("Matters", "A5", "16-1001")
	set("Matters", "B5", "Acme Corp")
	set("Matters", "C5", 45366) // 2024-03-15
	style("Matters", "C5", dateStyle)
	set("Matters", "D5", 45366.395833333336) // 2024-03-15 09:30
	style("Matters", "D5", dtStyle)
	set("Matters", "E5", 1234.5)
	style("Matters", "E5", money)
	set("Matters", "F5", "0042")
	set("Matters", "G5", 1234.01)
	style("Matters", "G5", threeDec)
	set("Matters", "H5", 45366) // a plain number, not a date
	set("Matters", "I5", 0.5)
	style("Matters", "I5", timeStyle)
	// row 6: short row (trailing cells empty)
	set("Matters", "A6", "16-1002")
	set("Matters", "B6", "Doe, Jane")
	// row 7: value beyond the header
	set("Matters", "A7", "16-1003")
	set("Matters", "K7", "stray note")
	// row 8 empty, row 9 totals
	set("Matters", "A9", "Grand total")
	set("Matters", "E9", 1234.5)

	_, err := f.NewSheet("Summary")
	mustNil(t, err)
	set("Summary", "A1", "Total matters")
	set("Summary", "B1", 3)
	set("Summary", "A2", "Total fees")
	set("Summary", "B2", 1234.5)

	_, err = f.NewSheet("Contacts")
	mustNil(t, err)
	set("Contacts", "A1", "Name")
	set("Contacts", "B1", "Email")
	for i := 2; i <= 31; i++ {
		set("Contacts", fmt.Sprintf("A%d", i), fmt.Sprintf("Person %d", i))
		set("Contacts", fmt.Sprintf("B%d", i), fmt.Sprintf("p%d@example.com", i))
	}
	p := filepath.Join(t.TempDir(), "book.xlsx")
	mustNil(t, f.SaveAs(p))
	return p
}

func TestXLSXWorkbook(t *testing.T) {
	p := makeWorkbook(t)
	if got, _ := Detect(p); got != FormatXLSX {
		t.Fatalf("Detect = %q", got)
	}
	// Content decides, not the extension.
	b, _ := os.ReadFile(p)
	if got, _ := Detect(writeFile(t, "export.csv", b)); got != FormatXLSX {
		t.Fatalf("Detect(xlsx named .csv) = %q", got)
	}
	info, rows := readAll(t, p, Options{})
	if info.Format != "xlsx" || info.HeaderRow != 4 {
		t.Fatalf("info %+v", info)
	}
	bySheet := map[string][]Row{}
	for _, r := range rows {
		bySheet[r.Table.Name] = append(bySheet[r.Table.Name], r)
	}
	m := bySheet["Matters"]
	if len(m) != 8 {
		for _, r := range m {
			t.Logf("%d %v %q %s", r.Num, r.Kind, r.Values, r.Reason)
		}
		t.Fatalf("Matters: %d rows", len(m))
	}
	wantKinds := []RowKind{NotData, NotData, Empty, Data, Data, Rejected, Empty, NotData}
	wantNums := []int64{1, 2, 3, 5, 6, 7, 8, 9}
	for i, r := range m {
		if r.Kind != wantKinds[i] || r.Num != wantNums[i] {
			t.Errorf("row %d: %d %v (%s), want %d %v", i, r.Num, r.Kind, r.Reason, wantNums[i], wantKinds[i])
		}
	}
	hdr := m[3].Table.Header
	if !reflect.DeepEqual(hdr, []string{"Matter No", "Client", "Opened", "Opened at", "Fee", "Client ID", "Ref", "Serial", "Start"}) {
		t.Errorf("header %q", hdr)
	}
	want := []string{"16-1001", "Acme Corp", "2024-03-15", "2024-03-15T09:30:00", "1,234.50", "0042", "1234.010", "45366", "12:00:00"}
	if !reflect.DeepEqual(m[3].Values, want) {
		t.Errorf("values\n got %q\nwant %q", m[3].Values, want)
	}
	if got := m[4].Values; len(got) != 9 || got[1] != "Doe, Jane" || got[8] != "" {
		t.Errorf("short row not padded to the header: %q", got)
	}
	if !strings.Contains(m[5].Reason, "row 7 has values in 11 columns, the header has 9") {
		t.Errorf("ragged reason %q", m[5].Reason)
	}
	if !strings.Contains(m[7].Reason, "totals") {
		t.Errorf("totals reason %q", m[7].Reason)
	}

	s := bySheet["Summary"]
	if len(s) != 2 || s[0].Kind != NotData || s[1].Kind != NotData || !strings.Contains(s[0].Reason, "summary") {
		t.Errorf("Summary rows %+v", s)
	}
	noted := false
	for _, n := range info.Notes {
		if strings.Contains(n, "sheet 'Summary' is a summary") {
			noted = true
		}
	}
	if !noted {
		t.Errorf("notes %q", info.Notes)
	}
	c := bySheet["Contacts"]
	if len(c) != 30 || c[0].Num != 2 || c[0].Values[1] != "p2@example.com" || c[29].Num != 31 {
		t.Errorf("Contacts rows %d %+v", len(c), c[:1])
	}
	for _, r := range c {
		if r.Kind != Data {
			t.Errorf("contact row %d: %v %s", r.Num, r.Kind, r.Reason)
		}
	}

	// Only one sheet.
	_, rows = readAll(t, p, Options{Sheet: "contacts"})
	if len(rows) != 30 {
		t.Errorf("sheet filter: %d rows", len(rows))
	}
	if _, err := Open(p, Options{Sheet: "Nope"}); err == nil || !strings.Contains(err.Error(), "Matters") {
		t.Errorf("missing sheet error %v", err)
	}
	// Preview.
	pinfo, prow, err := Preview(p, Options{}, 3)
	if err != nil || len(prow) != 3 || pinfo.Format != "xlsx" {
		t.Errorf("preview %v %d %+v", err, len(prow), pinfo)
	}
}

func TestXLSXPasswordAndBroken(t *testing.T) {
	f := excelize.NewFile()
	mustNil(t, f.SetCellValue("Sheet1", "A1", "secret"))
	p := filepath.Join(t.TempDir(), "locked.xlsx")
	mustNil(t, f.SaveAs(p, excelize.Options{Password: "pw"}))
	f.Close()
	if got, _ := Detect(p); got != FormatXLSX {
		t.Fatalf("Detect(encrypted) = %q", got)
	}
	_, err := Open(p, Options{})
	if !errors.Is(err, ErrPasswordProtected) || !strings.Contains(err.Error(), "File > Info > Protect Workbook") {
		t.Fatalf("err = %v", err)
	}

	good := makeWorkbook(t)
	b, _ := os.ReadFile(good)
	broken := writeFile(t, "broken.xlsx", b[:len(b)/2])
	if got, _ := Detect(broken); got != FormatXLSX {
		t.Fatalf("Detect(broken) = %q", got)
	}
	if _, err := Open(broken, Options{}); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("broken zip err = %v", err)
	}
}

func TestClassifyNumFmt(t *testing.T) {
	for code, want := range map[string]dateKind{
		"dd/mm/yyyy":              isDate,
		"[$-409]mmmm d, yyyy;@":   isDate,
		"yyyy-mm-dd hh:mm:ss":     isDate,
		"h:mm AM/PM":              isTime,
		"[h]:mm:ss":               notDate,
		"0.000":                   notDate,
		"#,##0.00 \"days\"":       notDate,
		"General":                 notDate,
		"0.00E+00":                notDate,
		"\"Day \"0":               notDate,
		"[Red]#,##0;[Blue]-#,##0": notDate,
	} {
		if got := classifyNumFmt(code); got != want {
			t.Errorf("%q: %v want %v", code, got, want)
		}
	}
}

// A hand-written package exercising what other tools (not excelize) write:
// inline strings, rich text with phonetic runs, _x000D_ escapes, booleans,
// errors, the 1904 date system, a hidden sheet and a chart sheet.
func TestXLSXHandWrittenParts(t *testing.T) {
	ns := `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
	data := zipWith(map[string]string{
		"[Content_Types].xml": `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
		"xl/workbook.xml": `<workbook ` + ns + `><workbookPr date1904="1"/><sheets>` +
			`<sheet name="Data" sheetId="1" r:id="rId1"/><sheet name="Old" sheetId="2" state="hidden" r:id="rId2"/><sheet name="Chart" sheetId="3" r:id="rId3"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
			`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet2.xml"/>` +
			`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/chartsheet" Target="chartsheets/sheet1.xml"/>` +
			`<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="strings.xml"/>` +
			`<Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`,
		"xl/strings.xml": `<sst ` + ns + `><si><t>Name</t></si><si><t>Joined</t></si><si><r><t>Ta</t></r><r><t>naka</t></r><rPh><t>タナカ</t></rPh></si><si><t>line1_x000D_` + "\n" + `line2</t></si><si><t>Flag</t></si><si><t>Err</t></si></sst>`,
		"xl/styles.xml":  `<styleSheet ` + ns + `><numFmts><numFmt numFmtId="170" formatCode="yyyy\-mm\-dd"/></numFmts><cellXfs><xf numFmtId="0"/><xf numFmtId="170"/><xf numFmtId="49"/></cellXfs></styleSheet>`,
		"xl/worksheets/sheet1.xml": `<worksheet ` + ns + `><sheetData>` +
			`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>4</v></c><c r="D1" t="s"><v>5</v></c></row>` +
			`<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" s="1"><v>0</v></c><c r="C2" t="b"><v>1</v></c><c r="D2" t="e"><v>#N/A</v></c></row>` +
			`<row r="4"><c r="A4" t="inlineStr"><is><t>Inline &amp; more</t></is></c><c r="B4" s="1"><v>43000</v></c><c r="C4" s="2" t="s"><v>3</v></c></row>` +
			`</sheetData></worksheet>`,
		"xl/worksheets/sheet2.xml": `<worksheet ` + ns + `><sheetData><row r="1"><c t="inlineStr"><is><t>Only</t></is></c></row></sheetData></worksheet>`,
	})
	p := writeFile(t, "other.xlsx", data)
	info, rows := readAll(t, p, Options{})
	var data1 []Row
	for _, r := range rows {
		if r.Table.Name == "Data" {
			data1 = append(data1, r)
		}
	}
	if len(data1) != 3 {
		t.Fatalf("Data rows %+v", data1)
	}
	if got := data1[0].Values; !reflect.DeepEqual(got, []string{"Tanaka", "1904-01-01", "TRUE", "#N/A"}) {
		t.Errorf("row 2 %q", got)
	}
	if data1[1].Kind != Empty || data1[1].Num != 3 {
		t.Errorf("missing row 3 should come out Empty: %+v", data1[1])
	}
	if got := data1[2].Values; !reflect.DeepEqual(got, []string{"Inline & more", "2021-09-23", "line1\r\nline2", ""}) {
		t.Errorf("row 4 %q", got)
	}
	notes := strings.Join(info.Notes, "\n")
	if !strings.Contains(notes, "sheet 'Old' is hidden") || !strings.Contains(notes, "sheet 'Chart' has no cells") {
		t.Errorf("notes %q", info.Notes)
	}
	// Forced header row on one sheet.
	_, rows = readAll(t, p, Options{Sheet: "Data", HeaderRow: 2})
	if len(rows) != 3 || rows[0].Kind != NotData || rows[0].Num != 1 || rows[2].Table.Header[0] != "Tanaka" {
		t.Errorf("forced header: %+v", rows)
	}
}
