package validation

import (
	"math"
	"testing"
)

func TestAUCByHand(t *testing.T) {
	// Without censoring the weights are 1: AUC(h) is the share of
	// (case, control) pairs ordered by the score, ties counting 1/2.
	time := []float64{1, 2, 3, 4, 5, 6}
	event := []bool{true, true, true, true, true, true}
	score := []float64{5, 3, 4, 4, 1, 2}
	// h = 3.5: cases {5,3,4}, controls {4,1,2}: pairs 9; concordant:
	// 5>4,5>1,5>2, 3>1,3>2, 4>1,4>2 = 7, tie 4=4 -> 7.5/9.
	if got, want := AUC(time, event, score, 3.5).Value, 7.5/9; math.Abs(got-want) > 1e-15 {
		t.Errorf("AUC = %v, want %v", got, want)
	}
	// A score that orders every case above every control gives 1.
	if got := AUC(time, event, []float64{6, 5, 4, 3, 2, 1}, 3.5).Value; got != 1 {
		t.Errorf("separating score: AUC = %v", got)
	}
	// Censoring before h: the case after the censoring gets weight
	// 1/G(t-) = 1/(4/5) (5 at risk of censoring at time 2, one censored).
	event2 := []bool{true, false, true, true, true, true}
	// cases: t=1 (w=1, s=5), t=3 (w=5/4, s=4); controls {4,1,2}.
	// num = 1*3 + 5/4*(2 + 0.5) ; den = (1 + 5/4) * 3
	want := (3 + 1.25*2.5) / ((1 + 1.25) * 3)
	if got := AUC(time, event2, score, 3.5).Value; math.Abs(got-want) > 1e-15 {
		t.Errorf("censored AUC = %v, want %v", got, want)
	}
	if got := AUC(time, event, score, 10).Value; !math.IsNaN(got) {
		t.Errorf("no controls: AUC = %v, want NaN", got)
	}
}
