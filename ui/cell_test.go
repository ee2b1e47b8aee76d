package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

func TestCutTextFitsTheColumn(t *testing.T) {
	test.NewTempApp(t)
	size := float32(14)
	style := fyne.TextStyle{}
	if got := cutText("Contacts", 200, size, style); got != "Contacts" {
		t.Errorf("a short text is cut: %q", got)
	}
	long := "Calendar event \"[25-1028] Closing - Cedar Street\" ends before it starts: Clio refuses it"
	got := cutText(long, 200, size, style)
	if !strings.HasSuffix(got, "…") || !strings.HasPrefix(long, strings.TrimSuffix(got, "…")) {
		t.Fatalf("cut %q", got)
	}
	if w := fyne.MeasureText(got, size, style).Width; w > 200 {
		t.Errorf("%q is %.0f wide, the column 200", got, w)
	}
	if w := fyne.MeasureText(cutText(long+"x", 200, size, style)+"x", size, style).Width; w < 150 {
		t.Errorf("cut far too short: %.0f of 200", w)
	}
	if got := cutText("two\nlines", 500, size, style); got != "two lines" {
		t.Errorf("line breaks: %q", got)
	}
	bold := fyne.TextStyle{Bold: true}
	if w := fyne.MeasureText(cutText(strings.Repeat("W", 80), 150, size, bold), size, bold).Width; w > 150 {
		t.Errorf("wide bold letters overflow: %.0f of 150", w)
	}
}

func TestTextCellRedrawsOnlyChanges(t *testing.T) {
	test.NewTempApp(t)
	c := newTextCell()
	c.Resize(fyne.NewSize(120, 30))
	setCell(c, "Must fix", widget.DangerImportance, true)
	if cellText(c) != "Must fix" {
		t.Fatalf("cell shows %q", cellText(c))
	}
	l := c.(*fyne.Container).Layout.(*cellLayout)
	if !l.text.TextStyle.Bold || l.text.Color != importanceColor(widget.DangerImportance) {
		t.Errorf("look: %+v %v", l.text.TextStyle, l.text.Color)
	}
	setCell(c, strings.Repeat("long text ", 20), widget.MediumImportance, false)
	if !strings.HasSuffix(l.text.Text, "…") {
		t.Errorf("not cut to the cell: %q", l.text.Text)
	}
	c.Resize(fyne.NewSize(2000, 30)) // a wider column shows more
	if strings.HasSuffix(l.text.Text, "…") {
		t.Errorf("still cut when wide: %q", l.text.Text)
	}
}
