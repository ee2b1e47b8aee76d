package ui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image/color"
	"sort"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"handover/core/model"
)

// Small presentation helpers shared by the screens: headings, cards, a bar
// chart drawn with rectangles, and turning a record into "field: value" lines.

// setObjects replaces what a container shows in one go. Container.Add lays
// the whole container out again after each object and Container.Refresh
// re-renders every child; a rebuilt section needs one layout and one redraw
// (the canvas re-measures the parents at the next frame).
func setObjects(c *fyne.Container, objs ...fyne.CanvasObject) {
	c.Objects = objs
	if c.Layout != nil {
		c.Layout.Layout(objs, c.Size())
	}
	canvas.Refresh(c)
}

// pile collects the objects of a section being rebuilt, for setObjects.
type pile struct{ objs []fyne.CanvasObject }

func (p *pile) Add(o ...fyne.CanvasObject) { p.objs = append(p.objs, o...) }

func boldLabel(s string) *widget.Label {
	return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

func sectionTitle(s string) *widget.Label {
	l := boldLabel(s)
	l.SizeName = theme.SizeNameSubHeadingText
	return l
}

// themed returns a theme colour (follows light/dark).
func themed(name fyne.ThemeColorName) color.Color {
	return fyne.CurrentApp().Settings().Theme().Color(name, fyne.CurrentApp().Settings().ThemeVariant())
}

// tint is c at a low opacity, for backgrounds behind normal text.
func tint(c color.Color, alpha uint8) color.Color {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: alpha}
}

// paint is a rectangle coloured from the theme, repainted when the system
// switches between light and dark (see repaintAll).
type paint struct {
	rect         *canvas.Rectangle
	fill, stroke fyne.ThemeColorName
	alpha        uint8 // fill opacity; 0 = opaque
}

var (
	paintsMu sync.Mutex
	paints   []paint
)

func (p paint) apply() {
	if p.fill != "" {
		c := themed(p.fill)
		if p.alpha != 0 {
			c = tint(c, p.alpha)
		}
		p.rect.FillColor = c
	}
	if p.stroke != "" {
		p.rect.StrokeColor = themed(p.stroke)
	}
}

// themedRect makes a rectangle that keeps following the theme.
func themedRect(fill fyne.ThemeColorName, alpha uint8, stroke fyne.ThemeColorName) *canvas.Rectangle {
	p := paint{rect: canvas.NewRectangle(nil), fill: fill, stroke: stroke, alpha: alpha}
	p.apply()
	paintsMu.Lock()
	paints = append(paints, p)
	if len(paints) > 4000 { // screens rebuild their charts: forget the oldest
		paints = append([]paint(nil), paints[len(paints)-2000:]...)
	}
	paintsMu.Unlock()
	return p.rect
}

// repaintAll recolours every themed rectangle (on a light/dark switch).
func repaintAll() {
	paintsMu.Lock()
	ps := append([]paint(nil), paints...)
	paintsMu.Unlock()
	for _, p := range ps {
		p.apply()
		p.rect.Refresh()
	}
}

// boxed draws a rounded, tinted box with a coloured border around content.
func boxed(content fyne.CanvasObject, c fyne.ThemeColorName) fyne.CanvasObject {
	bg := themedRect(c, 0x30, c)
	bg.StrokeWidth = 2
	bg.CornerRadius = 6
	return container.NewStack(bg, container.NewPadded(content))
}

// statCard is a number over a caption, in a light box.
func statCard(n int64, caption string) fyne.CanvasObject {
	num := widget.NewLabelWithStyle(count(n), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	num.SizeName = theme.SizeNameSubHeadingText
	what := widget.NewLabelWithStyle(caption, fyne.TextAlignCenter, fyne.TextStyle{})
	bg := themedRect(theme.ColorNameInputBackground, 0, "")
	bg.CornerRadius = 6
	return container.NewStack(bg, container.New(layout.NewCustomPaddedVBoxLayout(0), num, what))
}

// barItem is one bar of a chart.
type barItem struct {
	Label string
	Value int64
	Color fyne.ThemeColorName
}

// barLayout sizes its only object to a fraction of the available width.
type barLayout struct{ frac float32 }

func (b barLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		w := size.Width * b.frac
		if b.frac > 0 && w < 2 {
			w = 2
		}
		o.Resize(fyne.NewSize(w, size.Height-6))
		o.Move(fyne.NewPos(0, 3))
	}
}

