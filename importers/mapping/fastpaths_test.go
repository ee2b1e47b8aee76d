package mapping

import (
	"math/rand"
	"strings"
	"testing"

	"handover/core/model"
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

// derivable compares the folded name parts in place; derivableByText, which
// builds and folds each name form, must give the same answer.
func TestDerivableMatchesTheTextForms(t *testing.T) {
	pool := []string{"", "", "Ana", "José", "MARÍA", "de la Cruz", "O'Brien", "Müller", "Łódź", "Ωμέγα", "e\u0301", "\u0301x", "K", "\xff", "Dr.", "Inc", "1", "ǅ"}
	rng := rand.New(rand.NewSource(1))
	yes := 0
	for i := 0; i < 100000; i++ {
		c := &model.Contact{Prefix: pool[rng.Intn(len(pool))], FirstName: pool[rng.Intn(len(pool))], MiddleName: pool[rng.Intn(len(pool))],
			LastName: pool[rng.Intn(len(pool))], Name: pool[rng.Intn(len(pool))]}
		company := pool[rng.Intn(len(pool))]
		forms := []string{company, c.Name, c.LastName + ", " + c.FirstName, c.FirstName + " " + c.LastName, c.LastName + c.FirstName + " " + c.MiddleName,
			c.FirstName + " " + c.MiddleName + " " + c.LastName, c.Prefix + " " + c.FirstName + c.MiddleName + c.LastName, c.LastName + c.Prefix + c.FirstName + c.MiddleName,
			pool[rng.Intn(len(pool))], "-", ""}
		display := forms[rng.Intn(len(forms))]
		got, want := derivable(display, c, company), derivableByText(display, c, company)
		if got != want {
			t.Fatalf("derivable(%q, %+v, %q) = %v, the text forms say %v", display, *c, company, got, want)
		}
		if got {
			yes++
		}
	}
	if yes < 20000 {
		t.Fatalf("only %d displays were derivable", yes)
	}
}
