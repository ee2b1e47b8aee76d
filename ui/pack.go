package ui

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"handover/core/lease"
	"handover/core/pack"
	"handover/core/send"
)

func init() {
	moreScreens = append(moreScreens, func(ui *App) { ui.setScreen(StepPackage, newPackage(ui)) })
}

// packageScreen is the Package step: one file with everything, optionally
// locked with a passphrase or to the migration team's age key, checked
// after writing.
type packageScreen struct {
	ui       *App
	content  fyne.CanvasObject
	result   *fyne.Container
	strength *widget.Label
	done     bool
	last     pack.VerifyReport

	Dest          *widget.Entry
	Encrypt       *widget.Check
	LockWith      *widget.RadioGroup // lockPassphrase or lockTeamKey
	Passphrase    *widget.Entry
	Confirm       *widget.Entry
	TeamKey       *widget.Entry // the migration team's age public key (age1…), kept in the project
	TeamName      *widget.Entry // whose key it is, kept in the project
	AllowBlockers *widget.Check
	SkipDocs      *widget.Check
	CreateButton  *widget.Button
	NextButton    *widget.Button
	Send          *sendSection // "Send to your migration team" (ui/send.go)
	scroll        *container.Scroll
}

func newPackage(ui *App) *packageScreen {
	p := &packageScreen{ui: ui}
	p.Dest = widget.NewEntry()
	choose := widget.NewButtonWithIcon("Choose…", theme.FolderOpenIcon(), p.pick)
	p.Passphrase = widget.NewPasswordEntry()
	p.Passphrase.SetPlaceHolder("A passphrase: a few unrelated words is best")
	p.Confirm = widget.NewPasswordEntry()
	p.Confirm.SetPlaceHolder("Type it again")
	p.strength = wrapped("")
	p.Passphrase.OnChanged = func(s string) { p.updateStrength() }
	p.Confirm.OnChanged = func(string) { p.updateStrength() }
	p.TeamKey = widget.NewEntry()
	p.TeamKey.SetPlaceHolder("age1… — paste the public key your migration team gave you")
	p.TeamKey.OnChanged = func(string) { p.updateStrength() }
	p.TeamName = widget.NewEntry()
	p.TeamName.SetPlaceHolder("Whose key it is, e.g. Clio Migrations")
	p.LockWith = widget.NewRadioGroup([]string{lockPassphrase, lockTeamKey}, func(string) { p.enableLock() })
	p.LockWith.Horizontal = true
	p.LockWith.Required = true
	p.LockWith.SetSelected(lockPassphrase)
	p.Encrypt = widget.NewCheck("Lock the package (recommended: it holds your clients' data)", func(on bool) {
		p.enableLock()
		p.fixExtension()
	})
	p.Encrypt.SetChecked(true)
	p.AllowBlockers = widget.NewCheck("Make the package even though some problems must still be fixed (they are listed inside)", nil)
	p.SkipDocs = widget.NewCheck("Leave the document files out (the list of documents stays in)", nil)
	p.CreateButton = widget.NewButtonWithIcon("Create the package", theme.DocumentSaveIcon(), func() { p.Create() })
	p.CreateButton.Importance = widget.HighImportance
	p.NextButton = widget.NewButtonWithIcon("Next: upload to Clio", theme.NavigateNextIcon(), ui.Next)
	p.result = container.NewVBox()
	p.Send = newSendSection(ui, func() string { return p.Dest.Text })

	form := container.New(&formLayout{cols: []float32{150, 0}},
		widget.NewLabel("Save it as"), container.NewBorder(nil, nil, nil, choose, p.Dest),
		widget.NewLabel(""), p.Encrypt,
		widget.NewLabel("Lock it with"), p.LockWith,
		widget.NewLabel("Passphrase"), p.Passphrase,
		widget.NewLabel("Again"), p.Confirm,
		widget.NewLabel("Team's key"), p.TeamKey,
		widget.NewLabel("Whose key"), p.TeamName,
		widget.NewLabel(""), p.strength,
		widget.NewLabel(""), p.AllowBlockers,
		widget.NewLabel(""), p.SkipDocs,
	)
	p.scroll = container.NewVScroll(container.NewVBox(
		wrapped("The package is one file with everything Handover will send to Clio — in Clio's own import format — plus "+
			"every row left out and why, the readiness report, and a list of checksums so anyone can prove nothing changed. "+
			"Keep it with the firm's records, or give it to Clio's migration team."),
		form,
		container.NewHBox(p.CreateButton),
		p.result,
		p.Send.box,
	))
	p.content = container.NewBorder(nil, container.NewHBox(p.NextButton), nil, nil, p.scroll)
	return p
}

