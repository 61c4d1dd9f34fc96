package spline

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"carimpi/stattest"
)

// RCSKnots returns Harrell's default knots for a restricted cubic spline
// with nk knots on the non-missing values of x, as Hmisc::rcspline.eval
// (Hmisc 4.8.0, used by rms::rcs(x, nk)) places them, checked against Hmisc on
// data exercising each rule (testdata/knots-r.R):
//
//   - knots at the type-7 quantiles of x at probabilities
//     seq(outer, 1-outer, length = nk), with outer = 0.10 for nk = 3,
//     0.05 for 4 <= nk <= 6 and 0.025 for nk >= 7;
//   - "fractied" rule: if every distinct value other than the smallest and
//     the largest holds less than 5% of the data and the smallest value holds
//     at least 5%, the first knot is the second-smallest distinct value v2,
//     the remaining knots are placed by the quantile rule on the values
//     greater than v2 (one knot fewer; with two left, Hmisc takes them at
//     probabilities 0.5 and 1-outer, with one the median); symmetrically at
//     the top;
//   - with fewer than 100 values (after the fractied trimming) the outer
//     quantile knots become the 5th smallest and 5th largest value;
//   - if the quantiles give fewer than 3 distinct knots, quantiles at 2 nk
//     equally spaced probabilities are tried (R warns in that case);
//   - with nk or fewer distinct values besides the extremes (distinct count
//     minus 2 <= nk), the knots are the interior distinct values.
//
// The knots are returned sorted and distinct, so there may be fewer than nk.
// NaN values of x are ignored and x is not modified. An error is returned
// for nk < 3, fewer than 6 non-missing values, or fewer than 3 distinct
// knots.
func RCSKnots(x []float64, nk int) ([]float64, error) {
	if nk < 3 {
		return nil, fmt.Errorf("spline: rcs needs at least 3 knots, got %d", nk)
	}
	xx := make([]float64, 0, len(x))
	for _, v := range x {
		if !math.IsNaN(v) {
			xx = append(xx, v)
		}
	}
	n := len(xx)
	if n < 6 {
		return nil, fmt.Errorf("spline: rcs knots need at least 6 non-missing values, got %d", n)
	}
	sort.Float64s(xx)
	distinct, counts := tabulate(xx)
	nu := len(distinct)
	if nu < 3 {
		return nil, errTooFewKnots
	}
	if nu-2 <= nk {
		// Hmisc: "knots set to nu-2 interior values".
		return finishKnots(distinct[1 : nu-1])
	}

	outer := 0.05
	switch {
	case nk == 3:
		outer = 0.1
	case nk > 6:
		outer = 0.025
	}

	nke := nk
	var first, last []float64
	lo, hi := 0, n // xx[lo:hi] is the data left for the quantile rule
	const fractied = 0.05
	interiorMax := 0
	for _, c := range counts[1 : nu-1] {
		interiorMax = max(interiorMax, c)
	}
	if float64(interiorMax)/float64(n) < fractied {
		if float64(counts[0])/float64(n) >= fractied {
			v2 := distinct[1]
			first = []float64{v2}
			lo = counts[0] + counts[1] // values > v2
			nke--
		}
		if float64(counts[nu-1])/float64(n) >= fractied {
			w2 := distinct[nu-2]
			last = []float64{w2}
			hi = n - counts[nu-1] - counts[nu-2] // values < w2
			nke--
		}
	}
	rest := xx[lo:hi]

	var knots []float64
	switch {
	case nke == 1:
		knots = []float64{stattest.QuantileSorted(rest, 0.5)}
	default:
		from := outer
		if nke == 2 {
			from = 0.5 // Hmisc: seq(0.5, 1 - outer, length = 2)
		}
		knots = quantileKnots(rest, from, 1-outer, nke)
		if countDistinct(knots) < min(nke, 3) {
			knots = quantileKnots(rest, outer, 1-outer, 2*nke)
			if first != nil && countDistinct(knots) < 3 {
				mid := stattest.QuantileSorted(rest, 0.5)
				top := stattest.QuantileSorted(rest, 1-outer)
				if last != nil {
					mid = (first[0] + last[0]) / 2
					top = last[0]
				}
				knots = []float64{first[0], mid, top}
			}
		}
		// Small samples: outer knots at the 5th smallest and largest value
		// (applied by Hmisc after any fallback, at positions 1 and nke).
		if len(rest) < 100 && len(rest) >= 5 {
			if first == nil {
				knots[0] = rest[4]
			}
			if last == nil && nke <= len(knots) {
				knots[nke-1] = rest[len(rest)-5]
			}
		}
	}
	all := append(append(first, knots...), last...)
	return finishKnots(all)
}

// quantileKnots returns the type-7 quantiles of sorted x at
// seq(from, to, length = k), computed as R's seq does.
func quantileKnots(x []float64, from, to float64, k int) []float64 {
	q := make([]float64, k)
	by := (to - from) / float64(k-1)
	for i := range q {
		p := from + float64(i)*by
		if i == k-1 {
			p = to
		}
		q[i] = stattest.QuantileSorted(x, p)
	}
	return q
}

