package ingest

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"handover/core/model"
	"handover/importers/mapping"
)

// ledgerFolder writes a folder of CSVs: six matters, an invoice listing of
// twelve bills (invoice i on matter i%6+1, amount 100·i + 0.50) under the
// headers given, and one more file.
func ledgerFolder(t *testing.T, name, more string) string {
	dir := t.TempDir()
	var matters, bills strings.Builder
	matters.WriteString("File No;Client;Subject;Opened\r\n")
	for i := 1; i <= 6; i++ {
		fmt.Fprintf(&matters, "F/%02d;Client %c;Subject %d;03.01.2024\r\n", i, 'A'+i, i)
	}
	bills.WriteString("Bill Ref;File No;Billed On;Bill Total\r\n")
	for i := 1; i <= 12; i++ {
		fmt.Fprintf(&bills, "B%03d;F/%02d;%02d.02.2024;%d,50\r\n", 700+i, i%6+1, i, 100*i)
	}
	write(t, filepath.Join(dir, "files.csv"), []byte(matters.String()))
	write(t, filepath.Join(dir, "bills.csv"), []byte(bills.String()))
	write(t, filepath.Join(dir, name), []byte(more))
	return dir
}

// ledgerOf lists the ledger lines staged from file, and its rejected rows.
func ledgerOf(s staged, file string) (lines []*model.LedgerLine, excluded int, rejected []string) {
	for _, o := range s.left {
		if !strings.EqualFold(filepath.Base(o.Source), file) {
			continue
		}
		switch {
		case o.Outcome == "rejected":
			rejected = append(rejected, o.Reason)
		case o.Ledger != nil:
			lines = append(lines, o.Ledger)
		default:
			excluded++
		}
	}
	return lines, excluded, rejected
}

// A receipts list that names only the bill each amount settles — no file,
// no client — is the payments of those bills, each on the bill's matter as
// the listing gives it: none rejected, none lost from its matter's balance.
func TestPaymentsNamingOnlyTheInvoiceTakeItsMatter(t *testing.T) {
	var b strings.Builder
	b.WriteString("Receipt Date;Bill Ref;Sum\r\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&b, "%02d.03.2024;B%03d;%d,00\r\n", i, 700+i, 40*i)
	}
	s := ingestDB(t, ledgerFolder(t, "cash.csv", b.String()))
	lines, _, rejected := ledgerOf(s, "cash.csv")
	if len(rejected) > 0 || len(lines) != 9 {
		t.Fatalf("cash.csv: %d lines, rejected %v; want 9 payments", len(lines), rejected)
	}
	for i, l := range lines {
		want := fmt.Sprintf("F/%02d", (i+1)%6+1)
		if l.Kind != model.LedgerPayment || l.Matter.Value != want || !s.found("matter", l.Matter) {
			t.Errorf("payment %d: %s on %v, want a payment on %s (its bill's matter)", i+1, l.Kind, l.Matter, want)
		}
	}
}

// An invoice's lines — hours, a rate and their product, several lines to a
// bill, or undated amounts adding up to each bill — were billed, not paid:
// each row is accounting history with its reason and moves no balance.
func TestInvoiceLinesMoveNoBalance(t *testing.T) {
	var timed, flat strings.Builder
	timed.WriteString("Item;Bill Ref;Narrative;Hrs;Price;Ext\r\n")
	flat.WriteString("Bill Ref;Text;Value\r\n")
	item := 0
	for i := 1; i <= 12; i++ {
		// 100·i + 0.50 as hours × rate and a last line for the rest
		hours := float64(i%4+1) / 2
		rest := float64(100*i) + 0.5 - hours*20
		item++
		fmt.Fprintf(&timed, "%d;B%03d;Drafting;%s;20,00;%s\r\n", item, 700+i, comma(hours), comma(hours*20))
		item++
		fmt.Fprintf(&timed, "%d;B%03d;Fixed fee;;;%s\r\n", item, 700+i, comma(rest))
		fmt.Fprintf(&flat, "B%03d;Services;%s\r\nB%03d;Court fee;0,50\r\n", 700+i, comma(float64(100*i)), 700+i)
	}
	for name, file := range map[string]string{"detail.csv": timed.String(), "items.csv": flat.String()} {
		t.Run(name, func(t *testing.T) {
			s := ingestDB(t, ledgerFolder(t, name, file))
			lines, excluded, rejected := ledgerOf(s, name)
			if len(lines) > 0 || len(rejected) > 0 || excluded != 24 {
				t.Fatalf("%s: %d ledger lines, %d rejected, %d excluded; want its 24 rows excluded, no ledger line", name, len(lines), len(rejected), excluded)
			}
			bills, _, _ := ledgerOf(s, "bills.csv")
			if len(bills) != 12 {
				t.Errorf("bills.csv: %d lines, want 12 invoices", len(bills))
			}
		})
	}
}

