package ical

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// windowsZones maps the Windows time-zone names Outlook and Exchange write as
// TZID to IANA names (from CLDR's windowsZones.xml, the "001" territory).
var windowsZones = map[string]string{
	"Eastern Standard Time":                                   "America/New_York",
	"US Eastern Standard Time":                                "America/Indiana/Indianapolis",
	"Central Standard Time":                                   "America/Chicago",
	"Canada Central Standard Time":                            "America/Regina",
	"Central Standard Time (Mexico)":                          "America/Mexico_City",
	"Mountain Standard Time":                                  "America/Denver",
	"US Mountain Standard Time":                               "America/Phoenix",
	"Pacific Standard Time":                                   "America/Los_Angeles",
	"Alaskan Standard Time":                                   "America/Anchorage",
	"Hawaiian Standard Time":                                  "Pacific/Honolulu",
	"Atlantic Standard Time":                                  "America/Halifax",
	"Newfoundland Standard Time":                              "America/St_Johns",
	"SA Pacific Standard Time":                                "America/Bogota",
	"Central America Standard Time":                           "America/Guatemala",
	"E. South America Standard Time":                          "America/Sao_Paulo",
	"GMT Standard Time":                                       "Europe/London",
	"Greenwich Standard Time":                                 "Atlantic/Reykjavik",
	"W. Europe Standard Time":                                 "Europe/Berlin",
	"Romance Standard Time":                                   "Europe/Paris",
	"Central Europe Standard Time":                            "Europe/Budapest",
	"Central European Standard Time":                          "Europe/Warsaw",
	"E. Europe Standard Time":                                 "Europe/Chisinau",
	"FLE Standard Time":                                       "Europe/Kiev",
	"GTB Standard Time":                                       "Europe/Bucharest",
	"Russian Standard Time":                                   "Europe/Moscow",
	"Israel Standard Time":                                    "Asia/Jerusalem",
	"South Africa Standard Time":                              "Africa/Johannesburg",
	"Arabian Standard Time":                                   "Asia/Dubai",
	"India Standard Time":                                     "Asia/Kolkata",
	"China Standard Time":                                     "Asia/Shanghai",
	"Singapore Standard Time":                                 "Asia/Singapore",
	"Tokyo Standard Time":                                     "Asia/Tokyo",
	"Korea Standard Time":                                     "Asia/Seoul",
	"AUS Eastern Standard Time":                               "Australia/Sydney",
	"E. Australia Standard Time":                              "Australia/Brisbane",
	"AUS Central Standard Time":                               "Australia/Darwin",
	"Cen. Australia Standard Time":                            "Australia/Adelaide",
	"W. Australia Standard Time":                              "Australia/Perth",
	"New Zealand Standard Time":                               "Pacific/Auckland",
	"UTC":                                                     "UTC",
	"Coordinated Universal Time":                              "UTC",
	"Eastern Time (US & Canada)":                              "America/New_York",
	"Central Time (US & Canada)":                              "America/Chicago",
	"Mountain Time (US & Canada)":                             "America/Denver",
	"Pacific Time (US & Canada)":                              "America/Los_Angeles",
	"Greenwich Mean Time : Dublin, Edinburgh, Lisbon, London": "Europe/London",
}

// outlookPrefix is the "(UTC-05:00) " or "(GMT-05.00) " Outlook puts before a
// zone's display name.
var outlookPrefix = regexp.MustCompile(`^\((?:UTC|GMT)[^)]*\)\s*`)

// zones resolves TZIDs: IANA names first (tzdata knows every year's rules),
// then Windows names, then the file's own VTIMEZONE offsets.
type zones struct {
	custom map[string]*vtimezone
	cache  map[string]*time.Location // TZID -> IANA location (nil: not IANA)
	names  map[string]string
}

func newZones() *zones {
	return &zones{custom: map[string]*vtimezone{}, cache: map[string]*time.Location{}, names: map[string]string{}}
}

