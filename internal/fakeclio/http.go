package fakeclio

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"
)

// apiErr is an error response.
type apiErr struct {
	status int
	typ    string
	msg    string
}

func (e *apiErr) Error() string { return fmt.Sprintf("%d %s: %s", e.status, e.typ, e.msg) }

func errf(status int, typ, format string, a ...any) *apiErr {
	return &apiErr{status: status, typ: typ, msg: fmt.Sprintf(format, a...)}
}

func unprocessable(format string, a ...any) *apiErr {
	return errf(422, "UnprocessableEntityError", format, a...)
}

func badArg(format string, a ...any) *apiErr {
	return errf(400, "ArgumentError", "An invalid argument was supplied: "+format, a...)
}

// apiReq is one parsed /api/v4 request.
type apiReq struct {
	r       *http.Request
	method  string
	coll    string
	id      int64
	hasID   bool
	sub     string // who_am_i, list, download, email_addresses, ...
	tmpl    string // spec path template, e.g. /matters/{id}.json
	params  map[string]string
	q       url.Values
	rawBody []byte
	data    map[string]any // body "data"
	fields  []fieldSel
	version string
	tok     *token
}

// apiResp is what a handler produces; serialised by the pipeline.
type apiResp struct {
	status int
	body   any
	header http.Header
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/oauth/authorize", s.handleAuthorize)
	mux.HandleFunc("/oauth/token", s.handleToken)
	mux.HandleFunc("/oauth/deauthorize", s.handleDeauthorize)
	mux.HandleFunc("/s3/", s.handleS3)
	mux.HandleFunc("/api/v4/", s.handleAPI)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 404, errBody("NotFound", "No route matches "+r.URL.Path))
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.counters.Requests++
		s.mu.Unlock()
		mux.ServeHTTP(w, r)
	})
}

