package relational

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"handover/importers/mapping"
)

// What names an invoice of an invoice listing, row after row, without naming
// a matter or a client, is one of two things, and they must not be taken
// for each other:
//
//   - the payments of those invoices (a cash-receipts export keyed by
//     invoice): each row lowers the receivable of the invoice's matter,
//     which the listing gives;
//   - the invoices' lines (what each bill was made of: a description,
//     hours or a quantity, a rate, the line's amount): billed history, which
//     moves no balance — read as payments they would take every invoice off
//     the receivables twice over.
//
// The values tell them apart, not the headers (a lines table is as often
// called INVOICE_DETAIL as BILL_ITEMS or LINES): a row whose quantity times
// its rate is its amount was billed, not paid; undated amounts, several to an
// invoice, that add up to the invoice's amount are its lines (a receipt
// carries the day it came in); dated amounts that do neither are payments.
// Undated amounts with no such proof stay unread (their rows are rejected
// with the reason, for the office manager to type the table).
const (
	settlesPayments = "payments"
	settlesLines    = "lines"
)

// invoiceLink is t's link into an invoice listing's invoice numbers — an
// A/R table's unique column that is neither its amount nor its date — when t
// names no matter and no client. nil otherwise.
func invoiceLink(t *table) *link {
	if t.linksTo("matters") != nil || t.linksTo("contacts") != nil {
		return nil
	}
	return invoiceRef(t)
}

// invoiceRef is t's link into an invoice listing's invoice numbers,
// whatever else t links to; nil when it has none.
func invoiceRef(t *table) *link {
	for _, l := range t.links {
		u := l.parent
		if u == t || u.holds != "ledger:ar" || l.key.dup || l.key.date() {
			continue
		}
		if uf := featuresOf(u); l.key == uf.amount || l.col == featuresOf(t).amount {
			continue
		}
		return l
	}
	return nil
}

// settlements types the tables that name an invoice listing's invoices and
// nothing else they hang on (see above): once every table is typed and the
// matters named by number and description are linked (a time table naming
// its matter so is no invoice's line), and over a leaf typed from its hours
// (a lines table with a date is no time entry: time is kept against a
// matter). It returns the tables it typed.
func settlements(tables []*table) (retyped []*table) {
	for _, t := range tables {
		before := t.holds
		if t.virtual || !(t.holds == "" || t.holds == "time_entries" || strings.HasPrefix(t.holds, "ledger:")) {
			continue
		}
		l := invoiceLink(t)
		if l == nil {
			// a ledger of the matters' (or clients') money whose rows also
			// name an invoice of the listing settles those invoices: their
			// payments (and refunds), not money held in trust, however its
			// money flows (mapping's trustByFlow) and whatever its types say
			// (a trust ledger whose transfers to fees name an invoice names
			// none on its deposits: every row of a payment list names one)
			if r := invoiceRef(t); r != nil && strings.HasPrefix(t.holds, "ledger:") && featuresOf(t).date != nil && 10*r.col.nonEmpty >= 9*t.rows {
				if _, _, _, n := itemised(t); n == 0 {
					t.holds, t.settles, t.overrules = "ledger:ar", true, true
					t.why = fmt.Sprintf("payments of the invoices of %s: %s names them", r.parent.name, r.col.name)
					retyped = append(retyped, t)
				}
			}
			continue
		}
		amount := moneyOf(t) // (a line's amount, not its rate: the larger total)
		if amount == nil {
			continue
		}
		switch kind, why := settles(t, l, amount, featuresOf(t).date != nil); {
		case kind == settlesLines:
			t.holds, t.lines, t.lineAmount = "ledger:ar", true, amount
			t.why = fmt.Sprintf("the lines of the invoices of %s (%s): %s; billed history, no balance", l.parent.name, l.col.name, why)
		case kind == settlesPayments && t.holds != "time_entries": // (hours, a date, and amounts: time, not receipts)
			t.holds, t.lines, t.settles = "ledger:ar", false, true
			t.why = fmt.Sprintf("payments of the invoices of %s (%s), each against its invoice's matter: %s", l.parent.name, l.col.name, why)
		}
		if t.lines || t.settles {
			t.overrules = t.overrules || t.holds != before // (a flat file's own reading yields to its values)
			retyped = append(retyped, t)
		}
	}
	return retyped
}

