package ui

import (
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
