package relational

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"handover/importers/mapping"
	"handover/importers/relational/reltest"
)

func analyze(t *testing.T, path string) *Result {
	t.Helper()
	res, err := Analyze(context.Background(), []string{path}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func holds(res *Result) map[string]string {
	m := map[string]string{}
	for _, t := range res.Tables {
		m[t.Table] = t.Holds
	}
	return m
}

func TestCaseDBTablesTyped(t *testing.T) {
	res := analyze(t, reltest.CaseDB(t, t.TempDir()))
	for _, tr := range res.Tables {
		t.Logf("%s: %s (%s) key=%s", tr.Table, tr.Holds, tr.Why, tr.Key)
		for _, l := range tr.Links {
			t.Logf("   %s", l.Why)
		}
	}
	want := map[string]string{"tblStaff": "staff", "tblStatus": "lookup", "tblClients": "contacts", "tblMatters": "matters",
		"tblMemo": "notes", "tblTime": "time_entries", "tblToDo": "tasks"}
	got := holds(res)
	for tab, w := range want {
		if got[tab] != w {
			t.Errorf("%s holds %q, want %q", tab, got[tab], w)
		}
	}
}

// A column with more distinct values than a small firm's table holds drops
// its value set: memory stays bounded, and the column can no longer be a
// key or a link (it is mapped as the mapping reads it).
func TestColumnValueSetIsCapped(t *testing.T) {
	c := newColumn("EntryID", 0)
	for i := 0; i <= maxDistinct; i++ {
		c.add(strconv.Itoa(i))
	}
	if !c.overflow || c.counts != nil {
		t.Fatalf("after %d distinct values: overflow %v, set of %d kept", maxDistinct+1, c.overflow, len(c.counts))
	}
	tab := &table{rows: c.nonEmpty, cols: []*column{c}}
	if candidate(tab, c) {
		t.Error("an overflowed column is still a key candidate")
	}
	if c.nonEmpty != maxDistinct+1 || c.ints != c.nonEmpty {
		t.Errorf("counts stop with the set: nonEmpty %d, ints %d", c.nonEmpty, c.ints)
	}
}

// A database keeps one matters table: the one that links to the contacts
// and that the other data hangs on. Beside it, a table of dated amounts per
// client that nothing refers to is accounting history, even when each row
// carries a code of its own that reads like a matter number (an old
// system's reference) — not a second table of matters.
func TestDatedAmountsBesideTheMattersAreALedger(t *testing.T) {
	path := filepath.Join(t.TempDir(), "office.sqlite")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		`CREATE TABLE Kunden (KundeNr INTEGER PRIMARY KEY, Name TEXT, Vorname TEXT, Mail TEXT)`,
		`CREATE TABLE Akten (AktenID INTEGER PRIMARY KEY, AktenNr TEXT, KundeNr INTEGER, Betreff TEXT)`,
		`CREATE TABLE Vermerke (ID INTEGER PRIMARY KEY, AktenID INTEGER, Datum TEXT, Text TEXT)`,
		`CREATE TABLE Fremdgeld (Datum TEXT, KundeNr INTEGER, Deposit INTEGER, Withdrawal INTEGER, Memo TEXT, Alt TEXT)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	names := []string{"Adler", "Bauer", "Clemens", "Dorn", "Eckert", "Fuchs", "Graf", "Huber"}
	for i, n := range names {
		db.Exec(`INSERT INTO Kunden VALUES (?,?,?,?)`, 5010+i, n, "Eva", fmt.Sprintf("eva.%s@mail.example", strings.ToLower(n)))
	}
	for i := 1; i <= 12; i++ {
		db.Exec(`INSERT INTO Akten VALUES (?,?,?,?)`, i, fmt.Sprintf("A-%04d", 100+i), 5010+i%len(names), "Mietsache "+names[i%len(names)])
	}
	for i := 1; i <= 20; i++ {
		db.Exec(`INSERT INTO Vermerke VALUES (?,?,?,?)`, 700+i, i%12+1, fmt.Sprintf("2024-%02d-%02d", i%12+1, i%27+1),
			fmt.Sprintf("Telefonat mit dem Mandanten über den Stand der Sache und die nächsten Schritte (%d).", i))
	}
	for i := 1; i <= 16; i++ {
		dep, wd := any(int64(10000*i+50)), any(nil)
		if i%3 == 0 {
			dep, wd = nil, int64(2500*i)
		}
		db.Exec(`INSERT INTO Fremdgeld VALUES (?,?,?,?,?,?)`, fmt.Sprintf("2024-%02d-%02d", i%12+1, i%27+1), 5010+i%len(names), dep, wd,
			"Retainer", fmt.Sprintf("R%05d", 31000+i*37))
	}
	res := analyze(t, path)
	for _, tr := range res.Tables {
		t.Logf("%s: %s (%s)", tr.Table, tr.Holds, tr.Why)
		for _, l := range tr.Links {
			t.Logf("   %s", l.Why)
		}
	}
	got := holds(res)
	if got["Akten"] != "matters" || got["Fremdgeld"] != "ledger:trust" && got["Fremdgeld"] != "ledger:ar" {
		t.Errorf("Akten holds %q, Fremdgeld %q: want matters and a ledger", got["Akten"], got["Fremdgeld"])
	}
}

// A folder of exports from one system keeps its money one way, like a
// database: whole-number hourly rates of 15,000–35,000 (only plausible as
// cents) make the invoices file's whole-number amounts cents too, instead of
// a question on the Mapping screen.
func TestFolderOfExportsKeepsMoneyOneWay(t *testing.T) {
	dir := t.TempDir()
	var tm, inv strings.Builder
	tm.WriteString("Date,File,Worker,Hours,Rate,Work\n")
	inv.WriteString("Bill,File,Date,Amount\n")
	for i := 1; i <= 12; i++ {
		fmt.Fprintf(&tm, "2024-03-%02d,F-%03d,AB,1.5,%d,Drafting\n", i, 100+i%4, 15000+5000*(i%5))
		fmt.Fprintf(&inv, "%d,F-%03d,2024-04-%02d,%d\n", 700+i, 100+i%4, i, 48213+i*1371)
	}
	tp, ip := filepath.Join(dir, "work.csv"), filepath.Join(dir, "bills.csv")
	for p, body := range map[string]string{tp: tm.String(), ip: inv.String()} {
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := Analyze(context.Background(), []string{tp, ip}, Options{Flat: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Cents == "" {
		t.Fatal("no proof of cents found in the rates")
	}
	found := false
	for id, h := range res.hints {
		if strings.HasPrefix(id, filepath.Clean(ip)+"\x00") {
			found = true
			if h.Columns["Amount"].Reading != mapping.ReadCents {
				t.Errorf("bills.csv Amount reading %q, want cents (%s)", h.Columns["Amount"].Reading, res.Cents)
			}
		}
	}
	if !found {
		t.Error("no hints for bills.csv")
	}
}

// A table's own key named after the last word of its name (EntryID in
// tblTimeEntries) is its key, not a link: its 1, 2, 3… are found in any
// other table keyed 1, 2, 3…, and asking whether time entries link to
// clients by their entry number is a question nobody can answer.
func TestOwnKeyNamedAfterTheTableIsNotALink(t *testing.T) {
	path := filepath.Join(t.TempDir(), "office.sqlite")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		`CREATE TABLE tblClients (ClientID INTEGER, LastName TEXT, FirstName TEXT, EMail TEXT)`,
		`CREATE TABLE tblMatters (MatterID INTEGER, MatterNo TEXT, ClientID INTEGER, Descr TEXT)`,
		`CREATE TABLE tblTimeEntries (EntryID INTEGER, MatterID INTEGER, WorkDate TEXT, Hours REAL, Narrative TEXT)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	for i := 1; i <= 20; i++ {
		db.Exec(`INSERT INTO tblClients VALUES (?,?,?,?)`, i, fmt.Sprintf("Last%c", 'A'+i), "Kim", fmt.Sprintf("kim%d@mail.example", i))
	}
	for i := 1; i <= 10; i++ {
		db.Exec(`INSERT INTO tblMatters VALUES (?,?,?,?)`, 100+i, fmt.Sprintf("2024-%03d", i), i*2, "Lease review")
	}
	for i := 1; i <= 15; i++ {
		db.Exec(`INSERT INTO tblTimeEntries VALUES (?,?,?,?,?)`, i, 100+i%10+1, fmt.Sprintf("2024-05-%02d", i), 0.5+float64(i%3), "Drafting the lease")
	}
	res := analyze(t, path)
	for _, tr := range res.Tables {
		if tr.Table != "tblTimeEntries" {
			continue
		}
		for _, l := range tr.Links {
			if l.Column == "EntryID" {
				t.Errorf("EntryID read as a link: %s", l.Why)
			}
		}
	}
	for id, h := range res.hints {
		for _, q := range h.Questions {
			if q.Column == "EntryID" {
				t.Errorf("%q asks about EntryID: %s", id, q.Message)
			}
		}
	}
}

// Excel day numbers (45 000–46 500 for 2023–2027) look like any other
// integers; a column of them is a date when its name says so, in the
// languages the status words are read in ("Fecha", "Data"), as "Date" and
// "Datum" do — a Spanish firm's time and invoice tables had no date and
// were read as notes.
func TestExcelDayNumbersUnderADateNameInOtherLanguages(t *testing.T) {
	for _, name := range []string{"Fecha", "FechaAlta", "Data", "WorkDate", "Importe"} {
		c := newColumn(name, 0)
		for i := 0; i < 30; i++ {
			c.add(strconv.Itoa(46080 + i%20))
		}
		want := name != "Importe"
		if c.date() != want || dateWord(name) != want {
			t.Errorf("%s of Excel day numbers: date %v, date word %v, want %v", name, c.date(), dateWord(name), want)
		}
	}
}

// A folder of exports whose headers are all abbreviated (TRAN_DT, DUR,
// TK_INIT): the time listing is told by its values — h:mm spans under a few
// hours beside a date and a matter link — not taken for a calendar, and the
// invoice listing the time entries refer to hangs on the matters, so it is
// not a second matters table.
func TestAbbreviatedExportsTypedByValues(t *testing.T) {
	dir := t.TempDir()
	var mt, tm, inv strings.Builder
	mt.WriteString("MTR_ID,MTR_NO,CLNT_NM,MTR_DSC,STAT,OPN_DT\n")
	tm.WriteString("ENTRY_NO,TRAN_DT,MTR_ID,TK_INIT,DUR,RT,WRK_DSC,INV_NO\n")
	inv.WriteString("INV_NO,MTR_ID,TRAN_DT,AMT,OLD_REF\n")
	names := []string{"Ana Ruiz", "Ben Okafor", "Carla Mendes", "Dev Patel"}
	for i := 1; i <= 8; i++ {
		fmt.Fprintf(&mt, "%d,%d,%s,Contract dispute %d,Open,2024-01-%02d\n", i, 1000+i, names[i%4], i, i)
		fmt.Fprintf(&inv, "%d,%d,2024-05-%02d,%d.50,R%05d\n", 2300+i, i, i, 400+37*i, 91000+13*i)
	}
	for i := 1; i <= 30; i++ {
		fmt.Fprintf(&tm, "%d,2024-03-%02d,%d,RL,%d:%02d,%d.00,Drafting the letter %d,%d\n", i, 1+i%28, 1+i%8, i%4, 6*(i%10), 175+25*(i%4), i, 2301+i%8)
	}
	paths := map[string]string{"MATTERS.csv": mt.String(), "TIME_ENTRIES.csv": tm.String(), "INVOICES.csv": inv.String()}
	var list []string
	for name, body := range paths {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		list = append(list, p)
	}
	sort.Strings(list)
	res, err := Analyze(context.Background(), list, Options{Flat: true})
	if err != nil {
		t.Fatal(err)
	}
	holds := map[string]string{}
	for _, r := range res.Tables {
		holds[filepath.Base(r.Source)] = r.Holds
	}
	if holds["TIME_ENTRIES.csv"] != "time_entries" {
		t.Errorf("TIME_ENTRIES.csv holds %q, want time_entries (all: %v)", holds["TIME_ENTRIES.csv"], holds)
	}
	if holds["INVOICES.csv"] == "matters" {
		t.Errorf("INVOICES.csv typed as matters beside MATTERS.csv (all: %v)", holds)
	}
}

func TestShortSpanTellsDurationsFromOfficeHours(t *testing.T) {
	for v, want := range map[string]bool{"0:45": true, "2:30": true, "06:59": true, "9:15": false, "14:00": false, "1:15 PM": false, "3:00am": false} {
		if got := shortSpan(v); got != want {
			t.Errorf("shortSpan(%q) = %v, want %v", v, got, want)
		}
	}
}

// A date column written two ways by one export (20240115 beside
// 2024-01-15) is a date column: its numbers are dates because the rest of
// the column is, whatever its header says.
func TestDatesWrittenTwoWaysInOneColumn(t *testing.T) {
	c := newColumn("TRAN_DT", 0)
	for i := 1; i <= 20; i++ {
		if i%4 == 0 {
			c.add(fmt.Sprintf("2024-02-%02d", i))
		} else {
			c.add(fmt.Sprintf("202403%02d", i))
		}
	}
	if !c.date() {
		t.Error("a column of YYYYMMDD numbers and ISO dates is not read as a date")
	}
	serials := newColumn("STRT_DT", 0)
	for i := 1; i <= 20; i++ {
		if i%4 == 0 {
			serials.add(fmt.Sprintf("2024-02-%02d", i))
		} else {
			serials.add(fmt.Sprintf("%d", 45300+11*i))
		}
	}
	if !serials.date() {
		t.Error("Excel day numbers beside ISO dates under a date header not read as a date")
	}
	amounts := newColumn("AMT", 0)
	for i := 1; i <= 20; i++ {
		amounts.add(fmt.Sprintf("%d", 20240100+i*37))
	}
	amounts.add("2024-01-05")
	if amounts.date() {
		t.Error("numbers with a single stray date taken for a date column")
	}
}

// A flat matters file whose client column's header is abbreviated
// (CLNT_NM): the column of many people's and firms' names is the client by
// name, the few lawyers repeated beside it are not, and the description is
// still the matter's own text.
func TestMattersClientByNameFromValues(t *testing.T) {
	dir := t.TempDir()
	var mt strings.Builder
	mt.WriteString("MTR_ID,MTR_NO,CLNT_NM,MTR_DSC,STAT,RESP_ATTY\n")
	clients := []string{"Tanaka, Chen", "Ana Ruiz", "Ben Okafor", "Carla Mendes", "Dev Patel", "Emma Stone", "Farid Haddad", "Grace Liu", "Hugo Weber", "Ines Costa", "Jon Berg", "Kai Moreau"}
	for i := 1; i <= 24; i++ {
		fmt.Fprintf(&mt, "%d,2024-%03d,%s,Lease review,Open,%s\n", i, i, clients[i%12], []string{"Uwe Müller", "Quinn Schmidt"}[i%2])
	}
	p := filepath.Join(dir, "MATTERS.csv")
	if err := os.WriteFile(p, []byte(mt.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Analyze(context.Background(), []string{p}, Options{Flat: true})
	if err != nil {
		t.Fatal(err)
	}
	for id, h := range res.hints {
		if !strings.HasPrefix(id, filepath.Clean(p)+"\x00") {
			continue
		}
		if h.Kind != "matters" {
			t.Fatalf("MATTERS.csv typed as %q, want matters", h.Kind)
		}
		if got := h.Columns["CLNT_NM"].Target; got != "client_name" {
			t.Errorf("CLNT_NM target %q, want client_name (hints %v)", got, h.Columns)
		}
		if got := h.Columns["RESP_ATTY"].Target; got == "client_name" {
			t.Errorf("RESP_ATTY taken for the client")
		}
		if got := h.Columns["MTR_DSC"].Target; got != "description" && h.Columns["CLNT_NM"].Target == "client_name" {
			t.Errorf("MTR_DSC target %q, want description (hints %v)", got, h.Columns)
		}
		return
	}
	t.Fatal("no hints for MATTERS.csv")
}

// A folder of exports beside its matters file, every header abbreviated and
// the matter named by "number: client - description": the phone messages
// are told by the caller's phone number, the calendar by its times of day
// once its matter link is found by prefix (and its owner by the initials of
// a few lawyers), the invoices (dated amounts) are no code lookup, the
// parties (undated names beside a matter number) are who else is party to
// it, and a notes file whose 1, 2, 3… another file's 1, 2, 3… fall in is not
// a second matters file.
func TestAbbreviatedFolderTypedByValuesAndPrefixLinks(t *testing.T) {
	dir := t.TempDir()
	files := map[string]*strings.Builder{}
	w := func(name, format string, a ...any) {
		if files[name] == nil {
			files[name] = &strings.Builder{}
		}
		fmt.Fprintf(files[name], format, a...)
	}
	w("MATTERS.csv", "MTR_NO,CLNT_NM,MTR_DSC,STAT,OPN_DT\n")
	w("NOTES.csv", "REC_ID,MTR,TRAN_DT,SUBJ,NOTE_TXT\n")
	w("TASKS.csv", "REC_ID,MTR,DUE_DT,TSK_DSC,DONE\n")
	w("PHONE_MESSAGES.csv", "TRAN_DT,TM,CALLER,PHN_NO,MTR,MSG_TXT\n")
	w("CALENDAR.csv", "EVT_DSC,STRT_DT,STRT_TM,END_TM,LOC,MTR,TK_INIT\n")
	w("INVOICES.csv", "INV_NO,MTR,TRAN_DT,AMT\n")
	w("PAYMENTS.csv", "TRAN_DT,MTR,INV_NO,AMT\n")
	w("PARTIES.csv", "MTR,NM,ROLE,EMAIL_ADDR\n")
	clients := []string{"Cedar Bakery", "Hughes", "Quigley", "García", "Moreau", "Xu"}
	subjects := []string{"Dog bite", "Power of attorney", "Probate", "Incorporation"}
	mtr := func(i int) string {
		return fmt.Sprintf("2024-%03d: %s - %s", 1+i%12, clients[(1+i%12)%6], subjects[(1+i%12)%4])
	}
	for i := 1; i <= 12; i++ {
		w("MATTERS.csv", "2024-%03d,%s,%s,Open,2024-01-%02d\n", i, clients[i%6], subjects[i%4], i)
	}
	for i := 1; i <= 20; i++ {
		w("NOTES.csv", "%d,%s,2024-06-%02d,File review,Discussed the file with the client at some length; next steps agreed %d.\n", i, mtr(i), i, i)
		w("TASKS.csv", "%d,%s,2024-07-%02d,Send the draft %d,%s\n", i, mtr(i+3), i, i, []string{"Yes", "No"}[i%2])
		w("PHONE_MESSAGES.csv", "2024-05-%02d,%d:%02d,Caller %c Smith,(312) 322-%04d,%s,Asked about the invoice %d\n", i, 9+i%8, 5*(i%12), 'A'+i, 1000+37*i, mtr(i+5), i)
		w("CALENDAR.csv", "Hearing %d,2024-08-%02d,%d:30,%d:30,Office,%s,%s\n", i, i, 9+i%6, 10+i%6, mtr(i+7), []string{"RL", "JU", "AR"}[i%3])
		w("PARTIES.csv", "2024-%03d,%c%s Party,%s,party%d@mail.example\n", 1+(i+2)%12, 'A'+i, "lice", []string{"Judge", "Expert", "Opposing Counsel"}[i%3], i)
		w("INVOICES.csv", "%d,%s,2024-09-%02d,%d.%02d\n", 5200+i, mtr(i), i, 300+41*i, i)
		w("PAYMENTS.csv", "2024-10-%02d,%s,%d,%d.00\n", i, mtr(i), 5200+i, 100+13*i)
	}
	var paths []string
	for name, b := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	sort.Strings(paths)
	res, err := Analyze(context.Background(), paths, Options{Flat: true})
	if err != nil {
		t.Fatal(err)
	}
	holds := map[string]string{}
	for _, r := range res.Tables {
		holds[filepath.Base(r.Source)] = r.Holds
	}
	for name, want := range map[string]string{"PHONE_MESSAGES.csv": "phone_logs", "CALENDAR.csv": "calendar_events", "INVOICES.csv": "ledger:ar", "PARTIES.csv": "relationships"} {
		if holds[name] != want {
			t.Errorf("%s holds %q, want %s (all: %v)", name, holds[name], want, holds)
		}
	}
	for name, h := range holds {
		if h == "matters" && name != "MATTERS.csv" {
			t.Errorf("%s typed as a second matters file (all: %v)", name, holds)
		}
	}
	for id, h := range res.hints {
		switch {
		case strings.Contains(id, "CALENDAR.csv\x00") && h.Columns["TK_INIT"].Target != "user":
			t.Errorf("CALENDAR.csv TK_INIT (initials of a few lawyers) target %q, want user", h.Columns["TK_INIT"].Target)
		case strings.Contains(id, "PARTIES.csv\x00") && (h.Columns["NM"].Target != "full_name" || h.Columns["ROLE"].Target != "" && h.Columns["ROLE"].Target != "role"):
			t.Errorf("PARTIES.csv targets %v, want NM full_name (ROLE left as the header reads it, a role)", h.Columns)
		}
	}
}

func TestCurrencyAmountsNeedACurrencyAndCents(t *testing.T) {
	for _, tc := range []struct {
		values []string
		want   bool
	}{
		{[]string{"USD 275.00", "USD 300.00"}, true},
		{[]string{"EUR 1.250,00", "€ 90,50"}, true},
		{[]string{"$175.00", "£ 12.50"}, true},
		{[]string{"275.00", "300.00"}, false}, // no currency: the plain-number rules decide
		{[]string{"USD 275", "USD 300"}, false},
		{[]string{"M-1 Lease", "USD 3.00"}, false},
	} {
		c := newColumn("RT", 0)
		for _, v := range tc.values {
			c.add(v)
		}
		if got := currencyAmounts(c); got != tc.want {
			t.Errorf("currencyAmounts(%q) = %v, want %v", tc.values, got, tc.want)
		}
	}
}

// A database's tables with abbreviated headers: the clients' own key 1…12
// falls inside the time entries' 1…40, which says nothing about the clients
// (they are still the contacts the matters refer to), and the matters'
// unique number beside their key, the one the time entries refer to, is the
// matter number the firm writes (MTR_NO 1001, not MTR_ID 1).
func TestDatabaseKeysNumberedAlikeAndTheReferredNumber(t *testing.T) {
	dir := t.TempDir()
	var cl, mt, tm strings.Builder
	cl.WriteString("CLNT_NO,FRST_NM,LST_NM,EMAIL_ADDR\n")
	mt.WriteString("MTR_ID,MTR_NO,CLNT_NO,MTR_DSC,OPN_DT\n")
	tm.WriteString("ENTRY_NO,MTR_NO,TRAN_DT,MINS,WRK_DSC\n")
	first := []string{"Ana", "Ben", "Carla", "Dev", "Emma", "Farid"}
	last := []string{"Ruiz", "Okafor", "Mendes", "Patel", "Stone", "Haddad", "Liu", "Weber"}
	for i := 1; i <= 12; i++ {
		fmt.Fprintf(&cl, "%d,%s,%s,%s.%s%d@mail.example\n", i, first[i%6], last[i%8], strings.ToLower(first[i%6]), strings.ToLower(last[i%8]), i)
		fmt.Fprintf(&mt, "%d,%d,%d,Lease review %d,2024-01-%02d\n", i, 1000+i, 1+(i*5)%12, i, i)
	}
	for i := 1; i <= 40; i++ {
		fmt.Fprintf(&tm, "%d,%d,2024-03-%02d,%d,Drafting\n", i, 1001+i%12, 1+i%28, 6*(1+i%20))
	}
	var paths []string
	for name, body := range map[string]string{"CLIENTS.csv": cl.String(), "MATTERS.csv": mt.String(), "TIME_ENT.csv": tm.String()} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	sort.Strings(paths)
	res, err := Analyze(context.Background(), paths, Options{})
	if err != nil {
		t.Fatal(err)
	}
	holds := map[string]string{}
	for _, r := range res.Tables {
		holds[filepath.Base(r.Source)] = r.Holds
	}
	for name, want := range map[string]string{"CLIENTS.csv": "contacts", "MATTERS.csv": "matters", "TIME_ENT.csv": "time_entries"} {
		if holds[name] != want {
			t.Errorf("%s holds %q, want %s (all: %v)", name, holds[name], want, holds)
		}
	}
	for id, h := range res.hints {
		if strings.Contains(id, "MATTERS.csv\x00") && (h.Columns["MTR_NO"].Target != "matter" || h.Columns["MTR_ID"].Target == "matter") {
			t.Errorf("MATTERS.csv targets %v, want MTR_NO as the matter number and MTR_ID not", h.Columns)
		}
	}
}

func TestRoundCentsIsAPricePerHourNotACount(t *testing.T) {
	for _, tc := range []struct {
		values []string
		want   bool
	}{
		{[]string{"30000", "37500", "32500"}, true},
		{[]string{"120", "90", "60"}, false},         // minutes
		{[]string{"30000", "37512"}, false},          // not round
		{[]string{"20240115", "20240116"}, false},    // dates
		{[]string{"300.00", "375.00"}, false},        // not whole numbers
		{[]string{"2500", "5000", "1000000"}, false}, // past any hourly rate
	} {
		c := newColumn("RT", 0)
		for _, v := range tc.values {
			c.add(v)
		}
		if got := roundCents(c); got != tc.want {
			t.Errorf("roundCents(%q) = %v, want %v", tc.values, got, tc.want)
		}
	}
}

func TestCommaPricesAreNotHours(t *testing.T) {
	for _, tc := range []struct {
		values []string
		want   bool
	}{
		{[]string{"275,00", "300,00", "1.250,00"}, true},
		{[]string{"1,50", "2,25"}, false},     // hours with a decimal comma
		{[]string{"275.00", "300.00"}, false}, // a point: the number rules decide
		{[]string{"1,234,567"}, false},
	} {
		c := newColumn("RT", 0)
		for _, v := range tc.values {
			c.add(v)
		}
		if got := commaPrices(c); got != tc.want {
			t.Errorf("commaPrices(%q) = %v, want %v", tc.values, got, tc.want)
		}
	}
}
