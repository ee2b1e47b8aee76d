package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// `handover ingest clients.xls --json` reads an Excel 97-2003 workbook with
// its dates and zero-padded client numbers exact, and gives the same records
// and left-out rows as the .xlsx saved from the same data.
func TestIngestXLSSameAsXLSX(t *testing.T) {
	dumps := map[string]string{}
	for _, name := range []string{"clients.xls", "clients.xlsx"} {
		src, err := os.ReadFile(filepath.Join("..", "importers", "tabular", "testdata", "xls", name))
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, src, 0o644); err != nil {
			t.Fatal(err)
		}
		project := filepath.Join(dir, "x.handover")
		code, out, stderr := run("ingest", "-w", project, path, "--json")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", name, code, stderr)
		}
		var res struct {
			Sources []struct {
				Format                            string
				Rows, Records, Excluded, Rejected int64
			}
		}
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, out)
		}
		s := res.Sources[0]
		if want := strings.TrimPrefix(filepath.Ext(name), "."); s.Format != want {
			t.Errorf("%s: format %q", name, s.Format)
		}
		// 6 clients + 30 matters are records; the title, blank, totals rows
		// and the two rows of the summary sheet are left out with reasons.
		if s.Rows != 42 || s.Records != 36 || s.Excluded != 6 || s.Rejected != 0 {
			t.Errorf("%s: %+v", name, s)
		}
		dump := recordsDump(t, project)
		for _, want := range []string{"00042", "04042", "Zoë Müller", "李雷", "2024-01-01", "2023-03-15", "123456789012"} {
			if !strings.Contains(dump, want) {
				t.Errorf("%s: %q missing from the records:\n%s", name, want, dump)
			}
		}
		dumps[name] = dump + "\n--\n" + recordsRejects(t, project)
	}
	if dumps["clients.xls"] != dumps["clients.xlsx"] {
		t.Errorf("the .xls and the .xlsx give different records:\n%s\n\n%s", dumps["clients.xls"], dumps["clients.xlsx"])
	}
}

// A workbook saved with a password to open stops its ingest with a message
// that names the file once and says what to do.
func TestIngestPasswordProtectedXLS(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "importers", "tabular", "testdata", "xls", "locked.xls"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "fees.xls")
	if err := os.WriteFile(path, src, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := run("ingest", "-w", filepath.Join(dir, "x.handover"), path)
	if code == 0 {
		t.Fatalf("ingest of a password-protected workbook succeeded")
	}
	if strings.Count(stderr, "fees.xls") != 1 || !strings.Contains(stderr, "password-protected") || !strings.Contains(stderr, "remove the password") {
		t.Errorf("message: %s", stderr)
	}
}
