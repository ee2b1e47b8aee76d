package mapping

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"

	"handover/core/model"
)

// movement is one generated accounting event and its effect on a balance.
type movement struct {
	matter string
	cents  int64 // > 0 raises the balance (invoice, deposit), < 0 lowers it
}

// money writes cents the way a given export does.
func money(c int64, style int) string {
	neg := c < 0
	if neg {
		c = -c
	}
	whole, frac := c/100, c%100
	var s string
	switch style {
	case 1: // 1.234,50
		s = fmt.Sprintf("%s,%02d", group(whole, "."), frac)
	case 2: // $1,234.50
		s = fmt.Sprintf("$%s.%02d", group(whole, ","), frac)
	default:
		s = fmt.Sprintf("%d.%02d", whole, frac)
	}
	if neg {
		if style == 2 {
			return "(" + s + ")"
		}
		return "-" + s
	}
	return s
}

func group(n int64, sep string) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + sep + s[i:]
	}
	return s
}

// ledgerSums adds up what Map made of the rows, per matter, in signed cents.
func ledgerSums(t *testing.T, outs []Outcome, want model.Entity) map[string]int64 {
	t.Helper()
	got := map[string]int64{}
	for i, o := range outs {
		if o.Excluded != model.AccountingHistory || o.Ledger == nil || o.Entity != want {
			t.Fatalf("row %d: %+v (reject %q)", i, o, o.Reject)
		}
		l := o.Ledger
		switch l.Kind {
		case model.LedgerInvoice, model.LedgerTrustDeposit:
			got[l.Matter.Value] += int64(l.Amount)
		default:
			got[l.Matter.Value] -= int64(l.Amount)
		}
	}
	return got
}

func expected(ms []movement) map[string]int64 {
	want := map[string]int64{}
	for _, m := range ms {
		want[m.matter] += m.cents
	}
	return want
}

func checkSums(t *testing.T, name string, got, want map[string]int64) {
	t.Helper()
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: matter %s balance %d, want %d", name, k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%s: %d matters, want %d", name, len(got), len(want))
	}
}

var shapeMatters = []string{"2024-017", "2023-101", "19-0042", "A-7"}

// TestInvoiceListingsByShape: invoice listings with paid and/or balance
// columns, under different header words, orders and languages, give each
// matter's receivable exactly (amount − paid, or the balance column).
func TestInvoiceListingsByShape(t *testing.T) {
	rng := rand.New(rand.NewSource(15))
	type shape struct {
		file    string
		header  []string
		style   int
		dateFmt string
		row     func(inv int, matter, date string, amount, paid int64, style int) []string
	}
	shapes := []shape{
		{"invoices.csv", []string{"Invoice No", "Matter", "Date", "Amount", "Paid"}, 0, "2006-01-02",
			func(inv int, m, d string, a, p int64, s int) []string {
				return []string{fmt.Sprint(inv), m, d, money(a, s), money(p, s)}
			}},
		{"Rechnungen.csv", []string{"Akte", "Rechnungsdatum", "Rechnungsnummer", "Betrag", "Bezahlt", "Offen"}, 1, "02.01.2006",
			func(inv int, m, d string, a, p int64, s int) []string {
				return []string{m, d, fmt.Sprint(inv), money(a, s), money(p, s), money(a-p, s)}
			}},
		{"export.csv", []string{"Bill #", "Bill Date", "File No", "Client", "Balance Due"}, 2, "01/02/2006",
			func(inv int, m, d string, a, p int64, s int) []string {
				return []string{"B" + fmt.Sprint(inv), d, m, "Ruiz", money(a-p, s)}
			}},
		{"facturas.csv", []string{"Expediente", "Fecha Factura", "Factura", "Importe", "Pagado"}, 1, "02/01/2006",
			func(inv int, m, d string, a, p int64, s int) []string {
				if p == 0 {
					return []string{m, d, fmt.Sprint(inv), money(a, s), ""} // nothing paid yet: left blank
				}
				return []string{m, d, fmt.Sprint(inv), money(a, s), money(p, s)}
			}},
	}
	for _, sh := range shapes {
		var rows [][]string
		var ms []movement
		for i := 0; i < 40; i++ {
			m := shapeMatters[rng.Intn(len(shapeMatters))]
			amount := int64(rng.Intn(900000) + 100)
			var paid int64
			switch rng.Intn(3) {
			case 1:
				paid = amount
			case 2:
				paid = int64(rng.Intn(int(amount)))
			}
			date := fmt.Sprintf("2024-%02d-%02d", rng.Intn(12)+1, rng.Intn(28)+1)
			d, _ := timeParse(date, sh.dateFmt)
			rows = append(rows, sh.row(1000+i, m, d, amount, paid, sh.style))
			ms = append(ms, movement{m, amount - paid})
		}
		p, outs := run(t, sh.file, sh.header, rows, nil, "")
		if p.kind != "ledger:ar" {
			t.Fatalf("%s: read as %q (%+v)", sh.file, p.kind, p.Columns)
		}
		checkSums(t, sh.file, ledgerSums(t, outs, model.ARBalances), expected(ms))
		if outs[0].Ledger.Reference == "" {
			t.Errorf("%s: invoice number lost: %+v", sh.file, outs[0].Ledger)
		}
	}
}

