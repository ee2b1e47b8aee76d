// Package relational reads a database source — a SQLite file, an Access
// database, a folder of DBF tables (or of exported files) — as a whole
// before any table is mapped: which column is each table's key, which
// columns link to another table's records (declared foreign keys, and
// conventional ones such as ClientID, MatterNo, case_ref, person_id confirmed
// by their values), which tables are only lookups (status codes, staff by
// initials), and what each table holds in Clio's terms, decided from its
// columns, its links and its values rather than from its name.
//
// The result is a mapping.Hints per table: the record type, the link
// columns' targets with decode maps (a foreign key → the parent matter's
// number, the contact's legacy id, the person's name, the code's label), and
// questions for the columns it could not settle.
//
// Memory: pass 1 keeps, per column, counters and the set of its distinct
// values (capped at maxDistinct, prose dropped early) plus a 50-row sample per
// table; pass 2 re-reads only the tables other tables refer to, to build the
// decode maps. Rows themselves are never held.
package relational

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"handover/core/model"
	"handover/importers/mapping"
	"handover/importers/tabular"
)

const sampleRows = 50

// Options steer the pre-pass.
type Options struct {
	Tabular tabular.Options
	Memory  mapping.Memory
	// Flat marks files exported one table each (a folder of CSV or Excel
	// files): their profiles read them well, so only links are hinted, and
	// a record type only where the mapping cannot tell one.
	Flat bool
	// ProjectMatters are the numbers of the matters already in the project
	// (flat files only): a column of another file whose values are among
	// them is that file's matter link even when no matters file is beside it.
	ProjectMatters map[string]bool
	// Keep names the files the caller is about to map: pass 1 keeps what it
	// saw of them (Result.Read), the mapping's evidence included, so they
	// need not be read once more. nil keeps none.
	Keep func(path string) bool
}

// Result holds the hints for every table read.
type Result struct {
	Tables []TableReport `json:"tables"`
	// Cents says why the database's whole-number amounts are read as cents
	// ("" when nothing shows it).
	Cents string `json:"cents,omitempty"`
	hints map[string]mapping.Hints
	reads map[string]*FileRead // by filepath.Clean(path)
}

// FileRead is what pass 1 saw of one file, enough for the ingest to choose
// and settle each table's mapping without reading the file again: its rows
// (of every kind), what the reader detected, and per table the first data
// row, the sample and the mapping's evidence from every data row.
type FileRead struct {
	Options tabular.Options // what the file was read with
	Rows    int64
	Info    tabular.Info
	Tables  []TableRead // in the order their first data rows came
}

// TableRead is one table of a FileRead.
type TableRead struct {
	Table    tabular.Table
	First    int64      // number of its first data row
	Sample   [][]string // its first data rows (up to 50)
	Evidence *mapping.Evidence
}

// Read returns what pass 1 saw of path (ok false when it did not read it).
func (r *Result) Read(path string) (*FileRead, bool) {
	if r == nil {
		return nil, false
	}
	f, ok := r.reads[filepath.Clean(path)]
	return f, ok
}

// TableReport says what the pre-pass decided about one table, and why.
type TableReport struct {
	Source string         `json:"source"`
	Table  string         `json:"table"`
	Rows   int64          `json:"rows"`
	Key    string         `json:"key,omitempty"`
	Holds  string         `json:"holds"` // contacts, matters, notes, …, staff, lookup, or "" (left to the mapping)
	Why    string         `json:"why,omitempty"`
	Links  []mapping.Link `json:"links,omitempty"`
}

// Hints returns the hints for one table of one source (ok false when the
// pre-pass has nothing to say about it).
func (r *Result) Hints(path string, t *tabular.Table) (mapping.Hints, bool) {
	if r == nil || t == nil {
		return mapping.Hints{}, false
	}
	h, ok := r.hints[id(path, t)]
	return h, ok
}

func id(path string, t *tabular.Table) string {
	return filepath.Clean(path) + "\x00" + t.Name + "\x00" + strconv.Itoa(t.HeaderRow)
}

