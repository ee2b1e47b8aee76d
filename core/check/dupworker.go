package check

import (
	"context"

	"handover/core/model"
	"handover/core/workspace"
)

// dupWorker runs duplicate detection beside the per-record rules, on its
// own goroutine with its own (spill) database: the check hands it each
// contact as it streams past, and once the last one has, the worker compares
// them (dupCollector.compare) while the check goes on with the other record
// types. Only writing the findings waits for the check's order (duplicates).
type dupWorker struct {
	d     *dupCollector
	batch []dupItem
	in    chan []dupItem
	done  chan struct{}
	big   []skippedBlock // set when done is closed
	err   error
}

// dupItem is what duplicate detection needs of one contact. The contact is
// not changed once handed over.
type dupItem struct {
	rec    workspace.StoredRecord // without Data
	c      *model.Contact
	phones []string // valid numbers, E.164
}

const dupBatch = 256

func startDupWorker(ctx context.Context, d *dupCollector) *dupWorker {
	w := &dupWorker{d: d, in: make(chan []dupItem, 4), done: make(chan struct{})}
	go w.run(ctx, w.in)
	return w
}

func (w *dupWorker) run(ctx context.Context, in <-chan []dupItem) {
	defer close(w.done)
	for items := range in {
		if w.err != nil {
			continue // drain: the check finds out at wait
		}
		for _, it := range items {
			if w.err = w.d.addParsed(ctx, it.rec, it.c, it.phones); w.err != nil {
				break
			}
		}
	}
	if w.err == nil {
		w.big, w.err = w.d.compare(ctx)
	}
}

// add hands one contact over.
func (w *dupWorker) add(r workspace.StoredRecord, c *model.Contact, phones []string) {
	r.Data = nil
	w.batch = append(w.batch, dupItem{rec: r, c: c, phones: phones})
	if len(w.batch) == dupBatch {
		w.in <- w.batch
		w.batch = make([]dupItem, 0, dupBatch)
	}
}

// finish says the last contact has been handed over (safe to call again).
func (w *dupWorker) finish() {
	if w.in == nil {
		return
	}
	if len(w.batch) > 0 {
		w.in <- w.batch
		w.batch = nil
	}
	close(w.in)
	w.in = nil
}

// wait waits for the comparison and returns the blocks too large to compare.
func (w *dupWorker) wait() ([]skippedBlock, error) {
	w.finish()
	<-w.done
	return w.big, w.err
}
