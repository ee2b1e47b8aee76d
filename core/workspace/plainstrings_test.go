package workspace

import (
	"encoding/json"
	"slices"
	"testing"
)

var rawRows = []string{`[]`, `[""]`, `["a","b c","<&>"]`, `["caf` + "\xc3\xa9" + `","x"]`, `null`, `[ "a"]`, `["a",]`,
	`["a"`, `["a\"b"]`, `["\u00e9"]`, `["tab` + "\t" + `"]`, `["bad ` + "\xff" + `"]`, `["a","b"]x`, `[1]`, `["a""b"]`, `[,]`, `["]`, ``}

// What plainStrings reads is what encoding/json reads, nil and empty
// apart; whatever it declines, encoding/json reads instead.
func checkPlainStrings(t *testing.T, raw string) {
	got, ok := plainStrings(raw)
	if !ok {
		return
	}
	var want []string
	if err := json.Unmarshal([]byte(raw), &want); err != nil {
		t.Fatalf("%q: read as %q, but encoding/json fails: %v", raw, got, err)
	}
	if !slices.Equal(got, want) || (got == nil) != (want == nil) {
		t.Fatalf("%q: %q (nil %v), encoding/json %q (nil %v)", raw, got, got == nil, want, want == nil)
	}
}

func TestPlainStrings(t *testing.T) {
	read := 0
	for _, raw := range rawRows {
		checkPlainStrings(t, raw)
		if _, ok := plainStrings(raw); ok {
			read++
		}
	}
	if read != 4 {
		t.Errorf("%d of the plain rows read without encoding/json, want 4", read)
	}
}

func FuzzPlainStrings(f *testing.F) {
	for _, raw := range rawRows {
		f.Add(raw)
	}
	f.Fuzz(checkPlainStrings)
}
