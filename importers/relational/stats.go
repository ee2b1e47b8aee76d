package relational

import (
	"slices"
	"strconv"
	"strings"
	"unicode"

	"handover/importers/internal/bytescan"
	"handover/importers/mapping"
)

// maxDistinct caps the values remembered per column: past it the column can
// be neither a key nor a link (a small firm's tables stay far below it), so
// memory stays bounded whatever the file holds.
const maxDistinct = 50_000

// longText is the average length past which a column is prose, not a code.
const longText = 40

// column is what pass 1 learns about one column from all of its values.
type column struct {
	name string
	idx  int

	nonEmpty, ints, nums, fracs     int64
	emails, phones, initials, bools int64
	names, textDates, numDates      int64
	wideDates                       int64 // Unix seconds or milliseconds, Julian days, YYYYMMDD: ranges ids and amounts do not reach
	word1, clock                    int64 // one capitalised word ("Ana", "Ruiz"); a time of day or a duration ("14:30", "1:15")
	shortClock                      int64 // h:mm below 7:00 without am/pm: durations, not office hours
	sumLen, maxLen                  int64
	maxNum                          float64 // largest absolute numeric value
	minNum                          float64 // smallest non-zero absolute numeric value
	decimals2                       int64   // numbers written with exactly two decimals (money)

	counts   map[string]int32 // value → rows holding it; nil once overflowed
	overflow bool
	dup      bool

	// memo keeps the classes of the column's repeated values (a date, a
	// lawyer's initials, a rate), so each is classified once, not on every
	// row; it stops growing at memoMax and is dropped when most values miss
	// it (ids, invoice numbers). It only ever spares work: add counts the
	// same whether a value's class came from it or not. A value found in it
	// is counted in its slot (pending) rather than in counts, which settle
	// brings up to date: one map look-up a repeated value, not two.
	memo               map[string]int32 // value → its slot in memoed
	memoed             []memoSlot
	memoHits, memoMiss int64
}

type memoSlot struct {
	class   valueClass
	pending int32 // rows holding the value not yet in counts
}

// memoMax caps a column's memo of value classes.
const memoMax = 4096

func newColumn(name string, idx int) *column {
	return &column{name: name, idx: idx, counts: map[string]int32{}, memo: map[string]int32{}}
}

// settle adds the rows counted in the memo's slots to counts: pass 1 calls
// it when a column's values are all read, before counts is read.
func (c *column) settle() {
	for v, i := range c.memo {
		if p := c.memoed[i].pending; p > 0 {
			if c.counts != nil {
				c.counts[v] += p
			}
			c.memoed[i].pending = 0
		}
	}
}

// valueClass is what add reads from one trimmed value on its own, whatever
// the column's other values.
type valueClass struct {
	num   float64 // the value as a number, when classParsed
	flags uint16
	shape uint8 // the first of add's exclusive shapes the value has
}

const (
	classInt       uint16 = 1 << iota // isInt
	classNumDate                      // numericDate (of an int)
	classWideDate                     // wideDate (of a numeric date)
	classFrac                         // isNum but not isInt
	classDec2                         // a fraction written with two decimals
	classParsed                       // ParseFloat reads it (num holds it)
	classBool                         // isBool
	classShort                        // a clock value that is a short span
	classMoney                        // not isNum, but money by its form (mapping.ReadMoney)
	classMoneyFrac                    // money with cents written or not whole
)

const (
	shapeNone uint8 = iota
	shapeEmail
	shapeTextDate
	shapePhone
	shapeInitials
	shapeName
	shapeWord1
	shapeClock
)

