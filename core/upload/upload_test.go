package upload

import (
	"context"
	"errors"
	"testing"

	"handover/core/model"
	"handover/internal/fakeclio"
)

func TestRefusesWithoutAllowBlockers(t *testing.T) {
	f := startFake(t, fakeclio.Options{})
	ws := openWS(t, demoProject(t))
	_, err := Run(context.Background(), ws, f.client, Options{})
	var ref *Refusal
	if !errors.As(err, &ref) || !errors.Is(err, ErrRefused) {
		t.Fatalf("want a refusal, got %v", err)
	}
	t.Logf("refusal: %v", err)
	// the planted unknown user "XX" is listed
	found := false
	for _, r := range ref.Reasons {
		if contains(r, `"XX"`) {
			found = true
		}
	}
	if !found {
		t.Errorf("unmatched user XX not listed: %v", ref.Reasons)
	}
	if st := f.srv.Snapshot(); len(st.Creates) > 1 { // the test's trust account only
		t.Errorf("refused run created records: %v", st.Creates)
	}
}

func contains(s, sub string) bool { return len(s) >= len(sub) && (s == sub || indexOf(s, sub) >= 0) }

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

func TestUploadDemo(t *testing.T) {
	f := startFake(t, fakeclio.Options{})
	ws := openWS(t, demoProject(t))
	rec, err := Run(context.Background(), ws, f.client, Options{AllowBlockers: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range model.Entities {
		t.Logf("%-16s planned %3d created %3d linked %3d skipped %3d failed %3d", e, rec.Planned[e], rec.Created[e], rec.Linked[e], rec.Skipped[e], rec.Failed[e])
	}
	for _, x := range rec.Failures {
		t.Logf("failed: %s %s (%s row %d): %s", x.Entity, x.Key, x.Source, x.Row, x.Message)
	}
	for _, x := range rec.Skips {
		t.Logf("skipped: %s %s: %s", x.Entity, x.Key, x.Message)
	}
	t.Logf("requests %d notes %v", rec.Requests, rec.Notes)
	specViolations(t, f)
}

// TestClioRefusalsFailRecords: Clio refuses every note (403, as when the app
// lacks the permission): each note fails with Clio's message and its source
// row, the run goes on, and the numbers still add up.
func TestClioRefusalsFailRecords(t *testing.T) {
	f := startFake(t, fakeclio.Options{Forbidden: []string{"notes:write"}})
	ws := openWS(t, demoProject(t))
	rec, err := Run(context.Background(), ws, f.client, Options{AllowBlockers: true})
	if err != nil {
		t.Fatal(err)
	}
	if rec.Failed[model.Notes] == 0 || rec.Created[model.Notes] != 0 {
		t.Fatalf("notes: created %d failed %d", rec.Created[model.Notes], rec.Failed[model.Notes])
	}
	if rec.Created[model.TimeEntries] == 0 {
		t.Errorf("the run stopped at the notes")
	}
	for _, f := range rec.Failures {
		if f.Entity != model.Notes || f.Source == "" || f.Row == 0 || f.Message == "" || f.Fix == "" {
			t.Errorf("failure without entity/source/row/message/fix: %+v", f)
		}
	}
	t.Logf("e.g. %+v", rec.Failures[0])
	if err := rec.Check(); err != nil {
		t.Error(err)
	}
	// failed rows are journaled with Clio's message, and a later run retries them
	var n int
	ws.DB().QueryRow(`SELECT count(*) FROM upload_journal WHERE entity='notes' AND state='failed' AND last_error <> ''`).Scan(&n)
	if int64(n) != rec.Failed[model.Notes] {
		t.Errorf("%d failed notes journaled, want %d", n, rec.Failed[model.Notes])
	}
}
