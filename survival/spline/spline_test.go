package spline_test

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"

	"carimpi/internal/reftest"
	"carimpi/survival/spline"
)

const (
	refData     = "../../testdata/reference/data/"
	refExpected = "../../testdata/reference/expected/"
)

func lungAge(t *testing.T) []float64 {
	t.Helper()
	tab := reftest.Table(t, refData+"lung.csv")
	age, err := tab.Floats("age")
	if err != nil {
		t.Fatal(err)
	}
	return age
}

// rcs-lung-age.json: rms::rcs(lung$age, 4), rms 6.5.0 / Hmisc 4.8.0.
func TestRCSLungAge(t *testing.T) {
	var ref struct {
		Expected struct {
			Knots []float64
			X     []float64
			Basis [][]float64
		}
	}
	reftest.Load(t, refExpected+"rcs-lung-age.json", &ref)
	knots, err := spline.RCSKnots(lungAge(t), 4)
	if err != nil {
		t.Fatal(err)
	}
	if len(knots) != len(ref.Expected.Knots) {
		t.Fatalf("knots = %v, want %v", knots, ref.Expected.Knots)
	}
	for i, k := range knots {
		if !reftest.Rel(k, ref.Expected.Knots[i], 1e-12) {
			t.Errorf("knot %d = %v, want %v", i, k, ref.Expected.Knots[i])
		}
	}
	var row []float64
	for i, x := range ref.Expected.X {
		row = spline.RCS(row, x, knots)
		for j, want := range ref.Expected.Basis[i] {
			if !scalar.EqualWithinAbsOrRel(row[j], want, 1e-300, 1e-9) {
				t.Errorf("row %d col %d = %v, want %v", i+1, j, row[j], want)
			}
		}
	}
}

// cox-lung-rcs-age.json: the log-HR curve vs age 60 computed from the fit's
// coefficients and variance (the fit itself is tested in survival/cox).
func TestLogHRCurveLungRCS(t *testing.T) {
	var ref struct {
		Inputs struct {
			ReferenceValue float64 `json:"reference_value"`
			Grid           []float64
		}
		Expected struct {
			Knots []float64
			Coef  []float64
			Var   [][]float64
			Curve struct {
				X     []float64
				Log   []float64 `json:"logHR_vs_ref"`
				SE    []float64
				Lower []float64 `json:"lower_95"`
				Upper []float64 `json:"upper_95"`
			}
		}
	}
	reftest.Load(t, refExpected+"cox-lung-rcs-age.json", &ref)
	e := ref.Expected
	knots, err := spline.RCSKnots(lungAge(t), 4)
	if err != nil {
		t.Fatal(err)
	}
	for i := range knots {
		if !reftest.Rel(knots[i], e.Knots[i], 1e-12) {
			t.Errorf("knot %d = %v, want %v", i, knots[i], e.Knots[i])
		}
	}
	basis := func(dst []float64, x float64) []float64 { return spline.RCS(dst, x, knots) }
	c := spline.LogHRCurve(basis, e.Coef, e.Var, ref.Inputs.Grid, ref.Inputs.ReferenceValue)
	const tol = 1e-6 // absolute, as the case file says
	for _, q := range []struct {
		name      string
		got, want []float64
	}{
		{"x", c.X, e.Curve.X},
		{"logHR", c.LogHR, e.Curve.Log},
		{"se", c.SE, e.Curve.SE},
		{"lower", c.Lower, e.Curve.Lower},
		{"upper", c.Upper, e.Curve.Upper},
	} {
		if len(q.got) != len(q.want) {
			t.Fatalf("%s: len %d, want %d", q.name, len(q.got), len(q.want))
		}
		for i := range q.got {
			if math.Abs(q.got[i]-q.want[i]) > tol {
				t.Errorf("%s[%d] = %v, want %v", q.name, i, q.got[i], q.want[i])
			}
		}
	}
}

