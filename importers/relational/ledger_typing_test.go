package relational

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"handover/core/model"
	"handover/importers/mapping"
)

// Hours with a decimal comma are written like money; without a currency a
// column is money only where some amount is beyond a day's hours.
func TestDecimalCommaHoursAreNotMoney(t *testing.T) {
	hours := newColumn("Dauer", 0)
	fees := newColumn("Honorar", 1)
	for i := range 20 {
		hours.add(fmt.Sprintf("%d,%02d", i%6, 25*(i%4)))
		fees.add(fmt.Sprintf("%d,%02d", 120+i*7, 25*(i%4)))
	}
	tab := &table{cols: []*column{hours, fees}}
	if moneyColumn(tab, hours) {
		t.Error("hours 0,00–5,75 read as money")
	}
	if !moneyColumn(tab, fees) {
		t.Error("fees 120,00–253,75 not read as money")
	}
}

func writeFolder(t *testing.T, files map[string]string) []string {
	t.Helper()
	dir := t.TempDir()
	var paths []string
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	sort.Strings(paths)
	return paths
}

// planOf is the mapping the ingest settles on for file: the mapping's own
// reading with the pre-pass's hints applied.
func planOf(t *testing.T, res *Result, paths []string, file string) *mapping.Plan {
	t.Helper()
	for _, p := range paths {
		if filepath.Base(p) != file {
			continue
		}
		read, ok := res.Read(p)
		if !ok || len(read.Tables) == 0 {
			t.Fatalf("%s not kept by the pre-pass", file)
		}
		tr := read.Tables[0]
		h, _ := res.Hints(p, &tr.Table)
		plan, err := mapping.ChooseWithHints(file, tr.Table.Name, tr.Table.Header, tr.Sample, nil, "", h)
		if err != nil {
			t.Fatal(err)
		}
		return plan
	}
	t.Fatalf("no %s", file)
	return nil
}

