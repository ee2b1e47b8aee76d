package ical

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"handover/core/model"
)

const sharedDir = "../../../shared/testdata/ical"

func sharedPath(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join(sharedDir, name)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("shared test data %s not found beside the repository (../shared/testdata/ical): %v", name, err)
	}
	return p
}

func read(t testing.TB, in string, opts Options) []Item {
	t.Helper()
	var items []Item
	if err := Read(context.Background(), strings.NewReader(in), opts, func(it Item) error {
		items = append(items, it)
		return nil
	}); err != nil {
		t.Fatalf("Read: %v", err)
	}
	return items
}

func readFile(t *testing.T, name string, opts Options) []Item {
	t.Helper()
	b, err := os.ReadFile(sharedPath(t, name))
	if err != nil {
		t.Fatal(err)
	}
	return read(t, string(b), opts)
}

func event(t *testing.T, it Item) (*model.CalendarEvent, string) {
	t.Helper()
	if it.Reject != "" || it.Empty || it.Excluded != "" || len(it.Records) != 1 {
		t.Fatalf("item %d (%s): reject=%q empty=%v excluded=%q records=%d", it.Num, it.Locator, it.Reject, it.Empty, it.Excluded, len(it.Records))
	}
	r := it.Records[0]
	if r.Entity != model.CalendarEvents {
		t.Fatalf("entity %s", r.Entity)
	}
	return r.Data.(*model.CalendarEvent), r.Key
}

func TestAllSharedFilesParse(t *testing.T) {
	ents, err := os.ReadDir(filepath.Dir(sharedPath(t, "issue97-google.ics")))
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(filepath.Dir(sharedPath(t, "issue97-google.ics")), e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if !Detect(b) {
			t.Errorf("%s: Detect false", e.Name())
		}
		for _, it := range read(t, string(b), Options{DefaultTZ: time.UTC}) {
			if it.Reject != "" {
				t.Errorf("%s: %s", e.Name(), it.Reject)
			}
			counts[e.Name()]++
		}
	}
	want := map[string]int{"issue97-google.ics": 1, "rfc5545sec4-input1.ics": 1, "rfc5545sec4-input2.ics": 1, "testdata-timeparsing.ics": 5}
	for name, n := range want {
		if counts[name] != n {
			t.Errorf("%s: %d events, want %d", name, counts[name], n)
		}
	}
	for _, name := range []string{"rfc5545sec4-input3.ics", "rfc5545sec4-input4.ics", "rfc5545sec4-input6.ics"} {
		if counts[name] != 0 {
			t.Errorf("%s: a VTODO/VJOURNAL/VFREEBUSY is not a calendar event, got %d", name, counts[name])
		}
	}
}

func TestGoogleExport(t *testing.T) {
	items := readFile(t, "issue97-google.ics", Options{})
	ev, key := event(t, items[0])
	if ev.Summary != "Test Event" || ev.StartAt != "2024-09-29T12:45:00Z" || ev.EndAt != "2024-09-29T13:45:00Z" || ev.AllDay {
		t.Errorf("got %+v", ev)
	}
	if key != "al23c5kr943d42u3bqoqrkf455@google.com" || ev.Location != "GitHub" {
		t.Errorf("key %q location %q", key, ev.Location)
	}
	// Folded line: CRLF + one space removed, nothing else.
	if ev.Description != `I want a custom linkout for Thunderbird.<br>This is the Github<a href="https://github.com/arran4/golang-ical/issues/97">Issue</a>.` {
		t.Errorf("description %q", ev.Description)
	}
	if items[0].Num != 1 || items[0].Locator != "line 8" || !strings.HasPrefix(items[0].Raw, "BEGIN:VEVENT\r\nDTSTART:20240929T124500Z") || !strings.HasSuffix(items[0].Raw, "END:VEVENT") {
		t.Errorf("num %d locator %q raw %q", items[0].Num, items[0].Locator, items[0].Raw)
	}
}

