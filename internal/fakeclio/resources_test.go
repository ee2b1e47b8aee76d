package fakeclio

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

func TestContactValidation(t *testing.T) {
	c := start(t, Options{})
	r := c.must(422, "POST", "/contacts.json", data(map[string]any{"type": "Person", "title": "Dr"}))
	if !strings.Contains(r.errMsg(), "At least one of first name or last name must be provided") {
		t.Fatalf("person without names: %s", r.errMsg())
	}
	c.must(422, "POST", "/contacts.json", data(map[string]any{"type": "Company"}))
	c.must(422, "POST", "/contacts.json", data(map[string]any{"type": "Robot", "name": "R2"}))
	c.must(422, "POST", "/contacts", data(map[string]any{"type": "Person", "last_name": "Ng",
		"email_addresses": []any{map[string]any{"name": "Mobile", "address": "x@y.z"}}}))
	c.must(422, "POST", "/contacts", data(map[string]any{"type": "Person", "last_name": "Ng",
		"addresses": []any{map[string]any{"name": "Mobile", "city": "Albany"}}}))

	co := c.must(201, "POST", "/contacts.json?fields=id,name,type", data(map[string]any{"type": "Company", "name": "Acme LLP"}))
	acme := idOf(co.data()["id"])
	p := c.must(201, "POST", "/contacts.json?fields=id,name,first_name,initials,primary_email_address,email_addresses{id,name,address},phone_numbers,company{id,name}",
		data(map[string]any{"type": "Person", "first_name": "Ada", "last_name": "Lovelace", "company": map[string]any{"id": acme},
			"email_addresses": []any{map[string]any{"name": "Work", "address": "ada@acme.example", "default_email": true}},
			"phone_numbers":   []any{map[string]any{"name": "Mobile", "number": "555-0100"}}}))
	d := p.data()
	if d["name"] != "Ada Lovelace" || d["initials"] != "AL" || d["primary_email_address"] != "ada@acme.example" {
		t.Fatalf("person: %v", d)
	}
	if comp := d["company"].(map[string]any); comp["name"] != "Acme LLP" {
		t.Fatalf("nested company: %v", comp)
	}
	email := d["email_addresses"].([]any)[0].(map[string]any)
	if email["name"] != "Work" || email["id"] == nil || email["primary"] != nil {
		t.Fatalf("email: %v", email)
	}
	pid := idOf(d["id"])
	// Person's company must be a Company.
	c.must(422, "POST", "/contacts", data(map[string]any{"type": "Person", "first_name": "X", "company": map[string]any{"id": pid}}))
	// Nested update: change by id, destroy, add.
	c.must(200, "PATCH", fmt.Sprintf("/contacts/%d.json", pid), data(map[string]any{"email_addresses": []any{
		map[string]any{"id": email["id"], "_destroy": true},
		map[string]any{"name": "Home", "address": "ada@home.example"}}}))
	got := c.must(200, "GET", fmt.Sprintf("/contacts/%d?fields=email_addresses{address,primary}", pid), nil).data()["email_addresses"].([]any)
	if len(got) != 1 || got[0].(map[string]any)["address"] != "ada@home.example" || got[0].(map[string]any)["primary"] != true {
		t.Fatalf("after nested patch: %v", got)
	}
	// query matches names and emails.
	if l := c.must(200, "GET", "/contacts.json?query=home.example", nil).list(); len(l) != 1 || idOf(l[0]["id"]) != pid {
		t.Fatalf("query by email: %v", l)
	}
	if l := c.must(200, "GET", "/contacts.json?type=Company&fields=id,name", nil).list(); len(l) != 1 || l[0]["name"] != "Acme LLP" {
		t.Fatalf("type filter: %v", l)
	}
}