// settles decides what t's rows are to the invoices they name, and why.
func settles(t *table, l *link, amount *column, dated bool) (kind, why string) {
	if q, r, a, n := itemised(t); n > 0 {
		return settlesLines, fmt.Sprintf("on %d sampled rows %s × %s is %s", n, q.name, r.name, a.name)
	}
	sums, joined, several := addsUp(t, l, amount)
	switch {
	case !dated && joined >= 3 && sums*10 >= joined*9 && several > 0:
		return settlesLines, fmt.Sprintf("undated amounts, several to an invoice, adding up to %d of the %d invoices' amounts", sums, joined)
	case dated:
		return settlesPayments, fmt.Sprintf("dated amounts (%s)", amount.name)
	}
	return "", ""
}

// itemised: on the sampled rows, one column times another is a third — a
// quantity (hours as decimals, h:mm, minutes or six-minute units) times a
// rate is the line's amount. It returns the three columns and the rows that
// show it (0 when too few rows, or too few of those that fill all three, do).
func itemised(t *table) (qty, rate, amount *column, rows int) {
	var nums []*column
	for _, c := range t.cols {
		if c != t.pk && t.linkOf(c) == nil && !c.date() && (c.numeric() || moneyColumn(t, c) || c.share(c.clock) >= 0.9) {
			nums = append(nums, c)
		}
	}
	for _, r := range nums {
		for _, q := range nums {
			for _, am := range nums {
				if q == r || am == q || am == r || q.maxNum > r.maxNum {
					continue // (of the two factors, the rate is the larger number)
				}
				if h, n := product(t, q, r, am); h > rows && h >= 3 && h*5 >= n*4 {
					qty, rate, amount, rows = q, r, am, h
				}
			}
		}
	}
	return qty, rate, amount, rows
}

// product counts the sampled rows where q × r is am (hit) among those that
// fill all three (filled).
func product(t *table, q, r, amount *column) (hit, filled int) {
	for _, row := range t.sample {
		a, okA := num(row, amount, readAmount)
		p, okR := num(row, r, readAmount)
		n, okQ := num(row, q, readQuantity)
		if !okA || !okR || !okQ || p == 0 || a == 0 || n == 0 {
			continue
		}
		filled++
		hours := a / p
		for _, unit := range []float64{1, 60, 10} { // hours, minutes, six-minute units
			if math.Abs(hours*unit-n) <= 0.011*unit {
				hit++
				break
			}
		}
	}
	return hit, filled
}

// addsUp joins t's sample with the invoice listing's on the invoice number:
// of the invoices both samples hold (and whose rows of t the sample holds
// all of), how many t's amounts add up to exactly, how many were joined,
// and how many of those that add up have several rows in t.
func addsUp(t *table, l *link, amount *column) (sums, joined, several int) {
	u := l.parent
	billed := moneyOf(u)
	if billed == nil {
		return 0, 0, 0
	}
	invoice := map[string]float64{}
	for _, row := range u.sample {
		if v, ok := num(row, billed, readAmount); ok && text(row, l.key) != "" {
			invoice[text(row, l.key)] = v
		}
	}
	total := map[string]float64{}
	count := map[string]int{}
	last := ""
	for _, row := range t.sample {
		v, ok := num(row, amount, readAmount)
		if text(row, l.col) == "" || !ok {
			continue
		}
		last = text(row, l.col)
		total[last] += v
		count[last]++
	}
	if int64(len(t.sample)) < t.rows {
		delete(total, last) // its rows may go on past the sample
	}
	for k, v := range total {
		want, ok := invoice[k]
		if !ok {
			continue
		}
		joined++
		if math.Abs(v-want) < 0.005 {
			sums++
			if count[k] > 1 {
				several++
			}
		}
	}
	return sums, joined, several
}

// moneyOf is a ledger's amount: of its money columns, the one with the
// largest total (what is paid or still owed is a part of what was billed; a
// line's rate a part of its amount).
func moneyOf(u *table) *column {
	var best *column
	bestSum := 0.0
	for _, c := range u.cols {
		if c == u.pk || u.linkOf(c) != nil || c.date() || !(moneyColumn(u, c) || c.numeric() && hasWord(c.name, moneyWords) || c.numeric() && c.share(c.decimals2) >= 0.5) {
			continue
		}
		sum := 0.0
		for _, row := range u.sample {
			if v, ok := num(row, c, readAmount); ok {
				sum += math.Abs(v)
			}
		}
		if best == nil || sum > bestSum {
			best, bestSum = c, sum
		}
	}
	return best
}

// text is row's value of c, trimmed.
func text(row []string, c *column) string {
	if c == nil || c.idx >= len(row) {
		return ""
	}
	return strings.TrimSpace(row[c.idx])
}

