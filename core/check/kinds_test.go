package check

import (
	"testing"

	"handover/core/model"
)

func TestKindsSayWhatEveryRuleIs(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range Kinds() {
		if seen[k.Rule] {
			t.Errorf("%s listed twice", k.Rule)
		}
		seen[k.Rule] = true
		if k.Label == "" || k.Help == "" {
			t.Errorf("%s: label %q, help %q: both are shown to the user", k.Rule, k.Label, k.Help)
		}
		switch k.Severity {
		case model.Blocker, model.Warning, model.Info:
		default:
			t.Errorf("%s: severity %q", k.Rule, k.Severity)
		}
		if got := KindOf(k.Rule); got != k {
			t.Errorf("KindOf(%s) = %+v, want %+v", k.Rule, got, k)
		}
	}
	// the rules the check writes that core/model names
	for _, r := range append([]string{model.RuleOrphanMatter, model.RuleDuplicateContact, model.RuleBalanceNegative, RuleEnumInvalid, RuleDateInvalid}, model.MissingPersonRules...) {
		if !seen[r] {
			t.Errorf("%s has no kind", r)
		}
	}
}

func TestKindOfAnUnknownRuleIsNeverHarmless(t *testing.T) {
	k := KindOf("ledger.new_thing")
	if k.Label != "Ledger new thing" || k.Severity != model.Blocker {
		t.Errorf("KindOf(unknown) = %+v", k)
	}
}
