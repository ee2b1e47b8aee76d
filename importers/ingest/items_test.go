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

// E-mails filed as .eml carry their matter in the subject or the file name in
// the forms firms write; a bare number counts only when the project has that
// matter, even when the matters file sorts after the mail.
func TestIngestEmlMatterReferences(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "matters.csv"), []byte("Matter Number,Client,Description,Open Date\n2024-017,Ruiz,Ruiz v. Acme,2024-01-05\n2023-101,Lee,Estate of Lee,2023-06-01\n"))
	eml := func(name, subject string) {
		write(t, filepath.Join(dir, "a-mail", name), []byte("From: a@example.com\nSubject: "+subject+"\nDate: Tue, 12 Mar 2024 10:00:00 +0000\n\nhello\n"))
	}
	eml("1.eml", "Re: Ruiz / 2024-017")             // bare, and a project matter
	eml("2.eml", "Our ref: 2025/044 - draft")       // worded: kept as written, though unknown
	eml("3.eml", "Invoice 2024-018 attached")       // bare and unknown: no link
	eml("Matter No. 2023-101 letter.eml", "Letter") // in the file name
	eml("5.eml", "[2023-101] Estate inventory")     // bracketed
	ctx := context.Background()
	ws, err := workspace.Create(filepath.Join(t.TempDir(), "m.handover"))
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if _, err := Run(ctx, ws, []string{dir}, Options{}); err != nil {
		t.Fatal(err)
	}
	got := map[string]model.Ref{}
	err = ws.EachRecord(ctx, workspace.RecordFilter{Entity: model.Emails}, func(r workspace.StoredRecord) error {
		got[r.Prov.Source] = r.Data.(*model.Communication).Matter
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"1.eml": "2024-017", "2.eml": "2025/044", "3.eml": "", "Matter No. 2023-101 letter.eml": "2023-101", "5.eml": "2023-101"}
	for src, w := range want {
		if r := got[src]; r.Value != w || w != "" && r.Kind != "number" {
			t.Errorf("%s: matter %+v, want %q", src, r, w)
		}
	}
}

// An e-mail filed in a documents tree under a matter's folder belongs to
// that matter, as the documents beside it do, unless it names its own.
func TestIngestEmlInMatterFolder(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "matters.csv"), []byte("Matter Number,Client,Description,Open Date\n2024-017,Ruiz,Ruiz v. Acme,2024-01-05\n2023-101,Lee,Estate of Lee,2023-06-01\n"))
	docs := filepath.Join(dir, "Documents")
	write(t, filepath.Join(docs, "2024-017 Ruiz", "Pleadings", "complaint.pdf"), []byte("%PDF-1.4\n"))
	write(t, filepath.Join(docs, "2023-101 Lee", "inventory.pdf"), []byte("%PDF-1.4\n"))
	mail := func(rel, subject string) {
		write(t, filepath.Join(docs, rel), []byte("From: a@example.com\nSubject: "+subject+"\nDate: Tue, 12 Mar 2024 10:00:00 +0000\n\nhello\n"))
	}
	mail("2024-017 Ruiz/Correspondence/letter.eml", "Letter")
	mail("2024-017 Ruiz/Correspondence/cc.eml", "Copy - our ref: 2023-101")
	// A folder of saved e-mails sorted into matter folders.
	write(t, filepath.Join(dir, "Saved mail", "2023-101", "old.eml"), []byte("From: a@example.com\nSubject: Old\nDate: Tue, 12 Mar 2024 10:00:00 +0000\n\nhi\n"))
	ctx := context.Background()
	ws, err := workspace.Create(filepath.Join(t.TempDir(), "f.handover"))
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if _, err := Run(ctx, ws, []string{dir}, Options{}); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	err = ws.EachRecord(ctx, workspace.RecordFilter{Entity: model.Emails}, func(r workspace.StoredRecord) error {
		got[r.Prov.Source] = r.Data.(*model.Communication).Matter.Value
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got["letter.eml"] != "2024-017" || got["cc.eml"] != "2023-101" || got["old.eml"] != "2023-101" {
		t.Errorf("matters by e-mail: %v", got)
	}
}
