package cox

import (
	"math"

	"carimpi/internal/sortkey"
)

// problem is a Cox data set prepared for the Newton-Raphson kernel, in the
// layout survival's coxfit6.c expects: observations sorted by stratum and
// then by decreasing time (so a forward walk over the arrays is a walk
// backwards in time), covariates centred and scaled, stored row-major.
// The tie structure, which does not change between iterations, is found
// once: the distinct times (groups), their number and weight of deaths,
// and the deaths' weighted covariate sums. The kernel does no checking;
// newProblem establishes every precondition.
type problem struct {
	n, p   int
	x      []float64 // n*p, row i = observation i (sorted order)
	time   []float64
	status []bool
	w      []float64 // nil: all weights 1
	// freq marks w as whole frequencies (Sorted.Fit): a row of weight c
	// stands for c identical rows, so its deaths count c times in Efron's
	// d, as in the fit of the repeated rows, where case weights would count
	// it once (coxph's weighted Efron).
	freq   bool
	off    []float64 // nil: no offset
	starts []int     // stratum s is [starts[s], starts[s+1])
	efron  bool
	// counting-process data: start[i] is the entry time (at risk on
	// (start, time]); byStart lists the positions of each stratum by
	// decreasing start, so that a walk back in time removes those whose
	// start is at or after the current time. nil: right-censored data.
	start   []float64
	byStart []int32

	// the tie structure: group g (one distinct time within a stratum) is
	// [gend[g-1], gend[g]) (gend[-1] = 0); stratum s holds the groups
	// [gstart[s], gstart[s+1]).
	gend   []int
	gstart []int
	gdead  []int32   // deaths in the group (with frequencies, each counted with its own)
	gdwt   []float64 // their total weight
	xdeath []float64 // sum over deaths of w x (p)
	odeath float64   // sum over deaths of w offset

	// scratch, reused across iterations
	eta, risk            []float64
	a, a2                []float64
	cmat, cmat2, imatTri []float64 // packed lower triangles, p(p+1)/2
}

func (pr *problem) weight(i int) float64 {
	if pr.w == nil {
		return 1
	}
	return pr.w[i]
}

// deaths is the number of deaths observation i counts for in Efron's d
// when it has an event: its frequency, else 1.
func (pr *problem) deaths(i int) int32 {
	if pr.freq {
		return int32(pr.w[i])
	}
	return 1
}

// sortStarts fills byStart: within each stratum, the positions ordered by
// decreasing start time.
func (pr *problem) sortStarts() {
	pr.byStart = make([]int32, pr.n)
	for s := 0; s+1 < len(pr.starts); s++ {
		lo, hi := pr.starts[s], pr.starts[s+1]
		keys := make([]uint64, hi-lo)
		idx := pr.byStart[lo:hi]
		for k := range keys {
			keys[k] = ^sortkey.Key(pr.start[lo+k])
			idx[k] = int32(lo + k)
		}
		sortkey.Sort(keys, idx)
	}
}

// leaving calls out(k) for every observation of the stratum ending at end
// that is no longer at risk at time t (start >= t), advancing the cursor
// *next into byStart; it returns how many left.
func (pr *problem) leaving(next *int, end int, t float64, out func(k int)) int {
	n := 0
	for ; *next < end && pr.start[pr.byStart[*next]] >= t; *next++ {
		out(int(pr.byStart[*next]))
		n++
	}
	return n
}

// ties finds the tie structure of the sorted data (see problem).
func (pr *problem) ties() {
	p := pr.p
	pr.xdeath = make([]float64, p)
	pr.gstart = append(pr.gstart[:0], 0)
	for s := 0; s+1 < len(pr.starts); s++ {
		for i := pr.starts[s]; i < pr.starts[s+1]; {
			t := pr.time[i]
			var nd int32
			var dwt float64
			for ; i < pr.starts[s+1] && pr.time[i] == t; i++ {
				if !pr.status[i] {
					continue
				}
				w := pr.weight(i)
				nd += pr.deaths(i)
				dwt += w
				for j, v := range pr.x[i*p : i*p+p] {
					pr.xdeath[j] += w * v
				}
				if pr.off != nil {
					pr.odeath += w * pr.off[i]
				}
			}
			pr.gend = append(pr.gend, i)
			pr.gdead = append(pr.gdead, nd)
			pr.gdwt = append(pr.gdwt, dwt)
		}
		pr.gstart = append(pr.gstart, len(pr.gend))
	}
	q := p * (p + 1) / 2
	pr.cmat, pr.cmat2, pr.imatTri = make([]float64, q), make([]float64, q), make([]float64, q)
}