// table is what pass 1 learns about one table.
type table struct {
	path    string
	id      string
	t       tabular.Table
	name    string
	rows    int64
	cols    []*column
	sample  [][]string
	first   int64             // number of the first data row
	ev      *mapping.Evidence // the mapping's Observe, over every data row
	pk      *column
	holds   string
	why     string
	links   []*link // this table's link columns
	refBy   []*link // links into this table
	plan    *mapping.Plan
	targets map[*column]string // overrides for columns the mapping left as custom fields or text
	virtual bool               // the project's matters, not a table of these files
	// overrules: the mapping's reading of this flat file was set aside for
	// what its values show (flatKinds); the type decided here then stands
	overrules bool
	worker    []uint8 // pass 1: which counting worker takes each column (counter.send)
	split     int     // pass 1: the batch at which worker was last set
	// byShape: typed as contacts from its columns' shape (names, e-mails),
	// not by the mapping's reading nor by other tables referring to it
	byShape bool
	// lines: an A/R table of invoices' lines (billed history, no balance);
	// matterOf: a payments table naming only invoices, each invoice's
	// matter from the invoice listing (settles.go)
	lines      bool
	lineAmount *column
	matterOf   map[string]string
	settles    bool   // payments of an invoice listing's invoices
	keptIn     string // paymentsBesideTrust: the table keeping the trust money beside these payments
}

func (t *table) col(name string) *column {
	for _, c := range t.cols {
		if strings.EqualFold(c.name, name) {
			return c
		}
	}
	return nil
}