// TestPaymentListsLowerTheReceivable: lists of money received, told by a
// paid column without an invoice amount or by a payment-method column.
func TestPaymentListsLowerTheReceivable(t *testing.T) {
	cases := []struct {
		file   string
		header []string
		row    func(m string, c int64) []string
	}{
		{"receipts.csv", []string{"Payment Date", "Matter Number", "Amount", "Method"}, func(m string, c int64) []string {
			return []string{"2024-03-01", m, money(c, 0), []string{"Cheque", "Visa", "EFT"}[c%3]}
		}},
		{"x.csv", []string{"Date Received", "File", "Amount Received", "Reference"}, func(m string, c int64) []string {
			return []string{"03/01/2024", m, money(c, 2), "R" + fmt.Sprint(c)}
		}},
		{"zahlungen.csv", []string{"Datum", "Aktenzeichen", "Zahlungsart", "Betrag"}, func(m string, c int64) []string {
			return []string{"01.03.2024", m, "Überweisung", money(c, 1)}
		}},
	}
	rng := rand.New(rand.NewSource(7))
	for _, cs := range cases {
		var rows [][]string
		var ms []movement
		for i := 0; i < 25; i++ {
			m := shapeMatters[rng.Intn(len(shapeMatters))]
			c := int64(rng.Intn(500000) + 1)
			rows = append(rows, cs.row(m, c))
			ms = append(ms, movement{m, -c})
		}
		p, outs := run(t, cs.file, cs.header, rows, nil, "")
		if p.kind != "ledger:ar" {
			t.Fatalf("%s: read as %q", cs.file, p.kind)
		}
		checkSums(t, cs.file, ledgerSums(t, outs, model.ARBalances), expected(ms))
		for _, o := range outs {
			if o.Ledger.Kind != model.LedgerPayment {
				t.Fatalf("%s: %+v", cs.file, o.Ledger)
			}
		}
	}
}

