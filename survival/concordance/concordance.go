package concordance

import (
	"maps"
	"math"
	"slices"
	"sync"

	"carimpi/internal/sortkey"
	"carimpi/survival/internal/timefix"
)

// Result holds a concordance index and its pair counts. The counts are
// weighted by the case weights and the time weight (so they are whole
// numbers only for Harrell's C without weights) and summed over strata.
type Result struct {
	C          float64 // concordance, (Concordant + TiedX/2) / (Concordant + Discordant + TiedX)
	SE         float64 // infinitesimal jackknife standard error of C
	Concordant float64 // comparable pairs where the earlier event has the higher score
	Discordant float64 // comparable pairs where the earlier event has the lower score
	TiedX      float64 // comparable pairs with equal scores
	TiedY      float64 // pairs of events at the same time with different scores (not comparable)
	TiedXY     float64 // pairs of events at the same time with equal scores (not comparable)
}

// Harrell returns Harrell's concordance index of score with the survival
// outcome (time, event) and its infinitesimal jackknife standard error,
// equal to R's survival::concordance(Surv(time, event) ~ score,
// reverse = TRUE) and to the concordance of summary(coxph) when score is
// the fit's linear predictor (survival 3.5; centering the score does not
// change C). Pair rules, formula and algorithm are in the package
// documentation: only pairs within the same stratum are compared, and the
// cost is O(n log n). Times that differ by rounding error only are tied
// first, as R's timefix = TRUE (aeqSurv: a gap between sorted distinct
// times of at most sqrt(machine epsilon), absolute or relative to their
// mean absolute value, joins them, and each takes the smallest time of
// its run); for times already so fixed, as coxph's, this changes nothing.
//
// strata gives each row's stratum code; nil means one stratum. If weights
// is nil, all of the weights are 1; otherwise it holds non-negative case
// weights, one per row (a pair counts w_i w_j).
//
// With no comparable pair C and SE are NaN. If any time or score is NaN the
// result is all NaN (R returns NULL). Harrell panics if the slice lengths
// differ.
func Harrell(time []float64, event []bool, score []float64, strata []int, weights []float64) Result {
	return HarrellWith(time, event, score, Options{Strata: strata, Weights: weights})
}

// Options holds the optional inputs of HarrellWith.
type Options struct {
	// Start, if not nil, makes the outcome counting-process data
	// (start, stop], as R's Surv(start, stop, event) (time-varying
	// covariates, delayed entry): row j is in the risk set at t only when
	// Start[j] < t <= time[j], so a pair (i, j) with i an event at t_i is
	// comparable when Start[j] < t_i and (t_i < time[j], or t_i = time[j]
	// with j censored); tied.y pairs are events at the same time. Start
	// and stop times are tied where they differ by rounding error only,
	// jointly, as aeqSurv does for (start, stop] data. Every Start[i] must
	// be less than time[i], else the result is all NaN (R's Surv refuses
	// such a row).
	Start []float64
	// Strata gives each row's stratum code; nil means one stratum. Only
	// pairs within a stratum are compared.
	Strata []int
	// Weights, if not nil, are non-negative case weights (a pair counts
	// w_i w_j).
	Weights []float64
	// Cluster, if not nil, gives each row's cluster code: the standard
	// error then sums each cluster's influence before squaring, as
	// concordancefit(cluster =) does for coxph with cluster() or id.
	Cluster []int
}

// HarrellWith is Harrell with counting-process data, strata, case weights
// and clusters given in opt: equal to R's
// survival::concordance(Surv(start, stop, event) ~ score + strata(s) +
// cluster(c), weights = w, reverse = TRUE), and to the concordance that
// coxph reports for such a fit (survival 3.5's concordance4 in
// concordance3.c). The walk of the package documentation is unchanged but
// for one step: before the events at each time t are counted, the rows
// whose start is at or after t leave the risk set (in decreasing order of
// start), taking with them their share of the events passed so far; the
// cost stays O(n log n). Panics if the slice lengths differ.
func HarrellWith(time []float64, event []bool, score []float64, opt Options) Result {
	checkLengths(time, event, score, opt.Strata, opt.Weights)
	if (opt.Start != nil && len(opt.Start) != len(time)) || (opt.Cluster != nil && len(opt.Cluster) != len(time)) {
		panic("concordance: start or cluster length differs from time")
	}
	return compute(time, event, score, opt, nil)
}

