package study

import (
	"fmt"
	"math"
	"sort"

	"carimpi/stattest"
)

// addTable1 describes the included patients by cohort as the paper's
// Table 1: median (Q1, Q3) for numbers, n/N (%) for categories with the
// denominator whenever values are missing, and a p-value across cohorts
// (Mann-Whitney or Kruskal-Wallis; chi-square, or Fisher's exact test when
// an expected count is below 5).
func (out *Output) addTable1(p *patients, cohorts []string) {
	groups := make([][]int, len(cohorts))
	all := []int{}
	for g, c := range cohorts {
		groups[g] = p.subset(c)
		all = append(all, groups[g]...)
	}
	header := []string{"Characteristic", fmt.Sprintf("All patients (n = %d)", len(all))}
	for g, c := range cohorts {
		header = append(header, fmt.Sprintf("%s (n = %d)", c, len(groups[g])))
	}
	header = append(header, "p", "test")
	t := Table{Name: "table1", Title: "Table 1. Patient characteristics by cohort", Header: header}
	col := p.c.Floats
	ht := make([]float64, p.n)
	for i, r := range p.rows {
		ht[i] = r.CARHematotox
	}
	female := make([]string, p.n)
	for i, r := range p.c.Records {
		female[i] = r.Sex
	}
	numeric := []struct {
		label string
		x     []float64
	}{
		{"Age, years", p.age}, {"Prior lines of therapy", col("prior_lines")}, {"MTV, mL", p.mtv},
		{"LDH, U/L", p.ldh}, {"Hemoglobin, g/dL", col("hb")}, {"Platelets, 10^9/L", col("plt")},
		{"ANC, 10^9/L", col("anc")}, {"Ferritin, ng/mL", col("ferritin")}, {"CRP, mg/dL", p.crp},
	}
	binary := []struct {
		label string
		x     []float64
	}{
		{"ECOG > 1", indicator(p.ecog, func(v float64) bool { return v > 1 })},
		{"Ann Arbor stage 3-4", indicator(p.stage, func(v float64) bool { return v >= 3 })},
		{"Bridging therapy", col("bridging")}, {"Primary refractory", col("primary_refractory")},
		{"Bulky disease (> 10 cm)", col("bulky")}, {"Prior autologous HCT", col("prior_auto_hct")},
		{"Transformed lymphoma", col("transformed")}, {"Double/triple hit", col("double_hit")},
		{"CAR-HEMATOTOX >= 3", indicator(ht, func(v float64) bool { return v >= 3 })},
	}
	for _, v := range numeric[:1] {
		t.Rows = append(t.Rows, numericRow(v.label, v.x, all, groups))
	}
	t.Rows = append(t.Rows, categoryRows("Sex", female, all, groups)...)
	t.Rows = append(t.Rows, binaryRow(binary[0].label, binary[0].x, all, groups))
	t.Rows = append(t.Rows, categoryRows("CAR-T product", p.product, all, groups)...)
	for _, v := range numeric[1:3] {
		t.Rows = append(t.Rows, numericRow(v.label, v.x, all, groups))
	}
	for _, v := range binary[1:] {
		t.Rows = append(t.Rows, binaryRow(v.label, v.x, all, groups))
	}
	for _, v := range numeric[3:] {
		t.Rows = append(t.Rows, numericRow(v.label, v.x, all, groups))
	}
	out.Tables = append(out.Tables, t)
}

func numericRow(label string, x []float64, all []int, groups [][]int) []string {
	row := []string{label, medianIQR(pick(x, all))}
	var samples [][]float64
	for _, g := range groups {
		v := pick(x, g)
		row = append(row, medianIQR(v))
		samples = append(samples, finiteOnly(v))
	}
	pv, test := math.NaN(), ""
	switch len(groups) {
	case 2:
		if r, err := stattest.MannWhitney(samples[0], samples[1]); err == nil {
			pv, test = r.P, "Mann-Whitney"
		}
	default:
		if len(groups) > 2 {
			if r, err := stattest.KruskalWallis(samples); err == nil {
				pv, test = r.P, "Kruskal-Wallis"
			}
		}
	}
	return append(row, fmtP(pv), test)
}

