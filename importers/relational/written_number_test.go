package relational

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// dossiers is a German firm's folder: a files table keyed by a database row
// id (AK_ID 1, 2, 3 … after its description) that the time and notes
// tables link by, with the file number people write (SIGNATUR 24101 …)
// further right. number writes the SIGNATUR of file i; extra adds a
// column to the files table.
func dossiers(t *testing.T, number func(i int) string, extra func(i int) string) []string {
	t.Helper()
	var cl, mt, tm, nt strings.Builder
	cl.WriteString("KD_ID,VORNAME,NACHNAME,EMAIL\n")
	mt.WriteString("BEZEICHNUNG,AK_ID,MANDANT,SIGNATUR,ANGELEGT,EXTRA\n")
	tm.WriteString("ZE_ID,DATUM,AK_ID,MINUTEN,TAETIGKEIT\n")
	nt.WriteString("LFD,AK_ID,DATUM,VERMERK\n")
	first := []string{"Anna", "Bernd", "Clara", "Dieter", "Elke", "Frank", "Greta"}
	last := []string{"Maier", "Schulz", "Wagner", "Becker", "Hoffmann", "Koch", "Richter", "Wolf"}
	for i := 1; i <= 20; i++ {
		fmt.Fprintf(&cl, "%d,%s,%s,%s.%s%d@post.example\n", i, first[i%7], last[i%8], strings.ToLower(first[i%7]), strings.ToLower(last[i%8]), i)
	}
	for i := 1; i <= 14; i++ {
		fmt.Fprintf(&mt, "Mietsache %s,%d,%s %s,%s,2024-02-%02d,%s\n", last[(i+3)%8], i, first[i%7], last[i%8], number(i), i, extra(i))
	}
	for i := 1; i <= 45; i++ {
		fmt.Fprintf(&tm, "%d,2024-04-%02d,%d,%d,Schriftsatz entworfen\n", i, 1+i%28, 1+i%14, 6*(1+i%20))
		fmt.Fprintf(&nt, "%d,%d,2024-04-%02d,Telefonat mit dem Mandanten über die Mietsache; weiteres Vorgehen besprochen.\n", i, 1+i%14, 1+i%28)
	}
	return writeFolder(t, map[string]string{"MANDANTEN.csv": cl.String(), "AKTEN.csv": mt.String(), "ZEITEN.csv": tm.String(), "VERMERKE.csv": nt.String()})
}

// The number a matter is known by is the one written for people, not the
// row id the other tables link by: AK_ID 1, 2, 3 … is counted up one a
// row and every link is by it, SIGNATUR 24101 … is unique on every row
// beyond it. The matter number is SIGNATUR and the links by AK_ID
// are decoded into it, and AK_ID is asked about as no link. A second such column, or a number column that falls
// inside the ids' own range, leaves the id as the number: no guess.
func TestMatterNumberWrittenBesideTheRowIDOthersLinkBy(t *testing.T) {
	none := func(int) string { return "" }
	paths := dossiers(t, func(i int) string { return fmt.Sprint(24100 + i) }, none)
	res := analyzeFolder(t, paths)
	if h := holds(res); h["AKTEN"] != "matters" || h["ZEITEN"] != "time_entries" || h["VERMERKE"] != "notes" {
		t.Fatalf("tables typed %v", h)
	}
	got := targets(planOf(t, res, paths, "AKTEN.csv"))
	if got["SIGNATUR"] != "matter" || got["AK_ID"] == "matter" {
		t.Errorf("AKTEN.csv targets %v, want SIGNATUR as the matter number and AK_ID not", got)
	}
	// AK_ID 1 … 14 fits MANDANTEN's KD_ID 1 … 20 and ZEITEN's ZE_ID 1 … 45
	// as well, but the others link by it as AKTEN's rows: it is AKTEN's own
	// key, not a question (read as a database, where questions stay)
	db, err := Analyze(context.Background(), paths, Options{Keep: func(string) bool { return true }})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		if strings.HasSuffix(p, "/AKTEN.csv") {
			read, _ := db.Read(p)
			if h, _ := db.Hints(p, &read.Tables[0].Table); len(h.Questions) > 0 {
				t.Errorf("AKTEN.csv asks %+v", h.Questions)
			}
		}
	}
	for _, file := range []string{"ZEITEN.csv", "VERMERKE.csv"} {
		for _, p := range paths {
			if !strings.HasSuffix(p, "/"+file) {
				continue
			}
			read, _ := res.Read(p)
			h, _ := res.Hints(p, &read.Tables[0].Table)
			c := h.Columns["AK_ID"]
			if c.Target != "matter" || c.Decode["1"] != "24101" || c.Decode["14"] != "24114" || len(c.Decode) != 14 {
				t.Errorf("%s AK_ID: target %q, decode %v; want the matter, 1 → 24101 … 14 → 24114", file, c.Target, c.Decode)
			}
		}
	}

	// SIGNATUR 5 … 18 overlaps the ids 1 … 14: another count, not a number beyond them
	paths = dossiers(t, func(i int) string { return fmt.Sprint(4 + i) }, none)
	res = analyzeFolder(t, paths)
	if got := targets(planOf(t, res, paths, "AKTEN.csv")); got["SIGNATUR"] == "matter" {
		t.Errorf("overlapping count taken as the matter number: %v", got)
	}

	// two unique numbers beyond the ids: which one people write is not known
	paths = dossiers(t, func(i int) string { return fmt.Sprint(24100 + i) }, func(i int) string { return fmt.Sprint(7700 + 3*i) })
	res = analyzeFolder(t, paths)
	if got := targets(planOf(t, res, paths, "AKTEN.csv")); got["SIGNATUR"] == "matter" || got["EXTRA"] == "matter" {
		t.Errorf("one of two numbers guessed as the matter number: %v", got)
	}
}
