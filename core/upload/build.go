package upload

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"handover/core/clio"
	"handover/core/model"
	"handover/core/resolve"
	"handover/core/workspace"
)

const fixParent = "upload the parent record first (fix why it was skipped or failed), then upload again"

// build turns a record into its create request. A non-empty skip says why it
// is not sent. A nil request with no skip means the record was settled
// (linked) here.
func (e *engine) build(ctx context.Context, r *workspace.StoredRecord) (req *request, skip, fix string) {
	if probs := e.parentProblems(r); len(probs) > 0 {
		msgs := make([]string, len(probs))
		for i, p := range probs {
			msgs[i] = p.msg
		}
		return nil, strings.Join(msgs, "; "), fixParentRef
	}
	switch d := r.Data.(type) {
	case *model.Contact:
		return e.buildContact(ctx, r, d)
	case *model.Matter:
		return e.buildMatter(ctx, d)
	case *model.Relationship:
		m, s := e.matterID(d.Matter)
		if s != "" {
			return nil, s, fixParent
		}
		c, s := e.contactID(d.Contact)
		if s != "" {
			return nil, s, fixParent
		}
		return &request{coll: "relationships", body: clio.RelationshipInput{Matter: clio.Ref{ID: m}, Contact: clio.Ref{ID: c}, Description: d.Description}}, "", ""
	case *model.Task:
		u, s, fix := e.user(d.Assignee, "assignee")
		if s != "" {
			return nil, s, fix
		}
		in := clio.TaskInput{Name: d.Name, Description: d.Description, Assignee: clio.Ref{ID: u.ID, Type: "User"},
			Priority: d.Priority, Status: d.Status}
		if in.Description == "" {
			in.Description = d.Name // required by Clio
		}
		if d.DueAt != "" {
			in.DueAt = dateTime(d.DueAt, "")
		}
		if !d.Matter.IsZero() {
			m, s := e.matterID(d.Matter)
			if s != "" {
				return nil, s, fixParent
			}
			in.Matter = clio.RefTo(m)
		}
		return &request{coll: "tasks", body: in}, "", ""
	case *model.Note:
		in := clio.NoteInput{Type: d.Type, Subject: d.Subject, Detail: d.Detail, Date: d.Date}
		if resolve.NoteOnContact(d) { // as the check decides it ("contact" too)
			in.Type = "Contact"
			c, s := e.contactID(d.Contact)
			if s != "" {
				return nil, s, fixParent
			}
			in.Contact = clio.RefTo(c)
		} else {
			in.Type = "Matter"
			m, s := e.matterID(d.Matter)
			if s != "" {
				return nil, s, fixParent
			}
			in.Matter = clio.RefTo(m)
		}
		return &request{coll: "notes", body: in}, "", ""
	case *model.CalendarEvent:
		cal, s, fix := e.calendarFor(d.Owner)
		if s != "" {
			return nil, s, fix
		}
		in := clio.CalendarEntryInput{Summary: d.Summary, StartAt: dateTime(d.StartAt, d.TimeZone), EndAt: dateTime(d.EndAt, d.TimeZone),
			CalendarOwner: clio.Ref{ID: cal}, Description: d.Description, Location: d.Location, RecurrenceRule: d.RecurrenceRule,
			SendEmailNotification: clio.Bool(false)}
		if d.AllDay {
			in.AllDay = clio.Bool(true)
		}
		if !d.Matter.IsZero() {
			m, s := e.matterID(d.Matter)
			if s != "" {
				return nil, s, fixParent
			}
			in.Matter = clio.RefTo(m)
		}
		return &request{coll: "calendar_entries", body: in}, "", ""
	case *model.Communication:
		return e.buildCommunication(r.Entity, d)
	case *model.TimeEntry:
		u, s, fix := e.user(d.User, "user")
		if s != "" {
			return nil, s, fix
		}
		typ := d.Type
		if typ == "" {
			typ = "TimeEntry"
		}
		in := clio.ActivityInput{Type: typ, Date: d.Date, Price: clio.Float(dollars(d.Price)), User: clio.RefTo(u.ID), Note: d.Note,
			NonBillable: clio.Bool(d.NonBillable)}
		in.Quantity = clio.Seconds(d.Seconds)
		if typ != "TimeEntry" && d.Seconds <= 0 {
			in.Quantity = clio.Float(1)
		}
		if !d.Matter.IsZero() {
			m, s := e.matterID(d.Matter)
			if s != "" {
				return nil, s, fixParent
			}
			in.Matter = clio.RefTo(m)
		}
		if d.Activity != "" {
			id, err := e.ensureActivityDescription(ctx, d.Activity)
			if err != nil {
				return nil, "activity description " + d.Activity + " could not be created: " + err.Error(), "upload again"
			}
			in.ActivityDescription = clio.RefTo(id)
		}
		return &request{coll: "activities", body: in}, "", ""
	case *model.ARBalance:
		mk := e.ix.matterKey(d.Matter)
		m, s := e.matterID(d.Matter)
		if s != "" {
			return nil, s, fixParent
		}
		ad, err := e.ensureActivityDescription(ctx, BalanceActivity)
		if err != nil {
			return nil, "the activity description for balances could not be created: " + err.Error(), "upload again"
		}
		in := clio.ActivityInput{Type: "TimeEntry", Date: asOf(d.AsOf), Quantity: clio.Seconds(3600), Price: clio.Float(dollars(d.Amount)),
			Matter: clio.RefTo(m), NonBillable: clio.Bool(false), ActivityDescription: clio.RefTo(ad),
			Note: fmt.Sprintf("Balance brought forward from previous software as of %s (%d ledger lines)", asOf(d.AsOf), d.Lines)}
		if mt := e.matter(ctx, mk); mt != nil {
			if u := e.users.user(mt.ResponsibleAttorney); u != nil {
				in.User = clio.RefTo(u.ID)
			}
		}
		return &request{coll: "activities", body: in}, "", ""
	case *model.TrustBalance:
		if e.trustAccount == 0 {
			return nil, e.trustProblem, "create one trust bank account in Clio, then upload again"
		}
		in := clio.BankTransactionInput{Amount: dollars(d.Amount), BankAccount: clio.Ref{ID: e.trustAccount}, Date: asOf(d.AsOf),
			Description: "Trust balance brought forward from previous software as of " + asOf(d.AsOf)}
		if !d.Matter.IsZero() {
			m, s := e.matterID(d.Matter)
			if s != "" {
				return nil, s, fixParent
			}
			in.Matter = clio.RefTo(m)
			if mt := e.matter(ctx, e.ix.matterKey(d.Matter)); mt != nil {
				if c, s := e.contactID(mt.Client); s == "" {
					in.Client = clio.RefTo(c)
				}
			}
		}
		if !d.Contact.IsZero() {
			c, s := e.contactID(d.Contact)
			if s != "" {
				return nil, s, fixParent
			}
			in.Client = clio.RefTo(c)
		}
		return &request{coll: "bank_transactions", body: in}, "", ""
	case *model.Document:
		in := clio.DocumentInput{Name: d.Name, ContentType: d.ContentType, ReceivedAt: dateTime(d.ReceivedAt, "")}
		switch {
		case !d.Matter.IsZero():
			m, s := e.matterID(d.Matter)
			if s != "" {
				return nil, s, fixParent
			}
			in.Parent = clio.Ref{ID: m, Type: "Matter"}
		case !d.Contact.IsZero():
			c, s := e.contactID(d.Contact)
			if s != "" {
				return nil, s, fixParent
			}
			in.Parent = clio.Ref{ID: c, Type: "Contact"}
		default:
			return nil, "the document belongs to no matter or contact", "attach it to a matter or contact on the Clean screen"
		}
		st, err := os.Stat(d.Path)
		if err != nil {
			return nil, "the document's file is missing: " + d.Path, "add the source again so Handover can read the file"
		}
		return &request{coll: "documents", body: in, doc: &docUpload{path: d.Path, size: st.Size()}}, "", ""
	}
	return nil, fmt.Sprintf("Handover cannot upload %s records", r.Entity), ""
}