// Uno returns Uno's inverse-probability-of-censoring weighted concordance
// index truncated at tau (Uno, Cai, Pencina, D'Agostino and Wei, Stat Med
// 2011;30:1105-17), in the form computed by R's
// survival::concordance(Surv(time, event) ~ score, timewt = "n/G2",
// ymax = tau, reverse = TRUE):
//
//	C_tau = sum_{i,j} w_i w_j D_i G(t_i-)^-2 1(t_i <= tau) [1(s_i > s_j) + 1(s_i = s_j)/2] 1(i, j comparable)
//	        / sum_{i,j} w_i w_j D_i G(t_i-)^-2 1(t_i <= tau) 1(i, j comparable)
//
// after the same tying of nearly equal times as Harrell, where G is the
// Kaplan-Meier estimate of the censoring distribution,
// left-continuous, with events at a time taken to precede censorings at the
// same time (so the censoring risk set at t excludes the events at t), and
// comparable pairs are as for Harrell (t_i < t_j, or t_j = t_i with j
// censored). Three details differ from the estimator as printed by Uno et
// al. and as in survC1::Est.Cval and survAUC::UnoC: tied scores count 1/2
// (they count 0 there), a censoring at the event time counts as a longer
// time, and events at exactly tau are included. Without tied scores or
// tied times the definitions agree.
//
// SE is the infinitesimal jackknife standard error with the weights G held
// fixed (R's std.err for this timewt), not Uno's perturbation-resampling
// standard error. Counts are weighted by G^-2. If weights is nil, all of
// the weights are 1. Uno panics if the slice lengths differ.
func Uno(time []float64, event []bool, score []float64, tau float64, weights []float64) Result {
	checkLengths(time, event, score, nil, weights)
	time = timefix.Apply(time)
	tw := func(ord []int) []float64 { return unoTimeWeights(time, event, weights, ord, tau) }
	return compute(time, event, score, Options{Weights: weights}, tw)
}

func checkLengths(time []float64, event []bool, score []float64, strata []int, weights []float64) {
	n := len(time)
	if len(event) != n || len(score) != n {
		panic("concordance: time, event and score lengths differ")
	}
	if strata != nil && len(strata) != n {
		panic("concordance: strata length differs from time")
	}
	if weights != nil && len(weights) != n {
		panic("concordance: weights length differs from time")
	}
}

