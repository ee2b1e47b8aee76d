package send

import (
	"bytes"
	"context"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"handover/internal/sendtest"
)

func davDest(t *testing.T, s *sendtest.WebDAVServer, port int, folder string) Destination {
	t.Helper()
	d, err := Parse(fmt.Sprintf("https://%s@127.0.0.1:%d/%s", s.User, port, folder))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestWebDAVSendReadsBack(t *testing.T) {
	s := sendtest.StartWebDAV(t)
	t.Setenv(CAEnv, s.CAFile)
	pkg := sendtest.RandomFile(t, "firm.zip.age", 5<<20+7)
	res, err := Send(context.Background(), Request{Package: pkg, To: davDest(t, s, s.Port, "drop"), Creds: Credentials{Password: s.Pass}})
	if err != nil {
		t.Fatal(err)
	}
	drop := filepath.Join(s.Dir, "drop")
	folderHolds(t, drop, "firm.zip.age")
	if got, want := fileSHA(t, filepath.Join(drop, "firm.zip.age")), fileSHA(t, pkg); got != want || res.SHA256 != want || res.Checked != "read back" {
		t.Fatalf("server copy %s, result %+v, package %s", got, res, want)
	}
}

// rclone (like most WebDAV servers) cannot write into the middle of a file:
// the next send finds that out with a small probe and starts over.
// (TestWebDAVResumesOnLighttpd is the server that can.)
func TestWebDAVCutConnectionEndsWithOneWholeCopy(t *testing.T) {
	s := sendtest.StartWebDAV(t)
	t.Setenv(CAEnv, s.CAFile)
	pkg := sendtest.RandomFile(t, "firm.zip", 20<<20)
	p := sendtest.StartCutProxy(t, s.Port, 12<<20)
	_, err := Send(context.Background(), Request{Package: pkg, To: davDest(t, s, p.Port, "drop"), Creds: Credentials{Password: s.Pass}, Attempts: 1})
	if err == nil || p.Cuts.Load() != 1 {
		t.Fatalf("err %v after %d cuts: want a failed first send", err, p.Cuts.Load())
	}
	drop := filepath.Join(s.Dir, "drop")
	if _, err := os.Stat(filepath.Join(drop, "firm.zip")); !os.IsNotExist(err) {
		t.Fatalf("a cut upload is visible under the final name: %v", err)
	}
	res, err := Send(context.Background(), Request{Package: pkg, To: davDest(t, s, p.Port, "drop"), Creds: Credentials{Password: s.Pass}})
	if err != nil {
		t.Fatal(err)
	}
	folderHolds(t, drop, "firm.zip")
	if got, want := fileSHA(t, filepath.Join(drop, "firm.zip")), fileSHA(t, pkg); got != want || res.SHA256 != want {
		t.Fatalf("server copy %s, package %s", got, want)
	}
	if res.Resumed != 0 {
		t.Fatalf("resumed from %d on a server that stores a range as the whole file", res.Resumed)
	}
}

// A real server that writes ranges (lighttpd's mod_webdav with
// partial-put-copy-modify, as Apache's mod_dav does): the package goes up in
// pieces the server commits one by one, so after a cut the next send
// continues from the pieces that arrived, and the server ends with one
// whole copy.
func TestWebDAVResumesOnLighttpd(t *testing.T) {
	resumesAfterCut(t, sendtest.StartLighttpd(t, true))
}

// SabreDAV (the library under Nextcloud and ownCloud) with its PartialUpdate
// plugin refuses PUT with Content-Range but announces PATCH with
// X-Update-Range: the pieces go that way, and the upload resumes the same.
func TestWebDAVResumesOnSabreDAVWithPatch(t *testing.T) {
	resumesAfterCut(t, sendtest.StartSabreDAV(t, true))
}

func resumesAfterCut(t *testing.T, s *sendtest.WebDAVServer) {
	t.Helper()
	t.Setenv(CAEnv, s.CAFile)
	const size = 40 << 20
	pkg := sendtest.RandomFile(t, "firm.zip", size)
	p := sendtest.StartCutProxy(t, s.Port, 20<<20)
	_, err := Send(context.Background(), Request{Package: pkg, To: davDest(t, s, p.Port, "drop"), Creds: Credentials{Password: s.Pass}, Attempts: 1})
	if err == nil || p.Cuts.Load() != 1 {
		t.Fatalf("err %v after %d cuts: want a failed first send", err, p.Cuts.Load())
	}
	drop := filepath.Join(s.Dir, "drop")
	folderHolds(t, drop, ".firm.zip.partial")
	st, _ := os.Stat(filepath.Join(drop, ".firm.zip.partial"))
	if st.Size() <= 2<<20 || st.Size() >= 20<<20 {
		t.Fatalf("%d bytes on the server after the cut: want the pieces committed before it, past the probe", st.Size())
	}
	res, err := Send(context.Background(), Request{Package: pkg, To: davDest(t, s, p.Port, "drop"), Creds: Credentials{Password: s.Pass}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Resumed != st.Size() {
		t.Fatalf("resumed from %d, the server held %d", res.Resumed, st.Size())
	}
	os.Remove(filepath.Join(drop, ".sabredav")) // SabreDAV's own store of properties, written on MOVE
	folderHolds(t, drop, "firm.zip")
	if got, want := fileSHA(t, filepath.Join(drop, "firm.zip")), fileSHA(t, pkg); got != want || res.SHA256 != want || res.Checked != "read back" {
		t.Fatalf("server copy %s, result %+v, package %s", got, res, want)
	}
}

// lighttpd as installed refuses a PUT with Content-Range (400, as RFC 9110
// asks of a server that cannot write ranges): the upload goes as one PUT, a
// cut loses it, and the next send starts over and ends with one whole copy.
func TestWebDAVRestartsWhereRangesAreRefused(t *testing.T) {
	restartsAfterCut(t, sendtest.StartLighttpd(t, false))
}

// SabreDAV as Nextcloud and ownCloud run it (no PartialUpdate plugin)
// answers a PUT with Content-Range with 501 and announces no PATCH: the
// upload starts over after a cut.
func TestWebDAVRestartsOnSabreDAVWithoutPatch(t *testing.T) {
	restartsAfterCut(t, sendtest.StartSabreDAV(t, false))
}

func restartsAfterCut(t *testing.T, s *sendtest.WebDAVServer) {
	t.Helper()
	t.Setenv(CAEnv, s.CAFile)
	pkg := sendtest.RandomFile(t, "firm.zip", 20<<20)
	p := sendtest.StartCutProxy(t, s.Port, 12<<20)
	if _, err := Send(context.Background(), Request{Package: pkg, To: davDest(t, s, p.Port, "drop"), Creds: Credentials{Password: s.Pass}, Attempts: 1}); err == nil {
		t.Fatal("the cut send succeeded")
	}
	drop := filepath.Join(s.Dir, "drop")
	if _, err := os.Stat(filepath.Join(drop, "firm.zip")); !os.IsNotExist(err) {
		t.Fatalf("a cut upload is visible under the final name: %v", err)
	}
	res, err := Send(context.Background(), Request{Package: pkg, To: davDest(t, s, p.Port, "drop"), Creds: Credentials{Password: s.Pass}})
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(drop, ".sabredav")) // SabreDAV's own store of properties, written on MOVE
	folderHolds(t, drop, "firm.zip")
	if got, want := fileSHA(t, filepath.Join(drop, "firm.zip")), fileSHA(t, pkg); got != want || res.Resumed != 0 {
		t.Fatalf("server copy %s, package %s, resumed from %d", got, want, res.Resumed)
	}
}

func TestWebDAVRefusals(t *testing.T) {
	s := sendtest.StartWebDAV(t)
	pkg := sendtest.RandomFile(t, "firm.zip", 1<<10)
	drop := filepath.Join(s.Dir, "drop")

	// No CA added: the test certificate is not trusted, and nothing is sent.
	t.Setenv(CAEnv, "")
	_, err := Send(context.Background(), Request{Package: pkg, To: davDest(t, s, s.Port, "drop"), Creds: Credentials{Password: s.Pass}, Attempts: 1})
	if KindOf(err) != Certificate || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("err %v: want a certificate refusal", err)
	}
	t.Setenv(CAEnv, s.CAFile)
	_, err = Send(context.Background(), Request{Package: pkg, To: davDest(t, s, s.Port, "drop"), Creds: Credentials{Password: "wrong"}, Attempts: 1})
	if KindOf(err) != LoginRefused {
		t.Fatalf("err %v: want a refused login", err)
	}
	_, err = Send(context.Background(), Request{Package: pkg, To: davDest(t, s, s.Port, "no/such/folder"), Creds: Credentials{Password: s.Pass}, Attempts: 1})
	if KindOf(err) != FolderMissing {
		t.Fatalf("err %v: want folder missing", err)
	}
	folderHolds(t, drop)
}

// rangeDAV is a minimal WebDAV folder that honours PUT with Content-Range
// (as Apache's mod_dav does), and can refuse reading files back (a
// write-only drop folder): the two behaviours rclone does not have.
type rangeDAV struct {
	dir         string
	refuseReads bool
	putStatus   atomic.Int32 // answer every PUT with this status instead (0: store it)
	corrupt     atomic.Bool  // store every PUT with its first byte changed
	dropGETs    atomic.Int32 // cut the connection of this many GETs of whole files
	puts        atomic.Int32 // PUTs received
}

func (d *rangeDAV) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if st := int(d.putStatus.Load()); r.Method == http.MethodPut && st != 0 {
		http.Error(w, http.StatusText(st), st)
		return
	}
	name := filepath.Join(d.dir, filepath.FromSlash(strings.TrimPrefix(path.Clean(r.URL.Path), "/drop")))
	if !strings.HasPrefix(path.Clean(r.URL.Path), "/drop") {
		http.NotFound(w, r)
		return
	}
	switch r.Method {
	case "PROPFIND":
		w.WriteHeader(http.StatusMultiStatus)
	case http.MethodHead, http.MethodGet:
		if r.Method == http.MethodGet && r.Header.Get("Range") == "" && d.dropGETs.Add(-1) >= 0 {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close() // the connection drops while reading back
			}
			return
		}
		if r.Method == http.MethodGet && d.refuseReads {
			http.Error(w, "write-only", http.StatusForbidden)
			return
		}
		http.ServeFile(w, r, name)
	case http.MethodPut:
		d.puts.Add(1)
		flags, off := os.O_WRONLY|os.O_CREATE|os.O_TRUNC, int64(0)
		if cr := r.Header.Get("Content-Range"); cr != "" {
			if _, err := fmt.Sscanf(cr, "bytes %d-", &off); err != nil {
				http.Error(w, "bad range", http.StatusBadRequest)
				return
			}
			flags = os.O_WRONLY
		}
		f, err := os.OpenFile(name, flags, 0o644)
		if err != nil {
			http.Error(w, err.Error(), http.StatusConflict)
			return
		}
		defer f.Close()
		if _, err := f.Seek(off, io.SeekStart); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		var body io.Reader = r.Body
		if d.corrupt.Load() {
			first := make([]byte, 1)
			if _, err := io.ReadFull(r.Body, first); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			body = io.MultiReader(bytes.NewReader([]byte{first[0] ^ 0xff}), r.Body)
		}
		if _, err := io.Copy(f, body); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusCreated)
	case "MOVE":
		u, err := url.Parse(r.Header.Get("Destination"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		to := filepath.Join(d.dir, filepath.FromSlash(strings.TrimPrefix(path.Clean(u.Path), "/drop")))
		if err := os.Rename(name, to); err != nil {
			http.Error(w, err.Error(), http.StatusConflict)
			return
		}
		w.WriteHeader(http.StatusCreated)
	case http.MethodDelete:
		if err := os.Remove(name); err != nil {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	default:
		http.Error(w, "no", http.StatusMethodNotAllowed)
	}
}

func startRangeDAV(t *testing.T, refuseReads bool) (*rangeDAV, int) {
	t.Helper()
	d := &rangeDAV{dir: t.TempDir(), refuseReads: refuseReads}
	srv := httptest.NewTLSServer(d)
	t.Cleanup(srv.Close)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o644)
	t.Setenv(CAEnv, ca)
	return d, srv.Listener.Addr().(*net.TCPAddr).Port
}

