package cox

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// LP returns the uncentred linear predictor x'b = sum_j Coef[j] x[j] of a
// covariate vector in the model's column order, as the CAR-IMPI score is
// defined (R's predict(type = "lp", reference = "zero") without offset).
// Aliased columns count as 0, as in R. LP panics if len(x) is not the
// number of columns.
func (m *Model) LP(x []float64) float64 {
	if len(x) != len(m.fit.beta) {
		panic("cox: covariate vector length differs from the number of columns")
	}
	var s float64
	for j, b := range m.fit.beta {
		s += b * x[j]
	}
	return s
}

// LinearPredictors returns the linear predictor of each observation of the
// fit, in input order (NaN for the rows of count 0 of a Sorted.Fit). Uncentred it is x'b + offset. Centred it is R's
// predict(fit, type = "lp"): (x - xbar)'b + offset - mean(offset), with xbar
// the weighted column means of the observation's stratum (reference =
// "strata", survival >= 3.2) or Means when there are no strata.
func (m *Model) LinearPredictors(centred bool) []float64 {
	f := m.fit
	pr := f.pr
	p := pr.p
	// x'b = sum_j bs_j xs_j + sum_j b_j center_j on the stored scaled columns
	var shift0 float64
	for j, b := range f.beta {
		shift0 += b * f.center[j]
	}
	xb := make([]float64, pr.n) // sorted order, without offset
	for k := range xb {
		row := pr.x[k*p : k*p+p]
		s := shift0
		for j, b := range f.betaS {
			s += b * row[j]
		}
		xb[k] = s
	}
	out := make([]float64, f.in)
	if f.in != pr.n {
		for i := range out {
			out[i] = math.NaN() // rows a frequency fit left out
		}
	}
	for k, i := range f.order {
		out[i] = xb[k]
		if pr.off != nil {
			out[i] += pr.off[k]
		}
	}
	if !centred {
		return out
	}
	nstrata := len(pr.starts) - 1
	for s := 0; s < nstrata; s++ {
		lo, hi := pr.starts[s], pr.starts[s+1]
		var shift float64
		if nstrata == 1 {
			shift = shift0
		} else {
			// weighted mean of x'b within the stratum
			var sw, sxb float64
			for k := lo; k < hi; k++ {
				w := pr.weight(k)
				sw += w
				sxb += w * xb[k]
			}
			shift = sxb / sw
		}
		shift += f.offMean
		for k := lo; k < hi; k++ {
			out[f.order[k]] -= shift
		}
	}
	return out
}

// Curve is the predicted survival curve of one stratum for one covariate
// vector, with a row per distinct time of the stratum (censoring-only
// times included), as survfit.coxph.
type Curve struct {
	Stratum int       // stratum label (Options.Strata value; 0 without strata)
	Time    []float64 // distinct times, increasing
	NRisk   []float64 // (weighted) number at risk at Time
	NEvent  []float64 // (weighted) number of events at Time
	CumHaz  []float64 // H(t | x) = H0(t) exp(x'b)
	Surv    []float64 // exp(-CumHaz)
	StdErr  []float64 // standard error of Surv (summary.survfit's std.err)
	Lower   []float64 // 95% CI, log type: Surv exp(-z se(CumHaz))
	Upper   []float64 // Surv exp(z se(CumHaz)), at most 1
}

