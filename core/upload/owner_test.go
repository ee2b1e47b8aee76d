package upload

import (
	"context"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"handover/assets"
	"handover/core/check"
	"handover/core/model"
	"handover/core/readiness"
	"handover/core/workspace"
	"handover/importers/ingest"
	"handover/internal/fakeclio"
)

// personlessProject is the demo firm's clients, matters, calendar and task
// list as an old system that names no one would export them: the iCalendar
// file has no ORGANIZER lines and the task list no "Assigned To" column.
// It is ingested, checked and its cut-off acknowledged.
func personlessProject(t *testing.T) (*workspace.Workspace, string) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	exports, err := assets.ExtractDemo(filepath.Join(dir, "demo"))
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(dir, "exports")
	for _, sub := range []string{"pclaw", "outlook", "other"} {
		os.MkdirAll(filepath.Join(src, sub), 0o755)
	}
	for _, f := range []string{"pclaw/clients.csv", "pclaw/matters.csv"} {
		copyFile(t, filepath.Join(exports, f), filepath.Join(src, f))
	}
	ics, err := os.ReadFile(filepath.Join(exports, "outlook/calendar.ics"))
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	for _, l := range strings.Split(string(ics), "\n") {
		if !strings.HasPrefix(l, "ORGANIZER") {
			kept = append(kept, l)
		}
	}
	os.WriteFile(filepath.Join(src, "outlook/calendar.ics"), []byte(strings.Join(kept, "\n")), 0o600)
	in, err := os.Open(filepath.Join(exports, "other/tasks.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(in).ReadAll()
	in.Close()
	if err != nil {
		t.Fatal(err)
	}
	col := -1
	for i, h := range rows[0] {
		if h == "Assigned To" {
			col = i
		}
	}
	if col < 0 {
		t.Fatalf("the demo task list has no Assigned To column: %v", rows[0])
	}
	out, _ := os.Create(filepath.Join(src, "other/tasks.csv"))
	w := csv.NewWriter(out)
	for _, r := range rows {
		w.Write(append(r[:col:col], r[col+1:]...))
	}
	w.Flush()
	out.Close()

	path := filepath.Join(dir, "firm.handover")
	ws, err := workspace.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	ws.SetSetting(ctx, workspace.SettingCountry, "US")
	if _, err := ingest.Run(ctx, ws, []string{src}, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := check.Run(ctx, ws, check.Options{Country: "US"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := readiness.Acknowledge(ctx, ws, "Test Office Manager", time.Now(), time.Now()); err != nil {
		t.Fatal(err)
	}
	return ws, path
}

// countPersonless counts the project's records of e with no person.
func countPersonless(t *testing.T, ws *workspace.Workspace, e model.Entity) (n, all int64) {
	t.Helper()
	err := ws.EachRecord(context.Background(), workspace.RecordFilter{Entity: e}, func(r workspace.StoredRecord) error {
		all++
		if _, _, _, missing := model.PersonRequired(r.Data); missing {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n, all
}

// An iCalendar file with no ORGANIZER and a task list with no assignee
// column: the check asks once per file; without a default owner the upload
// refuses (or, allowing blockers, skips them saying why); with one, the plan
// counts them per type and every event lands on that user's calendar and
// every task is assigned to that user. An unknown e-mail stops the upload
// before anything is sent.
func TestDefaultOwnerTakesRecordsWithNoPerson(t *testing.T) {
	ctx := context.Background()
	ws, _ := personlessProject(t)
	events, allEvents := countPersonless(t, ws, model.CalendarEvents)
	tasks, allTasks := countPersonless(t, ws, model.Tasks)
	if events == 0 || events != allEvents || tasks == 0 || tasks != allTasks {
		t.Fatalf("the files should name no one: %d/%d events, %d/%d tasks without a person", events, allEvents, tasks, allTasks)
	}
	// the check: one finding per file, with the count
	per, checked := map[string]int{}, int64(0)
	ws.EachFinding(ctx, workspace.FindingFilter{}, func(f workspace.StoredFinding) error {
		if f.Rule == model.RuleCalendarMissingOwner || f.Rule == model.RuleTaskMissingAssignee {
			per[f.Rule]++
			want := events
			if f.Rule == model.RuleTaskMissingAssignee {
				want = tasks
			}
			n, _ := f.Detail["records"].(float64)
			checked += int64(n)
			if int64(n) != want || f.Severity != model.Blocker {
				t.Errorf("%s: %s for %v records, want a blocker for %d", f.Rule, f.Severity, f.Detail["records"], want)
			}
		}
		return nil
	})
	if per[model.RuleCalendarMissingOwner] != 1 || per[model.RuleTaskMissingAssignee] != 1 {
		t.Errorf("want one finding per file, got %v", per)
	}

	f := startFake(t, fakeclio.Options{})
	owner := f.srv.Users()[1]

	// no default owner: the plan counts them, and the upload refuses
	p, err := Plan(ctx, ws, f.client, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p.DefaultOwner.ClioID != 0 || p.DefaultOwner.Records[model.CalendarEvents] != events || p.DefaultOwner.Records[model.Tasks] != tasks ||
		p.DefaultOwner.Total != events+tasks || planOf(t, p, model.Tasks).DefaultOwner != 0 {
		t.Errorf("plan without a default owner: %+v", p.DefaultOwner)
	}
	if checked != p.DefaultOwner.Total {
		t.Errorf("the check counts %d records with no person, the upload plan %d", checked, p.DefaultOwner.Total)
	}
	if !anyContains(p.Blockers, "no person") {
		t.Errorf("the plan's blockers do not name the records with no person: %v", p.Blockers)
	}
	if _, err := Run(ctx, ws, f.client, Options{}); !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "--default-owner") {
		t.Errorf("upload without a default owner: %v", err)
	}
	// allowing blockers skips each of them, saying what to do
	p, err = Plan(ctx, ws, f.client, Options{AllowBlockers: true})
	if err != nil {
		t.Fatal(err)
	}
	// every one is skipped: for a blocker finding of its own, else for want of a person
	skipped, own := 0, map[model.Entity]int64{}
	for _, s := range p.Skips {
		if s.Entity != model.Tasks && s.Entity != model.CalendarEvents {
			continue
		}
		switch {
		case strings.HasPrefix(s.Message, "blocker:"):
			own[s.Entity]++
		case strings.Contains(s.Message, "no default owner") && strings.Contains(s.Fix, "--default-owner"):
			skipped++
		default:
			t.Errorf("skipped for another reason: %+v", s)
		}
	}
	if int64(skipped)+own[model.Tasks]+own[model.CalendarEvents] != events+tasks || skipped == 0 {
		t.Errorf("%d records skipped for want of a person and %v for their own blockers, want %d in all", skipped, own, events+tasks)
	}

	// an unknown e-mail: a clear error, nothing sent
	before := f.srv.Snapshot()
	if _, err := Plan(ctx, ws, f.client, Options{DefaultOwner: "nobody@nowhere.example"}); err == nil || !strings.Contains(err.Error(), "nobody@nowhere.example") {
		t.Errorf("an unknown default owner: %v", err)
	}
	if _, err := Run(ctx, ws, f.client, Options{DefaultOwner: "nobody@nowhere.example", AllowBlockers: true}); err == nil {
		t.Error("an upload with an unknown default owner started")
	}
	if after := f.srv.Snapshot(); len(after.Resources["calendar_entries"])+len(after.Resources["tasks"])+len(after.Resources["contacts"]) !=
		len(before.Resources["calendar_entries"])+len(before.Resources["tasks"])+len(before.Resources["contacts"]) {
		t.Error("records were sent although the default owner is unknown")
	}

	// with the default owner
	opts := Options{DefaultOwner: strings.ToUpper(owner.Email), AllowBlockers: true}
	p, err = Plan(ctx, ws, f.client, opts)
	if err != nil {
		t.Fatal(err)
	}
	if p.DefaultOwner.ClioID != owner.ID || p.DefaultOwner.How != HowOption || planOf(t, p, model.CalendarEvents).DefaultOwner != events ||
		planOf(t, p, model.Tasks).DefaultOwner != tasks || p.DefaultOwner.Uses() != events+tasks {
		t.Errorf("plan with a default owner: %+v; events %+v", p.DefaultOwner, planOf(t, p, model.CalendarEvents))
	}
	if anyContains(p.Blockers, "no person") {
		t.Errorf("the default owner did not settle the records with no person: %v", p.Blockers)
	}
	rec, err := Run(ctx, ws, f.client, opts)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Created[model.CalendarEvents] != events-own[model.CalendarEvents] || rec.Failed[model.CalendarEvents] != 0 {
		t.Errorf("events: created %d failed %d, want all %d without a blocker of their own created; skips %v", rec.Created[model.CalendarEvents],
			rec.Failed[model.CalendarEvents], events-own[model.CalendarEvents], rec.Skips)
	}
	for _, s := range rec.Skips {
		if strings.Contains(s.Message, "no default owner") || strings.Contains(s.Message, "no assignee") {
			t.Errorf("skipped for want of a person although there is a default owner: %+v", s)
		}
	}
	st := f.srv.Snapshot()
	if n := int64(len(st.Resources["calendar_entries"])); n != rec.Created[model.CalendarEvents] || n == 0 {
		t.Errorf("Clio has %d calendar entries, the run created %d", n, rec.Created[model.CalendarEvents])
	}
	for _, e := range st.Resources["calendar_entries"] {
		if got := int64(idOf(e["calendar_owner"])); got != owner.CalendarID {
			t.Errorf("event %v is on calendar %d, want the default owner's %d", e["summary"], got, owner.CalendarID)
		}
	}
	if int64(len(st.Resources["tasks"])) != rec.Created[model.Tasks] || rec.Created[model.Tasks] == 0 {
		t.Errorf("Clio has %d tasks, the run created %d", len(st.Resources["tasks"]), rec.Created[model.Tasks])
	}
	for _, k := range st.Resources["tasks"] {
		if got := int64(idOf(k["assignee"])); got != owner.ID {
			t.Errorf("task %v is assigned to %d, want the default owner %d", k["name"], got, owner.ID)
		}
	}
}

// The default owner is kept in the project: the plan uses the saved one,
// says so, and the check no longer blocks on the records with no person.
func TestSavedDefaultOwner(t *testing.T) {
	ctx := context.Background()
	ws, _ := personlessProject(t)
	f := startFake(t, fakeclio.Options{})
	owner := f.srv.Users()[0]
	if err := ChooseDefaultOwner(ctx, ws, " "+owner.Email+" "); err != nil {
		t.Fatal(err)
	}
	if got, err := SavedDefaultOwner(ctx, ws); err != nil || got != strings.ToLower(owner.Email) {
		t.Fatalf("saved default owner %q (%v)", got, err)
	}
	p, err := Plan(ctx, ws, f.client, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p.DefaultOwner.ClioID != owner.ID || p.DefaultOwner.How != HowSaved || anyContains(p.Blockers, "no person") {
		t.Errorf("saved default owner in the plan: %+v, blockers %v", p.DefaultOwner, p.Blockers)
	}
	res, err := check.Run(ctx, ws, check.Options{Country: "US"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range model.MissingPersonRules {
		var s workspace.FindingSummary
		if s, err = ws.SummarizeFindings(ctx, workspace.FindingFilter{Rule: r, Severity: model.Blocker}); err != nil || s.Total != 0 {
			t.Errorf("%s: %d blockers with a default owner saved (%v)", r, s.Total, err)
		}
	}
	_ = res
	// a saved owner who left the Clio account is a refusal with what to do, not an error
	if err := ChooseDefaultOwner(ctx, ws, "gone@harborlane.example.com"); err != nil {
		t.Fatal(err)
	}
	p, err = Plan(ctx, ws, f.client, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p.DefaultOwner.Problem == "" || !anyContains(p.Blockers, "gone@harborlane.example.com") {
		t.Errorf("a saved default owner who is not a Clio user: %+v, blockers %v", p.DefaultOwner, p.Blockers)
	}
}

func anyContains(list []string, s string) bool {
	for _, x := range list {
		if strings.Contains(x, s) {
			return true
		}
	}
	return false
}
