package ui

import (
	"context"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
)

// With one slot, reads run one at a time: first those not in bgLater, each
// in the order asked; a read asked again while it runs runs once more after.
func TestBackgroundReadsQueueBySlot(t *testing.T) {
	test.NewTempApp(t)
	old := bgReaders
	bgReaders = 1
	t.Cleanup(func() { bgReaders = old })
	ui := &App{}
	ui.bg.init()

	var mu sync.Mutex
	var order []string
	gate := make(chan struct{})
	read := func(name string, wait bool) func(context.Context) func() {
		return func(context.Context) func() {
			if wait {
				<-gate
			}
			mu.Lock()
			order = append(order, name)
			mu.Unlock()
			return nil
		}
	}
	ui.background("first", read("first", true)) // holds the slot until the gate opens
	time.Sleep(20 * time.Millisecond)
	ui.background("readiness-info", read("info", false))
	time.Sleep(5 * time.Millisecond)
	ui.background("a", read("a", false))
	time.Sleep(5 * time.Millisecond)
	ui.background("b", read("b", false))
	time.Sleep(5 * time.Millisecond)
	ui.background("first", read("first again", false)) // collapses into one more run
	ui.background("first", read("first latest", false))
	close(gate)
	ui.Settle()
	want := []string{"first", "a", "b", "first latest", "info"}
	if len(order) != len(want) {
		t.Fatalf("ran %v, want %v", order, want)
	}
	for i := range want {
		if order[i] != want[i] {
			t.Fatalf("ran %v, want %v", order, want)
		}
	}
}

// Closing the project while a task works on it stops the task first, and
// closes the file only once the task is done (it would otherwise find the
// project closed under it).
func TestCloseStopsRunningTasksFirst(t *testing.T) {
	u := demoApp(t)
	ws := u.Project()
	started := make(chan struct{})
	var after error
	task := u.RunTask("Working", func(ctx context.Context, report func(Progress)) error {
		close(started)
		<-ctx.Done()
		_, after = ws.Counts(context.Background()) // the project is still open
		return ctx.Err()
	}, nil)
	<-started
	u.Close()
	u.WaitClosed()
	task.Wait()
	if after != nil {
		t.Errorf("the task found the project closed: %v", after)
	}
}