// readValue reads one trimmed, non-empty value.
func readValue(v string) valueClass {
	var k valueClass
	if isInt(v) {
		k.flags |= classInt
		if numericDate(v) {
			k.flags |= classNumDate
			if wideDate(v) {
				k.flags |= classWideDate
			}
		}
	} else if isNum(v) {
		k.flags |= classFrac
		if i := strings.LastIndexByte(v, '.'); i >= 0 && len(v)-i == 3 {
			k.flags |= classDec2
		}
	}
	if f, ok := parseNumber(v); ok {
		k.num, k.flags = f, k.flags|classParsed
	} else if k.flags&(classInt|classFrac) == 0 {
		// money written with its sign or code ("-$24.37", "275,00 CHF",
		// "USD $1,757.50"): a number as the mapping will read it
		if m, ok := mapping.ReadMoney(v); ok {
			k.num, k.flags = float64(m.Cents)/100, k.flags|classMoney|classParsed
			if m.TwoDecimals {
				k.flags |= classDec2 | classMoneyFrac
			} else if m.Cents%100 != 0 {
				k.flags |= classMoneyFrac
			}
		}
	}
	switch {
	case isEmail(v): // classify.go
		k.shape = shapeEmail
	case isTextDate(v):
		k.shape = shapeTextDate
	case !isInt(v) && isPhone(v) && digits(v) >= 7 && !yearNumbered(v):
		k.shape = shapePhone
	case isInitials(v):
		k.shape = shapeInitials
	case personName(v):
		k.shape = shapeName
	case oneWord(v):
		k.shape = shapeWord1
	case isClock(v):
		k.shape = shapeClock
		if shortSpan(v) {
			k.flags |= classShort
		}
	}
	if isBool(v) {
		k.flags |= classBool
	}
	return k
}

// classOf is readValue's answer for v, from the memo when v was seen before
// (slot is then its place in memoed, else -1).
func (c *column) classOf(v string) (k valueClass, slot int32) {
	if c.memo == nil {
		return readValue(v), -1
	}
	if i, ok := c.memo[v]; ok {
		c.memoHits++
		return c.memoed[i].class, i
	}
	k = readValue(v)
	if len(c.memo) < memoMax {
		c.memo[strings.Clone(v)] = int32(len(c.memoed)) // not the reader's row buffer, which the key would keep alive
		c.memoed = append(c.memoed, memoSlot{class: k})
		return k, -1
	}
	if c.memoMiss++; c.memoMiss > c.memoHits {
		c.settle()
		c.memo, c.memoed = nil, nil // the values hardly repeat: looking them up costs more than it spares
	}
	return k, -1
}

