package fakeclio

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sort"
	"sync"
	"time"
)

// FaultKind is one kind of injected failure.
type FaultKind string

const (
	FaultNone           FaultKind = ""                 // in Faults.Script: handle this request normally
	Fault429            FaultKind = "429"              // answer 429 with Retry-After, as if over the limit
	Fault500            FaultKind = "500"              // answer 500 without doing anything
	Fault503            FaultKind = "503"              // answer 503 without doing anything
	FaultReset          FaultKind = "reset"            // close the connection (RST) before handling
	FaultCommitThenDrop FaultKind = "commit_then_drop" // perform the request, then close the connection without a response
	FaultTimeout        FaultKind = "timeout"          // sleep Faults.TimeoutDelay (past the client's timeout), then handle nothing
)

// AllFaultKinds lists every fault kind, for Faults.Kinds.
var AllFaultKinds = []FaultKind{Fault429, Fault500, Fault503, FaultReset, FaultCommitThenDrop, FaultTimeout}

// Faults configures failure injection on /api/v4 requests (not OAuth, not /s3).
type Faults struct {
	Rate  float64     // fraction of API requests that fail, chosen among Kinds; deterministic with Seed
	Seed  int64       //
	Kinds []FaultKind // default: all kinds
	// Script, if set, decides the next len(Script) API requests in order
	// (FaultNone = normal) before Rate applies. Handy for exact tests.
	Script []FaultKind
	// TimeoutDelay is how long FaultTimeout sleeps (default 30 s); the sleep
	// ends early when the client gives up or the server closes.
	TimeoutDelay time.Duration
	// MaintenanceLimit, if > 0, replaces the rate limit once more than
	// MaintenanceAfter API requests have been served ("maintenance drop").
	MaintenanceLimit int
	MaintenanceAfter int
	// UploadTimeouts makes the next N fully_uploaded PATCHes fail with 422
	// UploadTimeoutError (the client must retry the PATCH).
	UploadTimeouts int
}

// User is a seeded Clio user (users cannot be created through the API).
type User struct {
	ID               int64  // assigned by New when 0
	FirstName        string //
	LastName         string //
	Initials         string //
	Email            string //
	SubscriptionType string // Attorney | NonAttorney (default Attorney)
	Enabled          *bool  // default true
	CalendarID       int64  // set by New: the user's UserCalendar id (default_calendar_id)
}

// Client is a registered OAuth application.
type Client struct {
	ID, Secret   string
	RedirectURIs []string
}

// Options configures a Server. The zero value is usable.
type Options struct {
	RateLimit       int           // requests per Window per token (default 50)
	Window          time.Duration // default 60 s; tests use short windows
	AccessTokenTTL  time.Duration // default 7 days (604800 s)
	RotateRefresh   bool          // issue a new refresh token on refresh (old one dies); otherwise the refresh response carries no refresh_token and the old one stays valid
	ManualNumbering bool          // matters.display_number writable
	ValidateSpec    bool          // validate every request (and response) against openapi.json
	SpecPath        string        // default: walk up from cwd to go.mod, then ../shared/clio/openapi.json; env HANDOVER_CLIO_SPEC overrides
	Faults          Faults
	Users           []User // default: 3 users, each with a UserCalendar
	AutoApprove     bool   // /oauth/authorize redirects straight back with a code
	AutoDecline     bool   // /oauth/authorize declines straight away (tests)
	Logf            func(string, ...any)

	Addr                 string           // listen address for Start (default 127.0.0.1:0)
	Region               string           // informational: us|eu|ca|au (default us)
	Clients              []Client         // registered at New
	Now                  func() time.Time // injectable clock (default time.Now)
	UploadURLTTL         time.Duration    // lifetime of a document put_url (default 10 min, as the schema says)
	MultipartURLTTL      time.Duration    // lifetime of a multipart part put_url (default 8 h, as the narrative says)
	RefuseClientDelete   bool             // DELETE /contacts/{id} → 422 while the contact is a client of a matter
	MaxCodeAge           time.Duration    // authorization code lifetime (default 10 min)
	DefaultVersion       string           // X-API-VERSION when omitted (default 4.0.13)
	DisableFieldsCatalog bool             // accept any field name in `fields` (no spec needed)
	// Forbidden lists what the app's permissions do not allow: "contacts"
	// (any request to the collection) or "contacts:write" (POST/PATCH/DELETE)
	// → 403 ForbiddenError, as when a scope is missing.
	Forbidden []string
	Latency   time.Duration // added to every /api/v4 request (benchmarks, pacing tests)
}

// SpecViolation is one request or response that did not match openapi.json.
type SpecViolation struct {
	Method, Path string
	Response     bool // false: the request was wrong; true: the fake's response
	Status       int
	Message      string
}