// compute runs the sweep of each stratum. timeWeights, if non-nil, returns
// the weight of each distinct event time of one stratum given its rows in
// sweep order (decreasing time), in that order; nil means weight 1.
func compute(time []float64, event []bool, score []float64, opt Options, timeWeights func(ord []int) []float64) Result {
	nan := math.NaN()
	all := Result{nan, nan, nan, nan, nan, nan, nan}
	for i := range time {
		if math.IsNaN(time[i]) || math.IsNaN(score[i]) || (opt.Start != nil && math.IsNaN(opt.Start[i])) {
			return all
		}
	}
	start := opt.Start
	if start == nil {
		time = timefix.Apply(time)
	} else {
		start, time = fixCounting(start, time)
		for i := range time {
			if !(start[i] < time[i]) {
				return all
			}
		}
	}
	strata, weights := opt.Strata, opt.Weights
	n := len(time)
	stratum := func(i int) int {
		if strata == nil {
			return 0
		}
		return strata[i]
	}
	rank, m, byScore := scoreRanks(score)
	ord := sweepOrder(time, event, byScore, strata)
	var byStart []int
	if start != nil {
		idx := make([]int32, n)
		keys := make([]uint64, n)
		for i := range idx {
			idx[i] = int32(i)
			keys[i] = ^sortkey.Key(start[i]) // decreasing start
		}
		sortkey.Sort(keys, idx)
		byStart = groupStrata(idx, strata)
	}

	// The strata's rows and time weights, then the walk: one sweep with
	// both trees, or above parallelFrom rows two at once, each keeping one
	// tree (see sweep).
	type part struct {
		ord, starts []int
		tw          []float64
	}
	var parts []part
	for lo := 0; lo < n; {
		hi := lo + 1
		for hi < n && stratum(ord[hi]) == stratum(ord[lo]) {
			hi++
		}
		p := part{ord: ord[lo:hi]}
		if timeWeights != nil {
			p.tw = timeWeights(ord[lo:hi])
		}
		if byStart != nil {
			p.starts = byStart[lo:hi]
		}
		parts = append(parts, p)
		lo = hi
	}
	// The walks read each row's time, event, rank and weight and add to its
	// counts: with the rows laid out in the walks' order (position k holds
	// row ord[k]) they do so in sequence instead of at random, once per
	// row for each walk. Below, rows are positions in that layout.
	var rowOf []int // the row at each position, for the clusters
	if opt.Cluster != nil {
		rowOf = slices.Clone(ord)
	}
	time, event, rank, weights, start = inOrder(ord, time), inOrder(ord, event), inOrder(ord, rank), inOrder(ord, weights), inOrder(ord, start)
	if byStart != nil {
		at := make([]int, n)
		for k, i := range ord {
			at[i] = k
		}
		for k, i := range byStart {
			byStart[k] = at[i]
		}
	}
	for k := range ord {
		ord[k] = k
	}
	walk := func(s *sweep) {
		for k, p := range parts {
			if start == nil && s.all.tree == nil {
				s.back(p.ord, p.tw, k < len(parts)-1)
			} else {
				s.stratum(p.ord, p.starts, p.tw, k < len(parts)-1)
			}
		}
	}
	newSweep := func(all, dead bool) *sweep {
		s := &sweep{time: time, start: start, event: event, rank: rank, weights: weights, inf: make([]float64, 3*n)}
		if all {
			s.all = newFenwick(m)
		}
		if dead {
			s.dead = newFenwick(m)
		}
		return s
	}
	var s *sweep
	if n < parallelFrom && start != nil {
		s = newSweep(true, true)
		walk(s)
	} else if n < parallelFrom {
		// right-censored data: the events' tree walks back in time (back)
		s = newSweep(true, false)
		other := newSweep(false, true)
		walk(s)
		walk(other)
		for i, v := range other.inf {
			s.inf[i] += v
		}
	} else {
		s = newSweep(true, false)
		other := newSweep(false, true)
		var wg sync.WaitGroup
		wg.Go(func() { walk(other) })
		walk(s)
		wg.Wait()
		for i, v := range other.inf {
			s.inf[i] += v
		}
	}

	r := Result{
		Concordant: s.count[0], Discordant: s.count[1], TiedX: s.count[2],
		TiedY: s.count[3] - s.count[4], TiedXY: s.count[4],
	}
	npair := r.Concordant + r.Discordant + r.TiedX
	somer := (r.Concordant - r.Discordant) / npair
	r.C = (somer + 1) / 2
	dfbeta := func(i int) float64 {
		c, d, x := s.inf[3*i], s.inf[3*i+1], s.inf[3*i+2]
		return s.weight(i) * ((c-d)/npair - (somer/npair)*(c+d+x))
	}
	var v float64
	if opt.Cluster == nil {
		for i := range n {
			db := dfbeta(i)
			v += db * db
		}
	} else {
		sum := map[int]float64{}
		for i, c := range inOrder(rowOf, opt.Cluster) {
			sum[c] += dfbeta(i)
		}
		codes := slices.Sorted(maps.Keys(sum)) // a fixed order of summation
		for _, c := range codes {
			v += sum[c] * sum[c]
		}
	}
	r.SE = math.Sqrt(v / 4)
	if npair == 0 {
		r.C, r.SE = nan, nan
	}
	return r
}

// inOrder returns v[ord[k]] for k = 0, 1, ...; nil for nil v.
func inOrder[T any](ord []int, v []T) []T {
	if v == nil {
		return nil
	}
	out := make([]T, len(ord))
	for k, i := range ord {
		out[k] = v[i]
	}
	return out
}

// fixCounting ties start and stop times that differ by rounding error
// only, jointly, as aeqSurv does for (start, stop] data.
func fixCounting(start, stop []float64) ([]float64, []float64) {
	n := len(stop)
	if n == 0 {
		return start, stop
	}
	both := make([]float64, 0, 2*n)
	both = append(append(both, start...), stop...)
	fixed := timefix.Apply(both)
	if &fixed[0] == &both[0] {
		return start, stop
	}
	return fixed[:n:n], fixed[n:]
}

