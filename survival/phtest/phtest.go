// Package phtest tests the proportional hazards assumption of a fitted Cox
// model, as R's cox.zph(fit, transform = "km", terms = TRUE) does in
// survival >= 3.0.
//
// For each term, the test is the score test, at the fitted beta, of adding
// the time-varying covariates X g(t) for the term's columns. The score for
// the new coefficients at gamma = 0 is
//
//	U_g = sum over events i of w_i g(t_i) (x_i - xbar(t_i))
//
// and the information matrix of (beta, gamma) is
//
//	I = sum over event times t of  [ V(t)       g(t) V(t)   ]
//	                               [ g(t) V(t)  g(t)^2 V(t) ]
//
// where xbar(t) and V(t) are the risk-weighted mean and covariance of the
// covariates over the risk set at t, with the tied deaths handled as in the
// fit (Breslow, or Efron's d steps). The score for beta is 0 at the fitted
// beta, so for a term with columns J the statistic is
//
//	chisq_J = u' I_KK^-1 u,   K = (all beta columns, gamma columns J),
//	u = (0, U_g[J])
//
// with df = |J|, and GLOBAL uses all gamma columns. The full information
// matrix is used, not the Grambsch-Therneau approximation of survival 2.x,
// whose numbers differ.
//
// The time transform is g(t) = 1 - KM(t-), the left-continuous
// Kaplan-Meier estimate of the pooled data (ignoring strata and case
// weights), centered by its mean over the event times.
//
// The risk-set sums are computed in one backward pass over the data sorted
// once by stratum and time, as survival's zph1.c does: O(n p^2).
package phtest

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"

	"carimpi/survival/internal/timefix"
)

// Term is a model term and the design columns it spans (0-based). A
// multi-column term, such as a factor or a spline, is tested jointly.
type Term struct {
	Name string
	Cols []int
}

// Stat is one chi-square test: statistic, degrees of freedom and the upper
// tail p-value.
type Stat struct {
	Name  string
	Chisq float64
	DF    int
	P     float64
}

// Result is the cox.zph table: one row per term, then GLOBAL.
type Result struct {
	Terms  []Stat
	Global Stat // Name "GLOBAL"
}

