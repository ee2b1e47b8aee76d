package firmgen

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// treeHash hashes every file's path and bytes under dir.
func treeHash(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	var paths []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			paths = append(paths, p)
		}
		return err
	})
	sort.Strings(paths)
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(dir, p)
		fmt.Fprintf(h, "%s\x00%d\x00", rel, len(b))
		if strings.HasSuffix(p, ".xlsx") {
			// A workbook stamps its creation time; compare the sheets' cells instead.
			b = xlsxCells(t, p)
		}
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func xlsxCells(t *testing.T, p string) []byte {
	f, err := excelize.OpenFile(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b bytes.Buffer
	for _, s := range f.GetSheetList() {
		rows, err := f.GetRows(s)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s %q\n", s, rows)
	}
	return b.Bytes()
}

func TestSameSeedSameFirm(t *testing.T) {
	for _, spec := range []Spec{Firms()[0], Firms()[1], Firms()[2], FromSeed(4242)} {
		a, b := t.TempDir(), t.TempDir()
		ta, err := Generate(a, spec)
		if err != nil {
			t.Fatal(err)
		}
		tb, err := Generate(b, spec)
		if err != nil {
			t.Fatal(err)
		}
		ja, _ := os.ReadFile(filepath.Join(a, TruthFile))
		jb, _ := os.ReadFile(filepath.Join(b, TruthFile))
		if !bytes.Equal(ja, jb) || len(ta.Records) != len(tb.Records) {
			t.Errorf("%s: two runs of seed %d wrote different truths", spec.Name, spec.Seed)
		}
		if ha, hb := treeHash(t, ExportDir(a)), treeHash(t, ExportDir(b)); ha != hb {
			t.Errorf("%s: two runs of seed %d wrote different files", spec.Name, spec.Seed)
		}
	}
}

// The corpus's firms differ in shape and in style: no two share a shape,
// and the styles drawn cover the encodings the corpus claims to vary.
func TestFirmsDiffer(t *testing.T) {
	shapes := map[string]bool{}
	seen := map[string]map[string]bool{}
	for _, spec := range Firms() {
		if shapes[spec.Shape] {
			t.Errorf("two firms of shape %s", spec.Shape)
		}
		shapes[spec.Shape] = true
		tr, err := Generate(t.TempDir(), spec)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range tr.Style {
			if seen[k] == nil {
				seen[k] = map[string]bool{}
			}
			seen[k][v] = true
		}
	}
	if len(shapes) < 8 {
		t.Errorf("%d shapes, want 8", len(shapes))
	}
	for _, k := range []string{"naming", "date", "money", "duration", "delim", "encoding", "matter_no", "lang"} {
		if len(seen[k]) < 3 {
			t.Errorf("style %q takes only %d values across the corpus: %v", k, len(seen[k]), seen[k])
		}
	}
}

// The truth agrees with the files: every file holds as many rows as the
// truth says, every row written is a record or a rightly excluded row, and
// every link and balance names records the truth has.
func TestTruthMatchesFiles(t *testing.T) {
	specs := Firms()
	// and firms from spread seeds (424242 and 31012 once cut an accented
	// DBF field name in half), every shape three times over
	// (9009, 9028, 9046, 9049, 9050, 9053, 9067, 9070: the ledger shapes —
	// payments by invoice alone or typed, invoice lines — in every sink)
	for _, seed := range []int64{9009, 9028, 9046, 9049, 9050, 9053, 9067, 9070, 9, 10, 11, 424242, 31012, 7919, 15838, 23757, 31676, 39595, 47514, 55433, 63352, 71271, 79190, 87109, 95028, 102947, 110866, 118785, 126704, 134623, 142542, 150461} {
		specs = append(specs, FromSeed(seed))
	}
	for _, spec := range specs {
		t.Run(spec.Name, func(t *testing.T) {
			dir := t.TempDir()
			tr, err := Generate(dir, spec)
			if err != nil {
				t.Fatal(err)
			}
			re, err := ReadTruth(filepath.Join(dir, TruthFile))
			if err != nil || len(re.Records) != len(tr.Records) {
				t.Fatalf("truth.json does not read back: %v", err)
			}
			export := ExportDir(dir)
			perFile := map[string]int{}
			ids := map[string]Record{}
			for _, r := range tr.Records {
				if _, dup := ids[r.ID]; dup {
					t.Errorf("record id %s twice", r.ID)
				}
				ids[r.ID] = r
				if !r.Derived {
					perFile[r.Loc.File+"|"+r.Loc.Table]++
				}
			}
			for _, x := range tr.Excluded {
				perFile[x.Loc.File+"|"+x.Loc.Table]++
			}
			total := 0
			for _, f := range tr.Files {
				got := countRows(t, export, f)
				if got != f.Rows {
					t.Errorf("%s %s: %d rows in the file, truth says %d", f.File, f.Table, got, f.Rows)
				}
				if n := perFile[f.File+"|"+f.Table]; n != f.Rows {
					t.Errorf("%s %s: %d rows accounted in the truth (records + excluded), %d written", f.File, f.Table, n, f.Rows)
				}
				total += f.Rows
			}
			junk := 0
			for _, x := range tr.Excluded {
				if x.Reason == "not_data" {
					junk++
					if _, err := os.Stat(filepath.Join(export, filepath.FromSlash(x.Loc.File))); err != nil {
						t.Errorf("junk file %s not written", x.Loc.File)
					}
				}
			}
			if want := len(tr.Records) + len(tr.Excluded) - derived(tr) - junk; total != want {
				t.Errorf("%d rows written, truth accounts for %d", total, want)
			}
			for _, l := range tr.Links {
				c, ok1 := ids[l.Child]
				p, ok2 := ids[l.Parent]
				if !ok1 || !ok2 {
					t.Errorf("link %v names a record the truth does not have", l)
					continue
				}
				wantParent := map[string]string{"client": "contacts", "contact": "contacts", "matter": "matters"}[l.Field]
				if p.Entity != wantParent || c.Entity == p.Entity {
					t.Errorf("link %v: %s → %s", l, c.Entity, p.Entity)
				}
			}
			for _, p := range tr.Planted {
				if _, ok := ids[p.ID]; !ok || p.Rule == "" {
					t.Errorf("planted %v: not a truth record", p)
				}
			}
			for _, b := range tr.Balances {
				if _, ok := ids[b.Owner]; !ok || b.Cents == 0 {
					t.Errorf("balance %v: owner not a truth record, or zero", b)
				}
			}
			counts := tr.Counts()
			for _, e := range []string{"contacts", "matters", "time_entries"} {
				if counts[e] == 0 {
					t.Errorf("no %s", e)
				}
			}
			if len(tr.Balances) == 0 || len(tr.Links) == 0 {
				t.Errorf("no balances or no links")
			}
		})
	}
}

func derived(tr *Truth) int {
	n := 0
	for _, r := range tr.Records {
		if r.Derived {
			n++
		}
	}
	return n
}

// countRows reads a file back with readers independent of the importers.
func countRows(t *testing.T, export string, f FileTruth) int {
	t.Helper()
	p := filepath.Join(export, filepath.FromSlash(f.File))
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	switch f.Format {
	case "csv":
		s, err := Decode(b, f.Encoding)
		if err != nil {
			t.Fatal(err)
		}
		r := csv.NewReader(strings.NewReader(s))
		r.Comma = []rune(f.Delimiter)[0]
		r.FieldsPerRecord = -1
		r.LazyQuotes = true
		recs, err := r.ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", f.File, err)
		}
		return len(recs) - 1
	case "xlsx":
		x, err := excelize.OpenFile(p)
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		rows, err := x.GetRows(f.Table)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, row := range rows {
			if len(row) > 0 { // the blank row under a report title is no row
				n++
			}
		}
		return n - 1
	case "sqlite":
		db, err := sql.Open("sqlite", p+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var n int
		if err := db.QueryRow(fmt.Sprintf("SELECT count(*) FROM %q", f.Table)).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	case "dbf":
		return int(binary.LittleEndian.Uint32(b[4:8]))
	case "vcf":
		return strings.Count(string(b), "BEGIN:VCARD")
	case "ics":
		return strings.Count(string(b), "BEGIN:VEVENT")
	case "mbox":
		n := 0
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "From ") {
				n++
			}
		}
		return n
	case "eml", "document":
		return 1
	}
	t.Fatalf("unknown format %s", f.Format)
	return 0
}

