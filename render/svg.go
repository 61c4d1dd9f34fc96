package render

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
)

// Palette is the Okabe-Ito colour-blind-safe palette, in the order groups
// take their colours (low risk first).
var Palette = []string{"#E69F00", "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#F0E442", "#000000"}

// svgDoc accumulates SVG elements. Coordinates are written with at most two
// decimals so that files stay small and diffs stay readable.
type svgDoc struct {
	b strings.Builder
}

func newSVG(width, height float64, title string) *svgDoc {
	d := &svgDoc{}
	fmt.Fprintf(&d.b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %s %s" width="%s" height="%s" role="img" aria-label="%s" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
		num(width), num(height), num(width), num(height), esc(title))
	fmt.Fprintf(&d.b, "<title>%s</title>", esc(title))
	return d
}

func (d *svgDoc) String() string { return d.b.String() + "</svg>" }

func (d *svgDoc) line(x1, y1, x2, y2 float64, stroke string, width float64) {
	fmt.Fprintf(&d.b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="%s"/>`, num(x1), num(y1), num(x2), num(y2), stroke, num(width))
}

func (d *svgDoc) rect(x, y, w, h float64, fill string, extra string) {
	fmt.Fprintf(&d.b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"%s/>`, num(x), num(y), num(w), num(h), fill, extra)
}

// text writes a label; anchor is start, middle or end.
func (d *svgDoc) text(x, y float64, anchor, s string, extra string) {
	fmt.Fprintf(&d.b, `<text x="%s" y="%s" text-anchor="%s"%s>%s</text>`, num(x), num(y), anchor, extra, esc(s))
}

// path writes a path with the given points as an open polyline.
func (d *svgDoc) polyline(xs, ys []float64, stroke string, width float64, extra string) {
	if len(xs) == 0 {
		return
	}
	var p strings.Builder
	for i := range xs {
		if i == 0 {
			p.WriteString("M")
		} else {
			p.WriteString("L")
		}
		p.WriteString(num(xs[i]))
		p.WriteByte(' ')
		p.WriteString(num(ys[i]))
	}
	fmt.Fprintf(&d.b, `<path d="%s" fill="none" stroke="%s" stroke-width="%s"%s/>`, p.String(), stroke, num(width), extra)
}

// polygon writes a filled closed shape.
func (d *svgDoc) polygon(xs, ys []float64, fill string, opacity float64) {
	if len(xs) == 0 {
		return
	}
	var p strings.Builder
	for i := range xs {
		if i > 0 {
			p.WriteByte(' ')
		}
		p.WriteString(num(xs[i]))
		p.WriteByte(',')
		p.WriteString(num(ys[i]))
	}
	fmt.Fprintf(&d.b, `<polygon points="%s" fill="%s" fill-opacity="%s" stroke="none"/>`, p.String(), fill, num(opacity))
}

func num(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "0"
	}
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}

func esc(s string) string { return html.EscapeString(s) }

// niceTicks returns about n round tick values from the first multiple of
// the step at or below lo to the first at or above hi, so the axis covers
// [lo, hi].
func niceTicks(lo, hi float64, n int) []float64 {
	if !(hi > lo) {
		return []float64{lo}
	}
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	var out []float64
	first, last := math.Floor(lo/step+1e-9), math.Ceil(hi/step-1e-9)
	for k := first; k <= last; k++ {
		out = append(out, k*step)
	}
	return out
}

// fmtTick formats a tick value without trailing zeros; rounding to 1e-9
// hides the float error of k*step (3*0.1 = 0.30000000000000004).
func fmtTick(v float64) string {
	return strconv.FormatFloat(math.Round(v*1e9)/1e9, 'f', -1, 64)
}
