package render

import (
	"fmt"
	"math"
	"strings"
)

// Series is one line of a LinePlot, with an optional pointwise band.
type Series struct {
	Name string
	X, Y []float64
	// Lower and Upper draw a shaded band when both are set.
	Lower, Upper []float64
	// Step draws a right-continuous step line instead of straight segments.
	Step bool
	// Color is the line's colour; "" takes LineColors in series order.
	Color string
	// Dashed draws a reference line (ideal calibration, treat all).
	Dashed bool
	// Points marks each (x, y) with a square (calibration deciles).
	Points bool
}

// LineColors colour the series of a LinePlot that set none: indigo, black,
// grey. None is a risk group's colour (GroupColor), so that a curve of a
// model is never read as a risk group.
var LineColors = []string{"#332288", "#000000", "#555555"}

// CohortColors colour cohorts (development, validation, ...) where they
// are the groups of a figure: indigo and grey, never a risk group's colour.
var CohortColors = []string{"#332288", "#555555", "#000000"}

// Marker is a vertical reference line with a label, e.g. a chosen cutpoint.
type Marker struct {
	X     float64
	Label string
}

// LinePlot is an x-y figure for curves such as a spline's log hazard ratio
// with its 95% band, or a cutpoint scan.
type LinePlot struct {
	Title          string
	XLabel, YLabel string
	Series         []Series
	Markers        []Marker
	// HLine draws a dashed horizontal reference line at this y when set.
	HLine *float64
	// Note is printed under the plot.
	Note string
	// YFloor, when set, limits the y axis from below: points under it are
	// left out (a decision curve's treat-all line below the useful range).
	YFloor *float64
}

// shown reports whether a y value is drawn: finite and not under YFloor.
func (p LinePlot) shown(y float64) bool {
	return finite(y) && (p.YFloor == nil || y >= *p.YFloor)
}

// SVG renders the figure as a standalone SVG element. Non-finite points are
// skipped.
func (p LinePlot) SVG() string { return p.draw().String() }

// Drawing returns the figure as drawing calls, for PNG and PDF.
func (p LinePlot) Drawing() *Drawing { return p.draw().Drawing() }

