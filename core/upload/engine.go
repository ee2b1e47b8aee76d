package upload

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"handover/core/check"
	"handover/core/clio"
	"handover/core/model"
	"handover/core/readiness"
	"handover/core/workspace"
)

// engine runs (or, dry, simulates) one upload.
type engine struct {
	ws   *workspace.Workspace
	c    *clio.Client
	opts Options
	dry  bool

	ix    *index
	users *userSet
	j     *journal
	rec   *Reconciliation
	plan  *PlanResult
	stat0 clio.Stats

	blockers  map[string]string  // entity/key → blocker message
	notSent   map[string]notSent // contacts and matters skipped or failed: entity/key → why, for their children
	fileBlock []string           // blockers not tied to one record

	ids   map[model.Entity]map[string]clio.ID // project key → Clio id (created or linked)
	known map[string]map[clio.ID]bool         // Clio collection → ids this import owns or linked

	calendars     map[clio.ID]clio.ID // user id → calendar id
	calendarList  []clio.Calendar     // calendars the signed-in user can add events to
	calChoice     map[string]CalendarChoice
	choices       Choices    // saved in the project (LoadChoices)
	defaultOwner  *clio.User // who gets records with no person; nil = none
	ownerPlan     DefaultOwnerPlan
	practiceAreas map[string]clio.ID // lower name → id
	activityDescs map[string]clio.ID // lower name → id
	customFields  map[string]clio.ID // "contact/<lower name>" → definition id
	trustAccount  clio.ID
	trustProblem  string
	numbering     int // 0 unknown, 1 manual (display_number accepted), -1 automatic

	existing *clioContacts    // contacts that were in Clio before this import
	minted   map[clio.ID]bool // contacts this import created (never matched as "already in Clio")

	dryID    clio.ID
	dryReqs  int64
	progress Progress
}

// kinds of outcome of one record
const (
	outCreated = iota
	outLinked
	outSkipped
	outFailed
)

func newEngine(ctx context.Context, ws *workspace.Workspace, c *clio.Client, opts Options, dry bool) (*engine, error) {
	e := &engine{ws: ws, c: c, opts: opts, dry: dry, rec: newRecon(), plan: &PlanResult{},
		blockers: map[string]string{}, notSent: map[string]notSent{}, ids: map[model.Entity]map[string]clio.ID{}, known: map[string]map[clio.ID]bool{},
		minted: map[clio.ID]bool{}, calendars: map[clio.ID]clio.ID{}, practiceAreas: map[string]clio.ID{}, activityDescs: map[string]clio.ID{}, customFields: map[string]clio.ID{}}
	e.stat0 = c.Stats()
	// The records skipped for blockers are the ones the findings name: when
	// the project changed since the last check (or was never checked), an
	// upload read stale findings and sent records that have blockers now
	// (Clio refused them with 422s) or skipped fixed ones. Check again first,
	// as the package does.
	if _, err := check.EnsureFresh(ctx, ws, check.Options{}, nil); err != nil {
		return nil, fmt.Errorf("checking the project before the upload: %w", err)
	}
	var err error
	if e.ix, err = buildIndex(ctx, ws); err != nil {
		return nil, err
	}
	for _, ent := range model.Entities {
		e.rec.Planned[ent] = e.ix.total[ent]
		e.ids[ent] = map[string]clio.ID{}
	}
	if e.j, err = loadJournal(ctx, ws.DB(), dry); err != nil {
		return nil, err
	}
	for _, m := range e.j.rows {
		for _, r := range m {
			if r.ClioID == "" || (r.State != StateCreated && r.State != StateLinked) {
				continue
			}
			var id clio.ID
			fmt.Sscan(r.ClioID, &id)
			if ent := model.Entity(r.Entity); ent.Valid() {
				e.ids[ent][r.Key] = id
			}
			e.own(collectionOf(r.Entity, r.Key), id)
			if r.Entity == string(model.Contacts) && r.State == StateCreated {
				e.minted[id] = true
			}
		}
	}
	err = ws.EachFinding(ctx, workspace.FindingFilter{Severity: model.Blocker}, func(f workspace.StoredFinding) error {
		if f.Rule == model.RuleUserUnmatched || slices.Contains(model.MissingPersonRules, f.Rule) {
			return nil // decided here against the real Clio users and the default owner
		}
		if f.RecordKey == "" || f.Entity == "" {
			e.fileBlock = append(e.fileBlock, f.Message)
			return nil
		}
		k := string(f.Entity) + "/" + f.RecordKey
		if _, ok := e.blockers[k]; !ok {
			e.blockers[k] = f.Message
		}
		return nil
	})
	return e, err
}