const fixUser = "match the legacy user to a Clio user on the Upload screen (or in the user map), then upload again"

// fixNoPerson is what to do about a record the old system left without a person.
const fixNoPerson = "say who gets the records your old system left without a person (the default owner) on the Upload screen, or with --default-owner EMAIL, then upload again"

// user is the Clio user for a legacy user, with why not (and what to do)
// when there is none. An empty legacy user (the old system named nobody)
// goes to the default owner; a named one never does.
func (e *engine) user(legacy, what string) (*clio.User, string, string) {
	if strings.TrimSpace(legacy) == "" {
		if e.defaultOwner != nil {
			return e.defaultOwner, "", ""
		}
		return nil, "no " + what + " and no default owner: Clio needs one", fixNoPerson
	}
	u := e.users.user(legacy)
	if u == nil {
		if e.users.isUnassigned(legacy) {
			return nil, fmt.Sprintf("legacy user %q was left unassigned, and Clio needs a person as %s", legacy, what), fixUser
		}
		return nil, fmt.Sprintf("legacy user %q (%s) matches no Clio user", legacy, what), fixUser
	}
	return u, "", ""
}

// calendarFor is the Clio calendar a legacy owner's events go in: the one
// chosen for the owner, else the matched Clio user's own calendar (the
// default owner's for events with no owner).
func (e *engine) calendarFor(owner string) (clio.ID, string, string) {
	if ch := e.calChoice[normUser(owner)]; ch.ID != 0 && strings.TrimSpace(owner) != "" {
		for _, c := range e.calendarList {
			if int64(c.ID) == ch.ID {
				return c.ID, "", ""
			}
		}
		return 0, fmt.Sprintf("the calendar chosen for %q (%s) is no longer in Clio, or Handover may not add events to it", owner, ch.Name),
			"choose another calendar for it on the Upload screen, then upload again"
	}
	u, s, fix := e.user(owner, "calendar owner")
	if s != "" {
		return 0, s, fix
	}
	cal := e.calendars[u.ID]
	if cal == 0 {
		return 0, fmt.Sprintf("Clio user %s has no calendar Handover can see", u.Email),
			"share the user's calendar with the signed-in user as Editor in Clio (or choose another calendar on the Upload screen), then upload again"
	}
	return cal, "", ""
}

