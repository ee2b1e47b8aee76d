package mail

import (
	"fmt"
	"strings"
	"time"

	"handover/core/model"
	"handover/importers/items"
)

// RuleDateFallback marks an email whose date was not in its Date header but
// taken from the mailbox's separator line or the file's time. Info only: the
// date is usually right, and the finding says where it came from.
const RuleDateFallback = "email.date_fallback"

// postmarkLayouts are the date forms mbox writers put on the "From " line
// (after zone names have been turned into offsets and spacing folded).
var postmarkLayouts = []string{
	"Mon Jan 2 15:04:05 2006",       // asctime, as RFC 4155 asks (UTC)
	"Mon Jan 2 15:04:05 -0700 2006", // Gmail Takeout, some MTAs
	"Mon Jan 2 15:04:05 2006 -0700",
	"Mon Jan 2 15:04 2006",
	"Mon Jan 2 15:04:05 2006 MST",
	"Jan 2 15:04:05 2006",
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05",
	"2 Jan 2006 15:04:05 -0700",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04:05Z07:00",
}

var weekdaysMonths = map[string]bool{
	"mon": true, "tue": true, "wed": true, "thu": true, "fri": true, "sat": true, "sun": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "may": true, "jun": true,
	"jul": true, "aug": true, "sep": true, "oct": true, "nov": true, "dec": true,
}

// postmarkDate reads the date on an mbox "From " separator line, e.g.
// "From sender@example.com Tue Mar 12 10:00:00 2024" (RFC 4155: asctime, in
// UTC), with the variations writers use: a zone offset or name before or
// after the year, no seconds, an RFC 5322 date, an ISO date, trailing words
// ("remote from host"), a missing or "-" sender. It returns "" when the line
// holds no readable date.
func postmarkDate(line string) string {
	rest, ok := strings.CutPrefix(strings.TrimRight(line, "\r\n"), "From ")
	if !ok {
		return ""
	}
	fields := strings.Fields(rest)
	for i, f := range fields {
		if zone, ok := zoneNames[strings.ToUpper(f)]; ok && i > 0 {
			fields[i] = zone
		}
	}
	// The date starts at the first weekday, month or ISO date after the sender.
	start := -1
	for i := 1; i < len(fields) && start < 0; i++ {
		f := strings.ToLower(strings.TrimSuffix(fields[i], ","))
		if len(f) >= 3 && weekdaysMonths[f[:3]] || len(f) == 10 && f[4] == '-' && f[7] == '-' {
			start = i
		}
	}
	if start < 0 {
		return ""
	}
	// Try the longest run of words first, so trailing words are dropped only when needed.
	for end := len(fields); end > start+2; end-- {
		v := strings.Join(fields[start:end], " ")
		for _, l := range postmarkLayouts {
			if t, err := time.Parse(l, v); err == nil && t.Year() >= 1970 {
				return t.Format(time.RFC3339)
			}
		}
	}
	return ""
}

// dateFallback gives an email without a readable Date header the date of its
// mbox separator line, else the file's modification time, with a finding
// saying which (Clio refuses an email without received_at). With neither, the
// date stays empty for the readiness check to flag.
func dateFallback(c *model.Communication, header, postmark string, opts Options) *items.Finding {
	why := "has no Date header"
	if strings.TrimSpace(header) != "" {
		why = fmt.Sprintf("has a Date header Handover cannot read (%q)", header)
	}
	f := &items.Finding{Rule: RuleDateFallback, Severity: model.Info, Field: "received_at"}
	switch {
	case postmarkDate(postmark) != "":
		c.ReceivedAt = postmarkDate(postmark)
		f.Message = fmt.Sprintf("This message %s; its date %s was taken from the mailbox's separator line (%q).", why, c.ReceivedAt, strings.TrimSpace(postmark))
	case !opts.FileTime.IsZero():
		c.ReceivedAt = opts.FileTime.UTC().Format(time.RFC3339)
		where := "; the file's"
		if postmark != "" {
			where = " and its mailbox separator line has none; the mailbox file's"
		}
		f.Message = fmt.Sprintf("This message %s%s modification time %s was used as its date, which may be later than the message was sent: correct it if it matters.", why, where, c.ReceivedAt)
	default:
		return nil
	}
	f.Value = c.ReceivedAt
	return f
}
