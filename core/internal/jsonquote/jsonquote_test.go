package jsonquote

import (
	"bytes"
	"encoding/json"
	"testing"
)

// marshal is the oracle: encoding/json with or without HTML escaping.
func marshal(s string, escapeHTML bool) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(escapeHTML)
	if err := enc.Encode(s); err != nil {
		panic(err)
	}
	return string(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

var samples = []string{
	"", "plain", `quote " and \ backslash`, "tab\tnew\nline\rcr\bbs\fff", "\x00\x01\x1f\x7f",
	"<b>Smith & Jones</b>", "José Núñez", "line\u2028para\u2029", "broken \xff\xfe utf-8 \xc3",
	"emoji 🙂 and 中文", "\xed\xa0\x80 surrogate",
}

func TestAppendIsEncodingJSON(t *testing.T) {
	for _, s := range samples {
		for _, html := range []bool{true, false} {
			if got, want := string(Append(nil, s, html)), marshal(s, html); got != want {
				t.Errorf("Append(%q, html=%v) = %s, want %s", s, html, got, want)
			}
		}
	}
}

func FuzzAppend(f *testing.F) {
	for _, s := range samples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, html := range []bool{true, false} {
			if got, want := string(Append(nil, s, html)), marshal(s, html); got != want {
				t.Fatalf("Append(%q, html=%v) = %s, want %s", s, html, got, want)
			}
		}
	})
}
