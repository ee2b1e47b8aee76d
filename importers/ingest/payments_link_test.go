package ingest

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"handover/core/model"
	"handover/importers/relational/reltest"
	"handover/internal/synth"
)

// paymentLines counts the ledger lines staged from file by kind, and the
// file's rejected rows.
func paymentLines(s staged, file string) (kinds map[model.LedgerKind]int, rejected []string) {
	kinds = map[model.LedgerKind]int{}
	for _, o := range s.left {
		if !strings.EqualFold(filepath.Base(o.Source), file) {
			continue
		}
		switch {
		case o.Outcome == "rejected":
			rejected = append(rejected, o.Reason)
		case o.Ledger != nil:
			kinds[o.Ledger.Kind]++
		}
	}
	return kinds, rejected
}

// flatInvoicesAndPayments writes a folder of CSVs: matters, an invoice
// listing, and a second table of dated amounts with no type column whose
// "Inv#" column names invoices (of the listing when linked, else numbers
// the listing does not have), with a remarks column saying "Check" on two
// rows of twelve.
func flatInvoicesAndPayments(t *testing.T, name string, linked bool) string {
	dir := t.TempDir()
	var matters, invoices, receipts strings.Builder
	matters.WriteString("Matter Number,Client Name,Description,Opened\r\n")
	for i := 1; i <= 6; i++ {
		fmt.Fprintf(&matters, "%s,Client %c,Matter %d,2024-01-%02d\r\n", reltest.MatterNo(i), 'A'+i, i, i)
	}
	invoices.WriteString("Invoice No,Matter,Invoice Date,Amount\r\n")
	for i := 1; i <= 12; i++ {
		fmt.Fprintf(&invoices, "INV-%04d,%s,2024-02-%02d,%d.50\r\n", 1000+i, reltest.MatterNo(i%6+1), i, 100*i)
	}
	receipts.WriteString("Ref,Inv#,Matter,Date,Amount,Remarks\r\n")
	for i := 1; i <= 12; i++ {
		inv := 1000 + i
		if !linked {
			inv += 5000
		}
		note := ""
		if i%5 == 0 {
			note = "Check"
		}
		fmt.Fprintf(&receipts, "R%03d,INV-%04d,%s,2024-03-%02d,%d.00,%s\r\n", 40+i, inv, reltest.MatterNo(i%6+1), i, 50*i, note)
	}
	write(t, filepath.Join(dir, "matters.csv"), []byte(matters.String()))
	write(t, filepath.Join(dir, "invoices.csv"), []byte(invoices.String()))
	write(t, filepath.Join(dir, name), []byte(receipts.String()))
	return dir
}

// A table of dated amounts with no type column whose invoice-number column
// is found among an invoice listing's numbers lists what was paid against
// those invoices: every row a payment, whatever the file is called — not a
// row rejected for lacking a type, nor an invoice counted twice.
func TestUntypedLedgerLinkedToInvoicesIsPayments(t *testing.T) {
	for _, name := range []string{"Receipts.csv", "Sheet2.csv"} {
		t.Run(name, func(t *testing.T) {
			s := ingestDB(t, flatInvoicesAndPayments(t, name, true))
			kinds, rejected := paymentLines(s, name)
			if len(rejected) > 0 || kinds[model.LedgerPayment] != 12 {
				t.Fatalf("%s: lines %v, rejected %v; want 12 payments", name, kinds, rejected)
			}
			if inv, _ := paymentLines(s, "invoices.csv"); inv[model.LedgerInvoice] != 12 {
				t.Errorf("invoices.csv: lines %v, want 12 invoices", inv)
			}
		})
	}
}

// The same table linked to nothing: its values cannot say invoice or
// payment, and the remarks column's two "Check"s read as a type leave the
// other rows without one — rejected with that reason, not guessed.
func TestUntypedLedgerLinkedToNothingIsNotPayments(t *testing.T) {
	s := ingestDB(t, flatInvoicesAndPayments(t, "Sheet2.csv", false))
	kinds, rejected := paymentLines(s, "Sheet2.csv")
	if kinds[model.LedgerPayment] > 2 || len(rejected) < 10 {
		t.Fatalf("lines %v, rejected %d; want the untyped rows rejected", kinds, len(rejected))
	}
	for _, r := range rejected {
		if !strings.Contains(r, "no type") {
			t.Errorf("rejected for %q, want the missing type named", r)
		}
	}
}

// A FoxPro folder: INVOICE lists the invoices, RCPTS (no type column, its
// case beside, "check" in its remarks on two rows of nine) names them by
// INVNO — its rows are the payments of those invoices.
func TestDBFPaymentsByInvoiceLink(t *testing.T) {
	dir := t.TempDir()
	var cases, invs, rcpts [][]string
	for i := 1; i <= 6; i++ {
		cases = append(cases, []string{fmt.Sprintf("C-%03d", 100+i), fmt.Sprintf("Case about item %d", i), fmt.Sprintf("202301%02d", i)})
	}
	for i := 1; i <= 12; i++ {
		invs = append(invs, []string{fmt.Sprint(7000 + i), fmt.Sprintf("C-%03d", 100+(i%6+1)), fmt.Sprintf("202402%02d", i), fmt.Sprintf("%d.50", 100*i)})
	}
	for i := 1; i <= 9; i++ {
		remark := ""
		if i%4 == 0 {
			remark = "check"
		}
		rcpts = append(rcpts, []string{fmt.Sprint(7000 + i), fmt.Sprintf("C-%03d", 100+(i%6+1)), fmt.Sprintf("202403%02d", i), fmt.Sprintf("%d.00", 40*i), remark})
	}
	dbfTable(t, dir, "CASES", []synth.DBFField{{Name: "CASENO", Type: 'C', Length: 8}, {Name: "DESCR", Type: 'C', Length: 40}, {Name: "OPENED", Type: 'D', Length: 8}}, cases)
	dbfTable(t, dir, "INVOICE", []synth.DBFField{{Name: "INVNO", Type: 'N', Length: 6}, {Name: "CASENO", Type: 'C', Length: 8},
		{Name: "INVDATE", Type: 'D', Length: 8}, {Name: "AMOUNT", Type: 'N', Length: 10, Dec: 2}}, invs)
	dbfTable(t, dir, "RCPTS", []synth.DBFField{{Name: "INVNO", Type: 'N', Length: 6}, {Name: "CASENO", Type: 'C', Length: 8}, {Name: "RCVD", Type: 'D', Length: 8},
		{Name: "AMOUNT", Type: 'N', Length: 10, Dec: 2}, {Name: "REMARKS", Type: 'C', Length: 20}}, rcpts)
	s := ingestDB(t, dir)
	kinds, rejected := paymentLines(s, "RCPTS.DBF")
	if len(rejected) > 0 || kinds[model.LedgerPayment] != 9 {
		t.Fatalf("RCPTS: lines %v, rejected %v; want 9 payments", kinds, rejected)
	}
	if inv, _ := paymentLines(s, "INVOICE.DBF"); inv[model.LedgerInvoice] != 12 {
		t.Errorf("INVOICE: lines %v, want 12 invoices", inv)
	}
}
