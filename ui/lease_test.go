package ui

import (
	"context"
	"strings"
	"testing"

	"handover/core/check"
	"handover/core/lease"
	"handover/core/workspace"
)

// overlayText is every label shown in the window's dialogs.
func overlayText(u *App) string {
	var b strings.Builder
	onUI(func() {
		for _, o := range u.Win.Canvas().Overlays().List() {
			writeLabels(&b, o)
		}
	})
	return b.String()
}

// While the command line uploads the project (it holds the lease), the app
// refuses to change it — here, to check it — and says who holds it; the
// project stays open to look at, and once the upload is done the check runs.
func TestAppRefusesWhileAnotherHandoverWrites(t *testing.T) {
	u := demoApp(t)
	ctx := context.Background()
	other, err := workspace.Open(u.Project().Path())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	l, _, err := lease.Acquire(ctx, other, lease.Uploading)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := check.ReadState(ctx, other)
	u.Show(StepReadiness)
	r := u.Screen(StepReadiness).(*readinessScreen)
	r.RunCheck().Wait()
	if got := overlayText(u); !strings.Contains(got, "This migration is being uploaded to Clio from") ||
		!strings.Contains(got, "Wait for it to finish, or close Handover there.") {
		t.Fatalf("the refusal is not shown; dialogs say:\n%s", got)
	}
	if st, _ := check.ReadState(ctx, other); st.At != before.At || st.CheckedAt != before.CheckedAt {
		t.Errorf("the refused check was recorded as done: %+v → %+v", before, st)
	}
	if u.Project() == nil {
		t.Fatal("the refusal closed the project")
	}
	u.closeOverlays()
	l.Release()
	r.RunCheck().Wait()
	if got := overlayText(u); strings.Contains(got, "This migration is being") {
		t.Errorf("the check was refused after the lease was given back:\n%s", got)
	}
	if st, _ := check.ReadState(ctx, other); !st.Checked || st.Stale {
		t.Errorf("the check did not run once the lease was free: %+v", st)
	}
}
