package spline_test

import (
	"fmt"

	"carimpi/survival/spline"
)

func ExampleRCS() {
	knots := []float64{45.35, 59, 67, 75} // rms::rcs(lung$age, 4)
	fmt.Printf("%.6f\n", spline.RCS(nil, 70, knots))
	// Output:
	// [70.000000 16.923496 1.452585]
}

func ExampleLSPSegments() {
	knots := []float64{44.3} // the CAR-IMPI MTV knot, mL
	fmt.Println(spline.LSPSegments(nil, 100, knots), spline.LSP(nil, 100, knots))
	// Output:
	// [44.3 55.7] [100 55.7]
}

func ExampleLogHRCurve() {
	// A linear spline with a knot at 60: slope 0.01 below, 0.03 above.
	knots := []float64{60}
	basis := func(dst []float64, x float64) []float64 { return spline.LSPSegments(dst, x, knots) }
	coef := []float64{0.01, 0.03}
	cov := [][]float64{{1e-4, 0}, {0, 4e-4}}
	c := spline.LogHRCurve(basis, coef, cov, []float64{50, 60, 70}, 60)
	for i, x := range c.X {
		fmt.Printf("%g: %.3f (%.3f, %.3f)\n", x, c.LogHR[i], c.Lower[i], c.Upper[i])
	}
	// Output:
	// 50: -0.100 (-0.296, 0.096)
	// 60: 0.000 (0.000, 0.000)
	// 70: 0.300 (-0.092, 0.692)
}
