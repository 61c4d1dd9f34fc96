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
	return logRankScores(nil, sortedIndex(time), time, event, nil, n)
}

// logRankScores is LogRankScores of the rows byTime sorts by ascending
// time, row i repeated count[i] times (count nil: once), n repetitions in
// all: the scores of a row's copies are equal, and the sum of 1/denom over
// a group's deaths is added once per copy, in the same order of additions
// as over the repeated rows (the terms of a group are equal). Rows of
// count 0 get score 0. The scores are written in dst if it has room.
func logRankScores(dst []float64, byTime []int32, time []float64, event []bool, count []int32, n int) []float64 {
	a := dst
	if cap(a) < len(time) {
		a = make([]float64, len(time))
	}
	a = a[:len(time)]
	times := func(i int32) int {
		if count == nil {
			return 1
		}
		return int(count[i])
	}
	cum := 0.0
	seen := 0 // copies before the group
	for lo := 0; lo < len(byTime); {
		hi := lo + 1
		for hi < len(byTime) && time[byTime[hi]] == time[byTime[lo]] {
			hi++
		}
		group := 0
		for _, i := range byTime[lo:hi] {
			group += times(i)
		}
		// seen + group is the maximum rank of the tied group (1-based).
		inc := 1 / float64(n-seen-group+1) // one division per group, not per death
		for _, i := range byTime[lo:hi] {
			if event[i] {
				for range times(i) {
					cum += inc
				}
			}
		}
		for _, i := range byTime[lo:hi] {
			switch {
			case times(i) == 0:
				a[i] = 0
			case event[i]:
				a[i] = 1 - cum
			default:
				a[i] = -cum
			}
		}
		seen += group
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
