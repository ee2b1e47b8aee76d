// Package check runs the readiness rules over a project and writes what it
// finds (rule, severity, record, source file and row, field, value, message,
// suggested fix) as findings. It streams: only compact indexes (matter
// numbers, contact ids and names, distinct legacy users, the few fields
// duplicate detection needs per contact) are held in memory, never the
// records themselves.
package check

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"handover/core/balances"
	"handover/core/model"
	"handover/core/workspace"
)

// Rule ids this package uses that core/model does not define (yet).
const (
	RuleEnumInvalid = model.RuleEnumInvalid
	RuleDateInvalid = model.RuleDateInvalid
)

// Options tunes a check run.
type Options struct {
	Country string    // ISO 3166 region for phone numbers; "" = the project's setting, else "US"
	Now     time.Time // "today" for date ranges; zero = time.Now()
	// ClioUsers are the Clio users' names, emails or initials (once signed
	// in; "Name <email>" is understood too). Empty: users cannot be matched
	// yet, so each legacy user is an info finding rather than a blocker.
	ClioUsers []string
	// AsOf is the cut-off stamped on recomputed balances (YYYY-MM-DD); ""
	// = the project's cut-off, else its export time, else left blank (as
	// ingest does) until the user acknowledges a cut-off.
	AsOf string
	// SkipBalances leaves the derived balances as they are instead of
	// recomputing them from the ledgers first.
	SkipBalances bool
	// MaxBlock caps how many contacts one duplicate-blocking key may gather
	// before it is skipped (with an info finding); 0 = 500.
	MaxBlock int
}

// Result is the outcome of a run.
type Result struct {
	Ready    bool                     `json:"ready"` // no blockers (from the check or from reading the files)
	Counts   workspace.Counts         `json:"counts"`
	Summary  workspace.FindingSummary `json:"summary"`
	Balances balances.Summary         `json:"balances"`
	Clusters int                      `json:"duplicate_clusters"`
}

func (o *Options) defaults(ctx context.Context, ws *workspace.Workspace) {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.Country == "" {
		o.Country, _ = ws.Setting(ctx, workspace.SettingCountry)
	}
	o.Country = strings.ToUpper(strings.TrimSpace(o.Country))
	if o.Country == "" {
		o.Country = "US"
	}
	if o.MaxBlock <= 0 {
		o.MaxBlock = 500
	}
	if o.AsOf == "" {
		for _, k := range []string{workspace.SettingCutoff, workspace.SettingExportTime} {
			if v, _ := ws.Setting(ctx, k); v != "" {
				if t, ok := parseDate(v); ok {
					o.AsOf = t.Format("2006-01-02")
					break
				}
			}
		}
	}
}

// Run checks the whole project and replaces the check's findings in one
// transaction (findings made while reading files stay). progress, if not
// nil, is called with a stage name and how far it is.
func Run(ctx context.Context, ws *workspace.Workspace, opts Options, progress func(stage string, done, total int64)) (Result, error) {
	var res Result
	opts.defaults(ctx, ws)
	if progress == nil {
		progress = func(string, int64, int64) {}
	}
	rev, err := ws.Revision(ctx)
	if err != nil {
		return res, err
	}
	if !opts.SkipBalances {
		progress("balances", 0, 1)
		bs, err := balances.Recompute(ctx, ws, opts.AsOf)
		if err != nil {
			return res, fmt.Errorf("computing balances: %w", err)
		}
		res.Balances = bs
		progress("balances", 1, 1)
	}
	counts, err := ws.Counts(ctx)
	if err != nil {
		return res, err
	}
	c, err := newChecker(ctx, ws, opts)
	if err != nil {
		return res, err
	}
	defer c.dup.close()
	fw, err := ws.ReplaceFindings(ctx)
	if err != nil {
		return res, err
	}
	c.em.fw = fw
	var total, done int64
	for _, e := range model.Entities {
		total += counts.Records[e]
	}
	for _, e := range model.Entities {
		stage := string(e)
		progress(stage, done, total)
		err := ws.EachRecord(ctx, workspace.RecordFilter{Entity: e}, func(r workspace.StoredRecord) error {
			done++
			if done%5000 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
				progress(stage, done, total)
			}
			return c.record(r)
		})
		if err != nil {
			fw.Abort()
			return res, err
		}
	}
	progress("duplicates", done, total)
	steps := []func() error{
		c.foldColumns, // first: it folds only the per-record rules' findings (and the importers')
		func() error { n, err := c.duplicates(); res.Clusters = n; return err },
		c.unmatchedUsers,
		c.missingPersons,
		c.customFields,
		func() error { return c.negativeTrust(res.Balances.Negative) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			fw.Abort()
			return res, err
		}
	}
	if err := fw.Commit(); err != nil {
		return res, err
	}
	if err := recordChecked(ctx, ws, rev, time.Now()); err != nil {
		return res, err
	}
	progress("done", total, total)
	res.Counts = counts
	res.Summary, err = ws.SummarizeFindings(ctx, workspace.FindingFilter{})
	if err != nil {
		return res, err
	}
	res.Ready = res.Summary.BySeverity[model.Blocker] == 0
	return res, nil
}

