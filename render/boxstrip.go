package render

import (
	"fmt"
	"math"

	"carimpi/stattest"
)

// BoxStrip shows a continuous value by group: a box from Q1 to Q3 with the
// median, whiskers to the most extreme values within 1.5 IQR of the box
// (Tukey), and every value as a point spread sideways by a fixed,
// reproducible jitter.
type BoxStrip struct {
	Title, YLabel string
	Groups        []string
	Values        [][]float64 // Values[g]; NaN is skipped
	// Footnote is printed under the plot, e.g. the test and its p-value.
	Footnote string
	// Colors colour the groups; nil takes GroupColor (risk groups).
	Colors []string
}

// SVG renders the figure as a standalone SVG element.
func (b BoxStrip) SVG() string { return b.draw().String() }

// Drawing returns the figure as drawing calls, for PNG and PDF.
func (b BoxStrip) Drawing() *Drawing { return b.draw().Drawing() }

func (b BoxStrip) draw() *svgDoc {
	const (
		width = 560.0
		left  = 80.0
		right = 24.0
		top   = 40.0
		plotH = 320.0
	)
	lines := wrap(b.Footnote, 80)
	height := top + plotH + 56 + 16*float64(len(lines))
	d := newSVG(width, height, b.Title)
	d.text(left, 22, "start", b.Title, ` font-weight="bold" font-size="14"`)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range b.Values {
		for _, x := range v {
			if finite(x) {
				lo, hi = math.Min(lo, x), math.Max(hi, x)
			}
		}
	}
	if math.IsInf(lo, 0) {
		lo, hi = 0, 1
	}
	if hi == lo {
		hi = lo + 1
	}
	ticks := niceTicks(lo, hi, 5)
	lo, hi = math.Min(lo, ticks[0]), math.Max(hi, ticks[len(ticks)-1])
	plotW := width - left - right
	y := func(v float64) float64 { return top + plotH*(1-(v-lo)/(hi-lo)) }
	for _, t := range ticks {
		d.line(left, y(t), left+plotW, y(t), "#e5e5e5", 1)
		d.text(left-6, y(t)+4, "end", fmtTick(t), "")
	}
	d.line(left, top, left, top+plotH, "#333", 1)
	d.line(left, top+plotH, left+plotW, top+plotH, "#333", 1)
	d.text(22, top+plotH/2, "middle", b.YLabel, fmt.Sprintf(` transform="rotate(-90 22 %s)"`, num(top+plotH/2)))
	slot := plotW / float64(max(len(b.Groups), 1))
	for g, name := range b.Groups {
		col := GroupColor(name, g)
		if g < len(b.Colors) {
			col = b.Colors[g]
		}
		cx := left + slot*(float64(g)+0.5)
		v := finiteValues(b.Values[g])
		d.text(cx, top+plotH+20, "middle", fmt.Sprintf("%s (n = %d)", name, len(v)), "")
		if len(v) == 0 {
			continue
		}
		q := stattest.Quantiles(v, 0.25, 0.5, 0.75)
		iqr := q[2] - q[0]
		wlo, whi := q[0], q[2]
		for _, x := range v {
			if x >= q[0]-1.5*iqr {
				wlo = math.Min(wlo, x)
			}
			if x <= q[2]+1.5*iqr {
				whi = math.Max(whi, x)
			}
		}
		bw := math.Min(slot*0.5, 120)
		// points first, the box outline over them; a point is left out
		// where the points before it already make every cell it would
		// cover opaque (see coverage), as with hundreds of thousands
		const r, opacity = 2.4, 0.55
		cov := newCoverage(cx-bw/2-r, top-r, cx+bw/2+r, top+plotH+r, opacity)
		for i, x := range v {
			jit := (float64((i*2654435761)%1000)/1000 - 0.5) * bw * 0.9
			if !cov.diamond(cx+jit, y(x), r) {
				continue
			}
			dx, dy := diamond(cx+jit, y(x), r)
			d.polygon(dx, dy, col, opacity)
		}
		d.line(cx, y(whi), cx, y(q[2]), "#222", 1.2)
		d.line(cx, y(q[0]), cx, y(wlo), "#222", 1.2)
		d.line(cx-bw/4, y(whi), cx+bw/4, y(whi), "#222", 1.2)
		d.line(cx-bw/4, y(wlo), cx+bw/4, y(wlo), "#222", 1.2)
		d.polyline([]float64{cx - bw/2, cx + bw/2, cx + bw/2, cx - bw/2, cx - bw/2}, []float64{y(q[2]), y(q[2]), y(q[0]), y(q[0]), y(q[2])}, "#222", 1.5, "")
		d.line(cx-bw/2, y(q[1]), cx+bw/2, y(q[1]), "#222", 3)
	}
	for i, l := range lines {
		d.text(left, top+plotH+46+16*float64(i), "start", l, ` font-style="italic"`)
	}
	return d
}

// diamond returns the corners of a small diamond around (x, y).
func diamond(x, y, r float64) (xs, ys []float64) {
	return []float64{x - r, x, x + r, x}, []float64{y, y - r, y, y + r}
}

func finiteValues(x []float64) []float64 {
	var out []float64
	for _, v := range x {
		if finite(v) {
			out = append(out, v)
		}
	}
	return out
}
