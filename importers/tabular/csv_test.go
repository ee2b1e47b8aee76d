package tabular

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"
)

func readAll(t testing.TB, path string, opts Options) (Info, []Row) {
	t.Helper()
	r, err := Open(path, opts)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	defer r.Close()
	var rows []Row
	for {
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("Next(%s): %v", path, err)
		}
		rows = append(rows, row)
	}
	return r.Info(), rows
}

func writeFile(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func dataMaps(rows []Row) []map[string]string {
	var out []map[string]string
	for _, r := range rows {
		if r.Kind != Data {
			continue
		}
		m := map[string]string{}
		for i, h := range r.Table.Header {
			m[h] = r.Values[i]
		}
		out = append(out, m)
	}
	return out
}

func TestCSVSpectrum(t *testing.T) {
	csvs, _ := filepath.Glob(filepath.Join(spectrumDir, "csvs", "*.csv"))
	if len(csvs) < 12 {
		t.Fatalf("csv-spectrum fixtures missing: %v", csvs)
	}
	for _, p := range csvs {
		name := strings.TrimSuffix(filepath.Base(p), ".csv")
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(spectrumDir, "json", name+".json"))
			if err != nil {
				t.Fatal(err)
			}
			var want []map[string]string
			if err := json.Unmarshal(raw, &want); err != nil {
				// location_coordinates.json upstream is a single object, not an array.
				var one map[string]string
				if err2 := json.Unmarshal(raw, &one); err2 != nil {
					t.Fatal(err)
				}
				want = []map[string]string{one}
			}
			if name == "location_coordinates" {
				// Upstream fixture mismatch: the JSON says 1234567890, the CSV 2095257564.
				want[0]["Contact Phone Number"] = "2095257564"
			}
			for _, m := range want {
				for k, v := range m {
					// The shared copies of the *_crlf files have LF line ends and
					// encoding/csv turns CRLF inside quotes into LF anyway.
					m[k] = strings.ReplaceAll(v, "\r\n", "\n")
				}
			}
			if f, _ := Detect(p); f != FormatCSV {
				t.Fatalf("Detect = %q", f)
			}
			info, rows := readAll(t, p, Options{})
			if info.HeaderRow != 1 || info.Delimiter != "," {
				t.Errorf("info = %+v", info)
			}
			got := dataMaps(rows)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got  %q\nwant %q", got, want)
			}
			for _, r := range rows {
				if r.Kind != Data {
					t.Errorf("unexpected %v row %d: %s", r.Kind, r.Num, r.Reason)
				}
			}
		})
	}
}

func TestCSVLineNumbersAndBlankLines(t *testing.T) {
	p := writeFile(t, "n.csv", []byte("a,b,c\n1,2,3\n\n\"multi\nline\",5,6\n7,8,9\n\n"))
	_, rows := readAll(t, p, Options{})
	type k struct {
		num  int64
		kind RowKind
	}
	var got []k
	for _, r := range rows {
		got = append(got, k{r.Num, r.Kind})
	}
	want := []k{{2, Data}, {3, Empty}, {4, Data}, {6, Data}, {7, Empty}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v want %v", got, want)
	}
	if rows[2].Values[0] != "multi\nline" {
		t.Fatalf("multi-line value = %q", rows[2].Values[0])
	}
}

