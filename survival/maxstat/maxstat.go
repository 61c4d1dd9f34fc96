package maxstat

import (
	"errors"
	"fmt"
	"math"
)

const badLength = "maxstat: slice lengths differ"

// Method names a p-value for the maximally selected statistic, spelled as
// maxstat.test's pmethod.
type Method string

const (
	// None computes no p-value (maxstat's default pmethod).
	None Method = "none"
	// Lau92 is the Miller-Siegmund asymptotic approximation, PLau92.
	Lau92 Method = "Lau92"
	// Lau94 is the improved Bonferroni inequality, PLau94.
	Lau94 Method = "Lau94"
	// ExactGauss is the exact probability under the Gaussian limit, PExactGauss.
	ExactGauss Method = "exactGauss"
	// HL is the exact conditional (permutation) p-value for integer scores, PHL.
	HL Method = "HL"
	// CondMC is the Monte Carlo permutation p-value, PCondMC.
	CondMC Method = "condMC"
)

// ParseMethod returns the Method spelled s (maxstat's spelling) or an error
// listing the choices.
func ParseMethod(s string) (Method, error) {
	for _, m := range []Method{None, Lau92, Lau94, ExactGauss, HL, CondMC} {
		if string(m) == s {
			return m, nil
		}
	}
	return "", fmt.Errorf("maxstat: unknown p-value method %q (use Lau92, Lau94, exactGauss, HL, condMC or none)", s)
}

// Options configure Test. The zero value is maxstat.test's default window
// (minprop 0.1, maxprop 0.9) with no p-value.
type Options struct {
	// MinProp and MaxProp bound the size m of the group x <= cut:
	// max(1, floor(N MinProp)) <= m <= floor(N MaxProp). Both zero means
	// 0.1 and 0.9.
	MinProp, MaxProp float64
	// Method is the p-value to compute; "" means None.
	Method Method
	// B is the number of permutations for CondMC (0 means 10000, as maxstat).
	B int
	// Seed seeds CondMC's permutations.
	Seed uint64
	// Tol is the absolute accuracy ExactGauss refines to (0 means 1e-8).
	Tol float64
	// Workers bounds the goroutines of CondMC and Bootstrap (0 means
	// GOMAXPROCS); results do not depend on it. ExactGauss splits each
	// step over up to 4 goroutines when the grid is large.
	Workers int
}

// window returns the proportions bounding the cut positions, or an error
// for an empty or invalid window.
func (o Options) window() (float64, float64, error) {
	if o.MinProp == 0 && o.MaxProp == 0 {
		return 0.1, 0.9, nil
	}
	if !(o.MinProp >= 0 && o.MinProp < o.MaxProp && o.MaxProp <= 1) {
		return 0, 0, fmt.Errorf("maxstat: need 0 <= minprop < maxprop <= 1, have %g and %g", o.MinProp, o.MaxProp)
	}
	return o.MinProp, o.MaxProp, nil
}

// check returns the window (see window) and the p-value method ("" is
// None), or an error for an invalid window or an unknown method.
func (o Options) check() (minProp, maxProp float64, method Method, err error) {
	if minProp, maxProp, err = o.window(); err != nil {
		return 0, 0, "", err
	}
	method = o.Method
	if method == "" {
		method = None
	}
	if _, err := ParseMethod(string(method)); err != nil {
		return 0, 0, "", err
	}
	return minProp, maxProp, method, nil
}

// Result is a maximally selected rank statistic with its scan.
type Result struct {
	// Cutpoint is the smallest cut attaining the maximum; the groups are
	// x <= Cutpoint and x > Cutpoint.
	Cutpoint float64
	// Statistic is the maximum standardized statistic, maxstat's M.
	Statistic float64
	// Cuts are the candidate cut points (distinct x values, ascending),
	// Stats the standardized statistic at each, and M the size of the
	// group x <= cut.
	Cuts  []float64
	Stats []float64
	M     []int
	// N is the number of observations.
	N int
	// Scores are the scores used, in data order (for HL, the integer scores).
	Scores []float64
	// Method is the p-value computed, P its value and PAccuracy its
	// estimated absolute error: the change at the last grid refinement for
	// ExactGauss, the Monte Carlo standard error for CondMC, 0 for the
	// closed forms and HL. P is NaN for None.
	Method    Method
	P         float64
	PAccuracy float64
	// B and Seed record CondMC's permutations.
	B    int
	Seed uint64

	sorted []float64 // scores in ascending order of x
}

// ErrConstantScores reports scores with zero variance, such as log-rank
// scores without any event: the standardized statistic is undefined.
var ErrConstantScores = errors.New("maxstat: the scores are constant (for survival data: no events), so the statistic is undefined")

