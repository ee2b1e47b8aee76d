package mapping

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"handover/core/model"
)

// Target names. A Column.Target is one of these, a labelled contact value
// (emails[Work], phones[Mobile], address[Home].city; a digit instead of the
// label means "label taken from the column <kind>[n].label", as Google does),
// "custom:<Name>" (a custom field on a contact or matter), "append:<Label>"
// (added as a "Label: value" line to the record's main text, for types that
// have no custom fields), "skip" (known and deliberately not migrated, e.g.
// Outlook's "E-mail Type") or "" (not mapped).
var simpleTargets = map[string][]string{
	// identity and links
	"id":          {"contacts", "matters", "tasks", "notes", "calendar_events", "phone_logs", "time_entries"},
	"matter":      {"matters", "relationships", "tasks", "notes", "calendar_events", "phone_logs", "time_entries", "ledger:ar", "ledger:trust"},
	"client":      {"matters", "ledger:ar", "ledger:trust"},
	"client_name": {"matters", "ledger:ar", "ledger:trust"},
	"contact":     {"notes", "relationships"},
	"deleted":     {"contacts", "matters", "tasks", "notes", "calendar_events", "phone_logs", "time_entries", "ledger:ar", "ledger:trust"},
	// contacts
	"full_name": {"contacts", "relationships"}, "prefix": {"contacts"}, "first_name": {"contacts", "relationships"}, "middle_name": {"contacts", "relationships"},
	"last_name": {"contacts", "relationships"}, "company": {"contacts", "relationships"}, "title": {"contacts"}, "contact_type": {"contacts"},
	"date_of_birth": {"contacts"}, "web_site": {"contacts"}, "display_as": {"contacts"},
	"notes": {"contacts", "matters"},
	// matters
	"description": {"matters", "tasks", "calendar_events", "time_entries"},
	"status":      {"matters", "tasks"},
	"open_date":   {"matters"}, "close_date": {"matters"}, "pending_date": {"matters"}, "practice_area": {"matters"},
	"responsible_attorney": {"matters"}, "originating_attorney": {"matters"}, "client_reference": {"matters"},
	"location": {"matters", "calendar_events"},
	"billable": {"matters", "time_entries"},
	// related contacts: the party's role on the matter (Opposing Counsel, Witness)
	"role": {"relationships"},
	// tasks, notes, calendar, phone logs
	"subject":  {"tasks", "notes", "calendar_events", "phone_logs"},
	"body":     {"notes", "phone_logs"},
	"user":     {"tasks", "notes", "calendar_events", "phone_logs", "time_entries"},
	"due_date": {"tasks"}, "priority": {"tasks"},
	"date":       {"notes", "phone_logs", "time_entries", "ledger:ar", "ledger:trust"},
	"time":       {"phone_logs"},
	"start_date": {"calendar_events"}, "start_time": {"calendar_events"}, "end_date": {"calendar_events"},
	"end_time": {"calendar_events"}, "all_day": {"calendar_events"},
	"caller": {"phone_logs"}, "phone": {"phone_logs"},
	// time entries
	"hours": {"time_entries"}, "rate": {"time_entries"}, "amount": {"time_entries"}, "billed": {"time_entries"},
	"invoice": {"time_entries"}, "activity": {"time_entries"}, "entry_type": {"time_entries"},
	// ledgers. Besides a type column, a ledger's shape says which way a row
	// moves the balance: an invoice listing's paid and balance (outstanding)
	// columns, a payment list's method column, a trust ledger's separate
	// in and out (receipt/payment, deposit/withdrawal) columns.
	"ledger.type": {"ledger:ar", "ledger:trust"}, "ledger.amount": {"ledger:ar", "ledger:trust"},
	"ledger.reference": {"ledger:ar", "ledger:trust"},
	"ledger.paid":      {"ledger:ar"}, "ledger.balance": {"ledger:ar"}, "ledger.method": {"ledger:ar"},
	"ledger.in": {"ledger:trust"}, "ledger.out": {"ledger:trust"},
}