func TestMatterValidationAndNumbering(t *testing.T) {
	c := start(t, Options{})
	client := c.person("Grace", "Hopper")
	users := c.s.Users()
	c.must(422, "POST", "/matters.json", data(map[string]any{"description": "No client"}))
	c.must(422, "POST", "/matters.json", data(map[string]any{"client": map[string]any{"id": client}}))
	r := c.must(422, "POST", "/matters.json", data(map[string]any{"client": map[string]any{"id": client}, "description": "x", "status": "Open"}))
	if !strings.Contains(r.errMsg(), "Status") {
		t.Fatalf("capitalised status: %s", r.errMsg())
	}
	c.must(422, "POST", "/matters.json", data(map[string]any{"client": map[string]any{"id": client}, "description": "x", "display_number": "LEG-1"}))
	c.must(422, "POST", "/matters.json", data(map[string]any{"client": map[string]any{"id": client}, "description": "x", "responsible_attorney": map[string]any{"id": client}}))
	c.must(422, "POST", "/matters.json", data(map[string]any{"client": map[string]any{"id": 42}, "description": "x"}))
	m := c.must(201, "POST", "/matters.json?fields=id,display_number,status,client{id,name},responsible_attorney{id,name}", data(map[string]any{
		"client": map[string]any{"id": client}, "description": "Hopper estate", "status": "pending",
		"responsible_attorney": map[string]any{"id": users[1].ID}})).data()
	if m["display_number"] != "00001" || m["status"] != "Pending" {
		t.Fatalf("matter: %v", m)
	}
	if m["client"].(map[string]any)["name"] != "Grace Hopper" || m["responsible_attorney"].(map[string]any)["name"] != "Marcus Okafor" {
		t.Fatalf("nested: %v", m)
	}
	if l := c.must(200, "GET", fmt.Sprintf("/matters.json?client_id=%d&status=pending", client), nil).list(); len(l) != 1 {
		t.Fatalf("filter by client: %v", l)
	}

	manual := start(t, Options{ManualNumbering: true})
	cl := manual.person("Alan", "Turing")
	m2 := manual.must(201, "POST", "/matters.json?fields=display_number", data(map[string]any{"client": map[string]any{"id": cl}, "description": "x", "display_number": "LEG-1"})).data()
	if m2["display_number"] != "LEG-1" {
		t.Fatalf("manual: %v", m2)
	}
	manual.must(422, "POST", "/matters.json", data(map[string]any{"client": map[string]any{"id": cl}, "description": "y", "display_number": "LEG-1"}))
}

