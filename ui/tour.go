//go:build dev

package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sort"
	"strings"
	"time"

	"filippo.io/age"
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"handover/core/clio"
	"handover/internal/fakeclio"
	"handover/internal/sendtest"
	"handover/internal/synth"
)

// Tour opens the demo firm and walks through every step on a timer, printing
// "SHOT NN-name" on stdout when a screen is ready to be photographed (see
// scripts/screenshots.sh). It saves nothing itself. ui/desktop calls it only
// when HANDOVER_TOUR=1.
func Tour(u *App, pause time.Duration) {
	var probe *stallProbe
	shot := func(name string) {
		time.Sleep(pause)
		// While the screenshot is taken, ImageMagick's import has the X
		// server read the whole window and competes for the CPU: the waits
		// then are the camera's, not the app's, and go to their own phase.
		was := probe.Phase("photo")
		fmt.Println("SHOT " + name)
		time.Sleep(pause)
		probe.Phase(was)
	}
	// wait runs start on the UI goroutine and waits for the task it starts
	// and what it reads afterwards
	wait := func(start func() *Task) {
		var t *Task
		fyne.DoAndWait(func() { t = start() })
		if t != nil {
			t.Wait()
		}
	}
	// do runs f on the UI goroutine, timed as name, then waits for what it
	// asked to be read in the background to be on the screen
	do := func(name string, f func()) {
		fyne.DoAndWait(func() { uiWork.time(name, f) })
		u.Settle()
		time.Sleep(100 * time.Millisecond) // a few frames: what was read is laid out
	}
	go func() {
		time.Sleep(2 * time.Second)
		stopProfile := startProfile()
		probe = startStallProbe()
		frameFloor(u, probe, "frame-welcome", 2*time.Second)
		shot("01-welcome")
		// "Try the demo firm": its files read on the Sources step's task, the
		// project opened
		probe.Phase("ingest")
		wel, _ := u.screens[StepWelcome].(*welcome)
		wait(func() *Task {
			u.DemoDir = filepath.Join(os.TempDir(), "handover-tour")
			wel.demo()
			return wel.Pending
		})
		if u.project == nil {
			fmt.Println("TOUR FAILED the demo firm did not open")
			return
		}
		probe.Phase("screens")
		time.Sleep(100 * time.Millisecond)
		do("select a source", func() {
			if s, ok := u.screens[StepSources].(*sources); ok {
				s.table.Select(tableCell(7))
			}
		})
		shot("02-sources")
		do("show Mapping", func() { u.Show(StepMapping) })
		do("select a table", func() {
			if m, ok := u.screens[StepMapping].(*mappingScreen); ok {
				m.SelectTable("contacts.csv")
			}
		})
		shot("03-mapping")
		do("show Readiness", func() { u.Show(StepReadiness) })
		shot("04-readiness")
		r, _ := u.screens[StepReadiness].(*readinessScreen)
		if r != nil {
			probe.Phase("check")
			wait(r.RunCheck)
			probe.Phase("screens")
			shot("05-readiness-problems")
			frameFloor(u, probe, "frame-readiness", 2*time.Second)
			do("overview tab", func() { r.tabs.SelectIndex(0) })
			shot("06-readiness-overview")
			do("problems tab", func() { r.tabs.SelectIndex(1) })
			if f, ok := r.FindingAt(0); ok {
				do("open a record", func() { r.ShowRecord(f) })
			}
			shot("07-record")
			do("close the record", u.closeOverlays)
		}
		var c *cleanScreen
		do("show Clean", func() {
			u.Show(StepClean)
			c, _ = u.screens[StepClean].(*cleanScreen)
		})
		if c != nil && c.Pending != nil {
			c.Pending.Wait()
		}
		shot("08-clean")
		if r != nil {
			do("confirm the cut-off", func() {
				u.Show(StepReadiness)
				r.AckName.SetText("Dana Reyes")
				r.AckCheck.SetChecked(true)
				r.acknowledge()
			})
		}
		var p *packageScreen
		do("show Package", func() {
			u.Show(StepPackage)
			p, _ = u.screens[StepPackage].(*packageScreen)
		})
		if p != nil {
			// locked to the migration team's key, as pasted from their
			// e-mail (a key made for the tour: nobody can open the package)
			team, _ := age.GenerateX25519Identity()
			do("fill in the package form", func() {
				p.LockWith.SetSelected(lockTeamKey)
				p.TeamKey.SetText(team.Recipient().String())
				p.TeamName.SetText("Clio Migrations")
				p.AllowBlockers.SetChecked(true)
			})
			probe.Phase("package")
			wait(p.Create)
			probe.Phase("screens")
		}
		shot("09-package")
		if p != nil {
			probe.Phase("send")
			if err := tourSend(p, wait, func(f func()) { do("send form", f) }, shot); err != nil {
				fmt.Println("TOUR: no local SFTP server:", err)
			}
			probe.Phase("screens")
		}
		var up *uploadScreen
		do("show Upload", func() {
			u.Show(StepUpload)
			up, _ = u.screens[StepUpload].(*uploadScreen)
		})
		if up != nil {
			probe.Phase("upload")
			err := tourClio(up, wait, func(f func()) { do("upload form", f) }, shot, func(name string) { probe.Phase(name) })
			probe.Phase("screens")
			if err != nil {
				fmt.Println("TOUR: no local Clio:", err)
			}
			frameFloor(u, probe, "frame-upload", 2*time.Second)
		}
		shot("10-upload")
		do("show Review", func() { u.Show(StepReview) })
		shot("11-review")
		stopProfile()
		for _, l := range append(append(probe.Detail(), probe.StackReport(15)...), uiWork.Report()...) {
			fmt.Println(l)
		}
		fmt.Println(probe.Report())
		fmt.Println("TOUR DONE")
	}()
}

