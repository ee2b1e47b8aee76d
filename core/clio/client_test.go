package clio

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"handover/core/secrets"
)

func fastRetry() Option { return WithRetry(3, time.Millisecond, 5*time.Millisecond) }

func Test401RefreshesOnceAndRetries(t *testing.T) {
	s := newOAuthServer(t)
	var calls atomic.Int32
	s.mux.HandleFunc("/api/v4/users/who_am_i.json", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if !s.authed(w, r) {
			return
		}
		writeJSON(w, 200, map[string]any{"data": map[string]any{"id": 7, "name": "Ada"}})
	})
	store := secrets.Memory()
	ts := s.signedIn(t, store)
	// Clio revokes the access token behind our back (expiry says 1 h left).
	s.mu.Lock()
	s.valid = map[string]bool{}
	s.mu.Unlock()
	c, _ := New(s.srv.URL, ts)
	u, err := c.WhoAmI(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != 7 || u.Name != "Ada" {
		t.Fatalf("user = %+v", u)
	}
	st := c.Stats()
	if calls.Load() != 2 || st.Refreshes != 1 || len(s.tokenForms) != 1 {
		t.Fatalf("calls=%d stats=%+v forms=%d", calls.Load(), st, len(s.tokenForms))
	}
	// A 401 that survives the refresh is returned, not looped on.
	s.mux.HandleFunc("/api/v4/matters/1.json", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		writeJSON(w, 401, map[string]any{"error": "invalid_token"})
	})
	calls.Store(0)
	_, _, err = c.Get(context.Background(), "matters", 1, "id", "", &Matter{})
	if !IsStatus(err, 401) || calls.Load() != 2 {
		t.Fatalf("err=%v calls=%d", err, calls.Load())
	}
}

func TestPagingFollowsNext(t *testing.T) {
	s := newOAuthServer(t)
	const total = 450
	var pages atomic.Int32
	s.mux.HandleFunc("/api/v4/contacts.json", func(w http.ResponseWriter, r *http.Request) {
		if !s.authed(w, r) {
			return
		}
		pages.Add(1)
		q := r.URL.Query()
		if q.Get("order") != "id(asc)" || q.Get("fields") != "id,name,email_addresses{address}" || q.Get("offset") != "" {
			t.Errorf("query = %v (raw %s)", q, r.URL.RawQuery)
		}
		limit, _ := strconv.Atoi(q.Get("limit"))
		after, _ := strconv.Atoi(q.Get("page_token"))
		var data []map[string]any
		for id := after + 1; id <= total && len(data) < limit; id++ {
			data = append(data, map[string]any{"id": id, "name": fmt.Sprintf("C%d", id)})
		}
		meta := map[string]any{}
		if last := after + len(data); last < total {
			q.Set("page_token", strconv.Itoa(last))
			meta["paging"] = map[string]any{"next": "http://" + r.Host + r.URL.Path + "?" + q.Encode()}
		}
		writeJSON(w, 200, map[string]any{"data": data, "meta": meta})
	})
	c, _ := New(s.srv.URL, s.signedIn(t, secrets.Memory()))
	var ids []ID
	for ct, err := range All[Contact](context.Background(), c, "/contacts.json", map[string][]string{"fields": {"id,name,email_addresses{address}"}}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, ct.ID)
	}
	if len(ids) != total || ids[0] != 1 || ids[total-1] != total || pages.Load() != 3 {
		t.Fatalf("got %d ids over %d pages", len(ids), pages.Load())
	}
	for i := range ids {
		if ids[i] != ID(i+1) {
			t.Fatalf("ids out of order at %d", i)
		}
	}
	// Early stop does not fetch further pages.
	pages.Store(0)
	for range All[Contact](context.Background(), c, "/contacts.json", map[string][]string{"fields": {"id,name,email_addresses{address}"}}) {
		break
	}
	if pages.Load() != 1 {
		t.Fatalf("fetched %d pages after break", pages.Load())
	}
}

