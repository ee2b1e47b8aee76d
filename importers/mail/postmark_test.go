package mail

import (
	"strings"
	"testing"
	"time"

	"handover/core/model"
)

func TestPostmarkDate(t *testing.T) {
	for in, want := range map[string]string{
		"From sender@example.com Tue Mar 12 10:00:00 2024":            "2024-03-12T10:00:00Z",
		"From MAILER-DAEMON Fri Jul  8 12:08:34 2011\n":               "2011-07-08T12:08:34Z",
		"From - Tue Mar 12 10:00:00 2024\r\n":                         "2024-03-12T10:00:00Z", // Thunderbird
		"From 1627@xxx Tue Mar 12 10:00:00 +0100 2024":                "2024-03-12T10:00:00+01:00",
		"From a@b Tue Mar 12 10:00:00 2024 -0500":                     "2024-03-12T10:00:00-05:00",
		"From a@b Tue Mar 12 10:00:00 EST 2024":                       "2024-03-12T10:00:00-05:00",
		"From a@b Tue Mar 12 10:00 2024":                              "2024-03-12T10:00:00Z",
		"From a@b Tue, 12 Mar 2024 10:00:00 +0000":                    "2024-03-12T10:00:00Z",
		"From a@b 2024-03-12 10:00:00 +0200":                          "2024-03-12T10:00:00+02:00",
		"From uucp!host!user Tue Mar 12 10:00:00 2024 remote from gw": "2024-03-12T10:00:00Z",
		"From \"Smith, Ana\"@example.com Tue Mar 12 10:00:00 2024":    "2024-03-12T10:00:00Z", // a quoted sender with a space
		"From a@b":                                      "",
		"From a@b Tuesday":                              "",
		"From a@b Tue Mar 32 10:00:00 2024":             "",
		"Subject: Tue Mar 12 10:00:00 2024":             "",
		"From a@b Mon Jan  1 00:00:00 1900":             "", // a placeholder, not a date
		"From Mar@example.com Tue Mar 12 10:00:00 2024": "2024-03-12T10:00:00Z",
	} {
		if got := postmarkDate(in); got != want {
			t.Errorf("postmarkDate(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMissingDateTakesPostmark(t *testing.T) {
	in := "From a@example.com Tue Mar 12 10:00:00 2024\nFrom: a@example.com\nSubject: No date\n\nhello\n\n" +
		"From b@example.com Wed Mar 13 11:00:00 2024\nFrom: b@example.com\nSubject: Dated\nDate: Thu, 14 Mar 2024 09:00:00 +0000\n\nhi\n"
	items := read(t, in, Options{FileTime: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)})
	c, _ := email(t, items[0])
	if c.ReceivedAt != "2024-03-12T10:00:00Z" {
		t.Errorf("no Date: received %q, want the separator's date", c.ReceivedAt)
	}
	if len(items[0].Findings) != 1 || items[0].Findings[0].Rule != RuleDateFallback || items[0].Findings[0].Severity != model.Info ||
		!strings.Contains(items[0].Findings[0].Message, "separator line") {
		t.Errorf("findings %+v", items[0].Findings)
	}
	c2, _ := email(t, items[1])
	if c2.ReceivedAt != "2024-03-14T09:00:00Z" || len(items[1].Findings) != 0 {
		t.Errorf("a Date header wins over the separator: %q %+v", c2.ReceivedAt, items[1].Findings)
	}
}

func TestMissingDateTakesFileTime(t *testing.T) {
	mtime := time.Date(2023, 5, 6, 7, 8, 9, 0, time.FixedZone("x", 3600))
	in := "From: a@example.com\nSubject: No date\nDate: someday\n\nhello\n"
	items := read(t, in, Options{FileTime: mtime})
	c, _ := email(t, items[0])
	if c.ReceivedAt != "2023-05-06T06:08:09Z" {
		t.Errorf("eml without a date: received %q, want the file's time", c.ReceivedAt)
	}
	if len(items[0].Findings) != 1 || !strings.Contains(items[0].Findings[0].Message, "modification time") ||
		!strings.Contains(items[0].Findings[0].Message, `"someday"`) {
		t.Errorf("findings %+v", items[0].Findings)
	}
	// A separator line without a date falls back to the file's time too.
	items = read(t, "From a@example.com\nFrom: a@example.com\nSubject: x\n\nhello\n", Options{FileTime: mtime})
	if c, _ := email(t, items[0]); c.ReceivedAt != "2023-05-06T06:08:09Z" || !strings.Contains(items[0].Findings[0].Message, "mailbox file") {
		t.Errorf("undated separator: %q %+v", c.ReceivedAt, items[0].Findings)
	}
}

func FuzzPostmarkDate(f *testing.F) {
	f.Add("From a@b Tue Mar 12 10:00:00 2024")
	f.Add("From a@b Tue Mar 12 10:00:00 EST 2024 remote from x")
	f.Fuzz(func(t *testing.T, line string) {
		if got := postmarkDate(line); got != "" {
			if _, err := time.Parse(time.RFC3339, got); err != nil {
				t.Fatalf("postmarkDate(%q) = %q, not RFC 3339", line, got)
			}
		}
	})
}
