package tabular

import (
	"math/rand"
	"regexp"
	"testing"
)

// The patterns dateLike and numberLike replace, kept here as their oracle.
var (
	oracleDateLike = regexp.MustCompile(`^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}([ T]\d{1,2}:\d{2}(:\d{2})?)?( ?[AaPp][Mm])?$`)
	oracleNumber   = regexp.MustCompile(`^[-+(]?[$€£]?\s?[\d.,' ]+%?\)?$`)
)

// patternValue builds a value from the pieces the patterns are made of, so
// that near-misses (one digit too many, a missing separator) are common.
func patternValue(rng *rand.Rand) string {
	pieces := []string{"1", "12", "123", "2024", "20245", "0", "-", "/", ".", ",", " ", "T", ":", "AM", "pm", "P", "m",
		"$", "€", "£", "(", ")", "%", "'", "+", "\t", "\n", "\r", "\f", "\v", "Jan", "x", "Z", "@", "\xe2\x82", "\xff", "é"}
	n := 1 + rng.Intn(9)
	b := []byte{}
	for i := 0; i < n; i++ {
		b = append(b, pieces[rng.Intn(len(pieces))]...)
	}
	return string(b)
}

func digits(rng *rand.Rand, lo, hi int) string {
	b := make([]byte, lo+rng.Intn(hi-lo+1))
	for i := range b {
		b[i] = byte('0' + rng.Intn(10))
	}
	return string(b)
}

func pick(rng *rand.Rand, s ...string) string { return s[rng.Intn(len(s))] }

// dateShaped builds a value the date pattern nearly or fully matches.
func dateShaped(rng *rand.Rand) string {
	sep := func() string { return pick(rng, "-", "/", ".", " ", ":") }
	v := digits(rng, 1, 5) + sep() + digits(rng, 1, 3) + sep() + digits(rng, 1, 5)
	if rng.Intn(2) == 0 {
		v += pick(rng, " ", "T", "", "t") + digits(rng, 0, 3) + ":" + digits(rng, 1, 3)
		if rng.Intn(2) == 0 {
			v += ":" + digits(rng, 1, 3)
		}
	}
	if rng.Intn(3) == 0 {
		v += pick(rng, " ", "", "  ") + pick(rng, "AM", "pm", "Pm", "aM", "a", "PMx", "M")
	}
	return v
}

// mutate leaves v alone half the time, else drops, doubles or replaces one byte.
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
	return v[:i] + pick(rng, "0", "-", " ", "T", ":", "a", "\xff", "$", ".", ",") + v[i+1:]
}

var classifySeeds = []string{
	"", "1/2/3", "2024-01-05", "12/31/2024 10:30", "12/31/2024 10:30:15", "12/31/2024 10:30:15 PM", "1.2.2024T9:05am",
	"12/31/2024 PM", "12/31/2024 1:5", "12/31/2024 123:45", "12/31/2024T", "12345/1/1", "1/123/1",
	"1,234.50", "$ 12", "(1.00)", "-€5", "£ 3%", "$\t5", "$ ", " ", "+", "5%)", "€", "\xe2\x82\xac1", "1 000,00", "'",
}

func TestDateLikeAndNumberLikeMatchThePatterns(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	vals := append([]string(nil), classifySeeds...)
	for i := 0; i < 200000; i++ {
		vals = append(vals, patternValue(rng), mutate(rng, dateShaped(rng)))
	}
	for _, v := range vals {
		if got, want := dateLike(v), oracleDateLike.MatchString(v); got != want {
			t.Errorf("dateLike(%q) = %v, the pattern says %v", v, got, want)
		}
		if got, want := numberLike(v), oracleNumber.MatchString(v); got != want {
			t.Errorf("numberLike(%q) = %v, the pattern says %v", v, got, want)
		}
	}
}

func FuzzClassifiersMatchThePatterns(f *testing.F) {
	for _, s := range classifySeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if got, want := dateLike(v), oracleDateLike.MatchString(v); got != want {
			t.Errorf("dateLike(%q) = %v, the pattern says %v", v, got, want)
		}
		if got, want := numberLike(v), oracleNumber.MatchString(v); got != want {
			t.Errorf("numberLike(%q) = %v, the pattern says %v", v, got, want)
		}
	})
}
