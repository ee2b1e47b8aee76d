package tabular

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// detectWindow is how many leading rows are examined for delimiter, header
// and non-data-sheet detection.
const detectWindow = 50

func nonEmpty(cells []string) int {
	n := 0
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			n++
		}
	}
	return n
}

// filledWidth is the index of the last non-empty cell + 1.
func filledWidth(cells []string) int {
	for i := len(cells) - 1; i >= 0; i-- {
		if strings.TrimSpace(cells[i]) != "" {
			return i + 1
		}
	}
	return 0
}

var (
	rePage    = regexp.MustCompile(`(?i)^page\s+\d+(\s+of\s+\d+)?$`)
	reTotal   = regexp.MustCompile(`(?i)^(grand\s+totals?|sub-?\s?totals?|totals?)(\s+(for|of)\b.*)?\s*:?$`)
	reSummary = regexp.MustCompile(`(?i)summary|total|report|chart|pivot|dashboard|instruction|read\s?me|cover`)
)

// isLabel says whether a cell reads like a column title rather than a value.
func isLabel(c string) bool {
	c = strings.TrimSpace(c)
	if c == "" || len(c) > 80 {
		return false
	}
	if dateLike(c) || numberLike(c) { // classify.go
		return false
	}
	if strings.Contains(c, "@") && strings.Contains(c, ".") {
		return false // e-mail address
	}
	letters, digits := 0, 0
	for _, r := range c {
		switch {
		case unicode.IsLetter(r):
			letters++
		case unicode.IsDigit(r):
			digits++
		}
	}
	if letters == 0 || digits > letters {
		return false // identifiers such as 16-1001, A1234567
	}
	return !strings.ContainsAny(c, "\n")
}

// looksLikeHeader: every non-empty cell is a label and labels are (mostly) distinct.
func looksLikeHeader(cells []string) (bool, string) {
	seen := map[string]bool{}
	ne := 0
	for i, c := range cells {
		if strings.TrimSpace(c) == "" {
			continue
		}
		ne++
		if !isLabel(c) {
			return false, fmt.Sprintf("cell %d holds %q, which looks like a value, not a column title", i+1, clip(c, 30))
		}
		seen[strings.ToLower(strings.TrimSpace(c))] = true
	}
	if ne == 0 {
		return false, "the row is empty"
	}
	if len(seen)*10 < ne*8 {
		return false, "the row repeats the same words"
	}
	return true, ""
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// dominantWidth is the most common filled width among rows with at least two
// values (ties go to the wider one); 1 for single-column data.
func dominantWidth(rows [][]string) (width, count, considered int) {
	freq := map[int]int{}
	for _, r := range rows {
		if nonEmpty(r) >= 2 {
			freq[filledWidth(r)]++
			considered++
		}
	}
	if considered == 0 {
		for _, r := range rows {
			if w := filledWidth(r); w > 0 {
				freq[w]++
				considered++
			}
		}
	}
	for w, c := range freq {
		if c > count || (c == count && w > width) {
			width, count = w, c
		}
	}
	return
}

// findHeader returns the index (into rows) of the header row, or -1 when the
// rows have no header; why explains the decision in plain words.
func findHeader(rows [][]string, rowNums []int64) (idx int, why string) {
	w, cnt, considered := dominantWidth(rows)
	if w == 0 {
		return -1, "no values in the first rows"
	}
	for i, r := range rows {
		ne := nonEmpty(r)
		if ne == 0 || (ne < 2 && w >= 2) {
			continue
		}
		if filledWidth(r) < w || ne*10 < w*6 {
			continue
		}
		ok, reason := looksLikeHeader(r)
		if !ok {
			return -1, fmt.Sprintf("no header row: row %d is the first full row but %s; columns are numbered 1..%d", rowNums[i], reason, w)
		}
		return i, fmt.Sprintf("row %d (first row whose %d filled cells are all column titles; %d of %d rows in the sample are %d columns wide)", rowNums[i], ne, cnt, considered, w)
	}
	return -1, fmt.Sprintf("no row in the first %d looks like column titles; columns are numbered 1..%d", len(rows), w)
}

// classify decides the kind of a row below the header.
func classify(cells, header []string) (RowKind, string) {
	n := nonEmpty(cells) // every row below the header comes here: counted once
	if n == 0 {
		return Empty, ""
	}
	if first := firstNonEmpty(cells); first != "" {
		if n*2 <= max(len(header), 2) || n <= 3 {
			if reTotal.MatchString(first) {
				return NotData, fmt.Sprintf("is a totals row (%q), not a record", clip(first, 40))
			}
		}
		if n == 1 && rePage.MatchString(first) {
			return NotData, fmt.Sprintf("is a page marker (%q), not a record", first)
		}
	}
	if len(header) > 0 && sameCells(cells, header) {
		return NotData, "repeats the header row (report page break)"
	}
	return Data, ""
}

func firstNonEmpty(cells []string) string {
	for _, c := range cells {
		if t := strings.TrimSpace(c); t != "" {
			return t
		}
	}
	return ""
}

func sameCells(a, b []string) bool {
	w := filledWidth(a)
	if w != filledWidth(b) {
		return false
	}
	for i := 0; i < w; i++ {
		if !strings.EqualFold(strings.TrimSpace(a[i]), strings.TrimSpace(b[i])) {
			return false
		}
	}
	return true
}

// cleanHeader trims header cells and names empty ones after their position.
func cleanHeader(cells []string) []string {
	h := make([]string, len(cells))
	for i, c := range cells {
		c = strings.TrimSpace(c)
		if c == "" {
			c = strconv.Itoa(i + 1)
		}
		h[i] = c
	}
	return h
}

// fitValues makes a row exactly as wide as the header. Extra trailing empty
// cells are dropped, missing trailing cells of an xlsx row (which Excel does
// not store) are padded; anything else is ragged.
func fitValues(cells []string, width int, padShort bool) ([]string, bool) {
	if len(cells) == width {
		return cells, true
	}
	if len(cells) > width {
		if filledWidth(cells) > width {
			return cells, false
		}
		return cells[:width], true
	}
	if !padShort {
		return cells, false
	}
	out := make([]string, width)
	copy(out, cells)
	return out, true
}