// TestTrustLedgersByShape: trust ledgers with in/out columns, a Dr/Cr
// column or signed amounts give each matter's trust balance exactly; a
// running balance column is not read as money moving.
func TestTrustLedgersByShape(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	cases := []struct {
		file   string
		header []string
		row    func(m string, c, running int64) []string
	}{
		{"ledger.csv", []string{"Date", "Matter", "Client", "Deposit", "Withdrawal", "Balance"}, func(m string, c, run int64) []string {
			if c > 0 {
				return []string{"2024-01-02", m, "Ruiz", money(c, 2), "", money(run, 2)}
			}
			return []string{"2024-01-02", m, "Ruiz", "", money(-c, 2), money(run, 2)}
		}},
		{"libro.csv", []string{"Fecha", "Expediente", "Ingreso", "Egreso", "Referencia"}, func(m string, c, run int64) []string {
			if c > 0 {
				return []string{"02/01/2024", m, money(c, 1), "0,00", "T1"}
			}
			return []string{"02/01/2024", m, "0,00", money(-c, 1), "T2"}
		}},
		{"client trust account.csv", []string{"Posted", "File No", "Net Amount", "Memo"}, func(m string, c, run int64) []string {
			return []string{"2024-01-02", m, money(c, 0), "memo"}
		}},
		{"iolta.csv", []string{"Date", "Matter", "Dr/Cr", "Amount"}, func(m string, c, run int64) []string {
			if c > 0 {
				return []string{"2024-01-02", m, "Cr", money(c, 0)}
			}
			return []string{"2024-01-02", m, "Dr", money(-c, 0)}
		}},
	}
	for _, cs := range cases {
		var rows [][]string
		var ms []movement
		running := map[string]int64{}
		for i := 0; i < 30; i++ {
			m := shapeMatters[rng.Intn(len(shapeMatters))]
			c := int64(rng.Intn(300000) + 1)
			if i%3 == 2 {
				c = -int64(rng.Intn(int(running[m]) + 1))
				if c == 0 {
					c = 1
				}
			}
			running[m] += c
			rows = append(rows, cs.row(m, c, running[m]))
			ms = append(ms, movement{m, c})
		}
		p, outs := run(t, cs.file, cs.header, rows, nil, "")
		if p.kind != "ledger:trust" {
			t.Fatalf("%s: read as %q (%+v)", cs.file, p.kind, p.Columns)
		}
		checkSums(t, cs.file, ledgerSums(t, outs, model.TrustBalances), expected(ms))
	}
}

// TestLedgerShapeNeedsMoreThanAnAmount: a list of dated amounts per matter
// with nothing saying which way they move is not taken for a ledger.
func TestLedgerShapeNeedsMoreThanAnAmount(t *testing.T) {
	p, outs := run(t, "list.csv", []string{"Date", "Matter", "Amount"}, [][]string{{"2024-01-01", "A-7", "10.00"}, {"2024-01-02", "A-7", "20.00"}}, nil, "")
	if strings.HasPrefix(p.kind, "ledger") {
		t.Fatalf("read as %s", p.kind)
	}
	if outs[0].Reject == "" {
		t.Errorf("unknown table's row: %+v", outs[0])
	}
}

// TestInvoiceBalanceColumnWins: a balance that is not amount − paid (a
// write-off the listing does not show) is what is owed, and is flagged.
func TestInvoiceBalanceColumnWins(t *testing.T) {
	_, outs := run(t, "inv.csv", []string{"Invoice", "Matter", "Date", "Total", "Paid", "Outstanding"},
		[][]string{{"1", "A-7", "2024-01-01", "100.00", "40.00", "50.00"}, {"2", "A-7", "2024-01-01", "80.00", "", "80.00"}}, nil, "")
	if l := outs[0].Ledger; l == nil || l.Amount != 5000 || l.Kind != model.LedgerInvoice {
		t.Fatalf("%+v", outs[0])
	}
	if !hasFinding(outs[0], RuleLedgerBalanceDiffers, "50.00") || len(outs[1].Findings) != 0 {
		t.Errorf("findings %+v %+v", outs[0].Findings, outs[1].Findings)
	}
}

func timeParse(iso, layout string) (string, error) {
	tm, err := time.Parse("2006-01-02", iso)
	if err != nil {
		return "", err
	}
	return tm.Format(layout), nil
}

// TestLedgerTypeColumnToldByValuesAndTablesByName: a type column under a
// header nobody listed is read from its values (DEP/WD), and a list of
// dated amounts is invoices or payments as its name says.
func TestLedgerTypeColumnToldByValuesAndTablesByName(t *testing.T) {
	p, outs := run(t, "TRUST.csv", []string{"FECHA", "MATTER_NO", "CLASE", "IMPORTE"}, [][]string{
		{"20250824", "M-5", "DEP", "2313.00"}, {"20251013", "M-5", "WD", "1000.00"}, {"20251014", "M-6", "dep", "50.00"}}, nil, "")
	if p.kind != "ledger:trust" || col(p, "CLASE").Target != "ledger.type" || col(p, "CLASE").Via != ViaValues {
		t.Fatalf("%s %+v", p.kind, p.Columns)
	}
	checkSums(t, "TRUST.csv", ledgerSums(t, outs, model.TrustBalances), map[string]int64{"M-5": 131300, "M-6": 5000})

	rows := [][]string{{"2024-01-02", "A-7", "5001", "100.00"}, {"2024-01-03", "19-0042", "5002", "25.50"}}
	for file, sign := range map[string]int64{"INVOICES.csv": 1, "Zahlungen.csv": -1, "tblPayments.csv": -1, "Facturas.csv": 1} {
		p, outs := run(t, file, []string{"DATE", "MATTER", "INVOICE_NO", "AMOUNT"}, rows, nil, "")
		if p.kind != "ledger:ar" {
			t.Fatalf("%s read as %q", file, p.kind)
		}
		checkSums(t, file, ledgerSums(t, outs, model.ARBalances), map[string]int64{"A-7": sign * 10000, "19-0042": sign * 2550})
	}
	// Named as neither and with nothing else to go by: not guessed.
	if p, _ := run(t, "list.csv", []string{"DATE", "MATTER", "INVOICE_NO", "AMOUNT"}, rows, nil, ""); strings.HasPrefix(p.kind, "ledger:") {
		t.Errorf("unnamed list of positive amounts taken for %s", p.kind)
	}
}

