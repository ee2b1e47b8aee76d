package upload

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"handover/core/clio"
	"handover/core/model"
	"handover/core/workspace"
	"handover/internal/fakeclio"
	"handover/internal/synth"
)

// getMap reads one record through the API with fields.
func getMap(t *testing.T, c *clio.Client, coll string, id clio.ID, fields string) map[string]any {
	t.Helper()
	var raw json.RawMessage
	if _, _, err := c.Get(context.Background(), coll, id, fields, "", &raw); err != nil {
		t.Fatalf("GET %s/%d: %v", coll, id, err)
	}
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

var readFields = map[string]string{
	"contacts":          "id,type,name,first_name,last_name,company{id},email_addresses{address,name},phone_numbers{number,name},addresses{street,city,postal_code},custom_field_values{id,value}",
	"matters":           "id,display_number,description,status,open_date,close_date,client{id},responsible_attorney{id},client_reference,practice_area{id,name},custom_field_values{id,value}",
	"tasks":             "id,name,description,due_at,priority,status,assignee{id},matter{id}",
	"notes":             "id,type,subject,detail,date,matter{id},contact{id}",
	"calendar_entries":  "id,summary,start_at,end_at,all_day,location,matter{id},calendar_owner{id}",
	"communications":    "id,type,subject,body,received_at,matter{id}",
	"activities":        "id,type,date,quantity,price,note,non_billable,matter{id},user{id},activity_description{id,name}",
	"bank_transactions": "id,amount,date,matter{id},bank_account{id}",
	"documents":         "id,name,latest_document_version{uuid,fully_uploaded}",
}

// TestFidelity uploads the demo firm and reads every created record back
// through the API, field by field against the project's records.
func TestFidelity(t *testing.T) {
	f := startFake(t, fakeclio.Options{ManualNumbering: true})
	ws := openWS(t, demoProject(t))
	ctx := context.Background()
	rec, err := Run(ctx, ws, f.client, Options{AllowBlockers: true})
	if err != nil {
		t.Fatal(err)
	}
	users := map[string]int64{} // legacy initials/name/email → Clio user id
	for _, u := range f.srv.Users() {
		for _, l := range synth.Lawyers {
			if l.Email == u.Email {
				users[l.Initials], users[l.Name()], users[l.Email] = u.ID, u.ID, u.ID
			}
		}
	}
	calOf := map[int64]int64{}
	for _, u := range f.srv.Users() {
		calOf[u.ID] = u.CalendarID
	}
	j, err := loadJournal(ctx, ws.DB(), true)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[model.Entity]map[string]clio.ID{}
	for _, e := range model.Entities {
		ids[e] = map[string]clio.ID{}
		for k, r := range j.rows[string(e)] {
			if r.State == StateCreated {
				var id clio.ID
				fmt.Sscan(r.ClioID, &id)
				ids[e][k] = id
			}
		}
	}
	ix, err := buildIndex(ctx, ws)
	if err != nil {
		t.Fatal(err)
	}
	matterID := func(ref model.Ref) string { return fmt.Sprint(ids[model.Matters][ix.matterKey(ref)]) }
	contactID := func(ref model.Ref) string { return fmt.Sprint(ids[model.Contacts][ix.contactKey(ref)]) }
	checked := map[model.Entity]int{}
	eq := func(r workspace.StoredRecord, field string, got any, want any) {
		t.Helper()
		if got == nil {
			got = ""
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s %s (%s row %d) %s: Clio has %q, project has %q", r.Entity, r.Key, r.Prov.Source, r.Prov.Row, field, fmt.Sprint(got), fmt.Sprint(want))
		}
	}
	err = ws.EachRecord(ctx, workspace.RecordFilter{}, func(r workspace.StoredRecord) error {
		id := ids[r.Entity][r.Key]
		if id == 0 {
			return nil
		}
		coll := collectionOf(string(r.Entity), r.Key)
		m := getMap(t, f.client, coll, id, readFields[coll])
		checked[r.Entity]++
		cfv := func(want map[string]string) {
			var w, g []string
			for _, v := range want {
				if strings.TrimSpace(v) != "" {
					w = append(w, strings.TrimSpace(v))
				}
			}
			for _, x := range asList(m["custom_field_values"]) {
				g = append(g, str(x["value"]))
			}
			sort.Strings(w)
			sort.Strings(g)
			eq(r, "custom_field_values", g, w)
		}
		switch d := r.Data.(type) {
		case *model.Contact:
			cfv(d.CustomFields)
			eq(r, "type", m["type"], d.Type)
			if d.Type == "Company" {
				eq(r, "name", m["name"], d.Name)
			} else {
				eq(r, "first_name", m["first_name"], d.FirstName)
				eq(r, "last_name", m["last_name"], d.LastName)
				if !d.Company.IsZero() && ids[model.Contacts][ix.contactKey(d.Company)] != 0 {
					eq(r, "company", idOf(m["company"]), contactID(d.Company))
				}
			}
			var wantE, gotE, wantP, gotP []string
			for _, e := range d.Emails {
				wantE = append(wantE, strings.TrimSpace(e.Address))
			}
			for _, e := range asList(m["email_addresses"]) {
				gotE = append(gotE, str(e["address"]))
			}
			for _, p := range d.Phones {
				wantP = append(wantP, strings.TrimSpace(p.Number))
			}
			for _, p := range asList(m["phone_numbers"]) {
				gotP = append(gotP, str(p["number"]))
			}
			sort.Strings(wantE)
			sort.Strings(gotE)
			sort.Strings(wantP)
			sort.Strings(gotP)
			eq(r, "emails", gotE, wantE)
			eq(r, "phones", gotP, wantP)
			eq(r, "addresses", len(asList(m["addresses"])), len(d.Addresses))
		case *model.Matter:
			cfv(d.CustomFields)
			eq(r, "display_number", m["display_number"], d.DisplayNumber)
			eq(r, "description", m["description"], d.Description)
			eq(r, "status", strings.ToLower(str(m["status"])), strings.ToLower(d.Status))
			eq(r, "open_date", str(m["open_date"]), d.OpenDate)
			eq(r, "close_date", str(m["close_date"]), d.CloseDate)
			eq(r, "client", idOf(m["client"]), contactID(d.Client))
			eq(r, "responsible_attorney", idOf(m["responsible_attorney"]), users[d.ResponsibleAttorney])
			eq(r, "client_reference", m["client_reference"], d.DisplayNumber)
			if d.PracticeArea != "" {
				pa, _ := m["practice_area"].(map[string]any)
				eq(r, "practice_area", str(pa["name"]), d.PracticeArea)
			}
		case *model.Task:
			eq(r, "name", m["name"], d.Name)
			eq(r, "due_at", str(m["due_at"])[:min(10, len(str(m["due_at"])))], d.DueAt)
			eq(r, "assignee", idOf(m["assignee"]), users[d.Assignee])
			eq(r, "matter", idOf(m["matter"]), matterID(d.Matter))
		case *model.Note:
			eq(r, "subject", m["subject"], d.Subject)
			eq(r, "detail", m["detail"], d.Detail)
			if d.Type == "Contact" {
				eq(r, "contact", idOf(m["contact"]), contactID(d.Contact))
			} else {
				eq(r, "matter", idOf(m["matter"]), matterID(d.Matter))
			}
		case *model.CalendarEvent:
			eq(r, "summary", m["summary"], d.Summary)
			if !sameInstant(str(m["start_at"]), dateTime(d.StartAt, d.TimeZone)) || !sameInstant(str(m["end_at"]), dateTime(d.EndAt, d.TimeZone)) {
				t.Errorf("%s times: Clio %v–%v, project %v–%v", r.Key, m["start_at"], m["end_at"], d.StartAt, d.EndAt)
			}
			eq(r, "calendar_owner", idOf(m["calendar_owner"]), calOf[users[d.Owner]])
			if !d.Matter.IsZero() {
				eq(r, "matter", idOf(m["matter"]), matterID(d.Matter))
			}
		case *model.Communication:
			want := "EmailCommunication"
			if r.Entity == model.PhoneLogs {
				want = "PhoneCommunication"
			}
			eq(r, "type", m["type"], want)
			eq(r, "subject", m["subject"], d.Subject)
			eq(r, "body", m["body"], d.Body)
			if !sameInstant(str(m["received_at"]), dateTime(d.ReceivedAt, "")) {
				t.Errorf("%s received_at: Clio %v, project %v", r.Key, m["received_at"], d.ReceivedAt)
			}
			if !d.Matter.IsZero() {
				eq(r, "matter", idOf(m["matter"]), matterID(d.Matter))
			}
		case *model.TimeEntry:
			eq(r, "date", m["date"], d.Date)
			eq(r, "quantity (seconds)", num(m["quantity"]), float64(d.Seconds))
			eq(r, "price", num(m["price"]), dollars(d.Price))
			eq(r, "note", m["note"], d.Note)
			eq(r, "user", idOf(m["user"]), users[d.User])
			eq(r, "matter", idOf(m["matter"]), matterID(d.Matter))
		case *model.ARBalance:
			eq(r, "quantity", num(m["quantity"]), 3600.0)
			eq(r, "date", m["date"], asOf(d.AsOf))
			eq(r, "price (balance)", num(m["price"]), dollars(d.Amount))
			eq(r, "non_billable", m["non_billable"], false)
			ad, _ := m["activity_description"].(map[string]any)
			eq(r, "activity_description", str(ad["name"]), BalanceActivity)
			eq(r, "matter", idOf(m["matter"]), matterID(d.Matter))
		case *model.TrustBalance:
			eq(r, "amount", num(m["amount"]), dollars(d.Amount))
			eq(r, "date", m["date"], asOf(d.AsOf))
			if !d.Matter.IsZero() {
				eq(r, "matter", idOf(m["matter"]), matterID(d.Matter))
			}
		case *model.Document:
			eq(r, "name", m["name"], d.Name)
			v, _ := m["latest_document_version"].(map[string]any)
			eq(r, "fully_uploaded", v["fully_uploaded"], true)
			b, ok := f.srv.Content(str(v["uuid"]))
			sum := sha256.Sum256(b)
			eq(r, "content sha256", ok && hex.EncodeToString(sum[:]) == d.SHA256, true)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range model.Entities {
		if int64(checked[e]) != rec.Created[e] {
			t.Errorf("%s: read back %d, created %d", e, checked[e], rec.Created[e])
		}
	}
	t.Logf("read back %v", checked)
	specViolations(t, f)
}