func (p *packageScreen) Content() fyne.CanvasObject { return p.content }
func (p *packageScreen) Done() bool                 { return p.done }

// Verified is the check of the last package written (tests).
func (p *packageScreen) Verified() pack.VerifyReport { return p.last }

func (p *packageScreen) Refresh() {
	p.Send.Refresh()
	if ws := p.ui.project; ws != nil && p.TeamKey.Text == "" {
		// The team's key and its owner, as the project keeps them (the
		// last package made for a key, here or with package --recipient).
		p.ui.background("package-recipients", func(ctx context.Context) func() {
			rs, err := send.Recipients(ctx, ws)
			if err != nil || len(rs) == 0 {
				return nil
			}
			return func() {
				if p.TeamKey.Text != "" || p.ui.project != ws {
					return
				}
				p.TeamKey.SetText(rs[0].Key)
				p.TeamName.SetText(rs[0].Name)
				p.LockWith.SetSelected(lockTeamKey)
			}
		})
	}
	if p.ui.project == nil || p.Dest.Text != "" {
		return
	}
	path := p.ui.project.Path()
	base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	p.Dest.SetText(filepath.Join(filepath.Dir(path), base+"-package.zip"))
	p.fixExtension()
}

// fixExtension names an encrypted package .zip.age and a plain one .zip.
func (p *packageScreen) fixExtension() {
	d := p.Dest.Text
	if d == "" {
		return
	}
	d = strings.TrimSuffix(d, ".age")
	if p.Encrypt.Checked {
		d += ".age"
	}
	p.Dest.SetText(d)
}

func (p *packageScreen) pick() {
	d := dialog.NewFileSave(func(uc fyne.URIWriteCloser, err error) {
		if err != nil || uc == nil {
			return
		}
		path := uc.URI().Path()
		uc.Close()
		os.Remove(path) // the package is written through a temporary file
		p.Dest.SetText(path)
		p.fixExtension()
	}, p.ui.Win)
	d.SetFileName(filepath.Base(p.Dest.Text))
	d.Show()
}

// passStrength rates a passphrase in words a person acts on.
func passStrength(s string) (string, widget.Importance) {
	if s == "" {
		return "", widget.MediumImportance
	}
	classes := 0
	for _, f := range []func(rune) bool{unicode.IsLower, unicode.IsUpper, unicode.IsDigit, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }} {
		if strings.IndexFunc(s, f) >= 0 {
			classes++
		}
	}
	words := len(strings.Fields(s))
	n := len([]rune(s))
	switch {
	case n >= 20 && words >= 4, n >= 16 && classes >= 3:
		return "Strong passphrase.", widget.SuccessImportance
	case n >= 12:
		return "Fair: a longer one (four or more unrelated words) is safer.", widget.WarningImportance
	}
	return "Too easy to guess: use at least 12 characters, ideally four unrelated words.", widget.DangerImportance
}

// The two ways to lock a package.
const (
	lockPassphrase = "A passphrase"
	lockTeamKey    = "The migration team's key"
)

// enableLock enables the fields of the chosen way to lock the package.
func (p *packageScreen) enableLock() {
	if p.Encrypt == nil {
		return // still being built
	}
	on := p.Encrypt.Checked
	byKey := p.LockWith.Selected == lockTeamKey
	for _, e := range []*widget.Entry{p.Passphrase, p.Confirm} {
		if on && !byKey {
			e.Enable()
		} else {
			e.Disable()
		}
	}
	for _, e := range []*widget.Entry{p.TeamKey, p.TeamName} {
		if on && byKey {
			e.Enable()
		} else {
			e.Disable()
		}
	}
	if on {
		p.LockWith.Enable()
	} else {
		p.LockWith.Disable()
	}
	p.updateStrength()
}