var (
	reEmailT = regexp.MustCompile(`^emails\[(Work|Home|Other|[1-9])\](\.label)?$`)
	rePhoneT = regexp.MustCompile(`^phones\[(Work|Home|Mobile|Fax|Pager|Skype|Other|[1-9])\](\.label)?$`)
	reAddrT  = regexp.MustCompile(`^address\[(Work|Home|Billing|Other|[1-9])\]\.(street|street2|street3|city|province|postal_code|country|label)$`)
)

var kinds = []string{"contacts", "matters", "relationships", "tasks", "notes", "calendar_events", "phone_logs", "time_entries", "ledger:ar", "ledger:trust"}

// kindRequired: groups of targets; a table is of that kind when each group has one mapped target.
var kindRequired = map[string][][]string{
	"contacts":        {{"first_name", "last_name", "full_name", "company"}},
	"matters":         {{"matter"}, {"description", "client", "client_name", "status", "open_date"}},
	"relationships":   {{"matter"}, {"full_name", "first_name", "last_name", "company", "emails[Work]", "emails[Home]", "emails[Other]", "contact"}, {"role"}},
	"tasks":           {{"subject"}, {"due_date", "priority", "status", "user"}},
	"notes":           {{"body"}, {"matter", "contact"}},
	"calendar_events": {{"start_date"}, {"subject"}},
	"phone_logs":      {{"caller"}, {"date", "time"}},
	"time_entries":    {{"hours"}, {"date"}},
	// A ledger needs an amount, something that says which way each row moves
	// the balance (see ledgerShape: a type, paid/balance/method columns,
	// in/out columns, or signed amounts), whose account it is, and a date.
	"ledger:ar":    {{"ledger.amount", "ledger.paid", "ledger.balance"}, {"ledger.type", "ledger.paid", "ledger.balance", "ledger.method"}, {"matter", "client", "client_name"}, {"date"}},
	"ledger:trust": {{"ledger.amount", "ledger.in", "ledger.out"}, {"ledger.type", "ledger.in", "ledger.out"}, {"matter", "client", "client_name"}, {"date"}},
}

// shapeGroup is the group of kindRequired[k] that says how a ledger's rows
// move the balance; ledgerSigned may stand in for it.
const shapeGroup = 1

// groupMet reports whether group g of kind k is satisfied by the mapped
// targets, or — for a ledger's shape group — by the values: an amount column
// holding both signs is a signed ledger (deposits positive, withdrawals
// negative; invoices positive, payments negative), but only for a table
// named as a trust account or with a reference column, so an expense list
// with one refund is not taken for one.
func groupMet(k string, gi int, g []string, mapped map[string]bool, cols []Column, sample [][]string, file, table string) bool {
	for _, t := range g {
		if mapped[t] {
			return true
		}
	}
	if gi != shapeGroup || !strings.HasPrefix(k, "ledger:") {
		return false
	}
	if k == "ledger:ar" && ledgerNamed(file, table) != "" {
		return true // a table named as invoices or payments: its amounts are those
	}
	named := k == "ledger:trust" && trustNamed(file, table, cols)
	if !named && !mapped["ledger.reference"] {
		return false
	}
	return ledgerSigned(cols, sample)
}

// ledgerNamed: what a table's or its file's name says its rows are —
// invoices (bills) or payments (receipts) — in the languages the profiles
// cover; "" when it says neither.
func ledgerNamed(file, table string) model.LedgerKind {
	switch {
	case hasHint(file, table, []string{"payment", "payments", "receipt", "receipts", "zahlung", "zahlungen", "zahlungseingang", "pago", "pagos", "cobro", "cobros", "paiement", "paiements", "encaissement", "reglement", "reglements"}):
		return model.LedgerPayment
	case hasHint(file, table, []string{"invoice", "invoices", "bill", "bills", "billing", "rechnung", "rechnungen", "factura", "facturas", "facture", "factures", "fattura", "fatture"}):
		return model.LedgerInvoice
	}
	return ""
}

