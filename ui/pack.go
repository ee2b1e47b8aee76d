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
)

func init() {
	moreScreens = append(moreScreens, func(ui *App) { ui.setScreen(StepPackage, newPackage(ui)) })
}

// packageScreen is the Package step: one file with everything, optionally
// locked with a passphrase, checked after writing.
type packageScreen struct {
	ui       *App
	content  fyne.CanvasObject
	result   *fyne.Container
	strength *widget.Label
	done     bool
	last     pack.VerifyReport

	Dest          *widget.Entry
	Encrypt       *widget.Check
	Passphrase    *widget.Entry
	Confirm       *widget.Entry
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
	p.strength = widget.NewLabel("")
	p.Passphrase.OnChanged = func(s string) { p.updateStrength() }
	p.Confirm.OnChanged = func(string) { p.updateStrength() }
	p.Encrypt = widget.NewCheck("Lock the package with a passphrase (recommended: it holds your clients' data)", func(on bool) {
		if on {
			p.Passphrase.Enable()
			p.Confirm.Enable()
		} else {
			p.Passphrase.Disable()
			p.Confirm.Disable()
		}
		p.fixExtension()
		p.updateStrength()
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
		widget.NewLabel("Passphrase"), p.Passphrase,
		widget.NewLabel("Again"), p.Confirm,
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

func (p *packageScreen) updateStrength() {
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
	if p.Encrypt.Checked {
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
		var err error
		if man, err = pack.WriteFile(ctx, ws, dest, opts); err != nil {
			return err
		}
		report(Progress{Stage: "Checking the package just written"})
		f, err := os.Open(dest)
		if err != nil {
			return err
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return err
		}
		rep, err = pack.Verify(ctx, f, st.Size(), opts.Passphrase)
		return err
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
		check := widget.NewLabel("")
		if rep.OK {
			check.SetText(fmt.Sprintf("Checked after writing: all %d files present and unchanged.", rep.Files))
			check.Importance = widget.SuccessImportance
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
