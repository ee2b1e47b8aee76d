package clio

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// pacer spreads requests evenly over what is left of Clio's rate-limit
// window, from the X-RateLimit-Limit/Remaining/Reset headers of the last
// response: with R requests left and T until Reset, the next request goes
// T/(R+1) after the previous one. So a long run uses the whole budget without ever
// bursting into a 429 and then sitting idle.
type pacer struct {
	mu         sync.Mutex
	known      bool      // remaining/reset describe the current window
	limit      int       // X-RateLimit-Limit
	remaining  int       // X-RateLimit-Remaining at the last response
	reset      time.Time // local time of the window's end
	inflight   int       // reserved requests whose response has not come back
	last       time.Time // send time of the last reserved request
	blocked    time.Time // Retry-After or a used-up window: nothing before this
	blockedWhy string
	margin     time.Duration
	skew       time.Duration // server clock minus local clock, when large
}

func newPacer(margin time.Duration) *pacer { return &pacer{margin: margin} }

// reserve returns when the caller may send its request (≥ now) and why it
// has to wait: WaitRetryAfter while a Retry-After holds, else WaitRateLimit.
func (p *pacer) reserve(now time.Time) (time.Time, string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	at, why := now, WaitRateLimit
	if p.blocked.After(at) {
		at, why = p.blocked, p.blockedWhy
	}
	if p.known && at.Before(p.reset) {
		left := p.remaining - p.inflight
		if left <= 0 {
			// Budget used up: everyone waits for the window to end.
			at = p.reset.Add(p.margin)
			p.blocked, p.blockedWhy = at, WaitRateLimit
		} else {
			// left+1 slots: the last request still lands inside this
			// window, a gap before Reset (Reset is whole seconds and
			// clocks differ, so aiming at Reset itself is a coin toss).
			gap := p.reset.Sub(at) / time.Duration(left+1)
			if next := p.last.Add(gap); next.After(at) {
				at = next
			}
		}
	}
	if p.known && !at.Before(p.reset) {
		// A new window starts: its budget is unknown until a response says.
		p.known = false
	}
	p.last = at
	p.inflight++
	return at, why
}

// done records the response (nil header when the request failed).
func (p *pacer) done(h http.Header, now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.inflight > 0 {
		p.inflight--
	}
	if h == nil {
		return
	}
	if d, err := http.ParseTime(h.Get("Date")); err == nil {
		// Date has 1 s resolution: only correct skews that matter.
		if s := d.Sub(now); s > 2*time.Second || s < -2*time.Second {
			p.skew = s
		} else {
			p.skew = 0
		}
	}
	lim, err1 := strconv.Atoi(strings.TrimSpace(h.Get("X-RateLimit-Limit")))
	rem, err2 := strconv.Atoi(strings.TrimSpace(h.Get("X-RateLimit-Remaining")))
	rs, err3 := strconv.ParseInt(strings.TrimSpace(h.Get("X-RateLimit-Reset")), 10, 64)
	if err2 != nil || err3 != nil {
		return
	}
	reset := time.Unix(rs, 0).Add(-p.skew)
	if !reset.After(now) {
		p.known = false
		return
	}
	if err1 == nil {
		p.limit = lim
	}
	// Responses can arrive out of order; within one window the smallest
	// remaining is the truth.
	if p.known && reset.Equal(p.reset) && rem > p.remaining {
		return
	}
	p.known, p.remaining, p.reset = true, rem, reset
}

// block holds every request until t (Retry-After).
func (p *pacer) block(t time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if t.After(p.blocked) {
		p.blocked, p.blockedWhy = t, WaitRetryAfter
	}
	p.known = false
}

func (p *pacer) snapshot() (limit, remaining int, reset time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.limit, p.remaining, p.reset
}

// parseRetryAfter reads seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 {
		return time.Duration(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}
