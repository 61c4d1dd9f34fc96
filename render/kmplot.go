package render

import (
	"fmt"
	"math"
	"sort"
	"strconv"
)

// KMGroup is one group's Kaplan-Meier table, as a plot needs it. All slices
// are indexed by the table's rows (every distinct time, censor-only times
// included), in increasing time.
type KMGroup struct {
	Name string
	// Color is the group's colour; "" takes Palette[i] for the i-th group.
	Color   string
	N       int
	Time    []float64
	NRisk   []float64 // (weighted) number at risk
	NCensor []float64
	Surv    []float64
	// Lower and Upper are the pointwise confidence limits; nil draws no band.
	Lower, Upper []float64
	// Note follows the group in the legend, e.g. its HR (95% CI) against
	// the reference group ("HR 2.50 (1.80–3.40)") or "Reference".
	Note string
}

func (g KMGroup) color(i int) string {
	if g.Color != "" {
		return g.Color
	}
	return Palette[i%len(Palette)]
}

// legend is the group's legend line: name, size and note.
func (g KMGroup) legend() string {
	s := fmt.Sprintf("%s (n = %d)", g.Name, g.N)
	if g.Note != "" {
		s += ": " + g.Note
	}
	return s
}

// atRisk returns the number at risk at time t: those with time >= t.
func (g KMGroup) atRisk(t float64) float64 {
	i := sort.SearchFloat64s(g.Time, t)
	if i == len(g.Time) {
		return 0
	}
	return g.NRisk[i]
}

// KMPlot is a survminer-style Kaplan-Meier figure: step curves with censor
// ticks, optional confidence bands, a legend with group sizes, a p-value
// inset and a number-at-risk table aligned with the time axis.
type KMPlot struct {
	Title  string
	XLabel string // e.g. "Months since infusion"
	YLabel string // e.g. "Progression-free survival"
	Groups []KMGroup
	// Inset is printed inside the plot, e.g. "Log-rank p < 0.001".
	Inset string
	// Bands draws the confidence bands where groups carry limits.
	Bands bool
	// MaxTime ends the time axis; 0 takes the largest time.
	MaxTime float64
	// BreakTime is the step between time ticks (and number-at-risk
	// columns); 0 chooses about six round steps.
	BreakTime float64
	// MedianLine draws dashed lines at S = 0.5 and down from each group's
	// median survival.
	MedianLine bool
	// AlignNames are the group names of the other panels of a multi-panel
	// figure: the risk table's name column fits them too, so that the
	// panels' axes line up.
	AlignNames []string
}

// SVG renders the figure as a standalone SVG element.
func (p KMPlot) SVG() string { return p.draw().String() }

// Drawing returns the figure as drawing calls, for PNG and PDF.
func (p KMPlot) Drawing() *Drawing { return p.draw().Drawing() }

func (p KMPlot) draw() *svgDoc {
	const (
		right   = 24.0
		top     = 36.0
		plotW   = 596.0
		plotH   = 330.0
		rowH    = 18.0
		axisGap = 46.0
	)
	// The left margin fits the longest group name of the risk table, the
	// canvas the plot and the longest legend line beside it (long group
	// names widen the figure, not narrow the plot).
	left := 100.0
	for _, g := range p.Groups {
		left = max(left, TextWidth(g.Name, 12, true)+34)
	}
	for _, name := range p.AlignNames {
		left = max(left, TextWidth(name, 12, true)+34)
	}
	width := left + plotW + right
	for _, g := range p.Groups {
		width = max(width, left+28+TextWidth(g.legend(), 12, false)+right)
	}
	legendTop := top + plotH + axisGap + 10
	legendRows := len(p.Groups)
	if p.Inset != "" {
		legendRows++
	}
	tableTop := legendTop + rowH*float64(legendRows) + 8
	height := tableTop + 26 + rowH*float64(len(p.Groups)) + 12
	d := newSVG(width, height, p.Title)
	d.text(left, 20, "start", p.Title, ` font-weight="bold" font-size="14"`)

	tmax := p.MaxTime
	if tmax <= 0 {
		for _, g := range p.Groups {
			if n := len(g.Time); n > 0 && g.Time[n-1] > tmax {
				tmax = g.Time[n-1]
			}
		}
	}
	if tmax <= 0 {
		tmax = 1
	}
	var ticks []float64
	if p.BreakTime > 0 {
		for t := 0.0; t < tmax+p.BreakTime-1e-9*p.BreakTime; t += p.BreakTime {
			ticks = append(ticks, t)
		}
	} else {
		ticks = niceTicks(0, tmax, 6)
	}
	if last := ticks[len(ticks)-1]; last > tmax {
		tmax = last
	}
	x := func(t float64) float64 { return left + plotW*t/tmax }
	y := func(s float64) float64 { return top + plotH*(1-s) }

	// Axes and grid.
	d.axes(left, top, plotW, plotH, x, y, ticks, []float64{0, 0.25, 0.5, 0.75, 1}, p.XLabel, p.YLabel)

	for gi, g := range p.Groups {
		col := g.color(gi)
		if p.Bands && g.Lower != nil && g.Upper != nil {
			bx, lo, hi := stepBand(g, tmax)
			ux, uy := make([]float64, len(bx)), make([]float64, len(bx))
			lx, ly := make([]float64, len(bx)), make([]float64, len(bx))
			for i := range bx {
				ux[i], uy[i] = x(bx[i]), y(hi[i])
				lx[i], ly[i] = x(bx[i]), y(lo[i])
			}
			xs, ys := denseLine(ux, uy, plotW)
			lx, ly = denseLine(lx, ly, plotW)
			for i := len(lx) - 1; i >= 0; i-- {
				xs, ys = append(xs, lx[i]), append(ys, ly[i])
			}
			d.polygon(xs, ys, col, 0.15)
		}
		sx, sy := stepCurve(g, tmax)
		for i := range sx {
			sx[i], sy[i] = x(sx[i]), y(sy[i])
		}
		sx, sy = denseLine(sx, sy, plotW)
		d.polyline(sx, sy, col, 2, "")
		// Censor ticks at the curve's height; runs of ticks closer than
		// a pixel are drawn as their outline (registry-size cohorts).
		var cx, cy []float64
		for i, t := range g.Time {
			if g.NCensor[i] > 0 && t <= tmax {
				cx, cy = append(cx, x(t)), append(cy, y(g.Surv[i]))
			}
		}
		single, runs := tickUnion(cx, cy, 0.75, 4, lineTolerance)
		for _, i := range single {
			d.line(cx[i], cy[i]-4, cx[i], cy[i]+4, col, 1.5)
		}
		for _, r := range runs {
			d.polygon(r[0], r[1], col, 1)
		}
	}

	if p.MedianLine {
		reach := 0.0
		for _, g := range p.Groups {
			if m := medianTime(g); !math.IsNaN(m) && m <= tmax {
				d.polyline([]float64{x(m), x(m)}, []float64{y(0.5), top + plotH}, "#555555", 1, ` stroke-dasharray="4 3"`)
				reach = max(reach, m)
			}
		}
		if reach > 0 {
			d.polyline([]float64{left, x(reach)}, []float64{y(0.5), y(0.5)}, "#555555", 1, ` stroke-dasharray="4 3"`)
		}
	}

	// Legend below the axis, clear of the data: the test, then each group
	// with its size and note.
	ly := legendTop
	if p.Inset != "" {
		d.text(left, ly, "start", p.Inset, ` font-style="italic"`)
		ly += rowH
	}
	for gi, g := range p.Groups {
		col := g.color(gi)
		d.line(left, ly-4, left+22, ly-4, col, 3)
		d.text(left+28, ly, "start", g.legend(), "")
		ly += rowH
	}

	// Number-at-risk table, aligned with the axis ticks.
	d.text(left, tableTop+8, "start", "Number at risk", ` font-weight="bold"`)
	for gi, g := range p.Groups {
		col := g.color(gi)
		ry := tableTop + 26 + rowH*float64(gi)
		d.text(left-22, ry, "end", g.Name, fmt.Sprintf(` fill="%s" font-weight="bold"`, col))
		for _, t := range ticks {
			d.text(x(t), ry, "middle", atRiskLabel(g.atRisk(t)), "")
		}
	}
	return d
}

