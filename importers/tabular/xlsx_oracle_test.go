package tabular

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"handover/internal/firmgen"
)

// The scanner-based sheet and shared-string readers must read exactly what
// the encoding/xml-based ones (xlsx_oracle_impl_test.go) read: the same rows,
// the same values, an error where and only where they had one.

type sheetEvent struct {
	num   int64
	cells []string
	ok    bool
	err   bool
}

// sheetEvents drains a sheet stream: every row up to the end or the first error.
func sheetEvents(next func() (int64, []string, bool, error)) []sheetEvent {
	var out []sheetEvent
	for i := 0; i < 1<<21; i++ { // a sheet has at most 2^20 rows
		num, cells, ok, err := next()
		out = append(out, sheetEvent{num, cells, ok, err != nil})
		if err != nil || !ok {
			return out
		}
	}
	return out
}

func testStyles() []styleInfo {
	return []styleInfo{
		{},                           // 0: General
		{numFmtID: 14, kind: isDate}, // 1: a date
		{numFmtID: 4},                // 2: #,##0.00
		{numFmtID: 49},               // 3: text
		{numFmtID: 21, kind: isTime}, // 4: a time
		{numFmtID: 164, code: "0.000", kind: notDate},
	}
}

// compareSheetXML reads data as a worksheet with both readers.
func compareSheetXML(t *testing.T, data []byte, sst *sharedStrings, styles []styleInfo) {
	t.Helper()
	newFM, oldFM := &numFormatter{}, &numFormatter{}
	defer newFM.close()
	defer oldFM.close()
	got := sheetEvents(newSheetStream(io.NopCloser(bytes.NewReader(data)), sst, styles, newFM, false).next)
	old := &oracleSheetStream{dec: xml.NewDecoder(bytes.NewReader(data)), sst: sst, styles: styles, fm: oldFM}
	want := sheetEvents(old.next)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("sheet %q:\nscanner: %v\noracle:  %v", truncateForLog(data), summarize(got), summarize(want))
	}
}

func summarize(ev []sheetEvent) string {
	if len(ev) > 8 {
		return fmt.Sprintf("%d events, from %+v ... to %+v", len(ev), ev[:4], ev[len(ev)-4:])
	}
	return fmt.Sprintf("%+v", ev)
}

func truncateForLog(b []byte) string {
	if len(b) > 400 {
		return string(b[:400]) + "..."
	}
	return string(b)
}

// storedZip is a zip holding one part, stored.
func storedZip(t testing.TB, name string, data []byte) *zip.Reader {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	return zr
}

func sstStrings(s *sharedStrings) []string {
	if s == nil {
		return nil
	}
	if s.f == nil {
		return s.mem
	}
	out := []string{}
	for i := 0; i+1 < len(s.offs); i++ {
		v, _ := s.get(i)
		out = append(out, v)
	}
	return out
}

// compareSST loads a shared-strings part with both readers.
func compareSST(t *testing.T, zr *zip.Reader, part string) *sharedStrings {
	t.Helper()
	got, gotErr := loadSharedStrings(zr, part)
	want, wantErr := oracleLoadSharedStrings(zr, part)
	defer want.close()
	if (gotErr != nil) != (wantErr != nil) {
		got.close()
		t.Fatalf("shared strings %s: scanner error %v, oracle error %v", part, gotErr, wantErr)
	}
	if g, w := sstStrings(got), sstStrings(want); !reflect.DeepEqual(g, w) {
		got.close()
		t.Fatalf("shared strings %s differ: %d strings vs %d", part, len(g), len(w))
	}
	return got
}

