package send

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// CAEnv names a PEM file of extra certificate authorities to trust for
// WebDAV, besides the system's. It exists for tests against a local server
// with a test CA; there is deliberately no switch that ignores certificate
// errors.
const CAEnv = "HANDOVER_SEND_CA_FILE"

// webdavRemote is a folder on a WebDAV server, over HTTPS.
//
// Resume: WebDAV has no standard way to write into the middle of a file.
// Two extensions exist: PUT with Content-Range, which some servers honour
// (Apache's mod_dav, lighttpd with "partial-put-copy-modify"), others refuse
// (400 or 501: lighttpd by default, nginx, SabreDAV and so Nextcloud and
// ownCloud) and others silently store the piece as the whole file (rclone,
// Go's x/net/webdav); and SabreDAV's PATCH with X-Update-Range, which a
// server with SabreDAV's PartialUpdate plugin (or dufs) announces in the DAV
// header of OPTIONS as "sabredav-partialupdate". And a server commits a
// request only when its body is complete: a connection cut mid-PUT leaves
// nothing of that request behind (lighttpd, Apache), so one PUT of the
// whole package can never be resumed.
//
// So a large package goes up in pieces: a plain PUT of the first MiB, then
// one MiB as a range (PATCH where announced, else PUT with Content-Range),
// after which the file's size on the server says whether ranges work. If
// they do, the rest follows in pieces (8 MiB, doubling to 128 MiB), each
// committed by the server, and a dropped connection costs at most the piece
// in flight: the next attempt continues from the file's size, once its
// bytes hash as the package's own prefix. If not, the upload restarts from
// the first byte as one PUT (errNoPartialWrite), having spent two MiB to
// find out. Tested against real servers (webdav_test.go): lighttpd both
// ways, SabreDAV 1.8 with PATCH, rclone.
//
// Not done: Nextcloud's own chunked upload (MKCOL of an upload folder,
// chunk PUTs, MOVE of .file), which has no server among the tests: Nextcloud
// (its SabreDAV without the PartialUpdate plugin) restarts after a cut.
type webdavRemote struct {
	d      Destination
	base   *url.URL // the folder, ending in /
	client *http.Client
	user   string
	pass   string
	// wholeOnly: this server cannot write a range (it refused one, or
	// stored it as the whole file); uploads go as one PUT.
	wholeOnly bool
	// patch: the server announced SabreDAV's PATCH (asked: OPTIONS sent).
	patch, asked bool
}

func tlsConfig() (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if f := os.Getenv(CAEnv); f != "" {
		pem, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", CAEnv, err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%s: %s holds no PEM certificate", CAEnv, f)
		}
		cfg.RootCAs = pool
	}
	return cfg, nil
}

func dialWebDAV(ctx context.Context, req *Request) (remote, error) {
	d := req.To
	tc, err := tlsConfig()
	if err != nil {
		return nil, err
	}
	folder := strings.TrimSuffix(d.Folder, "/") + "/"
	base := &url.URL{Scheme: "https", Host: d.HostPort(), Path: folder}
	tr := &http.Transport{
		TLSClientConfig:     tc,
		DialContext:         (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout: 30 * time.Second,
		// A large package's request body streams from the file: bigger
		// write buffers than the default 4 KiB move it with fewer syscalls.
		WriteBufferSize:       256 << 10,
		ReadBufferSize:        256 << 10,
		ResponseHeaderTimeout: 10 * time.Minute, // a server may hash the whole file before answering a PUT
		ForceAttemptHTTP2:     true,
	}
	return &webdavRemote{d: d, base: base, client: &http.Client{Transport: tr}, user: d.User, pass: req.Creds.Password}, nil
}

func (r *webdavRemote) close() error {
	r.client.CloseIdleConnections()
	return nil
}

func (r *webdavRemote) holeWindow() int64 { return 0 } // one ordered stream

func (r *webdavRemote) url(name string) string {
	return r.base.ResolveReference(&url.URL{Path: name}).String()
}

func (r *webdavRemote) do(ctx context.Context, method, u string, body io.Reader, n int64, hdr map[string]string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.ContentLength = n
		if n == 0 {
			req.Body = http.NoBody
		}
	}
	if r.user != "" || r.pass != "" {
		req.SetBasicAuth(r.user, r.pass)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := r.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var cv *tls.CertificateVerificationError
		if errors.As(err, &cv) {
			err = &tlsVerifyError{err}
		}
		var ue *url.Error
		if errors.As(err, &ue) && isConnectError(ue.Err) {
			return nil, dialError(r.d.HostPort(), err)
		}
		var tv *tlsVerifyError
		if errors.As(err, &tv) {
			return nil, dialError(r.d.HostPort(), err)
		}
		return nil, err // a dropped connection: the caller retries
	}
	return resp, nil
}

