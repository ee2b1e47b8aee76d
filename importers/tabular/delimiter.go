package tabular

import (
	"fmt"
	"sort"
	"strings"
)

// Delimiter detection. Every candidate splits a bounded sample with RFC 4180
// quoting of its own (a quoted value may hold any delimiter and line breaks),
// and the one that cuts every record into the same number of fields wins. A
// character that only sits inside some values ("Ruiz, Ana", "375,00",
// "Oct 11, 2023", "next steps; agreed") splits records into a few fields at
// best, and unevenly; the file's delimiter splits the header and every row
// into the table's width, give or take a trailing field a row left out.

// delimiterCandidates are the delimiters detection chooses among, in the
// order a tie goes.
var delimiterCandidates = []rune{',', ';', '\t', '|'}

const (
	delimSampleBytes   = 64 << 10 // detection looks at no more than this much text
	delimSampleRecords = 200      // and no more than this many records
	delimHeaderWindow  = 10       // the header is looked for among this many first records
)

// oneColumn is the delimiter a file with no delimiter is read with: the ASCII
// unit separator, which no candidate is and text files do not hold.
const oneColumn = '\x1f'

// sampleRecord is one record of the sample as a candidate splits it.
type sampleRecord struct {
	fields        int  // number of fields
	trailingBlank int  // how many of the last fields are blank
	quoteAnomaly  bool // a quote where this delimiter's quoting puts none
	cells         []string
}

// splitSample cuts sample into records with delimiter d and RFC 4180
// quoting. Blank records are left out. A record cut off by the end of a
// truncated sample is dropped. It never reads past the sample and keeps the
// cells of the first few records only (for the header).
func splitSample(sample string, d byte, truncated bool) (recs []sampleRecord, quotedHits, splitHits int) {
	s, n, i := sample, len(sample), 0
	for i < n && len(recs) < delimSampleRecords {
		var rec sampleRecord
		keep := len(recs) < delimHeaderWindow
		complete, hits := false, 0
		for {
			var cell string
			blank := true
			if i < n && s[i] == '"' {
				// Quoted: runs to the quote not doubled, across line breaks.
				var b strings.Builder
				i++
				closed := false
				for i < n {
					c := s[i]
					if c == '"' {
						if i+1 < n && s[i+1] == '"' {
							b.WriteByte('"')
							i += 2
							continue
						}
						i++
						closed = true
						break
					}
					if c == d {
						quotedHits++
					}
					if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
						blank = false
					}
					if keep {
						b.WriteByte(c)
					}
					i++
				}
				if !closed {
					if truncated {
						return recs, quotedHits, splitHits // the sample ends inside this value
					}
					rec.quoteAnomaly = true
				}
				// A closing quote must be followed by the delimiter or the line's end.
				for i < n && s[i] != d && s[i] != '\n' && s[i] != '\r' {
					rec.quoteAnomaly = true
					if keep {
						b.WriteByte(s[i])
					}
					blank = false
					i++
				}
				cell = b.String()
			} else {
				start := i
				for i < n && s[i] != d && s[i] != '\n' && s[i] != '\r' {
					switch s[i] {
					case '"':
						rec.quoteAnomaly = true
						blank = false
					case ' ', '\t':
					default:
						blank = false
					}
					i++
				}
				if keep {
					cell = s[start:i]
				}
			}
			rec.fields++
			if blank {
				rec.trailingBlank++
			} else {
				rec.trailingBlank = 0
			}
			if keep {
				rec.cells = append(rec.cells, cell)
			}
			if i >= n {
				complete = !truncated
				break
			}
			if s[i] == d {
				hits++
				i++
				continue
			}
			// The line's end: CRLF, LF or a lone CR.
			if s[i] == '\r' {
				i++
			}
			if i < n && s[i] == '\n' {
				i++
			}
			complete = true
			break
		}
		if !complete {
			break // cut by the end of the sample
		}
		splitHits += hits
		if rec.trailingBlank == rec.fields {
			continue // a blank line, or one holding only delimiters
		}
		recs = append(recs, rec)
	}
	return recs, quotedHits, splitHits
}

// delimVerdict is how well one candidate splits the sample.
type delimVerdict struct {
	delim      rune
	records    int     // non-blank records examined
	width      int     // the table's width under this delimiter
	exact      int     // records with exactly width fields
	short      int     // records missing only trailing fields
	padded     int     // records with only blank fields past width
	anomalies  int     // records with a quote out of place
	fit        float64 // share of the records that fit width (short ones partly)
	tableFit   float64 // the same share from the first record it splits on (titles above left out)
	unsplit    int     // records from there on it does not split at all
	firstSplit int     // index of the first record it splits
	headerLine int     // 1-based position among the records of a header width fields wide; 0 if none
	quotedHits int     // the delimiter inside quoted values
	splitHits  int     // the delimiter between fields
	score      float64
}

// recordFit says how well a record of c fields fits a table width fields wide:
// fully when it has them all (or only blank ones past them), partly when it
// lacks only a trailing quarter of them, not at all otherwise. A single field
// never fits a wider table: the delimiter is not in that record at all.
func recordFit(r sampleRecord, width int) float64 {
	c := r.fields
	switch {
	case c == width:
		return 1
	case c > width:
		if c-r.trailingBlank <= width {
			return 1
		}
		return 0
	case c >= 2 && width-c <= max(1, width/4):
		return float64(c) / float64(width)
	}
	return 0
}

