package upload

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"handover/core/clio"
	"handover/core/model"
	"handover/core/workspace"
)

// TypePlan is the plan for one type.
type TypePlan struct {
	Entity   model.Entity `json:"entity"`
	Records  int64        `json:"records"`
	Creates  int64        `json:"creates"` // still to create (records created by an earlier run are in Done)
	Links    int64        `json:"links"`   // matched to a record already in Clio
	Skips    int64        `json:"skips"`
	Done     int64        `json:"done"` // already created by an earlier run
	Requests int64        `json:"requests"`
	// DefaultOwner: records of this type the old system left without a
	// person that go to the default owner (0 when none is chosen).
	DefaultOwner int64 `json:"default_owner,omitempty"`
}

// ContactMatch is a project contact that is already in Clio.
type ContactMatch struct {
	Key      string `json:"key"`
	Name     string `json:"name"`
	ClioID   int64  `json:"clio_id"`
	ClioName string `json:"clio_name"`
	By       string `json:"by"` // "e-mail x@y", "e-mail x@y and name" (an address two Clio contacts share), "name", "name and phone"
}

// PlanResult is what an upload would do.
type PlanResult struct {
	Types    []TypePlan `json:"types"`
	Requests int64      `json:"requests"` // API requests the run will make (reads and creates), without retries
	// RateLimit is the X-RateLimit-Limit Clio sent (requests per minute).
	RateLimit int `json:"rate_limit"`
	// Estimate at the limit seen now; EstimatePeak/OffPeak at Clio's peak
	// (50/min) and off-peak (300/min, or the limit seen if higher) limits.
	Estimate        time.Duration   `json:"estimate"`
	EstimatePeak    time.Duration   `json:"estimate_peak"`
	EstimateOffPeak time.Duration   `json:"estimate_off_peak"`
	Users           []UserMatch     `json:"users"`
	Unmatched       []UserMatch     `json:"unmatched_users,omitempty"`
	Calendars       []CalendarMatch `json:"calendars,omitempty"` // where each legacy calendar owner's events go
	// DefaultOwner: who gets the records with no person, and how many.
	DefaultOwner DefaultOwnerPlan `json:"default_owner"`
	Matched      []ContactMatch   `json:"matched_contacts,omitempty"`
	Setup        []string         `json:"setup,omitempty"` // practice areas / activity descriptions to create
	Blockers     []string         `json:"blockers,omitempty"`
	Skips        []Failure        `json:"skips,omitempty"`
	Notes        []string         `json:"notes,omitempty"`
	Recon        *Reconciliation  `json:"-"`
	// ClioUsers are the account's users and ClioCalendars the calendars the
	// signed-in user may add events to (read once for the plan), to choose from.
	ClioUsers     []clio.User     `json:"-"`
	ClioCalendars []clio.Calendar `json:"-"`
}

// CalendarMatch is where one legacy calendar owner's events go.
type CalendarMatch struct {
	Legacy       string `json:"legacy"`
	Events       int64  `json:"events"`
	CalendarID   int64  `json:"calendar_id,omitempty"`
	CalendarName string `json:"calendar_name,omitempty"`
	How          string `json:"how,omitempty"` // "chosen", or "user's calendar" (the matched Clio user's own); "" = none
	Problem      string `json:"problem,omitempty"`
}

// PeakLimit and OffPeakLimit are Clio's documented/observed per-token limits
// (CLIO-API.md §3), used for the estimates when the current limit is one of them.
const (
	PeakLimit    = 50
	OffPeakLimit = 300
)

