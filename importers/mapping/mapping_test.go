package mapping

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"handover/core/model"
)

// run chooses a plan and passes all rows through Observe, Finish and Map.
func run(t *testing.T, file string, header []string, rows [][]string, mem Memory, force string) (*Plan, []Outcome) {
	t.Helper()
	p, err := Choose(file, "", header, rows, mem, force)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		p.Observe(r)
	}
	p.Finish()
	var outs []Outcome
	for _, r := range rows {
		outs = append(outs, p.Map(r))
	}
	return p, outs
}

func col(p *Plan, header string) Column {
	for _, c := range p.Columns {
		if c.Header == header {
			return c
		}
	}
	return Column{Index: -1}
}

func hasWarning(p *Plan, rule, column string) bool {
	for _, w := range p.Warnings {
		if w.Rule == rule && (column == "" || w.Column == column) {
			return true
		}
	}
	return false
}

func hasFinding(o Outcome, rule, value string) bool {
	for _, f := range o.Findings {
		if f.Rule == rule && f.Value == value {
			return true
		}
	}
	return false
}

func TestProfilesLoad(t *testing.T) {
	if err := load(); err != nil {
		t.Fatal(err)
	}
	ps := Profiles()
	want := []string{"pclaw-clients", "pclaw-matters", "pclaw-time", "ar-ledger", "trust-ledger", "outlook-contacts", "outlook-calendar",
		"google-contacts", "practicepanther-contacts", "practicepanther-matters", "mycase-contacts", "mycase-cases", "bill4time-clients",
		"bill4time-time", "abacus-names", "generic-tasks", "generic-notes", "generic-phone-log", "generic"}
	got := map[string]ProfileInfo{}
	for _, p := range ps {
		got[p.Name] = p
	}
	for _, w := range want {
		if _, ok := got[w]; !ok {
			t.Errorf("profile %s missing", w)
		}
	}
	if ps[len(ps)-1].Name != "generic" {
		t.Errorf("generic should be last, got %s", ps[len(ps)-1].Name)
	}
	if got["trust-ledger"].Ledger != model.LedgerTrustDeposit || got["pclaw-time"].Entity != model.TimeEntries {
		t.Errorf("bad info: %+v %+v", got["trust-ledger"], got["pclaw-time"])
	}
}

func TestDetectByHeader(t *testing.T) {
	cases := []struct {
		file   string
		header string
		want   string
	}{
		{"time.csv", "Date,Lawyer,Matter,Hours,Rate,Amount,Description,Billed,Invoice", "pclaw-time"},
		{"ar.csv", "Date,Matter,Type,Reference,Amount", "ar-ledger"},
		{"trust.csv", "Date,Matter,Client,Type,Amount,Reference", "trust-ledger"},
		{"contacts.csv", "Title,First Name,Middle Name,Last Name,Suffix,Company,Department,Job Title,Business Street,Business City,Business State,Business Postal Code,E-mail Address,Mobile Phone,Notes", "outlook-contacts"},
		{"kontakte.csv", "Anrede,Vorname,Weitere Vornamen,Nachname,Suffix,Firma,Abteilung,Position,Straße geschäftlich,Ort geschäftlich,Postleitzahl geschäftlich,E-Mail-Adresse,Telefon geschäftlich,Mobiltelefon", "outlook-contacts"},
		{"cal.csv", "\ufeffSubject,Start Date,Start Time,End Date,End Time,All day event,Reminder on/off,Meeting Organizer,Description,Location,Categories", "outlook-calendar"},
		{"kalender.csv", "Betreff,Beginnt am,Beginnt um,Endet am,Endet um,Ganztägiges Ereignis,Besprechungsplanung,Beschreibung,Ort", "outlook-calendar"},
		{"google.csv", "Name,Given Name,Additional Name,Family Name,E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value", "google-contacts"},
		{"contacts.csv", "First Name,Middle Name,Last Name,Labels,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value", "google-contacts"},
		{"pp.csv", "Display Name,Number,CompanyName,First Name,Middle Name,Last Name,Email,Fax,Home,Mobile,Office Phone,Address,ContactNotes,CompanyNotes,Website,AssignedTo,Tags,URL", "practicepanther-contacts"},
		{"pp-matters.csv", "Contact,Name,Number,Notes,Status,Open Date", "practicepanther-matters"},
		{"mycase.csv", "MyCase ID,First Name,Last Name,Company,E-mail Address,Archived,Private Notes", "mycase-contacts"},
		{"cases.csv", "MyCase ID,Case Name,Case Number,Billing Contact,Status,Open Date", "mycase-cases"},
		{"b4t.csv", "Client Name,Account Manager,Status,Client ID (from Previous Software),Address 1,City,State,Zip,Phone,Email", "bill4time-clients"},
		{"b4t-time.csv", "Client ID,Client Name,Project ID,Project Name,User,Billable Hours,Date of Work,Private Description,Public Description,Status,Billable", "bill4time-time"},
		{"NAMES.DBF", "NAME,FIRST,LAST,COMPANY,PHONE,EMAIL,NOTES", "abacus-names"},
		{"tasks.xlsx", "Task,Description,Matter,Assigned To,Due Date,Priority,Status", "generic-tasks"},
		{"notes.csv", "Matter,Date,Subject,Note,Author", "generic-notes"},
		{"calls.csv", "Date,Time,Matter,Caller,Staff,Subject,Notes", "generic-phone-log"},
		{"whatever.csv", "Foo,Bar,Baz", "generic"},
	}
	for _, c := range cases {
		p, err := Choose(c.file, "", strings.Split(c.header, ","), nil, nil, "")
		if err != nil {
			t.Fatal(err)
		}
		if p.Profile != c.want {
			t.Errorf("%s: chose %s, want %s", c.header, p.Profile, c.want)
		}
	}
}

func TestDetectTrustVsARByValues(t *testing.T) {
	h := []string{"Date", "Matter", "Type", "Reference", "Amount"}
	p, _ := Choose("ledger.csv", "", h, [][]string{{"1/2/2024", "16-1001", "Deposit", "", "500.00"}, {"1/3/2024", "16-1001", "Withdrawal", "", "100"}}, nil, "")
	if p.Profile != "trust-ledger" {
		t.Errorf("deposit/withdrawal ledger chose %s", p.Profile)
	}
	p, _ = Choose("ledger.csv", "", h, [][]string{{"1/2/2024", "16-1001", "Invoice", "1001", "500.00"}}, nil, "")
	if p.Profile != "ar-ledger" {
		t.Errorf("invoice ledger chose %s", p.Profile)
	}
}

func headerless(n int) []string {
	h := make([]string, n)
	for i := range h {
		h[i] = strconv.Itoa(i + 1)
	}
	return h
}