// eval computes the log partial likelihood at beta and, if u and imat are
// not nil, the score vector u (p) and the information matrix imat (p*p,
// lower triangle filled); without them (the uses after the fit), and always
// for counting-process data, it leaves eta = x'beta + offset and
// risk = w exp(eta) of every observation in pr.eta and pr.risk, allocated on
// first use.
//
// One pass over the data: the risk-set sums R, A and C of w exp(eta),
// w exp(eta) x and w exp(eta) x x' grow going back in time, reset at each
// stratum. The deaths' own terms, sum w eta and sum w x, are linear in
// beta and were summed once (ties). At each distinct time with deaths of
// total weight dw, the d steps of Efron's approximation (k = 0..d-1,
// f = k/d, each of weight dw/d, against R_k = R - f D, where D, A2 and C2
// are the deaths' sums) reduce to five scalars, so that the score and
// information take one O(p^2) update per distinct time, not per death:
//
//	loglik -= sum_k (dw/d) log R_k
//	u      -= S0 A - S1 A2,                              S_m = sum_k (dw/d) f^m / R_k
//	I      += S0 C - S1 C2 - (T0 AA' - T1 (A A2' + A2 A') + T2 A2A2'),  T_m = sum_k (dw/d) f^m / R_k^2
//
// (Breslow, or a single death: d = 1, f = 0.) Without weights, and with
// frequencies (d the repeated deaths, dw = d), every log term has weight 1, and the logs of a stratum are summed as the log of one
// product, renormalised by its binary exponent (math.Frexp) when large.
func (pr *problem) eval(beta, u, imat []float64) float64 {
	p := pr.p
	x, eta, risk := pr.x, pr.eta, pr.risk
	derivs := u != nil
	// counting-process data need each risk again when it leaves
	keep := !derivs || pr.start != nil
	if keep && pr.eta == nil {
		pr.eta, pr.risk = make([]float64, pr.n), make([]float64, pr.n)
		eta, risk = pr.eta, pr.risk
	}
	beta = beta[:p] // of the rows' length: no bounds checks in the loop
	loglik := pr.odeath
	for j, b := range beta {
		loglik += b * pr.xdeath[j]
	}
	a, a2, cmat, cmat2, it := pr.a, pr.a2, pr.cmat, pr.cmat2, pr.imatTri
	if derivs {
		copy(u, pr.xdeath)
		clear(it)
	}
	unweighted := pr.w == nil
	// At beta = 0 without an offset (the first evaluation of a fit from
	// 0) every eta is 0 and exp(eta) = 1 exactly: no products, no exp.
	zero := pr.off == nil
	for _, b := range beta {
		zero = zero && b == 0
	}
	// every log term has weight 1 without weights and with frequencies
	unitLogs := unweighted || pr.freq
	// eta and risk of rows [lo, hi), computed ahead a block at a time (risks)
	var eb, rb [riskBlock]float64
	lo, hi := 0, 0
	for s := 0; s+1 < len(pr.starts); s++ {
		var denom float64
		clear(a)
		clear(cmat)
		prod, pexp := 1.0, 0 // the batched log terms: log(prod) + pexp log 2
		i := pr.starts[s]
		next, atRisk := pr.starts[s], 0 // counting process: cursor into byStart, number at risk
		for g := pr.gstart[s]; g < pr.gstart[s+1]; g++ {
			end, nd := pr.gend[g], pr.gdead[g]
			if pr.start != nil {
				// those who entered at or after this time leave the risk
				// set; when it empties, the sums restart from 0 exactly (as
				// agfit4 does, so that no rounding residue is carried)
				atRisk -= pr.leaving(&next, pr.starts[s+1], pr.time[i], func(k int) {
					denom -= risk[k]
					if derivs {
						addOuter(a, cmat, -risk[k], x[k*p:k*p+p])
					}
				})
				if atRisk == 0 {
					denom = 0
					clear(a)
					clear(cmat)
				}
				atRisk += end - i
			}
			tied := pr.efron && nd > 1
			var denom2 float64
			if tied {
				clear(a2)
				clear(cmat2)
			}
			for ; i < end; i++ {
				if i >= hi {
					lo, hi = i, min(i+riskBlock, pr.n)
					pr.risks(beta, zero, lo, eb[:hi-lo], rb[:hi-lo])
				}
				row := x[i*p : i*p+p]
				e, r := eb[i-lo], rb[i-lo]
				if keep {
					eta[i], risk[i] = e, r
				}
				if tied && pr.status[i] {
					denom2 += r
					if derivs {
						addOuter(a2, cmat2, r, row)
					}
					continue
				}
				denom += r
				if derivs {
					addOuter(a, cmat, r, row)
				}
			}
			if nd == 0 {
				continue
			}
			dwt := pr.gdwt[g]
			if !tied {
				if unitLogs && nd == 1 {
					prod *= denom
					if prod > 0x1p500 || prod < 0x1p-500 {
						m, e := math.Frexp(prod)
						prod, pexp = m, pexp+e
					}
				} else {
					loglik -= dwt * math.Log(denom)
				}
				if derivs {
					c := dwt / denom
					pr.update(u, c, 0, c/denom, 0, 0, false)
				}
				continue
			}
			// Efron's d steps; the deaths join the risk set for the times before.
			denom += denom2
			if derivs {
				for j := range a {
					a[j] += a2[j]
				}
				for k := range cmat {
					cmat[k] += cmat2[k]
				}
			}
			wk := dwt / float64(nd)
			var s0, s1, t0, t1, t2 float64
			for k := int32(0); k < nd; k++ {
				f := float64(k) / float64(nd)
				d := denom - f*denom2
				if unitLogs {
					prod *= d
					if prod > 0x1p500 || prod < 0x1p-500 {
						m, e := math.Frexp(prod)
						prod, pexp = m, pexp+e
					}
				} else {
					loglik -= wk * math.Log(d)
				}
				c := wk / d
				s0 += c
				s1 += c * f
				c /= d
				t0 += c
				t1 += c * f
				t2 += c * f * f
			}
			if derivs {
				pr.update(u, s0, s1, t0, t1, t2, true)
			}
		}
		loglik -= math.Log(prod) + float64(pexp)*math.Ln2
	}
	if derivs {
		clear(imat)
		k := 0
		for j := 0; j < p; j++ {
			copy(imat[j*p:j*p+j+1], it[k:k+j+1])
			k += j + 1
		}
	}
	return loglik
}

