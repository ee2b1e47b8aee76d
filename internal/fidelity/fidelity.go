// Package fidelity measures how much of a generated firm (internal/firmgen)
// the real pipeline recovers with no hand-work: ingest into a new project,
// check, then compare with the firm's ground truth — records per type,
// links, balances to the cent, the manual mapping steps still needed, and
// the findings raised on records where the truth planted no problem.
package fidelity

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"handover/core/check"
	"handover/core/model"
	"handover/core/workspace"
	"handover/importers/ingest"
	"handover/internal/firmgen"
)

// Count is got of want.
type Count struct {
	Got  int `json:"got"`
	Want int `json:"want"`
}

// Pct is the share in percent (100 when nothing was wanted).
func (c Count) Pct() float64 {
	if c.Want == 0 {
		return 100
	}
	return 100 * float64(c.Got) / float64(c.Want)
}

func (c *Count) add(o Count) { c.Got += o.Got; c.Want += o.Want }

// Miss is one thing lost, with why, for the "worst misses" list.
type Miss struct {
	What  string `json:"what"`
	Lost  int    `json:"lost"`
	Why   string `json:"why"`
	Where string `json:"where,omitempty"`
}

// Result is one firm's measurement.
type Result struct {
	Firm          string                  `json:"firm"`
	Shape         string                  `json:"shape"`
	Records       map[string]Count        `json:"records"` // per Clio type: truth records staged as that type at their row
	Extra         map[string]int          `json:"extra"`   // staged records of a type the truth has no record for at that row
	Values        Count                   `json:"values"`  // fields of staged truth records read as the truth has them
	Links         Count                   `json:"links"`
	LinksBy       map[string]Count        `json:"links_by"` // per child type and field
	Balances      Count                   `json:"balances"`
	Spurious      int                     `json:"spurious_balances"` // non-zero balances the truth does not have
	Manual        Manual                  `json:"manual"`
	Findings      map[string]int          `json:"findings"` // per rule: records flagged where the truth planted no such problem
	Planted       Count                   `json:"planted"`  // planted problems the check found
	Checked       int                     `json:"records_checked"`
	Misses        []Miss                  `json:"misses"`
	Elapsed       time.Duration           `json:"elapsed"`
	Clio          *InClio                 `json:"clio,omitempty"` // what the upload left in Clio (nil when not uploaded)
	Sources       []ingest.SourceResult   `json:"-"`
	truth         *firmgen.Truth          `json:"-"`
	byLoc         map[string][]stagedInfo `json:"-"`
	valMiss       map[string]int          // type.field → values read wrong
	valEx         map[string]string       // type.field → an example
	stagedKey     map[string]string       // truth id → the staged record found for it
	balEx         []string                // examples of balances not exact
	plantedMissed []string                // planted problems not found: "rule on file row n"
	fpEx          map[string]string       // rule → an example false positive
	linkMiss      map[string]int          // link name|why → lost
	linkEx        map[string]string       // link name|why → an example reference
	recs          []workspace.StoredRecord
	rv            resolver
	readRight     map[string]bool // truth id|field → the staged record has the truth's value
}

func (r *Result) linkLost(name, why, example string) {
	if r.linkMiss == nil {
		r.linkMiss, r.linkEx = map[string]int{}, map[string]string{}
	}
	r.linkMiss[name+"|"+why]++
	if r.linkEx[name+"|"+why] == "" {
		r.linkEx[name+"|"+why] = example
	}
}

func strconvQuote(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return strconv.Quote(s)
}

// Manual counts the hand-work a firm still needs on the Mapping screen.
type Manual struct {
	UnknownTables int `json:"unknown_tables"` // tables whose type Handover could not tell
	Questions     int `json:"questions"`      // columns whose reading needs an answer
	RejectedRows  int `json:"rejected_rows"`  // rows rejected
}

// Total is the number of steps: each unknown table, question and rejected row.
func (m Manual) Total() int { return m.UnknownTables + m.Questions + m.RejectedRows }

// RecordsTotal sums the records over types.
func (r *Result) RecordsTotal() Count {
	var c Count
	for _, v := range r.Records {
		c.add(v)
	}
	return c
}

