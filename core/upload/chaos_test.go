package upload

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"handover/core/clio"
	"handover/core/model"
	"handover/internal/fakeclio"
)

// reference runs the demo upload on a fault-free Clio and returns what Clio holds.
func reference(t *testing.T) (map[string][]string, *Reconciliation) {
	t.Helper()
	f := startFake(t, fakeclio.Options{})
	seedExisting(t, f)
	ws := openWS(t, demoProject(t))
	rec, err := Run(context.Background(), ws, f.client, Options{AllowBlockers: true})
	if err != nil {
		t.Fatal(err)
	}
	if rec.Linked[model.Contacts] != 2 {
		t.Fatalf("reference run linked %d contacts, want the 2 already in Clio", rec.Linked[model.Contacts])
	}
	return content(f.srv.Snapshot()), rec
}

// seedExisting puts two of the firm's contacts into Clio before the import
// (the firm started using Clio already): the upload must link them, also
// when it resumes after a crash next to a half-created contact.
func seedExisting(t testing.TB, f *fake) {
	t.Helper()
	for _, c := range []clio.ContactInput{
		{Type: "Person", FirstName: "Thomas", LastName: "Silva", EmailAddresses: []clio.EmailAddressInput{{Name: "Work", Address: "thomas.silva@example.net"}}},
		{Type: "Person", FirstName: "Victor", LastName: "Tanaka", PhoneNumbers: []clio.PhoneNumberInput{{Name: "Work", Number: "617-555-0108"}}},
	} {
		if _, err := f.client.CreateContact(context.Background(), c); err != nil {
			t.Fatal(err)
		}
	}
}

func sameCounts(t *testing.T, want, got *Reconciliation) {
	t.Helper()
	for _, e := range model.Entities {
		if want.Created[e] != got.Created[e] || want.Linked[e] != got.Linked[e] || want.Skipped[e] != got.Skipped[e] || got.Failed[e] != want.Failed[e] {
			t.Errorf("%s: created %d linked %d skipped %d failed %d, want %d/%d/%d/%d", e, got.Created[e], got.Linked[e], got.Skipped[e], got.Failed[e],
				want.Created[e], want.Linked[e], want.Skipped[e], want.Failed[e])
		}
	}
}

// TestChaos: 20% of API requests fail (429, 500, 503, connection resets,
// commit-then-drop, timeouts); the final Clio state must equal the
// fault-free run's, record for record.
func TestChaos(t *testing.T) {
	want, wantRec := reference(t)
	seeds := []int64{1}
	if os.Getenv("HANDOVER_CHAOS_SEEDS") != "" { // more seeds: HANDOVER_CHAOS_SEEDS=1 (each ~30 s, mostly 429 Retry-After waits)
		seeds = []int64{1, 2, 3, 4, 5}
	}
	for _, seed := range seeds {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			faults := fakeclio.Faults{Rate: 0.2, Seed: seed, TimeoutDelay: 5 * time.Second,
				Kinds: []fakeclio.FaultKind{fakeclio.Fault429, fakeclio.Fault500, fakeclio.Fault503, fakeclio.FaultReset, fakeclio.FaultCommitThenDrop, fakeclio.FaultTimeout}}
			f := startFake(t, fakeclio.Options{})
			seedExisting(t, f)
			f.srv.SetFaults(faults)
			f.client = f.newClient(t, clio.WithRequestTimeout(300*time.Millisecond), clio.WithRetry(30, time.Millisecond, 10*time.Millisecond))
			ws := openWS(t, demoProject(t))
			var rec *Reconciliation
			var err error
			for i := 0; i < 20; i++ { // a run stops when Clio stays unreachable; the user runs it again
				rec, err = Run(context.Background(), ws, f.client, Options{AllowBlockers: true})
				if err == nil {
					break
				}
				t.Logf("run %d stopped: %v", i+1, err)
			}
			if err != nil {
				t.Fatal(err)
			}
			st := f.srv.Snapshot()
			t.Logf("faults %v, maybe-committed %d, requests %d", st.Faults, f.client.Stats().MaybeCommitted, st.APIRequests)
			if st.Faults[fakeclio.FaultCommitThenDrop] == 0 {
				t.Errorf("no commit-then-drop fault was injected")
			}
			diffContent(t, want, content(st))
			sameCounts(t, wantRec, rec)
		})
	}
}