// emitter writes findings with the record's provenance filled in.
type emitter struct {
	ctx     context.Context
	fw      *workspace.FindingWriter
	systems map[int64]string // source id → the old system's name, for fixes
}

func (e *emitter) add(r workspace.StoredRecord, rule string, sev model.Severity, field, value, msg, fix string, detail map[string]any) error {
	return e.fw.Add(e.ctx, workspace.StoredFinding{
		Rule: rule, Severity: sev, Entity: r.Entity, RecordKey: r.Key, RowID: r.ID,
		Source: r.Prov.Source, Row: r.Prov.Row, Field: field, Value: value,
		Message: msg, Fix: fix, Detail: detail,
	})
}

// system names the old system a record came from, for suggested fixes.
func (e *emitter) system(r workspace.StoredRecord) string {
	if s := e.systems[r.Prov.SourceID]; s != "" {
		return s
	}
	return "the old system"
}

// index holds what references are matched against: every reference form
// of every contact and matter (key, legacy id, names, e-mails, number) as a
// 64-bit hash in one sorted slice. That is 8 bytes a form and nothing for
// the garbage collector to scan; string sets cost 20 MB of a 1M-row check's
// live heap (and as much again in collector headroom). Two forms whose
// hashes collide (odds about 1 in 10^7 for a million forms) could hide one
// orphan reference; the hash is fixed, so a package stays reproducible.
type index struct {
	sorted []uint64            // merged, ascending, no repeats
	tail   map[uint64]struct{} // added since the last merge
}

// Reference forms in an index.
const (
	formContactID byte = iota + 1
	formContactName
	formContactKey
	formContactEmail
	formMatterNumber
	formMatterID
	formMatterKey
)