// shapeLedger settles what only the whole table can say: an A/R table's
// name that its rows are payments when its columns do not (a list of dated
// amounts per matter called "Payments"), and a trust type column's
// "Payment" beside "Receipt" or "Deposit" — money paid out of trust, the
// pair trust ledgers are kept in. Alone, a trust "Payment" stays a question
// (money paid in, or out?).
func (p *Plan) shapeLedger(file, table string, sample [][]string) {
	p.typeNotMethod(sample)
	p.trustByFlow(sample)   // ledgerflow.go: money held read as money owed
	p.refundsByFlow(sample) // ledgerflow.go: a payment list's words for money back
	if p.kind == "ledger:ar" && ledgerNamed(file, table) == model.LedgerPayment {
		p.Ledger = model.LedgerPayment
		p.remarksNotType(sample)
	}
	p.signByType = p.signFollowsType(sample)
	if p.kind != "ledger:trust" {
		return
	}
	typeCol := -1
	for _, c := range p.Columns {
		if c.Target == "ledger.type" {
			typeCol = c.Index
			break
		}
	}
	if typeCol < 0 {
		return
	}
	var paymentWord string
	incoming := false
	for _, r := range sample {
		if typeCol >= len(r) {
			continue
		}
		w := Normalize(r[typeCol])
		switch {
		case w == "payment" || w == "payments" || w == "pmt":
			if _, mapped := p.values["ledger.type"][w]; !mapped {
				paymentWord = w
			}
		case p.values["ledger.type"][w] == string(model.LedgerTrustDeposit):
			incoming = true
		}
	}
	if paymentWord != "" && incoming {
		p.SetValue("ledger.type", paymentWord, string(model.LedgerTrustWithdrawal))
	}
}

// remarksNotType: in a list of payments, a column that byValues read as the
// type from a few type words ("check" on two rows of thirty) is a remark —
// every row of a typed ledger says its type, and the list already says
// what its rows are; read as the type, every other row would be rejected
// for lacking one. A column filled on half the rows or more stays the type.
func (p *Plan) remarksNotType(sample [][]string) {
	if p.kind != "ledger:ar" || p.Ledger != model.LedgerPayment {
		return
	}
	for i := range p.Columns {
		c := &p.Columns[i]
		if c.Target == "ledger.type" && c.Via == ViaValues && sparse(sample, c.Index) {
			c.Target, c.Via, c.Confidence = "", ViaNone, 0
		}
	}
}

// typeNotMethod reads as the transaction type a column its header called
// the payment method ("Payment Type" is either) when its values say so: a
// few words, none a way of paying (cash, cheque, card, transfer …), one of
// them a payment in the A/R reading (PMT beside RFND, Paiement beside
// Remboursement). Read as methods, every row was a payment: refunds lowered
// the receivable instead of raising it.
func (p *Plan) typeNotMethod(sample [][]string) {
	if p.kind != "ledger:ar" || p.forced {
		return
	}
	method := -1
	for i, c := range p.Columns {
		switch {
		case c.Target == "ledger.type":
			return
		case c.Target == "ledger.method" && c.Via != ViaUser:
			method = i
		}
	}
	if method < 0 {
		return
	}
	col := p.Columns[method].Index
	words := map[string]bool{}
	payment := false
	for _, r := range sample {
		if col >= len(r) {
			continue
		}
		w := Normalize(r[col])
		if w == "" {
			continue
		}
		if payMethods[w] || strings.ContainsAny(w, "0123456789") {
			return // a way of paying, or a cheque number
		}
		words[w] = true
		payment = payment || p.values["ledger.type"][w] == string(model.LedgerPayment)
	}
	if !payment || len(words) < 2 || len(words) > 4 {
		return
	}
	c := &p.Columns[method]
	c.Target, c.Via = "ledger.type", ViaValues
}

// payMethods are ways of paying, as a method column writes them, in
// Normalize's form (it drops spaces: "credit card" is "creditcard").
var payMethods = normalizedSet(
	"cash", "cheque", "check", "chq", "card", "credit card", "debit card",
	"visa", "mastercard", "amex", "eft", "ach", "wire", "transfer",
	"bank transfer", "direct debit", "paypal", "stripe", "bacs", "chaps",
	"online", "bar", "überweisung", "lastschrift", "virement", "espèces",
	"carte", "efectivo", "tarjeta", "transferencia", "contanti", "bonifico",
)

// normalizedSet is the set of words in Normalize's form.
func normalizedSet(words ...string) map[string]bool {
	set := make(map[string]bool, len(words))
	for _, w := range words {
		set[Normalize(w)] = true
	}
	return set
}

