package relational

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// fakeAccess puts mdb-tables, mdb-export and mdb-schema scripts on PATH that
// serve an Access database's tables and its relationships the way mdbtools
// prints them (there are no Access writers on Linux to build a real file).
func fakeAccess(t *testing.T, tables map[string]string, relations string) string {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "office.mdb")
	b := make([]byte, 4096)
	copy(b[4:], "Standard Jet DB\x00")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	script := func(name, body string) {
		if err := os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/sh\n"+body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	var cases strings.Builder
	for name, csv := range tables {
		names = append(names, name)
		if err := os.WriteFile(filepath.Join(dir, name+".csv"), []byte(csv), 0o644); err != nil {
			t.Fatal(err)
		}
		cases.WriteString(name + `) cat "` + filepath.Join(dir, name+".csv") + `" ;;` + "\n")
	}
	script("mdb-tables", `printf '`+strings.Join(names, `\n`)+`\n'`+"\n")
	script("mdb-export", "case \"$4\" in\n"+cases.String()+"*) exit 1 ;;\nesac\n")
	if err := os.WriteFile(filepath.Join(dir, "schema.sql"), []byte(relations), 0o644); err != nil {
		t.Fatal(err)
	}
	script("mdb-schema", `[ "$1" = "--relations" ] || exit 2
cat "`+filepath.Join(dir, "schema.sql")+`"
`)
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	return path
}

// An Access relationship is followed even where neither the column's name
// nor its values alone would make it a link (Party: plain numbers).
func TestAccessRelationshipsAreDeclaredLinks(t *testing.T) {
	clients := "ID,FirstName,LastName,EMail\n"
	matters := "ID,FileNo,Party,Title\n"
	notes := "ID,FileNo,Written,Memo\n"
	for i, n := range []string{"Ana Ruiz", "Bo Chen", "Cy Diaz", "Di Egan", "Ed Fox", "Flo Gray"} {
		f, l, _ := strings.Cut(n, " ")
		clients += strconv.Itoa(i+1) + "," + f + "," + l + "," + strings.ToLower(f) + "@mail.example\n"
		matters += strconv.Itoa(i+1) + ",F-" + strconv.Itoa(100+i) + "," + strconv.Itoa(6-i) + ",Advice on lease " + strconv.Itoa(i) + "\n"
		notes += strconv.Itoa(i+1) + ",F-" + strconv.Itoa(100+(i*2)%6) + ",2024-02-0" + strconv.Itoa(i+1) + " 00:00:00,\"Long attendance note about the lease, the landlord's letter and the next steps.\"\n"
	}
	relations := `-- ----------------------------------------------------------
-- Relationships
ALTER TABLE "tblMatters" ADD CONSTRAINT "tblMatters_Party_fk" FOREIGN KEY ("Party") REFERENCES "tblClients"("ID") ON UPDATE CASCADE ON DELETE RESTRICT;
`
	path := fakeAccess(t, map[string]string{"tblClients": clients, "tblMatters": matters, "tblNotes": notes}, relations)
	res, err := Analyze(context.Background(), []string{path}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := holds(res)
	if got["tblClients"] != "contacts" || got["tblMatters"] != "matters" || got["tblNotes"] != "notes" {
		t.Fatalf("tables hold %v", got)
	}
	var party, file bool
	for _, tr := range res.Tables {
		for _, l := range tr.Links {
			party = party || tr.Table == "tblMatters" && l.Column == "Party" && l.Parent == "tblClients" && l.Declared
			file = file || tr.Table == "tblNotes" && l.Column == "FileNo" && l.Parent == "tblMatters" && !l.Declared
		}
	}
	if !party || !file {
		t.Errorf("declared Party link %v, conventional FileNo link %v: %+v", party, file, res.Tables)
	}
}
