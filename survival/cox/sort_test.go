package cox

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSortOrder compares the radix sort with a comparison sort on times
// with ties, zeros (including -0) and fractions, with and without strata.
func TestSortOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	n := 5000
	time := make([]float64, n)
	codes := make([]int32, n)
	for i := range time {
		switch rng.IntN(4) {
		case 0:
			time[i] = float64(rng.IntN(50))
		case 1:
			time[i] = rng.Float64() * 1e4
		case 2:
			time[i] = math.Copysign(0, -1)
		default:
			time[i] = float64(rng.IntN(3)) / 7
		}
		codes[i] = int32(rng.IntN(3))
	}
	for _, c := range [][]int32{nil, codes} {
		got, sorted := sortOrder(time, c, 3)
		want := make([]int32, n)
		for i := range want {
			want[i] = int32(i)
		}
		slices.SortFunc(want, func(a, b int32) int {
			if c != nil && c[a] != c[b] {
				return cmp.Compare(c[a], c[b])
			}
			if time[a] != time[b] {
				return cmp.Compare(time[b], time[a])
			}
			return cmp.Compare(a, b)
		})
		if !slices.Equal(got, want) {
			t.Errorf("strata %v: radix order differs from comparison sort", c != nil)
		}
		for k, i := range got {
			if sorted[k] != time[i] { // no near ties here: timefix changes nothing
				t.Fatalf("strata %v: sorted time %d is %v, want %v", c != nil, k, sorted[k], time[i])
			}
		}
	}
}
