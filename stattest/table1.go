package stattest

import (
	"errors"
	"math"
)

// GroupTest is the result of the Table-1 rule: which test was chosen and
// what it gave.
type GroupTest struct {
	// Test names the test: "wilcoxon" (Wilcoxon rank-sum / Mann-Whitney U),
	// "kruskal" (Kruskal-Wallis), "chisq" (Pearson's chi-square without
	// continuity correction) or "fisher" (Fisher's exact test).
	Test string
	// Statistic is W, H or X^2; NaN for Fisher's test.
	Statistic float64
	// DF is the degrees of freedom of H or X^2, else 0.
	DF int
	P  float64
	// MinExpected is the smallest expected count of a table test (NaN for
	// rank tests); it chose between chi-square and Fisher.
	MinExpected float64
	// Replicates > 0 means that the exact Fisher test was beyond reach
	// (ErrTableTooLarge) and P is FisherMonteCarlo's estimate from that
	// many random tables drawn with Seed.
	Replicates int
	Seed       uint64
}

// Table1Test is the one Table-1 test choice (gtsummary's default rule),
// used by the study's tables and "carimpi compare --test auto": a
// continuous variable gets the Wilcoxon rank-sum test for two groups
// ("wilcoxon") and Kruskal-Wallis for more ("kruskal"); a categorical one
// Pearson's chi-square without continuity correction ("chisq"), or
// Fisher's exact test ("fisher") when an expected count (minExpected) is
// below 5.
func Table1Test(categorical bool, groups int, minExpected float64) string {
	switch {
	case !categorical && groups == 2:
		return "wilcoxon"
	case !categorical:
		return "kruskal"
	case minExpected < 5:
		return "fisher"
	}
	return "chisq"
}

// CompareContinuous tests whether a continuous variable differs between
// groups as a clinical Table 1 does: the Wilcoxon rank-sum test
// (MannWhitney, R's wilcox.test(x ~ g)) for two groups, the
// Kruskal-Wallis test (KruskalWallis, R's kruskal.test(x ~ g)) for more.
// NaN values are dropped; a group left empty is dropped too, and fewer
// than two groups with values is an error.
func CompareContinuous(groups [][]float64) (GroupTest, error) {
	var kept [][]float64
	for _, g := range groups {
		if f := finite(g); len(f) > 0 {
			kept = append(kept, f)
		}
	}
	switch {
	case len(kept) < 2:
		return GroupTest{}, errors.New("stattest: fewer than two groups have values")
	case Table1Test(false, len(kept), math.NaN()) == "wilcoxon":
		r, err := MannWhitney(kept[0], kept[1])
		if err != nil {
			return GroupTest{}, err
		}
		return GroupTest{Test: "wilcoxon", Statistic: r.W, P: r.P, MinExpected: math.NaN()}, nil
	default:
		r, err := KruskalWallis(kept)
		if err != nil {
			return GroupTest{}, err
		}
		return GroupTest{Test: "kruskal", Statistic: r.H, DF: r.DF, P: r.P, MinExpected: math.NaN()}, nil
	}
}

// CompareCategorical tests independence in a groups x levels table of
// counts as a clinical Table 1 does: Pearson's chi-square test without
// continuity correction (R's chisq.test(table, correct = FALSE)), or
// Fisher's exact test (R's fisher.test(table)) when an expected count is
// below 5. Empty rows and columns are dropped first, as R's table() of
// the observed values has none; fewer than two rows or columns left is an
// error. When the exact test is beyond reach (ErrTableTooLarge), the
// p-value is FisherMonteCarlo's from replicates random tables drawn with
// seed, as R's fisher.test(table, simulate.p.value = TRUE, B =
// replicates) would be asked for, and Replicates and Seed say so; with
// replicates = 0 the error is returned instead, together with the
// chi-square result.
func CompareCategorical(table [][]int, replicates int, seed uint64) (GroupTest, error) {
	t, err := compactTable(table)
	if err != nil {
		return GroupTest{}, err
	}
	cs, err := ChiSquare(t, false)
	if err != nil {
		return GroupTest{}, err
	}
	res := GroupTest{Test: "chisq", Statistic: cs.Statistic, DF: cs.DF, P: cs.P, MinExpected: cs.MinExpected}
	if Table1Test(true, len(t), cs.MinExpected) == "chisq" {
		return res, nil
	}
	fisher := GroupTest{Test: "fisher", Statistic: math.NaN(), MinExpected: cs.MinExpected}
	f, err := FisherExact(t)
	switch {
	case errors.Is(err, ErrTableTooLarge) && replicates > 0:
		fisher.P, err = FisherMonteCarlo(t, replicates, seed)
		fisher.Replicates, fisher.Seed = replicates, seed
		return fisher, err
	case err != nil:
		return res, err
	}
	fisher.P = f.P
	return fisher, nil
}
