package synth

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"handover/core/model"
)

func genFirm(t testing.TB, contacts int, seed uint64) (string, *Truth) {
	t.Helper()
	dir := t.TempDir()
	tr, err := Generate(dir, Options{Seed: seed, Contacts: contacts})
	if err != nil {
		t.Fatal(err)
	}
	return dir, tr
}

func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDeterministic(t *testing.T) {
	a, _ := genFirm(t, 300, 7)
	b, _ := genFirm(t, 300, 7)
	ta, tb := readTree(t, a), readTree(t, b)
	if !slices.Equal(slices.Sorted(maps.Keys(ta)), slices.Sorted(maps.Keys(tb))) {
		t.Fatalf("file lists differ: %v vs %v", slices.Sorted(maps.Keys(ta)), slices.Sorted(maps.Keys(tb)))
	}
	for name, x := range ta {
		if !bytes.Equal(x, tb[name]) {
			t.Errorf("%s differs between two runs with the same seed", name)
		}
	}
	if len(ta) != 15 { // 13 data files + NAMES.FPT + truth.json
		t.Errorf("wrote %d files, want 15: %v", len(ta), slices.Sorted(maps.Keys(ta)))
	}
	c, _ := genFirm(t, 300, 8)
	if bytes.Equal(ta["pclaw/time.csv"], readTree(t, c)["pclaw/time.csv"]) {
		t.Error("a different seed produced the same time ledger")
	}
}

// The committed demo must be what the generator writes today.
func TestEmbeddedDemoIsCurrent(t *testing.T) {
	dir, _ := genFirm(t, 60, 1)
	got := readTree(t, dir)
	want := readTree(t, filepath.Join("..", "..", "assets", "demo"))
	for name, b := range got {
		if !bytes.Equal(b, want[name]) {
			t.Errorf("assets/demo/%s is stale: run go generate ./assets", name)
		}
	}
	if len(want) != len(got) {
		t.Errorf("assets/demo has %d files, generator writes %d", len(want), len(got))
	}
	size := 0
	for _, b := range want {
		size += len(b)
	}
	if size > 300<<10 {
		t.Errorf("demo is %d bytes, want under 300 KB", size)
	}
}

func TestWindows1252Bytes(t *testing.T) {
	dir, _ := genFirm(t, 60, 1)
	for _, rel := range []string{"pclaw/clients.csv", "pclaw/matters.csv", "outlook/contacts.csv"} {
		b, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			t.Fatal(err)
		}
		if utf8.Valid(b) {
			t.Errorf("%s is valid UTF-8; want Windows-1252 bytes", rel)
		}
		if !bytes.Contains(b, []byte{'M', 0xFC, 'l', 'l', 'e', 'r'}) { // Müller
			t.Errorf("%s lacks 0xFC for ü", rel)
		}
	}
	b, _ := os.ReadFile(filepath.Join(dir, "pclaw/clients.csv"))
	for _, want := range []string{"Müller", "Núñez", "Zoë", "Françoise"} {
		enc, _ := charmap.Windows1252.NewEncoder().String(want)
		if !bytes.Contains(b, []byte(enc)) {
			t.Errorf("clients.csv lacks %q in Windows-1252", want)
		}
	}
	if bytes.Contains(b, []byte("CLIENT")) || !bytes.HasPrefix(b, []byte("1001,")) {
		t.Error("clients.csv must have no header row and start with client 1001")
	}
	vcf, _ := os.ReadFile(filepath.Join(dir, "outlook/contacts.vcf"))
	if !bytes.Contains(vcf, []byte("N;CHARSET=Windows-1252;ENCODING=QUOTED-PRINTABLE:M=FCller;Harald")) {
		t.Error("contacts.vcf lacks the quoted-printable Müller card")
	}
	trust, _ := os.ReadFile(filepath.Join(dir, "pclaw/trust-ledger.csv"))
	if !bytes.HasPrefix(trust, []byte("\uFEFFDate;Matter;Client;Type;Amount;Reference\r\n")) {
		t.Errorf("trust ledger header = %q", trust[:min(60, len(trust))])
	}
}

// rowsOf returns each row's fields in file order: CSV records (header
// included), VEVENT blocks, vCards, mbox messages.
func rowsOf(t *testing.T, dir, rel string, ft FileTruth) [][]string {
	rows, _ := numberedRowsOf(t, dir, rel, ft)
	return rows
}

