package mapping

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"handover/core/model"
)

// cell is one non-empty value of a row with the column it came from.
type cell struct {
	col int // index into p.Columns
	v   string
}

type rowCtx struct {
	p        *Plan
	row      []string
	findings []Finding
	reject   string
}

func (r *rowCtx) at(i int) string {
	ci := r.p.Columns[i].Index
	if ci < 0 || ci >= len(r.row) {
		return ""
	}
	return strings.TrimSpace(r.row[ci])
}

// all returns the non-empty values of every column mapped to target.
func (r *rowCtx) all(target string) []cell {
	var out []cell
	for i, c := range r.p.Columns {
		if c.Target == target {
			if v := r.at(i); v != "" {
				out = append(out, cell{i, v})
			}
		}
	}
	return out
}

// get returns the first non-empty value of target.
func (r *rowCtx) get(target string) string {
	c, _ := r.getCell(target)
	return c.v
}

func (r *rowCtx) getCell(target string) (cell, bool) {
	for i, c := range r.p.Columns { // r.all(target)[0], without building the list
		if c.Target == target {
			if v := r.at(i); v != "" {
				return cell{i, v}, true
			}
		}
	}
	return cell{col: -1}, false
}

func (r *rowCtx) has(target string) bool {
	for _, c := range r.p.Columns {
		if c.Target == target {
			return true
		}
	}
	return false
}

// hint describes the row in a few words for reject messages.
func (r *rowCtx) hint() string {
	var parts []string
	for i, c := range r.p.Columns {
		if v := r.at(i); v != "" && c.Target != "skip" {
			if len(v) > 30 {
				v = v[:27] + "..."
			}
			parts = append(parts, c.Header+"="+v)
			if len(parts) == 3 {
				break
			}
		}
	}
	return strings.Join(parts, ", ")
}

func (r *rowCtx) fail(c cell, what, todo string) {
	if r.reject != "" {
		return
	}
	r.reject = fmt.Sprintf("Column %q has %q, which is not %s (row: %s). %s", r.p.Columns[c.col].Header, c.v, what, r.hint(), todo)
}

// date reads target as YYYY-MM-DD ("" when blank); unreadable values reject the row.
func (r *rowCtx) date(target string) (string, scanned) {
	c, ok := r.getCell(target)
	if !ok {
		return "", scanned{}
	}
	s := r.p.scanAt(c.col, c.v)
	if s.shape == shapeBlank {
		return "", s
	}
	ord := r.p.DateOrder
	if c.col < len(r.p.order) && r.p.order[c.col] != "" {
		ord = r.p.order[c.col]
	}
	iso, ok := s.resolve(ord)
	if !ok {
		r.fail(c, "a date", "Write it like 2024-03-15 (or as the rest of the column does), then re-import.")
		return "", s
	}
	return iso, s
}

func (r *rowCtx) money(target string) (model.Cents, bool) {
	c, ok := r.getCell(target)
	if !ok {
		return 0, false
	}
	dc := c.col < len(r.p.decComma) && r.p.decComma[c.col]
	v, err := r.p.cents(c.col, c.v, dc)
	if err != nil {
		r.fail(c, "an amount", "Write it like 1234.50 or 1,234.50 (negative: -125.00 or (125.00)), then re-import.")
		return 0, false
	}
	return v, true
}

func (r *rowCtx) mapValue(target, mapKey string) string {
	v := r.get(target)
	if v == "" {
		return ""
	}
	if m, ok := r.p.values[mapKey][Normalize(v)]; ok {
		return m
	}
	return v
}

func (r *rowCtx) yes(target string) (bool, bool) {
	c, ok := r.getCell(target)
	if !ok {
		return false, false
	}
	b, known := yesNo(c.v)
	return b, known
}

// appended returns "Label: value" lines for append:<Label> columns.
func (r *rowCtx) appended() string {
	var lines []string
	for i, c := range r.p.Columns {
		label := strings.TrimPrefix(c.Target, "append:")
		if r.p.stray(i) {
			label = c.Header
		} else if !strings.HasPrefix(c.Target, "append:") {
			continue
		}
		if v := r.p.shown(i, r.at(i)); v != "" {
			lines = append(lines, label+": "+v)
		}
	}
	return strings.Join(lines, "\n")
}

func joinText(parts ...string) string {
	var out []string
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "\n\n")
}

func (r *rowCtx) customs() map[string]string {
	var m map[string]string
	for i, c := range r.p.Columns {
		if strings.HasPrefix(c.Target, "custom:") || r.p.stray(i) {
			if v := r.p.shown(i, r.at(i)); v != "" {
				if m == nil {
					m = map[string]string{}
				}
				name := strings.TrimPrefix(c.Target, "custom:")
				if r.p.stray(i) {
					name = c.Header
				}
				if old, ok := m[name]; ok {
					v = old + "; " + v
				}
				m[name] = v
			}
		}
	}
	return m
}

