package fakeclio

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

const redirect = "http://127.0.0.1:5678/callback"

func noRedirect() *http.Client {
	return &http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func authorizeURL(base string, extra url.Values) string {
	q := url.Values{"client_id": {"app"}, "response_type": {"code"}, "redirect_uri": {redirect}, "state": {"st-42"}}
	for k, v := range extra {
		q[k] = v
	}
	return base + "/oauth/authorize?" + q.Encode()
}

func tokenReq(t *testing.T, base string, form url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := http.PostForm(base+"/oauth/token", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	b, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(b, &m)
	return resp.StatusCode, m
}

func getCode(t *testing.T, hc *http.Client, u string) url.Values {
	t.Helper()
	resp, err := hc.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 302 {
		t.Fatalf("authorize: status %d, want 302", resp.StatusCode)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(loc.String(), redirect) {
		t.Fatalf("redirected to %s", loc)
	}
	return loc.Query()
}

func TestOAuthCodeFlowEndToEnd(t *testing.T) {
	c := start(t, Options{AutoApprove: true, RotateRefresh: true})
	c.s.RegisterClient("app", "s3cret", redirect)
	hc := noRedirect()

	// Wrong port → 400, never a redirect.
	resp, err := hc.Get(authorizeURL(c.base, url.Values{"redirect_uri": {"http://127.0.0.1:5679/callback"}}))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Fatalf("wrong redirect_uri: status %d, want 400", resp.StatusCode)
	}
	// Unknown client → 400.
	resp, _ = hc.Get(authorizeURL(c.base, url.Values{"client_id": {"nope"}}))
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Fatalf("unknown client: %d", resp.StatusCode)
	}

	q := getCode(t, hc, authorizeURL(c.base, nil))
	if q.Get("state") != "st-42" || q.Get("code") == "" {
		t.Fatalf("callback query %v", q)
	}
	code := q.Get("code")
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect}, "client_id": {"app"}, "client_secret": {"s3cret"}}

	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("client_secret", "wrong")
	if st, m := tokenReq(t, c.base, bad); st != 401 || m["error"] != "invalid_client" {
		t.Fatalf("wrong secret: %d %v", st, m)
	}
	bad.Del("client_secret")
	if st, m := tokenReq(t, c.base, bad); st != 401 || m["error"] != "invalid_client" {
		t.Fatalf("missing secret: %d %v", st, m)
	}
	bad.Set("client_secret", "s3cret")
	bad.Set("redirect_uri", redirect+"x")
	if st, m := tokenReq(t, c.base, bad); st != 400 || m["error"] != "invalid_grant" {
		t.Fatalf("different redirect_uri: %d %v", st, m)
	}

	st, tok := tokenReq(t, c.base, form)
	if st != 200 || tok["token_type"] != "bearer" || tok["access_token"] == "" || tok["refresh_token"] == "" || tok["expires_in"].(float64) != 604800 {
		t.Fatalf("token exchange: %d %v", st, tok)
	}
	c.tok = tok["access_token"].(string)
	me := c.must(200, "GET", "/users/who_am_i.json?fields=id,name,email", nil)
	if me.data()["name"] != "Dana Whitfield" {
		t.Fatalf("who_am_i %v", me.body)
	}

	// Reusing the code fails.
	if st, m := tokenReq(t, c.base, form); st != 400 || m["error"] != "invalid_grant" {
		t.Fatalf("reused code: %d %v", st, m)
	}

	// A fresh code, then refresh with rotation.
	code2 := getCode(t, hc, authorizeURL(c.base, nil)).Get("code")
	form.Set("code", code2)
	st, tok = tokenReq(t, c.base, form)
	if st != 200 {
		t.Fatalf("second exchange %d", st)
	}
	oldRefresh := tok["refresh_token"].(string)
	rf := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {oldRefresh}, "client_id": {"app"}, "client_secret": {"s3cret"}}
	st, tok2 := tokenReq(t, c.base, rf)
	if st != 200 || tok2["refresh_token"] == oldRefresh || tok2["refresh_token"] == nil || tok2["access_token"] == tok["access_token"] {
		t.Fatalf("refresh: %d %v", st, tok2)
	}
	if st, m := tokenReq(t, c.base, rf); st != 400 || m["error"] != "invalid_grant" {
		t.Fatalf("rotated refresh token reused: %d %v", st, m)
	}
	c.tok = tok2["access_token"].(string)
	c.must(200, "GET", "/users.json", nil)

	// Deauthorize → the token and its refresh token die.
	req, _ := http.NewRequest("POST", c.base+"/oauth/deauthorize", strings.NewReader(url.Values{"token": {c.tok}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+c.tok)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("deauthorize %d", resp.StatusCode)
	}
	r := c.must(401, "GET", "/users.json", nil)
	if r.body["error"] != "invalid_token" || !strings.Contains(str(r.body["error_description"]), "expired, revoked") {
		t.Fatalf("after deauthorize: %s", r.raw)
	}
	rf.Set("refresh_token", tok2["refresh_token"].(string))
	if st, _ := tokenReq(t, c.base, rf); st != 400 {
		t.Fatalf("refresh after deauthorize: %d", st)
	}
}