func comma(f float64) string { return strings.Replace(fmt.Sprintf("%.2f", f), ".", ",", 1) }

// A payment list naming the bill it settles, with a type column in words no
// dictionary holds (the first word of each bill money received, the other
// money given back): receivables — the payments lower, the refunds raise
// the bill's matter's balance — not a trust account's money in and out,
// however its money flows.
func TestTypedPaymentsWithRefundsAreReceivables(t *testing.T) {
	var b strings.Builder
	b.WriteString("Booked;File No;Bill Ref;Kind;Sum\r\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&b, "%02d.03.2024;F/%02d;B%03d;Eingang;%d,00\r\n", i, i%6+1, 700+i, 40*i+10)
		if i%3 == 0 {
			fmt.Fprintf(&b, "%02d.04.2024;F/%02d;B%03d;Rückgabe;10,00\r\n", i, i%6+1, 700+i)
		}
	}
	s := ingestDB(t, ledgerFolder(t, "booked.csv", b.String()))
	lines, _, rejected := ledgerOf(s, "booked.csv")
	kinds := map[model.LedgerKind]int{}
	for _, l := range lines {
		kinds[l.Kind]++
	}
	if len(rejected) > 0 || kinds[model.LedgerPayment] != 9 || kinds[model.LedgerInvoice] != 3 || len(lines) != 12 {
		t.Fatalf("booked.csv: lines %v, rejected %v; want 9 payments and 3 refunds (raising the receivable)", kinds, rejected)
	}
}

// Payments of a matter's bills followed by smaller refunds (PMT, RFND) flow
// as a trust account does: each matter opens with money in and never pays
// out more than it took in. Beside a trust account of the firm's own and a
// list of bills, they are the bills' payments and refunds, each on its
// matter; alone, without a trust account beside them, they are read by
// their flow as before — and either way the table says which.
func TestPaymentsAndRefundsBesideATrustAccount(t *testing.T) {
	var pay strings.Builder
	pay.WriteString("Date;File No;Transaction Type;Amount\r\n")
	for i := 1; i <= 6; i++ {
		fmt.Fprintf(&pay, "%02d.03.2024;F/%02d;PMT;%d,00\r\n", i, i, 150*i)
		if i%2 == 0 {
			fmt.Fprintf(&pay, "%02d.04.2024;F/%02d;RFND;%d,00\r\n", i, i, 10*i)
		}
	}
	trust := "Date;Client;Deposit;Withdrawal;Memo\r\n02.01.2024;Client B;500,00;;Retainer\r\n05.02.2024;Client B;;200,00;Transfer to fees\r\n03.01.2024;Client C;900,00;;Retainer\r\n"
	for _, beside := range []bool{true, false} {
		dir := ledgerFolder(t, "payments.csv", pay.String())
		if beside {
			write(t, filepath.Join(dir, "client_trust.csv"), []byte(trust))
		}
		s := ingestDB(t, dir)
		lines, _, rejected := ledgerOf(s, "payments.csv")
		if len(rejected) > 0 || len(lines) != 9 {
			t.Fatalf("beside a trust account %v: %d lines, rejected %v; want 9", beside, len(lines), rejected)
		}
		for _, l := range lines {
			want := map[bool]map[model.LedgerKind]bool{
				true:  {model.LedgerPayment: true, model.LedgerInvoice: true},
				false: {model.LedgerTrustDeposit: true, model.LedgerTrustWithdrawal: true},
			}[beside]
			if !want[l.Kind] || !s.found("matter", l.Matter) {
				t.Errorf("beside a trust account %v: a %s on %v", beside, l.Kind, l.Matter)
			}
			if beside && (l.Kind == model.LedgerInvoice) != (max(l.Amount, -l.Amount) < 10000) { // refunds are the small sums
				t.Errorf("a refund read as %s: %+v", l.Kind, l)
			}
		}
		if w := s.warned("payments.csv", mapping.RuleLedgerTrustByFlow); w == "" {
			t.Errorf("beside a trust account %v: the table does not say how it was read", beside)
		}
	}
}

