package fakeclio

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"
)

const invalidTokenMsg = "The access token provided is expired, revoked, malformed or invalid for other reasons."

type authCode struct {
	code, clientID, redirectURI string
	issued                      time.Time
	used                        bool
	grant                       *grant // tokens issued from it (revoked if the code is replayed)
}

// grant is one authorisation of a client by the user: one refresh token and
// the access tokens issued from it.
type grant struct {
	clientID string
	refresh  string
	revoked  bool
	access   []string
}

type token struct {
	access  string
	expires time.Time
	grant   *grant
	revoked bool
}

func (s *Server) newGrantLocked(clientID string) *grant {
	g := &grant{clientID: clientID, refresh: s.regionID + ".r." + randHex(20)}
	s.refresh[g.refresh] = g
	s.issued = append(s.issued, g.refresh)
	return g
}

func (s *Server) newAccessLocked(g *grant) string {
	t := &token{access: s.regionID + ".a." + randHex(20), expires: s.now().Add(s.opts.AccessTokenTTL), grant: g}
	s.access[t.access] = t
	g.access = append(g.access, t.access)
	s.issued = append(s.issued, t.access)
	s.counters.TokensIssued++
	return t.access
}

func (s *Server) revokeGrantLocked(g *grant) {
	g.revoked = true
	delete(s.refresh, g.refresh)
	for _, a := range g.access {
		if t := s.access[a]; t != nil {
			t.revoked = true
		}
	}
}

// authLocked checks the Bearer token; it returns the reason on failure.
func (s *Server) authLocked(r *http.Request) (*token, string) {
	h := r.Header.Get("Authorization")
	if len(h) < 7 || !strings.EqualFold(h[:7], "bearer ") {
		return nil, invalidTokenMsg
	}
	t := s.access[strings.TrimSpace(h[7:])]
	if t == nil || t.revoked || !s.now().Before(t.expires) {
		return nil, invalidTokenMsg
	}
	return t, ""
}

// redirectAllowed: exact scheme, host (incl. port) and path; extra query
// parameters on the request are allowed.
func redirectAllowed(c *Client, raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Fragment != "" {
		return false
	}
	for _, reg := range c.RedirectURIs {
		ru, err := url.Parse(reg)
		if err != nil {
			continue
		}
		if ru.Scheme == u.Scheme && ru.Host == u.Host && ru.Path == u.Path {
			ok := true
			rq, uq := ru.Query(), u.Query()
			for k := range rq {
				if uq.Get(k) != rq.Get(k) {
					ok = false
				}
			}
			if ok {
				return true
			}
		}
	}
	return false
}

func withParams(raw string, kv ...string) string {
	u, _ := url.Parse(raw)
	q := u.Query()
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" || kv[i] == "code" {
			q.Set(kv[i], kv[i+1])
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}

