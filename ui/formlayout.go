package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// formLayout lays objects out in rows of len(cols) cells; a 0 width shares
// what is left equally. Rows are as tall as their tallest cell.
type formLayout struct{ cols []float32 }

func (g *formLayout) widths(total float32) []float32 {
	var fixed float32
	flex := 0
	for _, c := range g.cols {
		if c == 0 {
			flex++
		}
		fixed += c
	}
	pad := theme.Padding()
	out := make([]float32, len(g.cols))
	for i, c := range g.cols {
		out[i] = c
		if c == 0 {
			out[i] = (total - fixed - pad*float32(len(g.cols)-1)) / float32(flex)
			if out[i] < 80 {
				out[i] = 80
			}
		}
	}
	return out
}

func (g *formLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if size.Width <= 0 {
		// Not placed yet: Container.Add lays out after every object, and
		// wrapping text at a made-up width only to wrap it again once the
		// container is sized made filling a big grid quadratic.
		return
	}
	w := g.widths(size.Width)
	pad := theme.Padding()
	var y float32
	for i := 0; i < len(objs); i += len(w) {
		var h float32
		for j := 0; j < len(w) && i+j < len(objs); j++ {
			// a wrapped label's height depends on its width: set the width
			// first, keeping the height, so an unchanged cell is not re-wrapped
			o := objs[i+j]
			if o.Size().Width != w[j] {
				o.Resize(fyne.NewSize(w[j], o.Size().Height))
			}
			if mh := o.MinSize().Height; mh > h {
				h = mh
			}
		}
		var x float32
		for j := 0; j < len(w) && i+j < len(objs); j++ {
			objs[i+j].Move(fyne.NewPos(x, y))
			objs[i+j].Resize(fyne.NewSize(w[j], h))
			x += w[j] + pad
		}
		y += h
	}
}

func (g *formLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	w := g.widths(0)
	var width, height float32
	for _, c := range w {
		width += c
	}
	for i := 0; i < len(objs); i += len(w) {
		var h float32
		for j := 0; j < len(w) && i+j < len(objs); j++ {
			if mh := objs[i+j].MinSize().Height; mh > h {
				h = mh
			}
		}
		height += h
	}
	return fyne.NewSize(width, height)
}
