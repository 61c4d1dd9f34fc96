package validation

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

func benchData(n int) (time []float64, event []bool, risk []float64) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < n; i++ {
		x := rng.NormFloat64()
		t := rng.ExpFloat64() / (0.05 * math.Exp(0.7*x))
		c := 40 * rng.Float64()
		time = append(time, math.Round(math.Min(t, c)*10)/10)
		event = append(event, t <= c)
		risk = append(risk, 1-math.Exp(-0.05*12*math.Exp(0.7*x)))
	}
	return
}

func BenchmarkAUC(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		t, e, r := benchData(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				AUC(t, e, r, 12)
			}
		})
	}
}

func BenchmarkBrier(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		t, e, r := benchData(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				Brier(t, e, r, 12)
			}
		})
	}
}