func TestPagingRefusesForeignNextHost(t *testing.T) {
	s := newOAuthServer(t)
	s.mux.HandleFunc("/api/v4/users.json", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"data": []any{map[string]any{"id": 1}}, "meta": map[string]any{"paging": map[string]any{"next": "https://evil.example/api/v4/users.json?page_token=2"}}})
	})
	c, _ := New(s.srv.URL, StaticToken("static-token-123456"))
	_, err := c.Users(context.Background())
	if err == nil || !strings.Contains(err.Error(), "refusing") {
		t.Fatalf("err = %v", err)
	}
}

// rateServer enforces a fixed window of `limit` requests aligned to
// multiples of `window` (like Clio's per-token minute) and counts requests
// per window.
type rateServer struct {
	mu        sync.Mutex
	limit     int
	window    time.Duration
	perWindow map[int64]int
	n429      int
}

func (rs *rateServer) handle(w http.ResponseWriter, r *http.Request) bool {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	now := time.Now()
	idx := now.UnixNano() / int64(rs.window)
	reset := time.Unix(0, (idx+1)*int64(rs.window))
	used := rs.perWindow[idx]
	w.Header().Set("X-RateLimit-Limit", strconv.Itoa(rs.limit))
	w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
	if used >= rs.limit {
		rs.n429++
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("Retry-After", strconv.Itoa(int(time.Until(reset).Seconds())+1))
		writeJSON(w, 429, map[string]any{"error": map[string]any{"type": "RateLimitError", "message": "Rate limit exceeded"}})
		return false
	}
	rs.perWindow[idx] = used + 1
	w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(rs.limit-used-1))
	return true
}

func TestPacingUsesTheWholeBudgetWithout429(t *testing.T) {
	if testing.Short() {
		t.Skip("takes ~7 s")
	}
	s := newOAuthServer(t)
	// 60 requests per 2-second window (Clio: per minute); Reset is whole
	// seconds, as Clio sends it, so the window is aligned to seconds.
	rs := &rateServer{limit: 60, window: 2 * time.Second, perWindow: map[int64]int{}}
	s.mux.HandleFunc("/api/v4/users/who_am_i.json", func(w http.ResponseWriter, r *http.Request) {
		if !rs.handle(w, r) {
			return
		}
		writeJSON(w, 200, map[string]any{"data": map[string]any{"id": 1}})
	})
	var waits atomic.Int32
	c, _ := New(s.srv.URL, s.signedIn(t, secrets.Memory()), WithResetMargin(20*time.Millisecond),
		OnWait(func(d time.Duration, reason string) {
			if reason == WaitRateLimit {
				waits.Add(1)
			}
		}))
	// Two workers share the client, as the upload engine may.
	deadline := time.Now().Add(7 * time.Second)
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				if _, err := c.WhoAmI(context.Background()); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.n429 != 0 {
		t.Fatalf("%d requests got 429", rs.n429)
	}
	var idxs []int64
	for i := range rs.perWindow {
		idxs = append(idxs, i)
	}
	lo, hi := idxs[0], idxs[0]
	for _, i := range idxs {
		lo, hi = min(lo, i), max(hi, i)
	}
	full := 0
	for i := lo + 1; i < hi; i++ { // windows the run covered completely
		got := rs.perWindow[i]
		if got < 57 { // ≥95% of the limit
			t.Errorf("window %d used %d of 60: %v", i-lo, got, rs.perWindow)
		}
		full++
	}
	t.Logf("requests per window: %v", rs.perWindow)
	if full < 2 {
		t.Fatalf("only %d full windows observed: %v", full, rs.perWindow)
	}
	st := c.Stats()
	if st.RateLimited != 0 || st.RateLimitWait <= 0 || waits.Load() == 0 || st.Limit != 60 {
		t.Fatalf("stats = %+v waits=%d", st, waits.Load())
	}
}