func (b barLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(60, 24) }

// barChart draws one horizontal bar per item, scaled to the largest: a
// picture of the numbers, with the numbers beside it.
func barChart(items []barItem, labelWidth float32) fyne.CanvasObject {
	var max int64
	for _, it := range items {
		if it.Value > max {
			max = it.Value
		}
	}
	rows := container.NewVBox()
	for _, it := range items {
		frac := float32(0)
		if max > 0 {
			frac = float32(it.Value) / float32(max)
		}
		c := it.Color
		if c == "" {
			c = theme.ColorNamePrimary
		}
		rect := themedRect(c, 0, "")
		rect.CornerRadius = 3
		if it.Value == 0 {
			rect.Hide()
		}
		bar := container.New(barLayout{frac: frac}, rect)
		name := widget.NewLabel(it.Label)
		name.Truncation = fyne.TextTruncateEllipsis
		rows.Add(container.NewBorder(nil, nil,
			container.NewGridWrap(fyne.NewSize(labelWidth, 30), name),
			container.NewGridWrap(fyne.NewSize(70, 30), widget.NewLabel(count(it.Value))),
			bar))
	}
	return rows
}

// severityWord is how a severity is said to an office manager.
func severityWord(s model.Severity) string {
	switch s {
	case model.Blocker:
		return "Must fix"
	case model.Warning:
		return "Should check"
	case model.Info:
		return "Good to know"
	}
	return string(s)
}

func severityColor(s model.Severity) fyne.ThemeColorName {
	switch s {
	case model.Blocker:
		return theme.ColorNameError
	case model.Warning:
		return theme.ColorNameWarning
	}
	return theme.ColorNamePrimary
}

func severityImportance(s model.Severity) widget.Importance {
	switch s {
	case model.Blocker:
		return widget.DangerImportance
	case model.Warning:
		return widget.WarningImportance
	}
	return widget.MediumImportance
}

// field is one top-level value of a record, as text.
type field struct {
	Name  string // JSON name, as clean.Op wants it
	Label string // for people
	Value string
}

// recordFields flattens a record's data into its top-level fields, in the
// record's own order, each rendered as one line of text.
func recordFields(data any) []field {
	raw, err := json.Marshal(data)
	if err != nil {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	var out []field
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			break
		}
		name, _ := t.(string)
		var v any
		if err := dec.Decode(&v); err != nil {
			break
		}
		text := valueText(v)
		if n, ok := v.(json.Number); ok && strings.HasSuffix(name, "_cents") {
			if c, err := n.Int64(); err == nil {
				text = model.Cents(c).String()
			}
		}
		out = append(out, field{Name: name, Label: fieldLabel(name), Value: text})
	}
	return out
}

func fieldLabel(name string) string {
	name = strings.TrimSuffix(name, "_cents")
	switch name {
	case "email_addresses":
		return "E-mail addresses"
	case "phone_numbers":
		return "Phone numbers"
	case "web_sites":
		return "Web sites"
	}
	s := strings.ReplaceAll(name, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// valueText renders a JSON value compactly: lists joined with "; ", objects
// as "a, b (Label)", references as their value.
func valueText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		if x {
			return "yes"
		}
		return "no"
	case json.Number:
		return x.String()
	case []any:
		var parts []string
		for _, e := range x {
			if s := valueText(e); s != "" {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, "; ")
	case map[string]any:
		// references {kind, value}; labelled values {name, address|number}; addresses.
		if val, ok := x["value"]; ok {
			return valueText(val)
		}
		label, _ := x["name"].(string)
		var parts []string
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range []string{"address", "number", "street", "city", "province", "postal_code", "country"} {
			if s := valueText(x[k]); s != "" {
				parts = append(parts, s)
			}
		}
		if len(parts) == 0 {
			// custom fields and anything else: "k: v"
			for _, k := range keys {
				if s := valueText(x[k]); s != "" {
					parts = append(parts, k+": "+s)
				}
			}
			return strings.Join(parts, ", ")
		}
		s := strings.Join(parts, ", ")
		if label != "" && len(parts) > 0 {
			s += " (" + label + ")"
		}
		return s
	}
	return fmt.Sprint(v)
}

// plural says "1 contact" / "3 contacts" style counts.
func plural(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return count(n) + " " + many
}

// setText changes a label's text, and only then redraws it.
func setText(l *widget.Label, s string) {
	if l.Text != s {
		l.SetText(s)
	}
}