// Payments naming only the invoice, beside an invoice listing that names
// each matter by number and description ("1003: Oakline Farms - Lease"):
// the listing is typed only once that link is found, after the payments
// were looked at; they are the invoices' payments all the same, each on its
// invoice's matter, not an untyped table whose every row is rejected. The
// invoices' lines, undated, are billed history likewise.
func TestPaymentsOfInvoicesTypedLate(t *testing.T) {
	dir := t.TempDir()
	var matters, invoices, payments strings.Builder
	matters.WriteString("MTR_NO,CLIENT,DESCRIPTION,OPENED\r\n")
	invoices.WriteString("INV_NO,MTR,TRAN_DT,AMT\r\n")
	payments.WriteString("TRAN_DT,INV_NO,AMT\r\n")
	for i := 1; i <= 8; i++ {
		fmt.Fprintf(&matters, "%d,Client %c,Subject %d,2024-01-%02d\r\n", 1000+i, 'A'+i, i, i)
		fmt.Fprintf(&invoices, "%d,%d: Client %c - Subject %d,2024-02-%02d,%d.50\r\n", 5944+i, 1000+i, 'A'+i, i, i, 300*i)
		if i%4 != 0 {
			fmt.Fprintf(&payments, "2024-03-%02d,%d,%d.00\r\n", i, 5944+i, 100*i)
		}
	}
	write(t, filepath.Join(dir, "MATTERS.csv"), []byte(matters.String()))
	write(t, filepath.Join(dir, "INVOICES.csv"), []byte(invoices.String()))
	write(t, filepath.Join(dir, "PAYMENTS.csv"), []byte(payments.String()))
	// and the invoices' lines, undated, two to an invoice, adding up to it
	var detail strings.Builder
	detail.WriteString("UNITS,INV_NO,PRC,AMT,WRK_DSC\r\n")
	for i := 1; i <= 8; i++ {
		fmt.Fprintf(&detail, "%d,%d,250.00,%d.00,Drafting\r\n%d,%d,250.00,%d.50,Court\r\n", i, 5944+i, 100*i, i+1, 5944+i, 200*i)
	}
	write(t, filepath.Join(dir, "INVOICE_DETAIL.csv"), []byte(detail.String()))
	s := ingestDB(t, dir)
	if billed, excluded, rejected := ledgerOf(s, "INVOICE_DETAIL.csv"); len(billed) > 0 || excluded != 16 || len(rejected) > 0 {
		t.Errorf("INVOICE_DETAIL.csv: %d ledger lines, %d excluded, rejected %v; want its 16 lines excluded as billed history", len(billed), excluded, rejected)
	}
	lines, _, rejected := ledgerOf(s, "PAYMENTS.csv")
	if len(rejected) > 0 || len(lines) != 6 {
		t.Fatalf("PAYMENTS.csv: %d lines, rejected %v; want 6 payments", len(lines), rejected)
	}
	for _, l := range lines {
		if l.Kind != model.LedgerPayment || !s.found("matter", l.Matter) {
			t.Errorf("a %s on %v, want a payment on its invoice's matter", l.Kind, l.Matter)
		}
	}
}

// A matters list with a row id beside the number the firm writes (MTR_ID 1
// beside MTR_NO 1001), whose other files name each matter by number and
// description ("1001 - Custody"): the number they name is the matter's, the
// row id is only its id. Read the other way round, every time entry and
// balance pointed at a matter that was not there.
func TestMatterNumberIsTheOneTheOthersName(t *testing.T) {
	dir := t.TempDir()
	var matters, times strings.Builder
	matters.WriteString("MTR_ID,MTR_NO,CLNT_NM,MTR_DSC,OPN_DT\r\n")
	times.WriteString("ENTRY_NO,TRAN_DT,MTR,TK_INIT,UNITS,RT,WRK_DSC\r\n")
	subjects := []string{"Custody", "Divorce", "Lease dispute", "Probate", "Harassment claim", "Share purchase"}
	for i := 1; i <= 12; i++ {
		fmt.Fprintf(&matters, "%d,%d,Client %c Example,%s,2024-01-%02d\r\n", i, 1000+i, 'A'+i, subjects[i%6], i)
	}
	for i := 1; i <= 30; i++ {
		m := i%12 + 1
		fmt.Fprintf(&times, "%d,2024-03-%02d,%d - %s,AB,%d,250.00,Drafting\r\n", 500+i, i%28+1, 1000+m, subjects[m%6], i%5+1)
	}
	write(t, filepath.Join(dir, "MATTERS.csv"), []byte(matters.String()))
	write(t, filepath.Join(dir, "TIME_ENTRIES.csv"), []byte(times.String()))
	s := ingestDB(t, dir)
	if len(s.matters) != 12 {
		t.Fatalf("%d matters, want 12", len(s.matters))
	}
	for _, m := range s.matters {
		if !strings.HasPrefix(m.DisplayNumber, "10") {
			t.Errorf("matter numbered %q, want the 10xx the others name", m.DisplayNumber)
		}
	}
	if len(s.times) != 30 {
		t.Fatalf("%d time entries, want 30", len(s.times))
	}
	for _, e := range s.times {
		if !s.found("matter", e.Matter) {
			t.Errorf("time entry on %v: no such matter", e.Matter)
		}
	}
}