func (v SpecViolation) String() string {
	kind := "request"
	if v.Response {
		kind = fmt.Sprintf("response %d", v.Status)
	}
	return fmt.Sprintf("%s %s: %s: %s", v.Method, v.Path, kind, v.Message)
}

// Upload is an object received on the fake object storage.
type Upload struct {
	UUID        string
	DocumentID  int64
	Size        int64
	SHA256      string
	ContentType string
	Completed   bool // fully_uploaded PATCH accepted
}

// State is a deep copy of everything the fake holds, for assertions.
type State struct {
	// Resources maps a collection ("contacts", "matters", ...) to its live
	// records in id order, as full JSON-like maps (every stored field).
	Resources map[string][]map[string]any
	// Trash holds deleted documents and folders.
	Trash map[string][]map[string]any
	// Uploads by uuid.
	Uploads map[string]Upload

	Requests            int            // every HTTP request (OAuth, API, /s3)
	APIRequests         int            // /api/v4 requests
	Creates             map[string]int // successful POSTs per collection
	Updates             map[string]int // successful PATCHes per collection
	Deletes             map[string]int // successful DELETEs per collection
	RateLimited         int            // 429s sent because a token was over its limit
	Faults              map[FaultKind]int
	MaxRequestsInWindow int // most /api/v4 requests (all tokens) seen within any Window-long interval
	TokensIssued        int
	SpecViolations      []SpecViolation
}

// Find returns the live record of coll with id, or nil.
func (st State) Find(coll string, id int64) map[string]any {
	for _, r := range st.Resources[coll] {
		if idOf(r["id"]) == id {
			return r
		}
	}
	return nil
}

// Count returns the number of live records in coll.
func (st State) Count(coll string) int { return len(st.Resources[coll]) }

// Server is a fake Clio region.
type Server struct {
	opts Options
	now  func() time.Time

	mu       sync.Mutex
	colls    map[string]*collection
	nextID   map[string]int64
	clients  map[string]*Client
	codes    map[string]*authCode
	access   map[string]*token
	refresh  map[string]*grant
	issued   []string // every access and refresh token handed out, for leak tests
	windows  map[string]*rateWindow
	uploads  map[string]*upload
	faults   Faults
	faultRNG *randSource
	script   []FaultKind
	counters State
	recent   []time.Time // API request times within the last Window
	users    []User
	regionID string

	matterNums    map[string]int64 // display_number → matter id
	clientMatters map[int64]int    // contact id → number of matters it is the client of

	ln       net.Listener
	srv      *http.Server
	baseURL  string
	closed   chan struct{}
	closeOne sync.Once
	handler  http.Handler
}

// New builds a Server with seeded users, calendars and defaults.
func New(opts Options) (*Server, error) {
	if opts.RateLimit <= 0 {
		opts.RateLimit = 50
	}
	if opts.Window <= 0 {
		opts.Window = 60 * time.Second
	}
	if opts.AccessTokenTTL <= 0 {
		opts.AccessTokenTTL = 604800 * time.Second
	}
	if opts.UploadURLTTL <= 0 {
		opts.UploadURLTTL = 10 * time.Minute
	}
	if opts.MultipartURLTTL <= 0 {
		opts.MultipartURLTTL = 8 * time.Hour
	}
	if opts.MaxCodeAge <= 0 {
		opts.MaxCodeAge = 10 * time.Minute
	}
	if opts.DefaultVersion == "" {
		opts.DefaultVersion = "4.0.13"
	}
	if opts.Region == "" {
		opts.Region = "us"
	}
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	if opts.Logf == nil {
		opts.Logf = func(string, ...any) {}
	}
	s := &Server{
		opts:          opts,
		now:           opts.Now,
		colls:         map[string]*collection{},
		nextID:        map[string]int64{},
		clients:       map[string]*Client{},
		codes:         map[string]*authCode{},
		access:        map[string]*token{},
		refresh:       map[string]*grant{},
		windows:       map[string]*rateWindow{},
		uploads:       map[string]*upload{},
		matterNums:    map[string]int64{},
		clientMatters: map[int64]int{},
		closed:        make(chan struct{}),
		regionID:      opts.Region + "-" + randHex(4),
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.counters = State{Creates: map[string]int{}, Updates: map[string]int{}, Deletes: map[string]int{}, Faults: map[FaultKind]int{}}
	if opts.ValidateSpec {
		if _, err := loadSpec(opts.SpecPath); err != nil {
			return nil, err
		}
	}
	if !opts.DisableFieldsCatalog {
		if _, err := loadCatalog(opts.SpecPath); err != nil {
			opts.Logf("fakeclio: no OpenAPI spec for the fields catalog (%v): any field name is accepted", err)
		}
	}
	s.setFaultsLocked(opts.Faults)
	for _, c := range opts.Clients {
		s.RegisterClient(c.ID, c.Secret, c.RedirectURIs...)
	}
	s.seed()
	s.handler = s.routes()
	return s, nil
}

// Start listens on Options.Addr (default 127.0.0.1:0) and serves in the
// background. It returns the base URL, e.g. http://127.0.0.1:41234.
func (s *Server) Start() (string, error) {
	ln, err := net.Listen("tcp", s.opts.Addr)
	if err != nil {
		return "", fmt.Errorf("fakeclio: listen %s: %w", s.opts.Addr, err)
	}
	s.ln = ln
	s.baseURL = "http://" + ln.Addr().String()
	s.srv = &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.opts.Logf("fakeclio: serve: %v", err)
		}
	}()
	s.opts.Logf("fakeclio: Clio Manage (%s) on %s", s.opts.Region, s.baseURL)
	return s.baseURL, nil
}

