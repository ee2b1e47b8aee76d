package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// asked holds the answer buttons of the questions on show, by column, and
// the reading an answer started (tests wait on it).
type asked struct {
	Buttons map[string][]*widget.Button
	Pending *Task
}

// questionRows are the table's open questions — columns that may link to a
// matter, a contact or a person of the firm, which the values could not
// settle — each with its answers as buttons. An answer is a column choice
// like any other: remembered, and the file is read again with it.
func (m *mappingScreen) questionRows(t mapTable) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	m.Asked = asked{Buttons: map[string][]*widget.Button{}}
	for _, q := range t.Table.Questions {
		q := q
		msg := wrapped(q.Message)
		msg.Importance = widget.WarningImportance
		msg.TextStyle = fyne.TextStyle{Bold: true}
		var buttons []fyne.CanvasObject
		for _, c := range q.Choices {
			c := c
			target := c.Target
			if target == "" {
				target = "skip"
			}
			b := widget.NewButton(c.Label, func() { m.Asked.Pending = m.SetTarget(t, q.Column, target) })
			if c.Target != "" && c.Target != "skip" && !isFallback(c.Target) {
				b.Importance = widget.HighImportance
			}
			m.Asked.Buttons[q.Column] = append(m.Asked.Buttons[q.Column], b)
			buttons = append(buttons, b)
		}
		out = append(out, container.NewBorder(nil, nil, widget.NewIcon(theme.QuestionIcon()), nil,
			container.NewVBox(msg, container.NewHBox(buttons...))), widget.NewSeparator())
	}
	return out
}

func isFallback(target string) bool {
	return len(target) > 7 && (target[:7] == "custom:" || target[:7] == "append:")
}