// ZPH returns the proportional hazards test of each term and the global
// test, equal to R's cox.zph(fit, transform = "km", terms = TRUE)$table
// (survival 3.5) for a right-censored coxph fit; see the package
// documentation for the formulas.
//
// time and event are the outcome, x the design matrix by columns (x[j][i]
// is column j of row i), beta the fitted coefficients (len(x)), efron the
// tie method of the fit (true: Efron, false: Breslow). terms groups the
// columns; nil means one term per column, named x1, x2, ... A column with
// NaN beta (aliased in the fit) is dropped, as R does, and a term left
// without columns is omitted. strata gives each row's stratum code (nil: one
// stratum). If weights is nil, all of the weights are 1; otherwise they are
// the fit's case weights.
//
// Times that differ by rounding error only are tied first, as in the y that
// coxph stores (aeqSurv, timefix = TRUE) and cox.zph uses.
//
// An error is returned if there are no events or the information matrix is
// singular. ZPH panics if the slice lengths differ or a term names a column
// outside x.
func ZPH(time []float64, event []bool, x [][]float64, beta []float64, efron bool, terms []Term, strata []int, weights []float64) (*Result, error) {
	n, p := len(time), len(beta)
	if len(event) != n || len(x) != p {
		panic("phtest: time, event, x and beta sizes differ")
	}
	for _, col := range x {
		if len(col) != n {
			panic("phtest: column length differs from time")
		}
	}
	if (strata != nil && len(strata) != n) || (weights != nil && len(weights) != n) {
		panic("phtest: strata or weights length differs from time")
	}
	if terms == nil {
		for j := range p {
			terms = append(terms, Term{Name: fmt.Sprintf("x%d", j+1), Cols: []int{j}})
		}
	}
	for _, t := range terms {
		for _, c := range t.Cols {
			if c < 0 || c >= p {
				panic("phtest: term column out of range")
			}
		}
	}

	// Drop aliased columns and renumber the terms' columns.
	newIndex := make([]int, p)
	var xs [][]float64
	var b []float64
	for j := range p {
		newIndex[j] = -1
		if !math.IsNaN(beta[j]) {
			newIndex[j] = len(b)
			xs = append(xs, x[j])
			b = append(b, beta[j])
		}
	}
	var kept []Term
	for _, t := range terms {
		var cols []int
		for _, c := range t.Cols {
			if newIndex[c] >= 0 {
				cols = append(cols, newIndex[c])
			}
		}
		if len(cols) > 0 {
			kept = append(kept, Term{t.Name, cols})
		}
	}

	time = timefix.Apply(time) // as coxph's stored y, which cox.zph uses
	nevent := 0
	for _, e := range event {
		if e {
			nevent++
		}
	}
	if nevent == 0 {
		return nil, errors.New("phtest: no events")
	}
	u, info := scoreInfo(time, event, xs, b, efron, kmTransform(time, event), strata, weights)

	q := len(b)
	test := func(cols []int) (float64, error) {
		k := make([]int, 0, q+len(cols))
		for j := range q {
			k = append(k, j)
		}
		for _, c := range cols {
			k = append(k, q+c)
		}
		m := len(k)
		sub := mat.NewSymDense(m, nil)
		for a := range m {
			for c := a; c < m; c++ {
				sub.SetSym(a, c, info[k[a]*2*q+k[c]])
			}
		}
		uv := mat.NewVecDense(m, nil)
		for a := q; a < m; a++ {
			uv.SetVec(a, u[k[a]])
		}
		var chol mat.Cholesky
		if !chol.Factorize(sub) {
			return 0, errors.New("phtest: information matrix is singular")
		}
		var sol mat.VecDense
		if err := chol.SolveVecTo(&sol, uv); err != nil {
			return 0, errors.New("phtest: information matrix is singular")
		}
		return mat.Dot(&sol, uv), nil
	}
	stat := func(name string, cols []int) (Stat, error) {
		chi, err := test(cols)
		if err != nil {
			return Stat{}, fmt.Errorf("%w (term %s)", err, name)
		}
		df := len(cols)
		return Stat{name, chi, df, distuv.ChiSquared{K: float64(df)}.Survival(chi)}, nil
	}
	res := &Result{}
	var all []int
	for _, t := range kept {
		s, err := stat(t.Name, t.Cols)
		if err != nil {
			return nil, err
		}
		res.Terms = append(res.Terms, s)
	}
	for j := range q {
		all = append(all, j)
	}
	g, err := stat("GLOBAL", all)
	if err != nil {
		return nil, err
	}
	res.Global = g
	return res, nil
}

// kmTransform returns g(t_i) = 1 - KM(t_i-) of the pooled, unweighted data,
// minus its mean over the events.
func kmTransform(time []float64, event []bool) []float64 {
	n := len(time)
	ord := make([]int, n)
	for i := range ord {
		ord[i] = i
	}
	slices.SortFunc(ord, func(a, b int) int { return cmp.Compare(time[a], time[b]) })
	g := make([]float64, n)
	s := 1.0 // KM just before the current time
	for lo := 0; lo < n; {
		hi := lo
		dead := 0
		for hi < n && time[ord[hi]] == time[ord[lo]] {
			if event[ord[hi]] {
				dead++
			}
			hi++
		}
		for _, i := range ord[lo:hi] {
			g[i] = 1 - s
		}
		s *= 1 - float64(dead)/float64(n-lo)
		lo = hi
	}
	var sum float64
	var ne int
	for i, e := range event {
		if e {
			sum += g[i]
			ne++
		}
	}
	mean := sum / float64(ne)
	for i := range g {
		g[i] -= mean
	}
	return g
}