// Plan works out what Run would do, without creating anything: counts per
// type, contacts that link to existing Clio contacts, requests and time,
// users, blockers. It reads from Clio (users, calendars, contacts, …).
func Plan(ctx context.Context, ws *workspace.Workspace, client *clio.Client, opts Options) (*PlanResult, error) {
	e, err := newEngine(ctx, ws, client, opts, true)
	if err != nil {
		return nil, err
	}
	if err := e.preflight(ctx); err != nil {
		return nil, err
	}
	p := e.plan
	p.Users = e.users.matches
	p.Unmatched = e.users.unmatched()
	p.ClioUsers = e.users.users
	p.ClioCalendars = e.calendarList
	p.Calendars = e.calendarMatches()
	p.DefaultOwner = e.ownerPlan
	if u := e.defaultOwner; u != nil && e.ix.noPerson[model.CalendarEvents] > 0 && e.calendars[u.ID] == 0 {
		p.DefaultOwner.Problem = fmt.Sprintf("Handover cannot see %s's calendar, so the events with no owner would be skipped: share it with the signed-in user as Editor in Clio", u.Email)
	}
	// The plan lists every blocker, also those AllowBlockers would skip over.
	allow := e.opts.AllowBlockers
	e.opts.AllowBlockers = false
	p.Blockers, err = e.refusals(ctx)
	e.opts.AllowBlockers = allow
	if err != nil {
		return nil, err
	}
	if allow && len(p.Blockers) > 0 {
		p.Notes = append(p.Notes, "blockers are allowed: the records they concern are skipped (listed in skips)")
	}
	// Records created by an earlier run are "done"; count them apart.
	done := map[model.Entity]int64{}
	for _, ent := range model.Entities {
		for _, r := range e.j.rows[string(ent)] {
			if r.State == StateCreated {
				done[ent]++
			}
		}
	}
	// the reads so far are real requests
	reads := client.Stats().Requests - e.stat0.Requests
	if err := e.run(ctx); err != nil {
		return nil, err
	}
	if e.numbering == 0 && e.rec.Created[model.Matters] > done[model.Matters] {
		e.dryReqs++ // the first matter tells whether display_number is writable (a 422 costs one request)
		p.Notes = append(p.Notes, "the first matter is sent with its legacy number as display_number; if the account numbers matters automatically Clio refuses it once and the number is kept in client_reference instead")
	}
	for _, ent := range model.Entities {
		tp := TypePlan{Entity: ent, Records: e.rec.Planned[ent], Links: e.rec.Linked[ent], Skips: e.rec.Skipped[ent] + e.rec.Failed[ent],
			Done: done[ent]}
		if e.defaultOwner != nil {
			tp.DefaultOwner = e.ix.noPerson[ent]
		}
		tp.Creates = e.rec.Created[ent] - done[ent]
		tp.Requests = tp.Creates
		if ent == model.Documents {
			tp.Requests *= 2
		}
		p.Types = append(p.Types, tp)
	}
	p.Skips = e.rec.Skips
	p.Requests = reads + e.dryReqs
	st := client.Stats()
	p.RateLimit = st.Limit
	p.Estimate = estimate(p.Requests, st.Limit)
	peak, off := PeakLimit, OffPeakLimit
	if st.Limit > off {
		off = st.Limit
	}
	p.EstimatePeak = estimate(p.Requests, peak)
	p.EstimateOffPeak = estimate(p.Requests, off)
	if e.numbering == 0 {
		p.Notes = append(p.Notes, "legacy matter numbers are kept in each matter's client_reference (and as display_number when the account uses manual matter numbering)")
	}
	p.Recon = e.rec
	p.Recon.Requests = p.Requests
	return p, nil
}

// calendarMatches says, per legacy calendar owner, which Clio calendar its
// events go in.
func (e *engine) calendarMatches() []CalendarMatch {
	var out []CalendarMatch
	for _, m := range e.users.matches {
		n := m.Fields[string(model.CalendarEvents)+".calendar_owner"]
		if n == 0 {
			continue
		}
		cm := CalendarMatch{Legacy: m.Legacy, Events: n}
		id, problem, _ := e.calendarFor(m.Legacy)
		cm.CalendarID, cm.Problem = int64(id), problem
		if id != 0 {
			cm.How = "user's calendar"
			if e.calChoice[normUser(m.Legacy)].ID != 0 {
				cm.How = HowChosen
			}
			cm.CalendarName = m.ClioName + "'s calendar"
			for _, c := range e.calendarList {
				if c.ID == id {
					cm.CalendarName = c.Name
				}
			}
		}
		out = append(out, cm)
	}
	return out
}

