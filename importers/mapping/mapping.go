// Package mapping turns a table read from a legacy export (header + rows of
// text) into Clio records, exclusions with their ledger lines, or rejects.
//
// Use: Choose picks a profile (embedded JSON in importers/profiles) or maps a
// generic table, and returns a Plan; the user may edit it (SetColumn,
// SetEntity, SetDateOrder, SetValue); Observe is called on every row (pass 1:
// date-order, decimal-comma and Excel-damage evidence), Finish settles the
// per-column decisions and warnings, and Map turns each row into an Outcome
// (pass 2). Map never panics and every Outcome is exactly one of: records,
// an exclusion, or a reject.
//
// Column matching, in order: Memory (the user's earlier choices, keyed by
// Normalize(header)), the chosen profile's aliases, an exact target name,
// aliases of every profile of the same record type, then Jaro-Winkler ≥ 0.88
// on normalised headers (Via fuzzy, Confidence = similarity, never taking a
// field a surer match has). Anything left becomes custom:<Header> on contacts
// and matters, append:<Header> ("Header: value" lines in the main text) on
// tasks, notes, events, phone logs and time entries, and is listed in
// Unmapped: no column is dropped silently ("skip" marks the few a profile
// knows are meaningless, e.g. Outlook's "E-mail Type").
//
// Keys and references (the readiness checker and the upload engine rely on them):
//
//	Record.Key = "<profile>:<entity>:<legacy id>" when the table has an id column
//	             (contacts: the id column; matters: an id column beside the matter
//	             number, which other tables refer to it by, else the matter number;
//	             others: an id column),
//	           = "<profile>:<entity>:h:<hash>" otherwise (see rowCtx.key: stable across
//	             re-exports for unchanged rows; identical rows get -2, -3 …),
//	           = "<profile>:contacts:company:<normalised name>" for the company contact
//	             derived from a person's Company column (emitted once per Plan pass:
//	             Finish resets the set; the store should also upsert by Key), and
//	           = "<profile>:notes:contact:<id>" / "<profile>:notes:matter:<id>" for the
//	             note made from a contact's or matter's Notes column.
//	The legacy id is everything after the second ':' of a key.
//	Ref{Kind:"number"}  a matter number as written (Matter.DisplayNumber)
//	Ref{Kind:"id"}      a legacy contact id (the id part of a contact key)
//	Ref{Kind:"name"}    a contact or company name as written
//
// Values: money is parsed exactly into cents (ParseCents), hours into seconds
// (ParseHours), identifiers stay text, dates become YYYY-MM-DD (see dates.go
// for how a column's day/month order is decided and flagged), date+time pairs
// become local RFC 3339 without an offset ("2024-03-15T10:00:00", warned as
// RuleNoTimeZone).
package mapping

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/hbollon/go-edlib"

	"handover/core/model"
)

// Via says how a column's target was chosen.
type Via string

const (
	ViaProfile    Via = "profile"
	ViaExact      Via = "exact"
	ViaAlias      Via = "alias"
	ViaRemembered Via = "remembered"
	ViaFuzzy      Via = "fuzzy"
	ViaUser       Via = "user"
	ViaNone       Via = "" // not recognised: custom-field / append candidate
)

// FuzzyThreshold is the least Jaro-Winkler similarity of normalised headers for a fuzzy match.
const FuzzyThreshold = 0.88

// RuleNoTimeZone flags date-times written without a zone: they are kept as local
// time without an offset ("2024-03-15T10:00:00") until the firm's zone is applied.
const RuleNoTimeZone = "datetime.no_zone"

// RuleUnmapped flags columns that no profile, alias or memory recognised.
const RuleUnmapped = "column.unmapped"

// RuleUnknownTable flags a table whose record type could not be told.
const RuleUnknownTable = "table.unknown"

// Column is one source column and where its values go.
type Column struct {
	Index      int
	Header     string
	Target     string
	Confidence float64
	Via        Via
	Samples    []string
	Reading    string `json:",omitempty"` // how the values are read (reading.go: ReadUnixSeconds, ReadCents …)
	Evidence   string `json:",omitempty"` // what in the values (and name) decided it, for the Mapping screen
	Question   string `json:",omitempty"` // set when the values do not settle the reading: ask, see SetReading
}

