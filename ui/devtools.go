package ui

// devTools starts what a dev build (go build -tags dev) was asked for: the
// demo tour that takes the screenshots, the benchmarks (devtools_dev.go).
// The app everyone installs has neither: devTools is nil there.
var devTools func(u *App)

// StartDevTools runs a dev build's tour or benchmark when its environment
// variable asks for one (HANDOVER_TOUR=1, HANDOVER_BENCH=…); in the shipped
// app it does nothing.
func StartDevTools(u *App) {
	if devTools != nil {
		devTools(u)
	}
}

// closeOverlays closes every dialog over the window (the tour and the
// benchmarks, after opening a record).
func (u *App) closeOverlays() {
	o := u.Win.Canvas().Overlays()
	for _, d := range o.List() {
		d.Hide()
	}
	for o.Top() != nil {
		o.Remove(o.Top())
	}
}
