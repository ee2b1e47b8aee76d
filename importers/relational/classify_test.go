package relational

import (
	"math"
	"math/rand"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// The patterns and functions classify.go and stats.go replaced, kept here as
// their oracle: the new forms must give the same answer on every value.
var (
	oracleTextDate = regexp.MustCompile(`^(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{1,2}[ -][A-Za-z]{3,9}[ -]\d{2,4}|[A-Za-z]{3,9}\.? \d{1,2},? \d{4})([ T]\d{1,2}:\d{2}(:\d{2})?(\.\d+)?( ?[AaPp][Mm])?(Z|[+-]\d{2}:?\d{2})?)?$`)
	oracleEmail    = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$`)
	oraclePhone    = regexp.MustCompile(`^\+?[\d\s().\-/]{7,22}$`)
	oracleClock    = regexp.MustCompile(`^\d{1,3}:\d{2}(:\d{2})?( ?[AaPp][Mm])?$`)
)

func oracleIsNum(v string) bool {
	v = strings.TrimLeft(v, "$€£")
	v = strings.ReplaceAll(v, ",", "")
	if strings.HasPrefix(v, "(") && strings.HasSuffix(v, ")") {
		v = v[1 : len(v)-1]
	}
	_, err := strconv.ParseFloat(v, 64)
	return err == nil && v != "" && !strings.ContainsAny(v, "eEnNiI")
}

func oracleParses(v string) bool {
	_, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimLeft(v, "$€£"), ",", ""), 64)
	return err == nil
}

// oracleNumber is how add read a value's size before parseNumber.
func oracleNumber(v string) (float64, bool) {
	if !mayParseFloat(v) {
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimLeft(v, "$€£"), ",", ""), 64)
	return f, err == nil
}

func oracleIsBool(v string) bool {
	switch strings.ToLower(v) {
	case "0", "1", "-1", "y", "n", "yes", "no", "true", "false", "t", "f", "x":
		return true
	}
	return false
}

func oraclePersonName(v string) bool {
	ws := strings.Fields(strings.ReplaceAll(v, ",", " "))
	if len(ws) < 2 || len(ws) > 4 {
		return false
	}
	for _, w := range ws {
		r := []rune(w)
		if !unicode.IsUpper(r[0]) {
			return false
		}
		for _, x := range r {
			if !unicode.IsLetter(x) && x != '.' && x != '\'' && x != '-' {
				return false
			}
		}
	}
	return true
}

func oracleOneWord(v string) bool {
	r := []rune(v)
	if len(r) < 2 || !unicode.IsUpper(r[0]) {
		return false
	}
	for _, x := range r[1:] {
		if !unicode.IsLower(x) && x != '\'' && x != '-' {
			return false
		}
	}
	return true
}

func checkClassifiers(t *testing.T, v string) {
	t.Helper()
	for _, c := range []struct {
		name      string
		got, want bool
	}{
		{"isTextDate", isTextDate(v), oracleTextDate.MatchString(v)},
		{"isEmail", isEmail(v), oracleEmail.MatchString(v)},
		{"isPhone", isPhone(v), oraclePhone.MatchString(v)},
		{"isClock", isClock(v), oracleClock.MatchString(v)},
		{"isNum", isNum(v), oracleIsNum(v)},
		{"mayParseFloat (false only when ParseFloat fails)", mayParseFloat(v) || !oracleParses(v), true},
		{"isBool", isBool(v), oracleIsBool(v)},
		{"personName", personName(v), oraclePersonName(v)},
		{"oneWord", oneWord(v), oracleOneWord(v)},
	} {
		if c.got != c.want {
			t.Errorf("%s(%q) = %v, the oracle says %v", c.name, v, c.got, c.want)
		}
	}
	f, ok := parseNumber(v)
	of, ook := oracleNumber(v)
	if ok != ook || ok && math.Float64bits(f) != math.Float64bits(of) && !(math.IsNaN(f) && math.IsNaN(of)) {
		t.Errorf("parseNumber(%q) = %v, %v; the oracle says %v, %v", v, f, ok, of, ook)
	}
}

func pick(rng *rand.Rand, s ...string) string { return s[rng.Intn(len(s))] }

func someDigits(rng *rand.Rand, lo, hi int) string {
	b := make([]byte, lo+rng.Intn(hi-lo+1))
	for i := range b {
		b[i] = byte('0' + rng.Intn(10))
	}
	return string(b)
}

func letters(rng *rand.Rand, lo, hi int) string {
	b := make([]byte, lo+rng.Intn(hi-lo+1))
	for i := range b {
		b[i] = byte(pick(rng, "a", "B", "z", "M", "q")[0])
	}
	return string(b)
}

// shaped builds values that fully or nearly match one of the classes.
func shaped(rng *rand.Rand) string {
	sep := func() string { return pick(rng, "-", "/", ".", " ", ":", ",") }
	var v string
	switch rng.Intn(8) {
	case 7: // amounts, numbers and codes made of digits
		v = pick(rng, "", "-", "+", "$", "€", "£", "(", "$-", "--") + someDigits(rng, 0, 4) + pick(rng, "", ",", ".", "-", "_", "e", "x", " ") +
			someDigits(rng, 0, 4) + pick(rng, "", ".", ",", "e-", "E+", "p", "/") + someDigits(rng, 0, 3) + pick(rng, "", ")", "%", " CHF")
		if rng.Intn(10) == 0 {
			v = someDigits(rng, 30, 45) + pick(rng, "", ".", ".5")
		}
		return v
	case 0:
		v = someDigits(rng, 1, 5) + sep() + someDigits(rng, 1, 3) + sep() + someDigits(rng, 1, 5)
	case 1:
		v = someDigits(rng, 1, 3) + pick(rng, " ", "-", "/") + letters(rng, 2, 10) + pick(rng, " ", "-", ".") + someDigits(rng, 1, 5)
	case 2:
		v = letters(rng, 2, 10) + pick(rng, ".", "", ",") + pick(rng, " ", "", "  ") + someDigits(rng, 1, 3) + pick(rng, ",", "", ".") + pick(rng, " ", "") + someDigits(rng, 3, 5)
	case 3:
		return pick(rng, "", "a", "Ana", "ana.b") + pick(rng, "@", "@@", "") + pick(rng, "x", "", "x.y", ".") + pick(rng, ".", "") + letters(rng, 0, 3)
	case 4:
		return pick(rng, "+", "", "++") + someDigits(rng, 0, 4) + pick(rng, " ", "(", ")", "-", ".", "/", "\t", "x") + someDigits(rng, 0, 12)
	case 5:
		v = someDigits(rng, 0, 4) + pick(rng, ":", ".", "") + someDigits(rng, 1, 3)
		if rng.Intn(2) == 0 {
			v += pick(rng, ":", ".") + someDigits(rng, 1, 3)
		}
		return v + pick(rng, "", " AM", "pm", " P", "  am", "PMs")
	case 6:
		return pick(rng, "Ana", "ana", "ANA", "Émile", "O'Brien", "J.", "Ruiz-Gil", "3M", "ſam", "K", "İ", "\xff") +
			pick(rng, " ", ",", ", ", "", "\u00a0", "\t") + pick(rng, "Ruiz", "ruiz", "M.", "", "Ann Lee", "Ann Lee Bo Xu", "Yeſ")
	}
	if rng.Intn(2) == 0 { // a time of day and maybe a zone
		v += pick(rng, " ", "T", "") + someDigits(rng, 1, 3) + ":" + someDigits(rng, 1, 3)
		if rng.Intn(2) == 0 {
			v += ":" + someDigits(rng, 1, 3)
		}
		if rng.Intn(3) == 0 {
			v += "." + someDigits(rng, 0, 3)
		}
		if rng.Intn(3) == 0 {
			v += pick(rng, " ", "") + pick(rng, "AM", "pm", "a", "PMx")
		}
		if rng.Intn(3) == 0 {
			v += pick(rng, "Z", "z", "+", "-") + someDigits(rng, 1, 3) + pick(rng, ":", "") + someDigits(rng, 1, 3)
		}
	}
	return v
}

func mutate(rng *rand.Rand, v string) string {
	if v == "" || rng.Intn(2) == 0 {
		return v
	}
	i := rng.Intn(len(v))
	switch rng.Intn(3) {
	case 0:
		return v[:i] + v[i+1:]
	case 1:
		return v[:i] + v[i:i+1] + v[i:]
	}
	return v[:i] + pick(rng, "0", "-", " ", "T", ":", "a", "\xff", "$", ".", ",", "@", "Z") + v[i+1:]
}

var classifySeeds = []string{
	"", "2024-01-05", "5/1/24", "05/01/2024 10:30:15.123 PM+05:30", "5 Jan 2024", "5-January-24", "Jan. 5, 2024",
	"January 5 2024T10:30Z", "2024-1-5 9:05am", "2024-01-05 10:30-0500", "2024-01-05 10:30+05", "1/1/1 1:11",
	"a@b.co", "a@b.c", "@b.co", "a@.co", "a b@c.co", "a@b@c.co", "a@b.co1", "+1 (555) 123-4567", "+", "555.123",
	"12:30", "123:45:67 pm", "1234:56", "1:5", "$1,234.50", "(12)", "-1e5", "NaN", "inf", "0x1p3", "1_000", ",5",
	"1500.00", "-12.5", "+.5", "5.", ".", "-", "+-1", "1.2.3", "20-39775", "21270.010", "INV-33024", "1-1", "0x1.8p1", "1e+5", "Infinity", "-nan",
	"0X1.8P3", "0x_1p-2", "-0xA.bp+1", "0xDp0", "0xc.Fp1", "0x1f", "+.5", "(0x1p1)", "1.5t", "Infinity",
	"Yes", "FALSE", "-1", "yeſ", "K", "Ana M. Ruiz", "Ruiz, Ana", "Ana Ruiz Lee Bo Xu", "O'Brien", "Müller", "ÉMILE",
}

func TestClassifiersMatchTheirOracles(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for _, v := range classifySeeds {
		checkClassifiers(t, v)
	}
	hits := 0
	for i := 0; i < 300000 && !t.Failed(); i++ {
		v := mutate(rng, shaped(rng))
		checkClassifiers(t, v)
		if oracleTextDate.MatchString(v) || oracleEmail.MatchString(v) || oracleClock.MatchString(v) || oraclePhone.MatchString(v) {
			hits++
		}
	}
	if hits < 10000 { // the generator must reach the patterns, not only miss them
		t.Fatalf("only %d generated values match a pattern", hits)
	}
}

func FuzzClassifiersMatchTheirOracles(f *testing.F) {
	for _, s := range classifySeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) { checkClassifiers(t, v) })
}
