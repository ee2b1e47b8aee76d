package mapping

import (
	"testing"

	"handover/core/model"
)

// ReadMoney takes a value for money only when its own form says so — a
// currency mark or two decimals — and reads its decimal mark from the value;
// ids, references, dates, times and phone numbers are never amounts.
func TestReadMoneyByItsForm(t *testing.T) {
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
		m, ok := ReadMoney(c.in)
		if !ok || m.Cents != c.cents || m.TwoDecimals != c.two {
			t.Errorf("ReadMoney(%q) = %+v, %v; want %d, %v, true", c.in, m, ok, c.cents, c.two)
		}
	}
	for _, in := range []string{
		"", "1017", "20240115", "R20575", "M-17", "2024-017", "2024/0017", "14:30", "1:06",
		"(206) 463-4671", "+41 44 123 45 67", "12.5", "1,234", "Suite 106", "12 High Street",
		"1.234.567", "3.14159", "x", "$", "EUR",
	} {
		if m, ok := ReadMoney(in); ok {
			t.Errorf("ReadMoney(%q) = %+v, an amount; want none", in, m)
		}
	}
}

// The forms the relational typing relied on (moneyValue's cases): money
// whatever its sign, code or grouping; dates, times, phones, ids are not.
func TestReadMoneyForms(t *testing.T) {
	for v, want := range map[string]bool{
		"1234.50": true, "-£1,234.56": true, "1'234.50 CHF": true, "(USD 75.00)": true, "75,00 €": true,
		"- $ 12.00": true, "JPY 1200": true, "1.234.567,89": true, "$90": true,
		"06.03.2024": false, "2024.01.15": false, "10:37": false, "(713) 282-8856": false, "2024-001": false,
		"M-17": false, "1.5": false, "2619": false, "+44 20 7946 0958": false, "12,34,567.00": false, "": false, "USD": false,
		"INV 1001": false, "R20575.00": false, "()": false,
	} {
		if _, ok := ReadMoney(v); ok != want {
			t.Errorf("ReadMoney(%q) ok = %v, want %v", v, ok, want)
		}
	}
}

// FuzzReadMoney (merged from FuzzReadAmount and relational's
// FuzzMoneyValue): any text reads as money or not without a panic; what is
// not money reads as nothing; what is money keeps reading so, negated and
// marked, with "-$" before it; the units stay within their cap.
func FuzzReadMoney(f *testing.F) {
	for _, s := range []string{"-$24.37", "275,00 CHF", "USD (2,515.35)", "R20575", "1,234",
		"1234.50", "-$64.87", "1.234,50 EUR", "(USD 75.00)", "10:37", "", ".", "-", "$", "USD", "(", "1'2", "12.50 CR"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, ok := ReadMoney(s)
		if !ok && m != (Money{}) {
			t.Fatalf("%q: not an amount but %+v", s, m)
		}
		if u := m.Units(); u < 0 || u > 100_000 {
			t.Fatalf("%q: units %d", s, u)
		}
		if ok {
			again, ok2 := ReadMoney("-$" + s)
			if !ok2 || !again.Marked || again.Cents != -m.Cents {
				t.Fatalf("%q is %+v but %q is %+v, %v", s, m, "-$"+s, again, ok2)
			}
		}
	})
}
