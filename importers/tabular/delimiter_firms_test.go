package tabular

import (
	"io"
	"path/filepath"
	"strings"
	"testing"

	"handover/internal/firmgen"
)

// Tables of generated firms (unseen by the detector's tests above), written
// back out with every candidate delimiter, fully quoted, under report titles,
// with multi-line notes holding every candidate, and cut to two columns: the
// detector must name the delimiter each time. The firms are the first seeds of
// each CSV shape, not chosen by how they score.
func TestCSVDelimiterOnRewrittenFirms(t *testing.T) {
	if testing.Short() {
		t.Skip("generates firms")
	}
	perShape := map[string]int{}
	tried := 0
	for seed := int64(1); seed < 200 && tried < 8; seed++ {
		spec := firmgen.FromSeed(seed)
		switch spec.Shape {
		case "csv-folder", "desktop-mix", "european-csv", "tab-utf16":
		default:
			continue
		}
		if perShape[spec.Shape] >= 2 {
			continue
		}
		dir := filepath.Join(t.TempDir(), spec.Name)
		truth, err := firmgen.Generate(dir, spec)
		if err != nil {
			t.Logf("seed %d: %v", seed, err)
			continue
		}
		perShape[spec.Shape]++
		tried++
		for _, f := range truth.Files {
			if f.Format != "csv" || f.Delimiter == "" || !f.HeaderRow {
				continue
			}
			recs := readTable(t, filepath.Join(firmgen.ExportDir(dir), f.File), Options{Delimiter: []rune(f.Delimiter)[0]})
			if len(recs) < 2 {
				continue
			}
			for _, d := range delimiterCandidates {
				for _, variant := range []string{"plain", "quoted", "titles", "multiline", "two columns"} {
					text := rewriteTable(recs, d, variant)
					p := writeFile(t, "x.csv", []byte(text))
					r, err := Open(p, Options{})
					if err != nil {
						t.Fatalf("%s %s as %q %s: %v", spec.Name, f.File, d, variant, err)
					}
					info := r.Info()
					r.Close()
					if info.Delimiter != string(d) {
						t.Errorf("%s %s written with %q, %s: read as %q: %s", spec.Name, f.File, d, variant, info.Delimiter, info.Guessed["delimiter"])
					}
				}
			}
		}
	}
	if tried < 8 {
		t.Fatalf("only %d firms generated", tried)
	}
}

// readTable returns the header and the data rows of a table.
func readTable(t *testing.T, path string, opts Options) [][]string {
	t.Helper()
	r, err := Open(path, opts)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer r.Close()
	var recs [][]string
	for {
		row, err := r.Next()
		if err == io.EOF {
			return recs
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if len(recs) == 0 {
			recs = append(recs, row.Table.Header)
		}
		if row.Kind == Data {
			recs = append(recs, row.Values)
		}
	}
}

// rewriteTable writes recs with delimiter d, quoting as RFC 4180 needs (or
// every value), leaving off an empty last field on every third row as
// exporters do.
func rewriteTable(recs [][]string, d rune, variant string) string {
	var b strings.Builder
	if variant == "titles" {
		b.WriteString("Smith, Jones & Partners\nReport printed 1 Dec 2024; page 1 | draft\n\n")
	}
	prose := mostPunctuated(recs)
	for i, rec := range recs {
		rec = append([]string(nil), rec...)
		switch {
		case variant == "two columns":
			rec = []string{rec[0], rec[prose]}
		case i > 0 && i%3 == 0 && len(rec) > 2 && rec[len(rec)-1] == "":
			rec = rec[:len(rec)-1]
		}
		if variant == "multiline" && i > 0 && prose < len(rec) {
			rec[prose] += "\nsecond line, with; every | candidate\tand \"quotes\""
		}
		for j, v := range rec {
			if j > 0 {
				b.WriteRune(d)
			}
			if variant == "quoted" || strings.ContainsAny(v, string(d)+"\"\r\n") {
				v = `"` + strings.ReplaceAll(v, `"`, `""`) + `"`
			}
			b.WriteString(v)
		}
		b.WriteString("\r\n")
	}
	return b.String()
}

// mostPunctuated is the column (after the first) whose values hold the most
// commas and semicolons: names, amounts, notes.
func mostPunctuated(recs [][]string) int {
	best, most := 1, -1
	for j := 1; j < len(recs[0]); j++ {
		n := 0
		for _, rec := range recs[1:] {
			if j < len(rec) {
				n += strings.Count(rec[j], ",") + strings.Count(rec[j], ";")
			}
		}
		if n > most {
			best, most = j, n
		}
	}
	return best
}
