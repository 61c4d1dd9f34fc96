package study

import (
	"fmt"
	"math"
	"sort"
	"strconv"
)

// cell writes a number for a CSV table: shortest exact decimal, "NA" for
// a number that does not exist.
func cell(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "NA"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// addResultTables writes the main results as CSV tables: the model, the
// survival comparisons, the multivariable Cox models, toxicity and
// discrimination (tables/*.csv).
func (out *Output) addResultTables() {
	res := out.Results
	m := res.Model
	mt := Table{Name: "model", Title: "CAR-IMPI model coefficients", Header: []string{"term", "coef", "se", "hr", "p"}}
	for j, t := range m.Terms {
		mt.Rows = append(mt.Rows, []string{t, cell(m.Coef[j]), cell(m.SE[j]), cell(m.HR[j]), cell(m.P[j])})
	}
	out.Tables = append(out.Tables, mt)

	st := Table{Name: "survival", Title: "Survival by group", Header: []string{"analysis", "cohort", "grouping", "endpoint", "group", "n", "events",
		"median", "median_lower", "median_upper", "surv_12", "hr_vs_reference", "hr_lower", "hr_upper", "hr_p", "logrank_chisq", "logrank_df", "logrank_p", "label"}}
	addGroups := func(analysis, cohort, grouping, endpoint string, gs *GroupSurvival) {
		for j, g := range gs.Groups {
			hr, lo, hi, p := "", "", "", ""
			if j > 0 {
				hr, lo, hi, p = cell(gs.HRVsLow[j-1]), cell(gs.HRLower[j-1]), cell(gs.HRUpper[j-1]), cell(gs.HRP[j-1])
			}
			st.Rows = append(st.Rows, []string{analysis, cohort, grouping, endpoint, g, fmt.Sprint(gs.N[j]), fmt.Sprint(gs.Events[j]),
				cell(gs.Median[j]), cell(gs.MedianLower[j]), cell(gs.MedianUpper[j]), cell(gs.Surv12[j]), hr, lo, hi, p,
				cell(float64(gs.LogrankChisq)), fmt.Sprint(gs.LogrankDF), cell(float64(gs.LogrankP)), groupLabel(g)})
		}
	}
	for _, c := range sortedKeys(res.KM) {
		for _, g := range []string{"median", "terciles"} {
			for _, ep := range []string{"pfs", "os"} {
				if gs := res.KM[c][g][ep]; gs != nil {
					addGroups("car-impi", c, g, ep, gs)
				}
			}
		}
	}
	for _, ep := range []string{"pfs", "os"} {
		if gs := res.CombinedHematotox[ep]; gs != nil {
			addGroups("combined-hematotox", "pooled", "combined", ep, gs)
		}
		if gs := res.CombinedInflamix[ep]; gs != nil {
			addGroups("combined-inflamix", "pooled", "combined", ep, gs)
		}
	}
	out.Tables = append(out.Tables, st)

	ct := Table{Name: "cox_multivariable", Title: "Multivariable Cox models", Header: []string{"cohort", "endpoint", "term", "hr", "lower", "upper", "p", "n", "events", "dropped", "strata"}}
	for _, c := range sortedKeys(res.CoxMultivariable) {
		for _, ep := range []string{"pfs", "os"} {
			mc := res.CoxMultivariable[c][ep]
			if mc == nil {
				continue
			}
			for j, t := range mc.Terms {
				ct.Rows = append(ct.Rows, []string{c, ep, t, cell(mc.HR[j]), cell(mc.Lower[j]), cell(mc.Upper[j]), cell(mc.P[j]),
					fmt.Sprint(mc.N), fmt.Sprint(mc.Events), fmt.Sprint(mc.Dropped), mc.Strata})
			}
		}
	}
	out.Tables = append(out.Tables, ct)

	tt := Table{Name: "toxicity", Title: "Toxicity by CAR-IMPI median group (pooled)", Header: []string{"toxicity", "group", "events", "n", "rate", "chisq_p", "fisher_p"}}
	for _, k := range []string{"crs3", "icans3", "icu"} {
		tx := res.Toxicity[k]
		if tx == nil {
			continue
		}
		for j, g := range tx.Groups {
			tt.Rows = append(tt.Rows, []string{k, g, fmt.Sprint(tx.Events[j]), fmt.Sprint(tx.N[j]), cell(tx.Rate[j]), cell(float64(tx.ChisqP)), cell(float64(tx.FisherP))})
		}
	}
	out.Tables = append(out.Tables, tt)

	dt := Table{Name: "discrimination", Title: "Discrimination", Header: []string{"cohort", "endpoint", "index", "n", "harrell_c", "harrell_lower", "harrell_upper", "uno_tau", "uno_c", "uno_lower", "uno_upper"}}
	for _, c := range sortedKeys(res.Discrimination) {
		d := res.Discrimination[c]
		for j, ix := range d.Index {
			dt.Rows = append(dt.Rows, []string{c, d.Endpoint, ix, fmt.Sprint(d.N[j]), cell(d.HarrellC[j]), cell(d.HarrellLower[j]), cell(d.HarrellUpper[j]),
				cell(d.UnoTau), cell(d.UnoC[j]), cell(d.UnoLower[j]), cell(d.UnoUpper[j])})
		}
	}
	out.Tables = append(out.Tables, dt)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
