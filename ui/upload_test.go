package ui

import (
	"context"
	"errors"
	"fmt"
	"image/png"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/zalando/go-keyring"

	"handover/core/clio"
	"handover/core/model"
	"handover/core/readiness"
	"handover/core/secrets"
	"handover/core/upload"
	"handover/core/workspace"
	"handover/internal/fakeclio"
	"handover/internal/synth"
)

// demoAppAndClio opens the demo firm with its cut-off acknowledged, beside a
// local Clio whose users are the firm's lawyers.
func demoAppAndClio(t *testing.T) (*App, *fakeclio.Server, string) {
	t.Helper()
	u := demoApp(t)
	if err := readiness.Acknowledge(context.Background(), u.Project(), "Dana Office", time.Now(), time.Now()); err != nil {
		t.Fatal(err)
	}
	users := fakeclio.DemoUsers()
	srv, err := fakeclio.New(fakeclio.Options{RateLimit: 100000, Window: time.Second, Users: users, DisableFieldsCatalog: true})
	if err != nil {
		t.Fatal(err)
	}
	base, err := srv.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return u, srv, base
}

// The Upload screen against a local Clio: plan, upload, the numbers add up,
// then take it all back.
func TestUploadToALocalClioAndRevert(t *testing.T) {
	u, srv, base := demoAppAndClio(t)
	ctx := context.Background()
	tok, _ := srv.IssueToken("handover-ui-test")
	c, err := clio.New(base, clio.StaticToken(tok), clio.WithRetry(4, time.Millisecond, 20*time.Millisecond), clio.WithRequestTimeout(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateBankAccount(ctx, clio.BankAccountInput{Type: "Trust", Currency: "USD", Name: "IOLTA Trust"}); err != nil {
		t.Fatal(err)
	}

	u.Show(StepUpload)
	up := u.Screen(StepUpload).(*uploadScreen)
	if !up.PlanButton.Disabled() || !up.UploadButton.Disabled() {
		t.Error("plan/upload possible before signing in")
	}
	up.UseClient(c, base, "Test User <t@example.com>")
	up.AllowBlockers.SetChecked(true) // the demo firm keeps a few blockers on purpose
	up.Plan().Wait()
	p := up.PlanResult()
	if p == nil {
		t.Fatal("no plan")
	}
	counts, _ := u.Project().Counts(ctx)
	for _, tp := range p.Types {
		if tp.Entity == model.Contacts && tp.Records != counts.Records[model.Contacts] {
			t.Errorf("plan has %d contacts, project %d", tp.Records, counts.Records[model.Contacts])
		}
	}
	if st := srv.Snapshot(); st.Creates["contacts"] != 0 {
		t.Fatal("planning created contacts")
	}

	up.Upload().Wait()
	rec := up.Reconciliation()
	if rec == nil {
		t.Fatal("no reconciliation after the upload")
	}
	if err := rec.Check(); err != nil {
		t.Errorf("numbers do not add up: %v", err)
	}
	created := rec.Created[model.Contacts]
	if created == 0 || srv.Snapshot().Creates["contacts"] != int(created) {
		t.Errorf("created %d contacts; Clio saw %d", created, srv.Snapshot().Creates["contacts"])
	}
	if up.RevertButton.Disabled() {
		t.Fatal("revert not offered after an upload")
	}
	up.Revert().Wait()
	if got := up.Reconciliation().Deleted[model.Contacts]; got != created {
		t.Errorf("revert deleted %d contacts, upload created %d", got, created)
	}
	if n := len(srv.Snapshot().Resources["contacts"]); n != 0 {
		t.Errorf("%d contacts left in Clio after the revert", n)
	}
}

// The Upload screen's sign-in, matching editor and sign-out, driven as the
// office manager would against a local Clio: a sign-in kept in the (mock)
// keyring is used without a browser, the plan shows who is who, choosing a
// Clio user for the planted unknown "XX" and a calendar for Helen Lane's
// events is kept in the project and changes the plan, and signing out
// removes the sign-in from the keyring and resets the screen.
func TestUploadMatchingAndSignOut(t *testing.T) {
	keyring.MockInit()
	u, srv, base := demoAppAndClio(t)
	ctx := context.Background()
	srv.RegisterClient("handover-ui", "ui-secret")
	_, refresh := srv.IssueToken("handover-ui")
	store := secrets.Keyring(secrets.Service)
	if err := clio.SaveLogin(store, base, "handover-ui", "ui-secret", &clio.Token{RefreshToken: refresh}); err != nil {
		t.Fatal(err)
	}
	t.Setenv(clio.EnvBaseURL, base) // the region's Clio is the local one

	u.Show(StepUpload)
	up := u.Screen(StepUpload).(*uploadScreen)
	if up.SignedIn() || up.SignOutButton.Visible() {
		t.Fatal("signed in before signing in")
	}
	test.Tap(up.SignIn)
	up.Pending.Wait()
	me := srv.Users()[0]
	host := clio.HostOf(base)
	if !up.SignedIn() || !strings.Contains(up.Account(), me.Email) || !strings.Contains(up.Account(), host) ||
		!strings.Contains(up.Account(), me.FirstName) || !up.SignOutButton.Visible() {
		t.Fatalf("after signing in: %q (sign-out shown %v)", up.Account(), up.SignOutButton.Visible())
	}

	test.Tap(up.PlanButton)
	up.Pending.Wait()
	p := up.PlanResult()
	if p == nil {
		t.Fatal("no plan")
	}
	xx := up.matches.userRow("XX")
	hl := up.matches.userRow("HL")
	if xx == nil || hl == nil {
		t.Fatalf("the editor lacks XX or HL: %d rows", len(up.matches.Users))
	}
	if xx.Select.Selected != "" || !strings.Contains(xx.Status.Text, "Needs a choice") {
		t.Errorf("XX before a choice: %q, %q", xx.Select.Selected, xx.Status.Text)
	}
	if !strings.HasPrefix(hl.Select.Selected, "Helen Lane") || !strings.Contains(hl.Status.Text, "automatically") {
		t.Errorf("HL: %q, %q", hl.Select.Selected, hl.Status.Text)
	}
	if len(p.Unmatched) != 1 {
		t.Fatalf("unmatched before the choice: %v", p.Unmatched)
	}
	skips := timeEntrySkips(p)
	if shot := os.Getenv("HANDOVER_UI_SHOT"); shot != "" {
		captureUpload(t, u, up, shot)
	}

	// choose David Kim for XX, with the editor in view: the plan is worked
	// out again and the view stays where the choice was made
	u.Win.Resize(fyne.NewSize(1180, 760))
	up.scroll.Refresh()
	up.ShowMatching()
	at := up.scroll.Offset
	dk := synth.Lawyers[3]
	option := dk.First + " " + dk.Last + " <" + dk.Email + ">"
	choose(xx.Select, option)
	if up.Pending == nil {
		t.Fatal("choosing a user started nothing")
	}
	up.Pending.Wait()
	if at.Y <= 0 || up.scroll.Offset != at {
		t.Errorf("the view moved from %v to %v after a choice", at, up.scroll.Offset)
	}
	p = up.PlanResult()
	if len(p.Unmatched) != 0 || timeEntrySkips(p) != skips-1 {
		t.Errorf("after choosing: unmatched %v, time entries skipped %d (was %d)", p.Unmatched, timeEntrySkips(p), skips)
	}
	ch, err := upload.LoadChoices(ctx, u.Project())
	if err != nil || ch.Users["XX"] != dk.Email {
		t.Errorf("the project keeps %v (%v), want XX → %s", ch.Users, err, dk.Email)
	}
	if xx = up.matches.userRow("XX"); xx.Select.Selected != option || xx.Status.Text != "Your choice" {
		t.Errorf("XX after the choice: %q, %q", xx.Select.Selected, xx.Status.Text)
	}
	if slices.Contains(up.matches.userRow("HL").Select.Options, matchAutomatically) {
		t.Error("an automatic match offers to match automatically again")
	}

	// and back to the automatic match (there is none for XX), then David Kim again
	if !slices.Contains(xx.Select.Options, matchAutomatically) {
		t.Fatalf("a chosen user cannot go back to the automatic match: %q", xx.Select.Options)
	}
	choose(xx.Select, matchAutomatically)
	up.Pending.Wait()
	ch, _ = upload.LoadChoices(ctx, u.Project())
	if _, kept := ch.Users["XX"]; kept || len(up.PlanResult().Unmatched) != 1 {
		t.Errorf("after going back: choices %v, unmatched %v", ch.Users, up.PlanResult().Unmatched)
	}
	if xx = up.matches.userRow("XX"); xx.Select.Selected != "" || !strings.Contains(xx.Status.Text, "Needs a choice") {
		t.Errorf("XX after going back: %q, %q", xx.Select.Selected, xx.Status.Text)
	}
	choose(xx.Select, option)
	up.Pending.Wait()

	// send Helen Lane's events to the firm's calendar
	owner := synth.Lawyers[0].Email
	cal := up.matches.calendarRow(owner)
	if cal == nil || cal.Select.Selected != ownCalendar {
		t.Fatalf("calendar row for %s: %+v", owner, cal)
	}
	firm := ""
	for _, o := range cal.Select.Options {
		if strings.Contains(o, "the firm's calendar") {
			firm = o
		}
	}
	choose(cal.Select, firm)
	up.Pending.Wait()
	var got *upload.CalendarMatch
	for i, c := range up.PlanResult().Calendars {
		if c.Legacy == owner {
			got = &up.PlanResult().Calendars[i]
		}
	}
	if got == nil || got.How != upload.HowChosen || got.CalendarName != "Firm Calendar" {
		t.Errorf("calendar after the choice: %+v", got)
	}

	// sign out
	up.SignOut().Wait()
	for _, k := range []string{clio.KeyRefreshToken(base), clio.KeyClientID(base), clio.KeyClientSecret(base)} {
		if _, err := store.Get(k); !errors.Is(err, secrets.ErrNotFound) {
			t.Errorf("keyring entry %s after signing out: %v", k, err)
		}
		if _, err := keyring.Get(secrets.Service, k); !errors.Is(err, keyring.ErrNotFound) {
			t.Errorf("raw keyring entry %s after signing out: %v", k, err)
		}
	}
	if up.SignedIn() || up.Account() != notSignedIn || !up.PlanButton.Disabled() || up.SignOutButton.Visible() || up.PlanResult() != nil {
		t.Errorf("after signing out: %q, plan button enabled %v", up.Account(), !up.PlanButton.Disabled())
	}
	if len(up.planBox.Objects) != 0 {
		t.Error("the plan is still shown after signing out")
	}
	// Clio was told: the refresh token no longer works
	ts, err := clio.NewTokenSource(base, secrets.Memory(), clio.TokenSourceOptions{ClientID: "handover-ui", ClientSecret: "ui-secret",
		Initial: &clio.Token{RefreshToken: refresh}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.Token(ctx); err == nil {
		t.Error("the refresh token still works at Clio after signing out")
	}
	// the choices stay in the project
	if ch, _ := upload.LoadChoices(ctx, u.Project()); ch.Users["XX"] != dk.Email {
		t.Errorf("signing out lost the choices: %v", ch)
	}
}

// choose picks an option as the user does. Not SetSelected: it refreshes
// the Select after its OnChanged has started the background work, and the
// headless driver runs that work's UI part on the work's goroutine, which
// the race detector rightly sees as a race that the real driver cannot have.
func choose(s *widget.Select, option string) {
	found := false
	for _, o := range s.Options {
		found = found || o == option
	}
	if !found {
		panic("no option " + option)
	}
	s.Selected = option
	s.OnChanged(option)
}

func timeEntrySkips(p *upload.PlanResult) int64 {
	for _, tp := range p.Types {
		if tp.Entity == model.TimeEntries {
			return tp.Skips
		}
	}
	return -1
}

// captureUpload writes the Upload screen, scrolled to the matching editor, as a PNG.
func captureUpload(t *testing.T, u *App, up *uploadScreen, path string) {
	t.Helper()
	u.Win.Resize(fyne.NewSize(1280, 900))
	up.scroll.Refresh()
	up.ShowMatching()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, u.Win.Canvas().Capture()); err != nil {
		t.Fatal(err)
	}
}

// The Upload screen's "Records your old system left without a person go
// to …": the demo firm's event with no ORGANIZER and time entry with no
// user are counted and need a choice; choosing a Clio user keeps it in the
// project and the plan gives them to that user; "nobody" forgets it again.
func TestUploadDefaultOwnerChoice(t *testing.T) {
	u, srv, base := demoAppAndClio(t)
	ctx := context.Background()
	tok, _ := srv.IssueToken("handover-ui-test")
	c, err := clio.New(base, clio.StaticToken(tok))
	if err != nil {
		t.Fatal(err)
	}
	u.Show(StepUpload)
	up := u.Screen(StepUpload).(*uploadScreen)
	up.UseClient(c, base, "Test User <t@example.com>")
	up.AllowBlockers.SetChecked(true)
	up.Plan().Wait()
	d := up.PlanResult().DefaultOwner
	if d.Records[model.CalendarEvents] != 1 || d.Records[model.TimeEntries] != 1 || d.ClioID != 0 {
		t.Fatalf("the demo firm's records with no person: %+v", d)
	}
	m := up.matches
	if m.DefaultOwner == nil || m.DefaultOwner.Selected != noDefaultOwner || !strings.Contains(m.DefaultOwnerStatus.Text, "Needs a choice") {
		t.Fatalf("before a choice: %+v", m.DefaultOwner)
	}
	skips := timeEntrySkips(up.PlanResult())

	lw := synth.Lawyers[1]
	option := lw.First + " " + lw.Last + " <" + lw.Email + ">"
	choose(m.DefaultOwner, option)
	if up.Pending == nil {
		t.Fatal("choosing a default owner started nothing")
	}
	up.Pending.Wait()
	p := up.PlanResult()
	if p.DefaultOwner.ClioID == 0 || p.DefaultOwner.How != upload.HowSaved || timeEntrySkips(p) != skips-1 {
		t.Errorf("after the choice: %+v, time entries skipped %d (was %d)", p.DefaultOwner, timeEntrySkips(p), skips)
	}
	if saved, _ := upload.SavedDefaultOwner(ctx, u.Project()); saved != strings.ToLower(lw.Email) {
		t.Errorf("the project keeps %q, want %s", saved, lw.Email)
	}
	st := up.matches.DefaultOwnerStatus.Text
	for _, s := range []string{"1 calendar event and 1 time entry", lw.First + " " + lw.Last, "calendar"} {
		if !strings.Contains(st, s) {
			t.Errorf("the status %q does not say %q", st, s)
		}
	}
	if up.matches.DefaultOwner.Selected != option {
		t.Errorf("the choice shows %q", up.matches.DefaultOwner.Selected)
	}
	if shot := os.Getenv("HANDOVER_UI_OWNER_SHOT"); shot != "" {
		u.Win.Resize(fyne.NewSize(1280, 900))
		up.scroll.Refresh()
		up.ShowDefaultOwner()
		f, err := os.Create(shot)
		if err != nil {
			t.Fatal(err)
		}
		png.Encode(f, u.Win.Canvas().Capture())
		f.Close()
	}

	choose(up.matches.DefaultOwner, noDefaultOwner)
	up.Pending.Wait()
	if saved, _ := upload.SavedDefaultOwner(ctx, u.Project()); saved != "" || up.PlanResult().DefaultOwner.ClioID != 0 {
		t.Errorf("after choosing nobody: saved %q, plan %+v", saved, up.PlanResult().DefaultOwner)
	}
}

// The Readiness screen's finding for the event with no ORGANIZER is one
// question, and its dialog leads to the Upload screen where it is answered.
func TestMissingOwnerFindingLeadsToTheUploadScreen(t *testing.T) {
	u, r := checkedDemo(t)
	var f workspace.StoredFinding
	for i := 0; i < r.Total(); i++ {
		if g, _ := r.FindingAt(i); g.Rule == model.RuleCalendarMissingOwner {
			if f.Rule != "" {
				t.Fatal("two findings for the demo firm's one calendar file with an event with no owner")
			}
			f = g
		}
	}
	if f.Rule == "" || f.Severity != model.Blocker || !strings.Contains(f.Fix, "default owner") {
		t.Fatalf("the missing-owner finding: %+v", f)
	}
	r.ShowRecord(f)
	u.Settle()
	if r.ChooseOwner == nil {
		t.Fatal("the dialog offers no way to the default owner")
	}
	test.Tap(r.ChooseOwner)
	if u.Current() != StepUpload {
		t.Errorf("after the button the app shows step %v", u.Current())
	}
}

// A warning on a good share of a file's rows is one line in the Readiness
// table, about no one record, and its dialog opens (it lists the rows from
// the project in the background).
func TestColumnFindingIsOneRowInTheTable(t *testing.T) {
	u := demoApp(t)
	ws := u.Project()
	ctx := context.Background()
	st, err := ws.BeginSource(ctx, workspace.SourceInfo{Path: "/x/leads.csv", Name: "leads.csv", Format: "csv", System: "Intake"})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 40; i++ {
		ph := fmt.Sprintf("650-253-%04d", i)
		if i%4 == 0 {
			ph = fmt.Sprint("ext ", i)
		}
		c := &model.Contact{Type: "Person", FirstName: "Ann", LastName: fmt.Sprint("Lead", i), Phones: []model.Phone{{Name: "Work", Number: ph}}}
		if err := st.Stage(ctx, workspace.Row{Num: int64(i + 1), Raw: []string{fmt.Sprint(i)},
			Records: []model.Record{{Entity: model.Contacts, Key: fmt.Sprint("intake:contacts:", i), Data: c}}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	u.Show(StepReadiness)
	r := u.Screen(StepReadiness).(*readinessScreen)
	r.RunCheck().Wait()
	var rows []workspace.StoredFinding
	for i := 0; i < r.Total(); i++ {
		if f, _ := r.FindingAt(i); f.Source == "leads.csv" {
			rows = append(rows, f)
		}
	}
	if len(rows) != 1 || rows[0].RecordKey != "" || rows[0].Rule != model.RulePhoneInvalid || !strings.Contains(rows[0].Message, "10 of the 40") {
		t.Fatalf("leads.csv in the table: %+v", rows)
	}
	if d := r.ShowRecord(rows[0]); d == nil {
		t.Fatal("no dialog")
	}
	u.Settle()
	if shot := os.Getenv("HANDOVER_UI_COLUMN_SHOT"); shot != "" {
		f, _ := os.Create(shot)
		png.Encode(f, u.Win.Canvas().Capture())
		f.Close()
	}
}
