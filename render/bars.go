package render

import (
	"fmt"
	"strconv"
)

// StackedBars is a stacked percentage bar chart: one bar per group, one
// segment per category (e.g. CRS grade 0..4), each labelled with its count.
type StackedBars struct {
	Title      string
	Groups     []string // bar labels, e.g. "low", "high"
	Categories []string // segment labels, bottom first, e.g. "grade 0"
	Counts     [][]int  // Counts[g][c]
	Footnote   string   // e.g. the test and its p-value
	// Ordinal says the categories are ordered (grades): they take the
	// light-to-dark OrdinalScale instead of the group Palette.
	Ordinal bool
	// Below is an optional line under each bar's n (e.g. "grade ≥ 3: 18
	// (8.7%)"), for what the segments are too thin to label.
	Below []string
}

// SVG renders the chart as a standalone SVG element.
func (s StackedBars) SVG() string { return s.draw().String() }

// Drawing returns the figure as drawing calls, for PNG and PDF.
func (s StackedBars) Drawing() *Drawing { return s.draw().Drawing() }

func (s StackedBars) draw() *svgDoc {
	const (
		width  = 520.0
		left   = 60.0
		top    = 36.0
		plotH  = 260.0
		barW   = 70.0
		gap    = 50.0
		legend = 150.0
	)
	colors := make([]string, len(s.Categories))
	for ci := range colors {
		colors[ci] = Palette[ci%len(Palette)]
	}
	if s.Ordinal {
		colors = Ordinal(len(s.Categories))
	}
	foot := wrap(s.Footnote, 70)
	extra := 0.0 // the Below line
	if len(s.Below) > 0 {
		extra = 16
	}
	height := top + plotH + 56 + extra + 16*float64(len(foot))
	d := newSVG(width, height, s.Title)
	d.text(left, 20, "start", s.Title, ` font-weight="bold" font-size="14"`)
	y := func(f float64) float64 { return top + plotH*(1-f) }
	for _, f := range []float64{0, 0.25, 0.5, 0.75, 1} {
		d.line(left, y(f), left+float64(len(s.Groups))*(barW+gap)+gap, y(f), "#e5e5e5", 1)
		d.text(left-6, y(f)+4, "end", strconv.Itoa(int(f*100))+"%", "")
	}
	for gi, g := range s.Groups {
		total := 0
		for _, c := range s.Counts[gi] {
			total += c
		}
		bx := left + gap + float64(gi)*(barW+gap)
		acc := 0.0
		for ci, c := range s.Counts[gi] {
			if total == 0 || c == 0 {
				continue
			}
			f := float64(c) / float64(total)
			d.rect(bx, y(acc+f), barW, plotH*f, colors[ci], ` stroke="#fff" stroke-width="0.5"`)
			if plotH*f >= 14 {
				d.text(bx+barW/2, y(acc+f/2)+4, "middle", strconv.Itoa(c), ` fill="`+TextOn(colors[ci])+`" font-weight="bold"`)
			}
			acc += f
		}
		if total > 0 { // an outline, so that a light segment stands out from the page
			x0, x1 := bx, bx+barW
			d.line(x0, y(0), x1, y(0), "#555", 0.75)
			d.line(x0, y(1), x1, y(1), "#555", 0.75)
			d.line(x0, y(0), x0, y(1), "#555", 0.75)
			d.line(x1, y(0), x1, y(1), "#555", 0.75)
		}
		d.text(bx+barW/2, top+plotH+18, "middle", g, "")
		d.text(bx+barW/2, top+plotH+34, "middle", fmt.Sprintf("n = %d", total), ` fill="#555"`)
		if gi < len(s.Below) {
			d.text(bx+barW/2, top+plotH+50, "middle", s.Below[gi], ` fill="#555" font-size="11"`)
		}
	}
	lx := width - legend + 10
	for ci, c := range s.Categories {
		ly := top + 10 + 18*float64(len(s.Categories)-1-ci)
		d.rect(lx, ly-10, 12, 12, colors[ci], ` stroke="#555" stroke-width="0.5"`)
		d.text(lx+18, ly, "start", c, "")
	}
	for i, l := range foot {
		d.text(left, top+plotH+62+extra+16*float64(i), "start", l, ` font-style="italic"`)
	}
	return d
}
