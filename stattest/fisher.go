package stattest

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// FisherResult is the result of FisherExact.
type FisherResult struct {
	// P is the two-sided p-value: the total probability, under
	// independence with both margins fixed, of the tables no more likely
	// than the observed one.
	P float64
	// OddsRatio is the conditional maximum-likelihood odds ratio of a 2x2
	// table (0 or +Inf at the edges of its support); NaN for larger tables.
	OddsRatio float64
	// ConfInt is the exact 95% confidence interval of OddsRatio; NaN for
	// larger tables.
	ConfInt [2]float64
	// Rows and Cols are the dimensions actually tested, after empty rows
	// and columns were dropped.
	Rows, Cols int
}

// ErrTableTooLarge is returned by FisherExact when the exact p-value would
// take too long; use ChiSquare or FisherMonteCarlo instead.
var ErrTableTooLarge = errors.New("stattest: table too large for the exact Fisher test; use the chi-square test or a Monte Carlo p-value")

// fisherRelTol is R's relative tolerance when comparing a table's
// probability with the observed one (fisher.test's relErr = 1 + 1e-7).
const fisherRelTol = 1e-7

// FisherExact is Fisher's exact test of independence in an r x c table of
// counts, R's fisher.test(table) (two-sided, conf.level = 0.95). Rows and
// columns whose total is 0 carry no information and are dropped first; at
// least a 2x2 table must remain.
//
// For a 2x2 table [[a, b], [c, d]] the count a follows, given the margins,
// the noncentral hypergeometric distribution
//
//	P(a = x) ∝ C(m, x) C(n, k-x) psi^x,  m = a+c, n = b+d, k = a+b
//
// with psi the odds ratio. OddsRatio is the psi whose mean equals the
// observed a (the conditional MLE, not ad/bc), and ConfInt the psi at
// which the upper and lower tail probabilities of a equal 0.025; both are
// roots found as R's uniroot finds them (see uniroot), so they agree with R
// to about 1e-9 relative rather than to the exact root.
//
// For larger tables the p-value sums, over all tables with the observed
// margins, the multivariate hypergeometric probabilities
// prod R_i! prod C_j! / (N! prod x_ij!) no larger than the observed table's
// times 1 + 1e-7. The tables are enumerated column by column as paths in a
// network whose nodes are the remaining row margins (the network algorithm
// of Mehta and Patel, JASA 1983): a node whose most likely completion (an
// exact longest path) is already no more likely than the observed table
// contributes its whole mass in closed form, one whose least likely
// completion is more likely contributes nothing. Tables with 2 or 3 rows
// (or columns) and at least 4 of the other, the study's grade x tercile
// and stage x tercile tables, are walked stage by stage with the
// undecided past probabilities of each node aggregated, sorted, and met
// with the last two columns per node (listWalk); any other table meets in
// the middle, per middle node, by sorted first- and second-half path
// lengths (see fisherRxC). The sum is exact to rounding (past
// probabilities within a relative 1e-10 are merged, which can only move a
// table within 1e-9 of the threshold); R's FEXACT merges more coarsely and
// agrees with it to about 1e-7 relative (2e-7 on a strongly associated 5
// x 3 table).
//
// Measured (CPU time, and wall time on the shared 2-core machine at a
// load of 15-16; R 4.2's fisher.test with workspace = 2e8, which its
// default workspace cannot run): CRS grade 0-4 x tercile, N = 500: 0.18 s
// (0.6 s wall; R 46 s); stage 4 x 3, N = 500: 0.15 s (0.5 s; R 15 s);
// tables that R's FEXACT cannot compute even with workspace = 1e9:
// tercile x ICANS grade 0-5, N = 508, p = 0.0056: 0.6 s (2 s); tercile x
// CRS grade 0-5, N = 508, p = 1e-25: 2 s (6 s); a strongly associated 5 x
// 3, N = 520, p = 3e-21: 6.7 s (20 s; the hardest the study's shapes
// give). Beyond fisherMaxListWork (1.5e9 units, about 8 s) or
// fisherMaxWork (5e7 steps, about 1 s) or the memory caps (about 100 MB),
// FisherExact returns ErrTableTooLarge rather than run for minutes; a 3 x 6
// table of N = 1000 or more is refused within a second.
// FisherMonteCarlo (R's simulate.p.value) is the fallback.
//
// Negative counts and ragged tables are errors.
func FisherExact(table [][]int) (FisherResult, error) {
	t, err := compactTable(table)
	if err != nil {
		return FisherResult{}, err
	}
	res := FisherResult{OddsRatio: math.NaN(), ConfInt: [2]float64{math.NaN(), math.NaN()}, Rows: len(t), Cols: len(t[0])}
	if len(t) == 2 && len(t[0]) == 2 {
		h := newHyper2x2(t)
		res.P = h.pValue()
		res.OddsRatio = h.mle()
		res.ConfInt = [2]float64{h.lowerLimit(0.025), h.upperLimit(0.025)}
		return res, nil
	}
	res.P, err = fisherRxC(t, fisherDefaultLimits)
	if err != nil {
		return FisherResult{}, err
	}
	return res, nil
}

