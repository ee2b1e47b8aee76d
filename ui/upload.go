package ui

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"handover/core/clio"
	"handover/core/lease"
	"handover/core/model"
	"handover/core/secrets"
	"handover/core/upload"
	"handover/core/workspace"
)

func init() {
	moreScreens = append(moreScreens, func(ui *App) { ui.setScreen(StepUpload, newUpload(ui)) })
}

var regionNames = map[clio.Region]string{
	clio.US: "United States (app.clio.com)",
	clio.EU: "Europe (eu.app.clio.com)",
	clio.CA: "Canada (ca.app.clio.com)",
	clio.AU: "Australia (au.app.clio.com)",
}

// uploadScreen is the Upload step: sign in, see the plan (nothing sent),
// upload with progress and pause, the account of what arrived, and revert.
type uploadScreen struct {
	ui      *App
	content fyne.CanvasObject
	client  *clio.Client
	base    string
	plan    *upload.PlanResult
	recon   *upload.Reconciliation

	scroll  *container.Scroll
	who     *widget.Label
	keyNote *widget.Label // the sign-in is kept in memory only: why
	planBox *fyne.Container
	result  *fyne.Container
	planFor *workspace.Workspace // the project the plan was worked out for
	matches *matchEditor

	Region        *widget.Select
	SignIn        *widget.Button
	SignOutButton *widget.Button
	PlanButton    *widget.Button
	AllowBlockers *widget.Check
	UploadButton  *widget.Button
	RevertButton  *widget.Button
	NextButton    *widget.Button

	// Pending is the last background work a button or a choice on the
	// screen started (signing in, saving a match and working out the plan
	// again…); tests wait for it.
	Pending *Task
}

func newUpload(ui *App) *uploadScreen {
	u := &uploadScreen{ui: ui}
	var names []string
	for _, r := range clio.Regions {
		names = append(names, regionNames[r])
	}
	u.Region = widget.NewSelect(names, nil)
	u.Region.SetSelected(names[0])
	u.who = widget.NewLabel(notSignedIn)
	u.keyNote = wrapped("")
	u.keyNote.Importance = widget.WarningImportance
	u.keyNote.Hide()
	u.Region.OnChanged = func(string) { u.signedOut() }
	u.SignIn = widget.NewButtonWithIcon("Sign in to Clio…", theme.LoginIcon(), func() { u.Pending = u.Login() })
	u.SignIn.Importance = widget.HighImportance
	u.SignOutButton = widget.NewButtonWithIcon("Sign out", theme.LogoutIcon(), u.confirmSignOut)
	u.matches = newMatchEditor(u)
	u.PlanButton = widget.NewButtonWithIcon("Work out the plan (nothing is sent)", theme.SearchIcon(), func() { u.Pending = u.Plan() })
	u.AllowBlockers = widget.NewCheck("Upload the rest even though some records still have problems (those records are skipped and listed)", nil)
	u.UploadButton = widget.NewButtonWithIcon("Upload to Clio", theme.UploadIcon(), u.confirmUpload)
	u.UploadButton.Importance = widget.HighImportance
	u.RevertButton = widget.NewButtonWithIcon("Take the upload back…", theme.ContentUndoIcon(), u.confirmRevert)
	u.RevertButton.Importance = widget.DangerImportance
	u.NextButton = widget.NewButtonWithIcon("Next: review", theme.NavigateNextIcon(), ui.Next)
	u.planBox = container.NewVBox()
	u.result = container.NewVBox()

	u.scroll = container.NewVScroll(container.NewVBox(
		sectionTitle("1. Sign in to Clio"),
		wrapped("Your browser opens Clio's sign-in page. Handover keeps the sign-in in this computer's keyring, never in the project file."),
		container.NewHBox(widget.NewLabel("Your Clio is in"), container.NewGridWrap(fyne.NewSize(290, 38), u.Region), u.SignIn),
		container.NewHBox(u.who, u.SignOutButton),
		u.keyNote,
		widget.NewSeparator(),
		sectionTitle("2. Check the plan"),
		wrapped("Handover asks Clio what it already has (users, contacts) and works out what it would create and how long it takes. Nothing is sent."),
		container.NewHBox(u.PlanButton),
		u.planBox,
		widget.NewSeparator(),
		sectionTitle("3. Upload"),
		wrapped("You can pause at any time (Cancel) and continue later, even after a restart: nothing is sent twice."),
		u.AllowBlockers,
		container.NewHBox(u.UploadButton, u.RevertButton),
		u.result,
	))
	u.content = container.NewBorder(nil, container.NewHBox(u.NextButton), nil, nil, u.scroll)
	u.updateButtons()
	return u
}

