package check

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"handover/core/model"
	"handover/core/workspace"
)

// Records the old system left without a person are one finding per type and
// file, with the count, that names the default owner as the way out; once a
// default owner is saved they are an info, no longer a blocker. A named but
// unmatched legacy user stays a blocker either way.
func TestMissingPersonsAreOneFindingPerFile(t *testing.T) {
	ctx := context.Background()
	ws := newWS(t)
	E, K, T := model.CalendarEvents, model.Tasks, model.TimeEntries
	var events, tasks []item
	for i := 1; i <= 7; i++ {
		owner := ""
		if i == 7 {
			owner = "hlane@firm.com"
		}
		events = append(events, item{row: int64(i), entity: E, id: fmt.Sprint("e", i),
			data: ev(fmt.Sprint("Event ", i), "2026-02-01T09:00:00Z", "2026-02-01T10:00:00Z", owner, "")})
	}
	for i := 2; i <= 5; i++ {
		tasks = append(tasks, item{row: int64(i), entity: K, id: fmt.Sprint("k", i), data: &model.Task{Name: fmt.Sprint("Task ", i)}})
	}
	load(t, ws, "calendar.ics", "Outlook", events...)
	load(t, ws, "tasks.csv", "Generic", tasks...)
	load(t, ws, "time.csv", "PCLaw",
		item{row: 2, entity: T, id: "1", data: te("2026-01-05", 3600, 25000, "", "")},
		item{row: 3, entity: T, id: "2", data: te("2026-01-05", 3600, 25000, "", "")},
		item{row: 4, entity: T, id: "3", data: te("2026-01-05", 3600, 25000, "Nobody We Know", "")},
	)
	opts := Options{Country: "US", Now: now, ClioUsers: clioUsers("Helen Lane <hlane@firm.com>")}

	type got struct {
		sev     model.Severity
		records float64
		msg     string
		fix     string
		key     string
	}
	run := func() map[string][]got {
		t.Helper()
		if _, err := Run(ctx, ws, opts, nil); err != nil {
			t.Fatal(err)
		}
		out := map[string][]got{}
		for _, f := range findings(t, ws, "check") {
			if f.Rule == model.RuleOrphanMatter {
				continue
			}
			n, _ := f.Detail["records"].(float64)
			k := f.Rule + "|" + f.Source
			out[k] = append(out[k], got{f.Severity, n, f.Message, f.Fix, f.RecordKey})
		}
		return out
	}
	res := run()
	want := map[string]float64{
		model.RuleCalendarMissingOwner + "|calendar.ics": 6,
		model.RuleTaskMissingAssignee + "|tasks.csv":     4,
		model.RuleTimeMissingUser + "|time.csv":          2,
	}
	for k, n := range want {
		fs := res[k]
		if len(fs) != 1 {
			t.Errorf("%s: %d findings, want one for the file: %+v", k, len(fs), fs)
			continue
		}
		f := fs[0]
		if f.sev != model.Blocker || f.records != n || f.key != "" {
			t.Errorf("%s: %s, %v records, record %q; want a blocker for %v records tied to no one record", k, f.sev, f.records, f.key, n)
		}
		if !strings.Contains(f.msg, fmt.Sprint(n)) || !strings.Contains(f.fix, "default owner") || !strings.Contains(f.fix, "--default-owner") {
			t.Errorf("%s: the finding must give the count and say the default owner settles it: %q / %q", k, f.msg, f.fix)
		}
	}
	// every such record keeps its own finding, hidden behind the file's
	for k, n := range want {
		rule, source, _ := strings.Cut(k, "|")
		s, err := ws.SummarizeFindings(ctx, workspace.FindingFilter{Rule: rule, Source: source, Folded: true})
		if err != nil || s.Total != int64(n) || s.BySeverity[model.Blocker] != int64(n) {
			t.Errorf("%s: %d hidden per-record findings (%v), want %v blockers", k, s.Total, err, n)
		}
	}
	if len(res[model.RuleUserUnmatched+"|time.csv"]) != 1 {
		t.Errorf("the named, unmatched legacy user is not a blocker: %+v", res)
	}

	// A default owner that is not a Clio user settles nothing.
	ws.SetSetting(ctx, workspace.SettingDefaultOwner, "someone@else.com")
	res = run()
	if fs := res[model.RuleTaskMissingAssignee+"|tasks.csv"]; len(fs) != 1 || fs[0].sev != model.Blocker || !strings.Contains(fs[0].msg, "someone@else.com") {
		t.Errorf("an unknown default owner: %+v", fs)
	}

	ws.SetSetting(ctx, workspace.SettingDefaultOwner, "HLane@firm.com")
	res = run()
	for k, n := range want {
		fs := res[k]
		if len(fs) != 1 || fs[0].sev != model.Info || fs[0].records != n || !strings.Contains(fs[0].msg, "hlane@firm.com") {
			t.Errorf("%s with a default owner: %+v, want one info naming it", k, fs)
		}
	}
	if fs := res[model.RuleUserUnmatched+"|time.csv"]; len(fs) != 1 || fs[0].sev != model.Blocker {
		t.Errorf("the default owner must not settle a named, unmatched legacy user: %+v", fs)
	}
}
