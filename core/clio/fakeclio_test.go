package clio

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"handover/core/secrets"
	"handover/internal/fakeclio"
)

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func startFake(t *testing.T, o fakeclio.Options) (*fakeclio.Server, string) {
	t.Helper()
	srv, err := fakeclio.New(o)
	if err != nil {
		t.Fatal(err)
	}
	base, err := srv.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv, base
}

// TestFakeClioEndToEnd signs in through fakeclio's OAuth with a real
// loopback callback, then creates one of everything the upload engine
// needs, with fakeclio validating each request against Clio's OpenAPI spec.
func TestFakeClioEndToEnd(t *testing.T) {
	srv, base := startFake(t, fakeclio.Options{AutoApprove: true, ValidateSpec: true, RotateRefresh: true, RateLimit: 100000})
	port := freePort(t)
	srv.RegisterClient("handover-test", "handover-test-secret", RedirectURI(port))
	store := secrets.Memory()

	br := newBrowser()
	tok, err := Login(context.Background(), LoginConfig{BaseURL: base, ClientID: "handover-test", ClientSecret: "handover-test-secret",
		Port: port, OpenBrowser: br.open, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	<-br.done
	if !strings.Contains(br.page, "Signed in") {
		t.Fatalf("browser page: %q", br.page)
	}
	if err := SaveLogin(store, base, "handover-test", "handover-test-secret", tok); err != nil {
		t.Fatal(err)
	}
	ts, err := NewTokenSource(base, store, TokenSourceOptions{Initial: tok})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := New(base, ts)
	ctx := context.Background()

	me, err := c.WhoAmI(ctx)
	if err != nil || me.ID == 0 {
		t.Fatalf("who_am_i: %v %+v", err, me)
	}
	users, err := c.Users(ctx)
	if err != nil || len(users) == 0 {
		t.Fatalf("users: %v", err)
	}
	cals, err := c.Calendars(ctx, "UserCalendar")
	if err != nil || len(cals) == 0 {
		t.Fatalf("calendars: %v %v", err, cals)
	}
	calID := srv.Users()[0].CalendarID

	cf, err := c.CreateCustomField(ctx, CustomFieldInput{Name: "Legacy ID", ParentType: "Contact", FieldType: "text_line"})
	must(t, err)
	pa, err := c.CreatePracticeArea(ctx, PracticeAreaInput{Name: "Family"})
	must(t, err)
	ad, err := c.CreateActivityDescription(ctx, ActivityDescriptionInput{Name: "Balance Brought Forward"})
	must(t, err)
	if fields, err := c.CustomFields(ctx, "contact"); err != nil || len(fields) == 0 {
		t.Fatalf("custom fields list: %v", err)
	}

	ada, err := c.CreateContact(ctx, ContactInput{Type: "Person", FirstName: "Ada", LastName: "Lovelace",
		EmailAddresses:    []EmailAddressInput{{Name: "Work", Address: "ada@example.com", DefaultEmail: Bool(true)}},
		PhoneNumbers:      []PhoneNumberInput{{Name: "Mobile", Number: "+1 555 0100", DefaultNumber: Bool(true)}},
		Addresses:         []AddressInput{{Name: "Home", Street: "1 Main St", City: "Springfield", Province: "IL", PostalCode: "62701", Country: "US"}},
		CustomFieldValues: []CustomFieldValueInput{{CustomField: RefTo(cf.ID), Value: "PP-17"}}})
	must(t, err)
	acme, err := c.CreateContact(ctx, ContactInput{Type: "Company", Name: "Acme LLP"})
	must(t, err)
	found, err := c.FindContactsByEmail(ctx, "ADA@example.com")
	if err != nil || len(found) != 1 || found[0].ID != ada.ID {
		t.Fatalf("find by email: %v %+v", err, found)
	}

	m, err := c.CreateMatter(ctx, MatterInput{Client: Ref{ID: ada.ID}, Description: "Lovelace estate", Status: "Open",
		OpenDate: "2024-02-01", PracticeArea: RefTo(pa.ID), ResponsibleAttorney: RefTo(me.ID)})
	must(t, err)
	if m.Status != "Open" {
		t.Fatalf("matter status read back %q", m.Status)
	}
	_, err = c.CreateRelationship(ctx, RelationshipInput{Matter: Ref{ID: m.ID}, Contact: Ref{ID: acme.ID}, Description: "Opposing Counsel"})
	must(t, err)
	_, err = c.CreateTask(ctx, TaskInput{Name: "File answer", Description: "Imported", Assignee: Ref{ID: me.ID, Type: "User"}, Matter: RefTo(m.ID), DueAt: "2024-03-15T00:00:00Z"})
	must(t, err)
	_, err = c.CreateNote(ctx, NoteInput{Type: "Matter", Matter: RefTo(m.ID), Subject: "Intake", Detail: "…", Date: "2023-11-02"})
	must(t, err)
	_, err = c.CreateCalendarEntry(ctx, CalendarEntryInput{Summary: "Hearing", StartAt: "2024-05-01T09:00:00-07:00", EndAt: "2024-05-01T10:00:00-07:00",
		CalendarOwner: Ref{ID: ID(calID)}, Matter: RefTo(m.ID)})
	must(t, err)
	_, err = c.CreateCommunication(ctx, CommunicationInput{Type: "PhoneCommunication", Subject: "Call", Body: "Talked", ReceivedAt: "2023-09-12T14:30:00Z",
		Matter: RefTo(m.ID), Senders: []Ref{{ID: me.ID, Type: "User"}}, Receivers: []Ref{{ID: ada.ID, Type: "Contact"}}})
	must(t, err)
	act, err := c.CreateActivity(ctx, ActivityInput{Type: "TimeEntry", Date: "2024-01-31", Quantity: Seconds(5400), Price: Float(250),
		User: RefTo(me.ID), Matter: RefTo(m.ID), Note: "Draft motion", NonBillable: Bool(false), ActivityDescription: RefTo(ad.ID)})
	must(t, err)
	if act.QuantityInHours != 1.5 {
		t.Fatalf("5400 s should be 1.5 h, got %+v", act)
	}
	ba, err := c.CreateBankAccount(ctx, BankAccountInput{Type: "Trust", Currency: "USD", Name: "Client trust"})
	must(t, err)
	_, err = c.CreateBankTransaction(ctx, BankTransactionInput{Amount: 1250.5, BankAccount: Ref{ID: ba.ID}, Date: "2024-01-31", Matter: RefTo(m.ID), Description: "Opening trust balance"})
	must(t, err)

	content := []byte("%PDF-1.4 fake document body\n")
	doc, err := c.UploadDocument(ctx, DocumentInput{Name: "engagement.pdf", Parent: Ref{ID: m.ID, Type: "Matter"}, ContentType: "application/pdf"}, bytes.NewReader(content), int64(len(content)))
	must(t, err)
	snap := srv.Snapshot()
	var uploaded bool
	for uuid, u := range snap.Uploads {
		if u.DocumentID == int64(doc.ID) && u.Completed {
			got, _ := srv.Content(uuid)
			uploaded = bytes.Equal(got, content)
		}
	}
	if !uploaded {
		t.Fatalf("document not fully uploaded: %+v", snap.Uploads)
	}

	// Paging over several pages.
	for _, n := range []string{"B", "C", "D"} {
		_, err := c.CreateContact(ctx, ContactInput{Type: "Company", Name: "Firm " + n})
		must(t, err)
	}
	var ids []ID
	must(t, Each(ctx, c, "/contacts.json", url.Values{"limit": {"2"}, "fields": {"id,name"}}, func(ct Contact) error {
		ids = append(ids, ct.ID)
		return nil
	}))
	if len(ids) != 5 {
		t.Fatalf("paged %d contacts: %v", len(ids), ids)
	}

	// Get with ETag, then delete.
	var got Contact
	etag, _, err := c.Get(ctx, "contacts", acme.ID, "id,etag,name", "", &got)
	must(t, err)
	if _, nm, err := c.Get(ctx, "contacts", acme.ID, "id,etag,name", etag, &got); err != nil || !nm {
		t.Fatalf("If-None-Match: %v %v (etag %q)", nm, err, etag)
	}
	if err := c.Delete(ctx, "tasks", 999999); !IsStatus(err, http.StatusNotFound) {
		t.Fatalf("delete missing: %v", err)
	}
	must(t, c.Delete(ctx, "contacts", ids[len(ids)-1]))

	if v := srv.Snapshot().SpecViolations; len(v) > 0 {
		for _, x := range v {
			if !x.Response { // the fake's own answers are its engineer's business
				t.Errorf("request violates the spec: %s", x)
			}
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

var _ = io.Discard
var _ = errors.Is
var _ = http.MethodGet

// issued signs in without the browser step (fakeclio.IssueToken) and stores
// the sign-in like Login+SaveLogin would.
func issued(t *testing.T, srv *fakeclio.Server, base string, ttl time.Duration) (*KeyringTokenSource, secrets.Store) {
	t.Helper()
	srv.RegisterClient("handover-test", "handover-test-secret", "http://127.0.0.1:5678/callback")
	access, refresh := srv.IssueToken("handover-test")
	store := secrets.Memory()
	tok := &Token{AccessToken: access, RefreshToken: refresh, Expiry: time.Now().Add(ttl)}
	must(t, SaveLogin(store, base, "handover-test", "handover-test-secret", tok))
	ts, err := NewTokenSource(base, store, TokenSourceOptions{Initial: tok})
	must(t, err)
	return ts, store
}

func TestFakeClioFaults(t *testing.T) {
	srv, base := startFake(t, fakeclio.Options{RateLimit: 100000})
	ts, _ := issued(t, srv, base, time.Hour)
	c, _ := New(base, ts, fastRetry())
	ctx := context.Background()

	// The create is performed, then the connection dropped: the client must
	// say "maybe committed" and not send it again.
	srv.SetFaults(fakeclio.Faults{Script: []fakeclio.FaultKind{fakeclio.FaultCommitThenDrop}})
	_, err := c.CreateContact(ctx, ContactInput{Type: "Company", Name: "Dropped LLP"})
	if !errors.Is(err, ErrMaybeCommitted) {
		t.Fatalf("err = %v", err)
	}
	st := srv.Snapshot()
	if st.Creates["contacts"] != 1 || st.Count("contacts") != 1 {
		t.Fatalf("creates=%d live=%d: the POST was re-sent or lost", st.Creates["contacts"], st.Count("contacts"))
	}
	// The engine then looks it up instead of re-sending.
	found, err := c.SearchContacts(ctx, "Dropped", nil)
	if err != nil || len(found) != 1 {
		t.Fatalf("lookup: %v %v", err, found)
	}

	// Idempotent reads ride through 503, 500 and a reset connection.
	srv.SetFaults(fakeclio.Faults{Script: []fakeclio.FaultKind{fakeclio.Fault503, fakeclio.Fault500, fakeclio.FaultReset}})
	if _, err := c.WhoAmI(ctx); err != nil {
		t.Fatalf("who_am_i through faults: %v", err)
	}
	// An injected 429 is waited out (Retry-After: 1) and the POST re-sent once.
	srv.SetFaults(fakeclio.Faults{Script: []fakeclio.FaultKind{fakeclio.Fault429}})
	before := srv.Snapshot().Creates["contacts"]
	if _, err := c.CreateContact(ctx, ContactInput{Type: "Company", Name: "After 429"}); err != nil {
		t.Fatal(err)
	}
	if got := srv.Snapshot().Creates["contacts"] - before; got != 1 || c.Stats().RateLimited != 1 {
		t.Fatalf("creates %d, 429s %d", got, c.Stats().RateLimited)
	}
	// fully_uploaded PATCH answered UploadTimeoutError once: retried.
	m, err := c.CreateMatter(ctx, MatterInput{Client: Ref{ID: found[0].ID}, Description: "Doc matter"})
	must(t, err)
	srv.SetFaults(fakeclio.Faults{UploadTimeouts: 1})
	if _, err := c.UploadDocument(ctx, DocumentInput{Name: "a.txt", Parent: Ref{ID: m.ID, Type: "Matter"}}, strings.NewReader("hello"), 5); err != nil {
		t.Fatalf("upload with UploadTimeoutError: %v", err)
	}
}

func TestFakeClioRefreshRotation(t *testing.T) {
	srv, base := startFake(t, fakeclio.Options{RateLimit: 100000, RotateRefresh: true, AccessTokenTTL: time.Minute})
	ts, store := issued(t, srv, base, time.Minute) // inside the 5-minute margin
	before, _ := store.Get(KeyRefreshToken(base))
	c, _ := New(base, ts)
	if _, err := c.WhoAmI(context.Background()); err != nil {
		t.Fatal(err)
	}
	after, _ := store.Get(KeyRefreshToken(base))
	if ts.Refreshes() != 1 || after == before || after == "" {
		t.Fatalf("refreshes=%d, refresh token rotated in keyring: %v", ts.Refreshes(), after != before)
	}
	// The old refresh token is dead at the fake; a new session from the store works.
	ts2, err := NewTokenSource(base, store, TokenSourceOptions{})
	must(t, err)
	c2, _ := New(base, ts2)
	if _, err := c2.WhoAmI(context.Background()); err != nil {
		t.Fatalf("new session with rotated token: %v", err)
	}
	// Logout revokes at the fake and clears the store.
	must(t, Logout(context.Background(), LogoutConfig{BaseURL: base, Store: store}))
	if _, err := NewTokenSource(base, store, TokenSourceOptions{}); !errors.Is(err, ErrNotSignedIn) {
		t.Fatalf("after logout: %v", err)
	}
}

func TestFakeClioRateLimitNo429(t *testing.T) {
	if testing.Short() {
		t.Skip("takes ~5 s")
	}
	srv, base := startFake(t, fakeclio.Options{RateLimit: 20, Window: 2 * time.Second})
	ts, _ := issued(t, srv, base, time.Hour)
	c, _ := New(base, ts, WithResetMargin(50*time.Millisecond))
	for i := 0; i < 50; i++ {
		if _, err := c.WhoAmI(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	st := srv.Snapshot()
	if st.RateLimited != 0 || c.Stats().RateLimited != 0 || st.MaxRequestsInWindow > 20 {
		t.Fatalf("fake 429s=%d client 429s=%d max/window=%d", st.RateLimited, c.Stats().RateLimited, st.MaxRequestsInWindow)
	}
	t.Logf("50 requests at 20/2s: waited %s for the rate limit", c.Stats().RateLimitWait)
}

func TestFakeClioValidationErrorsNameTheField(t *testing.T) {
	srv, base := startFake(t, fakeclio.Options{RateLimit: 100000})
	ts, _ := issued(t, srv, base, time.Hour)
	c, _ := New(base, ts)
	ctx := context.Background()
	ct, err := c.CreateContact(ctx, ContactInput{Type: "Company", Name: "Acme"})
	must(t, err)
	cases := []struct {
		create func() error
		field  string
	}{
		{func() error { _, err := c.CreateMatter(ctx, MatterInput{Client: Ref{ID: ct.ID}}); return err }, "description"},
		{func() error {
			_, err := c.CreateMatter(ctx, MatterInput{Client: Ref{ID: ct.ID}, Description: "x", Status: "Archived"})
			return err
		}, "status"},
		{func() error {
			_, err := c.CreateCalendarEntry(ctx, CalendarEntryInput{Summary: "s", StartAt: "2024-05-01T09:00:00Z", EndAt: "2024-05-01T10:00:00Z", CalendarOwner: Ref{ID: 987654}})
			return err
		}, "calendar_owner"},
	}
	for i, tc := range cases {
		err := tc.create()
		var ae *APIError
		if !errors.As(err, &ae) || ae.Status != 422 || ae.Field != tc.field {
			t.Errorf("case %d: want 422 on %q, got %v (field %q)", i, tc.field, err, func() string {
				if ae != nil {
					return ae.Field
				}
				return ""
			}())
		}
	}
}
