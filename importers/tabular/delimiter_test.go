package tabular

import (
	"strings"
	"testing"
)

// delimiterCase is a hand-written file whose delimiter is not the character
// it holds most often: the other candidates sit in names, amounts, dates and
// prose, or inside quoted values.
type delimiterCase struct {
	name      string
	text      string
	delim     string   // Info.Delimiter; "" = one column
	header    []string // the table's header
	headerRow int
	rows      int               // data rows
	cells     map[string]string // a value of the first data row, by column
	last      map[string]string // a value of the last data row, by column
}

var delimiterCases = []delimiterCase{
	{
		name: "semicolon, commas in names and decimal commas, rows lacking the last field",
		text: "Client;Matter;Rate;Hours;Remarks\n" +
			"Ruiz, Ana;2024-001;250,00;1,5;first call\n" +
			"Okafor, Chidi;2024-002;310,50;0,25\n" +
			"Harbor Bakery;2024-003;199,90;2,0;\n" +
			"\"Lam, Wei\";2024-004;275,00;3,75;check\n" +
			"Novak, Petra;2024-005;180,00;1,0\n",
		delim: ";", header: []string{"Client", "Matter", "Rate", "Hours", "Remarks"}, headerRow: 1, rows: 5,
		cells: map[string]string{"Client": "Ruiz, Ana", "Rate": "250,00", "Hours": "1,5"},
		last:  map[string]string{"Client": "Novak, Petra", "Remarks": ""},
	},
	{
		name: "tab, commas in dates and names, semicolons in notes",
		text: "ID\tName\tOpened\tNote\r\n" +
			"1\tRuiz, Ana\tOct 11, 2023\tCalled; left message, will retry\r\n" +
			"2\tOkafor, Chidi\tJan 2, 2024\tSigned retainer; paid deposit\r\n" +
			"3\tHarbor Bakery\tMar 5, 2024\tLease review, urgent; see file\r\n" +
			"4\tLam, Wei\tApr 9, 2024\r\n",
		delim: "\t", header: []string{"ID", "Name", "Opened", "Note"}, headerRow: 1, rows: 4,
		cells: map[string]string{"Name": "Ruiz, Ana", "Opened": "Oct 11, 2023", "Note": "Called; left message, will retry"},
		last:  map[string]string{"ID": "4", "Note": ""},
	},
	{
		name: "comma, a semicolon in every note",
		text: "id,matter,date,note\n" +
			"1,2024-001,2024-01-05,Discussed the claim; next steps agreed.\n" +
			"2,2024-002,2024-01-06,Reviewed lease; tenant to reply.\n" +
			"3,2024-001,2024-01-09,Filed motion; hearing set.\n" +
			"4,2024-003,2024-02-01,Client called; wants an update.\n",
		delim: ",", header: []string{"id", "matter", "date", "note"}, headerRow: 1, rows: 4,
		cells: map[string]string{"note": "Discussed the claim; next steps agreed."},
		last:  map[string]string{"date": "2024-02-01"},
	},
	{
		name: "pipe, commas and semicolons in values",
		text: "Matter|Client|Status|Note\n" +
			"A-1|Ruiz, Ana|Open|call back; urgent\n" +
			"A-2|Harbor Bakery|Closed|paid 1,250.00\n" +
			"A-3|Okafor, Chidi|Open|\n",
		delim: "|", header: []string{"Matter", "Client", "Status", "Note"}, headerRow: 1, rows: 3,
		cells: map[string]string{"Client": "Ruiz, Ana", "Note": "call back; urgent"},
		last:  map[string]string{"Client": "Okafor, Chidi"},
	},
	{
		name:  "one column, no delimiter at all",
		text:  "Client\nAna Ruiz\nHarbor Bakery\nChidi Okafor\n",
		delim: "", header: []string{"Client"}, headerRow: 1, rows: 3,
		cells: map[string]string{"Client": "Ana Ruiz"},
		last:  map[string]string{"Client": "Chidi Okafor"},
	},
	{
		name:  "one column, a comma in one name",
		text:  "Client\nAna Ruiz\nHarbor Bakery\nOkafor, Chidi\nWei Lam\nPetra Novak\n",
		delim: "", header: []string{"Client"}, headerRow: 1, rows: 5,
		cells: map[string]string{"Client": "Ana Ruiz"},
		last:  map[string]string{"Client": "Petra Novak"},
	},
	{
		name: "report titles above the header",
		text: "Smith & Jones LLP\n" +
			"Matter list, printed 1 Dec 2024\n" +
			"\n" +
			"Matter;Client;Opened\n" +
			"2024-001;Ruiz, Ana;01.02.2024\n" +
			"2024-002;Harbor Bakery;03.02.2024\n" +
			"2024-003;Okafor, Chidi;05.02.2024\n",
		delim: ";", header: []string{"Matter", "Client", "Opened"}, headerRow: 4, rows: 3,
		cells: map[string]string{"Client": "Ruiz, Ana"},
		last:  map[string]string{"Opened": "05.02.2024"},
	},
	{
		name: "comma, quoted multi-line notes holding every candidate",
		text: "id,client,note\n" +
			"1,Ana Ruiz,\"Called, left message;\nthen\ttab | pipe\"\n" +
			"2,\"Okafor, Chidi\",\"Line one; two\nline three, four | five\tsix\"\n" +
			"3,Harbor Bakery,plain\n",
		delim: ",", header: []string{"id", "client", "note"}, headerRow: 1, rows: 3,
		cells: map[string]string{"note": "Called, left message;\nthen\ttab | pipe"},
		last:  map[string]string{"client": "Harbor Bakery", "note": "plain"},
	},
	{
		name: "comma, a bare quote (inches) in every row and semicolons in notes",
		text: "Item,Size,Note\n" +
			"Frame,12\" x 9\",hung; paid\n" +
			"Print,8\" x 10\",stored; unpaid\n" +
			"Poster,24\" x 36\",lost; claim filed\n",
		delim: ",", header: []string{"Item", "Size", "Note"}, headerRow: 1, rows: 3,
		cells: map[string]string{"Size": "12\" x 9\"", "Note": "hung; paid"},
		last:  map[string]string{"Item": "Poster"},
	},
	{
		name: "semicolon, quoted values holding commas, semicolons and line breaks",
		text: "id;client;note\n" +
			"1;\"Ruiz, Ana\";\"Paid 1,50; thanks\"\n" +
			"2;Harbor Bakery;\"Multi\nline, note\"\n" +
			"3;\"Lam, Wei\";\"a, b, c, d\"\n",
		delim: ";", header: []string{"id", "client", "note"}, headerRow: 1, rows: 3,
		cells: map[string]string{"client": "Ruiz, Ana", "note": "Paid 1,50; thanks"},
		last:  map[string]string{"note": "a, b, c, d"},
	},
}

