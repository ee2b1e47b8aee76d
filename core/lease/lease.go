// Package lease makes sure only one Handover changes a project at a time.
//
// Two Handovers on one project (the desktop app and the command line, a
// project opened twice, a project on a shared office drive opened from a
// second PC) would each upload everything: Clio has no idempotency keys, and
// the upload journal protects against a crash, not against a second writer.
// So every run that changes the project or Clio (reading files, cleaning,
// checking, packaging, uploading, reverting) holds a lease first, made of two
// locks that fail in different ways:
//
//   - an OS file lock on "<project>.lock" beside the project (flock/fcntl on
//     Linux and macOS, LockFileEx on Windows, through github.com/gofrs/flock).
//     The kernel drops it when the process dies, even under kill -9. On a
//     local disk it is exact. On a network drive it holds as far as the share
//     passes locks on: SMB does between Windows PCs, NFS v4 does; some NAS
//     boxes and old NFS mounts do not.
//   - a lease row in the project itself: host, process, user, what it is
//     doing, when it started, and a heartbeat written every HeartbeatEvery.
//     It names the holder in the refusal, and it still refuses a second PC
//     whose share did not pass the OS lock on, as long as the holder's
//     heartbeat is fresh.
//
// A lease whose holder is gone is taken over, and the take-over is logged in
// the project (lease_log): on the same computer when the OS lock is free
// (the holder's process ended: a crash, kill -9, a power cut), from another
// computer when the heartbeat is older than StaleAfter. Clocks of two PCs
// are compared there, so StaleAfter is generous.
package lease

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/user"
	"strings"
	"sync"
	"time"

	"github.com/gofrs/flock"

	"handover/core/workspace"
)

// How often the holder writes its heartbeat, and how old a heartbeat must be
// before another computer may take the lease over.
const (
	HeartbeatEvery = 5 * time.Second
	StaleAfter     = 90 * time.Second
)

// heartbeatEvery is HeartbeatEvery; tests shorten it.
var heartbeatEvery = HeartbeatEvery

// What a holder is doing, as the refusal says it: "This migration is being
// uploaded to Clio from OFFICE-PC2".
const (
	Reading   = "read from the exports"
	Checking  = "checked"
	Cleaning  = "cleaned"
	Packaging = "packaged"
	Uploading = "uploaded to Clio"
	Reverting = "reverted in Clio"
	Working   = "changed"
)

// Holder is who holds a project's lease.
type Holder struct {
	Host      string    `json:"host"`
	PID       int       `json:"pid"`
	User      string    `json:"user"`
	Purpose   string    `json:"purpose"`
	Started   time.Time `json:"started_at"`
	Heartbeat time.Time `json:"heartbeat"`
}

// HeldError refuses a second writer and says who holds the project.
type HeldError struct {
	Holder *Holder // nil when the OS lock is held but the holder has not written its row yet
}

func (e *HeldError) Error() string {
	h := e.Holder
	if h == nil {
		return "This migration is being changed by another Handover on this computer or network (it is just starting). Wait for it to finish, or close Handover there."
	}
	who := h.Host
	if h.User != "" {
		who += " (" + h.User + ")"
	}
	return fmt.Sprintf("This migration is being %s from %s (started %s, still active). Wait for it to finish, or close Handover there.",
		h.Purpose, who, clock(h.Started))
}

func clock(t time.Time) string {
	t = t.Local()
	if y, m, d := t.Date(); y == time.Now().Year() && m == time.Now().Month() && d == time.Now().Day() {
		return t.Format("15:04")
	}
	return t.Format("2 Jan 15:04")
}

// Lease is a held lease. Release it when the work is done.
type Lease struct {
	ws     *workspace.Workspace
	lock   *flock.Flock
	token  string
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
	mu     sync.Mutex
	lost   error
}

// Acquire takes the project's lease for purpose, or refuses at once with a
// *HeldError. The returned context is ctx, cancelled if the lease is lost
// (another Handover took it over after this one's heartbeat stalled), so
// the work stops rather than run beside a second writer.
func Acquire(ctx context.Context, ws *workspace.Workspace, purpose string) (*Lease, context.Context, error) {
	lock := flock.New(ws.Path() + ".lock")
	ok, err := lock.TryLock()
	if err != nil {
		return nil, nil, fmt.Errorf("cannot lock the project (%s.lock): %w; check that you may write in its folder", ws.Path(), err)
	}
	if !ok {
		h, _ := Current(ctx, ws)
		return nil, nil, &HeldError{Holder: h}
	}
	l := &Lease{ws: ws, lock: lock, token: newToken(), done: make(chan struct{})}
	if err := l.claim(ctx, purpose); err != nil {
		lock.Unlock()
		return nil, nil, err
	}
	lctx, cancel := context.WithCancel(ctx)
	l.cancel = cancel
	go l.beat(lctx)
	return l, lctx, nil
}

