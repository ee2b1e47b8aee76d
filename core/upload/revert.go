package upload

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"handover/core/clio"
	"handover/core/model"
	"handover/core/workspace"
)

// revertOrder is the reverse of the upload order, then what the import set
// up for itself (practice areas, the balance activity description).
func revertOrder() []string {
	var out []string
	for i := len(model.Entities) - 1; i >= 0; i-- {
		out = append(out, string(model.Entities[i]))
	}
	return append(out, setupActivityDesc, setupPracticeArea, setupCustomField)
}

// Revert deletes what this import created (journal `created`; never `linked`
// contacts) in reverse order: documents go to Clio's trash. A record changed
// in Clio since the import (its ETag differs from the journaled one) is
// refused unless force. Clio's refusals (403/409/422) are listed, not fatal.
// Deleted rows become `reverted`; a revert can be run again to finish.
func Revert(ctx context.Context, ws *workspace.Workspace, client *clio.Client, force bool, progress func(Progress)) (*Reconciliation, error) {
	j, err := loadJournal(ctx, ws.DB(), false)
	if err != nil {
		return nil, err
	}
	rec := newRecon()
	stat0 := client.Stats()
	// A crash may have left a record `sending` that Clio did create: find
	// those first, so the revert deletes them too.
	if hasSending(j) {
		if err := settleAll(ctx, ws, client); err != nil {
			return nil, err
		}
		if j, err = loadJournal(ctx, ws.DB(), false); err != nil {
			return nil, err
		}
	}
	runID, err := startRun(ctx, ws.DB(), client.BaseURL(), "reverting")
	if err != nil {
		return nil, err
	}
	j.runID = runID
	err = revert(ctx, ws, client, j, rec, force, progress)
	rec.Requests = client.Stats().Requests - stat0.Requests
	state := "reverted"
	if err != nil {
		state, rec.Paused = "revert-stopped", true
	}
	if ferr := finishRun(ctx, ws.DB(), runID, state, rec); ferr != nil && err == nil {
		err = ferr
	}
	return rec, err
}

func revert(ctx context.Context, ws *workspace.Workspace, c *clio.Client, j *journal, rec *Reconciliation, force bool, progress func(Progress)) error {
	for _, ent := range revertOrder() {
		var rows []*jrow
		for _, r := range j.rows[ent] {
			if r.State == StateCreated && r.ClioID != "" {
				rows = append(rows, r)
			}
		}
		if len(rows) == 0 {
			continue
		}
		// newest first within a type
		sort.Slice(rows, func(a, b int) bool { return rows[a].AttemptAt.After(rows[b].AttemptAt) })
		coll := collectionOf(ent, "")
		pg := Progress{Entity: model.Entity(ent), Total: int64(len(rows))}
		for _, r := range rows {
			if err := ctx.Err(); err != nil {
				return err
			}
			var id clio.ID
			fmt.Sscan(r.ClioID, &id)
			refuse := func(msg, fix string) {
				f := Failure{Entity: model.Entity(ent), Key: r.Key, ClioID: r.ClioID, Message: msg, Fix: fix}
				if sr, err := ws.RecordByKey(ctx, model.Entity(ent), r.Key); err == nil && sr != nil {
					f.Name, f.Source, f.Row = model.DisplayName(sr.Data), sr.Prov.Source, sr.Prov.Row
				}
				rec.Refused = append(rec.Refused, f)
				pg.Failed++
			}
			var cur struct {
				clio.Record
			}
			etag, _, err := c.Get(ctx, coll, id, "id,etag", "", &cur)
			switch {
			case clio.IsStatus(err, http.StatusNotFound):
				if err := j.set(ctx, ent, r.Key, StateReverted, r.ClioID, r.Etag, "already gone from Clio"); err != nil {
					return err
				}
				pg.Skipped++
			case err != nil:
				return fmt.Errorf("reading %s %s before deleting it: %w", coll, r.ClioID, err)
			default:
				if cur.Etag == "" {
					cur.Etag = etag
				}
				if r.Etag != "" && !sameEtag(r.Etag, cur.Etag) && !force {
					refuse("changed in Clio since the import (someone edited it): not deleted",
						"check it in Clio; delete it by hand, or revert with --force to delete it anyway")
					break
				}
				derr := c.Delete(ctx, coll, id)
				var ae *clio.APIError
				switch {
				case derr == nil || clio.IsStatus(derr, http.StatusNotFound):
					if err := j.set(ctx, ent, r.Key, StateReverted, r.ClioID, r.Etag, ""); err != nil {
						return err
					}
					if model.Entity(ent).Valid() {
						rec.Deleted[model.Entity(ent)]++
					}
					pg.Created++ // deleted
				case errors.As(derr, &ae) && ae.Status >= 400 && ae.Status < 500 && ae.Status != 429 && ae.Status != 401:
					msg := ae.Message
					if msg == "" {
						msg = ae.Error()
					}
					refuse("Clio refused to delete it: "+clio.Redact(msg), "resolve it in Clio (e.g. delete what still uses it), then revert again")
				default:
					return fmt.Errorf("deleting %s %s: %w", coll, r.ClioID, derr)
				}
			}
			pg.Done++
			if progress != nil {
				progress(pg)
			}
		}
	}
	return nil
}

func sameEtag(a, b string) bool {
	norm := func(s string) string { return strings.Trim(strings.TrimPrefix(strings.TrimSpace(s), "W/"), `"`) }
	return norm(a) == norm(b)
}

func hasSending(j *journal) bool {
	for _, m := range j.rows {
		for _, r := range m {
			if r.State == StateSending {
				return true
			}
		}
	}
	return false
}

// settleAll looks up every record left `sending` (in upload order, so
// parents are known) and journals the ones Clio has as `created`.
func settleAll(ctx context.Context, ws *workspace.Workspace, c *clio.Client) error {
	e, err := newEngine(ctx, ws, c, Options{AllowBlockers: true}, false)
	if err != nil {
		return err
	}
	if err := e.preflight(ctx); err != nil {
		return err
	}
	for _, ent := range model.Entities {
		err := e.eachRecord(ctx, ent, func(r *workspace.StoredRecord) error {
			jr := e.j.get(string(ent), r.Key)
			if jr == nil || jr.State != StateSending {
				return nil
			}
			req, skip, _ := e.build(ctx, r)
			if skip != "" || req == nil {
				return nil
			}
			_, err := e.settle(ctx, r, req, jr)
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}
