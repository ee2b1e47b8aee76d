package send

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"syscall"
)

// Kind says what went wrong, in terms a caller can act on.
type Kind string

const (
	Unreachable      Kind = "unreachable"      // no connection to the server
	LoginRefused     Kind = "login_refused"    // user, password or key not accepted
	HostKeyChanged   Kind = "host_key_changed" // the SFTP server's key differs from the pinned one
	Certificate      Kind = "certificate"      // the HTTPS certificate is not trusted
	FolderMissing    Kind = "folder_missing"   // the destination folder does not exist
	PermissionDenied Kind = "permission_denied"
	DiskFull         Kind = "disk_full"
	Interrupted      Kind = "interrupted" // the connection dropped and retries ran out
	Mismatch         Kind = "mismatch"    // what the server holds is not the package
	Other            Kind = "other"
)

// Error is a failure told in plain words: what happened and what to ask
// the migration team for.
type Error struct {
	Kind Kind
	What string // what happened
	Ask  string // what to do or ask for; may be empty
	Err  error  // the underlying error, for logs and errors.Is
}

func (e *Error) Error() string {
	s := e.What
	if e.Ask != "" {
		s += " " + e.Ask
	}
	if e.Err != nil && e.Kind != HostKeyChanged {
		s += " (" + e.Err.Error() + ")"
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// KindOf is the Kind of err (Other when it is not an *Error).
func KindOf(err error) Kind {
	var se *Error
	if errors.As(err, &se) {
		return se.Kind
	}
	return Other
}

// dialError explains a failure to reach host:port.
func dialError(hostport string, err error) error {
	var ce x509.UnknownAuthorityError
	var he x509.HostnameError
	var ie x509.CertificateInvalidError
	var ve *tlsVerifyError
	if errors.As(err, &ce) || errors.As(err, &he) || errors.As(err, &ie) || errors.As(err, &ve) {
		return &Error{Kind: Certificate, Err: err,
			What: fmt.Sprintf("The server %s did not present a certificate this computer trusts, so nothing was sent.", hostport),
			Ask:  "Ask the migration team to check their HTTPS certificate (it may be expired, self-signed or for another name); Handover will not send without one."}
	}
	why := "it did not answer"
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		why = "it refused the connection (nothing listening on that port)"
	case isDNS(err):
		why = "that name could not be found"
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		why = "it did not answer in time"
	case errors.Is(err, syscall.ENETUNREACH) || errors.Is(err, syscall.EHOSTUNREACH):
		why = "there is no network route to it"
	}
	return &Error{Kind: Unreachable, Err: err,
		What: fmt.Sprintf("Could not reach the server %s: %s.", hostport, why),
		Ask:  "Check this computer's internet connection, then ask the migration team to confirm the server address and port and that it accepts connections from your office."}
}

func isDNS(err error) bool {
	var de *net.DNSError
	return errors.As(err, &de)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// tlsVerifyError marks a certificate failure that crypto/tls wraps in a
// type not covered above (tls.CertificateVerificationError).
type tlsVerifyError struct{ error }

func loginError(user, hostport string, err error) error {
	return &Error{Kind: LoginRefused, Err: err,
		What: fmt.Sprintf("The server %s refused the login for %q.", hostport, user),
		Ask:  "Check the password or key, or ask the migration team to confirm your user name and that your password or public key is set up on their side."}
}

func folderMissing(where string, err error) error {
	return &Error{Kind: FolderMissing, Err: err,
		What: fmt.Sprintf("The folder %s does not exist on the server.", where),
		Ask:  "Ask the migration team for the exact folder to upload to (or to create it)."}
}

func permissionDenied(where string, err error) error {
	return &Error{Kind: PermissionDenied, Err: err,
		What: fmt.Sprintf("The server does not let this login write in %s.", where),
		Ask:  "Ask the migration team to give your login permission to upload there."}
}

func diskFull(where string, err error) error {
	return &Error{Kind: DiskFull, Err: err,
		What: fmt.Sprintf("The server has no room left for the package in %s (its disk or your quota is full).", where),
		Ask:  "Ask the migration team to free space or raise your quota; Handover will resume from where it stopped."}
}
