package lines

import (
	"io"
	"strings"
	"testing"
)

func TestLinesCountCutAndEndings(t *testing.T) {
	lr := NewReader(strings.NewReader("a\r\nbb\n"+strings.Repeat("x", 200000)+"\nlast"), 100)
	want := []struct {
		text string
		cut  bool
	}{{"a", false}, {"bb", false}, {"", true}, {"last", false}}
	for i, w := range want {
		got, err := lr.Next()
		if err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		if w.text != "" && got != w.text || lr.Truncated != w.cut || lr.LineNo != int64(i+1) {
			t.Fatalf("line %d = %.20q cut=%v no=%d", i+1, got, lr.Truncated, lr.LineNo)
		}
		if w.cut && int64(len(got)) > lr.Max+64<<10 {
			t.Fatalf("cut line kept %d bytes", len(got))
		}
	}
	if _, err := lr.Next(); err != io.EOF {
		t.Fatalf("after the last line: %v", err)
	}
}

func TestUnescapeText(t *testing.T) {
	for in, want := range map[string]string{
		`plain`:               "plain",
		`a\, b\; c\\ d\: e`:   `a, b; c\ d: e`,
		`line one\nline two`:  "line one\nline two",
		`upper\Nbreak`:        "upper\nbreak",
		`unknown \q kept`:     `unknown \q kept`,
		`trailing backslash\`: `trailing backslash\`,
	} {
		if got := UnescapeText(in); got != want {
			t.Errorf("UnescapeText(%q) = %q, want %q", in, got, want)
		}
	}
}
