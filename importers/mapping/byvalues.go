package mapping

import (
	"fmt"
	"strings"
)

// valueTargets: per record type, the one date field a lone date column fills.
// Matters are left out: an open and a close date cannot be told apart by
// their values alone.
var valueDateTarget = map[string]string{
	"notes": "date", "tasks": "due_date", "phone_logs": "date", "time_entries": "date",
	"calendar_events": "start_date", "ledger:ar": "date", "ledger:trust": "date",
}

var wordJoiner = strings.NewReplacer(" ", "", "-", "", "_", "")

// observeWord counts values that are a matter or a task status word.
func (o *readingObs) observeWord(v string) {
	if len(v) > 20 || !hasLetter(v) {
		return
	}
	var buf [20]byte // ASCII v without spaces, hyphens and underscores, lower-cased
	w := buf[:0]
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c >= 0x80:
			o.observeText(v)
			return
		case c == ' ' || c == '-' || c == '_':
		case c >= 'A' && c <= 'Z':
			w = append(w, c+'a'-'A')
		default:
			w = append(w, c)
		}
	}
	if _, ok := defaultValues["status"][string(w)]; ok {
		o.matterStatus++
	}
	if _, ok := defaultValues["task.status"][string(w)]; ok {
		o.taskStatus++
	}
}

// observeText is observeWord for a value with other letters than ASCII.
func (o *readingObs) observeText(v string) {
	w := strings.ToLower(wordJoiner.Replace(v))
	for i := 0; i < len(w); i++ {
		if w[i] >= 0x80 { // accents: fold as the value maps' keys are folded
			w = Normalize(v)
			break
		}
	}
	if _, ok := defaultValues["status"][w]; ok {
		o.matterStatus++
	}
	if _, ok := defaultValues["task.status"][w]; ok {
		o.taskStatus++
	}
}

// allFlags: every value of the column is a yes/no word and none a date.
func allFlags(o colObs) bool {
	return o.nonEmpty > 0 && o.rd.yes+o.rd.no == o.nonEmpty && o.definite+o.mdy+o.dmy+o.ambig == 0
}

// allDates reports whether every value of a column is a date: written dates,
// or numbers in one date form (YYYYMMDD, Julian days, Unix time; not Excel
// serials, which an id column's numbers also are).
func allDates(o colObs) bool {
	if o.nonEmpty == 0 {
		return false
	}
	if o.rd.ints+o.rd.decs == o.nonEmpty { // numbers, which the written-date counters call bad
		switch epochReading(o.rd, o.nonEmpty) {
		case ReadYYYYMMDD, ReadJulianDay, ReadUnixSeconds, ReadUnixMillis:
			return true
		}
		return false
	}
	return o.bad == 0 && o.rd.ints+o.rd.decs == 0 && o.definite+o.mdy+o.dmy+o.ambig == o.nonEmpty
}

// targetByValues sends unrecognised columns to the field their values fill
// when the table lacks that field and exactly one column qualifies: a notes
// table's lone date column (FECHA, Échéance) is its date, a matters table's
// lone column of Open/Closed words its status. It reports whether a column
// changed. The Mapping screen shows these as "likely", with the evidence.
func (p *Plan) targetByValues() bool {
	mapped := map[string]bool{}
	for _, c := range p.Columns {
		mapped[c.Target] = true
	}
	pick := func(target string, fits func(colObs) bool) int {
		if target == "" || mapped[target] || !targetFits(target, p.kind) {
			return -1
		}
		found := -1
		for i, c := range p.Columns {
			if c.Via != ViaNone || i >= len(p.obs) || !fits(p.obs[i]) {
				continue
			}
			if found >= 0 {
				return -1 // two candidates: the values do not say which
			}
			found = i
		}
		return found
	}
	changed := false
	set := func(i int, target, why string) {
		c := &p.Columns[i]
		c.Target, c.Via, c.Confidence = target, ViaValues, 0.9
		c.Evidence = why
		changed = true
	}
	// A yes/no column is a flag whatever its header made of it: "Closed" or
	// "Open" on matters went to a date, and every row was rejected as "not a
	// date". With a name that says what yes means it is the status; else it
	// is kept as written.
	for i := range p.Columns {
		c := &p.Columns[i]
		if i >= len(p.obs) || c.Via == ViaUser || c.Via == ViaRemembered || !allFlags(p.obs[i]) {
			continue
		}
		norm := p.normHeaderAt(i)
		says := nameHas(norm, doneNames...) || nameHas(norm, openNames...)
		switch {
		case says && !mapped["status"] && targetFits("status", p.kind) && (isDateTarget(c.Target) || c.Via == ViaNone):
			set(i, "status", fmt.Sprintf("all %d values are yes/no and the name says what yes means: a status flag", p.obs[i].nonEmpty))
			mapped["status"] = true
		case isDateTarget(c.Target):
			c.Target, c.Via, c.Confidence = fallbackTarget(p.kind, c.Header), ViaNone, 0
			changed = true
		}
	}
	if i := pick(valueDateTarget[p.kind], allDates); i >= 0 {
		set(i, valueDateTarget[p.kind], fmt.Sprintf("all %d values are dates and the table has no other date", p.obs[i].nonEmpty))
	}
	// a phone log's lone column of h:mm beside its date is the time the call
	// came in (joined to the date); a log has no length to take it for
	if p.kind == "phone_logs" && mapped["date"] {
		if i := pick("time", func(o colObs) bool { return o.nonEmpty > 0 && o.rd.clock == o.nonEmpty }); i >= 0 {
			set(i, "time", fmt.Sprintf("all %d values are times of day (h:mm) and the log has a date", p.obs[i].nonEmpty))
		}
	}
	statusKey := map[string]func(colObs) int{
		"matters": func(o colObs) int { return o.rd.matterStatus },
		"tasks":   func(o colObs) int { return o.rd.taskStatus },
	}[p.kind]
	if statusKey != nil {
		if i := pick("status", func(o colObs) bool {
			return o.nonEmpty >= 2 && statusKey(o) == o.nonEmpty && o.rd.yes+o.rd.no < o.nonEmpty
		}); i >= 0 {
			set(i, "status", fmt.Sprintf("all %d values are status words (open, closed …)", p.obs[i].nonEmpty))
		}
	}
	return changed
}