// Map turns one row into records, an exclusion or a reject (pass 2). It never panics.
func (p *Plan) Map(row []string) Outcome {
	if p == nil || p.prof == nil {
		return Outcome{Reject: "The table has no mapping yet: choose a profile first."}
	}
	if len(p.order) != len(p.Columns) || len(p.obs) != len(p.Columns) {
		p.settle()
	}
	r := &rowCtx{p: p, row: p.decodeRow(row)}
	blank := true
	for _, v := range row {
		if strings.TrimSpace(v) != "" {
			blank = false
			break
		}
	}
	if blank {
		return Outcome{Excluded: model.EmptyRow, Entity: p.Entity}
	}
	if p.notData(r) {
		return Outcome{Excluded: model.NotData, Entity: p.Entity}
	}
	if p.kind == "" {
		return Outcome{Reject: "This table's record type is not chosen (contacts, matters, time entries, ...): pick a profile or map the columns, then re-import."}
	}
	for i, c := range p.Columns {
		if isIdentTarget(c.Target) {
			if v := r.at(i); v != "" && p.mangledValue(i, v) {
				field := c.Target
				if field == "matter" && p.kind == "matters" {
					field = "display_number"
				}
				r.findings = append(r.findings, Finding{Rule: model.RuleExcelMangled, Field: field, Value: v, Message: fmt.Sprintf("Column %q has %q, which looks like a number Excel turned into a date; kept as written.", c.Header, v)})
			}
		}
	}
	var out Outcome
	switch p.kind {
	case "ledger:ar", "ledger:trust":
		out = p.mapLedger(r)
	case "contacts":
		out = p.mapContact(r)
	case "matters":
		out = p.mapMatter(r)
	case "relationships":
		out = p.mapRelationship(r)
	case "tasks":
		out = p.mapTask(r)
	case "notes":
		out = p.mapNote(r)
	case "calendar_events":
		out = p.mapEvent(r)
	case "phone_logs":
		out = p.mapPhone(r)
	case "time_entries":
		out = p.mapTime(r)
	default:
		out = Outcome{Reject: "Unknown record type " + p.kind}
	}
	if r.reject != "" && out.Excluded == "" {
		out = Outcome{Reject: r.reject}
	}
	if out.Reject == "" && out.Excluded == "" {
		if del, _ := r.yes("deleted"); del {
			out = Outcome{Excluded: model.DeletedInSource, Entity: p.Entity, Excl: firstData(out.Records)}
		}
	}
	out.Findings = append(out.Findings, r.findings...)
	return out
}

func firstData(rs []model.Record) any {
	if len(rs) == 0 {
		return nil
	}
	return rs[0].Data
}

var reNotData = regexp.MustCompile(`(?i)^(?:(?:grand|sub)[\s-]*)?totals?\b|^(?:summe|gesamt|gesamtsumme|zwischensumme)\b|^(?:page|seite)\s+\d+|^report\s+(?:generated|printed|run)\b|^printed\s+(?:on|by)\b|^end\s+of\s+report\b|^\*+\s*end\b`)

// notData spots repeated header rows and total/footer lines.
func (p *Plan) notData(r *rowCtx) bool {
	same, nonEmpty := 0, 0
	first := ""
	for i, c := range p.Columns {
		v := r.at(i)
		if v == "" {
			continue
		}
		nonEmpty++
		if first == "" {
			first = v
		}
		if i < len(p.normHeader) && len(v) < 2*len(c.Header)+8 && normalizesTo(v, p.normHeader[i]) {
			same++
		}
	}
	if nonEmpty >= 2 && same*2 > nonEmpty && !p.headerless {
		return true
	}
	return nonEmpty <= 3 && len(p.Columns) > 3 && reNotData.MatchString(first)
}

// normalizesTo is Normalize(v) == norm, without building Normalize(v) when
// v is ASCII (every row's every value is compared with its column's title).
func normalizesTo(v, norm string) bool {
	if !isASCII(v) {
		return Normalize(v) == norm
	}
	j := 0
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
		default:
			continue
		}
		if j >= len(norm) || norm[j] != c {
			return false
		}
		j++
	}
	return j == len(norm)
}

// legacyID returns the row's id for its key.
func (r *rowCtx) legacyID() string {
	keys := r.p.prof.Keys
	if len(keys) == 0 {
		if r.p.kind == "matters" {
			// a separate id column is what other tables refer to the matter by
			keys = []string{"id", "matter"}
		} else {
			keys = []string{"id"}
		}
	}
	for _, k := range keys {
		if v := r.get(k); v != "" {
			return v
		}
	}
	return ""
}