// URL is the base URL after Start ("" before).
func (s *Server) URL() string { return s.baseURL }

// Handler is the server's http.Handler (for embedding without Start).
func (s *Server) Handler() http.Handler { return s.handler }

// Close stops the server and drops open connections.
func (s *Server) Close() error {
	var err error
	s.closeOne.Do(func() {
		close(s.closed)
		if s.srv != nil {
			err = s.srv.Close()
		}
	})
	return err
}

// Run serves a fake Clio on addr until ctx ends (for `handover fakeclio`).
// With no Options.Clients it registers client "handover-dev" / secret
// "handover-dev-secret" with redirect http://127.0.0.1:5678/callback.
func Run(ctx context.Context, addr string, opts Options) error {
	if addr != "" {
		opts.Addr = addr
	}
	if len(opts.Clients) == 0 {
		opts.Clients = []Client{{ID: "handover-dev", Secret: "handover-dev-secret", RedirectURIs: []string{"http://127.0.0.1:5678/callback"}}}
		if opts.Logf != nil {
			opts.Logf("fakeclio: registered OAuth client id=handover-dev secret=handover-dev-secret redirect=http://127.0.0.1:5678/callback")
		}
	}
	s, err := New(opts)
	if err != nil {
		return err
	}
	if _, err := s.Start(); err != nil {
		return err
	}
	<-ctx.Done()
	return s.Close()
}

// RegisterClient registers (or replaces) an OAuth application.
func (s *Server) RegisterClient(id, secret string, redirectURIs ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clients[id] = &Client{ID: id, Secret: secret, RedirectURIs: append([]string(nil), redirectURIs...)}
}

// IssueToken issues an access/refresh token pair for clientID without the
// browser step (the client need not be registered).
func (s *Server) IssueToken(clientID string) (access, refresh string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.newGrantLocked(clientID)
	return s.newAccessLocked(g), g.refresh
}

// SetFaults replaces the fault configuration (and restarts its random sequence).
func (s *Server) SetFaults(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.setFaultsLocked(f)
}

func (s *Server) setFaultsLocked(f Faults) {
	if len(f.Kinds) == 0 {
		f.Kinds = AllFaultKinds
	}
	if f.TimeoutDelay <= 0 {
		f.TimeoutDelay = 30 * time.Second
	}
	s.faults = f
	s.faultRNG = newRandSource(f.Seed)
	s.script = append([]FaultKind(nil), f.Script...)
}

// Users returns the seeded users (with ids and calendar ids).
func (s *Server) Users() []User {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]User(nil), s.users...)
}

// Snapshot returns a deep copy of the stored resources and the counters.
func (s *Server) Snapshot() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.counters
	st.Creates = copyCounts(s.counters.Creates)
	st.Updates = copyCounts(s.counters.Updates)
	st.Deletes = copyCounts(s.counters.Deletes)
	st.Faults = map[FaultKind]int{}
	for k, v := range s.counters.Faults {
		st.Faults[k] = v
	}
	st.SpecViolations = append([]SpecViolation(nil), s.counters.SpecViolations...)
	st.Resources = map[string][]map[string]any{}
	st.Trash = map[string][]map[string]any{}
	names := make([]string, 0, len(s.colls))
	for n := range s.colls {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		c := s.colls[n]
		for _, id := range c.ids() {
			r := c.recs[id]
			out := s.fullLocked(n, r)
			if r.deleted {
				st.Trash[n] = append(st.Trash[n], out)
			} else {
				st.Resources[n] = append(st.Resources[n], out)
			}
		}
	}
	st.Uploads = map[string]Upload{}
	for id, u := range s.uploads {
		st.Uploads[id] = Upload{UUID: id, DocumentID: u.docID, Size: int64(len(u.data)), SHA256: u.sha256, ContentType: u.contentType, Completed: u.completed}
	}
	return st
}

// Content returns the bytes uploaded for a document version uuid.
func (s *Server) Content(uuid string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.uploads[uuid]
	if !ok || !u.received {
		return nil, false
	}
	return append([]byte(nil), u.data...), true
}

func copyCounts(m map[string]int) map[string]int {
	out := make(map[string]int, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
