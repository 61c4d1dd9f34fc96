package spline

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Basis evaluates the design columns of one model term at x, writing them to
// dst if its capacity suffices and returning the filled slice. Bind the knots
// with a closure, for example
//
//	func(dst []float64, x float64) []float64 { return spline.RCS(dst, x, knots) }
type Basis func(dst []float64, x float64) []float64

// Curve is the log hazard ratio of a fitted term along a grid of values,
// relative to the value Ref, with a pointwise 95% confidence band.
// All slices have the length of X.
type Curve struct {
	X     []float64 // the grid
	Ref   float64   // reference value, where LogHR = SE = 0
	LogHR []float64 // log HR(x) - log HR(Ref)
	SE    []float64 // standard error of LogHR
	Lower []float64 // LogHR - z SE, z = qnorm(0.975)
	Upper []float64 // LogHR + z SE
}

// LogHRCurve returns the log hazard ratio curve of a fitted spline (or any
// multi-column) term against the reference value ref:
//
//	d(x)     = B(x) - B(ref)
//	logHR(x) = d(x)' b
//	se(x)    = sqrt(d(x)' V d(x))
//	CI       = logHR(x) -/+ qnorm(0.975) se(x)
//
// where B is the term's basis, b = coef its fitted coefficients and V = cov
// their covariance (the term's sub-vector and sub-matrix of the fit, in the
// order the basis returns its columns; cov[j][k] is row j, column k). Exponentiate for the hazard ratio
// and its CI. This is the curve of the CAR-IMPI paper's Fig 1 / Fig S2A and
// equals R's (rcspline.eval(a, knots, inclx = TRUE) -
// rcspline.eval(ref, knots, inclx = TRUE)) %*% coef(fit) with its delta-method
// standard error (rms::Predict with ref.zero = TRUE gives the same curve).
// Rounding can make d' V d a tiny negative number; it is then taken as 0.
//
// LogHRCurve panics if cov is not len(coef) x len(coef) or the basis does
// not return len(coef) columns. No argument is modified.
func LogHRCurve(basis Basis, coef []float64, cov [][]float64, grid []float64, ref float64) Curve {
	p := len(coef)
	if len(cov) != p {
		panic("spline: covariance dimension does not match coefficients")
	}
	for _, row := range cov {
		if len(row) != p {
			panic("spline: covariance dimension does not match coefficients")
		}
	}
	z := distuv.UnitNormal.Quantile(0.975)
	c := Curve{
		X:     append([]float64(nil), grid...),
		Ref:   ref,
		LogHR: make([]float64, len(grid)),
		SE:    make([]float64, len(grid)),
		Lower: make([]float64, len(grid)),
		Upper: make([]float64, len(grid)),
	}
	b0 := append([]float64(nil), basis(nil, ref)...)
	if len(b0) != p {
		panic("spline: basis length does not match coefficients")
	}
	var b []float64
	d := make([]float64, p)
	for i, x := range grid {
		b = basis(b, x)
		if len(b) != p {
			panic("spline: basis length does not match coefficients")
		}
		var eta float64
		for j := range d {
			d[j] = b[j] - b0[j]
			eta += d[j] * coef[j]
		}
		var q float64
		for j := range d {
			var s float64
			for k := range d {
				s += cov[j][k] * d[k]
			}
			q += d[j] * s
		}
		se := math.Sqrt(math.Max(q, 0))
		c.LogHR[i] = eta
		c.SE[i] = se
		c.Lower[i] = eta - z*se
		c.Upper[i] = eta + z*se
	}
	return c
}
