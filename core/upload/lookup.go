package upload

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"handover/core/clio"
	"handover/core/model"
	"handover/core/resolve"
	"handover/core/workspace"
)

// listMaps walks an index endpoint and calls fn with each item as a map.
func listMaps(ctx context.Context, c *clio.Client, path string, q url.Values, fn func(m map[string]any)) error {
	return c.List(ctx, path, q, func(data json.RawMessage) error {
		var items []map[string]any
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if err := dec.Decode(&items); err != nil {
			return err
		}
		for _, m := range items {
			fn(m)
		}
		return nil
	})
}

func str(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

func num(v any) float64 {
	f, _ := strconv.ParseFloat(str(v), 64)
	return f
}

// idOf reads an id, or the id of a nested {id: …}.
func idOf(v any) clio.ID {
	if m, ok := v.(map[string]any); ok {
		v = m["id"]
	}
	n, _ := strconv.ParseInt(str(v), 10, 64)
	return clio.ID(n)
}

func sameInstant(a, b string) bool {
	ta, err1 := time.Parse(time.RFC3339, a)
	tb, err2 := time.Parse(time.RFC3339, b)
	if err1 != nil || err2 != nil {
		return strings.TrimSpace(a) == strings.TrimSpace(b)
	}
	return ta.Equal(tb)
}

func sameDate(a, b string) bool {
	if len(a) >= 10 && len(b) >= 10 {
		return a[:10] == b[:10]
	}
	return a == b
}

func sameText(a, b string) bool {
	return strings.TrimSpace(strings.ReplaceAll(a, "\r\n", "\n")) == strings.TrimSpace(strings.ReplaceAll(b, "\r\n", "\n"))
}

func idStr(id clio.ID) string { return strconv.FormatInt(int64(id), 10) }

// lookup searches Clio for the record req would create, created since
// attempt (minus LookupMargin) and not already owned by this import.
func (e *engine) lookup(ctx context.Context, req *request, attempt time.Time) (clio.ID, string, bool, error) {
	q := url.Values{}
	if attempt.IsZero() {
		attempt = time.Now().Add(-24 * time.Hour)
	}
	q = clio.CreatedSince(attempt.Add(-LookupMargin).UTC().Truncate(time.Second), q)
	var path, fields string
	var match func(m map[string]any) bool
	switch in := req.body.(type) {
	case clio.ContactInput:
		fields = "id,etag,type,name,first_name,last_name,email_addresses{address}"
		term := in.LastName
		if in.Type == "Company" || term == "" {
			term = in.Name
		}
		if term == "" {
			term = in.FirstName
		}
		if len(in.EmailAddresses) > 0 {
			term = in.EmailAddresses[0].Address
		}
		q.Set("query", term)
		q.Set("type", in.Type)
		path = "/contacts.json"
		match = func(m map[string]any) bool {
			if str(m["type"]) != in.Type {
				return false
			}
			if in.Type == "Company" {
				if !sameText(str(m["name"]), in.Name) {
					return false
				}
			} else if !sameText(str(m["first_name"]), in.FirstName) || !sameText(str(m["last_name"]), in.LastName) {
				return false
			}
			if len(in.EmailAddresses) == 0 {
				return true
			}
			for _, x := range asList(m["email_addresses"]) {
				if normEmail(str(x["address"])) == normEmail(in.EmailAddresses[0].Address) {
					return true
				}
			}
			return false
		}
	case clio.MatterInput:
		path, fields = "/matters.json", "id,etag,description,client{id}"
		q.Set("client_id", idStr(in.Client.ID))
		match = func(m map[string]any) bool {
			return idOf(m["client"]) == in.Client.ID && sameText(str(m["description"]), in.Description)
		}
	case clio.RelationshipInput:
		path, fields = "/relationships.json", "id,etag,description,contact{id},matter{id}"
		q.Set("matter_id", idStr(in.Matter.ID))
		match = func(m map[string]any) bool {
			return idOf(m["contact"]) == in.Contact.ID && sameText(str(m["description"]), in.Description)
		}
	case clio.TaskInput:
		path, fields = "/tasks.json", "id,etag,name,description"
		if in.Matter != nil {
			q.Set("matter_id", idStr(in.Matter.ID))
		} else {
			q.Set("assignee_id", idStr(in.Assignee.ID))
		}
		match = func(m map[string]any) bool {
			return sameText(str(m["name"]), in.Name) && sameText(str(m["description"]), in.Description)
		}
	case clio.NoteInput:
		path, fields = "/notes.json", "id,etag,subject,detail"
		q.Set("type", in.Type)
		if in.Matter != nil {
			q.Set("matter_id", idStr(in.Matter.ID))
		} else if in.Contact != nil {
			q.Set("contact_id", idStr(in.Contact.ID))
		}
		match = func(m map[string]any) bool {
			return sameText(str(m["subject"]), in.Subject) && sameText(str(m["detail"]), in.Detail)
		}
	case clio.CalendarEntryInput:
		path, fields = "/calendar_entries.json", "id,etag,summary,start_at"
		q.Set("calendar_id", idStr(in.CalendarOwner.ID))
		match = func(m map[string]any) bool {
			return sameText(str(m["summary"]), in.Summary) && sameInstant(str(m["start_at"]), in.StartAt)
		}
	case clio.CommunicationInput:
		path, fields = "/communications.json", "id,etag,type,subject,received_at"
		if in.Matter != nil {
			q.Set("matter_id", idStr(in.Matter.ID))
		}
		q.Set("type", in.Type)
		match = func(m map[string]any) bool {
			return str(m["type"]) == in.Type && sameText(str(m["subject"]), in.Subject) && sameInstant(str(m["received_at"]), in.ReceivedAt)
		}
	case clio.ActivityInput:
		path, fields = "/activities.json", "id,etag,type,date,quantity,price,note"
		if in.Matter != nil {
			q.Set("matter_id", idStr(in.Matter.ID))
		}
		q.Set("type", in.Type)
		match = func(m map[string]any) bool {
			return str(m["type"]) == in.Type && sameDate(str(m["date"]), in.Date) && near(num(m["quantity"]), deref(in.Quantity)) &&
				near(num(m["price"]), deref(in.Price)) && sameText(str(m["note"]), in.Note)
		}
	case clio.BankTransactionInput:
		path, fields = "/bank_transactions.json", "id,etag,amount,date,description"
		q.Set("bank_account_id", idStr(in.BankAccount.ID))
		match = func(m map[string]any) bool {
			return near(num(m["amount"]), in.Amount) && sameDate(str(m["date"]), in.Date) && sameText(str(m["description"]), in.Description)
		}
	case clio.DocumentInput:
		path, fields = "/documents.json", "id,etag,name,latest_document_version{fully_uploaded}"
		q.Set("parent_id", idStr(in.Parent.ID))
		match = func(m map[string]any) bool { return sameText(str(m["name"]), in.Name) }
	default:
		return 0, "", false, fmt.Errorf("no lookup for %T", req.body)
	}
	q.Set("fields", fields)
	var found []map[string]any
	err := listMaps(ctx, e.c, path, q, func(m map[string]any) {
		if id := idOf(m["id"]); id != 0 && !e.known[req.coll][id] && match(m) {
			found = append(found, m)
		}
	})
	if err != nil || len(found) == 0 {
		return 0, "", false, err
	}
	m := found[0] // the oldest (order=id(asc)); this record was sent one at a time
	id := idOf(m["id"])
	if req.doc != nil {
		if v, ok := m["latest_document_version"].(map[string]any); !ok || v["fully_uploaded"] != true {
			// Created, but its bytes never arrived: remove it and send again.
			if err := e.c.Delete(ctx, "documents", id); err != nil && !clio.IsStatus(err, 404) {
				return 0, "", false, err
			}
			return 0, "", false, nil
		}
	}
	return id, str(m["etag"]), true, nil
}

func asList(v any) []map[string]any {
	xs, _ := v.([]any)
	var out []map[string]any
	for _, x := range xs {
		if m, ok := x.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

func deref(f *float64) float64 {
	if f == nil {
		return 0
	}
	return *f
}

func near(a, b float64) bool { return math.Abs(a-b) < 0.005 }

// ---- contacts already in Clio ----

// clioContact is a contact that was in Clio before this import, with its
// name as the resolver reads a project contact's.
type clioContact struct {
	id      clio.ID
	etag    string
	name    string        // as Clio shows it
	company bool          // a Company (else a Person): a person is never linked to a company
	names   model.Contact // type and name fields only, for the resolver
	phones  []string      // resolve.Phone of each
	gone    bool          // created by this import after all (settled on resume): never "already in Clio"
}

type contactHit struct {
	id   clio.ID
	etag string
	name string
	by   string
}

// contactTwins are two or more Clio contacts equally good for one project
// contact: the upload links neither and creates nothing.
type contactTwins struct {
	by       string // what they share: "e-mail x@y", "name"
	contacts []*clioContact
}

// clioContacts indexes the contacts that were in Clio before this import
// (contacts this import created are left out, so a resumed run links exactly
// what a fresh run would). Names go through core/resolve, built over Clio's
// contacts as the check builds it over the project's, so "Dr. José
// García-López Jr." finds Clio's "Jose Garcia-Lopez" here exactly when a
// reference so written would find that contact inside the project.
type clioContacts struct {
	byID    map[clio.ID]*clioContact
	byEmail map[string][]*clioContact // resolve.Email → contacts
	// people and companies resolve names apart; nil until the first match
	// after a contact was forgotten, then built again
	people, companies *resolve.Resolver
}

func newClioContacts() *clioContacts {
	return &clioContacts{byID: map[clio.ID]*clioContact{}, byEmail: map[string][]*clioContact{}}
}

// clioContactFields are the fields add reads.
const clioContactFields = "id,etag,type,name,prefix,first_name,middle_name,last_name,email_addresses{address},phone_numbers{number}"

func loadClioContacts(ctx context.Context, c *clio.Client, own map[clio.ID]bool) (*clioContacts, error) {
	cc := newClioContacts()
	q := url.Values{"fields": {clioContactFields}}
	err := listMaps(ctx, c, "/contacts.json", q, func(m map[string]any) {
		if !own[idOf(m["id"])] {
			cc.add(m)
		}
	})
	return cc, err
}

// add indexes one contact as Clio lists it.
func (cc *clioContacts) add(m map[string]any) {
	x := &clioContact{id: idOf(m["id"]), etag: str(m["etag"]), company: str(m["type"]) == "Company"}
	if x.id == 0 || cc.byID[x.id] != nil {
		return
	}
	x.names = model.Contact{Type: "Person", FirstName: str(m["first_name"]), MiddleName: str(m["middle_name"]), LastName: str(m["last_name"])}
	x.name = strings.Join(strings.Fields(x.names.FirstName+" "+x.names.MiddleName+" "+x.names.LastName), " ")
	if x.company || x.name == "" {
		// a project's person has a Name only when first and last are
		// unknown; a company only has its Name
		x.names.FirstName, x.names.MiddleName, x.names.LastName = "", "", ""
		x.names.Name, x.name = str(m["name"]), str(m["name"])
	}
	if x.company {
		x.names.Type = "Company"
	}
	for _, p := range asList(m["phone_numbers"]) {
		if n := resolve.Phone(str(p["number"])); n != "" {
			x.phones = append(x.phones, n)
		}
	}
	for _, em := range asList(m["email_addresses"]) {
		if a := resolve.Email(str(em["address"])); a != "" {
			cc.byEmail[a] = append(cc.byEmail[a], x)
		}
	}
	cc.byID[x.id] = x
	cc.people, cc.companies = nil, nil
}

// forget drops a contact this import turns out to have created (a resumed
// run settled a contact left `sending`): it is the import's own, not the
// firm's.
func (cc *clioContacts) forget(id clio.ID) {
	if x := cc.byID[id]; x != nil && !x.gone {
		x.gone = true
		cc.people, cc.companies = nil, nil
	}
}

// names returns the resolver over Clio's people or companies, building it
// when contacts were added or forgotten since.
func (cc *clioContacts) names(company bool) *resolve.Resolver {
	if cc.people == nil {
		cc.people, cc.companies = resolve.New(), resolve.New()
		for id, x := range cc.byID {
			if x.gone {
				continue
			}
			r := cc.people
			if x.company {
				r = cc.companies
			}
			r.Add(workspace.StoredRecord{Record: model.Record{Entity: model.Contacts, Key: clioKey(id), Data: &x.names}})
		}
	}
	if company {
		return cc.companies
	}
	return cc.people
}

// clioKey is a Clio contact's key in the resolver: the NUL keeps the
// resolver's key and legacy-id forms from ever equalling a name.
func clioKey(id clio.ID) string { return "clio\x00" + idStr(id) }

func (cc *clioContacts) byKey(k string) *clioContact {
	id, _ := strconv.ParseInt(strings.TrimPrefix(k, "clio\x00"), 10, 64)
	return cc.byID[clio.ID(id)]
}

// nameRef writes a project contact's name as a legacy reference would, the
// surname first when it is known, so the resolver is told which word is the
// surname instead of trying both ends.
func nameRef(d *model.Contact) string {
	if d.Type == "Company" {
		return d.Name
	}
	given := strings.TrimSpace(d.FirstName + " " + d.MiddleName)
	switch last := strings.TrimSpace(d.LastName); {
	case last != "" && given != "":
		return last + ", " + given
	case last != "" || given != "":
		return strings.TrimSpace(given + " " + last)
	}
	return d.Name
}

// match finds the Clio contact a project contact already is, of the same
// type: by e-mail, else by name as core/resolve folds it (titles, suffixes,
// accents, company forms, word order, middle initials) with a phone in
// common when both have phones. Two Clio contacts equally good for it come
// back as twins, never as a guess; nil and nil means it is not in Clio.
func (cc *clioContacts) match(d *model.Contact) (*contactHit, *contactTwins) {
	company := d.Type == "Company"
	named := cc.named(d, company)
	var byEmail []*clioContact
	var addr string
	for _, em := range d.Emails {
		a := resolve.Email(em.Address)
		for _, x := range cc.byEmail[a] {
			if !x.gone && x.company == company && !slices.Contains(byEmail, x) {
				byEmail = append(byEmail, x)
				if addr == "" {
					addr = a
				}
			}
		}
	}
	switch {
	case len(byEmail) == 1:
		return byEmail[0].hit("e-mail " + addr), nil
	case len(byEmail) > 1:
		// a shared address (a couple, a family): the name tells which
		var both []*clioContact
		for _, x := range byEmail {
			if slices.Contains(named, x) {
				both = append(both, x)
			}
		}
		if len(both) == 1 {
			return both[0].hit("e-mail " + addr + " and name"), nil
		}
		return nil, &contactTwins{by: "e-mail " + addr, contacts: byEmail}
	}
	if len(named) == 0 {
		return nil, nil
	}
	// A phone on both sides that differs says they are different people;
	// one in common settles which of equally named contacts it is.
	var mine []string
	for _, p := range d.Phones {
		if n := resolve.Phone(p.Number); n != "" {
			mine = append(mine, n)
		}
	}
	var samePhone, noPhone []*clioContact
	for _, x := range named {
		switch {
		case len(mine) == 0 || len(x.phones) == 0:
			noPhone = append(noPhone, x)
		case slices.ContainsFunc(x.phones, func(p string) bool { return slices.Contains(mine, p) }):
			samePhone = append(samePhone, x)
		}
	}
	switch {
	case len(samePhone) == 1:
		return samePhone[0].hit("name and phone"), nil
	case len(samePhone) > 1:
		return nil, &contactTwins{by: "name and phone", contacts: samePhone}
	case len(noPhone) == 1:
		return noPhone[0].hit("name"), nil
	case len(noPhone) > 1:
		return nil, &contactTwins{by: "name", contacts: noPhone}
	}
	return nil, nil
}

// named is the Clio contacts the resolver finds for d's name: one, the
// equally good candidates, or none.
func (cc *clioContacts) named(d *model.Contact, company bool) []*clioContact {
	res := cc.names(company).Contact(model.Ref{Kind: "name", Value: nameRef(d)})
	keys := res.Candidates
	if res.Status == resolve.Found {
		keys = []string{res.Key}
	}
	var out []*clioContact
	for _, k := range keys {
		if x := cc.byKey(k); x != nil {
			out = append(out, x)
		}
	}
	return out
}

func (x *clioContact) hit(by string) *contactHit {
	return &contactHit{id: x.id, etag: x.etag, name: x.name, by: by}
}

// describe names the twins for the person who settles them in Clio.
func (t *contactTwins) describe() string {
	var parts []string
	for _, x := range t.contacts {
		parts = append(parts, fmt.Sprintf("%q (id %d)", x.name, x.id))
	}
	slices.Sort(parts)
	return strings.Join(parts, ", ")
}
