package lease

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"handover/core/workspace"
)

func project(t *testing.T) *workspace.Workspace {
	t.Helper()
	ws, err := workspace.Create(filepath.Join(t.TempDir(), "firm.handover"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}

// A second writer is refused at once, with who holds the project and what it
// is doing; once the first lets go, the second gets in.
func TestSecondWriterRefusedThenAdmitted(t *testing.T) {
	ctx := context.Background()
	ws := project(t)
	first, _, err := Acquire(ctx, ws, Uploading)
	if err != nil {
		t.Fatal(err)
	}
	// A second opening of the same file, as a second process would have.
	other, err := workspace.Open(ws.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	_, _, err = Acquire(ctx, other, Reading)
	var held *HeldError
	if !errors.As(err, &held) {
		t.Fatalf("a second writer was not refused: %v", err)
	}
	host, _ := os.Hostname()
	msg := err.Error()
	for _, want := range []string{"being uploaded to Clio from " + host, "still active", "Wait for it to finish, or close Handover there."} {
		if !strings.Contains(msg, want) {
			t.Errorf("the refusal %q does not say %q", msg, want)
		}
	}
	if held.Holder == nil || held.Holder.PID != os.Getpid() || held.Holder.Purpose != Uploading {
		t.Errorf("holder %+v", held.Holder)
	}
	if err := first.Release(); err != nil {
		t.Fatal(err)
	}
	if h, _ := Current(ctx, ws); h != nil {
		t.Errorf("a released lease is still named: %+v", h)
	}
	second, _, err := Acquire(ctx, other, Reading)
	if err != nil {
		t.Fatalf("after the release: %v", err)
	}
	second.Release()
	if log, _ := Log(ctx, ws); len(log) != 0 {
		t.Errorf("an orderly hand-over logged a take-over: %q", log)
	}
}

func writeRow(t *testing.T, ws *workspace.Workspace, host string, pid int, beat time.Time) {
	t.Helper()
	_, err := ws.DB().Exec(`INSERT OR REPLACE INTO lease(id, host, pid, user, purpose, token, started_at, heartbeat)
		VALUES(1, ?, ?, 'pat', ?, 'theirs', ?, ?)`, host, pid, Uploading,
		beat.Add(-time.Minute).UTC().Format(time.RFC3339Nano), beat.UTC().Format(time.RFC3339Nano))
	if err != nil {
		t.Fatal(err)
	}
}

// A holder on this computer whose process ended (its OS lock is gone with it)
// is taken over at once, and the take-over is in the project's history.
func TestDeadHolderOnThisComputerTakenOver(t *testing.T) {
	ctx := context.Background()
	ws := project(t)
	host, _ := os.Hostname()
	writeRow(t, ws, host, 999999, time.Now())
	l, _, err := Acquire(ctx, ws, Reverting)
	if err != nil {
		t.Fatalf("a dead holder's lease was not taken over: %v", err)
	}
	defer l.Release()
	h, _ := Current(ctx, ws)
	if h == nil || h.PID != os.Getpid() || h.Purpose != Reverting {
		t.Fatalf("holder after the take-over: %+v", h)
	}
	log, _ := Log(ctx, ws)
	if len(log) != 1 || !strings.Contains(log[0], "process 999999") || !strings.Contains(log[0], "had ended") {
		t.Errorf("take-over log %q", log)
	}
}

// A holder on another PC (a shared drive whose OS locks do not cross) is
// respected while its heartbeat is fresh, and taken over once it is stale.
func TestHolderOnAnotherComputer(t *testing.T) {
	ctx := context.Background()
	ws := project(t)
	writeRow(t, ws, "OFFICE-PC2", 4242, time.Now().Add(-10*time.Second))
	_, _, err := Acquire(ctx, ws, Uploading)
	var held *HeldError
	if !errors.As(err, &held) || !strings.Contains(err.Error(), "from OFFICE-PC2 (pat)") {
		t.Fatalf("a live holder on another computer was not respected: %v", err)
	}
	writeRow(t, ws, "OFFICE-PC2", 4242, time.Now().Add(-StaleAfter-time.Second))
	l, _, err := Acquire(ctx, ws, Uploading)
	if err != nil {
		t.Fatalf("a stale holder on another computer was not taken over: %v", err)
	}
	defer l.Release()
	log, _ := Log(ctx, ws)
	if len(log) != 1 || !strings.Contains(log[0], "OFFICE-PC2") || !strings.Contains(log[0], "heartbeat stopped") {
		t.Errorf("take-over log %q", log)
	}
}

// The holder keeps its heartbeat fresh; if another Handover took the lease
// over anyway (this one stalled past StaleAfter), its work is cancelled.
func TestHeartbeatAndLoss(t *testing.T) {
	heartbeatEvery = 20 * time.Millisecond
	defer func() { heartbeatEvery = HeartbeatEvery }()
	ctx := context.Background()
	ws := project(t)
	l, lctx, err := Acquire(ctx, ws, Uploading)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	before, _ := Current(ctx, ws)
	deadline := time.Now().Add(5 * time.Second)
	for {
		h, _ := Current(ctx, ws)
		if h.Heartbeat.After(before.Heartbeat) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the heartbeat was never written")
		}
		time.Sleep(10 * time.Millisecond)
	}
	writeRow(t, ws, "OFFICE-PC2", 4242, time.Now()) // taken over from elsewhere
	select {
	case <-lctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("losing the lease did not stop the work")
	}
	if l.Lost() == nil {
		t.Error("Lost() does not say why the work stopped")
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	if h, _ := Current(ctx, ws); h == nil || h.Host != "OFFICE-PC2" {
		t.Errorf("releasing a lost lease removed the new holder's row: %+v", h)
	}
}
