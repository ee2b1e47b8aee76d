package formats

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"handover/importers/items"
)

// A conformance case is one input for one registered format and what an
// honest reader of it must report.
type confCase struct {
	name      string
	format    string // the name Detect must give ("vcard", "mbox", "csv", ...)
	input     string
	units     int    // every card/event/message/physical row comes out exactly once
	rejected  int    // of which rejected
	rejectPos string // a rejected unit's reason names this position
	// file, when set, makes a binary input (a workbook, a database) in dir
	// instead of input; units then comes from the file's own record count or
	// from an independent reader's listing.
	file func(t testing.TB, dir string) string
}

// content is the case's bytes, written to dir/input when they are text.
func (c confCase) path(t testing.TB, dir string) string {
	if c.file != nil {
		return c.file(t, dir)
	}
	p := filepath.Join(dir, "input")
	if err := os.WriteFile(p, []byte(c.input), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

var confCases = map[string][]confCase{
	"vcard": {
		{name: "two cards", format: "vcard", units: 2,
			input: "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Ruiz\r\nN:Ruiz;Ana;;;\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bo Li\r\nN:Li;Bo;;;\r\nEND:VCARD\r\n"},
		{name: "card without END", format: "vcard", units: 2, rejected: 1, rejectPos: "line 1",
			input: "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Ruiz\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bo Li\r\nEND:VCARD\r\n"},
	},
	"ical": {
		{name: "event and cancelled event", format: "ical", units: 2,
			input: "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:1\r\nSUMMARY:Hearing\r\nDTSTART:20240312T100000Z\r\nDTEND:20240312T110000Z\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:2\r\nSTATUS:CANCELLED\r\nSUMMARY:Call\r\nDTSTART:20240313T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"},
		{name: "event without END", format: "ical", units: 2, rejected: 1, rejectPos: "line 3",
			input: "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:1\r\nSUMMARY:Hearing\r\nBEGIN:VEVENT\r\nUID:2\r\nSUMMARY:Call\r\nDTSTART:20240313T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"},
	},
	"mail": {
		{name: "mbox of two", format: "mbox", units: 2,
			input: "From a@example.com Tue Mar 12 10:00:00 2024\nFrom: a@example.com\nSubject: One\nDate: Tue, 12 Mar 2024 10:00:00 +0000\n\nBody one\n\nFrom b@example.com Wed Mar 13 10:00:00 2024\nFrom: b@example.com\nSubject: Two\nDate: Wed, 13 Mar 2024 10:00:00 +0000\n\nBody two\n"},
		{name: "single message", format: "eml", units: 1,
			input: "From: a@example.com\r\nTo: b@example.com\r\nSubject: Hello\r\nDate: Tue, 12 Mar 2024 10:00:00 +0000\r\n\r\nHi\r\n"},
		{name: "message cut inside its header", format: "mbox", units: 2, rejected: 1, rejectPos: "message 2",
			input: "From a@example.com Tue Mar 12 10:00:00 2024\nFrom: a@example.com\nSubject: One\n\nBody\n\nFrom b@example.com Wed Mar 13 10:00:00 2024\nFrom: b@example.com\nSubject: Tw"},
	},
	"tabular": {
		{name: "csv with a blank line", format: "csv", units: 3,
			input: "Name,Email,Phone\nAna Ruiz,ana@example.com,555-0100\n\nBo Li,bo@example.com,555-0101\n"},
		{name: "csv with an unclosed quote", format: "csv", units: 2, rejected: 1, rejectPos: "line 3",
			input: "Name,Email,Phone\nAna Ruiz,ana@example.com,555-0100\n\"Bo Li,bo@example.com,555-0101\n"},
		{name: "xlsx with a gap row", format: "xlsx", units: 4, file: func(t testing.TB, dir string) string {
			// Rows 2, 3 and 5 hold data; row 4, missing from the sheet, is an empty unit.
			f := excelize.NewFile()
			f.SetSheetRow("Sheet1", "A1", &[]any{"Name", "Email"})
			f.SetSheetRow("Sheet1", "A2", &[]any{"Ana Ruiz", "ana@example.com"})
			f.SetSheetRow("Sheet1", "A3", &[]any{"Bo Li", "bo@example.com"})
			f.SetSheetRow("Sheet1", "A5", &[]any{"Cy Ng", "cy@example.com"})
			p := filepath.Join(dir, "book")
			if err := f.SaveAs(p + ".xlsx"); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(p+".xlsx", p); err != nil { // the content decides, not the name
				t.Fatal(err)
			}
			return p
		}},
		{name: "sqlite table", format: "sqlite", units: 3, file: func(t testing.TB, dir string) string {
			p := filepath.Join(dir, "legacy.db")
			db, err := sql.Open("sqlite", p)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			for _, q := range []string{`CREATE TABLE clients(id INTEGER PRIMARY KEY, name TEXT, email TEXT)`,
				`INSERT INTO clients(name, email) VALUES('Ana Ruiz','ana@example.com'),('Bo Li','bo@example.com'),('Cy Ng',NULL)`} {
				if _, err := db.Exec(q); err != nil {
					t.Fatal(err)
				}
			}
			return p
		}},
		{name: "dBase table", format: "dbf", units: -1, file: func(t testing.TB, dir string) string {
			return sharedFile(t, "dbase", "table", "TEST.DBF")
		}},
		{name: "Excel 97 workbook", format: "xls", units: -1, file: func(t testing.TB, dir string) string {
			return filepath.Join("..", "tabular", "testdata", "xls", "clients.xls")
		}},
	},
}

// bigInput makes n units of a format, for the cancellation test.
var bigInput = map[string]func(n int) string{
	"vcard": func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person %d\r\nEND:VCARD\r\n", i)
		}
		return b.String()
	},
	"ical": func(n int) string {
		var b strings.Builder
		b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
		for i := range n {
			fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:%d\r\nSUMMARY:Event %d\r\nDTSTART:20240312T100000Z\r\nEND:VEVENT\r\n", i, i)
		}
		return b.String() + "END:VCALENDAR\r\n"
	},
	"mail": func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "From a@example.com Tue Mar 12 10:00:00 2024\nFrom: a@example.com\nSubject: Message %d\n\nBody\n\n", i)
		}
		return b.String()
	},
	"tabular": func(n int) string {
		var b strings.Builder
		b.WriteString("Name,Email\n")
		for i := range n {
			fmt.Fprintf(&b, "Person %d,p%d@example.com\n", i, i)
		}
		return b.String()
	},
}