func medianIQR(x []float64) string {
	f := finiteOnly(x)
	if len(f) == 0 {
		return "—"
	}
	q := stattest.Quantiles(f, 0.5, 0.25, 0.75)
	s := fmt.Sprintf("%.3g (%.3g, %.3g)", q[0], q[1], q[2])
	if miss := len(x) - len(f); miss > 0 {
		s += fmt.Sprintf(" [%d missing]", miss)
	}
	return s
}

func finiteOnly(x []float64) []float64 {
	var out []float64
	for _, v := range x {
		if !math.IsNaN(v) {
			out = append(out, v)
		}
	}
	return out
}

// binaryRow tabulates a 0/1 variable: n (%) or n/N (%) with missing values.
func binaryRow(label string, x []float64, all []int, groups [][]int) []string {
	row := []string{label, countPct(pick(x, all))}
	tab := make([][]int, len(groups))
	for g, idx := range groups {
		v := pick(x, idx)
		row = append(row, countPct(v))
		tab[g] = make([]int, 2)
		for _, y := range v {
			if !math.IsNaN(y) {
				tab[g][int(y)]++
			}
		}
	}
	pv, test := tableTest(tab)
	return append(row, fmtP(pv), test)
}

func countPct(x []float64) string {
	n, k := 0, 0
	for _, v := range x {
		if math.IsNaN(v) {
			continue
		}
		n++
		if v == 1 {
			k++
		}
	}
	if n == 0 {
		return "—"
	}
	if n == len(x) {
		return fmt.Sprintf("%d (%.2g%%)", k, 100*float64(k)/float64(n))
	}
	return fmt.Sprintf("%d/%d (%.2g%%)", k, n, 100*float64(k)/float64(n))
}

// categoryRows tabulates a text variable, one row per level, with the test
// of the whole table on the first row.
func categoryRows(label string, s []string, all []int, groups [][]int) [][]string {
	levels := levelsOf(pickS(s, all), "")
	if len(levels) == 0 {
		return [][]string{{label, "—"}}
	}
	tab := make([][]int, len(groups))
	for g, idx := range groups {
		tab[g] = make([]int, len(levels))
		for _, i := range idx {
			if k := sort.SearchStrings(levels, s[i]); s[i] != "" && k < len(levels) && levels[k] == s[i] {
				tab[g][k]++
			}
		}
	}
	pv, test := tableTest(tab)
	first := append([]string{label, ""}, make([]string, len(groups))...)
	rows := [][]string{append(first, fmtP(pv), test)}
	for _, l := range levels {
		ind := make([]float64, len(s))
		for i := range s {
			switch s[i] {
			case "":
				ind[i] = math.NaN()
			case l:
				ind[i] = 1
			}
		}
		r := []string{"    " + l, countPct(pick(ind, all))}
		for _, g := range groups {
			r = append(r, countPct(pick(ind, g)))
		}
		rows = append(rows, append(r, "", ""))
	}
	return rows
}

// tableTest compares the rows of a contingency table: Fisher's exact test
// when an expected count is below 5, else chi-square (Yates for 2x2).
func tableTest(tab [][]int) (float64, string) {
	if len(tab) < 2 {
		return math.NaN(), ""
	}
	cs, err := stattest.ChiSquare(tab, true)
	if err != nil {
		return math.NaN(), ""
	}
	if cs.MinExpected < 5 {
		if f, err := stattest.FisherExact(tab); err == nil {
			return f.P, "Fisher"
		}
	}
	return cs.P, "chi-square"
}

func fmtP(p float64) string {
	switch {
	case math.IsNaN(p):
		return ""
	case p < 0.001:
		return "< 0.001"
	default:
		return fmt.Sprintf("%.3f", p)
	}
}