// Warning is a table-level observation shown before import. Rule is empty
// for summaries of row-level findings (the rows carry those findings), so a
// caller that stores warnings with a rule as findings never counts one twice.
type Warning struct {
	Rule    string
	Column  string
	Value   string // an example value (date.ambiguous: the column's first value)
	Message string
}

// Finding is a row-level observation the checker cannot re-derive later.
type Finding struct {
	Rule    string
	Field   string
	Value   string
	Message string
}

// Memory maps Normalize(header) → target, remembered per project from the
// user's earlier choices. It wins over every automatic match (it only ever
// holds decisions a person made); a "" target means "leave this column out".
type Memory map[string]string

// Outcome is what one row becomes.
type Outcome struct {
	Records  []model.Record
	Excluded model.Reason
	Entity   model.Entity
	Ledger   *model.LedgerLine
	Excl     any
	Reject   string
	Findings []Finding
}

// Plan is the mapping of one table.
type Plan struct {
	Profile    string
	System     string
	Entity     model.Entity
	Ledger     model.LedgerKind // ledger tables: the kind used when a row has no Type
	Columns    []Column
	Unmapped   []string
	DateOrder  string            // default order for a/b/y dates in this table
	DateOrders map[string]string // per date column header: MDY | DMY | YMD
	Warnings   []Warning
	Links      []Link     `json:",omitempty"` // link columns a relational pre-pass found (ChooseWithHints)
	Questions  []Question `json:",omitempty"` // columns the mapper could not settle: asked on the Mapping screen
	Lookup     string     `json:",omitempty"` // a lookup table's reason: its rows decode codes, not migrated
	Why        string     `json:",omitempty"` // why a pre-pass gave the table its type (ChooseWithHints)
	// BilledLines: the rows are invoices' lines (Hints.Lines): accounting
	// history excluded with its reason, feeding no balance.
	BilledLines bool `json:",omitempty"`

	settles     bool              // payments of an invoice listing (Hints.Settles): never trust by flow; refunds read by flow
	trustKeptIn string            // the table keeping the source's trust money (Hints.TrustKeptIn)
	either      bool              // its flow is a trust account's, its words payments and refunds (trustByFlow)
	matterOf    map[string]string // a payment's invoice reference → the invoice's matter number (Hints: ColumnHint.Matters)

	decode     map[int]map[string]string // by source column index: legacy key → parent's reference form
	refKinds   map[string]string         // link target → model.Ref kind of its decoded values
	prof       *profile
	kind       string
	values     map[string]map[string]string
	headerless bool
	obs        []colObs
	rows       int
	finished   bool
	decComma   []bool
	order      []string
	ambiguous  []bool
	userOrder  map[string]string // header → order the user chose
	normHeader []string
	strays     []strayMemo // stray's answers by column
	// settlementUnread: invoice columns whose values are a part of the
	// amount but whose names say neither paid nor balance (targets.go)
	settlementUnread []string
	seenHash         map[model.Entity]map[uint64]uint32 // per entity: how often each row hash was seen (keys of identical rows get -2, -3…)
	seenCompany      map[string]bool
	signByType       bool      // a typed ledger whose amounts are signed as their types say (see shapeLedger)
	rd               readState // per column: how its values are read (reading.go)
	forced           bool      // the profile was named by the caller, not detected
}

type colObs struct {
	dmy, mdy, ambig, dotted, definite, bad int
	commaDec, pointDec                     int
	nonEmpty                               int
	firstAmbig                             string
	xl                                     excelObs   // Excel damage evidence (excel.go)
	rd                                     readingObs // what the values look like (reading.go)
}

