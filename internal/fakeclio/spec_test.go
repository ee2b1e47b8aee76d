package fakeclio

import (
	"fmt"
	"strings"
	"testing"
)

// A realistic migration run must pass spec validation both ways: the
// requests against the request schemas and the fake's responses against
// the response schemas.
func TestSpecValidationCleanRun(t *testing.T) {
	c := start(t, Options{ValidateSpec: true})
	users := c.s.Users()
	c.must(200, "GET", "/users/who_am_i.json?fields=id,name,email,initials,default_calendar_id,enabled,subscription_type", nil)
	c.must(200, "GET", "/users.json?fields=id,name,email,initials,default_calendar_id", nil)
	c.must(200, "GET", "/calendars.json?fields=id,name,type&type=UserCalendar", nil)
	c.must(200, "GET", "/practice_areas.json?fields=id,name,category", nil)
	cf := c.must(201, "POST", "/custom_fields.json?fields=id,name,field_type,parent_type", data(map[string]any{"name": "Legacy ID", "parent_type": "Matter", "field_type": "text_line"})).data()
	c.must(200, "GET", "/custom_fields.json?fields=id,name,field_type,parent_type&parent_type=matter", nil)
	co := c.must(201, "POST", "/contacts.json?fields=id,name,type", data(map[string]any{"type": "Company", "name": "Acme LLP"})).data()
	p := c.must(201, "POST", "/contacts.json?fields=id,etag,name,first_name,last_name,type,email_addresses{id,name,address},phone_numbers{id,name,number},addresses{id,name,city},company{id,name}",
		data(map[string]any{"type": "Person", "first_name": "Ada", "last_name": "Lovelace", "company": map[string]any{"id": co["id"]},
			"date_of_birth":   "1815-12-10",
			"email_addresses": []any{map[string]any{"name": "Work", "address": "ada@acme.example", "default_email": true}},
			"phone_numbers":   []any{map[string]any{"name": "Mobile", "number": "555-0100", "default_number": true}},
			"addresses":       []any{map[string]any{"name": "Home", "street": "1 St James's Sq", "city": "London", "postal_code": "SW1", "country": "UK"}}})).data()
	cid := idOf(p["id"])
	m := c.must(201, "POST", "/matters.json?fields=id,display_number,status,description,client{id,name},custom_field_values{id,value,field_name}", data(map[string]any{
		"client": map[string]any{"id": cid}, "description": "Lovelace estate", "status": "open", "open_date": "2024-02-01",
		"responsible_attorney": map[string]any{"id": users[0].ID}, "practice_area": map[string]any{"id": 5001}, "billable": true,
		"custom_field_values": []any{map[string]any{"custom_field": map[string]any{"id": cf["id"]}, "value": "PP-1"}}})).data()
	mid := idOf(m["id"])
	mref := map[string]any{"id": mid}
	c.must(200, "GET", fmt.Sprintf("/matters/%d.json?fields=id,etag,display_number,status,open_date,client{id,name},responsible_attorney{id,name},practice_area{id,name}", mid), nil)
	c.must(200, "PATCH", fmt.Sprintf("/matters/%d.json?fields=id,status", mid), data(map[string]any{"status": "closed", "close_date": "2024-06-01"}))
	c.must(201, "POST", "/relationships.json?fields=id,description,matter{id},contact{id}", data(map[string]any{"matter": mref, "contact": map[string]any{"id": idOf(co["id"])}, "description": "Employer"}))
	c.must(201, "POST", "/tasks.json?fields=id,name,due_at,priority,status", data(map[string]any{"name": "File", "description": "Imported", "assignee": map[string]any{"id": users[0].ID, "type": "User"}, "matter": mref, "due_at": "2024-03-15T00:00:00Z", "priority": "High"}))
	c.must(201, "POST", "/notes.json?fields=id,subject,type", data(map[string]any{"type": "Matter", "matter": mref, "subject": "Intake", "detail": "d", "date": "2023-11-02"}))
	c.must(201, "POST", "/notes.json?fields=id,subject,type", data(map[string]any{"type": "Contact", "contact": map[string]any{"id": cid}, "subject": "Phone", "detail": "d"}))
	c.must(200, "GET", "/notes.json?type=Contact&fields=id,subject", nil)
	c.must(201, "POST", "/calendar_entries.json?fields=id,summary,start_at,end_at,calendar_owner{id,name}", data(map[string]any{"summary": "Hearing", "start_at": "2024-05-01T09:00:00-07:00", "end_at": "2024-05-01T10:00:00-07:00",
		"calendar_owner": map[string]any{"id": users[0].CalendarID}, "matter": mref}))
	c.must(200, "GET", "/calendar_entries.json?fields=id,summary", nil)
	c.must(201, "POST", "/communications.json?fields=id,subject,type,received_at", data(map[string]any{"type": "EmailCommunication", "subject": "Re: estate", "body": "b", "received_at": "2023-09-12T14:30:00Z", "matter": mref,
		"senders": []any{map[string]any{"id": cid, "type": "Contact"}}, "receivers": []any{map[string]any{"id": users[0].ID, "type": "User"}}}))
	ad := c.must(201, "POST", "/activity_descriptions.json?fields=id,name", data(map[string]any{"name": "Balance Brought Forward"})).data()
	c.must(201, "POST", "/activities.json?fields=id,type,date,quantity,quantity_in_hours,price,total,note", data(map[string]any{"type": "TimeEntry", "date": "2024-01-31", "quantity": 3600, "price": 1250.5,
		"matter": mref, "user": map[string]any{"id": users[0].ID}, "activity_description": map[string]any{"id": ad["id"]}, "note": "Balance", "non_billable": false}))
	ba := c.must(201, "POST", "/bank_accounts.json?fields=id,name,type,balance,currency", data(map[string]any{"type": "Trust", "currency": "USD", "name": "IOLTA"})).data()
	c.must(201, "POST", "/bank_transactions.json?fields=id,amount,date", data(map[string]any{"amount": 500, "bank_account": map[string]any{"id": ba["id"]}, "date": "2024-01-31", "matter": mref, "client": map[string]any{"id": cid}, "description": "Opening trust balance"}))
	c.must(201, "POST", "/folders.json?fields=id,name", data(map[string]any{"name": "Pleadings", "parent": map[string]any{"id": mid, "type": "Matter"}}))
	d := c.must(201, "POST", "/documents.json?fields=id,name,latest_document_version{uuid,put_url,put_headers}", data(map[string]any{"name": "a.pdf", "parent": map[string]any{"id": mid, "type": "Matter"}})).data()
	c.must(200, "GET", "/documents.json?fields=id,name,content_type,size", nil)
	c.must(200, "GET", fmt.Sprintf("/contacts.json?fields=id,name&order=id(asc)&limit=1&query=%s", "Ada"), nil)
	c.must(200, "GET", "/contacts.json?fields=id&offset=1&limit=1&order=name(asc)", nil)
	c.must(200, "GET", fmt.Sprintf("/matters.json?fields=id&created_since=2020-01-01T00:00:00Z&updated_since=2020-01-01T00:00:00Z&ids[]=%d", mid), nil)
	c.must(204, "DELETE", fmt.Sprintf("/documents/%d.json", idOf(d["id"])), nil)
	c.must(200, "GET", "/documents.json?fields=id,deleted_at&include_deleted=true", nil)
	c.must(404, "DELETE", "/tasks/999999.json", nil)
	c.must(404, "GET", fmt.Sprintf("/documents/%d.json", idOf(d["id"])), nil)
	c.must(422, "POST", "/contacts.json", data(map[string]any{"type": "Person", "title": "Dr"}))
	for _, v := range c.s.Snapshot().SpecViolations {
		t.Errorf("spec violation: %s", v)
	}
}

