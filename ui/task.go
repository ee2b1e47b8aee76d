package ui

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"handover/core/lease"
)

// Progress is what long work reports: a stage in plain words and how far it
// is (Total ≤ 0 while unknown).
type Progress struct {
	Stage string
	Done  int64
	Total int64
}

// Task is long work running off the UI goroutine, shown in a dialog with a
// progress bar, counts, time left and Cancel.
type Task struct {
	ui     *App
	cancel context.CancelFunc
	done   chan struct{}
	dlg    dialog.Dialog
	label  *widget.Label
	detail *widget.Label
	bar    *widget.ProgressBar
	pulse  *widget.ProgressBar // while the total is unknown: steps four times a second
	pulses int

	mu      sync.Mutex
	pending *Progress
	unknown bool // the total is not known (the pulse moves)
	start   time.Time
}

// Wait blocks until the work and its completion callback have run, and
// what they asked to be read again is on the screen (tests, the tour).
// Never call it on the UI goroutine.
func (t *Task) Wait() {
	<-t.done
	t.ui.Settle()
}

// Cancel asks the work to stop.
func (t *Task) Cancel() { t.cancel() }

// RunWrite is RunTask for work that changes the project or Clio (reading
// files, cleaning, checking, packaging, uploading, reverting): the work runs
// holding the project's lease (core/lease), so a second Handover — the
// command line, another window, another PC on a shared drive — cannot change
// the project at the same time. A refusal reaches onDone as the error, in
// plain words ("This migration is being uploaded to Clio from OFFICE-PC2 …");
// the project stays open to look at.
func (ui *App) RunWrite(purpose, title string, work func(ctx context.Context, report func(Progress)) error, onDone func(error)) *Task {
	ws := ui.project
	return ui.RunTask(title, func(ctx context.Context, report func(Progress)) error {
		l, lctx, err := lease.Acquire(ctx, ws, purpose)
		if err != nil {
			return err
		}
		defer l.Release()
		if err := work(lctx, report); err != nil {
			if lost := l.Lost(); lost != nil {
				return lost
			}
			return err
		}
		return nil
	}, onDone)
}

// RunTask starts work in a goroutine. Progress is applied on the UI goroutine
// at most ten times a second; onDone runs on the UI goroutine with the
// work's error (context.Canceled when the user pressed Cancel).
//
// While the total is unknown a bar steps along four times a second instead
// of Fyne's infinite progress bar: that one animates every frame, and every
// frame redraws the whole window — with software OpenGL a core's worth of
// drawing taken from the work, and the frames that keep the probe waiting.
func (ui *App) RunTask(title string, work func(ctx context.Context, report func(Progress)) error, onDone func(error)) *Task {
	ctx, cancel := context.WithCancel(context.Background())
	t := &Task{ui: ui, cancel: cancel, done: make(chan struct{}), start: time.Now(), unknown: true}
	// wrap or cut rather than widen: a dialog whose width follows its text
	// changes the window's minimum size on every update, an X round trip
	// each time
	t.label = widget.NewLabel("Starting…")
	t.label.Wrapping = fyne.TextWrapWord
	t.detail = widget.NewLabel("")
	t.detail.Truncation = fyne.TextTruncateEllipsis
	t.bar = widget.NewProgressBar()
	t.pulse = widget.NewProgressBar()
	t.pulse.TextFormatter = func() string { return "" }
	t.bar.Hide()
	stop := widget.NewButton("Cancel", func() {
		t.label.SetText("Stopping… (nothing half-done is kept)")
		cancel()
	})
	t.dlg = dialog.NewCustomWithoutButtons(title, container.NewVBox(t.label, t.bar, t.pulse, t.detail, stop), ui.Win)
	t.dlg.Resize(fyne.NewSize(480, 200))
	t.dlg.Show()
	if ui.tasks == nil {
		ui.tasks = map[*Task]bool{}
	}
	ui.tasks[t] = true // Close stops it before closing the project

	ticker := time.NewTicker(100 * time.Millisecond)
	stopTicks := make(chan struct{})
	go func() {
		for n := 1; ; n++ {
			select {
			case <-stopTicks:
				return
			case <-ticker.C:
			}
			t.mu.Lock()
			p, unknown := t.pending, t.unknown
			t.pending = nil
			t.mu.Unlock()
			if p != nil {
				onUIAsync(func() { uiWork.time("task-progress", func() { t.apply(*p) }) })
			}
			if unknown && n%3 == 0 {
				onUIAsync(t.step)
			}
		}
	}()
	go func() {
		err := work(ctx, func(p Progress) {
			t.mu.Lock()
			t.pending = &p
			t.unknown = p.Total <= 0
			t.mu.Unlock()
		})
		ticker.Stop()
		close(stopTicks)
		cancel()
		if errors.Is(err, context.Canceled) {
			err = context.Canceled
		}
		onUI(func() {
			uiWork.time("done:"+title, func() {
				delete(ui.tasks, t)
				t.dlg.Hide()
				if onDone != nil {
					onDone(err)
				}
			})
		})
		close(t.done)
	}()
	return t
}

func (t *Task) apply(p Progress) {
	setText(t.label, p.Stage)
	if p.Total > 0 {
		if t.bar.Hidden {
			t.pulse.Hide()
			t.bar.Show()
		}
		frac := float64(p.Done) / float64(p.Total)
		t.bar.SetValue(frac)
		setText(t.detail, fmt.Sprintf("%s of %s%s", count(p.Done), count(p.Total), eta(time.Since(t.start), frac)))
	} else {
		if t.pulse.Hidden {
			t.bar.Hide()
			t.pulse.Show()
		}
		if p.Done > 0 {
			setText(t.detail, count(p.Done)+" so far")
		}
	}
}

// step moves the bar shown while the total is unknown (a sweep every two
// seconds).
func (t *Task) step() {
	if t.pulse.Hidden {
		return
	}
	t.pulses++
	t.pulse.SetValue(float64(t.pulses%9) / 8)
}

func eta(elapsed time.Duration, frac float64) string {
	if frac <= 0.02 || elapsed < 2*time.Second {
		return ""
	}
	left := time.Duration(float64(elapsed) * (1 - frac) / frac)
	switch {
	case left < time.Minute:
		return fmt.Sprintf(" — about %d seconds left", int(left.Seconds())+1)
	case left < time.Hour:
		return fmt.Sprintf(" — about %d minutes left", int(left.Minutes())+1)
	}
	return fmt.Sprintf(" — about %.1f hours left", left.Hours())
}

// count formats 1234567 as "1,234,567".
func count(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return s
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