func (c *column) add(v string) {
	v = strings.TrimSpace(v)
	if v == "" {
		return
	}
	c.nonEmpty++
	n := int64(len(v))
	c.sumLen += n
	c.maxLen = max(c.maxLen, n)
	k, slot := c.classOf(v)
	if k.flags&classInt != 0 {
		c.ints++
		c.nums++
		if k.flags&classNumDate != 0 {
			c.numDates++
			if k.flags&classWideDate != 0 {
				c.wideDates++
			}
		}
	} else if k.flags&classFrac != 0 {
		c.nums++
		c.fracs++
		if k.flags&classDec2 != 0 {
			c.decimals2++
		}
	} else if k.flags&classMoney != 0 {
		c.nums++
		if k.flags&classMoneyFrac != 0 {
			c.fracs++
		}
		if k.flags&classDec2 != 0 {
			c.decimals2++
		}
	}
	if c.nums > 0 && k.flags&classParsed != 0 {
		f := abs(k.num)
		c.maxNum = max(c.maxNum, f)
		if f != 0 && (c.minNum == 0 || f < c.minNum) {
			c.minNum = f
		}
	}
	switch k.shape {
	case shapeEmail:
		c.emails++
	case shapeTextDate:
		c.textDates++
	case shapePhone:
		c.phones++
	case shapeInitials:
		c.initials++
	case shapeName:
		c.names++
	case shapeWord1:
		c.word1++
	case shapeClock:
		c.clock++
		if k.flags&classShort != 0 {
			c.shortClock++
		}
	}
	if k.flags&classBool != 0 {
		c.bools++
	}
	if c.overflow {
		return
	}
	if c.nonEmpty >= 100 && c.sumLen/c.nonEmpty > 2*longText {
		c.drop() // prose: never a key, never a link
		return
	}
	if slot >= 0 { // seen before, so in counts already: counted in its slot until settle
		c.memoed[slot].pending++
		c.dup = true
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

func (c *column) drop() { c.counts, c.overflow = nil, true }

func (c *column) avgLen() float64 {
	if c.nonEmpty == 0 {
		return 0
	}
	return float64(c.sumLen) / float64(c.nonEmpty)
}

func (c *column) share(n int64) float64 {
	if c.nonEmpty == 0 {
		return 0
	}
	return float64(n) / float64(c.nonEmpty)
}

// numeric: (almost) every value is a number.
func (c *column) numeric() bool { return c.nonEmpty > 0 && c.share(c.nums) >= 0.95 }

// flag: only yes/no words or 0/1.
func (c *column) flag() bool {
	return c.nonEmpty > 0 && c.share(c.bools) >= 0.99 && len(c.counts) <= 3
}

// prose: free text (a note's body, a description).
func (c *column) prose() bool {
	return c.nonEmpty > 0 && !c.numeric() && (c.avgLen() >= longText || c.maxLen >= 3*longText)
}

// text: words, not numbers, dates, codes or flags.
func (c *column) text() bool {
	return c.nonEmpty > 0 && !c.numeric() && c.share(c.textDates) < 0.5 && !c.flag() && c.share(c.emails) < 0.5
}

// date: text dates, or numbers in a date encoding (Unix seconds or
// milliseconds, Julian days, YYYYMMDD) in a column whose name says date.
func (c *column) date() bool {
	if c.nonEmpty == 0 {
		return false
	}
	if c.share(c.textDates) >= 0.9 {
		return true
	}
	return c.share(c.numDates) >= 0.9 && (dateWord(c.name) || c.share(c.ints) >= 0.9 && allYMD(c)) ||
		c.share(c.wideDates) >= 0.95 && c.share(c.ints) >= 0.95 && !c.flag() ||
		// written both ways in one column (20240115 or an Excel day number
		// beside 2024-01-15): the numbers are dates because the rest of the
		// column is
		c.share(c.textDates) >= 0.05 && (c.share(c.textDates+c.wideDates) >= 0.95 || dateWord(c.name) && c.share(c.textDates+c.numDates) >= 0.95)
}

func allYMD(c *column) bool {
	if c.counts == nil {
		return false
	}
	for v := range c.counts {
		if len(v) != 8 || !ymd(v) {
			return false
		}
	}
	return len(c.counts) > 0
}

func isInt(v string) bool {
	if v == "" || len(v) > 18 {
		return false
	}
	if v[0] == '-' || v[0] == '+' {
		v = v[1:]
	}
	if v == "" {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return false
		}
	}
	return true
}

func isNum(v string) bool {
	if !mayParseFloat(v) {
		return false
	}
	v = trimCurrency(v)
	if strings.IndexByte(v, ',') >= 0 {
		v = strings.ReplaceAll(v, ",", "")
	}
	if strings.HasPrefix(v, "(") && strings.HasSuffix(v, ")") {
		v = v[1 : len(v)-1]
	}
	if strings.ContainsAny(v, "eEnNiI") {
		return false
	}
	switch decimalForm(v) {
	case formDecimal:
		return true
	case formNot:
		return false
	}
	_, err := strconv.ParseFloat(v, 64)
	return err == nil && v != ""
}

// parseNumber reads v as add's largest and smallest numbers are read:
// ParseFloat after the leading currency signs and every comma are dropped.
func parseNumber(v string) (float64, bool) {
	if !mayParseFloat(v) {
		return 0, false
	}
	v = trimCurrency(v)
	if strings.IndexByte(v, ',') >= 0 {
		v = strings.ReplaceAll(v, ",", "")
	}
	if decimalForm(v) == formNot {
		return 0, false // spares ParseFloat's error, which allocates
	}
	f, err := strconv.ParseFloat(v, 64)
	return f, err == nil
}

// trimCurrency is strings.TrimLeft(v, "$€£"), without its rune-by-rune
// path for the values that start with none of them.
func trimCurrency(v string) string {
	if v == "" || v[0] != '$' && v[0] != 0xE2 && v[0] != 0xC2 { // the first bytes of $, € and £
		return v
	}
	return strings.TrimLeft(v, "$€£")
}

const (
	formOther   = iota // ParseFloat decides
	formDecimal        // [+-]digits[.digits]: ParseFloat reads it
	formNot            // ParseFloat fails
)

// decimalForm tells, from v's bytes, the plain decimals ParseFloat surely
// reads and the values it surely cannot: a byte no float has (a space, a
// slash, a letter outside hex digits, exponents, inf and nan), a sign
// inside a value without letters (so without an exponent), two points, no
// digit. The rest (exponents, hex,
// infinity, NaN, underscores) is left to ParseFloat.
func decimalForm(v string) int {
	digits, dots, signAfter, other := 0, 0, false, false
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case bytescan.Digit(c):
			digits++
		case c == '.':
			dots++
		case c == '+' || c == '-':
			if i > 0 {
				signAfter = true
			}
		case c == '_' || strings.IndexByte("abcdefinptxy", c|0x20) >= 0: // hex digits and forms, exponents, inf, nan
			other = true
		default:
			return formNot // a space, a slash, a colon, a non-ASCII byte: never in a float
		}
	}
	switch {
	case signAfter:
		if other {
			return formOther // 1e-5, 0x1p-2
		}
		return formNot
	case other:
		return formOther
	case digits > 0 && dots <= 1 && len(v) <= 40: // far from float64's range
		return formDecimal
	case digits == 0 || dots > 1:
		return formNot
	}
	return formOther
}

