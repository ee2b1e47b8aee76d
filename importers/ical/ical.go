// Package ical reads iCalendar files (RFC 5545: Outlook, Google Calendar,
// Apple, DAVx5 exports) and turns each VEVENT into a Clio calendar event.
//
// The reader streams: it unfolds and splits content lines itself and handles
// one VEVENT at a time, so a damaged event is one rejected item with its line
// number, not a failed file, and a large calendar is never held in memory.
// (golang-ical parses a whole calendar at once and stops at the first error,
// which is why it is not used here.) VTIMEZONE definitions are read as they
// stream past and used for the events that follow them.
package ical

import (
	"bytes"
	"context"
	"fmt"
	"handover/importers/lines"
	"io"
	"strings"
	"time"

	"handover/importers/items"
)

// Item and Options are the contract every item reader shares (package
// items). Item.Excluded is set to ExcludedCancelled for STATUS:CANCELLED
// events; the ingest counts them under model.DeletedInSource.
type (
	Item    = items.Item
	Options = items.Options
)

// ExcludedCancelled is Item.Excluded for STATUS:CANCELLED events.
const ExcludedCancelled = "cancelled in the source calendar"

// DefaultMaxItemBytes is the per-event size cap used when Options.MaxItemBytes is 0.
const DefaultMaxItemBytes = 16 << 20

// Detect reports whether head looks like an iCalendar file: BEGIN:VCALENDAR
// first, after an optional byte-order mark and blank space.
func Detect(head []byte) bool {
	h := bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	h = bytes.TrimLeft(h, " \t\r\n")
	return len(h) >= 15 && bytes.EqualFold(h[:15], []byte("BEGIN:VCALENDAR"))
}

// Read streams VEVENTs from r and calls emit once per event, in order. Other
// components (VTODO, VJOURNAL, VFREEBUSY) are skipped. An event that cannot
// be read becomes an Item with Reject set and reading goes on; Read returns an
// error only when r fails, ctx is cancelled or emit returns an error.
func Read(ctx context.Context, r io.Reader, opts Options, emit func(Item) error) error {
	maxBytes := opts.MaxItemBytes
	if maxBytes <= 0 {
		maxBytes = DefaultMaxItemBytes
	}
	u := lines.NewUnfolder(lines.NewReader(r, maxBytes), lines.Folding{})
	zones := newZones()
	var (
		stack   []string // open components, upper case
		num     int64
		ev      *eventBuf
		tz      *vtimezone
		tzSub   *observance
		calZone *time.Location
	)
	floating := func() *time.Location {
		switch {
		case opts.DefaultTZ != nil:
			return opts.DefaultTZ
		case calZone != nil:
			return calZone
		}
		return time.Local
	}
	finish := func(it Item) error { return emit(it) }
	for n := 0; ; n++ {
		if n%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		ll, err := u.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("ical: reading line %d: %w", u.Reader.LineNo+1, err)
		}
		if ev != nil {
			ev.raw = append(ev.raw, ll.Phys...)
			for _, p := range ll.Phys {
				ev.size += int64(len(p)) + 2
			}
			if ev.size > maxBytes || ll.Truncated {
				ev.tooBig = true
				ev.raw = ev.raw[:1]
			}
		}
		p, ok := parseLine(ll.Text)
		if !ok {
			continue
		}
		p.line = ll.Line
		switch p.name {
		case "BEGIN":
			comp := strings.ToUpper(strings.TrimSpace(p.value))
			if comp == "VEVENT" && ev != nil {
				// Events do not nest: the open one lacks its END:VEVENT.
				keep := max(0, min(len(ev.raw), len(ev.raw)-len(ll.Phys)))
				it := Item{Num: ev.num, Locator: fmt.Sprintf("line %d", ev.line), Raw: strings.Join(ev.raw[:keep], "\r\n")}
				it.Reject = fmt.Sprintf("event %d at line %d has no END:VEVENT: the next event begins at line %d", ev.num, ev.line, ll.Line)
				if err := finish(it); err != nil {
					return err
				}
				stack, ev = stack[:ev.depth-1], nil
			}
			stack = append(stack, comp)
			switch {
			case comp == "VEVENT" && ev == nil:
				num++
				ev = &eventBuf{num: num, line: ll.Line, depth: len(stack), raw: ll.Phys}
				for _, ph := range ll.Phys {
					ev.size += int64(len(ph)) + 2
				}
			case comp == "VTIMEZONE" && ev == nil:
				tz = &vtimezone{}
			case (comp == "STANDARD" || comp == "DAYLIGHT") && tz != nil:
				tzSub = &observance{}
			}
			continue
		case "END":
			comp := strings.ToUpper(strings.TrimSpace(p.value))
			// Pop to the matching BEGIN; an END without one is ignored.
			i := len(stack) - 1
			for i >= 0 && stack[i] != comp {
				i--
			}
			if i < 0 {
				continue
			}
			stack = stack[:i]
			if ev != nil && len(stack) < ev.depth {
				if err := finish(ev.item(zones, floating(), opts.KnownMatter)); err != nil {
					return err
				}
				ev = nil
			}
			if tzSub != nil && (comp == "STANDARD" || comp == "DAYLIGHT") {
				if tz != nil {
					tz.obs = append(tz.obs, *tzSub)
				}
				tzSub = nil
			}
			if tz != nil && comp == "VTIMEZONE" {
				zones.add(tz)
				tz, tzSub = nil, nil
			}
			continue
		}
		switch {
		case ev != nil:
			if len(stack) == ev.depth && !ev.tooBig { // not inside a VALARM
				ev.props = append(ev.props, p)
			}
		case tzSub != nil:
			tzSub.set(p)
		case tz != nil:
			if p.name == "TZID" {
				tz.id = unquote(p.value)
			}
		case len(stack) == 1 && p.name == "X-WR-TIMEZONE":
			if loc, err := time.LoadLocation(strings.TrimSpace(p.value)); err == nil && strings.TrimSpace(p.value) != "" {
				calZone = loc
			}
		}
	}
	if ev != nil {
		it := Item{Num: ev.num, Locator: fmt.Sprintf("line %d", ev.line), Raw: strings.Join(ev.raw, "\r\n")}
		it.Reject = fmt.Sprintf("event %d at line %d has no END:VEVENT: the file ends at line %d in the middle of the event", ev.num, ev.line, u.Reader.LineNo)
		return finish(it)
	}
	return nil
}

