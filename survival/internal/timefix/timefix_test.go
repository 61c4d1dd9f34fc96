package timefix

import (
	"math"
	"slices"
	"testing"

	"carimpi/internal/sortkey"
)

func TestApply(t *testing.T) {
	for _, tc := range []struct {
		name     string
		in, want []float64
	}{
		{"no ties", []float64{3, 1, 2}, []float64{3, 1, 2}},
		{"absolute", []float64{1e-9, 0, 5}, []float64{0, 0, 5}},
		// 0.1+0.2 and 0.3 differ in the last bit: one time, the smaller.
		{"relative", []float64{0.1 + 0.2, 0.3, 1}, []float64{0.3, 0.3, 1}},
		{"days/30.4375", []float64{365 / 30.4375, 365 * (1 / 30.4375), 20}, []float64{min(365/30.4375, 365*(1/30.4375)), min(365/30.4375, 365*(1/30.4375)), 20}},
		{"run", []float64{1e6, 1e6 * (1 + 1e-9), 1e6 * (1 + 2e-9), 2e6}, []float64{1e6, 1e6, 1e6, 2e6}},
		{"inf kept", []float64{math.Inf(1), 1, 1 + 1e-12}, []float64{math.Inf(1), 1, 1}},
		{"infinities kept", []float64{math.Inf(1), 2, math.Inf(-1), 2 + 1e-12, -1}, []float64{math.Inf(1), 2, math.Inf(-1), 2, -1}},
		// Gaps near the bound, decided by the exact rule: 2e-8 > tol but
		// 2e-8/mean|y| <= tol; 3e-5/mean|y| = 2.25e-8 > tol.
		{"relative tie", []float64{0, 2e-8, 5}, []float64{0, 0, 5}},
		{"relative gap", []float64{1000, 1000.00003, 3000}, []float64{1000, 1000.00003, 3000}},
	} {
		in := slices.Clone(tc.in)
		got := Apply(in)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: Apply(%v) = %v, want %v", tc.name, tc.in, got, tc.want)
		}
		if !slices.Equal(in, tc.in) {
			t.Errorf("%s: input modified", tc.name)
		}
	}
}

// TestApart checks that Apart holds only where Sorted changes no subset:
// random subsets of times that are apart stay unchanged, and near ties,
// a time near 0 beside 0 and NaN are not apart.
func TestApart(t *testing.T) {
	keys := func(v []float64) []uint64 {
		k := make([]uint64, len(v))
		for i, x := range v {
			k[i] = sortkey.Key(x)
		}
		slices.Sort(k)
		return k
	}
	apart := []float64{0, 0.5, 1, 1, 2.25, 7, 30.4375, 1e3}
	if !Apart(keys(apart)) {
		t.Fatalf("%v: not apart", apart)
	}
	for mask := 1; mask < 1<<len(apart); mask++ {
		var sub []float64
		for i, v := range apart {
			if mask>>i&1 == 1 {
				sub = append(sub, v)
			}
		}
		k := keys(sub)
		if Sorted(k) {
			t.Fatalf("subset %v changed by timefix although Apart", sub)
		}
	}
	for _, v := range [][]float64{
		{1, 1 + 1e-12, 5},      // relative
		{0, 1e-9, 5},           // absolute
		{1e6, 1e6 + 0.01, 2e6}, // relative to the largest time
		{1, math.NaN(), 2},     // not finite
		{1, math.Inf(1), 2},    // not finite
	} {
		if Apart(keys(v)) {
			t.Errorf("%v: apart", v)
		}
	}
}