func analyzeFolder(t *testing.T, paths []string) *Result {
	t.Helper()
	res, err := Analyze(context.Background(), paths, Options{Flat: true, Keep: func(string) bool { return true }})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// targets is each header's target in the plan.
func targets(p *mapping.Plan) map[string]string {
	m := map[string]string{}
	for _, c := range p.Columns {
		m[c.Header] = c.Target
	}
	return m
}

// An escrow ledger kept under its clients' names, pounds with the sign
// before the minus, withdrawals in the column left of the receipts: the
// names repeat down dated rows of money, so it is money held for clients,
// not a list of them (which would double every client), and what came in
// is the column with the larger total, wherever it stands.
func TestLedgerUnderClientNamesIsNotAContactsList(t *testing.T) {
	var b strings.Builder
	b.WriteString("Posted On;Client Name;Paid Out;Received;Comment\n")
	clients := []string{"Ngozi Adeyemi", "Harbour Lights Ltd", "Pieter van Dijk", "Mei-Ling Chow", "Siobhan O'Neill", "Tariq Haddad"}
	for i := range 24 {
		c := clients[i%len(clients)]
		if i < len(clients) {
			fmt.Fprintf(&b, "%02d/01/2025;%s;;£%d,%03d.00;Funds on account\n", 3+i, c, 1+i%3, 250*i)
		} else {
			fmt.Fprintf(&b, "%02d/03/2025;%s;-£%d.%02d;;Disbursement\n", 1+i%27, c, 100+13*i, i)
		}
	}
	var people strings.Builder
	people.WriteString("Full Name,E-mail,Mobile\n")
	for i, c := range clients {
		fmt.Fprintf(&people, "%s,person%d@mail.example,07700 900%03d\n", c, i, 100+i)
	}
	paths := writeFolder(t, map[string]string{"Escrow.csv": b.String(), "People.csv": people.String()})
	res := analyzeFolder(t, paths)
	plan := planOf(t, res, paths, "Escrow.csv")
	if plan.Entity != "" || plan.Ledger != model.LedgerTrustDeposit {
		t.Fatalf("Escrow.csv read as %q/%q, want a trust ledger (pre-pass: %+v)", plan.Entity, plan.Ledger, res.Tables)
	}
	got := targets(plan)
	for col, want := range map[string]string{"Received": "ledger.in", "Paid Out": "ledger.out", "Client Name": "client_name"} {
		if got[col] != want {
			t.Errorf("Escrow.csv %s target %q, want %s (all: %v)", col, got[col], want, got)
		}
	}
	if p := planOf(t, res, paths, "People.csv"); p.Entity != model.Contacts {
		t.Errorf("People.csv read as %q, want contacts", p.Entity)
	}
}

// A client list may carry a date and an amount (client since, balance
// owing): each client named once, it stays a list of contacts.
func TestContactsWithADateAndABalanceStayContacts(t *testing.T) {
	var b strings.Builder
	b.WriteString("Client Name,Email Address,Client Since,Balance Owing\n")
	first := []string{"Ngozi", "Pieter", "Mei-Ling", "Tariq", "Aoife", "Kwame", "Ines", "Bartosz"}
	last := []string{"Adeyemi", "van Dijk", "Chow", "Haddad", "Byrne", "Mensah", "Ferreira", "Nowak"}
	for i := range 16 {
		fmt.Fprintf(&b, "%s %s,c%d@mail.example,2019-%02d-%02d,$%d.%02d\n", first[i%8], last[(i+i/8)%8], i, 1+i%12, 1+i, 40*i, i)
	}
	var m strings.Builder
	m.WriteString("Matter,Client,Opened\n")
	for i := range 8 {
		fmt.Fprintf(&m, "K%04d,%s %s,2024-02-%02d\n", 10+i, first[i], last[i], 1+i)
	}
	paths := writeFolder(t, map[string]string{"Clients.csv": b.String(), "Files.csv": m.String()})
	res := analyzeFolder(t, paths)
	if p := planOf(t, res, paths, "Clients.csv"); p.Entity != model.Contacts {
		t.Errorf("Clients.csv read as %q/%q, want contacts (pre-pass: %+v)", p.Entity, p.Ledger, res.Tables)
	}
}

// A ledger whose text column the mapping takes for a note's body (a memo)
// is still a ledger when each dated row carries money: a note has no place
// for an amount, and the money would be lost as text.
func TestLedgerWithAMemoIsNotNotes(t *testing.T) {
	var mat, led strings.Builder
	mat.WriteString("File No,Client,Description,Opened\n")
	for i := range 10 {
		fmt.Fprintf(&mat, "F/%03d,Client %c Ltd,Boundary dispute,2024-03-%02d\n", 40+i, 'A'+i, 1+i)
	}
	led.WriteString("Entered,File No,Note,Debit,Credit\n")
	for i := range 30 {
		if i%3 == 0 {
			fmt.Fprintf(&led, "2024-06-%02d,F/%03d,Payment received with thanks,,\"€ %d.%03d,50\"\n", 1+i%28, 40+i%10, 1+i%4, 10*i)
		} else {
			fmt.Fprintf(&led, "2024-05-%02d,F/%03d,Work done this month as agreed with the client,\"€ %d.%03d,00\",\n", 1+i%28, 40+i%10, 2+i%4, 20*i)
		}
	}
	paths := writeFolder(t, map[string]string{"Files.csv": mat.String(), "Postings.csv": led.String()})
	res := analyzeFolder(t, paths)
	plan := planOf(t, res, paths, "Postings.csv")
	if plan.Entity != "" || plan.Ledger == "" || plan.Ledger == model.LedgerTrustDeposit {
		t.Fatalf("Postings.csv read as %q/%q, want an A/R ledger (pre-pass: %+v)", plan.Entity, plan.Ledger, res.Tables)
	}
	got := targets(plan)
	if got["Debit"] != "ledger.amount" || got["Credit"] != "ledger.paid" || got["File No"] != "matter" {
		t.Errorf("Postings.csv targets %v, want Debit ledger.amount, Credit ledger.paid, File No matter", got)
	}
}

// Two money columns both filled on a row are an amount and what was paid
// of it, not money in and money out; filled one a row, what came in is the
// column with the larger total, wherever it stands.
func TestInOutNeedsOneColumnFilledARow(t *testing.T) {
	a, b := newColumn("Billed", 0), newColumn("Settled", 1)
	tab := &table{cols: []*column{a, b}}
	free := map[*column]bool{a: true, b: true}
	for i := range 10 {
		row := []string{fmt.Sprintf("%d.00", 100+i), ""}
		if i%2 == 0 {
			row[1] = "50.00"
		}
		a.add(row[0])
		b.add(row[1])
		tab.sample = append(tab.sample, row)
	}
	if in, out := inOut(tab, free); in != nil {
		t.Errorf("inOut = %s/%s on rows that fill both", in.name, out.name)
	}
	tab.sample = [][]string{{"10.00", ""}, {"", "900.00"}, {"25.50", ""}, {"", "75.00"}}
	in, out := inOut(tab, free)
	if in != b || out != a {
		t.Errorf("inOut on columns filled one a row: %v/%v, want Settled (the larger total) in, Billed out", in, out)
	}
}

// FuzzRoughAmount: any text has a rough size without a panic (the money
// reader's own fuzz target is mapping's FuzzReadMoney).
func FuzzRoughAmount(f *testing.F) {
	for _, v := range []string{"1234.50", "-$64.87", "1.234,50 EUR", "(USD 75.00)", "10:37", "", ".", "-", "$", "1'2"} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if n := roughAmount(v); n < 0 {
			t.Fatalf("roughAmount(%q) = %v", v, n)
		}
	})
}

