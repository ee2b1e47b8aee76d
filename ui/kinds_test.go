package ui

import (
	"strings"
	"testing"

	"handover/core/check"
	"handover/importers/mail"
	"handover/importers/mapping"
	"handover/importers/tabular"
)

// core/check spells the importers' rule ids as strings (core does not import
// the importers); the screens show check.KindOf for every finding, so each of
// the importers' rules must be one of its kinds.
func TestImportersRulesHaveKinds(t *testing.T) {
	known := map[string]bool{}
	for _, k := range check.Kinds() {
		known[k.Rule] = true
	}
	for _, r := range []string{tabular.RuleShortRow, mail.RuleDateFallback, mapping.RuleLedgerBalanceDiffers,
		mapping.RuleNoTimeZone, mapping.RuleUnmapped, mapping.RuleUnknownTable, mapping.RuleReadingQuestion,
		mapping.RuleLinkQuestion, mapping.RuleLookupTable} {
		if !known[r] {
			t.Errorf("%s has no kind in core/check: the screens would show its id", r)
		}
	}
}

// The record dialog says what a finding's kind means, in core/check's words.
func TestRecordDialogExplainsTheKind(t *testing.T) {
	u, r := checkedDemo(t)
	f, ok := r.FindingAt(0)
	if !ok {
		t.Fatal("no finding")
	}
	k := check.KindOf(f.Rule)
	if k.Help == "" {
		t.Fatalf("%s has no kind in core/check", f.Rule)
	}
	d := r.ShowRecord(f)
	u.Settle()
	text := overlayText(u)
	d.Hide()
	if !strings.Contains(text, k.Help) || !strings.Contains(text, k.Label) {
		t.Errorf("the dialog of a %s finding does not say %q:\n%s", f.Rule, k.Help, text)
	}
}