func TestCSVEncodingsGiveSameValues(t *testing.T) {
	text := "Name;City;Note\r\nJosé Muñoz;Zürich;“quoted” €5\r\nRenée Brontë;Málaga;naïve\r\n"
	// cp1252 can encode all of it.
	w1252, err := charmap.Windows1252.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	u16, err := xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM).NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	u16nobom, _ := xunicode.UTF16(xunicode.LittleEndian, xunicode.IgnoreBOM).NewEncoder().String(text)
	u16be, _ := xunicode.UTF16(xunicode.BigEndian, xunicode.UseBOM).NewEncoder().String(text)
	cases := map[string]struct {
		data []byte
		enc  string
	}{
		"utf8":         {[]byte(text), "utf-8"},
		"utf8bom":      {append([]byte{0xEF, 0xBB, 0xBF}, text...), "utf-8"},
		"cp1252":       {[]byte(w1252), "windows-1252"},
		"utf16le":      {[]byte(u16), "utf-16le"},
		"utf16le-nobm": {[]byte(u16nobom), "utf-16le"},
		"utf16be":      {[]byte(u16be), "utf-16be"},
	}
	want := [][]string{{"José Muñoz", "Zürich", "“quoted” €5"}, {"Renée Brontë", "Málaga", "naïve"}}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			p := writeFile(t, name+".csv", c.data)
			info, rows := readAll(t, p, Options{})
			if info.Encoding != c.enc {
				t.Errorf("encoding = %q (%s), want %q", info.Encoding, info.Guessed["encoding"], c.enc)
			}
			if info.Guessed["encoding"] == "" {
				t.Errorf("no reason recorded for the encoding")
			}
			if info.Delimiter != ";" {
				t.Errorf("delimiter = %q", info.Delimiter)
			}
			if got := rows[0].Table.Header; !reflect.DeepEqual(got, []string{"Name", "City", "Note"}) {
				t.Errorf("header = %q (BOM must not stick to the first name)", got)
			}
			var got [][]string
			for _, r := range rows {
				got = append(got, r.Values)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %q want %q", got, want)
			}
		})
	}
}

func TestCSVWindows1252Reason(t *testing.T) {
	data, _ := charmap.Windows1252.NewEncoder().String("Name,City\nBob,Paris\nAndré,Nîmes\n")
	p := writeFile(t, "w.csv", []byte(data))
	info, rows := readAll(t, p, Options{})
	if info.Encoding != "windows-1252" || !strings.Contains(info.Guessed["encoding"], "line 3") || !strings.Contains(info.Guessed["encoding"], "0xE9") {
		t.Fatalf("encoding %q: %q", info.Encoding, info.Guessed["encoding"])
	}
	if rows[1].Values[0] != "André" {
		t.Fatalf("got %q", rows[1].Values)
	}
}

func TestCSVDOSCodePages(t *testing.T) {
	// cp850 export: ã and Ó exist in 850 but are box drawing in 437.
	text := "Nome,Cidade,Obs\nJoão Simões,São Paulo,ÓTIMO\nMaría Núñez,Málaga,Ñandú\nFrançois,Besançon,Crème brûlée\n"
	b, err := charmap.CodePage850.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	p := writeFile(t, "dos850.csv", []byte(b))
	info, rows := readAll(t, p, Options{})
	if info.Encoding != "cp850" {
		t.Fatalf("encoding %q (%s)", info.Encoding, info.Guessed["encoding"])
	}
	if rows[0].Values[0] != "João Simões" || rows[1].Values[2] != "Ñandú" || rows[2].Values[2] != "Crème brûlée" {
		t.Fatalf("values %+v", rows)
	}

	// cp437 report with a box-drawing title line above the header.
	text437 := "╔══════════╗\nName,Town\nMüller,Köln\nGarçon,Besançon\n"
	b437, err := charmap.CodePage437.NewEncoder().String(text437)
	if err != nil {
		t.Fatal(err)
	}
	p = writeFile(t, "dos437.csv", []byte(b437))
	info, rows = readAll(t, p, Options{})
	if info.Encoding != "cp437" {
		t.Fatalf("encoding %q (%s)", info.Encoding, info.Guessed["encoding"])
	}
	if rows[0].Kind != NotData || rows[1].Values[0] != "Müller" || info.HeaderRow != 2 {
		t.Fatalf("rows %+v info %+v", rows, info)
	}
	// Forcing the encoding wins over detection.
	info, rows = readAll(t, p, Options{Encoding: "cp850"})
	if info.Encoding != "cp850" || rows[1].Values[1] != "Köln" {
		t.Fatalf("forced: %+v %q", info, rows[1].Values)
	}
}