func TestOtherResourcesValidation(t *testing.T) {
	c := start(t, Options{})
	users := c.s.Users()
	cl := c.person("Ada", "Byron")
	mid := c.matter(cl, "Byron v. Babbage")
	mref := map[string]any{"id": mid}

	// Calendar entries: calendar_owner must be a calendar, ids are strings.
	ce := map[string]any{"summary": "Hearing", "start_at": "2024-05-01T09:00:00-07:00", "end_at": "2024-05-01T10:00:00-07:00",
		"calendar_owner": map[string]any{"id": users[0].ID}, "matter": mref}
	r := c.must(422, "POST", "/calendar_entries.json", data(ce))
	if !strings.Contains(r.errMsg(), "calendar id") {
		t.Fatalf("user id as calendar owner: %s", r.errMsg())
	}
	ce["calendar_owner"] = map[string]any{"id": users[0].CalendarID}
	e := c.must(201, "POST", "/calendar_entries.json?fields=id,summary,calendar_owner", data(ce)).data()
	if _, ok := e["id"].(string); !ok {
		t.Fatalf("calendar entry id should be a string: %#v", e["id"])
	}
	u := c.must(200, "GET", "/users.json?fields=id,default_calendar_id", nil).list()
	if idOf(u[0]["default_calendar_id"]) != users[0].CalendarID {
		t.Fatalf("default_calendar_id %v", u[0])
	}
	if cals := c.must(200, "GET", "/calendars.json?type=UserCalendar", nil).list(); len(cals) != 3 {
		t.Fatalf("user calendars: %d", len(cals))
	}

	// Tasks.
	c.must(422, "POST", "/tasks.json", data(map[string]any{"name": "File", "description": "d"}))
	c.must(422, "POST", "/tasks.json", data(map[string]any{"name": "File", "description": "d", "assignee": map[string]any{"id": users[0].ID}}))
	c.must(201, "POST", "/tasks.json", data(map[string]any{"name": "File", "description": "d", "assignee": map[string]any{"id": users[0].ID, "type": "User"}, "matter": mref, "due_at": "2024-03-15"}))

	// Notes: GET requires type.
	c.must(422, "POST", "/notes.json", data(map[string]any{"type": "Matter", "subject": "s"}))
	c.must(201, "POST", "/notes.json", data(map[string]any{"type": "Matter", "matter": mref, "subject": "Intake", "detail": "d", "date": "2023-11-02"}))
	c.must(400, "GET", "/notes.json", nil)
	if l := c.must(200, "GET", fmt.Sprintf("/notes.json?type=Matter&matter_id=%d", mid), nil).list(); len(l) != 1 {
		t.Fatalf("notes by matter: %v", l)
	}

	// Communications need received_at.
	comm := map[string]any{"type": "PhoneCommunication", "subject": "Call", "body": "b", "matter": mref,
		"senders": []any{map[string]any{"id": users[0].ID, "type": "User"}}, "receivers": []any{map[string]any{"id": cl, "type": "Contact"}}}
	c.must(422, "POST", "/communications.json", data(comm))
	comm["received_at"] = "2023-09-12T14:30:00Z"
	c.must(201, "POST", "/communications.json", data(comm))
	if l := c.must(200, "GET", fmt.Sprintf("/communications.json?contact_id=%d", cl), nil).list(); len(l) != 1 {
		t.Fatalf("communications by contact: %v", l)
	}
	if l := c.must(200, "GET", fmt.Sprintf("/communications.json?contact_id=%d", users[0].ID), nil).list(); len(l) != 0 {
		t.Fatalf("a user id is not a contact id: %v", l)
	}

	// Activities: quantity in seconds.
	a := c.must(201, "POST", "/activities.json?fields=id,quantity,quantity_in_hours,total,price,user", data(map[string]any{
		"type": "TimeEntry", "date": "2024-01-31", "quantity": 5400, "price": 250.0, "matter": mref, "note": "Draft"})).data()
	if a["quantity_in_hours"] != 1.5 || a["total"] != 375.0 || idOf(a["user"]) != users[0].ID {
		t.Fatalf("activity: %v", a)
	}
	c.must(422, "POST", "/activities.json", data(map[string]any{"type": "TimeEntry"}))
	old := c.must(201, "POST", "/activities.json?fields=quantity", data(map[string]any{"type": "TimeEntry", "date": "2024-01-31", "quantity": 2}), "X-API-VERSION", "4.0.3").data()
	if old["quantity"] != 7200.0 {
		t.Fatalf("4.0.3 hours: %v", old)
	}

	// Relationships.
	oc := c.person("Opposing", "Counsel")
	c.must(201, "POST", "/relationships.json", data(map[string]any{"matter": mref, "contact": map[string]any{"id": oc}, "description": "Opposing Counsel"}))
	if l := c.must(200, "GET", fmt.Sprintf("/matters/%d/related_contacts.json?fields=id,name", mid), nil).list(); len(l) != 1 || l[0]["name"] != "Opposing Counsel" {
		t.Fatalf("related contacts: %v", l)
	}

	// Trust: bank account + transaction.
	ba := c.must(201, "POST", "/bank_accounts.json?fields=id,type,balance", data(map[string]any{"type": "Trust", "currency": "USD", "name": "IOLTA"})).data()
	c.must(201, "POST", "/bank_transactions.json", data(map[string]any{"amount": 1250.5, "bank_account": map[string]any{"id": ba["id"]}, "date": "2024-01-31", "matter": mref, "client": map[string]any{"id": cl}}))
	if b := c.must(200, "GET", fmt.Sprintf("/bank_accounts/%d.json?fields=balance", idOf(ba["id"])), nil).data(); b["balance"] != 1250.5 {
		t.Fatalf("balance %v", b)
	}

	// Custom fields: value ids are "<type>-<n>", not definition ids.
	cf := c.must(201, "POST", "/custom_fields.json?fields=id,name,field_type", data(map[string]any{"name": "Legacy ID", "parent_type": "Matter", "field_type": "text_line"})).data()
	cfid := idOf(cf["id"])
	mv := c.must(200, "PATCH", fmt.Sprintf("/matters/%d.json?fields=custom_field_values{id,value,custom_field}", mid), data(map[string]any{
		"custom_field_values": []any{map[string]any{"custom_field": map[string]any{"id": cfid}, "value": "PP-77"}}})).data()
	vals := mv["custom_field_values"].([]any)
	vid := str(vals[0].(map[string]any)["id"])
	if !strings.HasPrefix(vid, "text_line-") || vals[0].(map[string]any)["value"] != "PP-77" {
		t.Fatalf("custom value: %v", vals)
	}
	// Adding a second value for the same field is refused; updating by value id works.
	c.must(422, "PATCH", fmt.Sprintf("/matters/%d.json", mid), data(map[string]any{"custom_field_values": []any{map[string]any{"custom_field": map[string]any{"id": cfid}, "value": "again"}}}))
	c.must(404, "PATCH", fmt.Sprintf("/matters/%d.json", mid), data(map[string]any{"custom_field_values": []any{map[string]any{"id": fmt.Sprint(cfid), "value": "wrong id"}}}))
	c.must(200, "PATCH", fmt.Sprintf("/matters/%d.json", mid), data(map[string]any{"custom_field_values": []any{map[string]any{"id": vid, "value": "PP-78"}}}))
	// Contact custom field on a matter → 422.
	ccf := c.must(201, "POST", "/custom_fields.json", data(map[string]any{"name": "DOB text", "parent_type": "Contact", "field_type": "text_line"})).data()
	c.must(422, "POST", "/matters.json", data(map[string]any{"client": map[string]any{"id": cl}, "description": "z",
		"custom_field_values": []any{map[string]any{"custom_field": map[string]any{"id": ccf["id"]}, "value": "x"}}}))
	if l := c.must(200, "GET", "/custom_fields.json?parent_type=matter", nil).list(); len(l) != 1 {
		t.Fatalf("custom fields parent_type filter: %v", l)
	}

	st := c.s.Snapshot()
	if st.Creates["matters"] != 1 || st.Count("calendar_entries") != 1 || st.Find("matters", mid) == nil {
		t.Fatalf("snapshot: creates %v", st.Creates)
	}
}

