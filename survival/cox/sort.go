package cox

import "carimpi/internal/sortkey"

// sortOrder returns the observation indices sorted by stratum code
// (increasing), then time (decreasing), then index, the order of problem:
// the shared stable radix sort (sortkey.Sort) on complemented time keys,
// then a stable counting pass over the strata. codes may be nil (one
// stratum); times are finite and >= 0.
func sortOrder(time []float64, codes []int32, nstrata int) []int32 {
	n := len(time)
	keys := make([]uint64, n)
	idx := make([]int32, n)
	for i, t := range time {
		keys[i] = ^sortkey.Key(t) // decreasing time
		idx[i] = int32(i)
	}
	sortkey.Sort(keys, idx)
	if codes == nil || nstrata < 2 {
		return idx
	}
	sc := make([]int, nstrata+1)
	for _, c := range codes {
		sc[c+1]++
	}
	for s := 1; s <= nstrata; s++ {
		sc[s] += sc[s-1]
	}
	out := make([]int32, n)
	for _, i := range idx {
		c := codes[i]
		out[sc[c]] = i
		sc[c]++
	}
	return out
}
