package check

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"handover/core/model"
	"handover/core/workspace"
)

var now = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func findings(t *testing.T, ws *workspace.Workspace, origin string) []workspace.StoredFinding {
	t.Helper()
	var out []workspace.StoredFinding
	err := ws.EachFinding(context.Background(), workspace.FindingFilter{}, func(f workspace.StoredFinding) error {
		if origin == "" || f.Origin == origin {
			out = append(out, f)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestEveryRuleFiresOnlyOnItsPlantedRecords(t *testing.T) {
	ctx := context.Background()
	ws := plantedProject(t)
	opts := Options{Country: "US", Now: now, ClioUsers: clioUsers("Helen Lane <hlane@firm.com>", "James Harbor")}
	var stages []string
	res, err := Run(ctx, ws, opts, func(stage string, done, total int64) {
		if len(stages) == 0 || stages[len(stages)-1] != stage {
			stages = append(stages, stage)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"contact.missing_name|blocker|clients.csv|5|name",
		"name.wrong_column|warning|clients.csv|6|first_name",
		"name.wrong_column|warning|clients.csv|7|last_name",
		"email.invalid|blocker|clients.csv|8|email",
		"phone.invalid|warning|clients.csv|9|phone",
		"custom_field.name_too_long|blocker|clients.csv|10|custom_field",
		"date.out_of_range|warning|clients.csv|10|date_of_birth",
		"enum.invalid|blocker|clients.csv|11|type",
		"duplicate.contact|warning|clients.csv|2|contact",
		"duplicate.contact|warning|clients.csv|4|contact",
		"duplicate.contact|warning|outlook.csv|2|contact",
		"duplicate.contact|warning|outlook.csv|3|contact",
		"duplicate.contact|warning|outlook.csv|4|contact",
		"duplicate.contact|warning|outlook.csv|5|contact",
		"matter.close_before_open|warning|matters.csv|3|close_date",
		"orphan.client|blocker|matters.csv|4|client",
		"matter.missing_client|blocker|matters.csv|5|client",
		"matter.missing_description|blocker|matters.csv|6|description",
		"matter.missing_number|blocker|matters.csv|7|display_number",
		"matter.invalid_status|blocker|matters.csv|8|status",
		"user.unmatched|blocker|matters.csv|9|responsible_attorney",
		"time.missing_user|blocker|time.csv|3|user",
		"time.missing_date|blocker|time.csv|4|date",
		"time.missing_quantity|blocker|time.csv|5|quantity",
		"time.missing_rate|blocker|time.csv|6|price",
		"time.bad_duration|blocker|time.csv|7|quantity",
		"time.bad_duration|warning|time.csv|8|quantity",
		"orphan.matter|blocker|time.csv|9|matter",
		"date.out_of_range|warning|time.csv|11|date",
		"calendar.missing_field|blocker|cal.ics|2|summary",
		"calendar.end_before_start|blocker|cal.ics|3|end_at",
		"calendar.missing_owner|blocker|cal.ics|4|calendar_owner",
		"orphan.matter|blocker|cal.ics|5|matter",
		"note.missing_parent|blocker|notes.csv|3|matter",
		"orphan.contact|blocker|notes.csv|4|contact",
		"task.missing_name|blocker|tasks.csv|3|name",
		"enum.invalid|warning|tasks.csv|4|priority",
		"orphan.contact|blocker|related.csv|3|contact",
		"orphan.matter|blocker|mail.mbox|2|matter",
		"balance.negative|blocker|trust.csv|3|amount",
		"orphan.matter|blocker||0|matter", // the A/R balance computed for matter 12-0000
		// "acme holdings inc" is both C3 (clients.csv) and O2 (outlook.csv), the
		// duplicate pair: which one is the client is not guessed
		"parent.ambiguous|blocker|matters.csv|9|client",
	}
	var got []string
	byKey := map[string]workspace.StoredFinding{}
	for _, f := range findings(t, ws, "check") {
		k := fmt.Sprintf("%s|%s|%s|%d|%s", f.Rule, f.Severity, f.Source, f.Row, f.Field)
		got = append(got, k)
		if f.Rule == model.RuleParentAmbiguous && (!strings.Contains(f.Message, "Acme Holdings Inc. (PCLaw:contacts:C3)") ||
			!strings.Contains(f.Message, "Acme Holdings, Inc (Outlook:contacts:O2)")) {
			t.Errorf("the ambiguous client's finding does not name both candidates: %s", f.Message)
		}
		byKey[k] = f
		if f.Message == "" || f.Fix == "" {
			t.Errorf("%s: message %q fix %q", k, f.Message, f.Fix)
		}
	}
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings differ\n got:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	if res.Ready || res.Summary.BySeverity[model.Blocker] == 0 {
		t.Errorf("a project with blockers is ready: %+v", res.Summary)
	}
	if res.Clusters != 3 || res.Counts.Records[model.Contacts] != 14 {
		t.Errorf("clusters %d, contacts %d", res.Clusters, res.Counts.Records[model.Contacts])
	}
	if res.Balances.TrustBalances != 2 || res.Balances.ARBalances != 1 {
		t.Errorf("balances %+v", res.Balances)
	}
	if stages[0] != "balances" || stages[len(stages)-1] != "done" {
		t.Errorf("stages %v", stages)
	}

	// Plain words, with the evidence.
	if f := byKey["email.invalid|blocker|clients.csv|8|email"]; !strings.Contains(f.Message, "phone number, not an e-mail") || f.Value != "555-201-3344" || f.RecordKey != "PCLaw:contacts:C7" || f.RowID == 0 {
		t.Errorf("email finding: %+v", f)
	}
	if f := byKey["orphan.client|blocker|matters.csv|4|client"]; !strings.Contains(f.Fix, "Add the client in PCLaw") || f.Value != "C99" {
		t.Errorf("orphan client: %+v", f)
	}
	if f := byKey["user.unmatched|blocker|matters.csv|9|responsible_attorney"]; f.Value != "XX" || f.Detail["records"] != float64(2) || !strings.Contains(f.Message, "2 records use it") {
		t.Errorf("user finding: %+v", f)
	}
	if f := byKey["name.wrong_column|warning|clients.csv|6|first_name"]; !strings.Contains(f.Fix, `"John" in First name and "Walsh" in Last name`) {
		t.Errorf("wrong column: %+v", f)
	}
	if f := byKey["balance.negative|blocker|trust.csv|3|amount"]; f.Value != "-500.00" || f.Entity != model.TrustBalances || f.RecordKey != "trust:matter:16-1001" {
		t.Errorf("negative trust: %+v", f)
	}
	if f := byKey["duplicate.contact|warning|outlook.csv|2|contact"]; f.Detail["cluster"] != "dup:PCLaw:contacts:C1" ||
		!strings.Contains(fmt.Sprint(f.Detail["why"]), "same phone +16502530001") ||
		!strings.Contains(fmt.Sprint(f.Detail["why"]), "names Robert Smith ~ Bob Smith (1.00)") {
		t.Errorf("duplicate: %+v", f)
	}

	// The ingest finding is untouched; a second run replaces, never adds.
	if in := findings(t, ws, "ingest"); len(in) != 1 || in[0].Rule != model.RuleDateAmbiguous {
		t.Errorf("ingest findings: %+v", in)
	}
	if _, err := Run(ctx, ws, opts, nil); err != nil {
		t.Fatal(err)
	}
	if n := len(findings(t, ws, "check")); n != len(want) {
		t.Errorf("second run: %d findings, want %d", n, len(want))
	}
}

func TestUsersBeforeSignInAreInfo(t *testing.T) {
	ws := plantedProject(t)
	if _, err := Run(context.Background(), ws, Options{Now: now}, nil); err != nil {
		t.Fatal(err)
	}
	users := map[string]workspace.StoredFinding{}
	for _, f := range findings(t, ws, "check") {
		if f.Rule == model.RuleUserUnmatched {
			users[f.Value] = f
		}
	}
	// HL, JH, XX, hlane@firm.com, Helen Lane: one finding each, all info.
	if len(users) != 5 {
		t.Fatalf("user findings: %v", users)
	}
	for v, f := range users {
		if f.Severity != model.Info {
			t.Errorf("%s: %s before sign-in", v, f.Severity)
		}
	}
	if f := users["HL"]; f.Detail["records"] != float64(10) || f.Source != "matters.csv" || f.Row != 2 {
		t.Errorf("HL: %+v", f)
	}
}

func TestCleanProjectIsReady(t *testing.T) {
	ws := newWS(t)
	load(t, ws, "c.csv", "PCLaw", item{row: 2, entity: model.Contacts, id: "1", data: person("Ada", "Lovelace", []string{"ada@example.com"}, "212-555-0100")})
	load(t, ws, "m.csv", "PCLaw", item{row: 2, entity: model.Matters, id: "1", data: matter("1", cid("1"), "Engines", "Open", "2024-01-01", "", "Helen Lane")})
	res, err := Run(context.Background(), ws, Options{Now: now, ClioUsers: clioUsers("Helen Lane")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Ready || res.Summary.Total != 0 {
		t.Errorf("clean project: %+v %v", res, findings(t, ws, ""))
	}
}

func TestAmbiguousInitials(t *testing.T) {
	m := newUserMatcher(clioUsers("Helen Lane", "Harry Long", "james harbor <jh@firm.com>"))
	if got := m.match("HL"); len(got) != 2 {
		t.Errorf("HL → %v", got)
	}
	for _, s := range []string{"Lane, Helen", "helen  lane", "JH", "JH@firm.com"} {
		if got := m.match(s); len(got) != 1 {
			t.Errorf("%s → %v", s, got)
		}
	}
}
