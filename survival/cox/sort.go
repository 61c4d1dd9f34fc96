package cox

import (
	"slices"

	"carimpi/internal/sortkey"
	"carimpi/survival/internal/timefix"
)

// sortOrder returns the observation indices sorted by stratum code
// (increasing), then time (decreasing), then index, the order of problem,
// and the times in that order after R's aeqSurv (timefix.Sorted, applied
// over all strata as coxph does): the shared stable radix sort
// (sortkey.Sort) on complemented time keys, then a stable counting pass
// over the strata. codes may be nil (one stratum); times are finite and
// >= 0.
func sortOrder(time []float64, codes []int32, nstrata int) ([]int32, []float64) {
	n := len(time)
	keys := make([]uint64, n)
	idx := make([]int32, n)
	for i, t := range time {
		keys[i] = ^sortkey.Key(t) // decreasing time
		idx[i] = int32(i)
	}
	sortkey.Sort(keys, idx)
	// timefix wants increasing keys: complement and reverse, and back.
	for k := range keys {
		keys[k] = ^keys[k]
	}
	slices.Reverse(keys)
	timefix.Sorted(keys)
	slices.Reverse(keys)
	sorted := make([]float64, n)
	if codes == nil || nstrata < 2 {
		for k, key := range keys {
			sorted[k] = sortkey.Value(key)
		}
		return idx, sorted
	}
	sc := make([]int, nstrata+1)
	for _, c := range codes {
		sc[c+1]++
	}
	for s := 1; s <= nstrata; s++ {
		sc[s] += sc[s-1]
	}
	out := make([]int32, n)
	for k, i := range idx {
		c := codes[i]
		out[sc[c]] = i
		sorted[sc[c]] = sortkey.Value(keys[k])
		sc[c]++
	}
	return out, sorted
}
