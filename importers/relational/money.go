package relational

import (
	"strings"

	"handover/importers/mapping"
)

// moneyShare is the share of a column's values written as money in any of
// the forms exports use — "$1,234.50", "-$64.87", "(1,234.50)",
// "1.234,50 EUR", "USD $1757.50", "CHF 900" — whatever the header says. Pass
// 1 counts plain numbers only (stats.go); an amount with a currency code, a
// sign before its currency or a decimal comma is a number to nobody but the
// mapping, yet it says a table's rows carry money as plainly as 1234.50.
// Counted over the column's distinct values (each weighted by its rows), or
// over the sample when there were too many to keep.
func moneyShare(t *table, c *column) float64 {
	if c.nonEmpty == 0 {
		return 0
	}
	var hit, marked, seen int64
	large := false
	count := func(v string, n int64) {
		seen += n
		if m, ok := mapping.ReadMoney(v); ok {
			hit += n
			if m.Marked {
				marked += n
			}
			large = large || m.Units() >= 100
		}
	}
	if c.counts != nil {
		for v, n := range c.counts {
			count(v, int64(n))
		}
	} else {
		for _, r := range t.sample {
			if c.idx < len(r) {
				if v := strings.TrimSpace(r[c.idx]); v != "" {
					count(v, 1)
				}
			}
		}
	}
	if seen == 0 || hoursLike(hit, marked, large) {
		return 0
	}
	return float64(hit) / float64(seen)
}

// hoursLike: two decimals alone are hours too ("1,25" with a decimal comma):
// unless most of the column's amounts carry a currency, some amount must be
// beyond a day's hours for the column to be money.
func hoursLike(hit, marked int64, large bool) bool {
	return 2*marked < hit && !large
}

// moneyColumn: (almost) every value is an amount of money by its form,
// under a header that does not say hours.
func moneyColumn(t *table, c *column) bool {
	return !c.date() && !hasWord(c.name, hourWords) && moneyShare(t, c) >= 0.9
}

// inOut finds a ledger's two columns of money where each row fills one and
// never both — deposits and withdrawals, charges and payments — among the
// columns free to map. What comes in is the column with the larger total
// (money held does not go below nothing; what is billed is at least what is
// paid), the first of the two when the totals are equal. nil, nil when
// there is no such pair.
func inOut(t *table, free map[*column]bool) (in, out *column) {
	var cols []*column
	for _, c := range t.cols {
		if free[c] && c != t.pk && t.linkOf(c) == nil && c.nonEmpty > 0 && !c.date() &&
			(c.numeric() && (hasWord(c.name, moneyWords) || c.share(c.decimals2) >= 0.5) || moneyColumn(t, c)) {
			cols = append(cols, c)
		}
	}
	for i, a := range cols {
		for _, b := range cols[i+1:] {
			var onlyA, onlyB, both int
			var sumA, sumB float64
			for _, r := range t.sample {
				va, vb := cell(r, a), cell(r, b)
				switch {
				case va != "" && vb != "":
					both++
				case va != "":
					onlyA++
					sumA += roughAmount(va)
				case vb != "":
					onlyB++
					sumB += roughAmount(vb)
				}
			}
			if both > 0 || onlyA == 0 || onlyB == 0 {
				continue
			}
			if sumB > sumA {
				return b, a
			}
			return a, b
		}
	}
	return nil, nil
}

func cell(r []string, c *column) string {
	if c.idx < len(r) {
		return strings.TrimSpace(r[c.idx])
	}
	return ""
}

// roughAmount is v's size, good enough to compare two columns' totals: its
// digits, over a hundred when two decimals end it; the sign is dropped.
func roughAmount(v string) float64 {
	n, digits, mark := 0.0, 0, -1
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c >= '0' && c <= '9':
			n = 10*n + float64(c-'0')
			digits++
		case c == '.' || c == ',':
			mark = digits
		}
	}
	if mark >= 0 && digits-mark == 2 {
		n /= 100
	}
	return n
}