func TestHeaderlessPCLaw(t *testing.T) {
	clients := [][]string{
		{"0042", "Jane", "Doe", "", "Ms.", "Doe, Jane", "1 Main St", "Suite 2", "Springfield", "IL", "02134", "555-0100", "jane@example.com"},
		{"C-17", "", "", "Acme LLP", "", "Acme LLP", "9 Elm", "", "Shelbyville", "IL", "62565", "555-0199", ""},
		{"0043", "Bob", "Roe", "Acme LLP", "", "Roe, Bob", "", "", "", "", "", "", "bob@acme.example"},
	}
	p, outs := run(t, "CLIENTS.CSV", headerless(13), clients, nil, "")
	if p.Profile != "pclaw-clients" || p.Entity != model.Contacts {
		t.Fatalf("chose %s/%s", p.Profile, p.Entity)
	}
	if col(p, "ZIP").Target != "address[Work].postal_code" {
		t.Errorf("ZIP → %q", col(p, "ZIP").Target)
	}
	c := outs[0].Records[0].Data.(*model.Contact)
	if outs[0].Records[0].Key != "pclaw-clients:contacts:0042" || c.FirstName != "Jane" || c.LastName != "Doe" || c.Type != "Person" {
		t.Errorf("row 1: key %s %+v", outs[0].Records[0].Key, c)
	}
	if len(c.Addresses) != 1 || c.Addresses[0].PostalCode != "02134" || c.Addresses[0].Street != "1 Main St\nSuite 2" || c.Addresses[0].Name != "Work" {
		t.Errorf("address: %+v", c.Addresses)
	}
	if len(c.Emails) != 1 || c.Emails[0].Address != "jane@example.com" || !c.Emails[0].Default {
		t.Errorf("emails: %+v", c.Emails)
	}
	if len(c.CustomFields) != 0 { // "Doe, Jane" says nothing the names do not
		t.Errorf("custom: %+v", c.CustomFields)
	}
	// A client row with names and a firm whose Display As is the firm: the company, names as its contact person.
	p2, o2 := run(t, "clients.csv", headerless(13), [][]string{{"1009", "Ann", "Lee", "Lee Dental", "", "Lee Dental", "", "", "", "", "", "", ""}}, nil, "pclaw-clients")
	if c := o2[0].Records[0].Data.(*model.Contact); p2.Profile != "pclaw-clients" || len(o2[0].Records) != 1 || c.Type != "Company" || c.Name != "Lee Dental" || c.CustomFields["Contact Person"] != "Ann Lee" {
		t.Errorf("firm client: %+v", o2[0].Records)
	}
	co := outs[1].Records[0].Data.(*model.Contact)
	if co.Type != "Company" || co.Name != "Acme LLP" || len(outs[1].Records) != 1 {
		t.Errorf("company row: %+v (%d records)", co, len(outs[1].Records))
	}
	// Bob works at Acme LLP, which already has its own row: no derived duplicate.
	bob := outs[2].Records[0].Data.(*model.Contact)
	if bob.Company != (model.Ref{Kind: "name", Value: "Acme LLP"}) || len(outs[2].Records) != 1 {
		t.Errorf("bob: %+v records %d", bob.Company, len(outs[2].Records))
	}

	matters := [][]string{
		{"16-1001", "0042", "Family", "Doe divorce", "03/15/2016", "JS", "AB", "Active", ""},
		{"1-Jan", "0042", "Estate", "Doe estate", "04/20/2016", "JS", "AB", "Closed", "05/01/2017"},
		{"16-1003", "C-17", "Corporate", "Acme general", "", "", "AB", "On Hold", ""},
		{"16-1004", "C-17", "Corporate", "Acme lease", "", "", "AB", "", ""},
		{"16-1005", "C-17", "Corporate", "Acme tax", "13/05/2016", "", "AB", "", ""},
	}
	// Column 5 mixes 03/15 and 13/05: flagged; choose from sample + name.
	p, outs = run(t, "matters.csv", headerless(9), matters, nil, "")
	if p.Profile != "pclaw-matters" || p.Entity != model.Matters {
		t.Fatalf("chose %s", p.Profile)
	}
	m := outs[0].Records[0].Data.(*model.Matter)
	if m.DisplayNumber != "16-1001" || m.Status != "Open" || m.Client != (model.Ref{Kind: "id", Value: "0042"}) || m.PracticeArea != "Family" || m.ResponsibleAttorney != "AB" {
		t.Errorf("matter: %+v", m)
	}
	if outs[0].Records[0].Key != "pclaw-matters:matters:16-1001" {
		t.Errorf("key %s", outs[0].Records[0].Key)
	}
	if m.CustomFields["Assigned Lawyer"] != "JS" {
		t.Errorf("assigned lawyer: %+v", m.CustomFields)
	}
	if s := outs[2].Records; len(s) == 0 || s[0].Data.(*model.Matter).Status != "Pending" {
		t.Errorf("On Hold → Pending: %+v", outs[2])
	}
	// Excel turned matter 1-1002 (or similar) into "1-Jan": flagged, kept as written.
	m2 := outs[1].Records[0].Data.(*model.Matter)
	if m2.DisplayNumber != "1-Jan" || !hasFinding(outs[1], model.RuleExcelMangled, "1-Jan") || outs[1].Findings[0].Field != "display_number" {
		t.Errorf("mangled matter: %+v findings %+v", m2, outs[1].Findings)
	}
	if !hasWarning(p, "", "MATTER") || hasWarning(p, model.RuleExcelMangled, "") { // summary only: the row carries the finding
		t.Errorf("no excel warning: %+v", p.Warnings)
	}
	if !hasWarning(p, model.RuleDateAmbiguous, "DATE OPENED") {
		t.Errorf("mixed order not flagged: %+v", p.Warnings)
	}
	// The column reads month-first (two rows prove it); the day-first row is rejected, not guessed.
	if r := outs[4].Reject; !strings.Contains(r, "DATE OPENED") || !strings.Contains(r, "13/05/2016") {
		t.Errorf("minority-order row: %+v", outs[4])
	}
}

func TestExcelSerialMatterAmongDashedIDs(t *testing.T) {
	h := []string{"Matter", "Client", "Description", "Status"}
	rows := [][]string{{"16-1001", "1", "a", "Open"}, {"16-1002", "1", "b", "Open"}, {"42370", "1", "c", "Open"}, {"16-1004", "1", "d", "Open"}}
	_, outs := run(t, "m.csv", h, rows, nil, "")
	if !hasFinding(outs[2], model.RuleExcelMangled, "42370") {
		t.Errorf("serial among dashed ids not flagged: %+v", outs[2].Findings)
	}
	if hasFinding(outs[0], model.RuleExcelMangled, "16-1001") {
		t.Errorf("good id flagged")
	}
}

