package maxstat

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchData returns n observations under the null hypothesis: continuous
// x independent of exponential times, about 30% censored.
func benchData(n int) (x, tm []float64, ev []bool) {
	rng := rand.New(rand.NewPCG(1, 2))
	x = make([]float64, n)
	tm = make([]float64, n)
	ev = make([]bool, n)
	for i := range x {
		x[i] = rng.NormFloat64()
		tm[i] = rng.ExpFloat64()
		ev[i] = rng.Float64() < 0.7
	}
	return x, tm, ev
}

var benchSizes = []int{256, 1000, 10000, 100000}

func benchMethod(b *testing.B, m Method, sizes []int) {
	for _, n := range sizes {
		x, tm, ev := benchData(n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := Test(x, tm, ev, Options{Method: m, Seed: 1}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkScan(b *testing.B)       { benchMethod(b, None, benchSizes) }
func BenchmarkLau94(b *testing.B)      { benchMethod(b, Lau94, benchSizes) }
func BenchmarkExactGauss(b *testing.B) { benchMethod(b, ExactGauss, benchSizes) }
func BenchmarkCondMC(b *testing.B)     { benchMethod(b, CondMC, benchSizes[:3]) }
func BenchmarkHL(b *testing.B)         { benchMethod(b, HL, benchSizes[:1]) }

func BenchmarkSortedIndex(b *testing.B) {
	x, _, _ := benchData(100000)
	for b.Loop() {
		sortedIndex(x)
	}
}
