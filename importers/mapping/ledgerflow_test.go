package mapping

import (
	"fmt"
	"strings"
	"testing"

	"handover/core/model"
)

// TestTrustLedgerByItsFlow: a typed ledger whose headers any A/R profile
// would match (Date, Matter, Type, Amount), in a file named neither trust
// nor receivables, with type words the A/R reading cannot tell apart, is a
// trust ledger when its values flow like one: each matter opens with money
// in, and never pays out more than it holds. Its balances are the trust
// money held, not negative receivables.
func TestTrustLedgerByItsFlow(t *testing.T) {
	h := []string{"Date", "Matter", "Type", "Amount"}
	cases := []struct {
		name, in, out string
	}{
		{"escrow cheques", "Deposit", "Cheque"},
		{"German", "Einzahlung", "Auszahlung"},
		{"receipts and payments", "Receipt", "Payment"},
	}
	for _, cs := range cases {
		// more money out than in by count, so no vote of the words decides it
		rows := [][]string{
			{"2024-01-02", "E-1", cs.in, "1.000,00"},
			{"2024-01-09", "E-1", cs.out, "200,00"},
			{"2024-01-10", "E-1", cs.out, "300,00"},
			{"2024-02-01", "E-1", cs.out, "500,00"},
			{"2024-01-05", "E-2", cs.in, "80,00"},
			{"2024-03-05", "E-2", cs.out, "30,00"},
			{"2024-03-06", "E-2", cs.out, "20,50"},
		}
		p, outs := run(t, "konto.csv", h, rows, nil, "")
		if p.kind != "ledger:trust" {
			t.Fatalf("%s: read as %q by %s", cs.name, p.kind, p.Profile)
		}
		checkSums(t, cs.name, ledgerSums(t, outs, model.TrustBalances), map[string]int64{"E-1": 0, "E-2": 2950})
	}
}

// TestTrustByFlowOverAPrePassGuess: a database pre-pass that types a dated
// money table hanging on matters as receivables (its name says nothing)
// does not make a trust account's flow into negative receivables.
func TestTrustByFlowOverAPrePassGuess(t *testing.T) {
	h := []string{"TDATE", "MATTER", "TTYPE", "AMT"}
	rows := [][]string{{"2024-01-02", "M-1", "Einzahlung", "500.00"}, {"2024-01-03", "M-1", "Auszahlung", "120.00"}, {"2024-01-04", "M-2", "Einzahlung", "80.00"}}
	p, err := ChooseWithHints("BUCH.DBF", "BUCH", h, rows, nil, "", Hints{Kind: "ledger:ar", Columns: map[string]ColumnHint{
		"TDATE": {Target: "date"}, "MATTER": {Target: "matter"}, "TTYPE": {Target: "ledger.type"}, "AMT": {Target: "ledger.amount"}}})
	if err != nil {
		t.Fatal(err)
	}
	p.Finish()
	var outs []Outcome
	for _, r := range rows {
		outs = append(outs, p.Map(r))
	}
	checkSums(t, "BUCH", ledgerSums(t, outs, model.TrustBalances), map[string]int64{"M-1": 38000, "M-2": 8000})
}

// TestReceivablesStayReceivables: the flow rule leaves alone a ledger the
// A/R reading can tell apart (invoices and payments), and a list of
// payments in which different words open accounts (no way in or out).
func TestReceivablesStayReceivables(t *testing.T) {
	h := []string{"Date", "Matter", "Type", "Amount"}
	for name, rows := range map[string][][]string{
		"invoices and payments": {
			{"2024-01-02", "A-7", "Invoice", "500.00"}, {"2024-01-09", "A-7", "Payment", "200.00"}, {"2024-01-10", "A-8", "Invoice", "50.00"}},
		"payments under two words": {
			{"2024-01-02", "A-7", "Payment", "500.00"}, {"2024-01-09", "A-7", "Receipt", "200.00"}, {"2024-01-10", "A-8", "Receipt", "50.00"}, {"2024-01-11", "A-8", "Payment", "50.00"}},
	} {
		p, _ := run(t, "ar.csv", h, rows, nil, "")
		if p.kind != "ledger:ar" {
			t.Errorf("%s: read as %q", name, p.kind)
		}
	}
}