// Analyze reads every table of paths (one database, or the files of one
// folder) and decides keys, links, lookups and record types.
func Analyze(ctx context.Context, paths []string, opts Options) (*Result, error) {
	var tables []*table
	declared := map[*column]fk{}
	reads := map[string]*FileRead{}
	// The files are read two at a time (a folder's small tables beside its
	// large one, each with its own counting workers); what they hold is then
	// taken in path order, and the first file in that order that failed
	// fails the whole, as when they were read one by one.
	type fileStats struct {
		keep   bool // opts.Keep's answer for the file
		tables []*table
		read   *FileRead
		err    error
		done   chan struct{}
	}
	files := make([]*fileStats, len(paths))
	slots := make(chan struct{}, 2)
	for i, p := range paths {
		f := &fileStats{keep: opts.Keep != nil && opts.Keep(p), done: make(chan struct{})}
		files[i] = f
		go func() {
			defer close(f.done)
			slots <- struct{}{}
			defer func() { <-slots }()
			f.tables, f.read, f.err = readStats(ctx, p, opts.Tabular, f.keep)
		}()
	}
	for i, p := range paths {
		f := files[i]
		<-f.done
		ts, read, err := f.tables, f.read, f.err
		if err != nil {
			for _, g := range files[i+1:] { // let the rest finish before returning
				<-g.done
			}
			return nil, err
		}
		if f.keep {
			reads[filepath.Clean(p)] = read
		}
		schema := tabular.ReadSchema(p)
		byName := map[string]*table{}
		for _, t := range ts {
			byName[strings.ToLower(t.name)] = t
		}
		for name, keys := range schema.Keys {
			if t := byName[strings.ToLower(name)]; t != nil && len(keys) == 1 {
				t.pk = t.col(keys[0])
			}
		}
		for _, f := range schema.Foreign {
			t, parent := byName[strings.ToLower(f.Table)], byName[strings.ToLower(f.Parent)]
			if t == nil || parent == nil || t.col(f.Column) == nil {
				continue
			}
			declared[t.col(f.Column)] = fk{parent: parent, column: f.ParentColumn}
		}
		tables = append(tables, ts...)
	}
	for _, t := range tables {
		chooseKey(t, declared)
	}
	if opts.Flat && len(opts.ProjectMatters) > 0 {
		tables = append(tables, projectMatters(opts.ProjectMatters))
	}
	questions := findLinks(tables, declared)
	if opts.Flat {
		flatKinds(tables) // what the mapping reads stands; the rest by structure
	}
	classify(tables, questions)
	answered(tables, questions, opts.Memory)
	for _, t := range tables {
		prepare(t, opts.Memory, opts.Flat)
	}
	prefixLinks(tables) // matters named by number and description (prefix.go)
	// matters the others name by a column their first reading did not take
	// for the number (MTR_NO 1001 beside the MTR_ID 1 it took, named as
	// "1001 - Custody"): read again, now that the links say which
	for _, t := range tables {
		if t.holds == "matters" && slices.ContainsFunc(t.refBy, func(l *link) bool { return l.key != t.pk && l.key != nil && t.targets[l.key] == "" }) {
			prepare(t, opts.Memory, opts.Flat)
		}
	}
	// a list of people typed by its shape, each row naming a matter by
	// number and description, is the matters' other parties, decided again
	// now that the link is found (prefix.go)
	for _, t := range tables {
		if t.byShape && t.holds == "contacts" && t.linksTo("matters") != nil {
			t.holds = ""
			leaf(t, questions[t])
			if t.holds != "relationships" {
				// not a parties list after all: a contact holds no matter link
				for _, l := range t.links {
					l.parent.refBy = slices.DeleteFunc(l.parent.refBy, func(r *link) bool { return r == l })
				}
				t.holds, t.links = "contacts", nil
				continue
			}
			prepare(t, opts.Memory, opts.Flat)
		}
	}
	// what names only invoices — their payments or their lines — and
	// ledgers whose rows settle listed invoices (settles.go)
	for _, t := range settlements(tables) {
		prepare(t, opts.Memory, opts.Flat)
	}
	var invoiceRefs []*link
	if opts.Flat {
		invoiceRefs = keepReferenceLinks(tables)
		for t, qs := range questions {
			var keep []*question
			for _, q := range qs {
				var cands []*link
				for _, l := range q.cands {
					if isReference(l) {
						cands = append(cands, l)
					}
				}
				if len(cands) > 0 {
					q.cands = cands
					keep = append(keep, q)
				}
			}
			questions[t] = keep
		}
	}
	if opts.Flat {
		// a file whose only link to the matters is by number and
		// description ("2024-005: Cedar Bakery - Dog bite") had none when
		// its type was decided: decide it again from its values, now linked
		for _, t := range tables {
			if !t.virtual && t.holds == "" && t.linksTo("matters") != nil {
				leaf(t, questions[t])
				prepare(t, opts.Memory, opts.Flat)
			}
		}
	}
	linkInvoices(invoiceRefs)
	// a table still untyped whose only link is into invoices that were
	// typed late (their matters named by number and description): what it
	// is to those invoices is decided now
	var untyped []*table
	for _, t := range tables {
		if !t.virtual && t.holds == "" && invoiceLink(t) != nil {
			untyped = append(untyped, t)
		}
	}
	for _, t := range settlements(untyped) {
		prepare(t, opts.Memory, opts.Flat)
	}
	paymentsBesideTrust(tables)
	res := &Result{hints: map[string]mapping.Hints{}, reads: reads}
	if err := buildDecodes(ctx, tables, opts.Tabular); err != nil {
		return nil, err
	}
	// A folder of exports or a workbook written by one system keeps its
	// money one way too: the proof in one table covers its siblings.
	res.Cents = wholeCents(tables)
	for _, t := range tables {
		if t.virtual {
			continue
		}
		h := hintsFor(t, opts.Flat, questions[t])
		h.TrustKeptIn = t.keptIn
		if res.Cents != "" && h.Lookup == "" {
			centsReadings(t, &h)
		}
		res.hints[t.id] = h
		rep := TableReport{Source: filepath.Base(t.path), Table: t.name, Rows: t.rows, Holds: t.holds, Why: t.why}
		if t.pk != nil {
			rep.Key = t.pk.name
		}
		for _, l := range t.links {
			rep.Links = append(rep.Links, l.report())
		}
		res.Tables = append(res.Tables, rep)
	}
	return res, nil
}

