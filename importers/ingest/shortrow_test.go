package ingest

import (
	"context"
	"path/filepath"
	"testing"

	"handover/core/model"
	"handover/core/workspace"
	"handover/importers/tabular"
)

// A CSV row that lost only its last field becomes a record with a row-level
// finding saying so; a shifted row is rejected with its reason.
func TestIngestShortRowIsReadWithAFinding(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "contacts.csv"), []byte("First Name,Last Name,E-mail Address,Notes\n"+
		"Ada,Lovelace,ada@example.com,x\nAlan,Turing,alan@example.com,y\nGrace,Hopper,grace@example.com,z\n"+
		"Edsger,Dijkstra,ewd@example.com\n"+ // no Notes field at all
		"Barbara,Liskov,bl@example.com,w,extra\n")) // a value past the header: shifted
	ws, err := workspace.Create(filepath.Join(t.TempDir(), "f.handover"))
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	res, err := Run(ctx, ws, []string{dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := res.Sources[0]
	if s.Rows != 5 || s.Records != 4 || s.Rejected != 1 {
		t.Errorf("rows %d records %d rejected %d, want 5, 4, 1", s.Rows, s.Records, s.Rejected)
	}
	var short []workspace.StoredFinding
	ws.EachFinding(ctx, workspace.FindingFilter{Rule: tabular.RuleShortRow}, func(f workspace.StoredFinding) error {
		short = append(short, f)
		return nil
	})
	if len(short) != 1 || short[0].Row != 5 || short[0].Severity != model.Warning {
		t.Errorf("short-row findings %+v", short)
	}
}