// Survfit returns the survival curve of each stratum for the covariate
// vector x (model column order), as R's survfit(fit, newdata = x) with its
// defaults stype = 2 and ctype matching the ties (conf.type = "log"):
//
//	dH0(t)   = sum_{k=0}^{d-1} (dw/d) / (R - (k/d) D)        (Efron; Breslow: dw/R)
//	H(t|x)   = exp(x'b) sum_{s <= t} dH0(s),  S = exp(-H)
//	var H    = exp(2x'b) [ sum_{s<=t} sum_k (dw/d)/(R - (k/d)D)^2 + q(t)' V q(t) ]
//	q(t)     = sum_{s<=t} sum_k (dw/d) (A - (k/d) A2)/(R - (k/d)D)^2 - x H0(t)
//
// with R, A the sums of w exp(x'b) and w exp(x'b) x over the risk set, D, A2
// the same over the d deaths of total weight dw, V the variance of b
// (Tsiatis; the second term is the variance due to b). The curve at x = 0 is
// basehaz(fit, centered = FALSE). Aliased columns are ignored. Survfit
// panics if len(x) is not the number of columns.
func (m *Model) Survfit(x []float64) []Curve {
	f := m.fit
	pr := f.pr
	p := pr.p
	if len(x) != p {
		panic("cox: covariate vector length differs from the number of columns")
	}
	pr.eval(f.betaS, nil, nil)
	xc := make([]float64, p) // x on the scaled columns
	var eta float64
	for j := range xc {
		xc[j] = (x[j] - f.center[j]) * f.scale[j]
		eta += f.betaS[j] * xc[j]
	}
	risk := math.Exp(eta)
	// V on the scaled columns, aliased = 0
	vs := make([]float64, p*p)
	for j := 0; j < p; j++ {
		for k := 0; k < p; k++ {
			if v := m.Var[j][k]; !math.IsNaN(v) {
				vs[j*p+k] = v / (f.scale[j] * f.scale[k])
			}
		}
	}
	z := distuv.UnitNormal.Quantile(0.975)
	rs := newRiskSet(p)
	a, a2 := rs.a, rs.a2
	var curves []Curve
	for s := 0; s+1 < len(pr.starts); s++ {
		// backward pass: per distinct time (decreasing) the increments
		type step struct {
			t, nrisk, nevent, dh, dv float64
			dx                       []float64
		}
		var steps []step
		rs.reset(pr, s)
		for i := pr.starts[s]; i < pr.starts[s+1]; {
			t := pr.time[i]
			i = rs.add(pr, i, pr.starts[s+1])
			denom, denom2, dw, nd := rs.denom, rs.denom2, rs.deathWt, rs.nd
			st := step{t: t, nrisk: rs.nrisk, nevent: dw, dx: make([]float64, p)}
			if nd > 0 {
				d := 1
				if pr.efron {
					d = nd
				}
				for k := 0; k < d; k++ {
					fk := float64(k) / float64(d)
					d2 := denom - fk*denom2
					wk := dw / float64(d)
					st.dh += wk / d2
					st.dv += wk / (d2 * d2)
					for j := range st.dx {
						st.dx[j] += wk * (a[j] - fk*a2[j]) / (d2 * d2)
					}
				}
			}
			steps = append(steps, st)
		}
		nt := len(steps)
		c := Curve{Stratum: f.strata[s],
			Time: make([]float64, nt), NRisk: make([]float64, nt), NEvent: make([]float64, nt),
			CumHaz: make([]float64, nt), Surv: make([]float64, nt), StdErr: make([]float64, nt),
			Lower: make([]float64, nt), Upper: make([]float64, nt)}
		var h0, v0 float64
		q := make([]float64, p)
		cx := make([]float64, p)
		for r := 0; r < nt; r++ {
			st := steps[nt-1-r]
			h0 += st.dh
			v0 += st.dv
			for j := range cx {
				cx[j] += st.dx[j]
				q[j] = cx[j] - xc[j]*h0
			}
			var qvq float64
			for j := 0; j < p; j++ {
				for k := 0; k < p; k++ {
					qvq += q[j] * vs[j*p+k] * q[k]
				}
			}
			seH := risk * math.Sqrt(v0+qvq)
			c.Time[r], c.NRisk[r], c.NEvent[r] = st.t, st.nrisk, st.nevent
			c.CumHaz[r] = h0 * risk
			c.Surv[r] = math.Exp(-c.CumHaz[r])
			c.StdErr[r] = c.Surv[r] * seH
			c.Lower[r] = c.Surv[r] * math.Exp(-z*seH)
			c.Upper[r] = math.Min(1, c.Surv[r]*math.Exp(z*seH))
		}
		curves = append(curves, c)
	}
	return curves
}

// Point is a curve read at one time, as summary(survfit, times =).
type Point struct {
	Time                               float64
	NRisk                              float64 // at risk at Time (at the first curve time >= Time)
	NEvent                             float64 // events in (previous requested time, Time]
	CumHaz, Surv, StdErr, Lower, Upper float64
}

// At reads the curve at increasing times as summary.survfit does: the
// values of the last curve time <= t (S = 1, H = 0 before the first), the
// number at risk at the first curve time >= t, the events since the
// previous requested time. Times after the last curve time are left out,
// as R omits them. At panics if times are not increasing.
func (c Curve) At(times []float64) []Point {
	var out []Point
	j := 0 // index of the first curve time > previous requested time
	prev := math.Inf(-1)
	for _, t := range times {
		if t < prev {
			panic("cox: times must be increasing")
		}
		prev = t
		if len(c.Time) == 0 || t > c.Time[len(c.Time)-1] {
			break
		}
		pt := Point{Time: t, Surv: 1, StdErr: 0, Lower: 1, Upper: 1}
		for ; j < len(c.Time) && c.Time[j] <= t; j++ {
			pt.NEvent += c.NEvent[j]
		}
		if j > 0 {
			k := j - 1
			pt.CumHaz, pt.Surv, pt.StdErr, pt.Lower, pt.Upper = c.CumHaz[k], c.Surv[k], c.StdErr[k], c.Lower[k], c.Upper[k]
		}
		// at risk at the first curve time >= t
		k := j
		if j > 0 && c.Time[j-1] == t {
			k = j - 1
		}
		pt.NRisk = c.NRisk[k]
		out = append(out, pt)
	}
	return out
}
