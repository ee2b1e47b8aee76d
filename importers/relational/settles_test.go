package relational

import (
	"math"
	"testing"
)

// readQuantity reads hours however a line writes them; readAmount money in
// any unit. Neither panics, and what they read is a number.
func TestReadQuantityAndAmount(t *testing.T) {
	for v, want := range map[string]float64{"1.5": 1.5, "1,5": 1.5, "1:30": 1.5, "0:06": 0.1, "45": 45, "275,00 EUR": 275, "$1,234.50": 1234.5, "141250": 141250} {
		read := readQuantity
		if want > 100 {
			read = readAmount
		}
		if got, ok := read(v); !ok || math.Abs(got-want) > 1e-9 {
			t.Errorf("%q: %v %v, want %v", v, got, ok, want)
		}
	}
	for _, v := range []string{"", "abc", "1:75", "B701", "1,2,3"} {
		if got, ok := readQuantity(v); ok {
			t.Errorf("%q read as %v", v, got)
		}
	}
}

func FuzzReadQuantity(f *testing.F) {
	for _, s := range []string{"1.5", "1,5", "1:30", "-0:30", "275,00 EUR", "(1,234.50)", "1e308", "NaN", ":", "9:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, read := range []func(string) (float64, bool){readQuantity, readAmount} {
			if v, ok := read(s); ok && (math.IsNaN(v) || math.IsInf(v, 0)) {
				t.Errorf("%q read as %v", s, v)
			}
		}
	})
}
