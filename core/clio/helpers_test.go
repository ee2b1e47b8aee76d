package clio

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"handover/core/secrets"
)

// oauthServer is a small Clio-like OAuth + API server for tests.
type oauthServer struct {
	t   *testing.T
	srv *httptest.Server
	mux *http.ServeMux

	mu           sync.Mutex
	clientID     string
	secret       string
	authorizeQ   url.Values
	decline      bool
	forgeState   bool
	codes        map[string]string // code -> redirect_uri
	valid        map[string]bool   // access tokens accepted
	refresh      string
	rotate       bool
	expiresIn    int
	tokenForms   []url.Values
	tokenAuthHdr []string
	n            int
	deauth       []string // tokens revoked
}

func newOAuthServer(t *testing.T) *oauthServer {
	s := &oauthServer{t: t, clientID: "cid-123", secret: "client-secret-XYZ-987",
		codes: map[string]string{}, valid: map[string]bool{}, refresh: "refresh-0001-aaaa", expiresIn: 3600}
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("/oauth/authorize", s.authorize)
	s.mux.HandleFunc("/oauth/token", s.token)
	s.mux.HandleFunc("/oauth/deauthorize", s.deauthorize)
	s.srv = httptest.NewServer(s.mux)
	t.Cleanup(s.srv.Close)
	return s
}

func (s *oauthServer) authorize(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := r.URL.Query()
	s.authorizeQ = q
	if q.Get("client_id") != s.clientID || q.Get("response_type") != "code" {
		http.Error(w, "bad client", 400)
		return
	}
	red, _ := url.Parse(q.Get("redirect_uri"))
	rq := url.Values{}
	state := q.Get("state")
	if s.forgeState {
		state = "forged-state"
	}
	rq.Set("state", state)
	if s.decline {
		rq.Set("error", "access_denied")
	} else {
		s.n++
		code := fmt.Sprintf("authcode-%d-secretish", s.n)
		s.codes[code] = q.Get("redirect_uri")
		rq.Set("code", code)
	}
	red.RawQuery = rq.Encode()
	http.Redirect(w, r, red.String(), http.StatusFound)
}

func (s *oauthServer) token(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", 400)
		return
	}
	s.tokenForms = append(s.tokenForms, r.PostForm)
	s.tokenAuthHdr = append(s.tokenAuthHdr, r.Header.Get("Authorization"))
	f := r.PostForm
	if f.Get("client_id") != s.clientID || f.Get("client_secret") != s.secret {
		w.WriteHeader(401)
		fmt.Fprint(w, `{"error":"invalid_client","error_description":"bad client"}`)
		return
	}
	switch f.Get("grant_type") {
	case "authorization_code":
		red, ok := s.codes[f.Get("code")]
		if !ok || red != f.Get("redirect_uri") {
			w.WriteHeader(400)
			fmt.Fprint(w, `{"error":"invalid_grant"}`)
			return
		}
		delete(s.codes, f.Get("code"))
	case "refresh_token":
		if f.Get("refresh_token") != s.refresh {
			w.WriteHeader(400)
			fmt.Fprint(w, `{"error":"invalid_grant","error_description":"refresh token revoked"}`)
			return
		}
	default:
		w.WriteHeader(400)
		return
	}
	s.n++
	access := fmt.Sprintf("access-%04d-bbbbbbbb", s.n)
	s.valid[access] = true
	out := map[string]any{"token_type": "bearer", "access_token": access, "expires_in": s.expiresIn}
	if f.Get("grant_type") == "authorization_code" || s.rotate {
		if s.rotate && f.Get("grant_type") == "refresh_token" {
			s.refresh = fmt.Sprintf("refresh-%04d-rotated", s.n)
		}
		out["refresh_token"] = s.refresh
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(out)
}

func (s *oauthServer) deauthorize(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_ = r.ParseForm()
	bearer := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !s.valid[bearer] || r.PostForm.Get("token") != bearer {
		w.WriteHeader(401)
		return
	}
	delete(s.valid, bearer)
	s.deauth = append(s.deauth, bearer)
	w.WriteHeader(200)
}

// authed checks the bearer token like Clio: 401 invalid_token otherwise.
func (s *oauthServer) authed(w http.ResponseWriter, r *http.Request) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || !s.valid[tok] {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(401)
		fmt.Fprint(w, `{"error":"invalid_token","error_description":"The access token provided is expired, revoked, malformed or invalid for other reasons."}`)
		return false
	}
	if r.Header.Get("X-API-VERSION") != APIVersion {
		s.t.Errorf("X-API-VERSION = %q", r.Header.Get("X-API-VERSION"))
	}
	return true
}

// signedIn stores a sign-in for the server's host and returns a token source
// whose initial access token is valid for an hour.
func (s *oauthServer) signedIn(t *testing.T, store secrets.Store) *KeyringTokenSource {
	t.Helper()
	s.mu.Lock()
	s.n++
	access := fmt.Sprintf("access-%04d-initial", s.n)
	s.valid[access] = true
	rt := s.refresh
	s.mu.Unlock()
	tok := &Token{AccessToken: access, RefreshToken: rt, Expiry: time.Now().Add(time.Hour)}
	if err := SaveLogin(store, s.srv.URL, s.clientID, s.secret, tok); err != nil {
		t.Fatal(err)
	}
	ts, err := NewTokenSource(s.srv.URL, store, TokenSourceOptions{Initial: tok})
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func nilStore() secrets.Store { return secrets.Memory() }