func TestPagingCursorAndOffset(t *testing.T) {
	c := start(t, Options{})
	for i := 0; i < 450; i++ {
		c.must(201, "POST", "/contacts.json", data(map[string]any{"type": "Person", "first_name": fmt.Sprintf("P%03d", i), "last_name": "Page"}))
	}
	seen := map[int64]bool{}
	var last int64
	next := "/contacts.json?" + url.Values{"order": {"id(asc)"}, "limit": {"200"}, "fields": {"id,name"}}.Encode()
	pages := 0
	for next != "" {
		r := c.must(200, "GET", next, nil)
		pages++
		for _, d := range r.list() {
			id := idOf(d["id"])
			if id <= last || seen[id] || d["name"] == nil {
				t.Fatalf("page %d: id %d out of order or repeated (last %d)", pages, id, last)
			}
			seen[id], last = true, id
		}
		p := r.body["meta"].(map[string]any)["paging"].(map[string]any)
		next = str(p["next"])
		if next != "" && (!strings.HasPrefix(next, c.base+"/api/v4/contacts.json?") || !strings.Contains(next, "page_token=")) {
			t.Fatalf("next is not an absolute URL with page_token: %s", next)
		}
	}
	if pages != 3 || len(seen) != 450 {
		t.Fatalf("pages %d records %d", pages, len(seen))
	}
	// Cursor pages keep the filters and work descending too.
	follow := func(first string) (ids []int64, pages int) {
		next := first
		for next != "" {
			r := c.must(200, "GET", next, nil)
			pages++
			for _, d := range r.list() {
				ids = append(ids, idOf(d["id"]))
			}
			next = str(r.body["meta"].(map[string]any)["paging"].(map[string]any)["next"])
		}
		return
	}
	if ids, pages := follow("/contacts.json?order=id(asc)&limit=3&query=p00"); len(ids) != 10 || pages != 4 {
		t.Fatalf("filtered cursor: %d ids in %d pages", len(ids), pages)
	}
	if ids, pages := follow("/contacts.json?order=id(desc)&limit=200"); len(ids) != 450 || pages != 3 || ids[0] != last || ids[1] >= ids[0] {
		t.Fatalf("desc cursor: %d ids in %d pages", len(ids), pages)
	}
	// Offset mode.
	r := c.must(200, "GET", "/contacts.json?offset=400&limit=100&order=id(asc)", nil)
	if len(r.list()) != 50 || r.body["meta"].(map[string]any)["paging"].(map[string]any)["next"] != nil {
		t.Fatalf("offset page: %d", len(r.list()))
	}
	c.must(422, "GET", "/contacts.json?offset=10000", nil)
	c.must(400, "GET", "/contacts.json?limit=0", nil)
	c.must(400, "GET", "/contacts.json?limit=201", nil)
	c.must(200, "GET", "/users.json?limit=2000", nil)
	// ids[] and created_since filters.
	ids := []string{}
	for id := range seen {
		ids = append(ids, fmt.Sprint(id))
		if len(ids) == 3 {
			break
		}
	}
	if l := c.must(200, "GET", "/contacts.json?ids[]="+strings.Join(ids, "&ids[]="), nil).list(); len(l) != 3 {
		t.Fatalf("ids[]: %d", len(l))
	}
	if l := c.must(200, "GET", "/contacts.json?created_since=2099-01-01T00:00:00Z", nil).list(); len(l) != 0 {
		t.Fatalf("created_since: %d", len(l))
	}
}