// An incoming-post register whose receipt number the mapping's fuzzy
// header reading takes for money received is not a ledger: no column it
// reads as money holds money outside the table's own key. And a diary whose
// matter and date columns read as a matter's number and opening date is
// not a list of matters: a matters list names each matter once, here they
// repeat. Each is typed from its values and links instead, and the events'
// subject is what happened, not the longer full names of the few lawyers
// beside it.
func TestHeaderReadingsTheValuesContradict(t *testing.T) {
	var mat, post, cal strings.Builder
	mat.WriteString("Ref,Client,Matter Description,Opened\n")
	for i := range 12 {
		fmt.Fprintf(&mat, "%d,Client %c. Okonkwo,Tenancy deposit,2023-09-%02d\n", 700+i, 'A'+i, 1+i)
	}
	post.WriteString("Receipt Ref,File,Date,Summary\n")
	cal.WriteString("Matter No,Open Date,Begins,Description,Fee Earner\n")
	lawyers := []string{"Rosalind Achterberg", "Maximilian Oyelaran-Smith"}
	for i := range 24 {
		fmt.Fprintf(&post, "%d,%d,2024-02-%02d,Letter from the landlord's agent about the deposit; reply due by Friday (%d).\n", 1+i, 700+i%12, 1+i%28, i)
		fmt.Fprintf(&cal, "%d,2024-04-%02d,%d:%02d,%s,%s\n", 700+i%5, 1+i%28, 9+i%7, 15*(i%4), []string{"Hearing", "Call", "Meeting"}[i%3], lawyers[i%2])
	}
	paths := writeFolder(t, map[string]string{"Files.csv": mat.String(), "Post.csv": post.String(), "Diary.csv": cal.String()})
	res := analyzeFolder(t, paths)
	for file, want := range map[string]model.Entity{"Post.csv": model.Notes, "Diary.csv": model.CalendarEvents, "Files.csv": model.Matters} {
		p := planOf(t, res, paths, file)
		if p.Entity != want || p.Ledger != "" {
			t.Errorf("%s read as %q/%q, want %s (pre-pass: %+v)", file, p.Entity, p.Ledger, want, res.Tables)
		}
	}
	got := targets(planOf(t, res, paths, "Diary.csv"))
	if got["Description"] != "subject" && got["Description"] != "description" || got["Fee Earner"] != "user" || got["Matter No"] != "matter" ||
		got["Open Date"] != "start_date" || got["Begins"] != "start_time" {
		t.Errorf("Diary.csv targets %v, want Description the event's text, Fee Earner user, Matter No matter, Open Date start_date, Begins start_time", got)
	}
}

