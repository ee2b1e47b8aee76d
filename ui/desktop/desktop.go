// Package desktop starts the Fyne application (the real driver). The screens
// live in package ui so they can be tested headless.
package desktop

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// Run opens the main window and blocks until it is closed.
func Run() {
	a := app.NewWithID("com.handover.app")
	w := a.NewWindow("Handover")
	w.SetContent(container.NewVBox(
		widget.NewLabelWithStyle("Handover — move your firm to Clio", fyne.TextAlignCenter, fyne.TextStyle{Bold: true}),
		widget.NewButton("Start a new migration", func() {}),
		widget.NewButton("Open a migration", func() {}),
		widget.NewButton("Try the demo firm", func() {}),
	))
	w.Resize(fyne.NewSize(1024, 700))
	w.ShowAndRun()
}
