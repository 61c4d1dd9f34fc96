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
