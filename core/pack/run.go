package pack

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"handover/core/model"
	"handover/core/report"
	"handover/core/workspace"
)

// The package is written by a few goroutines at once, each reading the
// project on its own connection: one reads every record once for both its
// Clio CSV row and its data/ line, one reads the left-out rows for both
// excluded/ files, and one writes the readiness reports. Their entries are
// compressed and spooled as they are written (ahead, spool.go); this
// goroutine copies each into the zip in the fixed order when it is done,
// and writes the few small entries itself. The bytes of every entry, and so
// of the zip, do not depend on which goroutine finished first.

// packer writes the entries of one package in their fixed order.
type packer struct {
	ctx   context.Context
	ws    *workspace.Workspace
	z     *zipOut
	m     *Manifest
	opts  Options
	done  atomic.Int64 // items written, by every goroutine
	total int64
}

// tick counts one item written; now and then it looks for a cancel.
func (p *packer) tick(ctx context.Context) error {
	if p.done.Add(1)%1000 == 0 {
		return ctx.Err()
	}
	return nil
}

func (p *packer) progress() {
	if p.opts.Progress != nil {
		p.opts.Progress(p.done.Load(), p.total)
	}
}

// crew runs the goroutines that write entries ahead: the first failure
// stops the others.
type crew struct {
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	mu     sync.Mutex
	err    error
	spools []*ahead
}

func newCrew(ctx context.Context) *crew {
	c := &crew{}
	c.ctx, c.cancel = context.WithCancel(ctx)
	return c
}

func (c *crew) run(fn func(ctx context.Context) error) {
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		if err := fn(c.ctx); err != nil {
			c.fail(err)
		}
	}()
}

func (c *crew) fail(err error) {
	c.mu.Lock()
	if c.err == nil {
		c.err = err
	}
	c.mu.Unlock()
	c.cancel()
}

// failure is why the crew stopped: the first goroutine's error, or the
// caller's cancel.
func (c *crew) failure() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return c.err
	}
	return c.ctx.Err()
}

// ahead starts an entry written ahead; stop removes its spool whatever happens.
func (c *crew) ahead(path string, store bool) (*ahead, error) {
	a, err := newAhead(path, store)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.spools = append(c.spools, a)
	c.mu.Unlock()
	return a, nil
}

// stop cancels what is still running, waits until no goroutine reads the
// project any more, and removes every spool.
func (c *crew) stop() {
	c.cancel()
	c.wg.Wait()
	for _, a := range c.spools {
		a.remove()
	}
}

// slot is an entry written ahead, handed over when finished.
type slot struct {
	ready chan struct{}
	a     *ahead
}

func newSlot() *slot { return &slot{ready: make(chan struct{})} }

// fill hands a finished entry over.
func (s *slot) fill(a *ahead) {
	s.a = a
	close(s.ready)
}

// await copies the slot's entry into the zip once it is written, reporting
// progress meanwhile.
func (p *packer) await(c *crew, s *slot) error {
	var tick <-chan time.Time
	if p.opts.Progress != nil {
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-s.ready:
			err := p.z.copyAhead(s.a)
			s.a.remove()
			return err
		case <-c.ctx.Done():
			return c.failure()
		case <-tick:
			p.progress()
		}
	}
}

func (p *packer) run() error {
	p.progress()
	asOf := ""
	if t, ok := parseTime(p.m.Cutoff.Cutoff); ok {
		asOf = t.Format("2006-01-02")
	}
	refs, err := newRefs(p.ctx, p.ws)
	if err != nil {
		return err
	}
	defer refs.close()
	c := newCrew(p.ctx)
	defer c.stop()
	recs := p.startRecords(c, refs, asOf)
	left := p.startLeftOut(c)
	reps := p.startReports(c, left.sheet)
	// this goroutine's own entries stop, too, when a writer ahead fails
	// (and then say why that one failed)
	own := func(err error) error {
		if err != nil && c.ctx.Err() != nil {
			return c.failure()
		}
		return err
	}

	for i, f := range clioFiles {
		if f.path == clioTrustPath {
			if err := p.z.writeAll("clio-import/README.txt", []byte(importReadme)); err != nil {
				return err
			}
		}
		if err := p.await(c, recs.clio[i]); err != nil {
			return err
		}
	}
	for _, e := range DataFiles() {
		if err := p.await(c, recs.data[e]); err != nil {
			return err
		}
	}
	if err := own(p.documents(c.ctx)); err != nil {
		return err
	}
	for _, s := range []*slot{left.csv, left.jsonl} {
		if err := p.await(c, s); err != nil {
			return err
		}
	}
	if err := own(p.blockers(c.ctx)); err != nil {
		return err
	}
	for _, s := range []*slot{reps.html, reps.xlsx} {
		if err := p.await(c, s); err != nil {
			return err
		}
	}
	// Every slot was filled: the goroutines that filled them are done with
	// what the manifest takes from them.
	p.m.Counts, p.m.Balances = recs.counts, recs.balances
	p.m.Balances.AR.Formatted = p.m.Balances.AR.Cents.String()
	p.m.Balances.Trust.Formatted = p.m.Balances.Trust.Cents.String()
	p.m.LeftOutRows = left.n
	counts := reps.gathered.Counts()
	p.m.Excluded, p.m.Rejected, p.m.Rows = counts.Excluded, counts.Rejected, counts.Rows
	if err := p.ctx.Err(); err != nil {
		return err
	}
	if p.opts.Progress != nil {
		p.opts.Progress(p.done.Load(), max(p.done.Load(), p.total))
	}
	return nil
}