func TestValueEncodings(t *testing.T) {
	d := mustDate("2024-03-05")
	cases := []struct {
		st   Style
		got  string
		want string
	}{
		{Style{Date: "julian"}, Style{Date: "julian"}.date(d), "2460375"},
		{Style{Date: "excel"}, Style{Date: "excel"}.date(d), "45356"},
		{Style{Date: "unix"}, Style{Date: "unix"}.date(d), "1709596800"},
		{Style{Date: "dotted"}, Style{Date: "dotted"}.date(d), "05.03.2024"},
		{Style{Money: "comma"}, Style{Money: "comma"}.money(123456789), "1.234.567,89"},
		{Style{Money: "parens"}, Style{Money: "parens"}.money(-12345), "(123.45)"},
		{Style{Money: "cents"}, Style{Money: "cents"}.money(-5), "-5"},
		{Style{Duration: "hmm"}, Style{Duration: "hmm"}.duration(5400), "1:30"},
		{Style{Duration: "units"}, Style{Duration: "units"}.duration(5400), "15"},
		{Style{Duration: "hours", Money: "comma"}, Style{Duration: "hours", Money: "comma"}.duration(5400), "1,5"},
		{Style{MatterNo: "slash"}, Style{MatterNo: "slash"}.matterNumber(matter{Year: 2024, Seq: 17}), "2024/0017"},
		{Style{Naming: "access"}, Style{Naming: "access"}.headerFor("client_id", 0), "ClientID"},
		{Style{Naming: "upper", Lang: "de"}, Style{Naming: "upper", Lang: "de"}.headerFor("last", 10), "NACHNAME"},
		// A DBF field name is ten bytes: an accent left in it is cut whole, not in half.
		{Style{Naming: "upper", Lang: "es"}, Style{Naming: "upper", Lang: "es"}.headerFor("description", 10), "DESCRIPCI"},
		{Style{}, cutBytes("CAFÉ", 4), "CAF"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%+v: got %q, want %q", c.st, c.got, c.want)
		}
	}
}

