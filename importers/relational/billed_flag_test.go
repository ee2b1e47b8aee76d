package relational

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"handover/importers/mapping"
)

// A time table's yes/no column whose shortened name says billed (INVCD_YN:
// invoiced, yes/no) is the billed flag, so billed time is left out of Clio;
// a yes/no column whose name says billable (BLBL_FLG) is not, nor is one
// whose name says neither (CHK_FLG).
func TestTimeBilledFlagFromShortenedName(t *testing.T) {
	dir := t.TempDir()
	var mt, te strings.Builder
	mt.WriteString("MTR_NO,CLNT_NM,MTR_DSC,STAT,OPN_DT\n")
	te.WriteString("WRK_DT,MTR,HRS,WRK_DSC,BLBL_FLG,CHK_FLG,INVCD_YN\n")
	for i := 1; i <= 10; i++ {
		fmt.Fprintf(&mt, "2024-%03d,Client %c Moreau,Dispute %d,Open,2024-01-%02d\n", i, 'A'+i, i, i)
	}
	yn := func(b bool) string {
		if b {
			return "Y"
		}
		return "N"
	}
	for i := 1; i <= 30; i++ {
		fmt.Fprintf(&te, "2024-05-%02d,2024-%03d,%d.%d,Drafted the reply %d,%s,%s,%s\n", 1+i%28, 1+i%10, i%4, i%10, i, yn(i%5 != 0), yn(i%2 == 0), yn(i%3 == 0))
	}
	var paths []string
	for name, body := range map[string]string{"MATTERS.csv": mt.String(), "WORK.csv": te.String()} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	res, err := Analyze(context.Background(), paths, Options{Flat: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res.Tables {
		if filepath.Base(r.Source) == "WORK.csv" && r.Holds != "time_entries" {
			t.Fatalf("WORK.csv holds %q, want time_entries", r.Holds)
		}
	}
	found := false
	for id, h := range res.hints {
		if !strings.Contains(id, "WORK.csv\x00") {
			continue
		}
		found = true
		if got := h.Columns["INVCD_YN"].Target; got != "billed" {
			t.Errorf("INVCD_YN: %q, want billed (all: %v)", got, h.Columns)
		}
		for _, col := range []string{"BLBL_FLG", "CHK_FLG"} {
			if got := h.Columns[col].Target; got == "billed" {
				t.Errorf("%s read as the billed flag", col)
			}
		}
		// CHK_FLG's name says neither billed nor billable: asked, not guessed
		asked := map[string]bool{}
		for _, q := range h.Questions {
			asked[q.Column] = true
			if q.Column == "CHK_FLG" && (q.Rule != mapping.RuleReadingQuestion || len(q.Choices) != 3 || q.Choices[0].Target != "billed" || q.Choices[1].Target != "billable") {
				t.Errorf("CHK_FLG question: %+v", q)
			}
		}
		if !asked["CHK_FLG"] || asked["BLBL_FLG"] || asked["INVCD_YN"] {
			t.Errorf("asked about %v, want CHK_FLG alone", asked)
		}
	}
	if !found {
		t.Fatal("no hints for WORK.csv")
	}
}

// A yes/no column no name explains (MRK), set on exactly the rows that
// carry an invoice number, is the billed flag: it says what the invoice
// number says. One set on other rows (SEL) is not, and is asked about.
func TestTimeBilledFlagFromInvoiceRows(t *testing.T) {
	dir := t.TempDir()
	var mt, te strings.Builder
	mt.WriteString("MTR_NO,CLNT_NM,MTR_DSC,STAT,OPN_DT\n")
	te.WriteString("WRK_DT,MTR,HRS,WRK_DSC,SEL,INV_NO,MRK\n")
	for i := 1; i <= 10; i++ {
		fmt.Fprintf(&mt, "2024-%03d,Client %c Moreau,Dispute %d,Open,2024-01-%02d\n", i, 'A'+i, i, i)
	}
	for i := 1; i <= 30; i++ {
		inv, mark, sel := "", "", ""
		if i%3 == 0 {
			inv, mark = fmt.Sprint(5000+i/3), "x"
		}
		if i%2 == 0 {
			sel = "x"
		}
		fmt.Fprintf(&te, "2024-05-%02d,2024-%03d,%d.%d,Drafted the reply %d,%s,%s,%s\n", 1+i%28, 1+i%10, i%4, i%10, i, sel, inv, mark)
	}
	var paths []string
	for name, body := range map[string]string{"MATTERS.csv": mt.String(), "WORK.csv": te.String()} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	res, err := Analyze(context.Background(), paths, Options{Flat: true})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for id, h := range res.hints {
		if !strings.Contains(id, "WORK.csv\x00") {
			continue
		}
		found = true
		if got := h.Columns["MRK"].Target; got != "billed" {
			t.Errorf("MRK: %q, want billed (all: %v)", got, h.Columns)
		}
		if got := h.Columns["SEL"].Target; got == "billed" {
			t.Errorf("SEL read as the billed flag")
		}
		asked := map[string]bool{}
		for _, q := range h.Questions {
			asked[q.Column] = true
		}
		if !asked["SEL"] || asked["MRK"] {
			t.Errorf("asked about %v, want SEL alone", asked)
		}
	}
	if !found {
		t.Fatal("no hints for WORK.csv")
	}
}
