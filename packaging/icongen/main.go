// Command icongen draws Handover's application icon: a calm blue rounded
// square with a white folder and a "hand-over" arrow cut out of it.
//
// The icon is drawn from geometry (not scaled from one bitmap) so every size
// is crisp; sizes of 32 px and below snap the shapes to whole pixels and use
// bolder strokes so the glyph stays legible in a 16 px tray/list view.
//
//	go run ./packaging/icongen -out assets/icon
//
// writes Icon.png (512, used by FyneApp.toml), handover.ico (256, 64, 48, 32,
// 16; used by the NSIS installer) and png/handover-<n>.png (hicolor sizes for
// the .deb). Only the standard library is used.
package main

import (
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"log"
	"math"
	"os"
	"path/filepath"
)

// palette
var (
	blueTop    = [3]float64{0x3d, 0x86, 0xd0} // gradient, top of the square
	blueBottom = [3]float64{0x1f, 0x5c, 0xa3} // gradient, bottom
	white      = [3]float64{0xff, 0xff, 0xff}
)

type rect struct{ x0, y0, x1, y1, r float64 }

// in reports whether (x, y) lies inside the rounded rectangle.
func (q rect) in(x, y float64) bool {
	if x < q.x0 || x > q.x1 || y < q.y0 || y > q.y1 {
		return false
	}
	cx := math.Min(math.Max(x, q.x0+q.r), q.x1-q.r)
	cy := math.Min(math.Max(y, q.y0+q.r), q.y1-q.r)
	dx, dy := x-cx, y-cy
	return dx*dx+dy*dy <= q.r*q.r
}

// tri is a triangle; in uses the sign of the three edge functions.
type tri struct{ ax, ay, bx, by, cx, cy float64 }

func (t tri) in(x, y float64) bool {
	e := func(px, py, qx, qy float64) float64 { return (qx-px)*(y-py) - (qy-py)*(x-px) }
	d1, d2, d3 := e(t.ax, t.ay, t.bx, t.by), e(t.bx, t.by, t.cx, t.cy), e(t.cx, t.cy, t.ax, t.ay)
	neg := d1 < 0 || d2 < 0 || d3 < 0
	pos := d1 > 0 || d2 > 0 || d3 > 0
	return !(neg && pos)
}

// glyph holds the shapes of one icon size, in pixel coordinates.
type glyph struct {
	bg           rect
	tab, body    rect
	shaft        rect
	head         tri
	shadow       bool
	shadowOffset float64
	top, height  float64
}

func layout(size int) glyph {
	s := float64(size)
	small := size <= 32
	// snap rounds a unit coordinate to whole pixels for small sizes.
	snap := func(u float64) float64 {
		if small {
			return math.Round(u * s)
		}
		return u * s
	}
	margin := 0.04
	if small {
		margin = 0
	}
	g := glyph{}
	g.bg = rect{snap(margin), snap(margin), snap(1 - margin), snap(1 - margin), s * 0.19}
	g.top, g.height = g.bg.y0, g.bg.y1-g.bg.y0

	// folder: a tab on the upper left and a wide body
	// the tab reaches well into the body so its rounded lower corners are hidden
	g.tab = rect{snap(0.20), snap(0.25), snap(0.47), snap(0.45), s * 0.045}
	g.body = rect{snap(0.20), snap(0.32), snap(0.80), snap(0.76), s * 0.055}

	// arrow pointing right, cut out of the folder body
	cy := 0.545
	shaftHalf, headHalf := 0.055, 0.135
	x0, xNeck, xTip := 0.31, 0.53, 0.70
	if small {
		shaftHalf, headHalf = 0.07, 0.21
		x0, xNeck, xTip = 0.27, 0.49, 0.74
	}
	g.shaft = rect{snap(x0), snap(cy - shaftHalf), snap(xNeck) + 0.5, snap(cy + shaftHalf), 0}
	if small {
		// keep the shaft an exact number of pixels thick, centred on a pixel row
		mid := math.Floor(cy*s) + 0.5
		half := math.Max(1, math.Round(shaftHalf*s))
		g.shaft.y0, g.shaft.y1 = math.Round(mid-half), math.Round(mid+half)
		if size <= 16 {
			g.shaft.y0, g.shaft.y1 = math.Floor(mid)-0, math.Floor(mid)+2
		}
		cy = (g.shaft.y0 + g.shaft.y1) / 2 / s
	}
	g.head = tri{snap(xNeck), cy*s - headHalf*s, snap(xTip), cy * s, snap(xNeck), cy*s + headHalf*s}

	if size <= 16 {
		// hand-placed pixels: a 2 px shaft and a 7 px tall head read as an arrow
		g.bg.r = 3
		g.tab = rect{2, 3, 7, 7, 1}
		g.body = rect{2, 5, 14, 13, 1}
		g.shaft = rect{4, 8, 9, 10, 0}
		g.head = tri{8, 5.5, 12, 9, 8, 12.5}
	}
	g.shadow = size >= 48
	g.shadowOffset = s * 0.022
	return g
}

