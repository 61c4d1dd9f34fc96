package render

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
	"math"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"git.sr.ht/~sbinet/gg"
	stdfont "golang.org/x/image/font"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/font/liberation"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgpdf"
)

// PNG and PDF come from gonum.org/v1/plot's vg backends (vgimg, vgpdf):
// a well-kept pure-Go library with one canvas interface for raster and
// PDF output, embedded Liberation fonts (metric-compatible with Helvetica
// and Arial, which the SVGs name) and no cgo. The SVG stays our own
// writer, so the report's inline figures keep their accessible text.

// Drawing is a figure as the sequence of drawing calls that made its SVG:
// lines, rectangles, text, polylines and polygons in SVG user units
// (CSS pixels, y down) on a Width x Height canvas. WritePNG and WritePDF
// replay it, so that every format shows the same figure.
type Drawing struct {
	Width, Height float64
	Title         string
	ops           []op
}

type opKind int

const (
	opLine opKind = iota
	opRect
	opText
	opPolyline
	opPolygon
	opPanel // a Drawing placed at (xs[0], ys[0]): see Grid
)

// op is one drawing call; extra carries the SVG presentation attributes
// of the call (font-weight, font-size, font-style, fill, stroke,
// stroke-width, stroke-dasharray, transform="rotate(a x y)").
type op struct {
	kind           opKind
	xs, ys         []float64
	color, anchor  string
	text, extra    string
	width, opacity float64
	panel          *Drawing
}

// SVG returns the drawing as a standalone SVG element.
func (d *Drawing) SVG() string {
	var b strings.Builder
	d.WriteSVG(&b)
	return b.String()
}

