package mapping

import (
	"strings"
	"testing"

	"handover/core/model"
)

// An invoice listing's column whose amounts lie, row by row, between nothing
// and the invoice's is what was paid or what is owed; the abbreviated header
// says which. Shapes the generator does not make: OWG (owing), RCVD
// (received), a column in whole cents, a credit note's negative balance.
func TestSettlementColumnByValues(t *testing.T) {
	rows := [][]string{
		{"1001", "M-1", "2024-01-10", "1,200.00", "200.00", "x"},
		{"1002", "M-2", "2024-01-11", "350.00", "0.00", "y"},
		{"1003", "M-3", "2024-01-12", "980.50", "980.50", "z"},
		{"CN-4", "M-3", "2024-01-13", "-50.00", "-50.00", ""},
		{"1005", "M-4", "2024-01-14", "75.00", "25.00", ""},
	}
	for _, c := range []struct{ header, want string }{
		{"AMT_OWG", "ledger.balance"},
		{"BAL_DUE", "ledger.balance"},
		{"AMT_RCVD", "ledger.paid"},
		{"PD_TO_DT", "ledger.paid"},
	} {
		p := chooseInvoices(t, c.header, rows)
		col := p.Columns[4]
		if col.Target != c.want || col.Via != ViaValues {
			t.Errorf("%s: %q via %q, want %q by values", c.header, col.Target, col.Via, c.want)
		}
	}
	// what the row then leaves owing: the balance as written, or the amount
	// less what was paid
	for header, want := range map[string]model.Cents{"BAL_DUE": 20000, "AMT_RCVD": 100000} {
		p := chooseInvoices(t, header, rows)
		p.Finish()
		out := p.Map(rows[0])
		if out.Ledger == nil || out.Ledger.Amount != want {
			t.Errorf("%s, row 1: %+v, want a ledger line of %d", header, out.Ledger, want)
		}
	}
}

// What the values do not allow stays unread: a column above the invoice's
// amount on a row (a running account balance), and one whose name says
// neither paid nor balance (a tax share: same shape, other meaning) — the
// latter with a warning rather than a guessed balance.
func TestSettlementNotGuessed(t *testing.T) {
	running := [][]string{
		{"1001", "M-1", "2024-01-10", "1,200.00", "1,400.00", ""},
		{"1002", "M-2", "2024-01-11", "350.00", "0.00", ""},
		{"1003", "M-3", "2024-01-12", "980.50", "980.50", ""},
		{"1004", "M-4", "2024-01-14", "75.00", "25.00", ""},
	}
	if p := chooseInvoices(t, "BAL", running); p.Columns[4].Target != "" {
		t.Errorf("running balance above the amount read as %q", p.Columns[4].Target)
	}
	tax := [][]string{
		{"1001", "M-1", "2024-01-10", "1,200.00", "200.00", ""},
		{"1002", "M-2", "2024-01-11", "350.00", "58.33", ""},
		{"1003", "M-3", "2024-01-12", "980.50", "163.42", ""},
		{"1004", "M-4", "2024-01-14", "75.00", "12.50", ""},
	}
	p := chooseInvoices(t, "MWST", tax)
	if p.Columns[4].Target != "" {
		t.Errorf("a share the name does not call paid or balance read as %q", p.Columns[4].Target)
	}
	p.Finish()
	warned := false
	for _, w := range p.Warnings {
		warned = warned || w.Rule == RuleSettlementUnread && w.Column == "MWST"
	}
	if !warned {
		t.Errorf("no %s warning on MWST: %+v", RuleSettlementUnread, p.Warnings)
	}
}

func chooseInvoices(t *testing.T, settle string, rows [][]string) *Plan {
	t.Helper()
	header := []string{"Invoice No", "Matter", "Date", "Amount", settle, "Memo"}
	p, err := Choose("invoices.csv", "", header, rows, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	if p.kind != "ledger:ar" || p.Ledger != model.LedgerInvoice {
		t.Fatalf("%s: kind %q %q, want an invoice listing", strings.Join(header, ","), p.kind, p.Ledger)
	}
	return p
}