// scoreInfo returns the score vector u (2q: the beta part, then the X g(t)
// part) and the 2q x 2q information matrix (row-major) at beta, following
// zph1.c: a backward pass over the rows sorted by stratum and time, with
// running weighted sums of risk (denom), risk x (a) and risk x x' (cmat),
// and the deaths of a tied time kept apart (denom2, a2, cmat2) for the
// Breslow or Efron step.
func scoreInfo(time []float64, event []bool, x [][]float64, beta []float64, efron bool, gt []float64, strata []int, weights []float64) ([]float64, []float64) {
	n, q := len(time), len(beta)
	st := func(i int) int {
		if strata == nil {
			return 0
		}
		return strata[i]
	}
	w := func(i int) float64 {
		if weights == nil {
			return 1
		}
		return weights[i]
	}
	ord := make([]int, n)
	for i := range ord {
		ord[i] = i
	}
	slices.SortFunc(ord, func(a, b int) int {
		if c := cmp.Compare(st(a), st(b)); c != 0 {
			return c
		}
		return cmp.Compare(time[a], time[b])
	})

	// Centred covariates, row-major, and centred linear predictor: neither
	// centring changes the result, both keep the sums well scaled.
	xc := make([]float64, n*q)
	for j, col := range x {
		var m float64
		for _, v := range col {
			m += v
		}
		m /= float64(n)
		for i, v := range col {
			xc[i*q+j] = v - m
		}
	}
	eta := make([]float64, n)
	var etaMean float64
	for i := range n {
		for j, bj := range beta {
			eta[i] += bj * x[j][i]
		}
		etaMean += eta[i]
	}
	etaMean /= float64(n)

	p2 := 2 * q
	u := make([]float64, p2)
	info := make([]float64, p2*p2)
	a, a2 := make([]float64, q), make([]float64, q)
	cmat, cmat2 := make([]float64, q*q), make([]float64, q*q)
	var denom float64
	// add accumulates one death (or one Efron step) with weight dw and
	// time weight tw: u -= dw (a/denom) (1, tw); I += dw V (1, tw, tw^2).
	add := func(dw, tw float64) {
		for i := range q {
			mi := a[i] / denom
			u[i] -= dw * mi
			u[i+q] -= tw * dw * mi
			for j := 0; j <= i; j++ {
				v := dw * (cmat[i*q+j] - mi*a[j]) / denom
				info[j*p2+i] += v
				info[j*p2+i+q] += tw * v
				info[(j+q)*p2+i+q] += tw * tw * v
			}
		}
	}

	for ip := n - 1; ip >= 0; {
		s := st(ord[ip])
		if ip == n-1 || s != st(ord[ip+1]) {
			denom = 0
			clear(a)
			clear(cmat)
		}
		t := time[ord[ip]]
		tw := gt[ord[ip]]
		var ndead int
		var deadwt, denom2 float64
		for ; ip >= 0; ip-- {
			i := ord[ip]
			if time[i] != t || st(i) != s {
				break
			}
			r := math.Exp(eta[i]-etaMean) * w(i)
			xi := xc[i*q : (i+1)*q]
			if !event[i] {
				denom += r
				for k := range q {
					a[k] += r * xi[k]
					for l := 0; l <= k; l++ {
						cmat[k*q+l] += r * xi[k] * xi[l]
					}
				}
				continue
			}
			ndead++
			deadwt += w(i)
			denom2 += r
			for k := range q {
				u[k] += w(i) * xi[k]
				u[k+q] += tw * w(i) * xi[k]
				a2[k] += r * xi[k]
				for l := 0; l <= k; l++ {
					cmat2[k*q+l] += r * xi[k] * xi[l]
				}
			}
		}
		if ndead == 0 {
			continue
		}
		if !efron || ndead == 1 {
			denom += denom2
			for k := range a {
				a[k] += a2[k]
			}
			for k := range cmat {
				cmat[k] += cmat2[k]
			}
			add(deadwt, tw)
		} else {
			// Efron: the tied deaths enter the sums in ndead equal steps.
			d := float64(ndead)
			for range ndead {
				denom += denom2 / d
				for k := range a {
					a[k] += a2[k] / d
				}
				for k := range cmat {
					cmat[k] += cmat2[k] / d
				}
				add(deadwt/d, tw)
			}
		}
		clear(a2)
		clear(cmat2)
	}
	// The cross block g(t) V(t) is symmetric: fill its entries (j, i+q) with
	// j > i, then the lower triangle of the whole matrix.
	for i := range q {
		for j := i + 1; j < q; j++ {
			info[j*p2+i+q] = info[i*p2+j+q]
		}
	}
	for i := range p2 {
		for j := 0; j < i; j++ {
			info[i*p2+j] = info[j*p2+i]
		}
	}
	return u, info
}