// finishKnots sorts and de-duplicates knots and checks that at least 3 remain.
func finishKnots(k []float64) ([]float64, error) {
	out := append([]float64(nil), k...)
	sort.Float64s(out)
	j := 0
	for i, v := range out {
		if i == 0 || v != out[j-1] {
			out[j] = v
			j++
		}
	}
	out = out[:j]
	if len(out) < 3 {
		return nil, errTooFewKnots
	}
	return out, nil
}

var errTooFewKnots = errors.New("spline: fewer than 3 distinct knots; the variable has too few distinct values for a restricted cubic spline")

// tabulate returns the distinct values of sorted x and their counts.
func tabulate(x []float64) (vals []float64, counts []int) {
	for i, v := range x {
		if i == 0 || v != x[i-1] {
			vals = append(vals, v)
			counts = append(counts, 0)
		}
		counts[len(counts)-1]++
	}
	return vals, counts
}

func countDistinct(k []float64) int {
	s := append([]float64(nil), k...)
	sort.Float64s(s)
	v, _ := tabulate(s)
	return len(v)
}

// RCS evaluates the restricted cubic spline basis at x for the given knots
// t_1 < ... < t_k, the norm = 2 basis of Hmisc::rcspline.eval(inclx = TRUE)
// used by rms::rcs:
//
//	B_0(x) = x
//	B_j(x) = ((x-t_j)+/kd)^3
//	         + ((t_{k-1}-t_j) ((x-t_k)+/kd)^3 - (t_k-t_j) ((x-t_{k-1})+/kd)^3) / (t_k - t_{k-1}),
//	         j = 1..k-2,   kd = (t_k - t_1)^(2/3),   u+ = max(u, 0).
//
// The result has k-1 elements; it is written to dst if cap(dst) >= k-1 and
// to a new slice otherwise. A NaN x gives a row of NaN. RCS panics if there
// are fewer than 3 knots or they are not strictly increasing.
func RCS(dst []float64, x float64, knots []float64) []float64 {
	k := len(knots)
	if k < 3 {
		panic("spline: rcs needs at least 3 knots")
	}
	checkIncreasing(knots)
	dst = resize(dst, k-1)
	dst[0] = x
	t1, tk, tk1 := knots[0], knots[k-1], knots[k-2]
	kd := math.Pow(tk-t1, 2.0/3.0)
	pk := cubePos((x - tk) / kd)
	pk1 := cubePos((x - tk1) / kd)
	for j := 0; j < k-2; j++ {
		tj := knots[j]
		dst[j+1] = cubePos((x-tj)/kd) + ((tk1-tj)*pk-(tk-tj)*pk1)/(tk-tk1)
	}
	return dst
}

// cubePos returns max(u, 0)^3, propagating NaN.
func cubePos(u float64) float64 {
	if u < 0 {
		return 0
	}
	return u * u * u
}

// LSP evaluates the linear spline of rms::lsp at x with the given knots
// k_1 < ... < k_m:
//
//	x, (x-k_1)+, (x-k_2)+, ..., (x-k_m)+
//
// so that in a fitted model the first coefficient is the slope below k_1 and
// each further coefficient is the change of slope at its knot. The result
// has m+1 elements, written to dst if its capacity suffices. LSP panics if
// there are no knots or they are not strictly increasing.
func LSP(dst []float64, x float64, knots []float64) []float64 {
	checkLinearKnots(knots)
	dst = resize(dst, len(knots)+1)
	dst[0] = x
	for j, kj := range knots {
		dst[j+1] = pos(x - kj)
	}
	return dst
}

// LSPSegments evaluates the linear spline with knots k_1 < ... < k_m in
// the slope-per-segment form:
//
//	min(x, k_1), min(max(x-k_1, 0), k_2-k_1), ..., min(max(x-k_{m-1}, 0), k_m-k_{m-1}), max(x-k_m, 0)
//
// The columns sum to x, and each coefficient of a fitted model is the slope
// within its segment. With one knot k this is min(x, k), max(x-k, 0). It
// spans the same space as LSP, so both give the same fit. The result has m+1
// elements, written to dst if its capacity suffices. LSPSegments panics if
// there are no knots or they are not strictly increasing.
func LSPSegments(dst []float64, x float64, knots []float64) []float64 {
	checkLinearKnots(knots)
	m := len(knots)
	dst = resize(dst, m+1)
	dst[0] = math.Min(x, knots[0])
	for j := 1; j < m; j++ {
		dst[j] = math.Min(pos(x-knots[j-1]), knots[j]-knots[j-1])
	}
	dst[m] = pos(x - knots[m-1])
	return dst
}

// pos returns max(u, 0), propagating NaN.
func pos(u float64) float64 {
	if u < 0 {
		return 0
	}
	return u
}

func checkLinearKnots(knots []float64) {
	if len(knots) == 0 {
		panic("spline: linear spline needs at least one knot")
	}
	checkIncreasing(knots)
}

func checkIncreasing(knots []float64) {
	for i := 1; i < len(knots); i++ {
		if !(knots[i] > knots[i-1]) {
			panic("spline: knots not strictly increasing")
		}
	}
	for _, k := range knots {
		if math.IsNaN(k) || math.IsInf(k, 0) {
			panic("spline: knot not finite")
		}
	}
}

func resize(dst []float64, n int) []float64 {
	if cap(dst) >= n {
		return dst[:n]
	}
	return make([]float64, n)
}