func newToken() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func hostName() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		return "this computer"
	}
	return h
}

func userName() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	for _, k := range []string{"USER", "USERNAME"} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	return ""
}

// claim writes this process's lease row, taking over a dead holder's.
// It runs with the OS lock held.
func (l *Lease) claim(ctx context.Context, purpose string) error {
	db := l.ws.DB()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	// BEGIN IMMEDIATE: two PCs on a share without OS locks cannot both read
	// "free" and both write their row.
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return fmt.Errorf("cannot take the project's lease: %w", err)
	}
	committed := false
	defer func() {
		if !committed {
			conn.ExecContext(context.Background(), "ROLLBACK")
		}
	}()
	now := time.Now().UTC()
	host := hostName()
	h, err := readHolder(ctx, conn)
	if err != nil {
		return err
	}
	if h != nil {
		sameHost := strings.EqualFold(h.Host, host)
		fresh := now.Sub(h.Heartbeat) < StaleAfter
		// On this computer the OS lock is exact: it is ours, so the holder's
		// process has ended. From elsewhere only the heartbeat tells.
		if !sameHost && fresh {
			return &HeldError{Holder: h}
		}
		why := "its process on this computer had ended"
		if !sameHost {
			why = fmt.Sprintf("its heartbeat stopped at %s (more than %s ago)", h.Heartbeat.Format(time.RFC3339), StaleAfter)
		}
		detail := fmt.Sprintf("%s took over the lease of %s (process %d, user %q, %s since %s): %s",
			host, h.Host, h.PID, h.User, h.Purpose, h.Started.Format(time.RFC3339), why)
		if _, err := conn.ExecContext(ctx, `INSERT INTO lease_log(at, event, detail) VALUES(?, 'takeover', ?)`,
			now.Format(time.RFC3339Nano), detail); err != nil {
			return err
		}
	}
	if _, err := conn.ExecContext(ctx, `INSERT OR REPLACE INTO lease(id, host, pid, user, purpose, token, started_at, heartbeat)
		VALUES(1, ?, ?, ?, ?, ?, ?, ?)`, host, os.Getpid(), userName(), purpose, l.token,
		now.Format(time.RFC3339Nano), now.Format(time.RFC3339Nano)); err != nil {
		return fmt.Errorf("cannot take the project's lease: %w", err)
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("cannot take the project's lease: %w", err)
	}
	committed = true
	return nil
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func readHolder(ctx context.Context, q querier) (*Holder, error) {
	var h Holder
	var started, beat string
	err := q.QueryRowContext(ctx, `SELECT host, pid, user, purpose, started_at, heartbeat FROM lease WHERE id = 1`).
		Scan(&h.Host, &h.PID, &h.User, &h.Purpose, &started, &beat)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the project's lease: %w", err)
	}
	h.Started, _ = time.Parse(time.RFC3339Nano, started)
	h.Heartbeat, _ = time.Parse(time.RFC3339Nano, beat)
	return &h, nil
}

// Current says who holds the project's lease, or nil when nobody does (a
// row left by a holder that died counts until it is taken over).
func Current(ctx context.Context, ws *workspace.Workspace) (*Holder, error) {
	return readHolder(ctx, ws.DB())
}

// beat writes the heartbeat until the lease is released or lost.
func (l *Lease) beat(ctx context.Context) {
	defer close(l.done)
	t := time.NewTicker(heartbeatEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		res, err := l.ws.DB().ExecContext(ctx, `UPDATE lease SET heartbeat = ? WHERE id = 1 AND token = ?`,
			time.Now().UTC().Format(time.RFC3339Nano), l.token)
		if err != nil {
			continue // busy for a moment: the next beat tries again
		}
		if n, _ := res.RowsAffected(); n == 0 {
			l.mu.Lock()
			l.lost = errors.New("another Handover took this project over (this one's heartbeat had stalled): the work was stopped")
			l.mu.Unlock()
			l.cancel()
			return
		}
	}
}

// Lost says why the lease was lost, or nil while it is held.
func (l *Lease) Lost() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lost
}

// Release gives the lease back: the row goes, then the OS lock.
func (l *Lease) Release() error {
	var err error
	l.once.Do(func() {
		l.cancel()
		<-l.done
		_, err = l.ws.DB().ExecContext(context.Background(), `DELETE FROM lease WHERE id = 1 AND token = ?`, l.token)
		if uerr := l.lock.Unlock(); err == nil {
			err = uerr
		}
	})
	return err
}

// Log lists the project's lease history (take-overs), oldest first.
func Log(ctx context.Context, ws *workspace.Workspace) ([]string, error) {
	rows, err := ws.DB().QueryContext(ctx, `SELECT at, detail FROM lease_log ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var at, d string
		if err := rows.Scan(&at, &d); err != nil {
			return nil, err
		}
		out = append(out, at+" "+d)
	}
	return out, rows.Err()
}
