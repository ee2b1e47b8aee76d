package mapping

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"handover/core/model"
)

// RuleLedgerDirection: a typed ledger without invoice lines whose type words
// may be a trust account's money in and out or payments of invoices, and
// whose amounts do not tell which: no balance is written from it.
const RuleLedgerDirection = "ledger.direction_unknown"

// RuleLedgerTrustByFlow: a ledger whose flow is a trust account's, whose
// opening words also read as payments of invoices and whose other words are
// unknown: payments and their refunds flow the same way. It is read as
// payments and refunds where the source keeps its trust money in another
// table and lists invoices (Hints.TrustKeptIn), as trust otherwise; either
// way the table says which, and how to read it the other way.
const RuleLedgerTrustByFlow = "ledger.trust_by_flow"

// trustByFlow re-reads as a trust ledger a typed ledger that a profile,
// matched by its headers, took for receivables, when its values show money
// held for the client rather than money owed:
//
//   - no sampled row is an invoice or a credit: the A/R reading reads each
//     type word as a payment or not at all, so it has no way for money to
//     go up and down ("Receipt" and "Payment" both payments, "Einzahlung"
//     and "Auszahlung" unknown, "Deposit" unknown beside "Cheque");
//   - the type column holds two or more words, and every account (matter
//     or client) opens with a word of one set (money in) and the others
//     (money out) never open one;
//   - taking the first set in and the second out, each account's running
//     balance, row by row as written, never falls below zero.
//
// Such rows read as A/R would make every balance negative (payments with
// nothing owed). Where money goes in first but then more goes out than
// came in, the values cannot tell: the rows are not given a direction (they
// are rejected with their reason) and the table says so (RuleLedgerDirection).
// Otherwise the reading is left as it was: the type words do not decide it
// alone.
func (p *Plan) trustByFlow(sample [][]string) {
	if p.kind != "ledger:ar" || p.forced || p.settles {
		return // (a profile the user named is read as named; payments of listed invoices are receivables)
	}
	typeCol, amountCol, accountCol := -1, -1, -1
	for _, c := range p.Columns {
		switch c.Target {
		case "ledger.paid", "ledger.balance", "ledger.in", "ledger.out", "ledger.method":
			return // the listing says how each row settles: receivables
		case "ledger.type":
			if typeCol >= 0 {
				return
			}
			typeCol = c.Index
		case "ledger.amount":
			if amountCol >= 0 {
				return
			}
			amountCol = c.Index
		case "matter":
			accountCol = c.Index
		case "client", "client_name":
			if accountCol < 0 {
				accountCol = c.Index
			}
		}
	}
	if typeCol < 0 || amountCol < 0 || accountCol < 0 {
		return
	}
	f, ok := readFlow(sample, typeCol, amountCol, accountCol)
	if !ok {
		return // an amount not read: the flow cannot be followed
	}
	arReading := map[string]string{} // word → its A/R meaning ("" unknown)
	for w := range f.words {
		arReading[w] = p.values["ledger.type"][w]
	}
	if len(arReading) < 2 || len(f.opens) == len(arReading) {
		return
	}
	for _, m := range arReading {
		if m != "" && m != string(model.LedgerPayment) {
			return // an invoice or a credit: the A/R reading has a way up and a way down
		}
	}
	if account := f.overdrawn(); account != "" {
		// Money in, then more out than came in: neither a trust account's
		// flow nor receivables (nothing was owed). Which way each word
		// moves the money is not guessed: its rows wait for the user's
		// answer, and no balance is written.
		for w := range arReading {
			delete(p.values["ledger.type"], w)
		}
		p.Warnings = append(p.Warnings, Warning{Rule: RuleLedgerDirection, Column: p.Columns[typeCol].Header, Message: fmt.Sprintf("Column %q has no invoice lines: its types (%s) may be money received and paid out of a trust account, or payments of invoices, and the amounts do not tell (account %s pays out more than it took in). No balance is worked out from this table; map each type to Deposit/Withdrawal (trust) or Payment (A/R), then re-import.", p.Columns[typeCol].Header, strings.Join(slices.Sorted(maps.Keys(arReading)), ", "), account)})
		return
	}
	// Payments followed by smaller refunds flow as a trust account does:
	// when every opening word reads as a payment and every other word is
	// unknown (PMT, RFND), the table may be either. (A known word for money
	// out — Receipt, then Payment — is a trust account's payment, not a
	// refund.)
	var payments, others []string
	for _, w := range slices.Sorted(maps.Keys(arReading)) {
		switch {
		case f.opens[w] && arReading[w] == string(model.LedgerPayment):
			payments = append(payments, w)
		case !f.opens[w] && arReading[w] == "":
			others = append(others, w)
		}
	}
	either := len(payments) > 0 && len(others) > 0 && len(payments)+len(others) == len(arReading)
	p.either = either
	col := p.Columns[typeCol].Header
	pays, backs := strings.Join(payments, ", "), strings.Join(others, ", ")
	if either && p.trustKeptIn != "" {
		// the source keeps its trust money in another table and lists
		// invoices: these are the invoices' payments and refunds
		// (refundsByFlow reads the words)
		p.settles = true
		p.Why = fmt.Sprintf("payments of invoices and their refunds: the trust money is kept in %s, and %s reads as a payment", p.trustKeptIn, pays)
		p.Warnings = append(p.Warnings, Warning{Rule: RuleLedgerTrustByFlow, Column: col, Message: fmt.Sprintf("Column %q is read as payments of invoices (%s) and their refunds (%s): this source keeps its trust money in %s and lists invoices. If this table is a second trust account, map %s to Deposit and %s to Withdrawal, then re-import.", col, pays, backs, p.trustKeptIn, pays, backs)})
		return
	}
	p.prof = byName["generic"] // the header-matched profile's words no longer apply
	p.Profile, p.System = p.prof.Name, p.prof.System
	if err := p.setEntity("ledger:trust", true); err != nil {
		return
	}
	for w := range arReading {
		if f.opens[w] {
			p.SetValue("ledger.type", w, string(model.LedgerTrustDeposit))
		} else {
			p.SetValue("ledger.type", w, string(model.LedgerTrustWithdrawal))
		}
	}
	p.Why = "a trust ledger by its flow: no invoice lines, each account opens with money in and never pays out more than it holds"
	if either {
		p.Warnings = append(p.Warnings, Warning{Rule: RuleLedgerTrustByFlow, Column: col, Message: fmt.Sprintf("Column %q is read as money paid into and out of a trust account, by how it flows: every account opens with %s and never pays out more than it took in. But %s also means a payment of an invoice, and payments followed by refunds (%s) flow the same way. If this table lists payments of invoices, map %s to Payment and %s to Invoice (a refund raises what is owed again), then re-import.", col, pays, pays, backs, pays, backs)})
	}
}