type stagedInfo struct {
	entity model.Entity
	key    string
}

// Options tunes a measurement.
type Options struct {
	// NoUpload stops after the check: nothing is uploaded into a local Clio
	// (Result.Clio stays nil).
	NoUpload bool
}

// Measure generates spec into a fresh folder under work, runs the pipeline
// on it (ingest, check, upload into a local Clio) and compares with the truth.
func Measure(ctx context.Context, work string, spec firmgen.Spec) (*Result, error) {
	return MeasureWith(ctx, work, spec, Options{})
}

// MeasureWith is Measure with options.
func MeasureWith(ctx context.Context, work string, spec firmgen.Spec, opts Options) (*Result, error) {
	start := time.Now()
	dir := filepath.Join(work, spec.Name)
	truth, err := firmgen.Generate(dir, spec)
	if err != nil {
		return nil, err
	}
	project := filepath.Join(dir, "project.handover")
	for _, old := range []string{project, project + "-journal", filepath.Join(dir, "attachments")} {
		os.RemoveAll(old) // a kept folder from an earlier run
	}
	ws, err := workspace.Create(project)
	if err != nil {
		return nil, err
	}
	defer ws.Close()
	export := firmgen.ExportDir(dir)
	ir, err := ingest.Run(ctx, ws, []string{export}, ingest.Options{AttachmentDir: filepath.Join(dir, "attachments")})
	if err != nil {
		return nil, fmt.Errorf("%s: ingest: %w", spec.Name, err)
	}
	if _, err := check.Run(ctx, ws, check.Options{Country: "US", Now: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), ClioUsers: clioPeople(fakeUsers(truth.Users))}, nil); err != nil {
		return nil, fmt.Errorf("%s: check: %w", spec.Name, err)
	}
	res, err := compare(ctx, ws, export, truth, ir)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", spec.Name, err)
	}
	if !opts.NoUpload {
		if err := res.uploadToClio(ctx, ws); err != nil {
			return nil, fmt.Errorf("%s: %w", spec.Name, err)
		}
	}
	res.Firm, res.Shape, res.Elapsed = spec.Name, spec.Shape, time.Since(start)
	return res, nil
}

