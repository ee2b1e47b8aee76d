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
	infin  *widget.ProgressBarInfinite

	mu      sync.Mutex
	pending *Progress
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

// RunTask starts work in a goroutine. Progress is applied on the UI goroutine
// at most ten times a second; onDone runs on the UI goroutine with the
// work's error (context.Canceled when the user pressed Cancel).
func (ui *App) RunTask(title string, work func(ctx context.Context, report func(Progress)) error, onDone func(error)) *Task {
	ctx, cancel := context.WithCancel(context.Background())
	t := &Task{ui: ui, cancel: cancel, done: make(chan struct{}), start: time.Now()}
	t.label = widget.NewLabel("Starting…")
	t.detail = widget.NewLabel("")
	t.bar = widget.NewProgressBar()
	t.infin = widget.NewProgressBarInfinite()
	t.bar.Hide()
	stop := widget.NewButton("Cancel", func() {
		t.label.SetText("Stopping… (nothing half-done is kept)")
		cancel()
	})
	t.dlg = dialog.NewCustomWithoutButtons(title, container.NewVBox(t.label, t.bar, t.infin, t.detail, stop), ui.Win)
	t.dlg.Resize(fyne.NewSize(480, 200))
	t.dlg.Show()

	ticker := time.NewTicker(100 * time.Millisecond)
	go func() {
		for range ticker.C {
			t.mu.Lock()
			p := t.pending
			t.pending = nil
			t.mu.Unlock()
			if p != nil {
				onUIAsync(func() { uiWork.time("task-progress", func() { t.apply(*p) }) })
			}
		}
	}()
	go func() {
		err := work(ctx, func(p Progress) {
			t.mu.Lock()
			t.pending = &p
			t.mu.Unlock()
		})
		ticker.Stop()
		cancel()
		if errors.Is(err, context.Canceled) {
			err = context.Canceled
		}
		onUI(func() {
			uiWork.time("done:"+title, func() {
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
	t.label.SetText(p.Stage)
	if p.Total > 0 {
		t.infin.Hide()
		t.bar.Show()
		frac := float64(p.Done) / float64(p.Total)
		t.bar.SetValue(frac)
		t.detail.SetText(fmt.Sprintf("%s of %s%s", count(p.Done), count(p.Total), eta(time.Since(t.start), frac)))
	} else {
		t.bar.Hide()
		t.infin.Show()
		if p.Done > 0 {
			t.detail.SetText(count(p.Done) + " so far")
		}
	}
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
