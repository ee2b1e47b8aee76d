package mapping

import "testing"

// Headers shortened the way report writers shorten words read as the alias
// they shorten, for the record type at hand; whole words are not re-read as
// shortenings of other words.
func TestAbbreviatedHeaders(t *testing.T) {
	if err := load(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ header, kind, want string }{
		{"MTR_DSC", "matters", "description"},
		{"RESP_ATTY", "matters", "responsible_attorney"},
		{"OPN_DT", "matters", "open_date"},
		{"FRST_NM", "contacts", "first_name"},
		{"ZIP_CD", "contacts", "address[Work].postal_code"},
		{"HRS", "time_entries", "hours"},
		{"RT", "time_entries", "rate"},
		{"DUE_DT", "tasks", "due_date"},
		{"PRTY", "tasks", "priority"},
		{"STRT_TM", "calendar_events", "start_time"},
		{"ROLE", "matters", ""},     // a word, not a shortening of "responsible"
		{"XQZ_K", "matters", ""},    // shortens nothing known
		{"MTR_DSC", "contacts", ""}, // no such field on a contact
	} {
		if got := abbrevTarget(c.header, nil, c.kind); got != c.want {
			t.Errorf("%s as %s: %q, want %q", c.header, c.kind, got, c.want)
		}
	}
	for a, w := range map[string]string{"mtr": "matter", "atty": "attorney", "auth": "author", "dt": "date"} {
		if !shortens(a, w) {
			t.Errorf("%s does not shorten %s", a, w)
		}
	}
	for a, w := range map[string]string{"role": "responsible", "matter": "matter", "m": "matter", "rt": "retraitement"} {
		if shortens(a, w) {
			t.Errorf("%s shortens %s", a, w)
		}
	}
}

// Where the record type is known (a database's structure says so, or the
// user), abbreviated columns are read for it; what a table holds is never
// decided from them.
func TestAbbreviatedHeadersOnAKnownType(t *testing.T) {
	h := []string{"TRAN_DT", "MTR", "HRS", "RT", "WRK_DSC"}
	rows := [][]string{{"2024-03-01", "M-1", "1.5", "250.00", "Drafting"}, {"2024-03-02", "M-2", "0.5", "300.00", "Call"}}
	p, err := Choose("t.dbf", "", h, rows, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.SetEntity("time_entries"); err != nil {
		t.Fatal(err)
	}
	for header, want := range map[string]string{"HRS": "hours", "RT": "rate", "MTR": "matter"} {
		if got := col(p, header).Target; got != want {
			t.Errorf("%s → %q, want %q", header, got, want)
		}
	}
}

// A flag's abbreviated name says what its yes means, by the same shortening
// rule as other abbreviated headers; a name whose words shorten both sides,
// or neither, says nothing.
func TestFlagSaysFromAbbreviatedName(t *testing.T) {
	for h, want := range map[string]string{
		"CMPL_FLG": "done", "TSK_CMPLT": "done", "CLS_IND": "done",
		"OPN_FLG": "open", "PEND": "open", "ACTV": "open",
		"FLG": "", "XQZ": "", "CMPL_OPN": "",
		"PD_FLG": "", // paid, or pending: both
	} {
		if got := flagSays(h, doneNames, openNames); got != want {
			t.Errorf("%s: %q, want %q", h, got, want)
		}
	}
}

// A flag's marker word (FLG, IND, YN) says the column is yes/no; the words
// before it say of what. Only a target read as a flag takes such a header.
func TestAbbrevTargetFlagMarker(t *testing.T) {
	for _, c := range []struct{ header, kind, want string }{
		{"BLD_FLG", "time_entries", "billed"},
		{"INVCD_YN", "time_entries", "billed"},
		{"BLD_IND", "time_entries", "billed"},
		{"BLBL_FLG", "time_entries", "billable"}, // billable is not billed
		{"CHK_FLG", "time_entries", ""},          // says neither
		{"CO_FLG", "contacts", ""},               // a company's name is no flag
		{"MTR_FLG", "time_entries", ""},          // nor is a matter
	} {
		if got := AbbrevTarget(c.header, c.kind); got != c.want {
			t.Errorf("AbbrevTarget(%q, %s) = %q, want %q", c.header, c.kind, got, c.want)
		}
	}
}