func digits(v string) int {
	n := 0
	for _, r := range v {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n
}

func isInitials(v string) bool {
	if len(v) < 2 || len(v) > 4 {
		return false
	}
	for _, r := range v {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

var boolWords = []string{"0", "1", "-1", "y", "n", "yes", "no", "true", "false", "t", "f", "x"}

func isBool(v string) bool {
	if !ascii(v) { // a few non-ASCII letters lower-case to ASCII ones (K, İ)
		return slices.Contains(boolWords, strings.ToLower(v))
	}
	if len(v) > len("false") {
		return false
	}
	for _, w := range boolWords {
		if len(v) == len(w) && strings.EqualFold(v, w) { // ASCII: EqualFold is ToLower's answer
			return true
		}
	}
	return false
}

func ascii(v string) bool {
	for i := 0; i < len(v); i++ {
		if v[i] >= 0x80 {
			return false
		}
	}
	return true
}

// personName: two to four capitalised words of letters ("Ana M. Ruiz", "Ruiz, Ana").
// Words are split at commas and white space, as strings.Fields would after
// replacing the commas, without building them.
func personName(v string) bool {
	words, start := 0, true // start: the next letter begins a word
	for _, r := range v {
		if r == ',' || unicode.IsSpace(r) {
			start = true
			continue
		}
		if start {
			words++
			if words > 4 || !unicode.IsUpper(r) {
				return false
			}
			start = false
		}
		if !unicode.IsLetter(r) && r != '.' && r != '\'' && r != '-' {
			return false
		}
	}
	return words >= 2
}

// numericDate: an integer that reads as a date from 1970 to 2060 in one of
// the encodings old systems use. It only counts where the name says date
// (or every value is a YYYYMMDD): ids are integers too.
func numericDate(v string) bool {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return false
	}
	switch {
	case len(v) == 8 && ymd(v):
		return true
	case n >= 1e8 && n < 2_900_000_000: // Unix seconds
		return true
	case n >= 1e11 && n < 2_900_000_000_000: // Unix milliseconds
		return true
	case n >= 2_440_588 && n <= 2_473_000: // Julian day numbers
		return true
	case n >= 25_000 && n <= 60_000: // Excel/OLE serials
		return true
	}
	return false
}

func ymd(v string) bool {
	y, _ := strconv.Atoi(v[:4])
	m, _ := strconv.Atoi(v[4:6])
	d, _ := strconv.Atoi(v[6:])
	return y >= 1900 && y <= 2100 && m >= 1 && m <= 12 && d >= 1 && d <= 31
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

// oneWord: a capitalised word of letters ("Ana", "Müller", "O'Brien").
func oneWord(v string) bool {
	n := 0
	for _, x := range v {
		if n == 0 && !unicode.IsUpper(x) || n > 0 && !unicode.IsLower(x) && x != '\'' && x != '-' {
			return false
		}
		n++
	}
	return n >= 2
}

// wideDate: a date from 1980 to 2035 as Unix seconds or milliseconds, a
// Julian day or YYYYMMDD — ranges that ids, counts and amounts of a small
// firm do not reach (an Excel serial does: it needs a date-like name).
func wideDate(v string) bool {
	n, err := strconv.ParseInt(v, 10, 64)
	switch {
	case err != nil:
		return false
	case len(v) == 8 && ymd(v):
		return true
	case n >= 315_532_800 && n <= 2_051_222_400:
		return true
	case n >= 315_532_800_000 && n <= 2_051_222_400_000:
		return true
	}
	return n >= 2_444_240 && n <= 2_470_000
}

// mayParseFloat is false for values strconv.ParseFloat cannot read: those
// with no digit and no n (as in inf, nan). It spares the parse and the
// copy without commas for the words, names and codes of most columns.
func mayParseFloat(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; bytescan.Digit(c) || c|0x20 == 'n' {
			return true
		}
	}
	return false
}