var approvePage = template.Must(template.New("approve").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>Authorize {{.Client}} - Clio (fake)</title></head>
<body style="font-family:sans-serif;max-width:32em;margin:3em auto">
<h1>Fake Clio Manage ({{.Region}})</h1>
<p><b>{{.Client}}</b> wants to access your Clio account as <b>{{.User}}</b>.</p>
<form method="post" action="/oauth/authorize">
{{range $k, $v := .Params}}<input type="hidden" name="{{$k}}" value="{{$v}}">
{{end}}<button name="decision" value="approve">Allow access</button>
<button name="decision" value="decline">Deny</button>
</form></body></html>`))

func htmlError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte("<!doctype html><html><head><title>Failure error=" + template.HTMLEscapeString(msg) + "</title></head><body><p>" + template.HTMLEscapeString(msg) + "</p></body></html>"))
}

func (s *Server) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		htmlError(w, 405, "method not allowed")
		return
	}
	_ = r.ParseForm()
	p := r.Form
	clientID, redirect, state := p.Get("client_id"), p.Get("redirect_uri"), p.Get("state")
	s.mu.Lock()
	c := s.clients[clientID]
	s.mu.Unlock()
	if c == nil {
		htmlError(w, 400, "invalid_client: unknown client_id")
		return
	}
	if redirect == "" || !redirectAllowed(c, redirect) {
		// Never redirect to an unregistered URI.
		htmlError(w, 400, "invalid_request: The redirect uri included is not valid.")
		return
	}
	if p.Get("response_type") != "code" {
		http.Redirect(w, r, withParams(redirect, "error", "unsupported_response_type", "state", state), http.StatusFound)
		return
	}
	decision := ""
	switch {
	case r.Method == http.MethodPost:
		decision = p.Get("decision")
	case s.opts.AutoDecline:
		decision = "decline"
	case s.opts.AutoApprove:
		decision = "approve"
	}
	switch decision {
	case "approve":
		s.mu.Lock()
		code := &authCode{code: randHex(16), clientID: clientID, redirectURI: redirect, issued: s.now()}
		s.codes[code.code] = code
		s.mu.Unlock()
		http.Redirect(w, r, withParams(redirect, "code", code.code, "state", state), http.StatusFound)
	case "decline":
		if p.Get("redirect_on_decline") == "true" {
			http.Redirect(w, r, withParams(redirect, "error", "access_denied", "state", state), http.StatusFound)
			return
		}
		htmlError(w, 200, "access_denied")
	default:
		params := map[string]string{}
		for _, k := range []string{"client_id", "response_type", "redirect_uri", "state", "redirect_on_decline"} {
			if v := p.Get(k); v != "" {
				params[k] = v
			}
		}
		user := ""
		s.mu.Lock()
		if len(s.users) > 0 {
			user = s.users[0].FirstName + " " + s.users[0].LastName
		}
		s.mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = approvePage.Execute(w, map[string]any{"Client": clientID, "Region": s.opts.Region, "User": user, "Params": params})
	}
}

func oauthErr(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]any{"error": code, "error_description": desc})
}

func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		oauthErr(w, 405, "invalid_request", "POST required")
		return
	}
	if err := r.ParseForm(); err != nil {
		oauthErr(w, 400, "invalid_request", err.Error())
		return
	}
	f := r.PostForm
	clientID, secret := f.Get("client_id"), f.Get("client_secret")
	if u, pw, ok := r.BasicAuth(); ok && clientID == "" {
		clientID, secret = u, pw
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.clients[clientID]
	if c == nil || secret == "" || secret != c.Secret {
		oauthErr(w, 401, "invalid_client", "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.")
		return
	}
	invalidGrant := func() {
		oauthErr(w, 400, "invalid_grant", "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.")
	}
	var g *grant
	newRefresh := ""
	switch f.Get("grant_type") {
	case "authorization_code":
		code := s.codes[f.Get("code")]
		if code == nil || code.clientID != clientID || code.redirectURI != f.Get("redirect_uri") || s.now().Sub(code.issued) > s.opts.MaxCodeAge {
			invalidGrant()
			return
		}
		if code.used {
			// A replayed code revokes what it issued (RFC 6749 §4.1.2).
			if code.grant != nil {
				s.revokeGrantLocked(code.grant)
			}
			invalidGrant()
			return
		}
		code.used = true
		g = s.newGrantLocked(clientID)
		code.grant = g
		newRefresh = g.refresh
	case "refresh_token":
		g = s.refresh[f.Get("refresh_token")]
		if g == nil || g.revoked || g.clientID != clientID {
			invalidGrant()
			return
		}
		if s.opts.RotateRefresh {
			delete(s.refresh, g.refresh)
			g.refresh = s.regionID + ".r." + randHex(20)
			s.refresh[g.refresh] = g
			s.issued = append(s.issued, g.refresh)
			newRefresh = g.refresh
		}
	case "":
		oauthErr(w, 400, "invalid_request", "grant_type is required")
		return
	default:
		oauthErr(w, 400, "unsupported_grant_type", "The authorization grant type is not supported by the authorization server.")
		return
	}
	access := s.newAccessLocked(g)
	out := map[string]any{"token_type": "bearer", "access_token": access, "expires_in": int64(s.opts.AccessTokenTTL.Round(time.Second) / time.Second)}
	if newRefresh != "" {
		out["refresh_token"] = newRefresh
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, 200, out)
}

// handleDeauthorize revokes the bearer token (form field token, else the
// Authorization header) together with its grant's refresh token.
func (s *Server) handleDeauthorize(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		oauthErr(w, 405, "invalid_request", "POST required")
		return
	}
	_ = r.ParseForm()
	s.mu.Lock()
	defer s.mu.Unlock()
	t, reason := s.authLocked(r)
	if t == nil {
		oauthErr(w, 401, "invalid_token", reason)
		return
	}
	target := t
	if v := r.PostForm.Get("token"); v != "" {
		if x := s.access[v]; x != nil {
			target = x
		} else if g := s.refresh[v]; g != nil {
			s.revokeGrantLocked(g)
			w.WriteHeader(200)
			return
		}
	}
	target.revoked = true
	if target.grant != nil {
		s.revokeGrantLocked(target.grant)
	}
	w.WriteHeader(200)
}

// IssuedTokens lists every access and refresh token this server has handed
// out (revoked ones too), so a test can prove none of them was written
// anywhere but the OS keyring.
func (s *Server) IssuedTokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.issued...)
}
