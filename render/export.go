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

// SVG writes the drawing as a standalone SVG element (the same elements
// the figure's own SVG method writes).
func (d *Drawing) SVG() string {
	doc := newSVG(d.Width, d.Height, d.Title)
	d.svgOps(doc)
	return doc.String()
}

func (d *Drawing) svgOps(doc *svgDoc) {
	for _, o := range d.ops {
		switch o.kind {
		case opLine:
			doc.line(o.xs[0], o.ys[0], o.xs[1], o.ys[1], o.color, o.width)
		case opRect:
			doc.rect(o.xs[0], o.ys[0], o.xs[1]-o.xs[0], o.ys[1]-o.ys[0], o.color, o.extra)
		case opText:
			doc.text(o.xs[0], o.ys[0], o.anchor, o.text, o.extra)
		case opPolyline:
			doc.polyline(o.xs, o.ys, o.color, o.width, o.extra)
		case opPolygon:
			doc.polygon(o.xs, o.ys, o.color, o.opacity)
		case opPanel:
			fmt.Fprintf(&doc.b, `<g transform="translate(%s %s)">`, num(o.xs[0]), num(o.ys[0]))
			o.panel.svgOps(doc)
			doc.b.WriteString("</g>")
		}
	}
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
	c := vgimg.NewWith(vgimg.UseWH(vg.Length(d.Width*pxToPt), vg.Length(d.Height*pxToPt)), vgimg.UseDPI(dpi),
		vgimg.UseBackgroundColor(color.White))
	if err := d.replay(c); err != nil {
		return nil, err
	}
	img, ok := c.Image().(*image.RGBA)
	if !ok {
		return nil, fmt.Errorf("render: canvas is %T, not RGBA", c.Image())
	}
	return img, nil
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
