// Package desktop starts the Fyne application with the real (GLFW) driver.
// The screens live in package ui so they can be tested headless.
package desktop

import (
	"maps"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"handover/ui"
)

// AppID is the application id (preferences folder, desktop entry, installers).
const AppID = "com.handover.app"

// Run opens the main window and blocks until it is closed. A .handover path
// (from a double-click on a project file) is opened straight away.
func Run(args ...string) {
	a := app.NewWithID(AppID)
	declareFyneDo(a)
	w := a.NewWindow("Handover")
	u := ui.New(a, w)
	for _, p := range args {
		if filepath.Ext(p) == ".handover" {
			if _, err := os.Stat(p); err == nil {
				u.OpenPath(p) // in the background: the window shows at once
			}
		}
	}
	ui.StartDevTools(u) // a dev build's tour or benchmark; nothing in the shipped app
	w.SetCloseIntercept(func() {
		u.Close() // cancels the reads in the background, then closes the file
		go func() {
			u.WaitClosed()
			fyne.Do(w.Close)
		}()
	})
	w.Resize(fyne.NewSize(1180, 760))
	w.SetMaster()
	w.ShowAndRun()
}

// declareFyneDo tells Fyne that every change from another goroutine goes
// through fyne.Do (as all of ui/ does), as FyneApp.toml's [Migrations] says.
// A build made by `fyne package` carries that file's metadata; a plain `go
// build` does not, and then Fyne checks the calling goroutine on every
// refresh by formatting the goroutine's stack: on the Readiness screen most
// of the time of an update. Must run before the first window.
func declareFyneDo(a fyne.App) {
	m := a.Metadata()
	if m.Migrations["fyneDo"] {
		return
	}
	if m.ID == "" {
		m.ID, m.Name = AppID, "Handover"
	}
	m.Migrations = maps.Clone(m.Migrations) // not the packaged metadata's own map
	if m.Migrations == nil {
		m.Migrations = map[string]bool{}
	}
	m.Migrations["fyneDo"] = true
	app.SetMetadata(m)
}
