// Package check runs the readiness rules over a project and writes what it
// finds (rule, severity, record, source file and row, field, value, message,
// suggested fix) as findings. It streams: only compact indexes (matter
// numbers, contact ids and names, distinct legacy users, the few fields
// duplicate detection needs per contact) are held in memory, never the
// records themselves.
package check

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"handover/core/balances"
	"handover/core/model"
	"handover/core/resolve"
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
	// ClioUsers are the Clio users (once signed in) as upload's automatic
	// user match is given them: name, first and last name, initials,
	// e-mail, so a legacy user the check passes is one the upload assigns
	// (resolve.People). Empty: users cannot be matched yet, so each legacy
	// user is an info finding rather than a blocker.
	ClioUsers []resolve.Person
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

	// plain runs the check the straightforward way, on one goroutine and
	// storing every duplicate link: the reference the tests hold the fast
	// path to, finding for finding.
	plain bool
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
	// The counts walk every row: they are taken beside the check (which
	// changes no record from here on), and progress is measured against the
	// number of active records, which two index-only counts give at once.
	var counts workspace.Counts
	var countsErr error
	countsDone := make(chan struct{})
	countsCtx, stopCounts := context.WithCancel(ctx)
	go func() {
		defer close(countsDone)
		counts, countsErr = ws.Counts(countsCtx)
	}()
	defer func() {
		stopCounts()
		<-countsDone
	}()
	total, err := activeRecords(ctx, ws)
	if err != nil {
		return res, err
	}
	c, err := newChecker(ctx, ws, opts)
	if err != nil {
		return res, err
	}
	dupCtx, stopDup := context.WithCancel(ctx)
	if !opts.plain {
		c.dupw = startDupWorker(dupCtx, c.dup)
	}
	defer func() {
		stopDup()
		if c.dupw != nil {
			c.dupw.wait() // its error, if any, is the check's only when it got that far
		}
		c.dup.close()
		if c.labelStmt != nil {
			c.labelStmt.Close()
		}
	}()
	// Records merged while cleaning are not streamed, but references to them
	// resolve to their survivor (as upload's resolver has them).
	if err := c.ix.AddMerged(ctx, ws); err != nil {
		return res, err
	}
	fw, err := ws.ReplaceFindings(ctx)
	if err != nil {
		return res, err
	}
	c.em.fw = fw
	done, err := c.pass(ctx, progress, total)
	if err != nil {
		fw.Abort()
		return res, err
	}
	progress("duplicates", done, total)
	steps := []func() error{
		c.employers, // when the project has only contacts
		func() error {
			// the last reference is resolved: the index (a few hashes per
			// contact and matter) need not outlive it into the longest writes
			c.ix, c.resolved = nil, nil
			return nil
		},
		c.foldColumns, // before the others: it folds only the per-record rules' findings (and the importers')
		func() error { n, err := c.duplicates(); res.Clusters = n; return err },
		c.unmatchedUsers,
		c.missingPersons,
		c.customFields,
		func() error { return c.negativeTrust(res.Balances.Negative) },
		func() error { return c.paymentsWithoutInvoices(res.Balances.NoInvoices) },
		c.rejectedUntouched,
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
	<-countsDone
	if countsErr != nil {
		return res, countsErr
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

// activeRecords is how many records the check reads: every record less
// those left out or merged while cleaning (few, with an index of their own).
func activeRecords(ctx context.Context, ws *workspace.Workspace) (int64, error) {
	var all, off int64
	if err := ws.DB().QueryRowContext(ctx, `SELECT count(*) FROM rows WHERE outcome = 'record'`).Scan(&all); err != nil {
		return 0, err
	}
	if err := ws.DB().QueryRowContext(ctx, `SELECT count(*) FROM rows INDEXED BY rows_inactive
		WHERE outcome = 'record' AND state != 'active'`).Scan(&off); err != nil {
		return 0, err
	}
	return all - off, nil
}

// emitter writes findings with the record's provenance filled in.
type emitter struct {
	ctx     context.Context
	fw      *workspace.FindingWriter
	systems map[int64]string // source id → the old system's name, for fixes
	// held: contacts and matters the upload will not send (a blocker, or a
	// parent so held), entity/key → why, so the records under them are told
	// (parent.held) rather than skipped at upload without a word.
	held map[heldKey]string
}

// heldKey names a held contact or matter.
type heldKey struct {
	entity model.Entity
	key    string
}

// hold remembers a contact or matter the upload will skip.
func (e *emitter) hold(r workspace.StoredRecord, rule string, sev model.Severity, msg string) {
	if sev != model.Blocker && rule != model.RuleParentHeld || r.Entity != model.Contacts && r.Entity != model.Matters {
		return
	}
	k := heldKey{r.Entity, r.Key}
	if _, ok := e.held[k]; ok {
		return
	}
	if e.held == nil {
		e.held = map[heldKey]string{}
	}
	e.held[k] = msg
}

func (e *emitter) add(r workspace.StoredRecord, rule string, sev model.Severity, field, value, msg, fix string, detail map[string]any) error {
	e.hold(r, rule, sev, msg)
	return e.fw.Add(e.ctx, workspace.StoredFinding{
		Rule: rule, Severity: sev, Entity: r.Entity, RecordKey: r.Key, RowID: r.ID,
		Source: r.Prov.Source, Row: r.Prov.Row, Field: field, Value: value,
		Message: msg, Fix: fix, Detail: detail,
	})
}

// addEncoded is add with the detail already JSON ("{}" for none).
func (e *emitter) addEncoded(r workspace.StoredRecord, rule string, sev model.Severity, field, value, msg, fix, detail string) error {
	e.hold(r, rule, sev, msg)
	return e.fw.AddEncoded(e.ctx, workspace.StoredFinding{
		Rule: rule, Severity: sev, Entity: r.Entity, RecordKey: r.Key, RowID: r.ID,
		Source: r.Prov.Source, Row: r.Prov.Row, Field: field, Value: value,
		Message: msg, Fix: fix,
	}, detail)
}

// system names the old system a record came from, for suggested fixes.
func (e *emitter) system(r workspace.StoredRecord) string {
	if s := e.systems[r.Prov.SourceID]; s != "" {
		return s
	}
	return "the old system"
}

type checker struct {
	ctx         context.Context
	ws          *workspace.Workspace
	opts        Options
	em          *emitter
	ix          *resolve.Resolver // parents, filled as contacts and matters stream past
	resolved    map[refKey]resolve.Result
	pending     []pendingLink     // people's employers, resolved once the contacts are all in ix
	labels      map[string]string // candidates' labels for findings (bounded)
	labelStmt   *sql.Stmt         // reads a candidate for its label
	userUses    map[string]*userUse
	cf          map[string]*fieldUse
	dup         *dupCollector
	dupw        *dupWorker        // nil when plain: dup is then fed and compared in line
	persons     *personCheck      // records with no person, by type and file (owners.go)
	perSource   map[string]int64  // records by type and file (aggregate.go)
	sourceNames map[int64]string  // source id → its name, for records' provenance
	rejected    []*rejectedLedger // ledger tables with rows rejected at ingest (rejectedledger.go)
}

func newChecker(ctx context.Context, ws *workspace.Workspace, opts Options) (*checker, error) {
	srcs, err := ws.Sources(ctx)
	if err != nil {
		return nil, err
	}
	systems := map[int64]string{}
	names := map[int64]string{}
	old, _ := ws.Setting(ctx, workspace.SettingOldSystemName)
	for _, s := range srcs {
		systems[s.ID] = firstNonEmpty(s.System, old)
		names[s.ID] = s.Name
	}
	dup, err := newDupCollector(ctx, opts)
	if err != nil {
		return nil, err
	}
	c := &checker{
		ctx: ctx, ws: ws, opts: opts,
		em:          &emitter{ctx: ctx, systems: systems},
		sourceNames: names,
		ix:          resolve.New(),
		userUses:    map[string]*userUse{},
		cf:          map[string]*fieldUse{},
		dup:         dup,
	}
	if err := c.loadRejectedLedgers(srcs); err != nil {
		dup.close()
		return nil, err
	}
	return c, nil
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if strings.TrimSpace(x) != "" {
			return strings.TrimSpace(x)
		}
	}
	return ""
}