func (u *uploadScreen) Content() fyne.CanvasObject { return u.content }
func (u *uploadScreen) Done() bool {
	return u.recon != nil && !u.recon.Paused && u.recon.Check() == nil && sum(u.recon.Failed) == 0
}
func (u *uploadScreen) Refresh() {
	if u.plan != nil && u.planFor != u.ui.project {
		u.clearPlan() // worked out for another project
	}
	u.updateButtons()
}

// Reconciliation is the account of the last upload or revert (tests).
func (u *uploadScreen) Reconciliation() *upload.Reconciliation { return u.recon }

// PlanResult is the last plan worked out (tests).
func (u *uploadScreen) PlanResult() *upload.PlanResult { return u.plan }

const notSignedIn = "Not signed in."

// UseClient signs the screen in with an existing client (tests, rehearsals
// against a local Clio). who is the signed-in Clio user, "Name <e-mail>".
func (u *uploadScreen) UseClient(c *clio.Client, base, who string) {
	if u.client != nil && u.base != base {
		u.clearPlan()
	}
	u.client, u.base = c, base
	u.who.SetText("Signed in as " + who + " — your Clio at " + clio.HostOf(base) + ".")
	u.updateButtons()
}

// SignedIn says whether the screen has a Clio sign-in.
func (u *uploadScreen) SignedIn() bool { return u.client != nil }

// Account is what the screen says about the sign-in (tests).
func (u *uploadScreen) Account() string { return u.who.Text }

// signedOut forgets the client and what was worked out with it.
func (u *uploadScreen) signedOut() {
	u.client, u.base = nil, ""
	u.who.SetText(notSignedIn)
	u.keyNote.Hide()
	u.clearPlan()
	u.updateButtons()
}

func (u *uploadScreen) clearPlan() {
	u.plan, u.planFor = nil, nil
	setObjects(u.planBox)
}

func (u *uploadScreen) confirmSignOut() {
	host := clio.HostOf(u.base)
	dialog.ShowConfirm("Sign out of Clio?",
		"Handover removes the Clio sign-in it keeps in this computer's keyring for "+host+" and asks Clio to cancel it. "+
			"Your project, your choices and what was already uploaded stay as they are. To upload again, sign in again.",
		func(ok bool) {
			if ok {
				u.SignOut()
			}
		}, u.ui.Win)
}

// SignOut cancels the sign-in at Clio, removes it from the keyring and
// resets the screen. The screen is reset even when Clio cannot be reached.
func (u *uploadScreen) SignOut() *Task {
	base := u.base
	if base == "" {
		u.signedOut()
		return nil
	}
	return u.ui.RunTask("Signing out of Clio", func(ctx context.Context, report func(Progress)) error {
		report(Progress{Stage: "Removing the sign-in from this computer's keyring"})
		store, _ := secrets.Open(secrets.Service) // may block on an unlock prompt: not on the UI goroutine
		return clio.Logout(ctx, clio.LogoutConfig{BaseURL: base, Store: store})
	}, func(err error) {
		u.signedOut()
		if err != nil && !errors.Is(err, context.Canceled) {
			u.ui.ShowError("Signed out, with a problem", err)
		}
	})
}

func (u *uploadScreen) updateButtons() {
	on := u.client != nil
	if on {
		u.SignOutButton.Show()
	} else {
		u.SignOutButton.Hide()
	}
	setEnabled(u.PlanButton, on)
	setEnabled(u.UploadButton, on)
	setEnabled(u.RevertButton, on && u.recon != nil && sum(u.recon.Created) > 0)
}

func (u *uploadScreen) region() clio.Region {
	for r, n := range regionNames {
		if n == u.Region.Selected {
			return r
		}
	}
	return clio.US
}

func sum(m map[model.Entity]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}