func mustDate(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

// The yardstick is written independently of what it measures: the
// generator imports no importer, no mapping rule and nothing of fidelity,
// so no rule's knowledge can leak into the firms.
func TestGeneratorKnowsNoImporter(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no sources: %v", err)
	}
	cmd, _ := filepath.Glob("cmd/*/*.go")
	fset := token.NewFileSet()
	for _, f := range append(files, cmd...) {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		pf, err := parser.ParseFile(fset, f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, im := range pf.Imports {
			p := strings.Trim(im.Path.Value, `"`)
			if strings.HasPrefix(p, "handover/") && p != "handover/internal/synth" && p != "handover/internal/firmgen" {
				t.Errorf("%s imports %s: the generator must not know the pipeline it measures", f, p)
			}
		}
	}
}

// Firms drawn from seeds draw the widened range: across sixteen of them
// every quirk shows up more than once, and the corpus's eight draw none.
func TestWidenedRangeIsDrawn(t *testing.T) {
	seen := map[string]int{}
	for seed := int64(9001); seed < 9017; seed++ {
		tr, err := Generate(t.TempDir(), FromSeed(seed))
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"title_rows", "totals_row", "mixed_dates", "empty_columns", "duplicate_header",
			"abbreviated_headers", "matter_by_number_and_description"} {
			if tr.Style[k] == "true" {
				seen[k]++
			}
		}
		if tr.Style["currency_code"] != "" {
			seen["currency_code"]++
		}
	}
	for _, k := range []string{"title_rows", "totals_row", "mixed_dates", "empty_columns", "duplicate_header",
		"abbreviated_headers", "matter_by_number_and_description", "currency_code"} {
		if seen[k] < 2 {
			t.Errorf("quirk %s drawn by %d of 16 held-out firms, want at least 2", k, seen[k])
		}
	}
	for _, spec := range Firms() {
		if spec.Widened {
			t.Errorf("corpus firm %s draws the widened range: its per-firm targets were set without it", spec.Name)
		}
	}
}

