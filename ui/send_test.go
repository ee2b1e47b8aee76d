package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	gokeyring "github.com/zalando/go-keyring"

	"handover/core/pack"
	"handover/core/readiness"
	"handover/core/send"
	"handover/internal/sendtest"
)

// The Package screen's Send section against a real sshd: the package
// written on the screen arrives whole, the result names the server's key
// (pinned now) and the receipt, and the address and key file are filled in
// again from the project next time.
func TestSendSectionToARealSFTPServer(t *testing.T) {
	gokeyring.MockInit()
	s := sendtest.StartSSHD(t)
	u := demoApp(t)
	if err := readiness.Acknowledge(context.Background(), u.Project(), "Dana Office", time.Now(), time.Now()); err != nil {
		t.Fatal(err)
	}
	u.Show(StepPackage)
	p := u.Screen(StepPackage).(*packageScreen)
	p.Dest.SetText(filepath.Join(t.TempDir(), "firm-package.zip"))
	p.Encrypt.SetChecked(false)
	p.AllowBlockers.SetChecked(true)
	p.Create().Wait()
	if !p.Done() {
		t.Fatal("the package was not written")
	}
	keyFile := filepath.Join(t.TempDir(), "id_ed25519")
	os.WriteFile(keyFile, s.ClientKey, 0o600)
	p.Send.Address.SetText(fmt.Sprintf("sftp://%s@127.0.0.1:%d%s", s.User, s.Port, s.Dir))
	p.Send.KeyFile.SetText(keyFile)
	p.Send.Send().Wait()
	res, txt := p.Send.Last()
	if res.Checked != "read back" || !res.NewHostKey || res.HostKey != s.HostFP {
		t.Fatalf("result %+v", res)
	}
	if b, err := os.ReadFile(filepath.Join(s.Dir, "firm-package.zip")); err != nil || int64(len(b)) != res.Size {
		t.Fatalf("the server's copy: %v", err)
	}
	if _, err := os.Stat(txt); err != nil {
		t.Fatalf("receipt: %v", err)
	}
	// The next time the screen opens, the address and key come back from
	// the project (never a password: there is none in the project).
	q := newSendSection(u, func() string { return "" })
	if tk := q.Send(); tk != nil {
		t.Fatal("Send started with no package written")
	}
	q.Refresh()
	u.Settle() // read in the background
	if !strings.HasPrefix(q.Address.Text, "sftp://") || q.KeyFile.Text != keyFile || q.Password.Text != "" {
		t.Fatalf("remembered %q %q", q.Address.Text, q.KeyFile.Text)
	}
	if rs, _ := send.Receipts(context.Background(), u.Project()); len(rs) != 1 {
		t.Fatalf("%d receipts in the project", len(rs))
	}

	// The server's key "changes": the send stops, and only after the office
	// manager says the team confirmed it does the next send go through.
	hp := fmt.Sprintf("127.0.0.1:%d", s.Port)
	send.ProjectHostKeys(context.Background(), u.Project()).Pin(hp, "SHA256:notTheServersKey")
	os.Remove(filepath.Join(s.Dir, "firm-package.zip"))
	p.Send.Send().Wait()
	if p.Send.keyChanged != hp {
		t.Fatalf("a changed key was not caught: %q", p.Send.keyChanged)
	}
	if _, err := os.Stat(filepath.Join(s.Dir, "firm-package.zip")); !os.IsNotExist(err) {
		t.Fatal("the package went to a server whose key changed")
	}
	p.Send.TrustNewKey().Wait()
	p.Send.Send().Wait()
	if res, _ := p.Send.Last(); !res.NewHostKey || res.HostKey != s.HostFP {
		t.Fatalf("after trusting the new key: %+v", res)
	}
	if _, err := os.Stat(filepath.Join(s.Dir, "firm-package.zip")); err != nil {
		t.Fatalf("not sent after trusting the new key: %v", err)
	}
}

// labelText is every label's text under o (the screen's result box).
func labelText(o fyne.CanvasObject) string {
	var b strings.Builder
	onUI(func() { writeLabels(&b, o) })
	return b.String()
}

// writeLabels writes the text of every label under o, one a line; on the
// UI goroutine, as it asks widgets for their renderers.
func writeLabels(b *strings.Builder, o fyne.CanvasObject) {
	switch w := o.(type) {
	case *widget.Label:
		b.WriteString(w.Text + "\n")
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(w).Objects() {
			writeLabels(b, c)
		}
	case *fyne.Container:
		for _, c := range w.Objects {
			writeLabels(b, c)
		}
	}
}