// teamRecipient is the team's key and name as typed, checked.
func (p *packageScreen) teamRecipient() (send.Recipient, error) {
	k := strings.TrimSpace(p.TeamKey.Text)
	if k == "" {
		return send.Recipient{}, errors.New("Paste the key your migration team gave you (it starts with age1), or lock the package with a passphrase instead.")
	}
	// Pasted as the command line takes it ("Name <age1…>"): the key is
	// inside, and the name too unless one is typed.
	if r, err := send.ParseRecipient(k); err == nil && r.Name != "" {
		if n := strings.TrimSpace(p.TeamName.Text); n != "" {
			r.Name = n
		}
		return r, nil
	}
	if !strings.HasPrefix(k, "age1") {
		return send.Recipient{}, errors.New("The team's key starts with age1 — ask the migration team for their age public key (not a password, and not an SSH key).")
	}
	r, err := send.ParseRecipient(k)
	if err != nil {
		return send.Recipient{}, errors.New("That is not a whole age key: copy it again from the team's message, all of it (about 62 characters from age1).")
	}
	r.Name = strings.TrimSpace(p.TeamName.Text)
	return r, nil
}

func (p *packageScreen) updateStrength() {
	if p.LockWith == nil || p.TeamKey == nil {
		return // still being built
	}
	if p.Encrypt.Checked && p.LockWith.Selected == lockTeamKey {
		text, imp := "Only whoever holds the team's private key can open the package — not even this office. "+
			"Handover checks the package right after writing it.", widget.MediumImportance
		if strings.TrimSpace(p.TeamKey.Text) != "" {
			if _, err := p.teamRecipient(); err != nil {
				text, imp = err.Error(), widget.DangerImportance
			}
		}
		p.strength.SetText(text)
		p.strength.Importance = imp
		p.strength.Refresh()
		return
	}
	if !p.Encrypt.Checked {
		p.strength.SetText("Without a passphrase anyone who gets the file can read it.")
		p.strength.Importance = widget.WarningImportance
		p.strength.Refresh()
		return
	}
	text, imp := passStrength(p.Passphrase.Text)
	if p.Confirm.Text != "" && p.Confirm.Text != p.Passphrase.Text {
		text, imp = "The two passphrases differ.", widget.DangerImportance
	}
	if text == "" {
		text = "Write the passphrase down somewhere safe: without it the package cannot be opened."
		imp = widget.MediumImportance
	}
	p.strength.SetText(text)
	p.strength.Importance = imp
	p.strength.Refresh()
}