// num reads row's value of c as a number with read.
func num(row []string, c *column, read func(string) (float64, bool)) (float64, bool) {
	return read(text(row, c))
}

// readAmount reads an amount in whatever unit its table writes it (whole
// cents and units alike: only ratios and equal totals are compared).
func readAmount(v string) (float64, bool) {
	if v == "" {
		return 0, false
	}
	if m, ok := mapping.ReadMoney(v); ok {
		return float64(m.Cents) / 100, true
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil && strings.Count(v, ",") == 1 {
		f, err = strconv.ParseFloat(strings.Replace(v, ",", ".", 1), 64)
	}
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) { // ("NaN", "Inf": no amount)
		return 0, false
	}
	return f, true
}

// readQuantity reads a quantity: a number (decimal point or comma) or h:mm as hours.
func readQuantity(v string) (float64, bool) {
	if h, m, ok := strings.Cut(v, ":"); ok {
		hh, err1 := strconv.Atoi(h)
		mm, err2 := strconv.Atoi(m)
		if err1 != nil || err2 != nil || mm < 0 || mm >= 60 || hh < 0 {
			return 0, false
		}
		return float64(hh) + float64(mm)/60, true
	}
	return readAmount(v)
}

// trustKeptIn names, for a money table t hanging on matters whose money
// flows as a trust account's and whose words read as payments and their
// refunds (PMT, RFND: mapping's PaymentsOrTrust), the table of the same
// source that keeps the firm's trust money, when the source also lists
// invoices in a table of their own (receivables with a key, an amount and a
// matter). "" otherwise, and for a table whose name says trust. Beside a
// trust account of its own and a list of invoices, such a table is the
// invoices' payments and refunds, not a second trust account
// (Hints.TrustKeptIn; the mapping reads its words).
func trustKeptIn(t *table, tables []*table) string {
	if t.virtual || t.holds != "ledger:ar" && t.holds != "ledger:trust" || t.lines || t.linksTo("matters") == nil || hasWord(t.name, trustWords) {
		return ""
	}
	var keeper *table
	listed := false
	for _, u := range tables {
		switch {
		case u == t || u.virtual:
		case u.holds == "ledger:trust":
			if keeper == nil || hasWord(u.name, trustWords) && !hasWord(keeper.name, trustWords) {
				keeper = u
			}
		case u.holds == "ledger:ar" && u.pk != nil && !u.lines && featuresOf(u).amount != nil && u.linksTo("matters") != nil:
			listed = true
		}
	}
	if keeper == nil || !listed {
		return ""
	}
	// read as receivables with its matter column known, and its type,
	// amount and date columns where its first reading found them (a
	// trust reading knows words an A/R one does not: "Art")
	h := mapping.Hints{Kind: "ledger:ar", Columns: map[string]mapping.ColumnHint{t.linksTo("matters").col.name: {Target: "matter"}}}
	for c, target := range firstReading(t, "ledger.type", "ledger.amount", "date") {
		h.Columns[c.name] = mapping.ColumnHint{Target: target}
	}
	p, err := mapping.ChooseWithHints(filepath.Base(t.path), t.t.Name, t.t.Header, t.sample, nil, "", h)
	if err != nil || !p.PaymentsOrTrust() {
		return ""
	}
	return keeper.name
}

// paymentsBesideTrust types as receivables each table trustKeptIn names a
// trust keeper for; its hints carry the keeper's name.
func paymentsBesideTrust(tables []*table) {
	for _, t := range tables {
		if k := trustKeptIn(t, tables); k != "" {
			t.holds, t.overrules, t.keptIn = "ledger:ar", true, k
			t.why = fmt.Sprintf("payments of invoices and their refunds: the trust money is kept in %s", k)
			// the type column its first reading found stays the type (a
			// trust profile knows "Art"; the A/R one may not)
			for c := range firstReading(t, "ledger.type") {
				if t.targets != nil {
					t.targets[c] = "ledger.type"
				}
			}
		}
	}
}

// firstReading is t's columns its first reading (t.plan, made when its
// type was decided) took for one of targets, with the target each took.
func firstReading(t *table, targets ...string) map[*column]string {
	found := map[*column]string{}
	if t.plan == nil {
		return found
	}
	for _, c := range t.plan.Columns {
		if col := t.byIndex(c.Index); col != nil && slices.Contains(targets, c.Target) {
			found[col] = c.Target
		}
	}
	return found
}