// Choose picks the profile for a table and maps its columns. force names a
// profile to use ("generic" included) instead of detection.
func Choose(file, table string, header []string, sample [][]string, mem Memory, force string) (*Plan, error) {
	if err := load(); err != nil {
		return nil, err
	}
	headerless := isHeaderless(header)
	var prof *profile
	if force != "" {
		prof = byName[force]
		if prof == nil {
			var names []string
			for _, p := range allProfile {
				names = append(names, p.Name)
			}
			return nil, fmt.Errorf("no profile %q (known: %s)", force, strings.Join(names, ", "))
		}
	} else {
		prof = detect(file, table, header, sample, headerless)
	}
	p := &Plan{Profile: prof.Name, System: prof.System, prof: prof, headerless: headerless, forced: force != ""}
	if prof.Name == "generic" {
		best, bestScore, full := "", -1.0, false
		var bestCols []Column
		for _, k := range kinds {
			// the kind is told by headers as written and by values; an
			// abbreviated header's reading (abbrev.go) is a guess too loose
			// to decide what a table holds, and on a kind guessed from the
			// headers it turned invoice listings into matters (measured on
			// held-out firms): it applies where the kind is known otherwise
			// (a database's structure, a profile, the user)
			cols := byValues(k, mapColumns(header, sample, mem, nil, k, headerless, false), sample)
			sc, ok := scoreKind(k, cols, sample, file, table)
			if sc > bestScore {
				best, bestScore, full, bestCols = k, sc, ok, cols
			}
		}
		p.Columns = bestCols
		if !full {
			// Keep the closest guesses on show, but map no row until the
			// user says what the table holds (SetEntity or a profile).
			best = ""
			for i := range p.Columns {
				if p.Columns[i].Via == ViaNone {
					p.Columns[i].Target = ""
				}
			}
		}
		p.kind = best
		if best == "" {
			p.Warnings = append(p.Warnings, Warning{Rule: RuleUnknownTable, Message: "Could not tell what this table holds (contacts, matters, time, ...): choose a profile or map the columns by hand."})
		}
	} else {
		p.kind = prof.kind()
		p.Columns = mapColumns(header, sample, mem, prof, p.kind, headerless, true)
	}
	p.recallReadings(mem)
	p.applyKind()
	p.shapeLedger(file, table, sample)
	p.readAcrossColumns(sample)
	return p, nil
}

func (p *Plan) applyKind() {
	p.Entity = kindEntity(p.kind)
	p.Ledger = ""
	switch p.kind {
	case "ledger:ar":
		p.Ledger = model.LedgerInvoice
		p.Entity = ""
	case "ledger:trust":
		p.Ledger = model.LedgerTrustDeposit
		p.Entity = ""
	}
	p.values = map[string]map[string]string{}
	merge := func(src map[string]map[string]string) {
		for t, m := range src {
			if p.values[t] == nil {
				p.values[t] = map[string]string{}
			}
			for w, v := range m {
				p.values[t][Normalize(w)] = v
			}
		}
	}
	merge(defaultValues)
	merge(kindValues[p.kind])
	if p.prof.Name != "generic" {
		merge(p.prof.Values)
	}
	p.DateOrder = p.prof.DateOrder
	if p.DateOrder == "" {
		p.DateOrder = "MDY"
	}
	p.refresh()
}

// refresh recomputes Unmapped and per-column state after the columns changed.
func (p *Plan) refresh() {
	p.Unmapped = nil
	p.normHeader = make([]string, len(p.Columns))
	for i, c := range p.Columns {
		p.normHeader[i] = Normalize(c.Header)
	}
	for i, c := range p.Columns {
		if (c.Via == ViaNone && c.Target != "skip") || p.stray(i) {
			p.Unmapped = append(p.Unmapped, c.Header)
		}
	}
	n := len(p.Columns)
	if len(p.obs) != n {
		p.obs = make([]colObs, n)
		p.rows = 0
	}
	p.finished = false
	p.settle()
}

// stray reports a column whose target means nothing for this table's record
// type (e.g. a user picked a matter field on a contacts table). Its values are
// kept like an unrecognised column's: custom field or appended text.
func (p *Plan) stray(i int) bool {
	t := p.Columns[i].Target
	if p.kind == "" || t == "" {
		return false
	}
	// Asked for every column of every row; the answer holds while the
	// column's target and the table's kind stay what they were.
	if i < len(p.strays) {
		if m := p.strays[i]; m.known && m.target == t && m.kind == p.kind {
			return m.stray
		}
	} else {
		p.strays = append(p.strays, make([]strayMemo, i+1-len(p.strays))...)
	}
	p.strays[i] = strayMemo{known: true, target: t, kind: p.kind, stray: !targetFits(t, p.kind)}
	return p.strays[i].stray
}

