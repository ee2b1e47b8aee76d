package pack

import (
	"encoding/json"
	"testing"

	"handover/core/model"
	"handover/core/workspace"
)

// jsonStrings are strings encoding/json treats specially: quotes and
// backslashes, every control character, HTML's <>&, DEL, broken and
// overlong UTF-8, surrogate halves, U+2028/U+2029 and U+FFFD itself.
var jsonStrings = []string{"", "plain", `a "quoted" \ back\slash`, "\b\f\n\r\t\x00\x01\x1f\x7f", "<b>&amp;</b>",
	"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "bad \xff\xfe end", "\xc3", "\xe2\x82", "\xed\xa0\x80 surrogate",
	"\xc0\xaf overlong", "line\u2028para\u2029", "\ufffd", "tab\tin\tthe middle", "12.50", "=SUM(A1)"}

func encodingJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := marshalLine(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestAppendJSONString(t *testing.T) {
	for i := 0; i < 0x100; i++ {
		jsonStrings = append(jsonStrings, string([]byte{byte(i)}), "x"+string([]byte{byte(i)})+"y")
	}
	for _, s := range jsonStrings {
		if got, want := string(appendJSONString(nil, s)), encodingJSON(t, s); got != want {
			t.Errorf("%q: got %s, encoding/json %s", s, got, want)
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range jsonStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(appendJSONString(nil, s)), encodingJSON(t, s); got != want {
			t.Fatalf("%q: got %s, encoding/json %s", s, got, want)
		}
	})
}

// A left-out row's line is the bytes encoding/json writes for it, every
// optional field present or not.
func TestAppendLeftOut(t *testing.T) {
	rows := []workspace.OutcomeRow{
		{ID: 1, Source: "time.csv", Row: 2, Outcome: "excluded", Entity: model.TimeEntries, Reason: "billed_history",
			Header: []string{"Id", "Note <x>"}, Raw: []string{"7", "a \"b\"\n"}, Data: json.RawMessage(`{ "seconds" : 60, "note": "<&>" }`)},
		{ID: 2, Source: "x.xlsx", Row: 0, Locator: "Sheet 1", Outcome: "rejected", Reason: "bad \xff row", Raw: []string{}},
		{ID: 3, Source: "", Outcome: "excluded", Reason: "accounting_history", Detail: "ledger\u2028line", Raw: nil,
			Ledger: &model.LedgerLine{Kind: model.LedgerInvoice, Amount: -1250, Matter: model.Ref{Kind: "number", Value: "24-001"}}},
		{ID: -4, Row: -1, Outcome: "excluded", Entity: model.Contacts, Reason: "duplicate_merged", Raw: []string{"", "\t"}, Header: []string{}},
	}
	for _, o := range rows {
		got, err := appendLeftOut([]byte("junk"), &o)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := string(got[len("junk"):]), encodingJSON(t, o); got != want {
			t.Errorf("row %d:\n got %s\nwant %s", o.ID, got, want)
		}
	}
	bad := workspace.OutcomeRow{Data: json.RawMessage(`{"broken"`)}
	if _, err := appendLeftOut(nil, &bad); err == nil {
		t.Error("invalid stored data encoded without an error")
	}
}
