// Package ui is Handover's desktop interface: a guided migration an office
// manager can finish alone. It holds no business logic: every screen calls
// the engine in core/ and importers/, and long work runs in goroutines that
// report back through fyne.Do.
//
// The package never imports fyne.io/fyne/v2/app, so it is tested headless
// with fyne.io/fyne/v2/test (see ui_test.go); ui/desktop starts the real
// driver.
package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"handover/core/workspace"
)

// Step is one stage of the migration, in the order the user goes through them.
type Step int

const (
	StepWelcome Step = iota
	StepSources
	StepMapping
	StepReadiness
	StepClean
	StepPackage
	StepUpload
	StepReview
	stepCount
)

var stepTitles = [stepCount]string{"Welcome", "Sources", "Mapping", "Readiness", "Clean", "Package", "Upload", "Review"}

// Title is the step's name in the step list.
func (s Step) Title() string { return stepTitles[s] }

// Screen is one step's page.
type Screen interface {
	// Content builds (once) and returns the page.
	Content() fyne.CanvasObject
	// Refresh re-reads what the page shows from the project.
	Refresh()
	// Done reports whether the step is complete (a tick in the step list).
	Done() bool
}

// App is the main window's state.
type App struct {
	FyneApp fyne.App
	Win     fyne.Window

	project *workspace.Workspace
	current Step
	screens [stepCount]Screen

	steps   *widget.List
	body    *fyne.Container
	heading *widget.Label
	status  *widget.Label

	// DemoDir is where "Try the demo firm" writes its files (tests set it).
	DemoDir string

	bg        bgJobs          // reads from the project, off the UI goroutine (bg.go)
	readCtx   context.Context // the open project's reads; cancelled when it closes
	stopReads context.CancelFunc
	closed    chan struct{}  // closed once the last project closed is closed
	tasks     map[*Task]bool // long work running (UI goroutine)
}

