package render

import (
	"strings"
	"testing"
)

func TestCIFPlotSVG(t *testing.T) {
	p := CIFPlot{Title: "CIR and NRM", XLabel: "Months", YLabel: "Cumulative incidence", Causes: []string{"relapse", "NRM <x>"},
		Groups: []CIFGroup{{Name: "low", N: 3, Time: []float64{1, 2, 5}, NRisk: []int{3, 2, 1}}, {Name: "high", N: 2, Time: []float64{2, 4}, NRisk: []int{2, 1}}},
		Curves: []CIFCurve{
			{Group: 0, Cause: 0, Time: []float64{0, 1, 1, 5}, Est: []float64{0, 0, 0.33, 0.33}, Lower: []float64{0, 0, 0.1, 0.1}, Upper: []float64{0, 0, 0.7, 0.7}},
			{Group: 1, Cause: 1, Time: []float64{0, 2, 2, 4}, Est: []float64{0, 0, 0.5, 0.5}},
		},
		Inset: []string{"Gray's test, relapse: p = 0.2"}, Bands: true}
	s := p.SVG()
	wellFormed(t, s)
	for _, want := range []string{"low, relapse (n = 3)", "high, NRM &lt;x&gt; (n = 2)", "Number at risk", "Gray&#39;s test", "stroke-dasharray", "<polygon"} {
		if !strings.Contains(s, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	if p.Drawing() == nil || strings.Contains(s, "NaN") {
		t.Error("no drawing, or NaN in the SVG")
	}
}

// TestCIFLegendColumns: a registry's group sizes lengthen the legend's
// labels; a label of the first column ends before the second column's
// line sample, and a label too long for two columns puts the legend in
// one.
func TestCIFLegendColumns(t *testing.T) {
	for _, n := range []int{128, 12500, 1250000000} {
		name := "Low risk"
		if n > 1e6 {
			name = "Intermediate risk, a long group name"
		}
		p := CIFPlot{Title: "CIR and NRM", XLabel: "Months", YLabel: "Cumulative incidence", Causes: []string{"relapse/progression", "non-relapse mortality"},
			Groups: []CIFGroup{{Name: name, N: n, Time: []float64{1, 2}, NRisk: []int{n, n - 1}}},
			Curves: []CIFCurve{{Group: 0, Cause: 1, Time: []float64{0, 1, 2}, Est: []float64{0, 0.1, 0.2}}, {Group: 0, Cause: 2, Time: []float64{0, 1, 2}, Est: []float64{0, 0.05, 0.1}}}}
		d := p.Drawing()
		var labels []op
		var swatches []float64
		for _, o := range d.ops {
			if o.kind == opText && strings.Contains(o.text, "(n = ") {
				labels = append(labels, o)
			}
			if o.kind == opPolyline && o.width == 2.5 {
				swatches = append(swatches, o.xs[0])
			}
		}
		if len(labels) != 2 || len(swatches) != 2 {
			t.Fatalf("n = %d: %d legend labels, %d line samples", n, len(labels), len(swatches))
		}
		sameRow := labels[0].ys[0] == labels[1].ys[0]
		if end := labels[0].xs[0] + TextWidth(labels[0].text, 12, false); sameRow && end >= swatches[1] {
			t.Errorf("n = %d: the first label ends at %.1f, over the second column's line sample at %.1f", n, end, swatches[1])
		}
		if end := labels[1].xs[0] + TextWidth(labels[1].text, 12, false); end > d.Width {
			t.Errorf("n = %d: the second label ends at %.1f, outside the figure (%g wide)", n, end, d.Width)
		}
		if n == 128 && (!sameRow || swatches[1]-swatches[0] != 250) {
			t.Errorf("n = 128: the legend is not two columns 250 apart (%v)", swatches)
		}
	}
}