// readStats is pass 1 over one file.
// With keep, it also gathers the mapping's evidence and returns what it saw.
// This goroutine reads the rows; two workers count their values, each taking
// every other column of a batch of rows while the next batch is read.
func readStats(ctx context.Context, path string, opts tabular.Options, keep bool) ([]*table, *FileRead, error) {
	r, err := tabular.Open(path, opts)
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()
	byID := map[string]*table{}
	var out []*table
	read := &FileRead{Options: opts}
	counter := newCounter()
	defer counter.stop()
	batch := make([]countRow, 0, countBatch)
	var last *table           // the last row's table: most rows are in the same table as the one before
	var lastOf *tabular.Table // the reader's table of that row
	for {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
		read.Rows++
		if row.Kind != tabular.Data || row.Table == nil {
			continue
		}
		t := last
		if t == nil || row.Table != lastOf || row.Table.Name != t.t.Name || row.Table.HeaderRow != t.t.HeaderRow {
			t = byID[id(path, row.Table)] // a row of another table than the last row's (or the first)
		}
		if t == nil {
			k := id(path, row.Table)
			t = &table{path: path, id: k, t: *row.Table, name: row.Table.Name, first: row.Num}
			if keep {
				t.ev = &mapping.Evidence{}
			}
			if t.name == "" {
				t.name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
			}
			for i, h := range row.Table.Header {
				t.cols = append(t.cols, newColumn(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")), i))
			}
			byID[k] = t
			out = append(out, t)
		}
		last, lastOf = t, row.Table
		t.rows++
		batch = append(batch, countRow{t, row.Values})
		if len(t.sample) < sampleRows {
			t.sample = append(t.sample, append([]string(nil), row.Values...))
		}
		if len(batch) == countBatch {
			counter.send(batch)
			batch = make([]countRow, 0, countBatch)
		}
	}
	counter.send(batch)
	counter.wait()
	for _, t := range out {
		for _, c := range t.cols {
			c.settle()
		}
	}
	read.Info = r.Info()
	for _, t := range out {
		read.Tables = append(read.Tables, TableRead{Table: t.t, First: t.first, Sample: t.sample, Evidence: t.ev})
	}
	return out, read, nil
}

// countBatch is how many rows the counting workers take at a time.
const countBatch = 512

// countRow is one data row waiting to be counted.
type countRow struct {
	t    *table
	vals []string
}

// counter hands batches of rows to its two workers. A batch is counted while
// the next is read; the columns of a table are split between the workers, so
// no column is counted by both, and split again now and then by what they
// cost (a column of ever new values, such as ids, costs several times one
// whose values repeat), so neither worker waits long for the other.
type counter struct {
	jobs [2]chan []countRow
	busy sync.WaitGroup // the batch being counted
	sent int            // batches sent
}

func newCounter() *counter {
	c := &counter{}
	for w := range c.jobs {
		c.jobs[w] = make(chan []countRow)
		go func(w uint8) {
			for batch := range c.jobs[w] {
				for _, r := range batch {
					for i, v := range r.vals {
						if r.t.worker[i] != w {
							continue
						}
						if i < len(r.t.cols) {
							r.t.cols[i].add(v)
						}
						if r.t.ev != nil {
							r.t.ev.ObserveAt(i, v)
						}
					}
				}
				c.busy.Done()
			}
		}(uint8(w))
	}
	return c
}

// send waits for the batch being counted, then hands batch to the workers.
func (c *counter) send(batch []countRow) {
	c.busy.Wait()
	if len(batch) == 0 {
		return
	}
	c.sent++
	for _, r := range batch { // between batches: no worker is counting
		if r.t.ev != nil {
			r.t.ev.StartRow(len(r.vals))
		}
		if len(r.t.worker) < len(r.vals) || c.sent%16 == 1 && r.t.split != c.sent {
			r.t.share(len(r.vals), len(c.jobs))
			r.t.split = c.sent
		}
	}
	c.busy.Add(len(c.jobs))
	for _, j := range c.jobs {
		j <- batch
	}
}

// share gives each of the table's first width columns to one of n workers,
// the costly ones first, each to the worker with the least cost so far.
func (t *table) share(width, n int) {
	width = max(width, len(t.worker))
	cost := func(i int) int {
		if i < len(t.cols) && t.cols[i].memo == nil { // values that hardly repeat
			return 4
		}
		return 1
	}
	order := make([]int, width)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return cost(order[a]) > cost(order[b]) })
	t.worker = make([]uint8, width)
	load := make([]int, n)
	for _, i := range order {
		w := 0
		for k := range load {
			if load[k] < load[w] {
				w = k
			}
		}
		t.worker[i] = uint8(w)
		load[w] += cost(i)
	}
}

