package upload

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"handover/core/clio"
	"handover/core/model"
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

type clioContact struct {
	id     clio.ID
	etag   string
	name   string
	phones []string
}

type contactHit struct {
	id   clio.ID
	etag string
	name string
	by   string
}

// clioContacts indexes the contacts that were in Clio before this import
// (contacts this import created are left out, so a resumed run links exactly
// what a fresh run would).
type clioContacts struct {
	byEmail map[string][]*clioContact
	byName  map[string][]*clioContact
}

func loadClioContacts(ctx context.Context, c *clio.Client, own map[clio.ID]bool) (*clioContacts, error) {
	cc := &clioContacts{byEmail: map[string][]*clioContact{}, byName: map[string][]*clioContact{}}
	q := url.Values{"fields": {"id,etag,type,name,first_name,last_name,email_addresses{address},phone_numbers{number}"}}
	err := listMaps(ctx, c, "/contacts.json", q, func(m map[string]any) {
		id := idOf(m["id"])
		if own[id] {
			return
		}
		x := &clioContact{id: id, etag: str(m["etag"])}
		if str(m["type"]) == "Company" {
			x.name = str(m["name"])
		} else {
			x.name = strings.TrimSpace(str(m["first_name"]) + " " + str(m["last_name"]))
			if x.name == "" {
				x.name = str(m["name"])
			}
		}
		for _, p := range asList(m["phone_numbers"]) {
			if n := normPhone(str(p["number"])); n != "" {
				x.phones = append(x.phones, n)
			}
		}
		for _, em := range asList(m["email_addresses"]) {
			if a := normEmail(str(em["address"])); a != "" {
				cc.byEmail[a] = append(cc.byEmail[a], x)
			}
		}
		if n := normName(x.name); n != "" {
			cc.byName[n] = append(cc.byName[n], x)
		}
	})
	return cc, err
}

// match finds the Clio contact a project contact already is: by e-mail, then
// by exact (normalised) name, with a phone in common when both have phones.
func (cc *clioContacts) match(d *model.Contact, own map[clio.ID]bool) *contactHit {
	for _, em := range d.Emails {
		for _, x := range cc.byEmail[normEmail(em.Address)] {
			if own[x.id] {
				continue
			}
			return &contactHit{id: x.id, etag: x.etag, name: x.name, by: "e-mail " + normEmail(em.Address)}
		}
	}
	n := normName(contactName(d))
	if n == "" {
		return nil
	}
	var mine []string
	for _, p := range d.Phones {
		if x := normPhone(p.Number); x != "" {
			mine = append(mine, x)
		}
	}
	for _, x := range cc.byName[n] {
		if own[x.id] {
			continue
		}
		if len(mine) == 0 || len(x.phones) == 0 {
			return &contactHit{id: x.id, etag: x.etag, name: x.name, by: "name"}
		}
		for _, a := range mine {
			for _, b := range x.phones {
				if a == b {
					return &contactHit{id: x.id, etag: x.etag, name: x.name, by: "name and phone"}
				}
			}
		}
	}
	return nil
}
