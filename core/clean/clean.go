// Package clean applies the user's fixes as a recipe of operations.
//
// The values read from the old system are never overwritten: every fix is an
// operation stored in the project, and the cleaned values (rows.effective,
// rows.state) are recomputed by replaying the recipe in order. That gives
// undo/redo for free and lets the same recipe run again after the firm
// re-exports fresher data: operations are keyed by the records' stable keys,
// and those whose records are gone are reported, not silently dropped.
package clean

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"handover/core/model"
	"handover/core/workspace"
)

// Kind of operation.
type Kind string

const (
	Merge     Kind = "merge"     // duplicates into one survivor, field by field
	Exclude   Kind = "exclude"   // leave records out, with a reason
	Include   Kind = "include"   // take back an exclusion
	Set       Kind = "set"       // one field of one record
	Normalize Kind = "normalize" // a bulk fix over a whole type
	MapValues Kind = "map"       // replace values of a field (status words, user initials → user)
)

// MergeUnites lists the contact fields a Merge unites instead of choosing one
// record's value (Op.Choose does not apply to them): a merge never loses a way
// to reach the client. The Clean screen shows them as "all kept".
var MergeUnites = []string{"email_addresses", "phone_numbers", "addresses", "web_sites"}

// Normalisations available to Normalize.
const (
	NormPhones   = "phones"    // E.164 for the firm's country where the number parses
	NormEmails   = "emails"    // trim and lower-case
	NormNameCase = "name_case" // "JOHN SMITH" / "john smith" → "John Smith"
	NormTrim     = "trim"      // trim spaces and collapse runs of them in every text field
	// NormEmailPhones moves a phone number typed into an e-mail field (a
	// blocker: Clio refuses the contact) to the contact's phone numbers,
	// under the same label. Invalid addresses that are not phone numbers
	// stay where they are, for a person to correct.
	NormEmailPhones = "email_phones"
)

// Op is one operation of the recipe.
type Op struct {
	ID      int64        `json:"id,omitempty"`
	Kind    Kind         `json:"kind"`
	Entity  model.Entity `json:"entity"`
	Targets []string     `json:"targets,omitempty"` // record keys; empty for Normalize/MapValues = all records of Entity

	// Merge: the survivor is Targets[0]; Choose names, per field, the key of
	// the record whose value survives (fields not named keep the survivor's).
	Choose map[string]string `json:"choose,omitempty"`
	// Exclude: why (shown in reports).
	Note string `json:"note,omitempty"`
	// Set: the field (a top-level JSON name of the record, e.g. "last_name") and its new value.
	Field string          `json:"field,omitempty"`
	Value json.RawMessage `json:"value,omitempty"`
	// Normalize: which normalisation.
	Norm string `json:"norm,omitempty"`
	// MapValues: Field plus old → new values (exact, case-insensitive match).
	Values map[string]string `json:"values,omitempty"`

	CreatedAt string `json:"created_at,omitempty"`
	Undone    bool   `json:"undone,omitempty"`
	Status    string `json:"status,omitempty"` // "applied", or why it no longer applies
}

// Describe is a one-line summary for the recipe list.
func (o Op) Describe() string {
	switch o.Kind {
	case Merge:
		return fmt.Sprintf("Merge %d %s into one", len(o.Targets), strings.ToLower(o.Entity.Label()))
	case Exclude:
		return fmt.Sprintf("Leave out %d %s (%s)", len(o.Targets), strings.ToLower(o.Entity.Label()), o.Note)
	case Include:
		return fmt.Sprintf("Take back %d %s", len(o.Targets), strings.ToLower(o.Entity.Label()))
	case Set:
		return fmt.Sprintf("Set %s of %s to %s", o.Field, strings.Join(o.Targets, ", "), string(o.Value))
	case Normalize:
		if o.Norm == NormEmailPhones {
			return fmt.Sprintf("Move phone numbers out of the e-mail addresses of all %s", strings.ToLower(o.Entity.Label()))
		}
		return fmt.Sprintf("Normalise %s of all %s", o.Norm, strings.ToLower(o.Entity.Label()))
	case MapValues:
		return fmt.Sprintf("Replace %d value(s) of %s in %s", len(o.Values), o.Field, strings.ToLower(o.Entity.Label()))
	}
	return string(o.Kind)
}

func (o Op) validate() error {
	if !o.Entity.Valid() {
		return fmt.Errorf("unknown record type %q", o.Entity)
	}
	switch o.Kind {
	case Merge:
		if len(o.Targets) < 2 {
			return errors.New("merge needs at least two records")
		}
	case Exclude, Include:
		if len(o.Targets) == 0 {
			return fmt.Errorf("%s needs at least one record", o.Kind)
		}
	case Set:
		if len(o.Targets) != 1 || o.Field == "" || len(o.Value) == 0 {
			return errors.New("set needs one record, a field and a value")
		}
		if !json.Valid(o.Value) {
			return errors.New("set: the value is not valid JSON")
		}
	case Normalize:
		switch o.Norm {
		case NormPhones, NormEmails, NormNameCase, NormTrim, NormEmailPhones:
		default:
			return fmt.Errorf("unknown normalisation %q", o.Norm)
		}
	case MapValues:
		if o.Field == "" || len(o.Values) == 0 {
			return errors.New("map needs a field and at least one value")
		}
	default:
		return fmt.Errorf("unknown operation %q", o.Kind)
	}
	return nil
}

