package resolve

import (
	"testing"

	"handover/core/model"
)

// References are whatever the old system's users typed: folding and
// resolving any text never panics, and folding a folded number changes
// nothing (so a number written back out resolves to itself).
func FuzzResolve(f *testing.F) {
	for _, s := range []string{"Ana M. Ruiz", "Ruiz, Ana, Esq.", "2024-017", "M-0017", "Smith & Jones, L.L.C.", ",", "., ,", "Ñ'’&", "\xff\xfe", "0000"} {
		f.Add(s)
	}
	r := fixture()
	people := NewPeople([]Person{ParsePerson("Helen Lane <hlane@firm.example>"), ParsePerson("Harry Long"), {FirstName: "Ana", LastName: "de la Cruz", Initials: "AdlC"}})
	f.Fuzz(func(t *testing.T, s string) {
		if m := people.Match(s); m.Status == Found && (m.Index < 0 || m.Index > 2) || m.Status == Ambiguous && len(m.Candidates) < 2 {
			t.Errorf("person %q: %+v", s, m)
		}
		_ = ParsePerson(s)
		if n := Number(s); Number(n) != n {
			t.Errorf("Number(%q) = %q, but Number(%q) = %q", s, n, n, Number(n))
		}
		for _, kind := range []string{"", "id", "key", "name", "email", "phone", "number"} {
			res := r.Contact(model.Ref{Kind: kind, Value: s})
			if res.Status == Found && res.Key == "" || res.Status == Ambiguous && len(res.Candidates) < 2 {
				t.Errorf("contact %q: %+v", s, res)
			}
			res = r.Matter(model.Ref{Kind: kind, Value: s})
			if res.Status == Found && res.Key == "" || res.Status == Ambiguous && len(res.Candidates) < 2 {
				t.Errorf("matter %q: %+v", s, res)
			}
		}
	})
}
