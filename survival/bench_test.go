package survival_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"carimpi/survival"
)

// benchData is n observations in 3 groups with exponential times (hazards
// 0.05, 0.1, 0.15 per month) rounded to 0.01 month, so there are ties,
// and about 30% censoring; seed 1.
func benchData(n int) (time []float64, event []bool, group []int) {
	rng := rand.New(rand.NewPCG(1, 0))
	time, event, group = make([]float64, n), make([]bool, n), make([]int, n)
	for i := range n {
		group[i] = rng.IntN(3)
		time[i] = math.Round(rng.ExpFloat64()/(0.05*float64(group[i]+1))*100) / 100
		event[i] = rng.Float64() < 0.7
	}
	return
}

var benchSizes = []int{1e3, 1e5, 1e6}

func BenchmarkKaplanMeier(b *testing.B) {
	for _, n := range benchSizes {
		time, event, group := benchData(n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := survival.KaplanMeier(time, event, group, survival.KMOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkLogRank(b *testing.B) {
	for _, n := range benchSizes {
		time, event, group := benchData(n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := survival.LogRank(time, event, group, nil, 0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
