package clio

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"handover/core/secrets"
)

// Token is what a sign-in yields. Only RefreshToken is persisted (in the OS
// keyring); AccessToken lives in memory.
type Token struct {
	AccessToken  string
	RefreshToken string
	Expiry       time.Time // from expires_in; zero if Clio sent none
}

// String never prints the secrets.
func (t *Token) String() string {
	if t == nil {
		return "<nil token>"
	}
	return fmt.Sprintf("clio.Token{expires %s}", t.Expiry.Format(time.RFC3339))
}

// GoString keeps %#v from printing the secrets too.
func (t *Token) GoString() string { return t.String() }

// DefaultPort is the loopback port registered for the redirect URI
// (Clio matches redirect URIs exactly, port included).
const DefaultPort = 5678

// LoginConfig configures Login.
type LoginConfig struct {
	BaseURL      string // from BaseURL(region, override)
	ClientID     string
	ClientSecret string
	Port         int // loopback port; 0 → DefaultPort; -1 → any free port (tests)
	// OpenBrowser opens the authorize URL in the system browser. Optional;
	// an error is not fatal (the URL is printed as well).
	OpenBrowser func(url string) error
	// PrintURL shows the authorize URL to the user (stdout in the CLI).
	PrintURL func(string)
	// Timeout bounds the whole sign-in; 0 → 5 minutes.
	Timeout time.Duration
	// HTTPClient is used for the token exchange; nil → a client with a 60 s timeout.
	HTTPClient *http.Client
}

// Sign-in failures the CLI and UI can tell apart.
var (
	ErrLoginDeclined = errors.New("the sign-in was declined in Clio (access was not granted)")
	ErrStateMismatch = errors.New("the sign-in answer did not match the sign-in Handover started (state mismatch); start the sign-in again")
	ErrLoginTimeout  = errors.New("timed out waiting for the sign-in in the browser")
)

// RedirectURI returns the loopback redirect URI for a port.
func RedirectURI(port int) string {
	return "http://127.0.0.1:" + strconv.Itoa(port) + "/callback"
}

func oauthConfig(baseURL, clientID, clientSecret, redirect string) *oauth2.Config {
	return &oauth2.Config{
		ClientID:     clientID,
		ClientSecret: clientSecret,
		RedirectURL:  redirect,
		Endpoint: oauth2.Endpoint{
			AuthURL:  baseURL + "/oauth/authorize",
			TokenURL: baseURL + "/oauth/token",
			// Clio's token endpoint takes client_id and client_secret as
			// form fields (CLIO-API.md §2), not HTTP Basic.
			AuthStyle: oauth2.AuthStyleInParams,
		},
	}
}

func defaultHTTPClient(c *http.Client) *http.Client {
	if c != nil {
		return c
	}
	return &http.Client{Timeout: 60 * time.Second}
}

func randomState() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

type callbackResult struct {
	tok *Token
	err error
}

