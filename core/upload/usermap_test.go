package upload

import (
	"context"
	"errors"
	"strings"
	"testing"

	"handover/core/model"
	"handover/internal/fakeclio"
	"handover/internal/synth"
)

// Choices are kept in the project: they survive closing it, a new choice
// for the same legacy user (however spelled) replaces the old one, and a
// zero calendar forgets the calendar choice.
func TestChoicesAreKeptInTheProject(t *testing.T) {
	ctx := context.Background()
	path := demoProject(t)
	ws := openWS(t, path)
	c, err := LoadChoices(ctx, ws)
	if err != nil || len(c.Users) != 0 || len(c.Calendars) != 0 {
		t.Fatalf("a fresh project has choices %+v (%v)", c, err)
	}
	if err := ChooseUser(ctx, ws, "XX", "dkim@harborlane.example.com"); err != nil {
		t.Fatal(err)
	}
	if err := ChooseUser(ctx, ws, " xx ", "SOrtiz@harborlane.example.com "); err != nil {
		t.Fatal(err)
	}
	if err := ChooseUser(ctx, ws, "Front Desk", ""); err != nil {
		t.Fatal(err)
	}
	if err := ChooseCalendar(ctx, ws, "hlane@harborlane.example.com", CalendarChoice{ID: 777001, Name: "Firm Calendar"}); err != nil {
		t.Fatal(err)
	}
	if err := ChooseCalendar(ctx, ws, "dkim@harborlane.example.com", CalendarChoice{ID: 5, Name: "x"}); err != nil {
		t.Fatal(err)
	}
	if err := ChooseCalendar(ctx, ws, "DKIM@harborlane.example.com", CalendarChoice{}); err != nil {
		t.Fatal(err)
	}
	ws.Close()

	ws = openWS(t, path)
	c, err = LoadChoices(ctx, ws)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Users) != 2 || c.Users["xx"] != "SOrtiz@harborlane.example.com" {
		t.Errorf("users after reopening: %v", c.Users)
	}
	if v, ok := c.Users["Front Desk"]; !ok || v != "" {
		t.Errorf("leave unassigned not kept: %v", c.Users)
	}
	if len(c.Calendars) != 1 || c.Calendars["hlane@harborlane.example.com"].ID != 777001 {
		t.Errorf("calendars after reopening: %v", c.Calendars)
	}
	// back to the automatic match: the choice goes, however spelled; the others stay
	if err := ForgetUser(ctx, ws, "XX "); err != nil {
		t.Fatal(err)
	}
	if c, err = LoadChoices(ctx, ws); err != nil || len(c.Users) != 1 || len(c.Calendars) != 1 {
		t.Errorf("after forgetting XX: %+v (%v)", c, err)
	}
	if _, ok := c.Users["Front Desk"]; !ok {
		t.Errorf("forgetting XX dropped another choice: %v", c.Users)
	}
	// an unreadable setting is an error with what to do, and a new choice starts over
	if err := ws.SetSetting(ctx, SettingChoices, "{not json"); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadChoices(ctx, ws); err == nil || !strings.Contains(err.Error(), "Upload screen") {
		t.Errorf("corrupt choices: %v", err)
	}
	if err := ChooseUser(ctx, ws, "XX", "dkim@harborlane.example.com"); err != nil {
		t.Fatal(err)
	}
	if c, err := LoadChoices(ctx, ws); err != nil || c.Users["XX"] != "dkim@harborlane.example.com" {
		t.Errorf("after starting over: %v %v", c, err)
	}
}

func userMatch(p *PlanResult, legacy string) *UserMatch {
	for i := range p.Users {
		if p.Users[i].Legacy == legacy {
			return &p.Users[i]
		}
	}
	return nil
}

func planOf(t *testing.T, p *PlanResult, e model.Entity) TypePlan {
	t.Helper()
	for _, tp := range p.Types {
		if tp.Entity == e {
			return tp
		}
	}
	t.Fatalf("no %s in the plan", e)
	return TypePlan{}
}

