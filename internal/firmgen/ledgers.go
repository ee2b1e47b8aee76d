package firmgen

import (
	"fmt"
	"math/rand/v2"
)

// Ledgers are shapes a firm's receivables history takes beyond an invoice
// listing and a payments list naming the matter and the invoice:
//
//   - payments that name only the invoice they settle (the matter is the
//     invoice's, in the invoice listing): cash-receipts exports of billing
//     systems keyed by invoice (PCLaw, Tabs3, QuickBooks "Receive Payments");
//   - payments with a type column — payments, and refunds of overpayments —
//     sometimes naming only the matter, no invoice (a client ledger's
//     receipts filtered out of it);
//   - an invoice-lines table, several lines per invoice (what was billed:
//     a description, hours or quantity, a rate, the line's amount) linked
//     by the invoice number: billed history, which moves no balance.
//
// Held-out firms draw them (Spec.Widened) from a stream of their own, so the
// rest of a firm stays as it was; the corpus's eight draw none.
type Ledgers struct {
	// PayBy is what a separate payments list names: "" the matter and the
	// invoice (as before), "invoice" the invoice alone, "matter" the matter
	// alone (typed payments only).
	PayBy string
	// PayTyped: the payments list has a type column; PayWords are its
	// payment and refund words, TypeConcept its header.
	PayTyped    bool
	PayWords    [2]string
	TypeConcept string
	// Lines: an invoice-lines table named LinesBase, its columns
	// LineConcepts in the order written.
	Lines        bool
	LinesBase    string
	LineConcepts []string
}

// drawLedgers draws a widened firm's ledger shapes. Payment shapes need a
// separate payments list (Style.AR "payments"); lines go with any listing.
func drawLedgers(r *rand.Rand, st Style) Ledgers {
	var l Ledgers
	if st.AR == "payments" {
		switch r.IntN(3) {
		case 0:
			l.PayBy = "invoice"
		}
		l.PayTyped = r.IntN(5) < 2
		if l.PayTyped {
			l.PayWords = pick(r, [][2]string{{"Payment", "Refund"}, {"PMT", "RFND"}, {"Receipt", "Refund"}, {"Pmt", "Refund"}, {"Payment received", "Refund issued"}})
			if w, ok := payWords[st.Lang]; ok && r.IntN(2) == 0 {
				l.PayWords = w
			}
			l.TypeConcept = pick(r, []string{"type", "pay_type", "trans_type", "entry_type"})
			if l.PayBy == "" && r.IntN(2) == 0 {
				l.PayBy = "matter"
			}
		}
	}
	l.Lines = r.IntN(4) == 0
	l.LinesBase = pick(r, []string{"invoice_lines", "bill_items", "line_items", "invoice_detail"})
	desc := pick(r, []string{"narrative", "item", "details", "work"})
	qty := st.durationConcept()
	if qty == "hours" {
		qty = pick(r, []string{"hours", "qty", "quantity"})
	}
	rate := pick(r, []string{"rate", "price", "unit_price"})
	amount := pick(r, []string{"amount", "line_total", "total", "ext_amount"})
	cols := []string{desc, qty, rate, amount}
	r.Shuffle(len(cols), func(i, j int) { cols[i], cols[j] = cols[j], cols[i] })
	// the invoice number first or second, a line number or date now and then
	at := r.IntN(2)
	cols = append(cols[:at], append([]string{"invoice_no"}, cols[at:]...)...)
	if r.IntN(3) == 0 {
		cols = append([]string{"line_no"}, cols...)
	}
	if r.IntN(3) == 0 {
		cols = append(cols, "date")
	}
	l.LineConcepts = cols
	return l
}

func (l Ledgers) describe(m map[string]string) {
	m["payments_by"] = l.PayBy
	m["payments_typed"] = fmt.Sprint(l.PayTyped)
	if l.PayTyped {
		m["payment_words"] = l.PayWords[0] + "/" + l.PayWords[1]
	}
	m["invoice_lines"] = fmt.Sprint(l.Lines)
}

var payWords = map[string][2]string{
	"fr": {"Paiement", "Remboursement"},
	"es": {"Pago", "Reembolso"},
	"de": {"Zahlung", "Erstattung"},
}

// ledgerConcepts are the header words of the concepts only these shapes
// write, and their abbreviations.
var ledgerConcepts = map[string][]string{
	"pay_type": {"payment", "type"}, "trans_type": {"transaction", "type"}, "entry_type": {"entry", "type"},
	"narrative": {"narrative"}, "item": {"item"}, "details": {"details"}, "qty": {"qty"}, "quantity": {"quantity"},
	"price": {"price"}, "unit_price": {"unit", "price"}, "line_total": {"line", "total"}, "total": {"total"},
	"ext_amount": {"ext", "amount"}, "line_no": {"line", "no"},
}