// frameFloor measures what one full-window frame of the screen on show
// costs, with nothing else to do, and prints it as "FRAME phase …": it marks
// the window dirty, then queues no-ops back to back for 30 ms; the longest
// of those waits is the frame. The waits also go to the probe as phase.
func frameFloor(u *App, probe *stallProbe, phase string, d time.Duration) {
	probe.Phase(phase)
	p50, worst, n := frameCost(u, d)
	probe.Phase("screens")
	fmt.Printf("FRAME %s frames=%d p50=%dms max=%dms\n", phase, n, p50.Milliseconds(), worst.Milliseconds())
}

func frameCost(u *App, d time.Duration) (p50, worst time.Duration, n int) {
	var per []time.Duration
	obj := u.heading
	for end := time.Now().Add(d); time.Now().Before(end); {
		fyne.DoAndWait(func() { u.Win.Canvas().Refresh(obj) })
		var m time.Duration
		for stop := time.Now().Add(30 * time.Millisecond); time.Now().Before(stop); {
			t := time.Now()
			fyne.DoAndWait(func() {})
			m = max(m, time.Since(t))
		}
		per = append(per, m)
	}
	sort.Slice(per, func(i, j int) bool { return per[i] < per[j] })
	return per[len(per)/2], per[len(per)-1], len(per)
}

// startProfile writes a CPU profile to $HANDOVER_CPUPROFILE until the
// returned function is called (nothing when unset).
func startProfile() func() {
	path := os.Getenv("HANDOVER_CPUPROFILE")
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "cpu profile:", err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintln(os.Stderr, "cpu profile:", err)
		f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}

func tableCell(row int) widget.TableCellID { return widget.TableCellID{Row: row, Col: 0} }

// tourSend sends the package to a real OpenSSH server the tour starts on
// loopback (as the tests do, internal/sendtest), with a throwaway key: the
// Send section with the address filled in, then the receipt.
func tourSend(p *packageScreen, wait func(func() *Task), do func(func()), shot func(string)) error {
	dir := filepath.Join(os.TempDir(), "handover-tour-sftp")
	os.RemoveAll(dir) // the last tour's server files and upload
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	srv, err := sendtest.LaunchSSHD(dir, "")
	if err != nil {
		return err
	}
	defer srv.Stop()
	keyFile := filepath.Join(dir, "harbor-lane-key")
	if err := os.WriteFile(keyFile, srv.ClientKey, 0o600); err != nil {
		return err
	}
	do(func() {
		p.Send.Address.SetText(fmt.Sprintf("sftp://%s@127.0.0.1:%d%s", srv.User, srv.Port, srv.Dir))
		p.Send.KeyFile.SetText(keyFile)
		p.scrollToEnd()
	})
	shot("12-send-address")
	wait(p.Send.Send)
	if res, _ := p.Send.Last(); res.SHA256 == "" {
		return fmt.Errorf("the send did not complete (see the app's log)")
	}
	do(p.scrollToEnd)
	shot("12-send")
	return nil
}

// scrollToEnd shows the Package screen's Send section.
func (p *packageScreen) scrollToEnd() {
	p.scroll.ScrollToBottom()
}

// tourClio signs the Upload screen in to a local, in-memory Clio (fakeclio)
// with the demo firm's lawyers as users, and uploads to it: nothing leaves
// the machine.
func tourClio(up *uploadScreen, wait func(func() *Task), do func(func()), shot func(string), phase func(string)) error {
	users := fakeclio.DemoUsers()
	srv, err := fakeclio.New(fakeclio.Options{RateLimit: 100000, Window: time.Second, Users: users, DisableFieldsCatalog: true})
	if err != nil {
		return err
	}
	base, err := srv.Start()
	if err != nil {
		return err
	}
	tok, _ := srv.IssueToken("handover-tour")
	c, err := clio.New(base, clio.StaticToken(tok))
	if err != nil {
		return err
	}
	if _, err := c.CreateBankAccount(context.Background(), clio.BankAccountInput{Type: "Trust", Currency: "USD", Name: "IOLTA Trust"}); err != nil {
		return err
	}
	do(func() {
		up.UseClient(c, base, "Dana Reyes <dana@harborlane.example> (local rehearsal Clio)")
		up.AllowBlockers.SetChecked(true)
	})
	phase("upload-plan")
	wait(up.Plan)
	do(up.ShowMatching)
	shot("10-upload-matching")
	// the demo firm's event with no ORGANIZER and time entry with no lawyer
	// go to the managing partner
	if sel := up.matches.DefaultOwner; sel != nil {
		wait(func() *Task {
			for _, o := range sel.Options {
				if strings.Contains(o, "<"+synth.Lawyers[0].Email+">") {
					sel.SetSelected(o)
				}
			}
			return up.Pending
		})
		do(up.ShowDefaultOwner)
		shot("10-upload-default-owner")
	}
	phase("upload")
	wait(up.Upload)
	return nil
}
