package stattest

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"

	"carimpi/internal/sortkey"
)

// ErrAllTied is returned by the rank tests when every value is the same, so
// that the ranks carry no information and the statistic is undefined (R
// gives NaN).
var ErrAllTied = errors.New("stattest: all values are tied; a rank test is undefined")

func finite(x []float64) []float64 {
	out := make([]float64, 0, len(x))
	for _, v := range x {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			out = append(out, v)
		}
	}
	return out
}

// RankSum is the result of MannWhitney.
type RankSum struct {
	// W is R's statistic: the rank sum of x minus n1(n1+1)/2, which is the
	// Mann-Whitney U of x (the number of pairs with x_i > y_j, ties 1/2).
	W float64
	// P is the two-sided p-value.
	P float64
	// Exact reports whether P comes from the exact null distribution of W;
	// otherwise it comes from the normal approximation and Z is set.
	Exact bool
	// Z is the continuity- and tie-corrected normal deviate, NaN when Exact.
	Z      float64
	N1, N2 int
}

// MannWhitney is the two-sided Wilcoxon rank-sum (Mann-Whitney U) test of x
// against y, R's wilcox.test(x, y) with its defaults (correct = TRUE,
// exact = NULL). Non-finite values are dropped, as R does.
//
//	W = sum_{i in x} rank_i - n1(n1+1)/2   (mid-ranks of the pooled sample)
//
// When n1 < 50, n2 < 50 and there are no ties, P is exact:
// 2 P(U <= W) if W <= n1 n2/2, else 2 P(U >= W), capped at 1, with the
// null counts of U from the recursion c(k; m, n) = c(k-n; m-1, n) + c(k; m, n-1)
// (O(n1 n2 min(n1,n2)) time). Otherwise R's normal approximation with tie
// and continuity correction is used:
//
//	z = (W - n1 n2/2 - sign(W - n1 n2/2)/2) / sigma
//	sigma^2 = n1 n2/12 ((N+1) - sum(t^3 - t)/(N(N-1))),  P = 2 Phi(-|z|)
//
// with t the sizes of the tie groups. An empty sample is an error, and so
// is a pooled sample whose values are all equal (ErrAllTied).
func MannWhitney(x, y []float64) (RankSum, error) {
	xs, ys := finite(x), finite(y)
	n1, n2 := len(xs), len(ys)
	if n1 == 0 || n2 == 0 {
		return RankSum{}, fmt.Errorf("stattest: Mann-Whitney needs values in both groups, got %d and %d", n1, n2)
	}
	ranks, ties := sortkey.MidRanks(append(xs, ys...))
	var sum float64
	for _, r := range ranks[:n1] {
		sum += r
	}
	fn1, fn2 := float64(n1), float64(n2)
	res := RankSum{W: sum - fn1*(fn1+1)/2, N1: n1, N2: n2, Z: math.NaN()}
	if n1 < 50 && n2 < 50 && ties == 0 {
		res.Exact = true
		res.P = exactRankSumP(res.W, n1, n2)
		return res, nil
	}
	n := fn1 + fn2
	sigma := math.Sqrt(fn1 * fn2 / 12 * ((n + 1) - ties/(n*(n-1))))
	if sigma == 0 {
		return RankSum{}, ErrAllTied
	}
	d := res.W - fn1*fn2/2
	corr := 0.0
	switch {
	case d > 0:
		corr = 0.5
	case d < 0:
		corr = -0.5
	}
	res.Z = (d - corr) / sigma
	res.P = 2 * distuv.UnitNormal.CDF(-math.Abs(res.Z))
	return res, nil
}

// exactRankSumP is R's two-sided exact p-value of the rank-sum statistic w
// for samples of sizes m and n without ties.
func exactRankSumP(w float64, m, n int) float64 {
	counts := rankSumCounts(m, n)
	var total float64
	for _, c := range counts {
		total += c
	}
	k := int(math.Round(w))
	var tail float64
	if w > float64(m*n)/2 {
		for _, c := range counts[k:] {
			tail += c
		}
	} else {
		for _, c := range counts[:k+1] {
			tail += c
		}
	}
	return math.Min(1, 2*tail/total)
}