func errBody(typ, msg string) map[string]any {
	return map[string]any{"error": map[string]any{"type": typ, "message": msg}}
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	b, _ := json.Marshal(body)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

var knownVersions = func() map[string]bool {
	m := map[string]bool{}
	for i := 0; i <= 13; i++ {
		m[fmt.Sprintf("4.0.%d", i)] = true
	}
	return m
}()

func versionMinor(v string) int {
	n, err := strconv.Atoi(strings.TrimPrefix(v, "4.0."))
	if err != nil {
		return 13
	}
	return n
}

// parsePath maps /api/v4/<...> onto a collection, id and spec template.
func parsePath(p string) (ar *apiReq, ok bool) {
	p = strings.TrimPrefix(p, "/api/v4/")
	p = strings.TrimSuffix(p, "/")
	p = strings.TrimSuffix(p, ".json")
	seg := strings.Split(p, "/")
	ar = &apiReq{params: map[string]string{}}
	if len(seg) == 0 || seg[0] == "" || resources[seg[0]] == nil {
		return nil, false
	}
	ar.coll = seg[0]
	switch len(seg) {
	case 1:
		ar.tmpl = "/" + ar.coll + ".json"
	case 2:
		if seg[1] == "who_am_i" && ar.coll == "users" || seg[1] == "list" && ar.coll == "folders" {
			ar.sub = seg[1]
			ar.tmpl = "/" + ar.coll + "/" + seg[1] + ".json"
			return ar, true
		}
		id, err := strconv.ParseInt(seg[1], 10, 64)
		if err != nil {
			return nil, false
		}
		ar.id, ar.hasID = id, true
		ar.params["id"] = seg[1]
		ar.tmpl = "/" + ar.coll + "/{id}.json"
	case 3:
		id, err := strconv.ParseInt(seg[1], 10, 64)
		if err != nil {
			return nil, false
		}
		ar.id, ar.hasID, ar.sub = id, true, seg[2]
		switch {
		case ar.coll == "documents" && seg[2] == "download":
			ar.params["id"] = seg[1]
			ar.tmpl = "/documents/{id}/download.json"
		case ar.coll == "contacts" && (seg[2] == "email_addresses" || seg[2] == "phone_numbers"):
			ar.params["contact_id"] = seg[1]
			ar.tmpl = "/contacts/{contact_id}/" + seg[2] + ".json"
		case ar.coll == "matters" && (seg[2] == "related_contacts" || seg[2] == "client"):
			ar.params["matter_id"] = seg[1]
			ar.tmpl = "/matters/{matter_id}/" + seg[2] + ".json"
		default:
			return nil, false
		}
	default:
		return nil, false
	}
	return ar, true
}

func (s *Server) handleAPI(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	ar, ok := parsePath(r.URL.Path)
	if !ok {
		writeJSON(w, 404, errBody("NotFound", "No route matches "+r.Method+" "+r.URL.Path))
		return
	}
	ar.r, ar.method, ar.q = r, r.Method, r.URL.Query()

	// Minor version.
	ar.version = r.Header.Get("X-API-VERSION")
	if ar.version != "" && !knownVersions[ar.version] {
		writeJSON(w, http.StatusGone, errBody("InvalidVersion", "The API version "+ar.version+" is invalid or no longer supported"))
		return
	}
	if ar.version == "" {
		ar.version = s.opts.DefaultVersion
	}

	// Authentication.
	s.mu.Lock()
	s.counters.APIRequests++
	tok, authErr := s.authLocked(r)
	if authErr != "" {
		s.mu.Unlock()
		h.Set("WWW-Authenticate", `Bearer realm="Clio", error="invalid_token"`)
		writeJSON(w, 401, map[string]any{"error": "invalid_token", "error_description": authErr})
		return
	}
	ar.tok = tok

	// Rate limit (fixed window per token).
	now := s.now()
	s.noteRateLocked(now)
	limit := s.opts.RateLimit
	if s.faults.MaintenanceLimit > 0 && s.counters.APIRequests > s.faults.MaintenanceAfter {
		limit = s.faults.MaintenanceLimit
	}
	win := s.windows[tok.access]
	if win == nil || !now.Before(win.reset) {
		win = &rateWindow{reset: now.Add(s.opts.Window)}
		s.windows[tok.access] = win
	}
	win.count++
	remaining := limit - win.count
	if remaining < 0 {
		remaining = 0
	}
	reset := win.reset
	over := win.count > limit
	if over {
		s.counters.RateLimited++
	}
	fault := s.pickFaultLocked()
	if fault != FaultNone {
		s.counters.Faults[fault]++
	}
	s.mu.Unlock()

	h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(int64(math.Ceil(float64(reset.UnixNano())/1e9)), 10))
	if over {
		retry := int(math.Ceil(reset.Sub(now).Seconds()))
		if retry < 1 {
			retry = 1
		}
		h.Set("Retry-After", strconv.Itoa(retry))
		writeJSON(w, 429, errBody("RateLimited", fmt.Sprintf("Rate limit exceeded. Retry in %d seconds.", retry)))
		return
	}

	switch fault {
	case FaultReset:
		s.opts.Logf("fakeclio: fault reset %s %s", r.Method, r.URL.Path)
		dropConn(w)
		return
	case Fault429:
		h.Set("Retry-After", "1")
		writeJSON(w, 429, errBody("RateLimited", "Rate limit exceeded. Retry in 1 seconds."))
		return
	case Fault500:
		writeJSON(w, 500, errBody("InternalServerError", "Injected server error"))
		return
	case Fault503:
		h.Set("Retry-After", "1")
		writeJSON(w, 503, errBody("ServiceUnavailable", "Injected: service temporarily unavailable"))
		return
	case FaultTimeout:
		select {
		case <-time.After(s.currentTimeoutDelay()):
		case <-r.Context().Done():
		case <-s.closed:
		}
		writeJSON(w, 504, errBody("GatewayTimeout", "Injected timeout"))
		return
	}

	if s.opts.Latency > 0 {
		select {
		case <-time.After(s.opts.Latency):
		case <-r.Context().Done():
			return
		}
	}
	for _, f := range s.opts.Forbidden {
		coll, mode, _ := strings.Cut(f, ":")
		if coll == ar.coll && (mode == "" || mode == "write" && r.Method != http.MethodGet && r.Method != http.MethodHead) {
			writeJSON(w, 403, errBody("ForbiddenError", "You do not have permission to perform this action: the application lacks the "+coll+" permission"))
			return
		}
	}

	// Body.
	if r.Body != nil {
		b, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
		if err != nil {
			writeJSON(w, 400, errBody("ArgumentError", "could not read the body: "+err.Error()))
			return
		}
		ar.rawBody = b
	}

	// Spec validation of the request.
	var valIn *openapi3filter.RequestValidationInput
	if s.opts.ValidateSpec {
		doc, err := loadSpec(s.opts.SpecPath)
		if err == nil {
			var verr error
			valIn, verr = validateRequest(doc, r, ar.rawBody, ar.tmpl, ar.params)
			if verr != nil {
				s.mu.Lock()
				s.counters.SpecViolations = append(s.counters.SpecViolations, SpecViolation{Method: r.Method, Path: r.URL.RequestURI(), Message: verr.Error()})
				s.mu.Unlock()
				s.opts.Logf("fakeclio: SPEC VIOLATION %s %s: %v", r.Method, r.URL.RequestURI(), verr)
				writeJSON(w, 400, errBody("SpecViolation", "Request does not match Clio's OpenAPI spec ("+r.Method+" "+ar.tmpl+"): "+verr.Error()))
				return
			}
		}
	}

	resp := s.dispatch(ar)

	// Serialise.
	var body []byte
	if resp.body != nil {
		if raw, ok := resp.body.([]byte); ok {
			body = raw
		} else {
			body, _ = json.Marshal(resp.body)
			h.Set("Content-Type", "application/json; charset=utf-8")
		}
	}
	for k, v := range resp.header {
		h[k] = v
	}
	if resp.status < 300 || resp.status == 304 {
		h.Set("X-API-VERSION", ar.version)
	}
	if s.opts.ValidateSpec && valIn != nil && resp.status != 304 && resp.body != nil {
		if _, raw := resp.body.([]byte); !raw {
			if err := validateResponse(valIn, resp.status, h, body); err != nil {
				s.mu.Lock()
				s.counters.SpecViolations = append(s.counters.SpecViolations, SpecViolation{Method: r.Method, Path: r.URL.RequestURI(), Response: true, Status: resp.status, Message: err.Error()})
				s.mu.Unlock()
				s.opts.Logf("fakeclio: RESPONSE SPEC VIOLATION %s %s %d: %v", r.Method, r.URL.RequestURI(), resp.status, err)
			}
		}
	}
	if fault == FaultCommitThenDrop {
		s.opts.Logf("fakeclio: fault commit-then-drop %s %s → %d", r.Method, r.URL.Path, resp.status)
		dropConn(w)
		return
	}
	w.WriteHeader(resp.status)
	if len(body) > 0 && r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

func (s *Server) currentTimeoutDelay() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults.TimeoutDelay
}