// Login signs in through the browser in the background.
func (u *uploadScreen) Login() *Task {
	base, err := clio.BaseURL(u.region(), "")
	if err != nil {
		u.ui.ShowError("Unknown Clio address", err)
		return nil
	}
	var who *clio.User
	var c *clio.Client
	var keyWarn string
	return u.ui.RunTask("Signing in to Clio", func(ctx context.Context, report func(Progress)) error {
		report(Progress{Stage: "Opening the keyring"})
		store, warn := secrets.Open(secrets.Service) // may block on an unlock prompt: not on the UI goroutine
		keyWarn = warn
		// a sign-in kept from before (here or by `handover login`) needs no browser
		if ts, err := clio.NewTokenSource(base, store, clio.TokenSourceOptions{}); err == nil {
			if c, err = clio.New(base, ts); err == nil {
				report(Progress{Stage: "Checking the saved sign-in"})
				if who, err = c.WhoAmI(ctx); err == nil {
					return nil
				}
			}
		}
		id, secret := clio.AppCredentials(store, base, "", "")
		if id == "" || secret == "" {
			return errors.New("this copy of Handover has no Clio app credentials. Ask whoever set it up to sign in once with `handover login`")
		}
		report(Progress{Stage: "Waiting for you to sign in in the browser"})
		tok, err := clio.Login(ctx, clio.LoginConfig{BaseURL: base, ClientID: id, ClientSecret: secret,
			OpenBrowser: func(s string) error {
				l, err := url.Parse(s)
				if err != nil {
					return err
				}
				return fyne.CurrentApp().OpenURL(l)
			},
			PrintURL: func(s string) {
				report(Progress{Stage: "Waiting for you to sign in in the browser (" + clio.HostOf(base) + ")"})
			},
		})
		if err != nil {
			return clio.RedactError(err)
		}
		if err := clio.SaveLogin(store, base, id, secret, tok); err != nil {
			return fmt.Errorf("signed in, but the keyring did not keep the sign-in: %w", err)
		}
		ts, err := clio.NewTokenSource(base, store, clio.TokenSourceOptions{Initial: tok})
		if err != nil {
			return err
		}
		if c, err = clio.New(base, ts); err != nil {
			return err
		}
		who, err = c.WhoAmI(ctx)
		return err
	}, func(err error) {
		switch {
		case errors.Is(err, context.Canceled):
		case errors.Is(err, clio.ErrLoginDeclined):
			u.ui.ShowError("Clio said no", errors.New("The sign-in was declined in Clio. Press Sign in again and choose Allow."))
		case errors.Is(err, clio.ErrLoginTimeout):
			u.ui.ShowError("No answer from the browser", errors.New("The sign-in took too long. Press Sign in again and finish it in the browser window that opens."))
		case err != nil:
			u.ui.ShowError("Could not sign in to Clio", fmt.Errorf("%v\n\nCheck the internet connection and the region, then try again.", err))
		default:
			u.UseClient(c, base, who.Name+" <"+who.Email+">")
			if keyWarn != "" {
				u.keyNote.SetText(keyWarn)
				u.keyNote.Show()
			}
		}
	})
}

// Plan works out the upload without sending anything.
func (u *uploadScreen) Plan() *Task { return u.planAfter("Working out the plan", nil) }

// planAfter runs before (e.g. saving a choice) and then works out the plan,
// both off the UI goroutine.
func (u *uploadScreen) planAfter(title string, before func(ctx context.Context, ws *workspace.Workspace) error) *Task {
	ws, c := u.ui.project, u.client
	if ws == nil || c == nil {
		return nil
	}
	opts := upload.Options{AllowBlockers: u.AllowBlockers.Checked}
	var p *upload.PlanResult
	saved := before == nil
	return u.ui.RunTask(title, func(ctx context.Context, report func(Progress)) error {
		if before != nil {
			report(Progress{Stage: "Keeping your choice in the project"})
			if err := before(ctx, ws); err != nil {
				return err
			}
			saved = true
		}
		report(Progress{Stage: "Asking Clio what it already has"})
		var err error
		p, err = upload.Plan(ctx, ws, c, opts)
		return err
	}, func(err error) {
		if err != nil {
			if !errors.Is(err, context.Canceled) {
				what := "Nothing was sent. Check the connection and try again."
				if before != nil && saved {
					what = "Your choice is kept. Nothing was sent. Check the connection and press “Work out the plan” again."
				} else if before != nil {
					what = "Your choice could not be kept. Try again."
				}
				u.ui.ShowError("Could not work out the plan", fmt.Errorf("%v\n\n%s", clio.RedactError(err), what))
			}
			if before != nil && u.plan != nil {
				u.showPlan() // put the choices back as they are in the project
			}
			return
		}
		if ws != u.ui.project || c != u.client {
			return // the project or the sign-in changed meanwhile
		}
		u.plan, u.planFor = p, ws
		u.showPlan()
	})
}

