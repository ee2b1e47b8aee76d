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
	startLogged(t, cmd, dir, "rclone.log")
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
	s, dir := newLighttpdServer(t)
	opts := ""
	if partialPut {
		opts = `webdav.opts += ("partial-put-copy-modify" => "enable")`
	}
	runLighttpd(t, s, dir, fmt.Sprintf(`server.modules += ("mod_webdav")
webdav.activate = "enable"
webdav.is-readonly = "disable"
%s
`, opts))
	return s
}

// StartSabreDAV serves a fresh folder with SabreDAV (Debian's
// php-sabre-dav, the WebDAV library Nextcloud and ownCloud are built on),
// which refuses PUT with Content-Range (501); with partialUpdate, its
// PartialUpdate plugin writes a range with PATCH and X-Update-Range and
// says so in OPTIONS. PHP's own server runs it; lighttpd in front adds TLS
// and basic auth. Skips only when php, php-sabre-dav or lighttpd is not
// installed.
func StartSabreDAV(t testing.TB, partialUpdate bool) *WebDAVServer {
	t.Helper()
	php, err := exec.LookPath("php")
	if err != nil {
		t.Skip("php is missing: install Debian's php-cli and php-sabre-dav to run the SabreDAV tests")
	}
	if _, err := os.Stat("/usr/share/php/Sabre/DAV/PartialUpdate/Plugin.php"); err != nil {
		t.Skip("SabreDAV is missing: install Debian's php-sabre-dav to run the SabreDAV tests")
	}
	s, dir := newLighttpdServer(t)
	script := filepath.Join(dir, "sabredav.php")
	if err := os.WriteFile(script, []byte(`<?php
require_once 'Sabre/autoload.php';
$server = new \Sabre\DAV\Server(new \Sabre\DAV\FSExt\Directory(getenv('DAV_ROOT')));
$server->setBaseUri('/');
if (getenv('DAV_PATCH') === '1') {
	$server->addPlugin(new \Sabre\DAV\PartialUpdate\Plugin());
}
$server->exec();
`), 0o644); err != nil {
		t.Fatal(err)
	}
	phpPort := FreePort(t)
	cmd := exec.Command(php, "-S", fmt.Sprintf("127.0.0.1:%d", phpPort), script)
	patch := "0"
	if partialUpdate {
		patch = "1"
	}
	cmd.Env = append(os.Environ(), "DAV_ROOT="+s.Dir, "DAV_PATCH="+patch)
	startLogged(t, cmd, dir, "php.log")
	waitListening(t, phpPort)
	runLighttpd(t, s, dir, fmt.Sprintf(`server.modules += ("mod_proxy")
proxy.server = ("" => (("host" => "127.0.0.1", "port" => %d)))
`, phpPort))
	return s
}

// newLighttpdServer makes the folder, certificates and user of a server.
func newLighttpdServer(t testing.TB) (*WebDAVServer, string) {
	t.Helper()
	dir := t.TempDir()
	root := filepath.Join(dir, "root")
	if err := os.MkdirAll(filepath.Join(root, "drop"), 0o755); err != nil {
		t.Fatal(err)
	}
	caFile, _, _ := TestCA(t, dir)
	s := &WebDAVServer{Port: FreePort(t), Dir: root, User: "firm", Pass: "correct horse battery staple", CAFile: caFile}
	if err := os.WriteFile(filepath.Join(dir, "users"), []byte(s.User+":"+s.Pass+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return s, dir
}

// runLighttpd starts lighttpd on s.Port with TLS and basic auth, and what
// serves: the lines given.
func runLighttpd(t testing.TB, s *WebDAVServer, dir, serve string) {
	t.Helper()
	bin, err := exec.LookPath("lighttpd")
	if err != nil {
		if _, serr := os.Stat("/usr/sbin/lighttpd"); serr != nil {
			t.Skip("lighttpd is missing: install Debian's lighttpd, lighttpd-mod-webdav and lighttpd-mod-openssl to run the WebDAV resume tests against a real server")
		}
		bin = "/usr/sbin/lighttpd"
	}
	conf := fmt.Sprintf(`server.document-root = %q
server.port = %d
server.bind = "127.0.0.1"
server.modules = ("mod_auth", "mod_authn_file", "mod_openssl")
server.errorlog = %q
server.upload-dirs = (%q)
ssl.engine = "enable"
ssl.pemfile = %q
ssl.privkey = %q
auth.backend = "plain"
auth.backend.plain.userfile = %q
auth.require = ("/" => ("method" => "basic", "realm" => "drop", "require" => "valid-user"))
`, s.Dir, s.Port, filepath.Join(dir, "error.log"), dir, filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem"),
		filepath.Join(dir, "users")) + serve
	confFile := filepath.Join(dir, "lighttpd.conf")
	if err := os.WriteFile(confFile, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	startLogged(t, exec.Command(bin, "-D", "-f", confFile), dir, "lighttpd.log")
	waitListening(t, s.Port)
}

// startLogged starts cmd with its output in dir/logName, ended at cleanup;
// a failed test shows the log, and the server's error.log where it writes
// one (lighttpd does).
func startLogged(t testing.TB, cmd *exec.Cmd, dir, logName string) {
	t.Helper()
	logf, err := os.Create(filepath.Join(dir, logName))
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
			for _, f := range []string{logName, "error.log"} {
				if b, err := os.ReadFile(filepath.Join(dir, f)); err == nil {
					t.Logf("%s:\n%s", f, b)
				}
			}
		}
	})
}
