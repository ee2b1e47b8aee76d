package secrets

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/zalando/go-keyring"
)

var (
	// ErrNoService: there is no keyring provider to talk to (on Linux: no
	// Secret Service on the D-Bus session bus, or no session bus at all).
	ErrNoService = errors.New("no keyring service is running on this computer")
	// ErrLocked: the keyring exists but is locked and could not be unlocked
	// (nobody answered the unlock prompt, or it was dismissed).
	ErrLocked = errors.New("the keyring is locked")
	// ErrTooBig: the OS refused the value as too large (should not happen
	// thanks to chunking; kept for a clear message if it does).
	ErrTooBig = errors.New("the keyring refused the value as too large")
)

// UnavailableError explains in plain words why the keyring cannot be used.
// errors.Is works with ErrNoService / ErrLocked / ErrTooBig and with the
// underlying go-keyring or D-Bus error.
type UnavailableError struct {
	Kind  error  // ErrNoService, ErrLocked, ErrTooBig or nil (other)
	Hint  string // what the user can do
	Cause error
}

func (e *UnavailableError) Error() string {
	msg := "the keyring could not be used"
	if e.Kind != nil {
		msg = e.Kind.Error()
	}
	if e.Hint != "" {
		msg += ": " + e.Hint
	}
	if e.Cause != nil {
		msg += " (" + e.Cause.Error() + ")"
	}
	return msg
}

func (e *UnavailableError) Unwrap() []error {
	var out []error
	if e.Kind != nil {
		out = append(out, e.Kind)
	}
	if e.Cause != nil {
		out = append(out, e.Cause)
	}
	return out
}

func noServiceHint() string {
	if runtime.GOOS == "linux" || strings.HasSuffix(runtime.GOOS, "bsd") {
		return "no Secret Service is running; install gnome-keyring or turn on KeePassXC's Secret Service integration, then start Handover again"
	}
	return "the system keyring is not available"
}

// explain turns a go-keyring / D-Bus error into an UnavailableError with a
// plain-words message. keyring.ErrNotFound is not passed here.
func explain(err error) error {
	if err == nil {
		return nil
	}
	var ue *UnavailableError
	if errors.As(err, &ue) {
		return err
	}
	if errors.Is(err, keyring.ErrSetDataTooBig) {
		return &UnavailableError{Kind: ErrTooBig, Cause: err}
	}
	if errors.Is(err, keyring.ErrUnsupportedPlatform) {
		return &UnavailableError{Kind: ErrNoService, Hint: "this system has no supported keyring", Cause: err}
	}
	s := strings.ToLower(err.Error())
	switch {
	case strings.Contains(s, "not provided by any .service files"),
		strings.Contains(s, "serviceunknown"),
		strings.Contains(s, "session bus"),
		strings.Contains(s, "dbus_session_bus_address"),
		strings.Contains(s, "dbus: couldn't"),
		strings.Contains(s, "connection refused"),
		strings.Contains(s, "no such file or directory") && strings.Contains(s, "bus"):
		return &UnavailableError{Kind: ErrNoService, Hint: noServiceHint(), Cause: err}
	case strings.Contains(s, "unlock"),
		strings.Contains(s, "locked"),
		strings.Contains(s, "dismissed"),
		strings.Contains(s, "prompt"):
		return &UnavailableError{Kind: ErrLocked, Hint: "unlock it (for example by signing in to your desktop session or opening your password manager) and try again", Cause: err}
	}
	return &UnavailableError{Cause: err}
}

// ProbeTimeout bounds how long Probe waits for the keyring to answer (an
// unlock prompt may be waiting for the user).
var ProbeTimeout = 20 * time.Second

// probeKey is the entry Probe writes and removes again.
const probeKey = "handover-probe"

// Probe tells whether the keyring for service can store, read and delete a
// value. It returns nil when it can, or an *UnavailableError whose message
// says in plain words what is wrong ("no Secret Service running …",
// "the keyring is locked …").
func Probe(service string) error {
	done := make(chan error, 1)
	go func() {
		done <- func() error {
			if err := keyring.Set(service, probeKey, "ok"); err != nil {
				return explain(err)
			}
			v, err := keyring.Get(service, probeKey)
			if err != nil {
				return explain(err)
			}
			if v != "ok" {
				return &UnavailableError{Cause: fmt.Errorf("read back %d bytes instead of what was written", len(v))}
			}
			if err := keyring.Delete(service, probeKey); err != nil && !errors.Is(err, keyring.ErrNotFound) {
				return explain(err)
			}
			return nil
		}()
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(ProbeTimeout):
		return &UnavailableError{Kind: ErrLocked, Hint: fmt.Sprintf("the keyring did not answer within %s; it may be waiting for you to unlock it", ProbeTimeout)}
	}
}