// records is what the records goroutine writes: clio-import/'s CSVs and
// data/'s JSON Lines, and what the manifest counts of them.
type records struct {
	clio     []*slot // in clioFiles' order
	data     map[model.Entity]*slot
	counts   map[model.Entity]int64
	balances Balances
}

// recordOrder is the order the types are read in: the Clio files' first
// (contacts before matters before the rest, as the files name each other),
// then the types only data/ holds.
func recordOrder() []model.Entity {
	var order []model.Entity
	seen := map[model.Entity]bool{}
	for _, f := range clioFiles {
		if !seen[f.entity] {
			seen[f.entity] = true
			order = append(order, f.entity)
		}
	}
	for _, e := range DataFiles() {
		if !seen[e] {
			seen[e] = true
			order = append(order, e)
		}
	}
	return order
}

func (p *packer) startRecords(c *crew, refs *refs, asOf string) *records {
	out := &records{data: map[model.Entity]*slot{}, counts: map[model.Entity]int64{}}
	for range clioFiles {
		out.clio = append(out.clio, newSlot())
	}
	for _, e := range DataFiles() {
		out.data[e] = newSlot()
	}
	c.run(func(ctx context.Context) error {
		cw := &clioWriter{ctx: ctx, refs: refs, asOf: asOf}
		clioLeft := len(clioFiles)
		for _, e := range recordOrder() {
			n, err := p.recordPass(ctx, c, cw, e, out)
			if err != nil {
				return err
			}
			if clioLeft -= n; clioLeft == 0 {
				refs.close() // the last Clio file is written: its index is no longer needed
			}
		}
		return nil
	})
	return out
}

// recordPass reads the records of one type once, writing each one's row in
// the Clio files of that type and its line in data/. It returns how many
// Clio files it wrote.
func (p *packer) recordPass(ctx context.Context, c *crew, cw *clioWriter, e model.Entity, out *records) (int, error) {
	type clioOut struct {
		i int
		f *csvFile
		a *ahead
	}
	var files []clioOut
	for i, cf := range clioFiles {
		if cf.entity != e {
			continue
		}
		a, err := c.ahead(cf.path, false)
		if err != nil {
			return 0, err
		}
		f, err := newCSV(a, false, cf.header, cf.kinds...)
		if err != nil {
			return 0, err
		}
		files = append(files, clioOut{i, f, a})
	}
	da, err := c.ahead("data/"+string(e)+".jsonl", false)
	if err != nil {
		return 0, err
	}
	df := newJSONL(da)
	var n int64
	err = p.ws.EachRecordWithOriginal(ctx, e, func(r workspace.StoredRecord, original any) error {
		for _, f := range files {
			if err := clioFiles[f.i].row(cw, f.f, r); err != nil {
				return err
			}
		}
		line := DataLine{Key: r.Key, ID: r.ID, Entity: e, Provenance: r.Prov, Derived: r.Derived, Data: r.Data}
		if r.Cleaned {
			line.Original = original
		}
		switch v := r.Data.(type) {
		case *model.ARBalance:
			out.balances.AR.Cents += v.Amount
			out.balances.ARLines++
		case *model.TrustBalance:
			out.balances.Trust.Cents += v.Amount
			out.balances.TrustLines++
		}
		b, err := marshalLine(line)
		if err != nil {
			return err
		}
		n++
		if err := df.line(b); err != nil {
			return err
		}
		return p.tick(ctx)
	})
	if err == nil {
		err = cw.refs.err
	}
	if err != nil {
		return 0, err
	}
	for _, f := range files {
		if err := f.f.close(); err != nil {
			return 0, err
		}
		out.clio[f.i].fill(f.a)
	}
	if err := df.close(); err != nil {
		return 0, err
	}
	out.data[e].fill(da)
	out.counts[e] = n
	return len(files), nil
}