// riskBlock is the number of rows whose risks eval computes ahead.
const riskBlock = 256

// risks sets e[k] = eta = x'beta + offset and r[k] = w exp(eta) of row
// lo + k, for as many rows as e holds (zero: beta = 0 and no offset, so
// eta = 0 and exp(eta) = 1 exactly). A loop of its own, so that the
// exponentials, which do not depend on one another, overlap in the
// processor; in eval's accumulating loop each would wait for the sums
// before it (they were a third of the kernel's time).
func (pr *problem) risks(beta []float64, zero bool, lo int, e, r []float64) {
	p := pr.p
	r = r[:len(e)]
	for k := range e {
		i := lo + k
		v, rk := 0.0, 1.0
		if !zero {
			if pr.off != nil {
				v = pr.off[i]
			}
			for j, xv := range pr.x[i*p : i*p+p] {
				v += beta[j] * xv
			}
			rk = math.Exp(v)
		}
		if pr.w != nil {
			rk *= pr.w[i]
		}
		e[k], r[k] = v, rk
	}
}

// addOuter adds r x to a and r x x' to the packed lower triangle c.
func addOuter(a, c []float64, r float64, x []float64) {
	k := 0
	a = a[:len(x)]
	for j, xj := range x {
		rx := r * xj
		a[j] += rx
		xs := x[:j+1]
		cj := c[k : k+len(xs)] // as long as xs: no bounds checks below
		for l, xl := range xs {
			cj[l] += rx * xl
		}
		k += len(xs)
	}
}

// update applies one distinct time's terms (see eval) to u and the packed
// information: u -= s0 A - s1 A2, I += s0 C - s1 C2 - (t0 AA' - t1 (A A2' +
// A2 A') + t2 A2A2'); without ties only the A and C terms.
func (pr *problem) update(u []float64, s0, s1, t0, t1, t2 float64, tied bool) {
	a, a2, cmat, cmat2, it := pr.a, pr.a2, pr.cmat, pr.cmat2, pr.imatTri
	k := 0
	if !tied {
		for j, aj := range a {
			u[j] -= s0 * aj
			taj := t0 * aj
			for l := 0; l <= j; l++ {
				it[k] += s0*cmat[k] - taj*a[l]
				k++
			}
		}
		return
	}
	for j, aj := range a {
		a2j := a2[j]
		u[j] -= s0*aj - s1*a2j
		for l := 0; l <= j; l++ {
			it[k] += s0*cmat[k] - s1*cmat2[k] - (t0*aj*a[l] - t1*(aj*a2[l]+a2j*a[l]) + t2*a2j*a2[l])
			k++
		}
	}
}
