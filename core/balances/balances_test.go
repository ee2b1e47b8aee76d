package balances

import (
	"context"
	"path/filepath"
	"testing"

	"handover/core/model"
	"handover/core/workspace"
)

func num(v string) model.Ref { return model.Ref{Kind: "number", Value: v} }

func TestRecomputeExactToTheCent(t *testing.T) {
	ctx := context.Background()
	ws, err := workspace.Create(filepath.Join(t.TempDir(), "t.handover"))
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	lines := []model.LedgerLine{
		{Kind: model.LedgerInvoice, Matter: num("16-1001"), Amount: 100010},
		{Kind: model.LedgerInvoice, Matter: num("16-1001"), Amount: 25033},
		{Kind: model.LedgerPayment, Matter: num("16-1001"), Amount: 50000},
		{Kind: model.LedgerCredit, Matter: num("16-1001"), Amount: 43},
		{Kind: model.LedgerInvoice, Matter: num("16-1002"), Amount: 10000},
		{Kind: model.LedgerPayment, Matter: num("16-1002"), Amount: 10000},
		{Kind: model.LedgerTrustDeposit, Matter: num("16-1001"), Amount: 500000},
		{Kind: model.LedgerTrustWithdrawal, Matter: num("16-1001"), Amount: 123456},
		{Kind: model.LedgerTrustDeposit, Contact: model.Ref{Kind: "id", Value: "C9"}, Amount: 20001},
		{Kind: model.LedgerTrustDeposit, Matter: num("16-1003"), Amount: 10000},
		{Kind: model.LedgerTrustWithdrawal, Matter: num("16-1003"), Amount: 15000, Date: "2025-03-01"}, // row 12: dips to -50.00
		{Kind: model.LedgerTrustDeposit, Matter: num("16-1003"), Amount: 10000},
		{Kind: model.LedgerOperating, Amount: 99999},
		{Kind: model.LedgerPayment, Amount: 777}, // no matter: in no balance
	}
	st, err := ws.BeginSource(ctx, workspace.SourceInfo{Path: "/x/ledger.csv", Name: "ledger.csv", Format: "csv"})
	if err != nil {
		t.Fatal(err)
	}
	var dipRow int64
	for i, l := range lines {
		l := l
		r := workspace.Row{Num: int64(i + 2), Raw: []string{string(l.Kind), l.Amount.String()}, Excluded: model.AccountingHistory, Ledger: &l}
		if err := st.Stage(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	ws.DB().QueryRow(`SELECT id FROM rows WHERE row_no = 12`).Scan(&dipRow)

	s, err := Recompute(ctx, ws, "2026-11-01")
	if err != nil {
		t.Fatal(err)
	}
	if s.ARTotal != 75000 || s.ARBalances != 1 || s.ARZero != 1 {
		t.Errorf("A/R: total %s, %d written, %d zero; want 750.00, 1, 1", s.ARTotal, s.ARBalances, s.ARZero)
	}
	if s.TrustTotal != 376544+20001+5000 || s.TrustBalances != 3 || s.TrustZero != 0 {
		t.Errorf("trust: total %s, %d written, %d zero", s.TrustTotal, s.TrustBalances, s.TrustZero)
	}
	if s.Lines != 12 || s.Unassigned != 1 || s.LinesByKind[model.LedgerOperating] != 1 || s.LinesByKind[model.LedgerInvoice] != 3 {
		t.Errorf("lines %d unassigned %d by kind %v", s.Lines, s.Unassigned, s.LinesByKind)
	}
	if len(s.Negative) != 1 || s.Negative[0].Key != "trust:matter:16-1003" || s.Negative[0].RowID != dipRow ||
		s.Negative[0].Running != -5000 || s.Negative[0].Final != 5000 {
		t.Errorf("negative = %+v (dip row id %d)", s.Negative, dipRow)
	}

	got := map[string]any{}
	for _, e := range []model.Entity{model.ARBalances, model.TrustBalances} {
		ws.EachRecord(ctx, workspace.RecordFilter{Entity: e}, func(r workspace.StoredRecord) error {
			got[r.Key] = r.Data
			return nil
		})
	}
	if len(got) != 4 {
		t.Fatalf("stored balances: %v", got)
	}
	if b := got["ar:16-1001"].(*model.ARBalance); b.Amount != 75000 || b.Lines != 4 || b.AsOf != "2026-11-01" || b.Matter != num("16-1001") {
		t.Errorf("ar:16-1001 = %+v", b)
	}
	if b := got["trust:matter:16-1001"].(*model.TrustBalance); b.Amount != 376544 || b.Lines != 2 {
		t.Errorf("trust:matter:16-1001 = %+v", b)
	}
	if b := got["trust:contact:C9"].(*model.TrustBalance); b.Amount != 20001 || b.Contact.Value != "C9" || !b.Matter.IsZero() {
		t.Errorf("trust:contact:C9 = %+v", b)
	}

	// Recomputing replaces, never adds.
	if _, err := Recompute(ctx, ws, "2026-11-02"); err != nil {
		t.Fatal(err)
	}
	c, _ := ws.Counts(ctx)
	if c.Records[model.ARBalances] != 1 || c.Records[model.TrustBalances] != 3 {
		t.Errorf("after a second run: %v", c.Records)
	}
}
