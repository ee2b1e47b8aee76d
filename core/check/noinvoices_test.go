package check

import (
	"context"
	"strings"
	"testing"

	"handover/core/model"
)

// A payments list read without any invoice would make every matter's A/R a
// credit of what its client paid. No A/R balance is written then, and the
// check says so at the first payment, as a blocker; trust is unaffected.
func TestPaymentsWithoutInvoicesWriteNoReceivables(t *testing.T) {
	ctx := context.Background()
	ws := newWS(t)
	load(t, ws, "matters.csv", "Generic",
		item{row: 2, entity: model.Matters, id: "1", data: matter("2024-001", model.Ref{}, "Sale", "Open", "", "", "")})
	load(t, ws, "payments.csv", "Generic",
		item{row: 2, ledger: &model.LedgerLine{Kind: model.LedgerPayment, Matter: num("2024-001"), Amount: 74835, Date: "2026-10-21"}},
		item{row: 3, ledger: &model.LedgerLine{Kind: model.LedgerPayment, Matter: num("2024-001"), Amount: 1000, Date: "2026-10-22"}},
		item{row: 4, ledger: &model.LedgerLine{Kind: model.LedgerTrustDeposit, Matter: num("2024-001"), Amount: 5000, Date: "2026-10-23"}},
	)
	res, err := Run(ctx, ws, Options{Country: "US", Now: now}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Balances.ARBalances != 0 || res.Balances.ARTotal != 0 {
		t.Errorf("A/R from payments alone: %d balances, total %s; want none", res.Balances.ARBalances, res.Balances.ARTotal)
	}
	if res.Balances.TrustBalances != 1 {
		t.Errorf("trust balances %d, want 1", res.Balances.TrustBalances)
	}
	var got []string
	for _, f := range findings(t, ws, "") {
		if f.Rule == model.RuleBalanceNoInvoices {
			got = append(got, f.Source+"|"+string(f.Severity)+"|"+f.Message)
			if f.Row != 2 || !strings.Contains(f.Fix, "invoice") {
				t.Errorf("finding at row %d, fix %q: want the first payment's row and how to add the invoices", f.Row, f.Fix)
			}
		}
	}
	if len(got) != 1 || !strings.HasPrefix(got[0], "payments.csv|blocker|2 payments were read but no invoices") {
		t.Errorf("findings %q: want one blocker at payments.csv", got)
	}

	// With one invoice in the project the receivables are worked out as before.
	load(t, ws, "invoices.csv", "Generic",
		item{row: 2, ledger: &model.LedgerLine{Kind: model.LedgerInvoice, Matter: num("2024-001"), Amount: 149670, Date: "2026-10-07"}})
	res, err = Run(ctx, ws, Options{Country: "US", Now: now}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Balances.ARBalances != 1 || res.Balances.ARTotal != 149670-74835-1000 {
		t.Errorf("A/R %d balances, total %s; want 1, 738.35", res.Balances.ARBalances, res.Balances.ARTotal)
	}
	for _, f := range findings(t, ws, "") {
		if f.Rule == model.RuleBalanceNoInvoices {
			t.Errorf("still %s once an invoice is there: %s", f.Rule, f.Message)
		}
	}
}
