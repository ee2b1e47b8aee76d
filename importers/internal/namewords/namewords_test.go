package namewords

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
)

// Split serves two callers: the mapping's header rules (abbreviated headers
// read word by word: CLNT_NO, ADDR1, Phone2Type) and the relational
// pre-pass's naming conventions (table stems and link words: tblClients,
// MatterNo, fk_matter, ClientID). Each row is an input one of them meets.
func TestSplitBothCallersNames(t *testing.T) {
	for in, want := range map[string]string{
		// headers (mapping/abbrev.go)
		"CLNT_NO":          "clnt no",
		"MTR_DSC":          "mtr dsc",
		"RESP_ATTY":        "resp atty",
		"ADDR1":            "addr 1",
		"USR_FLD1":         "usr fld 1",
		"Phone2Type":       "phone 2 type",
		"E-mail Address":   "e mail address",
		"Work Description": "work description",
		"Stundensatz":      "stundensatz",
		"Échéance":         "échéance",
		"Case Link IDs":    "case link ids",
		// table and column names (relational)
		"tblClients":  "tbl clients",
		"MatterNo":    "matter no",
		"fk_matter":   "fk matter",
		"Case No.":    "case no",
		"ClientID":    "client id",
		"HTMLExport":  "html export",
		"MTR_ID":      "mtr id",
		"dbo.Matters": "dbo matters",
		"":            "",
		"__":          "",
	} {
		if got := strings.Join(Split(in), " "); got != want {
			t.Errorf("Split(%q) = %q, want %q", in, got, want)
		}
	}
}

// headerTokens is the mapping's splitter as it was before Split replaced
// it: every alias of every profile splits as it did, so no abbreviated
// header reads differently.
func headerTokens(h string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	var prev rune
	for _, r := range h {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case len(cur) > 0 && (unicode.IsUpper(r) && unicode.IsLower(prev) || unicode.IsDigit(r) != unicode.IsDigit(prev)):
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
		prev = r
	}
	flush()
	return out
}

func TestSplitReadsEveryProfileAliasAsBefore(t *testing.T) {
	files, err := filepath.Glob("../../profiles/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no profiles: %v", err)
	}
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var p struct{ Columns map[string][]string }
		if err := json.Unmarshal(b, &p); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, aliases := range p.Columns {
			for _, a := range aliases {
				n++
				if got, was := strings.Join(Split(a), " "), strings.Join(headerTokens(a), " "); got != was {
					t.Errorf("%s: alias %q splits as %q, was %q", filepath.Base(f), a, got, was)
				}
			}
		}
	}
	if n < 500 {
		t.Errorf("only %d aliases read", n)
	}
}

func FuzzSplit(f *testing.F) {
	for _, s := range []string{"tblClients", "ADDR1", "HTMLExport", "Case Link IDs", "Échéance"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, w := range Split(s) {
			if w == "" || strings.ToLower(w) != w {
				t.Fatalf("%q: word %q", s, w)
			}
		}
	})
}