// strayMemo is stray's answer for one column, and what it was asked about.
type strayMemo struct {
	known, stray bool
	target, kind string
}

func isHeaderless(header []string) bool {
	if len(header) == 0 {
		return false
	}
	for i, h := range header {
		if strings.TrimSpace(h) != strconv.Itoa(i+1) {
			return false
		}
	}
	return true
}

var reWord = regexp.MustCompile(`[a-z0-9]+`)

func hasHint(file, table string, hints []string) bool {
	words := reWord.FindAllString(strings.ToLower(file+" "+table), -1)
	for _, h := range hints {
		h = strings.ToLower(h)
		for _, w := range words {
			if w == h || (len(h) >= 4 && strings.Contains(w, h)) {
				return true
			}
		}
	}
	return false
}

func detect(file, table string, header []string, sample [][]string, headerless bool) *profile {
	norm := map[string]int{}
	for i, h := range header {
		if _, dup := norm[Normalize(h)]; !dup {
			norm[Normalize(h)] = i
		}
	}
	var best *profile
	bestScore := 0.0
	for _, pr := range allProfile {
		if pr.Name == "generic" {
			continue
		}
		score := 0.0
		if headerless {
			h := pr.Detect.Headerless
			if h == nil || h.Columns != len(header) {
				continue
			}
			ok := true
			for i, re := range pr.patterns {
				match, seen := 0, 0
				for _, r := range sample {
					if i < len(r) {
						v := strings.TrimSpace(r[i])
						if v == "" && !re.MatchString("") {
							continue
						}
						seen++
						if re.MatchString(v) {
							match++
						}
					}
				}
				if seen > 0 && float64(match) < 0.8*float64(seen) {
					ok = false
				}
			}
			if !ok {
				continue
			}
			score = 10
		} else {
			bestSet := -1
			for _, set := range pr.required {
				all := true
				for _, h := range set {
					if _, ok := norm[h]; !ok {
						all = false
						break
					}
				}
				if all && len(set) > bestSet {
					bestSet = len(set)
				}
			}
			if bestSet < 0 {
				continue
			}
			score = 10 * float64(bestSet)
			for n := range norm {
				if _, ok := pr.aliases[n]; ok {
					score++
				}
			}
			for target, words := range pr.Detect.ValueHints {
				for n, i := range norm {
					if pr.aliases[n] != target {
						continue
					}
					hit, seen := 0, 0
					for _, r := range sample {
						if i < len(r) && strings.TrimSpace(r[i]) != "" {
							seen++
							for _, w := range words {
								if Normalize(r[i]) == Normalize(w) {
									hit++
									break
								}
							}
						}
					}
					if seen > 0 && hit*2 >= seen {
						score += 5
					}
				}
			}
		}
		if hasHint(file, table, pr.Detect.FileHints) {
			score += 3
		}
		if score > bestScore {
			best, bestScore = pr, score
		}
	}
	if best == nil {
		return byName["generic"]
	}
	return best
}

// exactTargets: plain target names a header may spell out ("First Name" = first_name).
func exactTarget(n, kind string) string {
	for _, t := range exactNames[n] {
		if targetFits(t, kind) {
			return t
		}
	}
	return ""
}

func digitsOf(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// fuzzy finds the alias of kind most similar to n (Jaro-Winkler ≥ FuzzyThreshold).
// Headers that differ in their digits ("Phone 2" vs "Phone 1") never match.
func fuzzy(n, kind string) (string, float64) {
	if len([]rune(n)) < 4 {
		return "", 0
	}
	best, bestSim := "", 0.0
	for _, a := range kindCands[kind] {
		if digitsOf(a) != digitsOf(n) {
			continue
		}
		sim := float64(edlib.JaroWinklerSimilarity(n, a))
		if sim > bestSim {
			best, bestSim = a, sim
		}
	}
	if bestSim >= FuzzyThreshold && best != "" {
		return kindAlias[kind][best], bestSim
	}
	return "", 0
}

func samplesOf(sample [][]string, i int) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range sample {
		if i < len(r) {
			v := strings.TrimSpace(r[i])
			if v != "" && !seen[v] {
				seen[v] = true
				out = append(out, v)
				if len(out) == 3 {
					break
				}
			}
		}
	}
	return out
}

