package relational

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A phone log the pre-pass types from its values (a date and the caller's
// number) gets its columns from the same values: the date, the time of day
// the call came in (joined to the date by the mapping), the caller's number
// and the message — headers no alias knows (QUAND, MOMENT, NUM_TEL, TXT).
func TestPhoneLogColumnsFromValues(t *testing.T) {
	dir := t.TempDir()
	var mt, ph strings.Builder
	mt.WriteString("MTR_NO,CLNT_NM,MTR_DSC,STAT,OPN_DT\n")
	ph.WriteString("QUAND,MOMENT,APPELANT,NUM_TEL,MTR,TXT\n")
	for i := 1; i <= 10; i++ {
		fmt.Fprintf(&mt, "2024-%03d,Client %c Moreau,Dispute %d,Open,2024-01-%02d\n", i, 'A'+i, i, i)
	}
	for i := 1; i <= 20; i++ {
		fmt.Fprintf(&ph, "2024-05-%02d,%d:%02d,Caller %c Smith,(312) 322-%04d,2024-%03d,Asked about the invoice %d\n", i, 9+i%8, 5*(i%12), 'A'+i, 1000+37*i, 1+i%10, i)
	}
	var paths []string
	for name, body := range map[string]string{"MATTERS.csv": mt.String(), "LOG.csv": ph.String()} {
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
		if filepath.Base(r.Source) == "LOG.csv" && r.Holds != "phone_logs" {
			t.Fatalf("LOG.csv holds %q, want phone_logs", r.Holds)
		}
	}
	found := false
	for id, h := range res.hints {
		if !strings.Contains(id, "LOG.csv\x00") {
			continue
		}
		found = true
		for col, want := range map[string]string{"QUAND": "date", "MOMENT": "time", "NUM_TEL": "phone", "TXT": "body"} {
			if got := h.Columns[col].Target; got != want {
				t.Errorf("LOG.csv %s: %q, want %s (all: %v)", col, got, want, h.Columns)
			}
		}
	}
	if !found {
		t.Fatal("no hints for LOG.csv")
	}
}
