package relational

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"handover/importers/mapping"
	"handover/importers/tabular"
)

// oracleAdd is add as it was before the memo and the byte-level number
// reading: it classified every value of every row.
func oracleAdd(c *column, v string) {
	v = strings.TrimSpace(v)
	if v == "" {
		return
	}
	c.nonEmpty++
	n := int64(len(v))
	c.sumLen += n
	c.maxLen = max(c.maxLen, n)
	if isInt(v) {
		c.ints++
		c.nums++
		if numericDate(v) {
			c.numDates++
			if wideDate(v) {
				c.wideDates++
			}
		}
	} else if oracleIsNum(v) && mayParseFloat(v) {
		c.nums++
		c.fracs++
		if i := strings.LastIndexByte(v, '.'); i >= 0 && len(v)-i == 3 {
			c.decimals2++
		}
	} else if m, ok := mapping.ReadMoney(v); ok {
		cents, two := m.Cents, m.TwoDecimals
		c.nums++
		if two || cents%100 != 0 {
			c.fracs++
		}
		if two {
			c.decimals2++
		}
		if f := abs(float64(cents) / 100); f != 0 {
			c.maxNum = max(c.maxNum, f)
			if c.minNum == 0 || f < c.minNum {
				c.minNum = f
			}
		}
	}
	if c.nums > 0 && mayParseFloat(v) {
		if f, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimLeft(v, "$€£"), ",", ""), 64); err == nil {
			c.maxNum = max(c.maxNum, abs(f))
			if f != 0 && (c.minNum == 0 || abs(f) < c.minNum) {
				c.minNum = abs(f)
			}
		}
	}
	switch {
	case isEmail(v): // classify.go
		c.emails++
	case isTextDate(v):
		c.textDates++
	case !isInt(v) && isPhone(v) && digits(v) >= 7:
		c.phones++
	case isInitials(v):
		c.initials++
	case personName(v):
		c.names++
	case oneWord(v):
		c.word1++
	case isClock(v):
		c.clock++
		if shortSpan(v) {
			c.shortClock++
		}
	}
	if isBool(v) {
		c.bools++
	}
	if c.overflow {
		return
	}
	if c.nonEmpty >= 100 && c.sumLen/c.nonEmpty > 2*longText {
		c.drop() // prose: never a key, never a link
		return
	}
	distinct := len(c.counts)
	c.counts[v]++ // one map operation: the map did not grow when v was there already
	if len(c.counts) == distinct {
		c.dup = true
	}
	if len(c.counts) > maxDistinct {
		c.drop()
	}
}

// TestColumnMemoCountsAsWithout: a column that takes its values' classes
// from its memo ends with exactly the evidence of one that classifies every
// value (and of add as it was), for columns whose values repeat (the memo
// holds them all), nearly never repeat (it is dropped) and in between (it
// fills up and stays).
func TestColumnMemoCountsAsWithout(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	streams := []struct {
		name string
		next func(i int) string
	}{
		{"repeating", func(int) string {
			return pick(rng, "DK", "MP", "1500.00", "05/01/2024", "Y", "", " 3 ", "1e5", "-0", "$1,250.00", "(12)")
		}},
		{"unique", func(i int) string { return "20-" + strconv.Itoa(i) }},
		{"mixed", func(i int) string {
			if i%3 == 0 {
				return strconv.Itoa(i)
			}
			return mutate(rng, shaped(rng))
		}},
		{"non-numbers first, numbers later", func(i int) string {
			if i < 100 {
				return pick(rng, "Infinity", "1e300", "nan", "x")
			}
			return strconv.Itoa(rng.Intn(6000)) + pick(rng, "", ".5", ".25")
		}},
	}
	for _, s := range streams {
		name, next := s.name, s.next
		with, without, was := newColumn("Col", 0), newColumn("Col", 0), newColumn("Col", 0)
		without.memo, was.memo = nil, nil
		for i := 0; i < 3*memoMax; i++ {
			v := next(i)
			with.add(v)
			without.add(v)
			oracleAdd(was, v)
		}
		if name == "unique" && with.memo != nil {
			t.Errorf("%s: the memo was kept though no value repeated", name)
		}
		if name == "repeating" && len(with.memo) == 0 {
			t.Errorf("%s: the memo holds nothing", name)
		}
		with.settle()
		with.memo, with.memoed, with.memoHits, with.memoMiss = nil, nil, 0, 0
		without.memoHits, without.memoMiss = 0, 0
		if !reflect.DeepEqual(with, without) {
			t.Errorf("%s: with the memo\n%+v\nwithout\n%+v", name, *with, *without)
		}
		if !reflect.DeepEqual(with, was) {
			t.Errorf("%s: now\n%+v\nas add was\n%+v", name, *with, *was)
		}
	}
}