func TestRetryAfterOn429(t *testing.T) {
	s := newOAuthServer(t)
	var n atomic.Int32
	s.mux.HandleFunc("/api/v4/contacts.json", func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", "1")
			writeJSON(w, 429, map[string]any{"error": map[string]any{"type": "RateLimitError", "message": "Rate limit exceeded"}})
			return
		}
		writeJSON(w, 201, map[string]any{"data": map[string]any{"id": 5}})
	})
	var waited []time.Duration
	var reasons []string
	c, _ := New(s.srv.URL, StaticToken("static-token-123456"), OnWait(func(d time.Duration, reason string) {
		waited = append(waited, d)
		reasons = append(reasons, reason)
	}))
	// A 429 means Clio did not act on the request: even a POST is re-sent.
	ct, err := c.CreateContact(context.Background(), ContactInput{Type: "Person", FirstName: "Ada"})
	if err != nil || ct.ID != 5 {
		t.Fatalf("%v %+v", err, ct)
	}
	st := c.Stats()
	if n.Load() != 2 || st.RateLimited != 1 || st.Requests != 2 {
		t.Fatalf("n=%d stats=%+v", n.Load(), st)
	}
	if len(waited) != 1 || reasons[0] != WaitRetryAfter || waited[0] < 900*time.Millisecond || waited[0] > 1100*time.Millisecond || st.RateLimitWait < 900*time.Millisecond {
		t.Fatalf("waits %v %v", waited, reasons)
	}
}

func TestPOSTConnectionDroppedIsMaybeCommittedNotResent(t *testing.T) {
	s := newOAuthServer(t)
	var posts atomic.Int32
	s.mux.HandleFunc("/api/v4/matters.json", func(w http.ResponseWriter, r *http.Request) {
		posts.Add(1)
		_, _ = r.Body.Read(make([]byte, 1024))
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close() // the server got it, the answer is lost
		}
	})
	c, _ := New(s.srv.URL, StaticToken("static-token-123456"), fastRetry())
	_, err := c.CreateMatter(context.Background(), MatterInput{Client: Ref{ID: 1}, Description: "Smith v. Jones", Status: "Open"})
	if !errors.Is(err, ErrMaybeCommitted) {
		t.Fatalf("err = %v", err)
	}
	var mc *MaybeCommittedError
	if !errors.As(err, &mc) || mc.Method != "POST" {
		t.Fatalf("err type %T", err)
	}
	if posts.Load() != 1 || c.Stats().MaybeCommitted != 1 {
		t.Fatalf("POST sent %d times", posts.Load())
	}
	// A 5xx on a POST is also "maybe": a gateway may have timed out after Clio committed.
	s.mux.HandleFunc("/api/v4/notes.json", func(w http.ResponseWriter, r *http.Request) {
		posts.Add(1)
		writeJSON(w, 502, map[string]any{"error": map[string]any{"type": "BadGateway", "message": "upstream"}})
	})
	posts.Store(0)
	_, err = c.CreateNote(context.Background(), NoteInput{Type: "Matter", Matter: RefTo(1)})
	if !errors.Is(err, ErrMaybeCommitted) || posts.Load() != 1 || !IsStatus(err, 502) {
		t.Fatalf("502 POST: %v (%d sends)", err, posts.Load())
	}
}

func TestIdempotentRequestsRetryOn5xxAndDrops(t *testing.T) {
	s := newOAuthServer(t)
	var n atomic.Int32
	s.mux.HandleFunc("/api/v4/matters/9.json", func(w http.ResponseWriter, r *http.Request) {
		switch n.Add(1) {
		case 1:
			writeJSON(w, 503, map[string]any{"error": map[string]any{"type": "ServiceUnavailable", "message": "try later"}})
		case 2:
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
		default:
			w.Header().Set("ETag", `"e9"`)
			writeJSON(w, 200, map[string]any{"data": map[string]any{"id": 9, "status": "Open"}})
		}
	})
	var backoffs atomic.Int32
	c, _ := New(s.srv.URL, StaticToken("static-token-123456"), fastRetry(), OnWait(func(_ time.Duration, r string) {
		if r == WaitBackoff {
			backoffs.Add(1)
		}
	}))
	var m Matter
	etag, _, err := c.Get(context.Background(), "matters", 9, MatterFields, "", &m)
	if err != nil || m.ID != 9 || etag != `"e9"` {
		t.Fatalf("%v %+v %q", err, m, etag)
	}
	// (Go's transport may itself replay an idempotent GET on a dropped
	// keep-alive connection, so count server hits, not our retries.)
	if n.Load() != 3 || backoffs.Load() < 1 || c.Stats().Retries < 1 {
		t.Fatalf("n=%d backoffs=%d stats=%+v", n.Load(), backoffs.Load(), c.Stats())
	}
	// Gives up after the retry budget with the API error.
	s.mux.HandleFunc("/api/v4/matters/10.json", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 500, map[string]any{"error": map[string]any{"type": "InternalError", "message": "boom"}})
	})
	err = c.Delete(context.Background(), "matters", 10)
	if !IsStatus(err, 500) || errors.Is(err, ErrMaybeCommitted) {
		t.Fatalf("err = %v", err)
	}
}