// sparse: the column is filled on fewer than half the sampled rows.
func sparse(sample [][]string, col int) bool {
	filled := 0
	for _, r := range sample {
		if col < len(r) && strings.TrimSpace(r[col]) != "" {
			filled++
		}
	}
	return filled*2 < len(sample)
}

// ViaValues: the column's target was told from its values (every sampled
// value is a word the target knows), whatever its header says.
const ViaValues Via = "values"

// byValues maps a ledger's unrecognised column whose sampled values are
// (nearly) all transaction-type words (Deposit, WD, Invoice, Cheque …) to
// ledger.type, so a type column under any header is read.
func byValues(k string, cols []Column, sample [][]string) []Column {
	if k == "matters" {
		return matterIDAlone(cols)
	}
	if !strings.HasPrefix(k, "ledger:") {
		return cols
	}
	for _, c := range cols {
		if c.Target == "ledger.type" {
			return cols
		}
	}
	if ledgerSigned(cols, sample) {
		// the sign says which way each row goes: a memo column of
		// "Retainer"/"Transfer to operating" must not turn it around
		return cols
	}
	words := map[string]bool{}
	for _, src := range []map[string]map[string]string{kindValues[k]} {
		for w := range src["ledger.type"] {
			words[w] = true
		}
	}
	for i := range cols {
		c := &cols[i]
		if c.Via != ViaNone || c.Index < 0 {
			continue
		}
		seen, known := 0, 0
		for _, r := range sample {
			if c.Index < len(r) {
				if v := Normalize(r[c.Index]); v != "" {
					seen++
					if words[v] {
						known++
					}
				}
			}
		}
		if seen >= 2 && known*10 >= seen*9 {
			c.Target, c.Via, c.Confidence = "ledger.type", ViaValues, 0.9
			return cols
		}
	}
	return cols
}

// ledgerWords tells an A/R listing from a trust ledger by the headers only
// one of them uses ("Amount Paid", "Invoice No" against "Deposit", "Paid
// Out"): 2 points for each column of a ledger kind whose header is an alias
// of that kind and not of the other. Shared words (Debit, Credit, Balance)
// count for neither.
func ledgerWords(k string, cols []Column) float64 {
	other := map[string]string{"ledger:ar": "ledger:trust", "ledger:trust": "ledger:ar"}[k]
	if other == "" {
		return 0
	}
	score := 0.0
	for _, c := range cols {
		n := Normalize(c.Header)
		t, mine := kindAlias[k][n]
		if _, theirs := kindAlias[other][n]; mine && !theirs && t != "skip" && strings.HasPrefix(t, "ledger.") {
			score += 2
		}
	}
	return score
}

// trustNamed: the table, its file or one of its headers says it is a trust
// (client money) account.
func trustNamed(file, table string, cols []Column) bool {
	words := []string{"trust", "iolta", "treuhand", "anderkonto", "fremdgeld", "escrow", "fiducie"}
	if hasHint(file, table, words) {
		return true
	}
	for _, c := range cols {
		if hasHint(c.Header, "", words) {
			return true
		}
	}
	return false
}

// ledgerSigned: the column mapped to ledger.amount holds both positive and
// negative amounts in the sample.
func ledgerSigned(cols []Column, sample [][]string) bool {
	for _, c := range cols {
		if c.Target != "ledger.amount" {
			continue
		}
		pos, neg := false, false
		for _, r := range sample {
			if c.Index < 0 || c.Index >= len(r) {
				continue
			}
			v, err := ParseCents(r[c.Index], false)
			if err != nil {
				v, err = ParseCents(r[c.Index], true)
			}
			switch {
			case err != nil:
			case v > 0:
				pos = true
			case v < 0:
				neg = true
			}
		}
		return pos && neg
	}
	return false
}

func validTarget(t string) bool {
	switch {
	case t == "skip":
		return true
	case strings.HasPrefix(t, "custom:"), strings.HasPrefix(t, "append:"):
		return len(t) > 7
	case reEmailT.MatchString(t), rePhoneT.MatchString(t), reAddrT.MatchString(t):
		return true
	}
	_, ok := simpleTargets[t]
	return ok
}