func TestFieldsParameter(t *testing.T) {
	c := start(t, Options{})
	cl := c.person("Ada", "Lovelace")
	mid := c.matter(cl, "Engine")
	d := c.must(200, "GET", fmt.Sprintf("/matters/%d.json", mid), nil).data()
	if len(d) != 2 || d["id"] == nil || d["etag"] == nil {
		t.Fatalf("default fields should be id,etag: %v", d)
	}
	d = c.must(200, "GET", fmt.Sprintf("/matters/%d.json?fields=id,description,client{id,name,type}", mid), nil).data()
	if d["description"] != "Engine" || d["client"].(map[string]any)["name"] != "Ada Lovelace" || len(d) != 3 {
		t.Fatalf("nested fields: %v", d)
	}
	r := c.must(400, "GET", fmt.Sprintf("/matters/%d.json?fields=id,colour", mid), nil)
	if !strings.Contains(r.errMsg(), "colour") {
		t.Fatalf("unknown field: %s", r.errMsg())
	}
	c.must(400, "GET", fmt.Sprintf("/matters/%d.json?fields=client{id,nope}", mid), nil)
	c.must(400, "GET", fmt.Sprintf("/matters/%d.json?fields=client{company{name}}", mid), nil)
	c.must(400, "GET", fmt.Sprintf("/matters/%d.json?fields=description{id}", mid), nil)
}

func TestETags(t *testing.T) {
	c := start(t, Options{})
	id := c.person("Ada", "Lovelace")
	path := fmt.Sprintf("/contacts/%d.json", id)
	r := c.must(200, "GET", path, nil)
	et := r.header.Get("ETag")
	if et == "" || et != r.data()["etag"] || r.header.Get("Last-Modified") == "" {
		t.Fatalf("etag header %q body %v", et, r.data())
	}
	c.must(304, "GET", path, nil, "If-None-Match", et)
	c.must(200, "PATCH", path, data(map[string]any{"title": "Countess"}), "If-Match", et)
	r = c.must(412, "PATCH", path, data(map[string]any{"title": "Lady"}), "If-Match", et)
	if !strings.Contains(r.errMsg(), "PreconditionFailed") {
		t.Fatalf("%s", r.errMsg())
	}
	r = c.must(200, "GET", path, nil, "If-None-Match", et)
	if r.header.Get("ETag") == et {
		t.Fatal("etag did not change after PATCH")
	}
}

