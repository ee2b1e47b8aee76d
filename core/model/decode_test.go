package model

import (
	"encoding/json"
	"reflect"
	"testing"
)

// stdDecode is Decode as it was: encoding/json alone, the reference.
func stdDecode(e Entity, raw []byte) (any, error) {
	v, err := New(e)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return nil, err
	}
	return v, nil
}

// sameDecode fails t unless Decode and encoding/json read raw alike: both
// refuse it, or both give the same value.
func sameDecode(t *testing.T, e Entity, raw []byte) {
	t.Helper()
	got, err := Decode(e, raw)
	want, wantErr := stdDecode(e, raw)
	if (err == nil) != (wantErr == nil) {
		t.Fatalf("%s %q: Decode error %v, encoding/json error %v", e, raw, err, wantErr)
	}
	if err == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("%s %q:\nDecode        %#v\nencoding/json %#v", e, raw, got, want)
	}
}

// awkward are strings that stress a JSON reader: escapes, non-ASCII, the
// characters encoding/json escapes for HTML, invalid UTF-8 (written as
// U+FFFD) and the line separators JavaScript does not allow raw.
var awkward = []string{"", "plain", `quote " and \ backslash`, "tab\tnew\nline\r", "ctl \x00\x01\x1f", "Núñez, José", "日本語",
	"emoji 🙂", "<b>&amp;</b>", "bad \xff\xfe utf8", "sep \u2028 \u2029", "\ufeffbom", "  spaced  "}

func TestDecodeMatchesEncodingJSON(t *testing.T) {
	yes := true
	for i, s := range awkward {
		ref := Ref{Kind: s, Value: s}
		contact := &Contact{Type: s, Prefix: s, FirstName: s, MiddleName: s, LastName: s, Name: s, Title: s, Company: ref, DateOfBirth: s,
			Emails: []Email{{Name: s, Address: s, Default: true}, {}}, Phones: []Phone{{Name: s, Number: s}},
			Addresses: []Address{{Name: s, Street: s, City: s, Province: s, PostalCode: s, Country: s}},
			WebSites:  []string{s, ""}, CustomFields: map[string]string{s: s, "k": s}}
		values := map[Entity]any{
			Contacts: contact,
			Matters: &Matter{DisplayNumber: s, Description: s, Client: ref, Status: s, OpenDate: s, CloseDate: s, PendingDate: s,
				PracticeArea: s, ResponsibleAttorney: s, OriginatingAttorney: s, ClientReference: s, Location: s, Billable: &yes,
				CustomFields: map[string]string{s: s}},
			Relationships:  &Relationship{Matter: ref, Contact: ref, Description: s, Party: contact},
			Tasks:          &Task{Name: s, Description: s, Matter: ref, Assignee: s, DueAt: s, Priority: s, Status: s},
			Notes:          &Note{Type: s, Matter: ref, Contact: ref, Subject: s, Detail: s, Date: s, Author: s},
			CalendarEvents: &CalendarEvent{Summary: s, Description: s, Location: s, StartAt: s, EndAt: s, AllDay: true, TimeZone: s, RecurrenceRule: s, Matter: ref, Owner: s},
			Emails:         &Communication{Subject: s, Body: s, ReceivedAt: s, Matter: ref, From: s, To: []string{s, s}, Contact: ref, User: s, MessageID: s},
			PhoneLogs:      &Communication{Subject: s},
			TimeEntries: &TimeEntry{Type: s, Date: s, Seconds: int64(i) * 3600, Price: Cents(-i * 12345), User: s, Matter: ref, Note: s, Activity: s,
				NonBillable: i%2 == 0},
			ARBalances:    &ARBalance{Matter: ref, Amount: Cents(1<<62 + i), AsOf: s, Lines: i},
			TrustBalances: &TrustBalance{Matter: ref, Contact: ref, Amount: Cents(-1 << 62), AsOf: s, Lines: -i},
			Documents:     &Document{Name: s, Path: s, Size: 1 << 40, SHA256: s, ContentType: s, Matter: ref, Contact: ref, Email: ref, ReceivedAt: s},
		}
		for _, e := range Entities {
			raw, err := json.Marshal(values[e])
			if err != nil {
				t.Fatal(err)
			}
			sameDecode(t, e, raw)
			empty, _ := New(e)
			raw, _ = json.Marshal(empty)
			sameDecode(t, e, raw)
		}
	}
	// JSON that json.Marshal does not write but a reader may meet: other
	// key cases, escaped keys, nulls, repeated keys, unknown fields, wrong
	// types, numbers out of range, trailing bytes, broken documents.
	for _, in := range []struct {
		e   Entity
		raw string
	}{
		{Contacts, `{"TYPE":"Person","First_Name":"a","ſirst_name":"b"}`},
		{Contacts, `{"type":"Person","type":"Company","custom_fields":{"a":"1","a":"2"}}`},
		{Contacts, `{"\u0074ype":"Person","first_name":"\ud800x\udc00"}`},
		{Contacts, `{"type":null,"email_addresses":null,"company":null,"custom_fields":null}`},
		{Contacts, ` {"unknown":{"deep":[1,2.5e3,{"x":null}],"s":"\u00e9"}, "type" : "Company" } `},
		{Contacts, `{"type":1}`},
		{Contacts, `{"type":"Person"}x`},
		{Contacts, `{"type":"Person",}`},
		{Contacts, `{"type":"Person"`},
		{Contacts, `[]`},
		{Contacts, `null`},
		{Contacts, ``},
		{Matters, `{"billable":null}`},
		{Matters, `{"billable":"true"}`},
		{TimeEntries, `{"quantity_seconds":1.5}`},
		{TimeEntries, `{"quantity_seconds":"3"}`},
		{TimeEntries, `{"price_cents":1e3}`},
		{TimeEntries, `{"price_cents":-0,"quantity_seconds":9223372036854775807}`},
		{TimeEntries, `{"quantity_seconds":9223372036854775808}`},
		{TimeEntries, `{"non_billable":1}`},
		{ARBalances, `{"ledger_lines":-2147483649}`},
		{Relationships, `{"party":{"type":"Person","phone_numbers":[{"number":"1"}]}}`},
		{Emails, `{"to":["a",null,"b"]}`},
	} {
		sameDecode(t, in.e, []byte(in.raw))
	}
}

// FuzzDecode: whatever the bytes, Decode and encoding/json agree.
func FuzzDecode(f *testing.F) {
	for i, s := range awkward {
		c, _ := json.Marshal(&Contact{Type: "Person", FirstName: s, Emails: []Email{{Address: s}}, CustomFields: map[string]string{s: s}})
		f.Add(uint8(i), c)
		te, _ := json.Marshal(&TimeEntry{Type: "TimeEntry", Seconds: int64(i), Price: Cents(i), Matter: Ref{"number", s}})
		f.Add(uint8(TimeEntries.index()), te)
	}
	f.Add(uint8(2), []byte(`{"party":{"type":"Person"},"matter":{"kind":"number","value":"1"}}`))
	f.Add(uint8(1), []byte(`{"billable":true,"custom_fields":{"a":"b"}}`))
	f.Fuzz(func(t *testing.T, which uint8, raw []byte) {
		sameDecode(t, Entities[int(which)%len(Entities)], raw)
	})
}

func (e Entity) index() int {
	for i, x := range Entities {
		if x == e {
			return i
		}
	}
	return -1
}