// targetFits reports whether target t means something for records of kind k.
func targetFits(t, k string) bool {
	switch {
	case t == "skip" || t == "":
		return true
	case strings.HasPrefix(t, "custom:"):
		return k == "contacts" || k == "matters"
	case strings.HasPrefix(t, "append:"):
		return k == "tasks" || k == "notes" || k == "calendar_events" || k == "phone_logs" || k == "time_entries"
	case reEmailT.MatchString(t), rePhoneT.MatchString(t):
		return k == "contacts" || k == "relationships"
	case reAddrT.MatchString(t):
		return k == "contacts"
	}
	for _, x := range simpleTargets[t] {
		if x == k {
			return true
		}
	}
	return false
}

func isDateTarget(t string) bool {
	switch t {
	case "open_date", "close_date", "pending_date", "date", "due_date", "start_date", "end_date", "date_of_birth":
		return true
	}
	return false
}

func isMoneyTarget(t string) bool { return t == "rate" || t == "amount" || t == "ledger.amount" }

func isIdentTarget(t string) bool { return t == "matter" || t == "id" || t == "client" }

func kindEntity(k string) model.Entity {
	if strings.HasPrefix(k, "ledger:") {
		return ""
	}
	return model.Entity(k)
}

// Targets lists the fields a column of a table of kind can go to (an entity
// name, or "ledger:ar"/"ledger:trust"), for a mapping screen's choices;
// custom:<Header>, append:<Header> and "skip" come on top.
func Targets(kind string) []string {
	var out []string
	for t := range simpleTargets {
		if targetFits(t, kind) {
			out = append(out, t)
		}
	}
	if kind == "contacts" || kind == "relationships" {
		for _, l := range []string{"Work", "Home", "Other"} {
			out = append(out, "emails["+l+"]")
		}
		for _, l := range []string{"Work", "Home", "Mobile", "Fax", "Pager", "Skype", "Other"} {
			out = append(out, "phones["+l+"]")
		}
	}
	if kind == "contacts" {
		for _, l := range []string{"Work", "Home", "Billing", "Other"} {
			for _, part := range []string{"street", "street2", "street3", "city", "province", "postal_code", "country"} {
				out = append(out, "address["+l+"]."+part)
			}
		}
	}
	sort.Strings(out)
	return out
}

// matterIDAlone: a matters table's "Matter ID" is its legacy id beside a
// matter-number column (other tables then refer to matters by that id, which
// the key keeps), but the matter number itself when there is no other.
func matterIDAlone(cols []Column) []Column {
	idCol := -1
	for i, c := range cols {
		switch c.Target {
		case "matter":
			return cols
		case "id":
			if idCol < 0 {
				idCol = i
			}
		}
	}
	if idCol >= 0 {
		cols[idCol].Target = "matter"
	}
	return cols
}

// signFollowsType: in the sample of a typed ledger, every negative amount is
// on a row whose type already lowers the balance (Withdrawal -200, Payment
// -50) and no positive one is: the sign only repeats the type, so it must
// not reverse it. Otherwise a negative amount is a reversal of its type (a
// negative invoice is a credit).
func (p *Plan) signFollowsType(sample [][]string) bool {
	typeCol, amountCol := -1, -1
	for _, c := range p.Columns {
		switch {
		case c.Target == "ledger.type" && typeCol < 0:
			typeCol = c.Index
		case c.Target == "ledger.amount" && amountCol < 0:
			amountCol = c.Index
		}
	}
	if typeCol < 0 || amountCol < 0 {
		return false
	}
	negatives := 0
	for _, r := range sample {
		if typeCol >= len(r) || amountCol >= len(r) {
			continue
		}
		kind, ok := p.values["ledger.type"][Normalize(r[typeCol])]
		if !ok {
			continue
		}
		v, err := ParseCents(r[amountCol], false)
		if err != nil {
			if v, err = ParseCents(r[amountCol], true); err != nil {
				continue
			}
		}
		lowers := kind == string(model.LedgerPayment) || kind == string(model.LedgerCredit) || kind == string(model.LedgerTrustWithdrawal)
		switch {
		case v < 0 && lowers:
			negatives++
		case v < 0, v > 0 && lowers:
			return false
		}
	}
	return negatives > 0
}

// RuleSettlementUnread: an invoice listing's column holds, row by row, a part
// of the invoice's amount — what was paid of it, or what is still owed —
// and its name says neither: no balance is guessed from it.
const RuleSettlementUnread = "ledger.settlement_unread"

