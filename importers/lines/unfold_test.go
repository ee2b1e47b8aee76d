package lines

import (
	"io"
	"reflect"
	"strings"
	"testing"
)

func stream(t testing.TB, in string, f Folding, max int64) []Logical {
	u := NewUnfolder(NewReader(strings.NewReader(in), max), f)
	var out []Logical
	for {
		ll, err := u.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, ll)
	}
}

func TestUnfoldRules(t *testing.T) {
	qp := func(first, last, next string) bool {
		return strings.HasSuffix(last, "=") && strings.Contains(first, "QUOTED")
	}
	in := "DESCRIPTION:one\r\n two\r\n\tthree\r\nNOTE;QUOTED:a=\r\nb\r\nSUMMARY:x\r\n"
	for _, c := range []struct {
		f    Folding
		want []string
	}{
		{Folding{}, []string{"DESCRIPTION:onetwothree", "NOTE;QUOTED:a=", "b", "SUMMARY:x"}},
		{Folding{KeepSpace: true}, []string{"DESCRIPTION:one two\tthree", "NOTE;QUOTED:a=", "b", "SUMMARY:x"}},
		{Folding{SoftBreak: qp}, []string{"DESCRIPTION:onetwothree", "NOTE;QUOTED:a=\r\nb", "SUMMARY:x"}},
	} {
		got := stream(t, in, c.f, 1<<20)
		var texts []string
		for _, ll := range got {
			texts = append(texts, ll.Text)
		}
		if !reflect.DeepEqual(texts, c.want) {
			t.Errorf("%+v: got %q, want %q", c.f, texts, c.want)
		}
		if got[0].Line != 1 || len(got[0].Phys) != 3 || got[len(got)-1].Line != 6 {
			t.Errorf("line numbers/physical lines: %+v", got)
		}
		// The batch form gives the same logical lines as the stream.
		batch := c.f.Unfold(strings.Split(strings.TrimSuffix(strings.ReplaceAll(in, "\r\n", "\n"), "\n"), "\n"), 1)
		if !reflect.DeepEqual(batch, got) {
			t.Errorf("%+v: Unfold %+v differs from the stream %+v", c.f, batch, got)
		}
	}
}

// A line folded over far more than Max keeps neither its whole text nor all
// its physical lines, and says it was cut.
func TestUnfoldCapsAFoldedMonster(t *testing.T) {
	in := "PHOTO:" + strings.Repeat("\r\n AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 20000) + "\r\nEND:VCARD\r\n"
	got := stream(t, in, Folding{}, 4096)
	if len(got) != 2 || !got[0].Truncated || len(got[0].Text) > 4096+100 || len(got[0].Phys) > 100 {
		t.Fatalf("%d lines, first truncated=%v text %d bytes, %d physical lines", len(got), got[0].Truncated, len(got[0].Text), len(got[0].Phys))
	}
	if got[1].Text != "END:VCARD" || got[1].Line != 20002 {
		t.Errorf("after the monster: %q at line %d", got[1].Text, got[1].Line)
	}
}