func TestOAuthApprovePageDeclineAndExtraParams(t *testing.T) {
	c := start(t, Options{})
	c.s.RegisterClient("app", "s3cret", redirect)
	hc := noRedirect()
	resp, err := hc.Get(authorizeURL(c.base, nil))
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(page), `value="approve"`) {
		t.Fatalf("approve page: %d %s", resp.StatusCode, page)
	}
	// Approve with extra query params on the registered URI.
	form := url.Values{"client_id": {"app"}, "response_type": {"code"}, "redirect_uri": {redirect + "?session=9"}, "state": {"abc"}, "decision": {"approve"}}
	resp, err = hc.PostForm(c.base+"/oauth/authorize", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != 302 || loc.Query().Get("session") != "9" || loc.Query().Get("code") == "" || loc.Query().Get("state") != "abc" {
		t.Fatalf("approve: %d %s", resp.StatusCode, loc)
	}
	// Decline with redirect_on_decline.
	form.Set("decision", "decline")
	form.Set("redirect_uri", redirect)
	form.Set("redirect_on_decline", "true")
	resp, _ = hc.PostForm(c.base+"/oauth/authorize", form)
	resp.Body.Close()
	loc, _ = url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != 302 || loc.Query().Get("error") != "access_denied" || loc.Query().Get("state") != "abc" || loc.Query().Get("code") != "" {
		t.Fatalf("decline: %d %s", resp.StatusCode, loc)
	}
	// AutoDecline hook.
	d := start(t, Options{AutoDecline: true})
	d.s.RegisterClient("app", "s3cret", redirect)
	q := getCode(t, hc, authorizeURL(d.base, url.Values{"redirect_on_decline": {"true"}}))
	if q.Get("error") != "access_denied" {
		t.Fatalf("auto-decline: %v", q)
	}
}

func TestTokenExpiryAndNonRotatingRefresh(t *testing.T) {
	clk := newClock()
	c := start(t, Options{AccessTokenTTL: 2 * time.Second, Now: clk.Now, AutoApprove: true})
	c.s.RegisterClient("app", "s3cret", redirect)
	code := getCode(t, noRedirect(), authorizeURL(c.base, nil)).Get("code")
	st, tok := tokenReq(t, c.base, url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect}, "client_id": {"app"}, "client_secret": {"s3cret"}})
	if st != 200 || tok["expires_in"].(float64) != 2 {
		t.Fatalf("%d %v", st, tok)
	}
	c.tok = tok["access_token"].(string)
	c.must(200, "GET", "/users", nil)
	clk.Add(3 * time.Second)
	c.must(401, "GET", "/users", nil)
	rf := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok["refresh_token"].(string)}, "client_id": {"app"}, "client_secret": {"s3cret"}}
	for i := 0; i < 2; i++ { // reusable when not rotating
		st, t2 := tokenReq(t, c.base, rf)
		if st != 200 || t2["refresh_token"] != nil {
			t.Fatalf("refresh %d: %d %v", i, st, t2)
		}
		c.tok = t2["access_token"].(string)
		c.must(200, "GET", "/users", nil)
	}
	if st, m := tokenReq(t, c.base, url.Values{"grant_type": {"password"}, "client_id": {"app"}, "client_secret": {"s3cret"}}); st != 400 || m["error"] != "unsupported_grant_type" {
		t.Fatalf("password grant: %d %v", st, m)
	}
}

func TestTokensAreBoundToTheirRegion(t *testing.T) {
	us := start(t, Options{Region: "us"})
	eu := start(t, Options{Region: "eu"})
	us.must(200, "GET", "/users.json", nil)
	eu.tok = us.tok
	r := eu.must(401, "GET", "/users.json", nil)
	if r.body["error"] != "invalid_token" {
		t.Fatalf("%s", r.raw)
	}
	eu.tok = ""
	eu.must(401, "GET", "/users.json", nil)
}