func TestCSVDelimiterDetection(t *testing.T) {
	for _, c := range delimiterCases {
		t.Run(c.name, func(t *testing.T) {
			info, rows := readAll(t, writeFile(t, "x.csv", []byte(c.text)), Options{})
			if info.Delimiter != c.delim {
				t.Fatalf("delimiter %q, want %q (%s)", info.Delimiter, c.delim, info.Guessed["delimiter"])
			}
			if info.Guessed["delimiter"] == "" {
				t.Errorf("no evidence for the delimiter in Info.Guessed")
			}
			var data []Row
			for _, r := range rows {
				switch r.Kind {
				case Data:
					data = append(data, r)
				case Rejected:
					t.Errorf("row %d rejected: %s", r.Num, r.Reason)
				}
			}
			if len(data) != c.rows {
				t.Fatalf("%d data rows, want %d: %+v", len(data), c.rows, rows)
			}
			h := data[0].Table.Header
			if strings.Join(h, "|") != strings.Join(c.header, "|") || info.HeaderRow != c.headerRow {
				t.Fatalf("header %q at row %d, want %q at row %d", h, info.HeaderRow, c.header, c.headerRow)
			}
			check := func(r Row, want map[string]string) {
				for col, v := range want {
					i := indexOf(h, col)
					if i < 0 || i >= len(r.Values) || r.Values[i] != v {
						t.Errorf("row %d: %s = %q, want %q (%q)", r.Num, col, cell(r.Values, i), v, r.Values)
					}
				}
			}
			check(data[0], c.cells)
			check(data[len(data)-1], c.last)
		})
	}
}

// The override wins over detection, even where detection would choose otherwise.
func TestCSVDelimiterOverride(t *testing.T) {
	p := writeFile(t, "x.csv", []byte(delimiterCases[0].text))
	info, rows := readAll(t, p, Options{Delimiter: ','})
	if info.Delimiter != "," || info.Guessed["delimiter"] != "" {
		t.Fatalf("info %+v", info)
	}
	if rows[1].Values[0] != "Ruiz" {
		t.Errorf("override not used: %q", rows[1].Values)
	}
}

// A delimiter that only appears inside quoted values loses to one that splits
// every record, however often it appears.
func TestSniffDelimiterQuotedOnly(t *testing.T) {
	text := "a|b\n" + strings.Repeat("\"x,y,z,w\"|\"1,2,3\"\n", 20)
	d, why := sniffDelimiter(text, false)
	if d != '|' {
		t.Fatalf("got %q: %s", d, why)
	}
	if !strings.Contains(why, "inside quoted values") {
		t.Errorf("evidence does not mention the quoted commas: %s", why)
	}
}

// The sample is bounded: a file whose first 64 KiB are one column is not
// judged by what comes after, and a record cut by the sample's end is not
// counted.
func TestSniffDelimiterBoundedSample(t *testing.T) {
	text := "a;b;c\n" + strings.Repeat("1;2;3\n", delimSampleRecords*3) + strings.Repeat("x,y,z,w,v\n", 10000)
	d, why := sniffDelimiter(text, false)
	if d != ';' {
		t.Fatalf("got %q: %s", d, why)
	}
	cut := "a;b;c\n1;2;3\n4;5;\"long, value"
	if d, why := sniffDelimiter(cut, true); d != ';' || !strings.Contains(why, "2 of the first 2") {
		t.Fatalf("got %q: %s", d, why)
	}
}

func indexOf(h []string, s string) int {
	for i, x := range h {
		if x == s {
			return i
		}
	}
	return -1
}

func cell(v []string, i int) string {
	if i < 0 || i >= len(v) {
		return "<none>"
	}
	return v[i]
}

// A ragged report whose rows stop after a varying number of fields is still
// comma-separated: the comma splits every record, just not evenly.
func TestSniffDelimiterRaggedReport(t *testing.T) {
	text := "Date,Matter,Client,Hours,Rate,Amount,Note,Ref\n" +
		"2024-01-02,A-1,Ana,1\n" +
		"2024-01-03,A-2,Bo,2,200,400,call\n" +
		"2024-01-04,A-3\n" +
		"2024-01-05,A-4,Di,1,100\n" +
		"2024-01-06,A-5,Ed\n"
	if d, why := sniffDelimiter(text, false); d != ',' {
		t.Fatalf("got %q: %s", d, why)
	}
}