// rankSumCounts returns c[k], the number of the C(m+n, m) rankings of
// samples of sizes m and n whose U statistic equals k, k = 0..mn. It uses
// the recursion on which sample holds the largest value,
// c(k; i, j) = c(k-j; i-1, j) + c(k; i, j-1), keeping the counts of one i
// at a time in a flat (n+1) x (mn+1) array; only additions of positive
// counts occur, so the float64 counts keep full relative precision beyond
// 2^53.
func rankSumCounts(m, n int) []float64 {
	if m > n { // U's distribution is symmetric in the sizes; recurse on the smaller
		m, n = n, m
	}
	stride := m*n + 1
	prev := make([]float64, (n+1)*stride) // row j: counts for (i-1, j)
	cur := make([]float64, (n+1)*stride)
	for j := 0; j <= n; j++ {
		prev[j*stride] = 1 // i = 0: U = 0
	}
	for i := 1; i <= m; i++ {
		clear(cur)
		cur[0] = 1 // j = 0: U = 0
		for j := 1; j <= n; j++ {
			c := cur[j*stride : j*stride+i*j+1]
			left := cur[(j-1)*stride : (j-1)*stride+i*(j-1)+1] // (i, j-1)
			down := prev[j*stride : j*stride+(i-1)*j+1]        // (i-1, j), shifted by j
			copy(c, left)
			for k, v := range down {
				c[k+j] += v
			}
		}
		prev, cur = cur, prev
	}
	return prev[n*stride : n*stride+m*n+1]
}

// KruskalResult is the result of KruskalWallis.
type KruskalResult struct {
	H  float64 // tie-corrected Kruskal-Wallis statistic
	DF int     // number of groups - 1
	P  float64 // upper tail of chi-square(DF) at H
	N  int     // values used
}

// KruskalWallis is the Kruskal-Wallis rank-sum test that the groups come
// from the same distribution, R's kruskal.test(groups). NaN values are
// dropped. With R_j the rank sum (mid-ranks of the pooled sample) and n_j
// the size of group j,
//
//	H = (12/(N(N+1)) sum_j R_j^2/n_j - 3(N+1)) / (1 - sum(t^3 - t)/(N^3 - N))
//
// with t the sizes of the tie groups, and P = P(chi-square(k-1) > H).
// Fewer than two groups, an empty group (after dropping NaN) and all values
// tied (ErrAllTied) are errors.
func KruskalWallis(groups [][]float64) (KruskalResult, error) {
	if len(groups) < 2 {
		return KruskalResult{}, fmt.Errorf("stattest: Kruskal-Wallis needs at least 2 groups, got %d", len(groups))
	}
	var pooled []float64
	sizes := make([]int, len(groups))
	for j, g := range groups {
		f := finite(g)
		if len(f) == 0 {
			return KruskalResult{}, fmt.Errorf("stattest: Kruskal-Wallis: group %d has no values", j+1)
		}
		sizes[j] = len(f)
		pooled = append(pooled, f...)
	}
	ranks, ties := sortkey.MidRanks(pooled)
	n := float64(len(pooled))
	denom := 1 - ties/(n*n*n-n)
	if denom == 0 {
		return KruskalResult{}, ErrAllTied
	}
	var s float64
	off := 0
	for _, sz := range sizes {
		var r float64
		for _, v := range ranks[off : off+sz] {
			r += v
		}
		s += r * r / float64(sz)
		off += sz
	}
	h := (12*s/(n*(n+1)) - 3*(n+1)) / denom
	df := len(groups) - 1
	return KruskalResult{H: h, DF: df, N: len(pooled), P: distuv.ChiSquared{K: float64(df)}.Survival(h)}, nil
}