func TestWebDAVResumesWhereTheServerWritesRanges(t *testing.T) {
	d, port := startRangeDAV(t, false)
	pkg := sendtest.RandomFile(t, "firm.zip", 20<<20)
	p := sendtest.StartCutProxy(t, port, 10<<20)
	dest, _ := Parse(fmt.Sprintf("https://u@127.0.0.1:%d/drop", p.Port))
	if _, err := Send(context.Background(), Request{Package: pkg, To: dest, Creds: Credentials{Password: "p"}, Attempts: 1}); err == nil {
		t.Fatal("the cut send succeeded")
	}
	st, err := os.Stat(filepath.Join(d.dir, ".firm.zip.partial"))
	if err != nil || st.Size() == 0 {
		t.Fatalf("no part on the server after the cut: %v", err)
	}
	res, err := Send(context.Background(), Request{Package: pkg, To: dest, Creds: Credentials{Password: "p"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Resumed <= 0 {
		t.Fatalf("started over although the server writes ranges (part of %d bytes was there)", st.Size())
	}
	folderHolds(t, d.dir, "firm.zip")
	if got, want := fileSHA(t, filepath.Join(d.dir, "firm.zip")), fileSHA(t, pkg); got != want {
		t.Fatalf("server copy %s, package %s", got, want)
	}
}

func TestWebDAVWriteOnlyFolderGetsASidecar(t *testing.T) {
	d, port := startRangeDAV(t, true)
	pkg := sendtest.RandomFile(t, "firm.zip", 1<<20)
	dest, _ := Parse(fmt.Sprintf("https://u@127.0.0.1:%d/drop", port))
	res, err := Send(context.Background(), Request{Package: pkg, To: dest, Creds: Credentials{Password: "p"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Checked != "sidecar" {
		t.Fatalf("checked %q", res.Checked)
	}
	folderHolds(t, d.dir, "firm.zip", "firm.zip.sha256")
	b, _ := os.ReadFile(filepath.Join(d.dir, "firm.zip.sha256"))
	if string(b) != fileSHA(t, pkg)+"  firm.zip\n" {
		t.Fatalf("sidecar %q", b)
	}
}

// A drop folder that refuses the upload says why in plain words: 403 is
// "not allowed to write", 507 is "no room left"; nothing is left behind.
func TestWebDAVRefusedUploadSaysWhy(t *testing.T) {
	d, port := startRangeDAV(t, false)
	pkg := sendtest.RandomFile(t, "firm.zip", 1<<20)
	dest, _ := Parse(fmt.Sprintf("https://u@127.0.0.1:%d/drop", port))
	for status, want := range map[int]Kind{http.StatusForbidden: PermissionDenied, http.StatusInsufficientStorage: DiskFull} {
		d.putStatus.Store(int32(status))
		_, err := Send(context.Background(), Request{Package: pkg, To: dest, Creds: Credentials{Password: "p"}, Attempts: 1})
		if KindOf(err) != want || !strings.Contains(err.Error(), "Ask the migration team") {
			t.Errorf("PUT answered %d: err %v, want %s", status, err, want)
		}
		folderHolds(t, d.dir)
	}
}

// A server that stores something else than what was sent: the read-back
// catches it, and the wrong file is taken away from under the final name.
func TestWebDAVReadBackMismatchLeavesNothing(t *testing.T) {
	d, port := startRangeDAV(t, false)
	d.corrupt.Store(true)
	pkg := sendtest.RandomFile(t, "firm.zip", 1<<20)
	dest, _ := Parse(fmt.Sprintf("https://u@127.0.0.1:%d/drop", port))
	_, err := Send(context.Background(), Request{Package: pkg, To: dest, Creds: Credentials{Password: "p"}})
	if KindOf(err) != Mismatch || !strings.Contains(err.Error(), "not the package") {
		t.Fatalf("err %v: want a read-back mismatch", err)
	}
	folderHolds(t, d.dir)
}

// The connection drops while the file is read back: the next attempt reads
// it back again; the package is not uploaded a second time.
func TestWebDAVDropWhileReadingBackDoesNotUploadAgain(t *testing.T) {
	d, port := startRangeDAV(t, false)
	d.dropGETs.Store(2) // net/http itself retries a GET once on a reused connection
	pkg := sendtest.RandomFile(t, "firm.zip", 3<<20)
	dest, _ := Parse(fmt.Sprintf("https://u@127.0.0.1:%d/drop", port))
	res, err := Send(context.Background(), Request{Package: pkg, To: dest, Creds: Credentials{Password: "p"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Attempts != 2 || res.Checked != "read back" || d.puts.Load() != 1 {
		t.Fatalf("attempts %d, checked %q, %d PUTs: want one upload read back on the second attempt", res.Attempts, res.Checked, d.puts.Load())
	}
	folderHolds(t, d.dir, "firm.zip")
}