func (u *uploadScreen) showPlan() {
	p := u.plan
	cells := []fyne.CanvasObject{boldLabel("Type"), boldLabel("Records"), boldLabel("New in Clio"), boldLabel("Already in Clio"), boldLabel("Skipped")}
	for _, t := range p.Types {
		if t.Records == 0 {
			continue
		}
		cells = append(cells, widget.NewLabel(t.Entity.Label()), widget.NewLabel(count(t.Records)),
			widget.NewLabel(count(t.Creates)), widget.NewLabel(count(t.Links+t.Done)), widget.NewLabel(count(t.Skips)))
	}
	objs := []fyne.CanvasObject{
		container.New(&formLayout{cols: []float32{200, 90, 110, 130, 90}}, cells...),
		wrapped(fmt.Sprintf("About %s at Clio's current pace (%s requests; %s during Clio's busy hours, %s off-peak).",
			span(p.Estimate), count(p.Requests), span(p.EstimatePeak), span(p.EstimateOffPeak))),
	}
	if len(p.Unmatched) > 0 {
		var names []string
		for _, m := range p.Unmatched {
			names = append(names, fmt.Sprintf("%s (%s)", m.Legacy, plural(m.Records, "record", "records")))
		}
		w := wrapped("People in your old system who still need a Clio user: " + strings.Join(names, ", ") +
			". Choose one for each below, or “leave unassigned”. (Clio cannot add users for Handover: to add a new person, add them in Clio, then work out the plan again.)")
		w.Importance = widget.DangerImportance
		objs = append(objs, w)
	}
	// the who-is-who editor follows a frame later (afterFrame): the plan
	// and the editor drawn for the first time in one frame froze the window.
	// Until then it keeps what it showed, so after a choice made in it the
	// page keeps its height and the view does not jump.
	u.ui.afterFrame("upload-matching", func() {
		if u.plan == p {
			u.matches.show(p)
		}
	})
	objs = append(objs, u.matches.box)
	for _, s := range p.Blockers {
		w := wrapped("• " + s)
		w.Importance = widget.WarningImportance
		objs = append(objs, w)
	}
	for _, s := range p.Notes {
		objs = append(objs, wrapped("• "+s))
	}
	setObjects(u.planBox, objs...)
}

func span(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "a minute"
	case d < time.Hour:
		return fmt.Sprintf("%d minutes", int(d.Minutes()+0.5))
	}
	return fmt.Sprintf("%.1f hours", d.Hours())
}

func (u *uploadScreen) confirmUpload() {
	dialog.ShowConfirm("Upload to "+clio.HostOf(u.base)+"?",
		"Handover creates the records in your Clio account now. You can pause (Cancel) and continue later; nothing is sent twice. "+
			"Until you confirm the result, “Take the upload back” deletes what it created.",
		func(ok bool) {
			if ok {
				u.Upload()
			}
		}, u.ui.Win)
}

