package ingest

import (
	"context"
	"fmt"
	"math/rand"
	"path/filepath"
	"strings"
	"testing"

	"handover/core/model"
	"handover/core/workspace"
)

func cents(c int64, comma bool) string {
	neg := ""
	if c < 0 {
		neg, c = "-", -c
	}
	if comma {
		return fmt.Sprintf("%s%d,%02d", neg, c/100, c%100)
	}
	return fmt.Sprintf("%s%d.%02d", neg, c/100, c%100)
}

func ingestDir(t *testing.T, dir string) (*workspace.Workspace, Result) {
	t.Helper()
	ctx := context.Background()
	ws, err := workspace.Create(filepath.Join(t.TempDir(), "f.handover"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	res, err := Run(ctx, ws, []string{dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := ws.VerifyInvariant(ctx); err != nil {
		t.Fatal(err)
	}
	for _, s := range res.Sources {
		if s.Rows != s.Records+s.Excluded+s.Rejected {
			t.Errorf("%s: rows %d != %d + %d + %d", s.Path, s.Rows, s.Records, s.Excluded, s.Rejected)
		}
	}
	return ws, res
}

// TestIngestAccountingHistoryByShape reads a firm's invoice listing, payment
// list, trust ledger with in/out columns and billed time — none with a type
// column — and gets every matter's A/R and trust balance to the cent, with
// every row accounted for as history.
func TestIngestAccountingHistoryByShape(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	rng := rand.New(rand.NewSource(2024))
	matters := []string{"2024-017", "2024-018", "2023-101", "2022-005"}
	wantAR := map[string]int64{}
	wantTrust := map[string]int64{}

	var inv strings.Builder
	inv.WriteString("Invoice No;Matter;Date;Amount;Paid\r\n") // semicolons, day-first, decimal comma
	for i := 0; i < 60; i++ {
		m := matters[rng.Intn(len(matters))]
		a := int64(rng.Intn(1000000) + 1)
		p := []int64{0, a, int64(rng.Intn(int(a)))}[rng.Intn(3)]
		wantAR[m] += a - p
		fmt.Fprintf(&inv, "%d;%s;%02d.%02d.2024;%s;%s\r\n", 5000+i, m, rng.Intn(28)+1, rng.Intn(12)+1, cents(a, true), cents(p, true))
	}
	write(t, filepath.Join(dir, "Rechnungen.csv"), []byte(inv.String()))

	var pay strings.Builder
	pay.WriteString("Payment Date,Client,Matter Number,Method,Amount\n")
	for i := 0; i < 30; i++ {
		m := matters[rng.Intn(len(matters))]
		a := int64(rng.Intn(200000) + 1)
		wantAR[m] -= a
		fmt.Fprintf(&pay, "2024-06-%02d,Ruiz,%s,%s,\"%s\"\n", rng.Intn(28)+1, m, []string{"Cheque", "Visa", "Wire"}[i%3], cents(a, false))
	}
	write(t, filepath.Join(dir, "receipts.csv"), []byte(pay.String()))

	var tr strings.Builder
	tr.WriteString("Date\tFile No\tClient\tReceived\tPaid Out\tBalance\n")
	run := map[string]int64{}
	for i := 0; i < 50; i++ {
		m := matters[rng.Intn(len(matters))]
		if i%3 == 2 && run[m] > 0 {
			a := int64(rng.Intn(int(run[m])) + 1)
			run[m] -= a
			fmt.Fprintf(&tr, "2024-02-%02d\t%s\tRuiz\t\t%s\t%s\n", rng.Intn(28)+1, m, cents(a, false), cents(run[m], false))
			continue
		}
		a := int64(rng.Intn(400000) + 1)
		run[m] += a
		fmt.Fprintf(&tr, "2024-02-%02d\t%s\tRuiz\t%s\t\t%s\n", rng.Intn(28)+1, m, cents(a, false), cents(run[m], false))
	}
	for m, v := range run {
		wantTrust[m] = v
	}
	write(t, filepath.Join(dir, "ledger.txt"), []byte(tr.String()))

	write(t, filepath.Join(dir, "time.csv"), []byte("Date,Timekeeper,Matter,Hours,Description,Invoice #\n"+
		"2024-01-02,JR,2024-017,1.5,Draft complaint,5001\n"+
		"2024-01-03,JR,2024-017,0.5,Call client,\n"+
		"2024-01-04,AK,2023-101,2.0,Research,5002\n"))

	ws, res := ingestDir(t, dir)
	byName := map[string]SourceResult{}
	for _, s := range res.Sources {
		byName[filepath.Base(s.Path)] = s
	}
	for name, wantExcl := range map[string]int64{"Rechnungen.csv": 60, "receipts.csv": 30, "ledger.txt": 50, "time.csv": 2} {
		s := byName[name]
		if s.Rejected != 0 || s.Excluded != wantExcl {
			t.Errorf("%s: excluded %d (want %d), rejected %d, tables %+v", name, s.Excluded, wantExcl, s.Rejected, s.Tables)
		}
	}
	if s := byName["time.csv"]; s.Records != 1 {
		t.Errorf("unbilled time entries: %d", s.Records)
	}
	for m, want := range wantAR {
		got := int64(0)
		if r, _ := ws.RecordByKey(ctx, model.ARBalances, "ar:"+m); r != nil {
			got = int64(r.Data.(*model.ARBalance).Amount)
		}
		if got != want {
			t.Errorf("A/R of %s = %d, want %d", m, got, want)
		}
	}
	for m, want := range wantTrust {
		got := int64(0)
		if r, _ := ws.RecordByKey(ctx, model.TrustBalances, "trust:matter:"+m); r != nil {
			got = int64(r.Data.(*model.TrustBalance).Amount)
		}
		if got != want {
			t.Errorf("trust of %s = %d, want %d", m, got, want)
		}
	}
	if res.Balances.Lines != 60+30+50 {
		t.Errorf("ledger lines in balances: %d", res.Balances.Lines)
	}
}

// TestIngestDocumentsTree reads a firm folder holding exports beside a
// documents tree filed per matter: each file of the tree is a document of
// the matter its folder names (a .txt included), litter is accounted as
// not_data, a saved e-mail is read as an e-mail, and reading it again
// changes nothing.
func TestIngestDocumentsTree(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "matters.csv"), []byte("Matter Number,Client,Description,Open Date\n2024-017,Ruiz,Ruiz v. Acme,2024-01-05\n2023-101,Lee,Estate of Lee,2023-06-01\n"))
	docs := filepath.Join(dir, "Documents")
	write(t, filepath.Join(docs, "2024-017 Ruiz v. Acme", "Pleadings", "complaint.pdf"), []byte("%PDF-1.4 complaint"))
	write(t, filepath.Join(docs, "2024-017 Ruiz v. Acme", "Pleadings", "~$mplaint.docx"), []byte("lock"))
	write(t, filepath.Join(docs, "2024-017 Ruiz v. Acme", "notes.txt"), []byte("Name,Phone\nRuiz,555\n")) // looks like a CSV; is a document here
	write(t, filepath.Join(docs, "2024-017 Ruiz v. Acme", "Thumbs.db"), []byte{0xd0, 0xcf, 0x11, 0xe0})
	write(t, filepath.Join(docs, "Lee (2023.101)", "will.docx"), []byte("PK\x03\x04 will"))
	write(t, filepath.Join(docs, "Lee (2023.101)", ".DS_Store"), []byte("\x00\x00\x00\x01Bud1"))
	write(t, filepath.Join(docs, "Lee (2023.101)", "desktop.ini"), []byte("[.ShellClassInfo]"))
	write(t, filepath.Join(docs, "Lee (2023.101)", "reply.eml"), []byte("From: lee@example.com\r\nTo: firm@example.com\r\nSubject: Re: the will\r\nDate: Mon, 4 Mar 2024 10:00:00 +0000\r\nMessage-ID: <a1@example.com>\r\n\r\nThanks.\r\n"))

	ws, res := ingestDir(t, dir)
	var tree *SourceResult
	for i, s := range res.Sources {
		if s.Format == "documents" {
			if tree != nil {
				t.Fatalf("two document sources: %+v", res.Sources)
			}
			tree = &res.Sources[i]
		}
		if strings.HasPrefix(s.Path, docs+string(filepath.Separator)) && s.Format != "documents" && s.Format != "eml" {
			t.Errorf("a file of the tree read on its own: %+v", s)
		}
	}
	if tree == nil || tree.Records != 3 || tree.Excluded != 4 || tree.Rejected != 0 || tree.Rows != 7 {
		t.Fatalf("documents source: %+v", tree)
	}
	byMatter := map[string][]string{}
	ws.EachRecord(ctx, workspace.RecordFilter{Entity: model.Documents}, func(r workspace.StoredRecord) error {
		d := r.Data.(*model.Document)
		if d.SHA256 == "" || d.Size == 0 || d.ContentType == "" || d.Path == "" {
			t.Errorf("incomplete document %+v", d)
		}
		byMatter[d.Matter.Value] = append(byMatter[d.Matter.Value], d.Name)
		return nil
	})
	if strings.Join(byMatter["2024-017"], ",") != "notes.txt,complaint.pdf" && strings.Join(byMatter["2024-017"], ",") != "complaint.pdf,notes.txt" || strings.Join(byMatter["2023.101"], ",") != "will.docx" || len(byMatter) != 2 {
		t.Errorf("documents by matter: %v", byMatter)
	}
	c, _ := ws.Counts(ctx)
	if c.Records[model.Emails] != 1 || c.Records[model.Matters] != 2 {
		t.Errorf("counts %+v", c.Records)
	}
	again, err := Run(ctx, ws, []string{dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range again.Sources {
		if s.Format == "documents" && !s.Unchanged {
			t.Errorf("unchanged tree read again: %+v", s)
		}
	}
	if c2, _ := ws.Counts(ctx); c2.Rows != c.Rows {
		t.Errorf("rows %d after re-reading, %d before", c2.Rows, c.Rows)
	}
}

// TestIngestPartyListsMakeEachNewPersonOnce: people named in party lists
// that the contacts export has are linked to it; the others become one
// contact each, however many rows and lists name them, and reading the
// lists again (or a fresher export of them) does not double them.
func TestIngestPartyListsMakeEachNewPersonOnce(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "contacts.csv"), []byte("First Name,Last Name,E-mail Address\nAda,Lovelace,ada@example.com\nAlan,Turing,alan@example.com\n"))
	write(t, filepath.Join(dir, "beteiligte.csv"), []byte("Aktenzeichen;Beteiligter;Rolle;E-Mail-Adresse\n"+
		"2024-017;Bob Stone;Gegenanwalt;bob@stone.example\n"+
		"2023-101;Bob Stone;Gegenanwalt;BOB@stone.example\n"+
		"2024-017;Ada Lovelace;Sachverständige;ada@example.com\n"+
		"2023-101;Turing, Alan;Zeuge;\n")) // the contacts export has him as "Alan Turing"
	write(t, filepath.Join(dir, "parties.csv"), []byte("Role,Matter,Party\n"+
		"Witness,2024-017,Alan Turing\n"+
		"Witness,2023-101,Carla Diaz\n"+
		"Judge,2023-101,Carla Diaz\n"+
		"Opposing Counsel,2022-005,Bob Stone\n")) // by name only: not the e-mail Bob above
	ws, res := ingestDir(t, dir)
	c, _ := ws.Counts(ctx)
	if c.Records[model.Relationships] != 8 {
		t.Errorf("related contacts %d, want 8", c.Records[model.Relationships])
	}
	// made: bob@stone.example, Carla Diaz, and "Bob Stone" by name (no e-mail to tell him by)
	if res.Parties.Related != 8 || res.Parties.Known != 3 || res.Parties.Made != 3 {
		t.Errorf("parties %+v", res.Parties)
	}
	made := map[string]string{}
	ws.EachRecord(ctx, workspace.RecordFilter{Entity: model.Contacts}, func(r workspace.StoredRecord) error {
		if strings.HasPrefix(r.Key, "party:") {
			made[r.Key] = model.DisplayName(r.Data)
		}
		return nil
	})
	if made["party:email:bob@stone.example"] != "Bob Stone" || made["party:name:carladiaz"] != "Carla Diaz" || len(made) != 3 {
		t.Errorf("made %v", made)
	}
	// A fresher export of the list with one more row: no contact doubles.
	write(t, filepath.Join(dir, "parties.csv"), []byte("Role,Matter,Party\n"+
		"Witness,2024-017,Alan Turing\n"+
		"Witness,2023-101,Carla Diaz\n"+
		"Judge,2023-101,Carla Diaz\n"+
		"Opposing Counsel,2022-005,Bob Stone\n"+
		"Witness,2022-005,Carla Diaz\n"))
	if _, err := Run(ctx, ws, []string{dir}, Options{}); err != nil {
		t.Fatal(err)
	}
	c2, _ := ws.Counts(ctx)
	if c2.Records[model.Contacts] != c.Records[model.Contacts] || c2.Records[model.Relationships] != 9 {
		t.Errorf("after re-import: contacts %d (was %d), related %d", c2.Records[model.Contacts], c.Records[model.Contacts], c2.Records[model.Relationships])
	}
}

// TestIngestCalendarAndPhoneMessagesInTheirCommonShapes: a semicolon,
// day-first diary with separate date and time columns (no time: all day)
// and a phone-message pad export become events and phone logs linked to
// their matters and callers.
func TestIngestCalendarAndPhoneMessagesInTheirCommonShapes(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "termine.csv"), []byte("Datum;Uhrzeit;Ende;Betreff;Ort;Akte;Anwalt\n"+
		"13.03.2024;09:30;11:00;Verhandlung;LG Berlin, Saal 2;2024-017;JR\n"+
		"14.03.2024;;;Frist Berufung;;2024-017;JR\n"+
		"02.04.2024;14:00;;Besprechung Lee;Kanzlei;2023-101;AK\n"))
	write(t, filepath.Join(dir, "messages.csv"), []byte("Date,Time,Taken By,Caller,Number,File No,Message\n"+
		"03/13/2024,2:15 PM,AK,Bob Stone,555-0100,2024-017,Call back re settlement\n"+
		"03/14/2024,9:05 AM,JR,,555-0199,2023-101,Left no name\n"))
	ws, res := ingestDir(t, dir)
	for _, s := range res.Sources {
		if s.Rejected != 0 || s.Records == 0 {
			t.Errorf("%s: %+v", s.Path, s)
		}
	}
	events := map[string]*model.CalendarEvent{}
	ws.EachRecord(ctx, workspace.RecordFilter{Entity: model.CalendarEvents}, func(r workspace.StoredRecord) error {
		e := r.Data.(*model.CalendarEvent)
		events[e.Summary] = e
		return nil
	})
	if e := events["Verhandlung"]; e == nil || e.StartAt != "2024-03-13T09:30:00" || e.EndAt != "2024-03-13T11:00:00" || e.AllDay || e.Matter.Value != "2024-017" || e.Owner != "JR" || e.Location != "LG Berlin, Saal 2" {
		t.Errorf("hearing %+v", e)
	}
	if e := events["Frist Berufung"]; e == nil || !e.AllDay || e.StartAt != "2024-03-14" || e.Matter.Value != "2024-017" {
		t.Errorf("deadline %+v", e)
	}
	if e := events["Besprechung Lee"]; e == nil || e.StartAt != "2024-04-02T14:00:00" || e.AllDay {
		t.Errorf("meeting %+v", e)
	}
	var calls []*model.Communication
	ws.EachRecord(ctx, workspace.RecordFilter{Entity: model.PhoneLogs}, func(r workspace.StoredRecord) error {
		calls = append(calls, r.Data.(*model.Communication))
		return nil
	})
	if len(calls) != 2 {
		t.Fatalf("%d phone logs", len(calls))
	}
	if c := calls[0]; c.ReceivedAt != "2024-03-13T14:15:00" || c.User != "AK" || c.Contact != (model.Ref{Kind: "name", Value: "Bob Stone"}) || c.Matter.Value != "2024-017" || !strings.Contains(c.Body, "555-0100") {
		t.Errorf("call %+v", c)
	}
	if c := calls[1]; c.Contact != (model.Ref{Kind: "phone", Value: "555-0199"}) || c.Matter.Value != "2023-101" {
		t.Errorf("call without a name %+v", c)
	}
}