func (p LinePlot) draw() *svgDoc {
	const (
		width  = 640.0
		left   = 70.0
		right  = 20.0
		top    = 36.0
		plotH  = 300.0
		bottom = 70.0
	)
	// The legend sits under the axis title, out of the data's way.
	legendH := 0.0
	if len(p.Series) > 1 {
		legendH = 18*float64(len(p.Series)) + 8
	}
	height := top + plotH + bottom + legendH + 14*float64(max(len(wrap(p.Note, 95))-1, 0))
	d := newSVG(width, height, p.Title)
	d.text(left, 20, "start", p.Title, ` font-weight="bold" font-size="14"`)
	xmin, xmax, ymin, ymax := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	grow := func(xs, ys []float64) {
		for i := range xs {
			if finite(xs[i]) && i < len(ys) && p.shown(ys[i]) {
				xmin, xmax = math.Min(xmin, xs[i]), math.Max(xmax, xs[i])
				ymin, ymax = math.Min(ymin, ys[i]), math.Max(ymax, ys[i])
			}
		}
	}
	for _, s := range p.Series {
		grow(s.X, s.Y)
		if s.Lower != nil && s.Upper != nil {
			grow(s.X, s.Lower)
			grow(s.X, s.Upper)
		}
	}
	if p.HLine != nil {
		ymin, ymax = math.Min(ymin, *p.HLine), math.Max(ymax, *p.HLine)
	}
	if math.IsInf(xmin, 0) {
		xmin, xmax, ymin, ymax = 0, 1, 0, 1
	}
	if xmax == xmin {
		xmax = xmin + 1
	}
	if ymax == ymin {
		ymax = ymin + 1
	}
	xt := niceTicks(xmin, xmax, 6)
	yt := niceTicks(ymin, ymax, 5)
	xmin, xmax = math.Min(xmin, xt[0]), math.Max(xmax, xt[len(xt)-1])
	ymin, ymax = math.Min(ymin, yt[0]), math.Max(ymax, yt[len(yt)-1])
	plotW := width - left - right
	x := func(v float64) float64 { return left + plotW*(v-xmin)/(xmax-xmin) }
	y := func(v float64) float64 { return top + plotH*(1-(v-ymin)/(ymax-ymin)) }

	for _, v := range yt {
		d.line(left, y(v), left+plotW, y(v), "#e5e5e5", 1)
		d.text(left-6, y(v)+4, "end", fmtTick(v), "")
	}
	for _, v := range xt {
		d.line(x(v), top+plotH, x(v), top+plotH+5, "#333", 1)
		d.text(x(v), top+plotH+18, "middle", fmtTick(v), "")
	}
	d.line(left, top, left, top+plotH, "#333", 1)
	d.line(left, top+plotH, left+plotW, top+plotH, "#333", 1)
	d.text(left+plotW/2, top+plotH+38, "middle", p.XLabel, "")
	d.text(18, top+plotH/2, "middle", p.YLabel, fmt.Sprintf(` transform="rotate(-90 18 %s)"`, num(top+plotH/2)))
	if p.HLine != nil {
		d.line(left, y(*p.HLine), left+plotW, y(*p.HLine), "#777", 1)
	}

	for si, s := range p.Series {
		col := s.Color
		if col == "" {
			col = LineColors[si%len(LineColors)]
		}
		dash := ""
		if s.Dashed {
			dash = ` stroke-dasharray="6 4"`
		}
		if s.Lower != nil && s.Upper != nil {
			var xs, ys []float64
			for i := range s.X {
				if finite(s.X[i]) && finite(s.Upper[i]) && finite(s.Lower[i]) {
					xs = append(xs, x(s.X[i]))
					ys = append(ys, y(s.Upper[i]))
				}
			}
			for i := len(s.X) - 1; i >= 0; i-- {
				if finite(s.X[i]) && finite(s.Upper[i]) && finite(s.Lower[i]) {
					xs = append(xs, x(s.X[i]))
					ys = append(ys, y(s.Lower[i]))
				}
			}
			d.polygon(xs, ys, col, 0.18)
		}
		var xs, ys []float64
		for i := range s.X {
			if !finite(s.X[i]) || !p.shown(s.Y[i]) {
				continue
			}
			if s.Step && len(xs) > 0 {
				xs = append(xs, x(s.X[i]))
				ys = append(ys, ys[len(ys)-1])
			}
			xs = append(xs, x(s.X[i]))
			ys = append(ys, y(s.Y[i]))
		}
		d.polyline(xs, ys, col, 2, dash)
		if s.Points {
			for i := range xs {
				d.polygon([]float64{xs[i] - 2.5, xs[i] + 2.5, xs[i] + 2.5, xs[i] - 2.5}, []float64{ys[i] - 2.5, ys[i] - 2.5, ys[i] + 2.5, ys[i] + 2.5}, col, 1)
			}
		}
		if len(p.Series) > 1 {
			ly := top + plotH + 62 + 18*float64(si)
			d.polyline([]float64{left, left + 24}, []float64{ly - 4, ly - 4}, col, 3, dash)
			d.text(left+32, ly, "start", s.Name, "")
		}
	}
	for _, m := range p.Markers {
		if !finite(m.X) {
			continue
		}
		d.line(x(m.X), top, x(m.X), top+plotH, "#555555", 1.5)
		d.text(x(m.X)+4, top+12, "start", m.Label, ` fill="#555555"`)
	}
	for i, line := range wrap(p.Note, 95) {
		d.text(left, top+plotH+56+legendH+14*float64(i), "start", line, ` font-style="italic" font-size="11"`)
	}
	return d
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// wrap splits s into lines of at most width characters at spaces.
func wrap(s string, width int) []string {
	var lines []string
	for len(s) > width {
		cut := strings.LastIndex(s[:width], " ")
		if cut <= 0 {
			cut = width
		}
		lines = append(lines, s[:cut])
		s = strings.TrimLeft(s[cut:], " ")
	}
	if s != "" {
		lines = append(lines, s)
	}
	return lines
}
