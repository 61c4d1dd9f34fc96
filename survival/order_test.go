package survival

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestOrder checks both sort paths (comparison below 4096 keys, radix
// above): strata in order, times ascending within each, idx a permutation.
func TestOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 0))
	for _, n := range []int{1, 10, 1000, 4095, 4096, 5000} {
		time := make([]float64, n)
		strata := make([]int, n)
		for i := range time {
			time[i] = math.Floor(rng.ExpFloat64() * 50) // ties; spread over many digits
			if i%7 == 0 {
				time[i] = rng.Float64() * 1e6
			}
			strata[i] = rng.IntN(3)
		}
		o := order(time, strata, 3)
		seen := make([]bool, n)
		for s := range 3 {
			for i := o.start[s]; i < o.start[s+1]; i++ {
				j := o.idx[i]
				if seen[j] || strata[j] != s || o.time(i) != time[j] || i > o.start[s] && o.key[i] < o.key[i-1] {
					t.Fatalf("n = %d: position %d (row %d, stratum %d, time %v) out of order", n, i, j, s, o.time(i))
				}
				seen[j] = true
			}
		}
		if o.start[3] != n {
			t.Fatalf("n = %d: strata cover %d rows", n, o.start[3])
		}
	}
}
