package phtest_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"carimpi/survival/phtest"
)

// BenchmarkZPH: p = 5 columns, exponential times with a proportional
// hazard, uniform censoring, seed 1; beta is the true coefficient vector.
func BenchmarkZPH(b *testing.B) {
	beta := []float64{0.5, -0.3, 0.2, 0.1, -0.1}
	for _, n := range []int{1e3, 1e5, 1e6} {
		rng := rand.New(rand.NewPCG(1, 0))
		time, event := make([]float64, n), make([]bool, n)
		x := make([][]float64, len(beta))
		for j := range x {
			x[j] = make([]float64, n)
		}
		for i := range n {
			var eta float64
			for j := range x {
				x[j][i] = rng.NormFloat64()
				eta += beta[j] * x[j][i]
			}
			t, c := rng.ExpFloat64()/math.Exp(eta), 3*rng.Float64()
			time[i], event[i] = math.Min(t, c), t <= c
		}
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := phtest.ZPH(time, event, x, beta, true, nil, nil, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
