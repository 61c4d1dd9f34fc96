package render

import (
	"encoding/xml"
	"io"
	"math"
	"strings"
	"testing"
)

// wellFormed fails the test unless s parses as XML.
func wellFormed(t *testing.T, s string) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(s))
	for {
		_, err := dec.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("not well-formed: %v\n%s", err, s)
		}
	}
}

func sampleGroups() []KMGroup {
	nan := math.NaN()
	return []KMGroup{
		{Name: "low", N: 4, Time: []float64{1, 3, 5, 8}, NRisk: []float64{4, 3, 2, 1}, NCensor: []float64{0, 1, 0, 1},
			Surv: []float64{0.75, 0.75, 0.375, 0.375}, Lower: []float64{0.4, 0.4, 0.1, 0.1}, Upper: []float64{1, 1, 1, nan}},
		{Name: "high <&>", N: 2, Time: []float64{2, 4}, NRisk: []float64{2, 1}, NCensor: []float64{0, 0},
			Surv: []float64{0.5, 0}},
	}
}

func TestKMPlotSVG(t *testing.T) {
	p := KMPlot{Title: "PFS", XLabel: "Months", YLabel: "PFS", Groups: sampleGroups(), Inset: "Log-rank p = 0.04", Bands: true}
	s := p.SVG()
	wellFormed(t, s)
	for _, want := range []string{"low (n = 4)", "high &lt;&amp;&gt; (n = 2)", "Number at risk", "Log-rank p = 0.04", "<polygon"} {
		if !strings.Contains(s, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	if strings.Contains(s, "NaN") {
		t.Error("SVG contains NaN")
	}
}

func TestAtRisk(t *testing.T) {
	g := sampleGroups()[0]
	tests := []struct {
		t    float64
		want float64
	}{{0, 4}, {1, 4}, {2, 3}, {5, 2}, {8, 1}, {9, 0}}
	for _, tc := range tests {
		if got := g.atRisk(tc.t); got != tc.want {
			t.Errorf("atRisk(%v) = %v, want %v", tc.t, got, tc.want)
		}
	}
}

func TestStepCurve(t *testing.T) {
	xs, ys := stepCurve(sampleGroups()[0], 10)
	wantX := []float64{0, 1, 1, 5, 5, 8}
	wantY := []float64{1, 1, 0.75, 0.75, 0.375, 0.375}
	if len(xs) != len(wantX) {
		t.Fatalf("xs = %v ys = %v", xs, ys)
	}
	for i := range xs {
		if xs[i] != wantX[i] || ys[i] != wantY[i] {
			t.Fatalf("xs = %v ys = %v", xs, ys)
		}
	}
}

func TestStackedBarsSVG(t *testing.T) {
	s := StackedBars{Title: "CRS", Groups: []string{"low", "high"}, Categories: []string{"0", "1-2", ">=3"},
		Counts: [][]int{{100, 40, 2}, {60, 50, 17}}, Footnote: "Fisher p < 0.001"}.SVG()
	wellFormed(t, s)
	for _, want := range []string{"n = 142", "n = 127", "Fisher p &lt; 0.001"} {
		if !strings.Contains(s, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
}

func TestNiceTicks(t *testing.T) {
	got := niceTicks(0, 47, 6)
	want := []float64{0, 10, 20, 30, 40, 50}
	if len(got) != len(want) {
		t.Fatalf("niceTicks = %v", got)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("niceTicks = %v", got)
		}
	}
}

func TestLinePlotSVG(t *testing.T) {
	zero := 0.0
	nan := math.NaN()
	p := LinePlot{Title: "log HR of MTV", XLabel: "MTV (mL)", YLabel: "log HR",
		Series:  []Series{{Name: "rcs", X: []float64{0, 50, 100, nan}, Y: []float64{0, 0.5, 0.8, 1}, Lower: []float64{0, 0.2, 0.4, 0}, Upper: []float64{0, 0.8, 1.2, 0}}},
		Markers: []Marker{{X: 44.3, Label: "knot 44.3 mL"}}, HLine: &zero}
	s := p.SVG()
	wellFormed(t, s)
	if !strings.Contains(s, "knot 44.3 mL") || strings.Contains(s, "NaN") {
		t.Errorf("bad SVG: %s", s)
	}
}

func TestFormatP(t *testing.T) {
	tests := []struct {
		p    float64
		want string
	}{{0.0004, "< 0.001"}, {0.001, "0.0010"}, {0.0123, "0.012"}, {0.5, "0.50"}, {0.0996, "0.10"}, {0.9999, "1.0"}, {6.7e-06, "< 0.001"}, {math.NaN(), "NA"}}
	for _, tc := range tests {
		if got := FormatP(tc.p); got != tc.want {
			t.Errorf("FormatP(%v) = %q, want %q", tc.p, got, tc.want)
		}
	}
	for _, tc := range []struct {
		p      float64
		digits int
		want   string
	}{{0.0013149, 3, "0.00131"}, {0.48213, 4, "0.4821"}, {0.05, 4, "0.05"}, {3.4167e-7, 3, "3.42e-07"}, {0.0001, 3, "0.0001"}, {1, 3, "1"}, {math.NaN(), 3, "NA"}} {
		if got := PText(tc.p, tc.digits); got != tc.want {
			t.Errorf("PText(%v, %d) = %q, want %q", tc.p, tc.digits, got, tc.want)
		}
	}
}

func TestWrap(t *testing.T) {
	got := wrap("aaa bbb ccc dddd", 8)
	want := []string{"aaa bbb", "ccc dddd"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("wrap = %q", got)
	}
	if len(wrap("", 8)) != 0 {
		t.Error("wrap of empty string")
	}
}

func TestFmtTick(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		want string
	}{{3 * 0.1, "0.3"}, {20, "20"}, {2.5, "2.5"}, {-0.2, "-0.2"}} {
		if got := fmtTick(tc.v); got != tc.want {
			t.Errorf("fmtTick(%v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}

func TestJournalFormats(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct{ got, want string }{
		{Num(1040.2), "1040"}, {Num(460), "460"}, {Num(49.25), "49.2"}, {Num(0.0723), "0.0723"}, {Num(2.153), "2.15"},
		{MedianIQR(460, 226, 1040.4), "460 (226–1040)"}, {MedianIQR(31.1, 5.2, 147), "31.1 (5.2–147.0)"}, {MedianIQR(0.79, 0.398, 2.62), "0.79 (0.40–2.62)"}, {MedianIQR(65, 57, 72), "65 (57–72)"},
		{HR(3, 2.03, 4.43), "3.00 (2.03–4.43)"}, {HR(1.65, 1.1, 2.47), "1.65 (1.10–2.47)"}, {HR(nan, nan, nan), "NA"},
		{MedianCI(nan, 30.85, nan), "NR (30.9–NR)"}, {MedianCI(7.63, 5.2, 10.1), "7.6 (5.2–10.1)"},
		{CountPct(12, 256, 0), "12 (4.7%)"}, {CountPct(12, 250, 6), "12/250 (4.8%)"}, {CountPct(0, 0, 3), "—"},
		{PInline(0.0004), "p < 0.001"}, {PInline(0.04), "p = 0.040"}, {Percent(0.132), "13.2%"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

// TestOrdinalScale: the grade scale runs from light to dark (monotone
// luminance, so the order survives colour-blindness and greyscale), text
// on every colour of it and of the group palette has a contrast of at
// least 4.5:1, and the group palette itself is legible on white.
func TestOrdinalScale(t *testing.T) {
	for i := 1; i < len(OrdinalScale); i++ {
		if luminance(OrdinalScale[i]) >= luminance(OrdinalScale[i-1]) {
			t.Errorf("OrdinalScale[%d] %s is not darker than %s", i, OrdinalScale[i], OrdinalScale[i-1])
		}
	}
	for _, c := range append(append([]string{}, OrdinalScale...), Palette...) {
		if r := Contrast(c, TextOn(c)); r < 4.5 {
			t.Errorf("text on %s: contrast %.2f:1", c, r)
		}
	}
	for _, c := range Palette {
		if r := Contrast(c, "#ffffff"); r < 4.5 {
			t.Errorf("%s on white: contrast %.2f:1", c, r)
		}
	}
	if got := Ordinal(2); got[0] != OrdinalScale[0] || got[1] != OrdinalScale[5] {
		t.Errorf("Ordinal(2) = %v", got)
	}
	if got := Ordinal(6); strings.Join(got, " ") != strings.Join(OrdinalScale, " ") {
		t.Errorf("Ordinal(6) = %v", got)
	}
	if r := Contrast("#000", "#fff"); math.Abs(r-21) > 1e-9 {
		t.Errorf("black on white %.3f, want 21", r)
	}
}

func TestAtRiskLabel(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want string
	}{{12233, "12233"}, {7611, "7611"}, {0, "0"}, {250000, "250000"}, {12.345, "12.35"}, {1234.56, "1235"}} {
		if got := atRiskLabel(c.v); got != c.want {
			t.Errorf("atRiskLabel(%g) = %q, want %q", c.v, got, c.want)
		}
	}
}
