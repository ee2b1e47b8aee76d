package mapping

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"handover/core/model"
)

// oracleNormalize is Normalize without its ASCII shortcut.
func oracleNormalize(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

var normalizeSeeds = []string{"", "Client ID", "E-Mail", "Müller", "ÉMILE", "a\x00b", "Tel. (Work)", "\xff", "K", "İ", "١٢٣", "x_y-z 9"}

func TestNormalizeShortcutMatchesTheFullForm(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	pieces := []string{"A", "z", "0", "9", " ", "-", "_", ".", "@", "[", "`", "{", "\x7f", "\t", "é", "Ü", "\xff", "K", "ß"}
	vals := append([]string(nil), normalizeSeeds...)
	for i := 0; i < 50000; i++ {
		var b strings.Builder
		for n := rng.Intn(12); n > 0; n-- {
			b.WriteString(pieces[rng.Intn(len(pieces))])
		}
		vals = append(vals, b.String())
	}
	for _, v := range vals {
		if got, want := Normalize(v), oracleNormalize(v); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", v, got, want)
		}
	}
}

func FuzzNormalizeShortcut(f *testing.F) {
	for _, s := range normalizeSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if got, want := Normalize(v), oracleNormalize(v); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", v, got, want)
		}
	})
}

// splitTarget remembers reTarget's answer; it must be the pattern's, each time.
func TestSplitTargetIsThePatterns(t *testing.T) {
	for _, target := range []string{"emails[Work]", "phones[2].label", "address[Home].city", "emails[0]", "name", "address[Work]x", "emails[Work]"} {
		for range 2 {
			got, want := splitTarget(target), reTarget.FindStringSubmatch(target)
			if strings.Join(got, "|") != strings.Join(want, "|") || (got == nil) != (want == nil) {
				t.Errorf("splitTarget(%q) = %q, the pattern %q", target, got, want)
			}
		}
	}
}

// stray remembers its answer per column only while the column's target and
// the table's kind are the ones it was asked about.
func TestStrayFollowsTheTargetAndTheKind(t *testing.T) {
	p := &Plan{kind: "contacts", Columns: []Column{{Target: "matter"}, {Target: "first_name"}}}
	want := func(i int) bool { return !targetFits(p.Columns[i].Target, p.kind) }
	check := func(when string) {
		t.Helper()
		for i := range p.Columns {
			if got := p.stray(i); got != want(i) {
				t.Errorf("%s: stray(%d) = %v for target %q on %s", when, i, got, p.Columns[i].Target, p.kind)
			}
		}
	}
	check("first")
	check("again")
	p.kind = "time_entries"
	check("after the kind changed")
	p.Columns[1].Target = "hours"
	check("after a target changed")
}

// oracleValuesHash is how a row's key hash was made before valuesHash.
func oracleValuesHash(r *rowCtx) [32]byte {
	var pairs []string
	for i, c := range r.p.Columns {
		if v := r.at(i); v != "" && c.Target != "skip" {
			h := ""
			if i < len(r.p.normHeader) {
				h = r.p.normHeader[i]
			} else {
				h = Normalize(c.Header)
			}
			pairs = append(pairs, h+"="+strings.ToLower(strings.Join(strings.Fields(v), " ")))
		}
	}
	sort.Strings(pairs)
	return sha256.Sum256([]byte(strings.Join(pairs, "\x1f")))
}

func TestValuesHashIsTheJoinedPairsHash(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	pieces := []string{"a", "B", "1", " ", "  ", "\t", "\n", "\u00a0", "é", "\xff", "x y", ",", "\x1f", "="}
	value := func() string {
		var b strings.Builder
		for n := rng.Intn(6); n > 0; n-- {
			b.WriteString(pieces[rng.Intn(len(pieces))])
		}
		return b.String()
	}
	for i := 0; i < 20000; i++ {
		n := 1 + rng.Intn(20) // wider than valuesHash's stack buffer too
		p := &Plan{}
		row := make([]string, n)
		for j := 0; j < n; j++ {
			target := []string{"description", "skip", "", "matter"}[rng.Intn(4)]
			p.Columns = append(p.Columns, Column{Index: j, Header: value(), Target: target})
			row[j] = value()
		}
		if rng.Intn(2) == 0 {
			for _, c := range p.Columns {
				p.normHeader = append(p.normHeader, Normalize(c.Header))
			}
		}
		r := &rowCtx{p: p, row: row}
		if got, want := r.valuesHash(), oracleValuesHash(r); got != want {
			t.Fatalf("row %q: hash %x, the joined pairs' %x", row, got[:8], want[:8])
		}
	}
}

func TestIsoDateIsSprintf(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 100000; i++ {
		y, m, d := 1+rng.Intn(9999), 1+rng.Intn(12), 1+rng.Intn(31)
		if got, want := isoDate(y, m, d), fmt.Sprintf("%04d-%02d-%02d", y, m, d); got != want {
			t.Fatalf("isoDate(%d, %d, %d) = %q, want %q", y, m, d, got, want)
		}
	}
}

