package ui

import (
	"image/color"
	"strings"
	"sync"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// A table cell is one line of text cut to the column's width with "…".
// A widget.Label with truncation shapes its text twice on every change
// (harfbuzz, with a font set up afresh each time): about half a millisecond,
// so a table jumping to new rows spent ~40 ms redrawing ~90 cells. A cell
// here is a canvas.Text cut by adding up the widths of its characters,
// measured once per character.

type cellLayout struct {
	text  *canvas.Text
	full  string // the text before cutting
	width float32
}

// newTextCell makes a table cell (CreateCell) for setCell.
func newTextCell() fyne.CanvasObject {
	t := canvas.NewText("", theme.Color(theme.ColorNameForeground))
	t.TextSize = theme.TextSize()
	return &fyne.Container{Layout: &cellLayout{text: t}, Objects: []fyne.CanvasObject{t}}
}

// setCell shows text in a cell made by newTextCell, in the colour of imp,
// bold or not; it redraws only what changed.
func setCell(o fyne.CanvasObject, text string, imp widget.Importance, bold bool) {
	c, ok := o.(*fyne.Container)
	if !ok {
		return
	}
	l, ok := c.Layout.(*cellLayout)
	if !ok {
		return
	}
	col := importanceColor(imp)
	style := fyne.TextStyle{Bold: bold}
	if l.full == text && l.text.Color == col && l.text.TextStyle == style {
		return
	}
	l.full = text
	l.text.Color = col
	l.text.TextStyle = style
	l.text.Text = cutText(text, l.width-2*theme.InnerPadding(), l.text.TextSize, style)
	l.text.Refresh()
}

func (l *cellLayout) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	if size.Width != l.width {
		l.width = size.Width
		if t := cutText(l.full, l.width-2*theme.InnerPadding(), l.text.TextSize, l.text.TextStyle); t != l.text.Text {
			l.text.Text = t
			l.text.Refresh()
		}
	}
	h := fyne.MeasureText("Mg", l.text.TextSize, l.text.TextStyle).Height
	l.text.Move(fyne.NewPos(theme.InnerPadding(), (size.Height-h)/2))
	l.text.Resize(fyne.NewSize(size.Width-2*theme.InnerPadding(), h))
}

func (l *cellLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	// as tall as a label (whatever the text, even none), so rows keep their
	// height; the table sets the width
	h := fyne.MeasureText("Mg", l.text.TextSize, l.text.TextStyle).Height
	return fyne.NewSize(40, h+2*theme.InnerPadding())
}

// cellText is the whole text a cell shows (before cutting).
func cellText(o fyne.CanvasObject) string {
	if c, ok := o.(*fyne.Container); ok {
		if l, ok := c.Layout.(*cellLayout); ok {
			return l.full
		}
	}
	return ""
}

func importanceColor(imp widget.Importance) color.Color {
	switch imp {
	case widget.DangerImportance:
		return theme.Color(theme.ColorNameError)
	case widget.WarningImportance:
		return theme.Color(theme.ColorNameWarning)
	case widget.SuccessImportance:
		return theme.Color(theme.ColorNameSuccess)
	case widget.LowImportance:
		return theme.Color(theme.ColorNameDisabled)
	}
	return theme.Color(theme.ColorNameForeground)
}

// runeWidths caches how wide each character is, per text size and style.
var runeWidths = struct {
	sync.Mutex
	m map[runeKey]float32
}{m: map[runeKey]float32{}}

type runeKey struct {
	r    rune
	size float32
	bold bool
}

func runeWidth(r rune, size float32, style fyne.TextStyle) float32 {
	k := runeKey{r, size, style.Bold}
	runeWidths.Lock()
	w, ok := runeWidths.m[k]
	runeWidths.Unlock()
	if !ok {
		w = fyne.MeasureText(string(r), size, style).Width
		runeWidths.Lock()
		runeWidths.m[k] = w
		runeWidths.Unlock()
	}
	return w
}

// cutText is s, or as much of it as fits in width followed by "…" (line
// breaks become spaces: a cell is one line).
func cutText(s string, width, size float32, style fyne.TextStyle) string {
	if strings.ContainsAny(s, "\r\n\t") {
		s = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "\t", " ").Replace(s)
	}
	if width <= 0 || s == "" {
		return s
	}
	// most cells fit: a character is never wider than the text size
	if float32(utf8.RuneCountInString(s))*size <= width {
		return s
	}
	limit := width - runeWidth('…', size, style) - 1 // a pixel for kerning
	var x float32
	for i, r := range s {
		x += runeWidth(r, size, style)
		if x > width {
			// it does not fit: cut where the text and "…" still do
			var y float32
			for j, r := range s {
				y += runeWidth(r, size, style)
				if y > limit {
					return strings.TrimRight(s[:j], " ") + "…"
				}
			}
			return s[:i] + "…"
		}
	}
	return s
}
