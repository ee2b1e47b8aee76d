package check

import (
	"context"
	"sort"
	"strings"
	"testing"

	"handover/core/model"
)

// A link upload would drop (a person's employer, a call's contact) is a
// warning naming what it matched; an employer listed after its people is
// found (the check waits for every contact), and one written differently
// ("Acme Corp." for "ACME Corporation") is found too. "Ana M. Ruiz" as a
// matter's client is the contact Ana / M. / Ruiz: no finding at all.
func TestLinksUploadWouldDrop(t *testing.T) {
	ctx := context.Background()
	ws := newWS(t)
	emp := func(first, last, company string) *model.Contact {
		c := person(first, last, nil)
		c.Company = model.Ref{Kind: "name", Value: company}
		return c
	}
	ana := person("Ana", "Ruiz", nil)
	ana.MiddleName = "M."
	m := matter("24-001", model.Ref{Kind: "name", Value: "Ana M. Ruiz"}, "Ruiz estate", "Open", "", "", "")
	load(t, ws, "people.csv", "PCLaw",
		item{row: 2, entity: model.Contacts, id: "1", data: emp("Bo", "Ek", "Acme Corp.")},
		item{row: 3, entity: model.Contacts, id: "2", data: emp("Cy", "Fo", "Nowhere LLC")},
		item{row: 4, entity: model.Contacts, id: "3", data: &model.Contact{Type: "Company", Name: "ACME Corporation"}},
		item{row: 5, entity: model.Contacts, id: "4", data: ana},
		item{row: 2, entity: model.Matters, id: "1", data: m},
		item{row: 2, entity: model.PhoneLogs, id: "1", data: &model.Communication{Subject: "Call", ReceivedAt: "2024-01-02T10:00:00Z",
			Contact: model.Ref{Kind: "name", Value: "Ghost Caller"}}},
	)
	if _, err := Run(ctx, ws, Options{Country: "US"}, nil); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range findings(t, ws, "check") {
		switch f.Rule {
		case model.RuleLinkUnresolved:
			got = append(got, f.Source+"|"+f.Field+"|"+f.Value)
			if f.Severity != model.Warning || !strings.Contains(f.Message, "uploaded without that link") {
				t.Errorf("link finding: %+v", f)
			}
		case model.RuleOrphanClient, model.RuleParentAmbiguous, model.RuleMatterMissingClient:
			t.Errorf("the client written with a middle initial was not found: %+v", f)
		}
	}
	sort.Strings(got)
	want := "people.csv|company|Nowhere LLC\npeople.csv|contact|Ghost Caller"
	if strings.Join(got, "\n") != want {
		t.Errorf("link findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), want)
	}
}
