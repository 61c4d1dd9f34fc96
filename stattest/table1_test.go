package stattest

import (
	"errors"
	"math"
	"testing"
)

// TestTable1Rule checks the test the rule chooses and its p-value against
// R 4.2.2: chisq.test(t, correct = FALSE), fisher.test(t), wilcox.test,
// kruskal.test.
func TestTable1Rule(t *testing.T) {
	for _, tc := range []struct {
		name  string
		table [][]int
		cont  [][]float64
		test  string
		p     float64
	}{
		// matrix(c(20,30,25,25), 2): expected counts >= 5, no Yates correction
		{name: "chisq", table: [][]int{{20, 25}, {30, 25}}, test: "chisq", p: 0.31487864133641985},
		// matrix(c(2,8,7,3,5,5), 2): expected count 4.5 < 5; an empty row is dropped as table() would not have it
		{name: "fisher", table: [][]int{{2, 7, 5}, {0, 0, 0}, {8, 3, 5}}, test: "fisher", p: 0.10612000501297325},
		{name: "wilcoxon", cont: [][]float64{{1.5, 2.5, 3.1, 4.7, 5.2}, {2.2, 6.1, math.NaN(), 7.3, 8.8}}, test: "wilcoxon", p: 0.19047619047619047},
		{name: "kruskal", cont: [][]float64{{1, 2, 3.5}, {}, {2.5, 4, 5}, {6, 7, 8.5}}, test: "kruskal", p: 0.038990219574487152},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got GroupTest
			var err error
			if tc.table != nil {
				got, err = CompareCategorical(tc.table, 0, 0)
			} else {
				got, err = CompareContinuous(tc.cont)
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Test != tc.test || math.Abs(got.P-tc.p) > 1e-9*tc.p {
				t.Errorf("got %s p = %.17g, want %s p = %.17g", got.Test, got.P, tc.test, tc.p)
			}
		})
	}
	if _, err := CompareCategorical([][]int{{3, 0}, {4, 0}}, 0, 0); err == nil {
		t.Error("a table with one level left is not an error")
	}
	if _, err := CompareContinuous([][]float64{{1, 2}, {math.NaN()}}); err == nil {
		t.Error("one group with values is not an error")
	}
}

// TestTable1RuleMonteCarlo checks the fallback when the exact Fisher test
// is beyond reach: a 3 x 8 table of N = 500 with sparse columns, whose
// walk exceeds fisherMaxPasts within a second.
func TestTable1RuleMonteCarlo(t *testing.T) {
	tab := [][]int{{40, 30, 20, 10, 5, 3, 2, 1}, {35, 32, 25, 12, 6, 4, 3, 2}, {20, 28, 35, 20, 10, 8, 5, 4}}
	cs, _ := ChiSquare(tab, false)
	got, err := CompareCategorical(tab, 0, 0)
	if !errors.Is(err, ErrTableTooLarge) || got.Test != "chisq" || got.P != cs.P {
		t.Fatalf("without replicates: %+v, %v; want the chi-square result and ErrTableTooLarge", got, err)
	}
	got, err = CompareCategorical(tab, 500, 7)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := FisherMonteCarlo(tab, 500, 7)
	if got.Test != "fisher" || got.Replicates != 500 || got.Seed != 7 || got.P != want {
		t.Errorf("got %+v, want Fisher with 500 replicates, seed 7, p = %v", got, want)
	}
}
