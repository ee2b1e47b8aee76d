package clio

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"handover/core/secrets"
)

// browser simulates the user's browser: it follows the authorize redirect to
// the loopback callback and keeps the final page.
type browser struct {
	page   string
	status int
	err    error
	done   chan struct{}
}

func newBrowser() *browser { return &browser{done: make(chan struct{})} }

func (b *browser) open(u string) error {
	go func() {
		defer close(b.done)
		resp, err := http.Get(u)
		if err != nil {
			b.err = err
			return
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		b.page, b.status = string(body), resp.StatusCode
	}()
	return nil
}

func TestLoginEndToEnd(t *testing.T) {
	s := newOAuthServer(t)
	br := newBrowser()
	var printed string
	tok, err := Login(context.Background(), LoginConfig{
		BaseURL: s.srv.URL, ClientID: s.clientID, ClientSecret: s.secret, Port: -1,
		OpenBrowser: br.open, PrintURL: func(u string) { printed = u }, Timeout: 10 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	<-br.done
	if br.err != nil || br.status != 200 || !strings.Contains(br.page, "Signed in to Clio") {
		t.Fatalf("browser page %d %q %v", br.status, br.page, br.err)
	}
	if tok.AccessToken == "" || tok.RefreshToken != "refresh-0001-aaaa" {
		t.Fatalf("token = %+v", tok)
	}
	if d := time.Until(tok.Expiry); d < 59*time.Minute || d > 61*time.Minute {
		t.Fatalf("expiry not from expires_in: %v", d)
	}
	// Authorize request as Clio wants it.
	q := s.authorizeQ
	red, _ := url.Parse(q.Get("redirect_uri"))
	if q.Get("response_type") != "code" || q.Get("client_id") != s.clientID || len(q.Get("state")) < 32 ||
		q.Get("redirect_on_decline") != "true" || red.Hostname() != "127.0.0.1" || red.Path != "/callback" {
		t.Fatalf("authorize query = %v", q)
	}
	if !strings.HasPrefix(printed, s.srv.URL+"/oauth/authorize?") {
		t.Fatalf("printed URL %q", printed)
	}
	// Token exchange: form POST with the secret in the body, not Basic auth.
	f := s.tokenForms[0]
	if f.Get("grant_type") != "authorization_code" || f.Get("client_secret") != s.secret || f.Get("redirect_uri") != q.Get("redirect_uri") || s.tokenAuthHdr[0] != "" {
		t.Fatalf("token form = %v auth=%q", f, s.tokenAuthHdr[0])
	}
	// The token does not print its secrets.
	if strings.Contains(tok.String(), tok.AccessToken) {
		t.Fatal("Token.String leaks")
	}
}

func TestLoginDeclined(t *testing.T) {
	s := newOAuthServer(t)
	s.decline = true
	br := newBrowser()
	_, err := Login(context.Background(), LoginConfig{BaseURL: s.srv.URL, ClientID: s.clientID, ClientSecret: s.secret, Port: -1, OpenBrowser: br.open, Timeout: 10 * time.Second})
	if !errors.Is(err, ErrLoginDeclined) {
		t.Fatalf("err = %v", err)
	}
	<-br.done
	if !strings.Contains(br.page, "declined") {
		t.Fatalf("page = %q", br.page)
	}
	if len(s.tokenForms) != 0 {
		t.Fatal("token endpoint called after a decline")
	}
}

func TestLoginStateMismatch(t *testing.T) {
	s := newOAuthServer(t)
	s.forgeState = true
	br := newBrowser()
	_, err := Login(context.Background(), LoginConfig{BaseURL: s.srv.URL, ClientID: s.clientID, ClientSecret: s.secret, Port: -1, OpenBrowser: br.open, Timeout: 10 * time.Second})
	if !errors.Is(err, ErrStateMismatch) {
		t.Fatalf("err = %v", err)
	}
	<-br.done
	if br.status != 400 {
		t.Fatalf("status %d", br.status)
	}
	if len(s.tokenForms) != 0 {
		t.Fatal("code exchanged despite state mismatch")
	}
}

func TestLoginTimeout(t *testing.T) {
	s := newOAuthServer(t)
	_, err := Login(context.Background(), LoginConfig{BaseURL: s.srv.URL, ClientID: s.clientID, ClientSecret: s.secret, Port: -1,
		OpenBrowser: func(string) error { return nil }, Timeout: 150 * time.Millisecond})
	if !errors.Is(err, ErrLoginTimeout) {
		t.Fatalf("err = %v", err)
	}
}

func TestRefreshBeforeExpiryPersistsRotatedToken(t *testing.T) {
	s := newOAuthServer(t)
	s.rotate = true
	store := secrets.Memory()
	now := time.Now()
	clock := func() time.Time { return now }
	tok := &Token{AccessToken: "access-old-0000", RefreshToken: s.refresh, Expiry: now.Add(time.Hour)}
	if err := SaveLogin(store, s.srv.URL, s.clientID, s.secret, tok); err != nil {
		t.Fatal(err)
	}
	ts, err := NewTokenSource(s.srv.URL, store, TokenSourceOptions{Initial: tok, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	// 1 h left: no refresh.
	if a, err := ts.Token(context.Background()); err != nil || a != "access-old-0000" || len(s.tokenForms) != 0 {
		t.Fatalf("early refresh: %q %v %d", a, err, len(s.tokenForms))
	}
	// 4 minutes before expiry (inside the 5-minute margin): refresh now.
	now = now.Add(56 * time.Minute)
	a, err := ts.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if a == "access-old-0000" || len(s.tokenForms) != 1 || s.tokenForms[0].Get("grant_type") != "refresh_token" {
		t.Fatalf("no refresh: %q forms=%v", a, s.tokenForms)
	}
	stored, _ := store.Get(KeyRefreshToken(s.srv.URL))
	if stored != s.refresh || !strings.Contains(stored, "rotated") {
		t.Fatalf("rotated refresh token not persisted: store=%q server=%q", stored, s.refresh)
	}
	// A new session built from the store alone uses the rotated token.
	ts2, err := NewTokenSource(s.srv.URL, store, TokenSourceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts2.Token(context.Background()); err != nil {
		t.Fatalf("second session: %v", err)
	}
	// Nothing stored for another host.
	if _, err := NewTokenSource("https://eu.app.clio.com", store, TokenSourceOptions{}); !errors.Is(err, ErrNotSignedIn) {
		t.Fatalf("other host: %v", err)
	}
}

func TestRevokedRefreshTokenMeansNotSignedIn(t *testing.T) {
	s := newOAuthServer(t)
	store := secrets.Memory()
	_ = SaveLogin(store, s.srv.URL, s.clientID, s.secret, &Token{RefreshToken: "refresh-revoked-zzzz"})
	ts, err := NewTokenSource(s.srv.URL, store, TokenSourceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = ts.Token(context.Background())
	if !errors.Is(err, ErrNotSignedIn) || strings.Contains(err.Error(), "refresh-revoked-zzzz") {
		t.Fatalf("err = %v", err)
	}
}

func TestLogout(t *testing.T) {
	s := newOAuthServer(t)
	store := secrets.Memory()
	ts := s.signedIn(t, store)
	access, _ := ts.Token(context.Background())
	if err := Logout(context.Background(), LogoutConfig{BaseURL: s.srv.URL, Store: store, AccessToken: access}); err != nil {
		t.Fatal(err)
	}
	if len(s.deauth) != 1 || s.deauth[0] != access {
		t.Fatalf("deauthorize not called with the token: %v", s.deauth)
	}
	for _, k := range []string{KeyRefreshToken(s.srv.URL), KeyClientID(s.srv.URL), KeyClientSecret(s.srv.URL)} {
		if _, err := store.Get(k); !errors.Is(err, secrets.ErrNotFound) {
			t.Fatalf("%s still stored", k)
		}
	}
	// Logout without an access token refreshes one first.
	s2 := newOAuthServer(t)
	store2 := secrets.Memory()
	s2.signedIn(t, store2)
	if err := Logout(context.Background(), LogoutConfig{BaseURL: s2.srv.URL, Store: store2}); err != nil {
		t.Fatal(err)
	}
	if len(s2.deauth) != 1 {
		t.Fatal("no deauthorize")
	}
}

func TestRegions(t *testing.T) {
	t.Setenv(EnvBaseURL, "")
	for r, want := range map[Region]string{US: "https://app.clio.com", EU: "https://eu.app.clio.com", CA: "https://ca.app.clio.com", AU: "https://au.app.clio.com"} {
		got, err := BaseURL(r, "")
		if err != nil || got != want {
			t.Fatalf("%s: %q %v", r, got, err)
		}
	}
	if _, err := ParseRegion("uk"); err == nil {
		t.Fatal("uk accepted")
	}
	if got, _ := BaseURL(US, "http://127.0.0.1:9999/api/v4/"); got != "http://127.0.0.1:9999" {
		t.Fatalf("override = %q", got)
	}
	t.Setenv(EnvBaseURL, "http://127.0.0.1:8888")
	if got, _ := BaseURL(EU, ""); got != "http://127.0.0.1:8888" {
		t.Fatalf("env override = %q", got)
	}
	if k := KeyRefreshToken("https://eu.app.clio.com"); k != "clio:eu.app.clio.com:refresh_token" {
		t.Fatal(k)
	}
}