// numberedRowsOf also returns each row's number as Planted.Row counts it
// (for CSV the line on which the record starts).
func numberedRowsOf(t *testing.T, dir, rel string, ft FileTruth) ([][]string, []int64) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	switch ft.Encoding {
	case EncCP1252:
		if b, err = charmap.Windows1252.NewDecoder().Bytes(b); err != nil {
			t.Fatal(err)
		}
	case EncUTF8BOM:
		b = bytes.TrimPrefix(b, []byte("\uFEFF"))
	}
	var rows [][]string
	var nums []int64
	switch filepath.Ext(rel) {
	case ".csv":
		r := csv.NewReader(bytes.NewReader(b))
		r.Comma = rune(ft.Delimiter[0])
		r.FieldsPerRecord = -1
		for {
			rec, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", rel, err)
			}
			line, _ := r.FieldPos(0)
			rows = append(rows, rec)
			nums = append(nums, int64(line))
		}
	case ".ics", ".vcf":
		begin := map[string]string{".ics": "BEGIN:VEVENT", ".vcf": "BEGIN:VCARD"}[filepath.Ext(rel)]
		text := strings.ReplaceAll(strings.ReplaceAll(string(b), "\r\n ", ""), "\r\n", "\n")
		parts := strings.Split(text, begin)
		for _, p := range parts[1:] {
			rows = append(rows, strings.Split(p, "\n"))
		}
	case ".mbox":
		for _, m := range regexp.MustCompile(`(?m)^From `).Split(string(b), -1)[1:] {
			rows = append(rows, strings.Split(m, "\n"))
		}
	default:
		t.Fatalf("no row reader for %s", rel)
	}
	if nums == nil {
		for i := range rows {
			nums = append(nums, int64(i+1))
		}
	}
	return rows, nums
}

func TestTruthMatchesFiles(t *testing.T) {
	for _, contacts := range []int{60, 2500} {
		t.Run(fmt.Sprint(contacts), func(t *testing.T) {
			dir, tr := genFirm(t, contacts, 1)
			onDisk, err := ReadTruth(filepath.Join(dir, TruthFile))
			if err != nil {
				t.Fatal(err)
			}
			if len(onDisk.Planted) != len(tr.Planted) || len(onDisk.Files) != len(tr.Files) {
				t.Error("truth.json differs from the returned truth")
			}
			perEntity := map[model.Entity]int{}
			for rel, ft := range tr.Files {
				if _, err := os.Stat(filepath.Join(dir, rel)); err != nil {
					t.Errorf("truth names %s: %v", rel, err)
				}
				ex := 0
				for _, n := range ft.Excluded {
					ex += n
				}
				if ft.Rows != ft.Records+ex+ft.Rejected {
					t.Errorf("%s: rows %d != records %d + excluded %d + rejected %d", rel, ft.Rows, ft.Records, ex, ft.Rejected)
				}
				perEntity[ft.Entity] += ft.Records
				for e, n := range ft.Also {
					perEntity[e] += n
				}
				if ext := filepath.Ext(rel); ext == ".xlsx" || ext == ".DBF" {
					continue
				}
				rows := rowsOf(t, dir, rel, ft)
				if ft.Header {
					rows = rows[1:]
				}
				if len(rows) != ft.Rows {
					t.Errorf("%s has %d data rows, truth says %d", rel, len(rows), ft.Rows)
				}
			}
			for e, n := range perEntity {
				want := tr.Counts[e]
				if e == model.ARBalances || e == model.TrustBalances {
					continue
				}
				if n != want {
					t.Errorf("counts[%s] = %d, files add up to %d", e, want, n)
				}
			}
			if tr.Counts[model.ARBalances] != len(tr.ARBalances) || tr.Counts[model.TrustBalances] != len(tr.TrustBalances) {
				t.Error("balance counts disagree with the balance maps")
			}
			if tr.Counts[model.Documents] < 1 {
				t.Error("no attachment documents")
			}

			// Time ledger: billed rows are exactly the billed_history exclusions.
			ft := tr.Files["pclaw/time.csv"]
			billed := 0
			for _, r := range rowsOf(t, dir, "pclaw/time.csv", ft)[1:] {
				if r[7] == "Y" {
					billed++
				}
			}
			if billed != ft.Excluded[model.BilledHistory] {
				t.Errorf("time.csv has %d billed rows, truth excludes %d", billed, ft.Excluded[model.BilledHistory])
			}
		})
	}
}

var allRules = map[string]bool{}

