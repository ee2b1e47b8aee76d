package cli

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"
	gokeyring "github.com/zalando/go-keyring"

	"handover/core/send"
	"handover/core/workspace"
	"handover/internal/sendtest"
)

func newSendProject(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "firm.handover")
	ws, err := workspace.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	ws.Close()
	return p
}

// handover send to a real sshd: the package arrives under its own name only,
// the receipt is in the project and beside the package, the destination and
// key file are remembered; a changed server key stops the next send until
// --forget clears it.
func TestSendSFTPEndToEnd(t *testing.T) {
	gokeyring.MockInit()
	s := sendtest.StartSSHD(t)
	project := newSendProject(t)
	pkg := sendtest.RandomFile(t, "harbor-lane.zip.age", 2<<20)
	keyFile := filepath.Join(t.TempDir(), "id_ed25519")
	os.WriteFile(keyFile, s.ClientKey, 0o600)
	dest := fmt.Sprintf("sftp://%s@127.0.0.1:%d%s", s.User, s.Port, s.Dir)

	code, out, errs := run("send", "-w", project, pkg, "--to", dest, "--key-file", keyFile, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var res sendJSON
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if res.SHA256 != fileSHA256(t, pkg) || res.Checked != "read back" || res.HostKey != s.HostFP {
		t.Fatalf("result %+v", res)
	}
	if got := fileSHA256(t, filepath.Join(s.Dir, "harbor-lane.zip.age")); got != res.SHA256 {
		t.Fatalf("the server holds %s", got)
	}
	if !strings.Contains(errs, "now pinned") || !strings.Contains(errs, s.HostFP) {
		t.Fatalf("the first connection did not show the pinned key: %q", errs)
	}
	txt, err := os.ReadFile(res.Receipt)
	if err != nil || !strings.Contains(string(txt), res.SHA256) || filepath.Dir(res.Receipt) != filepath.Dir(pkg) {
		t.Fatalf("receipt %s: %v\n%s", res.Receipt, err, txt)
	}

	// Again, with neither --to nor --key-file: both were remembered.
	os.Remove(filepath.Join(s.Dir, "harbor-lane.zip.age"))
	if code, out, errs := run("send", "-w", project, pkg); code != 0 || !strings.Contains(out, "Read back from the server") {
		t.Fatalf("exit %d: %s%s", code, out, errs)
	}
	ws, err := workspace.Open(project)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := send.Receipts(context.Background(), ws)
	if err != nil || len(rs) != 2 {
		t.Fatalf("%d receipts in the project, %v", len(rs), err)
	}
	// The server "changes" its key: the send stops and says so plainly.
	send.ProjectHostKeys(context.Background(), ws).Pin(fmt.Sprintf("127.0.0.1:%d", s.Port), "SHA256:somethingelse")
	ws.Close()
	code, _, errs = run("send", "-w", project, pkg)
	if code != 1 || !strings.Contains(errs, "not presenting the key it presented before") {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if code, out, errs := run("send", "-w", project, "--forget", dest); code != 0 || !strings.Contains(out, "Forgot the pinned server key") {
		t.Fatalf("exit %d: %s%s", code, out, errs)
	}
	if code, _, errs := run("send", "-w", project, pkg); code != 0 || !strings.Contains(errs, "now pinned") {
		t.Fatalf("after --forget: exit %d: %s", code, errs)
	}
}

func TestSendWrongPasswordAndUsage(t *testing.T) {
	gokeyring.MockInit()
	s := sendtest.StartSSHD(t)
	project := newSendProject(t)
	pkg := sendtest.RandomFile(t, "p.zip", 1<<20)
	dest := fmt.Sprintf("sftp://%s@127.0.0.1:%d%s", s.User, s.Port, s.Dir)
	sendStdin = strings.NewReader("wrong-password\n")
	defer func() { sendStdin = os.Stdin }()
	code, _, errs := run("send", "-w", project, pkg, "--to", dest, "--password-stdin")
	if code != 1 || !strings.Contains(errs, "refused the login") || strings.Contains(errs, "wrong-password") {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if ents, _ := os.ReadDir(s.Dir); len(ents) != 0 {
		t.Fatalf("a refused login left %d files on the server", len(ents))
	}
	// A refused password is not kept.
	if code, _, errs := run("send", "-w", project, pkg, "--to", dest); code != 2 || !strings.Contains(errs, "no saved password") {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, args := range [][]string{
		{"send", "-w", project, "--to", dest},
		{"send", "-w", project, pkg, "--to", "http://example.com/drop"},
		{"send", "-w", project, pkg, "--to", "sftp://u:pw@example.com/drop"},
	} {
		if code, _, errs := run(args...); code != 2 {
			t.Errorf("%q: exit %d, want 2: %s", args, code, errs)
		}
	}
}

func fileSHA256(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", sha256.Sum256(b))
}

// handover send to rclone's WebDAV server: the password given once on stdin
// is kept in the keyring (and nowhere in the project or the output), the next
// send needs no password, and --forget removes it.
func TestSendWebDAVKeepsThePasswordOnlyInTheKeyring(t *testing.T) {
	gokeyring.MockInit()
	s := sendtest.StartWebDAV(t)
	t.Setenv(send.CAEnv, s.CAFile)
	project := newSendProject(t)
	pkg := sendtest.RandomFile(t, "firm.zip.age", 1<<20)
	dest := fmt.Sprintf("https://%s@127.0.0.1:%d/drop", s.User, s.Port)
	sendStdin = strings.NewReader(s.Pass + "\n")
	defer func() { sendStdin = os.Stdin }()
	code, out, errs := run("send", "-w", project, pkg, "--to", dest, "--password-stdin")
	if code != 0 || !strings.Contains(out, "Read back from the server") {
		t.Fatalf("exit %d: %s%s", code, out, errs)
	}
	if got := fileSHA256(t, filepath.Join(s.Dir, "drop", "firm.zip.age")); got != fileSHA256(t, pkg) {
		t.Fatal("the server's copy differs")
	}
	if code, out, errs := run("send", "-w", project, pkg); code != 0 {
		t.Fatalf("second send with the saved password: exit %d: %s%s", code, out, errs)
	}
	for _, p := range []string{project, project + "-wal", filepath.Join(filepath.Dir(pkg), "receipt.txt")} {
		if b, err := os.ReadFile(p); err == nil && strings.Contains(string(b), s.Pass) {
			t.Errorf("the password was written to %s", filepath.Base(p))
		}
	}
	if strings.Contains(out+errs, s.Pass) {
		t.Error("the password was printed")
	}
	if code, out, _ := run("send", "--forget", dest); code != 0 || !strings.Contains(out, "Removed the saved password") {
		t.Fatalf("forget: exit %d %s", code, out)
	}
	if code, _, errs := run("send", "-w", project, pkg); code != 2 || !strings.Contains(errs, "no saved password") {
		t.Fatalf("after --forget: exit %d: %s", code, errs)
	}
}

// The recipient's age key and name given to package are kept in the project;
// the package is checked after writing (through a one-time key: its maker
// cannot open it otherwise), the team's identity opens it, verify names the
// team and nobody else from the manifest, and send's receipt names them too.
func TestPackageForARecipientThenSend(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	gokeyring.MockInit()
	s := sendtest.StartSSHD(t)
	dir := t.TempDir()
	res, err := RunDemo(context.Background(), dir, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := age.GenerateX25519Identity()
	team := "Clio Migrations <" + id.Recipient().String() + ">"
	out := filepath.Join(dir, "out", "firm.zip")
	os.MkdirAll(filepath.Dir(out), 0o755)
	code, stdout, errs := run("package", "-w", res.Project, "-o", out, "--allow-blockers", "--recipient", team)
	if code != 0 || !strings.Contains(stdout, "encrypted to "+team) || !strings.Contains(stdout, "checked after writing: all") {
		t.Fatalf("package: exit %d: %s%s", code, stdout, errs)
	}
	f, err := os.Open(out + ".age")
	if err != nil {
		t.Fatal(err)
	}
	plain, err := age.Decrypt(f, id)
	if err != nil {
		t.Fatalf("the team's identity does not open the package: %v", err)
	}
	zb, err := io.ReadAll(plain)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(zb), int64(len(zb)))
	if err != nil {
		t.Fatalf("decrypted, it is not a zip: %v", err)
	}
	if _, err := zr.Open("manifest.json"); err != nil {
		t.Fatalf("decrypted, it has no manifest: %v", err)
	}
	idFile := filepath.Join(dir, "team.key")
	os.WriteFile(idFile, []byte(id.String()+"\n"), 0o600)
	code, stdout, errs = run("verify", out+".age", "--identity-file", idFile)
	if code != 0 || !strings.Contains(stdout, "Encrypted to "+team) || strings.Count(stdout, "Encrypted to") != 1 {
		t.Fatalf("verify: exit %d: %s%s", code, stdout, errs)
	}
	keyFile := filepath.Join(dir, "id_ed25519")
	os.WriteFile(keyFile, s.ClientKey, 0o600)
	dest := fmt.Sprintf("sftp://%s@127.0.0.1:%d%s", s.User, s.Port, s.Dir)
	code, stdout, errs = run("send", "-w", res.Project, out+".age", "--to", dest, "--key-file", keyFile)
	if code != 0 || !strings.Contains(stdout, "Encrypted to: "+team) {
		t.Fatalf("send: exit %d: %s%s", code, stdout, errs)
	}
	txt, _ := os.ReadFile(filepath.Join(filepath.Dir(out), "receipt.txt"))
	if !strings.Contains(string(txt), "Recipients:  "+team+"\n\n") {
		t.Fatalf("receipt.txt does not name the recipient:\n%s", txt)
	}
	if got := fileSHA256(t, filepath.Join(s.Dir, "firm.zip.age")); got != fileSHA256(t, out+".age") {
		t.Fatal("the server's copy differs")
	}
}