// sweepOrder returns the row indices sorted by stratum, decreasing time,
// censored rows before events at the same time, then increasing score rank:
// stable passes of the shared radix sort and of counting sorts, least
// significant key first (score order, event, time, stratum), each O(n).
func sweepOrder(time []float64, event []bool, byScore []int32, strata []int) []int {
	n := len(time)
	ord := make([]int32, 0, n)
	for _, i := range byScore {
		if !event[i] {
			ord = append(ord, i)
		}
	}
	for _, i := range byScore {
		if event[i] {
			ord = append(ord, i)
		}
	}
	keys := make([]uint64, n)
	for k, i := range ord {
		keys[k] = ^sortkey.Key(time[i]) // decreasing time
	}
	sortkey.Sort(keys, ord)
	return groupStrata(ord, strata)
}

// groupStrata returns the rows ord grouped by increasing stratum code,
// keeping their order within a stratum (a stable counting sort).
func groupStrata(ord []int32, strata []int) []int {
	n := len(ord)
	out := make([]int, n)
	if strata == nil {
		for k, i := range ord {
			out[k] = int(i)
		}
		return out
	}
	levels := slices.Clone(strata)
	slices.Sort(levels)
	levels = slices.Compact(levels)
	start := make([]int, len(levels)+1)
	code := make([]int32, n)
	for i, s := range strata {
		c, _ := slices.BinarySearch(levels, s)
		code[i] = int32(c)
		start[c+1]++
	}
	for c := range levels {
		start[c+1] += start[c]
	}
	for _, i := range ord {
		c := code[i]
		out[start[c]] = int(i)
		start[c]++
	}
	return out
}

// scoreRanks returns the dense 1-based rank of each score among the
// distinct scores, the number of distinct scores, and the rows in
// increasing score order (ties in row order).
func scoreRanks(score []float64) ([]int, int, []int32) {
	idx, keys := sortkey.Index(score)
	rank := make([]int, len(score))
	return rank, denseRanks(rank, idx, keys), idx
}

// denseRanks sets rank[idx[k]] to the dense 1-based rank of keys[k]
// (ascending) and returns the number of distinct keys.
func denseRanks[T int | int32](rank []T, idx []int32, keys []uint64) int {
	m := 0
	for k, i := range idx {
		if k == 0 || keys[k] != keys[k-1] {
			m++
		}
		rank[i] = T(m)
	}
	return m
}

// parallelFrom is the number of rows from which compute walks with two
// goroutines (a variable so that the tests run both ways).
var parallelFrom = 20000

// sweep holds the state of the walk in decreasing time. The two trees are
// independent: "all" is read by the events and written by the rows
// entering (and, for counting-process data, leaving), "dead" the other way
// round. A sweep may keep only one of them (the other has no nodes) and
// then does only that tree's share of the counts: two such sweeps over
// the same rows, run at once, give in count (the all-tree's) and in the
// sum of their inf what one sweep with both trees gives (the same numbers
// added in another order: equal for unit weights, to rounding otherwise).
type sweep struct {
	time    []float64
	start   []float64 // nil: right-censored data
	event   []bool
	rank    []int
	weights []float64
	all     fenwick // rows already in the risk set, by score rank, weight w
	dead    fenwick // events already passed, by score rank, weight w tw
	inf     []float64
	count   [5]float64 // concordant, discordant, tied.x, tied.y (incl. xy), tied.xy
}

func (s *sweep) weight(i int) float64 {
	if s.weights == nil {
		return 1
	}
	return s.weights[i]
}