type eventBuf struct {
	num    int64
	line   int64
	depth  int
	raw    []string
	size   int64
	tooBig bool
	props  []prop
}

func (e *eventBuf) item(z *zones, floating *time.Location, known func(string) bool) Item {
	it := Item{Num: e.num, Locator: fmt.Sprintf("line %d", e.line), Raw: strings.Join(e.raw, "\r\n")}
	if e.tooBig {
		it.Raw += "\r\n[...]"
		it.Reject = fmt.Sprintf("event %d at line %d is too large to read", e.num, e.line)
		return it
	}
	safeBuild(&it, e.props, z, floating, known)
	return it
}

// build turns an event's properties into records; a variable so a test can make it panic.
var build = buildEvent

func safeBuild(it *Item, props []prop, z *zones, floating *time.Location, known func(string) bool) {
	defer func() {
		if p := recover(); p != nil {
			it.Records, it.Empty, it.Excluded = nil, false, ""
			it.Reject = fmt.Sprintf("event %d at %s could not be read (internal error: %v)", it.Num, it.Locator, p)
		}
	}()
	build(it, props, z, floating, known)
}

// prop is one unfolded content line. value is raw (TEXT escapes still in).
type prop struct {
	name   string
	params map[string]string // upper-case keys, quotes removed
	value  string
	line   int64
}

func parseLine(l string) (prop, bool) {
	head, val, ok := lines.CutUnquoted(l, ':')
	if !ok {
		return prop{}, false
	}
	p := parseHead(head, val)
	if p.name == "" {
		return prop{}, false
	}
	// A date-time value never holds a colon, but an unquoted TZID may
	// ("TZID=(UTC+01:00) Amsterdam:2021..."): for these, cut at the last one.
	if dateProps[p.name] && p.params["TZID"] != "" && strings.Contains(val, ":") {
		i := strings.LastIndexByte(l, ':')
		p = parseHead(l[:i], l[i+1:])
	}
	return p, true
}

func parseHead(head, val string) prop {
	p := prop{params: map[string]string{}, value: val}
	first := true
	for {
		b, a, more := lines.CutUnquoted(head, ';')
		if first {
			p.name = strings.ToUpper(strings.TrimSpace(b))
			first = false
		} else if k, v, ok := strings.Cut(b, "="); ok {
			p.params[strings.ToUpper(strings.TrimSpace(k))] = unquote(v)
		}
		if !more {
			break
		}
		head = a
	}
	return p
}

var dateProps = map[string]bool{"DTSTART": true, "DTEND": true, "EXDATE": true, "RECURRENCE-ID": true, "RDATE": true, "DUE": true}

func unquote(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
	}
	return s
}
