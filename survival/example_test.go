package survival_test

import (
	"fmt"

	"carimpi/survival"
)

// Twenty patients in two arms; months to progression, true = progressed.
var (
	months = []float64{3, 5, 6, 6, 8, 12, 14, 20, 24, 30, 2, 4, 4, 7, 9, 9, 10, 15, 18, 22}
	prog   = []bool{true, true, false, true, true, false, true, false, true, false,
		true, true, true, true, false, true, true, true, false, true}
	arm = []int{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}
)

// The numbers agree with R's survfit(Surv(months, prog) ~ arm,
// conf.type = "log-log"), summary(fit, times = 12) and print(fit, rmean = 24).
func ExampleKaplanMeier() {
	curves, err := survival.KaplanMeier(months, prog, arm, survival.KMOptions{ConfType: survival.ConfLogLog})
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, c := range curves {
		m := c.Median()
		at := c.At([]float64{12})
		fmt.Printf("arm %d: n=%d events=%d median %.1f (95%% CI %.1f-%.1f), 12-month PFS %.2f (%.2f-%.2f)\n",
			i, c.N, c.Events, m.Estimate, m.Lower, m.Upper, at.Surv[0], at.Lower[0], at.Upper[0])
	}
	r, _ := curves[0].RMST(24)
	fmt.Printf("arm 0: restricted mean to 24 months %.2f (se %.2f)\n", r.Mean, r.StdErr)
	// Output:
	// arm 0: n=10 events=6 median 14.0 (95% CI 3.0-NaN), 12-month PFS 0.58 (0.23-0.82)
	// arm 1: n=10 events=8 median 9.5 (95% CI 2.0-NaN), 12-month PFS 0.38 (0.10-0.66)
	// arm 0: restricted mean to 24 months 14.88 (se 2.86)
}

func ExampleLogRank() {
	r, err := survival.LogRank(months, prog, arm, nil, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	for g := range r.N {
		fmt.Printf("arm %d: N=%d O=%.0f E=%.2f\n", g, r.N[g], r.Observed[g], r.Expected[g])
	}
	fmt.Printf("chi-square %.3f on %d df, p = %.3f\n", r.Statistic, r.DF, r.P)
	// Output:
	// arm 0: N=10 O=6 E=7.83
	// arm 1: N=10 O=8 E=6.17
	// chi-square 1.057 on 1 df, p = 0.304
}

func ExampleMedianFollowUp() {
	m, err := survival.MedianFollowUp(months, prog, survival.KMOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("median follow-up %.0f months\n", m.Estimate)
	// Output:
	// median follow-up 20 months
}

// Risk terciles are ordered: the trend test asks whether survival falls
// steadily from low to high risk (scores 1, 2, 3), on 1 df.
func ExampleLogRankResult_Trend() {
	tercile := []int{0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 2, 2, 1, 2, 1, 2, 0, 1, 0, 2}
	r, err := survival.LogRank(months, prog, tercile, nil, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	t, err := r.Trend(nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("log-rank %.3f on %d df; trend %.3f on %d df, p = %.3f\n", r.Statistic, r.DF, t.Statistic, t.DF, t.P)
	// Output:
	// log-rank 0.241 on 2 df; trend 0.178 on 1 df, p = 0.674
}

// S(t) of a Kaplan-Meier curve read between, at and beyond its times.
func ExampleStepAt() {
	times := []float64{3, 6, 12}
	surv := []float64{0.9, 0.8, 0.6}
	for _, t := range []float64{1, 3, 7.5, 24} {
		fmt.Printf("S(%v) = %v\n", t, survival.StepAt(times, surv, t, 1))
	}
	// Output:
	// S(1) = 1
	// S(3) = 0.9
	// S(7.5) = 0.8
	// S(24) = 0.6
}