func TestCSVTitleRowsAndTotals(t *testing.T) {
	data := "Smith & Jones LLP,,,\nClient List Report,,,\nPrinted 2024-03-15,,,\nClient ID,Name,Opened,Balance\n0042,Acme Corp,2024-01-02,100.00\n16-1001,\"Doe, Jane\",2024-02-03,50.00\n,,,\nGrand total,,,150.00\n"
	p := writeFile(t, "report.csv", []byte(data))
	info, rows := readAll(t, p, Options{})
	if info.HeaderRow != 4 || rows[0].Table.HeaderRow != 4 {
		t.Fatalf("header row %d (%s)", info.HeaderRow, info.Guessed["header"])
	}
	kinds := []RowKind{NotData, NotData, NotData, Data, Data, Empty, NotData}
	nums := []int64{1, 2, 3, 5, 6, 7, 8}
	if len(rows) != len(kinds) {
		t.Fatalf("%d rows: %+v", len(rows), rows)
	}
	for i, r := range rows {
		if r.Kind != kinds[i] || r.Num != nums[i] {
			t.Errorf("row %d: got %v at %d (%s), want %v at %d", i, r.Kind, r.Num, r.Reason, kinds[i], nums[i])
		}
	}
	if rows[3].Values[0] != "0042" || rows[4].Values[0] != "16-1001" || rows[4].Values[1] != "Doe, Jane" {
		t.Errorf("identifiers changed: %q %q", rows[3].Values, rows[4].Values)
	}
	if !strings.Contains(rows[6].Reason, "totals") {
		t.Errorf("totals reason %q", rows[6].Reason)
	}
}

func TestCSVRaggedAndBadQuotes(t *testing.T) {
	data := "a|b|c\n1|2|3\n4|5\n6|7|8|9\n10|x\"y|12\n13|14|15\n16|\"never closed|17\n18|19|20\n"
	p := writeFile(t, "pipe.csv", []byte(data))
	info, rows := readAll(t, p, Options{})
	if info.Delimiter != "|" {
		t.Fatalf("delimiter %q", info.Delimiter)
	}
	want := []struct {
		num  int64
		kind RowKind
		why  string
	}{
		{2, Data, ""},
		{3, Data, ""}, // only its last field is missing: read with it empty
		{4, Rejected, "row 4 has 4 fields, the header has 3, and the extra ones hold values (9)"},
		{5, Data, ""}, // bare quote inside an unquoted value: kept as written
		{6, Data, ""},
		{7, Rejected, "not closed"},
	}
	if len(rows) != len(want) {
		t.Fatalf("got %d rows: %+v", len(rows), rows)
	}
	if rows[1].Warning == "" || rows[1].Values[2] != "" || rows[0].Warning != "" {
		t.Errorf("short row %+v, full row %+v", rows[1], rows[0])
	}
	if rows[3].Values[1] != "x\"y" || len(info.Notes) == 0 {
		t.Errorf("bare quote row %q notes %q", rows[3].Values, info.Notes)
	}
	if rows[5].Values[0] != "16|\"never closed|17\n18|19|20" {
		t.Errorf("rejected row should carry its raw text, got %q", rows[5].Values)
	}
	for i, w := range want {
		r := rows[i]
		if r.Num != w.num || r.Kind != w.kind || !strings.Contains(r.Reason, w.why) {
			t.Errorf("row %d: %d %v %q, want %d %v %q", i, r.Num, r.Kind, r.Reason, w.num, w.kind, w.why)
		}
	}
}

func TestCSVInvalidUTF8RowRejected(t *testing.T) {
	data := "name,city\nJosé,Paris\nBad\xff,Rome\nOK,Oslo\n"
	p := writeFile(t, "mixed.csv", []byte(data))
	// The sample is not valid UTF-8, so detection picks 1252 and nothing is rejected...
	info, _ := readAll(t, p, Options{})
	if info.Encoding == "utf-8" {
		t.Fatalf("detected utf-8 for invalid bytes")
	}
	// ...but when the user forces UTF-8 the bad row is rejected, not mangled.
	_, rows := readAll(t, p, Options{Encoding: "utf-8"})
	if rows[1].Kind != Rejected || !strings.Contains(rows[1].Reason, "0xFF") || rows[2].Kind != Data {
		t.Fatalf("rows %+v", rows)
	}
}