// WriteSVG writes the drawing as a standalone SVG element. Numbers have at
// most two decimals, so that files stay small and diffs readable.
func (d *Drawing) WriteSVG(w io.Writer) error {
	s := &svgWriter{w: w, b: make([]byte, 0, 1<<16)}
	s.str(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 `).num(d.Width).str(" ").num(d.Height).
		str(`" width="`).num(d.Width).str(`" height="`).num(d.Height).
		str(`" role="img" aria-label="`).str(esc(d.Title)).str(`" font-family="Helvetica, Arial, sans-serif" font-size="12">`).
		str("<title>").str(esc(d.Title)).str("</title>")
	d.svgOps(s)
	s.str("</svg>")
	return s.flush()
}

func (d *Drawing) svgOps(s *svgWriter) {
	for _, o := range d.ops {
		switch o.kind {
		case opLine:
			s.str(`<line x1="`).num(o.xs[0]).str(`" y1="`).num(o.ys[0]).str(`" x2="`).num(o.xs[1]).str(`" y2="`).num(o.ys[1]).
				str(`" stroke="`).str(o.color).str(`" stroke-width="`).num(o.width).str(`"/>`)
		case opRect:
			s.str(`<rect x="`).num(o.xs[0]).str(`" y="`).num(o.ys[0]).str(`" width="`).num(o.xs[1] - o.xs[0]).str(`" height="`).num(o.ys[1] - o.ys[0]).
				str(`" fill="`).str(o.color).str(`"`).str(o.extra).str("/>")
		case opText:
			s.str(`<text x="`).num(o.xs[0]).str(`" y="`).num(o.ys[0]).str(`" text-anchor="`).str(o.anchor).str(`"`).str(o.extra).
				str(">").str(esc(o.text)).str("</text>")
		case opPolyline:
			s.str(`<path d="`)
			for i := range o.xs {
				if i == 0 {
					s.str("M")
				} else {
					s.str("L")
				}
				s.num(o.xs[i]).str(" ").num(o.ys[i])
			}
			s.str(`" fill="none" stroke="`).str(o.color).str(`" stroke-width="`).num(o.width).str(`"`).str(o.extra).str("/>")
		case opPolygon:
			s.str(`<polygon points="`)
			for i := range o.xs {
				if i > 0 {
					s.str(" ")
				}
				s.num(o.xs[i]).str(",").num(o.ys[i])
			}
			s.str(`" fill="`).str(o.color).str(`" fill-opacity="`).num(o.opacity).str(`" stroke="none"/>`)
		case opPanel:
			s.str(`<g transform="translate(`).num(o.xs[0]).str(" ").num(o.ys[0]).str(`)">`)
			o.panel.svgOps(s)
			s.str("</g>")
		}
	}
}

// svgWriter appends SVG text to a buffer and hands it on in 64 KiB
// pieces; the first write error is kept and returned by flush.
type svgWriter struct {
	w   io.Writer
	b   []byte
	err error
}

func (s *svgWriter) str(v string) *svgWriter {
	s.b = append(s.b, v...)
	if len(s.b) >= 1<<16 {
		s.flush()
	}
	return s
}

func (s *svgWriter) num(v float64) *svgWriter {
	s.b = appendNum(s.b, v)
	return s
}

func (s *svgWriter) flush() error {
	if s.err == nil && len(s.b) > 0 {
		_, s.err = s.w.Write(s.b)
	}
	s.b = s.b[:0]
	return s.err
}

// Grid lays out panels (each a whole figure) in a grid of cols columns
// under a title, panel i labelled with letters[i] at its top left, as a
// journal's multi-panel figure ("ABCD"; "BCDE" when A is another figure;
// "" for no letters). Panels keep their size; each cell is as large as
// the largest panel.
func Grid(title string, panels []*Drawing, cols int, letters string) *Drawing {
	const top, pad = 30.0, 12.0
	cw, ch := 0.0, 0.0
	for _, p := range panels {
		cw, ch = max(cw, p.Width), max(ch, p.Height)
	}
	rows := (len(panels) + cols - 1) / cols
	g := &Drawing{Width: float64(min(cols, len(panels)))*(cw+pad) + pad, Height: top + float64(rows)*(ch+pad), Title: title}
	g.ops = append(g.ops, op{kind: opText, xs: []float64{pad}, ys: []float64{20}, anchor: "start", text: title, extra: ` font-weight="bold" font-size="15"`})
	for i, p := range panels {
		x := pad + float64(i%cols)*(cw+pad)
		y := top + float64(i/cols)*(ch+pad)
		g.ops = append(g.ops, op{kind: opPanel, xs: []float64{x}, ys: []float64{y}, panel: p})
		if i < len(letters) {
			g.ops = append(g.ops, op{kind: opText, xs: []float64{x + 2}, ys: []float64{y + 20}, anchor: "start", text: letters[i : i+1], extra: ` font-weight="bold" font-size="18"`})
		}
	}
	return g
}

// pxToPt converts SVG user units to points (1 CSS px = 0.75 pt), so that a
// 720-unit-wide figure is 7.5 inches wide in print.
const pxToPt = 0.75

// WritePNG writes the drawing as a PNG at dpi dots per inch (300 for
// journals), with the resolution recorded in the file (pHYs chunk).
func WritePNG(w io.Writer, d *Drawing, dpi int) error {
	img, err := rasterize(d, dpi)
	if err != nil {
		return err
	}
	return encodePNG(w, img, dpi)
}

// rasterize draws the drawing on a white canvas at dpi dots per inch.
func rasterize(d *Drawing, dpi int) (*image.RGBA, error) {
	c := newRasterCanvas(d, dpi)
	if err := d.replay(c); err != nil {
		return nil, err
	}
	return c.img, nil
}

// rasterCanvas is vgimg's canvas drawing straight on our image: vgimg.New
// copies the image it makes into gg's context, two canvases of up to 70
// MB for a multi-panel figure. It draws the same pixels: the context is
// set up as vgimg sets it up (butt caps, y up), and FillString places text
// against the figure's exact height, as vgimg does, not the image's
// height rounded to whole pixels; unrotated text is composited by
// drawGlyphs (see text.go).
type rasterCanvas struct {
	*vgimg.Canvas
	ctx   *gg.Context
	img   *image.RGBA
	h     vg.Length // the figure's height
	state rasterState
	stack []rasterState
}

func newRasterCanvas(d *Drawing, dpi int) *rasterCanvas {
	w, h := vg.Length(d.Width*pxToPt), vg.Length(d.Height*pxToPt)
	pw, ph := w/vg.Inch*vg.Length(dpi), h/vg.Inch*vg.Length(dpi) // as vgimg.NewWith sizes its image
	img := image.NewRGBA(image.Rect(0, 0, int(pw+0.5), int(ph+0.5)))
	ctx := gg.NewContextForRGBA(img)
	ctx.SetLineCapButt()
	ctx.InvertY()
	// NewWith paints the background (white by default) on img.
	c := vgimg.NewWith(vgimg.UseImageWithContext(img, ctx), vgimg.UseDPI(dpi))
	return &rasterCanvas{Canvas: c, ctx: ctx, img: img, h: h, state: rasterState{color: color.Black}}
}

// FillString is vgimg's FillString with the figure's height.
func (c *rasterCanvas) FillString(f font.Face, pt vg.Point, str string) {
	if f.Font.Size == 0 {
		return
	}
	face := f.FontFace(c.DPI())
	defer face.Close()
	x, y, h := pt.X.Dots(c.DPI()), pt.Y.Dots(c.DPI()), c.h.Dots(c.DPI())
	if !c.state.moved {
		drawGlyphs(c.img, face, c.state.color, str, x, h-y)
		return
	}
	c.ctx.Push()
	defer c.ctx.Pop()
	c.ctx.SetFontFace(face)
	c.ctx.InvertY()
	c.ctx.DrawString(str, x, h-y)
}

// WritePDF writes the drawing as a one-page PDF with embedded fonts. The
// bytes depend only on the drawing (fixed document dates).
func WritePDF(w io.Writer, d *Drawing) error {
	c := vgpdf.New(vg.Length(d.Width*pxToPt), vg.Length(d.Height*pxToPt))
	if err := d.replay(c); err != nil {
		return err
	}
	_, err := c.WriteTo(w)
	return err
}

func init() {
	// Byte-stable PDFs: fpdf otherwise stamps the current time and walks
	// maps in random order.
	epoch := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	fpdf.SetDefaultCreationDate(epoch)
	fpdf.SetDefaultModificationDate(epoch)
	fpdf.SetDefaultCatalogSort(true)
}

// fonts holds Liberation Sans in its four styles, each under its own
// typeface name with normal weight and style: vgpdf registers a font under
// its name with no style but selects it with "B"/"I", which fails for bold
// and italic faces, so the style lives in the name instead.
var fonts = func() *font.Cache {
	var coll font.Collection
	for _, f := range liberation.Collection() {
		if f.Font.Variant != "Sans" {
			continue
		}
		name := "Liberation"
		if f.Font.Weight == stdfont.WeightBold {
			name += "Bold"
		}
		if f.Font.Style == stdfont.StyleItalic {
			name += "Italic"
		}
		coll = append(coll, font.Face{Font: font.Font{Typeface: font.Typeface(name), Variant: "Sans"}, Face: f.Face})
	}
	return font.NewCache(coll)
}()

var (
	attrRe   = regexp.MustCompile(`([a-z-]+)="([^"]*)"`)
	rotateRe = regexp.MustCompile(`rotate\(\s*(-?[0-9.]+)[ ,]+(-?[0-9.]+)[ ,]+(-?[0-9.]+)\s*\)`)
)

func attrs(extra string) map[string]string {
	m := map[string]string{}
	for _, a := range attrRe.FindAllStringSubmatch(extra, -1) {
		m[a[1]] = a[2]
	}
	return m
}

// parseColor reads #rgb, #rrggbb or "none" (nil).
func parseColor(s string) color.Color {
	s = strings.TrimSpace(s)
	if s == "" || s == "none" {
		return nil
	}
	s = strings.TrimPrefix(s, "#")
	if len(s) == 3 {
		s = string([]byte{s[0], s[0], s[1], s[1], s[2], s[2]})
	}
	v, err := strconv.ParseUint(s, 16, 32)
	if err != nil || len(s) != 6 {
		return color.Black
	}
	return color.NRGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 255}
}

