package mapping

import (
	"math/rand"
	"strings"
	"testing"
)

// oracleYesNo is yesNo without its ASCII shortcut.
func oracleYesNo(s string) (bool, bool) {
	w := strings.ToLower(strings.TrimSpace(s))
	if yesWords[w] {
		return true, true
	}
	if noWords[w] || w == "" {
		return false, true
	}
	if !isASCII(w) {
		if f := Normalize(w); yesWords[f] || noWords[f] {
			return yesWords[f], true
		}
	}
	return false, false
}

var yesNoSeeds = []string{"", " ", "Y", " yes ", "TRUE", "\tNo\n", "Off", "-1", "0", "x", "Non", "nÃo", "NÃO", "✓", "\u00a0yes", "yes\u00a0", "K", "ON ", "checked", "UNCHECKED", "Verdadeiro", "verdadeiro-", "a very long value here"}

func TestYesNoShortcutMatchesTheFullForm(t *testing.T) {
	var words []string
	for w := range yesWords {
		words = append(words, w)
	}
	for w := range noWords {
		words = append(words, w)
	}
	pieces := []string{" ", "\t", "\r\n", "\v", "\f", "-", ".", "\u00a0", "é", "\xff"}
	rng := rand.New(rand.NewSource(1))
	vals := append([]string(nil), yesNoSeeds...)
	for i := 0; i < 30000; i++ {
		w := []byte(words[rng.Intn(len(words))])
		for j := range w {
			if w[j] >= 'a' && w[j] <= 'z' && rng.Intn(2) == 0 {
				w[j] -= 'a' - 'A'
			}
		}
		v := string(w)
		for n := rng.Intn(3); n > 0; n-- {
			p := pieces[rng.Intn(len(pieces))]
			if rng.Intn(2) == 0 {
				v = p + v
			} else {
				v += p
			}
		}
		vals = append(vals, v)
	}
	known := 0
	for _, v := range vals {
		gy, gk := yesNo(v)
		wy, wk := oracleYesNo(v)
		if gy != wy || gk != wk {
			t.Errorf("yesNo(%q) = %v, %v; the full form %v, %v", v, gy, gk, wy, wk)
		}
		if gk {
			known++
		}
	}
	if known < len(vals)/4 {
		t.Fatalf("only %d of %d values read as yes or no", known, len(vals))
	}
}

func FuzzYesNoShortcut(f *testing.F) {
	for _, s := range yesNoSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		gy, gk := yesNo(v)
		wy, wk := oracleYesNo(v)
		if gy != wy || gk != wk {
			t.Errorf("yesNo(%q) = %v, %v; the full form %v, %v", v, gy, gk, wy, wk)
		}
	})
}
