package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gokeyring "github.com/zalando/go-keyring"

	"handover/core/clio"
	"handover/core/model"
	"handover/core/secrets"
	"handover/core/upload"
	"handover/internal/fakeclio"
)

// The user map: a header line is skipped, and an empty e-mail (or "-")
// leaves the legacy user unassigned on purpose.
func TestReadUserMap(t *testing.T) {
	p := filepath.Join(t.TempDir(), "users.csv")
	os.WriteFile(p, []byte("\ufefflegacy,clio_email\nXX,dkim@harborlane.example.com\nFront Desk,\nTemp,-\n\n"), 0o600)
	m, err := readUserMap(p)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"XX": "dkim@harborlane.example.com", "Front Desk": "", "Temp": ""}
	if len(m) != len(want) {
		t.Fatalf("got %v, want %v", m, want)
	}
	for k, v := range want {
		if got, ok := m[k]; !ok || got != v {
			t.Errorf("%q → %q (%v), want %q", k, got, ok, v)
		}
	}
	// an unassigned first line is not taken for a header
	os.WriteFile(p, []byte("Front Desk,\n"), 0o600)
	if m, err := readUserMap(p); err != nil || len(m) != 1 {
		t.Errorf("first line unassigned: %v %v", m, err)
	}
	os.WriteFile(p, []byte("only-one-column\n"), 0o600)
	if _, err := readUserMap(p); err == nil {
		t.Error("a one-column line was accepted")
	}
}

// signedInFake starts a local Clio with the demo firm's lawyers as users and
// signs the command line in to it (in the in-memory keyring).
func signedInFake(t *testing.T) (*fakeclio.Server, string) {
	t.Helper()
	gokeyring.MockInit()
	home := t.TempDir()
	for _, k := range []string{"HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"} {
		t.Setenv(k, home)
	}
	t.Setenv(clio.EnvBaseURL, "")
	users := fakeclio.DemoUsers()
	fake, err := fakeclio.New(fakeclio.Options{RateLimit: 100000, Users: users})
	if err != nil {
		t.Fatal(err)
	}
	base, err := fake.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fake.Close() })
	fake.RegisterClient("handover-test", "test-secret", "http://127.0.0.1:1/callback")
	_, refresh := fake.IssueToken("handover-test")
	store, _ := secrets.Open(secrets.Service)
	for k, v := range map[string]string{clio.KeyClientID(base): "handover-test", clio.KeyClientSecret(base): "test-secret", clio.KeyRefreshToken(base): refresh} {
		if err := store.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	return fake, base
}

// handover upload --default-owner: the dry run's plan counts the records
// with no person per type and names who gets them; the upload puts the demo
// firm's event without an ORGANIZER on that user's calendar and ends with
// failed: 0; the project keeps the choice for the next run.
func TestUploadDefaultOwner(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	fake, base := signedInFake(t)
	dir := t.TempDir()
	if _, err := RunDemo(context.Background(), dir, io.Discard); err != nil {
		t.Fatal(err)
	}
	project := filepath.Join(dir, "harbor-lane.handover")
	owner := fake.Users()[2]

	code, out, errs := run("upload", "-w", project, "--base-url", base, "--dry-run", "--json")
	if code != 0 {
		t.Fatalf("dry run: exit %d\n%s", code, errs)
	}
	var j struct {
		Plan struct {
			Types []struct {
				Entity       string `json:"entity"`
				DefaultOwner int64  `json:"default_owner"`
			} `json:"types"`
			DefaultOwner struct {
				Email   string           `json:"email"`
				ClioID  int64            `json:"clio_id"`
				Records map[string]int64 `json:"records"`
				Total   int64            `json:"total"`
			} `json:"default_owner"`
			Blockers []string `json:"blockers"`
		} `json:"plan"`
		Created map[string]int64 `json:"created"`
		Failed  map[string]int64 `json:"failed"`
	}
	if err := json.Unmarshal([]byte(out), &j); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	noOwner := j.Plan.DefaultOwner.Records["calendar_events"]
	if noOwner == 0 || j.Plan.DefaultOwner.ClioID != 0 || !strings.Contains(strings.Join(j.Plan.Blockers, "\n"), "--default-owner") {
		t.Fatalf("dry run without a default owner: %+v", j.Plan)
	}

	code, _, errs = run("upload", "-w", project, "--base-url", base, "--default-owner", "nobody@example.com", "--dry-run")
	if code == 0 || !strings.Contains(errs, "nobody@example.com") {
		t.Errorf("an unknown default owner: exit %d, %s", code, errs)
	}

	code, out, errs = run("upload", "-w", project, "--base-url", base, "--default-owner", owner.Email, "--dry-run", "--json")
	if code != 0 {
		t.Fatalf("dry run: exit %d\n%s", code, errs)
	}
	j.Plan.Types = nil
	if err := json.Unmarshal([]byte(out), &j); err != nil {
		t.Fatal(err)
	}
	if j.Plan.DefaultOwner.ClioID != owner.ID || j.Plan.DefaultOwner.Records["calendar_events"] != noOwner {
		t.Errorf("plan with --default-owner: %+v", j.Plan.DefaultOwner)
	}
	for _, tp := range j.Plan.Types {
		if tp.DefaultOwner != j.Plan.DefaultOwner.Records[tp.Entity] {
			t.Errorf("%s: %d records use the default owner, %d have no person", tp.Entity, tp.DefaultOwner, j.Plan.DefaultOwner.Records[tp.Entity])
		}
	}

	// the dry run kept it in the project: the real run needs no flag
	code, out, errs = run("upload", "-w", project, "--base-url", base, "--allow-blockers", "--json")
	if code != 0 {
		t.Fatalf("upload: exit %d\n%s", code, errs)
	}
	if err := json.Unmarshal([]byte(out), &j); err != nil {
		t.Fatal(err)
	}
	for e, n := range j.Failed {
		if n != 0 {
			t.Errorf("failed %s: %d", e, n)
		}
	}
	onOwners := int64(0)
	for _, ev := range fake.Snapshot().Resources["calendar_entries"] {
		if c, _ := ev["calendar_owner"].(map[string]any); fmt.Sprint(c["id"]) == fmt.Sprint(owner.CalendarID) {
			onOwners++
		}
	}
	t.Logf("%d events with no owner, %d on the default owner's calendar; created %v", noOwner, onOwners, j.Created)
	if onOwners < noOwner {
		t.Errorf("%d events on the default owner's calendar, want at least the %d with no owner", onOwners, noOwner)
	}
}

// The printed plan says who gets the records with no person, or that
// nobody does yet and how to say who.
func TestPrintPlanDefaultOwner(t *testing.T) {
	var b strings.Builder
	p := &upload.PlanResult{DefaultOwner: upload.DefaultOwnerPlan{Records: map[model.Entity]int64{model.CalendarEvents: 3, model.Tasks: 2}, Total: 5}}
	printPlan(&b, p)
	if !strings.Contains(b.String(), "Records with no person: 2 tasks, 3 calendar_events; NO DEFAULT OWNER: give --default-owner EMAIL") {
		t.Errorf("without a default owner:\n%s", b.String())
	}
	b.Reset()
	p.DefaultOwner.Email, p.DefaultOwner.Name, p.DefaultOwner.ClioID, p.DefaultOwner.How = "hl@firm.example", "Helen Lane", 7, upload.HowSaved
	printPlan(&b, p)
	if !strings.Contains(b.String(), "Records with no person go to Helen Lane <hl@firm.example> (saved in the project): 2 tasks, 3 calendar_events.") {
		t.Errorf("with a default owner:\n%s", b.String())
	}
}
