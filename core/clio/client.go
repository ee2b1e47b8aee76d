package clio

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
)

// Wait reasons passed to the OnWait callback.
const (
	WaitRateLimit  = "waiting for Clio's rate limit"
	WaitRetryAfter = "Clio asked to slow down (429), waiting as told"
	WaitBackoff    = "Clio or the network had a problem, retrying"
)

// Client talks to Clio Manage API v4. Safe for concurrent use; requests are
// paced together.
type Client struct {
	base    string // root, e.g. https://app.clio.com
	api     string // base + /api/v4
	apiHost string
	ts      TokenSource
	hc      *http.Client
	upload  *http.Client
	log     *slog.Logger
	version string

	maxRetries   int
	backoffBase  time.Duration
	backoffMax   time.Duration
	max429       int
	reqTimeout   time.Duration
	onWait       func(time.Duration, string)
	multipartMin int64
	partSize     int64

	pacer *pacer

	requests, retries, rateLimited, refreshes, maybeCommitted atomic.Int64
	waitRate, waitBackoff                                     atomic.Int64 // ns
}

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient sets the client for Clio API calls (default: no overall
// timeout; each attempt is bounded by WithRequestTimeout).
func WithHTTPClient(hc *http.Client) Option { return func(c *Client) { c.hc = hc } }

// WithUploadHTTPClient sets the client used for PUTs to the signed storage URLs.
func WithUploadHTTPClient(hc *http.Client) Option { return func(c *Client) { c.upload = hc } }

// WithLogger logs one line per request (method, redacted URL, status, time).
func WithLogger(l *slog.Logger) Option { return func(c *Client) { c.log = l } }

// WithAPIVersion overrides the pinned X-API-VERSION.
func WithAPIVersion(v string) Option { return func(c *Client) { c.version = v } }

// OnWait is called before every wait the client makes on its own (pacing,
// Retry-After, backoff) with how long and why, so the UI can say
// "waiting for Clio's rate limit" instead of looking stuck.
func OnWait(f func(d time.Duration, reason string)) Option { return func(c *Client) { c.onWait = f } }

// WithRetry sets how often idempotent requests are retried on 5xx, timeouts
// and connection errors, and the exponential backoff (base doubles each try,
// capped at max, with full jitter).
func WithRetry(maxRetries int, base, max time.Duration) Option {
	return func(c *Client) { c.maxRetries, c.backoffBase, c.backoffMax = maxRetries, base, max }
}

// WithRequestTimeout bounds each attempt of an API request (default 2 min).
func WithRequestTimeout(d time.Duration) Option { return func(c *Client) { c.reqTimeout = d } }

// WithResetMargin: after the budget of a window is used up, wait this long
// past X-RateLimit-Reset (default 250 ms) before sending again.
func WithResetMargin(d time.Duration) Option { return func(c *Client) { c.pacer.margin = d } }

// WithMultipart sets the size from which documents are uploaded in parts
// (default 100 MB) and the part size (default 50 MB; minimum 5 MB per Clio).
func WithMultipart(threshold, partSize int64) Option {
	return func(c *Client) { c.multipartMin, c.partSize = threshold, partSize }
}

// New returns a client for the Clio at baseURL (the root, as returned by
// BaseURL; a trailing /api/v4 is accepted too).
func New(baseURL string, ts TokenSource, opts ...Option) (*Client, error) {
	base, err := normalizeBase(baseURL)
	if err != nil {
		return nil, err
	}
	c := &Client{
		base: base, api: base + "/api/v4", apiHost: HostOf(base), ts: ts,
		hc: &http.Client{}, upload: &http.Client{},
		version:    APIVersion,
		maxRetries: 5, backoffBase: 500 * time.Millisecond, backoffMax: 30 * time.Second,
		max429: 20, reqTimeout: 2 * time.Minute,
		multipartMin: 100 << 20, partSize: 50 << 20,
		pacer: newPacer(250 * time.Millisecond),
	}
	for _, o := range opts {
		o(c)
	}
	return c, nil
}

// BaseURL is the root URL the client talks to.
func (c *Client) BaseURL() string { return c.base }

// Stats are counters for the run so far.
type Stats struct {
	Requests       int64         // HTTP requests sent to the Clio API (each retry counts)
	Retries        int64         // of which retries
	RateLimited    int64         // 429 answers seen
	Refreshes      int64         // token refreshes after a 401
	MaybeCommitted int64         // creates whose outcome is unknown
	RateLimitWait  time.Duration // time spent waiting for the rate limit (pacing + Retry-After)
	BackoffWait    time.Duration // time spent backing off after errors
	Limit          int           // last X-RateLimit-Limit
	Remaining      int           // last X-RateLimit-Remaining
	Reset          time.Time     // last X-RateLimit-Reset
}

// Stats returns the counters.
func (c *Client) Stats() Stats {
	l, r, rs := c.pacer.snapshot()
	return Stats{
		Requests: c.requests.Load(), Retries: c.retries.Load(), RateLimited: c.rateLimited.Load(),
		Refreshes: c.refreshes.Load(), MaybeCommitted: c.maybeCommitted.Load(),
		RateLimitWait: time.Duration(c.waitRate.Load()), BackoffWait: time.Duration(c.waitBackoff.Load()),
		Limit: l, Remaining: r, Reset: rs,
	}
}

func (c *Client) wait(ctx context.Context, d time.Duration, reason string) error {
	if d <= 0 {
		return ctx.Err()
	}
	if c.onWait != nil {
		c.onWait(d, reason)
	}
	if reason == WaitBackoff {
		c.waitBackoff.Add(int64(d))
	} else {
		c.waitRate.Add(int64(d))
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (c *Client) backoff(attempt int) time.Duration {
	d := c.backoffBase << attempt
	if d > c.backoffMax || d <= 0 {
		d = c.backoffMax
	}
	// full jitter, but never less than half the step
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodDelete, http.MethodPatch, http.MethodPut, http.MethodOptions:
		return true
	}
	return false
}

// Response is what Do returns besides the decoded body.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// apiURL resolves a path ("/contacts.json") or a full URL (a paging link)
// and refuses to send the bearer token to any other host.
func (c *Client) apiURL(pathOrURL string, q url.Values) (string, error) {
	var u *url.URL
	var err error
	if strings.HasPrefix(pathOrURL, "http://") || strings.HasPrefix(pathOrURL, "https://") {
		u, err = url.Parse(pathOrURL)
		if err != nil {
			return "", err
		}
		if u.Host != c.apiHost {
			return "", fmt.Errorf("refusing to send the Clio token to %s (expected %s)", u.Host, c.apiHost)
		}
	} else {
		if !strings.HasPrefix(pathOrURL, "/") {
			pathOrURL = "/" + pathOrURL
		}
		u, err = url.Parse(c.api + pathOrURL)
		if err != nil {
			return "", err
		}
	}
	if len(q) > 0 {
		merged := u.Query()
		for k, vs := range q {
			merged[k] = vs
		}
		u.RawQuery = merged.Encode()
	}
	return u.String(), nil
}

// Do sends one API request and decodes a JSON answer into out (if not nil).
// body is marshalled to JSON unless it is nil. It paces by the rate-limit
// headers, retries 429s after Retry-After, refreshes the token once on 401,
// and retries idempotent requests on 5xx/timeouts/connection errors. A POST
// that may have reached Clio without an answer returns an error matching
// ErrMaybeCommitted and is never re-sent.
func (c *Client) Do(ctx context.Context, method, pathOrURL string, q url.Values, body any, out any, hdr http.Header) (*Response, error) {
	target, err := c.apiURL(pathOrURL, q)
	if err != nil {
		return nil, err
	}
	var payload []byte
	if body != nil {
		if payload, err = json.Marshal(body); err != nil {
			return nil, fmt.Errorf("encoding the request for %s: %w", redactPath(target), err)
		}
	}
	refreshed := false
	attempts, n429 := 0, 0
	for {
		at, why := c.pacer.reserve(time.Now())
		if err := c.wait(ctx, time.Until(at), why); err != nil {
			c.pacer.done(nil, time.Now())
			return nil, err
		}
		tok, err := c.ts.Token(ctx)
		if err != nil {
			c.pacer.done(nil, time.Now())
			return nil, err
		}
		resp, sent, err := c.send(ctx, method, target, payload, tok, hdr)
		if err != nil {
			c.pacer.done(nil, time.Now())
			if ctx.Err() != nil && !sent {
				return nil, ctx.Err()
			}
			if sent && !idempotent(method) {
				c.maybeCommitted.Add(1)
				return nil, &MaybeCommittedError{Method: method, URL: redactPath(target), Cause: RedactError(err)}
			}
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if attempts < c.maxRetries {
				if werr := c.wait(ctx, c.backoff(attempts), WaitBackoff); werr != nil {
					return nil, werr
				}
				attempts++
				c.retries.Add(1)
				continue
			}
			return nil, fmt.Errorf("%s %s: %w", method, redactPath(target), RedactError(err))
		}
		c.pacer.done(resp.Header, time.Now())
		switch {
		case resp.Status == http.StatusTooManyRequests:
			c.rateLimited.Add(1)
			ra := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
			if ra <= 0 {
				ra = c.backoff(n429)
			}
			if n429 >= c.max429 {
				return resp, parseAPIError(resp.Status, method, redactPath(target), resp.Body, resp.Header)
			}
			n429++
			c.retries.Add(1)
			c.pacer.block(time.Now().Add(ra))
			// The pacer waits (and reports) on the next loop.
			continue
		case resp.Status == http.StatusUnauthorized && !refreshed:
			refreshed = true
			if _, err := c.ts.Refresh(ctx, tok); err != nil {
				return resp, err
			}
			c.refreshes.Add(1)
			c.retries.Add(1)
			continue
		case resp.Status >= 500:
			if !idempotent(method) {
				c.maybeCommitted.Add(1)
				return resp, &MaybeCommittedError{Method: method, URL: redactPath(target),
					Cause: parseAPIError(resp.Status, method, redactPath(target), resp.Body, resp.Header)}
			}
			if attempts < c.maxRetries {
				d := c.backoff(attempts)
				if ra := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ra > d {
					d = ra
				}
				if werr := c.wait(ctx, d, WaitBackoff); werr != nil {
					return resp, werr
				}
				attempts++
				c.retries.Add(1)
				continue
			}
			return resp, parseAPIError(resp.Status, method, redactPath(target), resp.Body, resp.Header)
		case resp.Status == http.StatusNotModified:
			return resp, nil
		case resp.Status >= 300:
			return resp, parseAPIError(resp.Status, method, redactPath(target), resp.Body, resp.Header)
		}
		if out != nil && len(resp.Body) > 0 {
			if err := json.Unmarshal(resp.Body, out); err != nil {
				return resp, fmt.Errorf("reading Clio's answer to %s %s: %w", method, redactPath(target), err)
			}
		}
		return resp, nil
	}
}

// redactPath is the URL as it may be logged.
func redactPath(u string) string { return Redact(u) }

// send makes one attempt. sent reports whether the request was written to
// the connection (so the server may have acted on it).
func (c *Client) send(ctx context.Context, method, target string, payload []byte, tok string, hdr http.Header) (*Response, bool, error) {
	actx, cancel := context.WithTimeout(ctx, c.reqTimeout)
	defer cancel()
	var wrote atomic.Bool
	trace := &httptrace.ClientTrace{
		WroteHeaders: func() { wrote.Store(true) },
	}
	actx = httptrace.WithClientTrace(actx, trace)
	var rd io.Reader
	if payload != nil {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(actx, method, target, rd)
	if err != nil {
		return nil, false, err
	}
	for k, vs := range hdr {
		req.Header[k] = vs
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("X-API-VERSION", c.version)
	req.Header.Set("Accept", "application/json")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	start := time.Now()
	c.requests.Add(1)
	resp, err := c.hc.Do(req)
	if err != nil {
		c.logf(method, target, 0, time.Since(start), err)
		return nil, wrote.Load(), err
	}
	defer resp.Body.Close()
	b, rerr := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if rerr != nil {
		c.logf(method, target, resp.StatusCode, time.Since(start), rerr)
		return nil, true, rerr
	}
	c.logf(method, target, resp.StatusCode, time.Since(start), nil)
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: b}, true, nil
}

func (c *Client) logf(method, target string, status int, d time.Duration, err error) {
	if c.log == nil {
		return
	}
	attrs := []any{"method", method, "url", Redact(target), "status", status, "ms", d.Milliseconds()}
	if err != nil {
		attrs = append(attrs, "error", Redact(err.Error()))
		c.log.Warn("clio request failed", attrs...)
		return
	}
	c.log.Debug("clio request", attrs...)
}

func readLimited(r io.Reader, n int64) []byte {
	b, _ := io.ReadAll(io.LimitReader(r, n))
	return b
}

// errorsAs is a tiny helper so callers in this package read well.
func errorsAs[T error](err error) (T, bool) {
	var t T
	ok := errors.As(err, &t)
	return t, ok
}