func init() {
	for _, r := range []string{model.RuleContactMissingName, model.RuleMatterMissingClient, model.RuleMatterMissingDesc,
		model.RuleMatterMissingNumber, model.RuleMatterInvalidStatus, model.RuleMatterCloseBeforeOpen, model.RuleOrphanClient,
		model.RuleOrphanMatter, model.RuleOrphanContact, model.RuleTimeMissingUser, model.RuleTimeMissingDate,
		model.RuleTimeMissingQuantity, model.RuleTimeMissingRate, model.RuleTimeBadDuration, model.RuleCalendarMissingField,
		model.RuleCalendarEndBeforeStart, model.RuleCalendarMissingOwner, model.RuleNoteMissingParent, model.RuleTaskMissingName,
		model.RuleEmailInvalid, model.RulePhoneInvalid, model.RuleDateOutOfRange, model.RuleDateAmbiguous,
		model.RuleNameWrongColumn, model.RuleExcelMangled, model.RuleUserUnmatched, model.RuleCustomFieldName,
		model.RuleDuplicateContact, model.RuleBalanceNegative} {
		allRules[r] = true
	}
}

func TestPlantedRowsPointAtTheirValue(t *testing.T) {
	for _, contacts := range []int{60, 2500} {
		t.Run(fmt.Sprint(contacts), func(t *testing.T) {
			dir, tr := genFirm(t, contacts, 3)
			type numbered struct {
				rows [][]string
				nums []int64
			}
			cache := map[string]numbered{}
			perRule := map[string]int{}
			for _, p := range tr.Planted {
				perRule[p.Rule]++
				if !allRules[p.Rule] {
					t.Errorf("unknown rule %q", p.Rule)
				}
				ft, ok := tr.Files[p.File]
				if !ok {
					t.Errorf("planted %s in %s: file not in truth", p.Rule, p.File)
					continue
				}
				if !p.Entity.Valid() || p.Value == "" {
					t.Errorf("planted %+v: bad entity or empty value", p)
				}
				c, ok := cache[p.File]
				if !ok {
					c.rows, c.nums = numberedRowsOf(t, dir, p.File, ft)
					cache[p.File] = c
				}
				i, found := slices.BinarySearch(c.nums, p.Row)
				if !found {
					t.Errorf("planted %s at %s row %d: no record starts there", p.Rule, p.File, p.Row)
					continue
				}
				row := c.rows[i]
				if !slices.ContainsFunc(row, func(f string) bool { return strings.Contains(f, p.Value) }) {
					t.Errorf("planted %s at %s row %d: %q not in %q", p.Rule, p.File, p.Row, p.Value, row)
				}
				// the planted value must be exactly the field for CSV single-field plants
				if p.Rule == model.RuleEmailInvalid && !slices.Contains(row, p.Value) {
					t.Errorf("email.invalid value %q is not a whole field of %q", p.Value, row)
				}
			}
			want := map[string]int{
				model.RuleExcelMangled: 1, model.RuleMatterCloseBeforeOpen: 1, model.RuleOrphanClient: 1,
				model.RuleMatterMissingDesc: 1, model.RuleMatterInvalidStatus: 1, model.RuleUserUnmatched: 1,
				model.RuleTimeBadDuration: 2, model.RuleOrphanMatter: 1, model.RuleTimeMissingUser: 1,
				model.RuleBalanceNegative: 1, model.RuleEmailInvalid: 1, model.RulePhoneInvalid: 1,
				model.RuleContactMissingName: 1, model.RuleNameWrongColumn: 1, model.RuleCalendarEndBeforeStart: 1,
				model.RuleCalendarMissingOwner: 1, model.RuleNoteMissingParent: 1, model.RuleTaskMissingName: 1,
				model.RuleDateAmbiguous: 1, model.RuleDuplicateContact: 7,
			}
			if contacts == 60 {
				if !maps.Equal(perRule, want) {
					t.Errorf("demo plants %v, want %v", perRule, want)
				}
			} else {
				// fixed rate: time.csv has 25000 rows → 25 blocks of each time-entry problem
				if perRule[model.RuleTimeMissingUser] != 25 || perRule[model.RuleTimeBadDuration] != 50 {
					t.Errorf("scaled plants %v", perRule)
				}
				if perRule[model.RuleDateAmbiguous] != 1 {
					t.Errorf("date.ambiguous planted %d times, want once", perRule[model.RuleDateAmbiguous])
				}
			}
		})
	}
}

var digitsRE = regexp.MustCompile(`\D`)

