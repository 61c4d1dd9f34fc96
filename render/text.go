package render

import (
	"image"
	"image/color"
	"math"

	xfont "golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
	"gonum.org/v1/plot/vg"
)

// Text on the 300 dpi canvas. gg draws each glyph's coverage mask through
// x/image/draw's bilinear Transform, which for a canvas that is neither
// rotated nor scaled is a whole-pixel translation: every destination
// pixel takes one mask value with weight 1. drawGlyphs does that
// composition directly, with Transform's integer arithmetic (16-bit
// premultiplied colour times the mask, then Porter-Duff over), so the
// pixels are the same; Transform's general path asks each source, mask
// and destination pixel for its colour through an interface and was a
// fifth of the time of writing a figure. Rotated text (axis titles) goes
// through gg.

// rasterState is what the canvas's Push saves: the colour and whether a
// translation, rotation or scaling is in effect.
type rasterState struct {
	color color.Color
	moved bool
}

func (c *rasterCanvas) SetColor(clr color.Color) {
	c.Canvas.SetColor(clr)
	if clr == nil {
		clr = color.Black // as vgimg does
	}
	c.state.color = clr
}

func (c *rasterCanvas) Push() {
	c.Canvas.Push()
	c.stack = append(c.stack, c.state)
}

func (c *rasterCanvas) Pop() {
	c.Canvas.Pop()
	c.state = c.stack[len(c.stack)-1]
	c.stack = c.stack[:len(c.stack)-1]
}

func (c *rasterCanvas) Translate(pt vg.Point) {
	c.Canvas.Translate(pt)
	c.state.moved = true
}

func (c *rasterCanvas) Rotate(t float64) {
	c.Canvas.Rotate(t)
	c.state.moved = true
}

func (c *rasterCanvas) Scale(x, y float64) {
	c.Canvas.Scale(x, y)
	c.state.moved = true
}

// drawGlyphs draws s with face at (x, y) in pixels (the baseline's left
// end), as gg's DrawString does on an untransformed context in colour
// col.
func drawGlyphs(dst *image.RGBA, face xfont.Face, col color.Color, s string, x, y float64) {
	sr, sg, sb, sa := col.RGBA()
	dot := fixed.Point26_6{X: fix(x), Y: fix(y)}
	prev := rune(-1)
	for _, r := range s {
		if prev >= 0 {
			dot.X += face.Kern(prev, r)
		}
		dr, mask, mp, advance, ok := face.Glyph(dot, r)
		if !ok {
			continue
		}
		alpha, _ := mask.(*image.Alpha)
		b := dr.Intersect(dst.Bounds())
		for py := b.Min.Y; py < b.Max.Y; py++ {
			for px := b.Min.X; px < b.Max.X; px++ {
				mx, my := mp.X+px-dr.Min.X, mp.Y+py-dr.Min.Y
				var ma uint32
				if alpha != nil {
					ma = uint32(alpha.Pix[alpha.PixOffset(mx, my)]) * 0x101
				} else {
					_, _, _, ma = mask.At(mx, my).RGBA()
				}
				pa := sa * ma / 0xffff
				pa1 := 0xffff - pa
				i := dst.PixOffset(px, py)
				p := dst.Pix[i : i+4 : i+4]
				p[0] = uint8((uint32(p[0])*0x101*pa1/0xffff + sr*ma/0xffff) >> 8)
				p[1] = uint8((uint32(p[1])*0x101*pa1/0xffff + sg*ma/0xffff) >> 8)
				p[2] = uint8((uint32(p[2])*0x101*pa1/0xffff + sb*ma/0xffff) >> 8)
				p[3] = uint8((uint32(p[3])*0x101*pa1/0xffff + pa) >> 8)
			}
		}
		dot.X += advance
		prev = r
	}
}

// fix is gg's conversion of a pixel coordinate to 26.6 fixed point.
func fix(v float64) fixed.Int26_6 { return fixed.Int26_6(math.Round(v * 64)) }