func TestCSVHeaderlessAndForcedHeader(t *testing.T) {
	// PCLaw-style export: no header, matter numbers like 16-1001.
	data := "16-1001,Smith John,2016-01-04\n16-1002,Brown Ann,2016-02-01\n"
	p := writeFile(t, "pclaw.csv", []byte(data))
	info, rows := readAll(t, p, Options{})
	if info.HeaderRow != 0 || len(rows) != 2 || !reflect.DeepEqual(rows[0].Table.Header, []string{"1", "2", "3"}) {
		t.Fatalf("info %+v rows %+v", info, rows)
	}
	if rows[0].Values[0] != "16-1001" || rows[0].Num != 1 {
		t.Fatalf("row %+v", rows[0])
	}
	_, rows = readAll(t, p, Options{HeaderRow: -1})
	if len(rows) != 2 || rows[0].Kind != Data {
		t.Fatalf("headerless rows %+v", rows)
	}
	_, rows = readAll(t, p, Options{HeaderRow: 1})
	if len(rows) != 1 || rows[0].Table.Header[1] != "Smith John" {
		t.Fatalf("forced header rows %+v", rows)
	}
	if _, err := Open(p, Options{HeaderRow: 9}); err == nil {
		t.Fatalf("header row past the end accepted")
	}
}

func TestCSVTabAndSemicolon(t *testing.T) {
	for name, d := range map[string]string{"\t": "a\tb\tc\n1\t2,5\t3\n", ";": "a;b;c\n1;2,5;3\n4;5,5;6\n"} {
		p := writeFile(t, "x.csv", []byte(d))
		info, rows := readAll(t, p, Options{})
		if info.Delimiter != name || rows[0].Values[1] != "2,5" {
			t.Errorf("%q: info %+v rows %+v", name, info, rows)
		}
	}
}

// The delimiter is the one that splits every record, the header included,
// into the usual number of fields or fewer (trailing empty cells left off).
// A decimal comma in every row, or one semicolon in every note, splits the
// rows as consistently as the real delimiter would if no row were short, but
// it leaves the header whole.
func TestCSVDelimiterSurvivesShortRowsAndDelimiterLikeValues(t *testing.T) {
	cases := []struct{ name, want, text string }{
		{"pipe with decimal commas", "|", "REF|WHEN|HOURS|PRICE|WHAT|BILL\n" +
			"1|03.02.2025|1:30|120,00|Draft letter|\n" +
			"2|04.02.2025|0:45|95,50|Call with bank\n" +
			"3|05.02.2025|2:00|120,00|Court filing|B-7\n" +
			"4|06.02.2025|0:15|95,50|Email\n" +
			"5|07.02.2025|1:00|120,00|Review|\n"},
		{"comma with a semicolon in each note", ",", "No,Case,On,Text,Extra\n" +
			"1,A-1,2025-01-02,Met the client; agreed a plan.,x\n" +
			"2,A-2,2025-01-03,Read the lease; two points.\n" +
			"3,A-1,2025-01-04,Called the court; hearing moved.,\n" +
			"4,A-3,2025-01-05,Sent the draft; no reply yet.\n"},
	}
	for _, c := range cases {
		p := writeFile(t, "x.csv", []byte(c.text))
		info, rows := readAll(t, p, Options{})
		if info.Delimiter != c.want || info.HeaderRow != 1 {
			t.Errorf("%s: delimiter %q header row %d (%s), want %q on row 1", c.name, info.Delimiter, info.HeaderRow, info.Guessed["delimiter"], c.want)
			continue
		}
		if len(rows[0].Table.Header) < 5 || rows[1].Kind != Data {
			t.Errorf("%s: header %v, second row %+v", c.name, rows[0].Table.Header, rows[1])
		}
	}
}