func TestAPIErrorsAndRequestShape(t *testing.T) {
	s := newOAuthServer(t)
	var body []byte
	var q, fields string
	s.mux.HandleFunc("/api/v4/matters.json", func(w http.ResponseWriter, r *http.Request) {
		body = make([]byte, r.ContentLength)
		_, _ = r.Body.Read(body)
		q, fields = r.URL.RawQuery, r.URL.Query().Get("fields")
		writeJSON(w, 422, map[string]any{"error": map[string]any{"type": "ValidationError", "message": "Description can't be blank"}})
	})
	s.mux.HandleFunc("/api/v4/calendar_entries.json", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 201, map[string]any{"data": map[string]any{"id": "123", "summary": "Hearing"}})
	})
	s.mux.HandleFunc("/api/v4/contacts/3.json", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(304)
			return
		}
		writeJSON(w, 404, map[string]any{"error": map[string]any{"type": "RecordNotFound", "message": "not found"}})
	})
	c, _ := New(s.srv.URL, StaticToken("static-token-123456"))
	_, err := c.CreateMatter(context.Background(), MatterInput{Client: Ref{ID: 4}, Description: "", Status: "Pending"})
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 422 || ae.Type != "ValidationError" || ae.Field != "description" || !strings.Contains(err.Error(), `field "description"`) {
		t.Fatalf("err = %v (%+v)", err, ae)
	}
	if !strings.Contains(string(body), `"status":"pending"`) || !strings.Contains(string(body), `{"data":{"client":{"id":4}`) {
		t.Fatalf("body = %s", body)
	}
	if fields != MatterFields || !strings.Contains(q, "fields=") {
		t.Fatalf("fields = %q raw=%q", fields, q)
	}
	ce, err := c.CreateCalendarEntry(context.Background(), CalendarEntryInput{Summary: "Hearing", StartAt: "2024-05-01T09:00:00Z", EndAt: "2024-05-01T10:00:00Z", CalendarOwner: Ref{ID: 777}})
	if err != nil || ce.ID != 123 {
		t.Fatalf("calendar entry string id: %v %+v", err, ce)
	}
	_, nm, err := c.Get(context.Background(), "contacts", 3, "", `"v1"`, &Contact{})
	if err != nil || !nm {
		t.Fatalf("304: %v %v", nm, err)
	}
	_, _, err = c.Get(context.Background(), "contacts", 3, "", "", &Contact{})
	if !errors.As(err, &ae) || !ae.NotFound() {
		t.Fatalf("404: %v", err)
	}
}

