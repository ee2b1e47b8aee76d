package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"handover/importers/mapping"
)

// evidenceLines are the lines under a column's row: what its values showed
// (how they are read and why) and, when the values left that open, the
// question with a choice of answers under the field choice. Each line spans
// the row from the examples column on, so the text is not cut at the
// examples' width.
func (m *mappingScreen) evidenceLines(t mapTable, c mapping.Column) []fyne.CanvasObject {
	var lines []fyne.CanvasObject
	indent := func(o fyne.CanvasObject, right fyne.CanvasObject) fyne.CanvasObject {
		spacer := container.NewGridWrap(fyne.NewSize(150, 1))
		if right == nil {
			return container.NewBorder(nil, nil, spacer, nil, o)
		}
		return container.NewBorder(nil, nil, spacer, right, o)
	}
	if c.Evidence != "" {
		ev := widget.NewLabel(evidenceText(c))
		ev.Truncation = fyne.TextTruncateEllipsis
		ev.TextStyle = fyne.TextStyle{Italic: true}
		ev.Importance = widget.LowImportance
		lines = append(lines, indent(ev, nil))
	}
	if c.Question != "" {
		q := widget.NewLabel(c.Question)
		q.Truncation = fyne.TextTruncateEllipsis
		q.Importance = widget.WarningImportance
		q.TextStyle = fyne.TextStyle{Bold: true}
		byLabel := map[string]string{}
		var labels []string
		for _, r := range mapping.ReadingChoices(c.Target) {
			l := mapping.ReadingLabel(r)
			byLabel[l] = r
			labels = append(labels, l)
		}
		sel := widget.NewSelect(labels, nil)
		sel.PlaceHolder = "(choose)"
		sel.OnChanged = func(label string) { m.SetReading(t, c.Header, byLabel[label]) }
		m.Readings[c.Header] = sel
		lines = append(lines, indent(q, nil),
			indent(widget.NewLabel(""), container.NewHBox(widget.NewLabel("The values are"), container.NewGridWrap(fyne.NewSize(240, 38), sel), container.NewGridWrap(fyne.NewSize(120, 38)))))
	}
	return lines
}

// evidenceText is the one line under a column's examples.
func evidenceText(c mapping.Column) string {
	if c.Reading != "" && !strings.Contains(c.Evidence, mapping.ReadingLabel(c.Reading)) && !strings.Contains(c.Evidence, "yes =") {
		return fmt.Sprintf("Read as %s — %s", mapping.ReadingLabel(c.Reading), c.Evidence)
	}
	return "Values: " + c.Evidence
}

// SetReading answers a column's question (how its values are written): the
// answer is remembered in the project for columns of that name and the file
// is read again. It returns the task (tests wait on it).
func (m *mappingScreen) SetReading(t mapTable, header, reading string) *Task {
	key, value := mapping.ReadingMemory(header, reading)
	return m.rememberAndReread(t, header, key, value,
		fmt.Sprintf("“%s” is now read as %s.", header, mapping.ReadingLabel(reading)))
}
