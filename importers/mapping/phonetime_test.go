package mapping

import (
	"testing"

	"handover/core/model"
)

// A phone log whose time-of-day column has a header no alias knows (Zeit
// d'appel, RCV_AT) gets the time from the values: every value h:mm beside the
// log's date, joined into received_at.
func TestPhoneLogTimeByValues(t *testing.T) {
	header := []string{"Caller", "Date", "Zeitpunkt", "Message"}
	rows := [][]string{
		{"Ana Ruiz", "2024-03-15", "09:40", "Call back"},
		{"Ben Ode", "2024-03-16", "14:05", "About the invoice"},
		{"Cy Lam", "2024-03-18", "16:55", ""},
	}
	p, err := Choose("phone messages.csv", "", header, rows, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.SetEntity("phone_logs"); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		p.Observe(r)
	}
	p.Finish()
	if c := p.Columns[2]; c.Target != "time" || c.Via != ViaValues {
		t.Fatalf("Zeitpunkt: %q via %q, want time by values", c.Target, c.Via)
	}
	out := p.Map(rows[1])
	if len(out.Records) != 1 {
		t.Fatalf("row 2: %+v", out)
	}
	if got := out.Records[0].Data.(*model.Communication).ReceivedAt; got != "2024-03-16T14:05:00" {
		t.Errorf("received_at %q, want the date joined to its time", got)
	}
}
