package mapping

import (
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"handover/core/model"
)

func column(t *testing.T, p *Plan, header string) Column {
	t.Helper()
	for _, c := range p.Columns {
		if c.Header == header {
			return c
		}
	}
	t.Fatalf("no column %q in %+v", header, p.Columns)
	return Column{}
}

func hasQuestion(p *Plan, header string) bool { return hasWarning(p, RuleReadingQuestion, header) }

// Dates written as numbers are read by the column's value range when the
// column is a date: a table of epoch dates is not rejected.
func TestEpochDateColumns(t *testing.T) {
	cases := []struct {
		name   string
		values []string
		want   []string // due dates
		read   string
		says   string
	}{
		{"unix seconds", []string{"1710460800", "1710547200", "0", "1712000000"}, []string{"2024-03-15", "2024-03-16", "", "2024-04-01"}, ReadUnixSeconds, "1.710e9–1.712e9"},
		{"unix millis", []string{"1710460800000", "1710547200123"}, []string{"2024-03-15", "2024-03-16"}, ReadUnixMillis, "Unix time in milliseconds"},
		{"julian days", []string{"2460384.5", "2460385.5", "2460400"}, []string{"2024-03-15", "2024-03-16", "2024-03-30"}, ReadJulianDay, "Julian day"},
		{"excel serials", []string{"45366", "45367", "800"}, []string{"2024-03-15", "2024-03-16", "1902-03-10"}, ReadExcelSerial, "Excel day numbers"},
		{"yyyymmdd", []string{"20240315", "20240316"}, []string{"2024-03-15", "2024-03-16"}, ReadYYYYMMDD, "YYYYMMDD"},
		// numbers in one encoding beside dates written out: each by its form
		{"unix millis and written dates", []string{"1710460800000", "2024-03-20", "1710547200000", "Mar 22, 2024"},
			[]string{"2024-03-15", "2024-03-20", "2024-03-16", "2024-03-22"}, ReadUnixMillis, "the others are written dates"},
		{"excel serials and written dates", []string{"45366", "45367", "2024-03-20"}, []string{"2024-03-15", "2024-03-16", "2024-03-20"}, ReadExcelSerial, "2 of 3"},
	}
	for _, c := range cases {
		var rows [][]string
		for _, v := range c.values {
			rows = append(rows, []string{"Call " + v, v, "JS"})
		}
		p, outs := run(t, "tasks.csv", []string{"Task", "Due Date", "Assigned To"}, rows, nil, "")
		if p.Entity != model.Tasks {
			t.Fatalf("%s: entity %q", c.name, p.Entity)
		}
		col := column(t, p, "Due Date")
		if col.Reading != c.read || !strings.Contains(col.Evidence, c.says) {
			t.Errorf("%s: reading %q evidence %q", c.name, col.Reading, col.Evidence)
		}
		for i, o := range outs {
			if o.Reject != "" {
				t.Errorf("%s: %q rejected: %s", c.name, c.values[i], o.Reject)
				continue
			}
			if got := o.Records[0].Data.(*model.Task).DueAt; got != c.want[i] {
				t.Errorf("%s: %q → %q, want %q", c.name, c.values[i], got, c.want[i])
			}
		}
		for _, w := range p.Warnings {
			if w.Column == "Due Date" {
				t.Errorf("%s: warning %q", c.name, w.Message)
			}
		}
	}
}

// A time of day survives an epoch: an event at 2024-03-15 10:30 UTC.
func TestEpochKeepsTheTime(t *testing.T) {
	rows := [][]string{{"Hearing", "1710498600"}, {"Call", "1710547200"}}
	_, outs := run(t, "calendar.csv", []string{"Subject", "Start Date"}, rows, Memory{"startdate": "start_date", "subject": "subject"}, "")
	e := outs[0].Records[0].Data.(*model.CalendarEvent)
	if e.StartAt != "2024-03-15T10:30:00" || e.AllDay {
		t.Errorf("event %+v", e)
	}
}

// Numbers that are no date form in a date column are a question, not a guess.
func TestNumbersThatAreNoDateAskAQuestion(t *testing.T) {
	rows := [][]string{{"a", "12", "JS"}, {"b", "300000", "JS"}}
	p, _ := run(t, "tasks.csv", []string{"Task", "Due Date", "Assigned To"}, rows, nil, "")
	if c := column(t, p, "Due Date"); c.Question == "" || !hasQuestion(p, "Due Date") {
		t.Errorf("no question: %+v %+v", c, p.Warnings)
	}
}

