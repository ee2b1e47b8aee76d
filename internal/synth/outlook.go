package synth

import (
	"fmt"
	"strings"
	"time"

	"handover/core/model"
)

// Outlook contact slots with planted problems and duplicates.
const (
	oslotMuller      = iota // same e-mail as PCLaw's Müller, phone in another format
	oslotBob                // "Bob Smith" = PCLaw "Robert Smith", same phone in another format
	oslotJSmith             // e-mail differs only in case
	oslotWalsh              // trailing spaces in the name
	oslotChen               // middle initial
	oslotAcme               // "Acme Holdings, Inc" = "Acme Holdings Inc."
	oslotBadEmail           // phone number in the e-mail column
	oslotBadPhone           // unparseable phone
	oslotNoName             // no name at all
	oslotWrongColumn        // "Smith, John" in First Name
	oslotEmpty              // all fields empty
	numOutlookSpecials
)

var outlookHeader = []string{"Title", "First Name", "Middle Name", "Last Name", "Suffix", "Company", "Department", "Job Title",
	"Business Street", "Business City", "Business State", "Business Postal Code", "Business Country/Region",
	"Business Phone", "Home Phone", "Mobile Phone", "E-mail Address", "E-mail Type", "E-mail Display Name",
	"E-mail 2 Address", "Notes", "Web Page"}

// dotted turns "(617) 555-0142" into "617.555.0142".
func dotted(phone string) string {
	r := strings.NewReplacer("(", "", ") ", ".", "-", ".")
	return r.Replace(phone)
}

// intl turns "(617) 555-0142" into "+1 617-555-0142".
func intl(phone string) string {
	return "+1 " + strings.NewReplacer("(", "", ") ", "-").Replace(phone)
}

var outlookNotes = []string{
	"Met at the bar association lunch.",
	"Referred by Helen Lane; prefers phone calls in the morning.",
	"Spouse: see related contact. Do not send mail to the home address.",
	"Assistant handles scheduling - copy her on all e-mails.",
}

var jobTitles = []string{"", "", "CFO", "Owner", "Paralegal", "Property Manager", "Office Manager", "Director", "Attorney", "Accountant"}