const fixParentRef = "correct the reference on the Readiness screen (or in the old system and export again) so it names exactly one record, then upload again"

// parentProblem is a parent reference of a record that does not resolve.
type parentProblem struct {
	field string
	ref   model.Ref
	res   resolve.Result
	msg   string
}

// parentProblems lists the parents of r (resolve.Parents, the list the
// readiness check reports on) that are empty but required, missing, or
// ambiguous. Upload skips a record with any: this is the decision the
// check's orphan and ambiguous-parent findings predict.
func (e *engine) parentProblems(r *workspace.StoredRecord) []parentProblem {
	var out []parentProblem
	for _, p := range resolve.Parents(r.Data) {
		res := e.ix.res.Lookup(p)
		what := "matter"
		if p.Entity == model.Contacts {
			what = "contact"
		}
		var msg string
		switch res.Status {
		case resolve.Found:
			continue
		case resolve.Empty:
			if !p.Required {
				continue
			}
			msg = fmt.Sprintf("no %s: Clio needs one", p.Field)
		case resolve.Missing:
			msg = fmt.Sprintf("%s %q is not in the project", what, p.Ref.Value)
		case resolve.Ambiguous:
			msg = fmt.Sprintf("%s %q matches %d %ss equally well (%s): Handover does not guess which", what, p.Ref.Value,
				len(res.Candidates), what, strings.Join(res.Candidates, ", "))
		}
		out = append(out, parentProblem{field: p.Field, ref: p.Ref, res: res, msg: msg})
	}
	return out
}

// matter loads a matter for the fields a balance takes from it.
func (e *engine) matter(ctx context.Context, key string) *model.Matter {
	if key == "" {
		return nil
	}
	r, err := e.ws.RecordByKey(ctx, model.Matters, key)
	if err != nil || r == nil {
		return nil
	}
	m, _ := r.Data.(*model.Matter)
	return m
}

func (e *engine) matterID(ref model.Ref) (clio.ID, string) {
	k := e.ix.matterKey(ref)
	if k == "" {
		return 0, fmt.Sprintf("matter %q is not in the project", ref.Value)
	}
	id := e.ids[model.Matters][k]
	if id == 0 {
		return 0, e.parentNotSent("matter", model.Matters, k, ref)
	}
	return id, ""
}

func (e *engine) contactID(ref model.Ref) (clio.ID, string) {
	k := e.ix.contactKey(ref)
	if k == "" {
		return 0, fmt.Sprintf("contact %q is not in the project", ref.Value)
	}
	id := e.ids[model.Contacts][k]
	if id == 0 {
		return 0, e.parentNotSent("contact", model.Contacts, k, ref)
	}
	return id, ""
}

