package sendtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// WebDAVServer is `rclone serve webdav` on loopback over TLS.
type WebDAVServer struct {
	Port       int
	Dir        string // the served root: a real folder
	User, Pass string
	CAFile     string // PEM of the test CA that signed the server's certificate
}

// TestCA makes a certificate authority and a server certificate it signs for
// 127.0.0.1, written as PEM files in dir: ca.pem, cert.pem, key.pem.
func TestCA(t testing.TB, dir string) (caFile, certFile, keyFile string) {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(err)
	now := time.Now()
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Handover test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	must(err)
	caCert, err := x509.ParseCertificate(caDER)
	must(err)
	srvKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(err)
	srv := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames: []string{"localhost"}, KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	srvDER, err := x509.CreateCertificate(rand.Reader, srv, caCert, &srvKey.PublicKey, caKey)
	must(err)
	keyDER, err := x509.MarshalECPrivateKey(srvKey)
	must(err)
	caFile, certFile, keyFile = filepath.Join(dir, "ca.pem"), filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	must(os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), 0o644))
	must(os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srvDER}), 0o644))
	must(os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600))
	return caFile, certFile, keyFile
}

// StartWebDAV serves a fresh folder with rclone over TLS (a test CA) and
// basic auth. Skips only when rclone is not installed.
func StartWebDAV(t testing.TB) *WebDAVServer {
	t.Helper()
	bin, err := exec.LookPath("rclone")
	if err != nil {
		t.Skip("rclone is missing: install Debian's rclone to run the WebDAV tests against a real server")
	}
	dir := t.TempDir()
	root := filepath.Join(dir, "root")
	if err := os.MkdirAll(filepath.Join(root, "drop"), 0o755); err != nil {
		t.Fatal(err)
	}
	caFile, certFile, keyFile := TestCA(t, dir)
	port := FreePort(t)
	s := &WebDAVServer{Port: port, Dir: root, User: "firm", Pass: "correct horse battery staple", CAFile: caFile}
	cmd := exec.Command(bin, "serve", "webdav", root, "--addr", fmt.Sprintf("127.0.0.1:%d", port),
		"--cert", certFile, "--key", keyFile, "--user", s.User, "--pass", s.Pass, "--config", filepath.Join(dir, "rclone.conf"))
	logf, err := os.Create(filepath.Join(dir, "rclone.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		logf.Close()
		if t.Failed() {
			b, _ := os.ReadFile(filepath.Join(dir, "rclone.log"))
			t.Logf("rclone log:\n%s", b)
		}
	})
	waitListening(t, port)
	return s
}

// StartLighttpd serves a fresh folder over WebDAV with lighttpd's
// mod_webdav, over TLS (a test CA) and basic auth: a second real server,
// which unlike rclone can continue a file. With partialPut, a PUT with
// Content-Range writes that range into the file (webdav.opts
// "partial-put-copy-modify", as Apache's mod_dav does by default); without
// it lighttpd refuses such a PUT with 400, as RFC 9110 says a server that
// does not support it must. Skips only when lighttpd is not installed.
func StartLighttpd(t testing.TB, partialPut bool) *WebDAVServer {
	t.Helper()
	bin, err := exec.LookPath("lighttpd")
	if err != nil {
		if _, serr := os.Stat("/usr/sbin/lighttpd"); serr != nil {
			t.Skip("lighttpd is missing: install Debian's lighttpd, lighttpd-mod-webdav and lighttpd-mod-openssl to run the WebDAV resume tests against a real server")
		}
		bin = "/usr/sbin/lighttpd"
	}
	dir := t.TempDir()
	root := filepath.Join(dir, "root")
	if err := os.MkdirAll(filepath.Join(root, "drop"), 0o755); err != nil {
		t.Fatal(err)
	}
	caFile, certFile, keyFile := TestCA(t, dir)
	port := FreePort(t)
	s := &WebDAVServer{Port: port, Dir: root, User: "firm", Pass: "correct horse battery staple", CAFile: caFile}
	if err := os.WriteFile(filepath.Join(dir, "users"), []byte(s.User+":"+s.Pass+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	opts := ""
	if partialPut {
		opts = `webdav.opts += ("partial-put-copy-modify" => "enable")`
	}
	conf := fmt.Sprintf(`server.document-root = %q
server.port = %d
server.bind = "127.0.0.1"
server.modules = ("mod_auth", "mod_authn_file", "mod_webdav", "mod_openssl")
server.errorlog = %q
server.upload-dirs = (%q)
ssl.engine = "enable"
ssl.pemfile = %q
ssl.privkey = %q
webdav.activate = "enable"
webdav.is-readonly = "disable"
%s
auth.backend = "plain"
auth.backend.plain.userfile = %q
auth.require = ("/" => ("method" => "basic", "realm" => "drop", "require" => "valid-user"))
`, root, port, filepath.Join(dir, "error.log"), dir, certFile, keyFile, opts, filepath.Join(dir, "users"))
	confFile := filepath.Join(dir, "lighttpd.conf")
	if err := os.WriteFile(confFile, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-D", "-f", confFile)
	logf, err := os.Create(filepath.Join(dir, "lighttpd.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		logf.Close()
		if t.Failed() {
			for _, f := range []string{"lighttpd.log", "error.log"} {
				b, _ := os.ReadFile(filepath.Join(dir, f))
				t.Logf("%s:\n%s", f, b)
			}
		}
	})
	waitListening(t, port)
	return s
}
