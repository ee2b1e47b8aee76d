package workspace

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"handover/core/model"
)

// marshalled is what `handover check --json` wrote for a finding before
// EachFindingJSON: the detail decoded into a map, the finding json.Marshal'd.
func marshalled(t testing.TB, f StoredFinding, det string) []byte {
	t.Helper()
	f.Detail = nil
	if !emptyDetail(det) {
		json.Unmarshal([]byte(det), &f.Detail)
	}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// awkward strings: what Marshal escapes (quotes, controls, HTML, broken
// UTF-8, the JS line separators) beside text it leaves alone.
var awkward = []string{"", "plain", `say "hi" \ back`, "tab\tnew\nline\r\b\f\x00\x1f\x7f", "<b>&amp;</b>",
	"bad \xff\xfe utf-8", "line\u2028para\u2029", "accents: María Peña, 日本", "\ufffd already"}

// Every detail the check stores is copied through (canonicalDetail says
// yes), and what comes out is json.Marshal's, for details Marshal wrote and
// for details it did not (white space, keys out of order or repeated,
// numbers it writes otherwise, escapes it does not use, not JSON at all).
func TestFindingJSONIsMarshalsOutput(t *testing.T) {
	written := []any{
		map[string]any{"records": 12, "fields": map[string]int64{"time_entries.user": 3, "matters.responsible": 9}},
		map[string]any{"cluster": "dup:PCLaw:contacts:C1", "members": []string{"a", "b<c>"}, "score": 0.8333333333333334,
			"why": []string{"same phone +16502530001", "names Robert Smith ~ Bob Smith (1.00)"}},
		map[string]any{"column": true, "records": 40, "of": 41, "examples": []any{map[string]any{"row": 2, "value": "31/02/2020"}}, "none": nil},
		map[string]any{"block": "name:smith", "size": 612, "tiny": 1e-7, "huge": 1e21, "neg": -3.5, "zero": 0, "minus": -12},
		// (not broken UTF-8: Marshal writes \ufffd, which reads back as the character)
		map[string]any{"text": strings.Join(awkward[:5], "|"), "list": awkward[6:], "empty": map[string]any{}, "nothing": []any{}},
	}
	var dets []string
	for _, d := range written {
		b, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		if !canonicalDetail(string(b)) {
			t.Errorf("a detail json.Marshal wrote is re-encoded instead of copied: %s", b)
		}
		dets = append(dets, string(b))
	}
	dets = append(dets, "", "{}", "null", "{ }", `{"b":1,"a":2}`, `{"a":1,"a":2}`, `{"a": 1}`, `{"a":1.0}`, `{"a":1e3}`,
		`{"a":-0}`, `{"a":12345678901234567890}`, `{"a":"\u00e9"}`, `{"a":"\/"}`, `{"a":"\u003C"}`, `{"a":"\u0008"}`,
		`{"a":"\ufffd"}`, `{"\u0061":1}`, `{"a":"<"}`, `{"a":"x"} `, `[1,2]`, `{"a":`, `not json`, `{"a":"\xff"}`, `{"a":tru}`,
		`{"a":[1,,2]}`, `{0":0}`, `{"a":1,0":0}`, `{"a":01}`, `{"a":+1}`, `{"a":1.}`, `{"a":"\u2028"}`, `{"a":"`+"\u2028"+`"}`)
	for _, det := range dets {
		for _, s := range awkward {
			f := StoredFinding{ID: 7, Origin: "check", Rule: "rule." + s, Severity: model.Severity(s), Entity: model.Entity(s),
				RecordKey: s, RowID: 3, Source: s, Row: int64(len(s)) - 2, Field: s, Value: s, Message: "m" + s, Fix: s}
			got := f.appendJSON(nil, det)
			if want := marshalled(t, f, det); !bytes.Equal(got, want) {
				t.Errorf("detail %q, strings %q:\n got %s\nwant %s", det, s, got, want)
			}
		}
	}
}

// EachFindingJSON streams what EachFinding does, each finding as
// json.Marshal encodes it.
func TestEachFindingJSONMatchesEachFinding(t *testing.T) {
	ctx := context.Background()
	w, _ := findingsProject(t)
	fw, err := w.ReplaceFindings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range awkward {
		if err := fw.Add(ctx, StoredFinding{Rule: "odd", Severity: model.Warning, Source: s, Row: int64(i), Value: s, Message: s,
			Detail: map[string]any{"value": s, "n": i, "share": float64(i) / 7}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := fw.AddEncoded(ctx, StoredFinding{Rule: "odd", Severity: model.Info, Message: "spaced"}, `{"b": 1, "a": [1.0]}`); err != nil {
		t.Fatal(err)
	}
	if err := fw.Commit(); err != nil {
		t.Fatal(err)
	}
	for _, filter := range []FindingFilter{{}, {Folded: true}, {Severity: model.Warning, Limit: 5, Offset: 2}} {
		var want, got []string
		if err := w.EachFinding(ctx, filter, func(f StoredFinding) error {
			b, err := json.Marshal(f)
			want = append(want, string(b))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if err := w.EachFindingJSON(ctx, filter, func(b []byte) error { got = append(got, string(b)); return nil }); err != nil {
			t.Fatal(err)
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("filter %+v: EachFindingJSON differs from json.Marshal of EachFinding:\n got %v\nwant %v", filter, got, want)
		}
		if filter.Folded == false && len(want) == 0 {
			t.Errorf("filter %+v: no findings to compare", filter)
		}
	}
}

// Whatever a project holds as a finding's detail and text, the JSON written
// is json.Marshal's.
func FuzzFindingJSON(f *testing.F) {
	f.Add(`{"records":12,"fields":{"a":1}}`, "msg")
	f.Add(`{"a":0.5,"b":[true,null,"<x>"],"c":{}}`, "tab\t<&>")
	f.Add(`{"a":"\u003c\u001f\n"}`, "\xff")
	f.Add(`{"a":1e21}`, "")
	f.Fuzz(func(t *testing.T, det, s string) {
		fnd := StoredFinding{Rule: s, Severity: model.Blocker, Source: s, Row: int64(len(s)), Message: s, Value: s}
		got := fnd.appendJSON(nil, det)
		if want := marshalled(t, fnd, det); !bytes.Equal(got, want) {
			t.Fatalf("detail %q, strings %q:\n got %s\nwant %s", det, s, got, want)
		}
		if canonicalDetail(det) && !json.Valid([]byte(det)) {
			t.Fatalf("canonicalDetail(%q) but it is not JSON", det)
		}
	})
}
