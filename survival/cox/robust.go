package cox

import (
	"math"
	"slices"
	"sort"

	"carimpi/survival"
)

// batch is one distinct time of a stratum, with the hazard pieces the
// score residuals need (scaled coordinates):
//
//	h1 = sum_k wk/d2_k,        x1 = sum_k wk/d2_k xbar_k          (at risk)
//	h2 = sum_k (1-f_k) wk/d2_k, x2 = sum_k (1-f_k) wk/d2_k xbar_k  (tied deaths)
//	xm = mean_k xbar_k
//
// over the Efron steps k = 0..d-1 (f_k = k/d, wk = death weight / d,
// d2_k = R - f_k D); Breslow is the single step f = 0, wk = death weight.
type batch struct {
	lo, hi     int
	h1, h2     float64
	x1, x2, xm []float64
}

// scoreResiduals returns the score residuals (R's residuals(type =
// "score"), coxscore2.c) in sorted order, p per observation, on the scaled
// columns, at the fitted coefficients:
//
//	r_i = delta_i (x_i - xm(t_i)) - exp(eta_i) sum_{start_i < t_k <= t_i} (x_i - xbar_k) dLambda_k
//
// (start_i = -Inf for right-censored data; with (start, stop] data this is
// agscore3.c)
// where a subject dying in a tied Efron batch is at risk with weight
// (1 - k/d) in step k. Their weighted sum is the score vector (0 at the
// estimate). One backward pass for the risk-set sums and one forward pass
// for the cumulative sums: O(n p).
func (m *Model) scoreResiduals() []float64 { return m.residuals().score }

// resid holds the per-observation residual pieces, in sorted order on the
// scaled columns: the score residuals (n*p), the martingale residuals
// delta_i - exp(eta_i) (H(t_i) - H(start_i)) with the tie rule's hazard (a
// death in a tied Efron batch is at risk with weight 1 - k/d in step k),
// and, for each death, the mean xm of the risk-set averages of its batch
// (the Schoenfeld residual is x_i - xm).
type resid struct {
	score, mart []float64
	xm          [][]float64
}

func (m *Model) residuals() resid {
	pr := m.fit.pr
	p := pr.p
	pr.eval(m.fit.betaS, nil, nil)
	res := make([]float64, pr.n*p)
	mart := make([]float64, pr.n)
	xmOf := make([][]float64, pr.n)
	rs := newRiskSet(p)
	a, a2 := rs.a, rs.a2
	xbar := make([]float64, p)
	c1 := make([]float64, p)
	for s := 0; s+1 < len(pr.starts); s++ {
		var batches []batch
		rs.reset(pr, s)
		for i := pr.starts[s]; i < pr.starts[s+1]; {
			b := batch{lo: i}
			i = rs.add(pr, i, pr.starts[s+1])
			b.hi = i
			denom, denom2, deathWt, nd := rs.denom, rs.denom2, rs.deathWt, rs.nd
			if nd > 0 {
				b.x1, b.x2, b.xm = make([]float64, p), make([]float64, p), make([]float64, p)
				steps, wk := 1, deathWt
				if pr.efron {
					steps, wk = nd, deathWt/float64(nd)
				}
				for k := 0; k < steps; k++ {
					f := float64(k) / float64(steps)
					d2 := denom - f*denom2
					h := wk / d2
					b.h1 += h
					b.h2 += (1 - f) * h
					for j := range xbar {
						xbar[j] = (a[j] - f*a2[j]) / d2
						b.x1[j] += h * xbar[j]
						b.x2[j] += (1 - f) * h * xbar[j]
						b.xm[j] += xbar[j] / float64(steps)
					}
				}
			}
			batches = append(batches, b)
		}
		// forward in time: cumulative hazard and hazard-weighted means
		var cumH float64
		clear(c1)
		// counting process: the sums after each batch, by increasing time,
		// to take off what accrued up to each subject's start
		var tAt, hAt, cAt []float64
		for bi := len(batches) - 1; bi >= 0; bi-- {
			b := batches[bi]
			for i := b.lo; i < b.hi; i++ {
				e := math.Exp(pr.eta[i])
				row := pr.x[i*p : i*p+p]
				out := res[i*p : i*p+p]
				if b.x1 == nil {
					for j := range out {
						out[j] = -e * (row[j]*cumH - c1[j])
					}
					mart[i] = -e * cumH
					continue
				}
				if pr.status[i] {
					mart[i] = 1 - e*(cumH+b.h2)
					xmOf[i] = b.xm
					for j := range out {
						out[j] = row[j] - b.xm[j] - e*(row[j]*(cumH+b.h2)-(c1[j]+b.x2[j]))
					}
				} else {
					mart[i] = -e * (cumH + b.h1)
					for j := range out {
						out[j] = -e * (row[j]*(cumH+b.h1) - (c1[j] + b.x1[j]))
					}
				}
			}
			if b.x1 != nil {
				cumH += b.h1
				for j := range c1 {
					c1[j] += b.x1[j]
				}
			}
			if pr.start != nil {
				tAt = append(tAt, pr.time[b.lo])
				hAt = append(hAt, cumH)
				cAt = append(cAt, c1...)
			}
		}
		if pr.start == nil {
			continue
		}
		// r_i gets back exp(eta_i) sum_{t_k <= start_i} (x_i - xbar_k) dLambda_k
		for i := pr.starts[s]; i < pr.starts[s+1]; i++ {
			k := survival.StepIndex(tAt, pr.start[i])
			if k < 0 {
				continue
			}
			e := math.Exp(pr.eta[i])
			row := pr.x[i*p : i*p+p]
			out := res[i*p : i*p+p]
			for j := range out {
				out[j] += e * (row[j]*hAt[k] - cAt[k*p+j])
			}
			mart[i] += e * hAt[k]
		}
	}
	return resid{score: res, mart: mart, xm: xmOf}
}

// robustVar returns the sandwich variance D'D (p*p, caller's scale), D the
// weighted dfbeta residuals w_i r_i V summed within clusters (each
// observation its own cluster when cluster is nil), as coxph(robust = TRUE)
// and coxph(... + cluster(id)). vr is the inverse information on the
// caller's scale.
func (m *Model) robustVar(vr []float64, cluster []int) []float64 {
	pr := m.fit.pr
	p := pr.p
	res := m.scoreResiduals()
	var ids []int
	groupOf := func(k int) int { return k }
	ng := pr.n
	if cluster != nil {
		ids = slices.Clone(cluster)
		slices.Sort(ids)
		ids = slices.Compact(ids)
		ng = len(ids)
		groupOf = func(k int) int { return sort.SearchInts(ids, cluster[m.fit.order[k]]) }
	}
	d := make([]float64, ng*p)
	rOrig := make([]float64, p)
	for k := 0; k < pr.n; k++ {
		w := pr.weight(k)
		for j := 0; j < p; j++ {
			rOrig[j] = w * res[k*p+j] / m.fit.scale[j]
		}
		g := d[groupOf(k)*p : groupOf(k)*p+p]
		for c := 0; c < p; c++ {
			var s float64
			for j := 0; j < p; j++ {
				s += rOrig[j] * vr[j*p+c]
			}
			g[c] += s
		}
	}
	v := make([]float64, p*p)
	for g := 0; g < ng; g++ {
		row := d[g*p : g*p+p]
		for j := 0; j < p; j++ {
			for k := 0; k < p; k++ {
				v[j*p+k] += row[j] * row[k]
			}
		}
	}
	return v
}
