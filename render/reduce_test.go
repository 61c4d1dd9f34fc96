package render

import (
	"bytes"
	"image"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"sort"
	"testing"
)

func TestOpaqueLayers(t *testing.T) {
	for _, tc := range []struct {
		opacity float64
		want    int
	}{{0.55, 8}, {1, 1}, {0.15, 39}} {
		if got := opaqueLayers(tc.opacity); got != tc.want {
			t.Errorf("opaqueLayers(%g) = %d, want %d", tc.opacity, got, tc.want)
		}
	}
}

// TestCoverageLossless draws a dense cloud of translucent diamonds (as the
// box-and-strip plot of a registry cohort) mark for mark and with the
// marks that coverage leaves out removed: the 300 dpi PNGs differ by at
// most one 8-bit level anywhere, and most marks are left out.
func TestCoverageLossless(t *testing.T) {
	const n, r, opacity = 20000, 2.4, 0.55
	rng := rand.New(rand.NewPCG(3, 4))
	all, kept := newSVG(120, 120, "all"), newSVG(120, 120, "kept")
	cov := newCoverage(10-r, 10-r, 110+r, 110+r, opacity)
	drawn := 0
	for range n {
		// a dense core and sparse tails
		x := min(max(60+15*rng.NormFloat64(), 10), 110)
		y := min(max(60+8*rng.NormFloat64(), 10), 110)
		dx, dy := diamond(x, y, r)
		all.polygon(dx, dy, "#0072B2", opacity)
		if cov.diamond(x, y, r) {
			kept.polygon(dx, dy, "#0072B2", opacity)
			drawn++
		}
	}
	if drawn > n/4 {
		t.Errorf("%d of %d marks drawn; the dense core should be left out", drawn, n)
	}
	decode := func(d *Drawing) *image.RGBA {
		var b bytes.Buffer
		if err := WritePNG(&b, d, 300); err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(&b)
		if err != nil {
			t.Fatal(err)
		}
		out := image.NewRGBA(img.Bounds())
		for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
			for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
				out.Set(x, y, img.At(x, y))
			}
		}
		return out
	}
	a, b := decode(all.Drawing()), decode(kept.Drawing())
	worst := 0
	for i := range a.Pix {
		worst = max(worst, int(a.Pix[i])-int(b.Pix[i]), int(b.Pix[i])-int(a.Pix[i]))
	}
	if worst > 1 {
		t.Errorf("PNGs differ by up to %d levels (%d of %d marks drawn)", worst, drawn, n)
	}
	t.Logf("%d of %d marks drawn; largest pixel difference %d", drawn, n, worst)
}

// denseKM is a registry-size Kaplan-Meier group: n patients with times on
// a 0.01-month grid (as the simulated cohorts record them), every third
// censored.
func denseKM(n int, seed uint64) KMGroup {
	rng := rand.New(rand.NewPCG(seed, 1))
	type obs struct {
		t     float64
		event bool
	}
	o := make([]obs, n)
	for i := range o {
		o[i] = obs{math.Round(100*min(-24*math.Log(rng.Float64()), 80)) / 100, i%3 != 0}
	}
	sort.Slice(o, func(i, j int) bool { return o[i].t < o[j].t })
	g := KMGroup{Name: "Dense", N: n}
	s, atRisk := 1.0, float64(n)
	for i := 0; i < n; {
		j, d, c := i, 0.0, 0.0
		for ; j < n && o[j].t == o[i].t; j++ {
			if o[j].event {
				d++
			} else {
				c++
			}
		}
		s *= 1 - d/atRisk
		g.Time, g.NRisk, g.NCensor, g.Surv = append(g.Time, o[i].t), append(g.NRisk, atRisk), append(g.NCensor, c), append(g.Surv, s)
		atRisk -= d + c
		i = j
	}
	return g
}

