package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

func run(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = Main(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestExitCodes(t *testing.T) {
	if code, _, _ := run(); code != 2 {
		t.Errorf("no arguments: exit %d, want 2", code)
	}
	if code, _, stderr := run("frobnicate"); code != 2 || !strings.Contains(stderr, "unknown command") {
		t.Errorf("unknown command: exit %d %q", code, stderr)
	}
	if code, _, stderr := run("ingest", "x.csv"); code != 2 || !strings.Contains(stderr, "-w") {
		t.Errorf("missing -w: exit %d %q", code, stderr)
	}
	if code, _, stderr := run("check", "-w", filepath.Join(t.TempDir(), "none.handover")); code != 1 || !strings.Contains(stderr, "does not exist") {
		t.Errorf("missing project: exit %d %q", code, stderr)
	}
	if code, out, _ := run("--version"); code != 0 || !strings.HasPrefix(out, "handover ") {
		t.Errorf("--version: exit %d %q", code, out)
	}
}

// The same contacts saved by Excel as Windows-1252, as UTF-8 with a BOM and
// as UTF-16 must give the same records with the accents intact, and the
// ragged row must be reported as rejected with its row number.
func TestIngestJSONSameRecordsWhateverTheEncoding(t *testing.T) {
	text := "First Name,Last Name,E-mail Address,Company\r\n" +
		"José,Núñez,jose@example.com,Café Olé\r\n" +
		"Zoë,Müller,zoe@example.com,\r\n" +
		"Françoise,Dubois,fd@example.com,Crème LLC,stray\r\n"
	cp1252, err := charmap.Windows1252.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{"excel-1252.csv": cp1252, "utf8-bom.csv": "\ufeff" + text, "utf16.csv": utf16}
	var first string
	for name, content := range files {
		dir := t.TempDir()
		path := filepath.Join(dir, name)
		os.WriteFile(path, []byte(content), 0o644)
		project := filepath.Join(dir, "x.handover")
		code, out, stderr := run("ingest", "-w", project, path, "--json")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", name, code, stderr)
		}
		var res struct {
			Sources []struct {
				Encoding                          string
				Rows, Records, Excluded, Rejected int64
			}
			Counts   map[string]int64
			Rejected int64
		}
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, out)
		}
		s := res.Sources[0]
		if s.Rows != 3 || s.Records != 2 || s.Rejected != 1 || res.Counts["contacts"] < 2 {
			t.Errorf("%s: %+v counts %v", name, s, res.Counts)
		}
		code, out, _ = run("check", "-w", project, "--json")
		if code != 0 {
			t.Fatalf("%s: check exit %d", name, code)
		}
		var chk struct {
			Findings []map[string]any `json:"findings"`
		}
		json.Unmarshal([]byte(out), &chk)
		// What the project holds, read back through the report of left-out rows and records.
		dump := recordsDump(t, project)
		for _, want := range []string{"José", "Núñez", "Café Olé", "Zoë", "Müller"} {
			if !strings.Contains(dump, want) {
				t.Errorf("%s: %q lost (records: %s)", name, want, dump)
			}
		}
		if first == "" {
			first = dump
		} else if dump != first {
			t.Errorf("%s: records differ from another encoding:\n%s\n%s", name, dump, first)
		}
		if !strings.Contains(recordsRejects(t, project), "row 4 has 5 fields") {
			t.Errorf("%s: ragged row 4 not reported with its number", name)
		}
	}
}