func TestRFC5545Examples(t *testing.T) {
	ev, key := event(t, readFile(t, "rfc5545sec4-input1.ics", Options{})[0])
	if key != "uid1@example.com" || ev.Owner != "jsmith@example.com" || ev.StartAt != "1996-09-18T14:30:00Z" || ev.EndAt != "1996-09-20T22:00:00Z" {
		t.Errorf("input1 %+v", ev)
	}
	if ev.Description != "Networld+Interop Conference and Exhibit\nAtlanta World Congress Center\nAtlanta, Georgia" {
		t.Errorf("input1 description %q", ev.Description)
	}
	ev, _ = event(t, readFile(t, "rfc5545sec4-input2.ics", Options{})[0])
	if ev.StartAt != "1998-03-12T08:30:00-05:00" || ev.EndAt != "1998-03-12T09:30:00-05:00" || ev.TimeZone != "America/New_York" ||
		ev.Owner != "mrbig@example.com" || ev.Location != "1CP Conference Room 4350" || ev.Summary != "XYZ Project Review" {
		t.Errorf("input2 %+v", ev)
	}
}

func TestTimeParsingCases(t *testing.T) {
	chicago, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Skip("no tzdata")
	}
	items := readFile(t, "testdata-timeparsing.ics", Options{DefaultTZ: chicago})
	if len(items) != 5 {
		t.Fatalf("%d items", len(items))
	}
	type w struct{ start, end, tz string }
	want := []w{
		{"2021-12-07T14:00:00+01:00", "2021-12-07T15:00:00+01:00", "Europe/Copenhagen"}, // TZID
		{"2022-01-22T17:00:00Z", "2022-01-22T20:00:00Z", ""},                            // UTC
		{"1998-01-18T23:00:00-06:00", "1998-01-19T23:00:00-06:00", ""},                  // floating → DefaultTZ
		{"2021-06-27", "2021-06-28", ""},                                                // VALUE=DATE, DTEND exclusive
		{"2021-05-27", "2021-05-28", ""},                                                // "20210527Z": a date with a stray Z
	}
	for i, it := range items {
		ev, _ := event(t, it)
		if got := (w{ev.StartAt, ev.EndAt, ev.TimeZone}); got != want[i] {
			t.Errorf("event %d %q: got %+v want %+v", i+1, ev.Summary, got, want[i])
		}
		if ev.AllDay != (i >= 3) {
			t.Errorf("event %d all-day %v", i+1, ev.AllDay)
		}
	}
	if items[2].Records[0].Key != "be7c9690-d42a-40ef-b82f-1634dc5033b4" || items[4].Num != 5 {
		t.Errorf("key/num")
	}
}

// A VTIMEZONE whose TZID is not an IANA name: offsets come from its yearly rules.
func TestCustomVTimezoneOffsets(t *testing.T) {
	in := "BEGIN:VCALENDAR\r\nBEGIN:VTIMEZONE\r\nTZID:(UTC+01:00) Kopenhagen custom\r\n" +
		"BEGIN:STANDARD\r\nDTSTART:19961027T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\nEND:STANDARD\r\n" +
		"BEGIN:DAYLIGHT\r\nDTSTART:19810329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n" +
		"BEGIN:VEVENT\r\nUID:a\r\nSUMMARY:Summer\r\nDTSTART;TZID=\"(UTC+01:00) Kopenhagen custom\":20210707T140000\r\nDURATION:PT1H30M\r\nEND:VEVENT\r\n" +
		"BEGIN:VEVENT\r\nUID:b\r\nSUMMARY:Winter\r\nDTSTART;TZID=(UTC+01:00) Kopenhagen custom:20211207T140000\r\nEND:VEVENT\r\n" +
		"BEGIN:VEVENT\r\nUID:c\r\nSUMMARY:Day after switch\r\nDTSTART;TZID=(UTC+01:00) Kopenhagen custom:20211101T090000\r\nEND:VEVENT\r\n" +
		"BEGIN:VEVENT\r\nUID:d\r\nSUMMARY:Day before switch\r\nDTSTART;TZID=(UTC+01:00) Kopenhagen custom:20210327T090000\r\nEND:VEVENT\r\n" +
		"END:VCALENDAR\r\n"
	want := []string{"2021-07-07T14:00:00+02:00", "2021-12-07T14:00:00+01:00", "2021-11-01T09:00:00+01:00", "2021-03-27T09:00:00+01:00"}
	for i, it := range read(t, in, Options{}) {
		ev, _ := event(t, it)
		if ev.StartAt != want[i] || ev.TimeZone != "" {
			t.Errorf("%s: %s (tz %q), want %s", ev.Summary, ev.StartAt, ev.TimeZone, want[i])
		}
		if i == 0 && ev.EndAt != "2021-07-07T15:30:00+02:00" {
			t.Errorf("duration end %s", ev.EndAt)
		}
		if i == 1 && ev.EndAt != ev.StartAt {
			t.Errorf("no DTEND/DURATION: end %s", ev.EndAt)
		}
	}
}

