package relational

import "strings"

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
	// two decimals alone are hours too ("1,25" with a decimal comma): without
	// a currency, some amount must be beyond a day's hours
	var hit, marked, seen int64
	large := false
	count := func(v string, n int64) {
		seen += n
		if ok, currency, units := moneyValue(v); ok {
			hit += n
			if currency {
				marked += n
			}
			large = large || units >= 100
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
	if seen == 0 || 2*marked < hit && !large {
		return 0
	}
	return float64(hit) / float64(seen)
}

// moneyColumn: (almost) every value is an amount of money by its form,
// under a header that does not say hours.
func moneyColumn(t *table, c *column) bool {
	return !c.date() && !hasWord(c.name, hourWords) && moneyShare(t, c) >= 0.9
}

// moneyValue: v is an amount — digits with two decimals after a point or a
// comma (thousands grouped or not), or any number carrying a currency code
// or sign; a sign, brackets or a code around it in any order. A date
// ("06.03.2024"), a time ("10:37"), a phone number or an id ("2619") is not.
// currency says a code or sign was written; units is the whole part's value
// (capped: only "100 or more" matters).
func moneyValue(v string) (ok, currency bool, units int) {
	s := strings.TrimSpace(strings.ReplaceAll(v, "\u00a0", " "))
	for changed := true; changed && s != ""; {
		changed = false
		if len(s) >= 2 && s[0] == '(' && s[len(s)-1] == ')' {
			s, changed = strings.TrimSpace(s[1:len(s)-1]), true
		}
		for _, sign := range []string{"-", "+", "$", "€", "£"} {
			if strings.HasPrefix(s, sign) {
				s, changed = strings.TrimSpace(s[len(sign):]), true
				currency = currency || len(sign) > 1 || sign == "$"
			}
			if strings.HasSuffix(s, sign) {
				s, changed = strings.TrimSpace(s[:len(s)-len(sign)]), true
				currency = currency || len(sign) > 1 || sign == "$"
			}
		}
		if code := currencyCode(s, true); code > 0 {
			s, changed, currency = strings.TrimSpace(s[code:]), true, true
		}
		if code := currencyCode(s, false); code > 0 {
			s, changed, currency = strings.TrimSpace(s[:len(s)-code]), true, true
		}
	}
	if s == "" || s[0] < '0' || s[0] > '9' || s[len(s)-1] < '0' || s[len(s)-1] > '9' {
		return false, false, 0
	}
	marks, lastMark := 0, -1
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
		case c == '.' || c == ',' || c == '\'' || c == ' ':
			marks++
			lastMark = i
		default:
			return false, false, 0
		}
	}
	twoDecimals := lastMark >= 0 && lastMark == len(s)-3 && (s[lastMark] == '.' || s[lastMark] == ',')
	if marks > 0 && !twoDecimals && !currency {
		return false, false, 0 // "06.03.2024", "1.5"
	}
	// the groups before the decimals are thousands: 1,234 or 1.234.567
	body := s
	if twoDecimals {
		body = s[:lastMark]
	}
	if marks == 0 && !currency {
		return false, false, 0 // a bare integer is an id or a count unless it names its currency
	}
	groups := strings.FieldsFunc(body, func(r rune) bool { return r == '.' || r == ',' || r == '\'' || r == ' ' })
	for i, g := range groups {
		if i == 0 && (len(g) < 1 || len(g) > 3 && len(groups) > 1) || i > 0 && len(g) != 3 {
			return false, false, 0
		}
		if len(g) >= 6 {
			units = 100_000
		} else {
			units = min(100_000, units*pow10(len(g))+atoiDigits(g))
		}
	}
	return len(groups) > 0, currency, units
}

func pow10(n int) int {
	p := 1
	for range n {
		p *= 10
	}
	return p
}

func atoiDigits(g string) int {
	n := 0
	for i := 0; i < len(g) && n < 100_000; i++ {
		n = 10*n + int(g[i]-'0')
	}
	return n
}

// currencyCode: the length of an ISO-style code (three capital letters,
// "Fr." or "R") at the start (prefix) or end of s, followed or preceded by a
// space or a digit; 0 when there is none.
func currencyCode(s string, prefix bool) int {
	if len(s) < 4 {
		return 0
	}
	upper := func(c byte) bool { return c >= 'A' && c <= 'Z' }
	sep := func(c byte) bool { return c == ' ' || c == '$' || c >= '0' && c <= '9' }
	if prefix {
		if upper(s[0]) && upper(s[1]) && upper(s[2]) && sep(s[3]) {
			return 3
		}
		return 0
	}
	n := len(s)
	if upper(s[n-1]) && upper(s[n-2]) && upper(s[n-3]) && sep(s[n-4]) {
		return 3
	}
	return 0
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
