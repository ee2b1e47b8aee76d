package check

import (
	"context"
	"sort"
	"strings"
	"testing"

	"handover/core/model"
)

// A client the upload skips for its own blocker takes its matters and
// everything under them along: each of those is named (parent.held, a
// warning naming the client and why) rather than skipped at upload without
// a word. A sibling matter of a clean client, and its time, are not.
func TestRecordsUnderAHeldParentAreNamed(t *testing.T) {
	ctx := context.Background()
	ws := newWS(t)
	load(t, ws, "clients.csv", "PCLaw",
		item{row: 2, entity: model.Contacts, id: "1", data: person("Zoe", "Walsh", []string{"(212) 202-4948"})},
		item{row: 3, entity: model.Contacts, id: "2", data: person("Ann", "Lee", []string{"ann@lee.example"})},
		item{row: 2, entity: model.Matters, id: "1", data: matter("24-001", model.Ref{Kind: "id", Value: "1"}, "Walsh estate", "Open", "", "", "")},
		item{row: 3, entity: model.Matters, id: "2", data: matter("24-002", model.Ref{Kind: "id", Value: "2"}, "Lee lease", "Open", "", "", "")},
		item{row: 2, entity: model.TimeEntries, id: "1", data: te("2024-01-02", 3600, 20000, "", "24-001")},
		item{row: 3, entity: model.TimeEntries, id: "2", data: te("2024-01-02", 3600, 20000, "", "24-002")},
		item{row: 2, entity: model.Notes, id: "1", data: &model.Note{Type: "Matter", Subject: "Call", Detail: "x", Date: "2024-01-03", Matter: num("24-001")}},
	)
	if _, err := Run(ctx, ws, Options{Country: "US"}, nil); err != nil {
		t.Fatal(err)
	}
	var held []string
	for _, f := range findings(t, ws, "check") {
		if f.Rule != model.RuleParentHeld {
			continue
		}
		held = append(held, string(f.Entity)+"|"+f.RecordKey)
		if f.Severity != model.Warning || !strings.Contains(f.Message, "Zoe Walsh") || !strings.Contains(f.Message, "not an e-mail address") {
			t.Errorf("held finding should name the client and its blocker: %+v", f)
		}
	}
	sort.Strings(held)
	want := "matters|PCLaw:matters:1\nnotes|PCLaw:notes:1\ntime_entries|PCLaw:time_entries:1"
	if got := strings.Join(held, "\n"); got != want {
		t.Errorf("held:\n%s\nwant:\n%s", got, want)
	}
}

// Clio refuses a phone log with no received_at: the check says so first.
func TestCommunicationWithoutDateIsABlocker(t *testing.T) {
	ctx := context.Background()
	ws := newWS(t)
	load(t, ws, "calls.csv", "PCLaw",
		item{row: 2, entity: model.PhoneLogs, id: "1", data: &model.Communication{Subject: "Call back"}},
		item{row: 3, entity: model.PhoneLogs, id: "2", data: &model.Communication{Subject: "Call", ReceivedAt: "2024-01-02T10:00:00Z"}},
	)
	if _, err := Run(ctx, ws, Options{Country: "US"}, nil); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range findings(t, ws, "check") {
		if f.Rule == model.RuleCommMissingDate {
			got = append(got, f.RecordKey+"|"+string(f.Severity))
		}
	}
	if strings.Join(got, ",") != "PCLaw:phone_logs:1|blocker" {
		t.Errorf("findings %v, want one blocker on the call without a date", got)
	}
}

// A time entry naming no matter reaches Clio as firm time: the check says
// so (a lost matter column looks just like it); one with a matter does not.
func TestTimeEntryWithoutMatterIsNamed(t *testing.T) {
	ctx := context.Background()
	ws := newWS(t)
	load(t, ws, "time.csv", "PCLaw",
		item{row: 2, entity: model.Contacts, id: "1", data: person("Ann", "Lee", []string{"ann@lee.example"})},
		item{row: 2, entity: model.Matters, id: "1", data: matter("24-001", model.Ref{Kind: "id", Value: "1"}, "Lee lease", "Open", "", "", "")},
		item{row: 2, entity: model.TimeEntries, id: "1", data: te("2024-01-02", 3600, 20000, "", "")},
		item{row: 3, entity: model.TimeEntries, id: "2", data: te("2024-01-02", 3600, 20000, "", "24-001")},
	)
	if _, err := Run(ctx, ws, Options{Country: "US"}, nil); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range findings(t, ws, "check") {
		if f.Rule == model.RuleTimeNoMatter {
			got = append(got, f.RecordKey+"|"+string(f.Severity))
		}
	}
	if strings.Join(got, ",") != "PCLaw:time_entries:1|warning" {
		t.Errorf("findings %v, want one warning on the entry with no matter", got)
	}
}
