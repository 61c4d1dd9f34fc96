package server

import (
	"math"
	"testing"
)

func TestStepAt(t *testing.T) {
	curve := []survivalPoint{{3, 0.9}, {6, 0.8}, {12, 0.6}}
	tests := []struct {
		t, want float64
	}{
		{0, 1},              // before the first time: no event yet
		{2.9, 1},            //
		{3, 0.9},            // right-continuous: the step is taken at 3
		{5.99, 0.9},         //
		{6, 0.8},            //
		{11, 0.8},           //
		{12, 0.6},           // the last time itself
		{12.01, math.NaN()}, // past follow-up: no extrapolation
	}
	for _, tt := range tests {
		got := stepAt(curve, tt.t)
		if !(got == tt.want || math.IsNaN(got) && math.IsNaN(tt.want)) {
			t.Errorf("stepAt(%v) = %v, want %v", tt.t, got, tt.want)
		}
	}
}
