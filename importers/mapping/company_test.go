package mapping

import (
	"testing"

	"handover/core/model"
)

// A contacts list whose firm rows leave the person's name empty names the
// firm in a column no alias knows (ENTITE here): the column filled on
// every row without a person's name, and empty on the rows with one, is the
// company. A column filled on every row (a reference) is not, and when two
// columns fit, neither is taken.
func TestCompanyByValues(t *testing.T) {
	header := []string{"Vorname", "Nachname", "ENTITE", "REF", "E-mail"}
	rows := [][]string{
		{"Ana", "Ruiz", "", "K1001", "ana@x.example"},
		{"", "", "Nordlicht Bäckerei", "K1002", "info@nordlicht.example"},
		{"Ben", "Okafor", "", "K1003", "ben@x.example"},
		{"", "", "Weber & Söhne", "K1004", "post@weber.example"},
		{"Cy", "Lam", "", "K1005", "cy@x.example"},
	}
	p, err := Choose("adressen.csv", "", header, rows, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	if p.kind != "contacts" {
		t.Fatalf("kind %q, want contacts", p.kind)
	}
	if c := p.Columns[2]; c.Target != "company" || c.Via != ViaValues {
		t.Errorf("ENTITE: %q via %q, want company by values", c.Target, c.Via)
	}
	if c := p.Columns[3]; c.Target == "company" {
		t.Errorf("REF (filled on every row) read as the company")
	}
	p.Finish()
	out := p.Map(rows[1])
	if len(out.Records) == 0 {
		t.Fatalf("row 2: %+v", out)
	}
	if c, ok := out.Records[0].Data.(*model.Contact); !ok || c.Type != "Company" || c.Name != "Nordlicht Bäckerei" {
		t.Errorf("row 2: %+v, want the company Nordlicht Bäckerei", out.Records[0].Data)
	}

	// two columns that both fit: the values do not say which
	twice := [][]string{
		{"Ana", "Ruiz", "", "", "ana@x.example"},
		{"", "", "Nordlicht Bäckerei", "Bäckerei", "info@nordlicht.example"},
		{"Ben", "Okafor", "", "", "ben@x.example"},
		{"", "", "Weber & Söhne", "Schreinerei", "post@weber.example"},
	}
	p, err = Choose("adressen.csv", "", []string{"Vorname", "Nachname", "ENTITE", "BRANCHE", "E-mail"}, twice, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range p.Columns {
		if c.Target == "company" {
			t.Errorf("%s read as the company though two columns fit", c.Header)
		}
	}
}

// A list with a single firm among its people: one row is thin evidence, so
// the column is the company only where that firm's name reads as a firm's
// (a legal form); a lone nickname in a column is not taken.
func TestCompanyByValuesOneFirm(t *testing.T) {
	header := []string{"PRENOM", "NOM_FAM", "RS", "TEL"}
	rows := [][]string{
		{"Ana", "Ruiz", "", "555-0101"},
		{"Ben", "Okafor", "", "555-0102"},
		{"", "", "Harbour Freight Ltd.", "555-0103"},
		{"Cy", "Lam", "", "555-0104"},
		{"Dee", "Moss", "", "555-0105"},
	}
	p, err := Choose("contacts.csv", "", header, rows, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	if p.kind != "contacts" {
		t.Fatalf("kind %q, want contacts", p.kind)
	}
	if c := p.Columns[2]; c.Target != "company" || c.Via != ViaValues {
		t.Errorf("RS: %q via %q, want company by values", c.Target, c.Via)
	}
	p.Finish()
	out := p.Map(rows[2])
	if len(out.Records) == 0 {
		t.Fatalf("row 3: %+v", out)
	}
	if c, ok := out.Records[0].Data.(*model.Contact); !ok || c.Type != "Company" || c.Name != "Harbour Freight Ltd." {
		t.Errorf("row 3: %+v, want the company Harbour Freight Ltd.", out.Records[0].Data)
	}

	rows[2][2] = "Nan" // one value, not a firm's name: not enough to say
	p, err = Choose("contacts.csv", "", header, rows, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	if c := p.Columns[2]; c.Target == "company" {
		t.Errorf("RS read as the company from one value that is no firm's name")
	}
}