// wait returns when every batch sent has been counted.
func (c *counter) wait() { c.busy.Wait() }

// stop ends the workers (after wait, or when reading failed).
func (c *counter) stop() {
	c.busy.Wait()
	for _, j := range c.jobs {
		close(j)
	}
}

// candidate: a column that can be a key — unique and (almost) never empty.
func candidate(t *table, c *column) bool {
	return !c.overflow && !c.dup && c.nonEmpty > 0 && float64(c.nonEmpty) >= 0.95*float64(t.rows) &&
		!c.prose() && c.fracs == 0 && c.share(c.textDates) < 0.5
}

// writtenNumber is a matters table's number written for people beside its
// surrogate key: the key is small consecutive integers (1, 2, 3 …) other
// tables link by; the number is the one other unique whole-number column,
// filled on every row, whose values all lie beyond the key's (MTR_NO 1001
// beside MTR_ID 1). The links by the key are then decoded into the number,
// as every foreign key is. Two such columns: no guess.
func writtenNumber(t *table, free map[*column]bool) *column {
	k := t.pk
	if k == nil || !surrogate(t, k) || !slices.ContainsFunc(t.refBy, func(l *link) bool { return l.key == k }) {
		return nil
	}
	var pick *column
	for _, c := range t.cols {
		if c == k || !free[c] || t.linkOf(c) != nil || !candidate(t, c) || c.nonEmpty != t.rows ||
			c.ints != c.nonEmpty || c.date() || c.flag() || c.minNum <= k.maxNum {
			continue
		}
		if pick != nil {
			return nil
		}
		pick = c
	}
	return pick
}

// surrogate: a key of whole numbers counted up from about 1, one a row (a few
// gaps where rows were deleted) — a database's row id, not a number anyone
// writes on a file.
func surrogate(t *table, k *column) bool {
	return t.rows > 0 && k.nonEmpty == t.rows && k.ints == k.nonEmpty && k.minNum >= 1 &&
		k.maxNum <= float64(2*t.rows+10)
}

// chooseKey picks the table's own key: the declared primary key, else a
// unique column named like an id, else the first unique column.
func chooseKey(t *table, declared map[*column]fk) {
	if t.pk != nil && candidate(t, t.pk) {
		return
	}
	t.pk = nil
	var first *column
	for _, c := range t.cols {
		if _, isLink := declared[c]; isLink || !candidate(t, c) {
			continue
		}
		ws := words(c.name)
		if len(ws) > 0 && (ws[len(ws)-1] == "id" || ws[0] == "id") && (len(ws) == 1 || stem(c.name) == stem(t.name)) {
			t.pk = c
			return
		}
		if first == nil {
			first = c
		}
	}
	if first != nil && linkish(first.name) { // an amount or a date may happen to be unique; a key is named like one
		t.pk = first
	}
}

// link is one column of a table found to refer to another table's key.
type link struct {
	child    *table
	col      *column
	parent   *table
	key      *column
	declared bool
	found    float64
	score    float64
	decode   map[string]string
}

type fk struct {
	parent *table
	column string
}

func (l *link) report() mapping.Link {
	why := fmt.Sprintf("%.0f%% of the %d values of %s are in %s.%s", 100*l.found, l.col.nonEmpty, l.col.name, l.parent.name, l.key.name)
	if l.declared {
		why = "declared in the database; " + why
	}
	return mapping.Link{Column: l.col.name, Parent: l.parent.name, ParentOf: l.parent.holds, Key: l.key.name, Declared: l.declared, Found: l.found, Why: why}
}