func (e *engine) own(coll string, id clio.ID) {
	if coll == "" || id == 0 {
		return
	}
	m := e.known[coll]
	if m == nil {
		m = map[clio.ID]bool{}
		e.known[coll] = m
	}
	m[id] = true
}

// collectionOf maps a journal entity to its Clio collection.
func collectionOf(entity, key string) string {
	switch model.Entity(entity) {
	case model.Contacts:
		return "contacts"
	case model.Matters:
		return "matters"
	case model.Relationships:
		return "relationships"
	case model.Tasks:
		return "tasks"
	case model.Notes:
		return "notes"
	case model.CalendarEvents:
		return "calendar_entries"
	case model.Emails, model.PhoneLogs:
		return "communications"
	case model.TimeEntries, model.ARBalances:
		return "activities"
	case model.TrustBalances:
		return "bank_transactions"
	case model.Documents:
		return "documents"
	}
	switch entity {
	case setupPracticeArea:
		return "practice_areas"
	case setupActivityDesc:
		return "activity_descriptions"
	case setupCustomField:
		return "custom_fields"
	}
	return ""
}

// journal entities for what the import creates to make room for the records
const (
	setupPracticeArea = "setup:practice_areas"
	setupActivityDesc = "setup:activity_descriptions"
	setupCustomField  = "setup:custom_fields"
)

// preflight loads the Clio side (users, calendars, practice areas, activity
// descriptions, bank accounts, existing contacts) and collects blockers.
func (e *engine) preflight(ctx context.Context) error {
	users, err := e.c.Users(ctx)
	if err != nil {
		return fmt.Errorf("reading Clio's users: %w", err)
	}
	if e.choices, err = LoadChoices(ctx, e.ws); err != nil {
		return err
	}
	e.calChoice = map[string]CalendarChoice{}
	if e.ix.total[model.CalendarEvents] > 0 {
		for k, v := range e.choices.Calendars {
			e.calChoice[normUser(k)] = v
		}
	}
	e.users = resolveUsers(users, e.ix, mergeChoices(e.choices, e.opts.UserMap), func(k string) bool { return e.calChoice[k].ID != 0 })
	saved, err := SavedDefaultOwner(ctx, e.ws)
	if err != nil {
		return err
	}
	if e.defaultOwner, e.ownerPlan, err = resolveDefaultOwner(users, e.opts.DefaultOwner, saved); err != nil {
		return err
	}
	e.ownerPlan.Records = map[model.Entity]int64{}
	for ent, n := range e.ix.noPerson {
		e.ownerPlan.Records[ent] = n
		e.ownerPlan.Total += n
	}
	for _, u := range users {
		if u.DefaultCalendarID != 0 {
			e.calendars[u.ID] = u.DefaultCalendarID
		}
	}
	if e.ix.total[model.CalendarEvents] > 0 {
		cals, err := e.c.Calendars(ctx, "")
		if err != nil {
			return fmt.Errorf("reading Clio's calendars: %w", err)
		}
		for _, cal := range cals {
			if cal.Permission == "" || cal.Permission == "owner" || cal.Permission == "editor" {
				e.calendarList = append(e.calendarList, cal)
			}
		}
		for _, u := range users {
			if e.calendars[u.ID] != 0 {
				continue
			}
			for _, cal := range cals {
				if cal.Type == "UserCalendar" && normName(cal.Name) == normName(u.Name) {
					e.calendars[u.ID] = cal.ID
				}
			}
		}
	}
	if e.needPracticeAreas() {
		pas, err := e.c.PracticeAreas(ctx)
		if err != nil {
			return fmt.Errorf("reading Clio's practice areas: %w", err)
		}
		for _, p := range pas {
			e.practiceAreas[strings.ToLower(strings.TrimSpace(p.Name))] = p.ID
		}
	}
	if e.ix.total[model.ARBalances] > 0 || e.ix.total[model.TimeEntries] > 0 {
		ads, err := e.c.ActivityDescriptions(ctx)
		if err != nil {
			return fmt.Errorf("reading Clio's activity descriptions: %w", err)
		}
		for _, a := range ads {
			e.activityDescs[strings.ToLower(strings.TrimSpace(a.Name))] = a.ID
		}
	}
	if e.ix.customFields {
		cfs, err := e.c.CustomFields(ctx, "")
		if err != nil {
			return fmt.Errorf("reading Clio's custom fields: %w", err)
		}
		for _, cf := range cfs {
			e.customFields[cfKey(cf.ParentType, cf.Name)] = cf.ID
		}
	}
	if e.ix.total[model.TrustBalances] > 0 {
		bas, err := e.c.BankAccounts(ctx)
		if err != nil {
			return fmt.Errorf("reading Clio's bank accounts: %w", err)
		}
		var trust []clio.BankAccount
		for _, b := range bas {
			if b.Type == "Trust" {
				trust = append(trust, b)
			}
		}
		switch len(trust) {
		case 0:
			e.trustProblem = "there is no trust bank account in Clio: create one trust account in Clio first (Accounts → New bank account → Trust), then upload"
		case 1:
			e.trustAccount = trust[0].ID
		default:
			e.trustProblem = fmt.Sprintf("Clio has %d trust bank accounts: keep exactly one trust account for the opening balances, then upload", len(trust))
		}
	}
	if e.ix.total[model.Contacts] > 0 {
		if e.existing, err = loadClioContacts(ctx, e.c, e.minted); err != nil {
			return fmt.Errorf("reading the contacts already in Clio: %w", err)
		}
	}
	return nil
}