func writeTemp(t testing.TB, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestEveryFormatHasConformanceInputs keeps the suite honest: a format
// registered without cases here fails, so none escapes the contract.
func TestEveryFormatHasConformanceInputs(t *testing.T) {
	for _, f := range All() {
		if len(confCases[f.Name]) == 0 || bigInput[f.Name] == nil {
			t.Errorf("format %q has no conformance inputs: add cases to confCases and bigInput", f.Name)
		}
	}
}

var position = regexp.MustCompile(`\b(line|row|message|card|event|item|record)s? \d+`)

func TestConformance(t *testing.T) {
	for _, f := range All() {
		for _, c := range confCases[f.Name] {
			t.Run(f.Name+"/"+c.name, func(t *testing.T) {
				path := c.path(t, t.TempDir())
				want := c.units
				if want < 0 {
					want = independentCount(t, path)
				}
				got, name, err := Detect(path)
				if err != nil || got.Name != f.Name || name != c.format {
					t.Fatalf("Detect = %q/%q, %v; want %s/%s", got.Name, name, err, f.Name, c.format)
				}
				units, rejected := 0, 0
				last := map[string]int64{} // by table: each sheet or table numbers its own rows
				err = Each(context.Background(), f, path, items.Options{}, func(u Unit) error {
					units++
					table := ""
					if f.Table != nil {
						table = u.Locator
					}
					if u.Num <= last[table] {
						t.Errorf("unit %d comes after unit %d: a unit was read twice or out of order", u.Num, last[table])
					}
					last[table] = u.Num
					if u.Outcome == Rejected {
						rejected++
						if !strings.Contains(u.Reason, c.rejectPos) || !position.MatchString(u.Reason) {
							t.Errorf("reject %q does not name its position (%s)", u.Reason, c.rejectPos)
						}
					}
					if u.Outcome != Read && u.Reason == "" {
						t.Errorf("unit %d is left out without a reason", u.Num)
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				if units != want || rejected != c.rejected {
					t.Errorf("read %d units (%d rejected), want %d (%d rejected)", units, rejected, want, c.rejected)
				}
			})
		}
	}
}

// TestConformanceEveryPrefix cuts each input at every byte: a file truncated
// anywhere must still be read without panic, and without error while the
// format still claims it, each reject saying where it is.
func TestConformanceEveryPrefix(t *testing.T) {
	for _, f := range All() {
		for _, c := range confCases[f.Name] {
			dir := t.TempDir()
			data, err := os.ReadFile(c.path(t, dir))
			if err != nil {
				t.Fatal(err)
			}
			step := max(1, len(data)/400) // binary inputs are cut at some 400 places
			for cut := 0; cut <= len(data); cut += step {
				path := filepath.Join(dir, fmt.Sprintf("cut%d", cut))
				if err := os.WriteFile(path, data[:cut], 0o600); err != nil {
					t.Fatal(err)
				}
				err := Each(context.Background(), f, path, items.Options{}, func(u Unit) error {
					if u.Outcome == Rejected && !position.MatchString(u.Reason) {
						t.Errorf("%s/%s cut at %d: reject %q names no position", f.Name, c.name, cut, u.Reason)
					}
					return nil
				})
				if claimed, _ := f.Detect(data[:min(cut, HeadSize)], path); err != nil && claimed != "" && c.file == nil {
					t.Errorf("%s/%s cut at %d: %v", f.Name, c.name, cut, err)
				}
			}
		}
	}
}

func TestConformanceCancel(t *testing.T) {
	const n = 3000
	for _, f := range All() {
		t.Run(f.Name, func(t *testing.T) {
			path := writeTemp(t, "big", bigInput[f.Name](n))
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			units := 0
			err := Each(ctx, f, path, items.Options{}, func(Unit) error {
				units++
				if units == 1 {
					cancel()
				}
				return nil
			})
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("after cancel: err = %v, want context.Canceled", err)
			}
			if units >= n/2 {
				t.Fatalf("read %d of %d units after the cancel: the reader does not stop promptly", units, n)
			}
		})
	}
}

// TestConformanceErrorsNameTheFile: a file the reader cannot read at all
// fails with an error naming it.
func TestConformanceErrorsNameTheFile(t *testing.T) {
	for _, f := range All() {
		t.Run(f.Name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "not-a-file.dat")
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			err := Each(context.Background(), f, dir, items.Options{}, func(Unit) error { return nil })
			if err == nil || !strings.Contains(err.Error(), dir) {
				t.Fatalf("reading a folder as %s: err = %v, want one naming %s", f.Name, err, dir)
			}
		})
	}
}

func TestDetectUnknown(t *testing.T) {
	path := writeTemp(t, "image.png", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
	if _, _, err := Detect(path); !errors.Is(err, ErrUnknown) || !strings.Contains(err.Error(), path) {
		t.Fatalf("Detect(png) = %v, want ErrUnknown naming the file", err)
	}
}

// FuzzFormats feeds arbitrary bytes to whichever registered format claims
// them: no panic, no unit twice, every reject with a reason.
func FuzzFormats(f *testing.F) {
	for _, cs := range confCases {
		for _, c := range cs {
			if c.file == nil {
				f.Add([]byte(c.input))
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		path := writeTemp(t, "fuzz", string(data))
		fm, _, err := Detect(path)
		if err != nil {
			return
		}
		var last int64 = -1
		_ = Each(context.Background(), fm, path, items.Options{}, func(u Unit) error {
			if u.Num <= last && fm.Items != nil {
				t.Fatalf("%s: unit %d after %d", fm.Name, u.Num, last)
			}
			last = u.Num
			if u.Outcome == Rejected && u.Reason == "" {
				t.Fatalf("%s: unit %d rejected without a reason", fm.Name, u.Num)
			}
			return nil
		})
	})
}

// sharedFile is a file of the shared testdata beside the repository.
func sharedFile(t testing.TB, parts ...string) string {
	p := filepath.Join(append([]string{"..", "..", "..", "shared", "testdata"}, parts...)...)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared testdata not found: %v", err)
	}
	return p
}

// independentCount is how many units a binary file holds, known without
// the reader under test: a DBF header's record count, or the listing an
// independent reader (xlrd) wrote beside an .xls, one line per row.
func independentCount(t testing.TB, path string) int {
	if strings.EqualFold(filepath.Ext(path), ".dbf") {
		b, err := os.ReadFile(path)
		if err != nil || len(b) < 8 {
			t.Fatalf("%s: %v", path, err)
		}
		return int(binary.LittleEndian.Uint32(b[4:8]))
	}
	f, err := os.Open(strings.TrimSuffix(path, filepath.Ext(path)) + ".rows.txt")
	if err != nil {
		t.Fatalf("no independent count for %s: %v", path, err)
	}
	defer f.Close()
	n, sc := 0, bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		n++
	}
	return n
}

// TestConformanceFlatMemory: the live heap while reading the last unit of a
// big file is about what it was a quarter of the way in, so a reader keeps
// nothing per unit (memory stays flat as inputs grow).
func TestConformanceFlatMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("reads a big file per format")
	}
	const n = 40000
	for _, f := range All() {
		t.Run(f.Name, func(t *testing.T) {
			path := writeTemp(t, "big", bigInput[f.Name](n))
			var units int
			var atQuarter, atEnd int64
			err := Each(context.Background(), f, path, items.Options{}, func(Unit) error {
				switch units++; units {
				case n / 4:
					atQuarter = liveHeap()
				case n:
					atEnd = liveHeap()
				}
				return nil
			})
			if err != nil || units < n {
				t.Fatalf("read %d units: %v", units, err)
			}
			t.Logf("%s: live heap %d KiB at unit %d, %d KiB at unit %d", f.Name, atQuarter>>10, n/4, atEnd>>10, n)
			if grew := atEnd - atQuarter; grew > 1<<20 {
				t.Errorf("live heap grew by %d KiB over %d units (%d → %d bytes): the reader keeps something per unit", grew>>10, n*3/4, atQuarter, atEnd)
			}
		})
	}
}

func liveHeap() int64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}
