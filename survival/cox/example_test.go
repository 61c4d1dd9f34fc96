package cox_test

import (
	"fmt"

	"carimpi/survival/cox"
)

// The data of Therneau and Grambsch's appendix E.1.1 (survival's
// tests/book1.R) without its row of missing status; R 4.2.2 / survival
// 3.5.3 gives the same coefficient, se and CI.
func ExampleFit() {
	time := []float64{9, 1, 1, 6, 6, 8}
	event := []bool{true, true, false, true, true, false}
	x := []float64{0, 1, 1, 1, 0, 0}
	m, err := cox.Fit(time, event, [][]float64{x}, &cox.Options{Ties: cox.Breslow, Names: []string{"x"}}, nil)
	if err != nil {
		panic(err)
	}
	fmt.Printf("coef %.6f se %.6f HR %.4f (%.4f-%.4f)\n", m.Coef[0], m.SE[0], m.HR[0], m.HRLower[0], m.HRUpper[0])
	fmt.Printf("loglik %.6f -> %.6f, LRT %.4f df %d, score %.4f\n", m.LoglikNull, m.Loglik, m.LRT.Statistic, m.LRT.DF, m.Score.Statistic)
	// Output:
	// coef 1.475285 se 1.255734 HR 4.3723 (0.3731-51.2379)
	// loglik -4.564348 -> -3.824750, LRT 1.4792 df 1, score 1.6000
}

// The survival curve at x = 0 of the Efron fit; R's
// survfit(coxph(Surv(time, status) ~ x), newdata = data.frame(x = 0))
// prints the same values.
func ExampleModel_Survfit() {
	time := []float64{9, 1, 1, 6, 6, 8}
	event := []bool{true, true, false, true, true, false}
	x := []float64{0, 1, 1, 1, 0, 0}
	m, err := cox.Fit(time, event, [][]float64{x}, nil, nil)
	if err != nil {
		panic(err)
	}
	c := m.Survfit([]float64{0})[0]
	for i, t := range c.Time {
		fmt.Printf("t=%g at risk %g events %g S=%.4f\n", t, c.NRisk[i], c.NEvent[i], c.Surv[i])
	}
	// Output:
	// t=1 at risk 6 events 1 S=0.9489
	// t=6 at risk 4 events 2 S=0.6938
	// t=8 at risk 2 events 0 S=0.6938
	// t=9 at risk 1 events 1 S=0.2552
}

func ExampleParseTerms() {
	terms, err := cox.ParseTerms("age, factor(celltype,ref=squamous), lsp(mtv,44.3)")
	if err != nil {
		panic(err)
	}
	for _, t := range terms {
		fmt.Println(t.Var, t.Ref, t.Knots)
	}
	// Output:
	// age  []
	// celltype squamous []
	// mtv  [44.3]
}

// columns is a small in-memory cox.Data: every column as text.
type columns map[string][]string

func (c columns) Codes(col string) ([]int32, []string, error) {
	codes, levels := codeCells(c[col])
	return codes, levels, nil
}
func (c columns) Floats(col string) ([]float64, error) {
	out := make([]float64, len(c[col]))
	for i, s := range c[col] {
		if _, err := fmt.Sscan(s, &out[i]); err != nil {
			return nil, fmt.Errorf("%s: %v", col, err)
		}
	}
	return out, nil
}

func ExampleNewDesign() {
	data := columns{
		"mtv":      {"12.5", "80", "44.3", "300"},
		"celltype": {"squamous", "adeno", "large", "squamous"},
	}
	terms, err := cox.ParseTerms("factor(celltype,ref=squamous), lsp(mtv,44.3)")
	if err != nil {
		panic(err)
	}
	d, err := cox.NewDesign(terms, data)
	if err != nil {
		panic(err)
	}
	fmt.Println(d.Names)
	for i := range data["mtv"] {
		for j := range d.X {
			fmt.Printf("%6g", d.X[j][i])
		}
		fmt.Println()
	}
	// Output:
	// [celltype=adeno celltype=large mtv mtv']
	//      0     0  12.5     0
	//      1     0    80  35.7
	//      0     1  44.3     0
	//      0     0   300 255.7
}