// TestLedgerDirectionNotGuessed: money in, then more out than came in, with
// no invoice lines: neither a trust account nor receivables by its values.
// No row gets a direction (each is rejected with its reason) and the table
// says why, rather than writing negative receivables or a negative trust.
func TestLedgerDirectionNotGuessed(t *testing.T) {
	h := []string{"Date", "Matter", "Type", "Amount"}
	rows := [][]string{{"02.01.2024", "A-7", "Eingang", "100,00"}, {"09.01.2024", "A-7", "Zahlung", "200,00"}, {"10.01.2024", "A-7", "Zahlung", "50,00"}}
	p, outs := run(t, "journal.csv", h, rows, nil, "")
	for i, o := range outs {
		if o.Ledger != nil || o.Reject == "" {
			t.Errorf("row %d given a direction: %+v", i, o)
		}
	}
	found := false
	for _, w := range p.Warnings {
		found = found || w.Rule == RuleLedgerDirection && strings.Contains(w.Message, "zahlung")
	}
	if !found {
		t.Errorf("no %s warning: %+v", RuleLedgerDirection, p.Warnings)
	}
	// a profile the user chose is read as chosen
	if _, outs := run(t, "journal.csv", h, rows, nil, "ar-ledger"); outs[1].Ledger == nil || outs[1].Ledger.Kind != model.LedgerPayment {
		t.Errorf("forced A/R ledger re-read: %+v", outs[1])
	}
}

// TestTrustByFlowSaysWhenPaymentsFlowAlike: payments of invoices followed
// by smaller refunds flow as a trust account does, so a ledger whose
// opening word also reads as a payment (PMT) and whose other word is
// unknown (RFND) is still read by its flow, but the table says so and how to
// read it as payments instead; a trust ledger whose words say nothing of
// payments, or whose money-out word is a known one, is read without it.
func TestTrustByFlowSaysWhenPaymentsFlowAlike(t *testing.T) {
	h := []string{"Date", "Matter", "Type", "Amount"}
	ledger := func(in, out string) [][]string {
		return [][]string{
			{"2024-01-02", "E-1", in, "1.000,00"}, {"2024-01-09", "E-1", out, "200,00"},
			{"2024-01-05", "E-2", in, "80,00"}, {"2024-03-05", "E-2", out, "30,00"},
		}
	}
	warned := func(p *Plan) string {
		for _, w := range p.Warnings {
			if w.Rule == RuleLedgerTrustByFlow {
				return w.Message
			}
		}
		return ""
	}
	p, _ := run(t, "konto.csv", h, ledger("PMT", "RFND"), nil, "")
	if p.kind != "ledger:trust" {
		t.Fatalf("PMT/RFND read as %q", p.kind)
	}
	if m := warned(p); !strings.Contains(m, "map pmt to Payment and rfnd to Invoice") {
		t.Errorf("PMT/RFND read as trust without saying so: %q (%+v)", m, p.Warnings)
	}
	for _, words := range [][2]string{{"Deposit", "Cheque"}, {"Einzahlung", "Auszahlung"}, {"Receipt", "Payment"}} {
		p, _ := run(t, "konto.csv", h, ledger(words[0], words[1]), nil, "")
		if p.kind != "ledger:trust" {
			t.Fatalf("%v read as %q", words, p.kind)
		}
		if m := warned(p); m != "" {
			t.Errorf("%v: a trust ledger whose words say nothing of invoices warned: %q", words, m)
		}
	}
}

