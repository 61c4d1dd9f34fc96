package concordance_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"carimpi/internal/benchsize"
	"carimpi/survival/concordance"
)

// benchData draws exponential times with a hazard depending on the score,
// uniform censoring, and 3 strata (seed 1).
func benchData(n int) (time []float64, event []bool, score []float64, strata []int) {
	rng := rand.New(rand.NewPCG(1, 0))
	time, event, score, strata = make([]float64, n), make([]bool, n), make([]float64, n), make([]int, n)
	for i := range n {
		score[i] = rng.NormFloat64()
		t := rng.ExpFloat64() / math.Exp(score[i])
		c := 3 * rng.Float64()
		time[i], event[i], strata[i] = math.Min(t, c), t <= c, rng.IntN(3)
	}
	return
}

func BenchmarkHarrell(b *testing.B) {
	for _, n := range benchsize.Ladder() {
		time, event, score, strata := benchData(n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			for b.Loop() {
				concordance.Harrell(time, event, score, nil, nil)
			}
		})
		b.Run(fmt.Sprintf("n=%d/strata=3", n), func(b *testing.B) {
			for b.Loop() {
				concordance.Harrell(time, event, score, strata, nil)
			}
		})
	}
}

func BenchmarkUno(b *testing.B) {
	for _, n := range benchsize.Ladder() {
		time, event, score, _ := benchData(n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			for b.Loop() {
				concordance.Uno(time, event, score, 2, nil)
			}
		})
	}
}

// BenchmarkHarrellCounting: two (start, stop] rows per subject, split at a
// uniform time, with clusters (seed 1).
func BenchmarkHarrellCounting(b *testing.B) {
	for _, n := range benchsize.Ladder() {
		time, event, score, _ := benchData(n / 2)
		rng := rand.New(rand.NewPCG(1, 1))
		var start, stop, sc []float64
		var ev []bool
		var cluster []int
		for i := range time {
			cut := time[i] * rng.Float64()
			start = append(start, 0, cut)
			stop = append(stop, cut, time[i])
			ev = append(ev, false, event[i])
			sc = append(sc, score[i], score[i]+0.1)
			cluster = append(cluster, i, i)
		}
		opt := concordance.Options{Start: start, Cluster: cluster}
		b.Run(fmt.Sprintf("n=%d", len(stop)), func(b *testing.B) {
			for b.Loop() {
				concordance.HarrellWith(stop, ev, sc, opt)
			}
		})
	}
}

// BenchmarkFixedResample times one bootstrap replicate's two C-indices
// with a Fixed: a new score, then Harrell's C over a resample's counts
// (apparent) and over all rows (test), in two calls and in one walk
// (HarrellCs, as the study's bootstrap does).
func BenchmarkFixedResample(b *testing.B) {
	for _, n := range []int{25000, 250000} {
		time, event, score, _ := benchData(n)
		for i, t := range time {
			time[i] = math.Round(1200*t) / 100 // months to 2 decimals, as the study's data
		}
		rng := rand.New(rand.NewPCG(2, 0))
		count := make([]int32, n)
		for range n {
			count[rng.IntN(n)]++
		}
		f := concordance.NewFixed(time, event)
		b.Run(fmt.Sprintf("n=%d/two calls", n), func(b *testing.B) {
			k := 0
			for b.Loop() {
				score[k%n] += 1e-3 // a new score each time, as a new model gives
				k++
				f.HarrellC(score, count)
				f.HarrellC(score, nil)
			}
		})
		b.Run(fmt.Sprintf("n=%d/one walk", n), func(b *testing.B) {
			k := 0
			for b.Loop() {
				score[k%n] += 1e-3
				k++
				f.HarrellCs(score, count)
			}
		})
	}
}