// Login runs the OAuth authorization-code flow for a native app (RFC 8252):
// it listens on http://127.0.0.1:<port>/callback, shows the authorize URL
// (PrintURL) and opens it (OpenBrowser), checks the returned state, exchanges
// the code for tokens and shows a plain page in the browser. It returns
// ErrLoginDeclined, ErrStateMismatch or ErrLoginTimeout (wrapped) when the
// user declines, the answer is forged or stale, or nothing happens in time.
// Login does not store anything: call SaveLogin with the result.
func Login(ctx context.Context, cfg LoginConfig) (*Token, error) {
	base, err := normalizeBase(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	if cfg.ClientID == "" || cfg.ClientSecret == "" {
		return nil, errors.New("a Clio client id and client secret are needed to sign in")
	}
	rememberSecret(cfg.ClientSecret)
	port := cfg.Port
	if port == 0 {
		port = DefaultPort
	}
	if port < 0 {
		port = 0
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		return nil, fmt.Errorf("cannot listen for the sign-in answer on 127.0.0.1:%d (is another sign-in running?): %w", port, err)
	}
	redirect := RedirectURI(ln.Addr().(*net.TCPAddr).Port)
	conf := oauthConfig(base, cfg.ClientID, cfg.ClientSecret, redirect)
	state, err := randomState()
	if err != nil {
		ln.Close()
		return nil, err
	}
	authURL := conf.AuthCodeURL(state, oauth2.SetAuthURLParam("redirect_on_decline", "true"))
	hc := defaultHTTPClient(cfg.HTTPClient)

	results := make(chan callbackResult, 1)
	deliver := func(r callbackResult) {
		select {
		case results <- r:
		default:
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/callback", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		got := q.Get("state")
		if subtle.ConstantTimeCompare([]byte(got), []byte(state)) != 1 {
			page(w, http.StatusBadRequest, "Sign-in not completed",
				"This answer does not belong to the sign-in Handover started. Go back to Handover and start the sign-in again.")
			deliver(callbackResult{err: ErrStateMismatch})
			return
		}
		if e := q.Get("error"); e != "" {
			if e == "access_denied" {
				page(w, http.StatusOK, "Sign-in declined",
					"You declined access, so Handover is not connected to Clio. You can close this tab; to try again, start the sign-in in Handover.")
				deliver(callbackResult{err: ErrLoginDeclined})
				return
			}
			page(w, http.StatusBadRequest, "Sign-in failed", "Clio reported: "+e+". Close this tab and try again in Handover.")
			deliver(callbackResult{err: fmt.Errorf("Clio refused the sign-in: %s %s", e, q.Get("error_description"))})
			return
		}
		code := q.Get("code")
		if code == "" {
			page(w, http.StatusBadRequest, "Sign-in failed", "Clio's answer had no authorization code. Close this tab and try again in Handover.")
			deliver(callbackResult{err: errors.New("Clio's answer had no authorization code")})
			return
		}
		rememberSecret(code)
		xctx := context.WithValue(ctx, oauth2.HTTPClient, hc)
		ot, err := conf.Exchange(xctx, code)
		if err != nil {
			page(w, http.StatusBadGateway, "Sign-in failed", "Handover could not finish the sign-in with Clio. Close this tab and see Handover for details.")
			deliver(callbackResult{err: fmt.Errorf("exchanging the authorization code: %w", RedactError(err))})
			return
		}
		tok := fromOAuth2(ot)
		if tok.AccessToken == "" {
			page(w, http.StatusBadGateway, "Sign-in failed", "Clio did not return an access token.")
			deliver(callbackResult{err: errors.New("Clio did not return an access token")})
			return
		}
		page(w, http.StatusOK, "Signed in to Clio",
			"Handover is now connected to Clio. You can close this tab and go back to Handover.")
		deliver(callbackResult{tok: tok})
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer func() {
		sctx, c := context.WithTimeout(context.Background(), 2*time.Second)
		defer c()
		srv.Shutdown(sctx)
	}()

	if cfg.PrintURL != nil {
		cfg.PrintURL(authURL)
	}
	if cfg.OpenBrowser != nil {
		if err := cfg.OpenBrowser(authURL); err != nil && cfg.PrintURL == nil {
			return nil, fmt.Errorf("could not open the browser: %w", err)
		}
	}
	select {
	case r := <-results:
		return r.tok, r.err
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, fmt.Errorf("%w (%s)", ErrLoginTimeout, timeout)
		}
		return nil, ctx.Err()
	}
}

func fromOAuth2(ot *oauth2.Token) *Token {
	t := &Token{AccessToken: ot.AccessToken, RefreshToken: ot.RefreshToken, Expiry: ot.Expiry}
	rememberSecret(t.AccessToken)
	rememberSecret(t.RefreshToken)
	return t
}

func page(w http.ResponseWriter, status int, title, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<!doctype html><html><head><meta charset="utf-8"><title>%s – Handover</title>
<style>body{font-family:system-ui,sans-serif;max-width:36em;margin:4em auto;color:#222}h1{font-size:1.4em}</style></head>
<body><h1>%s</h1><p>%s</p></body></html>`, html.EscapeString(title), html.EscapeString(title), html.EscapeString(msg))
}

// SaveLogin stores what a later session needs to sign in silently: the
// refresh token and the client id/secret, keyed by host. The access token is
// not stored.
func SaveLogin(store secrets.Store, baseURL, clientID, clientSecret string, tok *Token) error {
	if tok == nil || tok.RefreshToken == "" {
		return errors.New("Clio returned no refresh token; the sign-in cannot be kept")
	}
	for _, kv := range [][2]string{
		{KeyClientID(baseURL), clientID},
		{KeyClientSecret(baseURL), clientSecret},
		{KeyRefreshToken(baseURL), tok.RefreshToken},
	} {
		if err := store.Set(kv[0], kv[1]); err != nil {
			return fmt.Errorf("saving the Clio sign-in to the keyring: %w", err)
		}
	}
	return nil
}

// LogoutConfig configures Logout.
type LogoutConfig struct {
	BaseURL string
	Store   secrets.Store
	// AccessToken to revoke; if empty, one is obtained with the stored refresh token.
	AccessToken string
	HTTPClient  *http.Client
}

// Logout revokes the sign-in at Clio (POST /oauth/deauthorize) and then
// deletes every keyring entry for the host (refresh token, client id and
// secret). The entries are deleted even when Clio cannot be reached; the
// returned error then says that the server-side revoke did not happen.
func Logout(ctx context.Context, cfg LogoutConfig) error {
	base, err := normalizeBase(cfg.BaseURL)
	if err != nil {
		return err
	}
	hc := defaultHTTPClient(cfg.HTTPClient)
	var revokeErr error
	access := cfg.AccessToken
	if access == "" && cfg.Store != nil {
		ts, err := NewTokenSource(base, cfg.Store, TokenSourceOptions{HTTPClient: hc})
		if err == nil {
			access, err = ts.Token(ctx)
		}
		if err != nil && !errors.Is(err, ErrNotSignedIn) {
			revokeErr = err
		}
	}
	if access != "" {
		revokeErr = deauthorize(ctx, hc, base, access)
	}
	var delErr error
	if cfg.Store != nil {
		for _, k := range []string{KeyRefreshToken(base), KeyClientSecret(base), KeyClientID(base)} {
			if err := cfg.Store.Delete(k); err != nil && !errors.Is(err, secrets.ErrNotFound) {
				delErr = errors.Join(delErr, err)
			}
		}
	}
	if delErr != nil {
		return fmt.Errorf("removing the Clio sign-in from the keyring: %w", delErr)
	}
	if revokeErr != nil {
		return fmt.Errorf("signed out on this computer, but Clio could not be told to revoke the sign-in (revoke Handover under Settings → Apps in Clio): %w", RedactError(revokeErr))
	}
	return nil
}

func deauthorize(ctx context.Context, hc *http.Client, base, access string) error {
	rememberSecret(access)
	form := url.Values{"token": {access}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/oauth/deauthorize", strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+access)
	resp, err := hc.Do(req)
	if err != nil {
		return RedactError(err)
	}
	defer resp.Body.Close()
	body := readLimited(resp.Body, 64<<10)
	if resp.StatusCode/100 != 2 {
		return parseAPIError(resp.StatusCode, http.MethodPost, req.URL.String(), body, resp.Header)
	}
	return nil
}
