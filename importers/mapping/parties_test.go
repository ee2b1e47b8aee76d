package mapping

import (
	"testing"

	"handover/core/model"
)

// TestPartyListsInTheirCommonShapes: matter + a person (full name, name
// parts, or only an e-mail) + role, under different words and orders, is a
// related contact whose person is carried along; a legacy contact id links
// directly instead.
func TestPartyListsInTheirCommonShapes(t *testing.T) {
	cases := []struct {
		file   string
		header []string
		row    []string
		want   model.Ref
		role   string
		party  string
	}{
		{"parties.csv", []string{"Matter", "Name", "Role", "Email"}, []string{"2024-017", "Bob Stone", "Opposing Counsel", "BStone@law.example"},
			model.Ref{Kind: "email", Value: "bstone@law.example"}, "Opposing Counsel", "Bob Stone"},
		{"export.csv", []string{"Party Role", "Last Name", "First Name", "Case No"}, []string{"Witness", "Okafor", "Chidi", "2023-101"},
			model.Ref{Kind: "name", Value: "Chidi Okafor"}, "Witness", "Chidi Okafor"},
		{"beteiligte.csv", []string{"Aktenzeichen", "Beteiligter", "Rolle", "Telefon"}, []string{"16-1001", "Müller GmbH", "Gegner", "+49 30 1234"},
			model.Ref{Kind: "name", Value: "Müller GmbH"}, "Gegner", "Müller GmbH"},
		{"partes.csv", []string{"Expediente", "Correo", "Rol"}, []string{"A-7", "perito@example.es", "Perito"},
			model.Ref{Kind: "email", Value: "perito@example.es"}, "Perito", "perito@example.es"},
		// a phone number typed in the e-mail column names nobody: the name does
		{"parties.csv", []string{"Matter", "Name", "Role", "Email"}, []string{"2024-017", "Bob Stone", "Judge", "(617) 368-9060"},
			model.Ref{Kind: "name", Value: "Bob Stone"}, "Judge", "Bob Stone"},
	}
	for _, c := range cases {
		p, outs := run(t, c.file, c.header, [][]string{c.row}, nil, "")
		if p.kind != "relationships" || len(outs[0].Records) != 1 {
			t.Fatalf("%s: kind %q, outcome %+v", c.file, p.kind, outs[0])
		}
		rel := outs[0].Records[0].Data.(*model.Relationship)
		if rel.Contact != c.want || rel.Description != c.role || rel.Matter.Kind != "number" || rel.Party == nil || model.DisplayName(rel.Party) != c.party {
			t.Errorf("%s: %+v party %+v", c.file, rel, rel.Party)
		}
	}
	_, outs := run(t, "p.csv", []string{"Matter", "Contact ID", "Name", "Role"}, [][]string{{"2024-017", "C-12", "Ada Lovelace", "Expert"}}, Memory{"contactid": "contact"}, "")
	if rel := outs[0].Records[0].Data.(*model.Relationship); rel.Contact != (model.Ref{Kind: "id", Value: "C-12"}) || rel.Party != nil {
		t.Errorf("by id: %+v", rel)
	}
	_, outs = run(t, "p.csv", []string{"Matter", "Name", "Role"}, [][]string{{"", "Bob", "Witness"}, {"2024-017", "", "Witness"}}, nil, "")
	if outs[0].Reject == "" || outs[1].Reject == "" {
		t.Errorf("rows without matter or person: %+v", outs)
	}
}

// TestClientColumnHoldingNamesLinksByName: a column named Client that holds
// names (no digits) links by name; one holding codes links by legacy id.
func TestClientColumnHoldingNamesLinksByName(t *testing.T) {
	for v, want := range map[string]model.Ref{
		"Peter Zimmermann": {Kind: "name", Value: "Peter Zimmermann"},
		"Harbor LLC":       {Kind: "name", Value: "Harbor LLC"},
		"Smith, Jane":      {Kind: "name", Value: "Smith, Jane"},
		"1042":             {Kind: "id", Value: "1042"},
		"SMITH01":          {Kind: "id", Value: "SMITH01"},
		"HARBOR":           {Kind: "id", Value: "HARBOR"},
	} {
		_, outs := run(t, "matters.csv", []string{"Matter", "Client", "Description"}, [][]string{{"2024-017", v, "x"}}, nil, "")
		if got := outs[0].Records[0].Data.(*model.Matter).Client; got != want {
			t.Errorf("%q: %+v, want %+v", v, got, want)
		}
	}
}