// Recipe is the project's list of operations.
type Recipe struct {
	ws      *workspace.Workspace
	country string
}

// Open returns the project's recipe. country (ISO code, e.g. "US") is used
// for phone normalisation.
func Open(ws *workspace.Workspace, country string) *Recipe {
	if country == "" {
		country = "US"
	}
	return &Recipe{ws: ws, country: country}
}

// Ops lists the operations in order, undone ones included (flagged).
func (r *Recipe) Ops(ctx context.Context) ([]Op, error) {
	rows, err := r.ws.DB().QueryContext(ctx, `SELECT id, kind, entity, targets, payload, created_at, undone, status
		FROM operations ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Op
	for rows.Next() {
		var op Op
		var targets, payload string
		if err := rows.Scan(&op.ID, &op.Kind, &op.Entity, &targets, &payload, &op.CreatedAt, &op.Undone, &op.Status); err != nil {
			return nil, err
		}
		var p Op
		if err := json.Unmarshal([]byte(payload), &p); err != nil {
			return nil, fmt.Errorf("operation %d: %w", op.ID, err)
		}
		op.Choose, op.Note, op.Field, op.Value, op.Norm, op.Values = p.Choose, p.Note, p.Field, p.Value, p.Norm, p.Values
		json.Unmarshal([]byte(targets), &op.Targets)
		out = append(out, op)
	}
	return out, rows.Err()
}

// Add appends an operation (dropping any undone ones: a new fix after undo
// ends the redo history, as in every editor) and re-applies the recipe.
func (r *Recipe) Add(ctx context.Context, op Op) (Op, error) {
	if err := op.validate(); err != nil {
		return op, err
	}
	op.CreatedAt = time.Now().UTC().Format(time.RFC3339)
	targets, _ := json.Marshal(op.Targets)
	payload, _ := json.Marshal(Op{Choose: op.Choose, Note: op.Note, Field: op.Field, Value: op.Value, Norm: op.Norm, Values: op.Values})
	db := r.ws.DB()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return op, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM operations WHERE undone = 1`); err != nil {
		return op, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO operations(kind, entity, targets, payload, created_at) VALUES(?,?,?,?,?)`,
		string(op.Kind), string(op.Entity), string(targets), string(payload), op.CreatedAt)
	if err != nil {
		return op, err
	}
	op.ID, _ = res.LastInsertId()
	if err := tx.Commit(); err != nil {
		return op, err
	}
	_, err = r.Replay(ctx)
	return op, err
}

// Undo takes back the latest operation. It reports false when there is none.
func (r *Recipe) Undo(ctx context.Context) (bool, error) {
	return r.flip(ctx, `SELECT max(id) FROM operations WHERE undone = 0`, 1)
}

// Redo re-applies the operation undone last.
func (r *Recipe) Redo(ctx context.Context) (bool, error) {
	return r.flip(ctx, `SELECT min(id) FROM operations WHERE undone = 1`, 0)
}

func (r *Recipe) flip(ctx context.Context, pick string, undone int) (bool, error) {
	var id sql.NullInt64
	if err := r.ws.DB().QueryRowContext(ctx, pick).Scan(&id); err != nil || !id.Valid {
		return false, err
	}
	if _, err := r.ws.DB().ExecContext(ctx, `UPDATE operations SET undone = ? WHERE id = ?`, undone, id.Int64); err != nil {
		return false, err
	}
	_, err := r.Replay(ctx)
	return true, err
}

// Report is what a replay did.
type Report struct {
	Applied    int      `json:"applied"`
	NotApplied []string `json:"not_applied,omitempty"` // one line per operation that no longer applies, and why
}

// Replay recomputes every record's cleaned values from the originals and the
// recipe, in one transaction. Run it after a re-import too.
func (r *Recipe) Replay(ctx context.Context) (Report, error) {
	var rep Report
	ops, err := r.Ops(ctx)
	if err != nil {
		return rep, err
	}
	tx, err := r.ws.DB().BeginTx(ctx, nil)
	if err != nil {
		return rep, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `UPDATE rows SET effective = NULL, state = 'active', state_note = '', merged_into = NULL
		WHERE outcome = 'record' AND (effective IS NOT NULL OR state != 'active')`); err != nil {
		return rep, err
	}
	a := &applier{tx: tx, country: r.country}
	for _, op := range ops {
		if op.Undone {
			continue
		}
		status := "applied"
		if err := a.apply(ctx, op); err != nil {
			var na notApplicable
			if !errors.As(err, &na) {
				return rep, fmt.Errorf("operation %d (%s): %w", op.ID, op.Describe(), err)
			}
			status = na.Error()
			rep.NotApplied = append(rep.NotApplied, fmt.Sprintf("%s: %s", op.Describe(), na.Error()))
		} else {
			rep.Applied++
		}
		if _, err := tx.ExecContext(ctx, `UPDATE operations SET status = ? WHERE id = ?`, status, op.ID); err != nil {
			return rep, err
		}
	}
	return rep, tx.Commit()
}

// notApplicable marks an operation whose records are gone (after a re-import).
type notApplicable struct{ msg string }

func (e notApplicable) Error() string { return e.msg }
