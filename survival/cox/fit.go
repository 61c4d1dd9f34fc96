package cox

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"

	"gonum.org/v1/gonum/stat/distuv"

	"carimpi/survival/internal/timefix"
)

// Method is the handling of tied event times.
type Method int

const (
	// Efron is Efron's approximation, R's default (coxph ties = "efron").
	Efron Method = iota
	// Breslow is Breslow's approximation (coxph ties = "breslow").
	Breslow
)

func (m Method) String() string {
	switch m {
	case Efron:
		return "efron"
	case Breslow:
		return "breslow"
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// Defaults of coxph.control.
const (
	DefaultMaxIter = 20
	DefaultEps     = 1e-9
)

// tolerChol is coxph.control's toler.chol, .Machine$double.eps^0.75: a
// pivot below it (relative to the largest diagonal element of the
// information matrix) marks a redundant column.
var tolerChol = math.Pow(0x1p-52, 0.75)

// Options are the optional settings of Fit. The zero value (or nil) fits
// an Efron model from beta = 0 with R's defaults.
type Options struct {
	Ties Method
	// Strata gives each observation's stratum (any integers); each stratum
	// has its own baseline hazard. nil: one stratum.
	Strata []int
	// Start gives each observation's entry time for counting-process
	// data, coxph(Surv(start, stop, event)) (survival's agreg): the
	// observation is at risk on (Start, time]. nil: at risk from 0 (right-
	// censored data). Delayed entry and time-varying covariates (one row
	// per interval of a subject) are written this way.
	Start []float64
	// StrataNames, if not nil, names stratum s as StrataNames[s] in
	// warnings (Strata values must then index it).
	StrataNames []string
	// Offset is added to the linear predictor with coefficient 1. nil: 0.
	Offset []float64
	// Init are the starting coefficients. nil: 0.
	Init []float64
	// MaxIter is the maximum number of Newton-Raphson iterations; 0 means
	// DefaultMaxIter and a negative value evaluates the model at Init
	// without iterating (coxph iter.max = 0).
	MaxIter int
	// Eps is the convergence tolerance on |1 - loglik_old/loglik_new|;
	// 0 means DefaultEps.
	Eps float64
	// Names are the column names used in results and warnings; nil gives
	// x1, x2, ...
	Names []string
	// Robust requests the sandwich variance (coxph robust = TRUE); with
	// Cluster it is summed within clusters first (coxph cluster()).
	Robust bool
	// Cluster gives each observation's cluster; it implies Robust.
	Cluster []int
}

// Test is a chi-square test: statistic, degrees of freedom, upper-tail p.
type Test struct {
	Statistic float64
	DF        int
	P         float64
}

// Model is a fitted Cox proportional hazards model. Coefficient slices are
// in column order; an aliased (constant or collinear) column has NaN
// coefficient, SE, HR, z and p, as R reports NA.
type Model struct {
	Names   []string
	Coef    []float64 // log hazard ratios
	SE      []float64 // sqrt(diag(Var))
	HR      []float64 // exp(Coef)
	HRLower []float64 // exp(Coef - qnorm(0.975) SE)
	HRUpper []float64 // exp(Coef + qnorm(0.975) SE)
	Z       []float64 // Coef / SE
	P       []float64 // 2 Phi(-|Z|)
	// Var is the variance matrix of Coef: the inverse information, or the
	// robust sandwich estimate when Options.Robust or Cluster was set, in
	// which case NaiveVar holds the inverse information.
	Var      [][]float64
	NaiveVar [][]float64
	// Means are the weighted column means used for centring (0 for
	// columns whose values are all in {-1, 0, 1}, as coxph's nocenter).
	Means []float64

	LoglikNull float64 // log partial likelihood at Init (beta = 0 by default)
	Loglik     float64 // at the estimate
	LRT        Test    // 2 (Loglik - LoglikNull)
	Wald       Test    // b' Var^-1 b over the estimable columns
	Score      Test    // score test at Init

	N          int // observations
	Events     int // observations with an event
	Iterations int
	Converged  bool
	Rank       int    // number of estimable columns
	Aliased    []bool // columns dropped as constant or collinear
	Ties       Method
	// Warnings are R's warnings, by column name: non-convergence, possibly
	// infinite coefficients, aliased columns, strata without events.
	Warnings []string

	fit *fitted
}

// fitted keeps the sorted data for predictions and residuals.
type fitted struct {
	pr      *problem
	order   []int // order[k] = input index of sorted observation k
	in      int   // number of input rows (more than len(order) when a frequency fit left rows out)
	strata  []int // stratum label of each sorted stratum
	beta    []float64
	betaS   []float64 // coefficients on the centred and scaled columns, aliased = 0
	center  []float64
	scale   []float64
	offMean float64
	at      []int32 // layout's scratch, reused by a Sorted worker's next fit; nil otherwise
}

// errors for user data
var (
	errNoEvents = errors.New("cox: no events: the model cannot be fitted")
)

// Fit fits the Cox proportional hazards model
//
//	h(t | x) = h0_s(t) exp(x'b + offset)
//
// to right-censored data by maximising the log partial likelihood with
// Newton-Raphson from Init (default 0), halving the step while the
// likelihood falls, and stopping when |1 - loglik_old/loglik_new| <= Eps,
// at most MaxIter iterations. This is survival::coxph (coxfit6.c,
// survival 3.5): covariates are centred and scaled internally and the
// results transformed back, the information matrix is factored with a
// rank test so that constant or collinear columns get NaN (R's NA), and
// the same warnings are given. Efron ties (default) or Breslow; the strata
// have separate baseline hazards h0_s. time must be >= 0, event true for an
// event; x holds the covariate columns (x[j][i] = column j of observation
// i). Weights are case weights (coxph weights=); nil means every weight is
// 1. The data may be in any order; they are sorted once by (stratum, time).
// One pass over the data per iteration: O(n log n + iterations n p^2).
//
// The Model keeps its own sorted, scaled copy of the data (about
// n(p+4) float64s) for LinearPredictors, Survfit and the robust variance;
// the caller's slices are not retained or modified.
//
// Fit panics if the lengths of time, event, the columns of x, weights or
// the options' per-observation slices differ. It returns an error for
// negative or NaN times, NaN covariates, weights that are not positive and
// finite, and data without events.
func Fit(time []float64, event []bool, x [][]float64, opt *Options, weights []float64) (*Model, error) {
	n := len(time)
	if len(event) != n {
		panic("cox: length of event differs from time")
	}
	if opt == nil {
		opt = &Options{}
	}
	p := len(x)
	for _, c := range x {
		if len(c) != n {
			panic("cox: covariate column length differs from time")
		}
	}
	for _, s := range []struct {
		n    int
		name string
	}{{len(weights), "weights"}, {len(opt.Strata), "Strata"}, {len(opt.Offset), "Offset"}, {len(opt.Cluster), "Cluster"}, {len(opt.Start), "Start"}} {
		if s.n != 0 && s.n != n {
			panic("cox: length of " + s.name + " differs from time")
		}
	}
	if opt.Init != nil && len(opt.Init) != p {
		panic("cox: length of Init differs from the number of columns")
	}
	if opt.Names != nil && len(opt.Names) != p {
		panic("cox: length of Names differs from the number of columns")
	}
	if n == 0 {
		return nil, errNoEvents
	}
	names := opt.Names
	if names == nil {
		names = make([]string, p)
		for j := range names {
			names[j] = fmt.Sprintf("x%d", j+1)
		}
	}
	for i, t := range time {
		if math.IsNaN(t) || (t < 0 && opt.Start == nil) || math.IsInf(t, 0) {
			return nil, fmt.Errorf("cox: observation %d: time %v is not a finite number >= 0", i+1, t)
		}
	}
	for i, s := range opt.Start {
		if math.IsNaN(s) || math.IsInf(s, 0) || !(s < time[i]) {
			return nil, fmt.Errorf("cox: observation %d: start time %v is not a finite number before the stop time %v", i+1, s, time[i])
		}
	}
	for j, c := range x {
		for i, v := range c {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("cox: observation %d: %s is %v; drop rows with missing values first", i+1, names[j], v)
			}
		}
	}
	for i, w := range weights {
		if !(w > 0) || math.IsInf(w, 0) {
			return nil, fmt.Errorf("cox: observation %d: weight %v is not positive and finite", i+1, w)
		}
	}
	for i, o := range opt.Offset {
		if math.IsNaN(o) || math.IsInf(o, 0) {
			return nil, fmt.Errorf("cox: observation %d: offset %v is not finite", i+1, o)
		}
	}
	m := &Model{Names: append([]string(nil), names...), N: n, Ties: opt.Ties}
	pr, f := prepare(time, event, x, opt, weights)
	if err := m.fitPrepared(pr, f, opt); err != nil {
		return nil, err
	}
	return m, nil
}

// fitPrepared fits the model to the prepared data (prepare), as Fit
// describes, and fills m.
func (m *Model) fitPrepared(pr *problem, f *fitted, opt *Options) error {
	p := pr.p
	maxIter := opt.MaxIter
	if maxIter == 0 {
		maxIter = DefaultMaxIter
	} else if maxIter < 0 {
		maxIter = 0
	}
	eps := opt.Eps
	if eps == 0 {
		eps = DefaultEps
	}
	m.fit = f
	for i, e := range pr.status {
		if e {
			m.Events += int(pr.deaths(i))
		}
	}
	if m.Events == 0 {
		return errNoEvents
	}
	m.Means = append([]float64(nil), f.center...)
	m.noteEmptyStrata(opt.StrataNames)

	init := make([]float64, p)
	if opt.Init != nil {
		for j := range init {
			init[j] = opt.Init[j] / f.scale[j]
		}
	}
	nr := newtonRaphson(pr, init, maxIter, eps)
	m.Iterations = nr.iter
	m.Converged = nr.converged
	m.LoglikNull = nr.loglik0
	m.Loglik = nr.loglik

	// Back to the caller's scale.
	beta := make([]float64, p)
	u := make([]float64, p)
	vr := make([]float64, p*p)
	for j := 0; j < p; j++ {
		beta[j] = nr.beta[j] * f.scale[j]
		u[j] = nr.u[j] / f.scale[j]
		for k := 0; k < p; k++ {
			vr[j*p+k] = nr.inv[j*p+k] * f.scale[j] * f.scale[k]
		}
	}
	m.Aliased = make([]bool, p)
	for j := 0; j < p; j++ {
		if vr[j*p+j] == 0 {
			m.Aliased[j] = true
		} else {
			m.Rank++
		}
	}
	f.beta = make([]float64, p)
	f.betaS = make([]float64, p)
	for j := range beta {
		if !m.Aliased[j] {
			f.beta[j] = beta[j]
			f.betaS[j] = nr.beta[j]
		}
	}
	m.warnFit(nr, beta, u, vr, eps, maxIter)

	naive := toRows(vr, p, m.Aliased)
	m.Var = naive
	if opt.Robust || opt.Cluster != nil {
		m.NaiveVar = naive
		m.Var = toRows(m.robustVar(vr, opt.Cluster), p, m.Aliased)
	}
	m.Coef = beta
	for j := range m.Coef {
		if m.Aliased[j] {
			m.Coef[j] = math.NaN()
		}
	}
	m.summarize(nr.sctest)
	return nil
}

// toRows copies a p*p matrix into rows, with NaN rows and columns for
// aliased columns.
func toRows(v []float64, p int, aliased []bool) [][]float64 {
	out := make([][]float64, p)
	for j := range out {
		out[j] = make([]float64, p)
		for k := range out[j] {
			if aliased[j] || aliased[k] {
				out[j][k] = math.NaN()
			} else {
				out[j][k] = v[j*p+k]
			}
		}
	}
	return out
}

// prepare sorts the data by (stratum, decreasing time) and lays them out
// for the kernel (layout).
func prepare(time []float64, event []bool, x [][]float64, opt *Options, weights []float64) (*problem, *fitted) {
	n := len(time)
	// stratum codes in increasing label order
	var codes []int32
	var labels []int
	if opt.Strata != nil {
		labels = append([]int(nil), opt.Strata...)
		slices.Sort(labels)
		labels = slices.Compact(labels)
		codes = make([]int32, n)
		for i, s := range opt.Strata {
			codes[i] = int32(sort.SearchInts(labels, s))
		}
	} else {
		labels = []int{0}
	}
	sorted, fixed := sortOrder(time, codes, len(labels))
	return layout(sorted, fixed, codes, labels, event, x, opt, weights, false, nil)
}

// layout builds the kernel's problem from the observations sorted (input
// indices in the kernel's order, by stratum code and decreasing time, with
// their times after timefix): status, weights and offsets in that order,
// the stratum boundaries, the columns centred and scaled (weighted mean;
// scale = sum(w)/sum(w |x - mean|); columns with values only in {-1, 0, 1}
// among the observations present are left alone) and stored row-major, and
// the tie structure. Input rows missing from sorted must have weight 0.
// freq marks the weights as frequencies (see problem.freq). reuse, if not
// nil, is an earlier layout (or an empty one) whose problem and order are
// overwritten instead of allocated (Fitter): its model's data no longer
// hold.
func layout(sorted []int32, fixed []float64, codes []int32, labels []int, event []bool, x [][]float64, opt *Options, weights []float64, freq bool, reuse *fitted) (*problem, *fitted) {
	n, p := len(sorted), len(x)
	pr, old := &problem{}, problem{}
	var order []int
	spare := reuse != nil
	if reuse != nil {
		pr, old, order = reuse.pr, *reuse.pr, reuse.order
	}
	*pr = problem{
		n: n, p: p, efron: opt.Ties == Efron, freq: freq,
		x:      grow(old.x, n*p, spare),
		time:   fixed, // tied where equal but for rounding error, as coxph's aeqSurv
		status: grow(old.status, n, spare),
		a:      make([]float64, p), a2: make([]float64, p),
		starts: old.starts[:0], gend: old.gend[:0], gstart: old.gstart[:0], gdead: old.gdead[:0], gdwt: old.gdwt[:0],
	}
	f := &fitted{pr: pr, order: grow(order, n, spare), in: len(event), strata: labels,
		center: make([]float64, p), scale: make([]float64, p)}
	if weights != nil {
		pr.w = grow(old.w, n, spare)
	}
	if opt.Offset != nil {
		pr.off = make([]float64, n)
		var s float64
		for _, o := range opt.Offset {
			s += o
		}
		f.offMean = s / float64(n)
	}
	pr.starts = append(pr.starts, 0)
	for k, i32 := range sorted {
		i := int(i32)
		f.order[k] = i
		pr.status[k] = event[i]
		if pr.w != nil {
			pr.w[k] = weights[i]
		}
		if pr.off != nil {
			pr.off[k] = opt.Offset[i]
		}
		if k > 0 && codes != nil && codes[i] != codes[sorted[k-1]] {
			pr.starts = append(pr.starts, k)
		}
	}
	pr.starts = append(pr.starts, n)
	// Counting-process data: start and stop times are tied where equal but
	// for rounding error jointly, as aeqSurv does for (start, stop].
	if opt.Start != nil {
		both := make([]float64, 2*n)
		for k, i := range f.order {
			both[k] = opt.Start[i]
			both[n+k] = fixed[k]
		}
		both = timefix.Apply(both)
		pr.start = both[:n:n]
		copy(pr.time, both[n:])
		pr.sortStarts()
	}
	var wsum float64
	if weights == nil {
		wsum = float64(n)
	} else {
		for _, w := range weights {
			wsum += w
		}
	}
	// Each column's centre and scale from two passes in input order, then
	// the rows put into place in one more pass in input order: reading the
	// columns in sorted order instead would miss the cache once per value,
	// where writing each row to its sorted place misses about once per row.
	for j, col := range x {
		f.scale[j] = 1
		unit, s := unitSum(col, weights)
		if unit {
			continue // centre 0, scale 1: the values as they are
		}
		mean := s / wsum
		var sa float64
		if weights == nil {
			for _, v := range col {
				sa += math.Abs(v - mean)
			}
		} else {
			for i, v := range col {
				sa += weights[i] * math.Abs(v-mean)
			}
		}
		sc := 1.0
		if sa > 0 {
			sc = wsum / sa
		}
		f.center[j], f.scale[j] = mean, sc
	}
	var at []int32 // at[i] = sorted position of input row i + 1; 0: not present
	if reuse != nil {
		at = grow(reuse.at, len(event), false)
		clear(at)
		f.at = at
	} else {
		at = make([]int32, len(event))
	}
	for k, i := range sorted {
		at[i] = int32(k + 1)
	}
	for i, k1 := range at {
		if k1 == 0 {
			continue
		}
		row := pr.x[(int(k1)-1)*p:][:p]
		for j, col := range x {
			row[j] = (col[i] - f.center[j]) * f.scale[j]
		}
	}
	pr.ties()
	return pr, f
}

// grow returns s with length n, its contents left to be overwritten; it
// reallocates only if s has not the capacity, with 1/32 to spare if spare
// is set: memory reused for bootstrap resamples, whose numbers of distinct
// rows vary by 0.5% at 10,000 rows (sd 0.48 sqrt(n) rows of 0.632 n), is
// then allocated once.
func grow[T any](s []T, n int, spare bool) []T {
	if cap(s) >= n {
		return s[:n]
	}
	if !spare {
		return make([]T, n)
	}
	return make([]T, n, n+n/32)
}

// unitSum reports whether every value of the rows present (weight > 0;
// weights nil: every row) is -1, 0 or 1 (coxph's nocenter), and returns the
// (weighted) sum of the values, in one pass.
func unitSum(col, weights []float64) (unit bool, sum float64) {
	unit = true
	if weights == nil {
		for _, v := range col {
			unit = unit && (v == 0 || v == 1 || v == -1)
			sum += v
		}
		return unit, sum
	}
	for i, v := range col {
		unit = unit && (v == 0 || v == 1 || v == -1 || !(weights[i] > 0))
		sum += weights[i] * v
	}
	return unit, sum
}

// nrResult is the outcome of the Newton-Raphson iteration on the scaled
// problem.
type nrResult struct {
	beta, u, inv    []float64 // at the returned estimate; inv = generalised inverse information
	loglik0, loglik float64
	sctest          float64
	iter            int
	converged       bool
}

// newtonRaphson runs coxfit6's iteration: score test at init, then Newton
// steps; a step that lowers the log-likelihood or overflows is shrunk
// towards the last good beta (by 1/2, then 2/3, 3/4, ... of the way back).
func newtonRaphson(pr *problem, init []float64, maxIter int, eps float64) nrResult {
	p := pr.p
	beta := append([]float64(nil), init...)
	newBeta := make([]float64, p)
	u := make([]float64, p)
	imat := make([]float64, p*p)
	step := make([]float64, p)
	var r nrResult
	r.loglik0 = pr.eval(beta, u, imat)
	copy(step, u)
	ldlFactor(imat, p, tolerChol)
	ldlSolve(imat, p, step)
	for j := range u {
		r.sctest += u[j] * step[j]
	}
	finish := func(b []float64, lk float64) nrResult {
		r.beta = append([]float64(nil), b...)
		r.u = append([]float64(nil), u...)
		r.inv = ldlInverse(imat, p)
		r.loglik = lk
		return r
	}
	if maxIter == 0 || !isFinite(r.loglik0) {
		return finish(beta, r.loglik0)
	}
	best := r.loglik0
	for j := range newBeta {
		newBeta[j] = beta[j] + step[j]
	}
	halving := 0
	var newlk float64
	for r.iter = 1; r.iter <= maxIter; r.iter++ {
		newlk = pr.eval(newBeta, u, imat)
		ldlFactor(imat, p, tolerChol)
		finite := isFinite(newlk)
		for _, v := range u {
			finite = finite && isFinite(v)
		}
		for _, v := range imat {
			finite = finite && isFinite(v)
		}
		if finite && math.Abs(1-best/newlk) <= eps {
			r.converged = true
			return finish(newBeta, newlk)
		}
		if r.iter == maxIter {
			break
		}
		if !finite || newlk < best {
			halving++
			h := float64(halving)
			for j := range newBeta {
				newBeta[j] = (newBeta[j] + h*beta[j]) / (h + 1)
			}
			continue
		}
		halving = 0
		best = newlk
		ldlSolve(imat, p, u)
		for j := range newBeta {
			beta[j] = newBeta[j]
			newBeta[j] += u[j]
		}
	}
	// Out of iterations: report the last good beta with its own u and
	// information; with a single iteration allowed, the one Newton step.
	r.iter = maxIter
	if maxIter > 1 {
		best = pr.eval(beta, u, imat)
		ldlFactor(imat, p, tolerChol)
		return finish(beta, best)
	}
	return finish(newBeta, newlk)
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// warnFit adds coxph.fit's warnings (survival 3.5) by column name.
func (m *Model) warnFit(nr nrResult, beta, u, vr []float64, eps float64, maxIter int) {
	p := len(beta)
	for j, a := range m.Aliased {
		if a {
			m.Warnings = append(m.Warnings, fmt.Sprintf("%s is constant or collinear with other columns (X matrix deemed to be singular); its coefficient is NA", m.Names[j]))
		}
	}
	if maxIter <= 1 {
		return
	}
	infs := make([]float64, p)
	for j := 0; j < p; j++ {
		var s float64
		for k := 0; k < p; k++ {
			s += u[k] * vr[k*p+j]
		}
		infs[j] = math.Abs(s)
	}
	if !nr.converged {
		m.Warnings = append(m.Warnings, fmt.Sprintf("Ran out of iterations (%d) and did not converge", maxIter))
		maxLP := math.Inf(-1)
		m.fit.pr.eval(nr.beta, nil, nil) // the linear predictors at the returned estimate
		for _, e := range m.fit.pr.eta {
			maxLP = math.Max(maxLP, e)
		}
		inf := maxLP > 500
		for _, v := range infs {
			inf = inf || !isFinite(v)
		}
		if inf {
			m.Warnings = append(m.Warnings, "one or more coefficients may be infinite")
		}
	}
	// R applies this per-column test only after convergence; we also
	// apply it after non-convergence, so the column is named either way.
	tolerInf := math.Sqrt(eps)
	for j := 0; j < p; j++ {
		if m.Aliased[j] {
			continue
		}
		if !isFinite(u[j]) || (infs[j] > eps && infs[j] > tolerInf*math.Abs(beta[j])) {
			if nr.converged {
				m.Warnings = append(m.Warnings, fmt.Sprintf("Loglik converged before variable %s; coefficient may be infinite", m.Names[j]))
			} else {
				m.Warnings = append(m.Warnings, fmt.Sprintf("coefficient of %s may be infinite (the likelihood still rises along it)", m.Names[j]))
			}
		}
	}
}

// noteEmptyStrata warns about strata without events: they add nothing to
// the partial likelihood.
func (m *Model) noteEmptyStrata(names []string) {
	pr := m.fit.pr
	if len(pr.starts) <= 2 {
		return
	}
	for s := 0; s+1 < len(pr.starts); s++ {
		ev := false
		for i := pr.starts[s]; i < pr.starts[s+1] && !ev; i++ {
			ev = pr.status[i]
		}
		if ev {
			continue
		}
		label := m.fit.strata[s]
		name := fmt.Sprint(label)
		if names != nil && label >= 0 && label < len(names) {
			name = names[label]
		}
		m.Warnings = append(m.Warnings, fmt.Sprintf("stratum %s has no events; it adds nothing to the fit", name))
	}
}

// summarize fills SE, HR, CI, z, p and the three tests.
func (m *Model) summarize(sctest float64) {
	p := len(m.Coef)
	z975 := distuv.UnitNormal.Quantile(0.975)
	m.SE = make([]float64, p)
	m.HR = make([]float64, p)
	m.HRLower = make([]float64, p)
	m.HRUpper = make([]float64, p)
	m.Z = make([]float64, p)
	m.P = make([]float64, p)
	for j := range m.Coef {
		b := m.Coef[j]
		se := math.Sqrt(m.Var[j][j])
		m.SE[j] = se
		m.HR[j] = math.Exp(b)
		m.HRLower[j] = math.Exp(b - z975*se)
		m.HRUpper[j] = math.Exp(b + z975*se)
		m.Z[j] = b / se
		m.P[j] = 2 * distuv.UnitNormal.CDF(-math.Abs(m.Z[j]))
	}
	df := m.Rank
	m.LRT = chisqTest(2*(m.Loglik-m.LoglikNull), df)
	m.Score = chisqTest(sctest, df)
	// Wald: b' V^-1 b on the estimable columns.
	var idx []int
	for j, a := range m.Aliased {
		if !a {
			idx = append(idx, j)
		}
	}
	q := len(idx)
	v := make([]float64, q*q)
	b := make([]float64, q)
	for r, j := range idx {
		b[r] = m.Coef[j]
		for c, k := range idx {
			v[r*q+c] = m.Var[j][k]
		}
	}
	rank := ldlFactor(v, q, tolerChol)
	sol := append([]float64(nil), b...)
	ldlSolve(v, q, sol)
	var w float64
	for r := range b {
		w += b[r] * sol[r]
	}
	m.Wald = chisqTest(w, rank)
}

func chisqTest(stat float64, df int) Test {
	t := Test{Statistic: stat, DF: df, P: math.NaN()}
	if df > 0 {
		t.P = distuv.ChiSquared{K: float64(df)}.Survival(stat)
	}
	return t
}