func isConnectError(err error) bool {
	var oe *net.OpError
	return errors.As(err, &oe) && oe.Op == "dial"
}

// status turns an HTTP refusal into plain words about where.
func (r *webdavRemote) status(resp *http.Response, where string) error {
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	err := fmt.Errorf("%s %s: %s", resp.Request.Method, where, resp.Status)
	switch resp.StatusCode {
	case http.StatusUnauthorized:
		return loginError(r.user, r.d.HostPort(), err)
	case http.StatusForbidden:
		return permissionDenied(r.d.Folder, err)
	case http.StatusNotFound, http.StatusConflict: // 409: a parent collection is missing
		return folderMissing(r.d.Folder, err)
	case http.StatusInsufficientStorage, http.StatusRequestEntityTooLarge:
		return diskFull(where, err)
	}
	if resp.StatusCode >= 500 {
		return &Error{Kind: Other, Err: err, What: fmt.Sprintf("The server had a problem with %s.", where),
			Ask: "Send again later; if it persists, tell the migration team the time and this message."}
	}
	return &Error{Kind: Mismatch, Err: err, What: fmt.Sprintf("The server refused %s.", where),
		Ask: "Ask the migration team whether this address is a WebDAV folder your login can upload to."}
}

func (r *webdavRemote) checkFolder(ctx context.Context) error {
	resp, err := r.do(ctx, "PROPFIND", r.base.String(), strings.NewReader(""), 0, map[string]string{"Depth": "0"})
	if err != nil {
		return err
	}
	if resp.StatusCode == http.StatusMultiStatus || resp.StatusCode == http.StatusOK {
		resp.Body.Close()
		return nil
	}
	return r.status(resp, r.d.Folder)
}

func (r *webdavRemote) size(ctx context.Context, name string) (int64, error) {
	resp, err := r.do(ctx, http.MethodHead, r.url(name), nil, 0, nil)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return -1, nil
	case resp.StatusCode == http.StatusOK && resp.ContentLength >= 0:
		return resp.ContentLength, nil
	case resp.StatusCode == http.StatusForbidden:
		return -1, nil // a write-only drop folder: nothing we can see or resume
	}
	return 0, r.status(resp, r.d.remotePath(name))
}

func (r *webdavRemote) read(ctx context.Context, name string, off int64) (io.ReadCloser, error) {
	var hdr map[string]string
	if off > 0 {
		hdr = map[string]string{"Range": fmt.Sprintf("bytes=%d-", off)}
	}
	resp, err := r.do(ctx, http.MethodGet, r.url(name), nil, 0, hdr)
	if err != nil {
		return nil, err
	}
	switch {
	case resp.StatusCode == http.StatusPartialContent || (resp.StatusCode == http.StatusOK && off == 0):
		return resp.Body, nil
	case resp.StatusCode == http.StatusOK: // Range ignored: skip to off
		if _, err := io.CopyN(io.Discard, resp.Body, off); err != nil {
			resp.Body.Close()
			return nil, err
		}
		return resp.Body, nil
	case resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusMethodNotAllowed:
		resp.Body.Close()
		return nil, errReadRefused
	}
	return nil, r.status(resp, r.d.remotePath(name))
}