// Every duplicate cluster must be findable: each member shares a phone number
// (digits only) or an e-mail address (case-insensitive) with another member.
func TestDuplicatesShareAPhoneOrEmail(t *testing.T) {
	dir, tr := genFirm(t, 60, 1)
	if len(tr.Duplicates) != 6 {
		t.Errorf("demo has %d duplicate clusters, want 6", len(tr.Duplicates))
	}
	keys := func(ref string) map[string]bool {
		i := strings.LastIndex(ref, ":")
		rel := ref[:i]
		n, _ := strconv.Atoi(ref[i+1:])
		rows, nums := numberedRowsOf(t, dir, rel, tr.Files[rel])
		k, found := slices.BinarySearch(nums, int64(n))
		if !found {
			t.Fatalf("duplicate ref %s: no record starts there", ref)
		}
		out := map[string]bool{}
		for _, f := range rows[k] {
			f = strings.TrimSpace(f[strings.LastIndex(f, ":")+1:])
			if strings.Contains(f, "@") {
				out[strings.ToLower(f)] = true
			} else if d := strings.TrimPrefix(digitsRE.ReplaceAllString(f, ""), "1"); len(d) == 10 {
				out[d] = true
			}
		}
		return out
	}
	for _, c := range tr.Duplicates {
		ks := make([]map[string]bool, len(c))
		for i, r := range c {
			ks[i] = keys(r)
		}
		for i := range c {
			linked := false
			for j := range c {
				if i != j {
					for k := range ks[i] {
						linked = linked || ks[j][k]
					}
				}
			}
			if !linked {
				t.Errorf("cluster %v: %s shares no phone or e-mail with the others", c, c[i])
			}
		}
	}
}

func parseCents(t *testing.T, s string) model.Cents {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("amount %q: %v", s, err)
	}
	if f < 0 {
		return model.Cents(f*100 - 0.5)
	}
	return model.Cents(f*100 + 0.5)
}

