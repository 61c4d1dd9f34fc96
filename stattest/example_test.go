package stattest_test

import (
	"fmt"

	"carimpi/stattest"
)

// The outputs below agree with R 4.2.2 (quantile, sd, wilcox.test,
// kruskal.test, fisher.test, chisq.test on the same numbers).

func ExampleQuantiles() {
	// Type-7 quantiles (R's default) for "median (Q1, Q3)"; NaN is missing.
	age := []float64{61, 47, 72, 58, 66, 70, 53}
	q := stattest.Quantiles(age, 0.25, 0.5, 0.75)
	fmt.Printf("median %g (Q1 %g, Q3 %g)\n", q[1], q[0], q[2])
	// Output:
	// median 61 (Q1 55.5, Q3 68)
}

func ExampleDescribe() {
	ldh := []float64{250, 310, 0.5e3, 190, 1200, 280}
	s := stattest.Describe(append(ldh, nan()))
	fmt.Printf("n %d (missing %d): median %g (%g, %g), range %g-%g, mean %.1f, sd %.1f\n",
		s.N, s.NMissing, s.Median, s.Q1, s.Q3, s.Min, s.Max, s.Mean, s.SD)
	// Output:
	// n 6 (missing 1): median 295 (257.5, 452.5), range 190-1200, mean 455.0, sd 379.7
}

func ExampleMannWhitney() {
	// Few values without ties: the exact p-value, as R's wilcox.test.
	low := []float64{12.5, 30.1, 8.2, 22.4, 15.0}
	high := []float64{41.3, 25.7, 60.2, 38.8, 52.9, 33.1}
	r, err := stattest.MannWhitney(low, high)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("W = %g, exact %v, p = %.4f\n", r.W, r.Exact, r.P)
	// Output:
	// W = 1, exact true, p = 0.0087
}

func ExampleKruskalWallis() {
	mtv := [][]float64{
		{12, 40, 33, 8, 51},     // stage I-II
		{75, 41, 120, 66},       // stage III
		{210, 95, 130, 160, 88}, // stage IV
	}
	r, err := stattest.KruskalWallis(mtv)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("H = %.3f, df = %d, p = %.4f\n", r.H, r.DF, r.P)
	// Output:
	// H = 10.100, df = 2, p = 0.0064
}

func ExampleFisherExact() {
	// Grade >= 3 CRS (yes, no) by risk group (high, low).
	r, err := stattest.FisherExact([][]int{{7, 13}, {2, 28}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("p = %.4f, odds ratio %.2f (95%% CI %.2f to %.2f)\n", r.P, r.OddsRatio, r.ConfInt[0], r.ConfInt[1])
	// Output:
	// p = 0.0207, odds ratio 7.21 (95% CI 1.16 to 80.38)
}

func ExampleFisherExact_rxc() {
	// ECOG 0, 1, 2 by cohort: r x c tables give the p-value only.
	r, err := stattest.FisherExact([][]int{{20, 25, 5}, {30, 15, 1}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("p = %.4f\n", r.P)
	// Output:
	// p = 0.0355
}

func ExampleChiSquare() {
	r, err := stattest.ChiSquare([][]int{{26, 112}, {37, 53}}, true)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("X-squared = %.3f, df = %d, p = %.5f, Yates %v, smallest expected %.1f\n",
		r.Statistic, r.DF, r.P, r.Yates, r.MinExpected)
	// Output:
	// X-squared = 12.420, df = 1, p = 0.00042, Yates true, smallest expected 24.9
}

func ExampleFisherMonteCarlo() {
	// For tables too large to enumerate: a seeded simulation, as R's
	// fisher.test(simulate.p.value = TRUE, B = 2000).
	tab := [][]int{{36, 71, 29, 1}, {27, 42, 21, 0}}
	p, err := stattest.FisherMonteCarlo(tab, 2000, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	exact, _ := stattest.FisherExact(tab)
	fmt.Printf("Monte Carlo p = %.3f (seed 1), exact p = %.3f\n", p, exact.P)
	// Output:
	// Monte Carlo p = 0.828 (seed 1), exact p = 0.823
}
