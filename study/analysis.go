package study

import (
	"fmt"
	"math"
	"slices"

	"carimpi/internal/factor"
	"carimpi/internal/jsonx"
	"carimpi/render"
	"carimpi/stattest"
	"carimpi/survival"
	"carimpi/survival/cox"
)

// outcome is one endpoint of one set of patients; NaN marks a missing
// time or event.
type outcome struct {
	time, event []float64
}

// groupComparison compares survival between groups: group[i] indexes names,
// -1 leaves the patient out. The first group is the reference of the
// univariable Cox model. It returns the numbers and the figure's curves.
func groupComparison(o outcome, group []int, names []string) (*GroupSurvival, []render.KMGroup, error) {
	in := func(i int) bool { return group[i] >= 0 && !math.IsNaN(o.time[i]) && !math.IsNaN(o.event[i]) }
	n := 0
	for i := range group {
		if in(i) {
			n++
		}
	}
	t, e, g := make([]float64, 0, n), make([]bool, 0, n), make([]int, 0, n)
	for i := range group {
		if in(i) {
			t = append(t, o.time[i])
			e = append(e, o.event[i] == 1)
			g = append(g, group[i])
		}
	}
	k := len(names)
	gs := &GroupSurvival{
		Groups: names, N: make([]int, k), Events: make([]int, k),
		Median: nanSlice(k), MedianLower: nanSlice(k), MedianUpper: nanSlice(k), Surv12: nanSlice(k),
		LogrankChisq: jsonx.Float(math.NaN()), LogrankP: jsonx.Float(math.NaN()),
		HRVsLow: nanSlice(k - 1), HRLower: nanSlice(k - 1), HRUpper: nanSlice(k - 1), HRP: nanSlice(k - 1),
		Reference: names[0],
	}
	if len(t) == 0 {
		return gs, nil, fmt.Errorf("no patient has both the outcome and a group")
	}
	// KaplanMeier returns a curve per code up to the largest present, so
	// curves may be shorter than names when the last groups are empty.
	curves, err := survival.KaplanMeier(t, e, g, survival.KMOptions{})
	if err != nil {
		return gs, nil, err
	}
	var plot []render.KMGroup
	var plotGroup []int // plot[k] is group plotGroup[k]
	for j := 0; j < k && j < len(curves); j++ {
		c := &curves[j]
		gs.N[j], gs.Events[j] = c.N, c.Events
		if c.N == 0 {
			continue
		}
		m := c.Median()
		gs.Median[j], gs.MedianLower[j], gs.MedianUpper[j] = m.Estimate, m.Lower, m.Upper
		if s := c.At([]float64{12}); len(s.Surv) == 1 {
			gs.Surv12[j] = s.Surv[0]
		}
		plot = append(plot, render.KMGroup{Name: groupLabel(names[j]), Color: render.GroupColor(names[j], j), N: c.N, Time: c.Time, NRisk: c.NRisk, NCensor: c.NCensor,
			Surv: c.Surv, Lower: c.Lower, Upper: c.Upper})
		plotGroup = append(plotGroup, j)
	}
	if lr, err := survival.LogRank(t, e, g, nil, 0); err == nil {
		gs.LogrankChisq, gs.LogrankDF, gs.LogrankP = jsonx.Float(lr.Statistic), lr.DF, jsonx.Float(lr.P)
	}
	// Univariable Cox of the group factor, reference = first group; a
	// group without patients has no column (its HR stays null).
	var cols [][]float64
	var colGroup []int
	for j := 1; j < k; j++ {
		if gs.N[j] == 0 || gs.N[0] == 0 {
			continue
		}
		col := make([]float64, len(g))
		for i := range g {
			if g[i] == j {
				col[i] = 1
			}
		}
		cols = append(cols, col)
		colGroup = append(colGroup, j)
	}
	if len(cols) > 0 {
		m, err := cox.Fit(t, e, cols, nil, nil)
		if err == nil {
			for c, j := range colGroup {
				gs.HRVsLow[j-1], gs.HRLower[j-1], gs.HRUpper[j-1], gs.HRP[j-1] = m.HR[c], m.HRLower[c], m.HRUpper[c], m.P[c]
			}
		}
	}
	// Each panel prints the HR (95% CI) against the reference group, as
	// the paper's figures do.
	for k, j := range plotGroup {
		if j == 0 {
			plot[k].Note = "reference"
		} else if !math.IsNaN(gs.HRVsLow[j-1]) {
			plot[k].Note = "HR " + render.HR(gs.HRVsLow[j-1], gs.HRLower[j-1], gs.HRUpper[j-1])
		}
	}
	return gs, plot, nil
}

func nanSlice(n int) jsonx.Floats {
	if n < 0 {
		n = 0
	}
	s := make(jsonx.Floats, n)
	for i := range s {
		s[i] = math.NaN()
	}
	return s
}

// medianGroup and tercileGroup apply the frozen cutoffs:
// low < median <= high; low < t1 <= intermediate < t2 <= high.
func medianGroup(score, median float64) int {
	switch {
	case math.IsNaN(score):
		return -1
	case score < median:
		return 0
	default:
		return 1
	}
}

func tercileGroup(score float64, t [2]float64) int {
	switch {
	case math.IsNaN(score):
		return -1
	case score < t[0]:
		return 0
	case score < t[1]:
		return 1
	default:
		return 2
	}
}

