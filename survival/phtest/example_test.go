package phtest_test

import (
	"fmt"

	"carimpi/survival/phtest"
)

func ExampleZPH() {
	// A small data set with one covariate whose effect fades over time.
	time := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	event := []bool{true, true, true, false, true, true, true, false, true, true, true, false}
	x := [][]float64{{1, 1, 1, 0, 1, 0, 0, 1, 0, 1, 0, 0}}
	// The coefficient of coxph(Surv(time, event) ~ x); R's cox.zph(fit)
	// gives chisq 1.01897, p 0.312763.
	beta := []float64{1.088048749}
	r, err := phtest.ZPH(time, event, x, beta, true, []phtest.Term{{Name: "x", Cols: []int{0}}}, nil, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range append(r.Terms, r.Global) {
		fmt.Printf("%-6s chisq %.4f df %d p %.4f\n", s.Name, s.Chisq, s.DF, s.P)
	}
	// Output:
	// x      chisq 1.0190 df 1 p 0.3128
	// GLOBAL chisq 1.0190 df 1 p 0.3128
}