// TestPaymentTypeIsTheTypeWhenItsWordsSaySo: "Payment Type" is the payment
// method in one export (Cheque, Card) and the transaction type in another
// (PMT beside RFND): the values decide. Read as a method, every refund was
// a payment.
func TestPaymentTypeIsTheTypeWhenItsWordsSaySo(t *testing.T) {
	h := []string{"datum", "user_field_1", "fax", "akte", "payment_type", "betrag"}
	target := func(words ...string) string {
		var rows [][]string
		for i, w := range words {
			rows = append(rows, []string{fmt.Sprintf("%02d/03/2026", i+1), "", "", fmt.Sprintf("2024/%04d - Lease dispute", i%3+1), w, fmt.Sprintf("%d,00 EUR", 90+i)})
		}
		p, err := ChooseWithHints("payments.csv", "payments", h, rows, nil, "", Hints{Kind: "ledger:ar", Columns: map[string]ColumnHint{"akte": {Target: "matter"}}})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range p.Columns {
			if c.Header == "payment_type" {
				return c.Target
			}
		}
		return ""
	}
	if got := target("PMT", "PMT", "RFND", "PMT"); got != "ledger.type" {
		t.Errorf("PMT/RFND read as %q, want ledger.type", got)
	}
	if got := target("Paiement", "Remboursement", "Paiement"); got != "ledger.type" {
		t.Errorf("Paiement/Remboursement read as %q, want ledger.type", got)
	}
	for name, words := range map[string][]string{
		"methods":         {"Cheque", "Card", "Cash", "Cheque"},
		"cheque numbers":  {"Chq 1001", "Chq 1002", "Chq 1003"},
		"no payment word": {"Alpha", "Beta", "Alpha"},
	} {
		if got := target(words...); got != "ledger.method" {
			t.Errorf("%s read as %q, want ledger.method", name, got)
		}
	}
}

// TestRefundsReadOnceTheRowsAreKnownToSettleInvoices: a file named payments
// is read as a list of payments before the pre-pass says its rows settle
// an invoice listing's invoices (Hints.Settles); its words for money given
// back (Erstattung) are read by their flow then, not left unknown (each
// such row was rejected and every refund lost from its matter).
func TestRefundsReadOnceTheRowsAreKnownToSettleInvoices(t *testing.T) {
	h := []string{"Datum", "Akte", "InvoiceNo", "Art", "Betrag"}
	rows := [][]string{
		{"2025-02-07", "1010", "4624", "Zahlung", "1,323.86"}, {"2025-02-16", "1010", "4624", "Erstattung", "55.00"},
		{"2025-10-21", "1015", "4630", "Zahlung", "644.48"}, {"2025-11-06", "1015", "4630", "Erstattung", "15.00"},
		{"2025-06-16", "1018", "4631", "Zahlung", "210.50"},
	}
	p, err := ChooseWithHints("Firm data.xlsx", "tblPayments", h, rows, nil, "", Hints{Kind: "ledger:ar", Settles: true,
		Columns: map[string]ColumnHint{"Akte": {Target: "matter"}, "InvoiceNo": {Target: "ledger.reference"}, "Art": {Target: "ledger.type"}}})
	if err != nil {
		t.Fatal(err)
	}
	p.Finish()
	for i, r := range rows {
		o := p.Map(r)
		want := model.LedgerPayment
		if r[3] == "Erstattung" {
			want = model.LedgerInvoice // money given back is owed again
		}
		if o.Ledger == nil || o.Ledger.Kind != want {
			t.Errorf("row %d (%s): %+v, reject %q; want a %s", i, r[3], o.Ledger, o.Reject, want)
		}
	}
}

// Every way of paying is written as Normalize writes a value, so the ones
// of two words ("Credit Card", "Bank Transfer") are found too.
func TestPayMethodsMatchNormalizedValues(t *testing.T) {
	for _, v := range []string{"Credit Card", "Bank Transfer", "Direct Debit", "Überweisung", "Espèces", "CHQ"} {
		if !payMethods[Normalize(v)] {
			t.Errorf("%q (%q) is not a way of paying", v, Normalize(v))
		}
	}
}
