package cox

import (
	"math"
	"testing"
)

// TestResidualIdentities: at the estimate the score residuals sum to the
// score (0), the martingale residuals of a model with an intercept-free
// Breslow fit sum to 0, and dfbeta = score residuals times the variance.
func TestResidualIdentities(t *testing.T) {
	time := []float64{5, 8, 8, 12, 15, 20, 22, 30, 31, 40, 41, 50}
	event := []bool{true, true, true, false, true, true, false, true, true, false, true, false}
	x := [][]float64{{1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1}, {61, 55, 70, 48, 66, 59, 73, 52, 64, 57, 69, 50}}
	for _, ties := range []Method{Breslow, Efron} {
		m, err := Fit(time, event, x, &Options{Ties: ties}, nil)
		if err != nil {
			t.Fatal(err)
		}
		r := m.Residuals()
		var sm float64
		su := make([]float64, 2)
		for i := range time {
			sm += r.Martingale[i]
			for j := range su {
				su[j] += r.Score[i][j]
				var db float64
				for k := range su {
					db += r.Score[i][k] * m.Var[k][j]
				}
				if math.Abs(db-r.DFBeta[i][j]) > 1e-15 {
					t.Errorf("%v: dfbeta[%d][%d] = %v, want %v", ties, i, j, r.DFBeta[i][j], db)
				}
			}
		}
		if math.Abs(sm) > 1e-12 || math.Abs(su[0]) > 1e-8 || math.Abs(su[1]) > 1e-6 {
			t.Errorf("%v: sums of martingale %v and score %v residuals are not 0", ties, sm, su)
		}
		if len(r.Schoenfeld) != 8 || r.SchoenfeldTime[0] != 5 {
			t.Errorf("%v: %d Schoenfeld rows from %v", ties, len(r.Schoenfeld), r.SchoenfeldTime)
		}
	}
}
