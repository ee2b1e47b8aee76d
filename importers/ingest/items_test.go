package ingest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"handover/core/model"
	"handover/core/workspace"
	"handover/importers/mail"
)

// An email without a Date header reaches the project with a date (Clio
// refuses an empty received_at) and an info finding saying where it came from.
func TestIngestEmailWithoutDateGetsOneAndSaysWhere(t *testing.T) {
	dir := t.TempDir()
	box := filepath.Join(dir, "inbox.mbox")
	write(t, box, []byte("From a@example.com Tue Mar 12 10:00:00 2024\nFrom: a@example.com\nSubject: No date\n\nhello\n"))
	eml := filepath.Join(dir, "letter.eml")
	write(t, eml, []byte("From: b@example.com\nSubject: Also undated\n\nhi\n"))
	mtime := time.Date(2023, 5, 6, 7, 8, 9, 0, time.UTC)
	if err := os.Chtimes(eml, mtime, mtime); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ws, err := workspace.Create(filepath.Join(t.TempDir(), "d.handover"))
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if _, err := Run(ctx, ws, []string{dir}, Options{}); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{} // source → received_at
	err = ws.EachRecord(ctx, workspace.RecordFilter{Entity: model.Emails}, func(r workspace.StoredRecord) error {
		got[r.Prov.Source] = r.Data.(*model.Communication).ReceivedAt
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got["inbox.mbox"] != "2024-03-12T10:00:00Z" || got["letter.eml"] != "2023-05-06T07:08:09Z" {
		t.Errorf("received_at by source: %v", got)
	}
	var findings []workspace.StoredFinding
	err = ws.EachFinding(ctx, workspace.FindingFilter{Rule: mail.RuleDateFallback}, func(f workspace.StoredFinding) error {
		findings = append(findings, f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(findings) != 2 || findings[0].Severity != model.Info || findings[0].Field != "received_at" {
		t.Fatalf("findings: %+v", findings)
	}
}
