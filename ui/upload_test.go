package ui

import (
	"context"
	"testing"
	"time"

	"handover/core/clio"
	"handover/core/clio/fakeclio"
	"handover/core/model"
	"handover/core/readiness"
	"handover/core/synth"
)

// The Upload screen against a local Clio: plan, upload, the numbers add up,
// then take it all back.
func TestUploadToALocalClioAndRevert(t *testing.T) {
	u := demoApp(t)
	ctx := context.Background()
	if err := readiness.Acknowledge(ctx, u.Project(), "Dana Office", time.Now(), time.Now()); err != nil {
		t.Fatal(err)
	}
	var users []fakeclio.User
	for _, l := range synth.Lawyers {
		users = append(users, fakeclio.User{FirstName: l.First, LastName: l.Last, Initials: l.Initials, Email: l.Email})
	}
	srv, err := fakeclio.New(fakeclio.Options{RateLimit: 100000, Window: time.Second, Users: users, DisableFieldsCatalog: true})
	if err != nil {
		t.Fatal(err)
	}
	base, err := srv.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
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