// parentNotSent says why a child is not sent: its parent was skipped (and
// why) or failed.
func (e *engine) parentNotSent(what string, ent model.Entity, key string, ref model.Ref) string {
	name := strings.TrimSpace(ref.Value)
	if why, ok := e.notSent[string(ent)+"/"+key]; ok {
		return fmt.Sprintf("parent %s: %s %s %s", why.outcome, what, why.name, why.reason)
	}
	return fmt.Sprintf("parent not uploaded: %s %s was skipped or failed", what, name)
}

func (e *engine) buildContact(ctx context.Context, r *workspace.StoredRecord, d *model.Contact) (*request, string, string) {
	in := clio.ContactInput{Type: d.Type, DateOfBirth: d.DateOfBirth, Title: d.Title}
	if d.Type == "Company" {
		in.Name = d.Name
	} else {
		in.Type = "Person"
		in.Prefix, in.FirstName, in.MiddleName, in.LastName = d.Prefix, d.FirstName, d.MiddleName, d.LastName
		if !d.Company.IsZero() {
			if id, s := e.contactID(d.Company); s == "" {
				in.Company = clio.RefTo(id)
			}
		}
	}
	for _, em := range d.Emails {
		if strings.TrimSpace(em.Address) == "" {
			continue
		}
		x := clio.EmailAddressInput{Name: label(em.Name, "Work", "Home", "Other"), Address: strings.TrimSpace(em.Address)}
		if em.Default {
			x.DefaultEmail = clio.Bool(true)
		}
		in.EmailAddresses = append(in.EmailAddresses, x)
	}
	for _, p := range d.Phones {
		if strings.TrimSpace(p.Number) == "" {
			continue
		}
		x := clio.PhoneNumberInput{Name: label(p.Name, "Work", "Home", "Mobile", "Fax", "Pager", "Skype", "Other"), Number: strings.TrimSpace(p.Number)}
		if p.Default {
			x.DefaultNumber = clio.Bool(true)
		}
		in.PhoneNumbers = append(in.PhoneNumbers, x)
	}
	for _, a := range d.Addresses {
		in.Addresses = append(in.Addresses, clio.AddressInput{Name: label(a.Name, "Work", "Home", "Billing", "Other"),
			Street: a.Street, City: a.City, Province: a.Province, PostalCode: a.PostalCode, Country: a.Country})
	}
	for _, w := range d.WebSites {
		if strings.TrimSpace(w) != "" {
			in.WebSites = append(in.WebSites, clio.WebSiteInput{Name: "Work", Address: strings.TrimSpace(w)})
		}
	}
	cfv, err := e.customFieldValues(ctx, "Contact", d.CustomFields)
	if err != nil {
		return nil, err.Error(), "upload again"
	}
	in.CustomFieldValues = cfv
	return &request{coll: "contacts", body: in}, "", ""
}

func (e *engine) buildMatter(ctx context.Context, d *model.Matter) (*request, string, string) {
	c, s := e.contactID(d.Client)
	if s != "" {
		return nil, s, fixParent
	}
	in := clio.MatterInput{Client: clio.Ref{ID: c}, Description: d.Description, Status: strings.ToLower(d.Status),
		OpenDate: d.OpenDate, CloseDate: d.CloseDate, PendingDate: d.PendingDate, Billable: d.Billable, Location: d.Location}
	// The legacy number always survives in client_reference; display_number
	// is sent too while the account accepts it (manual numbering).
	in.ClientReference = d.ClientReference
	if d.DisplayNumber != "" {
		if in.ClientReference == "" {
			in.ClientReference = d.DisplayNumber
		} else if !strings.Contains(in.ClientReference, d.DisplayNumber) {
			in.ClientReference = d.ClientReference + " (legacy no. " + d.DisplayNumber + ")"
		}
		if e.numbering >= 0 {
			in.DisplayNumber = d.DisplayNumber
		}
	}
	if d.ResponsibleAttorney != "" && !e.users.isUnassigned(d.ResponsibleAttorney) {
		u, s, fix := e.user(d.ResponsibleAttorney, "responsible attorney")
		if s != "" {
			return nil, s, fix
		}
		in.ResponsibleAttorney = clio.RefTo(u.ID)
	}
	if d.OriginatingAttorney != "" && !e.users.isUnassigned(d.OriginatingAttorney) {
		u, s, fix := e.user(d.OriginatingAttorney, "originating attorney")
		if s != "" {
			return nil, s, fix
		}
		in.OriginatingAttorney = clio.RefTo(u.ID)
	}
	if d.PracticeArea != "" {
		id, err := e.ensurePracticeArea(ctx, d.PracticeArea)
		if err != nil {
			return nil, "practice area " + d.PracticeArea + " could not be created: " + err.Error(), "upload again"
		}
		in.PracticeArea = clio.RefTo(id)
	}
	cfv, err := e.customFieldValues(ctx, "Matter", d.CustomFields)
	if err != nil {
		return nil, err.Error(), "upload again"
	}
	in.CustomFieldValues = cfv
	return &request{coll: "matters", body: in}, "", ""
}