// Create writes the package in the background and then checks it.
func (p *packageScreen) Create() *Task {
	dest := strings.TrimSpace(p.Dest.Text)
	if dest == "" {
		p.ui.ShowError("Where should the package go?", errors.New("Type a file name or press Choose…"))
		return nil
	}
	opts := pack.Options{AllowBlockers: p.AllowBlockers.Checked, SkipDocuments: p.SkipDocs.Checked}
	var team []send.Recipient
	switch {
	case p.Encrypt.Checked && p.LockWith.Selected == lockTeamKey:
		r, err := p.teamRecipient()
		if err != nil {
			p.ui.ShowError("The migration team's key is needed", err)
			return nil
		}
		team = []send.Recipient{r}
		opts.Recipients = []string{r.Key}
		opts.RecipientNames = map[string]string{r.Key: r.Name}
	case p.Encrypt.Checked:
		if p.Passphrase.Text == "" || p.Passphrase.Text != p.Confirm.Text {
			p.ui.ShowError("Passphrase needed", errors.New("Type the same passphrase twice, or untick “Lock the package”."))
			return nil
		}
		opts.Passphrase = p.Passphrase.Text
	}
	ws := p.ui.project
	var man pack.Manifest
	var rep pack.VerifyReport
	setObjects(p.result)
	return p.ui.RunWrite(lease.Packaging, "Creating the package", func(ctx context.Context, report func(Progress)) error {
		opts.Progress = func(done, total int64) {
			report(Progress{Stage: "Writing " + filepath.Base(dest), Done: done, Total: total})
		}
		// The package checks the project again first when it changed since
		// the last check (a fix on the Clean screen counts).
		opts.CheckProgress = func(stage string, done, total int64) {
			report(Progress{Stage: checkStageText(stage), Done: done, Total: total})
		}
		// Checked after writing; a package for the team's key through a
		// one-time key, as nobody here can open it otherwise (see
		// pack.WriteFileChecked).
		var err error
		man, rep, err = pack.WriteFileChecked(ctx, ws, dest, opts)
		if err != nil || team == nil {
			return err
		}
		// The key and its owner stay in the project (not secrets), and the
		// package is remembered as made for them, for the send receipt.
		if err := send.KeepPackageRecipients(ctx, ws, dest, team); err != nil {
			return fmt.Errorf("the package is written and checked, but the team's key could not be kept in the project: %w", err)
		}
		return nil
	}, func(err error) {
		var be *pack.BlockersError
		switch {
		case errors.Is(err, context.Canceled):
			dialog.ShowInformation("Stopped", "No package was written.", p.ui.Win)
			return
		case errors.Is(err, pack.ErrCutoff):
			p.ui.ShowError("Confirm the cut-off first", errors.New("On the Readiness step, confirm that everyone has stopped using the old system. "+
				"The package records that moment."))
			return
		case errors.As(err, &be):
			p.ui.ShowError("Some problems must be fixed first", fmt.Errorf("%s must still be fixed or left out (see Readiness › Problems to fix). "+
				"Or tick “Make the package even though…” to package now with them listed inside.", plural(be.Total, "problem", "problems")))
			return
		case err != nil && man.Format != "":
			p.ui.ShowError("The package was written, but…", fmt.Errorf("%v\n\nCreate the package again; if this happens twice, "+
				"check the disk it is saved on.", err))
			return
		case err != nil:
			p.ui.ShowError("The package could not be written", fmt.Errorf("%v\n\nNothing was left half-written. Check there is space on the disk and that you can write to that folder, then try again.", err))
			return
		}
		p.last = rep
		p.done = rep.OK
		var recs int64
		for _, n := range man.Counts {
			recs += n
		}
		st, _ := os.Stat(dest)
		var size int64
		if st != nil {
			size = st.Size()
		}
		head := fmt.Sprintf("Package saved: %s (%s bytes, %s records).", dest, count(size), count(recs))
		check := wrapped("")
		if rep.OK {
			check.SetText(fmt.Sprintf("Checked after writing: all %d files present and unchanged.", rep.Files))
			check.Importance = widget.SuccessImportance
			if len(man.Recipients) > 0 {
				var names []string
				for _, r := range man.Recipients {
					names = append(names, r.String())
				}
				check.SetText(check.Text + "\nLocked for " + strings.Join(names, ", ") + ": only they can open it.")
			}
		} else {
			var probs []string
			for _, pr := range rep.Problems {
				probs = append(probs, pr.String())
			}
			check.SetText("The check found problems — write the package again:\n" + strings.Join(probs, "\n"))
			check.Importance = widget.DangerImportance
		}
		open := widget.NewButtonWithIcon("Open the folder", theme.FolderOpenIcon(), func() {
			u := &url.URL{Scheme: "file", Path: filepath.Dir(dest)}
			if err := fyne.CurrentApp().OpenURL(u); err != nil {
				p.ui.ShowError("Could not open the folder", fmt.Errorf("%v\n\nThe package is in %s.", err, filepath.Dir(dest)))
			}
		})
		objs := []fyne.CanvasObject{boxed(container.NewVBox(wrapped(head), check, container.NewHBox(open)), theme.ColorNameSuccess)}
		if man.Blockers != nil && man.Blockers.Total > 0 {
			w := wrapped(fmt.Sprintf("%s that must be fixed are listed in %s.", plural(man.Blockers.Total, "problem", "problems"), man.Blockers.ListedIn))
			w.Importance = widget.WarningImportance
			objs = append(objs, w)
		}
		setObjects(p.result, objs...)
		p.ui.RefreshSteps()
	})
}