func TestNoTokenInLogsOrErrors(t *testing.T) {
	s := newOAuthServer(t)
	s.rotate = true
	var logBuf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logBuf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	// Sign in for real, so the code and tokens flow through the package.
	br := newBrowser()
	tok, err := Login(context.Background(), LoginConfig{BaseURL: s.srv.URL, ClientID: s.clientID, ClientSecret: s.secret, Port: -1, OpenBrowser: br.open, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	<-br.done
	store := secrets.Memory()
	_ = SaveLogin(store, s.srv.URL, s.clientID, s.secret, tok)
	ts, _ := NewTokenSource(s.srv.URL, store, TokenSourceOptions{Initial: tok})
	s.mux.HandleFunc("/api/v4/contacts.json", func(w http.ResponseWriter, r *http.Request) {
		if !s.authed(w, r) {
			return
		}
		// An answer that echoes the token back, and a server error that does too.
		writeJSON(w, 400, map[string]any{"error": map[string]any{"type": "ArgumentError", "message": "bad token " + r.Header.Get("Authorization") + " url " + r.URL.String()}})
	})
	s.mux.HandleFunc("/api/v4/matters.json", func(w http.ResponseWriter, r *http.Request) {
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
	})
	// Revoke so a refresh (with rotation) happens through the logged client.
	s.mu.Lock()
	s.valid = map[string]bool{}
	s.mu.Unlock()
	c, _ := New(s.srv.URL, ts, WithLogger(logger), fastRetry())
	var errs []string
	_, err = c.SearchContacts(context.Background(), "x", map[string][]string{"access_token": {tok.AccessToken}})
	errs = append(errs, fmt.Sprint(err))
	_, err = c.CreateMatter(context.Background(), MatterInput{Client: Ref{ID: 1}, Description: "d"})
	errs = append(errs, fmt.Sprint(err))
	errs = append(errs, fmt.Sprintf("%v %+v %#v", tok, tok, tok))
	current, _ := ts.Token(context.Background())
	rotated, _ := store.Get(KeyRefreshToken(s.srv.URL))
	all := logBuf.String() + strings.Join(errs, "\n")
	if logBuf.Len() == 0 || !strings.Contains(logBuf.String(), "contacts.json") {
		t.Fatalf("nothing logged: %q", logBuf.String())
	}
	for name, secret := range map[string]string{"access": tok.AccessToken, "refresh": tok.RefreshToken, "new access": current, "rotated refresh": rotated, "client secret": s.secret, "code": "authcode-1-secretish"} {
		if secret != "" && strings.Contains(all, secret) {
			t.Errorf("%s token leaked:\n%s", name, all)
		}
	}
	if !strings.Contains(all, "[REDACTED]") {
		t.Errorf("expected redaction marks in:\n%s", all)
	}
}

func TestRedact(t *testing.T) {
	for in, bad := range map[string]string{
		"https://x/cb?code=abc123&state=s":                         "abc123",
		"Authorization: Bearer eyJhbGciOi.J9.sig":                  "eyJhbGciOi",
		`{"access_token":"tok-9","refresh_token":"ref-9"}`:         "tok-9",
		"https://s3/b?X-Amz-Signature=deadbeef&X-Amz-Expires=600":  "deadbeef",
		"post refresh_token=zzz999&client_secret=qqq&grant_type=r": "qqq",
	} {
		if out := Redact(in); strings.Contains(out, bad) {
			t.Errorf("Redact(%q) = %q", in, out)
		}
	}
	if out := Redact("/contacts.json?postal_code=62701&page_token=abc"); out != "/contacts.json?postal_code=62701&page_token=abc" {
		t.Errorf("over-redacted: %q", out)
	}
}

func TestPOSTNeverSentIsRetried(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	base := dead.URL
	dead.Close() // connection refused: nothing can have reached Clio
	c, _ := New(base, StaticToken("static-token-123456"), fastRetry())
	_, err := c.CreateContact(context.Background(), ContactInput{Type: "Company", Name: "X"})
	if err == nil || errors.Is(err, ErrMaybeCommitted) {
		t.Fatalf("err = %v", err)
	}
	if st := c.Stats(); st.Retries != 3 || st.Requests != 4 {
		t.Fatalf("stats = %+v", st)
	}
}

func TestPacerHoldsEveryoneWhenBudgetIsGone(t *testing.T) {
	p := newPacer(100 * time.Millisecond)
	now := time.Unix(1_700_000_000, 0)
	h := http.Header{}
	h.Set("X-RateLimit-Limit", "50")
	h.Set("X-RateLimit-Remaining", "0")
	h.Set("X-RateLimit-Reset", strconv.FormatInt(now.Add(10*time.Second).Unix(), 10))
	p.reserve(now)
	p.done(h, now)
	a, why := p.reserve(now)
	b, _ := p.reserve(now.Add(time.Millisecond))
	want := now.Add(10*time.Second + 100*time.Millisecond)
	if !a.Equal(want) || b.Before(want) || why != WaitRateLimit {
		t.Fatalf("a=%v b=%v want %v (%s)", a.Sub(now), b.Sub(now), want.Sub(now), why)
	}
	// With 9 left and 10 s to go, requests are spaced 1 s apart, not burst.
	p = newPacer(0)
	h.Set("X-RateLimit-Remaining", "9")
	p.reserve(now)
	p.done(h, now)
	t1, _ := p.reserve(now)
	p.done(nil, now)
	t2, _ := p.reserve(now)
	if gap := t2.Sub(t1); gap < 900*time.Millisecond || gap > 1100*time.Millisecond {
		t.Fatalf("gap = %v", gap)
	}
}