func (e *engine) buildCommunication(ent model.Entity, d *model.Communication) (*request, string, string) {
	in := clio.CommunicationInput{Type: "EmailCommunication", Subject: d.Subject, Body: d.Body, ReceivedAt: dateTime(d.ReceivedAt, "")}
	if in.Subject == "" {
		in.Subject = "(no subject)"
	}
	if strings.TrimSpace(in.Body) == "" {
		in.Body = in.Subject
	}
	party := func(addr string) *clio.Ref {
		if u := e.users.byEmail(addr); u != nil {
			return &clio.Ref{ID: u.ID, Type: "User"}
		}
		if k := e.ix.contactKey(model.Ref{Kind: "email", Value: addr}); k != "" && resolve.Email(addr) != "" {
			if id := e.ids[model.Contacts][k]; id != 0 {
				return &clio.Ref{ID: id, Type: "Contact"}
			}
		}
		return nil
	}
	if ent == model.PhoneLogs {
		in.Type = "PhoneCommunication"
		if !d.Contact.IsZero() {
			if c, s := e.contactID(d.Contact); s == "" {
				in.Senders = append(in.Senders, clio.Ref{ID: c, Type: "Contact"})
			}
		}
		if d.User != "" && !e.users.isUnassigned(d.User) {
			u, s, fix := e.user(d.User, "user")
			if s != "" {
				return nil, s, fix
			}
			in.Receivers = append(in.Receivers, clio.Ref{ID: u.ID, Type: "User"})
		}
	} else {
		if p := party(d.From); p != nil {
			in.Senders = append(in.Senders, *p)
		}
		for _, t := range d.To {
			if p := party(t); p != nil {
				in.Receivers = append(in.Receivers, *p)
			}
		}
		if !d.Contact.IsZero() && len(in.Senders)+len(in.Receivers) == 0 {
			if c, s := e.contactID(d.Contact); s == "" {
				in.Receivers = append(in.Receivers, clio.Ref{ID: c, Type: "Contact"})
			}
		}
	}
	if !d.Matter.IsZero() {
		m, s := e.matterID(d.Matter)
		if s != "" {
			return nil, s, fixParent
		}
		in.Matter = clio.RefTo(m)
	}
	return &request{coll: "communications", body: in}, "", ""
}

func label(v string, allowed ...string) string {
	for _, a := range allowed {
		if strings.EqualFold(v, a) {
			return a
		}
	}
	return "Other"
}

func asOf(s string) string {
	if s == "" {
		return time.Now().Format("2006-01-02")
	}
	return s
}

// dateTime gives Clio an ISO date-time: dates become local midnight, times
// without a zone are read in zone (IANA) or this computer's zone.
func dateTime(s, zone string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.Format(time.RFC3339)
	}
	loc := time.Local
	if zone != "" {
		if l, err := time.LoadLocation(zone); err == nil {
			loc = l
		}
	}
	for _, f := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(f, s, loc); err == nil {
			return t.Format(time.RFC3339)
		}
	}
	return s
}

// ---- things the import creates once ----

func (e *engine) ensurePracticeArea(ctx context.Context, name string) (clio.ID, error) {
	return e.ensureSetup(ctx, setupPracticeArea, name, e.practiceAreas, func() (clio.ID, string, error) {
		p, err := e.c.CreatePracticeArea(ctx, clio.PracticeAreaInput{Name: strings.TrimSpace(name)})
		if err != nil {
			return 0, "", err
		}
		return p.ID, p.Etag, nil
	}, func() (map[string]clio.ID, error) {
		pas, err := e.c.PracticeAreas(ctx)
		m := map[string]clio.ID{}
		for _, p := range pas {
			m[strings.ToLower(strings.TrimSpace(p.Name))] = p.ID
		}
		return m, err
	})
}

