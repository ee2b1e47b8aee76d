package check

import (
	"context"
	"fmt"
	"strings"

	"handover/core/model"
	"handover/core/workspace"
)

// The per-record pass is a pipeline: one goroutine reads the records and
// decodes them (and checks contacts' phone numbers, the costliest rule that
// needs nothing but the value), the check's goroutine runs the rules on them
// in the order read and writes the findings, so the findings come out in
// the same order as from a single goroutine.

// readBatch is how many records go from the reader to the rules at a time.
const readBatch = 512

// recordBatch is a run of records of one type, read and decoded ahead of the
// rules.
type recordBatch struct {
	entity model.Entity
	recs   []prepared
	end    bool  // the last batch of its type
	err    error // reading failed (the last batch sent)
}

// prepared is a record with what the reader worked out for the rules.
type prepared struct {
	workspace.StoredRecord
	phones []phoneResult // a contact's numbers checked, one per entry of Phones
}

// phoneResult is phoneCheck's answer for one number ("" number: not checked).
type phoneResult struct {
	number  string // trimmed
	e164    string
	ok      bool
	problem string
}

func checkPhones(v *model.Contact, country string) []phoneResult {
	if len(v.Phones) == 0 {
		return nil
	}
	out := make([]phoneResult, len(v.Phones))
	for i, p := range v.Phones {
		n := strings.TrimSpace(p.Number)
		if n == "" {
			continue
		}
		e, ok, problem := phoneCheck(n, country)
		out[i] = phoneResult{number: n, e164: e, ok: ok, problem: problem}
	}
	return out
}

// readRecords reads every active record, type by type in upload order, and
// hands them to emit in batches; it stops when emit returns false.
func (c *checker) readRecords(ctx context.Context, emit func(recordBatch) bool) {
	each := c.ws.EachRecord
	if !c.opts.plain {
		each = c.eachActive
	}
	for _, e := range model.Entities {
		batch := recordBatch{entity: e, recs: make([]prepared, 0, readBatch)}
		stopped := false
		err := each(ctx, workspace.RecordFilter{Entity: e}, func(r workspace.StoredRecord) error {
			p := prepared{StoredRecord: r}
			if v, ok := r.Data.(*model.Contact); ok {
				p.phones = checkPhones(v, c.opts.Country)
			}
			batch.recs = append(batch.recs, p)
			if len(batch.recs) == readBatch {
				if !emit(batch) {
					stopped = true
					return context.Canceled
				}
				batch = recordBatch{entity: e, recs: make([]prepared, 0, readBatch)}
			}
			return nil
		})
		if stopped {
			return
		}
		batch.end, batch.err = true, err
		if !emit(batch) || err != nil {
			return
		}
	}
}

// pass runs the per-record rules over every active record. progress gets
// the records done of total.
func (c *checker) pass(ctx context.Context, progress func(string, int64, int64), total int64) (done int64, err error) {
	stage := ""
	consume := func(b recordBatch) error {
		if string(b.entity) != stage {
			stage = string(b.entity)
			progress(stage, done, total)
		}
		for _, p := range b.recs {
			done++
			if done%5000 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
				progress(stage, done, total)
			}
			if err := c.record(p.StoredRecord, p.phones); err != nil {
				return err
			}
		}
		if b.err != nil {
			return b.err
		}
		if b.end && b.entity == model.Contacts && c.dupw != nil {
			c.dupw.finish() // it compares them while the other types are checked
		}
		return nil
	}
	if c.opts.plain {
		c.readRecords(ctx, func(b recordBatch) bool {
			err = consume(b)
			return err == nil
		})
		return done, err
	}
	rctx, stop := context.WithCancel(ctx)
	ch := make(chan recordBatch, 2)
	go func() {
		defer close(ch)
		c.readRecords(rctx, func(b recordBatch) bool {
			select {
			case ch <- b:
				return true
			case <-rctx.Done():
				return false
			}
		})
	}()
	defer func() {
		stop()
		for range ch { // let the reader finish before the check goes on
		}
	}()
	for b := range ch {
		if err := consume(b); err != nil {
			return done, err
		}
	}
	return done, ctx.Err()
}

// eachActive streams the active records of f.Entity as EachRecord does, with
// only what the rules read: the provenance without its locator, and the
// state ("active"). Five columns instead of thirteen and no join (the
// sources' names are known): reading them was half of reading the records.
func (c *checker) eachActive(ctx context.Context, f workspace.RecordFilter, fn func(workspace.StoredRecord) error) error {
	rows, err := c.ws.DB().QueryContext(ctx, `SELECT id, key, coalesce(source_id, 0), row_no, coalesce(effective, data)
		FROM rows WHERE outcome = 'record' AND entity = ? AND state = 'active' ORDER BY id`, string(f.Entity))
	if err != nil {
		return err
	}
	defer rows.Close()
	var data []byte
	for rows.Next() {
		r := workspace.StoredRecord{State: "active"}
		r.Entity = f.Entity
		if err := rows.Scan(&r.ID, &r.Key, &r.Prov.SourceID, &r.Prov.Row, &data); err != nil {
			return err
		}
		r.Prov.Source = c.sourceNames[r.Prov.SourceID]
		if r.Data, err = model.Decode(f.Entity, data); err != nil {
			return fmt.Errorf("record %d: %w", r.ID, err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}