// mapColumns maps each header: memory, then the profile's own aliases, then
// exact target names, aliases from every profile of the same kind, fuzzy;
// anything left becomes a custom-field (contacts, matters) or appended-text
// candidate and is listed in Unmapped.
//
// With abbrev, a header left unmatched is read as abbreviated words
// (abbrev.go) before the fuzzy match.
func mapColumns(header []string, sample [][]string, mem Memory, prof *profile, kind string, headerless, abbrev bool) []Column {
	cols := make([]Column, len(header))
	used := map[string]bool{}
	for i, h := range header {
		name := strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if headerless && prof != nil && i < len(prof.Names) {
			name = prof.Names[i]
		}
		if name == "" {
			name = "Column " + strconv.Itoa(i+1)
		}
		c := Column{Index: i, Header: name, Samples: samplesOf(sample, i)}
		n := Normalize(name)
		if t, ok := mem[n]; ok && (t == "" || validTarget(t)) {
			if t == "" {
				t = "skip"
			}
			c.Target, c.Via, c.Confidence = t, ViaRemembered, 1
		} else if t, ok := profAlias(prof, n); ok {
			c.Target, c.Via, c.Confidence = t, ViaProfile, 1
		} else if t := exactTarget(n, kind); t != "" && kind != "" {
			c.Target, c.Via, c.Confidence = t, ViaExact, 1
		} else if t, ok := kindAlias[kind][n]; ok && kind != "" {
			c.Target, c.Via, c.Confidence = t, ViaAlias, 0.95
		}
		if c.Target != "" {
			used[c.Target] = true
		}
		cols[i] = c
	}
	// Fuzzy guesses come second so they never take a field a sure match has,
	// and never two columns for one single-valued field.
	for i := range cols {
		c := &cols[i]
		if c.Target == "" && kind != "" {
			if t := abbrevTarget(c.Header, prof, kind); abbrev && t != "" && !(used[t] && singleTarget(t)) {
				c.Target, c.Via, c.Confidence = t, ViaFuzzy, 0.9
				used[t] = true
			} else if t, sim := fuzzy(Normalize(c.Header), kind); t != "" && !(used[t] && singleTarget(t)) {
				c.Target, c.Via, c.Confidence = t, ViaFuzzy, sim
				used[t] = true
			}
		}
		if c.Target == "" {
			c.Target = fallbackTarget(kind, c.Header)
		}
	}
	return cols
}

func profAlias(prof *profile, n string) (string, bool) {
	if prof == nil {
		return "", false
	}
	t, ok := prof.aliases[n]
	return t, ok
}

// singleTarget: targets that hold one value (a second column would be ignored).
func singleTarget(t string) bool {
	return !strings.HasPrefix(t, "emails[") && !strings.HasPrefix(t, "phones[") && !strings.HasPrefix(t, "custom:") && !strings.HasPrefix(t, "append:") && t != "skip"
}

func fallbackTarget(kind, header string) string {
	switch kind {
	case "contacts", "matters":
		return "custom:" + header
	case "tasks", "notes", "calendar_events", "phone_logs", "time_entries":
		return "append:" + header
	}
	return ""
}

func scoreKind(k string, cols []Column, sample [][]string, file, table string) (float64, bool) {
	mapped := map[string]bool{}
	sum := 0.0
	for _, c := range cols {
		if len(sample) > 0 && len(c.Samples) == 0 {
			continue // a column nobody filled says nothing about what the rows are (an empty Fax column on a parties list)
		}
		if c.Via != ViaNone && c.Target != "skip" && targetFits(c.Target, k) {
			mapped[c.Target] = true
			sum += c.Confidence
		}
	}
	groups := kindRequired[k]
	ok := 0
	for gi, g := range groups {
		if groupMet(k, gi, g, mapped, cols, sample, file, table) {
			ok++
		}
	}
	score := 100*float64(ok)/float64(len(groups)) + sum
	score += ledgerWords(k, cols)
	if k == "ledger:trust" && trustNamed(file, table, cols) {
		score += 5
	}
	return score, ok == len(groups)
}

