package stattest_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"carimpi/stattest"
)

// sample returns n seeded normal values rounded to 0.1, so that ties occur
// as in clinical measurements.
func sample(n int, shift float64, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 1))
	x := make([]float64, n)
	for i := range x {
		x[i] = float64(int((rng.NormFloat64()+shift)*10)) / 10
	}
	return x
}

var sizes = []int{1e2, 1e4, 1e6}

func BenchmarkDescribe(b *testing.B) {
	for _, n := range sizes {
		x := sample(n, 0, 1)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				stattest.Describe(x)
			}
		})
	}
}

func BenchmarkMannWhitney(b *testing.B) {
	for _, n := range sizes {
		x, y := sample(n/2, 0, 1), sample(n/2, 0.2, 2)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				if _, err := stattest.MannWhitney(x, y); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	// The exact distribution at its largest sizes (49 and 49, no ties).
	x, y := make([]float64, 49), make([]float64, 49)
	for i := range x {
		x[i], y[i] = float64(2*i), float64(2*i+1)
	}
	b.Run("exact-49x49", func(b *testing.B) {
		for b.Loop() {
			stattest.MannWhitney(x, y)
		}
	})
}

func BenchmarkKruskalWallis(b *testing.B) {
	for _, n := range sizes {
		g := [][]float64{sample(n/3, 0, 1), sample(n/3, 0.1, 2), sample(n/3, 0.2, 3)}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				if _, err := stattest.KruskalWallis(g); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkFisherExact(b *testing.B) {
	for _, tc := range []struct {
		name  string
		table [][]int
	}{
		{"2x2-n228", [][]int{{26, 112}, {37, 53}}},
		{"2x4-n227", [][]int{{36, 71, 29, 1}, {27, 42, 21, 0}}},
		{"3x3-n500", [][]int{{60, 55, 48}, {50, 65, 52}, {45, 50, 75}}},
		{"3x4-n107", [][]int{{20, 3, 2, 9}, {5, 15, 4, 8}, {7, 6, 18, 10}}},
		// CRS grade 0-4 x CAR-IMPI tercile and stage x tercile, the study's
		// largest Fisher tables (testdata/fisher_rxc.json)
		{"5x3-n500", [][]int{{60, 48, 40}, {70, 72, 68}, {25, 32, 40}, {8, 10, 14}, {3, 4, 6}}},
		{"5x3-n494", [][]int{{110, 95, 80}, {25, 30, 32}, {15, 20, 25}, {10, 14, 20}, {2, 7, 9}}},
		{"4x3-n500", [][]int{{20, 10, 5}, {30, 20, 12}, {40, 45, 38}, {77, 92, 111}}},
		// tercile x ICANS and CRS grade 0-5 (as the demo study's Table S5)
		// and a strongly associated grade x tercile, which R's fisher.test
		// cannot compute (testdata/fisher_rxc_hard.json)
		{"3x6-n508-icans", [][]int{{116, 27, 48, 14, 5, 0}, {77, 23, 32, 16, 5, 1}, {52, 19, 33, 22, 13, 1}}},
		{"3x6-n508-crs", [][]int{{95, 77, 35, 3, 0, 0}, {26, 75, 49, 4, 0, 0}, {7, 41, 73, 7, 8, 4}}},
		{"5x3-n520-strong", [][]int{{90, 50, 20}, {60, 70, 60}, {15, 35, 50}, {5, 10, 25}, {1, 5, 24}}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := stattest.FisherExact(tc.table); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkFisherMonteCarlo(b *testing.B) {
	tab := [][]int{{60, 55, 48}, {50, 65, 52}, {45, 50, 75}}
	b.Run("3x3-n500-B2000", func(b *testing.B) {
		for b.Loop() {
			stattest.FisherMonteCarlo(tab, 2000, 1)
		}
	})
}

func BenchmarkChiSquare(b *testing.B) {
	tab := [][]int{{36, 71, 29, 1}, {27, 42, 21, 0}}
	for b.Loop() {
		stattest.ChiSquare(tab, true)
	}
}