func TestNormalizesToIsNormalizeEquals(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	pieces := []string{"Date", "DATE", "date", " ", "-", "1", "é", "É", "\xff", "_", "Client ID", "client", "id", "K"}
	value := func() string {
		var b strings.Builder
		for n := rng.Intn(4); n > 0; n-- {
			b.WriteString(pieces[rng.Intn(len(pieces))])
		}
		return b.String()
	}
	for i := 0; i < 100000; i++ {
		v, other := value(), value()
		for _, norm := range []string{Normalize(other), Normalize(v), other} {
			if got, want := normalizesTo(v, norm), Normalize(v) == norm; got != want {
				t.Fatalf("normalizesTo(%q, %q) = %v, want %v", v, norm, got, want)
			}
		}
	}
}

// ParseCents' shortcut for plain amounts answers as the full reading does.
func TestPlainCentsIsParseCents(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	pieces := []string{"-", "-", "0", "1", "9", "12", "1500", "999999999999999", "0000000000000001", ".", ",", ".5", ",05", ".00", ".123", " ", "$", "+", "(", ")", "e", "\u00a0"}
	for i := 0; i < 200000; i++ {
		var b strings.Builder
		for n := 1 + rng.Intn(4); n > 0; n-- {
			b.WriteString(pieces[rng.Intn(len(pieces))])
		}
		v := b.String()
		for _, comma := range []bool{false, true} {
			got, gerr := ParseCents(v, comma)
			want, werr := parseCents(v, comma)
			if got != want || (gerr == nil) != (werr == nil) {
				t.Fatalf("ParseCents(%q, %v) = %d, %v; the full reading %d, %v", v, comma, got, gerr, want, werr)
			}
		}
	}
}

func FuzzPlainCents(f *testing.F) {
	for _, s := range []string{"1500.00", "-12,5", "0000000000000001", "1.", "-", "1.234,50", "(5)"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, v string, comma bool) {
		got, gerr := ParseCents(v, comma)
		want, werr := parseCents(v, comma)
		if got != want || (gerr == nil) != (werr == nil) {
			t.Fatalf("ParseCents(%q, %v) = %d, %v; the full reading %d, %v", v, comma, got, gerr, want, werr)
		}
	})
}

// The rune table (fold.go) must give the full form's answer: every rune
// below foldEnd alone, beside each other and beside combining marks of
// every class (which send a string back to the full form).
func TestNormalizeByTableMatchesTheFullForm(t *testing.T) {
	for _, s := range []string{"José", "Müller", "Łódź", "Ærøskøbing", "Straße", "Ωμέγα", "Фёдор", "ǅ", "ǘ"} {
		if _, ok := foldByTable(s); !ok {
			t.Errorf("%q is not folded by the table", s)
		}
	}
	marks := []string{"\u0301", "\u0308", "\u0316", "\u0344", "\u0345", "\u05b0", "\u093c", "\u0e38", "\u1dc0", "\u20d0", "\u0903"}
	var runes []string
	for r := rune(0); r < foldEnd+0x40; r++ {
		runes = append(runes, string(r))
	}
	for i, s := range runes {
		for _, v := range []string{s, s + runes[(i*7+3)%len(runes)], "a" + s + marks[i%len(marks)], s + marks[i%len(marks)] + s} {
			if got, want := Normalize(v), oracleNormalize(v); got != want {
				t.Errorf("Normalize(%q) = %q, want %q", v, got, want)
			}
		}
	}
	rng := rand.New(rand.NewSource(2))
	pieces := append([]string{"\xff", "\xc3", "\xa9", "K", "İ", "ﬁ", "Å"}, marks...)
	for i := 0; i < 20000; i++ {
		var b strings.Builder
		for n := rng.Intn(10); n > 0; n-- {
			if rng.Intn(4) == 0 {
				b.WriteString(pieces[rng.Intn(len(pieces))])
			} else {
				b.WriteString(runes[rng.Intn(len(runes))])
			}
		}
		if got, want := Normalize(b.String()), oracleNormalize(b.String()); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", b.String(), got, want)
		}
	}
}

// TestKeyWithoutIDIsProfileEntityHash: a row without an id is keyed by its
// table's profile, the record type and its values' hash, with -2, -3… for
// the same values again.
func TestKeyWithoutIDIsProfileEntityHash(t *testing.T) {
	p := &Plan{Profile: "pclaw-time", prof: &profile{}, Columns: []Column{{Index: 0, Header: "Date", Target: "date"}, {Index: 1, Header: "Hours", Target: "hours"}}}
	r := &rowCtx{p: p, row: []string{"11/16/2026", " 5.00 "}}
	sum := oracleValuesHash(r)
	want := "pclaw-time:time_entries:h:" + hex.EncodeToString(sum[:8])
	for i, suffix := range []string{"", "-2", "-3"} {
		if got := r.key(model.TimeEntries); got != want+suffix {
			t.Errorf("key %d = %q, want %q", i+1, got, want+suffix)
		}
	}
	other := &rowCtx{p: p, row: []string{"11/16/2026", "5.10"}}
	if got := other.key(model.TimeEntries); strings.HasSuffix(got, "-2") || got == want {
		t.Errorf("another row's key %q", got)
	}
}