// Test computes the maximally selected log-rank statistic of the survival
// outcome (time, event) over cut points of x, and the p-value opts.Method,
// as maxstat.test(Surv(time, event) ~ x, smethod = "LogRank", pmethod = ...)
// (maxstat 0.7.25). With Method HL the log-rank scores are first replaced by
// IntegerScores, as maxstat does, which changes the statistic slightly.
//
// The slices are not modified; Test panics if their lengths differ. Data
// problems (NaN x, too few distinct x values for the window, no events) are
// errors.
func Test(x, time []float64, event []bool, opts Options) (*Result, error) {
	if len(time) != len(x) || len(event) != len(x) {
		panic(badLength)
	}
	for i, t := range time {
		if math.IsNaN(t) {
			return nil, fmt.Errorf("maxstat: time %d is missing", i+1)
		}
	}
	// At large n sort x while the scores are computed: the two sorts
	// dominate the cost of the closed-form p-values.
	if len(x) < 4096 {
		return testScores(x, LogRankScores(time, event), sortedIndex(x), opts)
	}
	done := make(chan []int32)
	go func() { done <- sortedIndex(x) }()
	a := LogRankScores(time, event)
	return testScores(x, a, <-done, opts)
}

// TestScores is Test for given scores a (one per observation), such as
// WilcoxonScores or NormalScores of an uncensored outcome. At each cut
// with m observations x <= cut, S_m the sum of their scores and A, Q the
// sum of all scores and of their squares,
//
//	E_m = m/N A,  V_m = m (N-m) / (N^2 (N-1)) (N Q - A^2),
//	stat_m = |S_m - E_m| / sqrt(V_m),
//
// for m the last position of each group of tied x values (in ascending
// order), except the last group, with max(1, floor(N minprop)) <= m <=
// floor(N maxprop). This is maxstat:::cmaxstat; the one difference is
// minprop = 0 with maxprop = 1, where maxstat drops the largest valid cut
// and TestScores keeps every cut.
func TestScores(x, a []float64, opts Options) (*Result, error) {
	if len(a) != len(x) {
		panic(badLength)
	}
	// Result.Scores must not alias the caller's slice.
	return testScores(x, append([]float64(nil), a...), nil, opts)
}

// testScores is TestScores with the sorting permutation of x, idx, already
// computed (or nil).
func testScores(x, a []float64, idx []int32, opts Options) (*Result, error) {
	minProp, maxProp, method, err := opts.check()
	if err != nil {
		return nil, err
	}
	for i, v := range x {
		if math.IsNaN(v) {
			return nil, fmt.Errorf("maxstat: x %d is missing", i+1)
		}
	}
	if method == HL {
		a = IntegerScores(a)
	}
	if idx == nil {
		idx = sortedIndex(x)
	}
	xs, ys := make([]float64, len(x)), make([]float64, len(x))
	for k, i := range idx {
		xs[k], ys[k] = x[i], a[i]
	}
	return scanTest(xs, ys, a, minProp, maxProp, method, opts)
}

// scanTest scans the cuts (scan) of the x values xs with their scores ys,
// both in ascending order of x, and computes the p-value method; a are the
// scores in data order, for Result.Scores.
func scanTest(xs, ys, a []float64, minProp, maxProp float64, method Method, opts Options) (*Result, error) {
	r, err := scan(xs, ys, minProp, maxProp)
	if err != nil {
		return nil, err
	}
	r.Scores = a
	if err := r.pValue(method, minProp, maxProp, opts); err != nil {
		return nil, err
	}
	return r, nil
}

// pValue computes the p-value method of the scanned statistic.
func (r *Result) pValue(method Method, minProp, maxProp float64, opts Options) error {
	var err error
	r.Method = method
	r.P = math.NaN()
	switch method {
	case Lau92:
		r.P = PLau92(r.Statistic, minProp, maxProp)
	case Lau94:
		r.P = PLau94(r.Statistic, r.N, r.M)
	case ExactGauss:
		r.P, r.PAccuracy, err = PExactGauss(r.Statistic, r.N, r.M, opts.Tol)
	case HL:
		r.P, err = PHL(r.Statistic, r.sorted, r.M)
	case CondMC:
		r.B = opts.B
		if r.B == 0 {
			r.B = 10000
		}
		if r.B < 0 {
			return fmt.Errorf("maxstat: %d permutations", r.B)
		}
		r.Seed = opts.Seed
		r.P = PCondMC(r.Statistic, r.sorted, r.M, r.B, r.Seed, opts.Workers)
		r.PAccuracy = math.Sqrt(r.P * (1 - r.P) / float64(r.B))
	}
	return err
}