// TestKMReductionVisual draws a registry-size Kaplan-Meier figure as the
// figure does (step curve within lineTolerance, runs of censor ticks as
// their outline) and mark for mark: the reduced figure has a quarter of the
// vertices, and its 300 dpi PNG differs only in antialiased edge pixels
// (overlapping ticks darkened their shared edges, and the curve's
// sub-pixel steps): under 0.5% of the values differ at all, and seen
// through a 3x3-pixel average (about a quarter of a millimetre) under
// 0.02% differ by more than 16 of 255.
func TestKMReductionVisual(t *testing.T) {
	p := KMPlot{Title: "dense", XLabel: "Months", YLabel: "Survival", Groups: []KMGroup{denseKM(40000, 1), denseKM(20000, 2)}}
	p.Groups[1].Name = "Other"
	reduced := p.Drawing()
	// The same figure mark for mark: the curves' and ticks' calls
	// replaced by the unreduced ones.
	full := &Drawing{Width: reduced.Width, Height: reduced.Height, Title: reduced.Title}
	vertices := func(d *Drawing) (n int) {
		for _, o := range d.ops {
			n += len(o.xs)
		}
		return n
	}
	const left, top, plotH = 100.0, 36.0, 330.0
	tmax := 80.0
	x := func(v float64) float64 { return left + (720-left-24)*v/tmax }
	y := func(s float64) float64 { return top + plotH*(1-s) }
	gi := 0
	for _, o := range reduced.ops {
		isCurve := o.kind == opPolyline && o.width == 2 && o.extra == ""
		isTick := (o.kind == opLine && o.width == 1.5) || (o.kind == opPolygon && o.opacity == 1)
		switch {
		case isCurve:
			g := p.Groups[gi]
			gi++
			sx, sy := stepCurve(g, tmax)
			for i := range sx {
				sx[i], sy[i] = x(sx[i]), y(sy[i])
			}
			full.ops = append(full.ops, op{kind: opPolyline, xs: sx, ys: sy, color: o.color, width: 2})
			for i, tm := range g.Time {
				if g.NCensor[i] > 0 {
					full.ops = append(full.ops, op{kind: opLine, xs: []float64{x(tm), x(tm)}, ys: []float64{y(g.Surv[i]) - 4, y(g.Surv[i]) + 4}, color: o.color, width: 1.5})
				}
			}
		case isTick:
		default:
			full.ops = append(full.ops, o)
		}
	}
	if gi != 2 {
		t.Fatalf("found %d curves, want 2", gi)
	}
	if nr, nf := vertices(reduced), vertices(full); nr*4 > nf {
		t.Errorf("reduced figure has %d vertices, mark for mark %d: want a quarter", nr, nf)
	}
	a, b := canvasImage(t, full), canvasImage(t, reduced)
	w, h := a.Bounds().Dx(), a.Bounds().Dy()
	differ, blurred, far := 0, 0, 0
	for i := range a.Pix {
		if a.Pix[i] != b.Pix[i] {
			differ++
		}
	}
	for yy := 1; yy < h-1; yy++ {
		for xx := 1; xx < w-1; xx++ {
			for c := range 3 {
				sa, sb := 0, 0
				for dy := -1; dy <= 1; dy++ {
					for dx := -1; dx <= 1; dx++ {
						k := a.PixOffset(xx+dx, yy+dy) + c
						sa += int(a.Pix[k])
						sb += int(b.Pix[k])
					}
				}
				blurred++
				if max(sa-sb, sb-sa) > 9*16 {
					far++
				}
			}
		}
	}
	if differ*200 > len(a.Pix) || far*5000 > blurred {
		t.Errorf("%d of %d values differ; %d of %d 3x3 averages by more than 16 levels", differ, len(a.Pix), far, blurred)
	}
	if dir := os.Getenv("KM_PNG_DIR"); dir != "" {
		for name, d := range map[string]*Drawing{"full": full, "reduced": reduced} {
			var buf bytes.Buffer
			WritePNG(&buf, d, 300)
			os.WriteFile(dir+"/"+name+".png", buf.Bytes(), 0o644)
		}
	}
	t.Logf("vertices %d -> %d; %d of %d values differ; %d of %d 3x3 averages by more than 16 levels", vertices(full), vertices(reduced), differ, len(a.Pix), far, blurred)
}

// TestSimplify: every vertex of a dense staircase is within the
// tolerance of the simplified line, the ends are kept, and a staircase
// whose steps are larger than the tolerance keeps all its corners.
func TestSimplify(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var xs, ys []float64
	px, py := 0.0, 0.0
	for range 5000 {
		xs, ys = append(xs, px, px), append(ys, py, py+0.01*rng.Float64())
		py = ys[len(ys)-1]
		px += 0.03 * rng.Float64()
	}
	sx, sy := simplify(xs, ys, lineTolerance)
	if len(sx) > len(xs)/10 || sx[0] != xs[0] || sy[len(sy)-1] != ys[len(ys)-1] {
		t.Errorf("kept %d of %d vertices, ends (%g, %g)", len(sx), len(xs), sx[0], sy[len(sy)-1])
	}
	for i := range xs {
		best := math.Inf(1)
		for k := 1; k < len(sx); k++ {
			best = min(best, segmentDistance(xs[i], ys[i], sx[k-1], sy[k-1], sx[k], sy[k]))
		}
		if best > lineTolerance+1e-12 {
			t.Fatalf("vertex %d is %g from the simplified line", i, best)
		}
	}
	big := []float64{0, 1, 1, 2, 2}
	bx, _ := simplify(big, []float64{0, 0, 1, 1, 2}, lineTolerance)
	if len(bx) != len(big) {
		t.Errorf("visible steps lost: %v", bx)
	}
}
