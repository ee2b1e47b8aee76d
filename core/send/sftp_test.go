package send

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"handover/internal/sendtest"
)

func sftpDest(t *testing.T, s *sendtest.SSHServer, port int) Destination {
	t.Helper()
	d, err := Parse(fmt.Sprintf("sftp://%s@127.0.0.1:%d%s", s.User, port, s.Dir))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func fileSHA(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// onlyFinal asserts the upload folder holds exactly the named files.
func folderHolds(t *testing.T, dir string, want ...string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("the server's folder holds %q, want %q", got, want)
	}
}

func TestSFTPSendPinsKeyAndReadsBack(t *testing.T) {
	s := sendtest.StartSSHD(t)
	pkg := sendtest.RandomFile(t, "firm-package.zip.age", 3<<20+12345)
	keys := sendtest.NewMemHostKeys()
	var stages []string
	res, err := Send(context.Background(), Request{Package: pkg, To: sftpDest(t, s, s.Port), Creds: Credentials{KeyPEM: s.ClientKey},
		HostKeys: keys, Progress: func(p Progress) {
			if len(stages) == 0 || stages[len(stages)-1] != p.Stage {
				stages = append(stages, p.Stage)
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	folderHolds(t, s.Dir, "firm-package.zip.age")
	if got, want := fileSHA(t, filepath.Join(s.Dir, "firm-package.zip.age")), fileSHA(t, pkg); got != want || res.SHA256 != want {
		t.Fatalf("server copy %s, result %s, package %s", got, res.SHA256, want)
	}
	if res.Checked != "read back" || res.Size != 3<<20+12345 || res.Resumed != 0 {
		t.Fatalf("result %+v", res)
	}
	if !res.NewHostKey || res.HostKey != s.HostFP {
		t.Fatalf("host key %q (new %v), server's is %s", res.HostKey, res.NewHostKey, s.HostFP)
	}
	if pinned, _ := keys.Pinned(fmt.Sprintf("127.0.0.1:%d", s.Port)); pinned != s.HostFP {
		t.Fatalf("pinned %q, want %s", pinned, s.HostFP)
	}
	if strings.Join(stages, " ") != "checking sending reading back done" {
		t.Fatalf("stages %q", stages)
	}
	// A second send of the same package replaces the first: still one copy,
	// and the key is now known, not new.
	res, err = Send(context.Background(), Request{Package: pkg, To: sftpDest(t, s, s.Port), Creds: Credentials{KeyPEM: s.ClientKey}, HostKeys: keys})
	if err != nil {
		t.Fatal(err)
	}
	if res.NewHostKey {
		t.Fatal("the pinned key was reported as new")
	}
	folderHolds(t, s.Dir, "firm-package.zip.age")
}

func TestSFTPResumeAfterCutConnection(t *testing.T) {
	s := sendtest.StartSSHD(t)
	const size = 24 << 20
	pkg := sendtest.RandomFile(t, "pkg.zip", size)
	keys := sendtest.NewMemHostKeys()

	// First: one attempt only, cut after 16 MiB: the send fails, the part
	// stays on the server under its temporary name, nothing under the final.
	p := sendtest.StartCutProxy(t, s.Port, 16<<20)
	_, err := Send(context.Background(), Request{Package: pkg, To: sftpDest(t, s, p.Port), Creds: Credentials{KeyPEM: s.ClientKey},
		HostKeys: keys, Attempts: 1})
	if err == nil || p.Cuts.Load() != 1 {
		t.Fatalf("err %v after %d cuts: want a failed first send", err, p.Cuts.Load())
	}
	folderHolds(t, s.Dir, ".pkg.zip.partial")
	st, _ := os.Stat(filepath.Join(s.Dir, ".pkg.zip.partial"))
	if st.Size() <= 8<<20 {
		t.Fatalf("only %d bytes reached the server before the cut; the test needs more than the hole window", st.Size())
	}

	// Then: a new send resumes from what is there, after checking it.
	var resumingSeen bool
	res, err := Send(context.Background(), Request{Package: pkg, To: sftpDest(t, s, p.Port), Creds: Credentials{KeyPEM: s.ClientKey},
		HostKeys: keys, Progress: func(pr Progress) { resumingSeen = resumingSeen || pr.Stage == "resuming" }})
	if err != nil {
		t.Fatal(err)
	}
	if res.Resumed <= 0 || res.Resumed >= size || !resumingSeen {
		t.Fatalf("resumed from %d (resuming stage seen %v): want a resume from the part on the server", res.Resumed, resumingSeen)
	}
	folderHolds(t, s.Dir, "pkg.zip")
	if got, want := fileSHA(t, filepath.Join(s.Dir, "pkg.zip")), fileSHA(t, pkg); got != want {
		t.Fatalf("server copy %s, package %s", got, want)
	}
}

func TestSFTPCutMidSendResumesInTheSameCall(t *testing.T) {
	s := sendtest.StartSSHD(t)
	pkg := sendtest.RandomFile(t, "pkg.zip", 20<<20)
	p := sendtest.StartCutProxy(t, s.Port, 14<<20)
	res, err := Send(context.Background(), Request{Package: pkg, To: sftpDest(t, s, p.Port), Creds: Credentials{KeyPEM: s.ClientKey},
		HostKeys: sendtest.NewMemHostKeys()})
	if err != nil {
		t.Fatal(err)
	}
	if res.Attempts != 2 || p.Cuts.Load() != 1 || res.Resumed <= 0 {
		t.Fatalf("attempts %d, cuts %d, resumed from %d: want the second attempt to continue the first", res.Attempts, p.Cuts.Load(), res.Resumed)
	}
	folderHolds(t, s.Dir, "pkg.zip")
	if got, want := fileSHA(t, filepath.Join(s.Dir, "pkg.zip")), fileSHA(t, pkg); got != want {
		t.Fatalf("server copy %s, package %s", got, want)
	}
}

func TestSFTPForeignPartialIsReplaced(t *testing.T) {
	s := sendtest.StartSSHD(t)
	pkg := sendtest.RandomFile(t, "pkg.zip", 12<<20)
	// A part of some other file under the same temporary name: more than the
	// hole window, so its prefix is hashed, found foreign and thrown away.
	if err := os.WriteFile(filepath.Join(s.Dir, ".pkg.zip.partial"), bytes.Repeat([]byte("x"), 10<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Send(context.Background(), Request{Package: pkg, To: sftpDest(t, s, s.Port), Creds: Credentials{KeyPEM: s.ClientKey},
		HostKeys: sendtest.NewMemHostKeys()})
	if err != nil {
		t.Fatal(err)
	}
	if res.Resumed != 0 {
		t.Fatalf("resumed from %d bytes of a foreign file", res.Resumed)
	}
	if got, want := fileSHA(t, filepath.Join(s.Dir, "pkg.zip")), fileSHA(t, pkg); got != want {
		t.Fatalf("server copy %s, package %s", got, want)
	}
	folderHolds(t, s.Dir, "pkg.zip")
}

func TestSFTPChangedHostKeyIsRefused(t *testing.T) {
	s := sendtest.StartSSHD(t)
	pkg := sendtest.RandomFile(t, "pkg.zip", 1<<20)
	keys := sendtest.NewMemHostKeys()
	keys.Pin(fmt.Sprintf("127.0.0.1:%d", s.Port), "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	_, err := Send(context.Background(), Request{Package: pkg, To: sftpDest(t, s, s.Port), Creds: Credentials{KeyPEM: s.ClientKey}, HostKeys: keys})
	if KindOf(err) != HostKeyChanged {
		t.Fatalf("err %v: want a changed host key refusal", err)
	}
	if !strings.Contains(err.Error(), s.HostFP) || !strings.Contains(err.Error(), "Nothing was sent") {
		t.Fatalf("the warning does not name the new key or say nothing was sent: %v", err)
	}
	folderHolds(t, s.Dir)
}

func TestSFTPWrongPasswordIsRefusedPlainly(t *testing.T) {
	s := sendtest.StartSSHD(t)
	pkg := sendtest.RandomFile(t, "pkg.zip", 1<<20)
	_, err := Send(context.Background(), Request{Package: pkg, To: sftpDest(t, s, s.Port), Creds: Credentials{Password: "not-the-password"},
		HostKeys: sendtest.NewMemHostKeys(), Attempts: 1})
	if KindOf(err) != LoginRefused || !strings.Contains(err.Error(), "refused the login") {
		t.Fatalf("err %v: want a refused login", err)
	}
	folderHolds(t, s.Dir)
}

func TestSFTPFolderMissingAndUnreachable(t *testing.T) {
	s := sendtest.StartSSHD(t)
	pkg := sendtest.RandomFile(t, "pkg.zip", 1<<10)
	d := sftpDest(t, s, s.Port)
	d.Folder = filepath.Join(s.Dir, "no-such-folder")
	_, err := Send(context.Background(), Request{Package: pkg, To: d, Creds: Credentials{KeyPEM: s.ClientKey}, HostKeys: sendtest.NewMemHostKeys(), Attempts: 1})
	if KindOf(err) != FolderMissing || !strings.Contains(err.Error(), "no-such-folder") {
		t.Fatalf("err %v: want folder missing", err)
	}
	_, err = Send(context.Background(), Request{Package: pkg, To: sftpDest(t, s, sendtest.FreePort(t)), Creds: Credentials{KeyPEM: s.ClientKey},
		HostKeys: sendtest.NewMemHostKeys(), Attempts: 1})
	if KindOf(err) != Unreachable || !strings.Contains(err.Error(), "refused the connection") {
		t.Fatalf("err %v: want unreachable", err)
	}
}

func TestSFTPCancelLeavesNothingUnderTheFinalName(t *testing.T) {
	s := sendtest.StartSSHD(t)
	pkg := sendtest.RandomFile(t, "pkg.zip", 16<<20)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := Send(ctx, Request{Package: pkg, To: sftpDest(t, s, s.Port), Creds: Credentials{KeyPEM: s.ClientKey}, HostKeys: sendtest.NewMemHostKeys(),
		Progress: func(p Progress) {
			if p.Stage == "sending" && p.Done > 2<<20 {
				cancel()
			}
		}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v: want canceled", err)
	}
	if _, err := os.Stat(filepath.Join(s.Dir, "pkg.zip")); !os.IsNotExist(err) {
		t.Fatalf("a cancelled send left the final name: %v", err)
	}
}

// A server whose only way in is keyboard-interactive, which refuses every
// answer (no PAM behind it): a refused login, said plainly, nothing written.
func TestSFTPKeyboardInteractiveRefused(t *testing.T) {
	s := sendtest.StartSSHDWith(t, "PasswordAuthentication no\nKbdInteractiveAuthentication yes\nAuthenticationMethods keyboard-interactive")
	pkg := sendtest.RandomFile(t, "pkg.zip", 1<<10)
	_, err := Send(context.Background(), Request{Package: pkg, To: sftpDest(t, s, s.Port), Creds: Credentials{Password: "anything", KeyPEM: s.ClientKey},
		HostKeys: sendtest.NewMemHostKeys(), Attempts: 1})
	if KindOf(err) != LoginRefused {
		t.Fatalf("err %v: want a refused login", err)
	}
	folderHolds(t, s.Dir)
}

// The server's disk fills up mid-upload (a 2 MiB tmpfs as the folder): the
// send stops with "no room left", not a protocol word, and nothing appears
// under the final name.
func TestSFTPFullDiskSaysSo(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a small tmpfs as the server's folder")
	}
	s := sendtest.StartSSHD(t)
	full := filepath.Join(s.Dir, "small")
	os.Mkdir(full, 0o755)
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", full).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", full).Run() })
	pkg := sendtest.RandomFile(t, "pkg.zip", 6<<20)
	d := sftpDest(t, s, s.Port)
	d.Folder = full
	_, err := Send(context.Background(), Request{Package: pkg, To: d, Creds: Credentials{KeyPEM: s.ClientKey}, HostKeys: sendtest.NewMemHostKeys(), Attempts: 1})
	if KindOf(err) != DiskFull || !strings.Contains(err.Error(), "no room left") {
		t.Fatalf("err %v: want disk full", err)
	}
	if _, err := os.Stat(filepath.Join(full, "pkg.zip")); !os.IsNotExist(err) {
		t.Fatalf("a failed send left the final name: %v", err)
	}
}

// The server itself refuses the write (its SFTP subsystem serves the folder
// read-only, as a drop folder set up wrongly does; file modes would not
// stop a test running as root): the send says in plain words that this
// login may not write there and what to ask the team, and leaves nothing.
func TestSFTPReadOnlyFolderIsPermissionDenied(t *testing.T) {
	s := sendtest.StartSSHDWith(t, "Subsystem sftp internal-sftp -R")
	pkg := sendtest.RandomFile(t, "firm.zip.age", 1<<20)
	_, err := Send(context.Background(), Request{Package: pkg, To: sftpDest(t, s, s.Port), Creds: Credentials{KeyPEM: s.ClientKey},
		HostKeys: sendtest.NewMemHostKeys()})
	if KindOf(err) != PermissionDenied {
		t.Fatalf("err %v: want permission denied", err)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "The server does not let this login write in "+s.Dir+".") ||
		!strings.Contains(msg, "Ask the migration team to give your login permission to upload there.") {
		t.Fatalf("the message does not say what happened and what to ask for: %s", msg)
	}
	folderHolds(t, s.Dir)
}

// The server takes the upload but refuses to rename it into place: the send
// stops with permission denied and nothing is under the package's name (the
// part stays under its temporary name, to continue from once the team
// fixed the permission).
func TestSFTPRefusedRenameLeavesNothingUnderTheFinalName(t *testing.T) {
	s := sendtest.StartSSHDWith(t, "Subsystem sftp internal-sftp -P rename,posix-rename")
	pkg := sendtest.RandomFile(t, "firm.zip.age", 1<<20)
	_, err := Send(context.Background(), Request{Package: pkg, To: sftpDest(t, s, s.Port), Creds: Credentials{KeyPEM: s.ClientKey},
		HostKeys: sendtest.NewMemHostKeys()})
	if KindOf(err) != PermissionDenied || !strings.Contains(err.Error(), "Ask the migration team") {
		t.Fatalf("err %v: want permission denied", err)
	}
	folderHolds(t, s.Dir, ".firm.zip.age.partial")
}