func TestGermanOutlookSameTargetsAsEnglish(t *testing.T) {
	en := strings.Split("Title,First Name,Middle Name,Last Name,Company,Job Title,Business Street,Business City,Business State,Business Postal Code,Business Country/Region,Business Phone,Mobile Phone,Business Fax,E-mail Address,E-mail 2 Address,Notes,Birthday,Web Page,Categories", ",")
	de := strings.Split("Anrede,Vorname,Weitere Vornamen,Nachname,Firma,Position,Straße geschäftlich,Ort geschäftlich,Region geschäftlich,Postleitzahl geschäftlich,Land/Region geschäftlich,Telefon geschäftlich,Mobiltelefon,Fax geschäftlich,E-Mail-Adresse,E-Mail 2: Adresse,Notizen,Geburtstag,Webseite,Kategorien", ",")
	pe, _ := Choose("contacts.csv", "", en, nil, nil, "")
	pd, _ := Choose("kontakte.csv", "", de, nil, nil, "")
	if pe.Profile != "outlook-contacts" || pd.Profile != "outlook-contacts" {
		t.Fatalf("%s %s", pe.Profile, pd.Profile)
	}
	for i := range en {
		if pe.Columns[i].Target != pd.Columns[i].Target || pe.Columns[i].Target == "" || pe.Columns[i].Via != ViaProfile || pd.Columns[i].Via != ViaProfile {
			t.Errorf("%s → %q (%s) but %s → %q (%s)", en[i], pe.Columns[i].Target, pe.Columns[i].Via, de[i], pd.Columns[i].Target, pd.Columns[i].Via)
		}
	}
	row := []string{"Herr", "Max", "", "Müller", "Müller & Söhne GmbH", "Geschäftsführer", "Hauptstraße 1", "Berlin", "", "10115", "Deutschland", "+49 30 1234", "+49 170 555", "", "max@mueller.de", "", "Stammkunde", "0.0.00", "", "Mandant"}
	pd.Observe(row)
	pd.Finish()
	o := pd.Map(row)
	if o.Reject != "" || len(o.Records) != 3 { // person, derived company, contact note
		t.Fatalf("%+v", o)
	}
	c := o.Records[0].Data.(*model.Contact)
	if c.FirstName != "Max" || c.LastName != "Müller" || c.Prefix != "Herr" || c.Company.Value != "Müller & Söhne GmbH" || c.DateOfBirth != "" {
		t.Errorf("%+v", c)
	}
	if len(c.Phones) != 2 || c.Phones[1].Name != "Mobile" || c.Addresses[0].City != "Berlin" || c.CustomFields["Categories"] != "Mandant" {
		t.Errorf("%+v %+v %+v", c.Phones, c.Addresses, c.CustomFields)
	}
	if o.Records[1].Key != "outlook-contacts:contacts:company:mullersohnegmbh" || o.Records[1].Entity != model.Contacts {
		t.Errorf("company key %s", o.Records[1].Key)
	}
	n := o.Records[2].Data.(*model.Note)
	if o.Records[2].Entity != model.Notes || n.Type != "Contact" || n.Detail != "Stammkunde" {
		t.Errorf("note %+v", n)
	}
}

func TestCompanyDerivedOnceAcrossRows(t *testing.T) {
	h := []string{"First Name", "Last Name", "Company", "E-mail Address"}
	rows := [][]string{{"A", "One", "Acme, Inc.", "a@x"}, {"B", "Two", "ACME Inc", "b@x"}, {"C", "Three", "", ""}}
	_, outs := run(t, "c.csv", h, rows, nil, "")
	if len(outs[0].Records) != 2 || len(outs[1].Records) != 1 {
		t.Fatalf("records %d %d", len(outs[0].Records), len(outs[1].Records))
	}
	if outs[0].Records[1].Key != "outlook-contacts:contacts:company:acmeinc" {
		t.Errorf("key %s", outs[0].Records[1].Key)
	}
}

func TestTimeEntries(t *testing.T) {
	h := strings.Split("Date,Lawyer,Matter,Hours,Rate,Amount,Description,Billed,Invoice", ",")
	rows := [][]string{
		{"03/15/2024", "JS", "16-1001", "1.5", "250.00", "375.00", "Draft motion", "N", ""},
		{"03/16/2024", "JS", "16-1001", "0:45", "1,234.50", "", "Call", "", ""},
		{"03/17/2024", "AB", "16-1002", "2", "200", "400", "Research", "Y", "5001"},
		{"03/18/2024", "AB", "16-1002", "abc", "200", "", "Oops", "N", ""},
		{"", "", "", "", "", "", "", "", ""},
		{"Total", "", "", "4.25", "", "", "", "", ""},
	}
	p, outs := run(t, "time.csv", h, rows, nil, "")
	if p.Profile != "pclaw-time" {
		t.Fatal(p.Profile)
	}
	te := outs[0].Records[0].Data.(*model.TimeEntry)
	if te.Seconds != 5400 || te.Price != 25000 || te.Date != "2024-03-15" || te.User != "JS" || te.Matter != (model.Ref{Kind: "number", Value: "16-1001"}) || te.Note != "Draft motion" {
		t.Errorf("%+v", te)
	}
	if !strings.HasPrefix(outs[0].Records[0].Key, "pclaw-time:time_entries:h:") {
		t.Errorf("key %s", outs[0].Records[0].Key)
	}
	te = outs[1].Records[0].Data.(*model.TimeEntry)
	if te.Seconds != 2700 || te.Price != 123450 {
		t.Errorf("%+v", te)
	}
	if outs[2].Excluded != model.BilledHistory || outs[2].Entity != model.TimeEntries {
		t.Errorf("billed: %+v", outs[2])
	} else if x, ok := outs[2].Excl.(*model.TimeEntry); !ok || x.Seconds != 7200 || x.User != "AB" {
		t.Errorf("excl %+v", outs[2].Excl)
	}
	if r := outs[3].Reject; !strings.Contains(r, `"Hours"`) || !strings.Contains(r, `"abc"`) || !strings.Contains(r, "16-1002") || !strings.Contains(r, "1.5") {
		t.Errorf("reject: %q", r)
	}
	if outs[4].Excluded != model.EmptyRow {
		t.Errorf("empty: %+v", outs[4])
	}
	if outs[5].Excluded != model.NotData {
		t.Errorf("total: %+v", outs[5])
	}
}