// estimate is the time n requests take at limit per minute (the first
// window's worth goes at once).
func estimate(n int64, limit int) time.Duration {
	if limit <= 0 {
		limit = PeakLimit
	}
	if n <= int64(limit) {
		return time.Duration(float64(n)/float64(limit)*60) * time.Second
	}
	return time.Duration(math.Ceil(float64(n)/float64(limit)*60)) * time.Second
}

// Run uploads the project. It is resumable: cancel ctx to pause; run it again
// (also after a crash) to continue from the journal. It refuses to start
// while the cut-off is not acknowledged, blockers remain (unless
// AllowBlockers) or legacy users are unmatched.
func Run(ctx context.Context, ws *workspace.Workspace, client *clio.Client, opts Options) (*Reconciliation, error) {
	if opts.DryRun {
		p, err := Plan(ctx, ws, client, opts)
		if err != nil {
			return nil, err
		}
		return p.Recon, nil
	}
	e, err := newEngine(ctx, ws, client, opts, false)
	if err != nil {
		return nil, err
	}
	if err := e.preflight(ctx); err != nil {
		return nil, err
	}
	reasons, err := e.refusals(ctx)
	if err != nil {
		return nil, err
	}
	if len(reasons) > 0 {
		return nil, &Refusal{Reasons: reasons}
	}
	runID, err := startRun(ctx, ws.DB(), client.BaseURL(), "running")
	if err != nil {
		return nil, err
	}
	e.j.runID = runID
	runErr := e.run(ctx)
	e.rec.Requests = client.Stats().Requests - e.stat0.Requests
	state := "done"
	switch {
	case runErr != nil && (errors.Is(runErr, context.Canceled) || errors.Is(runErr, context.DeadlineExceeded)):
		state, e.rec.Paused = "paused", true
	case runErr != nil:
		state, e.rec.Paused = "stopped", true
	}
	switch {
	case e.numbering > 0:
		e.rec.Notes = append(e.rec.Notes, "matters keep their legacy numbers as Clio display numbers (manual numbering); the number is also in client_reference")
	case e.numbering < 0:
		e.rec.Notes = append(e.rec.Notes, "this Clio account numbers matters automatically: each matter's legacy number is kept in its client_reference")
	}
	if ferr := finishRun(ctx, ws.DB(), runID, state, e.rec); ferr != nil && runErr == nil {
		runErr = ferr
	}
	if runErr != nil {
		return e.rec, runErr
	}
	if err := e.rec.Check(); err != nil {
		return e.rec, err
	}
	return e.rec, nil
}

// createMatter handles the manual-numbering probe: a matter sent with
// display_number to an account that numbers automatically is refused (422)
// and sent again without it.
func (e *engine) createMatter(ctx context.Context, req *request) (clio.ID, string, error) {
	in := req.body.(clio.MatterInput)
	var out struct {
		clio.Record
		DisplayNumber string `json:"display_number"`
	}
	err := e.c.Create(ctx, "matters", in, "id,etag,display_number", &out)
	if err != nil && in.DisplayNumber != "" && numberingRefused(err) {
		e.numbering = -1
		in.DisplayNumber = ""
		req.body = in
		err = e.c.Create(ctx, "matters", in, "id,etag,display_number", &out)
	} else if err == nil && in.DisplayNumber != "" {
		if out.DisplayNumber == in.DisplayNumber {
			e.numbering = 1
		} else {
			e.numbering = -1
		}
	}
	if err != nil {
		return 0, "", err
	}
	return out.ID, out.Etag, nil
}

func numberingRefused(err error) bool {
	var ae *clio.APIError
	if !errors.As(err, &ae) || ae.Status != 422 {
		return false
	}
	s := strings.ToLower(ae.Field + " " + ae.Message)
	return strings.Contains(s, "display_number") || strings.Contains(s, "display number")
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
