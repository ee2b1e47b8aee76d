package mapping

import (
	"testing"

	"handover/core/model"
)

// TestTablesInOtherLanguagesAndNamings: contact, matter and note lists whose
// headers are French, Spanish or German words, in the naming conventions
// exports use (spaced, CamelCase, UPPER_SNAKE), are read as such.
func TestTablesInOtherLanguagesAndNamings(t *testing.T) {
	contacts := []struct {
		header []string
		row    []string
	}{
		{[]string{"ID Cliente", "Nombre", "Apellido", "Empresa", "Correo", "Teléfono", "Dirección", "Ciudad"}, []string{"7", "Ana", "Ruiz", "", "ana@x.es", "+34 91 1", "Calle 1", "Madrid"}},
		{[]string{"NO_CLIENT", "PRENOM", "NOM", "SOCIETE", "COURRIEL", "VILLE"}, []string{"7", "Ana", "Ruiz", "", "ana@x.es", "Madrid"}},
		{[]string{"Mandantennummer", "Vorname", "Nachname", "Firma", "EMailAdresse", "Straße", "PLZ", "Ort"}, []string{"7", "Ana", "Ruiz", "", "ana@x.es", "Hauptstr. 1", "10115", "Berlin"}},
	}
	for _, c := range contacts {
		p, outs := run(t, "x.csv", c.header, [][]string{c.row}, nil, "")
		if p.kind != "contacts" || len(outs[0].Records) == 0 {
			t.Fatalf("%v: %q %+v", c.header, p.kind, outs[0])
		}
		ct := outs[0].Records[0].Data.(*model.Contact)
		if ct.FirstName != "Ana" || ct.LastName != "Ruiz" || len(ct.Emails) != 1 || outs[0].Records[0].Key != p.Profile+":contacts:7" {
			t.Errorf("%v: %+v key %s", c.header, ct, outs[0].Records[0].Key)
		}
	}
	matters := []struct {
		header []string
		row    []string
	}{
		{[]string{"MatterID", "NumExpediente", "Cliente", "Descripción", "Estado", "FechaApertura"}, []string{"3", "2024/0017", "Ruiz", "Despido", "Abierto", "2024-02-01"}},
		{[]string{"ID", "No Dossier", "Client", "Objet", "Statut", "Date Ouverture"}, []string{"3", "2024/0017", "Ruiz", "Licenciement", "Open", "2024-02-01"}},
		{[]string{"AKTEN_ID", "AKTENZEICHEN", "MANDANT", "GEGENSTAND", "STATUS", "ANGELEGT"}, []string{"3", "2024/0017", "Ruiz", "Kündigung", "offen", "2024-02-01"}},
	}
	for _, c := range matters {
		p, outs := run(t, "m.csv", c.header, [][]string{c.row}, nil, "")
		if p.kind != "matters" || len(outs[0].Records) == 0 {
			t.Fatalf("%v: %q %+v", c.header, p.kind, outs[0])
		}
		m := outs[0].Records[0].Data.(*model.Matter)
		// the id column keys the record (other tables refer to the matter by it); the number is shown
		if m.DisplayNumber != "2024/0017" || m.OpenDate != "2024-02-01" || m.Client.Value != "Ruiz" || outs[0].Records[0].Key != p.Profile+":matters:3" {
			t.Errorf("%v: %+v key %s", c.header, m, outs[0].Records[0].Key)
		}
	}
	// A "Matter ID" alone is the matter number.
	_, outs := run(t, "m.csv", []string{"Matter ID", "Client", "Description"}, [][]string{{"2024-017", "Ruiz", "Lease"}}, nil, "")
	if m := outs[0].Records[0].Data.(*model.Matter); m.DisplayNumber != "2024-017" {
		t.Errorf("matter id alone: %+v", m)
	}
	// A Spanish note list is notes, not calendar events.
	p, outs := run(t, "n.csv", []string{"ID", "Expediente", "Fecha", "Autor", "Asunto", "Texto"}, [][]string{{"1", "2024/0017", "2024-03-01", "TS", "Llamada", "Habló con el cliente."}}, nil, "")
	if p.kind != "notes" {
		t.Fatalf("note list read as %q", p.kind)
	}
	if n := outs[0].Records[0].Data.(*model.Note); n.Matter.Value != "2024/0017" || n.Detail != "Habló con el cliente." || n.Author != "TS" {
		t.Errorf("%+v", n)
	}
}

// TestMatterStatusWordsInOtherLanguages: Clio's three statuses from the
// words French, Spanish and German exports use.
func TestMatterStatusWordsInOtherLanguages(t *testing.T) {
	for word, want := range map[string]string{"Cerrado": "Closed", "Clos": "Closed", "Abgeschlossen": "Closed", "En attente": "Pending", "Pendiente": "Pending", "Abierto": "Open", "En cours": "Open"} {
		_, outs := run(t, "m.csv", []string{"Matter No", "Client", "Description", "Status"}, [][]string{{"2024-017", "Ruiz", "x", word}}, nil, "")
		if got := outs[0].Records[0].Data.(*model.Matter).Status; got != want {
			t.Errorf("%q: %q, want %q", word, got, want)
		}
	}
}
