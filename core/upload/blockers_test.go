package upload

import (
	"context"
	"strings"
	"testing"

	"handover/core/model"
	"handover/core/workspace"
	"handover/internal/fakeclio"
)

// An upload reads which records to skip from the findings. A project read
// and uploaded without a check (or changed since the last one) had none, so
// --allow-blockers sent the records with blockers and Clio refused them
// (the 422s in #14). Upload checks a stale project first: the demo firm,
// with its findings gone and never checked, skips its blocked records and
// their dependents, and nothing fails.
func TestAllowBlockersChecksAStaleProjectFirst(t *testing.T) {
	ctx := context.Background()
	f := startFake(t, fakeclio.Options{})
	ws := openWS(t, demoProject(t))
	if _, err := ws.DB().ExecContext(ctx, `DELETE FROM findings WHERE origin = 'check'`); err != nil {
		t.Fatal(err)
	}
	if err := ws.SetSetting(ctx, workspace.SettingCheckedRevision, ""); err != nil {
		t.Fatal(err)
	}
	users := f.srv.Users()
	rec, err := Run(ctx, ws, f.client, Options{AllowBlockers: true, DefaultOwner: users[0].Email})
	if err != nil {
		t.Fatal(err)
	}
	var failed int64
	for _, e := range model.Entities {
		failed += rec.Failed[e]
	}
	blockers, parents := 0, 0
	for _, s := range rec.Skips {
		switch {
		case strings.HasPrefix(s.Message, "blocker: "):
			blockers++
		case strings.HasPrefix(s.Message, "parent skipped: "):
			parents++
		}
	}
	for _, x := range rec.Failures {
		t.Logf("failed: %s %s: %s", x.Entity, x.Key, x.Message)
	}
	if failed != 0 || blockers == 0 || parents == 0 {
		t.Errorf("failed %d, skipped for a blocker %d, for a skipped parent %d: the stale project was not checked first", failed, blockers, parents)
	}
}
