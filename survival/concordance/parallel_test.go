package concordance_test

import (
	"testing"

	"carimpi/internal/reftest"
	"carimpi/survival/concordance"
)

// TestTwoWalkers runs the R references and the brute-force checks again
// with the walk split over two goroutines (one tree each), which large
// inputs take.
func TestTwoWalkers(t *testing.T) {
	concordance.TwoWalkers(t)
	t.Run("cox references", TestHarrellCoxReference)
	t.Run("R", TestConcordanceR)
	t.Run("counting R", TestCountingR)
	t.Run("brute force", TestBruteForce)
	t.Run("counting brute force", TestCountingBruteForce)
	t.Run("properties", TestProperties)
}

// TestTwoWalkersSame: one walk and two give the same result, exactly
// without weights (every count is a whole number), to rounding with them.
func TestTwoWalkersSame(t *testing.T) {
	time, event, score, strata, w := randomData(11, 3000)
	start, stop, cevent, cscore, cstrata, cluster, cw := randomCounting(12, 3000)
	calls := map[string]func() concordance.Result{
		"harrell":          func() concordance.Result { return concordance.Harrell(time, event, score, strata, nil) },
		"harrell weighted": func() concordance.Result { return concordance.Harrell(time, event, score, strata, w) },
		"uno":              func() concordance.Result { return concordance.Uno(time, event, score, 10, w) },
		"counting": func() concordance.Result {
			return concordance.HarrellWith(stop, cevent, cscore, concordance.Options{Start: start, Strata: cstrata, Cluster: cluster})
		},
		"counting weighted": func() concordance.Result {
			return concordance.HarrellWith(stop, cevent, cscore, concordance.Options{Start: start, Strata: cstrata, Weights: cw, Cluster: cluster})
		},
	}
	one := map[string]concordance.Result{}
	for name, call := range calls {
		one[name] = call()
	}
	concordance.TwoWalkers(t)
	for name, call := range calls {
		got, want := call(), one[name]
		if name == "harrell" || name == "counting" {
			if got != want {
				t.Errorf("%s: two walkers %+v, one %+v", name, got, want)
			}
			continue
		}
		reftest.Floats(t, name, []float64{got.C, got.SE, got.Concordant, got.Discordant, got.TiedX, got.TiedY, got.TiedXY},
			[]float64{want.C, want.SE, want.Concordant, want.Discordant, want.TiedX, want.TiedY, want.TiedXY}, 1e-13)
	}
}