func TestQuirkEncodings(t *testing.T) {
	st := Style{Money: "thousands", Q: Quirks{Currency: "USD"}}
	if got := st.withCurrency(st.money(123450)); got != "USD 1,234.50" {
		t.Errorf("currency code: %q", got)
	}
	st = Style{Money: "comma", Q: Quirks{Currency: "EUR"}}
	if got := st.withCurrency(st.money(123450)); got != "1.234,50 EUR" {
		t.Errorf("currency code behind a decimal comma: %q", got)
	}
	st = Style{Naming: "snake", Q: Quirks{Abbrev: true}}
	if got := st.headerFor("description", 0); got != "MTR_DSC" {
		t.Errorf("abbreviated header: %q", got)
	}
	st = Style{MatterNo: "dash", Q: Quirks{MatterDesc: true, MatterForm: 2}}
	m := matter{Year: 2024, Seq: 17, Desc: "Divorce"}
	if got := st.matterWithDesc(m, contact{Last: "Smith"}); got != "2024-017: Smith - Divorce" {
		t.Errorf("matter by number and description: %q", got)
	}
}

// Held-out firms draw the ledger shapes (payments naming only the invoice,
// typed payments with refunds, invoice lines) at a realistic rate, in every
// sink, and the corpus's eight draw none.
func TestLedgerShapesAreDrawn(t *testing.T) {
	seen := map[string]int{}
	shapes := map[string]bool{}
	for seed := int64(9001); seed < 9081; seed++ {
		st := drawLedgers(rand.New(rand.NewPCG(uint64(seed), 0x1ED6)), Style{AR: []string{"paid", "payments", "balance"}[seed%3], Duration: "hours"})
		if st.PayBy != "" {
			seen["by "+st.PayBy]++
		}
		if st.PayTyped {
			seen["typed"]++
			seen["words "+st.PayWords[0]]++
		}
		if st.Lines {
			seen["lines"]++
			shapes[strings.Join(st.LineConcepts, ",")] = true
		}
	}
	for _, k := range []string{"by invoice", "by matter", "typed", "lines"} {
		if seen[k] < 3 {
			t.Errorf("ledger shape %q drawn %d times in 80 firms, want at least 3", k, seen[k])
		}
	}
	if len(shapes) < 5 {
		t.Errorf("invoice lines written in %d layouts, want several spellings and orders", len(shapes))
	}
	for _, spec := range Firms() {
		tr, err := Generate(t.TempDir(), spec)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := tr.Style["invoice_lines"]; ok {
			t.Errorf("corpus firm %s draws the ledger shapes", spec.Name)
		}
	}
}

// An invoice's lines add up to the invoice; a refund never exceeds what was
// paid in the payment before it — so the truth's A/R balances hold.
func TestLedgerShapesKeepTheBalances(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	w := newWorld(r, size{Staff: 3, Clients: 20, Matters: 40, Parties: 5}, time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC))
	st := Style{AR: "payments", Money: "plain", Duration: "hours", MatterNo: "dash", MatterRef: "number"}
	st.L = Ledgers{PayBy: "invoice", PayTyped: true, PayWords: [2]string{"Payment", "Refund"}, TypeConcept: "type", Lines: true,
		LinesBase: "invoice_lines", LineConcepts: []string{"invoice_no", "narrative", "hours", "rate", "amount"}}
	b := &builder{w: w, st: st, r: r, lr: rand.New(rand.NewPCG(3, 4))}
	lines := b.invoiceLines()
	sum := map[string]int64{}
	for _, row := range lines.rows {
		sum[row[0].(string)] += int64(row[4].(cents))
		if h, ok := row[2].(secs); ok && int64(h)*int64(row[3].(cents))/3600 != int64(row[4].(cents)) {
			t.Errorf("line %v: hours × rate is not its amount", row)
		}
	}
	for _, in := range w.invoices {
		if sum[in.Number] != in.Amount {
			t.Errorf("invoice %s: lines sum to %d, the invoice is %d", in.Number, sum[in.Number], in.Amount)
		}
	}
	pays := b.paymentsShaped()
	paid := map[string]int64{}
	refunds := 0
	for _, row := range pays.rows { // date, invoice, type, amount
		switch row[2] {
		case "Payment":
			paid[row[1].(string)] += int64(row[3].(cents))
		case "Refund":
			paid[row[1].(string)] -= int64(row[3].(cents))
			refunds++
		default:
			t.Fatalf("row %v: type %v", row, row[2])
		}
	}
	for _, in := range w.invoices {
		if paid[in.Number] != in.Paid {
			t.Errorf("invoice %s: payments net %d, paid %d", in.Number, paid[in.Number], in.Paid)
		}
	}
	if refunds == 0 {
		t.Error("no refund written")
	}
}