func (e *engine) needPracticeAreas() bool {
	return e.ix.practiceAreas
}

// refusals lists what stops a real run.
func (e *engine) refusals(ctx context.Context) ([]string, error) {
	var out []string
	rd, err := readiness.Gather(ctx, e.ws, time.Now())
	if err != nil {
		return nil, err
	}
	if !rd.Cutoff.Acknowledged {
		out = append(out, "the cut-off is not acknowledged: confirm that the firm has stopped using the old system (anything entered after the export is not migrated), then upload")
	}
	if !e.opts.AllowBlockers {
		if n := len(e.blockers) + len(e.fileBlock); n > 0 {
			out = append(out, fmt.Sprintf("%d blocker finding(s) remain: fix them on the Readiness screen (or upload with --allow-blockers to skip those records)", n))
		}
		for _, u := range e.users.unmatched() {
			msg := fmt.Sprintf("legacy user %q (%s) matches no Clio user: choose its Clio user on the Upload screen (or add it to the user map: legacy,clio_email)", u.Legacy, plural(u.Records, "record", "records"))
			if u.Problem != "" {
				msg = u.Problem + " (" + plural(u.Records, "record", "records") + ")"
			}
			out = append(out, msg)
		}
		if e.trustProblem != "" {
			out = append(out, e.trustProblem)
		}
		if e.defaultOwner == nil && e.ownerPlan.Total > 0 {
			msg := fmt.Sprintf("%s no person (%s): say who gets them on the Upload screen (\"Records your old system left without a person go to …\") or with --default-owner EMAIL (or upload with --allow-blockers to skip them)",
				plural(e.ownerPlan.Total, "record has", "records have"), e.ownerPlan.describe())
			if e.ownerPlan.Problem != "" {
				msg = e.ownerPlan.Problem + " (" + plural(e.ownerPlan.Total, "record has", "records have") + " no person)"
			}
			out = append(out, msg)
		}
	}
	if e.opts.Workers > 1 {
		out = append(out, "Workers > 1 is not supported: records are sent one at a time so parents always exist before their children")
	}
	return out, nil
}

// ---- running ----

