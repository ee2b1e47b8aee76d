// Package balances derives the one-line-per-matter A/R and trust balances
// Clio imports from the accounting history that is itself not migrated
// (invoice, payment and trust ledgers kept as exclusions with a LedgerLine).
//
// Money is integer cents throughout; memory is one small accumulator per
// matter (or contact), never the ledger itself.
package balances

import (
	"context"
	"fmt"
	"sort"

	"handover/core/model"
	"handover/core/workspace"
)

// Dip is the first ledger line at which an account's running trust balance
// went below zero: a withdrawal exceeding the funds held, i.e. a ledger error
// in the old system. Lines are taken in the order they were read.
type Dip struct {
	Key     string      `json:"key"` // the trust balance's record key (trust:matter:… or trust:contact:…)
	Matter  model.Ref   `json:"matter,omitempty"`
	Contact model.Ref   `json:"contact,omitempty"`
	RowID   int64       `json:"row_id"` // the ledger row (rows.id) that took it below zero
	Date    string      `json:"date,omitempty"`
	Running model.Cents `json:"running_cents"` // the balance just after that line
	Final   model.Cents `json:"final_cents"`   // the balance after all lines
}

// Summary says what Recompute found and wrote.
type Summary struct {
	AsOf          string                     `json:"as_of,omitempty"`
	ARTotal       model.Cents                `json:"ar_total_cents"`
	TrustTotal    model.Cents                `json:"trust_total_cents"`
	ARBalances    int                        `json:"ar_balances"`    // A/R lines written (non-zero)
	TrustBalances int                        `json:"trust_balances"` // trust lines written (non-zero)
	ARZero        int                        `json:"ar_zero"`        // matters whose A/R settled to zero: nothing to migrate
	TrustZero     int                        `json:"trust_zero"`     // trust accounts that ended at zero
	LinesByKind   map[model.LedgerKind]int64 `json:"lines_by_kind"`
	Lines         int64                      `json:"lines"`      // ledger lines that went into a balance
	Unassigned    int64                      `json:"unassigned"` // A/R or trust lines with neither matter nor contact: in no balance
	Negative      []Dip                      `json:"negative,omitempty"`
	// NoInvoices is set when payments or credits were read but not one
	// invoice: A/R is invoices minus payments, so every matter would show a
	// credit of what it paid. Then no A/R balance is written (a wrong figure
	// is worse than none) and check says why, pointing at the first payment.
	NoInvoices *PaymentsOnly `json:"payments_without_invoices,omitempty"`
}

// PaymentsOnly is the A/R ledger that has payments or credits and no invoice.
type PaymentsOnly struct {
	Lines    int64 `json:"lines"`
	FirstRow int64 `json:"first_row_id"` // the first payment's row, for the finding
}

// ZeroSkipped is the number of balances not written because they are zero.
func (s Summary) ZeroSkipped() int { return s.ARZero + s.TrustZero }

type account struct {
	matter, contact model.Ref
	amount          model.Cents
	lines           int
	dipped          bool
}

