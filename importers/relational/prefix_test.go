package relational

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A time file that names each matter by its number and description in one
// cell ("2024-003 - Divorce") links to the matters file, whatever its
// header, and each value decodes into the matter's number; a column of
// words that merely begin with a number-like token does not.
func TestMatterNamedByNumberAndDescription(t *testing.T) {
	dir := t.TempDir()
	descs := []string{"Divorce", "Probate", "Work visa", "Lease dispute"}
	var ms, tm strings.Builder
	ms.WriteString("Matter No,Client,Description,Status\n")
	for i := 1; i <= 8; i++ {
		fmt.Fprintf(&ms, "2024-%03d,Client %c,%s,Open\n", i, 'A'+i, descs[i%4])
	}
	tm.WriteString("Date,Col7,Staff,Hours,Rate,Remark\n")
	for i := 1; i <= 30; i++ {
		m := 1 + i%8
		fmt.Fprintf(&tm, "2024-03-%02d,2024-%03d: Client %c - %s,AB,1.5,250.00,%d boxes filed\n", 1+i%28, m, 'A'+m, descs[m%4], i)
	}
	mp, tp := filepath.Join(dir, "matters.csv"), filepath.Join(dir, "time.csv")
	for p, body := range map[string]string{mp: ms.String(), tp: tm.String()} {
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := Analyze(context.Background(), []string{mp, tp}, Options{Flat: true})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for id, h := range res.hints {
		if !strings.HasPrefix(id, filepath.Clean(tp)+"\x00") {
			continue
		}
		found = true
		ch := h.Columns["Col7"]
		if ch.Target != "matter" || ch.Link == nil {
			t.Fatalf("Col7 hinted %+v, want a matter link", ch)
		}
		if got := ch.Decode["2024-003: Client D - Lease dispute"]; got != "2024-003" {
			t.Errorf("decoded to %q, want 2024-003", got)
		}
		if r, ok := h.Columns["Remark"]; ok && r.Link != nil {
			t.Errorf("Remark (numbers followed by words that are no matter's) linked: %+v", r)
		}
	}
	if !found {
		t.Error("no hints for time.csv")
	}
}

func TestLeadingNumber(t *testing.T) {
	numbers := map[string]int32{"M-1": 1, "M-10": 1, "2024/0017": 1, "16 1001": 1}
	for v, want := range map[string]string{
		"M-1 Slip and fall":            "M-1",
		"M-10 - Car accident":          "M-10",
		"2024/0017: Smith - Divorce":   "2024/0017",
		"M-1":                          "M-1",
		"M-1 2":                        "", // no words after it
		"M-100 Divorce":                "",
		"16 1001 Estate of J. Doe":     "16 1001",
		"Smith v Jones":                "",
		"2024/0017, re: lease renewal": "2024/0017",
	} {
		if got := leadingNumber(v, numbers); got != want {
			t.Errorf("leadingNumber(%q) = %q, want %q", v, got, want)
		}
	}
}

// A contact has no field for a matter: a contacts file's column that names
// matters by number and description is not made a link (it would only be
// a question for the office manager).
func TestNoMatterLinkFromContacts(t *testing.T) {
	dir := t.TempDir()
	var ms, cs strings.Builder
	ms.WriteString("Matter No,Client,Description,Status\n")
	cs.WriteString("First Name,Last Name,Email,Remark\n")
	for i := 1; i <= 8; i++ {
		fmt.Fprintf(&ms, "2024-%03d,Client %c,Divorce,Open\n", i, 'A'+i)
		fmt.Fprintf(&cs, "Ann%c,Lee%c,ann%d@x.example,2024-%03d - Divorce\n", 'a'+i, 'a'+i, i, i)
	}
	mp, cp := filepath.Join(dir, "matters.csv"), filepath.Join(dir, "clients.csv")
	for p, body := range map[string]string{mp: ms.String(), cp: cs.String()} {
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := Analyze(context.Background(), []string{mp, cp}, Options{Flat: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range res.Tables {
		if tr.Source == "clients.csv" && (tr.Holds != "contacts" || len(tr.Links) > 0) {
			t.Errorf("clients.csv holds %q with links %+v, want contacts without links", tr.Holds, tr.Links)
		}
	}
}