// An unmapped column of epoch times named like a date keeps the date, not
// the number; one whose name says nothing is asked about.
func TestUnmappedEpochColumn(t *testing.T) {
	rows := [][]string{{"Call", "03/15/2024", "1710498600", "1710498600"}, {"Letter", "03/16/2024", "1710547200", "1710547200"}}
	p, outs := run(t, "tasks.csv", []string{"Task", "Due Date", "created_at", "ref"}, rows, nil, "")
	task := outs[0].Records[0].Data.(*model.Task)
	if !strings.Contains(task.Description, "created_at: 2024-03-15T10:30:00") || !strings.Contains(task.Description, "ref: 1710498600") {
		t.Errorf("description %q", task.Description)
	}
	if !hasQuestion(p, "ref") || hasQuestion(p, "created_at") {
		t.Errorf("questions %+v", p.Warnings)
	}
	// Answering it reads them as dates, and the answer is remembered.
	if err := p.SetReading("ref", ReadUnixSeconds); err != nil {
		t.Fatal(err)
	}
	if hasQuestion(p, "ref") {
		t.Errorf("answered question still asked")
	}
	mem := p.Remember()
	p2, outs2 := run(t, "tasks.csv", []string{"Task", "Due Date", "created_at", "ref"}, rows, mem, "")
	if hasQuestion(p2, "ref") || !strings.Contains(outs2[1].Records[0].Data.(*model.Task).Description, "ref: 2024-03-16") {
		t.Errorf("remembered answer not used: %+v %q", p2.Warnings, outs2[1].Records[0].Data.(*model.Task).Description)
	}
	if err := p.SetReading("ref", "furlongs"); err == nil {
		t.Errorf("a reading that is no choice was taken")
	}
}