func (e *engine) run(ctx context.Context) error {
	for _, ent := range model.Entities {
		e.progress = Progress{Entity: ent, Total: e.ix.total[ent]}
		if e.ix.total[ent] == 0 {
			continue
		}
		var err error
		if ent == model.Contacts {
			err = e.settleContacts(ctx)
			// companies first, so persons can link to their employer
			if err == nil {
				err = e.eachRecord(ctx, ent, func(r *workspace.StoredRecord) error {
					if c := r.Data.(*model.Contact); c.Type == "Company" {
						return e.one(ctx, r)
					}
					return nil
				})
			}
			if err == nil {
				err = e.eachRecord(ctx, ent, func(r *workspace.StoredRecord) error {
					if c := r.Data.(*model.Contact); c.Type != "Company" {
						return e.one(ctx, r)
					}
					return nil
				})
			}
		} else {
			err = e.eachRecord(ctx, ent, func(r *workspace.StoredRecord) error { return e.one(ctx, r) })
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// eachRecord streams a type's records (memory stays flat however many
// there are). The project is in WAL mode, so the journal is written on
// another connection while this read is open.
func (e *engine) eachRecord(ctx context.Context, ent model.Entity, fn func(*workspace.StoredRecord) error) error {
	return e.ws.EachRecord(ctx, workspace.RecordFilter{Entity: ent}, func(r workspace.StoredRecord) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		return fn(&r)
	})
}

// one takes a record to a final state (or returns an error that stops the run).
func (e *engine) one(ctx context.Context, r *workspace.StoredRecord) error {
	ent := r.Entity
	jr := e.j.get(string(ent), r.Key)
	if jr != nil && (jr.State == StateCreated || jr.State == StateLinked) {
		if jr.State == StateCreated {
			e.count(r, outCreated, "", "")
		} else {
			e.count(r, outLinked, "", "")
		}
		return nil
	}
	if !e.dry && jr != nil && jr.State == StateSending {
		// Left over from an interrupted run: look before anything else (even
		// if a blocker was found since, what may exist in Clio must be known).
		if req, skip, _ := e.build(ctx, r); skip == "" && req != nil {
			found, err := e.settle(ctx, r, req, jr)
			if err != nil {
				return err
			}
			if found {
				e.count(r, outCreated, "", "")
				return nil
			}
		}
	}
	if msg, ok := e.blockers[string(ent)+"/"+r.Key]; ok {
		return e.skip(ctx, r, "blocker: "+msg, "fix the finding on the Readiness screen and upload again")
	}
	req, skip, fix := e.build(ctx, r)
	if skip != "" {
		return e.skip(ctx, r, skip, fix)
	}
	if r.Entity == model.Contacts && e.existing != nil {
		if linked, err := e.link(ctx, r); linked || err != nil {
			return err
		}
	}
	return e.send(ctx, r, req)
}

// settle looks up a record left `sending` and, when Clio has it, journals it
// `created` (without counting it).
func (e *engine) settle(ctx context.Context, r *workspace.StoredRecord, req *request, jr *jrow) (bool, error) {
	id, etag, found, err := e.lookup(ctx, req, jr.AttemptAt)
	if err != nil {
		return false, e.transient(err, "looking up a record an interrupted run may have created")
	}
	if !found {
		return false, nil
	}
	if err := e.j.set(ctx, string(r.Entity), r.Key, StateCreated, id.String(), etag, ""); err != nil {
		return false, err
	}
	e.ids[r.Entity][r.Key] = id
	e.own(req.coll, id)
	if r.Entity == model.Contacts {
		e.mint(id)
	}
	return true, nil
}

// settleContacts resolves contacts left `sending` before any contact is
// matched to an existing Clio contact, so a half-created contact is never
// mistaken for one the firm already had.
func (e *engine) settleContacts(ctx context.Context) error {
	if e.dry {
		return nil
	}
	return e.eachRecord(ctx, model.Contacts, func(r *workspace.StoredRecord) error {
		jr := e.j.get(string(r.Entity), r.Key)
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
}

// link journals a contact that is already in Clio as `linked`.
func (e *engine) link(ctx context.Context, r *workspace.StoredRecord) (bool, error) {
	d := r.Data.(*model.Contact)
	m, twins := e.existing.match(d)
	if twins != nil {
		// Either could be the firm's contact: linking one may hang the
		// matters on the wrong person, creating a third doubles it.
		return true, e.skip(ctx, r, fmt.Sprintf("Clio already has %d contacts that match it by %s: %s; it was neither linked to one nor created again",
			len(twins.contacts), twins.by, twins.describe()),
			"merge the duplicates in Clio (or give the contacts e-mail addresses that tell them apart), then upload again")
	}
	if m == nil {
		return false, nil
	}
	e.ids[model.Contacts][r.Key] = m.id
	if e.dry {
		e.plan.Matched = append(e.plan.Matched, ContactMatch{Key: r.Key, Name: contactName(d), ClioID: int64(m.id), ClioName: m.name, By: m.by})
	} else {
		if err := e.j.set(ctx, string(model.Contacts), r.Key, StateLinked, m.id.String(), m.etag, "matched by "+m.by); err != nil {
			return false, err
		}
		e.own("contacts", m.id)
		e.rec.Notes = append(e.rec.Notes, fmt.Sprintf("contact %q is already in Clio (id %d, by %s): linked, not created", contactName(d), m.id, m.by))
	}
	e.count(r, outLinked, "", "")
	return true, nil
}

// mint records a contact this import created, so it is never matched as
// one the firm already had.
func (e *engine) mint(id clio.ID) {
	e.minted[id] = true
	if e.existing != nil {
		e.existing.forget(id)
	}
}

// notSent is why a parent record was not sent, for its children's skips.
type notSent struct {
	name    string // the parent as people know it: a matter's number, a contact's name
	outcome string // "skipped" or "failed"
	reason  string // "has a blocker: …", "was skipped: …", "failed: …"
}

func (e *engine) rememberNotSent(r *workspace.StoredRecord, outcome, reason string) {
	var name string
	switch d := r.Data.(type) {
	case *model.Matter:
		name = firstNonEmpty(d.DisplayNumber, d.Description, r.Key)
	case *model.Contact:
		name = firstNonEmpty(contactName(d), r.Key)
	default:
		return
	}
	e.notSent[string(r.Entity)+"/"+r.Key] = notSent{name: name, outcome: outcome, reason: reason}
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x = strings.TrimSpace(x); x != "" {
			return x
		}
	}
	return ""
}

func (e *engine) skip(ctx context.Context, r *workspace.StoredRecord, why, fix string) error {
	if err := e.j.set(ctx, string(r.Entity), r.Key, StateSkipped, "", "", why); err != nil {
		return err
	}
	reason := "was skipped: " + why
	if b, ok := strings.CutPrefix(why, "blocker: "); ok {
		reason = "has a blocker: " + b
	} else if strings.HasPrefix(why, "parent ") {
		reason = "was skipped (" + why + ")"
	}
	e.rememberNotSent(r, "skipped", reason)
	e.count(r, outSkipped, why, fix)
	return nil
}

func (e *engine) count(r *workspace.StoredRecord, out int, msg, fix string) {
	ent := r.Entity
	f := Failure{Entity: ent, Key: r.Key, Name: model.DisplayName(r.Data), Source: r.Prov.Source, Row: r.Prov.Row, Message: msg, Fix: fix}
	switch out {
	case outCreated:
		e.rec.Created[ent]++
		e.progress.Created++
	case outLinked:
		e.rec.Linked[ent]++
		e.progress.Linked++
	case outSkipped:
		e.rec.Skipped[ent]++
		e.progress.Skipped++
		e.rec.Skips = append(e.rec.Skips, f)
	case outFailed:
		e.rec.Failed[ent]++
		e.progress.Failed++
		e.rec.Failures = append(e.rec.Failures, f)
	}
	e.progress.Done++
	if e.opts.Progress != nil {
		st := e.c.Stats()
		e.progress.Waiting = st.RateLimitWait + st.BackoffWait - e.stat0.RateLimitWait - e.stat0.BackoffWait
		e.opts.Progress(e.progress)
	}
}

// request is one create to make.
type request struct {
	coll   string // Clio collection
	body   any    // the clio.*Input
	doc    *docUpload
	onDone func(id clio.ID) // e.g. remember a contact's id
}

type docUpload struct {
	path string
	size int64
}

// send creates the record with the journal protocol.
func (e *engine) send(ctx context.Context, r *workspace.StoredRecord, req *request) error {
	ent := string(r.Entity)
	if e.dry {
		e.dryReqs++
		if req.doc != nil {
			e.dryReqs++ // the fully_uploaded PATCH (the PUT goes to storage, not the API)
		}
		e.dryID--
		e.ids[r.Entity][r.Key] = e.dryID
		e.count(r, outCreated, "", "")
		return nil
	}
	for try := 1; ; try++ {
		jr, err := e.j.sending(ctx, ent, r.Key)
		if err != nil {
			return err
		}
		id, etag, err := e.create(ctx, req)
		if err == nil {
			return e.created(ctx, r, req, id, etag)
		}
		if ctx.Err() != nil {
			return ctx.Err() // stays `sending`: looked up on resume
		}
		if msg, fix, definite := definiteFailure(err); definite {
			if err := e.j.set(ctx, ent, r.Key, StateFailed, "", "", msg); err != nil {
				return err
			}
			e.rememberNotSent(r, "failed", "was refused by Clio: "+msg)
			e.count(r, outFailed, msg, fix)
			return nil
		}
		// The create may have reached Clio: look before sending again.
		if settleDelay > 0 {
			if e.opts.OnWait != nil {
				e.opts.OnWait(settleDelay, "Clio's answer was lost: checking whether the record was created")
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(settleDelay):
			}
		}
		id, etag, found, lerr := e.lookup(ctx, req, jr.AttemptAt)
		if lerr != nil {
			return e.transient(lerr, "looking up a record whose create was not answered")
		}
		if found {
			return e.created(ctx, r, req, id, etag)
		}
		if try >= maxAttempts {
			msg := fmt.Sprintf("Clio did not answer %d attempts to create it (last: %v); it was not created", try, clio.RedactError(err))
			if err := e.j.set(ctx, ent, r.Key, StateFailed, "", "", msg); err != nil {
				return err
			}
			e.count(r, outFailed, msg, "upload again later: it will be retried")
			return nil
		}
	}
}

// transient stops the run on an error that is not the record's fault (the
// network, Clio down, signed out): the journal lets the next run carry on.
func (e *engine) transient(err error, what string) error {
	return fmt.Errorf("%s: %w (the upload stopped here; run it again to continue, nothing will be doubled)", what, err)
}

func (e *engine) created(ctx context.Context, r *workspace.StoredRecord, req *request, id clio.ID, etag string) error {
	if err := e.j.set(ctx, string(r.Entity), r.Key, StateCreated, id.String(), etag, ""); err != nil {
		return err
	}
	e.ids[r.Entity][r.Key] = id
	e.own(req.coll, id)
	if r.Entity == model.Contacts {
		e.mint(id)
	}
	if req.onDone != nil {
		req.onDone(id)
	}
	e.count(r, outCreated, "", "")
	return nil
}

// definiteFailure tells a 4xx answer (the record was refused and not
// created) from anything that may have left it created.
func definiteFailure(err error) (msg, fix string, ok bool) {
	var ae *clio.APIError
	if errors.Is(err, clio.ErrMaybeCommitted) || !errors.As(err, &ae) {
		return "", "", false
	}
	if ae.Status < 400 || ae.Status >= 500 || ae.Status == http.StatusTooManyRequests ||
		ae.Status == http.StatusUnauthorized || ae.Status == http.StatusRequestTimeout {
		return "", "", false
	}
	msg = ae.Message
	if msg == "" {
		msg = ae.Error()
	}
	if ae.Field != "" && !strings.Contains(msg, ae.Field) {
		msg = ae.Field + ": " + msg
	}
	fix = "correct the record on the Clean screen (or in the old system and export again), then upload again: only this record will be sent"
	if ae.Status == http.StatusForbidden {
		fix = "the Clio app lacks permission for this kind of record: give it the permission in Clio's developer settings, sign in again and upload again"
	}
	return clio.Redact(msg), fix, true
}

// create sends one create request.
func (e *engine) create(ctx context.Context, req *request) (clio.ID, string, error) {
	if req.doc != nil {
		return e.uploadDocument(ctx, req)
	}
	if req.coll == "matters" {
		return e.createMatter(ctx, req)
	}
	var out clio.Record
	if err := e.c.Create(ctx, req.coll, req.body, "id,etag", &out); err != nil {
		return 0, "", err
	}
	return out.ID, out.Etag, nil
}

func (e *engine) uploadDocument(ctx context.Context, req *request) (clio.ID, string, error) {
	in := req.body.(clio.DocumentInput)
	f, err := os.Open(req.doc.path)
	if err != nil {
		return 0, "", &clio.APIError{Status: 400, Message: "the document's file cannot be read: " + err.Error()}
	}
	defer f.Close()
	doc, err := e.c.UploadDocument(ctx, in, f, req.doc.size)
	if err != nil {
		var ue *clio.UploadError
		if errors.As(err, &ue) && ue.Doc != nil && ue.Doc.ID != 0 {
			// The document record exists but its bytes did not arrive: remove the
			// incomplete record so a new attempt does not leave an empty twin.
			if derr := e.c.Delete(context.WithoutCancel(ctx), "documents", ue.Doc.ID); derr != nil && !clio.IsStatus(derr, 404) {
				return 0, "", fmt.Errorf("%w (and the incomplete document %d could not be removed: %v)", err, ue.Doc.ID, derr)
			}
			var ae *clio.APIError
			if errors.As(err, &ae) && ae.Status >= 400 && ae.Status < 500 && ae.Status != 429 {
				return 0, "", err
			}
			return 0, "", &clio.MaybeCommittedError{Method: "POST", URL: "/documents.json", Cause: err}
		}
		return 0, "", err
	}
	return doc.ID, doc.Etag, nil
}