// TestCrashCancel pauses (ctx cancel) at a random point, then resumes, many times.
func TestCrashCancel(t *testing.T) {
	want, wantRec := reference(t)
	trials := 20
	if testing.Short() {
		trials = 5
	}
	rng := rand.New(rand.NewPCG(7, 7))
	for i := 0; i < trials; i++ {
		f := startFake(t, fakeclio.Options{Latency: 200 * time.Microsecond})
		seedExisting(t, f)
		ws := openWS(t, demoProject(t))
		// a few pauses per trial, each after a random number of records
		for p := 0; p < 3; p++ {
			ctx, cancel := context.WithCancel(context.Background())
			n := 5 + rng.IntN(150)
			done := 0
			_, err := Run(ctx, ws, f.client, Options{AllowBlockers: true, Progress: func(Progress) {
				done++
				if done == n {
					cancel()
				}
			}})
			cancel()
			if err != nil && !errors.Is(err, context.Canceled) {
				t.Fatalf("trial %d: %v", i, err)
			}
		}
		rec, err := Run(context.Background(), ws, f.client, Options{AllowBlockers: true})
		if err != nil {
			t.Fatalf("trial %d resume: %v", i, err)
		}
		diffContent(t, want, content(f.srv.Snapshot()))
		sameCounts(t, wantRec, rec)
		if t.Failed() {
			t.Fatalf("trial %d failed", i)
		}
	}
}

// TestCrashKill runs the upload in a child process (this test binary again)
// and kills it with SIGKILL at a random moment, then resumes in-process.
func TestCrashKill(t *testing.T) {
	if os.Getenv("HANDOVER_UPLOAD_CHILD") != "" {
		crashChild(t)
		return
	}
	want, wantRec := reference(t)
	rng := rand.New(rand.NewPCG(11, 11))
	kills := 0
	for i := 0; i < 6; i++ {
		f := startFake(t, fakeclio.Options{Latency: 500 * time.Microsecond})
		seedExisting(t, f)
		path := demoProject(t)
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashKill$")
		cmd.Env = append(os.Environ(), "HANDOVER_UPLOAD_CHILD=1", "HANDOVER_TEST_WS="+path, "HANDOVER_TEST_URL="+f.url, "HANDOVER_TEST_TOKEN="+f.token)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// wait until the child has sent a random number of API requests
		target := 20 + rng.IntN(300)
		deadline := time.Now().Add(20 * time.Second)
		for f.srv.Snapshot().APIRequests < target && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		if err := cmd.Process.Signal(syscall.SIGKILL); err == nil {
			kills++
		}
		cmd.Wait()
		t.Logf("trial %d: killed after %d API requests", i, f.srv.Snapshot().APIRequests)
		ws := openWS(t, path)
		var sending int
		ws.DB().QueryRow(`SELECT count(*) FROM upload_journal WHERE state='sending'`).Scan(&sending)
		rec, err := Run(context.Background(), ws, f.client, Options{AllowBlockers: true})
		if err != nil {
			t.Fatalf("trial %d resume: %v", i, err)
		}
		t.Logf("trial %d: %d record(s) left sending, resumed", i, sending)
		diffContent(t, want, content(f.srv.Snapshot()))
		sameCounts(t, wantRec, rec)
		if t.Failed() {
			t.Fatalf("trial %d failed", i)
		}
	}
	if kills < 3 {
		t.Errorf("only %d children were killed mid-run", kills)
	}
}

func crashChild(t *testing.T) {
	ws := openWS(t, os.Getenv("HANDOVER_TEST_WS"))
	c, err := clio.New(os.Getenv("HANDOVER_TEST_URL"), clio.StaticToken(os.Getenv("HANDOVER_TEST_TOKEN")))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), ws, c, Options{AllowBlockers: true}); err != nil {
		t.Fatal(err)
	}
}

// TestRevertAfterCrash: an upload killed mid-create, then reverted straight
// away: the revert finds the half-sent record and Clio ends as it began.
func TestRevertAfterCrash(t *testing.T) {
	for i, target := range []int{70, 150} {
		f := startFake(t, fakeclio.Options{Latency: 500 * time.Microsecond})
		seedExisting(t, f)
		path := demoProject(t)
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashKill$")
		cmd.Env = append(os.Environ(), "HANDOVER_UPLOAD_CHILD=1", "HANDOVER_TEST_WS="+path, "HANDOVER_TEST_URL="+f.url, "HANDOVER_TEST_TOKEN="+f.token)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(20 * time.Second); f.srv.Snapshot().APIRequests < target && time.Now().Before(deadline); {
			time.Sleep(time.Millisecond)
		}
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		ws := openWS(t, path)
		if _, err := Revert(context.Background(), ws, f.client, false, nil); err != nil {
			t.Fatal(err)
		}
		st := f.srv.Snapshot()
		for _, c := range []string{"matters", "activities", "tasks", "notes", "calendar_entries", "communications", "bank_transactions", "documents", "custom_fields", "activity_descriptions"} {
			if n := st.Count(c); n != 0 {
				t.Errorf("trial %d: %s: %d left after revert", i, c, n)
			}
		}
		if n := st.Count("contacts"); n != 2 {
			t.Errorf("trial %d: %d contacts left, want the 2 that were there before", i, n)
		}
	}
}
