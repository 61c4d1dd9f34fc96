package stattest

import (
	"math"
	"testing"

	"carimpi/internal/sortkey"
)

// bruteRankSumP is R's exact two-sided p-value of W for samples of sizes m
// and n without ties, by enumerating every assignment of the ranks 1..m+n.
func bruteRankSumP(w float64, m, n int) float64 {
	counts := map[int]float64{}
	var total float64
	var rec func(next, left, sum int)
	rec = func(next, left, sum int) {
		if left == 0 {
			counts[sum-m*(m+1)/2]++
			total++
			return
		}
		for r := next; r <= m+n-left+1; r++ {
			rec(r+1, left-1, sum+r)
		}
	}
	rec(1, m, 0)
	var tail float64
	for u, c := range counts {
		if (w > float64(m*n)/2 && float64(u) >= w) || (w <= float64(m*n)/2 && float64(u) <= w) {
			tail += c
		}
	}
	return math.Min(1, 2*tail/total)
}

func FuzzMannWhitneyExact(f *testing.F) {
	for _, seed := range [][]byte{{3, 1, 2, 3, 4, 5, 6}, {1, 9, 8, 7}, {5, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, {2, 200, 100}} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) < 3 || len(b) > 15 {
			return
		}
		m := 1 + int(b[0])%(len(b)-2)
		var x, y []float64
		for i, v := range b[1:] {
			if i < m {
				x = append(x, float64(v))
			} else {
				y = append(y, float64(v))
			}
		}
		r, err := MannWhitney(x, y)
		if err != nil {
			if _, ties := sortkey.MidRanks(append(append([]float64{}, x...), y...)); ties == 0 {
				t.Fatalf("%v %v: %v", x, y, err)
			}
			return
		}
		if !(r.P > 0 && r.P <= 1) || r.W < 0 || r.W > float64(len(x)*len(y)) {
			t.Fatalf("%v %v: W %v, p %v", x, y, r.W, r.P)
		}
		if r.Exact {
			if want := bruteRankSumP(r.W, len(x), len(y)); math.Abs(r.P-want) > 1e-12*want {
				t.Fatalf("%v %v: exact p %.17g, brute force %.17g", x, y, r.P, want)
			}
		}
	})
}
