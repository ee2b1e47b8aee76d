package ical

import (
	"testing"

	"handover/core/model"
	"handover/importers/items"
)

// An event's title names its matter in the same forms as an e-mail subject;
// a bare number only when the project has that matter.
func TestEventMatterFromTitle(t *testing.T) {
	ev := func(summary string) string {
		return "BEGIN:VEVENT\r\nUID:" + summary + "\r\nSUMMARY:" + summary + "\r\nDTSTART:20240312T100000Z\r\nDTEND:20240312T110000Z\r\nEND:VEVENT\r\n"
	}
	in := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + ev("Hearing [2024-017]") + ev("Matter No. 17: call client") +
		ev("Ruiz / 2024-017 mediation") + ev("Dentist 2024-555") + "END:VCALENDAR\r\n"
	known := func(v string) bool { return items.FoldNumber(v) == items.FoldNumber("2024-017") }
	want := []string{"2024-017", "17", "2024-017", ""}
	got := read(t, in, Options{KnownMatter: known})
	if len(got) != len(want) {
		t.Fatalf("%d items", len(got))
	}
	for i, it := range got {
		e := it.Records[0].Data.(*model.CalendarEvent)
		if e.Matter.Value != want[i] || want[i] != "" && e.Matter.Kind != "number" {
			t.Errorf("%q: matter %+v, want %q", e.Summary, e.Matter, want[i])
		}
	}
	// Without the project's matters, a bare number is not taken.
	if e := read(t, in, Options{})[2].Records[0].Data.(*model.CalendarEvent); e.Matter.Value != "" {
		t.Errorf("bare number taken with no matters known: %+v", e.Matter)
	}
}
