package stattest

import "math"

// uniroot finds a zero of f in [a, b] as R's uniroot(f, c(a, b)) does with
// its defaults (tol = eps^0.25 ~ 1.2e-4, maxiter = 1000): Brent's method
// (R. P. Brent, Algorithms for Minimization without Derivatives, 1973,
// ch. 4: bisection, secant and inverse quadratic interpolation), following
// the steps of R's zeroin.c so that results agree with R's to rounding.
// R's tolerance is loose, so a root found this way can be ~1e-5 relative
// from the exact one; matching R is the point here. f(a) and f(b) must not
// have the same sign (the callers guarantee it).
func uniroot(f func(float64) float64, a, b float64) float64 {
	tol := math.Pow(2.220446049250313e-16, 0.25)
	const eps = 2.220446049250313e-16
	fa, fb := f(a), f(b)
	if fa == 0 {
		return a
	}
	if fb == 0 {
		return b
	}
	c, fc := a, fa
	for iter := 0; iter <= 1000; iter++ {
		prev := b - a
		if math.Abs(fc) < math.Abs(fb) { // make b the best approximation
			a, b, c = b, c, b
			fa, fb, fc = fb, fc, fb
		}
		tolAct := 2*eps*math.Abs(b) + tol/2
		step := (c - b) / 2
		if math.Abs(step) <= tolAct || fb == 0 {
			return b
		}
		if math.Abs(prev) >= tolAct && math.Abs(fa) > math.Abs(fb) {
			var p, q float64
			cb := c - b
			if a == c { // secant
				t1 := fb / fa
				p = cb * t1
				q = 1 - t1
			} else { // inverse quadratic interpolation
				q = fa / fc
				t1 := fb / fc
				t2 := fb / fa
				p = t2 * (cb*q*(q-t1) - (b-a)*(t1-1))
				q = (q - 1) * (t1 - 1) * (t2 - 1)
			}
			if p > 0 {
				q = -q
			} else {
				p = -p
			}
			if p < 0.75*cb*q-math.Abs(tolAct*q)/2 && p < math.Abs(prev*q/2) {
				step = p / q
			}
		}
		if math.Abs(step) < tolAct {
			if step > 0 {
				step = tolAct
			} else {
				step = -tolAct
			}
		}
		a, fa = b, fb
		b += step
		fb = f(b)
		if (fb > 0 && fc > 0) || (fb < 0 && fc < 0) {
			c, fc = a, fa
		}
	}
	return b
}
