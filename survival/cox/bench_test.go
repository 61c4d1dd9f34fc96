package cox_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"carimpi/survival/cox"
)

// benchData simulates n patients with p = 5 covariates (three normal, one
// 0/1, one MTV-like skewed), exponential event times rounded up to whole
// days (so there are ties, as in clinical data), about 30% censored, and a
// stratum code 0..nstrata-1. Seeded, so every run times the same data.
func benchData(n, nstrata int, seed uint64) (time []float64, event []bool, x [][]float64, strata []int) {
	rng := rand.New(rand.NewPCG(seed, 1))
	time = make([]float64, n)
	event = make([]bool, n)
	x = make([][]float64, 5)
	for j := range x {
		x[j] = make([]float64, n)
	}
	strata = make([]int, n)
	for i := 0; i < n; i++ {
		x[0][i] = 60 + 10*rng.NormFloat64()
		x[1][i] = rng.NormFloat64()
		x[2][i] = rng.NormFloat64()
		if rng.Float64() < 0.4 {
			x[3][i] = 1
		}
		x[4][i] = math.Exp(3 + 1.2*rng.NormFloat64())
		strata[i] = rng.IntN(nstrata)
		eta := 0.02*(x[0][i]-60) + 0.3*x[1][i] - 0.2*x[2][i] + 0.5*x[3][i] + 0.002*x[4][i]
		time[i] = math.Ceil(365 * rng.ExpFloat64() / math.Exp(eta))
		event[i] = rng.Float64() < 0.7
	}
	return
}

// BenchmarkFit times cox.Fit (Efron, p = 5) over n = 1e3, 1e5, 1e6, with
// one stratum and with three. bench/compare-r.sh cox compares with R.
func BenchmarkFit(b *testing.B) {
	for _, n := range []int{1e3, 1e5, 1e6} {
		for _, k := range []int{1, 3} {
			time, event, x, strata := benchData(n, k, 20251124)
			opt := &cox.Options{}
			if k > 1 {
				opt.Strata = strata
			}
			b.Run(fmt.Sprintf("n=%d/strata=%d", n, k), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := cox.Fit(time, event, x, opt, nil); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