func TestWindowsZoneNames(t *testing.T) {
	if _, err := time.LoadLocation("America/New_York"); err != nil {
		t.Skip("no tzdata")
	}
	in := "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:w1\nSUMMARY:Deposition [16-1001]\nDTSTART;TZID=Eastern Standard Time:20240710T100000\nDTEND;TZID=Eastern Standard Time:20240710T113000\nEND:VEVENT\n" +
		"BEGIN:VEVENT\nUID:w2\nSUMMARY:Call\nDTSTART;TZID=/mozilla.org/20050126_1/America/Los_Angeles:20240110T100000\nEND:VEVENT\n" +
		"BEGIN:VEVENT\nUID:w3\nSUMMARY:Mystery zone\nDTSTART;TZID=Atlantis Standard Time:20240110T100000\nEND:VEVENT\nEND:VCALENDAR\n"
	items := read(t, in, Options{})
	ev, _ := event(t, items[0])
	if ev.StartAt != "2024-07-10T10:00:00-04:00" || ev.EndAt != "2024-07-10T11:30:00-04:00" || ev.TimeZone != "America/New_York" {
		t.Errorf("windows zone: %+v", ev)
	}
	if ev.Matter != (model.Ref{Kind: "number", Value: "16-1001"}) {
		t.Errorf("matter %+v", ev.Matter)
	}
	ev, _ = event(t, items[1])
	if ev.StartAt != "2024-01-10T10:00:00-08:00" || ev.TimeZone != "America/Los_Angeles" {
		t.Errorf("mozilla prefix: %+v", ev)
	}
	if r := items[2].Reject; !strings.Contains(r, `unknown time zone "Atlantis Standard Time"`) || !strings.Contains(r, "line 16") {
		t.Errorf("unknown zone reject %q", r)
	}
}

const features = `BEGIN:VCALENDAR
VERSION:2.0
X-WR-TIMEZONE:America/Denver
BEGIN:VEVENT
UID:weekly@example.com
DTSTART;TZID=America/New_York:20240102T090000
DTEND;TZID=America/New_York:20240102T093000
RRULE:FREQ=WEEKLY;BYDAY=TU;UNTIL=20240430T130000Z
EXDATE;TZID=America/New_York:20240109T090000,20240116T090000
EXDATE;TZID=America/New_York:20240123T090000
SUMMARY:Team meeting\, weekly\; [EXTERNAL] re: [2019-044]
DESCRIPTION:Agenda:\n1. Cases\N2. C:\\files
LOCATION:Room 1\, 2nd floor
ORGANIZER;CN=Pat Lee:MAILTO:pat@firm.example
BEGIN:VALARM
ACTION:DISPLAY
DESCRIPTION:Reminder that must not replace the event description
TRIGGER:-PT15M
END:VALARM
END:VEVENT
BEGIN:VEVENT
UID:weekly@example.com
RECURRENCE-ID;TZID=America/New_York:20240130T090000
DTSTART;TZID=America/New_York:20240130T100000
DTEND;TZID=America/New_York:20240130T103000
SUMMARY:Team meeting (moved)
END:VEVENT
BEGIN:VEVENT
UID:cancelled@example.com
STATUS:CANCELLED
DTSTART:20240105T150000Z
SUMMARY:Cancelled hearing [16-1001]
END:VEVENT
BEGIN:VEVENT
UID:floating@example.com
DTSTART:20240105T150000
DURATION:P1DT2H
SUMMARY:Floating
END:VEVENT
BEGIN:VEVENT
UID:allday@example.com
DTSTART;VALUE=DATE:20240301
SUMMARY:Office closed
END:VEVENT
BEGIN:VEVENT
UID:sameday@example.com
DTSTART;VALUE=DATE:20240302
DTEND;VALUE=DATE:20240302
SUMMARY:Same-day DTEND
END:VEVENT
BEGIN:VEVENT
UID:nostart@example.com
SUMMARY:No start
END:VEVENT
BEGIN:VEVENT
UID:badstart@example.com
SUMMARY:Bad start
DTSTART:2024-03-01 10:00
END:VEVENT
BEGIN:VEVENT
UID:backwards@example.com
SUMMARY:Backwards
DTSTART:20240301T100000Z
DTEND:20240301T090000Z
END:VEVENT
BEGIN:VEVENT
UID:empty@example.com
DTSTART:20240301T100000Z
END:VEVENT
BEGIN:VEVENT
SUMMARY:No UID
DTSTART:20240301T100000Z
END:VEVENT
BEGIN:VEVENT
UID:cut@example.com
SUMMARY:Cut off
`