// A list of people whose every row names a matter by number and
// description ("K-0042 Estate of Vance") is the matters' other parties —
// one related contact each — not the firm's contact list, once the link is
// found by the values. A client list whose rows also name each client's
// matter that way stays contacts when its shape is not a parties list (it
// carries a date: client since).
func TestPeopleListedPerMatterByNumberAndDescription(t *testing.T) {
	var mat, parties, clients strings.Builder
	mat.WriteString("Case No,Client,Type,Opened\n")
	descs := []string{"Estate of Vance", "Boundary wall", "Unfair dismissal", "Lease renewal"}
	for i := range 10 {
		fmt.Fprintf(&mat, "K-%04d,Client %c. Abara,%s,2022-11-%02d\n", 40+i, 'A'+i, descs[i%4], 1+i)
	}
	parties.WriteString("Ref,Who,As,Tel\n")
	first := []string{"Oluwaseun", "Grainne", "Lukas", "Priya", "Tomasz", "Ayesha", "Rafael", "Signe"}
	last := []string{"Balogun", "Kavanagh", "Hofer", "Raman", "Zielinski", "Siddiqui", "Duarte", "Lund"}
	for i := range 18 {
		fmt.Fprintf(&parties, "K-%04d %s,%s %s,%s,+44 161 496 0%03d\n", 40+i%10, descs[(i%10)%4], first[i%8], last[(i+i/8)%8], []string{"Executor", "Neighbour", "Witness"}[i%3], 100+i)
	}
	clients.WriteString("Who,Tel,Since,Ref\n")
	for i := range 10 {
		fmt.Fprintf(&clients, "%s %s,+44 20 7946 0%03d,2019-0%d-1%d,K-%04d %s\n", first[i%8], last[(i+3)%8], 200+i, 1+i%9, i%9, 40+i, descs[i%4])
	}
	paths := writeFolder(t, map[string]string{"Cases.csv": mat.String(), "Parties.csv": parties.String()})
	res := analyzeFolder(t, paths)
	p := planOf(t, res, paths, "Parties.csv")
	if p.Entity != model.Relationships {
		t.Fatalf("Parties.csv read as %q, want relationships (pre-pass: %+v)", p.Entity, res.Tables)
	}
	got := targets(p)
	if got["Ref"] != "matter" || got["Who"] != "full_name" {
		t.Errorf("Parties.csv targets %v, want Ref matter (decoded from its number), Who full_name", got)
	}
	paths = writeFolder(t, map[string]string{"Cases.csv": mat.String(), "Clients.csv": clients.String()})
	res = analyzeFolder(t, paths)
	if c := planOf(t, res, paths, "Clients.csv"); c.Entity != model.Contacts {
		t.Errorf("Clients.csv read as %q, want contacts (pre-pass: %+v)", c.Entity, res.Tables)
	}
	for _, r := range res.Tables {
		if r.Source == "Clients.csv" && len(r.Links) > 0 {
			t.Errorf("Clients.csv keeps a link a contact cannot hold: %+v", r.Links)
		}
	}
}

// Calls logged without the caller's number — a date, one time of day on
// every row, the names of many different callers and a message — are a
// phone log. A diary with the same date and time but only its few owners'
// names stays a calendar, and so does one that names many people beside an
// end time (a meeting has a length; a call taken does not).
func TestCallsLoggedWithoutANumber(t *testing.T) {
	var mat, calls, diary, meetings strings.Builder
	mat.WriteString("Ref,Client,Description,Opened\n")
	for i := range 8 {
		fmt.Fprintf(&mat, "Q%03d,Client %c. Mwangi,Probate,2021-05-%02d\n", 10+i, 'A'+i, 1+i)
	}
	calls.WriteString("When,At,From,Re,Message,For\n")
	diary.WriteString("When,At,Re,Message,For\n")
	meetings.WriteString("When,At,Until,With,Re,Message\n")
	first := []string{"Ingrid", "Chukwuemeka", "Yara", "Dmitri", "Fionnuala", "Hamid", "Lucia", "Wen"}
	last := []string{"Solberg", "Eze", "Haddad", "Volkov", "Ni Bhriain", "Karimi", "Bianchi", "Zhao"}
	staff := []string{"Alasdair Pemberton-Lowe", "Henrietta Okonjo-Fairweather"}
	for i := range 20 {
		who := first[i%8] + " " + last[(i+i/8)%8]
		fmt.Fprintf(&calls, "2024-09-%02d,%d:%02d,%s,Q%03d,Wants an update on the estate account,%s\n", 1+i, 9+i%8, 7*(i%8), who, 10+i%8, staff[i%2])
		fmt.Fprintf(&diary, "2024-10-%02d,%d:%02d,Q%03d,Meeting at the probate registry,%s\n", 1+i, 9+i%8, 7*(i%8), 10+i%8, staff[i%2])
		fmt.Fprintf(&meetings, "2024-11-%02d,%d:00,%d:30,%s,Q%03d,Review of the will\n", 1+i, 9+i%6, 10+i%6, who, 10+i%8)
	}
	for _, tc := range []struct {
		file, body string
		want       model.Entity
	}{{"Calls.csv", calls.String(), model.PhoneLogs}, {"Diary.csv", diary.String(), model.CalendarEvents}, {"Meetings.csv", meetings.String(), model.CalendarEvents}} {
		paths := writeFolder(t, map[string]string{"Files.csv": mat.String(), tc.file: tc.body})
		res := analyzeFolder(t, paths)
		if p := planOf(t, res, paths, tc.file); p.Entity != tc.want {
			t.Errorf("%s read as %q, want %s (pre-pass: %+v)", tc.file, p.Entity, tc.want, res.Tables)
		}
	}
}

