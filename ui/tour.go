package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"handover/core/clio"
	"handover/core/clio/fakeclio"
	"handover/core/synth"
	"handover/core/workspace"
)

// Tour opens the demo firm and walks through every step on a timer, printing
// "SHOT NN-name" on stdout when a screen is ready to be photographed (see
// scripts/screenshots.sh). It saves nothing itself. ui/desktop calls it only
// when HANDOVER_TOUR=1.
func Tour(u *App, pause time.Duration) {
	shot := func(name string) {
		time.Sleep(pause)
		fmt.Println("SHOT " + name)
		time.Sleep(pause)
	}
	// wait runs start on the UI goroutine and waits for the task it starts
	wait := func(start func() *Task) {
		var t *Task
		fyne.DoAndWait(func() { t = start() })
		if t != nil {
			t.Wait()
		}
	}
	do := func(f func()) { fyne.DoAndWait(f) }
	go func() {
		time.Sleep(2 * time.Second)
		probe := startStallProbe()
		shot("01-welcome")
		probe.Phase("ingest")
		dir := filepath.Join(os.TempDir(), "handover-tour")
		path, err := OpenDemo(context.Background(), dir, func(Progress) {})
		if err != nil {
			fmt.Println("TOUR FAILED", err)
			return
		}
		ws, err := workspace.Open(path)
		if err != nil {
			fmt.Println("TOUR FAILED", err)
			return
		}
		probe.Phase("screens")
		do(func() { u.OpenProject(ws) })
		do(func() {
			if s, ok := u.screens[StepSources].(*sources); ok {
				s.table.Select(tableCell(7))
			}
		})
		shot("02-sources")
		do(func() {
			u.Show(StepMapping)
			if m, ok := u.screens[StepMapping].(*mappingScreen); ok {
				m.SelectTable("contacts.csv")
			}
		})
		shot("03-mapping")
		do(func() { u.Show(StepReadiness) })
		shot("04-readiness")
		r, _ := u.screens[StepReadiness].(*readinessScreen)
		if r != nil {
			probe.Phase("check")
			wait(r.RunCheck)
			probe.Phase("screens")
			shot("05-readiness-problems")
			do(func() { r.tabs.SelectIndex(0) })
			shot("06-readiness-overview")
			do(func() {
				r.tabs.SelectIndex(1)
				if f, ok := r.FindingAt(0); ok {
					r.ShowRecord(f)
				}
			})
			shot("07-record")
			do(func() {
				for _, o := range u.Win.Canvas().Overlays().List() {
					o.Hide()
				}
				for u.Win.Canvas().Overlays().Top() != nil {
					u.Win.Canvas().Overlays().Remove(u.Win.Canvas().Overlays().Top())
				}
			})
		}
		var c *cleanScreen
		do(func() {
			u.Show(StepClean)
			c, _ = u.screens[StepClean].(*cleanScreen)
		})
		if c != nil && c.Pending != nil {
			c.Pending.Wait()
		}
		shot("08-clean")
		if r != nil {
			do(func() {
				u.Show(StepReadiness)
				r.AckName.SetText("Dana Reyes")
				r.AckCheck.SetChecked(true)
				r.acknowledge()
			})
		}
		var p *packageScreen
		do(func() {
			u.Show(StepPackage)
			p, _ = u.screens[StepPackage].(*packageScreen)
		})
		if p != nil {
			do(func() {
				p.Passphrase.SetText("copper lantern meadow violin")
				p.Confirm.SetText("copper lantern meadow violin")
				p.AllowBlockers.SetChecked(true)
			})
			probe.Phase("package")
			wait(p.Create)
			probe.Phase("screens")
		}
		shot("09-package")
		var up *uploadScreen
		do(func() {
			u.Show(StepUpload)
			up, _ = u.screens[StepUpload].(*uploadScreen)
		})
		if up != nil {
			probe.Phase("upload")
			err := tourClio(up, wait, do)
			probe.Phase("screens")
			if err != nil {
				fmt.Println("TOUR: no local Clio:", err)
			}
		}
		shot("10-upload")
		do(func() { u.Show(StepReview) })
		shot("11-review")
		fmt.Println(probe.Report())
		fmt.Println("TOUR DONE")
	}()
}

func tableCell(row int) widget.TableCellID { return widget.TableCellID{Row: row, Col: 0} }

// tourClio signs the Upload screen in to a local, in-memory Clio (fakeclio)
// with the demo firm's lawyers as users, and uploads to it: nothing leaves
// the machine.
func tourClio(up *uploadScreen, wait func(func() *Task), do func(func())) error {
	var users []fakeclio.User
	for _, l := range synth.Lawyers {
		users = append(users, fakeclio.User{FirstName: l.First, LastName: l.Last, Initials: l.Initials, Email: l.Email})
	}
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
	wait(up.Plan)
	wait(up.Upload)
	return nil
}