// New builds the main window's content on win. Screens register themselves
// with App.setScreen; steps without a screen yet show a placeholder.
func New(a fyne.App, win fyne.Window) *App {
	ui := &App{FyneApp: a, Win: win}
	ui.bg.init()
	ui.heading = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	ui.status = widget.NewLabel("No project open")
	ui.status.Truncation = fyne.TextTruncateEllipsis
	ui.steps = widget.NewList(
		func() int { return int(stepCount) },
		func() fyne.CanvasObject {
			return container.NewHBox(widget.NewIcon(theme.RadioButtonIcon()), widget.NewLabel("Readiness……"))
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			row := o.(*fyne.Container)
			icon, label := row.Objects[0].(*widget.Icon), row.Objects[1].(*widget.Label)
			s := Step(id)
			label.SetText(fmt.Sprintf("%d. %s", id+1, s.Title()))
			switch {
			case s == ui.current:
				icon.SetResource(theme.NavigateNextIcon())
				label.TextStyle = fyne.TextStyle{Bold: true}
			case ui.screens[s] != nil && ui.screens[s].Done():
				icon.SetResource(theme.ConfirmIcon())
				label.TextStyle = fyne.TextStyle{}
			default:
				icon.SetResource(theme.RadioButtonIcon())
				label.TextStyle = fyne.TextStyle{}
			}
			label.Refresh()
		},
	)
	ui.steps.OnSelected = func(id widget.ListItemID) {
		if Step(id) != ui.current {
			ui.Show(Step(id))
		}
	}
	ui.body = container.NewStack()
	ui.screens[StepWelcome] = newWelcome(ui)
	ui.screens[StepSources] = newSources(ui)
	registerMoreScreens(ui)

	side := container.NewBorder(
		widget.NewLabelWithStyle("Handover", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		nil, nil, nil, ui.steps)
	main := container.NewBorder(ui.heading, ui.status, nil, nil, ui.body)
	split := container.NewHSplit(side, main)
	split.Offset = 0.18
	win.SetContent(split)
	ui.Show(StepWelcome)
	return ui
}

// moreScreens lets the remaining steps' files add their screens without
// editing New (each screen lives in its own file).
var moreScreens []func(*App)

func registerMoreScreens(ui *App) {
	for _, f := range moreScreens {
		f(ui)
	}
}

func (ui *App) setScreen(s Step, sc Screen) { ui.screens[s] = sc }

// Screen returns the screen for a step (nil if none yet).
func (ui *App) Screen(s Step) Screen { return ui.screens[s] }

// Current is the step on show.
func (ui *App) Current() Step { return ui.current }

// Project is the open project, or nil.
func (ui *App) Project() *workspace.Workspace { return ui.project }

// Show switches to a step. Steps after Welcome need an open project.
func (ui *App) Show(s Step) {
	if s != StepWelcome && ui.project == nil {
		ui.current = StepWelcome
		ui.steps.Select(int(StepWelcome))
		dialog.ShowInformation("Open a project first", "Start a new migration, open one, or try the demo firm.", ui.Win)
		return
	}
	ui.current = s
	ui.heading.SetText(fmt.Sprintf("Step %d of %d — %s", s+1, stepCount, s.Title()))
	sc := ui.screens[s]
	if sc == nil {
		ui.body.Objects = []fyne.CanvasObject{widget.NewLabel(s.Title() + " is not available in this version.")}
	} else {
		ui.body.Objects = []fyne.CanvasObject{sc.Content()}
	}
	ui.body.Refresh()
	ui.steps.Select(int(s))
	ui.steps.Refresh()
	// Last: a screen may start background work in Refresh (Clean looks for
	// duplicates), and nothing of the switch should run after that work.
	if sc != nil {
		sc.Refresh()
	}
}

// Next moves to the following step.
func (ui *App) Next() {
	if ui.current+1 < stepCount {
		ui.Show(ui.current + 1)
	}
}

// RefreshSteps redraws the ticks in the step list (after work completes).
func (ui *App) RefreshSteps() { ui.steps.Refresh() }

// OpenProject makes ws the open project (closing any previous one) and goes
// to the Sources step.
func (ui *App) OpenProject(ws *workspace.Workspace) {
	if ui.project != ws {
		ui.Close()
	}
	ui.project = ws
	ui.readCtx, ui.stopReads = context.WithCancel(context.Background())
	name := strings.TrimSuffix(filepath.Base(ws.Path()), filepath.Ext(ws.Path()))
	ui.showName(name)
	ui.background("firm-name", func(ctx context.Context) func() {
		firm, _ := ws.Setting(ctx, workspace.SettingFirmName)
		if firm == "" {
			return nil
		}
		return func() { ui.showName(firm) }
	})
	ui.rememberRecent(ws.Path())
	ui.Show(StepSources)
}

func (ui *App) showName(name string) {
	ui.status.SetText(fmt.Sprintf("%s — saved automatically in %s", name, ui.project.Path()))
	ui.Win.SetTitle("Handover — " + name)
}

// Close closes the open project (the window stays). Its reads in the
// background are cancelled, and it is closed once they have stopped, off the
// UI goroutine (WaitClosed waits for that).
func (ui *App) Close() {
	ws := ui.project
	if ws == nil {
		return
	}
	ui.project = nil
	ui.stopReads()
	var tasks []*Task
	for t := range ui.tasks {
		t.Cancel() // an upload pauses, anything else keeps nothing half-done
		tasks = append(tasks, t)
	}
	done := make(chan struct{})
	ui.closed = done
	go func() {
		for _, t := range tasks {
			<-t.done
		}
		ui.Settle()
		ws.Close()
		close(done)
	}()
}

// WaitClosed waits until the project last closed is closed: its file is
// whole again (never on the UI goroutine).
func (ui *App) WaitClosed() {
	var done chan struct{}
	onUI(func() { done = ui.closed })
	if done != nil {
		<-done
	}
}

// ShowError explains a failure in plain words: what happened, and what to do.
func (ui *App) ShowError(what string, err error) {
	if err == nil {
		return
	}
	msg := widget.NewLabel(err.Error())
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom(what, "OK", container.NewVBox(msg), ui.Win)
	d.Resize(fyne.NewSize(520, 220))
	d.Show()
}

const recentKey = "recent_projects"

// Recent lists recently opened project files that still exist, newest first.
func (ui *App) Recent() []string {
	var out []string
	for _, p := range ui.FyneApp.Preferences().StringList(recentKey) {
		if _, err := os.Stat(p); err == nil {
			out = append(out, p)
		}
	}
	return out
}

func (ui *App) rememberRecent(path string) {
	list := []string{path}
	for _, p := range ui.FyneApp.Preferences().StringList(recentKey) {
		if p != path && len(list) < 8 {
			list = append(list, p)
		}
	}
	ui.FyneApp.Preferences().SetStringList(recentKey, list)
}
