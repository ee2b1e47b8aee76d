// Package upload moves a project's records into Clio Manage: it plans (counts,
// links to records already in Clio, requests and time under the rate limit,
// users), executes with a journal that makes a crash or a pause safe, reconciles
// (every record ends created, linked, skipped or failed, and the numbers add
// up) and reverts what this import created.
//
// # The journal protocol (DESIGN.md "never double-create, never lose")
//
// Clio has no idempotency keys. Before each create the record's row in
// upload_journal is committed as `sending` (attempt_at, attempts+1); after the
// 201 it is committed as `created` with Clio's id and ETag. A record found
// `sending` when a run starts or resumes — and a create that ended in
// clio.ErrMaybeCommitted, a 5xx or a transport error — is looked up in Clio
// first (by its parent and key fields, created_since attempt_at minus
// LookupMargin) before it is ever sent again: found → `created` with that id;
// not found → sent again. `created` and `linked` rows are never sent again.
//
// Lookup keys per Clio collection (see lookupSpec): contacts by query=name and
// type+names+first e-mail; matters by client_id and description;
// relationships by matter_id, contact and description; tasks by matter_id (or
// assignee_id) and name+description; notes by type+matter_id/contact_id and
// subject+detail; calendar entries by calendar_id and summary+start instant;
// communications by matter_id/contact_id and type+subject+received_at instant;
// activities by matter_id and type+date+quantity+price+note; bank transactions
// by bank_account_id and amount+date+description; documents by parent_id and
// name. Ids already journaled (created or linked) are never claimed twice.
package upload

import (
	"errors"
	"time"

	"handover/core/model"
)

// Options tunes Plan and Run.
type Options struct {
	// UserMap settles legacy users (name, initials or e-mail as the old system
	// wrote them) that cannot be matched automatically: legacy → Clio user e-mail.
	UserMap map[string]string
	// DefaultOwner is the Clio user (e-mail) who gets the tasks, calendar
	// events (on that user's calendar) and time entries the old system left
	// without a person. "" = the one saved in the project (SettingDefaultOwner),
	// if any. A legacy user that is named but unmatched is never given to it.
	DefaultOwner string
	// AllowBlockers uploads although blockers remain: records with blocker
	// findings (and records that use an unmatched legacy user) are skipped,
	// each with its reason.
	AllowBlockers bool
	// DryRun makes Run plan only: nothing is created and the journal is not touched.
	DryRun bool
	// Progress, if set, is called after each record.
	Progress func(Progress)
	// OnWait is called when the engine itself waits (e.g. before looking up a
	// create whose answer was lost). The client's own pacing waits are reported
	// through clio.OnWait given to clio.New (pass the same function).
	OnWait func(d time.Duration, reason string)
	// Workers must be 0 or 1: records are sent one at a time, in order, so a
	// child is never sent before its parent exists (Clio paces per token anyway).
	Workers int
}

// Progress is one step of a run.
type Progress struct {
	Entity                           model.Entity
	Done, Total                      int64
	Created, Linked, Skipped, Failed int64
	Waiting                          time.Duration // total time spent waiting for Clio's rate limit or backing off so far
}

// Failure is one record that did not make it (or, in Refused, one record a
// revert did not delete), with where it came from and what to do.
type Failure struct {
	Entity  model.Entity `json:"entity"`
	Key     string       `json:"key"`
	Name    string       `json:"name,omitempty"`
	Source  string       `json:"source,omitempty"`
	Row     int64        `json:"row,omitempty"`
	ClioID  string       `json:"clio_id,omitempty"`
	Message string       `json:"message"` // Clio's message, or why it was not sent
	Fix     string       `json:"fix,omitempty"`
}

// Reconciliation is the account of a run (or a revert). For every type:
// Planned = Created + Linked + Skipped + Failed.
type Reconciliation struct {
	Planned  map[model.Entity]int64 `json:"planned"`
	Created  map[model.Entity]int64 `json:"created"`
	Linked   map[model.Entity]int64 `json:"linked"`
	Skipped  map[model.Entity]int64 `json:"skipped"`
	Failed   map[model.Entity]int64 `json:"failed"`
	Deleted  map[model.Entity]int64 `json:"deleted"`
	Requests int64                  `json:"requests"`
	Failures []Failure              `json:"failures,omitempty"`
	Skips    []Failure              `json:"skips,omitempty"` // why each skipped record was skipped
	Refused  []Failure              `json:"refused,omitempty"`
	Notes    []string               `json:"notes,omitempty"` // e.g. where the legacy matter number went
	Paused   bool                   `json:"paused,omitempty"`
}

// newRecon has every type in every map (0 included), so the CLI's JSON
// always names all twelve types.
func newRecon() *Reconciliation {
	r := &Reconciliation{
		Planned: map[model.Entity]int64{}, Created: map[model.Entity]int64{}, Linked: map[model.Entity]int64{},
		Skipped: map[model.Entity]int64{}, Failed: map[model.Entity]int64{}, Deleted: map[model.Entity]int64{},
	}
	for _, e := range model.Entities {
		for _, m := range []map[model.Entity]int64{r.Planned, r.Created, r.Linked, r.Skipped, r.Failed, r.Deleted} {
			m[e] = 0
		}
	}
	return r
}

// Check verifies that every planned record is accounted for.
func (r *Reconciliation) Check() error {
	for e, n := range r.Planned {
		if got := r.Created[e] + r.Linked[e] + r.Skipped[e] + r.Failed[e]; got != n && !r.Paused {
			return errors.New("reconciliation does not add up for " + string(e))
		}
	}
	return nil
}

// Refusal is returned (wrapped) when an upload must not start.
type Refusal struct {
	Reasons []string
}

func (r *Refusal) Error() string {
	s := "the upload cannot start:"
	for _, x := range r.Reasons {
		s += "\n  - " + x
	}
	return s
}

// ErrRefused matches every *Refusal.
var ErrRefused = errors.New("the upload cannot start")

func (r *Refusal) Is(target error) bool { return target == ErrRefused }

// Journal states.
const (
	StatePlanned  = "planned"
	StateSending  = "sending"
	StateCreated  = "created"
	StateLinked   = "linked"
	StateSkipped  = "skipped"
	StateFailed   = "failed"
	StateReverted = "reverted"
)

// LookupMargin is subtracted from a record's attempt time for created_since,
// to allow for a clock difference between this computer and Clio.
var LookupMargin = 5 * time.Minute

// settleDelay is how long the engine waits after a create whose answer was
// lost before looking it up, so a request still being processed by Clio has
// landed. Tests set it to 0.
var settleDelay = 2 * time.Second

// maxAttempts bounds how often one record is sent when every answer is lost.
const maxAttempts = 6

// BalanceActivity is the activity description used for A/R balances.
const BalanceActivity = "Balance Brought Forward from Previous Software"
