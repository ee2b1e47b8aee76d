package tabular

import (
	"strings"
	"testing"
)

func TestParseMDBSchemaRelations(t *testing.T) {
	text := `CREATE TABLE "tblClients" ( "ClientID" INTEGER, "Name" VARCHAR (50) );
-- Relationships
ALTER TABLE "tblMatters" ADD CONSTRAINT "tblMatters_ClientID_fk" FOREIGN KEY ("ClientID") REFERENCES "tblClients"("ClientID") ON UPDATE CASCADE ON DELETE RESTRICT;
ALTER TABLE [Time Slips] ADD CONSTRAINT [Slip_Matter] FOREIGN KEY ([Matter No]) REFERENCES [tblMatters] ([MatterNo]);
`
	var s Schema
	parseMDBSchema(text, &s)
	want := []ForeignKey{{"tblMatters", "ClientID", "tblClients", "ClientID"}, {"Time Slips", "Matter No", "tblMatters", "MatterNo"}}
	if len(s.Foreign) != len(want) {
		t.Fatalf("foreign keys %+v, want %+v", s.Foreign, want)
	}
	for i := range want {
		if s.Foreign[i] != want[i] {
			t.Errorf("foreign key %d = %+v, want %+v", i, s.Foreign[i], want[i])
		}
	}
}

// FuzzParseMDBSchema: whatever mdb-schema prints, the parser neither panics
// nor returns a link with a missing part.
func FuzzParseMDBSchema(f *testing.F) {
	f.Add(`ALTER TABLE "a" ADD CONSTRAINT "c" FOREIGN KEY ("x") REFERENCES "b"("y");`)
	f.Add(`ALTER TABLE [a b] ADD CONSTRAINT [c] FOREIGN KEY ([x]) REFERENCES [b] ([y])`)
	f.Add("")
	f.Fuzz(func(t *testing.T, text string) {
		var s Schema
		parseMDBSchema(text, &s)
		for _, k := range s.Foreign {
			if strings.TrimSpace(k.Table) == "" || strings.TrimSpace(k.Column) == "" || strings.TrimSpace(k.Parent) == "" || strings.TrimSpace(k.ParentColumn) == "" {
				t.Fatalf("incomplete link %+v from %q", k, text)
			}
		}
	})
}