// TestSignedTrustLedgerMemoIsNotItsType: a memo of type words beside signed
// amounts ("Transfer to operating", -200) does not turn the sign around.
func TestSignedTrustLedgerMemoIsNotItsType(t *testing.T) {
	p, outs := run(t, "Trust.csv", []string{"Date", "Dossier", "Montant", "Libellé"}, [][]string{
		{"2024-01-02", "M-1", "1000.00", "Retainer"}, {"2024-01-09", "M-1", "-200.00", "Transfer to operating"},
		{"2024-01-10", "M-2", "300.00", "Retainer"}, {"2024-02-01", "M-2", "-300.00", "Refund"}}, nil, "")
	if p.kind != "ledger:trust" || col(p, "Libellé").Target == "ledger.type" {
		t.Fatalf("%s %+v", p.kind, p.Columns)
	}
	checkSums(t, "Trust.csv", ledgerSums(t, outs, model.TrustBalances), map[string]int64{"M-1": 80000, "M-2": 0})
}

// TestTrustReceiptAndPayment: a trust type column kept as Receipt/Payment
// reads Payment as money paid out; "Payment" with nothing received beside
// it stays a question (rejected with its reason), not a guess.
func TestTrustReceiptAndPayment(t *testing.T) {
	h := []string{"date", "matter", "type", "amount", "memo"}
	_, outs := run(t, "trust.csv", h, [][]string{
		{"06/06/2023", "2023-001", "Receipt", "1212.00", "Retainer"}, {"05/09/2025", "2023-001", "Payment", "548.00", "Transfer to operating"},
		{"05/10/2025", "2023-002", "Receipt", "10.00", ""}}, nil, "")
	checkSums(t, "trust.csv", ledgerSums(t, outs, model.TrustBalances), map[string]int64{"2023-001": 66400, "2023-002": 1000})
	_, outs = run(t, "trust.csv", h, [][]string{{"06/06/2023", "2023-001", "Payment", "1212.00", ""}, {"06/07/2023", "2023-001", "Withdrawal", "12.00", ""}}, nil, "")
	if outs[0].Reject == "" || !strings.Contains(outs[0].Reject, "Payment") {
		t.Errorf("a lone trust Payment was guessed: %+v", outs[0])
	}
}

// FuzzLedgerAndPartyShapes: the shapes read from columns (invoice listing,
// payment list, trust in/out, party list) never panic, whatever the cells,
// and give each row exactly one outcome.
func FuzzLedgerAndPartyShapes(f *testing.F) {
	f.Add(uint8(0), "1001", "2024-017", "01.02.2024", "1.234,50")
	f.Add(uint8(1), "", "A-7", "13/13/2024", "(12.00)")
	f.Add(uint8(2), "x", "", "", "-")
	f.Add(uint8(3), "Bob Stone", "2024-017", "bob@x", "Opposing Counsel")
	headers := [][]string{
		{"Invoice No", "Matter", "Date", "Amount", "Paid", "Balance"},
		{"Payment Date", "Matter", "Method", "Amount"},
		{"Date", "File No", "Deposit", "Withdrawal", "Balance"},
		{"Party", "Matter", "Email", "Role"},
		{"Date", "Matter", "Dr/Cr", "Amount"},
		{"Date", "Matter", "Type", "Amount"}, // typed: A/R or trust by its flow (ledgerflow.go)
	}
	f.Fuzz(func(t *testing.T, which uint8, a, b, c, d string) {
		h := headers[int(which)%len(headers)]
		rows := [][]string{{a, b, c, d, a, b}, {d, c, b, a}, {b}, nil}
		p, err := Choose("ledger.csv", "", h, rows, nil, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			p.Observe(r)
		}
		p.Finish()
		for _, r := range rows {
			o := p.Map(r)
			if outcomeKinds(o) != 1 {
				t.Fatalf("row %q: %+v", r, o)
			}
			if o.Ledger != nil && o.Ledger.Amount < 0 {
				t.Fatalf("negative ledger amount %+v", o.Ledger)
			}
		}
	})
}