func (z *zones) add(v *vtimezone) {
	if v.id != "" && len(v.obs) > 0 && len(z.custom) < 1000 {
		z.custom[v.id] = v
	}
}

// iana returns the IANA location a TZID names, if any.
func (z *zones) iana(tzid string) (*time.Location, string) {
	if loc, ok := z.cache[tzid]; ok {
		return loc, z.names[tzid]
	}
	var loc *time.Location
	name := ""
	try := func(n string) bool {
		if n == "" || strings.EqualFold(n, "Local") || len(n) > 64 {
			return false
		}
		l, err := time.LoadLocation(n)
		if err != nil {
			return false
		}
		loc, name = l, n
		return true
	}
	t := strings.TrimSpace(tzid)
	if !try(t) {
		win := outlookPrefix.ReplaceAllString(t, "")
		if n, ok := windowsZones[win]; !ok || !try(n) {
			// "/mozilla.org/20050126_1/America/New_York" and similar prefixes.
			parts := strings.Split(strings.Trim(t, "/"), "/")
			for i := 1; i < len(parts) && loc == nil; i++ {
				try(strings.Join(parts[i:], "/"))
			}
		}
	}
	if len(z.cache) < 1000 {
		z.cache[tzid], z.names[tzid] = loc, name
	}
	return loc, name
}

func (z *zones) resolve(tzid string, wall time.Time) (*time.Location, string, bool) {
	if loc, name := z.iana(tzid); loc != nil {
		return loc, name, true
	}
	if v := z.custom[tzid]; v != nil {
		off, name := v.offsetAt(wall)
		return time.FixedZone(name, off), "", true
	}
	return nil, "", false
}

// vtimezone is a VTIMEZONE's observances, enough to find the UTC offset at a
// given local time (yearly RRULEs with BYMONTH/BYDAY/BYMONTHDAY, RDATEs).
type vtimezone struct {
	id  string
	obs []observance
}

type observance struct {
	start          time.Time // local wall clock, as UTC
	offFrom, offTo int       // seconds east of UTC
	name           string
	month          int
	byDay          string // e.g. "-1SU", "2SU"
	byMonthDay     []int
	until          time.Time
	yearly         bool
	rdates         []time.Time
}

func (o *observance) set(p prop) {
	v := strings.TrimSpace(p.value)
	switch p.name {
	case "DTSTART":
		o.start, _ = time.Parse("20060102T150405", strings.TrimSuffix(v, "Z"))
	case "TZOFFSETFROM":
		o.offFrom, _ = parseOffset(v)
	case "TZOFFSETTO":
		o.offTo, _ = parseOffset(v)
	case "TZNAME":
		o.name = v
	case "RDATE":
		for _, d := range strings.Split(v, ",") {
			if t, err := time.Parse("20060102T150405", strings.TrimSuffix(strings.TrimSpace(d), "Z")); err == nil && len(o.rdates) < 500 {
				o.rdates = append(o.rdates, t)
			}
		}
	case "RRULE":
		for _, part := range strings.Split(v, ";") {
			k, val, _ := strings.Cut(part, "=")
			switch strings.ToUpper(k) {
			case "FREQ":
				o.yearly = strings.EqualFold(val, "YEARLY")
			case "BYMONTH":
				o.month, _ = strconv.Atoi(strings.Split(val, ",")[0])
			case "BYDAY":
				o.byDay = strings.ToUpper(strings.Split(val, ",")[0])
			case "BYMONTHDAY":
				for _, s := range strings.Split(val, ",") {
					if n, err := strconv.Atoi(s); err == nil {
						o.byMonthDay = append(o.byMonthDay, n)
					}
				}
			case "UNTIL":
				o.until, _ = time.Parse("20060102T150405", strings.TrimSuffix(val, "Z"))
				if o.until.IsZero() {
					o.until, _ = time.Parse("20060102", val)
				}
			}
		}
	}
}