// Recompute streams the ledger lines, computes A/R per matter (invoices −
// payments − credits) and trust per matter, or per contact when a trust line
// names no matter (deposits − withdrawals), and replaces the derived
// ar_balances and trust_balances records. asOf (YYYY-MM-DD) is stamped on
// every balance: the cut-off the figures are true at.
func Recompute(ctx context.Context, ws *workspace.Workspace, asOf string) (Summary, error) {
	s := Summary{AsOf: asOf, LinesByKind: map[model.LedgerKind]int64{}}
	ar := map[string]*account{}
	trust := map[string]*account{}
	var arLines, firstPayment int64
	err := ws.EachLedgerLine(ctx, func(rowID int64, l model.LedgerLine) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		s.LinesByKind[l.Kind]++
		switch l.Kind {
		case model.LedgerInvoice, model.LedgerPayment, model.LedgerCredit:
			if l.Matter.IsZero() {
				s.Unassigned++
				return nil
			}
			k := ARKey(l.Matter)
			a := ar[k]
			if a == nil {
				a = &account{matter: l.Matter}
				ar[k] = a
			}
			if l.Kind == model.LedgerInvoice {
				a.amount += l.Amount
			} else {
				a.amount -= l.Amount
				if firstPayment == 0 {
					firstPayment = rowID
				}
			}
			a.lines++
			arLines++
			s.Lines++
		case model.LedgerTrustDeposit, model.LedgerTrustWithdrawal:
			if l.Matter.IsZero() && l.Contact.IsZero() {
				s.Unassigned++
				return nil
			}
			k := TrustKey(l.Matter, l.Contact)
			a := trust[k]
			if a == nil {
				a = &account{matter: l.Matter}
				if l.Matter.IsZero() {
					a.contact = l.Contact
				}
				trust[k] = a
			}
			if l.Kind == model.LedgerTrustDeposit {
				a.amount += l.Amount
			} else {
				a.amount -= l.Amount
			}
			a.lines++
			s.Lines++
			if a.amount < 0 && !a.dipped {
				a.dipped = true
				s.Negative = append(s.Negative, Dip{Key: k, Matter: a.matter, Contact: a.contact, RowID: rowID, Date: l.Date, Running: a.amount})
			}
		}
		return nil
	})
	if err != nil {
		return s, err
	}
	for i := range s.Negative {
		s.Negative[i].Final = trust[s.Negative[i].Key].amount
	}
	if s.LinesByKind[model.LedgerInvoice] == 0 && arLines > 0 {
		s.NoInvoices = &PaymentsOnly{Lines: arLines, FirstRow: firstPayment}
		s.Lines -= arLines
		ar = map[string]*account{}
	}

	arRecs := make([]model.Record, 0, len(ar))
	for _, k := range sortedKeys(ar) {
		a := ar[k]
		if a.amount == 0 {
			s.ARZero++
			continue
		}
		s.ARTotal += a.amount
		arRecs = append(arRecs, model.Record{Entity: model.ARBalances, Key: k,
			Prov: model.Provenance{Locator: fmt.Sprintf("computed from %d ledger lines", a.lines)},
			Data: &model.ARBalance{Matter: a.matter, Amount: a.amount, AsOf: asOf, Lines: a.lines}})
	}
	trRecs := make([]model.Record, 0, len(trust))
	for _, k := range sortedKeys(trust) {
		a := trust[k]
		if a.amount == 0 {
			s.TrustZero++
			continue
		}
		s.TrustTotal += a.amount
		trRecs = append(trRecs, model.Record{Entity: model.TrustBalances, Key: k,
			Prov: model.Provenance{Locator: fmt.Sprintf("computed from %d ledger lines", a.lines)},
			Data: &model.TrustBalance{Matter: a.matter, Contact: a.contact, Amount: a.amount, AsOf: asOf, Lines: a.lines}})
	}
	s.ARBalances, s.TrustBalances = len(arRecs), len(trRecs)
	if err := ws.ReplaceDerived(ctx, model.ARBalances, arRecs); err != nil {
		return s, fmt.Errorf("saving A/R balances: %w", err)
	}
	if err := ws.ReplaceDerived(ctx, model.TrustBalances, trRecs); err != nil {
		return s, fmt.Errorf("saving trust balances: %w", err)
	}
	return s, nil
}

// ARKey is the record key of a matter's A/R balance.
func ARKey(matter model.Ref) string { return "ar:" + matter.Value }

// TrustKey is the record key of a trust balance: per matter, or per contact
// when the ledger line names no matter.
func TrustKey(matter, contact model.Ref) string {
	if !matter.IsZero() {
		return "trust:matter:" + matter.Value
	}
	return "trust:contact:" + contact.Value
}

func sortedKeys(m map[string]*account) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
