package relational

import "testing"

// FuzzColumnStats: any header and any values read into a column's evidence
// without a panic, and the counts stay within the values seen.
func FuzzColumnStats(f *testing.F) {
	f.Add("ClientID", "101", "2024-03-15")
	f.Add("tblMatters", "2024-017", "1700000000")
	f.Add("Hrs", "1.25", "0:45")
	f.Add("", "\x00", "ÄÖ ü")
	f.Fuzz(func(t *testing.T, name, a, b string) {
		c := newColumn(name, 0)
		for _, v := range []string{a, b, a} {
			c.add(v)
		}
		for _, n := range []int64{c.ints, c.nums, c.emails, c.phones, c.initials, c.names, c.word1, c.clock, c.textDates, c.numDates, c.wideDates, c.bools} {
			if n < 0 || n > c.nonEmpty {
				t.Fatalf("a count %d outside 0..%d for %q %q", n, c.nonEmpty, a, b)
			}
		}
		_ = c.date() || c.flag() || c.prose() || c.text() || c.numeric()
		_, _ = stem(name), linkish(name)
	})
}
