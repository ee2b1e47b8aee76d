package readiness

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"handover/core/balances"
	"handover/core/model"
	"handover/core/workspace"
)

func TestBannerCutoffAndNotMigratedCounts(t *testing.T) {
	ctx := context.Background()
	ws, err := workspace.Create(filepath.Join(t.TempDir(), "r.handover"))
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	exported := time.Date(2026, 11, 20, 17, 0, 0, 0, time.UTC)
	stage := func(name string, at time.Time, rows []workspace.Row) {
		st, err := ws.BeginSource(ctx, workspace.SourceInfo{Path: "/" + name, Name: name, Format: "csv", System: "PCLaw", Profile: "pclaw-time", ExportedAt: at})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if err := st.Stage(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := st.Commit(ctx); err != nil {
			t.Fatal(err)
		}
	}
	m := model.Ref{Kind: "number", Value: "16-1001"}
	stage("ar.csv", exported, []workspace.Row{
		{Num: 2, Excluded: model.AccountingHistory, Ledger: &model.LedgerLine{Kind: model.LedgerInvoice, Matter: m, Amount: 1000}},
		{Num: 3, Excluded: model.AccountingHistory, Ledger: &model.LedgerLine{Kind: model.LedgerPayment, Matter: m, Amount: 400}},
		{Num: 4, Excluded: model.BilledHistory, Entity: model.TimeEntries},
	})
	stage("old.csv", exported.Add(-10*24*time.Hour), []workspace.Row{{Num: 2, Excluded: model.EmptyRow}})

	now := exported.Add(72 * time.Hour)
	r, err := Gather(ctx, ws, now)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Banner, "Stop using PCLaw") || r.AgeText != "3 days ago" || r.Cutoff.Acknowledged {
		t.Fatalf("banner %q age %q ack %v", r.Banner, r.AgeText, r.Cutoff.Acknowledged)
	}
	if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "different times") {
		t.Fatalf("warnings = %q", r.Warnings)
	}
	got := map[string]int64{}
	for _, n := range r.NotMigrate {
		got[n.What] = n.Count
	}
	if got["Invoices and A/R ledger lines"] != 1 || got["Payments"] != 1 || got["Billed time entries"] != 1 || got["Billable rates"] != -1 {
		t.Fatalf("not migrated = %+v", r.NotMigrate)
	}
	// after a check, the ledger lines it counted recomputing the balances
	// stand for the walk: the same list
	bs, err := balances.Recompute(ctx, ws, "")
	if err != nil {
		t.Fatal(err)
	}
	c, _ := ws.Counts(ctx)
	if after, err := GatherAfterCheck(ctx, ws, now, c, bs.LinesByKind); err != nil || !reflect.DeepEqual(after.NotMigrate, r.NotMigrate) {
		t.Fatalf("after a check: %+v (%v), want %+v", after.NotMigrate, err, r.NotMigrate)
	}

	if err := Acknowledge(ctx, ws, " ", exported, now); err == nil {
		t.Fatal("an anonymous acknowledgement was accepted")
	}
	if err := Acknowledge(ctx, ws, "Pat Office", exported, now); err != nil {
		t.Fatal(err)
	}
	r, _ = Gather(ctx, ws, now)
	if !r.Cutoff.Acknowledged || r.Cutoff.By != "Pat Office" || !r.Cutoff.Cutoff.Equal(exported) {
		t.Fatalf("cutoff = %+v", r.Cutoff)
	}
	found := false
	for _, w := range r.Warnings {
		found = found || strings.Contains(w, "old.csv was exported")
	}
	if !found {
		t.Fatalf("no warning for a source older than the cut-off: %q", r.Warnings)
	}
	if r.Stale {
		t.Errorf("an export 3 days old is stale")
	}

	// Over two weeks old: stale, and the age is said once (AgeText), not
	// again among the warnings.
	r, _ = Gather(ctx, ws, exported.Add(16*24*time.Hour))
	if !r.Stale || r.AgeText != "16 days ago" {
		t.Errorf("16 days on: stale %v, age %q", r.Stale, r.AgeText)
	}
	for _, w := range r.Warnings {
		if strings.Contains(w, r.AgeText) {
			t.Errorf("a warning says the age again: %q", w)
		}
	}
}

// The age reads as English in every sentence it is put in ("was taken 15 days
// ago", never "is 15 days ago old"), with singular units.
func TestAgeText(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{30 * time.Second, "just now"},
		{time.Minute, "1 minute ago"},
		{90 * time.Minute, "1 hour ago"},
		{5 * time.Hour, "5 hours ago"},
		{15 * 24 * time.Hour, "15 days ago"},
		{-time.Hour, "in the future (check the computer's clock)"},
	} {
		if got := ago(c.d); got != c.want {
			t.Errorf("ago(%v) = %q, want %q", c.d, got, c.want)
		}
	}
}
