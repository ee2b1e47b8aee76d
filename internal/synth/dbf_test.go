package synth

import (
	"path/filepath"
	"testing"

	"github.com/Valentin-Kaiser/go-dbase/dbase"
)

// The AbacusLaw table must read back with an independent FoxPro reader:
// names decoded from Windows-1252, memos from the .FPT, deletion flags kept.
func TestDBFReadsBackWithGoDbase(t *testing.T) {
	dir := t.TempDir()
	if _, err := Generate(dir, Options{Seed: 1, Contacts: 60, Formats: []string{FormatAbacus}}); err != nil {
		t.Fatal(err)
	}
	tbl, err := dbase.OpenTable(&dbase.Config{Filename: filepath.Join(dir, "abacus", "NAMES.DBF"), TrimSpaces: true, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Close()
	if got := tbl.Header().CodePage; got != 0x03 {
		t.Errorf("code page mark = %#x, want 0x03", got)
	}
	wantCols := []string{"ID", "NAME", "FIRST", "LAST", "COMPANY", "PHONE", "EMAIL", "ADDED", "NOTES"}
	if got := tbl.ColumnNames(); len(got) != len(wantCols) {
		t.Fatalf("columns = %v, want %v", got, wantCols)
	}
	g := newGen(dir, Options{Seed: 1, Contacts: 60})
	n, deleted := 0, 0
	for !tbl.EOF() {
		row, err := tbl.Next()
		if err != nil {
			t.Fatal(err)
		}
		p := g.abacusPerson(n)
		n++
		if row.Deleted {
			deleted++
			if slot := (n - 1) % period; slot != aslotDeleted1 && slot != aslotDeleted2 {
				t.Errorf("record %d deleted, not planted", n)
			}
		}
		email, err := row.StringValueByName("EMAIL")
		if err != nil {
			t.Fatal(err)
		}
		if email != p.Email {
			t.Errorf("record %d EMAIL = %q, want %q", n, email, p.Email)
		}
		if !p.IsCompany {
			last, _ := row.StringValueByName("LAST")
			if last != p.Last {
				t.Errorf("record %d LAST = %q, want %q", n, last, p.Last)
			}
		}
		if n == 2 {
			if last, _ := row.StringValueByName("LAST"); last != "Ångström" {
				t.Errorf("record 2 LAST = %q, want Ångström (Windows-1252 decoding)", last)
			}
		}
		if n == 1 {
			memo, err := row.StringValueByName("NOTES")
			if err != nil {
				t.Fatal(err)
			}
			if memo != abacusNotes[4] {
				t.Errorf("record 1 NOTES = %q, want %q", memo, abacusNotes[4])
			}
		}
	}
	if n != g.nAbacus || deleted != 2 {
		t.Errorf("read %d records (%d deleted), want %d (2 deleted)", n, deleted, g.nAbacus)
	}
}