// Upload sends the project to Clio; Cancel pauses it.
func (u *uploadScreen) Upload() *Task {
	ws, c := u.ui.project, u.client
	opts := upload.Options{AllowBlockers: u.AllowBlockers.Checked}
	var rec *upload.Reconciliation
	return u.ui.RunWrite(lease.Uploading, "Uploading to Clio", func(ctx context.Context, report func(Progress)) error {
		opts.Progress = func(p upload.Progress) {
			stage := fmt.Sprintf("Sending %s — %d created, %d already there, %d skipped, %d failed",
				strings.ToLower(p.Entity.Label()), p.Created, p.Linked, p.Skipped, p.Failed)
			if p.Waiting > time.Second {
				stage += fmt.Sprintf(" (waited %s for Clio's limit)", p.Waiting.Round(time.Second))
			}
			report(Progress{Stage: stage, Done: p.Done, Total: p.Total})
		}
		var err error
		rec, err = upload.Run(ctx, ws, c, opts)
		return err
	}, func(err error) {
		if rec != nil {
			u.recon = rec
			u.showRecon("What arrived in Clio")
		}
		switch {
		case errors.Is(err, upload.ErrRefused):
			u.ui.ShowError("The upload did not start", fmt.Errorf("%v\n\nNothing was sent.", err))
		case errors.Is(err, context.Canceled) || (rec != nil && rec.Paused):
			dialog.ShowInformation("Upload paused", "Press Upload to Clio again to continue where it stopped: nothing will be sent twice.", u.ui.Win)
		case err != nil:
			u.ui.ShowError("The upload stopped", fmt.Errorf("%v\n\nWhat was sent is kept. Press Upload again to continue: nothing will be sent twice.", clio.RedactError(err)))
		}
		u.updateButtons()
		u.ui.RefreshSteps()
	})
}

func (u *uploadScreen) showRecon(title string) {
	r := u.recon
	cells := []fyne.CanvasObject{boldLabel("Type"), boldLabel("Planned"), boldLabel("Created"), boldLabel("Already there"), boldLabel("Skipped"), boldLabel("Failed"), boldLabel("Deleted")}
	for _, e := range model.Entities {
		if r.Planned[e] == 0 && r.Deleted[e] == 0 {
			continue
		}
		cells = append(cells, widget.NewLabel(e.Label()))
		for _, m := range []map[model.Entity]int64{r.Planned, r.Created, r.Linked, r.Skipped, r.Failed, r.Deleted} {
			cells = append(cells, widget.NewLabel(count(m[e])))
		}
	}
	objs := []fyne.CanvasObject{boldLabel(title), container.New(&formLayout{cols: []float32{200, 80, 80, 110, 80, 80, 80}}, cells...)}
	if err := r.Check(); err != nil {
		w := wrapped("The numbers do not add up: " + err.Error())
		w.Importance = widget.DangerImportance
		objs = append(objs, w)
	}
	for i, f := range r.Failures {
		if i == 20 {
			objs = append(objs, widget.NewLabel(fmt.Sprintf("… and %d more in the readiness report.", len(r.Failures)-20)))
			break
		}
		w := wrapped(fmt.Sprintf("• %s %s (%s row %d): %s — %s", f.Entity.Label(), f.Name, f.Source, f.Row, f.Message, f.Fix))
		w.Importance = widget.DangerImportance
		objs = append(objs, w)
	}
	for _, f := range r.Refused {
		objs = append(objs, wrapped(fmt.Sprintf("• Not deleted: %s %s — %s", f.Entity.Label(), f.Name, f.Message)))
	}
	setObjects(u.result, objs...)
	u.scroll.ScrollToBottom() // the outcome is what the user waits for
}

func (u *uploadScreen) confirmRevert() {
	dialog.ShowConfirm("Take the whole upload back?",
		"Handover deletes from Clio every record this upload created (documents go to Clio's trash). Contacts that were already in Clio are not touched. "+
			"Records someone changed in Clio since are kept and listed.",
		func(ok bool) {
			if ok {
				u.Revert()
			}
		}, u.ui.Win)
}

// Revert deletes what the upload created.
func (u *uploadScreen) Revert() *Task {
	ws, c := u.ui.project, u.client
	var rec *upload.Reconciliation
	return u.ui.RunWrite(lease.Reverting, "Taking the upload back", func(ctx context.Context, report func(Progress)) error {
		var err error
		rec, err = upload.Revert(ctx, ws, c, false, func(p upload.Progress) {
			report(Progress{Stage: "Deleting " + strings.ToLower(p.Entity.Label()), Done: p.Done, Total: p.Total})
		})
		return err
	}, func(err error) {
		if rec != nil {
			u.recon = rec
			u.showRecon("What was taken back")
		}
		if err != nil && !errors.Is(err, context.Canceled) {
			u.ui.ShowError("The revert stopped", fmt.Errorf("%v\n\nPress “Take the upload back” again to finish it.", clio.RedactError(err)))
		}
		u.updateButtons()
		u.ui.RefreshSteps()
	})
}