// contained is the share of c's non-empty values found among key's values.
func contained(c, key *column) float64 {
	if c.counts == nil || key.counts == nil || c.nonEmpty == 0 {
		return 0
	}
	var hit int64
	for v, n := range c.counts {
		if key.counts[v] > 0 {
			hit += int64(n)
		}
	}
	return float64(hit) / float64(c.nonEmpty)
}

// minFound is the share of a column's values that must be in another
// table's key for an undeclared link (a few dangling references are normal
// in an old database; they become orphan findings, not a lost link).
const minFound = 0.95

// findLinks finds, for every column, the table it refers to. Declared
// foreign keys are taken when their values agree; other columns are links
// when their values are (almost all) in another table's key column and the
// name or the values say they are references. A column whose values fit
// several tables equally, or a link-named column with too few values found,
// becomes a question.
func findLinks(tables []*table, declared map[*column]fk) map[*table][]*question {
	questions := map[*table][]*question{}
	for _, t := range tables {
		for _, c := range t.cols {
			if c.nonEmpty == 0 || c.prose() || c.date() {
				continue
			}
			// the table's own key is not a link, unless it is declared one
			// or named after another thing (parties keyed by matter_id); a
			// key named after the last word of the table's name is its own
			// (EntryID in tblTimeEntries), though its 1, 2, 3… fit any table
			if _, isDecl := declared[c]; c == t.pk && !isDecl && (stem(c.name) == "" || strings.HasSuffix(stem(t.name), stem(c.name))) {
				continue
			}
			var cands []*link
			var partial *link
			for _, u := range tables {
				if u == t {
					continue
				}
				d, isDecl := declared[c]
				isDecl = isDecl && d.parent == u
				for _, k := range u.cols {
					if !candidate(u, k) {
						continue
					}
					if isDecl && d.column != "" && !strings.EqualFold(d.column, k.name) {
						continue
					}
					if isDecl && d.column == "" && k != u.pk {
						continue
					}
					f := contained(c, k)
					l := &link{child: t, col: c, parent: u, key: k, declared: isDecl, found: f}
					l.score = f * 10
					cs, us := stem(c.name), stem(u.name)
					nameTie := cs != "" && (cs == us || cs == stem(k.name) || strings.HasPrefix(us, cs) || strings.HasPrefix(cs, us))
					if isDecl {
						l.score += 100
					}
					if nameTie {
						l.score += 20
					}
					if strings.EqualFold(c.name, k.name) {
						l.score += 10
					}
					if k == u.pk {
						l.score += 5
					}
					if f < minFound {
						if (isDecl || nameTie && linkish(c.name)) && f >= 0.5 && (partial == nil || l.score > partial.score) {
							partial = l
						}
						continue
					}
					// Values decide; the name only has to allow a reference:
					// integers and flags are everywhere, codes and numbers
					// written as text are not.
					textual := !c.numeric() && c.counts != nil && len(c.counts) >= 2 && !c.flag()
					if !isDecl && !nameTie && !linkish(c.name) && !textual {
						continue
					}
					if c.flag() && !isDecl && !nameTie {
						continue
					}
					cands = append(cands, l)
				}
			}
			if len(cands) == 0 {
				if partial != nil {
					questions[t] = append(questions[t], &question{col: c, cands: []*link{partial}, partial: true})
				}
				continue
			}
			sort.SliceStable(cands, func(i, j int) bool { return cands[i].score > cands[j].score })
			best := cands[0]
			if len(cands) > 1 && cands[1].parent != best.parent && best.score-cands[1].score < 5 {
				questions[t] = append(questions[t], &question{col: c, cands: cands})
				continue
			}
			t.links = append(t.links, best)
			best.parent.refBy = append(best.parent.refBy, best)
		}
	}
	// a table's own key that the other tables link by names its own rows:
	// that its 1, 2, 3 … fit other tables' keys too is no question (MTR_ID
	// in MATTERS beside CLNT_NO 1-43, whatever its abbreviated name)
	for t, qs := range questions {
		questions[t] = slices.DeleteFunc(qs, func(q *question) bool {
			_, isDecl := declared[q.col]
			return q.col == t.pk && !isDecl && slices.ContainsFunc(t.refBy, func(l *link) bool { return l.key == t.pk })
		})
	}
	return questions
}