func (e *engine) ensureActivityDescription(ctx context.Context, name string) (clio.ID, error) {
	return e.ensureSetup(ctx, setupActivityDesc, name, e.activityDescs, func() (clio.ID, string, error) {
		a, err := e.c.CreateActivityDescription(ctx, clio.ActivityDescriptionInput{Name: strings.TrimSpace(name)})
		if err != nil {
			return 0, "", err
		}
		return a.ID, a.Etag, nil
	}, func() (map[string]clio.ID, error) {
		ads, err := e.c.ActivityDescriptions(ctx)
		m := map[string]clio.ID{}
		for _, a := range ads {
			m[strings.ToLower(strings.TrimSpace(a.Name))] = a.ID
		}
		return m, err
	})
}

// ensureSetup finds a named record or creates it once, with the same journal
// protocol as records (the lookup is by name, made again before every create).
func (e *engine) ensureSetup(ctx context.Context, kind, name string, have map[string]clio.ID, create func() (clio.ID, string, error), relist func() (map[string]clio.ID, error)) (clio.ID, error) {
	k := strings.ToLower(strings.TrimSpace(name))
	if id := have[k]; id != 0 {
		return id, nil
	}
	if e.dry {
		e.dryReqs += 2 // the look-up made right before the create, and the create
		e.dryID--
		have[k] = e.dryID
		e.plan.Setup = append(e.plan.Setup, fmt.Sprintf("create %s %q", strings.TrimPrefix(kind, "setup:"), name))
		return e.dryID, nil
	}
	for attempt := 0; attempt < maxAttempts; attempt++ {
		// Look again right before creating, not only at the start: another
		// Handover (a second account, a lost lease) may have made it since.
		// Setup objects are few, so the extra read costs little.
		{
			m, err := relist()
			if err != nil {
				return 0, err
			}
			if id := m[k]; id != 0 {
				have[k] = id
				return id, e.j.set(ctx, kind, k, StateCreated, id.String(), "", "")
			}
		}
		if _, err := e.j.sending(ctx, kind, k); err != nil {
			return 0, err
		}
		id, etag, err := create()
		if err == nil {
			have[k] = id
			e.own(collectionOf(kind, k), id)
			return id, e.j.set(ctx, kind, k, StateCreated, id.String(), etag, "")
		}
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		if msg, _, definite := definiteFailure(err); definite {
			return 0, fmt.Errorf("%s", msg)
		}
	}
	return 0, fmt.Errorf("Clio did not answer")
}

func dollars(c model.Cents) float64 { return float64(c) / 100 }

func cfKey(parent, name string) string {
	return strings.ToLower(parent) + "/" + strings.ToLower(strings.TrimSpace(name))
}

// customFieldValues turns a record's legacy custom fields into Clio custom
// field values, creating a text field (once) for each name Clio lacks.
// Names longer than Clio's 32 characters are shortened.
func (e *engine) customFieldValues(ctx context.Context, parent string, fields map[string]string) ([]clio.CustomFieldValueInput, error) {
	names := make([]string, 0, len(fields))
	for n, v := range fields {
		if strings.TrimSpace(n) != "" && strings.TrimSpace(v) != "" {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	var out []clio.CustomFieldValueInput
	for _, n := range names {
		name := strings.TrimSpace(n)
		if r := []rune(name); len(r) > 32 {
			name = string(r[:32])
		}
		id, err := e.ensureSetup(ctx, setupCustomField, parent+"/"+name, e.customFieldsByKey(), func() (clio.ID, string, error) {
			cf, err := e.c.CreateCustomField(ctx, clio.CustomFieldInput{Name: name, ParentType: parent, FieldType: "text_line"})
			if err != nil {
				return 0, "", err
			}
			return cf.ID, cf.Etag, nil
		}, func() (map[string]clio.ID, error) {
			cfs, err := e.c.CustomFields(ctx, "")
			m := map[string]clio.ID{}
			for _, cf := range cfs {
				m[cfKey(cf.ParentType, cf.Name)] = cf.ID
			}
			return m, err
		})
		if err != nil {
			return nil, fmt.Errorf("custom field %q could not be created: %v", name, err)
		}
		out = append(out, clio.CustomFieldValueInput{CustomField: clio.RefTo(id), Value: strings.TrimSpace(fields[n])})
	}
	return out, nil
}

func (e *engine) customFieldsByKey() map[string]clio.ID { return e.customFields }
