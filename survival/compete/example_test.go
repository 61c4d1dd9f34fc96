package compete_test

import (
	"fmt"

	"carimpi/survival"
	"carimpi/survival/compete"
)

// Relapse (1) and non-relapse mortality (2) in two groups.
func ExampleCumInc() {
	time := []float64{2, 3, 3, 5, 6, 8, 9, 11, 12, 14, 15, 18}
	status := []int{1, 2, 1, 0, 1, 0, 2, 1, 0, 1, 0, 0}
	group := []int{0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1}
	curves, _ := compete.CumInc(time, status, group, 0)
	for _, c := range curves {
		_, est, v := c.At([]float64{6})
		lo, up := compete.ConfInt(est[0], v[0], survival.ConfLogLog, 0.95)
		fmt.Printf("group %d cause %d: F(6) = %.3f (%.3f to %.3f)\n", c.Group, c.Cause, est[0], lo, up)
	}
	g, _ := compete.Gray(time, status, group, nil, 1, 0)
	fmt.Printf("Gray's test, cause 1: %.3f on %d df, p = %.3f\n", g.Statistic, g.DF, g.P)
	// Output:
	// group 0 cause 1: F(6) = 0.583 (0.038 to 0.915)
	// group 1 cause 1: F(6) = 0.000 (0.000 to 0.000)
	// group 0 cause 2: F(6) = 0.167 (0.004 to 0.556)
	// group 1 cause 2: F(6) = 0.000 (0.000 to 0.000)
	// Gray's test, cause 1: 4.113 on 1 df, p = 0.043
}

// Fine-Gray regression of relapse (cause 1) on one covariate; R gives
// crr(time, status, x): coef 0.1602540401, se 0.8341705602, p 0.8476546017.
func ExampleFineGray() {
	time := []float64{2, 3, 3, 5, 6, 8, 9, 11, 12, 14, 15, 18}
	status := []int{1, 2, 1, 0, 1, 0, 2, 1, 0, 1, 0, 0}
	x := [][]float64{{1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 1, 0}}
	m, err := compete.FineGray(time, status, x, &compete.FGOptions{Names: []string{"x"}})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s: coef %.10f, se %.10f, p %.10f, converged %v\n", m.Names[0], m.Coef[0], m.SE[0], m.P[0], m.Converged)
	// Output:
	// x: coef 0.1602540401, se 0.8341705602, p 0.8476546017, converged true
}