// compareWorkbook reads every sheet of an .xlsx with both readers.
func compareWorkbook(t *testing.T, path string) (rows int) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer zr.Close()
	wb, err := readWorkbook(&zr.Reader)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	styles := readStyles(&zr.Reader, wb.stylesPart)
	sst := compareSST(t, &zr.Reader, wb.sstPart)
	defer sst.close()
	for _, sh := range wb.sheets {
		zf := findZipFile(&zr.Reader, sh.part)
		if zf == nil {
			continue
		}
		open := func() io.ReadCloser {
			rc, err := zf.Open()
			if err != nil {
				t.Fatalf("%s %s: %v", path, sh.part, err)
			}
			return rc
		}
		newFM, oldFM := &numFormatter{}, &numFormatter{}
		ns := newSheetStream(open(), sst, styles, newFM, wb.date1904)
		rc := open()
		os := &oracleSheetStream{rc: rc, dec: xml.NewDecoder(rc), sst: sst, styles: styles, fm: oldFM, date1904: wb.date1904}
		n := 0
		for {
			gn, gc, gok, gerr := ns.next()
			wn, wc, wok, werr := os.next()
			if gn != wn || gok != wok || (gerr != nil) != (werr != nil) || !reflect.DeepEqual(gc, wc) {
				t.Fatalf("%s sheet %q row %d: scanner (%d %q %v %v), oracle (%d %q %v %v)", path, sh.name, n, gn, gc, gok, gerr, wn, wc, wok, werr)
			}
			if !gok || gerr != nil {
				break
			}
			n++
		}
		ns.close()
		os.close()
		newFM.close()
		oldFM.close()
		rows += n
	}
	return rows
}

// xlsxCorpus is every workbook the team has: the repository's, the shared
// test data's, the bench firms' (when present) and excelize's own test files.
func xlsxCorpus(t *testing.T) []string {
	var files []string
	walk := func(root string) {
		filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.EqualFold(filepath.Ext(p), ".xlsx") {
				files = append(files, p)
			}
			return nil
		})
	}
	for _, root := range []string{"../..", "../../../shared/testdata/", "/work/wt/benchdata/"} { // trailing "/": follow the links
		walk(root)
	}
	if gomod := os.Getenv("GOMODCACHE"); gomod != "" {
		walk(filepath.Join(gomod, "github.com/xuri/excelize/v2@v2.11.1/test"))
	} else if home, err := os.UserHomeDir(); err == nil {
		walk(filepath.Join(home, "go/pkg/mod/github.com/xuri/excelize/v2@v2.11.1/test"))
	}
	return files
}

func TestXLSXScanMatchesOracleOnWorkbooks(t *testing.T) {
	files := xlsxCorpus(t)
	if testing.Short() {
		files = files[:min(len(files), 3)]
	}
	// Generated firms of the xlsx-workbook shape (one sheet per table, date
	// cells, money formats): the first seeds of that shape, not picked.
	if !testing.Short() {
		made := 0
		for seed := int64(1); seed < 400 && made < 4; seed++ {
			spec := firmgen.FromSeed(seed)
			if spec.Shape != "xlsx-workbook" {
				continue
			}
			dir := filepath.Join(t.TempDir(), spec.Name)
			if _, err := firmgen.Generate(dir, spec); err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
			made++
			filepath.WalkDir(firmgen.ExportDir(dir), func(p string, d os.DirEntry, err error) error {
				if err == nil && strings.EqualFold(filepath.Ext(p), ".xlsx") {
					files = append(files, p)
				}
				return nil
			})
		}
	}
	if len(files) == 0 {
		t.Fatal("no workbooks found")
	}
	for _, p := range files {
		if fi, err := os.Stat(p); err == nil && fi.Size() > 4<<20 && testing.Short() {
			continue
		}
		if _, err := zip.OpenReader(p); err != nil {
			continue // encrypted (a CFB file) or not a package: no sheets to compare
		}
		rows := compareWorkbook(t, p)
		t.Logf("%s: %d rows the same", p, rows)
	}
}

