package send

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
)

// sftpRemote is a folder on an SFTP server.
type sftpRemote struct {
	d    Destination
	ssh  *ssh.Client
	c    *sftp.Client
	stop func() bool
}

// HostKeyChangedError is the plain warning for a server whose key is not the
// one pinned in the project: someone may be impersonating it.
func hostKeyChanged(hostport, pinned, got string) error {
	return &Error{Kind: HostKeyChanged,
		What: fmt.Sprintf("Stopped: the server %s is not presenting the key it presented before (pinned %s, now %s). "+
			"This happens when the server was reinstalled, or when someone is pretending to be it. Nothing was sent.", hostport, pinned, got),
		Ask: "Call the migration team (do not e-mail) and ask them to read you their server's SHA-256 key fingerprint; " +
			"only if it matches the new one, forget the old key with 'handover send -w PROJECT --forget ADDRESS' and send again."}
}

func dialSFTP(ctx context.Context, req *Request) (remote, string, bool, error) {
	d := req.To
	hp := d.HostPort()
	if req.HostKeys == nil {
		return nil, "", false, errors.New("send: no host key store for SFTP")
	}
	var auth []ssh.AuthMethod
	if len(req.Creds.KeyPEM) > 0 {
		var signer ssh.Signer
		var err error
		if req.Creds.Passphrase != "" {
			signer, err = ssh.ParsePrivateKeyWithPassphrase(req.Creds.KeyPEM, []byte(req.Creds.Passphrase))
		} else {
			signer, err = ssh.ParsePrivateKey(req.Creds.KeyPEM)
		}
		var pm *ssh.PassphraseMissingError
		if errors.As(err, &pm) {
			return nil, "", false, &Error{Kind: LoginRefused, Err: err, What: "The key file is protected by a passphrase.", Ask: "Give its passphrase."}
		}
		if err != nil {
			return nil, "", false, &Error{Kind: LoginRefused, Err: err, What: "The key file could not be opened (wrong passphrase, or not a private key)."}
		}
		auth = append(auth, ssh.PublicKeys(signer))
	}
	if pw := req.Creds.Password; pw != "" {
		auth = append(auth, ssh.Password(pw), ssh.KeyboardInteractive(
			func(_, _ string, questions []string, _ []bool) ([]string, error) {
				answers := make([]string, len(questions))
				for i := range answers {
					answers[i] = pw // servers ask for the password this way too
				}
				return answers, nil
			}))
	}
	var seen string
	var isNew bool
	var keyErr error
	cfg := &ssh.ClientConfig{
		User:    d.User,
		Auth:    auth,
		Timeout: 30 * time.Second,
		HostKeyCallback: func(_ string, _ net.Addr, key ssh.PublicKey) error {
			seen = ssh.FingerprintSHA256(key)
			pinned, err := req.HostKeys.Pinned(hp)
			if err != nil {
				keyErr = err
				return err
			}
			switch pinned {
			case "":
				if err := req.HostKeys.Pin(hp, seen); err != nil {
					keyErr = err
					return err
				}
				isNew = true
				return nil
			case seen:
				return nil
			}
			keyErr = hostKeyChanged(hp, pinned, seen)
			return keyErr
		},
	}
	dialer := net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	conn, err := dialer.DialContext(ctx, "tcp", hp)
	if err != nil {
		return nil, "", false, dialError(hp, err)
	}
	// Handshake under the caller's cancel: closing the socket ends it.
	stopDuring := context.AfterFunc(ctx, func() { conn.Close() })
	sc, chans, reqs, err := ssh.NewClientConn(conn, hp, cfg)
	stopDuring()
	if err != nil {
		conn.Close()
		switch {
		case keyErr != nil:
			return nil, seen, false, keyErr
		case ctx.Err() != nil:
			return nil, seen, false, ctx.Err()
		case strings.Contains(err.Error(), "unable to authenticate"):
			return nil, seen, isNew, loginError(d.User, hp, err)
		case seen != "" && !errors.Is(err, io.EOF) && !errors.Is(err, syscall.ECONNRESET):
			// Past the key exchange only the login is left: a server that
			// answers keyboard-interactive with a bare failure makes x/crypto
			// say "unexpected message type 51", which is a refusal too.
			return nil, seen, isNew, loginError(d.User, hp, err)
		}
		return nil, seen, isNew, &Error{Kind: Interrupted, Err: err,
			What: fmt.Sprintf("The SSH connection to %s failed before login.", hp),
			Ask:  "Ask the migration team whether the address is their SFTP server (port " + fmt.Sprint(d.Port) + ")."}
	}
	client := ssh.NewClient(sc, chans, reqs)
	c, err := sftp.NewClient(client, sftp.UseConcurrentWrites(true))
	if err != nil {
		client.Close()
		return nil, seen, isNew, &Error{Kind: Other, Err: err,
			What: fmt.Sprintf("The server %s accepted the login but does not offer SFTP.", hp),
			Ask:  "Ask the migration team to enable SFTP for your login."}
	}
	r := &sftpRemote{d: d, ssh: client, c: c}
	r.stop = context.AfterFunc(ctx, func() { client.Close() })
	return r, seen, isNew, nil
}

