package cli

import (
	"bytes"
	"strings"
	"testing"

	"handover/core/readiness"
)

// An old export is said once, as a warning with what to do, not once as a
// fact and again among the warnings.
func TestReadinessSaysAnOldExportOnce(t *testing.T) {
	var out bytes.Buffer
	printReadiness(&out, readiness.Readiness{Banner: "Stop using PCLaw now", AgeText: "16 days ago", Stale: true})
	if n := strings.Count(out.String(), "16 days ago"); n != 1 || !strings.Contains(out.String(), "! The export was taken 16 days ago: if the old system was used since, export again") {
		t.Errorf("the age is said %d times:\n%s", n, out.String())
	}
	out.Reset()
	printReadiness(&out, readiness.Readiness{Banner: "Stop using PCLaw now", AgeText: "2 days ago"})
	if !strings.Contains(out.String(), "   The export was taken 2 days ago.\n") {
		t.Errorf("a recent export:\n%s", out.String())
	}
}