// TestReadStatsCountsAsOneReader: pass 1's two workers, which share a
// table's columns and share them again by cost as the file is read, end
// with each column's evidence (the mapping's included) exactly as counting
// every row in order on one goroutine gives.
func TestReadStatsCountsAsOneReader(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	var b strings.Builder
	b.WriteString("Date,Lawyer,Matter,Hours,Amount,Invoice\n")
	var rows [][]string
	for i := 0; i < 40*countBatch+17; i++ {
		row := []string{
			pick(rng, "11/16/2026", "09/27/2026", "2026-06-26"),
			pick(rng, "DK", "MP", "JH"),
			strconv.Itoa(rng.Intn(3)) + "-" + strconv.Itoa(rng.Intn(20000)),
			pick(rng, "5.00", "0.25", "1:30"),
			strconv.Itoa(rng.Intn(300)) + ".00",
			"INV-" + strconv.Itoa(i),
		}
		rows = append(rows, row)
		b.WriteString(strings.Join(row, ",") + "\n")
	}
	path := t.TempDir() + "/time.csv"
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	tables, _, err := readStats(context.Background(), path, tabular.Options{}, true)
	if err != nil || len(tables) != 1 {
		t.Fatalf("%d tables, %v", len(tables), err)
	}
	got := tables[0]
	want := make([]*column, len(got.cols))
	for i, c := range got.cols {
		want[i] = newColumn(c.name, i)
	}
	var ev mapping.Evidence
	for _, row := range rows {
		for i, v := range row {
			want[i].add(v)
		}
		ev.Observe(row)
	}
	for _, c := range want {
		c.settle()
	}
	if got.rows != int64(len(rows)) {
		t.Errorf("%d rows counted, want %d", got.rows, len(rows))
	}
	for i := range want {
		if !reflect.DeepEqual(got.cols[i], want[i]) {
			t.Errorf("column %s: by the workers\n%+v\nin order\n%+v", want[i].name, *got.cols[i], *want[i])
		}
	}
	if !reflect.DeepEqual(*got.ev, ev) {
		t.Error("the mapping's evidence differs from observing every row in order")
	}
	if got.worker[2] == got.worker[5] {
		t.Errorf("the two columns of ever new values (Matter, Invoice) went to one worker: %v", got.worker)
	}
}

// TestFileNumbersAreNotPhones: "2023/0001" has a phone number's digits and
// separators, but a year and a running number are how firms number their
// files: a matters list of them read as a list of people with phones (and,
// referred to by every other table, as the firm's staff) lost every link.
func TestFileNumbersAreNotPhones(t *testing.T) {
	files, phones := newColumn("matter_no", 0), newColumn("phone", 1)
	for i := 1; i <= 20; i++ {
		files.add(fmt.Sprintf("%d/%04d", 2020+i%5, i))
		files.add(fmt.Sprintf("%d-%03d", 2020+i%5, i))
		phones.add(fmt.Sprintf("030/12345%02d", i))
		phones.add(fmt.Sprintf("(212) 514-79%02d", i))
	}
	if files.phones != 0 {
		t.Errorf("%d of %d file numbers read as phone numbers", files.phones, files.nonEmpty)
	}
	if phones.phones != phones.nonEmpty {
		t.Errorf("%d of %d phone numbers read as phones", phones.phones, phones.nonEmpty)
	}
}
