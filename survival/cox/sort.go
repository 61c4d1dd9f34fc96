package cox

import "math"

// sortOrder returns the observation indices sorted by stratum code
// (increasing), then time (decreasing), then index, the order of problem.
// It is an LSD radix sort on the bits of the times (16-bit digits, 8-bit
// for small n, digits constant over the data skipped, so whole-day times
// take few passes)
// followed by a stable counting pass over the strata: O(n) per pass.
// codes may be nil (one stratum); times are finite and >= 0.
func sortOrder(time []float64, codes []int32, nstrata int) []int32 {
	n := len(time)
	keys := make([]uint64, n)
	idx := make([]int32, n)
	for i, t := range time {
		if t == 0 {
			t = 0 // -0 sorts as 0
		}
		keys[i] = ^math.Float64bits(t) // non-negative floats order as their bits
		idx[i] = int32(i)
	}
	tk := make([]uint64, n)
	ti := make([]int32, n)
	bits := uint(16)
	if n < 1<<16 {
		bits = 8
	}
	mask := uint64(1)<<bits - 1
	count := make([]int, 1<<bits)
	for shift := uint(0); shift < 64; shift += bits {
		clear(count)
		for _, k := range keys {
			count[(k>>shift)&mask]++
		}
		if n > 0 && count[(keys[0]>>shift)&mask] == n {
			continue // every key has this digit
		}
		sum := 0
		for d, c := range count {
			count[d] = sum
			sum += c
		}
		for i, k := range keys {
			d := (k >> shift) & mask
			tk[count[d]] = k
			ti[count[d]] = idx[i]
			count[d]++
		}
		keys, tk = tk, keys
		idx, ti = ti, idx
	}
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
	for _, i := range idx {
		c := codes[i]
		ti[sc[c]] = i
		sc[c]++
	}
	return ti
}