func withAlpha(c color.Color, a float64) color.Color {
	if c == nil {
		return nil
	}
	r, g, b, _ := c.RGBA()
	return color.NRGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), uint8(math.Round(255 * a))}
}

func floatAttr(m map[string]string, k string, def float64) float64 {
	if v, err := strconv.ParseFloat(m[k], 64); err == nil {
		return v
	}
	return def
}

// replay draws the recorded calls on a vg canvas.
func (d *Drawing) replay(c vg.Canvas) error { return d.replayAt(c, d.Height, 0, 0) }

// replayAt draws the calls shifted by (ox, oy) on a canvas h units high.
func (d *Drawing) replayAt(c vg.Canvas, h, ox, oy float64) error {
	pt := func(x, y float64) vg.Point {
		return vg.Point{X: vg.Length((x + ox) * pxToPt), Y: vg.Length((h - y - oy) * pxToPt)}
	}
	path := func(xs, ys []float64, closed bool) vg.Path {
		var p vg.Path
		for i := range xs {
			if i == 0 {
				p.Move(pt(xs[i], ys[i]))
			} else {
				p.Line(pt(xs[i], ys[i]))
			}
		}
		if closed {
			p.Close()
		}
		return p
	}
	for _, o := range d.ops {
		a := attrs(o.extra)
		switch o.kind {
		case opLine, opPolyline:
			col := parseColor(o.color)
			if col == nil {
				continue
			}
			c.SetColor(col)
			c.SetLineWidth(vg.Length(o.width * pxToPt))
			var dash []vg.Length
			for _, f := range strings.Fields(strings.ReplaceAll(a["stroke-dasharray"], ",", " ")) {
				if v, err := strconv.ParseFloat(f, 64); err == nil {
					dash = append(dash, vg.Length(v*pxToPt))
				}
			}
			c.SetLineDash(dash, 0)
			c.Stroke(path(o.xs, o.ys, false))
			c.SetLineDash(nil, 0)
		case opRect, opPolygon:
			fill := parseColor(o.color)
			if o.kind == opPolygon {
				fill = withAlpha(fill, o.opacity)
			}
			xs := o.xs
			ys := o.ys
			if o.kind == opRect {
				xs = []float64{o.xs[0], o.xs[1], o.xs[1], o.xs[0]}
				ys = []float64{o.ys[0], o.ys[0], o.ys[1], o.ys[1]}
			}
			if fill != nil {
				c.SetColor(fill)
				c.Fill(path(xs, ys, true))
			}
			if s := parseColor(a["stroke"]); s != nil {
				c.SetColor(s)
				c.SetLineWidth(vg.Length(floatAttr(a, "stroke-width", 1) * pxToPt))
				c.Stroke(path(xs, ys, true))
			}
		case opText:
			if err := drawText(c, o, a, pt); err != nil {
				return err
			}
		case opPanel:
			if err := o.panel.replayAt(c, h, ox+o.xs[0], oy+o.ys[0]); err != nil {
				return err
			}
		}
	}
	return nil
}