// Balances in the truth equal a recomputation from the ledger files.
func TestBalancesRecomputeFromLedgers(t *testing.T) {
	dir, tr := genFirm(t, 400, 5)

	f, err := excelize.OpenFile(filepath.Join(dir, "pclaw", "ar-ledger.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, []string{"A-R Ledger", "Summary"}) {
		t.Errorf("sheets = %v", got)
	}
	rows, err := f.GetRows("A-R Ledger", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if rows[0][0] != Firm || !strings.HasPrefix(rows[1][0], "Accounts Receivable Ledger as of") ||
		!slices.Equal(rows[2], []string{"Date", "Matter", "Type", "Reference", "Amount"}) {
		t.Fatalf("title/header rows = %q", rows[:3])
	}
	ar := map[string]model.Cents{}
	var total model.Cents
	lines := 0
	for i, r := range rows[3:] {
		if r[0] == "Total" {
			if i != len(rows)-4 {
				t.Error("Total is not the last row")
			}
			total = parseCents(t, r[4])
			break
		}
		lines++
		if _, err := strconv.ParseFloat(r[0], 64); err != nil {
			t.Fatalf("row %d date %q is not a date serial", i+4, r[0])
		}
		if i == 0 {
			if ct, _ := f.GetCellType("A-R Ledger", "B4"); ct != excelize.CellTypeInlineString && ct != excelize.CellTypeSharedString {
				t.Errorf("matter cell type = %v, want text", ct)
			}
			if v, _ := f.GetCellValue("A-R Ledger", "A4"); !regexp.MustCompile(`^\d{1,2}/\d{1,2}/\d{4}$`).MatchString(v) {
				t.Errorf("A4 shown as %q, want a formatted date", v)
			}
		}
		amt := parseCents(t, r[4])
		switch r[2] {
		case "Invoice":
			ar[r[1]] += amt
		case "Payment", "Credit":
			ar[r[1]] -= amt
		default:
			t.Fatalf("row %d type %q", i+4, r[2])
		}
	}
	var sum model.Cents
	for k, v := range ar {
		sum += v
		if v == 0 {
			delete(ar, k)
		}
	}
	if !maps.Equal(ar, tr.ARBalances) {
		t.Errorf("A/R recomputed %v\ntruth %v", ar, tr.ARBalances)
	}
	if sum != total {
		t.Errorf("Total row %s, lines add up to %s", total, sum)
	}
	summary, _ := f.GetRows("Summary")
	if nd := tr.Files["pclaw/ar-ledger.xlsx"].Excluded[model.NotData]; nd != 3+len(summary) {
		t.Errorf("not_data %d, want 2 titles + Total + %d summary rows", nd, len(summary))
	}
	if lines != tr.Files["pclaw/ar-ledger.xlsx"].Excluded[model.AccountingHistory] {
		t.Errorf("%d ledger lines, truth says %d", lines, tr.Files["pclaw/ar-ledger.xlsx"].Excluded[model.AccountingHistory])
	}

	trust := map[string]model.Cents{}
	for _, r := range rowsOf(t, dir, "pclaw/trust-ledger.csv", tr.Files["pclaw/trust-ledger.csv"])[1:] {
		amt := parseCents(t, r[4])
		switch r[3] {
		case "Deposit":
			trust[r[1]] += amt
		case "Withdrawal", "Transfer to Operating":
			trust[r[1]] -= amt
		default:
			t.Fatalf("trust type %q", r[3])
		}
	}
	negative := 0
	for k, v := range trust {
		if v == 0 {
			delete(trust, k)
		}
		if v < 0 {
			negative++
		}
	}
	if !maps.Equal(trust, tr.TrustBalances) {
		t.Errorf("trust recomputed %v\ntruth %v", trust, tr.TrustBalances)
	}
	if negative != 1 {
		t.Errorf("%d negative trust balances, want 1", negative)
	}
}

func TestFormatsSubset(t *testing.T) {
	dir := t.TempDir()
	tr, err := Generate(dir, Options{Seed: 1, Contacts: 60, Formats: []string{FormatOutlook}})
	if err != nil {
		t.Fatal(err)
	}
	if got := slices.Sorted(maps.Keys(tr.Files)); !slices.Equal(got, []string{"outlook/calendar.ics", "outlook/contacts.csv", "outlook/contacts.vcf"}) {
		t.Errorf("files = %v", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "pclaw")); !os.IsNotExist(err) {
		t.Error("pclaw written although not asked for")
	}
	if _, err := Generate(t.TempDir(), Options{Formats: []string{"quickbooks"}}); err == nil {
		t.Error("unknown format accepted")
	}
}

// Generation streams: file sizes grow linearly with Contacts while the peak
// heap stays roughly the same.
func TestScaleStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("scale test")
	}
	measure := func(contacts int) (map[string]int64, uint64) {
		dir := t.TempDir()
		var peak atomic.Uint64
		stop := make(chan struct{})
		done := make(chan struct{})
		runtime.GC()
		var base runtime.MemStats
		runtime.ReadMemStats(&base)
		go func() {
			defer close(done)
			var ms runtime.MemStats
			for {
				runtime.ReadMemStats(&ms)
				if ms.HeapAlloc > peak.Load() {
					peak.Store(ms.HeapAlloc)
				}
				select {
				case <-stop:
					return
				case <-time.After(2 * time.Millisecond):
				}
			}
		}()
		if _, err := Generate(dir, Options{Seed: 2, Contacts: contacts}); err != nil {
			t.Fatal(err)
		}
		close(stop)
		<-done
		sizes := map[string]int64{}
		for _, rel := range []string{"pclaw/time.csv", "pclaw/clients.csv", "outlook/contacts.csv", "abacus/NAMES.DBF"} {
			st, err := os.Stat(filepath.Join(dir, rel))
			if err != nil {
				t.Fatal(err)
			}
			sizes[rel] = st.Size()
		}
		p := peak.Load()
		if p > base.HeapAlloc {
			p -= base.HeapAlloc
		} else {
			p = 0
		}
		return sizes, p
	}
	small, peakSmall := measure(1000)
	large, peakLarge := measure(5000)
	for rel, s := range small {
		ratio := float64(large[rel]) / float64(s)
		if ratio < 4.3 || ratio > 5.7 {
			t.Errorf("%s: 5× contacts gave %.2f× the bytes (%d → %d)", rel, ratio, s, large[rel])
		}
	}
	t.Logf("peak heap above baseline: %d KB at 1000 contacts, %d KB at 5000", peakSmall>>10, peakLarge>>10)
	if peakLarge > 48<<20 || peakLarge > 3*peakSmall+8<<20 {
		t.Errorf("peak heap %d KB at 5000 contacts vs %d KB at 1000: generation is not streaming", peakLarge>>10, peakSmall>>10)
	}
}

func BenchmarkGenerate(b *testing.B) {
	for _, contacts := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("contacts=%d", contacts), func(b *testing.B) {
			dir := b.TempDir()
			for b.Loop() {
				if _, err := Generate(dir, Options{Seed: 1, Contacts: contacts}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(contacts*10)*float64(b.N)/b.Elapsed().Seconds(), "time-rows/s")
		})
	}
}