// question is a column the values could not settle: a link-named column
// with too few values found, or one whose values fit several tables.
type question struct {
	col     *column
	cands   []*link
	partial bool
}

// flatKinds takes the mapping's own reading of files exported one table
// each: their headers were written for people, and profiles know them.
func flatKinds(tables []*table) {
	for _, t := range tables {
		if t.virtual {
			continue
		}
		p := preliminary(t, "")
		if p == nil {
			continue
		}
		if contradicted(t, p) {
			t.overrules = true // the values say otherwise: decided by structure (classify)
			continue
		}
		switch {
		case p.Entity != "":
			t.holds = string(p.Entity)
		case p.Ledger == model.LedgerTrustDeposit:
			t.holds = "ledger:trust"
		case p.Ledger != "":
			t.holds = "ledger:ar"
		}
		t.why = "recognised by the mapping (" + p.Profile + ")"
		if p.Why != "" { // the mapping re-read what its profile matched (a trust ledger by its flow)
			t.why = p.Why
		}
	}
	// a second matters file whose column names the first one's matters,
	// again and again down its rows, hangs on them (a calendar's matter
	// column beside an old reference read as its number)
	for _, t := range tables {
		for _, l := range t.links {
			if t.holds == "matters" && l.parent != t && l.parent.holds == "matters" && !l.parent.overrules && l.col.dup && !t.virtual {
				t.holds, t.why, t.overrules = "", "", true
			}
		}
	}
}

// contradicted: the mapping's reading of a flat file, made from its header
// words, is one its values cannot be —
//   - a type with no field for money over dated rows of money (moneyRows);
//   - a ledger none of whose money columns holds numbers (a notes file's
//     record number read as what was paid);
//   - a list of matters whose matter number repeats down the rows (a
//     calendar's matter column read as the matters' own number).
func contradicted(t *table, p *mapping.Plan) bool {
	switch {
	case p.Entity != "" && !moneyPlace[p.Entity]:
		return moneyRows(t, p.Entity)
	case p.Entity == "" && p.Ledger != "":
		for _, pc := range p.Columns {
			c := t.byIndex(pc.Index)
			if c != nil && ledgerMoney[pc.Target] && c != t.pk && t.linkOf(c) == nil && (c.numeric() || moneyColumn(t, c)) {
				return false
			}
		}
		return true
	case p.Entity == model.Matters:
		for _, pc := range p.Columns {
			if c := t.byIndex(pc.Index); c != nil && pc.Target == "matter" && c.counts != nil {
				return 5*int64(len(c.counts)) <= 4*c.nonEmpty // each matter is listed once
			}
		}
	}
	return false
}

// moneyPlace: the record types with a field for an amount of money.
var moneyPlace = map[model.Entity]bool{model.Matters: true, model.TimeEntries: true, model.ARBalances: true, model.TrustBalances: true}

// moneyRows: the table's rows carry a date and an amount of money, which a
// record of type e has no field for — a ledger read as notes because its
// memo column looks like a note's body, or as contacts because its client
// column holds names. A list of contacts may carry a date and a balance
// (client since, amount owing): it is a ledger only where its names repeat.
func moneyRows(t *table, e model.Entity) bool {
	if e == model.Contacts {
		return ledgerOfNames(t) != nil
	}
	f := featuresOf(t)
	return f.date != nil && f.amount != nil && f.hours == nil
}

