package maxstat

import (
	"fmt"
	"math"
	"slices"
)

// maxHLCells bounds the table of PHL (the reachable score sums of each cut
// size): 1.6e7 cells are 128 MB, about N = 550 for log-rank scores, and
// the time grows as N times the cells.
const maxHLCells = 1.6e7

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
// P_m(s) is kept only on the sums m scores can reach (hlTable), about N^3/6
// cells for scores spread over 0..N, and the time grows as N times that,
// so PHL is for small samples: it returns an error, before any work, when
// the table would exceed 1.6e7 cells (128 MB), and when the scores are not
// integers. PHL panics if m is empty.
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
	prob, err := newHLTable(sc, kMax)
	if err != nil {
		return math.NaN(), err
	}
	prob.fill(sc)
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
		k := m[0]
		for i, pr := range prob.row[k] {
			if s := prob.lo[k] + i; pr > 0 && stat(k, s) >= b*(1-1e-7) {
				p += pr
			}
		}
		return math.Min(p, 1), nil
	}
	// beyond reports whether sum s at cut size k has positive probability
	// and a statistic above b.
	beyond := func(k, s int) bool {
		return s >= 1 && s <= tot && prob.at(k, s) > 0 && stat(k, s) > b
	}
	p := 0.0
	for idx, k := range m {
		for s := 1; s <= tot; s++ {
			if beyond(k, s) {
				p += prob.at(k, s)
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
				p -= prob.at(i, s)
			}
		}
	}
	return math.Min(p, 1), nil
}

// hlTable holds P_k(s), k = 0..kMax: the probability that k of the
// scores drawn without replacement sum to s. Row k is stored only on the
// sums k scores can reach, [lo[k], hi[k]] with lo[k] (hi[k]) the sum of
// the k smallest (largest) scores: for scores spread over 0..N that is
// about N^3/6 cells up to kMax = 0.9 N instead of the 0.45 N^3 of the full
// kMax x (sum + 1) table.
type hlTable struct {
	lo, hi []int
	row    [][]float64 // row[k][s-lo[k]]
}

// newHLTable allocates the table for the scores sc (non-negative
// integers) up to kMax, or returns an error when it would hold more than
// maxHLCells cells.
func newHLTable(sc []int, kMax int) (*hlTable, error) {
	asc := slices.Clone(sc)
	slices.Sort(asc)
	n := len(asc)
	t := &hlTable{lo: make([]int, kMax+1), hi: make([]int, kMax+1), row: make([][]float64, kMax+1)}
	cells := 0.0
	for k := 1; k <= kMax; k++ {
		t.lo[k] = t.lo[k-1] + asc[k-1]
		t.hi[k] = t.hi[k-1] + asc[n-k]
	}
	for k := range kMax + 1 {
		cells += float64(t.hi[k] - t.lo[k] + 1)
	}
	if cells > maxHLCells {
		return nil, fmt.Errorf("maxstat: HL would need %.3g table cells (%.0f MB) for N = %d, more than its bound of %.3g (%.0f MB); use exactGauss or condMC for samples this large",
			cells, cells*8/1e6, n, maxHLCells, maxHLCells*8/1e6)
	}
	cell := make([]float64, int(cells))
	for k := range kMax + 1 {
		w := t.hi[k] - t.lo[k] + 1
		t.row[k], cell = cell[:w:w], cell[w:]
	}
	return t, nil
}

// at returns P_k(s), 0 off the band.
func (t *hlTable) at(k, s int) float64 {
	if s < t.lo[k] || s > t.hi[k] {
		return 0
	}
	return t.row[k][s-t.lo[k]]
}

// fill computes the table by the shift algorithm over the scores sc.
func (t *hlTable) fill(sc []int) {
	kMax := len(t.row) - 1
	t.row[0][0] = 1
	seen := 0 // sum of the scores processed so far
	for j1, a := range sc {
		j := float64(j1 + 1)
		seen += a
		for k := min(j1+1, kMax); k >= 1; k-- {
			keep, take := (j-float64(k))/j, float64(k)/j
			row, below := t.row[k], t.row[k-1]
			lo, blo, bhi := t.lo[k], t.lo[k-1]+a, t.hi[k-1]+a
			for s := min(t.hi[k], seen); s >= lo; s-- {
				v := keep * row[s-lo]
				if s >= blo && s <= bhi {
					v += take * below[s-blo]
				}
				row[s-lo] = v
			}
		}
	}
}
