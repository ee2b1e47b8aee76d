package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	gokeyring "github.com/zalando/go-keyring"

	"handover/core/clio"
	"handover/core/lease"
	"handover/core/secrets"
	"handover/core/workspace"
	"handover/internal/fakeclio"
)

// TestLeaseHelperProcess is not a test: the tests below start it as a
// separate `handover` process (this test binary running cli.Main), signed in
// to the local Clio through its own in-memory keyring.
func TestLeaseHelperProcess(t *testing.T) {
	argsJSON := os.Getenv("HANDOVER_LEASE_HELPER")
	if argsJSON == "" {
		t.Skip("started by the lease tests only")
	}
	var args []string
	json.Unmarshal([]byte(argsJSON), &args)
	gokeyring.MockInit()
	store, _ := secrets.Open(secrets.Service)
	base := os.Getenv("HANDOVER_LEASE_BASE")
	store.Set(clio.KeyClientID(base), "handover-test")
	store.Set(clio.KeyClientSecret(base), "test-secret")
	store.Set(clio.KeyRefreshToken(base), os.Getenv("HANDOVER_LEASE_REFRESH"))
	os.Exit(Main(args, os.Stdout, os.Stderr))
}

type helperProc struct {
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
}

func startHandover(t *testing.T, base, refresh string, args ...string) *helperProc {
	t.Helper()
	a, _ := json.Marshal(args)
	p := &helperProc{cmd: exec.Command(os.Args[0], "-test.run=^TestLeaseHelperProcess$", "-test.count=1")}
	p.cmd.Env = append(os.Environ(), "HANDOVER_LEASE_HELPER="+string(a), "HANDOVER_LEASE_BASE="+base, "HANDOVER_LEASE_REFRESH="+refresh)
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return p
}

func (p *helperProc) wait() int {
	p.cmd.Wait()
	return p.cmd.ProcessState.ExitCode()
}

// leaseFake is a local Clio slow enough (a few ms a request) that an upload
// of the demo firm lasts seconds, with the demo firm's lawyers as users.
func leaseFake(t *testing.T) (*fakeclio.Server, string, string) {
	t.Helper()
	users := fakeclio.DemoUsers()
	fake, err := fakeclio.New(fakeclio.Options{RateLimit: 100000, Users: users, Latency: 4 * time.Millisecond})
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
	return fake, base, refresh
}

func demoProject(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if _, err := RunDemo(context.Background(), dir, io.Discard); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "harbor-lane.handover")
}