// judgeDelimiter finds the width that most records fit under d and scores it:
// the share of records that fit, times (width-1)/width (a stable count of
// many fields is stronger evidence than a stable count of two), slightly
// less when no header row of that width starts the table.
func judgeDelimiter(sample string, d rune, truncated bool) delimVerdict {
	recs, quoted, split := splitSample(sample, byte(d), truncated)
	v := delimVerdict{delim: d, records: len(recs), quotedHits: quoted, splitHits: split}
	if len(recs) == 0 || split == 0 {
		return v
	}
	widths := map[int]bool{}
	for _, r := range recs {
		if r.fields >= 2 {
			widths[r.fields] = true
			if w := r.fields - r.trailingBlank; w >= 2 {
				widths[w] = true
			}
		}
	}
	for w := range widths {
		var fit float64
		for _, r := range recs {
			f := recordFit(r, w)
			if r.quoteAnomaly {
				f /= 2
			}
			fit += f
		}
		fit /= float64(len(recs))
		if fit > v.fit+1e-9 || (fit > v.fit-1e-9 && w > v.width) {
			v.fit, v.width = fit, w
		}
	}
	if v.width < 2 {
		return v
	}
	first := -1
	for i, r := range recs {
		if r.fields >= 2 && first < 0 {
			first = i
		}
		if first >= 0 {
			v.tableFit += recordFit(r, v.width)
			if r.fields == 1 {
				v.unsplit++
			}
		}
		if r.quoteAnomaly {
			v.anomalies++
		}
		switch {
		case r.fields == v.width:
			v.exact++
		case r.fields > v.width && recordFit(r, v.width) > 0:
			v.padded++
		case recordFit(r, v.width) > 0:
			v.short++
		}
		if v.headerLine == 0 && i < delimHeaderWindow && r.fields == v.width && filledWidth(r.cells) >= 2 {
			if ok, _ := looksLikeHeader(r.cells); ok {
				v.headerLine = i + 1
			}
		}
	}
	v.firstSplit = first
	v.tableFit /= float64(len(recs) - first)
	v.score = v.fit * float64(v.width-1) / float64(v.width)
	if v.headerLine == 0 {
		v.score *= 0.9
	}
	return v
}

// qualifies says whether the candidate splits the file at all: from the first
// record it splits on (report titles above do not count), most records fit
// its width, or at least it splits nearly all of them (a ragged report). A
// comma in a few names of a one-column list does neither.
func (v delimVerdict) qualifies() bool {
	if v.width < 2 {
		return false
	}
	from := float64(v.records - v.firstSplit)
	return v.tableFit >= 0.5 || float64(v.unsplit) <= 0.25*from
}

// sniffDelimiter picks the delimiter among , ; tab | that splits the first
// records most consistently, and says why and how sure. A file that no
// candidate splits is one column: it is read with oneColumn.
func sniffDelimiter(sample string, truncated bool) (rune, string) {
	if len(sample) > delimSampleBytes {
		sample, truncated = sample[:delimSampleBytes], true
	}
	var vs []delimVerdict
	for _, d := range delimiterCandidates {
		if strings.ContainsRune(sample, d) {
			vs = append(vs, judgeDelimiter(sample, d, truncated))
		}
	}
	sort.SliceStable(vs, func(i, j int) bool { return vs[i].score > vs[j].score+1e-9 })
	pick := -1
	for i, v := range vs {
		if v.qualifies() {
			pick = i
			break
		}
	}
	if pick < 0 {
		why := "none: no , ; tab or | appears outside quoted values, so the file is one column"
		if len(vs) > 0 {
			why = fmt.Sprintf("none: no , ; tab or | splits the records consistently (the best, %s, fits %.0f %% of %d records), so the file is read as one column", delimName(vs[0].delim), 100*vs[0].tableFit, vs[0].records)
		}
		return oneColumn, why
	}
	best := vs[pick]
	var runnerUp *delimVerdict
	for i := range vs {
		if i != pick && vs[i].width >= 2 {
			runnerUp = &vs[i]
			break
		}
	}
	sure := "sure"
	switch {
	case runnerUp != nil && best.score-runnerUp.score < 0.1:
		sure = "unsure"
	case runnerUp != nil && best.score-runnerUp.score < 0.25, best.fit < 0.8:
		sure = "fairly sure"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%q (%s: %d of the first %d records have %d fields", string(best.delim), sure, best.exact, best.records, best.width)
	if best.short > 0 {
		fmt.Fprintf(&b, ", %d lack only trailing fields", best.short)
	}
	if best.padded > 0 {
		fmt.Fprintf(&b, ", %d have only blank fields past them", best.padded)
	}
	if best.headerLine > 0 {
		fmt.Fprintf(&b, "; record %d, %d column titles, reads as the header", best.headerLine, best.width)
	}
	if best.quotedHits > 0 {
		fmt.Fprintf(&b, "; %d more sit inside quoted values", best.quotedHits)
	}
	if runnerUp != nil {
		fmt.Fprintf(&b, "; %s would give %d fields to %.0f %% of them", delimName(runnerUp.delim), runnerUp.width, 100*runnerUp.fit)
		if runnerUp.quotedHits > 0 {
			fmt.Fprintf(&b, " and %d of its %d sit inside quoted values", runnerUp.quotedHits, runnerUp.quotedHits+runnerUp.splitHits)
		}
	}
	b.WriteString(")")
	return best.delim, b.String()
}

func delimName(d rune) string {
	switch d {
	case '\t':
		return "tab"
	case oneColumn:
		return "none"
	}
	return fmt.Sprintf("%q", string(d))
}