func timeEntries(t *testing.T, header []string, rows [][]string, hoursCol string) (*Plan, []Outcome) {
	t.Helper()
	p, err := Choose("time.csv", "", header, rows, nil, "generic-time")
	if err != nil {
		t.Fatal(err)
	}
	if hoursCol != "" {
		p.SetColumn(hoursCol, "hours")
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

func seconds(t *testing.T, outs []Outcome) []int64 {
	t.Helper()
	var s []int64
	for _, o := range outs {
		if o.Reject != "" || len(o.Records) == 0 {
			t.Fatalf("outcome %+v", o)
		}
		s = append(s, o.Records[0].Data.(*model.TimeEntry).Seconds)
	}
	return s
}

func TestDurationReadings(t *testing.T) {
	h := []string{"Date", "Matter", "Lawyer", "Mins", "Description"}
	rows := [][]string{{"03/15/2024", "16-1001", "JS", "90", "a"}, {"03/16/2024", "16-1001", "JS", "6", "b"}, {"03/17/2024", "16-1001", "JS", "600", "c"}}
	p, outs := timeEntries(t, h, rows, "Mins")
	if got := seconds(t, outs); got[0] != 5400 || got[1] != 360 || got[2] != 36000 {
		t.Errorf("minutes: %v", got)
	}
	if c := column(t, p, "Mins"); c.Reading != ReadMinutes || c.Question != "" {
		t.Errorf("minutes column %+v", c)
	}

	h[3] = "Units"
	p, outs = timeEntries(t, h, [][]string{{"03/15/2024", "16-1001", "JS", "15", "a"}, {"03/16/2024", "16-1001", "JS", "1", "b"}}, "Units")
	if got := seconds(t, outs); got[0] != 5400 || got[1] != 360 {
		t.Errorf("units: %v", got)
	}
	if c := column(t, p, "Units"); c.Reading != ReadTenths {
		t.Errorf("units column %+v", c)
	}

	// Whole numbers above 24 under a name that says nothing: minutes, asked.
	h[3] = "Hours"
	p, outs = timeEntries(t, h, [][]string{{"03/15/2024", "16-1001", "JS", "30", "a"}, {"03/16/2024", "16-1001", "JS", "120", "b"}}, "")
	if got := seconds(t, outs); got[0] != 1800 || got[1] != 7200 {
		t.Errorf("unsure whole numbers: %v", got)
	}
	if !hasQuestion(p, "Hours") {
		t.Errorf("no question: %+v", p.Warnings)
	}
	if err := p.SetReading("Hours", ReadTenths); err != nil {
		t.Fatal(err)
	}
	if o := p.Map([]string{"03/15/2024", "16-1001", "JS", "30", "a"}); o.Records[0].Data.(*model.TimeEntry).Seconds != 10800 || hasQuestion(p, "Hours") {
		t.Errorf("answered tenths: %+v", o.Records[0].Data)
	}

	// Decimal hours and h:mm stay hours, with no question.
	p, outs = timeEntries(t, h, [][]string{{"03/15/2024", "16-1001", "JS", "1.5", "a"}, {"03/16/2024", "16-1001", "JS", "0:45", "b"}}, "")
	if got := seconds(t, outs); got[0] != 5400 || got[1] != 2700 || hasQuestion(p, "Hours") {
		t.Errorf("hours: %v %+v", got, p.Warnings)
	}
}

func ledgerAmounts(t *testing.T, outs []Outcome) []model.Cents {
	t.Helper()
	var a []model.Cents
	for _, o := range outs {
		if o.Ledger == nil {
			t.Fatalf("not a ledger line: %+v", o)
		}
		a = append(a, o.Ledger.Amount)
	}
	return a
}

func TestMoneyReadings(t *testing.T) {
	// The name says cents.
	h := []string{"Date", "Matter", "Type", "amount_cents"}
	rows := [][]string{{"03/15/2024", "16-1001", "Invoice", "125050"}, {"03/16/2024", "16-1001", "Payment", "-2500"}}
	p, err := Choose("ledger.csv", "", h, rows, nil, "ar-ledger")
	if err != nil {
		t.Fatal(err)
	}
	p.SetColumn("amount_cents", "ledger.amount")
	for _, r := range rows {
		p.Observe(r)
	}
	p.Finish()
	var outs []Outcome
	for _, r := range rows {
		outs = append(outs, p.Map(r))
	}
	if a := ledgerAmounts(t, outs); a[0] != 125050 || a[1] != 2500 {
		t.Errorf("cents: %v", a)
	}
	if c := column(t, p, "amount_cents"); c.Reading != ReadCents || !strings.Contains(c.Evidence, "cents") {
		t.Errorf("cents column %+v", c)
	}

	// Whole numbers under a name that says nothing: asked, read by their
	// typical size until answered (whole amounts here).
	h = []string{"Date", "Matter", "Type", "Amount"}
	rows = [][]string{{"03/15/2024", "16-1001", "Invoice", "1250"}, {"03/16/2024", "16-1001", "Payment", "259"}, {"03/16/2024", "16-1002", "Invoice", "731"},
		{"03/17/2024", "16-1003", "Invoice", "1999"}, {"03/18/2024", "16-1004", "Invoice", "4821"}}
	p, outs = run(t, "ledger.csv", h, rows, nil, "ar-ledger")
	if a := ledgerAmounts(t, outs); a[0] != 125000 || !hasQuestion(p, "Amount") || column(t, p, "Amount").Reading != ReadWholeUnits {
		t.Errorf("unsure amounts: %v %+v", a, p.Warnings)
	}
	if err := p.SetReading("Amount", ReadCents); err != nil {
		t.Fatal(err)
	}
	if o := p.Map(rows[0]); o.Ledger.Amount != 1250 || hasQuestion(p, "Amount") {
		t.Errorf("answered cents: %d", o.Ledger.Amount)
	}
	// Tens of thousands each: cents until answered, still asked.
	rows = [][]string{{"03/15/2024", "16-1001", "Invoice", "83500"}, {"03/16/2024", "16-1001", "Payment", "488455"}, {"03/16/2024", "16-1002", "Invoice", "26250"}}
	p, outs = run(t, "ledger.csv", h, rows, nil, "ar-ledger")
	if a := ledgerAmounts(t, outs); a[0] != 83500 || !hasQuestion(p, "Amount") {
		t.Errorf("large whole numbers: %v %+v", a, p.Warnings)
	}
	// Amounts with decimals are never cents, and ask nothing.
	rows = [][]string{{"03/15/2024", "16-1001", "Invoice", "$1,250.50"}, {"03/16/2024", "16-1001", "Payment", "(25.00)"}, {"03/16/2024", "16-1001", "Payment", "25.00 CR"}, {"03/16/2024", "16-1001", "Invoice", "10.00-"}}
	p, outs = run(t, "ledger.csv", h, rows, nil, "ar-ledger")
	if a := ledgerAmounts(t, outs); a[0] != 125050 || a[1] != 2500 || a[2] != 2500 || a[3] != 1000 || hasQuestion(p, "Amount") {
		t.Errorf("written amounts: %v %+v", a, p.Warnings)
	}
}

func TestFlagStatuses(t *testing.T) {
	rows := [][]string{{"Call", "03/15/2024", "1"}, {"Letter", "03/16/2024", "0"}, {"File", "03/17/2024", ""}}
	p, outs := run(t, "tasks.csv", []string{"Task", "Due Date", "Done"}, rows, nil, "")
	var got []string
	for _, o := range outs {
		got = append(got, o.Records[0].Data.(*model.Task).Status)
	}
	if got[0] != "complete" || got[1] != "pending" || got[2] != "" || hasQuestion(p, "Done") {
		t.Errorf("done flag: %q %+v", got, p.Warnings)
	}
	if c := column(t, p, "Done"); c.Reading != ReadFlag || !strings.Contains(c.Evidence, "yes = done") {
		t.Errorf("done column %+v", c)
	}
	// "Status" 0/1 says nothing about what 1 means: asked.
	p, _ = run(t, "tasks.csv", []string{"Task", "Due Date", "Status"}, rows, nil, "")
	if !hasQuestion(p, "Status") {
		t.Errorf("no question for a 0/1 status: %+v", p.Warnings)
	}
	if err := p.SetReading("Status", ReadFlagInverse); err != nil {
		t.Fatal(err)
	}
	if o := p.Map(rows[0]); o.Records[0].Data.(*model.Task).Status != "pending" {
		t.Errorf("answered inverse: %+v", o.Records[0].Data)
	}
	// A matter's closed flag.
	mrows := [][]string{{"16-1001", "Doe divorce", "Y"}, {"16-1002", "Roe estate", "N"}}
	p, outs = run(t, "matters.csv", []string{"Matter Number", "Description", "Closed"}, mrows, Memory{"closed": "status"}, "")
	if s0, s1 := outs[0].Records[0].Data.(*model.Matter).Status, outs[1].Records[0].Data.(*model.Matter).Status; s0 != "Closed" || s1 != "Open" || hasQuestion(p, "Closed") {
		t.Errorf("closed flag: %q %q %+v", s0, s1, p.Warnings)
	}
	// Words are not flags: left to the value map.
	p, outs = run(t, "tasks.csv", []string{"Task", "Due Date", "Status"}, [][]string{{"a", "", "Completed"}, {"b", "", "Not Started"}}, nil, "")
	if c := column(t, p, "Status"); c.Reading != "" || hasQuestion(p, "Status") || outs[0].Records[0].Data.(*model.Task).Status != "complete" {
		t.Errorf("word statuses: %+v", c)
	}
}

// Text dates get their evidence too: which values settled the order.
func TestDateEvidence(t *testing.T) {
	rows := [][]string{{"a", "03/15/2024"}, {"b", "04/01/2024"}, {"c", "2024-05-01"}}
	p, _ := run(t, "tasks.csv", []string{"Task", "Due Date"}, rows, nil, "")
	if e := column(t, p, "Due Date").Evidence; !strings.Contains(e, "1 has a day above 12 in second place") || !strings.Contains(e, "1 date needs no day/month order") {
		t.Errorf("evidence %q", e)
	}
}

// Whole-number hourly rates of 2,500 and more are cents: no question.
func TestRateInCents(t *testing.T) {
	h := []string{"Date", "Matter", "Lawyer", "Hours", "Rate", "Description"}
	rows := [][]string{{"03/15/2024", "16-1001", "JS", "1.5", "20000", "a"}, {"03/16/2024", "16-1001", "JS", "1", "37500", "b"}}
	p, outs := timeEntries(t, h, rows, "")
	if r := outs[1].Records[0].Data.(*model.TimeEntry).Price; r != 37500 || hasQuestion(p, "Rate") {
		t.Errorf("rate %d, warnings %+v", r, p.Warnings)
	}
	if e := column(t, p, "Rate").Evidence; !strings.Contains(e, "200.00–375.00 an hour") {
		t.Errorf("evidence %q", e)
	}
}

// Pass 1 keeps counters per column, never the values: the plan's live heap
// after 50,000 distinct rows is what it was after 2,000.
func TestObserveMemoryIsFlat(t *testing.T) {
	live := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	p, err := Choose("time.csv", "", []string{"Date", "Matter", "Lawyer", "Minutes", "Rate", "Billed", "Note"}, nil, nil, "generic-time")
	if err != nil {
		t.Fatal(err)
	}
	row := func(i int) []string {
		return []string{strconv.Itoa(1700000000 + i*60), fmt.Sprintf("%d-%04d", 16+i%9, i%10000), "JS", strconv.Itoa(6 + i%600), strconv.Itoa(20000 + i%7*2500), []string{"Y", "N", "x", ""}[i%4], fmt.Sprintf("note %d", i)}
	}
	i := 0
	for ; i < 2000; i++ {
		p.Observe(row(i))
	}
	before := live()
	for ; i < 50000; i++ {
		p.Observe(row(i))
	}
	after := live()
	p.Finish()
	if after > before+64<<10 {
		t.Errorf("live heap grew by %d bytes over 48,000 rows", after-before)
	}
}

// The money forms #15 names: symbols ($ £ € R), thousands separators, comma
// decimals, parenthesised negatives, a trailing minus, CR.
func TestParseCentsForms(t *testing.T) {
	for _, c := range []struct {
		in    string
		comma bool
		want  model.Cents
	}{
		{"R 1 234,50", true, 123450}, {"R1,234.50", false, 123450}, {"£12.50-", false, -1250}, {"(€ 1.250,00)", true, -125000},
		{"$1,250", false, 125000}, {"1.250,00 CR", true, -125000}, {"-R 5", false, -500},
		// a currency code outside an accounting negative's brackets
		{"USD (2,515.35)", false, -251535}, {"(1.234,50) EUR", true, -123450}, {"USD -12.00", false, -1200},
	} {
		if got, err := ParseCents(c.in, c.comma); err != nil || got != c.want {
			t.Errorf("ParseCents(%q, %v) = %v, %v; want %v", c.in, c.comma, got, err, c.want)
		}
	}
	for _, bad := range []string{"R", "RX5", "Ref 12"} {
		if v, err := ParseCents(bad, false); err == nil {
			t.Errorf("ParseCents(%q) = %v, want an error", bad, v)
		}
	}
}

// Yes and no are read in the languages whose status words are read, with or
// without their accents: a firm that writes "Sí"/"No" in an all-day column or
// "Oui"/"Non" in a billed column means what "Yes"/"No" would.
func TestFlagWordsInOtherLanguages(t *testing.T) {
	h := []string{"Titre", "Start Date", "All Day", "Lawyer"}
	rows := [][]string{{"Audience", "2024-03-15", "No", "AB"}, {"Congé", "2024-03-29", "Sí", "AB"}, {"Réunion", "2024-04-02", "Não", "AB"}}
	_, outs := run(t, "agenda.csv", h, rows, Memory{"titre": "summary", "start date": "start", "all day": "all_day", "lawyer": "owner"}, "")
	for i, want := range []bool{false, true, false} {
		if outs[i].Reject != "" || len(outs[i].Records) == 0 {
			t.Fatalf("row %d: %+v", i, outs[i])
		}
		if e := outs[i].Records[0].Data.(*model.CalendarEvent); e.AllDay != want {
			t.Errorf("row %d all day = %v, want %v", i, e.AllDay, want)
		}
	}

	th := strings.Split("Date,Lawyer,Matter,Hours,Rate,Description,Billed", ",")
	trows := [][]string{{"2024-03-15", "AB", "16-1001", "1", "100", "Letter", "Non"}, {"2024-03-16", "AB", "16-1001", "2", "100", "Call", "Oui"}}
	_, outs = run(t, "time.csv", th, trows, nil, "")
	if outs[0].Reject != "" || len(outs[0].Records) != 1 {
		t.Errorf("unbilled row (Non): %+v", outs[0])
	}
	if outs[1].Reject != "" || outs[1].Excluded != model.BilledHistory {
		t.Errorf("billed row (Oui): %+v", outs[1])
	}
}