func TestEventFeatures(t *testing.T) {
	if _, err := time.LoadLocation("America/Denver"); err != nil {
		t.Skip("no tzdata")
	}
	items := read(t, features, Options{}) // no DefaultTZ: X-WR-TIMEZONE applies to floating times
	if len(items) != 12 {
		t.Fatalf("%d items", len(items))
	}
	ev, key := event(t, items[0])
	if key != "weekly@example.com" || ev.RecurrenceRule != "FREQ=WEEKLY;BYDAY=TU;UNTIL=20240430T130000Z" {
		t.Errorf("rrule %q key %q", ev.RecurrenceRule, key)
	}
	if ev.Summary != "Team meeting, weekly; [EXTERNAL] re: [2019-044]" || ev.Matter != (model.Ref{Kind: "number", Value: "2019-044"}) {
		t.Errorf("summary %q matter %+v", ev.Summary, ev.Matter)
	}
	wantDesc := "Agenda:\n1. Cases\n2. C:\\files\n\nExcluded occurrences (EXDATE): 2024-01-09T09:00:00-05:00, 2024-01-16T09:00:00-05:00, 2024-01-23T09:00:00-05:00"
	if ev.Description != wantDesc || ev.Location != "Room 1, 2nd floor" || ev.Owner != "pat@firm.example" {
		t.Errorf("description %q location %q owner %q", ev.Description, ev.Location, ev.Owner)
	}
	ev, key = event(t, items[1])
	if key != "weekly@example.com#20240130T090000" || ev.StartAt != "2024-01-30T10:00:00-05:00" {
		t.Errorf("override key %q start %s", key, ev.StartAt)
	}
	if it := items[2]; it.Excluded != ExcludedCancelled || it.Reject != "" || it.Empty || len(it.Records) != 0 {
		t.Errorf("cancelled: %+v", it)
	}
	ev, _ = event(t, items[3])
	if ev.StartAt != "2024-01-05T15:00:00-07:00" || ev.EndAt != "2024-01-06T17:00:00-07:00" {
		t.Errorf("floating in X-WR-TIMEZONE + DURATION: %s %s", ev.StartAt, ev.EndAt)
	}
	ev, _ = event(t, items[4])
	if !ev.AllDay || ev.StartAt != "2024-03-01" || ev.EndAt != "2024-03-02" {
		t.Errorf("all-day without DTEND lasts one day: %+v", ev)
	}
	ev, _ = event(t, items[5])
	if ev.StartAt != "2024-03-02" || ev.EndAt != "2024-03-03" {
		t.Errorf("all-day DTEND == DTSTART means that one day: %+v", ev)
	}
	items = append(items[:5], items[6:]...)
	if r := items[5].Reject; !strings.Contains(r, "no start time") {
		t.Errorf("no start: %q", r)
	}
	if r := items[6].Reject; !strings.Contains(r, "line 58") || !strings.Contains(r, "DTSTART") {
		t.Errorf("bad start: %q", r)
	}
	// Backwards events are kept for the readiness check to flag, times as written.
	if ev, _ := event(t, items[7]); items[7].Reject != "" || ev.EndAt >= ev.StartAt {
		t.Errorf("backwards event should be kept as read: %+v", items[7])
	}
	if !items[8].Empty || len(items[8].Records) != 0 {
		t.Errorf("empty: %+v", items[8])
	}
	if _, key := event(t, items[9]); !strings.HasPrefix(key, "ical:") {
		t.Errorf("no-UID key %q", key)
	}
	if r := items[10].Reject; !strings.Contains(r, "no END:VEVENT") || items[10].Num != 12 {
		t.Errorf("truncated: %q", r)
	}
	// DefaultTZ wins over X-WR-TIMEZONE.
	ev, _ = event(t, read(t, features, Options{DefaultTZ: time.UTC})[3])
	if ev.StartAt != "2024-01-05T15:00:00Z" {
		t.Errorf("DefaultTZ: %s", ev.StartAt)
	}
}

