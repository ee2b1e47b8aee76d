package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"handover/core/workspace"
)

// The banner gives the export's date once (the headline), its age once and
// the advice to export again once, also when the export is old enough to
// warn about: it used to repeat the age and the advice as a warning line.
func TestBannerSaysTheExportAgeOnce(t *testing.T) {
	u := demoApp(t)
	exported := time.Now().Add(-(16*24 + 3) * time.Hour)
	if err := u.Project().SetSetting(context.Background(), workspace.SettingExportTime, exported.UTC().Format(time.RFC3339)); err != nil {
		t.Fatal(err)
	}
	u.Show(StepReadiness)
	r := u.Screen(StepReadiness).(*readinessScreen)
	u.Settle()
	text := r.banner.Text + "\n" + r.bannerSub.Text
	for _, once := range []string{exported.Local().Format("2 Jan 2006"), "16 days ago", "export again"} {
		if n := strings.Count(text, once); n != 1 {
			t.Errorf("the banner says %q %d times, want once:\n%s", once, n, text)
		}
	}
}
