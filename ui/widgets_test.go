package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// countingLayout counts the layout passes of a container.
type countingLayout struct {
	inner  fyne.Layout
	passes int
}

func (c *countingLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	c.passes++
	c.inner.Layout(objs, size)
}

func (c *countingLayout) MinSize(objs []fyne.CanvasObject) fyne.Size { return c.inner.MinSize(objs) }

func TestSetObjectsLaysOutOnce(t *testing.T) {
	test.NewTempApp(t)
	lay := &countingLayout{inner: container.NewVBox().Layout}
	box := container.New(lay)
	box.Resize(fyne.NewSize(400, 300))
	lay.passes = 0
	var objs []fyne.CanvasObject
	for i := 0; i < 50; i++ {
		objs = append(objs, widget.NewLabel("row"))
	}
	setObjects(box, objs...)
	if lay.passes != 1 || len(box.Objects) != 50 {
		t.Fatalf("%d layout passes for %d objects, want 1 for 50", lay.passes, len(box.Objects))
	}
	if y := box.Objects[49].Position().Y; y <= box.Objects[0].Position().Y {
		t.Errorf("the last row is not below the first: y=%v", y)
	}
	setObjects(box)
	if len(box.Objects) != 0 {
		t.Errorf("emptied box keeps %d objects", len(box.Objects))
	}
}

// A grid filled cell by cell before it has a size, as the screens do, is
// laid out right once it is sized: columns at their widths, a wrapped cell
// as tall as its text at its column's width, the next row below it.
func TestFormLayoutAfterFillingUnsized(t *testing.T) {
	test.NewTempApp(t)
	g := container.New(&formLayout{cols: []float32{100, 0}})
	long := wrapped(strings.Repeat("words that wrap ", 20))
	g.Add(widget.NewLabel("Name"))
	g.Add(long)
	g.Add(widget.NewLabel("Next"))
	g.Add(widget.NewLabel("row"))
	g.Resize(fyne.NewSize(500, g.MinSize().Height))
	name, next := g.Objects[0], g.Objects[2]
	if w := name.Size().Width; w != 100 {
		t.Errorf("fixed column is %v wide, want 100", w)
	}
	if x := long.Position().X; x <= 100 {
		t.Errorf("the wide column starts at %v, inside the fixed one", x)
	}
	if w := long.Size().Width; w < 300 || w > 400 {
		t.Errorf("the wide column is %v wide in 500", w)
	}
	one := widget.NewLabel("one line").MinSize().Height
	if h := long.Size().Height; h < 2*one {
		t.Errorf("the wrapped cell is %v tall, one line is %v: not wrapped at its width", h, one)
	}
	if y := next.Position().Y; y < long.Size().Height {
		t.Errorf("the next row starts at %v, inside the wrapped cell (%v tall)", y, long.Size().Height)
	}
}