// compactTable checks a table of counts and returns a copy without its
// empty rows and columns. It errors when fewer than 2 rows or columns
// remain.
func compactTable(table [][]int) ([][]int, error) {
	if len(table) == 0 || len(table[0]) == 0 {
		return nil, errors.New("stattest: empty table")
	}
	nc := len(table[0])
	colSum := make([]int, nc)
	var keepRows []int
	for i, row := range table {
		if len(row) != nc {
			return nil, fmt.Errorf("stattest: row %d has %d columns, row 1 has %d", i+1, len(row), nc)
		}
		s := 0
		for j, v := range row {
			if v < 0 {
				return nil, fmt.Errorf("stattest: negative count %d in row %d, column %d", v, i+1, j+1)
			}
			s += v
			colSum[j] += v
		}
		if s > 0 {
			keepRows = append(keepRows, i)
		}
	}
	var keepCols []int
	for j, s := range colSum {
		if s > 0 {
			keepCols = append(keepCols, j)
		}
	}
	if len(keepRows) < 2 || len(keepCols) < 2 {
		return nil, fmt.Errorf("stattest: the table has %d non-empty rows and %d non-empty columns; a test of independence needs at least 2 of each", len(keepRows), len(keepCols))
	}
	out := make([][]int, len(keepRows))
	for a, i := range keepRows {
		out[a] = make([]int, len(keepCols))
		for b, j := range keepCols {
			out[a][b] = table[i][j]
		}
	}
	return out, nil
}

// hyper2x2 is the conditional distribution of the top-left count of a 2x2
// table given its margins, as in R's fisher.test.
type hyper2x2 struct {
	x, lo, hi int
	logdc     []float64 // log central hypergeometric density on lo..hi
}

func newHyper2x2(t [][]int) *hyper2x2 {
	m := t[0][0] + t[1][0] // first column
	n := t[0][1] + t[1][1] // second column
	k := t[0][0] + t[0][1] // first row
	h := &hyper2x2{x: t[0][0], lo: max(0, k-n), hi: min(k, m)}
	h.logdc = make([]float64, h.hi-h.lo+1)
	for i := range h.logdc {
		s := h.lo + i
		h.logdc[i] = logChoose(m, s) + logChoose(n, k-s) - logChoose(m+n, k)
	}
	return h
}

func logChoose(n, k int) float64 {
	a, _ := math.Lgamma(float64(n + 1))
	b, _ := math.Lgamma(float64(k + 1))
	c, _ := math.Lgamma(float64(n - k + 1))
	return a - b - c
}

// density returns the noncentral hypergeometric probabilities with odds
// ratio ncp (0 < ncp < Inf) on lo..hi.
func (h *hyper2x2) density(ncp float64) []float64 {
	d := make([]float64, len(h.logdc))
	lncp := math.Log(ncp)
	top := math.Inf(-1)
	for i, l := range h.logdc {
		d[i] = l + lncp*float64(h.lo+i)
		top = math.Max(top, d[i])
	}
	var sum float64
	for i := range d {
		d[i] = math.Exp(d[i] - top)
		sum += d[i]
	}
	for i := range d {
		d[i] /= sum
	}
	return d
}

// mean is the mean of the noncentral hypergeometric distribution.
func (h *hyper2x2) mean(ncp float64) float64 {
	switch {
	case ncp == 0:
		return float64(h.lo)
	case math.IsInf(ncp, 1):
		return float64(h.hi)
	}
	var mu float64
	for i, p := range h.density(ncp) {
		mu += float64(h.lo+i) * p
	}
	return mu
}