var ledgerAbbreviations = map[string]string{
	"pay_type": "PMT_TYP", "trans_type": "TRN_TYP", "entry_type": "ENT_TYP", "narrative": "NARR", "item": "ITEM_DSC",
	"details": "DTLS", "qty": "QTY", "quantity": "QTY", "price": "PRC", "unit_price": "UNIT_PRC", "line_total": "LN_TOT",
	"total": "TOT_AMT", "ext_amount": "EXT_AMT", "line_no": "LN_NO",
}

func init() {
	for k, v := range ledgerConcepts {
		concepts[k] = v
	}
	for k, v := range ledgerAbbreviations {
		abbreviations[k] = v
	}
}

// paymentsShaped writes the payments list in the firm's ledger shape.
func (b *builder) paymentsShaped() *table {
	l := b.st.L
	if l.PayBy == "" && !l.PayTyped {
		return b.payments()
	}
	mc := b.matterCol()
	t := &table{base: "payments", fks: map[string]string{}, cols: []col{{concept: "date"}}}
	if l.PayBy != "invoice" {
		t.cols = append(t.cols, col{concept: mc})
		t.fks[mc] = "matters"
	}
	if l.PayBy != "matter" {
		t.cols = append(t.cols, col{concept: "invoice_no"})
		t.fks["invoice_no"] = "invoices"
	}
	if l.PayTyped {
		t.cols = append(t.cols, col{concept: l.TypeConcept})
	}
	t.cols = append(t.cols, col{concept: "amount"})
	row := func(date day, p payment, word string, amount int64) []any {
		cells := []any{date}
		if l.PayBy != "invoice" {
			cells = append(cells, b.matterRef(p.Matter))
		}
		if l.PayBy != "matter" {
			cells = append(cells, p.Invoice)
		}
		if l.PayTyped {
			cells = append(cells, word)
		}
		return append(cells, cents(amount))
	}
	for _, p := range b.w.payments {
		// a client who paid too much and got the difference back: the
		// payment and the refund net to what was paid
		over := int64(0)
		if l.PayTyped && b.lr.IntN(4) == 0 {
			over = int64(10+b.lr.IntN(90)) * 100
		}
		t.add(rowMeta{excl: "accounting_history"}, row(day(p.Date), p, l.PayWords[0], p.Amount+over)...)
		if over > 0 {
			t.add(rowMeta{excl: "accounting_history"}, row(day(p.Date.AddDate(0, 0, 5+b.lr.IntN(20))), p, l.PayWords[1], over)...)
		}
	}
	return t
}

// invoiceLines writes what each invoice billed, line by line: its billed
// time entries (hours, rate, amount), or a fee and a disbursement for an
// invoice without billed time, or one negative line for a credit note.
// The lines sum to the invoice's amount.
func (b *builder) invoiceLines() *table {
	l := b.st.L
	t := &table{base: l.LinesBase, fks: map[string]string{"invoice_no": "invoices"}}
	for _, c := range l.LineConcepts {
		t.cols = append(t.cols, col{concept: c, optional: c == "line_no" || c == "date"})
	}
	billed := map[string][]timeEntry{}
	for _, e := range b.w.time {
		if e.Billed {
			billed[e.Invoice] = append(billed[e.Invoice], e)
		}
	}
	type line struct {
		desc        string
		secs, rate  any
		amount      int64
		invoiceDate day
	}
	for _, in := range b.w.invoices {
		var lines []line
		switch es := billed[in.Number]; {
		case len(es) > 0:
			for _, e := range es {
				lines = append(lines, line{e.Desc, secs(e.Seconds), cents(e.Rate), e.Seconds * e.Rate / 3600, day(in.Date)})
			}
		case in.Amount < 0:
			lines = append(lines, line{"Credit: write-down", nil, nil, in.Amount, day(in.Date)})
		default:
			disb := int64(0)
			if in.Amount > 20000 && b.lr.IntN(2) == 0 {
				disb = int64(25+b.lr.IntN(150)) * 100
				if disb >= in.Amount {
					disb = 0
				}
			}
			lines = append(lines, line{pick(b.lr, []string{"Professional services", "Fixed fee", "Legal services rendered"}), nil, nil, in.Amount - disb, day(in.Date)})
			if disb > 0 {
				lines = append(lines, line{pick(b.lr, []string{"Filing fee", "Court fees", "Courier", "Search fees"}), nil, nil, disb, day(in.Date)})
			}
		}
		for n, ln := range lines {
			cells := make([]any, len(t.cols))
			for i, c := range t.cols {
				switch c.concept {
				case "invoice_no":
					cells[i] = in.Number
				case "line_no":
					cells[i] = n + 1
				case "date":
					cells[i] = ln.invoiceDate
				case "narrative", "item", "details", "work":
					cells[i] = ln.desc
				case "hours", "qty", "quantity", "minutes", "units", "duration":
					cells[i] = ln.secs
				case "rate", "price", "unit_price":
					cells[i] = ln.rate
				default: // the line's amount
					cells[i] = cents(ln.amount)
				}
			}
			t.add(rowMeta{excl: "accounting_history"}, cells...)
		}
	}
	return t
}