// sheetSeeds are worksheets in the shapes real writers produce, and the
// quirks the Decoder accepts or rejects.
var sheetSeeds = []string{
	`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>Name</t></is></c></row><row r="3"><c r="A3" s="1"><v>45123</v></c><c r="C3" s="2"><v>1234.5</v></c><c r="D3" t="b"><v>1</v></c><c r="E3" t="str"><v>a_x000D_b</v></c><c r="F3" t="e"><v>#N/A</v></c></row></sheetData></worksheet>`,
	`<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData><x:row x:r="2"><x:c x:r="B2" x:t="inlineStr"><x:is><x:r><x:t>rich </x:t></x:r><x:r><x:rPr/><x:t xml:space="preserve">runs</x:t></x:r><x:rPh><x:t>ふりがな</x:t></x:rPh></x:is></x:c></x:row></x:sheetData></x:worksheet>`,
	`<worksheet><sheetData><row><c><v>1</v></c><c/><c t="s"><v> 2 </v></c><c><v/></c></row><row/><row spans="1:3"><c t="d"><v>2024-01-02T00:00:00</v></c></row></sheetData></worksheet>`,
	"<worksheet><sheetData><row r='1'><c r='A1' t='inlineStr'><is><t>&lt;&amp;&gt;&quot;&apos;&#65;&#x42;&#x1F600;</t></is></c><c r='B1'><v><![CDATA[12]]>3</v></c><c r = 'C1' ><v>\r\n4\r</v></c></row></sheetData></worksheet>",
	`<worksheet><!-- a comment --><sheetData><?pi data?><row r="1"><c r="A1"><v>1<!-- x --></v></c></row><!DOCTYPE x [<!ENTITY a "b">]></sheetData></worksheet>`,
	`<worksheet><sheetData><row r="5"><c r="A5"><v>1</v></c></row><row r="4"><c r="A4"><v>2</v></c></row><row r="+7"><c r="AA7"><v>3</v></c><c r="XFE7"><v>4</v></c><c r="7"><v>5</v></c></row></sheetData></worksheet>`,
	`<worksheet><sheetData><row r="1"><c s="abc"><v>3.14159</v></c><c s="5"><v>2</v></c><c s="3"><v>0042</v></c><c s="4"><v>0.5</v></c><c s="99"><v>1e20</v></c><c t="b"><v>x</v></c></row></sheetData></worksheet>`,
	`<worksheet><sheetData><row r="1"><c><v>1</v></c>`,
	`<worksheet><sheetData><row r="1"><c><v>1</v></c></row><row r="2"><c><v>&bogus;</v></c></row></sheetData></worksheet>`,
	`<worksheet><sheetData><row r="1"><c><v>1</v></c></row>trailing ]]> text</sheetData></worksheet>`,
	`<?xml version="1.0" encoding="UTF-16"?><worksheet/>`,
	`<?xml version="1.1"?><worksheet/>`,
	"\xEF\xBB\xBF<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>caf\xC3\xA9</t></is></c></row></sheetData></worksheet>",
	"<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>bad \xC3 utf8</t></is></c></row></sheetData></worksheet>",
	"<worksheet><sheetData><row><c><v>&#0;</v></c></row></sheetData></worksheet>",
	"<worksheet><sheetData><row><c><v>&#xD800;</v></c></row></sheetData></worksheet>",
	`<worksheet><sheetData><row><c r="A1" r="B1" t="s" t="inlineStr"><v>1</v></c><c xmlns:r="x" r="C1"><v>2</v></c></row></sheetData></worksheet>`,
	`<worksheet><sheetData><row><c a:b:c="1"><v>1</v></c></row></sheetData></worksheet>`,
	`<worksheet><sheetData><row><c><v>1</v></c></row></sheetData></worksheet><extra><row r="9"><c><v>9</v></c></row></extra>`,
	`<worksheet><sheetData><row><c><is><t>a</t></is><is><t>b</t></is><v>7</v></c><c t="inlineStr"><v>8</v></c></row></sheetData></worksheet>`,
	`<worksheet><sheetData><row><c t="inlineStr"><is></t><t>x</t><t><t>y</t>z</t></is></c></row></sheetData></worksheet>`,
	`<worksheet><sheetData><row><c><v>1</v><c><v>2</v></c></c><row><c><v>3</v></c></row></row></sheetData></worksheet>`,
	`<ws><row><c r="A1"t="s"><v>0</v></c></row><row r="1048577"><c><v>1</v></c></row><row r="99999999999999999999"><c><v>1</v></c></row></ws>`,
	`<ws><row><c><v>1</v></c></row><1row/></ws>`,
	`<ws><row><c><v>1</v></c></row><row><c r=A1><v>1</v></c></row></ws>`,
	"<ws><row><c><v>1</v></c></row><row><c><v>\x01</v></c></row></ws>",
	"<ws><row><c t=\"inlineStr\"><is><t>\xe3\x81\xb5</t></is></c></row><\xe3\x81\xb5 \xe3\x81\xb5=\"1\"/><\xcc\x80/></ws>",
	`<ws><row><c><v>1</v></c></row><!-- a -- b --></ws>`,
	`<ws><row><c><v>1</v></c></row><![CDATA[ x ]]><![CDAT x></ws>`,
	`<ws><row><c><v>1</v></c></row><!DOCTYPE a "x>" <!-- > --> [ <b> ]><row><c><v>2</v></c></row></ws>`,
	"<ws><row><c t=\"inlineStr\"><is><t>a\r\nb\rc\n\r\r\nd]]</t></is></c><c t=\"str\r\"><v>x</v></c><c t=\"str\"><v>&#13;\r\n</v></c></row></ws>",
}