// tail returns P(X <= q) or, with upper, P(X >= q) at odds ratio ncp.
func (h *hyper2x2) tail(q int, ncp float64, upper bool) float64 {
	in := func(s int) bool { return (upper && s >= q) || (!upper && s <= q) }
	var d []float64
	switch {
	case ncp == 0:
		return b2f(in(h.lo))
	case math.IsInf(ncp, 1):
		return b2f(in(h.hi))
	case ncp == 1:
		d = make([]float64, len(h.logdc))
		for i, l := range h.logdc {
			d[i] = math.Exp(l)
		}
	default:
		d = h.density(ncp)
	}
	var p float64
	for i, v := range d {
		if in(h.lo + i) {
			p += v
		}
	}
	return p
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// pValue is the two-sided p-value at odds ratio 1.
func (h *hyper2x2) pValue() float64 {
	d := h.density(1)
	limit := d[h.x-h.lo] * (1 + fisherRelTol)
	var p float64
	for _, v := range d {
		if v <= limit {
			p += v
		}
	}
	return math.Min(1, p)
}

// mle is the conditional maximum-likelihood odds ratio.
func (h *hyper2x2) mle() float64 {
	x := float64(h.x)
	switch {
	case h.x == h.lo:
		return 0
	case h.x == h.hi:
		return math.Inf(1)
	}
	mu := h.mean(1)
	switch {
	case mu > x:
		return uniroot(func(t float64) float64 { return h.mean(t) - x }, 0, 1)
	case mu < x:
		return 1 / uniroot(func(t float64) float64 { return h.mean(1/t) - x }, machEps, 1)
	}
	return 1
}

const machEps = 2.220446049250313e-16

// upperLimit is the odds ratio at which P(X <= x) = alpha.
func (h *hyper2x2) upperLimit(alpha float64) float64 {
	if h.x == h.hi {
		return math.Inf(1)
	}
	p := h.tail(h.x, 1, false)
	switch {
	case p < alpha:
		return uniroot(func(t float64) float64 { return h.tail(h.x, t, false) - alpha }, 0, 1)
	case p > alpha:
		return 1 / uniroot(func(t float64) float64 { return h.tail(h.x, 1/t, false) - alpha }, machEps, 1)
	}
	return 1
}

// lowerLimit is the odds ratio at which P(X >= x) = alpha.
func (h *hyper2x2) lowerLimit(alpha float64) float64 {
	if h.x == h.lo {
		return 0
	}
	p := h.tail(h.x, 1, true)
	switch {
	case p > alpha:
		return uniroot(func(t float64) float64 { return h.tail(h.x, t, true) - alpha }, 0, 1)
	case p < alpha:
		return 1 / uniroot(func(t float64) float64 { return h.tail(h.x, 1/t, true) - alpha }, machEps, 1)
	}
	return 1
}

// FisherMonteCarlo estimates the p-value of FisherExact by simulation, as
// R's fisher.test(table, simulate.p.value = TRUE, B = replicates): each
// replicate is a random table with the observed margins (a random
// permutation of the column labels of the N subjects against their row
// labels, so tables arise with their hypergeometric probabilities), and
//
//	P = (1 + #{replicates with prod 1/x_ij! <= the observed one}) / (replicates + 1)
//
// The comparison allows a relative 64 eps, as R does. The same seed gives
// the same p-value; the simulation costs O(replicates (N + r c)).
// Replicates must be positive.
func FisherMonteCarlo(table [][]int, replicates int, seed uint64) (float64, error) {
	if replicates < 1 {
		return 0, fmt.Errorf("stattest: Monte Carlo replicates must be positive, got %d", replicates)
	}
	t, err := compactTable(table)
	if err != nil {
		return 0, err
	}
	var rowOf, colOf []int
	for i, row := range t {
		for j, v := range row {
			for range v {
				rowOf = append(rowOf, i)
				colOf = append(colOf, j)
			}
		}
	}
	n := len(rowOf)
	lf := logFactorials(n)
	stat := func(tab [][]int) float64 {
		var s float64
		for _, row := range tab {
			for _, v := range row {
				s -= lf[v]
			}
		}
		return s
	}
	obs := stat(t) / (1 + 64*machEps) // obs < 0: dividing moves it up, toward ties
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	sim := make([][]int, len(t))
	for i := range sim {
		sim[i] = make([]int, len(t[0]))
	}
	hits := 0
	for range replicates {
		rng.Shuffle(n, func(a, b int) { colOf[a], colOf[b] = colOf[b], colOf[a] })
		for i := range sim {
			clear(sim[i])
		}
		for k := range n {
			sim[rowOf[k]][colOf[k]]++
		}
		if stat(sim) <= obs {
			hits++
		}
	}
	return float64(1+hits) / float64(replicates+1), nil
}

// logFactorials returns log(k!) for k = 0..n.
func logFactorials(n int) []float64 {
	lf := make([]float64, n+1)
	for k := 2; k <= n; k++ {
		lf[k], _ = math.Lgamma(float64(k + 1)) // not a running sum, whose rounding grows with n
	}
	return lf
}
