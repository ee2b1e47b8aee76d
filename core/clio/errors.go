package clio

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// APIError is a non-2xx answer from Clio.
type APIError struct {
	Status     int    // HTTP status
	Type       string // Clio's error type ("ArgumentError", "UploadNotFoundError", …) or the OAuth error code
	Message    string // Clio's message
	Field      string // for validation errors (422): the field Clio complained about, when it can be told
	Method     string
	URL        string        // redacted
	RetryAfter time.Duration // from Retry-After, if any
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Clio answered %d %s", e.Status, http.StatusText(e.Status))
	if e.Method != "" {
		fmt.Fprintf(&b, " to %s %s", e.Method, e.URL)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, ": field %q", e.Field)
	}
	if e.Type != "" {
		fmt.Fprintf(&b, ": %s", e.Type)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", Redact(e.Message))
	}
	return b.String()
}

// NotFound reports a 404.
func (e *APIError) NotFound() bool { return e.Status == http.StatusNotFound }

// IsStatus reports whether err is an *APIError with the given status.
func IsStatus(err error, status int) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Status == status
}

// ErrMaybeCommitted means a create (POST) may have reached Clio but no answer
// came back (connection dropped, timeout, or a 5xx from a gateway). The
// record may or may not exist now: look it up before ever sending it again.
var ErrMaybeCommitted = errors.New("the request may have reached Clio but no answer came back; look the record up before sending it again")

// MaybeCommittedError carries the details; errors.Is(err, ErrMaybeCommitted).
type MaybeCommittedError struct {
	Method, URL string // URL redacted
	Cause       error
}

func (e *MaybeCommittedError) Error() string {
	return fmt.Sprintf("%s %s: %v (%s)", e.Method, e.URL, ErrMaybeCommitted, Redact(e.Cause.Error()))
}
func (e *MaybeCommittedError) Unwrap() []error { return []error{ErrMaybeCommitted, e.Cause} }

// ErrNotSignedIn: no usable Clio sign-in is stored for this host.
var ErrNotSignedIn = errors.New("not signed in to Clio (or Clio no longer accepts the saved sign-in): sign in again")

var (
	reField      = regexp.MustCompile(`^(?:[A-Za-z ]*(?:failed|error|invalid)[^:]*:\s*)?([A-Z][A-Za-z_ ]{0,40}?)\s+(?:can't|cannot|can not|is|are|must|has|have|should|does|was|with|name|type|id)\b`)
	reAttributes = regexp.MustCompile(`(?i)invalid attributes? present for an? \w+:\s*([a-z_]+)`)
)

// parseAPIError builds an APIError from a response body in any of the shapes
// Clio uses: {"error":{"type","message"}}, OAuth {"error","error_description"},
// {"message"}, {"errors":[…]}.
func parseAPIError(status int, method, rawURL string, body []byte, h http.Header) *APIError {
	e := &APIError{Status: status, Method: method, URL: Redact(rawURL)}
	if ra := parseRetryAfter(h.Get("Retry-After"), time.Now()); ra > 0 {
		e.RetryAfter = ra
	}
	var v struct {
		Error            json.RawMessage `json:"error"`
		ErrorDescription string          `json:"error_description"`
		Message          string          `json:"message"`
		Errors           json.RawMessage `json:"errors"`
		Field            string          `json:"field"`
	}
	if json.Unmarshal(body, &v) == nil {
		var detail struct {
			Type    string          `json:"type"`
			Message string          `json:"message"`
			Field   string          `json:"field"`
			Errors  json.RawMessage `json:"errors"`
		}
		var s string
		switch {
		case json.Unmarshal(v.Error, &detail) == nil && (detail.Type != "" || detail.Message != ""):
			e.Type, e.Message, e.Field = detail.Type, detail.Message, detail.Field
			if e.Field == "" {
				e.Field = fieldFromErrors(detail.Errors)
			}
		case json.Unmarshal(v.Error, &s) == nil && s != "":
			e.Type, e.Message = s, v.ErrorDescription
		}
		if e.Message == "" {
			e.Message = v.Message
		}
		if e.Field == "" {
			e.Field = v.Field
		}
		if e.Field == "" {
			e.Field = fieldFromErrors(v.Errors)
		}
	} else if len(body) > 0 && len(body) < 512 {
		e.Message = strings.TrimSpace(string(body))
	}
	if e.Field == "" && status == http.StatusUnprocessableEntity {
		if m := reAttributes.FindStringSubmatch(e.Message); m != nil {
			e.Field = m[1]
		} else if m := reField.FindStringSubmatch(e.Message); m != nil {
			e.Field = strings.ReplaceAll(strings.ToLower(strings.TrimSpace(m[1])), " ", "_")
		}
	}
	return e
}

// fieldFromErrors reads a field name from {"field":["msg"]} or
// [{"field":"x","message":"…"}].
func fieldFromErrors(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) == nil {
		for k := range m {
			return k
		}
	}
	var list []struct {
		Field string `json:"field"`
	}
	if json.Unmarshal(raw, &list) == nil {
		for _, x := range list {
			if x.Field != "" {
				return x.Field
			}
		}
	}
	return ""
}
