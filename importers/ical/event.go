package ical

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"handover/importers/lines"
	"strconv"
	"strings"
	"time"

	"handover/core/model"
	"handover/importers/items"
)

func buildEvent(it *Item, props []prop, z *zones, floating *time.Location, known func(string) bool) {
	ev := &model.CalendarEvent{}
	var uid, recID, status string
	var dtstart, dtend, duration *prop
	var exdates []prop
	seen := map[string]bool{}
	for i := range props {
		p := &props[i]
		if seen[p.name] && p.name != "EXDATE" {
			continue // a repeated single-valued property: the first one wins
		}
		seen[p.name] = true
		switch p.name {
		case "UID":
			uid = strings.TrimSpace(p.value)
		case "RECURRENCE-ID":
			recID = strings.TrimSpace(p.value)
		case "STATUS":
			status = strings.ToUpper(strings.TrimSpace(p.value))
		case "SUMMARY":
			ev.Summary = strings.TrimSpace(lines.UnescapeText(p.value))
		case "DESCRIPTION":
			ev.Description = strings.TrimSpace(lines.UnescapeText(p.value))
		case "LOCATION":
			ev.Location = strings.TrimSpace(lines.UnescapeText(p.value))
		case "RRULE":
			ev.RecurrenceRule = strings.TrimSpace(p.value)
		case "ORGANIZER":
			v := strings.TrimSpace(p.value)
			if len(v) >= 7 && strings.EqualFold(v[:7], "mailto:") {
				v = v[7:]
			}
			if v == "" {
				v = p.params["CN"]
			}
			ev.Owner = v
		case "DTSTART":
			dtstart = p
		case "DTEND":
			dtend = p
		case "DURATION":
			duration = p
		case "EXDATE":
			exdates = append(exdates, *p)
		}
	}
	if status == "CANCELLED" {
		it.Excluded = ExcludedCancelled
		return
	}
	if ev.Summary == "" && ev.Description == "" && ev.Location == "" {
		it.Empty = true
		return
	}
	if dtstart == nil {
		it.Reject = fmt.Sprintf("event %d at %s (%q) has no start time (DTSTART)", it.Num, it.Locator, ev.Summary)
		return
	}
	start, err := z.parse(*dtstart, strings.TrimSpace(dtstart.value), floating)
	if err != nil {
		it.Reject = fmt.Sprintf("event %d, line %d: cannot read the start time DTSTART %q: %v", it.Num, dtstart.line, dtstart.value, err)
		return
	}
	ev.AllDay = start.date
	ev.TimeZone = start.zone
	var end when
	switch {
	case dtend != nil:
		end, err = z.parse(*dtend, strings.TrimSpace(dtend.value), floating)
		if err != nil {
			it.Reject = fmt.Sprintf("event %d, line %d: cannot read the end time DTEND %q: %v", it.Num, dtend.line, dtend.value, err)
			return
		}
		if start.date && !end.date { // mixed value types: keep the calendar date
			end = when{t: time.Date(end.t.Year(), end.t.Month(), end.t.Day(), 0, 0, 0, 0, time.UTC), date: true}
		} else if !start.date && end.date {
			end = when{t: time.Date(end.t.Year(), end.t.Month(), end.t.Day(), 0, 0, 0, 0, start.t.Location())}
		}
	case duration != nil:
		d, err := parseDuration(strings.TrimSpace(duration.value))
		if err != nil {
			it.Reject = fmt.Sprintf("event %d, line %d: cannot read DURATION %q: %v", it.Num, duration.line, duration.value, err)
			return
		}
		end = when{t: d.addTo(start.t), date: start.date}
	case start.date: // RFC 5545 §3.6.1: a DATE start without end lasts one day
		end = when{t: start.t.AddDate(0, 0, 1), date: true}
	default: // a DATE-TIME start without end is an instant
		end = start
	}
	if start.date && !end.t.After(start.t) {
		// DTEND equal to DTSTART on an all-day event (Lotus Notes, some Outlook
		// versions) means "that day": RFC 5545's DTEND is exclusive.
		end = when{t: start.t.AddDate(0, 0, 1), date: true}
	}
	// An event that ends before it starts is kept as read: the readiness
	// check flags it (calendar.end_before_start) with its file and row, where
	// the user can fix the time, instead of the event vanishing as a reject.
	ev.StartAt, ev.EndAt = start.format(), end.format()

	var ex []string
	for _, p := range exdates {
		for _, v := range strings.Split(p.value, ",") {
			if v = strings.TrimSpace(v); v == "" {
				continue
			}
			if w, err := z.parse(p, v, floating); err == nil {
				ex = append(ex, w.format())
			} else {
				ex = append(ex, v)
			}
		}
	}
	if len(ex) > 0 {
		note := "Excluded occurrences (EXDATE): " + strings.Join(ex, ", ")
		if ev.Description != "" {
			ev.Description += "\n\n"
		}
		ev.Description += note
	}
	if m := items.MatterRef(ev.Summary, known); m != "" { // "[16-1001] Hearing", "Matter No. 17: call"
		ev.Matter = model.Ref{Kind: "number", Value: m}
	}

	key := uid
	if key == "" {
		sum := sha256.Sum256([]byte(ev.StartAt + "\x00" + ev.Summary + "\x00" + ev.Location))
		key = "ical:" + hex.EncodeToString(sum[:12])
	}
	if recID != "" {
		key += "#" + recID
	}
	it.Records = []model.Record{{Entity: model.CalendarEvents, Key: key, Data: ev}}
}