func TestCSVLongRecordCapped(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 20 MB")
	}
	var sb strings.Builder
	sb.WriteString("a,b\n1,2\n3,\"")
	sb.WriteString(strings.Repeat("x", MaxRecordBytes+2<<20))
	sb.WriteString("\n")
	p := writeFile(t, "long.csv", []byte(sb.String()))
	r, err := Open(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var rows []Row
	var lastErr error
	for {
		row, err := r.Next()
		if err != nil {
			lastErr = err
			break
		}
		rows = append(rows, row)
	}
	if errors.Is(lastErr, io.EOF) || lastErr == nil || !strings.Contains(lastErr.Error(), "line 3") {
		t.Fatalf("want a clear error, got %v", lastErr)
	}
	if len(rows) != 2 || rows[1].Kind != Rejected || !strings.Contains(rows[1].Reason, "longer than 16 MiB") {
		t.Fatalf("rows %+v", rows)
	}
}

func TestDetectNotTabular(t *testing.T) {
	for name, d := range map[string]string{
		"card.vcf": "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jane Doe\r\nEND:VCARD\r\n",
		"cal.ics":  "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n",
		"mail.eml": "From: a@b.c\r\nTo: d@e.f\r\nSubject: hi\r\n\r\nbody\r\n",
		"mbox":     "From a@b.c Mon Jan 1 00:00:00 2024\nSubject: x\n\nhi\n",
		"bin":      "\x00\x01\x02\x03\x04binary\x00\x00",
		"empty":    "",
	} {
		p := writeFile(t, name, []byte(d))
		if f, err := Detect(p); f != "" || err != nil {
			t.Errorf("%s: Detect = %q, %v", name, f, err)
		}
		if _, err := Open(p, Options{}); err == nil {
			t.Errorf("%s: Open succeeded", name)
		}
	}
	for _, f := range []string{filepath.Join(sharedTestdata("ical"), "issue97-google.ics")} {
		if got, _ := Detect(f); got != "" {
			t.Errorf("%s detected as %q", f, got)
		}
	}
}

func TestCSVOldMacLineEnds(t *testing.T) {
	p := writeFile(t, "mac.csv", []byte("Name,City\rAnn,\"Paris\rFrance\"\rBob,Rome\r"))
	info, rows := readAll(t, p, Options{})
	if info.Guessed["line ends"] == "" || len(rows) != 2 || rows[0].Values[1] != "Paris\nFrance" || rows[1].Num != 4 || rows[1].Values[0] != "Bob" {
		t.Fatalf("info %+v rows %+v", info, rows)
	}
}

func TestCSVPreview(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("id,name\n")
	for i := 0; i < 500; i++ {
		sb.WriteString("1,x\n")
	}
	p := writeFile(t, "p.csv", []byte(sb.String()))
	info, rows, err := Preview(p, Options{}, 10)
	if err != nil || len(rows) != 10 || info.Format != "csv" || rows[9].Num != 11 {
		t.Fatalf("%v %d %+v", err, len(rows), info)
	}
}

func TestCSVExcelSepHint(t *testing.T) {
	p := writeFile(t, "sep.csv", []byte("sep=;\r\nName;Amount\r\nAnn;1,50\r\n"))
	info, rows := readAll(t, p, Options{})
	if info.Delimiter != ";" || len(rows) != 2 || rows[0].Kind != NotData || rows[1].Values[1] != "1,50" {
		t.Fatalf("info %+v rows %+v", info, rows)
	}
}