func (g *gen) outlookContacts() error {
	const rel = "outlook/contacts.csv"
	t, err := g.table(rel, EncCP1252, ',', true, true)
	if err != nil {
		return err
	}
	t.Rec(outlookHeader...)
	empties, notes := 0, 0
	for k := 0; k < g.nOutlook; k++ {
		b, s := k/period, k%period
		r := g.rng("outlook", k)
		p := g.personAt(g.nClients + k)
		v := map[string]string{}
		fill := func(p person) {
			clear(v)
			v["Title"], v["First Name"], v["Last Name"] = p.Title, p.First, p.Last
			if p.IsCompany {
				v["First Name"], v["Last Name"], v["Title"] = "", "", ""
				v["Company"] = p.Company
			}
			v["Middle Name"] = p.Middle
			v["Business Street"], v["Business City"], v["Business State"], v["Business Postal Code"] = p.Street, p.City, p.State, p.Zip
			v["Business Country/Region"] = "United States of America"
			v["Business Phone"] = p.Phone
			v["E-mail Address"], v["E-mail Type"], v["E-mail Display Name"] = p.Email, "SMTP", fmt.Sprintf("%s (%s)", p.Display(), p.Email)
			if !p.IsCompany {
				v["Job Title"] = jobTitles[r.IntN(len(jobTitles))]
			}
		}
		fill(p)
		if r.IntN(4) == 0 && !p.IsCompany && s >= numOutlookSpecials {
			v["Mobile Phone"] = intl(phoneFor(g.nClients + g.nOutlook + g.nAbacus + 100000 + k))
		}
		var pl *Planted
		cluster, dupField, dupValue, dupNote := "", "", "", ""
		if b*period+slotWalsh < g.nClients {
			switch s {
			case oslotMuller:
				sp := g.special(b, slotMuller)
				fill(sp)
				v["Business Phone"] = intl(sp.Phone)
				cluster = fmt.Sprintf("%d-%d", b, slotMuller)
				dupField, dupValue, dupNote = "email", sp.Email, "same e-mail as PCLaw client "+clientNumber(b*period+slotMuller)+"; phone written +1 ..."
			case oslotBob:
				sp := g.special(b, slotSmith)
				fill(sp)
				v["First Name"] = "Bob"
				v["Business Phone"] = dotted(sp.Phone)
				v["E-mail Address"] = "bob." + strings.ToLower(asciiFold(sp.Last)) + "@example.net"
				v["E-mail Display Name"] = "Bob " + sp.Last
				cluster = fmt.Sprintf("%d-%d", b, slotSmith)
				dupField, dupValue, dupNote = "phone", v["Business Phone"], "\"Bob\" is PCLaw client "+clientNumber(b*period+slotSmith)+" \"Robert "+sp.Last+"\": same phone in another format"
			case oslotJSmith:
				sp := g.special(b, slotJSmith)
				fill(sp)
				v["E-mail Address"] = strings.ToLower(sp.Email)
				v["E-mail Display Name"] = strings.ToLower(sp.Email)
				v["Business Phone"] = ""
				v["Mobile Phone"] = intl(sp.Phone)
				cluster = fmt.Sprintf("%d-%d", b, slotJSmith)
				dupField, dupValue, dupNote = "email", v["E-mail Address"], "PCLaw client "+clientNumber(b*period+slotJSmith)+" has "+sp.Email+": e-mail differs only in case"
			case oslotWalsh:
				sp := g.special(b, slotWalsh)
				fill(sp)
				v["First Name"] = sp.First + " "
				v["Last Name"] = sp.Last + "  "
				cluster = fmt.Sprintf("%d-%d", b, slotWalsh)
				dupField, dupValue, dupNote = "name", v["Last Name"], "PCLaw client "+clientNumber(b*period+slotWalsh)+" with trailing spaces in the names"
			case oslotChen:
				sp := g.special(b, slotChen)
				fill(sp)
				v["Middle Name"] = "J."
				v["E-mail Address"] = "mchen" + fmt.Sprint(b+1) + "@example.org"
				v["E-mail Display Name"] = "Michael J. " + sp.Last
				cluster = fmt.Sprintf("%d-%d", b, slotChen)
				dupField, dupValue, dupNote = "middle_name", "J.", "PCLaw client "+clientNumber(b*period+slotChen)+" plus a middle initial; same phone"
			case oslotAcme:
				sp := g.special(b, slotAcme)
				fill(sp)
				v["Company"] = strings.Replace(strings.TrimSuffix(sp.Company, "."), " Inc", ", Inc", 1)
				v["Business Phone"] = dotted(sp.Phone)
				v["E-mail Address"], v["E-mail Display Name"], v["E-mail Type"] = "", "", ""
				cluster = fmt.Sprintf("%d-%d", b, slotAcme)
				dupField, dupValue, dupNote = "name", v["Company"], "PCLaw client "+clientNumber(b*period+slotAcme)+" \""+sp.Company+"\"; same phone in another format"
			}
		}
		switch s {
		case oslotBadEmail:
			if p.IsCompany { // make it a person: the name is still this index's own
				p.IsCompany, p.Company = false, ""
				p.Email = strings.ToLower(asciiFold(p.First+"."+strings.ReplaceAll(p.Last, "'", ""))) + "@example.com"
				fill(p)
			}
			bad := strings.NewReplacer("(", "", ") ", "-").Replace(p.Phone)
			v["E-mail Address"], v["E-mail Display Name"] = bad, ""
			pl = &Planted{Rule: model.RuleEmailInvalid, Field: "email", Value: bad, Note: "phone number typed into the e-mail column"}
		case oslotBadPhone:
			v["Business Phone"] = "555-01"
			pl = &Planted{Rule: model.RulePhoneInvalid, Field: "phone", Value: "555-01", Note: "too few digits for a US number"}
		case oslotNoName:
			for _, h := range []string{"Title", "First Name", "Middle Name", "Last Name", "Company", "Job Title", "E-mail Display Name", "Mobile Phone"} {
				v[h] = ""
			}
			v["E-mail Address"] = fmt.Sprintf("frontdesk%d@example.com", b+1)
			pl = &Planted{Rule: model.RuleContactMissingName, Field: "name", Value: v["E-mail Address"], Note: "no first, last or company name"}
		case oslotWrongColumn:
			if p.IsCompany { // make it a person: the name is still this index's own
				p.IsCompany, p.Company = false, ""
				p.Email = strings.ToLower(asciiFold(p.First+"."+strings.ReplaceAll(p.Last, "'", ""))) + "@example.com"
				fill(p)
			}
			last := "Smith"
			if b > 0 {
				last = p.Last
			}
			v["First Name"], v["Last Name"], v["Title"] = last+", John", "", ""
			v["E-mail Address"] = "john." + strings.ToLower(asciiFold(strings.ReplaceAll(last, "'", ""))) + fmt.Sprint(b+1) + "@example.com"
			v["E-mail Display Name"] = ""
			pl = &Planted{Rule: model.RuleNameWrongColumn, Field: "first_name", Value: last + ", John", Note: "\"Last, First\" typed into First Name"}
		case oslotEmpty:
			v = map[string]string{}
		}
		if s >= numOutlookSpecials && k%5 == 2 {
			v["Notes"] = outlookNotes[(k/5)%len(outlookNotes)]
		}
		if v["Notes"] != "" {
			notes++
		}
		fields := make([]string, len(outlookHeader))
		for i, h := range outlookHeader {
			fields[i] = v[h]
		}
		row := t.Rec(fields...)
		if s == oslotEmpty {
			empties++
		}
		if pl != nil {
			pl.File, pl.Row, pl.Entity = rel, row, model.Contacts
			g.plant(*pl)
		}
		if cluster != "" {
			g.dup(cluster, ref(rel, row))
			if g.want[FormatPCLaw] {
				g.plant(Planted{Rule: model.RuleDuplicateContact, File: rel, Row: row, Entity: model.Contacts, Field: dupField, Value: dupValue, Note: dupNote})
			}
		}
	}
	if err := t.Close(); err != nil {
		return err
	}
	g.addFile(rel, FileTruth{Entity: model.Contacts, Format: "outlook-contacts-csv", Encoding: EncCP1252, Delimiter: ",", Header: true,
		Rows: g.nOutlook, Records: g.nOutlook - empties, Excluded: map[model.Reason]int{model.EmptyRow: empties},
		Also: map[model.Entity]int{model.Notes: notes},
		Note: "Outlook \"Export to a file\" (English headers, every field quoted, CRLF); a non-empty Notes column becomes a contact note (also.notes)"})
	return nil
}

