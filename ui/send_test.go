package ui

import (
	"context"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	gokeyring "github.com/zalando/go-keyring"

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
	if shot := os.Getenv("HANDOVER_SEND_SHOT"); shot != "" {
		u.Win.Resize(fyne.NewSize(1280, 900))
		p.scrollToEnd()
		f, err := os.Create(shot)
		if err != nil {
			t.Fatal(err)
		}
		png.Encode(f, u.Win.Canvas().Capture())
		f.Close()
	}
	// The next time the screen opens, the address and key come back from
	// the project (never a password: there is none in the project).
	q := newSendSection(u, func() string { return "" })
	if tk := q.Send(); tk != nil {
		t.Fatal("Send started with no package written")
	}
	q.Refresh()
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
