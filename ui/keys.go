package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

func init() {
	moreScreens = append(moreScreens, func(ui *App) {
		ui.addShortcuts()
		// light/dark follows the system: repaint the drawn boxes and bars too
		ui.FyneApp.Settings().AddListener(func(fyne.Settings) { fyne.Do(repaintAll) })
	})
}

// addShortcuts puts the keyboard shortcuts on the window: next/previous step
// (Ctrl+→ / Ctrl+←, or Alt+N / Alt+B) and undo/redo of the cleaning fixes
// (Ctrl+Z; Ctrl+Y or Ctrl+Shift+Z). A focused text field keeps its own
// Ctrl+Z.
func (ui *App) addShortcuts() {
	c := ui.Win.Canvas()
	next := func(fyne.Shortcut) { ui.Next() }
	back := func(fyne.Shortcut) { ui.Back() }
	ctrl := fyne.KeyModifierShortcutDefault
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyRight, Modifier: ctrl}, next)
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierAlt}, next)
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyLeft, Modifier: ctrl}, back)
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyB, Modifier: fyne.KeyModifierAlt}, back)
	undo := func(fyne.Shortcut) {
		if cs, ok := ui.screens[StepClean].(*cleanScreen); ok && ui.current == StepClean {
			cs.Undo()
		}
	}
	redo := func(fyne.Shortcut) {
		if cs, ok := ui.screens[StepClean].(*cleanScreen); ok && ui.current == StepClean {
			cs.Redo()
		}
	}
	c.AddShortcut(&fyne.ShortcutUndo{}, undo)
	c.AddShortcut(&fyne.ShortcutRedo{}, redo)
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyZ, Modifier: ctrl | fyne.KeyModifierShift}, redo)
}

// Back moves to the previous step.
func (ui *App) Back() {
	if ui.current > StepWelcome {
		ui.Show(ui.current - 1)
	}
}