// qp encodes s as Windows-1252 quoted-printable (vCard 2.1 style).
func qp(s string) string {
	enc, _ := cp1252.String(s)
	var b strings.Builder
	for i := 0; i < len(enc); i++ {
		c := enc[i]
		if c >= 33 && c <= 126 && c != '=' && c != ';' || c == ' ' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "=%02X", c)
		}
	}
	return b.String()
}

func (g *gen) outlookVCF() error {
	const rel = "outlook/contacts.vcf"
	o, err := g.create(rel)
	if err != nil {
		return err
	}
	type card struct{ first, last, org, title, phone, email string }
	m := g.special(0, slotMuller)
	cards := []card{
		{m.First, m.Last, "", "", intl(m.Phone), m.Email},
		{"Chloé", "Bernard", "Bernard & Fils Café", "Owner", phoneFor(g.nClients + g.nOutlook + g.nAbacus + 1), "chloe@bernardcafe.example.com"},
		{"Björn", "Eriksson", "Nordic Façades Inc.", "Project Manager", phoneFor(g.nClients + g.nOutlook + g.nAbacus + 2), "bjorn.eriksson@example.net"},
	}
	const cs = ";CHARSET=Windows-1252;ENCODING=QUOTED-PRINTABLE:"
	for i, c := range cards {
		lines := []string{
			"BEGIN:VCARD",
			"VERSION:2.1",
			"N" + cs + qp(c.last) + ";" + qp(c.first) + ";;;",
			"FN" + cs + qp(c.first+" "+c.last),
		}
		if c.org != "" {
			lines = append(lines, "ORG"+cs+qp(c.org), "TITLE:"+c.title)
		}
		lines = append(lines,
			"TEL;WORK;VOICE:"+c.phone,
			"EMAIL;PREF;INTERNET:"+c.email,
			fmt.Sprintf("REV:20261120T1730%02dZ", i),
			"END:VCARD")
		for _, l := range lines {
			o.WriteString(l + "\r\n")
		}
		o.WriteString("\r\n")
	}
	if err := o.Close(); err != nil {
		return err
	}
	g.dup(fmt.Sprintf("%d-%d", 0, slotMuller), ref(rel, 1))
	g.plant(Planted{Rule: model.RuleDuplicateContact, File: rel, Row: 1, Entity: model.Contacts, Field: "email", Value: m.Email,
		Note: "vCard of Harald Müller, also an Outlook CSV contact (and PCLaw client 1001)"})
	g.addFile(rel, FileTruth{Entity: model.Contacts, Format: "vcard-2.1", Encoding: EncCP1252, Header: false,
		Rows: len(cards), Records: len(cards),
		Note: "vCard 2.1 as old Outlook writes it: N/FN/ORG with CHARSET=Windows-1252;ENCODING=QUOTED-PRINTABLE; file itself is ASCII; row = card ordinal; card 1 duplicates Harald Müller"})
	return nil
}