// scan computes the standardized statistics over the window of cuts: xs
// are the x values ascending and ys the scores in that order. The result
// keeps ys as its sorted scores.
func scan(xs, ys []float64, minProp, maxProp float64) (*Result, error) {
	r := &Result{sorted: ys}
	if err := scanRuns(len(xs), runs{x: xs, y: ys}, minProp, maxProp, r, true); err != nil {
		return nil, err
	}
	return r, nil
}

// runs are observations in ascending order of x without laying out
// repeated rows: row i = order[k] (k itself if order is nil) stands for
// count[i] copies (count nil: one) of value x[i] with score y[i].
type runs struct {
	order []int32
	x, y  []float64
	count []int32
}

func (r runs) len() int {
	if r.order == nil {
		return len(r.x)
	}
	return len(r.order)
}

// at returns the k-th row's value, score and copies.
func (r runs) at(k int) (x, y float64, c int) {
	i := k
	if r.order != nil {
		i = int(r.order[k])
	}
	c = 1
	if r.count != nil {
		c = int(r.count[i])
	}
	return r.x[i], r.y[i], c
}

// scanRuns is scan over the n observations of rs. Every sum adds the
// copies of a row one by one, as scan over the laid-out copies does, so
// the statistics are the same to the bit. It sets r's Cutpoint and
// Statistic, and with keep its N, Cuts, Stats and M.
func scanRuns(n int, rs runs, minProp, maxProp float64, r *Result, keep bool) error {
	if n < 2 {
		return fmt.Errorf("maxstat: need at least 2 observations, have %d", n)
	}
	lo := max(1, int(math.Floor(float64(n)*minProp)))
	hi := min(n-1, int(math.Floor(float64(n)*maxProp)))
	// first pass: the distinct x values, the cuts in the window (a cut
	// before the m-th copy, where a new x value starts) and the sums of
	// the scores
	var x0, prev float64
	distinct, cuts, m := 0, 0, 0
	var sum, comp, sum2, comp2 float64
	for k := range rs.len() {
		x, y, c := rs.at(k)
		if c == 0 {
			continue
		}
		switch {
		case m == 0:
			x0, distinct = x, 1
		case x != prev:
			distinct++
			if m >= lo && m <= hi {
				cuts++
			}
		}
		for range c {
			sum, comp = neumaier(sum, comp, y)
			sum2, comp2 = neumaier(sum2, comp2, y*y)
		}
		prev, m = x, m+c
	}
	if distinct == 1 {
		return fmt.Errorf("maxstat: all %d x values are equal (%g): there is no cut point", n, x0)
	}
	if cuts == 0 {
		return fmt.Errorf("maxstat: x has %d distinct values and none of its cut points leaves between %d and %d of the %d observations in the group x <= cut (minprop %g, maxprop %g); widen the window or use a finer x", distinct, lo, hi, n, minProp, maxProp)
	}
	ss, ss2 := sum+comp, sum2+comp2
	nf := float64(n)
	q := nf*ss2 - ss*ss
	if !(q > 0) {
		return ErrConstantScores
	}
	if keep {
		r.N, r.M, r.Cuts, r.Stats = n, make([]int, 0, cuts), make([]float64, 0, cuts), make([]float64, 0, cuts)
	}
	// second pass: the statistic at each cut; the first largest wins
	var cs, cc float64
	found := false
	m = 0
	for k := range rs.len() {
		x, y, c := rs.at(k)
		if c == 0 {
			continue
		}
		if m > 0 && x != prev && m >= lo && m <= hi {
			mf := float64(m)
			e := mf / nf * ss
			v := mf * float64(n-m) / (nf * nf * float64(n-1)) * q
			stat := math.Abs((cs + cc - e) / math.Sqrt(v))
			if keep {
				r.M, r.Cuts, r.Stats = append(r.M, m), append(r.Cuts, prev), append(r.Stats, stat)
			}
			if !found || stat > r.Statistic {
				r.Statistic, r.Cutpoint, found = stat, prev, true
			}
		}
		for range c {
			cs, cc = neumaier(cs, cc, y)
		}
		prev, m = x, m+c
	}
	return nil
}

// neumaier adds v to the compensated sum (s, c).
func neumaier(s, c, v float64) (float64, float64) {
	t := s + v
	if math.Abs(s) >= math.Abs(v) {
		c += (s - t) + v
	} else {
		c += (v - t) + s
	}
	return t, c
}