// when is a parsed DATE or DATE-TIME.
type when struct {
	t    time.Time
	date bool
	zone string // IANA name when the TZID resolved to one
}

func (w when) format() string {
	if w.date {
		return w.t.Format("2006-01-02")
	}
	return w.t.Format(time.RFC3339)
}

// parse reads one DATE or DATE-TIME value v of property p (whose VALUE and
// TZID parameters apply).
func (z *zones) parse(p prop, v string, floating *time.Location) (when, error) {
	utc := strings.HasSuffix(v, "Z") || strings.HasSuffix(v, "z")
	if utc {
		v = v[:len(v)-1]
	}
	if strings.EqualFold(p.params["VALUE"], "DATE") || len(v) == 8 {
		if len(v) > 8 && v[8] == 'T' { // VALUE=DATE on a date-time: keep the date
			v = v[:8]
		}
		t, err := time.Parse("20060102", v)
		if err != nil {
			return when{}, fmt.Errorf("not a date (want YYYYMMDD)")
		}
		return when{t: t, date: true}, nil
	}
	var wall time.Time
	var err error
	for _, layout := range []string{"20060102T150405", "20060102T1504"} {
		if wall, err = time.Parse(layout, v); err == nil {
			break
		}
	}
	if err != nil {
		return when{}, fmt.Errorf("not a date-time (want YYYYMMDDTHHMMSS)")
	}
	if utc {
		return when{t: wall}, nil
	}
	tzid := p.params["TZID"]
	if tzid == "" {
		return when{t: inLoc(wall, floating)}, nil
	}
	loc, name, ok := z.resolve(tzid, wall)
	if !ok {
		return when{}, fmt.Errorf("unknown time zone %q (not an IANA or Windows zone name, and no VTIMEZONE for it before this event)", tzid)
	}
	return when{t: inLoc(wall, loc), zone: name}, nil
}

func inLoc(wall time.Time, loc *time.Location) time.Time {
	return time.Date(wall.Year(), wall.Month(), wall.Day(), wall.Hour(), wall.Minute(), wall.Second(), 0, loc)
}

// duration is an RFC 5545 §3.3.6 duration: days and weeks are nominal
// (calendar days, DST-safe), the time part is exact.
type duration struct {
	neg  bool
	days int
	secs int64
}

func (d duration) addTo(t time.Time) time.Time {
	days, secs := d.days, d.secs
	if d.neg {
		days, secs = -days, -secs
	}
	return t.AddDate(0, 0, days).Add(time.Duration(secs) * time.Second)
}

func parseDuration(s string) (duration, error) {
	var d duration
	bad := fmt.Errorf("not a duration (want e.g. PT1H30M or P1D)")
	if s == "" {
		return d, bad
	}
	switch s[0] {
	case '-':
		d.neg = true
		s = s[1:]
	case '+':
		s = s[1:]
	}
	if len(s) < 2 || (s[0] != 'P' && s[0] != 'p') {
		return d, bad
	}
	s = strings.ToUpper(s[1:])
	inTime, got := false, false
	for len(s) > 0 {
		if s[0] == 'T' {
			inTime = true
			s = s[1:]
			continue
		}
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 || i == len(s) || i > 6 {
			return d, bad
		}
		n, _ := strconv.Atoi(s[:i])
		switch u := s[i]; {
		case u == 'W' && !inTime:
			d.days += 7 * n
		case u == 'D' && !inTime:
			d.days += n
		case u == 'H' && inTime:
			d.secs += int64(n) * 3600
		case u == 'M' && inTime:
			d.secs += int64(n) * 60
		case u == 'S' && inTime:
			d.secs += int64(n)
		default:
			return d, bad
		}
		got = true
		s = s[i+1:]
	}
	if !got {
		return d, bad
	}
	return d, nil
}