func drawText(c vg.Canvas, o op, a map[string]string, pt func(x, y float64) vg.Point) error {
	name := "Liberation"
	if a["font-weight"] == "bold" {
		name += "Bold"
	}
	if a["font-style"] == "italic" {
		name += "Italic"
	}
	f := font.Font{Typeface: font.Typeface(name), Variant: "Sans", Size: font.Length(floatAttr(a, "font-size", 12) * pxToPt)}
	if !fonts.Has(f) {
		return errors.New("render: font Liberation Sans not available")
	}
	face := fonts.Lookup(f, f.Size)
	col := parseColor(a["fill"])
	if _, ok := a["fill"]; !ok {
		col = color.Black
	}
	if col == nil {
		return nil
	}
	w := face.Width(o.text)
	dx := vg.Length(0)
	switch o.anchor {
	case "middle":
		dx = -w / 2
	case "end":
		dx = -w
	}
	c.SetColor(col)
	p := pt(o.xs[0], o.ys[0])
	if m := rotateRe.FindStringSubmatch(a["transform"]); m != nil {
		ang, _ := strconv.ParseFloat(m[1], 64)
		cx, _ := strconv.ParseFloat(m[2], 64)
		cy, _ := strconv.ParseFloat(m[3], 64)
		center := pt(cx, cy)
		c.Push()
		c.Translate(center)
		// SVG rotates clockwise with y down; vg counter-clockwise with y up.
		c.Rotate(-ang * math.Pi / 180)
		c.FillString(face, vg.Point{X: p.X - center.X + dx, Y: p.Y - center.Y}, o.text)
		c.Pop()
		return nil
	}
	c.FillString(face, vg.Point{X: p.X + dx, Y: p.Y}, o.text)
	return nil
}

// TextWidth is the width in SVG user units of s set in Liberation Sans
// (metrically Helvetica/Arial, the SVG's fonts) at size units, so that
// layouts leave room for their labels in every format.
func TextWidth(s string, size float64, bold bool) float64 {
	name := "Liberation"
	if bold {
		name += "Bold"
	}
	f := font.Font{Typeface: font.Typeface(name), Variant: "Sans", Size: font.Length(size)}
	face := fonts.Lookup(f, f.Size)
	return float64(face.Width(s))
}

// Encode returns the drawing in the format its file name asks for: .svg,
// .png (300 dpi) or .pdf.
func Encode(d *Drawing, file string) ([]byte, error) {
	var buf bytes.Buffer
	switch ext := strings.ToLower(filepath.Ext(file)); ext {
	case ".svg":
		buf.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + d.SVG() + "\n")
	case ".png":
		if err := WritePNG(&buf, d, 300); err != nil {
			return nil, err
		}
	case ".pdf":
		if err := WritePDF(&buf, d); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("%s: a figure is written as .svg, .png or .pdf, not %q", file, ext)
	}
	return buf.Bytes(), nil
}
