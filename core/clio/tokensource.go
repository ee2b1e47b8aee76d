package clio

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"handover/core/secrets"
)

// TokenSource hands the client a valid access token.
type TokenSource interface {
	// Token returns an access token valid for at least the refresh margin,
	// refreshing it first when needed.
	Token(ctx context.Context) (string, error)
	// Refresh is called after Clio answered 401 to a request made with
	// stale; it refreshes unless another caller already did, and returns the
	// new access token.
	Refresh(ctx context.Context, stale string) (string, error)
}

// StaticToken is a TokenSource for a fixed access token (tests, scripts).
type StaticToken string

func (s StaticToken) Token(context.Context) (string, error) {
	rememberSecret(string(s))
	return string(s), nil
}
func (s StaticToken) Refresh(context.Context, string) (string, error) {
	return "", fmt.Errorf("%w: the access token was rejected", ErrNotSignedIn)
}

// TokenSourceOptions configures NewTokenSource.
type TokenSourceOptions struct {
	// Initial is the token from Login, if this session just signed in.
	Initial *Token
	// ClientID / ClientSecret override what is stored in the keyring.
	ClientID, ClientSecret string
	// Margin: refresh when the access token expires within this; 0 → 5 minutes.
	Margin     time.Duration
	HTTPClient *http.Client
	// Now is the clock (tests); nil → time.Now.
	Now func() time.Time
}

// KeyringTokenSource refreshes access tokens with the refresh token kept in
// a secrets.Store, and saves any new refresh token Clio returns right away.
// Access tokens stay in memory. Safe for concurrent use.
type KeyringTokenSource struct {
	base   string
	store  secrets.Store
	conf   *oauth2.Config
	hc     *http.Client
	margin time.Duration
	now    func() time.Time

	mu      sync.Mutex
	access  string
	refresh string
	expiry  time.Time
	// Refreshes counts successful refreshes.
	refreshes int
}

// NewTokenSource builds a token source for the Clio at baseURL from the
// sign-in stored in store (see SaveLogin). It fails with ErrNotSignedIn when
// no refresh token or client credentials are stored (and none are given).
func NewTokenSource(baseURL string, store secrets.Store, o TokenSourceOptions) (*KeyringTokenSource, error) {
	base, err := normalizeBase(baseURL)
	if err != nil {
		return nil, err
	}
	get := func(key, given string) (string, error) {
		if given != "" {
			return given, nil
		}
		v, err := store.Get(key)
		if errors.Is(err, secrets.ErrNotFound) {
			return "", fmt.Errorf("%w (%v)", ErrNotSignedIn, err)
		}
		return v, err
	}
	id, err := get(KeyClientID(base), o.ClientID)
	if err != nil {
		return nil, err
	}
	secret, err := get(KeyClientSecret(base), o.ClientSecret)
	if err != nil {
		return nil, err
	}
	rememberSecret(secret)
	ts := &KeyringTokenSource{
		base: base, store: store,
		conf:   oauthConfig(base, id, secret, ""),
		hc:     defaultHTTPClient(o.HTTPClient),
		margin: o.Margin, now: o.Now,
	}
	if ts.margin <= 0 {
		ts.margin = 5 * time.Minute
	}
	if ts.now == nil {
		ts.now = time.Now
	}
	if o.Initial != nil {
		ts.access, ts.refresh, ts.expiry = o.Initial.AccessToken, o.Initial.RefreshToken, o.Initial.Expiry
		rememberSecret(ts.access)
		rememberSecret(ts.refresh)
	}
	if ts.refresh == "" {
		rt, err := get(KeyRefreshToken(base), "")
		if err != nil {
			return nil, err
		}
		ts.refresh = rt
		rememberSecret(rt)
	}
	return ts, nil
}

func (ts *KeyringTokenSource) fresh() bool {
	return ts.access != "" && (ts.expiry.IsZero() || ts.now().Add(ts.margin).Before(ts.expiry))
}

// Token returns the access token, refreshing it when it expires within the margin.
func (ts *KeyringTokenSource) Token(ctx context.Context) (string, error) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.fresh() {
		return ts.access, nil
	}
	return ts.refreshLocked(ctx)
}

// Refresh forces a refresh unless the access token already changed since stale.
func (ts *KeyringTokenSource) Refresh(ctx context.Context, stale string) (string, error) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.access != "" && ts.access != stale && ts.fresh() {
		return ts.access, nil
	}
	return ts.refreshLocked(ctx)
}

// Expiry is when the current access token expires (zero if unknown).
func (ts *KeyringTokenSource) Expiry() time.Time {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.expiry
}

// Refreshes counts the refreshes done so far.
func (ts *KeyringTokenSource) Refreshes() int {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.refreshes
}

func (ts *KeyringTokenSource) refreshLocked(ctx context.Context) (string, error) {
	if ts.refresh == "" {
		return "", ErrNotSignedIn
	}
	xctx := context.WithValue(ctx, oauth2.HTTPClient, ts.hc)
	ot, err := ts.conf.TokenSource(xctx, &oauth2.Token{RefreshToken: ts.refresh}).Token()
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && (re.ErrorCode == "invalid_grant" || re.ErrorCode == "invalid_client" ||
			(re.Response != nil && (re.Response.StatusCode == 400 || re.Response.StatusCode == 401))) {
			return "", fmt.Errorf("%w: %v", ErrNotSignedIn, RedactError(err))
		}
		return "", fmt.Errorf("refreshing the Clio sign-in: %w", RedactError(err))
	}
	t := fromOAuth2(ot)
	ts.access, ts.expiry = t.AccessToken, t.Expiry
	ts.refreshes++
	if t.RefreshToken != "" && t.RefreshToken != ts.refresh {
		// Clio may rotate refresh tokens: keep the new one before anything
		// else can go wrong, or the next session is locked out.
		ts.refresh = t.RefreshToken
		if err := ts.store.Set(KeyRefreshToken(ts.base), t.RefreshToken); err != nil {
			return ts.access, fmt.Errorf("Clio issued a new refresh token but it could not be saved to the keyring; sign in again next time: %w", err)
		}
	}
	return ts.access, nil
}
