package fakeclio

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is an injectable clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock { return &fakeClock{t: time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)} }
func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type tclient struct {
	t    testing.TB
	s    *Server
	base string
	tok  string
	hc   *http.Client
}

func start(t testing.TB, opts Options) *tclient {
	t.Helper()
	if opts.RateLimit == 0 {
		opts.RateLimit = 100000
	}
	if opts.Logf == nil {
		opts.Logf = t.Logf
	}
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	base, err := s.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	tok, _ := s.IssueToken("test-client")
	return &tclient{t: t, s: s, base: base, tok: tok, hc: &http.Client{Timeout: 10 * time.Second}}
}

type result struct {
	status int
	header http.Header
	body   map[string]any
	raw    []byte
}

func (r result) data() map[string]any {
	m, _ := r.body["data"].(map[string]any)
	return m
}

func (r result) list() []map[string]any {
	arr, _ := r.body["data"].([]any)
	out := make([]map[string]any, 0, len(arr))
	for _, e := range arr {
		out = append(out, e.(map[string]any))
	}
	return out
}

func (r result) errMsg() string {
	e, _ := r.body["error"].(map[string]any)
	if e == nil {
		return string(r.raw)
	}
	return str(e["type"]) + ": " + str(e["message"])
}

// do sends an API request; path is relative to /api/v4 unless it starts with http.
func (c *tclient) do(method, path string, body any, hdr ...string) result {
	c.t.Helper()
	res, err := c.try(method, path, body, hdr...)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	return res
}

func (c *tclient) try(method, path string, body any, hdr ...string) (result, error) {
	u := path
	if !strings.HasPrefix(path, "http") {
		u = c.base + "/api/v4" + path
	}
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, u, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.tok != "" {
		req.Header.Set("Authorization", "Bearer "+c.tok)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return result{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return result{}, err
	}
	res := result{status: resp.StatusCode, header: resp.Header, raw: raw}
	if len(raw) > 0 && strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		_ = json.Unmarshal(raw, &res.body)
	}
	return res, nil
}

func (c *tclient) must(status int, method, path string, body any, hdr ...string) result {
	c.t.Helper()
	r := c.do(method, path, body, hdr...)
	if r.status != status {
		c.t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.status, status, r.raw)
	}
	return r
}

func data(m map[string]any) map[string]any { return map[string]any{"data": m} }

func (c *tclient) person(first, last string) int64 {
	c.t.Helper()
	r := c.must(201, "POST", "/contacts.json", data(map[string]any{"type": "Person", "first_name": first, "last_name": last}))
	return idOf(r.data()["id"])
}

func (c *tclient) matter(client int64, desc string) int64 {
	c.t.Helper()
	r := c.must(201, "POST", "/matters.json", data(map[string]any{"client": map[string]any{"id": client}, "description": desc, "status": "open"}))
	return idOf(r.data()["id"])
}