// Rows of the wrong width: a row that lost only its last fields is read with
// them empty (with a warning when the full rows nearly always fill them),
// extra empty fields are dropped, and only a row whose values sit in the
// wrong columns (a field lost in the middle, or extra values) is rejected
// with its reason.
func TestCSVShortAndLongRows(t *testing.T) {
	data := "Matter,Client,Opened,Hours,Note,Ref\n" +
		"16-1001,Jane Doe,03/15/2024,1.5,first call,\n" +
		"16-1002,John Roe,03/16/2024,2.0,letter,\n" +
		"16-1003,Acme LLP,03/17/2024,0.5,review,R7\n" +
		"16-1004,Ann Lee,03/18/2024,1.0,memo,\n" +
		"16-1005,Bob Ray,03/19/2024,3.0,call\n" + // lost the trailing Ref, mostly empty anyway: read, nothing to say
		"16-1006,Cy Young,03/19/2024,3.0\n" + // lost Note, which every full row fills: read, with a warning
		"16-1007,Di Wu\n" + // lost the last four: read, with a warning
		"16-1008,03/20/2024,2.5,draft,\n" + // lost Client in the middle: shifted
		"16-1009,Dee Fox,03/21/2024,1.0,memo,,,\n" + // extra empty fields: read
		"16-1010,Eve Ng,03/22/2024,1.0,memo,,oops\n" // an extra value: rejected
	_, rows := readAll(t, writeFile(t, "t.csv", []byte(data)), Options{})
	want := []struct {
		kind    RowKind
		warning string
		reason  string
	}{
		{Data, "", ""}, {Data, "", ""}, {Data, "", ""}, {Data, "", ""},
		{Data, "", ""},
		{Data, "read with the last 2 (Note, Ref) empty", ""},
		{Data, "read with the last 4 (Opened, Hours, Note, Ref) empty", ""},
		{Rejected, "", `fit if a field is missing before field 2 (column "Client")`},
		{Data, "", ""},
		{Rejected, "", "extra ones hold values (oops)"},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows: %+v", len(rows), rows)
	}
	for i, w := range want {
		r := rows[i]
		if r.Kind != w.kind || (w.warning == "") != (r.Warning == "") || !strings.Contains(r.Warning, w.warning) || !strings.Contains(r.Reason, w.reason) {
			t.Errorf("row %d: %v warning %q reason %q; want %v %q %q", r.Num, r.Kind, r.Warning, r.Reason, w.kind, w.warning, w.reason)
		}
		if r.Kind == Data && len(r.Values) != 6 {
			t.Errorf("row %d has %d values", r.Num, len(r.Values))
		}
	}
	if v := rows[6].Values; v[0] != "16-1007" || v[1] != "Di Wu" || v[2] != "" || v[5] != "" {
		t.Errorf("short row values %q", v)
	}
}

// With no full rows to learn the columns' shapes from, a short row is read.
func TestCSVShortRowBeforeAnyShape(t *testing.T) {
	_, rows := readAll(t, writeFile(t, "s.csv", []byte("a,b,c\nx\n1,2,3\n")), Options{})
	if len(rows) != 2 || rows[0].Kind != Data || rows[0].Warning == "" || rows[1].Kind != Data {
		t.Fatalf("%+v", rows)
	}
}

// A short row whose date is written out in a column of date numbers fits its
// columns when the full rows hold such written dates too (an export whose
// dates changed form mid-way): it is read, not taken for a row with a field
// lost in the middle.
func TestCSVShortRowInAColumnOfMixedDates(t *testing.T) {
	data := "Id,No,Opened,Closed,Lawyer,Ref,Remarks\n" +
		"1,2025-001,1745452800000,,Ann Lee,R931,\n" +
		"2,2024-001,1711152000000,,Bob Ray,R366,x\n" +
		"3,2023-002,2023-08-23,2023-10-12,Ann Lee,R180,\n" +
		"4,2026-001,1792713600000,1794528000000,Bob Ray,R128,\n" +
		"5,2024-002,1714435200000,1711929600000,Ann Lee,R082,\n" +
		"6,2023-003,2023-06-22,2023-06-17,Bob Ray,R533\n" + // lost the trailing Remarks only
		"7,2024-003,1734652800000,1745107200000,Ann Lee,R502,\n"
	_, rows := readAll(t, writeFile(t, "m.csv", []byte(data)), Options{})
	if len(rows) != 7 {
		t.Fatalf("%d rows: %+v", len(rows), rows)
	}
	if r := rows[5]; r.Kind != Data || r.Values[2] != "2023-06-22" || r.Values[5] != "R533" || r.Values[6] != "" {
		t.Errorf("row %d: %v %q reason %q; want it read with Remarks empty", r.Num, r.Kind, r.Values, r.Reason)
	}
}