// PaymentsOrTrust: the table's money flows as a trust account's, and its
// words read as payments and their refunds (trustByFlow): which it is, the
// rest of the source tells (Hints.TrustKeptIn).
func (p *Plan) PaymentsOrTrust() bool { return p.either }

// refundsByFlow reads the type words of a list of payments of an invoice
// listing's invoices (Hints.Settles) that the A/R reading does not know,
// from how the money flows rather than from a dictionary of every language's
// word for a refund (Erstattung, Remboursement, RFND):
//
//   - no sampled row's word reads as an invoice or a credit (the words say
//     nothing beyond payments);
//   - every invoice (or, without an invoice column, every matter or client)
//     opens with a word of one set, and the others never open one;
//   - taking the opening words as money received and the others as money
//     given back, what each invoice was paid never falls below zero.
//
// The opening words are then payments and the others refunds, which raise
// the receivable again (read as the invoice kind: money owed once more).
// Otherwise the words stay as they are (an unknown word's rows are rejected
// with their reason).
func (p *Plan) refundsByFlow(sample [][]string) {
	if p.kind != "ledger:ar" || !p.settles || p.forced {
		return
	}
	typeCol, amountCol, accountCol := -1, -1, -1
	for _, c := range p.Columns {
		switch c.Target {
		case "ledger.type":
			typeCol = c.Index
		case "ledger.amount":
			amountCol = c.Index
		case "ledger.reference":
			accountCol = c.Index
		case "matter", "client", "client_name":
			if accountCol < 0 {
				accountCol = c.Index
			}
		}
	}
	if typeCol < 0 || amountCol < 0 || accountCol < 0 {
		return
	}
	// the invoice number, when there is one, is the account a refund follows
	for _, c := range p.Columns {
		if c.Target == "ledger.reference" {
			accountCol = c.Index
		}
	}
	f, ok := readFlow(sample, typeCol, amountCol, accountCol)
	if !ok || len(f.opens) == 0 || len(f.opens) == len(f.words) {
		return
	}
	for w := range f.words {
		switch m := p.values["ledger.type"][w]; {
		case m != "" && m != string(model.LedgerPayment):
			return // an invoice or a credit word: the types say more than payments
		case !f.opens[w] && m == string(model.LedgerPayment):
			return // a known payment word that never opens: not one flow of payments and refunds
		}
	}
	if f.overdrawn() != "" {
		return // more given back than was paid: not a refund
	}
	for w := range f.words {
		if f.opens[w] {
			p.SetValue("ledger.type", w, string(model.LedgerPayment))
		} else {
			p.SetValue("ledger.type", w, string(model.LedgerInvoice)) // money given back: owed again
		}
	}
}

// flow is what a typed ledger's sample says of its money's way: each row's
// account, type word and amount (its size: the word says the way), every
// word, and the words that open an account (on its first row).
type flow struct {
	moves        []flowMove
	words, opens map[string]bool
}

type flowMove struct {
	account, word string
	cents         model.Cents
}

// readFlow reads the flow of sample's rows that name a word and an account;
// ok is false when an amount cannot be read.
func readFlow(sample [][]string, typeCol, amountCol, accountCol int) (f flow, ok bool) {
	f.words, f.opens = map[string]bool{}, map[string]bool{}
	seen := map[string]bool{} // accounts seen
	for _, r := range sample {
		if typeCol >= len(r) || amountCol >= len(r) || accountCol >= len(r) {
			continue
		}
		w, acct := Normalize(r[typeCol]), Normalize(r[accountCol])
		if w == "" || acct == "" {
			continue
		}
		v, err := ParseCents(r[amountCol], false)
		if err != nil {
			if v, err = ParseCents(r[amountCol], true); err != nil {
				return f, false
			}
		}
		f.words[w] = true
		if !seen[acct] {
			seen[acct], f.opens[w] = true, true
		}
		f.moves = append(f.moves, flowMove{acct, w, max(v, -v)}) // a sign repeating the type; the type says the way
	}
	return f, true
}

// overdrawn is the first account, row by row as written, out of which more
// goes (words that do not open) than came in (words that open), or "".
func (f flow) overdrawn() string {
	balance := map[string]model.Cents{}
	for _, m := range f.moves {
		if f.opens[m.word] {
			balance[m.account] += m.cents
		} else if balance[m.account] -= m.cents; balance[m.account] < 0 {
			return m.account
		}
	}
	return ""
}