// key builds Record.Key. Without an id column it is a hash of the row's
// non-empty values paired with their normalised headers, sorted, with values
// trimmed, space-collapsed and lower-cased: the same row in a fresher export
// (even with columns reordered or added empty) gets the same key. Identical
// rows within one table get "-2", "-3"… so real repeats are not collapsed.
func (r *rowCtx) key(e model.Entity) string {
	if id := r.legacyID(); id != "" {
		return r.p.Profile + ":" + string(e) + ":" + id
	}
	sum := r.valuesHash()
	if r.p.seenHash == nil {
		r.p.seenHash = map[model.Entity]map[uint64]uint32{}
	}
	seen := r.p.seenHash[e]
	if seen == nil {
		seen = map[uint64]uint32{}
		r.p.seenHash[e] = seen
	}
	// The 8 bytes of the hash as a number, not its hex text: this map has an
	// entry per row, and text keys made it most of a 1M-row ingest's memory.
	n := seen[binary.BigEndian.Uint64(sum[:8])] + 1
	seen[binary.BigEndian.Uint64(sum[:8])] = n
	var buf [96]byte // the key written once, not concatenated piece by piece
	k := append(buf[:0], r.p.Profile...)
	k = append(k, ':')
	k = append(k, e...)
	k = append(k, ":h:"...)
	k = hex.AppendEncode(k, sum[:8])
	if n > 1 {
		k = append(k, '-')
		k = strconv.AppendUint(k, uint64(n), 10)
	}
	return string(k)
}

// historyTarget is one column of a profile's billed history (Profile.History),
// read on every time row: its words normalised once, not per row.
type historyTarget struct {
	target   string
	words    []string // normalised
	star     bool     // any value means billed
	listsYes bool     // the words include a yes: the column is a flag
}

var histories sync.Map // *profile → []historyTarget, by target name

// historyOf is prof.History as billed reads it, in target order.
func historyOf(prof *profile) []historyTarget {
	if h, ok := histories.Load(prof); ok {
		return h.([]historyTarget)
	}
	var out []historyTarget
	for t, words := range prof.History {
		h := historyTarget{target: t, listsYes: listsYes(words)}
		for _, w := range words {
			h.star = h.star || w == "*"
			h.words = append(h.words, Normalize(w))
		}
		out = append(out, h)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].target < out[j].target })
	histories.Store(prof, out)
	return out
}

// keyScratch holds valuesHash's buffers between rows (a row's key is the
// hot path of every table without an id column).
type keyScratch struct {
	text   []byte   // the pairs, one after another
	ends   []int    // where each pair ends in text
	pairs  [][]byte // the pairs, to sort
	joined []byte
}

var keyScratches = sync.Pool{New: func() any { return new(keyScratch) }}

// valuesHash is the SHA-256 of the row's "header=value" pairs, sorted and
// joined by \x1f, each value with its white space runs made one space and
// lower-cased: what the key of a row without an id is made from.
func (r *rowCtx) valuesHash() [sha256.Size]byte {
	s := keyScratches.Get().(*keyScratch)
	defer keyScratches.Put(s)
	text, ends := s.text[:0], s.ends[:0]
	for i, c := range r.p.Columns {
		if v := r.at(i); v != "" && c.Target != "skip" {
			if i < len(r.p.normHeader) {
				text = append(text, r.p.normHeader[i]...) // normalised once per table, not per row
			} else {
				text = append(text, Normalize(c.Header)...)
			}
			text = append(text, '=')
			if !singleSpaced(v) {
				v = strings.Join(strings.Fields(v), " ")
			}
			text = appendLower(text, v)
			ends = append(ends, len(text))
		}
	}
	pairs, start := s.pairs[:0], 0
	for _, end := range ends {
		pairs = append(pairs, text[start:end])
		start = end
	}
	slices.SortFunc(pairs, bytes.Compare) // the order of sort.Strings on the same pairs
	joined := s.joined[:0]
	for i, p := range pairs {
		if i > 0 {
			joined = append(joined, 0x1f)
		}
		joined = append(joined, p...)
	}
	s.text, s.ends, s.pairs, s.joined = text, ends, pairs, joined
	return sha256.Sum256(joined)
}

// appendLower appends strings.ToLower(v): byte by byte when v is ASCII, as
// ToLower itself does.
func appendLower(b []byte, v string) []byte {
	if !isASCII(v) {
		return append(b, strings.ToLower(v)...)
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return b
}

// singleSpaced: v (trimmed) is ASCII with no white space but single spaces,
// so strings.Join(strings.Fields(v), " ") would give v back.
func singleSpaced(v string) bool {
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c >= 0x80, c == '\t', c == '\n', c == '\v', c == '\f', c == '\r':
			return false
		case c == ' ' && (i == 0 || i == len(v)-1 || v[i+1] == ' '):
			return false
		}
	}
	return true
}

func rec(e model.Entity, key string, data any) model.Record {
	return model.Record{Entity: e, Key: key, Data: data}
}