// parseOffset reads "+0100", "-0500" or "+053000".
func parseOffset(s string) (int, bool) {
	if len(s) != 5 && len(s) != 7 {
		return 0, false
	}
	sign := 1
	switch s[0] {
	case '-':
		sign = -1
	case '+':
	default:
		return 0, false
	}
	h, err1 := strconv.Atoi(s[1:3])
	m, err2 := strconv.Atoi(s[3:5])
	sec := 0
	var err3 error
	if len(s) == 7 {
		sec, err3 = strconv.Atoi(s[5:7])
	}
	if err1 != nil || err2 != nil || err3 != nil || h > 23 || m > 59 || sec > 59 {
		return 0, false
	}
	return sign * (h*3600 + m*60 + sec), true
}

var weekdays = map[string]time.Weekday{"SU": time.Sunday, "MO": time.Monday, "TU": time.Tuesday, "WE": time.Wednesday, "TH": time.Thursday, "FR": time.Friday, "SA": time.Saturday}

// onset returns when the observance starts in year y, if its rule says so.
func (o *observance) onset(y int) (time.Time, bool) {
	if !o.yearly || o.start.IsZero() {
		return time.Time{}, false
	}
	m := time.Month(o.month)
	if m < 1 || m > 12 {
		m = o.start.Month()
	}
	h, mi, s := o.start.Clock()
	day := o.start.Day()
	if len(o.byDay) >= 2 {
		wd, ok := weekdays[o.byDay[len(o.byDay)-2:]]
		if !ok {
			return time.Time{}, false
		}
		n := 0
		if len(o.byDay) > 2 {
			n, _ = strconv.Atoi(o.byDay[:len(o.byDay)-2])
		}
		switch {
		case len(o.byMonthDay) > 0: // e.g. BYDAY=SU;BYMONTHDAY=8,9,...,14
			day = 0
			for _, md := range o.byMonthDay {
				if md >= 1 && md <= 31 && time.Date(y, m, md, 0, 0, 0, 0, time.UTC).Weekday() == wd {
					day = md
					break
				}
			}
			if day == 0 {
				return time.Time{}, false
			}
		case n >= 0:
			first := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
			day = 1 + (int(wd)-int(first.Weekday())+7)%7
			if n > 1 {
				day += 7 * (n - 1)
			}
		default:
			last := time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC)
			day = last.Day() - (int(last.Weekday())-int(wd)+7)%7
			day -= 7 * (-n - 1)
		}
	} else if len(o.byMonthDay) > 0 {
		day = o.byMonthDay[0]
	}
	t := time.Date(y, m, day, h, mi, s, 0, time.UTC)
	if t.Month() != m || t.Before(o.start) || (!o.until.IsZero() && t.After(o.until)) {
		return time.Time{}, false
	}
	return t, true
}

// offsetAt returns the UTC offset and abbreviation in force at local time wall.
func (v *vtimezone) offsetAt(wall time.Time) (int, string) {
	var best time.Time
	var bestObs *observance
	consider := func(t time.Time, o *observance) {
		if !t.IsZero() && !t.After(wall) && (bestObs == nil || t.After(best)) {
			best, bestObs = t, o
		}
	}
	for i := range v.obs {
		o := &v.obs[i]
		consider(o.start, o)
		for _, d := range o.rdates {
			consider(d, o)
		}
		for _, y := range []int{wall.Year(), wall.Year() - 1} {
			if t, ok := o.onset(y); ok {
				consider(t, o)
			}
		}
	}
	if bestObs == nil { // before every onset: the offset in force before the earliest one
		earliest := &v.obs[0]
		for i := range v.obs {
			if v.obs[i].start.Before(earliest.start) {
				earliest = &v.obs[i]
			}
		}
		return earliest.offFrom, earliest.name
	}
	return bestObs.offTo, bestObs.name
}
