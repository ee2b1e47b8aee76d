package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"handover/core/lease"
	"handover/core/secrets"
	"handover/core/send"
)

// sendSection is the Package screen's "Send to your migration team": the
// address the team gives, a password (kept only in the keyring) or an SSH
// key file, and a Send button with progress, cancel and a receipt.
type sendSection struct {
	ui      *App
	pkg     func() string // the package file to send (the screen's "Save it as")
	box     fyne.CanvasObject
	result  *fyne.Container
	last    send.Result
	lastTxt string
	// keyChanged is the host:port whose key differed from the pinned one
	// on the last try ("" if none).
	keyChanged string

	Address    *widget.Entry
	Password   *widget.Entry
	KeyFile    *widget.Entry
	SendButton *widget.Button
}

func newSendSection(ui *App, pkg func() string) *sendSection {
	s := &sendSection{ui: ui, pkg: pkg}
	s.Address = widget.NewEntry()
	s.Address.SetPlaceHolder("sftp://user@server:22/folder  or  https://server/remote.php/dav/files/user/folder")
	s.Password = widget.NewPasswordEntry()
	s.Password.SetPlaceHolder("Leave empty to use the one saved in this computer's keyring")
	s.KeyFile = widget.NewEntry()
	s.KeyFile.SetPlaceHolder("Only for SFTP with a key: the private key file the team set up")
	chooseKey := widget.NewButtonWithIcon("Choose…", theme.FolderOpenIcon(), func() {
		dialog.ShowFileOpen(func(rc fyne.URIReadCloser, err error) {
			if err != nil || rc == nil {
				return
			}
			s.KeyFile.SetText(rc.URI().Path())
			rc.Close()
		}, ui.Win)
	})
	s.SendButton = widget.NewButtonWithIcon("Send the package", theme.MailSendIcon(), func() { s.Send() })
	s.result = container.NewVBox()
	form := container.New(&formLayout{cols: []float32{150, 0}},
		widget.NewLabel("Address"), s.Address,
		widget.NewLabel("Password or token"), s.Password,
		widget.NewLabel("Key file"), container.NewBorder(nil, nil, nil, chooseKey, s.KeyFile),
	)
	s.box = container.NewVBox(
		widget.NewSeparator(),
		widget.NewLabelWithStyle("Send to your migration team", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		wrapped("Handover uploads the package to the server your migration team gives you (SFTP, or a WebDAV folder over HTTPS), "+
			"continues after a dropped connection, reads it back to check it arrived whole, and keeps a receipt. "+
			"The password is kept only in this computer's keyring."),
		form,
		container.NewHBox(s.SendButton),
		s.result,
	)
	return s
}

// Refresh fills the address and key file the project remembers (read in
// the background, as every read of the project).
func (s *sendSection) Refresh() {
	ws := s.ui.project
	if ws == nil || s.Address.Text != "" {
		return
	}
	s.ui.background("send-destination", func(ctx context.Context) func() {
		addr, _ := send.LastDestination(ctx, ws)
		var kf string
		if d, err := send.Parse(addr); err == nil && addr != "" {
			kf, _ = send.KeyFile(ctx, ws, d)
		}
		return func() {
			if s.Address.Text != "" || s.ui.project != ws {
				return // typed meanwhile, or another project
			}
			s.Address.SetText(addr)
			s.KeyFile.SetText(kf)
		}
	})
}

// Last is the last send's result and its receipt file (tests).
func (s *sendSection) Last() (send.Result, string) { return s.last, s.lastTxt }

// Send uploads the package in the background.
func (s *sendSection) Send() *Task {
	pkg := strings.TrimSpace(s.pkg())
	if st, err := os.Stat(pkg); pkg == "" || err != nil || st.IsDir() {
		s.ui.ShowError("Create the package first", errors.New("There is no package file to send yet: press “Create the package” above."))
		return nil
	}
	dest, err := send.Parse(s.Address.Text)
	if err != nil {
		s.ui.ShowError("Check the address", err)
		return nil
	}
	typed, keyFile := s.Password.Text, strings.TrimSpace(s.KeyFile.Text)
	if keyFile != "" && dest.Protocol != send.SFTP {
		s.ui.ShowError("A key file is for SFTP", errors.New("A WebDAV (https://) folder takes a password or app token: clear the key file."))
		return nil
	}
	ws := s.ui.project
	var res send.Result
	var txt string
	setObjects(s.result)
	return s.ui.RunWrite(lease.Working, "Sending the package", func(ctx context.Context, report func(Progress)) error {
		store, _ := secrets.Open(secrets.Service) // may block on an unlock prompt: not on the UI goroutine
		saved, _, err := send.LoadSaved(store, dest)
		if err != nil {
			return err
		}
		if typed != "" {
			saved = send.Saved{Password: typed}
			if keyFile != "" {
				saved = send.Saved{Passphrase: typed}
			}
		}
		creds := send.Credentials{Password: saved.Password, Passphrase: saved.Passphrase}
		if keyFile != "" {
			if creds.KeyPEM, err = os.ReadFile(keyFile); err != nil {
				return fmt.Errorf("the key file cannot be read: %w", err)
			}
		}
		if creds.Password == "" && creds.KeyPEM == nil {
			return errors.New("type the password (or app token) the migration team gave you; Handover keeps it in this computer's keyring")
		}
		rcpts, err := send.PackageRecipients(ctx, ws, pkg)
		if err != nil {
			return err
		}
		name := filepath.Base(pkg)
		res, err = send.Send(ctx, send.Request{Package: pkg, To: dest, Creds: creds, HostKeys: send.ProjectHostKeys(ctx, ws), Recipients: rcpts,
			Progress: func(p send.Progress) {
				switch p.Stage {
				case "checking":
					report(Progress{Stage: "Checking " + name})
				case "resuming":
					report(Progress{Stage: "Continuing from what is already on the server", Done: p.Done, Total: p.Total})
				case "sending":
					stage := "Sending " + name
					if p.BytesPerSec > 0 {
						stage += fmt.Sprintf(" — %.1f MB/s", p.BytesPerSec/1e6)
					}
					report(Progress{Stage: stage, Done: p.Done, Total: p.Total})
				case "reading back":
					report(Progress{Stage: "Reading it back from the server to check it"})
				}
			}})
		if err != nil {
			return err
		}
		if typed != "" {
			send.Save(store, dest, saved) // only a password that worked is kept
		}
		if err := send.RememberDestination(ctx, ws, dest, keyFile); err != nil {
			return err
		}
		_, txt, err = send.Record(ctx, ws, pkg, res)
		return err
	}, func(err error) {
		switch {
		case errors.Is(err, context.Canceled):
			dialog.ShowInformation("Stopped", "Nothing appears under the package's name on the server. "+
				"What was sent is kept there under a temporary name: Send again to continue from it (or to start over, on a server that cannot continue a file).", s.ui.Win)
			return
		case send.KindOf(err) == send.HostKeyChanged:
			s.keyChanged = dest.HostPort()
			d := dialog.NewCustomConfirm("Stopped: the server's key has changed", "The team confirmed the new key by phone", "Cancel",
				wrapped(err.Error()), func(trust bool) {
					if trust {
						s.TrustNewKey()
					}
				}, s.ui.Win)
			d.Resize(fyne.NewSize(600, 300))
			d.Show()
			return
		case err != nil:
			s.ui.ShowError("The package was not sent", err)
			return
		}
		s.Password.SetText("")
		s.last, s.lastTxt = res, txt
		head := wrapped(fmt.Sprintf("Sent %s (%s bytes) to %s.", res.Name, count(res.Size), res.Destination))
		check := wrapped("Read back from the server: same size and SHA-256.")
		if res.Checked == "sidecar" {
			check.SetText("The server does not allow reading it back, so " + res.Name + ".sha256 was written beside it for the team to check.")
		}
		check.Importance = widget.SuccessImportance
		lines := []string{"SHA-256 " + res.SHA256}
		for _, r := range res.Recipients {
			lines = append(lines, "Encrypted to "+r)
		}
		if res.NewHostKey {
			lines = append(lines, "First connection to this server: its key "+res.HostKey+" is now remembered for this project; a different key later stops the transfer.")
		}
		lines = append(lines, "Receipt: "+txt+" (and in the project)")
		setObjects(s.result, boxed(container.NewVBox(head, check, wrapped(strings.Join(lines, "\n"))), theme.ColorNameSuccess))
	})
}

// TrustNewKey forgets the pinned key of the server whose key changed, after
// the office manager confirmed the new one with the migration team by
// telephone; the next Send pins the key the server presents then.
func (s *sendSection) TrustNewKey() *Task {
	hp := s.keyChanged
	if hp == "" {
		return nil
	}
	ws := s.ui.project
	return s.ui.RunWrite(lease.Working, "Forgetting the old server key", func(ctx context.Context, _ func(Progress)) error {
		_, err := send.ForgetHostKey(ctx, ws, hp)
		return err
	}, func(err error) {
		if err != nil {
			s.ui.ShowError("The old key could not be forgotten", err)
			return
		}
		s.keyChanged = ""
		dialog.ShowInformation("Old key forgotten", "Press “Send the package” again: Handover will remember the key the server presents now.", s.ui.Win)
	})
}