// settlementByValues reads an invoice listing's paid or balance column that
// the header words left unmapped (BAL_DUE, PD_AMT, an abbreviation read only
// where the kind is known otherwise). The values decide that a column is one
// of the two: on every sampled row its amount lies between nothing and the
// row's invoice amount, with the same sign (a credit note's balance is
// negative too). They cannot say which of the two it is — nor tell it from a
// tax or fee share — so the header decides between paid and balance, read as
// an abbreviation; a column the values rule in but whose header reads as
// neither is left unmapped with a warning: a wrong balance is worse than
// none. It reports whether a column changed.
func (p *Plan) settlementByValues(sample [][]string) bool {
	if p.kind != "ledger:ar" || p.Ledger != model.LedgerInvoice {
		return false
	}
	amountCol := -1
	for _, c := range p.Columns {
		switch c.Target {
		case "ledger.paid", "ledger.balance", "ledger.type", "ledger.method":
			return false // the listing says already how each row settles
		case "ledger.amount":
			if amountCol >= 0 {
				return false
			}
			amountCol = c.Index
		}
	}
	if amountCol < 0 {
		return false
	}
	var prof *profile
	if p.prof != nil && p.prof.Name != "generic" && p.prof.kind() == p.kind {
		prof = p.prof
	}
	changed := false
	named := map[string]int{} // target → columns whose header reads as it
	var found []int
	for i, c := range p.Columns {
		if c.Via != ViaNone || c.Index < 0 || c.Index == amountCol || !partOfAmount(sample, amountCol, c.Index) {
			continue
		}
		found = append(found, i)
		if t := abbrevTarget(c.Header, prof, p.kind); t == "ledger.paid" || t == "ledger.balance" {
			named[t]++
		}
	}
	for _, i := range found {
		c := &p.Columns[i]
		t := abbrevTarget(c.Header, prof, p.kind)
		if (t == "ledger.paid" || t == "ledger.balance") && named[t] == 1 {
			c.Target, c.Via, c.Confidence = t, ViaValues, 0.9
			c.Evidence = fmt.Sprintf("on every sampled row its amount lies between nothing and the invoice's (%s): what was paid or what is owed, and the name reads as %s", p.headerOf(amountCol), strings.TrimPrefix(t, "ledger."))
			changed = true
			continue
		}
		p.settlementUnread = append(p.settlementUnread, c.Header)
	}
	return changed
}

// readSettlement runs settlementByValues and says what it could not name,
// once however often the plan is chosen again.
func (p *Plan) readSettlement(sample [][]string) {
	p.settlementUnread = nil
	changed := p.settlementByValues(sample)
	keep := p.Warnings[:0]
	for _, w := range p.Warnings {
		if w.Rule != RuleSettlementUnread {
			keep = append(keep, w)
		}
	}
	p.Warnings = keep
	for _, h := range p.settlementUnread {
		p.Warnings = append(p.Warnings, Warning{Rule: RuleSettlementUnread, Column: h, Message: fmt.Sprintf("Column %q holds on every row a part of the invoice's amount: what was paid, or what is still owed? Its name does not say, so no balance is worked out from it; map it to the paid or the balance field if you know.", h)})
	}
	if changed {
		p.refresh()
		p.settlementReadsLikeAmount()
	}
}

// settlementReadsLikeAmount: a paid or balance column read from the values
// is a part of the invoice's amount, so it is read as the amount is where
// that reading was given (a database's integer cents, the user's answer).
func (p *Plan) settlementReadsLikeAmount() {
	amount := ""
	for _, c := range p.Columns {
		if c.Target == "ledger.amount" {
			amount = c.Header
		}
	}
	r := p.rd.user[amount]
	if r == "" {
		return
	}
	for _, c := range p.Columns {
		if c.Via == ViaValues && (c.Target == "ledger.paid" || c.Target == "ledger.balance") && p.rd.user[c.Header] == "" {
			_ = p.SetReading(c.Header, r) // a reading the target cannot take leaves it as decided
		}
	}
}

func (p *Plan) headerOf(index int) string {
	for _, c := range p.Columns {
		if c.Index == index {
			return c.Header
		}
	}
	return ""
}

