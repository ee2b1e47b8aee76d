package clio

import (
	"errors"
	"regexp"
	"strings"
	"sync"
)

// Secrets seen by this process (access/refresh tokens, client secrets,
// authorization codes) are remembered here so Redact can blank them wherever
// they show up, whatever the surrounding format.
var known struct {
	sync.RWMutex
	vals map[string]struct{}
}

// rememberSecret registers a value that must never be printed.
func rememberSecret(v string) {
	if len(v) < 6 {
		return
	}
	known.Lock()
	if known.vals == nil {
		known.vals = map[string]struct{}{}
	}
	known.vals[v] = struct{}{}
	known.Unlock()
}

var (
	reQuery  = regexp.MustCompile(`(?i)((?:^|[?&;,\s"'])(?:access_token|refresh_token|client_secret|code|token|id_token|password|x-amz-signature|x-amz-credential|x-amz-security-token|signature)=)[^&\s"']+`)
	reBearer = regexp.MustCompile(`(?i)(bearer\s+)[A-Za-z0-9\-._~+/=]+`)
	reJSON   = regexp.MustCompile(`(?i)("(?:access_token|refresh_token|client_secret|token|code)"\s*:\s*")[^"]*`)
)

// Redact removes tokens, secrets, authorization codes and S3 signatures from
// s (a URL, a header dump, an error message, a response body).
func Redact(s string) string {
	if s == "" {
		return s
	}
	known.RLock()
	for v := range known.vals {
		if strings.Contains(s, v) {
			s = strings.ReplaceAll(s, v, "[REDACTED]")
		}
	}
	known.RUnlock()
	s = reQuery.ReplaceAllString(s, "${1}[REDACTED]")
	s = reBearer.ReplaceAllString(s, "${1}[REDACTED]")
	s = reJSON.ReplaceAllString(s, "${1}[REDACTED]")
	return s
}

// redactedError keeps the error chain (errors.Is/As still work) but prints
// with secrets removed.
type redactedError struct{ err error }

func (e *redactedError) Error() string { return Redact(e.err.Error()) }
func (e *redactedError) Unwrap() error { return e.err }

// RedactError wraps err so that its message has secrets removed.
func RedactError(err error) error {
	if err == nil {
		return nil
	}
	var re *redactedError
	if errors.As(err, &re) && re == err {
		return err
	}
	return &redactedError{err: err}
}
