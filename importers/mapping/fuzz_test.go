package mapping

import (
	"strings"
	"testing"
)

// FuzzMap: any header, any rows (including rows shorter or longer than the
// header), any profile: Choose/Observe/Finish/Map must not panic, and every
// outcome is exactly one of records, exclusion or reject.
func FuzzMap(f *testing.F) {
	f.Add("Date,Lawyer,Matter,Hours,Rate,Amount,Description,Billed,Invoice", "03/15/2024,JS,16-1001,1.5,250.00,375.00,x,N,", "1-Jan,,,abc,(1,2),$,,Y,7", uint8(0))
	f.Add("1,2,3,4,5,6,7,8,9", "16-1001,0042,Family,Doe,13/05/2016,JS,AB,Active,", ",,,,,,,,", uint8(3))
	f.Add("Date;Matter;Client;Type;Amount;Reference", "15.03.2024;16-1001;Doe;Deposit;1.234,50;R1", "x;y;z;Lunch;--;", uint8(5))
	f.Add("Name,Given Name,E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value", "A B,A,* Home,a@b ::: c@d,Mobile,5", "Total,,,,,", uint8(7))
	f.Add("Subject,Start Date,Start Time,End Date,End Time,All day event", "x,45366.5,25:00,3/15/24,10 PM,maybe", "", uint8(9))
	f.Fuzz(func(t *testing.T, header, row1, row2 string, which uint8) {
		sep := ","
		if strings.Count(header, ";") > strings.Count(header, ",") {
			sep = ";"
		}
		h := strings.Split(header, sep)
		if len(h) > 64 {
			h = h[:64]
		}
		rows := [][]string{strings.Split(row1, sep), strings.Split(row2, sep), {}, nil}
		ps := Profiles()
		force := ""
		if int(which) < len(ps) {
			force = ps[which].Name
		}
		for _, f := range []string{force, "generic"} {
			p, err := Choose("file.csv", "Sheet1", h, rows, Memory{Normalize(h[0]): "custom:X"}, f)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				p.Observe(r)
			}
			p.Finish()
			if len(h) > 1 {
				p.SetColumn(h[1], "matter")
			}
			// Answer a question (or override a reading) of the first column.
			if cs := ReadingChoices(p.Columns[0].Target); len(cs) > 0 {
				_ = p.SetReading(p.Columns[0].Header, cs[int(which)%len(cs)])
			}
			for _, r := range rows {
				o := p.Map(r)
				if outcomeKinds(o) != 1 {
					t.Fatalf("row %q: outcome %+v", r, o)
				}
				for _, rec := range o.Records {
					if rec.Key == "" || !rec.Entity.Valid() || rec.Data == nil {
						t.Fatalf("bad record %+v", rec)
					}
				}
			}
		}
	})
}

// FuzzValueReadings: any value, through every reading — pass 1's counters,
// the epoch dates, durations and amounts — never panics, and an epoch date
// is a valid date or no date.
func FuzzValueReadings(f *testing.F) {
	for _, v := range []string{"1710460800", "1710460800000", "2460385.5", "45366.25", "20240315", "0", "-1", "1,5", "0:45", "(1,250.00)", "12.50 CR", "x", "1e308", "99999999999999999999", "2460385.5.5", "-", "+", ":", "1:", ",5"} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) {
		var o readingObs
		o.observe(strings.TrimSpace(v))
		if o.ints+o.decs+o.clock > 1 || o.yes+o.no > 1 {
			t.Fatalf("one value counted twice: %+v", o)
		}
		_ = epochReading(o, 1)
		for _, r := range readingChoices["date"] {
			if s, ok := scanEpoch(r, v); ok && s.shape == shapeDefinite && !validYMD(s.y, s.m, s.d) {
				t.Fatalf("%s %q: invalid date %+v", r, v, s)
			}
		}
		p := &Plan{rd: readState{cols: []colReading{{}}}}
		for _, r := range []string{ReadAsWritten, ReadMinutes, ReadTenths, ReadCents, ReadUnixSeconds, ReadJulianDay} {
			p.rd.cols[0] = colReading{reading: r, kind: "date"}
			_, _ = p.seconds(0, v, false)
			_, _ = p.cents(0, v, true)
			_ = p.shown(0, v)
			_ = p.scanAt(0, v)
		}
	})
}

// outcomeKinds counts what a row became: records, an exclusion, a reject.
// Map's contract is exactly one.
func outcomeKinds(o Outcome) int {
	n := 0
	if len(o.Records) > 0 {
		n++
	}
	if o.Excluded != "" {
		n++
	}
	if o.Reject != "" {
		n++
	}
	return n
}