// The office manager pastes the migration team's age key and its owner's
// name on the Package screen: the package is locked to that key, checked
// right after writing although nobody here can open it (a one-time key), the
// team's identity opens the very same file, the summary and the receipt name
// only the team, and the key and name come back from the project next time.
func TestPackageLockedToTheTeamsKey(t *testing.T) {
	gokeyring.MockInit()
	ctx := context.Background()
	s := sendtest.StartSSHD(t)
	u := demoApp(t)
	if err := readiness.Acknowledge(ctx, u.Project(), "Dana Office", time.Now(), time.Now()); err != nil {
		t.Fatal(err)
	}
	team, _ := age.GenerateX25519Identity()
	key := team.Recipient().String()
	u.Show(StepPackage)
	p := u.Screen(StepPackage).(*packageScreen)
	dest := filepath.Join(t.TempDir(), "firm-package.zip.age")
	p.Dest.SetText(dest)
	p.AllowBlockers.SetChecked(true)
	p.LockWith.SetSelected(lockTeamKey)
	if !p.Passphrase.Disabled() || p.TeamKey.Disabled() {
		t.Fatal("choosing the team's key leaves the passphrase to type, or the key field closed")
	}
	// A key cut short when copied is said plainly, and nothing is written.
	test.Type(p.TeamKey, key[:40])
	if p.strength.Importance != widget.DangerImportance || !strings.Contains(p.strength.Text, "copy it again") {
		t.Fatalf("a cut-short key is rated %q", p.strength.Text)
	}
	if tk := p.Create(); tk != nil {
		t.Fatal("a package was started for a key cut short")
	}
	u.closeOverlays()
	// Pasted as the command line takes it: the name comes with the key.
	p.TeamKey.SetText("Clio Migrations <" + key + ">")
	if r, err := p.teamRecipient(); err != nil || r.Key != key || r.Name != "Clio Migrations" {
		t.Fatalf("'Name <key>' read as %+v, %v", r, err)
	}
	p.TeamKey.SetText("  " + key + "\n") // as pasted from an e-mail
	p.TeamName.SetText("Clio Migrations")
	if p.strength.Importance == widget.DangerImportance {
		t.Fatalf("the whole key is rated %q", p.strength.Text)
	}
	p.Create().Wait()
	rep := p.Verified()
	want := "Clio Migrations <" + key + ">"
	if !p.Done() || !rep.OK || !rep.Encrypted || len(rep.Recipients) != 1 || rep.Recipients[0].String() != want {
		t.Fatalf("checked after writing: %+v", rep)
	}
	if txt := labelText(p.result); !strings.Contains(txt, "Locked for "+want+": only they can open it.") || !strings.Contains(txt, "Checked after writing") {
		t.Fatalf("the summary says:\n%s", txt)
	}
	byTeam, err := pack.VerifyFile(ctx, dest, "", team)
	if err != nil || !byTeam.OK || byTeam.Files != rep.Files {
		t.Fatalf("the team's identity on the same file: %+v, %v", byTeam, err)
	}
	if rs, _ := send.Recipients(ctx, u.Project()); len(rs) != 1 || rs[0].String() != want {
		t.Fatalf("the project keeps %v", rs)
	}

	// Sent: the receipt names the team, not the one-time key.
	keyFile := filepath.Join(t.TempDir(), "id_ed25519")
	os.WriteFile(keyFile, s.ClientKey, 0o600)
	p.Send.Address.SetText(fmt.Sprintf("sftp://%s@127.0.0.1:%d%s", s.User, s.Port, s.Dir))
	p.Send.KeyFile.SetText(keyFile)
	p.Send.Send().Wait()
	res, txt := p.Send.Last()
	if len(res.Recipients) != 1 || res.Recipients[0] != want {
		t.Fatalf("the send names %q", res.Recipients)
	}
	if b, _ := os.ReadFile(txt); !strings.Contains(string(b), "Recipients:  "+want+"\n\n") {
		t.Fatalf("receipt.txt:\n%s", b)
	}

	// Next time the screen opens, the key and its owner are filled in.
	q := newPackage(u)
	q.Refresh()
	u.Settle()
	if q.TeamKey.Text != key || q.TeamName.Text != "Clio Migrations" || q.LockWith.Selected != lockTeamKey {
		t.Fatalf("remembered %q %q %q", q.TeamKey.Text, q.TeamName.Text, q.LockWith.Selected)
	}
}