// atRiskLabel writes a number at risk: a count in full (12233, not
// 1.223e+04, which ran into the group's name in registry-size cohorts), a
// weighted number to four significant digits.
func atRiskLabel(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}

// medianTime is the first time the curve is at or below 0.5 (NaN when it
// never is), as the median line marks it.
func medianTime(g KMGroup) float64 {
	for i, v := range g.Surv {
		if v <= 0.5 {
			return g.Time[i]
		}
	}
	return math.NaN()
}

// stepCurve returns the vertices of the right-continuous step function
// S(t) from (0, 1) to the group's last time, cut at tmax.
func stepCurve(g KMGroup, tmax float64) (xs, ys []float64) {
	xs = append(xs, 0)
	ys = append(ys, 1)
	prev := 1.0
	last := 0.0
	for i, t := range g.Time {
		if t > tmax {
			break
		}
		if g.Surv[i] != prev {
			xs = append(xs, t, t)
			ys = append(ys, prev, g.Surv[i])
			prev = g.Surv[i]
		}
		last = t
	}
	xs = append(xs, last)
	ys = append(ys, prev)
	return xs, ys
}

// stepBand returns the step vertices of the confidence limits; undefined
// limits (NaN) carry the previous value, as a plotted band would.
func stepBand(g KMGroup, tmax float64) (xs, lo, hi []float64) {
	pl, ph := 1.0, 1.0
	xs, lo, hi = []float64{0}, []float64{1}, []float64{1}
	for i, t := range g.Time {
		if t > tmax {
			break
		}
		l, h := g.Lower[i], g.Upper[i]
		if math.IsNaN(l) {
			l = pl
		}
		if math.IsNaN(h) {
			h = ph
		}
		xs = append(xs, t, t)
		lo = append(lo, pl, l)
		hi = append(hi, ph, h)
		pl, ph = l, h
	}
	return xs, lo, hi
}

// axes draws the grid lines at yTicks (labelled with two decimals), the
// two axes, the x ticks and both axis titles of a survival-type plot; x
// and y map data to canvas coordinates. Kaplan-Meier and cumulative
// incidence figures share it.
func (d *svgDoc) axes(left, top, plotW, plotH float64, x, y func(float64) float64, xTicks, yTicks []float64, xLabel, yLabel string) {
	for _, v := range yTicks {
		d.line(left, y(v), left+plotW, y(v), "#e5e5e5", 1)
		d.text(left-6, y(v)+4, "end", strconv.FormatFloat(v, 'f', 2, 64), "")
	}
	d.line(left, top, left, top+plotH, "#333", 1)
	d.line(left, top+plotH, left+plotW, top+plotH, "#333", 1)
	for _, t := range xTicks {
		d.line(x(t), top+plotH, x(t), top+plotH+5, "#333", 1)
		d.text(x(t), top+plotH+18, "middle", fmtTick(t), "")
	}
	d.text(left+plotW/2, top+plotH+36, "middle", xLabel, "")
	d.text(left-52, top+plotH/2, "middle", yLabel, fmt.Sprintf(` transform="rotate(-90 %s %s)"`, num(left-52), num(top+plotH/2)))
}
