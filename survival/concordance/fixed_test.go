package concordance_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"carimpi/survival/concordance"
)

// TestFixedHarrellC checks Fixed.HarrellC against Harrell on the rows
// repeated count times, and HarrellCs against HarrellC, bit for bit, on data with tied times, tied scores,
// times that differ by rounding error only (timefix), resamples with
// rows left out and repeated, and NaN.
func TestFixedHarrellC(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 19))
	for _, tc := range []struct {
		name         string
		n            int
		timeLevels   int // 0: continuous
		scoreLevels  int
		nearlyEqual  bool
		nanScoreAt   int // -1: none
		nanTimeAt    int
		everyRowOnce bool
	}{
		{"continuous", 200, 0, 0, false, -1, -1, false},
		{"tied times and scores", 300, 12, 5, false, -1, -1, false},
		{"once each", 150, 20, 8, false, -1, -1, true},
		{"nearly equal times", 120, 6, 0, true, -1, -1, false},
		{"few rows", 3, 2, 2, false, -1, -1, false},
		{"NaN score", 50, 5, 0, false, 7, -1, true},
		{"NaN time", 50, 5, 0, false, -1, 3, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := tc.n
			time, score, event := make([]float64, n), make([]float64, n), make([]bool, n)
			for i := range n {
				time[i] = rng.ExpFloat64()
				if tc.timeLevels > 0 {
					time[i] = float64(rng.IntN(tc.timeLevels) + 1)
				}
				if tc.nearlyEqual && rng.IntN(2) == 0 {
					time[i] += 1e-12 * time[i] // joined by timefix
				}
				score[i] = rng.NormFloat64()
				if tc.scoreLevels > 0 {
					score[i] = float64(rng.IntN(tc.scoreLevels))
				}
				event[i] = rng.IntN(3) > 0
			}
			if tc.nanScoreAt >= 0 {
				score[tc.nanScoreAt] = math.NaN()
			}
			if tc.nanTimeAt >= 0 {
				time[tc.nanTimeAt] = math.NaN()
			}
			f := concordance.NewFixed(time, event)
			for rep := range 20 {
				var count []int32
				if !tc.everyRowOnce || rep > 0 {
					count = make([]int32, n)
					for range n {
						count[rng.IntN(n)]++
					}
				}
				var rt, rs []float64
				var re []bool
				for i := range n {
					c := 1
					if count != nil {
						c = int(count[i])
					}
					for range c {
						rt, rs, re = append(rt, time[i]), append(rs, score[i]), append(re, event[i])
					}
				}
				want := concordance.Harrell(rt, re, rs, nil, nil).C
				got := f.HarrellC(score, count)
				if math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
					t.Fatalf("replicate %d: HarrellC = %.17g, Harrell on the repeated rows = %.17g", rep, got, want)
				}
				// a second call with the same scores reuses the ranks
				if again := f.HarrellC(score, count); math.Float64bits(again) != math.Float64bits(got) {
					t.Fatalf("replicate %d: second call %.17g, first %.17g", rep, again, got)
				}
				// both in one walk
				if count != nil {
					counted, once := f.HarrellCs(score, count)
					if wantOnce := f.HarrellC(score, nil); math.Float64bits(counted) != math.Float64bits(got) || math.Float64bits(once) != math.Float64bits(wantOnce) {
						t.Fatalf("replicate %d: HarrellCs = %.17g, %.17g, HarrellC %.17g, %.17g", rep, counted, once, got, wantOnce)
					}
				}
			}
		})
	}
}

// TestHarrellCsAllocations guards a Fixed's reuse of its memory: once it
// has ranked scores of a size, HarrellCs on another resample allocates
// nothing.
func TestHarrellCsAllocations(t *testing.T) {
	const n = 20000
	rng := rand.New(rand.NewPCG(3, 4))
	time, score, event := make([]float64, n), make([]float64, n), make([]bool, n)
	count := make([]int32, n)
	for i := range n {
		time[i], score[i], event[i] = math.Ceil(100*rng.ExpFloat64()), rng.NormFloat64(), rng.Float64() < 0.6
		count[rng.IntN(n)]++
	}
	f := concordance.NewFixed(time, event).Clone()
	f.HarrellCs(score, count)
	if allocs := testing.AllocsPerRun(3, func() {
		for i := range score {
			score[i] += 1e-3 * rng.NormFloat64() // new scores: ranked again
		}
		f.HarrellCs(score, count)
	}); allocs > 0 {
		t.Errorf("HarrellCs allocates %v times", allocs)
	}
}

// TestFixedClone checks that a Clone, which shares the time order, gives
// what a new Fixed gives, with times that timefix ties and without.
func TestFixedClone(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const n = 300
	for _, nearly := range []bool{false, true} {
		time, score, event := make([]float64, n), make([]float64, n), make([]bool, n)
		count := make([]int32, n)
		for i := range n {
			time[i] = math.Ceil(20 * rng.ExpFloat64())
			if nearly && i%2 == 0 {
				time[i] *= 1 + 1e-12
			}
			score[i], event[i] = math.Round(4*rng.NormFloat64()), rng.Float64() < 0.6
			count[rng.IntN(n)]++
		}
		f := concordance.NewFixed(time, event)
		c := f.Clone()
		a0, b0 := f.HarrellCs(score, count)
		a1, b1 := c.HarrellCs(score, count)
		if a0 != a1 || b0 != b1 || c.HarrellC(score, nil) != b0 {
			t.Errorf("near ties %v: clone %v %v, new %v %v", nearly, a1, b1, a0, b0)
		}
	}
}
