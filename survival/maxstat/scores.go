package maxstat

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"

	"carimpi/internal/sortkey"
)

// LogRankScores returns the log-rank (Savage) scores of a right-censored
// outcome, exactRankTests::cscores(Surv(time, event), type = "LogRank"):
//
//	a_i = d_i - sum_{j: t_j <= t_i} d_j / (N - r_j + 1)
//
// where d is the event indicator and r_j the rank of t_j with tied times
// given the maximum rank, so tied times share the denominator
// N - maxrank + 1 (with ties this is not exactly the Nelson-Aalen
// increment). The scores are returned in data order and sum to zero.
// LogRankScores panics if the slices differ in length.
func LogRankScores(time []float64, event []bool) []float64 {
	n := len(time)
	if len(event) != n {
		panic(badLength)
	}
	idx := sortedIndex(time)
	a := make([]float64, n)
	cum := 0.0
	for lo := 0; lo < n; {
		hi := lo + 1
		for hi < n && time[idx[hi]] == time[idx[lo]] {
			hi++
		}
		// hi is the maximum rank of the tied group (1-based).
		denom := float64(n - hi + 1)
		for _, i := range idx[lo:hi] {
			if event[i] {
				cum += 1 / denom
			}
		}
		for _, i := range idx[lo:hi] {
			if event[i] {
				a[i] = 1 - cum
			} else {
				a[i] = -cum
			}
		}
		lo = hi
	}
	return a
}

// WilcoxonScores returns the mid-ranks of y, R's rank(y), the scores of
// maxstat.test(smethod = "Wilcoxon") for an uncensored outcome.
func WilcoxonScores(y []float64) []float64 {
	r, _ := sortkey.MidRanks(y)
	return r
}

// NormalScores returns the van der Waerden scores of y,
// qnorm(rank(y) / (N + 1)) with mid-ranks, the scores of
// maxstat.test(smethod = "NormalQuantil") for an uncensored outcome.
func NormalScores(y []float64) []float64 {
	r, _ := sortkey.MidRanks(y)
	n1 := float64(len(y) + 1)
	for i, v := range r {
		r[i] = distuv.UnitNormal.Quantile(v / n1)
	}
	return r
}

// IntegerScores returns the integer scores maxstat uses for the exact
// conditional (HL) p-value (maxstat.test with iscores = TRUE): scores
// that are already integers are kept; scores whose fractional parts are all
// 0 or 0.5 are doubled; otherwise
//
//	round((a - min a) N / max(a - min a))
//
// with R's round (half to even). a is not modified.
func IntegerScores(a []float64) []float64 {
	out := append([]float64(nil), a...)
	sumFrac, allHalf := 0.0, true
	for _, v := range a {
		f := v - math.Floor(v)
		sumFrac += f
		if f != 0 && f != 0.5 {
			allHalf = false
		}
	}
	switch {
	case sumFrac == 0:
	case allHalf:
		for i := range out {
			out[i] *= 2
		}
	default:
		mn := math.Inf(1)
		for _, v := range out {
			mn = math.Min(mn, v)
		}
		mx := math.Inf(-1)
		for i := range out {
			out[i] -= mn
			mx = math.Max(mx, out[i])
		}
		n := float64(len(out))
		for i, v := range out {
			out[i] = math.RoundToEven(v * n / mx)
		}
	}
	return out
}

// sortedIndex returns the permutation that sorts v ascending (stable).
func sortedIndex(v []float64) []int32 {
	idx, _ := sortkey.Index(v)
	return idx
}