// Three parties to three matters, each named once: few rows, but the
// names do not repeat, so they are parties, not the firm's few lawyers.
func TestAShortPartiesList(t *testing.T) {
	var mat strings.Builder
	mat.WriteString("Matter,Client,Description,Opened,Status\n")
	for i := range 12 {
		fmt.Fprintf(&mat, "Q%03d,Client %c. Mwangi,Probate,2021-05-%02d,Open\n", 10+i, 'A'+i, 1+i)
	}
	parties := "Matter,Who,As\nQ010,Ingrid Solberg,Executor\nQ014,Hamid Karimi,Beneficiary\nQ017,Lucia Bianchi,Executor\n"
	paths := writeFolder(t, map[string]string{"Files.csv": mat.String(), "Others.csv": parties})
	res := analyzeFolder(t, paths)
	p := planOf(t, res, paths, "Others.csv")
	if p.Entity != model.Relationships || targets(p)["Who"] != "full_name" {
		t.Errorf("Others.csv read as %q with %v, want relationships with Who full_name (pre-pass: %+v)", p.Entity, targets(p), res.Tables)
	}
}

// A parties list whose matter column happens to hold each matter once (so
// it looks like the list's own key) still hangs on the matters file, which
// is no list of people though it names its clients. A second file read as
// matters from its header words, whose matter column repeats the first
// file's ids down its rows, hangs on the first. And an event's title is the
// text on every row, not a location filled on some that is a little longer.
func TestHangsOnTheMattersFileAlreadyRead(t *testing.T) {
	var mat, parties, diary strings.Builder
	mat.WriteString("Matter Id,Matter Number,CLNT_NM,Matter Description,Open Date\n")
	for i := range 14 {
		fmt.Fprintf(&mat, "%d,B/%02d/24,%s Mwangi,Probate,2021-05-%02d\n", 1+i, 1+i, []string{"Akosua", "Baraka", "Chiamaka", "Dalia"}[i%4], 1+i)
	}
	parties.WriteString("FILE,NM,CAP,MAIL\n")
	for i := range 6 {
		fmt.Fprintf(&parties, "B/%02d/24,%s,Beneficiary,p%d@mail.example\n", 2*i+1, []string{"Ingrid Solberg", "Hamid Karimi", "Lucia Bianchi", "Wen Zhao", "Yara Haddad", "Dmitri Volkov"}[i], i)
	}
	diary.WriteString("Description,Open Date,Start Time,Venue,Matter Id,Reference No\n")
	var events strings.Builder
	events.WriteString("What,Start Date,Start Time,Room,Matter Id\n")
	for i := range 16 {
		venue := ""
		if i%3 != 0 {
			venue = "County Court Room 2 East"
		}
		kind := []string{"Hearing", "Callover", "Mention"}[i%3]
		fmt.Fprintf(&diary, "%s,2024-10-%02d,%d:30,%s,%d,X-%05d\n", kind, 1+i, 9+i%7, venue, 1+i%5, 4711+37*i)
		fmt.Fprintf(&events, "%s,2024-11-%02d,%d:15,%s,%d\n", kind, 1+i, 9+i%7, venue, 1+i%5)
	}
	paths := writeFolder(t, map[string]string{"Matters.csv": mat.String(), "Parties.csv": parties.String(), "Diary.csv": diary.String()})
	res := analyzeFolder(t, paths)
	if p := planOf(t, res, paths, "Parties.csv"); p.Entity != model.Relationships {
		t.Errorf("Parties.csv read as %q, want relationships (pre-pass: %+v)", p.Entity, res.Tables)
	}
	d := planOf(t, res, paths, "Diary.csv")
	if d.Entity != model.CalendarEvents {
		t.Fatalf("Diary.csv read as %q, want calendar_events (pre-pass: %+v)", d.Entity, res.Tables)
	}
	paths = writeFolder(t, map[string]string{"Matters.csv": mat.String(), "Events.csv": events.String()})
	res = analyzeFolder(t, paths)
	if got := targets(planOf(t, res, paths, "Events.csv")); got["What"] != "subject" {
		t.Errorf("Events.csv targets %v, want the event's subject from What (on every row), not Room (on some)", got)
	}
}