func TestMissingEndVEvent(t *testing.T) {
	in := "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:1\nSUMMARY:One\nDTSTART:20240101T100000Z\n" +
		"BEGIN:VEVENT\nUID:2\nSUMMARY:Two\nDTSTART:20240102T100000Z\nEND:VEVENT\n" +
		"BEGIN:VEVENT\nUID:3\nSUMMARY:Three\nDTSTART:20240103T100000Z\nEND:VEVENT\nEND:VCALENDAR\n"
	items := read(t, in, Options{})
	if len(items) != 3 {
		t.Fatalf("%d items", len(items))
	}
	if r := items[0].Reject; r != "event 1 at line 2 has no END:VEVENT: the next event begins at line 6" || strings.Contains(items[0].Raw, "Two") {
		t.Errorf("reject %q raw %q", r, items[0].Raw)
	}
	for i, want := range []string{"Two", "Three"} {
		if ev, key := event(t, items[i+1]); ev.Summary != want || key != strconv.Itoa(i+2) {
			t.Errorf("event %d: %q %q", i+2, ev.Summary, key)
		}
	}
}

func TestDurationParsing(t *testing.T) {
	base := time.Date(2024, 3, 9, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]string{
		"PT1H":       "2024-03-09T13:00:00Z",
		"P1W":        "2024-03-16T12:00:00Z",
		"P1DT2H3M4S": "2024-03-10T14:03:04Z",
		"-PT30M":     "2024-03-09T11:30:00Z",
		"+P2D":       "2024-03-11T12:00:00Z",
	} {
		d, err := parseDuration(in)
		if err != nil || d.addTo(base).Format(time.RFC3339) != want {
			t.Errorf("%s: %v %v", in, d.addTo(base), err)
		}
	}
	for _, bad := range []string{"", "P", "PT", "1H", "PTH", "P1H", "PT1D", "P99999999D", "PXD"} {
		if _, err := parseDuration(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestPanicBecomesReject(t *testing.T) {
	old := build
	build = func(*Item, []prop, *zones, *time.Location, func(string) bool) { panic("boom") }
	defer func() { build = old }()
	items := readFileOrSkip(t)
	if len(items) != 5 {
		t.Fatalf("%d items", len(items))
	}
	for _, it := range items {
		if !strings.Contains(it.Reject, "internal error: boom") || len(it.Records) != 0 {
			t.Errorf("%+v", it)
		}
	}
}

func readFileOrSkip(t *testing.T) []Item {
	return readFile(t, "testdata-timeparsing.ics", Options{DefaultTZ: time.UTC})
}

func TestCancelAndEmitError(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Read(ctx, strings.NewReader(features), Options{}, func(Item) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	stop := errors.New("stop")
	if err := Read(context.Background(), strings.NewReader(features), Options{}, func(Item) error { return stop }); err != stop {
		t.Errorf("emit: %v", err)
	}
}

func TestOversizedEvent(t *testing.T) {
	in := "BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:Big\nDTSTART:20240101T000000Z\nATTACH;ENCODING=BASE64;VALUE=BINARY:" + strings.Repeat("QUFB", 2000) + "\nEND:VEVENT\n" +
		"BEGIN:VEVENT\nSUMMARY:Small\nDTSTART:20240101T000000Z\nEND:VEVENT\nEND:VCALENDAR\n"
	items := read(t, in, Options{MaxItemBytes: 1000})
	if len(items) != 2 || !strings.Contains(items[0].Reject, "too large") || len(items[0].Raw) > 200 {
		t.Fatalf("%+v", items)
	}
	if ev, _ := event(t, items[1]); ev.Summary != "Small" {
		t.Errorf("second event %+v", ev)
	}
}

func TestDetect(t *testing.T) {
	for in, want := range map[string]bool{
		"BEGIN:VCALENDAR\r\n":     true,
		"\ufeff\nbegin:vcalendar": true,
		"BEGIN:VCARD\n":           false,
		"BEGIN:VCAL":              false,
		"":                        false,
	} {
		if Detect([]byte(in)) != want {
			t.Errorf("Detect(%q) != %v", in, want)
		}
	}
}

func FuzzRead(f *testing.F) {
	f.Add(features)
	for _, name := range []string{"issue97-google.ics", "testdata-timeparsing.ics", "rfc5545sec4-input2.ics"} {
		if b, err := os.ReadFile(filepath.Join(sharedDir, name)); err == nil {
			f.Add(string(b))
		}
	}
	for _, s := range []string{
		"", "BEGIN:VCALENDAR", "END:VEVENT\nEND:VCALENDAR", "BEGIN:VEVENT\nBEGIN:VEVENT\nEND:VEVENT\n",
		"BEGIN:VEVENT\nDTSTART;TZID=:20240101T000000\nSUMMARY:x\nEND:VEVENT",
		"BEGIN:VEVENT\nDTSTART;TZID=\"unterminated:20240101T000000\nSUMMARY:x\nEND:VEVENT",
		"BEGIN:VEVENT\nDTSTART;VALUE=DATE:20240231\nDURATION:P99999W\nSUMMARY:x\nEND:VEVENT",
		"BEGIN:VEVENT\nDTSTART:99991231T235959Z\nDURATION:PT999999H\nSUMMARY:x\nEND:VEVENT",
		"BEGIN:VTIMEZONE\nTZID:X\nBEGIN:STANDARD\nRRULE:FREQ=YEARLY;BYDAY=9ZZ;BYMONTH=13\nDTSTART:19700101T000000\nTZOFFSETTO:+9999\nEND:STANDARD\nEND:VTIMEZONE\nBEGIN:VEVENT\nDTSTART;TZID=X:20240101T000000\nSUMMARY:x\nEND:VEVENT",
		"BEGIN:VTIMEZONE\nTZID:Y\nBEGIN:DAYLIGHT\nRRULE:FREQ=YEARLY;BYDAY=-9SU;BYMONTHDAY=40,-3\nDTSTART:19700101T000000\nEND:DAYLIGHT\nEND:VTIMEZONE\nBEGIN:VEVENT\nDTSTART;TZID=Y:20240101T000000\nSUMMARY:x\nEND:VEVENT",
		"BEGIN:VEVENT\nSUMMARY:\\\nEXDATE:,,Z,\nDTSTART:Z\nEND:VEVENT",
		"BEGIN:VEVENT\n \n\t\n:\n;\n;;:\nEND:VEVENT",
		"BEGIN:VEVENT\r\nSUMMARY:\xff\xfe\x00\r\nDTSTART:20240101\r\nEND:VEVENT\r",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var last int64
		err := Read(context.Background(), strings.NewReader(in), Options{DefaultTZ: time.UTC, MaxItemBytes: 8192}, func(it Item) error {
			if it.Num != last+1 {
				t.Fatalf("Num %d after %d", it.Num, last)
			}
			last = it.Num
			n := 0
			for _, s := range []bool{it.Reject != "", it.Empty, it.Excluded != "", len(it.Records) > 0} {
				if s {
					n++
				}
			}
			if n != 1 {
				t.Fatalf("item %d must be exactly one of reject/empty/excluded/records: %+v", it.Num, it)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