// dropConn kills the connection without a response (RST where possible).
func dropConn(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	c, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = c.Close()
}

type rateWindow struct {
	reset time.Time
	count int
}

// noteRateLocked tracks the most API requests seen within one Window.
func (s *Server) noteRateLocked(now time.Time) {
	cut := now.Add(-s.opts.Window)
	i := 0
	for i < len(s.recent) && !s.recent[i].After(cut) {
		i++
	}
	s.recent = append(s.recent[i:], now)
	if len(s.recent) > s.counters.MaxRequestsInWindow {
		s.counters.MaxRequestsInWindow = len(s.recent)
	}
}

func (s *Server) pickFaultLocked() FaultKind {
	if len(s.script) > 0 {
		k := s.script[0]
		s.script = s.script[1:]
		return k
	}
	f := s.faults
	if f.Rate <= 0 || len(f.Kinds) == 0 {
		return FaultNone
	}
	if s.faultRNG.Float64() >= f.Rate {
		return FaultNone
	}
	return f.Kinds[s.faultRNG.IntN(len(f.Kinds))]
}

// dispatch runs the handler for ar under the lock.
func (s *Server) dispatch(ar *apiReq) (resp apiResp) {
	def := resources[ar.coll]
	var err *apiErr
	defer func() {
		if err != nil {
			resp = apiResp{status: err.status, body: errBody(err.typ, err.msg)}
		}
	}()
	if len(ar.rawBody) > 0 && (ar.method == http.MethodPost || ar.method == http.MethodPatch || ar.method == http.MethodPut) {
		var env struct {
			Data json.RawMessage `json:"data"`
		}
		if e := json.Unmarshal(ar.rawBody, &env); e != nil {
			err = badArg("the body is not valid JSON: %v", e)
			return
		}
		if len(env.Data) == 0 || bytes.Equal(env.Data, []byte("null")) {
			err = badArg("the body must be {\"data\": {...}}")
			return
		}
		d := json.NewDecoder(bytes.NewReader(env.Data))
		d.UseNumber()
		var data any
		if e := d.Decode(&data); e != nil {
			err = badArg("data: %v", e)
			return
		}
		m, ok := normalize(data).(map[string]any)
		if !ok {
			err = badArg("data must be an object")
			return
		}
		ar.data = m
	}
	sels, e := parseFields(ar.q.Get("fields"))
	if e != nil {
		err = e
		return
	}
	ar.fields = sels
	s.mu.Lock()
	defer s.mu.Unlock()
	schema := def.schema
	switch ar.sub {
	case "related_contacts", "client":
		schema = "Contact"
	case "email_addresses":
		schema = "EmailAddress"
	case "phone_numbers":
		schema = "PhoneNumber"
	case "list":
		schema = "Document"
	}
	if e := s.checkFieldsLocked(schema, sels); e != nil {
		err = e
		return
	}
	switch {
	case ar.sub == "who_am_i" && ar.method == http.MethodGet:
		resp, err = s.whoAmILocked(ar)
	case ar.sub == "list" && ar.method == http.MethodGet:
		resp, err = s.folderListLocked(ar)
	case ar.sub == "download" && ar.method == http.MethodGet:
		resp, err = s.downloadLocked(ar)
	case ar.sub != "" && ar.method == http.MethodGet:
		resp, err = s.subListLocked(ar)
	case !ar.hasID && ar.method == http.MethodGet && def.list:
		resp, err = s.listLocked(ar, def)
	case !ar.hasID && ar.method == http.MethodPost && def.create:
		resp, err = s.createLocked(ar, def)
	case ar.hasID && ar.sub == "" && (ar.method == http.MethodGet || ar.method == http.MethodHead) && def.show:
		resp, err = s.showLocked(ar, def)
	case ar.hasID && ar.sub == "" && ar.method == http.MethodPatch && def.update:
		resp, err = s.updateLocked(ar, def)
	case ar.hasID && ar.sub == "" && ar.method == http.MethodDelete && def.del:
		resp, err = s.deleteLocked(ar, def)
	default:
		err = errf(404, "NotFound", "No route matches %s %s", ar.method, ar.r.URL.Path)
	}
	return
}

// normalize turns json.Number into int64 (or float64).
func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = normalize(e)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = normalize(e)
		}
		return x
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n
		}
		f, _ := x.Float64()
		return f
	}
	return v
}
