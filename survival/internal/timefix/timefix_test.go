package timefix

import (
	"math"
	"slices"
	"testing"
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
