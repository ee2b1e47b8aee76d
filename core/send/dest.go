// Package send hands a finished migration package to the migration team: to
// an SFTP server or a WebDAV (HTTPS) drop folder. The file is written under
// a temporary name and renamed only when complete, a dropped connection
// resumes from the bytes already on the server once they are proven to be
// the package's own prefix, the result is read back and checksummed, and a
// receipt is kept in the project and beside the package.
//
// Secrets (passwords, key passphrases, tokens) are passed in by the caller,
// who keeps them in the OS keyring (core/secrets); nothing here writes them
// anywhere. The SFTP server's host key is pinned in the project on first use.
package send

import (
	"fmt"
	"net"
	"net/url"
	"path"
	"strconv"
	"strings"
)

// Protocol is how a destination is reached.
type Protocol string

const (
	SFTP   Protocol = "sftp"
	WebDAV Protocol = "webdav" // over HTTPS only
)

// Destination is a folder on the migration team's server.
type Destination struct {
	Protocol Protocol
	User     string
	Host     string
	Port     int
	Folder   string // absolute path on the server ("/" for the login's root) or, for WebDAV, the URL path
}

// Parse reads sftp://user@host[:port]/folder or https://[user@]host[:port]/path/folder.
// A password in the address is refused: it would end up in shell history,
// logs and the project; passwords go to the keyring.
func Parse(s string) (Destination, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	// u.Host is ":" for "sftp://user@:" — a port separator with no host — so
	// the host itself must be there, not only the authority.
	if err != nil || u.Hostname() == "" {
		return Destination{}, fmt.Errorf("%q is not a destination: write sftp://user@host:port/folder or https://host/path/folder", s)
	}
	if _, has := u.User.Password(); has {
		return Destination{}, fmt.Errorf("the destination must not contain a password: give it when asked (or with --password-stdin); it is kept in this computer's keyring")
	}
	d := Destination{User: u.User.Username(), Host: u.Hostname()}
	if strings.Contains(d.Host, ":") && !strings.HasPrefix(u.Host, "[") {
		// An IPv6 address is written in brackets ([::1]:22); unbracketed,
		// "::1" would be read as host ":" and port 1.
		return Destination{}, fmt.Errorf("%q: write an IPv6 address in brackets, as in sftp://user@[::1]:22/folder", s)
	}
	switch strings.ToLower(u.Scheme) {
	case "sftp":
		d.Protocol, d.Port = SFTP, 22
		if d.User == "" {
			return Destination{}, fmt.Errorf("the SFTP destination %q needs a user name: sftp://user@%s/folder", s, u.Host)
		}
	case "https", "davs", "webdav":
		d.Protocol, d.Port = WebDAV, 443
	case "http":
		return Destination{}, fmt.Errorf("%q is plain HTTP: the package would travel unprotected; use the https:// address", s)
	default:
		return Destination{}, fmt.Errorf("%q: Handover sends over sftp:// or https:// (WebDAV) only", s)
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return Destination{}, fmt.Errorf("%q: the port %q is not a port number", s, p)
		}
		d.Port = n
	}
	d.Folder = path.Clean("/" + u.Path)
	return d, nil
}

// HostPort is host:port, as dialled.
func (d Destination) HostPort() string { return net.JoinHostPort(d.Host, strconv.Itoa(d.Port)) }

// String is the destination's address without any secret; it is also the
// key its credentials are saved under.
func (d Destination) String() string {
	scheme := "sftp"
	if d.Protocol == WebDAV {
		scheme = "https"
	}
	u := url.URL{Scheme: scheme, Host: d.HostPort(), Path: d.Folder}
	if (d.Protocol == SFTP && d.Port == 22) || (d.Protocol == WebDAV && d.Port == 443) {
		u.Host = d.Host
		if strings.Contains(d.Host, ":") {
			u.Host = "[" + d.Host + "]"
		}
	}
	if d.User != "" {
		u.User = url.User(d.User)
	}
	return u.String()
}

// SecretKey is the keyring entry that holds this destination's password or
// key passphrase.
func (d Destination) SecretKey() string { return "send:" + d.String() }

// remotePath joins the folder and a file name.
func (d Destination) remotePath(name string) string { return path.Join(d.Folder, name) }
