package render

import (
	"fmt"
	"math"
	"sort"
	"strconv"
)

// CIFCurve is one cumulative incidence curve given by the corners of its
// step function (as cmprsk::cuminc stores it): Time ascending from 0, Est
// the value at each corner. Lower and Upper, when set, are drawn as a band.
type CIFCurve struct {
	Group, Cause int // indices into CIFPlot.Groups and CIFPlot.Causes
	Time, Est    []float64
	Lower, Upper []float64
}

// CIFGroup names a group and gives its number at risk over time for the
// risk table: NRisk[i] are at risk (time >= Time[i]) at the distinct times
// Time (ascending); after the last time none are.
type CIFGroup struct {
	Name  string
	N     int
	Time  []float64
	NRisk []int
}

// CIFPlot is a cumulative incidence figure for competing risks: one colour
// per group, one line style per cause (solid, dashed, dotted, ...), an
// optional inset (e.g. Gray's test) and a number-at-risk table.
type CIFPlot struct {
	Title, XLabel, YLabel string
	Causes                []string
	Groups                []CIFGroup
	Curves                []CIFCurve
	Inset                 []string
	Bands                 bool
	MaxTime               float64 // 0: the largest time
}

var dashes = []string{"", ` stroke-dasharray="7 4"`, ` stroke-dasharray="2 3"`, ` stroke-dasharray="9 3 2 3"`}

// SVG renders the figure as a standalone SVG element.
func (p CIFPlot) SVG() string { return p.draw().String() }

// Drawing returns the figure as drawing calls, for PNG and PDF.
func (p CIFPlot) Drawing() *Drawing { return p.draw().Drawing() }

func (p CIFPlot) draw() *svgDoc {
	const (
		width   = 720.0
		left    = 120.0
		right   = 24.0
		top     = 36.0
		plotH   = 330.0
		rowH    = 18.0
		axisGap = 46.0
	)
	// the legend (two columns) and the inset sit between the axis and the
	// risk table, never over the curves
	var labels []string
	for _, g := range p.Groups {
		for _, cause := range p.Causes {
			label := cause
			if len(p.Groups) > 1 || g.Name != "all" {
				label = fmt.Sprintf("%s, %s (n = %d)", g.Name, cause, g.N)
			}
			labels = append(labels, label)
		}
	}
	// Two columns 250 apart, further when a label of the first would run
	// into the second (group sizes of a registry), one column when the
	// second would then leave the figure.
	colW, cols, second := 250.0, 2, 0.0
	for k, l := range labels {
		if k%2 == 0 {
			colW = max(colW, 32+TextWidth(l, 12, false)+4)
		} else {
			second = max(second, 32+TextWidth(l, 12, false))
		}
	}
	if left+colW+second > width {
		cols = 1
	}
	nLegend := len(labels)
	legendRows := (nLegend+cols-1)/cols + len(p.Inset)
	legendTop := top + plotH + axisGap + 6
	tableTop := legendTop + 16*float64(legendRows) + 10
	height := tableTop + 26 + rowH*float64(len(p.Groups)) + 12
	d := newSVG(width, height, p.Title)
	d.text(left, 20, "start", p.Title, ` font-weight="bold" font-size="14"`)
	tmax, ymax := p.MaxTime, 0.0
	for _, c := range p.Curves {
		if n := len(c.Time); n > 0 && p.MaxTime <= 0 {
			tmax = math.Max(tmax, c.Time[n-1])
		}
		for i, v := range c.Est {
			if c.Time[i] <= tmax || p.MaxTime <= 0 {
				ymax = math.Max(ymax, v)
				if p.Bands && c.Upper != nil && finite(c.Upper[i]) {
					ymax = math.Max(ymax, c.Upper[i])
				}
			}
		}
	}
	if tmax <= 0 {
		tmax = 1
	}
	ticks := niceTicks(0, tmax, 6)
	tmax = math.Max(tmax, ticks[len(ticks)-1])
	ytop := math.Min(1, math.Ceil(math.Max(ymax, 0.05)*10)/10)
	plotW := width - left - right
	x := func(t float64) float64 { return left + plotW*t/tmax }
	y := func(v float64) float64 { return top + plotH*(1-v/ytop) }
	var yTicks []float64
	for _, v := range niceTicks(0, ytop, 5) {
		if v <= ytop+1e-12 {
			yTicks = append(yTicks, v)
		}
	}
	d.axes(left, top, plotW, plotH, x, y, ticks, yTicks, p.XLabel, p.YLabel)
	for _, c := range p.Curves {
		col := Palette[c.Group%len(Palette)]
		var xs, ys, lo, hi []float64
		for i, t := range c.Time {
			if t > tmax {
				break
			}
			xs = append(xs, x(t))
			ys = append(ys, y(c.Est[i]))
			if p.Bands && c.Lower != nil {
				l, h := c.Lower[i], c.Upper[i]
				if !finite(l) || !finite(h) {
					l, h = c.Est[i], c.Est[i]
				}
				lo, hi = append(lo, y(l)), append(hi, y(h))
			}
		}
		if len(lo) > 0 {
			bx := append([]float64(nil), xs...)
			by := append([]float64(nil), hi...)
			for i := len(xs) - 1; i >= 0; i-- {
				bx = append(bx, xs[i])
				by = append(by, lo[i])
			}
			d.polygon(bx, by, col, 0.12)
		}
		d.polyline(xs, ys, col, 2, dashes[c.Cause%len(dashes)])
	}
	k := 0
	for gi := range p.Groups {
		for ci := range p.Causes {
			lx := left + float64(k%cols)*colW
			ly := legendTop + 16*float64(k/cols) + 4
			d.polyline([]float64{lx, lx + 26}, []float64{ly - 4, ly - 4}, Palette[gi%len(Palette)], 2.5, dashes[ci%len(dashes)])
			d.text(lx+32, ly, "start", labels[k], "")
			k++
		}
	}
	for i, s := range p.Inset {
		d.text(left, legendTop+16*float64((nLegend+cols-1)/cols+i)+4, "start", s, ` font-style="italic"`)
	}
	d.text(left, tableTop+8, "start", "Number at risk", ` font-weight="bold"`)
	for gi, g := range p.Groups {
		ry := tableTop + 26 + rowH*float64(gi)
		d.text(left-22, ry, "end", g.Name, fmt.Sprintf(` fill="%s" font-weight="bold"`, Palette[gi%len(Palette)]))
		for _, t := range ticks {
			n := 0
			if i := sort.SearchFloat64s(g.Time, t); i < len(g.Time) {
				n = g.NRisk[i]
			}
			d.text(x(t), ry, "middle", strconv.Itoa(n), "")
		}
	}
	return d
}
