package mapping

import (
	"testing"

	"handover/core/model"
)

// ReadAmount takes a value for money only when its own form says so — a
// currency mark or two decimals — and reads its decimal mark from the value;
// ids, references, dates, times and phone numbers are never amounts.
func TestReadAmountByItsForm(t *testing.T) {
	for _, c := range []struct {
		in    string
		cents model.Cents
		two   bool
	}{
		{"-$24.37", -2437, true},
		{"275,00 CHF", 27500, true},
		{"1.234,50 EUR", 123450, true},
		{"USD $1,757.50", 175750, true},
		{"USD (2,515.35)", -251535, true},
		{"(€ 12,50)", -1250, true},
		{"£1,200", 120000, false},
		{"GBP 300", 30000, false},
		{"1.234,50", 123450, true},
		{"1,234.50", 123450, true},
		{"12,50", 1250, true},
		{"0.00", 0, true},
		{"R 1 234,50", 123450, true},
	} {
		got, two, ok := ReadAmount(c.in)
		if !ok || got != c.cents || two != c.two {
			t.Errorf("ReadAmount(%q) = %d, %v, %v; want %d, %v, true", c.in, got, two, ok, c.cents, c.two)
		}
	}
	for _, in := range []string{
		"", "1017", "20240115", "R20575", "M-17", "2024-017", "2024/0017", "14:30", "1:06",
		"(206) 463-4671", "+41 44 123 45 67", "12.5", "1,234", "Suite 106", "12 High Street",
		"1.234.567", "3.14159", "x", "$", "EUR",
	} {
		if got, _, ok := ReadAmount(in); ok {
			t.Errorf("ReadAmount(%q) = %d, an amount; want none", in, got)
		}
	}
}

func FuzzReadAmount(f *testing.F) {
	for _, s := range []string{"-$24.37", "275,00 CHF", "USD (2,515.35)", "R20575", "1,234"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, two, ok := ReadAmount(s)
		if !ok && (c != 0 || two) {
			t.Fatalf("%q: not an amount but %d, %v", s, c, two)
		}
	})
}
