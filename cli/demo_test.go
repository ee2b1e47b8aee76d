package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"handover/assets"
	"handover/core/model"
	"handover/core/workspace"
	"handover/internal/synth"
)

func demoTruth(t *testing.T) *synth.Truth {
	t.Helper()
	b, err := fs.ReadFile(assets.Demo, "demo/truth.json")
	if err != nil {
		t.Fatal(err)
	}
	var truth synth.Truth
	if err := json.Unmarshal(b, &truth); err != nil {
		t.Fatal(err)
	}
	return &truth
}

// TestDemoMatchesGroundTruth runs the offline pipeline on the embedded demo
// firm and holds it to the generator's own record of what it planted: every
// file's rows accounted for as the generator wrote them, the balances to the
// cent, and every planted problem found at its file and row.
func TestDemoMatchesGroundTruth(t *testing.T) {
	ctx := context.Background()
	truth := demoTruth(t)
	res, err := RunDemo(ctx, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	ws, err := workspace.Open(res.Project)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if err := ws.VerifyInvariant(ctx); err != nil {
		t.Fatal(err)
	}

	bySuffix := map[string]bool{}
	for _, s := range res.Ingest.Sources {
		rel := filepath.ToSlash(strings.TrimPrefix(s.Path, res.Exports+string(filepath.Separator)))
		ft, ok := truth.Files[rel]
		if !ok {
			t.Errorf("%s: read but not in the ground truth", rel)
			continue
		}
		bySuffix[rel] = true
		if s.Rows != int64(ft.Rows) || s.Records != int64(ft.Records) || s.Rejected != int64(ft.Rejected) {
			t.Errorf("%s: rows/records/rejected = %d/%d/%d, truth %d/%d/%d", rel, s.Rows, s.Records, s.Rejected, ft.Rows, ft.Records, ft.Rejected)
		}
		var excl int
		for _, n := range ft.Excluded {
			excl += n
		}
		if s.Excluded != int64(excl) {
			t.Errorf("%s: excluded = %d, truth %d (%v)", rel, s.Excluded, excl, ft.Excluded)
		}
	}
	for f := range truth.Files {
		if !bySuffix[f] {
			t.Errorf("%s: in the ground truth but not read", f)
		}
	}
	for e, want := range truth.Counts {
		if got := res.Check.Counts.Records[e]; got != int64(want) {
			t.Errorf("%s: %d records, truth %d", e, got, want)
		}
	}

	ar, trust := map[string]model.Cents{}, map[string]model.Cents{}
	ws.EachRecord(ctx, workspace.RecordFilter{Entity: model.ARBalances}, func(r workspace.StoredRecord) error {
		b := r.Data.(*model.ARBalance)
		ar[b.Matter.Value] = b.Amount
		return nil
	})
	ws.EachRecord(ctx, workspace.RecordFilter{Entity: model.TrustBalances}, func(r workspace.StoredRecord) error {
		b := r.Data.(*model.TrustBalance)
		trust[b.Matter.Value] = b.Amount
		return nil
	})
	for m, want := range truth.ARBalances {
		if ar[m] != want {
			t.Errorf("A/R balance of %s = %s, truth %s", m, ar[m], want)
		}
	}
	for m, want := range truth.TrustBalances {
		if trust[m] != want {
			t.Errorf("trust balance of %s = %s, truth %s", m, trust[m], want)
		}
	}

	type spot struct {
		rule, file string
		row        int64
	}
	found := map[spot]bool{}
	ws.EachFinding(ctx, workspace.FindingFilter{}, func(f workspace.StoredFinding) error {
		found[spot{f.Rule, f.Source, f.Row}] = true
		return nil
	})
	for _, p := range truth.Planted {
		if !found[spot{p.Rule, filepath.Base(p.File), p.Row}] {
			t.Errorf("planted %s at %s row %d (%s) was not found", p.Rule, p.File, p.Row, p.Note)
		}
	}
}

// `handover ingest` ends by saying what the ledgers bring forward into Clio,
// with the totals the demo firm's generator wrote down.
func TestIngestPrintsBalancesBroughtForward(t *testing.T) {
	truth := demoTruth(t)
	dir := t.TempDir()
	exports, err := assets.ExtractDemo(dir)
	if err != nil {
		t.Fatal(err)
	}
	code, out, errs := run("ingest", "-w", filepath.Join(dir, "firm.handover"), exports)
	if code != 0 {
		t.Fatalf("ingest: exit %d\n%s", code, errs)
	}
	var ar, trust model.Cents
	for _, c := range truth.ARBalances {
		ar += c
	}
	for _, c := range truth.TrustBalances {
		trust += c
	}
	want := fmt.Sprintf("A/R $%s on %d matters, trust $%s on %d matters or clients", ar, len(truth.ARBalances), trust, len(truth.TrustBalances))
	if !strings.Contains(out, "Balances brought forward") || !strings.Contains(out, want) {
		t.Errorf("ingest's summary does not say %q:\n%s", want, out[max(0, len(out)-600):])
	}
}
