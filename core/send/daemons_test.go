package send

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// Real daemons for the tests: OpenSSH's sshd and rclone's WebDAV server on
// loopback, each with throwaway keys in a temporary directory.

const sshdPath = "/usr/sbin/sshd"

type sshServer struct {
	port      int
	dir       string // the directory the tests upload into (a real folder)
	user      string
	clientKey []byte // OpenSSH private key authorised for user
	hostFP    string // the host key's SHA-256 fingerprint
	cmd       *exec.Cmd
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func newEd25519(t *testing.T) (ssh.Signer, []byte) {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	blk, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return signer, pem.EncodeToMemory(blk)
}

// startSSHD runs `sshd -D -f config` on a loopback port with a fresh host key
// and one authorised client key. Skips only when sshd is not installed.
func startSSHD(t *testing.T) *sshServer {
	t.Helper()
	if _, err := os.Stat(sshdPath); err != nil {
		t.Skipf("%s is missing: install Debian's openssh-server to run the SFTP tests against a real server", sshdPath)
	}
	dir := t.TempDir()
	hostSigner, hostPEM := newEd25519(t)
	clientSigner, clientPEM := newEd25519(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(dir, "host_ed25519"), hostPEM, 0o600))
	must(os.WriteFile(filepath.Join(dir, "authorized_keys"), ssh.MarshalAuthorizedKey(clientSigner.PublicKey()), 0o600))
	up := filepath.Join(dir, "upload")
	must(os.MkdirAll(up, 0o755))
	u, err := user.Current()
	must(err)
	if os.Geteuid() == 0 {
		// sshd insists on its privilege-separation directory when run as root.
		must(os.MkdirAll("/run/sshd", 0o755))
	}
	port := freePort(t)
	sftpServer := "internal-sftp"
	cfg := fmt.Sprintf(`Port %d
ListenAddress 127.0.0.1
HostKey %s
PidFile %s
AuthorizedKeysFile %s
StrictModes no
UsePAM no
PasswordAuthentication yes
KbdInteractiveAuthentication no
PermitRootLogin yes
Subsystem sftp %s
LogLevel ERROR
`, port, filepath.Join(dir, "host_ed25519"), filepath.Join(dir, "sshd.pid"), filepath.Join(dir, "authorized_keys"), sftpServer)
	conf := filepath.Join(dir, "sshd_config")
	must(os.WriteFile(conf, []byte(cfg), 0o600))
	cmd := exec.Command(sshdPath, "-D", "-e", "-f", conf)
	logf, err := os.Create(filepath.Join(dir, "sshd.log"))
	must(err)
	cmd.Stdout, cmd.Stderr = logf, logf
	must(cmd.Start())
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		logf.Close()
		if t.Failed() {
			b, _ := os.ReadFile(filepath.Join(dir, "sshd.log"))
			t.Logf("sshd log:\n%s", b)
		}
	})
	waitListening(t, port)
	return &sshServer{port: port, dir: up, user: u.Username, clientKey: clientPEM,
		hostFP: ssh.FingerprintSHA256(hostSigner.PublicKey()), cmd: cmd}
}

func waitListening(t *testing.T, port int) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), time.Second)
		if err == nil {
			c.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("nothing listening on port %d after 15 s", port)
}

// cutProxy forwards loopback connections to target; the first connection is
// cut once cutAfter bytes went from client to server (cutAfter 0: never).
type cutProxy struct {
	l        net.Listener
	port     int
	cutAfter int64
	conns    atomic.Int32
	cuts     atomic.Int32
	wg       sync.WaitGroup
}

func startCutProxy(t *testing.T, target int, cutAfter int64) *cutProxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{l: l, port: l.Addr().(*net.TCPAddr).Port, cutAfter: cutAfter}
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

func (p *cutProxy) serve(c net.Conn, target int, cut bool) {
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
			p.cuts.Add(1)
		} else {
			io.Copy(s, c)
		}
		done <- struct{}{}
	}()
	<-done // either side ending (or the cut) ends both
}

// memHostKeys is a HostKeys in memory.
type memHostKeys struct {
	mu sync.Mutex
	m  map[string]string
}

func newMemHostKeys() *memHostKeys { return &memHostKeys{m: map[string]string{}} }

func (k *memHostKeys) Pinned(hp string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.m[hp], nil
}

func (k *memHostKeys) Pin(hp, fp string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.m[hp] = fp
	return nil
}

// randomFile writes n random bytes to a new file named name.
func randomFile(t *testing.T, name string, n int64) string {
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
