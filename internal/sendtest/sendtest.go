// Package sendtest runs real servers for core/send's and the CLI's tests:
// OpenSSH's sshd and rclone's WebDAV server on loopback, each with throwaway
// keys in a temporary directory, and a TCP proxy that cuts a connection.
package sendtest

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

const sshdPath = "/usr/sbin/sshd"

type SSHServer struct {
	Port      int
	Dir       string // the directory the tests upload into (a real folder)
	User      string
	ClientKey []byte // OpenSSH private key authorised for User
	HostFP    string // the host key's SHA-256 fingerprint
	cmd       *exec.Cmd
	log       *os.File
}

func FreePort(t testing.TB) int {
	t.Helper()
	p, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func newEd25519() (ssh.Signer, []byte, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	blk, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		return nil, nil, err
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		return nil, nil, err
	}
	return signer, pem.EncodeToMemory(blk), nil
}

// StartSSHD runs `sshd -D -f config` on a loopback port with a fresh host key
// and one authorised client key. Skips only when sshd is not installed.
func StartSSHD(t testing.TB) *SSHServer { return StartSSHDWith(t, "") }

// StartSSHDWith is StartSSHD with extra sshd_config lines (see LaunchSSHD).
func StartSSHDWith(t testing.TB, extra string) *SSHServer {
	t.Helper()
	if _, err := os.Stat(sshdPath); err != nil {
		t.Skipf("%s is missing: install Debian's openssh-server to run the SFTP tests against a real server", sshdPath)
	}
	dir := t.TempDir()
	s, err := LaunchSSHD(dir, extra)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.Stop()
		if t.Failed() {
			b, _ := os.ReadFile(filepath.Join(dir, "sshd.log"))
			t.Logf("sshd log:\n%s", b)
		}
	})
	return s
}

// LaunchSSHD runs `sshd -D -f config` on a loopback port with a fresh host
// key and one authorised client key, its files in dir and its upload folder
// dir/upload, until Stop. It is StartSSHD for what is not a test (the
// screenshot tour). The extra sshd_config lines win over the defaults (sshd
// keeps the first value it reads). A "Subsystem sftp …" line among them
// replaces the default internal-sftp (sshd refuses a subsystem defined
// twice): e.g. "internal-sftp -R" serves the folder read-only,
// "internal-sftp -P rename,posix-rename" refuses renames, so the server
// itself refuses, even to root.
func LaunchSSHD(dir, extra string) (*SSHServer, error) {
	if _, err := os.Stat(sshdPath); err != nil {
		return nil, fmt.Errorf("%s is missing (Debian's openssh-server)", sshdPath)
	}
	hostSigner, hostPEM, err := newEd25519()
	if err != nil {
		return nil, err
	}
	clientSigner, clientPEM, err := newEd25519()
	if err != nil {
		return nil, err
	}
	up := filepath.Join(dir, "upload")
	if err := errors.Join(
		os.WriteFile(filepath.Join(dir, "host_ed25519"), hostPEM, 0o600),
		os.WriteFile(filepath.Join(dir, "authorized_keys"), ssh.MarshalAuthorizedKey(clientSigner.PublicKey()), 0o600),
		os.MkdirAll(up, 0o755)); err != nil {
		return nil, err
	}
	u, err := user.Current()
	if err != nil {
		return nil, err
	}
	if os.Geteuid() == 0 {
		// sshd insists on its privilege-separation directory when run as root.
		if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
			return nil, err
		}
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	subsystem := "Subsystem sftp internal-sftp\n"
	if strings.Contains(extra, "Subsystem sftp") {
		subsystem = ""
	}
	cfg := extra + "\n" + subsystem + fmt.Sprintf(`Port %d
ListenAddress 127.0.0.1
HostKey %s
PidFile %s
AuthorizedKeysFile %s
StrictModes no
UsePAM no
PasswordAuthentication yes
KbdInteractiveAuthentication no
PermitRootLogin yes
LogLevel ERROR
`, port, filepath.Join(dir, "host_ed25519"), filepath.Join(dir, "sshd.pid"), filepath.Join(dir, "authorized_keys"))
	conf := filepath.Join(dir, "sshd_config")
	if err := os.WriteFile(conf, []byte(cfg), 0o600); err != nil {
		return nil, err
	}
	cmd := exec.Command(sshdPath, "-D", "-e", "-f", conf)
	logf, err := os.Create(filepath.Join(dir, "sshd.log"))
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	s := &SSHServer{Port: port, Dir: up, User: u.Username, ClientKey: clientPEM,
		HostFP: ssh.FingerprintSHA256(hostSigner.PublicKey()), cmd: cmd, log: logf}
	if err := listening(port); err != nil {
		s.Stop()
		b, _ := os.ReadFile(filepath.Join(dir, "sshd.log"))
		return nil, fmt.Errorf("%w; sshd said: %s", err, b)
	}
	return s, nil
}

// Stop ends the sshd.
func (s *SSHServer) Stop() {
	s.cmd.Process.Kill()
	s.cmd.Wait()
	s.log.Close()
}

func waitListening(t testing.TB, port int) {
	t.Helper()
	if err := listening(port); err != nil {
		t.Fatal(err)
	}
}

func listening(port int) error {
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), time.Second)
		if err == nil {
			c.Close()
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("nothing listening on port %d after 15 s", port)
}

// CutProxy forwards loopback connections to target; the first connection is
// cut once cutAfter bytes went from client to server (cutAfter 0: never).
type CutProxy struct {
	l        net.Listener
	Port     int
	cutAfter int64
	conns    atomic.Int32
	Cuts     atomic.Int32 // connections cut so far
	wg       sync.WaitGroup
}

func StartCutProxy(t testing.TB, target int, cutAfter int64) *CutProxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &CutProxy{l: l, Port: l.Addr().(*net.TCPAddr).Port, cutAfter: cutAfter}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			n := p.conns.Add(1)
			p.wg.Add(1)
			go func() {
				defer p.wg.Done()
				p.serve(c, target, n == 1 && p.cutAfter > 0)
			}()
		}
	}()
	t.Cleanup(func() { l.Close(); p.wg.Wait() })
	return p
}

func (p *CutProxy) serve(c net.Conn, target int, cut bool) {
	defer c.Close()
	s, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(target))
	if err != nil {
		return
	}
	defer s.Close()
	done := make(chan struct{}, 2)
	go func() { io.Copy(c, s); done <- struct{}{} }()
	go func() {
		if cut {
			io.CopyN(s, c, p.cutAfter)
			p.Cuts.Add(1)
		} else {
			io.Copy(s, c)
		}
		done <- struct{}{}
	}()
	<-done // either side ending (or the cut) ends both
}

// MemHostKeys is a HostKeys in memory.
type MemHostKeys struct {
	mu sync.Mutex
	m  map[string]string
}

func NewMemHostKeys() *MemHostKeys { return &MemHostKeys{m: map[string]string{}} }

func (k *MemHostKeys) Pinned(hp string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.m[hp], nil
}

func (k *MemHostKeys) Pin(hp, fp string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.m[hp] = fp
	return nil
}

// RandomFile writes n random bytes to a new file named name.
func RandomFile(t testing.TB, name string, n int64) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.CopyN(f, rand.Reader, n); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}