func TestLedgers(t *testing.T) {
	h := []string{"Date", "Matter", "Type", "Reference", "Amount"}
	rows := [][]string{
		{"2024-01-05", "16-1001", "Invoice", "1001", "1,234.50"},
		{"2024-01-20", "16-1001", "Payment", "CHQ 7", "(125.00)"},
		{"2024-01-21", "16-1001", "Credit", "", "$ 10"},
		{"2024-01-22", "16-1001", "Lunch", "", "10"},
		{"2024-01-23", "16-1001", "Payment", "", "12.345"},
	}
	p, outs := run(t, "ar.csv", h, rows, nil, "")
	if p.Profile != "ar-ledger" || p.Ledger != model.LedgerInvoice || p.Entity != "" {
		t.Fatalf("%s %s %s", p.Profile, p.Ledger, p.Entity)
	}
	l := outs[0].Ledger
	if outs[0].Excluded != model.AccountingHistory || outs[0].Entity != model.ARBalances || l == nil || l.Kind != model.LedgerInvoice || l.Amount != 123450 || l.Reference != "1001" || l.Matter.Value != "16-1001" || l.Date != "2024-01-05" {
		t.Errorf("%+v %+v", outs[0], l)
	}
	// (125.00) parsed as -12500: a negative payment reverses it.
	if l := outs[1].Ledger; l == nil || l.Amount != 12500 || l.Kind != model.LedgerInvoice {
		t.Errorf("negative payment: %+v", l)
	}
	if l := outs[2].Ledger; l == nil || l.Kind != model.LedgerCredit || l.Amount != 1000 {
		t.Errorf("credit %+v", l)
	}
	if !strings.Contains(outs[3].Reject, "Lunch") {
		t.Errorf("unknown type: %+v", outs[3])
	}
	if !strings.Contains(outs[4].Reject, "12.345") {
		t.Errorf("3 decimals: %+v", outs[4])
	}

	th := strings.Split("Date;Matter;Client;Type;Amount;Reference", ";")
	trows := [][]string{
		{"15.03.2024", "16-1001", "Doe", "Deposit", "1.234,50", "R1"},
		{"20.03.2024", "16-1001", "Doe", "Transfer to Operating", "200,00", "R2"},
	}
	p, outs = run(t, "trust.csv", th, trows, nil, "")
	if p.Profile != "trust-ledger" {
		t.Fatal(p.Profile)
	}
	if l := outs[0].Ledger; l == nil || l.Kind != model.LedgerTrustDeposit || l.Amount != 123450 || l.Date != "2024-03-15" || l.Contact != (model.Ref{Kind: "name", Value: "Doe"}) || outs[0].Entity != model.TrustBalances {
		t.Errorf("%+v %+v", outs[0], l)
	}
	if l := outs[1].Ledger; l == nil || l.Kind != model.LedgerTrustWithdrawal || l.Amount != 20000 {
		t.Errorf("%+v", l)
	}
}

