package ingest

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"handover/core/model"
	"handover/core/workspace"
)

// sharedTestdata is ../shared/testdata beside the repository (files written
// by other people's tools).
func sharedTestdata(t *testing.T) string {
	t.Helper()
	dir, _ := os.Getwd()
	for d := dir; d != filepath.Dir(d); d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			p := filepath.Join(filepath.Dir(d), "shared", "testdata")
			if _, err := os.Stat(p); err != nil {
				t.Skipf("shared testdata not found at %s", p)
			}
			return p
		}
	}
	t.Skip("repository root not found")
	return ""
}

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	write(t, to, b)
}

// oneOfEach lays out a folder holding one file of every format Handover
// reads, each named so its extension does not give it away.
func oneOfEach(t *testing.T) string {
	dir := t.TempDir()
	shared := sharedTestdata(t)
	write(t, filepath.Join(dir, "contacts.csv"), []byte("First Name,Last Name,E-mail Address\r\nAda,Lovelace,ada@example.com\r\nAlan,Turing,alan@example.com\r\n"))
	write(t, filepath.Join(dir, "tasks.txt"), []byte("Task\tDescription\tMatter\tAssigned To\tDue Date\tPriority\tStatus\nFile answer\tDraft it\t16-1001\tHL\t03/15/2026\tHigh\tNot Started\n"))

	xf := excelize.NewFile()
	xf.SetSheetRow("Sheet1", "A1", &[]any{"Date", "Matter", "Type", "Reference", "Amount"})
	xf.SetSheetRow("Sheet1", "A2", &[]any{"11/02/2026", "16-1001", "Invoice", "INV-7", 1250.5})
	xf.SetSheetRow("Sheet1", "A3", &[]any{"11/12/2026", "16-1001", "Payment", "CHQ-9", 250})
	if err := xf.SaveAs(filepath.Join(dir, "ledger.xlsx")); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(dir, "ledger.xlsx"), filepath.Join(dir, "ledger.bin")); err != nil {
		t.Fatal(err)
	}

	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "legacy.data"))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`CREATE TABLE clients(id INTEGER PRIMARY KEY, first_name TEXT, last_name TEXT, email TEXT)`,
		`INSERT INTO clients(first_name, last_name, email) VALUES('Grace','Hopper','grace@example.com'),('Edsger','Dijkstra','ewd@example.com')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	copyFile(t, filepath.Join(shared, "dbase", "table", "TEST.DBF"), filepath.Join(dir, "foxpro", "TEST.DBF"))
	copyFile(t, filepath.Join(shared, "dbase", "table", "TEST.FPT"), filepath.Join(dir, "foxpro", "TEST.FPT"))
	copyFile(t, filepath.Join(shared, "ical", "issue97-google.ics"), filepath.Join(dir, "google-calendar.export"))
	write(t, filepath.Join(dir, "card.vcf"), []byte("BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=Windows-1252;ENCODING=QUOTED-PRINTABLE:M=FCller;J=F6rg\r\nEMAIL;INTERNET:joerg@example.com\r\nEND:VCARD\r\n"))
	write(t, filepath.Join(dir, "mail", "box.mbox"), []byte("From a@example.com Mon Nov  2 10:00:00 2026\nFrom: A <a@example.com>\nTo: b@example.com\nSubject: [16-1001] Engagement\nDate: Mon, 2 Nov 2026 10:00:00 -0500\n\nHello\n>From the archive\n\n"))
	write(t, filepath.Join(dir, "mail", "one.eml"), []byte("From: C <c@example.com>\r\nTo: d@example.com\r\nSubject: =?UTF-8?Q?R=C3=A9union?=\r\nDate: Tue, 3 Nov 2026 09:00:00 +0000\r\n\r\nBody\r\n"))
	write(t, filepath.Join(dir, "README.txt"), []byte("These are the exports.\n"))
	return dir
}

func TestIngestRecognisesEveryFormatAndAccountsForEveryRow(t *testing.T) {
	ctx := context.Background()
	dir := oneOfEach(t)
	ws, err := workspace.Create(filepath.Join(t.TempDir(), "f.handover"))
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	res, err := Run(ctx, ws, []string{dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{ // file → format recognised from its content
		"contacts.csv": "csv", "tasks.txt": "csv", "ledger.bin": "xlsx", "legacy.data": "sqlite",
		"TEST.DBF": "dbf", "google-calendar.export": "ical", "card.vcf": "vcard", "box.mbox": "mbox", "one.eml": "eml",
	}
	got := map[string]SourceResult{}
	for _, s := range res.Sources {
		got[filepath.Base(s.Path)] = s
	}
	for name, format := range want {
		s, ok := got[name]
		if !ok {
			t.Errorf("%s was not read", name)
			continue
		}
		if s.Format != format {
			t.Errorf("%s: format %q, want %q", name, s.Format, format)
		}
		if s.Rows == 0 || s.Rows != s.Records+s.Excluded+s.Rejected {
			t.Errorf("%s: rows %d != records %d + excluded %d + rejected %d", name, s.Rows, s.Records, s.Excluded, s.Rejected)
		}
	}
	if s := got["README.txt"]; s.Skipped == "" {
		t.Errorf("README.txt should be listed as skipped, got %+v", s)
	}
	if err := ws.VerifyInvariant(ctx); err != nil {
		t.Fatal(err)
	}
	c, _ := ws.Counts(ctx)
	if c.Records[model.CalendarEvents] == 0 || c.Records[model.Emails] != 2 || c.Records[model.Tasks] != 1 || c.Records[model.ARBalances] != 1 {
		t.Errorf("counts = %+v", c.Records)
	}
	bal, _ := ws.RecordByKey(ctx, model.ARBalances, "ar:16-1001")
	if bal == nil || bal.Data.(*model.ARBalance).Amount != 100050 {
		t.Errorf("A/R balance of 16-1001 = %+v, want 1000.50", bal)
	}
	var names []string
	ws.EachRecord(ctx, workspace.RecordFilter{Entity: model.Contacts}, func(r workspace.StoredRecord) error {
		names = append(names, model.DisplayName(r.Data))
		return nil
	})
	all := strings.Join(names, "|")
	for _, n := range []string{"Ada Lovelace", "Grace Hopper", "Jörg Müller"} {
		if !strings.Contains(all, n) {
			t.Errorf("contact %q missing from %q", n, all)
		}
	}

	// Reading the same folder again changes nothing and says so.
	again, err := Run(ctx, ws, []string{dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range again.Sources {
		if s.Skipped == "" && !s.Unchanged {
			t.Errorf("%s was read again although unchanged", s.Path)
		}
	}
	c2, _ := ws.Counts(ctx)
	if c2.Rows != c.Rows {
		t.Errorf("rows after re-reading: %d, before %d", c2.Rows, c.Rows)
	}
}

func TestIngestCancelKeepsEarlierFilesAndDropsTheCurrentOne(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("First Name,Last Name,E-mail Address\n")
	for i := 0; i < 20000; i++ {
		b.WriteString("Ann,Lee,ann@example.com\n")
	}
	write(t, filepath.Join(dir, "a.csv"), []byte("First Name,Last Name\nA,B\n"))
	write(t, filepath.Join(dir, "b.csv"), []byte(b.String()))
	ws, err := workspace.Create(filepath.Join(t.TempDir(), "c.handover"))
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	ctx, cancel := context.WithCancel(context.Background())
	_, err = Run(ctx, ws, []string{dir}, Options{Progress: func(p Progress) {
		if filepath.Base(p.File) == "b.csv" && p.Stage == "reading" && p.Done >= 5000 {
			cancel()
		}
	}})
	if err == nil {
		t.Fatal("cancelled ingest reported success")
	}
	srcs, _ := ws.Sources(context.Background())
	if len(srcs) != 1 || srcs[0].Name != "a.csv" {
		t.Fatalf("after cancel: %+v", srcs)
	}
	if err := ws.VerifyInvariant(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestIngestUnknownFileSaysWhatToDo(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "photo.jpg")
	jpeg := []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
	for i := 0; i < 2000; i++ {
		jpeg = append(jpeg, byte(i*7), byte(i*13), 0)
	}
	write(t, p, jpeg)
	ws, _ := workspace.Create(filepath.Join(t.TempDir(), "u.handover"))
	defer ws.Close()
	_, err := Run(context.Background(), ws, []string{p}, Options{})
	if err == nil || !strings.Contains(err.Error(), "photo.jpg") || !strings.Contains(err.Error(), "export the data") {
		t.Fatalf("err = %v", err)
	}
	_, err = Run(context.Background(), ws, []string{filepath.Join(dir, "missing.csv")}, Options{})
	if err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Fatalf("missing file: %v", err)
	}
}

func TestIngestSweepsAttachmentsNoRecordNames(t *testing.T) {
	dir := t.TempDir()
	eml := "From: A <a@example.com>\nTo: b@example.com\nSubject: [16-1001] Contract\nDate: Mon, 2 Nov 2026 10:00:00 -0500\n" +
		"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nsee attached\n" +
		"--b\nContent-Type: application/pdf\nContent-Disposition: attachment; filename=contract.pdf\n\n%PDF-1.4 contract\n--b--\n"
	write(t, filepath.Join(dir, "one.eml"), []byte(eml))
	ws, err := workspace.Create(filepath.Join(t.TempDir(), "s.handover"))
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	ctx := context.Background()
	if _, err := Run(ctx, ws, []string{filepath.Join(dir, "one.eml")}, Options{}); err != nil {
		t.Fatal(err)
	}
	files := ws.Path() + ".files"
	kept, err := ws.DocumentHashes(ctx)
	if err != nil || len(kept) != 1 {
		t.Fatalf("document hashes %v, %v: want the one attachment", kept, err)
	}
	// What a killed ingest leaves behind, beside a file that is not ours.
	orphan := strings.Repeat("ab", 32)
	for _, name := range []string{orphan, ".incoming-123", "readme.txt"} {
		write(t, filepath.Join(files, name), []byte("x"))
	}
	write(t, filepath.Join(dir, "c.csv"), []byte("First Name,Last Name\nA,B\n"))
	if _, err := Run(ctx, ws, []string{filepath.Join(dir, "c.csv")}, Options{}); err != nil {
		t.Fatal(err)
	}
	for h := range kept {
		if _, err := os.Stat(filepath.Join(files, h)); err != nil {
			t.Errorf("the attachment a record names was removed: %v", err)
		}
	}
	for name, want := range map[string]bool{orphan: false, ".incoming-123": false, "readme.txt": true} {
		if _, err := os.Stat(filepath.Join(files, name)); (err == nil) != want {
			t.Errorf("%s: present=%v, want %v", name, err == nil, want)
		}
	}
}