// cox-lung-linear-spline-age60.json: the two linear spline forms with a knot
// at 60 are x1 = min(age, 60), x2 = max(age-60, 0) and age, x2; the test
// checks the bases and that the coefficients of R's two fits are related by
// the basis change LSP = A LSPSegments.
func TestLinearSplineAge60(t *testing.T) {
	var ref struct {
		Inputs struct {
			Knot float64
		}
		Expected struct {
			Segments    struct{ Coef []float64 }
			SlopeChange struct{ Coef []float64 } `json:"slope_change"`
		}
	}
	reftest.Load(t, refExpected+"cox-lung-linear-spline-age60.json", &ref)
	knots := []float64{ref.Inputs.Knot}
	var seg, lsp []float64
	for _, age := range lungAge(t) {
		seg = spline.LSPSegments(seg, age, knots)
		lsp = spline.LSP(lsp, age, knots)
		if seg[0] != math.Min(age, 60) || seg[1] != math.Max(age-60, 0) {
			t.Errorf("LSPSegments(%v) = %v", age, seg)
		}
		if lsp[0] != age || lsp[1] != seg[1] {
			t.Errorf("LSP(%v) = %v", age, lsp)
		}
	}
	// age = x1 + x2, so b_seg1 x1 + b_seg2 x2 = b_seg1 age + (b_seg2 - b_seg1) x2.
	s, c := ref.Expected.Segments.Coef, ref.Expected.SlopeChange.Coef
	if !reftest.Rel(c[0], s[0], 1e-6) || !reftest.Rel(c[1], s[1]-s[0], 1e-6) {
		t.Errorf("slope-change coef %v not the basis change of segment coef %v", c, s)
	}
}

func TestLinearSplineForms(t *testing.T) {
	knots := []float64{10, 20, 35}
	for _, tc := range []struct {
		x        float64
		seg, lsp []float64
	}{
		{5, []float64{5, 0, 0, 0}, []float64{5, 0, 0, 0}},
		{10, []float64{10, 0, 0, 0}, []float64{10, 0, 0, 0}},
		{15, []float64{10, 5, 0, 0}, []float64{15, 5, 0, 0}},
		{27, []float64{10, 10, 7, 0}, []float64{27, 17, 7, 0}},
		{50, []float64{10, 10, 15, 15}, []float64{50, 40, 30, 15}},
		{-3, []float64{-3, 0, 0, 0}, []float64{-3, 0, 0, 0}},
	} {
		seg := spline.LSPSegments(nil, tc.x, knots)
		lsp := spline.LSP(nil, tc.x, knots)
		for j := range seg {
			if seg[j] != tc.seg[j] || lsp[j] != tc.lsp[j] {
				t.Errorf("x=%v: segments %v lsp %v, want %v %v", tc.x, seg, lsp, tc.seg, tc.lsp)
				break
			}
		}
	}
}

// Knot rules checked by hand from Hmisc::rcspline.eval's algorithm.
func TestRCSKnotsRules(t *testing.T) {
	seq := func(from, to int) []float64 {
		var s []float64
		for i := from; i <= to; i++ {
			s = append(s, float64(i))
		}
		return s
	}
	rep := func(v float64, n int) []float64 {
		s := make([]float64, n)
		for i := range s {
			s[i] = v
		}
		return s
	}
	cat := func(xs ...[]float64) []float64 {
		var s []float64
		for _, x := range xs {
			s = append(s, x...)
		}
		return s
	}
	for _, tc := range []struct {
		name string
		x    []float64
		nk   int
		want []float64
	}{
		// 200 values: quantiles at 0.05, 0.35, 0.65, 0.95 of 1..200:
		// h = 199 p + 1 -> 10.95, 70.65, 130.35, 190.05.
		{"quantiles", seq(1, 200), 4, []float64{10.95, 70.65, 130.35, 190.05}},
		// nk = 3 uses 0.1, 0.5, 0.9.
		{"three", seq(1, 200), 3, []float64{20.9, 100.5, 180.1}},
		// < 100 values: outer knots are the 5th smallest/largest.
		{"small", seq(1, 50), 4, []float64{5, 18.15, 32.85, 46}},
		// fractied at the bottom: 0 holds 30/130; first knot 1, then 3
		// knots on 2..100 at 0.05, 0.5, 0.95; with 99 < 100 values only
		// the top one becomes the 5th largest (96), the bottom one is
		// overridden by the fractied knot and stays 6.9.
		{"fractied", cat(rep(0, 30), seq(1, 100)), 4, []float64{1, 6.9, 51, 96}},
		// few distinct values: the interior distinct values (Hmisc example).
		{"interior", cat(rep(0, 30), seq(1, 4), rep(5, 30)), 5, []float64{1, 2, 3, 4}},
		// NaN ignored.
		{"nan", cat(seq(1, 200), []float64{math.NaN()}), 4, []float64{10.95, 70.65, 130.35, 190.05}},
	} {
		got, err := spline.RCSKnots(tc.x, tc.nk)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if len(got) != len(tc.want) {
			t.Errorf("%s: knots %v, want %v", tc.name, got, tc.want)
			continue
		}
		for i := range got {
			if !reftest.Rel(got[i], tc.want[i], 1e-12) {
				t.Errorf("%s: knots %v, want %v", tc.name, got, tc.want)
				break
			}
		}
	}
}

func TestRCSKnotsErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		x    []float64
		nk   int
	}{
		{"nk", []float64{1, 2, 3, 4, 5, 6, 7, 8}, 2},
		{"few values", []float64{1, 2, 3, 4, 5, math.NaN()}, 3},
		{"constant", []float64{1, 1, 1, 1, 1, 1, 1, 1}, 3},
		{"two values", []float64{1, 1, 1, 1, 2, 2, 2, 2}, 3},
	} {
		if _, err := spline.RCSKnots(tc.x, tc.nk); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}

func TestRCSProperties(t *testing.T) {
	knots := []float64{45.35, 59, 67, 75}
	// Linear beyond the outer knots: second differences vanish.
	for _, x0 := range []float64{10, 30, 80, 120} {
		a := spline.RCS(nil, x0, knots)
		b := spline.RCS(nil, x0+1, knots)
		c := spline.RCS(nil, x0+2, knots)
		for j := range a {
			if d := a[j] - 2*b[j] + c[j]; math.Abs(d) > 1e-9 {
				t.Errorf("x=%v col %d: second difference %v", x0, j, d)
			}
		}
	}
	// dst reuse and NaN propagation.
	dst := make([]float64, 0, 8)
	got := spline.RCS(dst, math.NaN(), knots)
	if &got[0] != &dst[:1][0] {
		t.Error("dst not reused")
	}
	for _, v := range got {
		if !math.IsNaN(v) {
			t.Errorf("RCS(NaN) = %v", got)
		}
	}
}

func TestPanics(t *testing.T) {
	cov := [][]float64{{1, 0}, {0, 1}}
	lin := func(dst []float64, x float64) []float64 { return append(dst[:0], x) }
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"rcs two knots", func() { spline.RCS(nil, 1, []float64{1, 2}) }},
		{"rcs unsorted", func() { spline.RCS(nil, 1, []float64{1, 3, 2}) }},
		{"lsp no knots", func() { spline.LSP(nil, 1, nil) }},
		{"segments tied", func() { spline.LSPSegments(nil, 1, []float64{2, 2}) }},
		{"curve cov", func() { spline.LogHRCurve(lin, []float64{1}, cov, []float64{1}, 0) }},
		{"curve basis", func() { spline.LogHRCurve(lin, []float64{1, 2}, cov, []float64{1}, 0) }},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", tc.name)
				}
			}()
			tc.f()
		}()
	}
}

// testdata/knots-r.json: Hmisc 4.8.0 rcspline.eval(x, nk, knots.only =
// TRUE) on data exercising each knot rule (see testdata/knots-r.R).
func TestRCSKnotsHmisc(t *testing.T) {
	var ref struct {
		Cases []struct {
			Name  string
			NK    int
			X     []*float64 // null = NA
			Knots []float64
		}
	}
	reftest.Load(t, "testdata/knots-r.json", &ref)
	for _, c := range ref.Cases {
		x := make([]float64, len(c.X))
		for i, v := range c.X {
			x[i] = math.NaN()
			if v != nil {
				x[i] = *v
			}
		}
		got, err := spline.RCSKnots(x, c.NK)
		if err != nil {
			t.Errorf("%s nk=%d: %v", c.Name, c.NK, err)
			continue
		}
		ok := len(got) == len(c.Knots)
		for i := 0; ok && i < len(got); i++ {
			ok = reftest.Rel(got[i], c.Knots[i], 1e-12)
		}
		if !ok {
			t.Errorf("%s nk=%d: knots %v, want %v", c.Name, c.NK, got, c.Knots)
		}
	}
}