// A user chosen on the Upload screen settles the planted unknown "XX": the
// plan and a real run (no --allow-blockers needed for it) use it, and a
// --user-map entry wins over it for that run.
func TestChosenUserSettlesTheUnmatched(t *testing.T) {
	ctx := context.Background()
	f := startFake(t, fakeclio.Options{})
	ws := openWS(t, demoProject(t))
	p, err := Plan(ctx, ws, f.client, Options{AllowBlockers: true})
	if err != nil {
		t.Fatal(err)
	}
	xx := userMatch(p, "XX")
	if xx == nil || xx.Settled() || len(p.Unmatched) != 1 {
		t.Fatalf("XX before a choice: %+v, unmatched %v", xx, p.Unmatched)
	}
	if len(p.ClioUsers) != len(synth.Lawyers) {
		t.Errorf("the plan lists %d Clio users to choose from, want %d", len(p.ClioUsers), len(synth.Lawyers))
	}
	skips := planOf(t, p, model.TimeEntries).Skips

	dk := synth.Lawyers[3].Email
	if err := ChooseUser(ctx, ws, "XX", dk); err != nil {
		t.Fatal(err)
	}
	p, err = Plan(ctx, ws, f.client, Options{AllowBlockers: true})
	if err != nil {
		t.Fatal(err)
	}
	xx = userMatch(p, "XX")
	if xx == nil || xx.How != HowChosen || xx.ClioEmail != dk || len(p.Unmatched) != 0 {
		t.Fatalf("XX after choosing %s: %+v, unmatched %v", dk, xx, p.Unmatched)
	}
	if got := planOf(t, p, model.TimeEntries).Skips; got != skips-1 {
		t.Errorf("time entries skipped: %d, want %d (XX's entry is sent now)", got, skips-1)
	}
	for _, b := range p.Blockers {
		if strings.Contains(b, `"XX"`) {
			t.Errorf("XX still a blocker: %s", b)
		}
	}
	// the run's user map wins
	p, err = Plan(ctx, ws, f.client, Options{AllowBlockers: true, UserMap: map[string]string{"xx": synth.Lawyers[0].Email}})
	if err != nil {
		t.Fatal(err)
	}
	if xx = userMatch(p, "XX"); xx.How != HowUserMap || xx.ClioEmail != synth.Lawyers[0].Email {
		t.Errorf("--user-map did not win: %+v", xx)
	}
	// a choice of someone who is not in this Clio account is a problem, not a silent default
	if err := ChooseUser(ctx, ws, "XX", "gone@example.com"); err != nil {
		t.Fatal(err)
	}
	p, err = Plan(ctx, ws, f.client, Options{AllowBlockers: true})
	if err != nil {
		t.Fatal(err)
	}
	if xx = userMatch(p, "XX"); xx.Settled() || !strings.Contains(xx.Problem, "gone@example.com") {
		t.Errorf("a choice outside the account: %+v", xx)
	}
}

