package cli

import (
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"handover/core/model"
	"handover/core/upload"
	"handover/core/workspace"
)

// Skipped means not sent (#14 item 4): the demo firm uploaded with
// --allow-blockers (and a default owner for the records with no person)
// ends with failed: 0. Every record with a blocker is skipped and listed
// with its reason, a record whose parent was skipped is skipped naming the
// parent, nothing skipped reaches Clio, and the dry run lists exactly the
// skips the upload makes.
func TestUploadAllowBlockersSendsNothingSkipped(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	fake, base := signedInFake(t)
	dir := t.TempDir()
	if _, err := RunDemo(context.Background(), dir, io.Discard); err != nil {
		t.Fatal(err)
	}
	project := filepath.Join(dir, "harbor-lane.handover")
	owner := fake.Users()[2].Email
	args := []string{"upload", "-w", project, "--base-url", base, "--default-owner", owner, "--allow-blockers", "--json"}

	type result struct {
		Created map[string]int64 `json:"created"`
		Skipped map[string]int64 `json:"skipped"`
		Failed  map[string]int64 `json:"failed"`
		Skips   []upload.Failure `json:"skips"`
	}
	runJSON := func(extra ...string) result {
		t.Helper()
		code, out, errs := run(append(slices.Clone(args), extra...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d\n%s", extra, code, errs)
		}
		var r result
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		return r
	}
	dry := runJSON("--dry-run")
	real := runJSON()

	for e, n := range real.Failed {
		if n != 0 {
			t.Errorf("failed %s: %d", e, n)
		}
	}
	var skipped int64
	for _, n := range real.Skipped {
		skipped += n
	}
	if skipped == 0 || int64(len(real.Skips)) != skipped {
		t.Errorf("%d records skipped, %d listed", skipped, len(real.Skips))
	}
	line := func(s upload.Failure) string { return string(s.Entity) + " " + s.Key + ": " + s.Message }
	var dryLines, realLines []string
	for _, s := range dry.Skips {
		dryLines = append(dryLines, line(s))
	}
	bySkip := map[string]upload.Failure{}
	for _, s := range real.Skips {
		realLines = append(realLines, line(s))
		bySkip[string(s.Entity)+" "+s.Key] = s
		if strings.TrimSpace(s.Message) == "" || strings.TrimSpace(s.Fix) == "" {
			t.Errorf("skip without a reason or a fix: %+v", s)
		}
	}
	slices.Sort(dryLines)
	slices.Sort(realLines)
	if !slices.Equal(dryLines, realLines) {
		t.Errorf("the dry run's skips differ from the upload's:\n dry: %q\nreal: %q", dryLines, realLines)
	}

	// every record with a blocker (other than the people decided at upload)
	// is skipped for it
	ws, err := workspace.Open(project)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	blocked := 0
	err = ws.EachFinding(context.Background(), workspace.FindingFilter{Severity: model.Blocker}, func(f workspace.StoredFinding) error {
		if f.RecordKey == "" || f.Rule == model.RuleUserUnmatched || slices.Contains(model.MissingPersonRules, f.Rule) {
			return nil
		}
		blocked++
		if s, ok := bySkip[string(f.Entity)+" "+f.RecordKey]; !ok || !strings.HasPrefix(s.Message, "blocker: ") {
			t.Errorf("%s %s has a blocker (%s) but was %s", f.Entity, f.RecordKey, f.Rule, firstNonEmpty(s.Message, "sent"))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// and the records that hang off a skipped matter or contact say which
	var parents []string
	for _, s := range real.Skips {
		if strings.HasPrefix(s.Message, "parent skipped: ") {
			parents = append(parents, s.Message)
			if !strings.Contains(s.Message, " has a blocker: ") && !strings.Contains(s.Message, " was skipped") {
				t.Errorf("a dependent's skip does not say why its parent was skipped: %s", s.Message)
			}
		}
	}
	t.Logf("%d blocked records, %d skips (%d for a skipped parent, e.g. %q)", blocked, len(real.Skips), len(parents), firstNonEmpty(append(parents, "")...))
	if blocked == 0 || len(parents) == 0 {
		t.Errorf("the demo firm should have records with blockers (%d) and records under them (%d)", blocked, len(parents))
	}

	// nothing skipped reached Clio: each collection holds what was created
	st := fake.Snapshot()
	for coll, ent := range map[string]string{"contacts": "contacts", "matters": "matters", "tasks": "tasks", "notes": "notes",
		"calendar_entries": "calendar_events", "relationships": "relationships"} {
		if got, want := int64(len(st.Resources[coll])), real.Created[ent]; got != want && !(coll == "calendar_entries" && got > want) {
			t.Errorf("Clio has %d %s, the upload created %d", got, coll, want)
		}
	}
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