const vtimezone = `BEGIN:VTIMEZONE
TZID:America/New_York
BEGIN:STANDARD
DTSTART:16011104T020000
RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010311T020000
RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
END:DAYLIGHT
END:VTIMEZONE`

// Calendar slots with planted problems.
const (
	cslotAllDay = 1
	cslotWeekly = 2
	cslotEndBef = 3
	cslotNoOrg  = 4
)

var eventKinds = []string{"Client meeting", "Hearing", "Deposition", "Closing", "Mediation", "Call with opposing counsel", "Filing deadline", "Strategy meeting"}
var locations = []string{"Conference Room A", "Suffolk County Courthouse", "Zoom", "Client's office", "Conference Room B", "Middlesex Probate Court"}

// fold splits a content line at 75 octets (RFC 5545 §3.1).
func fold(line string) string {
	if len(line) <= 75 {
		return line + "\r\n"
	}
	var b strings.Builder
	for len(line) > 75 {
		cut := 75
		for cut > 0 && line[cut]&0xC0 == 0x80 { // do not split a UTF-8 sequence
			cut--
		}
		b.WriteString(line[:cut] + "\r\n ")
		line = line[cut:]
	}
	b.WriteString(line + "\r\n")
	return b.String()
}

func icsEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\n", `\n`).Replace(s)
}