// SetColumn records a user's choice for a column (by header as shown, or by
// the raw header name "1", "2"… of a headerless file). An empty target leaves
// the column out on purpose.
func (p *Plan) SetColumn(header, target string) {
	if target == "" {
		target = "skip"
	}
	if !validTarget(target) {
		p.Warnings = append(p.Warnings, Warning{Rule: RuleUnmapped, Column: header, Message: fmt.Sprintf("%q is not a known field; column %q left as it was.", target, header)})
		return
	}
	n := Normalize(header)
	for i := range p.Columns {
		c := &p.Columns[i]
		if c.Header == header || Normalize(c.Header) == n || strconv.Itoa(c.Index+1) == header {
			c.Target, c.Via, c.Confidence = target, ViaUser, 1
		}
	}
	p.refresh()
}

// SetEntity says what each row of the table is: an entity name
// ("contacts", "matters", ...) or "ledger:ar" / "ledger:trust" for
// accounting history. Columns keep their targets; unrecognised ones become
// custom-field or appended-text candidates for the new type.
func (p *Plan) SetEntity(kind string) error { return p.setEntity(kind, true) }

// setEntity is SetEntity; abbrev says whether abbreviated headers are read
// (abbrev.go): not when the type is only a guess from a flat file's
// structure, where reading MTR as the matter number of a table that is no
// matters list made its rows duplicate matters (measured on held-out firms).
func (p *Plan) setEntity(kind string, abbrev bool) error {
	ok := false
	for _, k := range kinds {
		ok = ok || k == kind
	}
	if !ok {
		return fmt.Errorf("unknown record type %q (one of %s)", kind, strings.Join(kinds, ", "))
	}
	p.kind = kind
	headers := make([]string, len(p.Columns))
	for i, c := range p.Columns {
		headers[i] = c.Header
	}
	var prof *profile
	if p.prof.Name != "generic" && p.prof.kind() == kind {
		prof = p.prof
	}
	fresh := mapColumns(headers, nil, nil, prof, kind, false, abbrev)
	for i := range p.Columns {
		if v := p.Columns[i].Via; v != ViaUser && v != ViaRemembered {
			fresh[i].Index, fresh[i].Samples = p.Columns[i].Index, p.Columns[i].Samples
			p.Columns[i] = fresh[i]
		}
	}
	var keep []Warning
	for _, w := range p.Warnings {
		if w.Rule != RuleUnknownTable {
			keep = append(keep, w)
		}
	}
	p.Warnings = keep
	p.applyKind()
	return nil
}

// SetValue adds or changes one value-map entry for this table: the source
// word (compared normalised) in a column mapped to target becomes value, e.g.
// SetValue("ledger.type", "Payment", "trust_withdrawal") or
// SetValue("status", "Dormant", "Closed"). Matter status uses target
// "status"; task status "task.status".
func (p *Plan) SetValue(target, source, value string) {
	if p.values == nil {
		p.values = map[string]map[string]string{}
	}
	if p.values[target] == nil {
		p.values[target] = map[string]string{}
	}
	p.values[target][Normalize(source)] = value
}

// SetDateOrder records the user's day/month order for a date column
// ("MDY", "DMY" or "YMD"); it replaces the inferred one and its warning.
func (p *Plan) SetDateOrder(header, order string) error {
	switch order {
	case "MDY", "DMY", "YMD":
	default:
		return fmt.Errorf("date order must be MDY, DMY or YMD, not %q", order)
	}
	found := false
	for _, c := range p.Columns {
		if c.Header == header || strconv.Itoa(c.Index+1) == header {
			header, found = c.Header, true
		}
	}
	if !found {
		return fmt.Errorf("no column %q", header)
	}
	if p.userOrder == nil {
		p.userOrder = map[string]string{}
	}
	p.userOrder[header] = order
	p.settle()
	return nil
}

// Remember returns the plan's decisions as Memory entries (user and remembered
// choices only), for the lead to store with the project.
func (p *Plan) Remember() Memory {
	m := Memory{}
	for _, c := range p.Columns {
		if c.Via == ViaUser || c.Via == ViaRemembered {
			t := c.Target
			if t == "skip" {
				t = ""
			}
			m[Normalize(c.Header)] = t
		}
	}
	p.rememberReadings(m)
	return m
}