func TestParseCents(t *testing.T) {
	ok := []struct {
		in    string
		comma bool
		want  model.Cents
	}{
		{"1,234.50", false, 123450}, {"(125.00)", false, -12500}, {"$ 1.234,50", true, 123450}, {"-$5", false, -500},
		{"125.00 CR", false, -12500}, {"0.1", false, 10}, {".5", false, 50}, {"1 234,5", true, 123450}, {"€1.000.000,00", true, 100000000},
		{"2.500", false, 250}, {"1234", false, 123400}, {"12.3400", false, 1234}, {"99-", false, -9900},
		{"1234.4999999999998", false, 123450}, {"0.1000000000000001", false, 10}, {"-2.0049999999", false, -200},
	}
	for _, c := range ok {
		got, err := ParseCents(c.in, c.comma)
		if err != nil || got != c.want {
			t.Errorf("ParseCents(%q,%v) = %v, %v; want %v", c.in, c.comma, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "abc", "1,23.50", "1.2.3", "12.345", "1.234,50", "$", "--", "1e5"} {
		if v, err := ParseCents(bad, false); err == nil {
			t.Errorf("ParseCents(%q) = %v, want error", bad, v)
		}
	}
}

func TestParseHours(t *testing.T) {
	for in, want := range map[string]int64{"1.5": 5400, "0:45": 2700, "1:30:15": 5415, "0.1": 360, "2": 7200, "0.333": 1199, "1.25h": 4500, ".25": 900, "1.4999999999999998": 5400} {
		got, err := ParseHours(in, false)
		if err != nil || got != want {
			t.Errorf("ParseHours(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	if got, _ := ParseHours("1,5", true); got != 5400 {
		t.Errorf("decimal comma hours: %d", got)
	}
	for _, bad := range []string{"abc", "1:75", "", "1.5.2"} {
		if _, err := ParseHours(bad, false); err == nil {
			t.Errorf("ParseHours(%q) should fail", bad)
		}
	}
}

func TestDates(t *testing.T) {
	for in, want := range map[string]string{
		"2024-03-15": "2024-03-15", "15-Mar-2024": "2024-03-15", "Mar 15, 2024": "2024-03-15", "45366": "2024-03-15",
		"20240315": "2024-03-15", "15. März 2024": "2024-03-15", "3/15/24": "2024-03-15", "3/15/2024 10:00 AM": "2024-03-15",
	} {
		s := scanDate(in)
		got, ok := s.resolve("MDY")
		if !ok || got != want {
			t.Errorf("%q → %q %v, want %s", in, got, ok, want)
		}
	}
	if got, _ := scanDate("15.03.2024").resolve("DMY"); got != "2024-03-15" {
		t.Error(got)
	}
	if _, ok := scanDate("2/30/2024").resolve("MDY"); ok {
		t.Error("Feb 30 accepted")
	}
	for in, want := range map[string]string{"10:00:00 AM": "10:00:00", "2:30 PM": "14:30:00", "12:05 AM": "00:05:00", "14:30": "14:30:00", "0.5": "12:00:00", "9.15 Uhr": "09:15:00"} {
		if got, ok := parseTime(in); !ok || got != want {
			t.Errorf("time %q → %q", in, got)
		}
	}
}

func TestAmbiguousDateColumnFlagged(t *testing.T) {
	h := []string{"Task", "Matter", "Assigned To", "Due Date"}
	rows := [][]string{{"File answer", "16-1001", "JS", "03/04/2024"}, {"Call client", "16-1001", "JS", "05/06/2024"}}
	p, outs := run(t, "todo.csv", h, rows, nil, "generic")
	if p.Entity != model.Tasks {
		t.Fatalf("entity %s", p.Entity)
	}
	if !hasWarning(p, model.RuleDateAmbiguous, "Due Date") {
		t.Errorf("not flagged: %+v", p.Warnings)
	}
	task := outs[0].Records[0].Data.(*model.Task)
	if task.DueAt != "2024-03-04" || len(outs[0].Findings) != 0 || p.Warnings[0].Value != "03/04/2024" {
		t.Errorf("%+v %+v %+v", task, outs[0].Findings, p.Warnings)
	}
	// One decisive value settles the whole column without a warning.
	rows = append(rows, []string{"Serve", "16-1001", "JS", "25/06/2024"})
	p, outs = run(t, "todo.csv", h, rows, nil, "generic")
	if hasWarning(p, model.RuleDateAmbiguous, "") || p.DateOrders["Due Date"] != "DMY" || outs[0].Records[0].Data.(*model.Task).DueAt != "2024-04-03" {
		t.Errorf("%+v %+v", p.Warnings, p.DateOrders)
	}
}

func TestUnknownHeaderBecomesCustomField(t *testing.T) {
	h := []string{"First Name", "Last Name", "E-mail Address", "Favourite Colour"}
	rows := [][]string{{"Ann", "Lee", "ann@x.org", "Teal"}}
	p, outs := run(t, "c.csv", h, rows, nil, "")
	if len(p.Unmapped) != 1 || p.Unmapped[0] != "Favourite Colour" || col(p, "Favourite Colour").Target != "custom:Favourite Colour" {
		t.Errorf("%+v %+v", p.Unmapped, col(p, "Favourite Colour"))
	}
	if !hasWarning(p, RuleUnmapped, "") {
		t.Error("no unmapped warning")
	}
	if c := outs[0].Records[0].Data.(*model.Contact); c.CustomFields["Favourite Colour"] != "Teal" {
		t.Errorf("%+v", c.CustomFields)
	}
}

// A column nobody ever filled has nothing to lose: it is not put to the
// office manager as one to map, while a filled unknown column still is.
func TestEmptyUnknownColumnAsksNothing(t *testing.T) {
	h := []string{"First Name", "Last Name", "E-mail Address", "Fax", "Favourite Colour"}
	rows := [][]string{{"Ann", "Lee", "ann@x.org", "", "Teal"}, {"Bo", "Ray", "bo@x.org", " ", ""}}
	p, _ := run(t, "c.csv", h, rows, nil, "")
	for _, w := range p.Warnings {
		if w.Rule == RuleUnmapped && (strings.Contains(w.Column, "Fax") || !strings.Contains(w.Column, "Favourite Colour")) {
			t.Errorf("unmapped warning %q, want Favourite Colour alone", w.Column)
		}
	}
	if !hasWarning(p, RuleUnmapped, "") {
		t.Error("the filled unknown column is not reported")
	}
}

func TestFuzzyAndRemembered(t *testing.T) {
	h := []string{"Vorname", "Nachname", "Telefon", "E-mail Adress"}
	p, _ := Choose("x.csv", "", h, [][]string{{"A", "B", "1", "a@b"}}, nil, "generic")
	c := col(p, "E-mail Adress")
	if c.Target != "emails[Work]" || c.Via != ViaFuzzy || c.Confidence >= 1 || c.Confidence < FuzzyThreshold {
		t.Errorf("fuzzy: %+v", c)
	}
	if p.Entity != model.Contacts {
		t.Errorf("entity %s", p.Entity)
	}
	mem := Memory{Normalize("E-mail Adress"): "emails[Home]"}
	p, _ = Choose("x.csv", "", h, nil, mem, "generic")
	if c := col(p, "E-mail Adress"); c.Target != "emails[Home]" || c.Via != ViaRemembered || c.Confidence != 1 {
		t.Errorf("remembered: %+v", c)
	}
	p.SetColumn("Telefon", "phones[Mobile]")
	if c := col(p, "Telefon"); c.Target != "phones[Mobile]" || c.Via != ViaUser {
		t.Errorf("user: %+v", c)
	}
	m := p.Remember()
	if m["telefon"] != "phones[Mobile]" || m["emailadress"] != "emails[Home]" {
		t.Errorf("remember %+v", m)
	}
	// digits must agree: "Phone 7" is not "Phone 1"
	if t2, _ := fuzzy(Normalize("Phone 7 - Valeu"), "contacts"); t2 == "phones[1]" {
		t.Error("digit mismatch matched")
	}
}

func TestGenericEntityChoice(t *testing.T) {
	cases := map[string]model.Entity{
		"Matter Number,Client Name,Description,Status,Open Date": model.Matters,
		"Date,Timekeeper,Matter,Hrs,Rate":                        model.TimeEntries,
		"first_name,last_name,email":                             model.Contacts,
		"Subject,Start Date,End Date,Location":                   model.CalendarEvents,
	}
	for h, want := range cases {
		p, _ := Choose("x.csv", "", strings.Split(h, ","), nil, nil, "generic")
		if p.Entity != want {
			t.Errorf("%s → %q, want %s (%+v)", h, p.Entity, want, p.Columns)
		}
	}
	p, _ := Choose("x.csv", "", []string{"Foo", "Bar"}, nil, nil, "")
	if p.Entity != "" || !hasWarning(p, RuleUnknownTable, "") {
		t.Errorf("%+v", p)
	}
	if o := p.Map([]string{"a", "b"}); o.Reject == "" {
		t.Error("unknown table should reject rows")
	}
}

func TestCalendarAndPhoneLog(t *testing.T) {
	h := strings.Split("Subject,Start Date,Start Time,End Date,End Time,All day event,Meeting Organizer,Description,Location,Categories", ",")
	rows := [][]string{
		{"Hearing", "3/15/2024", "10:00:00 AM", "3/15/2024", "11:30:00 AM", "False", "JS", "Motion", "Court 3", "Court"},
		{"Holiday", "3/29/2024", "", "3/30/2024", "", "True", "JS", "", "", ""},
	}
	p, outs := run(t, "calendar.csv", h, rows, nil, "")
	if p.Profile != "outlook-calendar" || !hasWarning(p, RuleNoTimeZone, "") {
		t.Fatalf("%s %+v", p.Profile, p.Warnings)
	}
	e := outs[0].Records[0].Data.(*model.CalendarEvent)
	if e.StartAt != "2024-03-15T10:00:00" || e.EndAt != "2024-03-15T11:30:00" || e.AllDay || e.Owner != "JS" || e.Description != "Motion\n\nCategories: Court" {
		t.Errorf("%+v", e)
	}
	e = outs[1].Records[0].Data.(*model.CalendarEvent)
	if !e.AllDay || e.StartAt != "2024-03-29" || e.EndAt != "2024-03-30" {
		t.Errorf("%+v", e)
	}

	ph := strings.Split("Date,Time,Matter,Caller,Staff,Subject,Notes", ",")
	_, outs = run(t, "phone.csv", ph, [][]string{{"2024-03-15", "2:30 PM", "16-1001", "Jane Doe", "JS", "", "Wants update"}}, nil, "")
	c := outs[0].Records[0].Data.(*model.Communication)
	if outs[0].Records[0].Entity != model.PhoneLogs || c.ReceivedAt != "2024-03-15T14:30:00" || c.From != "Jane Doe" || c.Contact.Value != "Jane Doe" || c.User != "JS" || c.Subject != "Phone call with Jane Doe" || c.Body != "Wants update" {
		t.Errorf("%+v", c)
	}
}

func TestNotesTasksAndCloudProfiles(t *testing.T) {
	_, outs := run(t, "notes.csv", strings.Split("Contact,Date,Subject,Note,Author", ","), [][]string{{"Jane Doe", "2024-01-02", "Intake", "Met", "JS"}}, nil, "")
	n := outs[0].Records[0].Data.(*model.Note)
	if n.Type != "Contact" || n.Contact != (model.Ref{Kind: "name", Value: "Jane Doe"}) || n.Detail != "Met" || n.Author != "JS" || n.Date != "2024-01-02" {
		t.Errorf("%+v", n)
	}
	_, outs = run(t, "tasks.csv", strings.Split("Task,Description,Matter,Assigned To,Due Date,Priority,Status", ","), [][]string{{"File", "d", "16-1001", "JS", "2024-05-01", "Urgent", "Done"}}, nil, "")
	tk := outs[0].Records[0].Data.(*model.Task)
	if tk.Priority != "High" || tk.Status != "complete" || tk.DueAt != "2024-05-01" || tk.Assignee != "JS" {
		t.Errorf("%+v", tk)
	}
	// PracticePanther matters: Name → description, client by name, notes → matter note.
	_, outs = run(t, "pp.csv", strings.Split("Contact,Name,Number,Notes,Status", ","), [][]string{{"Doe, Jane", "Doe v. Roe", "0042", "Called", "Inactive"}}, nil, "")
	m := outs[0].Records[0].Data.(*model.Matter)
	if m.DisplayNumber != "0042" || m.Description != "Doe v. Roe" || m.Client != (model.Ref{Kind: "name", Value: "Doe, Jane"}) || m.Status != "Closed" || len(outs[0].Records) != 2 {
		t.Errorf("%+v", m)
	}
	// Bill4Time clients: a company name in Client Name, a person written "Last, First".
	h := strings.Split("Client Name,Account Manager,Status,Client ID (from Previous Software),Email", ",")
	_, outs = run(t, "b4t.csv", h, [][]string{{"Acme Holdings LLC", "JS", "Active", "C9", ""}, {"Roe, Bob", "JS", "Disabled", "C10", "bob@x"}}, nil, "")
	if c := outs[0].Records[0].Data.(*model.Contact); c.Type != "Company" || c.Name != "Acme Holdings LLC" || outs[0].Records[0].Key != "bill4time-clients:contacts:C9" {
		t.Errorf("%+v", c)
	}
	if c := outs[1].Records[0].Data.(*model.Contact); c.Type != "Person" || c.FirstName != "Bob" || c.LastName != "Roe" || c.CustomFields["Status"] != "Disabled" {
		t.Errorf("%+v", c)
	}
	// Bill4Time time: Status "Billed" is history; Billable "No" → non-billable.
	th := strings.Split("Client ID,Client Name,Project ID,Project Name,User,Billable Hours,Date of Work,Private Description,Public Description,Status,Billable", ",")
	_, outs = run(t, "b4t-time.csv", th, [][]string{{"C9", "Acme", "P1", "Lease", "JS", "0.5", "2024-02-01", "internal", "Review", "Unbilled", "No"}, {"C9", "Acme", "P1", "Lease", "JS", "1", "2024-02-02", "", "Draft", "Billed", "Yes"}}, nil, "")
	te := outs[0].Records[0].Data.(*model.TimeEntry)
	if te.Seconds != 1800 || !te.NonBillable || te.Matter.Value != "P1" || !strings.Contains(te.Note, "Private: internal") {
		t.Errorf("%+v", te)
	}
	if outs[1].Excluded != model.BilledHistory {
		t.Errorf("%+v", outs[1])
	}
	// Google old layout: typed slots.
	gh := strings.Split("Name,Given Name,Family Name,E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value,Organization 1 - Name", ",")
	_, outs = run(t, "google.csv", gh, [][]string{{"Ann Lee", "Ann", "Lee", "* Home", "ann@x.org ::: ann@y.org", "Mobile", "555", ""}}, nil, "")
	c := outs[0].Records[0].Data.(*model.Contact)
	if len(c.Emails) != 2 || c.Emails[0].Name != "Home" || c.Emails[1].Address != "ann@y.org" || c.Phones[0].Name != "Mobile" {
		t.Errorf("%+v", c)
	}
	// Abacus: full NAME only, deleted flag.
	_, outs = run(t, "NAMES.DBF", strings.Split("ID,NAME,FIRST,LAST,COMPANY,PHONE,EMAIL,NOTES,DELETED", ","), [][]string{{"17", "Smith, John Q.", "", "", "", "555", "", "", "F"}, {"18", "Old Guy", "", "", "", "", "", "", "T"}}, nil, "")
	if c := outs[0].Records[0].Data.(*model.Contact); c.FirstName != "John" || c.MiddleName != "Q." || c.LastName != "Smith" || outs[0].Records[0].Key != "abacus-names:contacts:17" {
		t.Errorf("%+v", c)
	}
	if outs[1].Excluded != model.DeletedInSource || outs[1].Excl == nil {
		t.Errorf("%+v", outs[1])
	}
}

func TestRowHashKeyStable(t *testing.T) {
	h1 := []string{"Task", "Matter", "Due Date"}
	h2 := []string{"Due Date", "Task", "Matter", "Extra"}
	p1, o1 := run(t, "t.csv", h1, [][]string{{"File  answer", "16-1001", "2024-05-01"}, {"File answer", "16-1001", "2024-05-01"}}, nil, "generic-tasks")
	_, o2 := run(t, "t.csv", h2, [][]string{{"2024-05-01", "file answer", "16-1001", ""}}, nil, "generic-tasks")
	k1, k2 := o1[0].Records[0].Key, o2[0].Records[0].Key
	if k1 != k2 || !strings.HasPrefix(k1, "generic-tasks:tasks:h:") {
		t.Errorf("%s vs %s", k1, k2)
	}
	if o1[1].Records[0].Key != k1+"-2" {
		t.Errorf("repeat %s", o1[1].Records[0].Key)
	}
	// Finish resets the repeat counter for the next pass.
	p1.Finish()
	if k := p1.Map([]string{"File answer", "16-1001", "2024-05-01"}).Records[0].Key; k != k1 {
		t.Errorf("after Finish %s", k)
	}
}

func TestForceUnknownProfile(t *testing.T) {
	if _, err := Choose("x", "", []string{"a"}, nil, nil, "nope"); err == nil {
		t.Error("expected error")
	}
}

func TestUnclearBilledMarkerRejected(t *testing.T) {
	h := strings.Split("Date,Lawyer,Matter,Hours,Rate,Amount,Description,Billed,Invoice", ",")
	_, outs := run(t, "time.csv", h, [][]string{{"2024-03-15", "JS", "16-1001", "1", "100", "", "x", "Partly", ""}}, nil, "")
	if r := outs[0].Reject; !strings.Contains(r, `"Billed"`) || !strings.Contains(r, "Partly") {
		t.Errorf("%+v", outs[0])
	}
}

func TestContactTypeKeptAndNoteKey(t *testing.T) {
	h := []string{"MyCase ID", "First Name", "Last Name", "Contact Type", "Private Notes"}
	_, outs := run(t, "mycase.csv", h, [][]string{{"77", "Al", "Bo", "Opposing Counsel", "Difficult"}}, nil, "")
	c := outs[0].Records[0].Data.(*model.Contact)
	if c.Type != "Person" || c.CustomFields["Contact Type"] != "Opposing Counsel" {
		t.Errorf("%+v", c)
	}
	if len(outs[0].Records) != 2 || outs[0].Records[1].Key != "mycase-contacts:notes:contact:77" || outs[0].Records[1].Data.(*model.Note).Contact != (model.Ref{Kind: "key", Value: outs[0].Records[0].Key}) {
		t.Errorf("%+v", outs[0].Records)
	}
}

func TestSetColumnAfterObserveSettlesDates(t *testing.T) {
	h := []string{"Matter", "Client", "Description", "Status", "Opened On"}
	rows := [][]string{{"1", "C", "d", "Open", "25/12/2020"}, {"2", "C", "d", "Open", "01/02/2021"}}
	p, _ := Choose("m.csv", "", h, rows, nil, "")
	for _, r := range rows {
		p.Observe(r)
	}
	p.SetColumn("Opened On", "open_date")
	p.Finish()
	if p.DateOrders["Opened On"] != "DMY" {
		t.Fatalf("%+v", p.DateOrders)
	}
	if m := p.Map(rows[1]).Records[0].Data.(*model.Matter); m.OpenDate != "2021-02-01" {
		t.Errorf("%+v", m)
	}
}

func TestMonthLikeIDsNotAllFlagged(t *testing.T) {
	if !monthish("1-Jan") || !monthish("Jan-01") || !monthish("16-Jan-01") || monthish("MAR-1001") || monthish("ABC-12") {
		t.Error("monthish")
	}
}

func TestMoreProfileRows(t *testing.T) {
	h := strings.Split("Display Name,Number,CompanyName,First Name,Middle Name,Last Name,Email,Fax,Home,Mobile,Office Phone,Address,ContactNotes,CompanyNotes,Website,AssignedTo,Tags,URL", ",")
	row := []string{"Doe, Jane", "0042", "", "Jane", "", "Doe", "jane@x.org", "", "", "555-1", "555-2", "1 Main St, Springfield", "VIP", "", "x.org", "JS", "family", "https://pp/1"}
	p, outs := run(t, "pp-contacts.csv", h, [][]string{row}, nil, "")
	if p.Profile != "practicepanther-contacts" {
		t.Fatal(p.Profile)
	}
	c := outs[0].Records[0].Data.(*model.Contact)
	if outs[0].Records[0].Key != "practicepanther-contacts:contacts:0042" || c.FirstName != "Jane" || c.Phones[0].Name != "Mobile" || c.Phones[1].Name != "Work" ||
		c.CustomFields["Tags"] != "family" || c.CustomFields["Display Name"] != "Doe, Jane" || c.Addresses[0].Street != "1 Main St, Springfield" || c.WebSites[0] != "x.org" {
		t.Errorf("%+v", c)
	}
	if col(p, "URL").Target != "skip" || len(p.Unmapped) != 0 {
		t.Errorf("%+v %v", col(p, "URL"), p.Unmapped)
	}

	h = strings.Split("MyCase ID,Case Name,Case Number,Billing Contact,Status,Practice Area,Open Date,Lead Attorney,Description", ",")
	p, outs = run(t, "cases.csv", h, [][]string{{"9", "Doe v. Roe", "2024-0007", "Jane Doe", "Open", "Family", "01/31/2024", "JS", "Custody"}}, nil, "")
	m := outs[0].Records[0].Data.(*model.Matter)
	if p.Profile != "mycase-cases" || m.DisplayNumber != "2024-0007" || m.Client != (model.Ref{Kind: "name", Value: "Jane Doe"}) || m.OpenDate != "2024-01-31" || m.Status != "Open" || m.ResponsibleAttorney != "JS" {
		t.Errorf("%s %+v", p.Profile, m)
	}
	if outs[0].Records[0].Key != "mycase-cases:matters:2024-0007" || len(outs[0].Records) != 2 || outs[0].Records[1].Key != "mycase-cases:notes:matter:2024-0007" {
		t.Errorf("%+v", outs[0].Records)
	}

	h = strings.Split("First Name,Middle Name,Last Name,Organization Name,Organization Title,Birthday,Labels,E-mail 1 - Label,E-mail 1 - Value,E-mail 2 - Label,E-mail 2 - Value,Phone 1 - Label,Phone 1 - Value,Address 1 - Label,Address 1 - Street,Address 1 - City,Address 1 - Postal Code", ",")
	row = []string{"Ann", "", "Lee", "Lee & Co", "Partner", "1980-02-29", "* myContacts ::: Clients", "Work", "ann@lee.co", "* Home", "ann@home.net", "Work Fax", "555", "Home", "2 Oak", "Denver", "80202"}
	p, outs = run(t, "contacts.csv", h, [][]string{row}, nil, "")
	c = outs[0].Records[0].Data.(*model.Contact)
	if p.Profile != "google-contacts" || c.DateOfBirth != "1980-02-29" || c.Title != "Partner" || c.Company.Value != "Lee & Co" ||
		len(c.Emails) != 2 || c.Emails[0].Name != "Work" || c.Emails[1].Name != "Home" || c.Phones[0].Name != "Fax" ||
		c.Addresses[0].Name != "Home" || c.Addresses[0].City != "Denver" || c.CustomFields["Labels"] != "* myContacts ::: Clients" {
		t.Errorf("%s %+v", p.Profile, c)
	}
}

func TestSetDateOrder(t *testing.T) {
	h := strings.Split("Date,Time,Matter,Caller,Staff,Subject,Notes", ",")
	rows := [][]string{{"03/05/2026", "9:00 AM", "1", "A", "JS", "", ""}}
	p, _ := run(t, "phone.csv", h, rows, nil, "")
	if !hasWarning(p, model.RuleDateAmbiguous, "Date") {
		t.Fatal(p.Warnings)
	}
	if err := p.SetDateOrder("Date", "DMY"); err != nil {
		t.Fatal(err)
	}
	if hasWarning(p, model.RuleDateAmbiguous, "Date") {
		t.Error("still warned")
	}
	if c := p.Map(rows[0]).Records[0].Data.(*model.Communication); c.ReceivedAt != "2026-05-03T09:00:00" {
		t.Error(c.ReceivedAt)
	}
	if p.SetDateOrder("Date", "XYZ") == nil || p.SetDateOrder("Nope", "DMY") == nil {
		t.Error("bad input accepted")
	}
}

func TestGermanCalendarRow(t *testing.T) {
	h := strings.Split("Betreff,Beginnt am,Beginnt um,Endet am,Endet um,Ganztägiges Ereignis,Besprechungsplanung,Beschreibung,Ort", ",")
	rows := [][]string{
		{"Verhandlung", "15.03.2024", "10:00:00", "15.03.2024", "11:30:00", "Aus", "Dr. Weber", "Termin", "Saal 3"},
		{"Urlaub", "02.04.2024", "", "03.04.2024", "", "Ein", "Dr. Weber", "", ""},
	}
	p, outs := run(t, "kalender.csv", h, rows, nil, "")
	if p.Profile != "outlook-calendar" || p.DateOrders["Beginnt am"] != "DMY" {
		t.Fatalf("%s %+v", p.Profile, p.DateOrders)
	}
	e := outs[0].Records[0].Data.(*model.CalendarEvent)
	if e.Summary != "Verhandlung" || e.StartAt != "2024-03-15T10:00:00" || e.EndAt != "2024-03-15T11:30:00" || e.AllDay || e.Owner != "Dr. Weber" || e.Location != "Saal 3" {
		t.Errorf("%+v", e)
	}
	// 02.04 is read day-first like the rest of the column, not guessed.
	e = outs[1].Records[0].Data.(*model.CalendarEvent)
	if !e.AllDay || e.StartAt != "2024-04-02" || e.EndAt != "2024-04-03" {
		t.Errorf("%+v", e)
	}
}

func TestSetEntityOnUnknownTable(t *testing.T) {
	h := []string{"Ref", "Who", "When"}
	rows := [][]string{{"A1", "Jane Doe", "2024-01-02"}}
	p, outs := run(t, "x.csv", h, rows, nil, "")
	if p.Entity != "" || outs[0].Reject == "" || !hasWarning(p, RuleUnknownTable, "") {
		t.Fatalf("%+v %+v", p, outs[0])
	}
	if p.SetEntity("nonsense") == nil {
		t.Error("bad kind accepted")
	}
	p.SetColumn("Who", "full_name")
	if err := p.SetEntity("contacts"); err != nil {
		t.Fatal(err)
	}
	p.Finish()
	o := p.Map(rows[0])
	c := o.Records[0].Data.(*model.Contact)
	if hasWarning(p, RuleUnknownTable, "") || c.FirstName != "Jane" || c.LastName != "Doe" || c.CustomFields["Ref"] != "A1" || c.CustomFields["When"] != "2024-01-02" {
		t.Errorf("%+v %+v", c, p.Warnings)
	}
}

func TestStrayTargetIsKeptNotDropped(t *testing.T) {
	h := []string{"First Name", "Last Name", "Follow Up"}
	rows := [][]string{{"Ann", "Lee", "2024-05-01"}}
	p, _ := Choose("c.csv", "", h, rows, nil, "")
	p.SetColumn("Follow Up", "due_date") // a task field on a contacts table
	p.Finish()
	c := p.Map(rows[0]).Records[0].Data.(*model.Contact)
	if c.CustomFields["Follow Up"] != "2024-05-01" || len(p.Unmapped) != 1 {
		t.Errorf("%+v %v", c.CustomFields, p.Unmapped)
	}
}

func TestSetValue(t *testing.T) {
	h := strings.Split("Date;Matter;Client;Type;Amount;Reference", ";")
	rows := [][]string{{"2024-01-02", "16-1001", "Doe", "Payment", "10.00", ""}}
	p, outs := run(t, "trust.csv", h, rows, nil, "trust-ledger")
	if !strings.Contains(outs[0].Reject, "Payment") {
		t.Fatalf("%+v", outs[0])
	}
	p.SetValue("ledger.type", "payment", string(model.LedgerTrustWithdrawal))
	if l := p.Map(rows[0]).Ledger; l == nil || l.Kind != model.LedgerTrustWithdrawal {
		t.Errorf("%+v", l)
	}
}

func TestTargets(t *testing.T) {
	ts := strings.Join(Targets("contacts"), " ")
	if !strings.Contains(ts, "first_name") || !strings.Contains(ts, "phones[Mobile]") || strings.Contains(ts, "hours") {
		t.Error(ts)
	}
	for _, k := range kinds {
		for _, x := range Targets(k) {
			if !validTarget(x) || !targetFits(x, k) {
				t.Errorf("%s: %s", k, x)
			}
		}
	}
}

// decimalSep replaced two regular expressions on the hot path; it must
// answer exactly as they did.
func TestDecimalSepMatchesThePattern(t *testing.T) {
	reComma := regexp.MustCompile(`\d,\d{1,2}\)?$|^\(?[^,]*\d\.\d{3},\d`)
	rePoint := regexp.MustCompile(`\d\.\d{1,2}\)?$|^\(?[^.]*\d,\d{3}\.\d`)
	vals := []string{"", "1", "12,5", "12,50", "12,500", "1.234,5", "1,234.5", "(125,00)", "(125.00)", "1.234.567,89",
		"12.5", "0.75", "1,234", "1.234", ",5", ".5", "a1,23", "1,2)", "12,3a", "1.234,", "x1.234,5", "(1,234.50)", "1.2345,6"}
	for a := 0; a < 400; a++ { // and a spread of generated shapes
		b := []byte{}
		for i := 0; i < a%9+1; i++ {
			b = append(b, "0123456789.,()-"[(a*7+i*13)%15])
		}
		vals = append(vals, string(b))
	}
	for _, v := range vals {
		if got, want := decimalSep(v, ',', '.'), reComma.MatchString(v); got != want {
			t.Errorf("comma decimal %q: %v, pattern says %v", v, got, want)
		}
		if got, want := decimalSep(v, '.', ','), rePoint.MatchString(v); got != want {
			t.Errorf("point decimal %q: %v, pattern says %v", v, got, want)
		}
	}
	// and beyond the patterns: a currency code or sign after the amount
	// leaves its decimal mark where it was
	for v, comma := range map[string]bool{"150,00 CHF": true, "1.234,50 EUR": true, "12,50 €": true, "1,234.50 USD": false, "USD 1,234.50": false} {
		if decimalSep(v, ',', '.') != comma || decimalSep(v, '.', ',') == comma {
			t.Errorf("%q: decimal comma %v, point %v; want comma %v", v, decimalSep(v, ',', '.'), decimalSep(v, '.', ','), comma)
		}
	}
}

// A column nobody filled says nothing about what a table's rows are: an
// empty Fax column does not make a parties list a contacts list.
func TestEmptyColumnDoesNotDecideTheKind(t *testing.T) {
	h := []string{"NumExpediente", "Nombre", "Función", "Correo", "UserField1", "OldRef", "Fax", "Remarks"}
	rows := [][]string{{"M-6", "Samuel Xu", "Judge", "samuel.xu12@mail.example", "", "R04033", "", "ok"},
		{"M-21", "William Patel", "Spouse", "william.patel29@mail.example", "", "R74837", "", "see file"},
		{"M-47", "Liam Brennan", "Judge", "liam.brennan23@mail.example", "", "R82648", "", ""}}
	p, err := Choose("Office.db", "tblParties", h, rows, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	if p.kind != "relationships" {
		t.Errorf("kind %q, want relationships", p.kind)
	}
}