func (g *gen) outlookCalendar() error {
	const rel = "outlook/calendar.ics"
	o, err := g.create(rel)
	if err != nil {
		return err
	}
	w := func(l string) { o.WriteString(fold(l)) }
	for _, l := range []string{"BEGIN:VCALENDAR", "PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN", "VERSION:2.0", "METHOD:PUBLISH", "X-WR-CALNAME:Harbor & Lane - Firm Calendar"} {
		w(l)
	}
	for _, l := range strings.Split(vtimezone, "\n") {
		w(l)
	}
	r := g.rng(rel, 0)
	base := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	for e := 0; e < g.nEvents; e++ {
		n := e + 1
		s := e % period
		j := g.goodMatter(r.IntN(g.nMatters))
		if e == 0 {
			j = 0
		}
		m := g.matterAt(j)
		law := Lawyers[r.IntN(4)]
		kind := eventKinds[r.IntN(len(eventKinds))]
		summary := fmt.Sprintf("[%s] %s - %s", m.Number, kind, g.pclawClient(m.ClientIdx).Display())
		d := day(base, r.IntN(150))
		start := time.Date(d.Year(), d.Month(), d.Day(), 8+r.IntN(9), 30*r.IntN(2), 0, 0, time.UTC)
		end := start.Add(time.Duration(30*(1+r.IntN(4))) * time.Minute)
		uid := fmt.Sprintf("040000008200E00074C5B7101A82E008%08X%08X@harborlane", uint32(g.opts.Seed), e)
		w("BEGIN:VEVENT")
		w("UID:" + uid)
		w("DTSTAMP:20261120T173000Z")
		var pl *Planted
		switch s {
		case cslotAllDay:
			summary = fmt.Sprintf("[%s] %s out of office - trial prep", m.Number, law.Name())
			w("DTSTART;VALUE=DATE:" + d.Format("20060102"))
			w("DTEND;VALUE=DATE:" + day(d, 1).Format("20060102"))
		case cslotWeekly:
			summary = "Weekly case review"
			w("DTSTART;TZID=America/New_York:" + start.Format("20060102T150405"))
			w("DTEND;TZID=America/New_York:" + start.Add(time.Hour).Format("20060102T150405"))
			w("RRULE:FREQ=WEEKLY;BYDAY=" + strings.ToUpper(start.Weekday().String()[:2]) + ";UNTIL=20270601T000000Z")
		case cslotEndBef:
			end = start.Add(-2 * time.Hour)
			w("DTSTART;TZID=America/New_York:" + start.Format("20060102T150405"))
			w("DTEND;TZID=America/New_York:" + end.Format("20060102T150405"))
			pl = &Planted{Rule: model.RuleCalendarEndBeforeStart, Field: "end_at", Value: uid, Note: "DTEND two hours before DTSTART"}
		default:
			w("DTSTART;TZID=America/New_York:" + start.Format("20060102T150405"))
			w("DTEND;TZID=America/New_York:" + end.Format("20060102T150405"))
		}
		w("SUMMARY:" + icsEscape(summary))
		w("LOCATION:" + icsEscape(locations[r.IntN(len(locations))]))
		if r.IntN(2) == 0 {
			w("DESCRIPTION:" + icsEscape(fmt.Sprintf("Matter %s (%s). Bring the file and the latest correspondence.", m.Number, m.Type)))
		}
		if s == cslotNoOrg {
			pl = &Planted{Rule: model.RuleCalendarMissingOwner, Field: "calendar_owner", Value: uid, Note: "no ORGANIZER"}
		} else {
			w(fmt.Sprintf("ORGANIZER;CN=%s:mailto:%s", law.Name(), law.Email))
		}
		w("CLASS:PUBLIC")
		w("TRANSP:OPAQUE")
		w("END:VEVENT")
		if pl != nil {
			pl.File, pl.Row, pl.Entity = rel, int64(n), model.CalendarEvents
			g.plant(*pl)
		}
	}
	w("END:VCALENDAR")
	if err := o.Close(); err != nil {
		return err
	}
	g.addFile(rel, FileTruth{Entity: model.CalendarEvents, Format: "icalendar", Encoding: EncUTF8, Header: false,
		Rows: g.nEvents, Records: g.nEvents,
		Note: "Outlook iCalendar export, VTIMEZONE America/New_York, CRLF, folded at 75 octets; row = VEVENT ordinal; the weekly RRULE event is one record; summaries carry [matter] tags"})
	return nil
}
