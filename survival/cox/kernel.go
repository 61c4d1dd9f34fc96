package cox

import "math"

// problem is a Cox data set prepared for the Newton-Raphson kernel, in the
// layout survival's coxfit6.c expects: observations sorted by stratum and
// then by decreasing time (so a forward walk over the arrays is a walk
// backwards in time), covariates centred and scaled, stored row-major.
// The kernel does no checking; newProblem establishes every precondition.
type problem struct {
	n, p   int
	x      []float64 // n*p, row i = observation i (sorted order)
	time   []float64
	status []bool
	w      []float64 // nil: all weights 1
	off    []float64 // nil: no offset
	starts []int     // stratum s is [starts[s], starts[s+1])
	efron  bool

	// scratch, reused across iterations
	eta, risk                []float64
	a, a2, cmat, cmat2, xbar []float64
}

func (pr *problem) weight(i int) float64 {
	if pr.w == nil {
		return 1
	}
	return pr.w[i]
}

// eval computes the log partial likelihood at beta and, if u and imat are
// not nil, the score vector u (p) and the information matrix imat (p*p,
// lower triangle filled). One pass over the data: risk-set sums of
// w exp(eta), w exp(eta) x and w exp(eta) x x' are accumulated going back in
// time and reset at each stratum; tied deaths form one batch whose own sums
// are kept apart for the Efron correction (see doc.go).
func (pr *problem) eval(beta, u, imat []float64) float64 {
	n, p := pr.n, pr.p
	x := pr.x
	eta, risk := pr.eta, pr.risk
	for i := 0; i < n; i++ {
		var e float64
		if pr.off != nil {
			e = pr.off[i]
		}
		row := x[i*p : i*p+p]
		for j, b := range beta {
			e += b * row[j]
		}
		eta[i] = e
		risk[i] = pr.weight(i) * math.Exp(e)
	}
	derivs := u != nil
	if derivs {
		clear(u)
		clear(imat)
	}
	a, a2, cmat, cmat2 := pr.a, pr.a2, pr.cmat, pr.cmat2
	var loglik float64
	for s := 0; s+1 < len(pr.starts); s++ {
		var denom float64
		clear(a)
		clear(cmat)
		for i := pr.starts[s]; i < pr.starts[s+1]; {
			t := pr.time[i]
			var denom2, deathWt float64
			ndead := 0
			// add every observation at time t to the risk set
			for ; i < pr.starts[s+1] && pr.time[i] == t; i++ {
				r := risk[i]
				denom += r
				row := x[i*p : i*p+p]
				if derivs {
					for j := 0; j < p; j++ {
						rx := r * row[j]
						a[j] += rx
						c := cmat[j*p : j*p+j+1]
						for k := range c {
							c[k] += rx * row[k]
						}
					}
				}
				if !pr.status[i] {
					continue
				}
				wi := pr.weight(i)
				ndead++
				deathWt += wi
				denom2 += r
				loglik += wi * eta[i]
				if derivs {
					for j := 0; j < p; j++ {
						rx := r * row[j]
						u[j] += wi * row[j]
						a2[j] += rx
						c := cmat2[j*p : j*p+j+1]
						for k := range c {
							c[k] += rx * row[k]
						}
					}
				}
			}
			if ndead == 0 {
				continue
			}
			if !pr.efron || ndead == 1 {
				loglik -= deathWt * math.Log(denom)
				if derivs {
					pr.addInfo(u, imat, deathWt, denom, 0)
				}
			} else {
				// Efron: the tied deaths leave the risk set in d equal steps.
				wk := deathWt / float64(ndead)
				for k := 0; k < ndead; k++ {
					f := float64(k) / float64(ndead)
					d2 := denom - f*denom2
					loglik -= wk * math.Log(d2)
					if derivs {
						pr.addInfo(u, imat, wk, d2, f)
					}
				}
			}
			if derivs {
				clear(a2)
				clear(cmat2)
			}
		}
	}
	return loglik
}

// addInfo subtracts wt*xbar from u and adds wt*(C/d - xbar xbar') to imat,
// where xbar = (a - f a2)/d and C = cmat - f cmat2: one death (or one Efron
// step of a tied batch) of total weight wt against risk-set total d.
func (pr *problem) addInfo(u, imat []float64, wt, d, f float64) {
	p := pr.p
	a, a2, cmat, cmat2, xbar := pr.a, pr.a2, pr.cmat, pr.cmat2, pr.xbar
	for j := 0; j < p; j++ {
		xbar[j] = (a[j] - f*a2[j]) / d
		u[j] -= wt * xbar[j]
	}
	for j := 0; j < p; j++ {
		for k := 0; k <= j; k++ {
			c := cmat[j*p+k] - f*cmat2[j*p+k]
			imat[j*p+k] += wt * (c/d - xbar[j]*xbar[k])
		}
	}
}
