package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"handover/core/readiness"
)

// buildCutoff makes the "stop using the old system" banner with its
// cut-off confirmation (filled by showInfo).
func (r *readinessScreen) buildCutoff() fyne.CanvasObject {
	r.banner = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	r.banner.SizeName = theme.SizeNameSubHeadingText
	r.banner.Wrapping = fyne.TextWrapWord
	r.bannerSub = wrapped("")

	r.AckName = widget.NewEntry()
	r.AckName.SetPlaceHolder("Your name")
	r.AckCheck = widget.NewCheck("Everyone at the firm has stopped entering data in the old system", func(bool) { r.updateAck() })
	r.AckName.OnChanged = func(string) { r.updateAck() }
	r.AckButton = widget.NewButtonWithIcon("Confirm the cut-off", theme.ConfirmIcon(), r.acknowledge)
	r.AckButton.Disable()
	r.ackForm = container.NewBorder(nil, nil, container.NewGridWrap(fyne.NewSize(200, 38), r.AckName), r.AckButton, r.AckCheck)
	r.ackDoneText = widget.NewLabel("")
	r.ackDoneText.Importance = widget.SuccessImportance
	r.ackDone = container.NewHBox(widget.NewIcon(theme.ConfirmIcon()), r.ackDoneText)
	r.ackDone.Hide()
	return boxed(container.NewBorder(nil, nil, widget.NewIcon(theme.WarningIcon()), nil,
		container.NewVBox(r.banner, r.bannerSub, r.ackForm, r.ackDone)), theme.ColorNameWarning)
}

// showInfo puts the banner and the cut-off confirmation on the screen.
func (r *readinessScreen) showInfo() {
	info := r.info
	setText(r.banner, info.Banner)
	// The headline gives the export's date and time; this line says its age
	// and what to do about it, once.
	sub := "Handover only has what was in the files you exported."
	if !info.ExportedAt.IsZero() {
		sub = fmt.Sprintf("Your files were exported %s: if anyone has used the old system since, export again and add the new files before you upload.", info.AgeText)
	}
	for _, w := range info.Warnings {
		sub += "\n• " + w
	}
	setText(r.bannerSub, sub)
	if info.Cutoff.Acknowledged {
		r.ackForm.Hide()
		r.ackDone.Show()
		setText(r.ackDoneText, fmt.Sprintf("Cut-off confirmed by %s on %s.", info.Cutoff.By, info.Cutoff.At.Local().Format("Mon 2 Jan 2006 at 15:04")))
	} else {
		r.ackDone.Hide()
		r.ackForm.Show()
	}
}

func (r *readinessScreen) updateAck() {
	if strings.TrimSpace(r.AckName.Text) != "" && r.AckCheck.Checked {
		r.AckButton.Enable()
		r.AckButton.Importance = widget.HighImportance
	} else {
		r.AckButton.Disable()
	}
	r.AckButton.Refresh()
}

// acknowledge records who confirmed the cut-off; the cut-off is the export
// time the banner shows.
func (r *readinessScreen) acknowledge() {
	name := strings.TrimSpace(r.AckName.Text)
	if name == "" || !r.AckCheck.Checked {
		return
	}
	cutoff := r.info.ExportedAt
	if cutoff.IsZero() {
		cutoff = time.Now()
	}
	ws := r.ui.project
	r.AckButton.Disable()
	r.ui.background("acknowledge", func(ctx context.Context) func() {
		err := readiness.Acknowledge(ctx, ws, name, cutoff, time.Now())
		return func() {
			if err != nil {
				r.updateAck()
				r.ui.ShowError("Could not save the confirmation", fmt.Errorf("%v\n\nTry again; if it keeps failing, check the project file is not read-only.", err))
				return
			}
			r.reload(r.ui.RefreshSteps)
		}
	})
}
