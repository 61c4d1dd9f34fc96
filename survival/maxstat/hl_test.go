package maxstat

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// fullSubsetSums is the shift algorithm on the whole (kMax + 1) x (sum + 1)
// table, the form hlTable keeps only the reachable band of.
func fullSubsetSums(sc []int, kMax int) [][]float64 {
	tot := 0
	for _, a := range sc {
		tot += a
	}
	prob := make([][]float64, kMax+1)
	for k := range prob {
		prob[k] = make([]float64, tot+1)
	}
	prob[0][0] = 1
	for j1, a := range sc {
		j := float64(j1 + 1)
		for k := min(j1+1, kMax); k >= 1; k-- {
			for s := tot; s >= 0; s-- {
				v := (j - float64(k)) / j * prob[k][s]
				if s >= a {
					v += float64(k) / j * prob[k-1][s-a]
				}
				prob[k][s] = v
			}
		}
	}
	return prob
}

func TestHLTableBand(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 0))
	for trial := range 20 {
		n := 2 + rng.IntN(25)
		sc := make([]int, n)
		for i := range sc {
			sc[i] = rng.IntN(n + 1)
		}
		kMax := 1 + rng.IntN(n-1)
		tab, err := newHLTable(sc, kMax)
		if err != nil {
			t.Fatal(err)
		}
		tab.fill(sc)
		full := fullSubsetSums(sc, kMax)
		for k := range full {
			mass := 0.0
			for s, want := range full[k] {
				if got := tab.at(k, s); math.Abs(got-want) > 1e-15 {
					t.Fatalf("trial %d: P_%d(%d) = %v, want %v", trial, k, s, got, want)
				}
				mass += want
			}
			if math.Abs(mass-1) > 1e-12 {
				t.Fatalf("trial %d: P_%d sums to %v", trial, k, mass)
			}
		}
	}
}

// A sample whose table would pass the bound is refused before any table is
// allocated, naming the methods to use instead.
func TestHLBound(t *testing.T) {
	n := 2000
	sorted := make([]float64, n)
	for i := range sorted {
		sorted[i] = float64(i % (n + 1))
	}
	_, err := PHL(3, sorted, []int{200, 1000, 1800})
	if err == nil || !strings.Contains(err.Error(), "exactGauss or condMC") {
		t.Fatalf("error %v", err)
	}
	// Far below the bound: computed.
	if _, err := PHL(1, sorted[:40], []int{5, 20, 35}); err != nil {
		t.Fatal(err)
	}
}