func formHash(form byte, s string) uint64 {
	h := uint64(14695981039346656037) ^ uint64(form)
	h *= 1099511628211
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

func (ix *index) add(form byte, s string) {
	if ix.tail == nil {
		ix.tail = map[uint64]struct{}{}
	}
	ix.tail[formHash(form, s)] = struct{}{}
	if n := len(ix.tail); n >= 4096 && n >= len(ix.sorted)/4 {
		ix.merge()
	}
}

// merge folds the tail into the sorted slice: amortised O(1) an add.
func (ix *index) merge() {
	if len(ix.tail) == 0 {
		return
	}
	t := make([]uint64, 0, len(ix.tail))
	for h := range ix.tail {
		t = append(t, h)
	}
	slices.Sort(t)
	out := make([]uint64, 0, len(ix.sorted)+len(t))
	i, j := 0, 0
	for i < len(ix.sorted) || j < len(t) {
		var v uint64
		switch {
		case j == len(t) || i < len(ix.sorted) && ix.sorted[i] < t[j]:
			v, i = ix.sorted[i], i+1
		case i == len(ix.sorted) || t[j] < ix.sorted[i]:
			v, j = t[j], j+1
		default:
			v, i, j = t[j], i+1, j+1
		}
		out = append(out, v)
	}
	ix.sorted, ix.tail = out, nil
}

func (ix *index) has(form byte, s string) bool {
	h := formHash(form, s)
	if _, ok := ix.tail[h]; ok {
		return true
	}
	_, ok := slices.BinarySearch(ix.sorted, h)
	return ok
}

func legacyID(key string) string {
	if i := strings.LastIndexByte(key, ':'); i >= 0 {
		return key[i+1:]
	}
	return key
}

func normNumber(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

func (ix *index) addContact(r workspace.StoredRecord, c *model.Contact) {
	ix.add(formContactKey, r.Key)
	ix.add(formContactID, legacyID(r.Key))
	for _, n := range []string{
		c.Name, model.DisplayName(c), c.FirstName + " " + c.LastName, c.LastName + " " + c.FirstName,
		c.LastName + " " + c.FirstName + " " + c.MiddleName,
	} {
		if f := normRefName(n); f != "" {
			ix.add(formContactName, f)
		}
	}
	for _, e := range c.Emails {
		if a := normEmail(e.Address); a != "" {
			ix.add(formContactEmail, a)
		}
	}
}

func (ix *index) addMatter(r workspace.StoredRecord, m *model.Matter) {
	ix.add(formMatterKey, r.Key)
	ix.add(formMatterID, legacyID(r.Key))
	if n := normNumber(m.DisplayNumber); n != "" {
		ix.add(formMatterNumber, n)
	}
}

// contactExists resolves a contact reference the way the upload will.
func (ix *index) contactExists(ref model.Ref) bool {
	v := strings.TrimSpace(ref.Value)
	switch ref.Kind {
	case "id":
		return ix.has(formContactID, v)
	case "name":
		return ix.has(formContactName, normRefName(v))
	case "key":
		return ix.has(formContactKey, v)
	case "email":
		return ix.has(formContactEmail, normEmail(v))
	}
	return ix.has(formContactID, v) || ix.has(formContactKey, v) || ix.has(formContactName, normRefName(v)) || ix.has(formContactEmail, normEmail(v))
}

func (ix *index) matterExists(ref model.Ref) bool {
	v := strings.TrimSpace(ref.Value)
	switch ref.Kind {
	case "number":
		return ix.has(formMatterNumber, normNumber(v))
	case "id":
		return ix.has(formMatterID, v)
	case "key":
		return ix.has(formMatterKey, v)
	}
	return ix.has(formMatterNumber, normNumber(v)) || ix.has(formMatterID, v) || ix.has(formMatterKey, v)
}

type checker struct {
	ctx       context.Context
	ws        *workspace.Workspace
	opts      Options
	em        *emitter
	ix        index
	userUses  map[string]*userUse
	cf        map[string]*fieldUse
	dup       *dupCollector
	persons   map[string]*personGap // records with no person, by type and file (owners.go)
	perSource map[string]int64      // records by type and file (aggregate.go)
}

func newChecker(ctx context.Context, ws *workspace.Workspace, opts Options) (*checker, error) {
	srcs, err := ws.Sources(ctx)
	if err != nil {
		return nil, err
	}
	systems := map[int64]string{}
	old, _ := ws.Setting(ctx, workspace.SettingOldSystemName)
	for _, s := range srcs {
		systems[s.ID] = firstNonEmpty(s.System, old)
	}
	dup, err := newDupCollector(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &checker{
		ctx: ctx, ws: ws, opts: opts,
		em:       &emitter{ctx: ctx, systems: systems},
		userUses: map[string]*userUse{},
		cf:       map[string]*fieldUse{},
		dup:      dup,
	}, nil
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if strings.TrimSpace(x) != "" {
			return strings.TrimSpace(x)
		}
	}
	return ""
}