func (r *webdavRemote) write(ctx context.Context, name string, off, n int64, src io.Reader) error {
	end, pos := off+n, off
	if off == 0 {
		if r.wholeOnly || n <= 4*partialProbe {
			return r.put(ctx, name, 0, n, src) // small: nothing worth resuming
		}
		if err := r.put(ctx, name, 0, partialProbe, src); err != nil {
			return err
		}
		pos = partialProbe
	}
	// Probe with a small piece: a server that ignores Content-Range costs
	// one MiB, not the whole rest of the package, to find out.
	probe := min(end-pos, partialProbe)
	if err := r.put(ctx, name, pos, probe, src); err != nil {
		return err
	}
	if got, err := r.size(ctx, name); err != nil {
		return err
	} else if got != pos+probe {
		r.wholeOnly = true
		return errNoPartialWrite // it stored the piece as the whole file
	}
	pos += probe
	for piece := int64(firstPiece); pos < end; piece = min(2*piece, maxPiece) {
		k := min(piece, end-pos)
		if err := r.put(ctx, name, pos, k, src); err != nil {
			return err
		}
		pos += k
	}
	return nil
}

// The pieces of an upload to a server that writes ranges: the probe, then
// firstPiece doubling up to maxPiece (a cut loses at most one piece; fewer,
// larger pieces cost less on a server that copies the file to write a range,
// as lighttpd does).
const (
	partialProbe = 1 << 20
	firstPiece   = 8 << 20
	maxPiece     = 128 << 20
)

// announcesPatch asks the server once (OPTIONS on the folder) whether it
// writes ranges with SabreDAV's PATCH.
func (r *webdavRemote) announcesPatch(ctx context.Context) (bool, error) {
	if r.asked {
		return r.patch, nil
	}
	resp, err := r.do(ctx, http.MethodOptions, r.base.String(), nil, 0, nil)
	if err != nil {
		return false, err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	r.asked = true
	for _, v := range resp.Header.Values("DAV") {
		for _, tok := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(tok), "sabredav-partialupdate") {
				r.patch = true
			}
		}
	}
	return r.patch, nil
}

// put sends n bytes of src to name at off: off 0 as a plain PUT, off > 0 as
// a range (PATCH with X-Update-Range where the server announced it, else PUT
// with Content-Range).
func (r *webdavRemote) put(ctx context.Context, name string, off, n int64, src io.Reader) error {
	method := http.MethodPut
	var hdr map[string]string
	if off > 0 {
		patch, err := r.announcesPatch(ctx)
		if err != nil {
			return err
		}
		hdr = map[string]string{"Content-Range": fmt.Sprintf("bytes %d-%d/*", off, off+n-1)}
		if patch {
			method = "PATCH"
			hdr = map[string]string{"Content-Type": "application/x-sabredav-partialupdate",
				"X-Update-Range": fmt.Sprintf("bytes=%d-%d", off, off+n-1)}
		}
	}
	resp, err := r.do(ctx, method, r.url(name), io.LimitReader(src, n), n, hdr)
	if err != nil {
		return err
	}
	if off > 0 && (resp.StatusCode == http.StatusBadRequest || resp.StatusCode == http.StatusNotImplemented ||
		resp.StatusCode == http.StatusRequestedRangeNotSatisfiable || resp.StatusCode == http.StatusMethodNotAllowed ||
		resp.StatusCode == http.StatusUnsupportedMediaType) {
		resp.Body.Close()
		r.wholeOnly = true
		return errNoPartialWrite
	}
	if resp.StatusCode/100 != 2 {
		return r.status(resp, r.d.remotePath(name))
	}
	resp.Body.Close()
	return nil
}

func (r *webdavRemote) cut(ctx context.Context, name string, n int64) error { return errNoPartialWrite }

func (r *webdavRemote) rename(ctx context.Context, from, to string) error {
	resp, err := r.do(ctx, "MOVE", r.url(from), nil, 0, map[string]string{"Destination": r.url(to), "Overwrite": "T"})
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return r.status(resp, r.d.remotePath(to))
	}
	resp.Body.Close()
	return nil
}

func (r *webdavRemote) remove(ctx context.Context, name string) error {
	resp, err := r.do(ctx, http.MethodDelete, r.url(name), nil, 0, nil)
	if err != nil {
		return err
	}
	if resp.StatusCode == http.StatusNotFound || resp.StatusCode/100 == 2 {
		resp.Body.Close()
		return nil
	}
	return r.status(resp, r.d.remotePath(name))
}