// tableOf builds what pass 1 would learn of a small table.
func tableOf(name string, header []string, rows [][]string) *table {
	t := &table{name: name, path: name + ".csv", rows: int64(len(rows)), sample: rows}
	t.t.Name, t.t.Header = name, header
	for i, h := range header {
		c := newColumn(h, i)
		for _, r := range rows {
			c.add(r[i])
		}
		t.cols = append(t.cols, c)
	}
	return t
}

// A table already known to hold matters is no list of people, though it
// names its clients: a list of people linked to it hangs on it (a parties
// list), where two lists of people linked to each other would not.
func TestPeopleHangOnATableKnownToHoldMatters(t *testing.T) {
	var mrows, prows [][]string
	for i := range 12 {
		mrows = append(mrows, []string{fmt.Sprintf("B/%02d/24", 1+i), []string{"Akosua", "Baraka", "Chiamaka", "Dalia"}[i%4] + " " + []string{"Mwangi", "Otieno", "Obi"}[i%3], "Probate", fmt.Sprintf("client%d@mail.example", i), fmt.Sprintf("2023-03-%02d", 1+i)})
	}
	for i := range 6 {
		prows = append(prows, []string{fmt.Sprintf("B/%02d/24", 2*i+1), []string{"Ingrid Solberg", "Hamid Karimi", "Lucia Bianchi", "Wen Zhao", "Yara Haddad", "Dmitri Volkov"}[i], "Beneficiary", fmt.Sprintf("p%d@mail.example", i)})
	}
	m := tableOf("Files", []string{"Number", "Client", "Description", "Email", "Opened"}, mrows)
	p := tableOf("Others", []string{"Number", "Name", "Capacity", "Email"}, prows)
	if !people(m) || !people(p) {
		t.Fatalf("both tables should look like lists of people by shape: %v %v", people(m), people(p))
	}
	m.holds, m.pk = "matters", m.cols[0]
	l := &link{child: p, col: p.cols[0], parent: m, key: m.cols[0], found: 1}
	p.links, m.refBy = []*link{l}, []*link{l}
	classify([]*table{m, p}, nil)
	if p.holds != "relationships" {
		t.Errorf("Others holds %q (%s), want relationships", p.holds, p.why)
	}
}

func TestBetterTextIsOnEveryRow(t *testing.T) {
	title, room, lawyer := newColumn("What", 0), newColumn("Room", 1), newColumn("By", 2)
	for i := range 20 {
		title.add([]string{"Hearing", "Callover", "Mention"}[i%3])
		if i%3 != 0 {
			room.add("County Court Room 2 East")
		}
		lawyer.add([]string{"Alasdair Pemberton-Lowe", "Henrietta Okonjo"}[i%2])
	}
	if !better(title, room) || better(room, title) {
		t.Error("a title on every row should beat a longer room on two rows in three")
	}
	if !better(title, lawyer) || better(lawyer, title) {
		t.Error("a title should beat the longer names of the two lawyers")
	}
}
