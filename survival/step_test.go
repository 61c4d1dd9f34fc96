package survival_test

import (
	"math"
	"testing"

	"carimpi/survival"
)

func TestStepAt(t *testing.T) {
	times := []float64{3, 6, 6, 12}
	surv := []float64{0.9, 0.85, 0.8, 0.6}
	for _, tc := range []struct {
		t     float64
		index int
		want  float64
	}{
		{0, -1, 1},     // before the first time: the value before
		{2.999, -1, 1}, //
		{3, 0, 0.9},    // exact hit: right-continuous, the step is taken at 3
		{5.99, 0, 0.9}, // between times
		{6, 2, 0.8},    // tied times: after every jump at 6
		{11, 2, 0.8},   //
		{12, 3, 0.6},   // the last time
		{1e9, 3, 0.6},  // after the last: stays at the last value
		{math.Inf(1), 3, 0.6},
		{math.Inf(-1), -1, 1},
		{math.NaN(), 3, 0.6}, // NaN counts as after the last time
	} {
		if got := survival.StepIndex(times, tc.t); got != tc.index {
			t.Errorf("StepIndex(%v) = %d, want %d", tc.t, got, tc.index)
		}
		if got := survival.StepAt(times, surv, tc.t, 1); got != tc.want {
			t.Errorf("StepAt(%v) = %v, want %v", tc.t, got, tc.want)
		}
	}
	if got := survival.StepAt(nil, nil, 5, 0); got != 0 {
		t.Errorf("empty step function: %v, want the value before", got)
	}
	if got := survival.StepIndex([]float64{1}, 1); got != 0 {
		t.Errorf("one time, exact hit: %d", got)
	}
	// Against a linear scan on a longer function with runs of ties.
	long := []float64{0, 0, 1, 2, 2, 2, 5, 8, 8, 13}
	for t10 := -10; t10 <= 150; t10++ {
		x := float64(t10) / 10
		want := -1
		for i, v := range long {
			if v <= x {
				want = i
			}
		}
		if got := survival.StepIndex(long, x); got != want {
			t.Errorf("StepIndex(long, %v) = %d, want %d", x, got, want)
		}
	}
}