// One value out of its column's shape — a credit note's number among invoice
// numbers — in a row that lost its trailing fields does not move every value
// after it: the row is read with the trailing fields empty.
func TestCSVShortRowWithOneOddValue(t *testing.T) {
	data := "Invoice,Matter,Date,Fax,Amount,Ref,Extra,Remarks\n"
	for i := 1; i <= 12; i++ {
		date := fmt.Sprint(46010 + i) // Excel days, and every third written out: a column of no one shape
		if i%3 == 0 {
			date = fmt.Sprintf("2025-12-%02d", i)
		}
		data += fmt.Sprintf("%d,M-%d,%s,,%d00,R%d,,\n", 2300+i, i, date, 100+i, 1000+i)
	}
	data += "CN-2305,M-5,46069,,-567,R61917\n"
	_, rows := readAll(t, writeFile(t, "i.csv", []byte(data)), Options{})
	r := rows[len(rows)-1]
	if r.Kind != Data || r.Values[0] != "CN-2305" || r.Values[4] != "-567" || r.Values[7] != "" {
		t.Errorf("row %d: %v %q reason %q; want it read with the last two empty", r.Num, r.Kind, r.Values, r.Reason)
	}
}

// The recorder reuses one buffer, moving the unread bytes to its front when
// it fills, and lets go of a buffer a long record grew: rows far into a file,
// on either side of such a move and after a long record, still carry their
// own raw text, line numbers and values.
func TestCSVRawTextFarIntoTheFile(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("id,name,note\n")
	type want struct {
		line   int64
		kind   RowKind
		values []string
	}
	var wants []want
	line := int64(1)
	for i := 1; i <= 6000; i++ {
		line++
		switch {
		case i%997 == 0: // not UTF-8: rejected with its text
			raw := fmt.Sprintf("%d,Bad\xff%d,x", i, i)
			sb.WriteString(raw + "\n")
			wants = append(wants, want{line, Rejected, nil})
		case i%1009 == 0: // a quote inside an unquoted value: read as written
			sb.WriteString(fmt.Sprintf("%d,12\" x %d\",y\n", i, i))
			wants = append(wants, want{line, Data, []string{fmt.Sprint(i), fmt.Sprintf("12\" x %d\"", i), "y"}})
		case i == 3000: // a value longer than the recorder's buffer
			long := strings.Repeat("long text ", 40000)
			sb.WriteString(fmt.Sprintf("%d,\"%s\nsecond line\",z\n", i, long))
			wants = append(wants, want{line, Data, []string{fmt.Sprint(i), long + "\nsecond line", "z"}})
			line++
		case i == 5999: // a quote never closed: the rest of the file is its text
			raw := fmt.Sprintf("%d,\"open,x\n6000,last,row", i)
			sb.WriteString(raw + "\n")
			wants = append(wants, want{line, Rejected, []string{raw}})
			i = 6000
		default:
			sb.WriteString(fmt.Sprintf("%d,Name %d,note for row %d\n", i, i, i))
			wants = append(wants, want{line, Data, []string{fmt.Sprint(i), fmt.Sprintf("Name %d", i), fmt.Sprintf("note for row %d", i)}})
		}
	}
	p := writeFile(t, "far.csv", []byte(sb.String()))
	_, rows := readAll(t, p, Options{Encoding: "utf-8"})
	if len(rows) != len(wants) {
		t.Fatalf("%d rows, want %d", len(rows), len(wants))
	}
	for i, w := range wants {
		r := rows[i]
		if r.Num != w.line || r.Kind != w.kind {
			t.Fatalf("row %d: line %d %v (%s), want line %d %v", i, r.Num, r.Kind, r.Reason, w.line, w.kind)
		}
		if w.values != nil && !reflect.DeepEqual(r.Values, w.values) {
			t.Fatalf("row at line %d: values %.80q, want %.80q", w.line, r.Values, w.values)
		}
		if w.kind == Rejected && w.values == nil && !strings.Contains(r.Reason, "not valid UTF-8 (byte 0xFF in field 2)") {
			t.Fatalf("row at line %d: reason %q", w.line, r.Reason)
		}
	}
}