// partOfAmount: on at least three sampled rows column part holds an amount,
// each between nothing and the same row's amount in column whole, with its
// sign, and it is filled wherever the amount is (four rows in five at least).
func partOfAmount(sample [][]string, whole, part int) bool {
	rows, filled := 0, 0
	for _, r := range sample {
		if whole >= len(r) || part >= len(r) {
			continue
		}
		a, ok := amountIn(r[whole])
		if !ok {
			continue
		}
		rows++
		if strings.TrimSpace(r[part]) == "" {
			continue
		}
		x, ok := amountIn(r[part])
		if !ok {
			return false
		}
		if a >= 0 && (x < 0 || x > a) || a < 0 && (x > 0 || x < a) {
			return false
		}
		filled++
	}
	return filled >= 3 && 5*filled >= 4*rows
}

// amountIn reads a sampled amount the way its form shows (ReadMoney), or a
// plain number as written — both columns of a row alike, so whole numbers
// in cents compare with whole numbers in cents.
func amountIn(v string) (model.Cents, bool) {
	if m, ok := ReadMoney(v); ok {
		return m.Cents, true
	}
	c, err := ParseCents(strings.TrimSpace(v), false)
	return c, err == nil
}

// readAcrossColumns settles the columns whose meaning shows only beside the
// other columns of the same rows (a sample's rows, read together).
func (p *Plan) readAcrossColumns(sample [][]string) {
	if !p.BilledLines { // (an invoice's lines settle nothing)
		p.readSettlement(sample)
	}
	if p.companyByValues(sample) {
		p.refresh()
	}
}

// companyByValues: a contacts table's column no header rule read, filled on
// every sampled row that has no person's name and empty on most rows that
// have one, is the name of the contacts that are not people — firms (CO_NM,
// Firma, Raison sociale). Where one sampled row has no person's name, its
// value must read as a firm's (a legal form, "&"). It takes the company field only when exactly one
// column fits and the table has first or last names but no company or full
// name column. It reports whether a column changed.
func (p *Plan) companyByValues(sample [][]string) bool {
	if p.kind != "contacts" {
		return false
	}
	var nameCols []int
	for _, c := range p.Columns {
		switch c.Target {
		case "company", "full_name":
			return false
		case "first_name", "last_name":
			nameCols = append(nameCols, c.Index)
		}
	}
	if len(nameCols) == 0 {
		return false
	}
	cell := func(r []string, i int) string {
		if i < 0 || i >= len(r) {
			return ""
		}
		return strings.TrimSpace(r[i])
	}
	nameless, named := 0, 0
	for _, r := range sample {
		person := false
		for _, i := range nameCols {
			person = person || cell(r, i) != ""
		}
		if person {
			named++
		} else {
			nameless++
		}
	}
	if nameless == 0 {
		return false
	}
	found, evidence := -1, ""
	for ci, c := range p.Columns {
		if c.Via != ViaNone || c.Index < 0 {
			continue
		}
		onNameless, onNamed, firmLike := 0, 0, 0
		ok := true
		for _, r := range sample {
			person := false
			for _, i := range nameCols {
				person = person || cell(r, i) != ""
			}
			v := cell(r, c.Index)
			switch {
			case v == "":
			case person:
				onNamed++
			case !hasLetter(v) || strings.ContainsRune(v, '@'):
				ok = false // a number, a date, an e-mail: not a name
			default:
				onNameless++
				if looksCompany(v) {
					firmLike++
				}
			}
		}
		if !ok || onNameless != nameless || 2*onNamed > named {
			continue
		}
		if nameless == 1 && firmLike == 0 {
			// one row is thin evidence: it takes a firm's name written as
			// one ("Summit Construction Inc.", "Müller GmbH")
			continue
		}
		if found >= 0 {
			return false // two columns fit: the values do not say which
		}
		found = ci
		evidence = fmt.Sprintf("filled on all %d sampled rows without a person's name and on %d of the %d with one: the name of the contacts that are firms", nameless, onNamed, named)
	}
	if found < 0 {
		return false
	}
	c := &p.Columns[found]
	c.Target, c.Via, c.Confidence, c.Evidence = "company", ViaValues, 0.9, evidence
	return true
}