func (r *sftpRemote) close() error {
	r.stop()
	r.c.Close()
	return r.ssh.Close()
}

func (r *sftpRemote) holeWindow() int64 { return 8 << 20 } // > 64 requests in flight × 32 KiB

// explain turns an SFTP status into plain words about where.
func (r *sftpRemote) explain(where string, err error) error {
	if err == nil {
		return nil
	}
	var st *sftp.StatusError
	switch {
	case errors.Is(err, os.ErrPermission):
		// The folder, not the temporary file's name: that is what the
		// team gives permission on.
		return permissionDenied(r.d.Folder, err)
	case errors.Is(err, os.ErrNotExist):
		return folderMissing(r.d.Folder, err)
	case errors.As(err, &st) && st.FxCode() == sftp.ErrSSHFxFailure:
		// OpenSSH answers a full disk (ENOSPC, EDQUOT) with the generic
		// "Failure", as it does a read-only disk: ask the server how much
		// room is left before saying which.
		vfs, verr := r.c.StatVFS(r.d.Folder)
		if verr != nil || vfs.Bavail*vfs.Frsize < 1<<20 || vfs.Favail == 0 {
			return diskFull(where, err)
		}
		return &Error{Kind: Other, Err: err,
			What: fmt.Sprintf("The server refused to write in %s although it has room.", where),
			Ask:  "Ask the migration team whether that folder is writable (it may be read-only) or has a quota for your login."}
	}
	return err
}

func (r *sftpRemote) checkFolder(ctx context.Context) error {
	fi, err := r.c.Stat(r.d.Folder)
	if errors.Is(err, os.ErrNotExist) {
		return folderMissing(r.d.Folder, err)
	}
	if err != nil {
		return r.explain(r.d.Folder, err)
	}
	if !fi.IsDir() {
		return folderMissing(r.d.Folder, fmt.Errorf("%s is a file", r.d.Folder))
	}
	return nil
}

func (r *sftpRemote) size(ctx context.Context, name string) (int64, error) {
	fi, err := r.c.Stat(r.d.remotePath(name))
	if errors.Is(err, os.ErrNotExist) {
		return -1, nil
	}
	if err != nil {
		return 0, r.explain(r.d.remotePath(name), err)
	}
	return fi.Size(), nil
}

func (r *sftpRemote) read(ctx context.Context, name string, off int64) (io.ReadCloser, error) {
	f, err := r.c.Open(r.d.remotePath(name))
	if errors.Is(err, os.ErrPermission) {
		return nil, errReadRefused
	}
	if err != nil {
		return nil, r.explain(r.d.remotePath(name), err)
	}
	if _, err := f.Seek(off, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func (r *sftpRemote) write(ctx context.Context, name string, off, n int64, src io.Reader) error {
	p := r.d.remotePath(name)
	flags := os.O_WRONLY | os.O_CREATE
	if off == 0 {
		flags |= os.O_TRUNC
	}
	f, err := r.c.OpenFile(p, flags)
	if err != nil {
		return r.explain(p, err)
	}
	if _, err := f.Seek(off, io.SeekStart); err != nil {
		f.Close()
		return err
	}
	_, err = f.ReadFromWithConcurrency(io.LimitReader(src, n), 0)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return r.explain(p, err)
}

func (r *sftpRemote) cut(ctx context.Context, name string, n int64) error {
	p := r.d.remotePath(name)
	return r.explain(p, r.c.Truncate(p, n))
}

func (r *sftpRemote) rename(ctx context.Context, from, to string) error {
	src, dst := r.d.remotePath(from), r.d.remotePath(to)
	// posix-rename replaces an earlier copy in one step; plain SFTP rename
	// refuses an existing target, so remove it first there.
	err := r.c.PosixRename(src, dst)
	if err != nil && !errors.Is(err, os.ErrPermission) {
		if rerr := r.c.Remove(dst); rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
			return r.explain(dst, rerr)
		}
		err = r.c.Rename(src, dst)
	}
	return r.explain(dst, err)
}

func (r *sftpRemote) remove(ctx context.Context, name string) error {
	p := r.d.remotePath(name)
	err := r.c.Remove(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return r.explain(p, err)
}
