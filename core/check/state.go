package check

import (
	"context"
	"strconv"
	"time"

	"handover/core/workspace"
)

// State says whether the findings describe the project as it is now. The app
// shows it ("checked, up to date" or "changed since the last check"); package
// and upload check again only when it is stale. It is the one answer for
// every front end: the check records the project revision it read, and any
// later change raises the revision (core/workspace).
type State struct {
	Checked   bool      `json:"checked"`             // a check ran to the end at least once
	At        time.Time `json:"checked_at,omitzero"` // when the last one finished
	Revision  int64     `json:"revision"`            // the project's revision now
	CheckedAt int64     `json:"checked_revision"`    // the revision the last check read
	Stale     bool      `json:"stale"`               // never checked, or changed since
}

// ReadState reads the check state of a project.
func ReadState(ctx context.Context, ws *workspace.Workspace) (State, error) {
	var st State
	rev, err := ws.Revision(ctx)
	if err != nil {
		return st, err
	}
	st.Revision = rev
	v, err := ws.Setting(ctx, workspace.SettingCheckedRevision)
	if err != nil {
		return st, err
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && v != "" {
		st.Checked, st.CheckedAt = true, n
	}
	if at, _ := ws.Setting(ctx, workspace.SettingCheckedAt); at != "" {
		st.At, _ = time.Parse(time.RFC3339, at)
	}
	st.Stale = !st.Checked || st.CheckedAt != st.Revision
	return st, nil
}

// EnsureFresh checks the project again when its findings are stale (never
// checked, or changed since the last check) and does nothing otherwise, so a
// package or an upload right after a check does not pay for a second one.
// It reports whether it ran the check.
func EnsureFresh(ctx context.Context, ws *workspace.Workspace, opts Options, progress func(stage string, done, total int64)) (bool, error) {
	st, err := ReadState(ctx, ws)
	if err != nil {
		return false, err
	}
	if !st.Stale {
		return false, nil
	}
	_, err = Run(ctx, ws, opts, progress)
	return err == nil, err
}

// recordChecked marks the findings as describing revision rev (read before
// the check began, so a change made while it ran leaves them stale).
func recordChecked(ctx context.Context, ws *workspace.Workspace, rev int64, now time.Time) error {
	if err := ws.SetSetting(ctx, workspace.SettingCheckedRevision, strconv.FormatInt(rev, 10)); err != nil {
		return err
	}
	return ws.SetSetting(ctx, workspace.SettingCheckedAt, now.UTC().Format(time.RFC3339))
}
