package mapping

import (
	"math/rand"
	"regexp"
	"testing"

	"handover/importers/internal/bytescan"
)

// The patterns excel.go and dates.go stopped running on every value, kept
// here as the oracle of what replaced them.
var (
	oracleDashedID   = regexp.MustCompile(`^[A-Za-z]{0,4}(\d{1,6})[-./]\d{1,6}[A-Za-z]?$`)
	oracleMonthish   = regexp.MustCompile(`^(\d{1,2}[-\s/.](\p{L}{3,9})([-\s/.]\d{2,4})?|(\p{L}{3,9})[-\s/.]\d{2})$`)
	oracleWordCode   = regexp.MustCompile(`^\p{L}{3,9}[-\s/.]\d{2}$`)
	oracleSlashDate  = regexp.MustCompile(`^\d{1,2}[/.]\d{1,2}[/.]\d{2,4}$`)
	oracleSerialOnly = regexp.MustCompile(`^\d{5}$`)
)

func checkShapes(t *testing.T, v string) {
	t.Helper()
	m := oracleDashedID.FindStringSubmatch(v)
	if lead, ok := dashedID(v); ok != (m != nil) || ok && lead != len(m[1]) {
		t.Errorf("dashedID(%q) = %d, %v; the pattern says %q", v, lead, ok, m)
	}
	m = oracleMonthish.FindStringSubmatch(v)
	word, wordFirst, ok := monthLabel(v)
	if ok != (m != nil) || ok && word != m[2]+m[4] {
		t.Errorf("monthLabel(%q) = %q, %v; the pattern says %q", v, word, ok, m)
	}
	if got, want := ok && wordFirst, oracleWordCode.MatchString(v); got != want {
		t.Errorf("monthLabel(%q) as a word code = %v, the pattern says %v", v, got, want)
	}
	if got, want := slashDateShape(v), oracleSlashDate.MatchString(v); got != want {
		t.Errorf("slashDateShape(%q) = %v, the pattern says %v", v, got, want)
	}
	if got, want := bytescan.Digits(v, 0) == 5 && len(v) == 5, oracleSerialOnly.MatchString(v); got != want {
		t.Errorf("five digits (%q) = %v, the pattern says %v", v, got, want)
	}
	if got, want := scanDatePatterns(v), scanDateRegexps(v); got != want {
		t.Errorf("scanDatePatterns(%q) = %+v, the patterns alone %+v", v, got, want)
	}
}

var shapeSeeds = []string{
	"", "16-1001", "AB16-1001", "ABCDE16-1001", "1234567-1", "16-1001A", "16-1001AB", "45201-1234", "16/1001", "16.1001",
	"1-Jan", "Jan-01", "16-Jan-01", "16 Januar 2024", "1-Mär", "MAR-1001", "ABC-12", "SMI-01", "ÄÖÜ-12", "1\tJan", "1-Ja",
	"1-Janu\xffary", "3/15/2024", "3.15.24", "03/15/20245", "45366", "04536", "4536", "2024-03-15", "15-Mar-2024",
	"Mar 15, 2024", "March 15th 2024 10:00", "20240315", "45000.5", "5.00", "1500.00", "INV-33024", "20-4283", "1.2.2026",
	"15. März 2024", "3 janv. 24", "1 2 3", "12345678", "1234.", "12-", "ｊａｎ-01",
	"45366.", "45366.5", "4536.12", "INV-33024", "Jan. 5, 2024", "März\t5 2024", "Jan5 2024", "€ 5 2024", "Jan€ 5, 2024", "999", "123456", "12 Oak Lane", "12 Oak 2024", "1 é 24", "00999", "99999.0x",
}

func shapeValue(rng *rand.Rand) string {
	pieces := []string{"1", "16", "123", "2024", "45366", "12345678", "-", "/", ".", " ", "\t", ",", "Jan", "März", "ABC",
		"A", "ab", "Septembers", "x", "\xff", "é", "T", ":", "10", "st", "Uhr"}
	n := 1 + rng.Intn(6)
	v := ""
	for i := 0; i < n; i++ {
		v += pieces[rng.Intn(len(pieces))]
	}
	return v
}

func TestExcelShapesAndMayBeDateKeepThePatternsAnswers(t *testing.T) {
	for _, v := range shapeSeeds {
		checkShapes(t, v)
	}
	rng := rand.New(rand.NewSource(1))
	matched := 0
	pick := func(s ...string) string { return s[rng.Intn(len(s))] }
	for i := 0; i < 200000 && !t.Failed(); i++ {
		v := shapeValue(rng)
		if i%4 == 0 { // month first (Jan 5, 2024) and near misses
			v = pick("Jan", "März", "INV", "Sept", "é", "Ab", "Decembers") + pick(".", "", "-", "€") + pick(" ", "\t", "", "  ", "-") +
				pick("5", "16", "123", "") + pick("th", ",", "", ", ") + pick(" ", "") + pick("2024", "24", "20245") + pick("", " 10:00", "x")
		}
		checkShapes(t, v)
		if oracleDashedID.MatchString(v) || oracleMonthish.MatchString(v) || scanDateRegexps(v).shape != shapeBad {
			matched++
		}
	}
	if matched < 2000 { // the generated values must reach the patterns, not only miss them
		t.Fatalf("only %d generated values match a pattern", matched)
	}
}

func FuzzExcelShapesAndMayBeDate(f *testing.F) {
	for _, v := range shapeSeeds {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) { checkShapes(t, v) })
}