// waitHolder waits until someone holds the project's lease.
func waitHolder(t *testing.T, project string, p *helperProc) {
	t.Helper()
	ws, err := workspace.Open(project)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if h, _ := lease.Current(context.Background(), ws); h != nil {
			return
		}
		if p.cmd.ProcessState != nil {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("the first upload never took the lease\nstdout %s\nstderr %s", p.stdout.String(), p.stderr.String())
}

func liveCounts(st fakeclio.State) map[string]int {
	out := map[string]int{}
	for coll, recs := range st.Resources {
		out[coll] = len(recs)
	}
	return out
}

// Two `handover upload` processes started on one project: the second is
// refused at once with who holds it (exit 1), and Clio ends as after one
// upload — every record once.
func TestTwoUploadsOnOneProject(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end, two processes")
	}
	fake, base, refresh := leaseFake(t)
	project := demoProject(t)
	owner := fake.Users()[0].Email
	args := []string{"upload", "-w", project, "--base-url", base, "--default-owner", owner, "--allow-blockers", "--json"}

	first := startHandover(t, base, refresh, args...)
	waitHolder(t, project, first)
	second := startHandover(t, base, refresh, args...)
	if code := second.wait(); code != 1 {
		t.Errorf("the second upload: exit %d, want 1\n%s", code, second.stderr.String())
	}
	host, _ := os.Hostname()
	if want := "This migration is being uploaded to Clio from " + host; !strings.Contains(second.stderr.String(), want) ||
		!strings.Contains(second.stderr.String(), "Wait for it to finish, or close Handover there.") {
		t.Errorf("the refusal does not say who holds the project:\n%s", second.stderr.String())
	}
	if second.stdout.Len() != 0 {
		t.Errorf("the refused upload printed a result: %s", second.stdout.String())
	}
	if code := first.wait(); code != 0 {
		t.Fatalf("the first upload: exit %d\n%s", code, first.stderr.String())
	}
	var res struct {
		Created map[string]int64 `json:"created"`
		Failed  map[string]int64 `json:"failed"`
	}
	if err := json.Unmarshal(first.stdout.Bytes(), &res); err != nil {
		t.Fatalf("%v\n%s", err, first.stdout.String())
	}
	st := fake.Snapshot()
	var created int64
	for _, n := range res.Created {
		created += n
	}
	var posted int
	for _, n := range st.Creates {
		posted += n
	}
	// Every POST Clio took is one the first upload counted (plus the setup
	// it makes: practice areas, activity descriptions, custom fields, folders).
	if int64(posted) < created || st.Creates["contacts"] != int(res.Created["contacts"]) || st.Creates["matters"] != int(res.Created["matters"]) {
		t.Errorf("Clio took %v, the upload counted %v", st.Creates, res.Created)
	}
	// The lease was given back: the next upload runs, and creates nothing twice.
	again := startHandover(t, base, refresh, args...)
	if code := again.wait(); code != 0 {
		t.Fatalf("an upload after the first finished: exit %d\n%s", code, again.stderr.String())
	}
	if after := fake.Snapshot(); fmt.Sprint(liveCounts(after)) != fmt.Sprint(liveCounts(st)) {
		t.Errorf("a second, sequential upload changed Clio: %v → %v", liveCounts(st), liveCounts(after))
	}
}

// kill -9 of the lease holder mid-upload: the next run takes the lease over
// (logged in the project), completes, and Clio ends exactly as after one
// uninterrupted upload on a fresh Clio.
func TestKilledHolderTakenOver(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end, two processes")
	}
	fake, base, refresh := leaseFake(t)
	project := demoProject(t)
	owner := fake.Users()[0].Email
	args := []string{"upload", "-w", project, "--base-url", base, "--default-owner", owner, "--allow-blockers", "--json"}

	killed := startHandover(t, base, refresh, args...)
	deadline := time.Now().Add(60 * time.Second)
	for fake.Snapshot().Creates["matters"] < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("the upload never got to the matters\n%s", killed.stderr.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	killed.cmd.Process.Signal(syscall.SIGKILL)
	killed.wait()

	next := startHandover(t, base, refresh, args...)
	if code := next.wait(); code != 0 {
		t.Fatalf("the run after the kill: exit %d\n%s", code, next.stderr.String())
	}
	ws, err := workspace.Open(project)
	if err != nil {
		t.Fatal(err)
	}
	log, _ := lease.Log(context.Background(), ws)
	h, _ := lease.Current(context.Background(), ws)
	ws.Close()
	if len(log) != 1 || !strings.Contains(log[0], "took over") {
		t.Errorf("the take-over is not in the project's history: %q", log)
	}
	if h != nil {
		t.Errorf("the finished run left its lease: %+v", h)
	}

	// One uninterrupted upload of the same firm on a fresh Clio.
	clean, cleanBase, cleanRefresh := leaseFake(t)
	one := startHandover(t, cleanBase, cleanRefresh, append([]string{"upload", "-w", demoProject(t), "--base-url", cleanBase},
		args[4:]...)...)
	if code := one.wait(); code != 0 {
		t.Fatalf("the uninterrupted upload: exit %d\n%s", code, one.stderr.String())
	}
	got, want := liveCounts(fake.Snapshot()), liveCounts(clean.Snapshot())
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("after kill -9 and a take-over Clio holds %v; one clean upload gives %v", got, want)
	}
}
