package maxstat

import (
	"fmt"
	"math"
)

// maxHLCells bounds the table of PHL (cut sizes x score sums).
const maxHLCells = 6e7

// PHL returns the p-value of the maximally selected statistic b for integer
// scores by the algorithm of Hothorn and Lausen (2003), maxstat:::pmaxstat,
// used by maxstat.test(pmethod = "HL"). sorted holds the scores in ascending
// order of x and m the cut positions (ascending).
//
// The scores are shifted to a minimum of 0, so every sum is an integer
// s in [0, A]. The shift algorithm (Streitberg and Roehmel) gives
// P_m(s), the probability that m scores drawn without replacement sum to s,
// through the recursion over the scores a_j, j = 1..N,
//
//	P_{j,m}(s) = (j-m)/j P_{j-1,m}(s) + m/j P_{j-1,m-1}(s - a_j),
//
// and then, with stat_m(s) = |s - E_m| / sqrt(V_m) as in TestScores,
//
//	p = sum_{m in cuts} [ sum_{s >= 1: stat_m(s) > b} P_m(s) - C_m ],
//
// where C_m (for every cut but the first) subtracts the mass P_{m-1}(s) of
// sums with stat_{m-1}(s) > b that stay beyond b when the next score is the
// largest (s < E_{m-1}: stat_m(s + max a) > b) or the smallest
// (s > E_{m-1}: stat_m(s) > b); p is capped at 1. This reproduces R,
// including its exclusion of the sum s = 0 and its strict "> b". With a
// single cut the exact two-sided permutation p-value P(stat_m >= b) is
// returned, as maxstat does through exactRankTests::pperm, with b relaxed by
// a relative 1e-7 to absorb rounding of the observed statistic.
//
// The table has (max m + 1) x (A + 1) cells and the time grows as N times
// that, so PHL is for small samples; it returns an error when the table
// would exceed 6e7 cells, or when the scores are not integers. PHL panics
// if m is empty.
func PHL(b float64, sorted []float64, m []int) (float64, error) {
	n := len(sorted)
	if len(m) == 0 {
		panic("maxstat: no cut positions")
	}
	mn := math.Inf(1)
	for _, v := range sorted {
		if v != math.Round(v) {
			return math.NaN(), fmt.Errorf("maxstat: HL needs integer scores, have %g", v)
		}
		mn = math.Min(mn, v)
	}
	sc := make([]int, n)
	tot, maxSc := 0, 0
	var ssq float64
	for i, v := range sorted {
		sc[i] = int(v - mn)
		tot += sc[i]
		maxSc = max(maxSc, sc[i])
		ssq += float64(sc[i]) * float64(sc[i])
	}
	kMax := m[len(m)-1]
	if float64(kMax+1)*float64(tot+1) > maxHLCells {
		return math.NaN(), fmt.Errorf("maxstat: HL would need a %d x %d table for N = %d; use exactGauss or condMC for samples this large", kMax+1, tot+1, n)
	}
	prob := subsetSumProbs(sc, kMax, tot)
	nf, totf := float64(n), float64(tot)
	q := nf*ssq - totf*totf
	stat := func(k, s int) float64 {
		kf := float64(k)
		e := kf / nf * totf
		v := kf * float64(n-k) / (nf * nf * float64(n-1)) * q
		return math.Abs((float64(s) - e) / math.Sqrt(v))
	}
	if len(m) == 1 {
		p := 0.0
		for s, pr := range prob[m[0]] {
			if pr > 0 && stat(m[0], s) >= b*(1-1e-7) {
				p += pr
			}
		}
		return math.Min(p, 1), nil
	}
	// beyond reports whether sum s at cut size k has positive probability
	// and a statistic above b.
	beyond := func(k, s int) bool {
		return s >= 1 && s <= tot && prob[k][s] > 0 && stat(k, s) > b
	}
	p := 0.0
	for idx, k := range m {
		for s := 1; s <= tot; s++ {
			if beyond(k, s) {
				p += prob[k][s]
			}
		}
		if idx == 0 {
			continue
		}
		i := k - 1
		e := float64(i) / nf * totf
		for s := 1; s <= tot; s++ {
			if !beyond(i, s) {
				continue
			}
			fs := float64(s)
			if (fs < e && beyond(k, s+maxSc)) || (fs > e && beyond(k, s)) {
				p -= prob[i][s]
			}
		}
	}
	return math.Min(p, 1), nil
}

// subsetSumProbs returns P[k][s], k = 0..kMax, s = 0..tot: the probability
// that k of the scores drawn without replacement sum to s.
func subsetSumProbs(sc []int, kMax, tot int) [][]float64 {
	prob := make([][]float64, kMax+1)
	for k := range prob {
		prob[k] = make([]float64, tot+1)
	}
	prob[0][0] = 1
	seen := 0 // sum of the scores processed so far
	for j1, a := range sc {
		j := float64(j1 + 1)
		seen += a
		for k := min(j1+1, kMax); k >= 1; k-- {
			keep, take := (j-float64(k))/j, float64(k)/j
			row, below := prob[k], prob[k-1]
			for s := seen; s >= 0; s-- {
				v := keep * row[s]
				if s >= a {
					v += take * below[s-a]
				}
				row[s] = v
			}
		}
	}
	return prob
}