// leftOut is what the left-out rows' goroutine writes.
type leftOut struct {
	csv, jsonl *slot
	sheet      *slot // the readiness workbook's Excluded sheet
	n          int64
}

// startLeftOut writes excluded/rows.csv, excluded/rows.jsonl and the
// readiness workbook's Excluded sheet from one pass over the left-out rows
// (on a large firm as many as its records).
func (p *packer) startLeftOut(c *crew) *leftOut {
	out := &leftOut{csv: newSlot(), jsonl: newSlot(), sheet: newSlot()}
	c.run(func(ctx context.Context) error {
		sa, err := c.ahead("Excluded sheet", false)
		if err != nil {
			return err
		}
		sheet, err := report.NewExcludedSheet(sa)
		if err != nil {
			return err
		}
		ca, err := c.ahead("excluded/rows.csv", false)
		if err != nil {
			return err
		}
		cf, err := newCSV(ca, true, leftOutHeader, text, number)
		if err != nil {
			return err
		}
		ja, err := c.ahead("excluded/rows.jsonl", false)
		if err != nil {
			return err
		}
		jf := newJSONL(ja)
		var line []byte
		err = p.ws.EachLeftOut(ctx, func(o workspace.OutcomeRow) error {
			out.n++
			if err := cf.row(o.Source, itoa(o.Row), o.Locator, o.Outcome, string(o.Entity), o.Reason, explain(o), o.Detail, joinValues(o)); err != nil {
				return err
			}
			if line, err = appendLeftOut(line[:0], &o); err != nil {
				return err
			}
			if err := jf.line(line); err != nil {
				return err
			}
			if err := sheet.Add(o); err != nil {
				return err
			}
			return p.tick(ctx)
		})
		if err != nil {
			return err
		}
		if err := sheet.Close(); err != nil {
			return err
		}
		if err := sa.done(); err != nil {
			return err
		}
		out.sheet.fill(sa)
		if err := cf.close(); err != nil {
			return err
		}
		out.csv.fill(ca)
		if err := jf.close(); err != nil {
			return err
		}
		out.jsonl.fill(ja)
		return nil
	})
	return out
}

var leftOutHeader = []string{"source", "row", "locator", "outcome", "entity", "reason", "explanation", "detail", "values"}

// reports is what the readiness reports' goroutines write.
type reports struct {
	html, xlsx *slot
	gathered   *report.Gathered // the summary both reports read; its counts fill the manifest
}

// startReports writes the readiness reports: they need nothing the other
// entries compute. The summary is read once for both, then each is written
// on its own goroutine (the workbook takes about twice the page's work).
// The workbook's Excluded sheet comes from the left-out rows' goroutine.
func (p *packer) startReports(c *crew, excludedSheet *slot) *reports {
	out := &reports{html: newSlot(), xlsx: newSlot()}
	c.run(func(ctx context.Context) error {
		g, err := report.Gather(ctx, p.ws)
		if err != nil {
			return fmt.Errorf("readiness report: %w", err)
		}
		out.gathered = g
		c.run(func(ctx context.Context) error {
			a, err := c.ahead("report/readiness.html", false)
			if err == nil {
				err = report.WriteHTMLFrom(ctx, p.ws, a, g)
			}
			if err == nil {
				err = a.done()
			}
			if err == nil {
				out.html.fill(a)
			}
			if err != nil {
				return fmt.Errorf("readiness report (HTML): %w", err)
			}
			return nil
		})
		a, err := c.ahead("report/readiness.xlsx", true)
		if err == nil {
			err = report.WriteXLSXWith(ctx, p.ws, a, p.z.mod, g, func() (report.Part, error) {
				select {
				case <-excludedSheet.ready:
					return excludedSheet.a, nil
				case <-ctx.Done():
					return nil, ctx.Err()
				}
			})
		}
		if err == nil {
			err = a.done()
		}
		if err == nil {
			out.xlsx.fill(a)
		}
		if err != nil {
			return fmt.Errorf("readiness report (XLSX): %w", err)
		}
		return nil
	})
	return out
}

// blockers writes report/blockers.jsonl when blockers remain (AllowBlockers).
func (p *packer) blockers(ctx context.Context) error {
	if p.m.Blockers == nil {
		return nil
	}
	f, err := p.z.jsonl("report/blockers.jsonl")
	if err != nil {
		return err
	}
	err = p.ws.EachFinding(ctx, workspace.FindingFilter{Severity: model.Blocker}, func(s workspace.StoredFinding) error {
		b, err := marshalLine(s)
		if err != nil {
			return err
		}
		return f.line(b)
	})
	if err != nil {
		return err
	}
	return f.close()
}