func (g glyph) folder(x, y float64) bool { return g.tab.in(x, y) || g.body.in(x, y) }
func (g glyph) arrow(x, y float64) bool  { return g.shaft.in(x, y) || g.head.in(x, y) }

// sample returns the straight (non-premultiplied) colour and coverage at a point.
func (g glyph) sample(x, y float64) ([3]float64, float64) {
	if !g.bg.in(x, y) {
		return [3]float64{}, 0
	}
	t := (y - g.top) / g.height
	var c [3]float64
	for i := range c {
		c[i] = blueTop[i] + (blueBottom[i]-blueTop[i])*t
	}
	switch {
	case g.folder(x, y) && !g.arrow(x, y):
		return white, 1
	case g.folder(x, y):
		return c, 1 // the arrow shows the background through the folder
	case g.shadow && g.folder(x, y-g.shadowOffset):
		for i := range c {
			c[i] *= 0.82
		}
	}
	return c, 1
}

func render(size int) *image.NRGBA {
	g := layout(size)
	const ss = 8 // 8x8 supersampling
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	for py := 0; py < size; py++ {
		for px := 0; px < size; px++ {
			var r, gg, b, a float64
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					c, cov := g.sample(float64(px)+(float64(sx)+0.5)/ss, float64(py)+(float64(sy)+0.5)/ss)
					r += c[0] * cov
					gg += c[1] * cov
					b += c[2] * cov
					a += cov
				}
			}
			if a == 0 {
				continue
			}
			img.SetNRGBA(px, py, color.NRGBA{
				R: uint8(math.Round(r / a)), G: uint8(math.Round(gg / a)), B: uint8(math.Round(b / a)),
				A: uint8(math.Round(255 * a / (ss * ss))),
			})
		}
	}
	return img
}

func encodePNG(img image.Image) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		log.Fatal(err)
	}
	return buf.Bytes()
}

// encodeBMP returns the 32-bit DIB (XOR bitmap + AND mask) that an .ico entry
// holds; classic BMP entries keep old loaders (and makensis) happy, 256 px
// entries are stored as PNG.
func encodeBMP(img *image.NRGBA) []byte {
	n := img.Bounds().Dx()
	var buf bytes.Buffer
	maskStride := ((n + 31) / 32) * 4
	hdr := struct {
		Size                   uint32
		Width, Height          int32
		Planes, BitCount       uint16
		Compression, SizeImage uint32
		XPels, YPels           int32
		ClrUsed, ClrImportant  uint32
	}{40, int32(n), int32(2 * n), 1, 32, 0, uint32(n*n*4 + maskStride*n), 0, 0, 0, 0}
	_ = binary.Write(&buf, binary.LittleEndian, hdr)
	for y := n - 1; y >= 0; y-- {
		for x := 0; x < n; x++ {
			c := img.NRGBAAt(x, y)
			buf.Write([]byte{c.B, c.G, c.R, c.A})
		}
	}
	for y := n - 1; y >= 0; y-- {
		row := make([]byte, maskStride)
		for x := 0; x < n; x++ {
			if img.NRGBAAt(x, y).A == 0 {
				row[x/8] |= 0x80 >> (x % 8)
			}
		}
		buf.Write(row)
	}
	return buf.Bytes()
}

func encodeICO(sizes []int) []byte {
	var blobs [][]byte
	for _, s := range sizes {
		img := render(s)
		if s >= 256 {
			blobs = append(blobs, encodePNG(img))
		} else {
			blobs = append(blobs, encodeBMP(img))
		}
	}
	var buf bytes.Buffer
	_ = binary.Write(&buf, binary.LittleEndian, [3]uint16{0, 1, uint16(len(sizes))})
	offset := 6 + 16*len(sizes)
	for i, s := range sizes {
		dim := byte(s)
		if s >= 256 {
			dim = 0
		}
		buf.Write([]byte{dim, dim, 0, 0})
		_ = binary.Write(&buf, binary.LittleEndian, [2]uint16{1, 32})
		_ = binary.Write(&buf, binary.LittleEndian, [2]uint32{uint32(len(blobs[i])), uint32(offset)})
		offset += len(blobs[i])
	}
	for _, b := range blobs {
		buf.Write(b)
	}
	return buf.Bytes()
}

func write(path string, data []byte) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Println("wrote", path)
}

func main() {
	out := flag.String("out", "assets/icon", "output directory")
	flag.Parse()
	write(filepath.Join(*out, "Icon.png"), encodePNG(render(512)))
	write(filepath.Join(*out, "handover.ico"), encodeICO([]int{256, 64, 48, 32, 16}))
	for _, s := range []int{16, 24, 32, 48, 64, 128, 256, 512} {
		write(filepath.Join(*out, "png", fmt.Sprintf("handover-%d.png", s)), encodePNG(render(s)))
	}
}