// Leaving a legacy user unassigned is a decision: it no longer blocks, the
// matters of an unassigned attorney go without one, and what Clio cannot
// take without a person is skipped with the reason.
func TestLeaveUnassigned(t *testing.T) {
	ctx := context.Background()
	f := startFake(t, fakeclio.Options{})
	ws := openWS(t, demoProject(t))
	for _, legacy := range []string{"XX", "HL"} {
		if err := ChooseUser(ctx, ws, legacy, ""); err != nil {
			t.Fatal(err)
		}
	}
	rec, err := Run(ctx, ws, f.client, Options{AllowBlockers: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := rec.Check(); err != nil {
		t.Fatal(err)
	}
	var unassigned int
	for _, s := range rec.Skips {
		if strings.Contains(s.Message, "left unassigned") {
			unassigned++
			if s.Entity != model.TimeEntries {
				t.Errorf("skipped as unassigned: %s %s: %s", s.Entity, s.Key, s.Message)
			}
		}
	}
	if unassigned == 0 {
		t.Error("no time entry skipped for an unassigned user")
	}
	// HL's matters arrived without a responsible attorney
	st := f.srv.Snapshot()
	var without int
	for _, m := range st.Resources["matters"] {
		if m["responsible_attorney"] == nil {
			without++
		}
	}
	if without == 0 {
		t.Error("every matter has a responsible attorney although HL was left unassigned")
	}
	specViolations(t, f)

	// without --allow-blockers the refusal (the demo keeps other blockers) no longer names XX
	_, err = Run(ctx, openWS(t, demoProject(t)), f.client, Options{UserMap: map[string]string{"XX": ""}})
	var ref *Refusal
	if !errors.As(err, &ref) {
		t.Fatalf("want a refusal for the demo's other blockers, got %v", err)
	}
	for _, r := range ref.Reasons {
		if strings.Contains(r, `"XX"`) {
			t.Errorf("XX left unassigned by the user map still refused: %s", r)
		}
	}
}

// A calendar chosen for a legacy calendar owner takes that owner's events,
// also when the owner is no Clio user at all.
func TestChosenCalendar(t *testing.T) {
	ctx := context.Background()
	f := startFake(t, fakeclio.Options{Users: fakeclio.DemoUsers()[1:]}) // Helen Lane is not in this Clio
	ws := openWS(t, demoProject(t))
	owner := synth.Lawyers[0].Email
	p, err := Plan(ctx, ws, f.client, Options{AllowBlockers: true})
	if err != nil {
		t.Fatal(err)
	}
	var firm int64
	for _, c := range p.ClioCalendars {
		if c.Type == "AccountCalendar" {
			firm = int64(c.ID)
		}
	}
	if firm == 0 {
		t.Fatalf("no firm calendar to choose among %v", p.ClioCalendars)
	}
	if m := userMatch(p, owner); m == nil || m.Settled() {
		t.Fatalf("%s should need a choice: %+v", owner, m)
	}
	if err := ChooseCalendar(ctx, ws, owner, CalendarChoice{ID: firm, Name: "Firm Calendar"}); err != nil {
		t.Fatal(err)
	}
	p, err = Plan(ctx, ws, f.client, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if m := userMatch(p, owner); !m.Settled() {
		t.Errorf("a calendar-only owner with a chosen calendar is still unmatched: %+v", m)
	}
	var cm *CalendarMatch
	for i := range p.Calendars {
		if p.Calendars[i].Legacy == owner {
			cm = &p.Calendars[i]
		}
	}
	if cm == nil || cm.CalendarID != firm || cm.How != HowChosen || cm.CalendarName != "Firm Calendar" || cm.Events == 0 {
		t.Fatalf("calendar match: %+v", cm)
	}
	rec, err := Run(ctx, ws, f.client, Options{AllowBlockers: true})
	if err != nil {
		t.Fatal(err)
	}
	// some of the owner's events are skipped for other reasons (their matter
	// names Helen Lane as attorney, or has a blocker), none for the owner
	for _, s := range rec.Skips {
		if s.Entity == model.CalendarEvents && strings.Contains(s.Message, owner) {
			t.Errorf("event skipped for its owner: %s", s.Message)
		}
	}
	var inFirm int64
	for _, e := range f.srv.Snapshot().Resources["calendar_entries"] {
		if o, ok := e["calendar_owner"].(map[string]any); ok && idOf(o) == idOf(firm) {
			inFirm++
		}
	}
	if inFirm == 0 || inFirm > cm.Events {
		t.Errorf("%d events in the firm calendar, want 1..%d (%d created)", inFirm, cm.Events, rec.Created[model.CalendarEvents])
	}
	specViolations(t, f)
}