// A database whose payments (Zahlung, then a smaller Erstattung, per matter)
// sit beside its trust ledger and its invoices, under a type column whose
// header only the trust reading knows ("art"): read as the invoices'
// payments and refunds, the type column kept, every refund raising its
// matter's balance — not every row a payment, nor every row rejected.
func TestPaymentsBesideTrustKeepTheirTypeColumn(t *testing.T) {
	q := []string{
		`CREATE TABLE clients(client_id INTEGER PRIMARY KEY, first_name TEXT, last_name TEXT, email TEXT)`,
		`CREATE TABLE matters(matter_id INTEGER PRIMARY KEY, matter_no TEXT UNIQUE, client_id INTEGER REFERENCES clients(client_id), description TEXT)`,
		`CREATE TABLE invoices(invoice_no TEXT PRIMARY KEY, matter_id INTEGER REFERENCES matters(matter_id), datum TEXT, betrag NUMERIC)`,
		`CREATE TABLE payments(datum TEXT, matter_id INTEGER REFERENCES matters(matter_id), art TEXT, betrag NUMERIC)`,
		`CREATE TABLE trust(datum TEXT, matter_id INTEGER REFERENCES matters(matter_id), art TEXT, betrag NUMERIC, buchungstext TEXT)`,
	}
	for i := 1; i <= 12; i++ {
		q = append(q,
			fmt.Sprintf(`INSERT INTO clients VALUES(%d, 'Ana%c', 'Ruiz%c', 'ana%d@example.com')`, i, 'a'+i, 'a'+i, i),
			fmt.Sprintf(`INSERT INTO matters VALUES(%d, '2024/%04d', %d, 'Matter %d')`, i, i, i, i),
			fmt.Sprintf(`INSERT INTO invoices VALUES('%d', %d, '2024-02-%02d', %d.0)`, 5100+i, i, i, 500+10*i),
			fmt.Sprintf(`INSERT INTO payments VALUES('2024-03-%02d', %d, 'Zahlung', %d.0)`, i, i, 200+10*i))
		if i%3 == 0 {
			q = append(q, fmt.Sprintf(`INSERT INTO payments VALUES('2024-04-%02d', %d, 'Erstattung', %d.0)`, i, i, 20+i))
		}
		if i%2 == 0 {
			q = append(q, fmt.Sprintf(`INSERT INTO trust VALUES('2024-01-%02d', %d, 'Einzahlung', 2000.0, 'Retainer')`, i, i),
				fmt.Sprintf(`INSERT INTO trust VALUES('2024-05-%02d', %d, 'Auszahlung', 300.0, 'Transfer')`, i, i))
		}
	}
	s := ingestDB(t, sqliteFile(t, "casebase.sqlite", q))
	var pay, back, other int
	for _, o := range s.left {
		if o.Ledger == nil || o.Locator != "payments" {
			continue
		}
		switch o.Ledger.Kind {
		case model.LedgerPayment:
			pay++
		case model.LedgerInvoice:
			back++
		default:
			other++
		}
	}
	if pay != 12 || back != 4 || other != 0 {
		t.Errorf("payments read as %d payments, %d refunds, %d other; want 12, 4, 0", pay, back, other)
	}
}