func TestSpecValidationCatchesBadRequests(t *testing.T) {
	c := start(t, Options{ValidateSpec: true})
	cid := c.person("Ada", "Lovelace")
	// The spec's request enum is lowercase: "Open" is a violation.
	r := c.must(400, "POST", "/matters.json", data(map[string]any{"client": map[string]any{"id": cid}, "description": "x", "status": "Open"}))
	if !strings.Contains(r.errMsg(), "SpecViolation") || !strings.Contains(r.errMsg(), "status") {
		t.Fatalf("bad status: %s", r.errMsg())
	}
	// A client id sent as a string, and a missing required field.
	c.must(400, "POST", "/matters.json", data(map[string]any{"client": map[string]any{"id": fmt.Sprint(cid)}, "description": "x"}))
	r = c.must(400, "POST", "/tasks.json", data(map[string]any{"name": "n", "description": "d"}))
	if !strings.Contains(r.errMsg(), "assignee") {
		t.Fatalf("missing assignee: %s", r.errMsg())
	}
	// Email label outside the enum.
	c.must(400, "POST", "/contacts.json", data(map[string]any{"type": "Person", "first_name": "A", "email_addresses": []any{map[string]any{"name": "Mobile", "address": "a@b.c"}}}))
	// GET /notes.json without the required type parameter.
	c.must(400, "GET", "/notes.json", nil)
	st := c.s.Snapshot()
	if len(st.SpecViolations) != 5 || st.Count("matters") != 0 || st.Count("tasks") != 0 {
		t.Fatalf("violations %d: %v", len(st.SpecViolations), st.SpecViolations)
	}
	if st.SpecViolations[0].Response || !strings.Contains(st.SpecViolations[0].Message, "status") {
		t.Fatalf("first violation: %+v", st.SpecViolations[0])
	}
}
