package maxstat_test

import (
	"fmt"

	"carimpi/survival/maxstat"
)

// Twenty patients: a marker x, months to progression and whether it was
// observed (false = censored).
var (
	marker = []float64{12, 45, 3, 88, 27, 51, 9, 64, 33, 70, 18, 95, 40, 6, 58, 22, 77, 15, 49, 30}
	months = []float64{30, 8, 41, 5, 25, 7, 36, 4, 14, 9, 28, 3, 16, 44, 6, 33, 10, 38, 12, 21}
	event  = []bool{false, true, false, true, true, true, false, true, true, true, false, true, true, false, true, true, true, false, true, false}
)

// R 4.2.2, maxstat 0.7.25: maxstat.test(Surv(months, event) ~ marker,
// smethod = "LogRank", pmethod = "Lau94") gives 30, 3.928500585, 0.001054498.
func ExampleTest() {
	r, err := maxstat.Test(marker, months, event, maxstat.Options{Method: maxstat.Lau94})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("cut point %g: M = %.4f, Lau94 p = %.4f over %d cuts\n", r.Cutpoint, r.Statistic, r.P, len(r.Cuts))
	// Output: cut point 30: M = 3.9285, Lau94 p = 0.0011 over 17 cuts
}

// R's pmvnorm gives 0.000972 with error estimate 4.6e-5 (abseps 1e-6).
func ExampleTest_exactGauss() {
	r, err := maxstat.Test(marker, months, event, maxstat.Options{Method: maxstat.ExactGauss})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("exactGauss p = %.6f (accuracy better than 1e-8: %v)\n", r.P, r.PAccuracy <= 1e-8)
	// Output: exactGauss p = 0.000989 (accuracy better than 1e-8: true)
}

// R: maxstat.test(months ~ marker, smethod = "Wilcoxon", minprop = 0.2,
// maxprop = 0.8) gives 30, 3.760699.
func ExampleTestScores() {
	// An uncensored outcome with Wilcoxon (rank) scores.
	r, err := maxstat.TestScores(marker, maxstat.WilcoxonScores(months), maxstat.Options{MinProp: 0.2, MaxProp: 0.8})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("cut point %g, M = %.4f\n", r.Cutpoint, r.Statistic)
	// Output: cut point 30, M = 3.7607
}

func ExamplePExactGauss() {
	// Two cuts at 10 and 30 of 40 observations, b = 2.
	p, acc, err := maxstat.PExactGauss(2, 40, []int{10, 30}, 1e-10)
	fmt.Printf("p = %.8f, accuracy <= 1e-10: %v, err %v\n", p, acc <= 1e-10, err)
	// Output: p = 0.08630760, accuracy <= 1e-10: true, err <nil>
}

func ExampleBootstrap() {
	s, err := maxstat.Bootstrap(marker, months, event, maxstat.Options{}, 500, 2025)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("median %g, 95%% interval %g to %g, %d resamples without a cut\n", s.Median, s.Lower, s.Upper, s.Failed)
	// Output: median 30, 95% interval 12 to 30, 0 resamples without a cut
}