// stratum processes the rows of one stratum, ord sorted by decreasing time
// with censored rows before events at a tie and events by increasing score.
// For counting-process data starts holds the same rows by decreasing start
// (nil otherwise). tw holds the time weights of the distinct event times in
// that order (nil: all 1). Precondition: both trees are empty; if reset
// they are emptied on return, for the next stratum.
func (s *sweep) stratum(ord, starts []int, tw []float64, reset bool) {
	n := len(ord)
	ut := 0
	for i := 0; i < n; {
		ii := ord[i]
		if !s.event[ii] {
			s.enter(ii)
			i++
			continue
		}
		// rows that enter at or after this time are not at risk here
		for len(starts) > 0 && s.start[starts[0]] >= s.time[ii] {
			s.leave(starts[0])
			if s.all.tree != nil {
				s.all.add(s.rank[starts[0]], -s.weight(starts[0]))
			}
			starts = starts[1:]
		}
		j := i
		for j < n && s.time[ord[j]] == s.time[ii] {
			j++
		}
		deaths := ord[i:j]
		t := 1.0
		if tw != nil {
			t = tw[ut]
		}
		ut++
		s.events(deaths, t)
		i = j
	}
	rest := ord
	if s.start != nil {
		rest = starts // the rows still in the risk set
	}
	for _, i := range rest {
		s.leave(i)
	}
	if reset {
		for _, i := range ord {
			if s.all.tree != nil {
				s.all.clear(s.rank[i])
			}
			if s.dead.tree != nil {
				s.dead.clear(s.rank[i])
			}
		}
	}
}

// back is the events' tree's share of stratum for right-censored data
// (start nil), walking the rows of the stratum (ord, as there) backward, in
// increasing time: each row's counts get the events it is compared with as
// the longer time, those before its time and, when it is censored, those
// at its time, from one query of the tree of the events passed so far. The
// forward walk gets these counts as the difference of two queries, at the
// row's entry and at the end; here each row costs one. tw as in stratum.
func (s *sweep) back(ord []int, tw []float64, reset bool) {
	ut := len(tw) - 1 // tw is in decreasing time
	for j := len(ord); j > 0; {
		t := s.time[ord[j-1]]
		i := j - 1
		for i > 0 && s.time[ord[i-1]] == t {
			i--
		}
		// rows [i, j) share time t, the censored [i, e) before the events
		e := i
		for e < j && !s.event[ord[e]] {
			e++
		}
		for _, r := range ord[e:j] {
			s.leave(r) // the events before t
		}
		if e < j {
			w := 1.0
			if tw != nil {
				w = tw[ut]
				ut--
			}
			for _, r := range ord[e:j] {
				s.dead.add(s.rank[r], w*s.weight(r))
			}
		}
		for _, r := range ord[i:e] {
			s.leave(r) // the events before t and at t
		}
		j = i
	}
	if reset {
		for _, i := range ord {
			s.dead.clear(s.rank[i])
		}
	}
}

// leave adds to row i's counts the events passed so far, the other half of
// enter: the difference is the events met while i was at risk.
func (s *sweep) leave(i int) {
	if s.dead.tree == nil {
		return
	}
	less, greater, equal := s.dead.split(s.rank[i])
	s.inf[3*i] += greater
	s.inf[3*i+1] += less
	s.inf[3*i+2] += equal
}

// enter adds row i to the risk set, first subtracting the events it will
// not be compared with (those already passed, at later times).
func (s *sweep) enter(i int) {
	if s.dead.tree != nil {
		less, greater, equal := s.dead.split(s.rank[i])
		s.inf[3*i] -= greater
		s.inf[3*i+1] -= less
		s.inf[3*i+2] -= equal
	}
	if s.all.tree != nil {
		s.all.add(s.rank[i], s.weight(i))
	}
}

// events processes the events tied at one time (sorted by score) with time
// weight tw.
func (s *sweep) events(deaths []int, tw float64) {
	// dwt: weight of the events at this time so far (tied.y pairs);
	// dwt2: the same within the current run of equal scores (tied.xy).
	// Tied pairs do not enter the standard error, so only counts are kept.
	var dwt, dwt2 float64
	g := 0 // start of the current run of events with equal scores
	for j, jj := range deaths {
		wj := s.weight(jj)
		s.count[3] += wj * dwt * tw
		dwt += wj
		if s.rank[jj] != s.rank[deaths[g]] {
			g = j
			dwt2 = 0
		}
		s.count[4] += wj * dwt2 * tw
		dwt2 += wj

		if s.all.tree != nil {
			less, greater, equal := s.all.split(s.rank[jj])
			s.count[0] += wj * less * tw
			s.count[1] += wj * greater * tw
			s.count[2] += wj * equal * tw
			s.inf[3*jj] += less * tw
			s.inf[3*jj+1] += greater * tw
			s.inf[3*jj+2] += equal * tw
		}
		if s.dead.tree != nil {
			s.dead.add(s.rank[jj], tw*wj)
		}
	}
	for _, jj := range deaths {
		s.enter(jj)
	}
}
