package render

import (
	"image/color"
	"math"
	"strconv"

	"carimpi/internal/textsafe"
)

// Palette is the colour-blind-safe palette of every figure, in the order
// groups take their colours: the hues of Okabe and Ito (blue, vermillion,
// bluish green, reddish purple, orange) darkened so that each has a
// contrast of at least 4.5:1 with white (WCAG AA), which makes coloured
// text on white and white text on the colour both legible.
var Palette = []string{"#0072B2", "#B35900", "#006D4F", "#AA4499", "#996100", "#332288", "#882255", "#555555"}

// OrdinalScale is the colour scale of ordered categories (toxicity grade
// 0 to 5, no/yes): viridis (van der Walt and Smith, matplotlib), sampled
// at six evenly spaced points and run from light (grade 0) to dark (grade
// 5). Its lightness rises monotonically, so the order survives colour-
// blindness and greyscale printing. Text on a segment takes TextOn.
var OrdinalScale = []string{"#FDE725", "#7AD151", "#22A884", "#2A788E", "#414487", "#440154"}

// Ordinal returns n colours of OrdinalScale for n ordered categories,
// evenly spread from its lightest to its darkest (n <= 6; more
// categories repeat the darkest).
func Ordinal(n int) []string {
	out := make([]string, n)
	last := len(OrdinalScale) - 1
	for i := range out {
		j := last
		if n > 1 && n <= len(OrdinalScale) {
			j = int(math.Round(float64(i*last) / float64(n-1)))
		} else if i < last {
			j = i
		}
		out[i] = OrdinalScale[j]
	}
	return out
}

// TextOn returns the text colour for a background colour (#rrggbb): black
// or white, whichever has the higher WCAG contrast ratio with it (at least
// 4.58:1 for any background).
func TextOn(bg string) string {
	if Contrast(bg, "#000000") >= Contrast(bg, "#FFFFFF") {
		return "#000000"
	}
	return "#FFFFFF"
}

// Contrast is the WCAG 2 contrast ratio of two colours (#rrggbb or #rgb):
// (L1 + 0.05) / (L2 + 0.05) with L the relative luminance of the lighter
// and the darker colour.
func Contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

func luminance(hex string) float64 {
	c, ok := parseColor(hex).(color.NRGBA)
	if !ok {
		return 0
	}
	lin := func(v uint8) float64 {
		f := float64(v) / 255
		if f <= 0.03928 {
			return f / 12.92
		}
		return math.Pow((f+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.R) + 0.7152*lin(c.G) + 0.0722*lin(c.B)
}

// groupColors gives the study's groups one colour everywhere: low risk
// (and the double-low combinations) blue, high risk (and the double-high
// ones) vermillion, intermediate risk bluish green, mixed combinations
// green and purple.
var groupColors = map[string]string{
	"low": Palette[0], "intermediate": Palette[2], "high": Palette[1],
	"c-low/h-low": Palette[0], "c-low/h-high": Palette[2], "c-high/h-low": Palette[3], "c-high/h-high": Palette[1],
	"c-low/non-inflamed": Palette[0], "c-low/inflamed": Palette[2], "c-high/non-inflamed": Palette[3], "c-high/inflamed": Palette[1],
}

// GroupColor returns the colour of a named group: the study's risk and
// combined groups have fixed colours; other groups take Palette[i].
func GroupColor(name string, i int) string {
	if c, ok := groupColors[name]; ok {
		return c
	}
	return Palette[i%len(Palette)]
}

// svgDoc is the one drawing surface of every figure: it records each
// drawing call (a Drawing), which writes the SVG and is replayed for the
// PNG and PDF, so that every format shows the same calls. Coordinates are
// SVG user units (CSS pixels, y down).
type svgDoc struct {
	rec Drawing
}

func newSVG(width, height float64, title string) *svgDoc {
	return &svgDoc{rec: Drawing{Width: width, Height: height, Title: title}}
}

func (d *svgDoc) String() string { return d.rec.SVG() }

// Drawing returns the recorded drawing.
func (d *svgDoc) Drawing() *Drawing { return &d.rec }

func (d *svgDoc) line(x1, y1, x2, y2 float64, stroke string, width float64) {
	d.rec.ops = append(d.rec.ops, op{kind: opLine, xs: []float64{x1, x2}, ys: []float64{y1, y2}, color: stroke, width: width})
}

func (d *svgDoc) rect(x, y, w, h float64, fill string, extra string) {
	d.rec.ops = append(d.rec.ops, op{kind: opRect, xs: []float64{x, x + w}, ys: []float64{y, y + h}, color: fill, extra: extra})
}

// text writes a label; anchor is start, middle or end.
func (d *svgDoc) text(x, y float64, anchor, s string, extra string) {
	d.rec.ops = append(d.rec.ops, op{kind: opText, xs: []float64{x}, ys: []float64{y}, anchor: anchor, text: s, extra: extra})
}

// polyline draws an open line through the points.
func (d *svgDoc) polyline(xs, ys []float64, stroke string, width float64, extra string) {
	if len(xs) == 0 {
		return
	}
	d.rec.ops = append(d.rec.ops, op{kind: opPolyline, xs: append([]float64(nil), xs...), ys: append([]float64(nil), ys...), color: stroke, width: width, extra: extra})
}

// polygon draws a filled closed shape.
func (d *svgDoc) polygon(xs, ys []float64, fill string, opacity float64) {
	if len(xs) == 0 {
		return
	}
	d.rec.ops = append(d.rec.ops, op{kind: opPolygon, xs: append([]float64(nil), xs...), ys: append([]float64(nil), ys...), color: fill, opacity: opacity})
}

func num(v float64) string { return string(appendNum(nil, v)) }

// appendNum appends v rounded to two decimals ("0" for NaN and
// infinities), as every coordinate of an SVG is written.
func appendNum(b []byte, v float64) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		v = 0
	}
	return strconv.AppendFloat(b, math.Round(v*100)/100, 'f', -1, 64)
}

func esc(s string) string { return textsafe.Markup(s) }

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