// keepReferenceLinks keeps, between separate files, only the links a
// mapping can write: to a matters file's number or a contacts file's id. A
// file of one or two rows makes every column look like a key; only those
// two reference columns mean one.
//
// It returns the links it cut from a table of money (or one not typed yet)
// into an invoice listing's numbers: linkInvoices keeps those once every
// table's type is settled.
func keepReferenceLinks(tables []*table) (invoiceRefs []*link) {
	for _, t := range tables {
		t.refBy = nil
	}
	for _, t := range tables {
		var keep []*link
		for _, l := range t.links {
			switch {
			case isReference(l) && t.holds != l.parent.holds:
				keep = append(keep, l)
				l.parent.refBy = append(l.parent.refBy, l)
			case t.holds == "" || t.holds == "ledger:ar":
				invoiceRefs = append(invoiceRefs, l)
			}
		}
		t.links = keep
	}
	return invoiceRefs
}

// linkInvoices keeps, of the links keepReferenceLinks cut, those from an A/R
// table's column into an invoice listing's invoice numbers: the column names
// the invoice each row settles, and the mapping reads the rows as payments
// (mapping's paymentsByLink). A pair of tables that each find the other's
// numbers says nothing of which one is the listing: neither is kept.
func linkInvoices(cut []*link) {
	var keep []*link
	for _, l := range cut {
		if intoInvoices(l) {
			keep = append(keep, l)
		}
	}
	for _, l := range keep {
		mutual := slices.ContainsFunc(keep, func(b *link) bool { return b.child == l.parent && b.parent == l.child })
		if !mutual && l.child.linkOf(l.col) == nil {
			l.child.links = append(l.child.links, l)
			l.parent.refBy = append(l.parent.refBy, l)
		}
	}
}

// intoInvoices: the link goes from an A/R table into the invoice numbers of
// an invoice listing (an A/R table the mapping reads as invoices, by the
// column it reads as the invoice's reference).
func intoInvoices(l *link) bool {
	u := l.parent
	return ledgerLike(l.child) && u.holds == "ledger:ar" && u.plan != nil && u.plan.Ledger == model.LedgerInvoice && u.targetOf(l.key) == "ledger.reference"
}

// ledgerLike: t is typed receivables, or not typed at all but holds
// amounts (a list of payments or of invoice lines naming only the invoice,
// by a number: nothing else tells its type; settlements decides which).
func ledgerLike(t *table) bool {
	return t.holds == "ledger:ar" || t.holds == "" && moneyOf(t) != nil
}

// isReference: the link's key is a column the mapping keeps as the
// parent's reference: a matter's number or legacy id (decoded into its
// number), a contact's legacy id.
func isReference(l *link) bool {
	switch l.parent.holds {
	case "matters":
		k := l.parent.targetOf(l.key)
		return k == "matter" || k == "id" && refForm(l.parent) != nil
	case "contacts":
		return l.parent.targetOf(l.key) == "id"
	}
	return false
}

// projectMatters stands for the matters already in the project: one key
// column of their numbers, as the mapping wrote them.
func projectMatters(numbers map[string]bool) *table {
	c := newColumn("number", 0)
	for n := range numbers {
		c.add(n)
	}
	c.settle()
	t := &table{name: "the project's matters", rows: c.nonEmpty, cols: []*column{c}, pk: c, holds: "matters",
		why: "matters already read into the project", virtual: true, targets: map[*column]string{c: "matter"}}
	return t
}

// answered turns the questions the user has answered on the Mapping screen
// (remembered as the column's target) into links to the table that fits the
// answer, so the column's values are decoded like any other link's.
func answered(tables []*table, questions map[*table][]*question, mem mapping.Memory) {
	for _, t := range tables {
		var open []*question
		for _, q := range questions[t] {
			target, ok := mem[mapping.Normalize(q.col.name)]
			var pick *link
			if ok {
				for _, l := range q.cands {
					if lt, _ := linkTarget(t.holds, l); lt != "" && lt == target {
						if pick != nil && pick.parent != l.parent {
							pick = nil // still two tables for that answer
							break
						}
						if pick == nil {
							pick = l
						}
					}
				}
			}
			if pick == nil {
				if !ok {
					open = append(open, q)
				}
				continue
			}
			t.links = append(t.links, pick)
			pick.parent.refBy = append(pick.parent.refBy, pick)
		}
		questions[t] = open
	}
}
