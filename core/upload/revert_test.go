package upload

import (
	"context"
	"math"
	"strings"
	"testing"

	"handover/core/clio"
	"handover/core/model"
	"handover/internal/fakeclio"
)

func TestRevert(t *testing.T) {
	ctx := context.Background()
	f := startFake(t, fakeclio.Options{RefuseClientDelete: true})
	// A contact the firm already keeps in Clio: the import links to it.
	pre, err := f.client.CreateContact(ctx, clio.ContactInput{Type: "Person", FirstName: "Thomas", LastName: "Silva",
		EmailAddresses: []clio.EmailAddressInput{{Name: "Work", Address: "Thomas.Silva@example.net"}}})
	if err != nil {
		t.Fatal(err)
	}
	ws := openWS(t, demoProject(t))
	rec, err := Run(ctx, ws, f.client, Options{AllowBlockers: true})
	if err != nil {
		t.Fatal(err)
	}
	if rec.Linked[model.Contacts] < 1 {
		t.Fatalf("the existing contact was not linked: %+v", rec.Linked)
	}
	var linkedID string
	ws.DB().QueryRow(`SELECT clio_id FROM upload_journal WHERE state='linked'`).Scan(&linkedID)
	if linkedID != pre.ID.String() {
		t.Errorf("linked to %s, want %s", linkedID, pre.ID)
	}
	// Someone edits a created matter in Clio after the import.
	var matterID, clientKey string
	ws.DB().QueryRow(`SELECT clio_id, record_key FROM upload_journal WHERE entity='matters' AND state='created' LIMIT 1`).Scan(&matterID, &clientKey)
	var mid clio.ID
	mid.UnmarshalJSON([]byte(matterID))
	if err := f.client.Update(ctx, "matters", mid, map[string]any{"description": "Edited in Clio after the import"}, "", "", nil); err != nil {
		t.Fatal(err)
	}
	before := f.srv.Snapshot()
	if before.Count("custom_fields") == 0 {
		t.Errorf("the demo's custom fields (Added, Assigned Lawyer, …) were not created")
	}

	rv, err := Revert(ctx, ws, f.client, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	var changed, clioRefused int
	for _, r := range rv.Refused {
		t.Logf("refused: %s %s %s: %s", r.Entity, r.ClioID, r.Name, r.Message)
		switch {
		case r.Entity == model.Matters && r.ClioID == matterID && strings.Contains(r.Message, "changed in Clio"):
			changed++
		case r.Entity == model.Contacts && strings.Contains(r.Message, "Clio refused"):
			clioRefused++
		}
	}
	if changed != 1 || clioRefused != 1 || len(rv.Refused) != 2 {
		t.Errorf("want the edited matter refused and its client refused by Clio, got %+v", rv.Refused)
	}
	var deleted int64
	for _, e := range model.Entities {
		deleted += rv.Deleted[e]
		want := rec.Created[e]
		if e == model.Matters || e == model.Contacts {
			want-- // the edited matter and its client stay
		}
		if rv.Deleted[e] != want {
			t.Errorf("%s: deleted %d, want %d", e, rv.Deleted[e], want)
		}
	}
	after := f.srv.Snapshot()
	if after.Find("contacts", int64(pre.ID)) == nil {
		t.Errorf("the linked (pre-existing) contact was deleted")
	}
	if n := after.Count("matters"); n != 1 {
		t.Errorf("%d matters left, want 1", n)
	}
	if n := after.Count("contacts"); n != 2 {
		t.Errorf("%d contacts left, want 2 (the linked one and the refused client)", n)
	}
	for _, c := range []string{"activities", "tasks", "notes", "calendar_entries", "communications", "bank_transactions", "documents", "activity_descriptions", "custom_fields"} {
		if n := after.Count(c); n != 0 {
			t.Errorf("%s: %d left after revert", c, n)
		}
	}
	if after.Count("practice_areas") != 4 || before.Count("practice_areas") <= 4 {
		t.Errorf("practice areas: %d before, %d after (4 were there before the import)", before.Count("practice_areas"), after.Count("practice_areas"))
	}
	// With force, the rest goes.
	rv2, err := Revert(ctx, ws, f.client, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rv2.Refused) != 0 || rv2.Deleted[model.Matters] != 1 || rv2.Deleted[model.Contacts] != 1 {
		t.Errorf("forced revert: deleted %v refused %+v", rv2.Deleted, rv2.Refused)
	}
	final := f.srv.Snapshot()
	if final.Count("contacts") != 1 || final.Count("matters") != 0 {
		t.Errorf("after forced revert: %d contacts, %d matters", final.Count("contacts"), final.Count("matters"))
	}
	var left int
	ws.DB().QueryRow(`SELECT count(*) FROM upload_journal WHERE state='created'`).Scan(&left)
	if left != 0 {
		t.Errorf("%d journal rows still created", left)
	}
	specViolations(t, f)
}

// TestDryRun: the plan's counts and request estimate match the real run.
func TestDryRun(t *testing.T) {
	ctx := context.Background()
	f := startFake(t, fakeclio.Options{})
	ws := openWS(t, demoProject(t))
	p, err := Plan(ctx, ws, f.client, Options{AllowBlockers: true})
	if err != nil {
		t.Fatal(err)
	}
	if st := f.srv.Snapshot(); st.Creates["contacts"]+st.Creates["matters"]+st.Creates["activities"] != 0 {
		t.Fatalf("the dry run created records: %v", st.Creates)
	}
	if len(p.Unmatched) != 1 || p.Unmatched[0].Legacy != "XX" || p.Unmatched[0].Records != 1 {
		t.Errorf("unmatched users: %+v", p.Unmatched)
	}
	if len(p.Blockers) == 0 {
		t.Errorf("the plan lists no blockers")
	}
	var jn int
	ws.DB().QueryRow(`SELECT count(*) FROM upload_journal`).Scan(&jn)
	if jn != 0 {
		t.Errorf("the dry run wrote %d journal rows", jn)
	}
	// the same through Run's DryRun
	dr, err := Run(ctx, ws, f.client, Options{AllowBlockers: true, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := Run(ctx, ws, f.client, Options{AllowBlockers: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, tp := range p.Types {
		if tp.Creates != rec.Created[tp.Entity] || tp.Links != rec.Linked[tp.Entity] || tp.Skips != rec.Skipped[tp.Entity]+rec.Failed[tp.Entity] {
			t.Errorf("%s: planned %+v, run created %d linked %d skipped %d failed %d", tp.Entity, tp, rec.Created[tp.Entity], rec.Linked[tp.Entity], rec.Skipped[tp.Entity], rec.Failed[tp.Entity])
		}
		if dr.Created[tp.Entity] != rec.Created[tp.Entity] {
			t.Errorf("%s: Run(DryRun) says %d creates, the run made %d", tp.Entity, dr.Created[tp.Entity], rec.Created[tp.Entity])
		}
	}
	// Margin: the plan counts every read and create; the real run may add the
	// look-ups a lost answer needs. Fault-free, they must agree within 2%.
	diff := math.Abs(float64(p.Requests-rec.Requests)) / float64(rec.Requests)
	t.Logf("plan: %d requests, %s at %d/min (peak %s, off-peak %s); run: %d requests", p.Requests, p.Estimate, p.RateLimit, p.EstimatePeak, p.EstimateOffPeak, rec.Requests)
	if diff > 0.02 {
		t.Errorf("plan says %d requests, the run made %d", p.Requests, rec.Requests)
	}
}
