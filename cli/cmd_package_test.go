package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"handover/core/workspace"
)

func TestPackageAndVerify(t *testing.T) {
	dir := t.TempDir()
	res, err := RunDemo(context.Background(), dir, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ws := res.Project
	out := filepath.Join(dir, "firm.zip")
	// The demo acknowledges its cut-off by itself; a real project starts without.
	p, err := workspace.Open(ws)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{workspace.SettingCutoffAckBy, workspace.SettingCutoffAckAt, workspace.SettingCutoff} {
		p.SetSetting(context.Background(), k, "")
	}
	p.Close()

	code, _, stderr := run("package", "-w", ws, "-o", out)
	if code != 1 || !strings.Contains(stderr, "cut-off is not acknowledged") || !strings.Contains(stderr, "handover cutoff -w") {
		t.Fatalf("without the cut-off: %d %s", code, stderr)
	}
	if code, _, stderr := run("cutoff", "-w", ws, "--by", "Pat Office", "--at", "2026-11-20T17:00:00Z"); code != 0 {
		t.Fatal(stderr)
	}
	code, _, stderr = run("package", "-w", ws, "-o", out)
	if code != 1 || !strings.Contains(stderr, "blockers remain") || !strings.Contains(stderr, "--allow-blockers") {
		t.Fatalf("with blockers: %d %s", code, stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatal("a refused package left a file")
	}
	code, stdout, stderr := run("package", "-w", ws, "-o", out, "--allow-blockers", "--json")
	if code != 0 {
		t.Fatal(stderr)
	}
	var pj packageJSON
	if err := json.Unmarshal([]byte(stdout), &pj); err != nil || pj.Path != out || pj.Counts["contacts"] == 0 || pj.Blockers == nil || pj.Encrypted {
		t.Fatalf("package --json: %v %s", err, stdout)
	}
	code, stdout, stderr = run("verify", out, "--json")
	var rep struct {
		OK       bool `json:"ok"`
		Files    int  `json:"files"`
		Problems []struct{ File string }
	}
	if code != 0 || json.Unmarshal([]byte(stdout), &rep) != nil || !rep.OK || rep.Files != pj.Files-1 {
		t.Fatalf("verify: %d %s %s", code, stdout, stderr)
	}

	// Tampered: a byte of the stored document changed → exit 1 naming it.
	b, _ := os.ReadFile(out)
	i := bytes.Index(b, []byte("%PDF"))
	if i < 0 {
		t.Fatal("demo document not found in the package")
	}
	b[i+5] ^= 1
	bad := filepath.Join(dir, "bad.zip")
	os.WriteFile(bad, b, 0o600)
	code, stdout, _ = run("verify", bad)
	if code != 1 || !strings.Contains(stdout, "documents/") {
		t.Errorf("tampered: %d %s", code, stdout)
	}

	// Encrypted: .age is appended; the passphrase is never printed.
	pf := filepath.Join(dir, "pass.txt")
	os.WriteFile(pf, []byte("s3cret passphrase\n"), 0o600)
	code, stdout, stderr = run("package", "-w", ws, "-o", filepath.Join(dir, "enc.zip"), "--allow-blockers", "--passphrase-file", pf)
	if code != 0 || !strings.Contains(stdout, "enc.zip.age") || strings.Contains(stdout+stderr, "s3cret") {
		t.Fatalf("encrypted: %d %s %s", code, stdout, stderr)
	}
	enc := filepath.Join(dir, "enc.zip.age")
	if code, stdout, stderr := run("verify", enc, "--passphrase-file", pf); code != 0 || !strings.Contains(stdout, "Intact") {
		t.Errorf("verify encrypted: %d %s %s", code, stdout, stderr)
	}
	os.WriteFile(pf, []byte("wrong\n"), 0o600)
	if code, _, stderr := run("verify", enc, "--passphrase-file", pf); code != 1 || !strings.Contains(stderr, "the passphrase does not open this package") {
		t.Errorf("wrong passphrase: %d %s", code, stderr)
	}
	if code, _, _ := run("verify"); code != 2 {
		t.Error("verify without a package must be a usage error")
	}
	if code, _, _ := run("package", "-w", ws); code != 2 {
		t.Error("package without -o must be a usage error")
	}
}