func testSST() *sharedStrings {
	return &sharedStrings{mem: []string{"Client", "Matter", "a_x000D_b", ""}}
}

func TestXLSXScanMatchesOracleOnSeeds(t *testing.T) {
	for _, s := range sheetSeeds {
		compareSheetXML(t, []byte(s), testSST(), testStyles())
		// Every prefix: the input ending anywhere.
		for i := range len(s) {
			compareSheetXML(t, []byte(s[:i]), testSST(), testStyles())
		}
	}
}

var sstSeeds = []string{
	`<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3"><si><t>Harbor &amp; Lane</t></si><si><r><t>rich</t></r><r><rPr><b/></rPr><t xml:space="preserve"> text</t></r></si><si><t>line_x000A_break</t><rPh sb="0" eb="1"><t>ル</t></rPh><phoneticPr fontId="1"/></si><si/><si><t/></si></sst>`,
	`<x:sst xmlns:x="urn:x"><x:si><x:t>a</x:t></x:si></x:sst>`,
	`<sst><si><t>a</t></sst>`,
	`<sst><si><t>a</t></si>`,
	`<sst><si><t>a</t></si></sst></sst>`,
	`<sst><si><t>a</x:t></si></sst>`,
	`<sst><si><x:si>in</x:si><t>b</t></si></sst>`,
}

func TestXLSXScanSharedStringsMatchOracle(t *testing.T) {
	for _, s := range sstSeeds {
		for i := range len(s) + 1 {
			compareSST(t, storedZip(t, "xl/sharedStrings.xml", []byte(s[:i])), "xl/sharedStrings.xml").close()
		}
	}
}

// FuzzXLSXScan feeds the same bytes to both readers, as a worksheet and as
// a shared-strings part: the rows, values and error-or-not must agree, and
// neither may panic.
func FuzzXLSXScan(f *testing.F) {
	for _, s := range sheetSeeds {
		f.Add([]byte(s))
	}
	for _, s := range sstSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		compareSheetXML(t, data, testSST(), testStyles())
		compareSST(t, storedZip(t, "xl/sharedStrings.xml", data), "xl/sharedStrings.xml").close()
	})
}