// MeasureAll measures specs with up to workers at a time (each firm has its
// own folder, project and local Clio; an upload mostly waits on its journal's
// commits and Clio's answers, so firms overlap well) and returns the results
// in specs' order.
func MeasureAll(ctx context.Context, work string, specs []firmgen.Spec, opts Options, workers int) ([]*Result, error) {
	out := make([]*Result, len(specs))
	errs := make([]error, len(specs))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < max(1, workers); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i], errs[i] = MeasureWith(ctx, work, specs[i], opts)
			}
		}()
	}
	for i := range specs {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// locKey names a row as both sides can: the file's base name, the table
// (sheet or database table; "" when the file is one table) and the row.
func locKey(file, table string, row int64) string {
	return fmt.Sprintf("%s|%s|%d", strings.ToLower(path.Base(filepath.ToSlash(file))), strings.ToLower(table), row)
}

func compare(ctx context.Context, ws *workspace.Workspace, export string, truth *firmgen.Truth, ir ingest.Result) (*Result, error) {
	res := &Result{Records: map[string]Count{}, Extra: map[string]int{}, LinksBy: map[string]Count{}, Findings: map[string]int{},
		truth: truth, byLoc: map[string][]stagedInfo{}, Sources: ir.Sources}
	// Staged records by where they came from; documents by their path.
	keyLoc := map[string]string{} // record key → loc key
	var recs []workspace.StoredRecord
	err := ws.EachRecord(ctx, workspace.RecordFilter{}, func(r workspace.StoredRecord) error {
		var lk string
		switch {
		case r.Entity == model.Documents:
			lk = docLoc(r, export)
		case r.Derived && (r.Entity == model.ARBalances || r.Entity == model.TrustBalances):
			return appendRec(&recs, r)
		default:
			lk = locKey(r.Prov.Source, r.Prov.Locator, r.Prov.Row)
			if plain := locKey(r.Prov.Source, "", r.Prov.Row); plain != lk {
				res.byLoc[plain] = append(res.byLoc[plain], stagedInfo{r.Entity, r.Key})
			}
		}
		res.byLoc[lk] = append(res.byLoc[lk], stagedInfo{r.Entity, r.Key})
		keyLoc[string(r.Entity)+"|"+r.Key] = lk
		return appendRec(&recs, r)
	})
	if err != nil {
		return nil, err
	}
	// Truth records: found when a record of the same type was staged at its row.
	truthAt := map[string]string{} // loc key + entity → truth id
	byID := map[string]firmgen.Record{}
	stagedKey := map[string]string{} // truth id → staged key
	for _, tr := range truth.Records {
		byID[tr.ID] = tr
		lk := truthLocKey(tr)
		truthAt[lk+"|"+tr.Entity] = tr.ID
		c := res.Records[tr.Entity]
		c.Want++
		if k, ok := res.find(lk, tr); ok {
			c.Got++
			stagedKey[tr.ID] = k
		}
		res.Records[tr.Entity] = c
	}
	// A contact the truth derives (a party named only in a parties list)
	// has no row of its own: it is found by its name among the staged
	// contacts no row of the truth claims.
	claimed := map[string]bool{}
	for _, k := range stagedKey {
		claimed[k] = true
	}
	byName := map[string][]string{}
	for _, r := range recs {
		if c, ok := r.Data.(*model.Contact); ok && !claimed[r.Key] {
			n := normName(c.Name)
			if c.Name == "" {
				n = normName(c.FirstName + " " + c.LastName)
			}
			byName[n] = append(byName[n], r.Key)
		}
	}
	for _, tr := range truth.Records {
		if !tr.Derived || stagedKey[tr.ID] != "" {
			continue
		}
		n := normName(tr.Values["name"])
		if n == "" {
			n = normName(tr.Values["first_name"] + " " + tr.Values["last_name"])
		}
		for _, k := range byName[n] {
			if !claimed[k] {
				claimed[k], stagedKey[tr.ID] = true, k
				c := res.Records[tr.Entity]
				c.Got++
				res.Records[tr.Entity] = c
				break
			}
		}
	}
	// Values of the records found, field by field.
	stagedByKey := map[string]workspace.StoredRecord{}
	for _, r := range recs {
		stagedByKey[r.Key] = r
	}
	for _, tr := range truth.Records {
		k, ok := stagedKey[tr.ID]
		if !ok {
			continue
		}
		for field, want := range tr.Values {
			res.Values.Want++
			got := valueOf(stagedByKey[k].Data, field)
			if sameValue(field, want, got) {
				res.Values.Got++
				if res.readRight == nil {
					res.readRight = map[string]bool{}
				}
				res.readRight[tr.ID+"|"+field] = true
				continue
			}
			name := tr.Entity + "." + field
			if res.valMiss == nil {
				res.valMiss, res.valEx = map[string]int{}, map[string]string{}
			}
			res.valMiss[name]++
			if res.valEx[name] == "" {
				res.valEx[name] = fmt.Sprintf("%s row %d: want %s, got %s", path.Base(tr.Loc.File), tr.Loc.Row, strconv.Quote(want), strconvQuote(got))
			}
		}
	}
	// Staged records the truth has no record for (wrong type, or extra).
	for _, r := range recs {
		if r.Derived && (r.Entity == model.ARBalances || r.Entity == model.TrustBalances) {
			continue
		}
		if !claimed[r.Key] {
			res.Extra[string(r.Entity)]++
		}
	}
	// Which truth id a staged key stands for.
	idOfKey := map[string]string{}
	for id, k := range stagedKey {
		idOfKey[k] = id
	}
	rv, err := newResolver(ctx, ws)
	if err != nil {
		return nil, err
	}
	staged := map[string]workspace.StoredRecord{}
	for _, r := range recs {
		staged[r.Key] = r
	}
	for _, l := range truth.Links {
		child := byID[l.Child]
		name := child.Entity + "." + l.Field
		c := res.LinksBy[name]
		c.Want++
		k, ok := stagedKey[l.Child]
		if !ok {
			res.LinksBy[name] = c
			continue // counted with the lost records
		}
		ref, isContact := refOf(staged[k], l.Field)
		var got string
		var found bool
		switch {
		case ref.IsZero():
		case isContact:
			got, found = rv.Contact(ref)
		default:
			got, found = rv.Matter(ref)
		}
		switch {
		case found && idOfKey[got] == l.Parent:
			c.Got++
		case ref.IsZero():
			res.linkLost(name, "the staged record has no reference", "")
		case !found:
			res.linkLost(name, "the reference resolves to no record (or to two)", ref.Kind+" "+strconvQuote(ref.Value))
		case idOfKey[got] == "":
			res.linkLost(name, "the reference resolves to a record the truth has not at that row", ref.Kind+" "+strconvQuote(ref.Value))
		default:
			res.linkLost(name, "the reference resolves to the wrong record", ref.Kind+" "+strconvQuote(ref.Value))
		}
		res.LinksBy[name] = c
	}
	for _, c := range res.LinksBy {
		res.Links.add(c)
	}
	// Balances: each derived balance resolved to the truth's matter or client.
	want := map[string]int64{}
	for _, b := range truth.Balances {
		want[b.Kind+"|"+b.Owner] = b.Cents
	}
	got := map[string]int64{}
	for _, r := range recs {
		var kind string
		var ref model.Ref
		var contact bool
		var amount int64
		switch d := r.Data.(type) {
		case *model.ARBalance:
			kind, ref, amount = "ar", d.Matter, int64(d.Amount)
		case *model.TrustBalance:
			kind, ref, amount = "trust", d.Matter, int64(d.Amount)
			if ref.IsZero() {
				ref, contact = d.Contact, true
			}
		default:
			continue
		}
		var key string
		var ok bool
		if contact {
			key, ok = rv.Contact(ref)
		} else {
			key, ok = rv.Matter(ref)
		}
		owner := "?" + ref.Value
		if ok && idOfKey[key] != "" {
			owner = idOfKey[key]
		}
		got[kind+"|"+owner] += amount
	}
	for _, b := range truth.Balances {
		k := b.Kind + "|" + b.Owner
		res.Balances.Want++
		if g, ok := got[k]; ok && g == b.Cents {
			res.Balances.Got++
		} else if len(res.balEx) < 2 {
			res.balEx = append(res.balEx, fmt.Sprintf("%s of %s row %d: want %s, got %s", b.Kind, path.Base(byID[b.Owner].Loc.File), byID[b.Owner].Loc.Row, model.Cents(b.Cents), model.Cents(got[k])))
		}
	}
	var spurious []string
	for k, g := range got {
		if _, ok := want[k]; !ok && g != 0 {
			res.Spurious++
			kind, owner, _ := strings.Cut(k, "|")
			spurious = append(spurious, fmt.Sprintf("%s for %s %s", kind, strconvQuote(strings.TrimPrefix(owner, "?")), model.Cents(g)))
		}
	}
	sort.Strings(spurious)
	if len(spurious) > 0 {
		res.balEx = append(res.balEx, "spurious: "+spurious[0])
	}
	res.manual(ir)
	// Findings: the truth plants no problem, so every finding on a record
	// is a false positive.
	res.Checked = len(recs)
	// A finding said once for a whole column keeps its per-row findings
	// folded away: count each record a rule flags once, folded or not.
	// A finding on a record where the truth planted that very problem is
	// right; every other one is a false positive.
	planted := map[string]bool{}
	for _, p := range truth.Planted {
		planted[p.ID+"|"+p.Rule] = true
	}
	found := map[string]bool{}
	flagged := map[string]bool{}
	var keyless []string // rules of findings about a column, table or file
	for _, folded := range []bool{false, true} {
		err = ws.EachFinding(ctx, workspace.FindingFilter{Folded: folded}, func(f workspace.StoredFinding) error {
			if f.Rule == model.RuleParentHeld {
				// Said of the records under a held matter or contact: right
				// or wrong with the parent's finding, which is counted.
				return nil
			}
			if tid := idOfKey[f.RecordKey]; f.RecordKey != "" && planted[tid+"|"+f.Rule] {
				found[tid+"|"+f.Rule] = true
				return nil
			}
			id := f.Rule + "|" + string(f.Entity) + "|" + f.RecordKey
			if f.RecordKey == "" {
				id = fmt.Sprintf("%s|%s|%d|%s|%s", f.Rule, f.Source, f.Row, f.Field, f.Value)
			}
			if !flagged[id] {
				flagged[id] = true
				if f.RecordKey == "" {
					keyless = append(keyless, f.Rule)
				}
				res.Findings[f.Rule]++
				if res.fpEx == nil {
					res.fpEx = map[string]string{}
				}
				if res.fpEx[f.Rule] == "" {
					res.fpEx[f.Rule] = fmt.Sprintf("%s row %d: %s", f.Source, f.Row, shorten(f.Message))
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	res.stagedKey, res.recs, res.rv = stagedKey, recs, rv
	// A column's summary of a planted problem ("4 of 67 matters have …")
	// names no record: it is not a false positive when the rule found a
	// planted problem.
	foundRule := map[string]bool{}
	for k := range found {
		_, rule, _ := strings.Cut(k, "|")
		foundRule[rule] = true
	}
	for _, rule := range keyless {
		if foundRule[rule] && res.Findings[rule] > 0 {
			res.Findings[rule]--
			if res.Findings[rule] == 0 {
				delete(res.Findings, rule)
			}
		}
	}
	res.Planted = Count{Got: len(found), Want: len(planted)}
	for _, p := range truth.Planted {
		if !found[p.ID+"|"+p.Rule] {
			loc := byID[p.ID].Loc
			res.plantedMissed = append(res.plantedMissed, fmt.Sprintf("%s on %s row %d", p.Rule, path.Base(loc.File), loc.Row))
		}
	}
	if err := res.misses(ctx, ws); err != nil {
		return nil, err
	}
	return res, nil
}

func appendRec(recs *[]workspace.StoredRecord, r workspace.StoredRecord) error {
	*recs = append(*recs, r)
	return nil
}

func truthLocKey(tr firmgen.Record) string {
	if tr.Entity == string(model.Documents) {
		return "doc|" + strings.ToLower(tr.Loc.File)
	}
	return locKey(tr.Loc.File, tr.Loc.Table, tr.Loc.Row)
}

// docLoc names a staged document by its path under the export folder.
func docLoc(r workspace.StoredRecord, export string) string {
	d := r.Data.(*model.Document)
	p := filepath.ToSlash(d.Path)
	ex := filepath.ToSlash(export) + "/"
	if i := strings.Index(p, ex); i >= 0 {
		return "doc|" + strings.ToLower(p[i+len(ex):])
	}
	return "doc|" + strings.ToLower(p)
}

// find looks for a staged record of tr's type at tr's row; a file that is
// one table may be staged with a locator the truth does not name.
func (r *Result) find(lk string, tr firmgen.Record) (string, bool) {
	for _, s := range r.byLoc[lk] {
		if string(s.entity) == tr.Entity {
			return s.key, true
		}
	}
	if tr.Loc.Table == "" && tr.Entity != string(model.Documents) {
		for _, s := range r.byLoc[locKey(tr.Loc.File, "", tr.Loc.Row)] {
			if string(s.entity) == tr.Entity {
				return s.key, true
			}
		}
	}
	return "", false
}

// manual counts what the Mapping screen would still ask of the user.
func (r *Result) manual(ir ingest.Result) {
	for _, s := range ir.Sources {
		r.Manual.RejectedRows += int(s.Rejected)
		for _, t := range s.Tables {
			if t.Entity == "" && t.Ledger == "" && t.Lookup == "" && hasWarning(t.Warnings, "Could not tell what this table holds") {
				r.Manual.UnknownTables++
			}
			// The mapper's own questions (a column that may be a link, …)
			// and warnings that ask the user to settle a reading.
			r.Manual.Questions += len(t.Questions)
			for _, w := range t.Warnings {
				if isQuestion(w) {
					r.Manual.Questions++
				}
			}
		}
	}
}

func hasWarning(ws []string, part string) bool {
	for _, w := range ws {
		if strings.Contains(w, part) {
			return true
		}
	}
	return false
}

// isQuestion tells a warning that needs an answer from the user (a reading
// Handover could not decide) from one that only informs.
func isQuestion(w string) bool {
	if strings.Contains(w, "Could not tell what this table holds") {
		return false // counted as an unknown table
	}
	l := strings.ToLower(w)
	// Not "… unless you map them": an unrecognised extra column kept as a
	// custom field or as text is a sound default, not a question.
	for _, p := range []string{"?", "set the order", "choose", "which ", "check the amounts", "check the source"} {
		if strings.Contains(l, p) {
			return true
		}
	}
	return false
}

// misses explains the biggest losses: per truth file/table, the records
// not staged and what became of their rows.
func (r *Result) misses(ctx context.Context, ws *workspace.Workspace) error {
	type group struct {
		entity, file, table string
		lost                int
		rows                map[string]bool
	}
	groups := map[string]*group{}
	for _, tr := range r.truth.Records {
		if r.stagedKey[tr.ID] != "" {
			continue
		}
		file := tr.Loc.File
		if tr.Entity == string(model.Documents) {
			file = path.Dir(file) + "/…"
		}
		k := tr.Entity + "|" + file + "|" + tr.Loc.Table
		g := groups[k]
		if g == nil {
			g = &group{entity: tr.Entity, file: file, table: tr.Loc.Table, rows: map[string]bool{}}
			groups[k] = g
		}
		g.lost++
		g.rows[locKey(tr.Loc.File, tr.Loc.Table, tr.Loc.Row)] = true
	}
	// What the lost rows became: rejects and exclusions with their reasons.
	why := map[string]map[string]int{}
	err := ws.EachLeftOut(ctx, func(o workspace.OutcomeRow) error {
		for k, g := range groups {
			lk := locKey(o.Source, "", o.Row)
			if g.table != "" {
				lk = locKey(o.Source, o.Locator, o.Row)
			}
			if g.rows[lk] {
				if why[k] == nil {
					why[k] = map[string]int{}
				}
				reason := o.Outcome + ": " + o.Reason
				if o.Outcome == "excluded" && o.Entity != "" {
					reason += " (as " + string(o.Entity) + ")"
				}
				why[k][shorten(reason)]++
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for k, g := range groups {
		where := g.file
		if g.table != "" {
			where += " / " + g.table
		}
		reason := topReason(why[k], g.lost)
		if reason == "" {
			// Rows that became records of another type, or were never read.
			reason = r.otherType(g.entity, g.rows)
		}
		r.Misses = append(r.Misses, Miss{What: g.entity, Lost: g.lost, Why: reason, Where: where})
	}
	for name, n := range r.valMiss {
		r.Misses = append(r.Misses, Miss{What: "values " + name, Lost: n, Why: "read differently from the source, e.g. " + r.valEx[name]})
	}
	// Links lost although the child record was staged.
	for k, n := range r.linkMiss {
		name, why, _ := strings.Cut(k, "|")
		if ex := r.linkEx[k]; ex != "" {
			why += ", e.g. " + ex
		}
		r.Misses = append(r.Misses, Miss{What: "links " + name, Lost: n, Why: why})
	}
	for rule, n := range r.Findings {
		r.Misses = append(r.Misses, Miss{What: "false positives " + rule, Lost: n, Why: "on clean records, e.g. " + r.fpEx[rule]})
	}
	if lost := r.Planted.Want - r.Planted.Got; lost > 0 {
		r.Misses = append(r.Misses, Miss{What: "planted problems", Lost: lost, Why: "the check did not find them (" + strings.Join(r.plantedMissed, ", ") + ")"})
	}
	if lost := r.Balances.Want - r.Balances.Got; lost > 0 {
		r.Misses = append(r.Misses, Miss{What: "balances", Lost: lost, Why: fmt.Sprintf("not equal to the truth to the cent (%d spurious), e.g. %s", r.Spurious, strings.Join(r.balEx, "; "))})
	}
	sortMisses(r.Misses)
	return nil
}

// sortMisses puts the worst misses first, ties in a fixed order (they are
// gathered from maps, and the report must read the same run to run).
func sortMisses(ms []Miss) {
	sort.Slice(ms, func(i, j int) bool {
		if ms[i].Lost != ms[j].Lost {
			return ms[i].Lost > ms[j].Lost
		}
		if ms[i].What+ms[i].Where != ms[j].What+ms[j].Where {
			return ms[i].What+ms[i].Where < ms[j].What+ms[j].Where
		}
		return ms[i].Why < ms[j].Why
	})
}

func (r *Result) otherType(entity string, rows map[string]bool) string {
	types := map[string]int{}
	for lk := range rows {
		for _, s := range r.byLoc[lk] {
			types[string(s.entity)]++
		}
	}
	if len(types) == 0 {
		return "rows not read or not found at their row number"
	}
	var parts []string
	for t, n := range types {
		parts = append(parts, fmt.Sprintf("%d staged as %s", n, t))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

func topReason(m map[string]int, lost int) string {
	if len(m) == 0 {
		return ""
	}
	type kv struct {
		k string
		n int
	}
	var xs []kv
	for k, n := range m {
		xs = append(xs, kv{k, n})
	}
	sort.Slice(xs, func(i, j int) bool { return xs[i].n > xs[j].n || xs[i].n == xs[j].n && xs[i].k < xs[j].k })
	s := fmt.Sprintf("%d× %s", xs[0].n, xs[0].k)
	if len(xs) > 1 {
		s += fmt.Sprintf(" (+%d other reasons)", len(xs)-1)
	}
	return s
}

func shorten(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 140 {
		return s[:137] + "…"
	}
	return s
}

// WorkDir makes a temporary folder for a run.
func WorkDir() (string, error) { return os.MkdirTemp("", "fidelity-") }

// valueOf is a staged record's field in the truth's canonical form.
func valueOf(data any, field string) string {
	switch d := data.(type) {
	case *model.Contact:
		switch field {
		case "first_name":
			return d.FirstName
		case "last_name":
			return d.LastName
		case "name":
			return d.Name
		case "email":
			var all []string
			for _, e := range d.Emails {
				all = append(all, strings.ToLower(e.Address))
			}
			return strings.Join(all, " ")
		}
	case *model.Matter:
		switch field {
		case "display_number":
			return d.DisplayNumber
		case "open_date":
			return d.OpenDate
		case "status":
			return d.Status
		}
	case *model.TimeEntry:
		switch field {
		case "date":
			return d.Date
		case "quantity_seconds":
			return strconv.FormatInt(d.Seconds, 10)
		case "price_cents":
			return strconv.FormatInt(int64(d.Price), 10)
		}
	case *model.Note:
		return d.Date
	case *model.Task:
		switch field {
		case "due_at":
			return d.DueAt
		case "complete":
			return strconv.FormatBool(d.Status == "complete")
		}
	case *model.CalendarEvent:
		switch field {
		case "start":
			return d.StartAt
		case "all_day":
			return strconv.FormatBool(d.AllDay)
		}
	case *model.Communication:
		return d.ReceivedAt
	case *model.Relationship:
		return d.Description
	case *model.Document:
		return d.Name
	}
	return ""
}

// sameValue compares a staged value with the truth's: dates and moments by
// their leading YYYY-MM-DD[THH:MM] (a stored time may carry seconds or a
// zone), e-mails as one of the contact's addresses.
func sameValue(field, want, got string) bool {
	switch field {
	case "email":
		for _, a := range strings.Fields(got) {
			if a == strings.ToLower(want) {
				return true
			}
		}
		return false
	case "date", "open_date", "due_at", "start", "received_at":
		got = strings.Replace(got, " ", "T", 1)
		return len(got) >= len(want) && got[:len(want)] == want
	}
	return strings.TrimSpace(got) == want
}