// A short parties list whose matter numbers happen to be all different
// (so its matter column looks like a key), two of whose firms are also
// the employers named in the clients table: it hangs on the matters all
// the same — the related contacts of those matters, not more contacts.
func TestPartiesListNamedAsAnEmployerStillHangsOnItsMatters(t *testing.T) {
	q := []string{
		`CREATE TABLE tblClients(ClientID INTEGER PRIMARY KEY, FirstName TEXT, LastName TEXT, Company TEXT, Email TEXT, Phone TEXT)`,
		`CREATE TABLE tblMatters(MatterID INTEGER PRIMARY KEY, MatterNo TEXT UNIQUE, ClientID INTEGER, Description TEXT, PracticeArea TEXT, Status TEXT)`,
		`CREATE TABLE tblParties(MatterID INTEGER, Name TEXT, Role TEXT, Fax TEXT, Email TEXT, UserField1 TEXT, OldRef TEXT, Remarks TEXT)`,
	}
	firms := []string{"Willow Partners", "Harbor Dental Group"}
	first := []string{"Ana", "Ben", "Cara", "Dev", "Eli", "Fay"}
	last := []string{"Ruiz", "Okafor", "Mendes", "Patel", "Stone"}
	subjects := []string{"DUI defence", "Contract dispute", "Prenuptial agreement"}
	areas := []string{"Criminal", "Litigation", "Family", "Probate"}
	for i := 1; i <= 30; i++ {
		company := ""
		if i <= 2 {
			company = firms[i-1]
		}
		q = append(q,
			fmt.Sprintf(`INSERT INTO tblClients VALUES(%d, '%s', '%s%d', '%s', 'c%d@example.com', '(212) 555-%04d')`, i, first[i%6], last[i%5], i, company, i, i),
			fmt.Sprintf(`INSERT INTO tblMatters VALUES(%d, '202%d-%03d', %d, '%s', '%s', 'Open')`, i, i%4, i, i, subjects[i%3], areas[i%4]))
	}
	roles := []string{"Witness", "Expert", "Opposing Party"}
	for i, p := range []string{"Uwe Lefevre", "Willow Partners", "Harbor Dental Group", "Elodie Becker", "Noah Becker", "Ivy Stone", "Max Ford", "Lia Chen", "Omar Haddad"} {
		q = append(q, fmt.Sprintf(`INSERT INTO tblParties VALUES(%d, '%s', '%s', '', 'p%d@mail.example', '', 'R%05d', '')`, 3*i+1, p, roles[i%3], i, 37*i))
	}
	s := ingestDB(t, sqliteFile(t, "Office.db", q))
	if len(s.parties) != 9 {
		t.Fatalf("%d related contacts from tblParties, want 9", len(s.parties))
	}
	for _, r := range s.parties {
		if !s.found("matter", r.Matter) {
			t.Errorf("related contact on %v: no such matter", r.Matter)
		}
	}
}

// A small firm's time sheet whose money column (RT) holds six lawyers'
// hourly rates, each on several rows, written with their currency: the
// price of each entry, not its total — read as the total, every entry's
// price came out as nothing.
func TestRepeatedMoneyBesideHoursIsTheRate(t *testing.T) {
	dir := t.TempDir()
	var matters, times strings.Builder
	matters.WriteString("MTR,CLIENT,DESCRIPTION,OPENED\r\n")
	times.WriteString("ENTRY_NO,TRAN_DT,MTR,TK_INIT,UNITS,RT,WRK_DSC\r\n")
	for i := 1; i <= 6; i++ {
		fmt.Fprintf(&matters, "M-%d,Client %c,Subject %d,2024-01-%02d\r\n", i, 'A'+i, i, i)
	}
	rates := []int{200, 325, 250, 350, 275, 300}
	for i := 1; i <= 25; i++ {
		fmt.Fprintf(&times, "%d,2024-03-%02d,M-%d,Lawyer %d,%d,\"%d,00 CHF\",Drafting\r\n", i, i, i%6+1, i%6, i%13+1, rates[i%6])
	}
	write(t, filepath.Join(dir, "MATTERS.csv"), []byte(matters.String()))
	write(t, filepath.Join(dir, "TIME_ENTRIES.csv"), []byte(times.String()))
	s := ingestDB(t, dir)
	if len(s.times) != 25 {
		t.Fatalf("%d time entries, want 25", len(s.times))
	}
	for _, e := range s.times {
		if e.Price < 20000 || e.Price > 35000 || e.Price%2500 != 0 {
			t.Errorf("time entry priced %d cents, want one of the hourly rates", e.Price)
		}
	}
}

// sqliteFile writes a database named name, made by the statements q, in a
// folder of its own, and returns its path.
func sqliteFile(t *testing.T, name string, q []string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range q {
		if _, err := db.Exec(s); err != nil {
			t.Fatal(s, err)
		}
	}
	return path
}