func TestVersionHeader(t *testing.T) {
	c := start(t, Options{})
	r := c.must(200, "GET", "/users.json", nil)
	if r.header.Get("X-API-VERSION") != "4.0.13" {
		t.Fatalf("default version echo %q", r.header.Get("X-API-VERSION"))
	}
	r = c.must(200, "GET", "/users.json", nil, "X-API-VERSION", "4.0.9")
	if r.header.Get("X-API-VERSION") != "4.0.9" {
		t.Fatalf("echo %q", r.header.Get("X-API-VERSION"))
	}
	c.must(410, "GET", "/users.json", nil, "X-API-VERSION", "4.9.99")
	c.must(404, "GET", "/bills_of_lading.json", nil)
}

func TestDeleteAndTrash(t *testing.T) {
	c := start(t, Options{RefuseClientDelete: true})
	cl := c.person("Ada", "Lovelace")
	mid := c.matter(cl, "Engine")
	doc := c.must(201, "POST", "/documents.json", data(map[string]any{"name": "a.pdf", "parent": map[string]any{"id": mid, "type": "Matter"}})).data()
	folder := c.must(201, "POST", "/folders.json", data(map[string]any{"name": "Pleadings", "parent": map[string]any{"id": mid, "type": "Matter"}})).data()
	c.must(204, "DELETE", fmt.Sprintf("/documents/%d.json", idOf(doc["id"])), nil)
	c.must(204, "DELETE", fmt.Sprintf("/folders/%d.json", idOf(folder["id"])), nil)
	if l := c.must(200, "GET", "/documents.json", nil).list(); len(l) != 0 {
		t.Fatalf("trashed document listed: %v", l)
	}
	if l := c.must(200, "GET", "/documents.json?include_deleted=true&fields=id,deleted_at", nil).list(); len(l) != 1 || l[0]["deleted_at"] == nil {
		t.Fatalf("include_deleted: %v", l)
	}
	c.must(404, "GET", fmt.Sprintf("/documents/%d.json", idOf(doc["id"])), nil)
	st := c.s.Snapshot()
	if len(st.Trash["documents"]) != 1 || len(st.Trash["folders"]) != 1 || st.Count("documents") != 0 {
		t.Fatalf("trash %v", st.Trash)
	}
	// A contact that is still a client is refused, then deletable after the matter goes.
	r := c.must(422, "DELETE", fmt.Sprintf("/contacts/%d.json", cl), nil)
	if !strings.Contains(r.errMsg(), "client") {
		t.Fatalf("%s", r.errMsg())
	}
	c.must(204, "DELETE", fmt.Sprintf("/matters/%d.json", mid), nil)
	c.must(204, "DELETE", fmt.Sprintf("/contacts/%d.json", cl), nil)
	c.must(404, "GET", fmt.Sprintf("/contacts/%d.json", cl), nil)
	c.must(404, "DELETE", "/users/344001.json", nil)
	st = c.s.Snapshot()
	if st.Deletes["contacts"] != 1 || st.Deletes["matters"] != 1 || st.Count("contacts") != 0 {
		t.Fatalf("deletes %v", st.Deletes)
	}
}

func TestForbiddenScopesAndIfModifiedSince(t *testing.T) {
	c := start(t, Options{Forbidden: []string{"bank_transactions", "contacts:write"}})
	c.must(200, "GET", "/contacts.json", nil)
	r := c.must(403, "POST", "/contacts.json", data(map[string]any{"type": "Company", "name": "Acme"}))
	if !strings.Contains(r.errMsg(), "ForbiddenError") {
		t.Fatalf("%s", r.errMsg())
	}
	c.must(403, "GET", "/bank_transactions.json", nil)
	u := c.s.Users()[0]
	r = c.must(200, "GET", fmt.Sprintf("/users/%d.json", u.ID), nil)
	lm := r.header.Get("Last-Modified")
	c.must(304, "GET", fmt.Sprintf("/users/%d.json", u.ID), nil, "If-Modified-Since", lm)
	c.must(200, "GET", fmt.Sprintf("/users/%d.json", u.ID), nil, "If-Modified-Since", "Mon, 01 Jan 2001 00:00:00 GMT")
}
