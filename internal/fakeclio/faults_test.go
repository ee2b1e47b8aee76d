package fakeclio

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"testing"
	"time"
)

func TestFaultCommitThenDropStoresTheRecord(t *testing.T) {
	c := start(t, Options{Faults: Faults{Script: []FaultKind{FaultCommitThenDrop}}})
	_, err := c.try("POST", "/contacts.json", data(map[string]any{"type": "Person", "first_name": "Ghost", "last_name": "Write"}))
	if err == nil {
		t.Fatal("client saw a response; want a transport error")
	}
	st := c.s.Snapshot()
	if st.Count("contacts") != 1 || st.Resources["contacts"][0]["name"] != "Ghost Write" || st.Creates["contacts"] != 1 || st.Faults[FaultCommitThenDrop] != 1 {
		t.Fatalf("record not committed: %v creates %v", st.Resources["contacts"], st.Creates)
	}
	// The record is findable, which is how the upload engine recovers.
	if l := c.must(200, "GET", "/contacts.json?query=ghost", nil).list(); len(l) != 1 {
		t.Fatalf("lookup after drop: %v", l)
	}
}

func TestFaultKinds(t *testing.T) {
	c := start(t, Options{Faults: Faults{Script: []FaultKind{FaultReset, Fault429, Fault500, Fault503, FaultNone, FaultTimeout}, TimeoutDelay: 5 * time.Second}})
	body := data(map[string]any{"type": "Company", "name": "Acme"})
	if _, err := c.try("POST", "/contacts.json", body); err == nil {
		t.Fatal("reset: no transport error")
	}
	r := c.must(429, "POST", "/contacts.json", body)
	if r.header.Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}
	c.must(500, "POST", "/contacts.json", body)
	r = c.must(503, "POST", "/contacts.json", body)
	if r.header.Get("X-RateLimit-Limit") == "" {
		t.Fatal("rate headers missing on 503")
	}
	c.must(201, "POST", "/contacts.json", body)
	quick := *c
	quick.hc = &http.Client{Timeout: 300 * time.Millisecond}
	t0 := time.Now()
	_, err := quick.try("POST", "/contacts.json", body)
	var ne net.Error
	if err == nil || !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("timeout fault: %v", err)
	}
	if time.Since(t0) > 3*time.Second {
		t.Fatal("timeout fault did not end with the client")
	}
	st := c.s.Snapshot()
	if st.Count("contacts") != 1 || st.Faults[FaultReset] != 1 || st.Faults[Fault429] != 1 || st.Faults[FaultTimeout] != 1 {
		t.Fatalf("only the normal request may write: %d contacts, faults %v", st.Count("contacts"), st.Faults)
	}
}

func TestFaultRateIsDeterministic(t *testing.T) {
	run := func(seed int64) (ok int, pattern string) {
		c := start(t, Options{Faults: Faults{Rate: 0.3, Seed: seed, Kinds: []FaultKind{Fault500, Fault503}}})
		for i := 0; i < 60; i++ {
			r := c.do("GET", "/users.json", nil)
			if r.status == 200 {
				ok++
				pattern += "."
			} else {
				pattern += "x"
			}
		}
		return ok, pattern
	}
	ok1, p1 := run(7)
	_, p2 := run(7)
	_, p3 := run(8)
	if p1 != p2 {
		t.Fatalf("same seed, different faults:\n%s\n%s", p1, p2)
	}
	if p1 == p3 {
		t.Fatal("different seeds gave identical patterns")
	}
	if ok1 < 30 || ok1 > 55 {
		t.Fatalf("rate 0.3 gave %d/60 successes", ok1)
	}
}

func TestRunServesUntilCancelled(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, addr, Options{Logf: t.Logf}) }()
	var resp *http.Response
	for i := 0; i < 50; i++ {
		resp, err = http.Get("http://" + addr + "/api/v4/users.json")
		if err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Fatalf("unauthenticated: %d", resp.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return")
	}
}

func TestFindSpec(t *testing.T) {
	p, err := FindSpec("")
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(p) != "openapi.json" {
		t.Fatal(p)
	}
	t.Setenv(SpecEnv, "/nonexistent/openapi.json")
	if p, _ := FindSpec(""); p != "/nonexistent/openapi.json" {
		t.Fatal(p)
	}
	if _, err := New(Options{ValidateSpec: true, SpecPath: filepath.Join(t.TempDir(), "missing.json")}); err == nil {
		t.Fatal("ValidateSpec with a missing spec should fail")
	}
}
