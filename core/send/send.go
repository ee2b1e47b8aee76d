package send

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Credentials open a destination. They come from the caller (the keyring or
// a prompt) and are never stored by this package.
type Credentials struct {
	Password   string // SFTP password, or WebDAV password / app token
	KeyPEM     []byte // SFTP private key (OpenSSH or PEM), optional
	Passphrase string // the private key's passphrase, if it has one
}

// HostKeys remembers the SFTP server keys this project trusts, by host:port.
type HostKeys interface {
	// Pinned returns the SHA-256 fingerprint pinned for hostport ("" if none).
	Pinned(hostport string) (string, error)
	// Pin records fingerprint as the key of hostport.
	Pin(hostport, fingerprint string) error
}

// Progress is reported while sending.
type Progress struct {
	Stage       string        // "checking", "resuming", "sending", "reading back", "done"
	Done, Total int64         // bytes
	Resumed     int64         // bytes found on the server and kept (0 = from the start)
	BytesPerSec float64       // over this attempt
	ETA         time.Duration // 0 while unknown
}

// Request is one send.
type Request struct {
	Package    string      // the local package file
	To         Destination // where
	Creds      Credentials
	HostKeys   HostKeys    // required for SFTP
	Recipients []Recipient // whom the package is encrypted to (for the receipt)
	Progress   func(Progress)
	// Attempts is how many times a dropped connection is re-opened and the
	// transfer resumed within this call (0: 5). A later call resumes too.
	Attempts int
	// Now is the clock (tests); nil is time.Now.
	Now func() time.Time
}

// Result is what was sent and how it was checked.
type Result struct {
	Name        string    `json:"name"`        // file name on the server
	Destination string    `json:"destination"` // the destination address (no secrets)
	RemotePath  string    `json:"remote_path"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	Checked     string    `json:"checked"`  // "read back" or "sidecar" (the server refused reading; NAME.sha256 written)
	HostKey     string    `json:"host_key"` // SFTP: the server key's SHA-256 fingerprint
	NewHostKey  bool      `json:"new_host_key"`
	Resumed     int64     `json:"resumed_from"` // bytes kept from an earlier attempt
	Attempts    int       `json:"attempts"`
	Recipients  []string  `json:"recipients"`
	SentAt      time.Time `json:"sent_at"`
	Elapsed     float64   `json:"seconds"`
	BytesPerSec float64   `json:"bytes_per_second"`
}

// remote is one open connection to a destination folder. Names are file
// names inside the folder.
type remote interface {
	// checkFolder fails with a plain FolderMissing/PermissionDenied error.
	checkFolder(ctx context.Context) error
	// size is the file's size, or -1 when it does not exist.
	size(ctx context.Context, name string) (int64, error)
	// read returns the file's bytes from off to its end.
	read(ctx context.Context, name string, off int64) (io.ReadCloser, error)
	// write stores r (n bytes) at off in name: off 0 creates or empties it.
	// It returns errNoPartialWrite when the server cannot write at off > 0.
	write(ctx context.Context, name string, off, n int64, r io.Reader) error
	// cut shortens name to n bytes (SFTP), or returns errNoPartialWrite.
	cut(ctx context.Context, name string, n int64) error
	// holeWindow is how far below its end an interrupted upload may have
	// gaps (pipelined writes); 0 for a server that writes a stream in order.
	holeWindow() int64
	rename(ctx context.Context, from, to string) error
	remove(ctx context.Context, name string) error
	close() error
}

// errNoPartialWrite: the server keeps only whole files; restart from 0.
var errNoPartialWrite = errors.New("the server cannot continue a file")

// errReadRefused: the server lets this login write but not read.
var errReadRefused = errors.New("the server does not let this login read files back")

// connect opens the destination; newHostKey reports a key pinned just now.
func connect(ctx context.Context, req *Request) (r remote, hostKey string, newHostKey bool, err error) {
	switch req.To.Protocol {
	case SFTP:
		return dialSFTP(ctx, req)
	case WebDAV:
		r, err := dialWebDAV(ctx, req)
		return r, "", false, err
	}
	return nil, "", false, fmt.Errorf("unknown protocol %q", req.To.Protocol)
}

// PartialName is the temporary name a package has on the server until it
// is complete.
func PartialName(name string) string { return "." + name + ".partial" }

// Send uploads the package and checks it arrived whole. It does not write
// the receipt (see Record), so a caller can show the result first.
func Send(ctx context.Context, req Request) (Result, error) {
	now := req.Now
	if now == nil {
		now = time.Now
	}
	report := func(p Progress) {
		if req.Progress != nil {
			req.Progress(p)
		}
	}
	f, err := os.Open(req.Package)
	if err != nil {
		return Result{}, fmt.Errorf("cannot read the package: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return Result{}, err
	}
	total := st.Size()
	name := filepath.Base(req.Package)
	report(Progress{Stage: "checking", Total: total})
	sum, err := hashLocal(ctx, f, total)
	if err != nil {
		return Result{}, err
	}
	res := Result{Name: name, Destination: req.To.String(), RemotePath: req.To.remotePath(name), Size: total, SHA256: sum}
	for _, r := range req.Recipients {
		res.Recipients = append(res.Recipients, r.String())
	}
	attempts := req.Attempts
	if attempts <= 0 {
		attempts = 5
	}
	partial := PartialName(name)
	start := now()
	var sent int64 // bytes sent in this call, all attempts
	var lastErr error
	resumedFrom := int64(-1)
	renamed := false // the whole file is under its final name, not yet read back
	for attempt := 1; attempt <= attempts; attempt++ {
		if attempt > 1 {
			select { // a short pause: a server that just dropped us may be restarting
			case <-ctx.Done():
				return res, ctx.Err()
			case <-time.After(time.Duration(attempt-1) * 500 * time.Millisecond):
			}
		}
		res.Attempts = attempt
		rem, hk, newKey, err := connect(ctx, &req)
		if err != nil {
			if retryable(ctx, err) && attempt < attempts {
				lastErr = err
				continue
			}
			return res, err
		}
		res.HostKey = hk
		res.NewHostKey = res.NewHostKey || newKey
		done, err := func() (bool, error) {
			defer rem.close()
			if err := rem.checkFolder(ctx); err != nil {
				return false, err
			}
			if renamed { // a drop while reading back: read back again, do not upload again
				return readBackOrRemove(ctx, rem, name, sum, total, &res)
			}
			off, err := resumePoint(ctx, rem, f, partial, total, report)
			if err != nil {
				return false, err
			}
			resumedFrom = off // the attempt that completes says where it started
			attemptStart := now()
			pr := &progressReader{ctx: ctx, r: io.NewSectionReader(f, off, total-off), done: off, total: total,
				report: report, start: attemptStart, now: now, resumed: off}
			err = rem.write(ctx, partial, off, total-off, pr)
			sent += pr.done - off
			if errors.Is(err, errNoPartialWrite) {
				// The server took a piece as a whole new file (or refused
				// to write a range): start again from the first byte, as
				// one piece, once.
				if err := rem.remove(ctx, partial); err != nil && !isNotExist(err) {
					return false, err
				}
				pr = &progressReader{ctx: ctx, r: io.NewSectionReader(f, 0, total), total: total,
					report: report, start: now(), now: now}
				err = rem.write(ctx, partial, 0, total, pr)
				sent += pr.done
				resumedFrom = 0
			}
			if err != nil {
				return false, err
			}
			got, err := rem.size(ctx, partial)
			if err != nil {
				return false, err
			}
			if got != total {
				return false, &Error{Kind: Mismatch, What: fmt.Sprintf("The server holds %d bytes of the %d sent.", got, total),
					Ask: "Try again; if it keeps happening, ask the migration team whether their server limits file sizes."}
			}
			if err := rem.rename(ctx, partial, name); err != nil {
				return false, err
			}
			renamed = true
			report(Progress{Stage: "reading back", Done: total, Total: total})
			return readBackOrRemove(ctx, rem, name, sum, total, &res)
		}()
		if done {
			break
		}
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		if !retryable(ctx, err) {
			return res, err
		}
		lastErr = err
		if attempt == attempts {
			return res, &Error{Kind: Interrupted, Err: lastErr,
				What: fmt.Sprintf("The connection to %s kept dropping (%d attempts).", req.To.HostPort(), attempts),
				Ask:  "What reached the server is kept: send again to continue from there."}
		}
	}
	res.Resumed = max(resumedFrom, 0)
	res.SentAt = now().UTC()
	res.Elapsed = now().Sub(start).Seconds()
	if res.Elapsed > 0 {
		res.BytesPerSec = float64(sent) / res.Elapsed
	}
	report(Progress{Stage: "done", Done: total, Total: total, Resumed: res.Resumed})
	return res, nil
}

// resumePoint decides where to continue: the bytes already on the server
// under the temporary name are kept only when they hash the same as the
// package's own prefix; anything else is thrown away.
func resumePoint(ctx context.Context, rem remote, f *os.File, partial string, total int64, report func(Progress)) (int64, error) {
	have, err := rem.size(ctx, partial)
	if err != nil {
		return 0, err
	}
	if have <= 0 {
		return 0, nil
	}
	if have > total {
		return 0, rem.remove(ctx, partial)
	}
	// SFTP writes are pipelined (many in flight): after a cut the last
	// stretch may have holes under its highest byte. Keep only what lies
	// safely before them.
	keep := have - rem.holeWindow()
	if keep <= 0 {
		return 0, rem.remove(ctx, partial)
	}
	if keep < have {
		if err := rem.cut(ctx, partial, keep); err != nil {
			if errors.Is(err, errNoPartialWrite) {
				return 0, rem.remove(ctx, partial)
			}
			return 0, err
		}
	}
	report(Progress{Stage: "resuming", Done: keep, Total: total, Resumed: keep})
	rc, err := rem.read(ctx, partial, 0)
	if errors.Is(err, errReadRefused) {
		// Cannot prove the prefix is ours: start again rather than guess.
		return 0, rem.remove(ctx, partial)
	}
	if err != nil {
		return 0, err
	}
	remote := sha256.New()
	_, err = io.Copy(remote, io.LimitReader(ctxReader{ctx, rc}, keep))
	rc.Close()
	if err != nil {
		return 0, err
	}
	local := sha256.New()
	if _, err := io.Copy(local, ctxReader{ctx, io.NewSectionReader(f, 0, keep)}); err != nil {
		return 0, err
	}
	if hex.EncodeToString(remote.Sum(nil)) != hex.EncodeToString(local.Sum(nil)) {
		return 0, rem.remove(ctx, partial) // not our prefix (another package, or damaged)
	}
	return keep, nil
}

// readBackOrRemove reads the file back; a file that is not the package is
// removed from under the final name, so nothing wrong is left there.
func readBackOrRemove(ctx context.Context, rem remote, name, sum string, total int64, res *Result) (bool, error) {
	checked, err := readBack(ctx, rem, name, sum, total)
	if KindOf(err) == Mismatch {
		rem.remove(ctx, name)
		return false, err
	}
	if err != nil {
		return false, err
	}
	res.Checked = checked
	return true, nil
}

// readBack downloads and hashes the file; where reading is refused it
// writes NAME.sha256 beside it instead, so the team can check it.
func readBack(ctx context.Context, rem remote, name, sum string, total int64) (string, error) {
	rc, err := rem.read(ctx, name, 0)
	if errors.Is(err, errReadRefused) {
		side := fmt.Sprintf("%s  %s\n", sum, name)
		if err := rem.write(ctx, name+".sha256", 0, int64(len(side)), strings.NewReader(side)); err != nil {
			return "", err
		}
		return "sidecar", nil
	}
	if err != nil {
		return "", err
	}
	defer rc.Close()
	h := sha256.New()
	n, err := io.Copy(h, ctxReader{ctx, rc})
	if err != nil {
		return "", err
	}
	if got := hex.EncodeToString(h.Sum(nil)); n != total || got != sum {
		return "", &Error{Kind: Mismatch,
			What: fmt.Sprintf("The file on the server is not the package: read back %d bytes with SHA-256 %s, expected %d bytes with %s.", n, got, total, sum),
			Ask:  "Send it again; if it happens twice, ask the migration team whether something on their side changes uploaded files."}
	}
	return "read back", nil
}

func hashLocal(ctx context.Context, f *os.File, total int64) (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, ctxReader{ctx, io.NewSectionReader(f, 0, total)}); err != nil {
		return "", fmt.Errorf("cannot read the package: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// retryable: a dropped connection, not a refusal the server will repeat.
func retryable(ctx context.Context, err error) bool {
	if ctx.Err() != nil || err == nil {
		return false
	}
	switch KindOf(err) {
	case Other, Interrupted:
		return true
	case Unreachable:
		return true // a server restarting, or the network back after a sleep
	}
	return false
}

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// progressReader counts bytes handed to the connection and reports them at
// most every 100 ms.
type progressReader struct {
	ctx                  context.Context
	r                    io.Reader
	done, total, resumed int64
	report               func(Progress)
	start, last          time.Time
	now                  func() time.Time
}

func (p *progressReader) Read(b []byte) (int, error) {
	if err := p.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := p.r.Read(b)
	p.done += int64(n)
	if t := p.now(); t.Sub(p.last) >= 100*time.Millisecond || p.done == p.total {
		p.last = t
		pr := Progress{Stage: "sending", Done: p.done, Total: p.total, Resumed: p.resumed}
		if el := t.Sub(p.start).Seconds(); el > 0 {
			pr.BytesPerSec = float64(p.done-p.resumed) / el
			if pr.BytesPerSec > 0 {
				pr.ETA = time.Duration(float64(p.total-p.done) / pr.BytesPerSec * float64(time.Second))
			}
		}
		p.report(pr)
	}
	return n, err
}

func isNotExist(err error) bool { return errors.Is(err, os.ErrNotExist) }