// binaryTest compares a 0/1 outcome between groups 0 and 1 with the
// chi-square test (Yates correction, R's default for 2x2) and Fisher's test,
// for the patients idx: y(i) is patient i's outcome (NaN: missing) and
// group(i) its group (-1: none).
func binaryTest(y func(i int) float64, idx []int, group func(i int) int, names []string) *Toxicity {
	tx := &Toxicity{Groups: names, Events: make([]int, len(names)), N: make([]int, len(names)),
		Rate: nanSlice(len(names)), ChisqP: jsonx.Float(math.NaN()), FisherP: jsonx.Float(math.NaN())}
	for _, i := range idx {
		g, v := group(i), y(i)
		if g < 0 || math.IsNaN(v) {
			continue
		}
		tx.N[g]++
		if v == 1 {
			tx.Events[g]++
		}
	}
	tab := make([][]int, len(names))
	for j := range names {
		if tx.N[j] > 0 {
			tx.Rate[j] = float64(tx.Events[j]) / float64(tx.N[j])
		}
		tab[j] = []int{tx.Events[j], tx.N[j] - tx.Events[j]}
	}
	if cs, err := stattest.ChiSquare(tab, true); err == nil {
		tx.ChisqP = jsonx.Float(cs.P)
	}
	if f, err := stattest.FisherExact(tab); err == nil {
		tx.FisherP = jsonx.Float(f.P)
	}
	return tx
}

// levelsAt returns the distinct non-empty values among at(0), ...,
// at(n-1) in R's factor order (factor.Levels), with ref first when
// present. The values are made distinct before factor.Levels sorts them
// (the order depends only on which values there are): a column of 5e5
// strings is not copied twice and sorted.
func levelsAt(n int, at func(i int) string, ref string) []string {
	var vals []string
	seen := map[string]bool{}
	for i := range n {
		if v := at(i); v != "" && !seen[v] {
			seen[v] = true
			vals = append(vals, v)
		}
	}
	out := factor.Levels(vals)
	if slices.Contains(out, ref) {
		out, _ = factor.Relevel(out, ref)
	}
	return out
}

// covariate is one column of a multivariable model: at(i) is patient
// i's value, NaN when missing. Covariates are read where the model is
// built, not copied for every patient of the cohort.
type covariate struct {
	name string
	at   func(i int) float64
}

// multiCox fits the multivariable Cox model of the endpoint o for the
// patients idx, dropping (and counting) patients with a missing value,
// stratified by strata (nil: none; "" is missing) when it has more than
// one level. The model's columns hold only the patients kept.
func multiCox(o endpointColumns, idx []int, covs []covariate, strata func(i int) string) *MultiCox {
	keep := func(i int) bool {
		if math.IsNaN(o.time(i)) || math.IsNaN(o.event(i)) {
			return false
		}
		for _, c := range covs {
			if math.IsNaN(c.at(i)) {
				return false
			}
		}
		return strata == nil || strata(i) != ""
	}
	rows := make([]int, 0, len(idx))
	for _, i := range idx {
		if keep(i) {
			rows = append(rows, i)
		}
	}
	n := len(rows)
	t, e := make([]float64, n), make([]bool, n)
	x := make([][]float64, len(covs))
	for j := range x {
		x[j] = make([]float64, n)
	}
	for k, i := range rows {
		t[k], e[k] = o.time(i), o.event(i) == 1
		for j, c := range covs {
			x[j][k] = c.at(i)
		}
	}
	mc := &MultiCox{Dropped: len(idx) - n}
	for _, c := range covs {
		mc.Terms = append(mc.Terms, c.name)
	}
	opt := &cox.Options{Names: mc.Terms}
	if strata != nil {
		if levels := levelsAt(n, func(k int) string { return strata(rows[k]) }, ""); len(levels) > 1 {
			code := map[string]int{}
			for i, l := range levels {
				code[l] = i
			}
			opt.Strata = make([]int, n)
			for k, i := range rows {
				opt.Strata[k] = code[strata(i)]
			}
			opt.StrataNames = levels
			mc.Strata = "center"
		}
	}
	m, err := cox.Fit(t, e, x, opt, nil)
	if err != nil {
		mc.Warnings = append(mc.Warnings, err.Error())
		k := len(covs)
		mc.HR, mc.Lower, mc.Upper, mc.P, mc.Coef, mc.SE = nanSlice(k), nanSlice(k), nanSlice(k), nanSlice(k), nanSlice(k), nanSlice(k)
		mc.N = len(t)
		return mc
	}
	mc.HR, mc.Lower, mc.Upper, mc.P, mc.Coef, mc.SE = m.HR, m.HRLower, m.HRUpper, m.P, m.Coef, m.SE
	mc.N, mc.Events, mc.Warnings = m.N, m.Events, m.Warnings
	return mc
}

// factorColumns returns the indicator columns of a text variable of the
// patients idx (s gives patient i's value, "" when missing): one per level
// but the reference ref (or the first level), NaN where missing.
func factorColumns(name string, s func(i int) string, idx []int, ref string) []covariate {
	levels := levelsAt(len(idx), func(k int) string { return s(idx[k]) }, ref)
	var out []covariate
	for _, l := range levels[min(1, len(levels)):] {
		out = append(out, covariate{name: name + "=" + l, at: func(i int) float64 {
			switch s(i) {
			case "":
				return math.NaN()
			case l:
				return 1
			}
			return 0
		}})
	}
	return out
}
