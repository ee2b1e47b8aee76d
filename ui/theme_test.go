package ui

import (
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// redWarnings is the default theme with a pure red warning colour.
type redWarnings struct{ fyne.Theme }

func (r redWarnings) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if n == theme.ColorNameWarning {
		return color.NRGBA{R: 255, A: 255}
	}
	return r.Theme.Color(n, v)
}

// Drawn boxes and bars follow a theme change (light/dark follows the system).
func TestDrawnShapesFollowTheTheme(t *testing.T) {
	a := test.NewTempApp(t)
	w := test.NewWindow(nil)
	defer w.Close()
	New(a, w)
	rect := themedRect(theme.ColorNameWarning, 0, theme.ColorNameWarning)
	a.Settings().SetTheme(redWarnings{theme.DefaultTheme()})
	// no explicit repaint: the settings listener New registered does it
	if r, g, b, _ := rect.StrokeColor.RGBA(); r>>8 != 255 || g != 0 || b != 0 {
		t.Errorf("stroke after the theme change: %v", rect.StrokeColor)
	}
}