// TestSignThatRepeatsTheType: withdrawals written negative under a type
// column that already says Withdrawal are still withdrawals; where the
// sign does not follow the type, a negative amount reverses it as before.
func TestSignThatRepeatsTheType(t *testing.T) {
	h := []string{"Date", "Matter", "Type", "Amount"}
	_, outs := run(t, "trust.csv", h, [][]string{
		{"2024-01-02", "M-1", "Deposit", "500.00"}, {"2024-01-03", "M-1", "Withdrawal", "-200.00"}, {"2024-01-04", "M-1", "Withdrawal", "-50.00"}}, nil, "trust-ledger")
	checkSums(t, "signed and typed", ledgerSums(t, outs, model.TrustBalances), map[string]int64{"M-1": 25000})
	_, outs = run(t, "trust.csv", h, [][]string{
		{"2024-01-02", "M-1", "Deposit", "500.00"}, {"2024-01-03", "M-1", "Withdrawal", "200.00"}, {"2024-01-04", "M-1", "Deposit", "-100.00"}}, nil, "trust-ledger")
	checkSums(t, "a reversed deposit", ledgerSums(t, outs, model.TrustBalances), map[string]int64{"M-1": 20000})
}

// A pre-pass that reads a database's tables together knows what a table's
// names cannot say: a list of dated amounts per matter whose invoice-number
// column points into another A/R table's invoice numbers records what was
// paid against those invoices. Its rows lower the balance, whatever the
// table and its amount column are called.
func TestLedgerRowsAgainstAnotherTablesInvoicesArePayments(t *testing.T) {
	h := []string{"WHEN", "FILE_NO", "BILL_REF", "SUMA"}
	rows := [][]string{{"2025-02-01", "1002", "B-17", "250.00"}, {"2025-03-04", "1002", "B-18", "90.10"}, {"2025-03-09", "1005", "B-21", "12.00"}}
	hint := func(billLinked bool) Hints {
		hs := Hints{Kind: "ledger:ar", Columns: map[string]ColumnHint{
			"FILE_NO":  {Target: "matter", Link: &Link{Column: "FILE_NO", Parent: "CASES", ParentOf: "matters", Key: "FILE_NO", Found: 1}},
			"BILL_REF": {Target: "ledger.reference"},
			"SUMA":     {Target: "ledger.amount"},
			"WHEN":     {Target: "ledger.date"},
		}}
		if billLinked {
			c := hs.Columns["BILL_REF"]
			c.Link = &Link{Column: "BILL_REF", Parent: "BILLS", ParentOf: "ledger:ar", Key: "BILL_REF", Found: 1}
			hs.Columns["BILL_REF"] = c
		}
		return hs
	}
	for _, linked := range []bool{true, false} {
		p, err := ChooseWithHints("LEDGER2.DBF", "LEDGER2", h, rows, nil, "", hint(linked))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			p.Observe(r)
		}
		p.Finish()
		o := p.Map(rows[0])
		if o.Ledger == nil {
			t.Fatalf("linked=%v: %+v (plan %s/%s)", linked, o, p.kind, p.Ledger)
		}
		want := model.LedgerInvoice
		if linked {
			want = model.LedgerPayment
		}
		if o.Ledger.Kind != want || o.Ledger.Amount != 25000 {
			t.Errorf("bill reference linked to another A/R table = %v: ledger %+v, want kind %s", linked, o.Ledger, want)
		}
	}
}
