package relational

import (
	"strings"
	"unicode"
)

// prefixLinks finds the columns that name a matter by its number and its
// description in one cell — "2024-017 - Divorce", "M-1 Slip and fall",
// "2023/0003: Granite LLC - Divorce", as PCLaw and QuickBooks displays and
// hand-kept spreadsheets write them — and links each to the matters table
// whose number begins its values. The values decide, not the header: almost
// all of the column's values (minFound) must begin with a number of that
// table, followed by words. Each value is decoded into the number it begins
// with, so the reference is the matter's number as the mapping writes it.
// It runs once the tables' columns are read (prepare), since only then is a
// matters table's number column known.
func prefixLinks(tables []*table) {
	type key struct {
		u *table
		k *column
	}
	var keys []key
	for _, u := range tables {
		if u.holds != "matters" {
			continue
		}
		for _, k := range u.cols {
			if len(k.counts) > 0 && u.targetOf(k) == "matter" {
				keys = append(keys, key{u, k})
			}
		}
	}
	if len(keys) == 0 {
		return
	}
	for _, t := range tables {
		// a contact or a matter has no field for a matter: such a link
		// would only be a question (the matters' own description, a
		// contact's note that names a matter)
		if t.virtual || t.holds == "contacts" && !t.byShape || t.holds == "matters" {
			continue // (a list of people typed by its shape alone may be a matter's parties: Analyze decides)
		}
		linked := map[*column]bool{}
		for _, l := range t.links {
			linked[l.col] = true
		}
		for _, c := range t.cols {
			if linked[c] || c.counts == nil || c.nonEmpty == 0 || c.numeric() || c.date() {
				continue
			}
			var best *link
			for _, pk := range keys {
				if pk.u == t {
					continue
				}
				decode := map[string]string{}
				var hit int64
				for v, n := range c.counts {
					no := leadingNumber(v, pk.k.counts)
					if no == "" {
						continue
					}
					hit += int64(n)
					if no != v {
						decode[v] = no
					}
				}
				found := float64(hit) / float64(c.nonEmpty)
				// a column of bare numbers is findLinks' business; this
				// rule is for numbers followed by words
				if found < minFound || len(decode) == 0 || best != nil && found <= best.found {
					continue
				}
				best = &link{child: t, col: c, parent: pk.u, key: pk.k, found: found, score: found * 10, decode: decode}
			}
			if best != nil {
				t.links = append(t.links, best)
				best.parent.refBy = append(best.parent.refBy, best)
			}
		}
	}
}

// leadingNumber is the longest key among numbers that v begins with, cut at
// a space and followed by words ("2024-017 - Divorce" → "2024-017"); v
// itself when it is a number; "" when neither.
func leadingNumber(v string, numbers map[string]int32) string {
	if numbers[v] > 0 {
		return v
	}
	best := ""
	for i := 0; i < len(v); i++ {
		if v[i] != ' ' {
			continue
		}
		cand := strings.TrimRight(v[:i], " -–:;,.")
		if cand == "" || numbers[cand] == 0 || !strings.ContainsFunc(v[i:], unicode.IsLetter) {
			continue
		}
		best = cand // later cuts are longer
	}
	return best
}
