package relational

import "testing"

// A column of amounts written with their sign or currency code is a column
// of numbers, as the mapping will read them — so a ledger's AMT of "-$24.37"
// credit notes, or a rate of "275,00 CHF", is an amount, not text — while
// references with a letter in front (R20575) and phone numbers stay text.
func TestMoneyWithSignsOrCodesIsNumeric(t *testing.T) {
	for _, vals := range [][]string{
		{"$4963.65", "-$24.37", "$920.00", "-$251.87"},
		{"275,00 CHF", "300,00 CHF", "250,00 CHF", "275,00 CHF"},
		{"USD $1,757.50", "USD $455.86", "USD $4,416.64"},
		{"1.105,00 EUR", "2.708,27 EUR", "690,00 EUR"},
	} {
		c := newColumn("X", 0)
		for _, v := range vals {
			c.add(v)
		}
		if !c.numeric() || c.share(c.decimals2) < 0.5 || c.text() {
			t.Errorf("%q: numeric %v, two decimals %d of %d, text %v; want money", vals, c.numeric(), c.decimals2, c.nonEmpty, c.text())
		}
		if c.maxNum < 2 || c.maxNum > 5000 {
			t.Errorf("%q: largest %v, want the amounts' size", vals, c.maxNum)
		}
	}
	for _, vals := range [][]string{
		{"R20575", "R81444", "R37359"},
		{"(206) 463-4671", "(415) 404-3238"},
		{"M-17", "M-3", "M-104"},
	} {
		c := newColumn("X", 0)
		for _, v := range vals {
			c.add(v)
		}
		if c.numeric() {
			t.Errorf("%q read as numbers", vals)
		}
	}
}
