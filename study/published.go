package study

import (
	"math"
	"strconv"
	"strings"

	"carimpi/internal/jsonx"
	"carimpi/render"
)

// Published is one number the paper reports beside the same number in
// this cohort: on simulated data it shows how close the demo cohort comes
// to the paper (Winkelmann et al. 2025: text, Fig 2-4, Tables 1, 2 and
// S1).
type Published struct {
	// Name is the row's stable key (the combined groups by their codes,
	// "1-year PFS, c-low/h-high"); Label names it for people ("1-year PFS,
	// CAR-IMPI low / CAR-HEMATOTOX high").
	Name      string      `json:"name"`
	Label     string      `json:"label"`
	Published float64     `json:"published"`
	Cohort    jsonx.Float `json:"this_cohort"`
	Unit      string      `json:"unit"`
}

// publishedTargets lists the paper's numbers and where each is in the
// results; the cohort names are the paper's roles (development,
// validation), whatever the data call them (publishedComparison).
var publishedTargets = []struct {
	name, unit string
	value      float64
	of         func(r *Results) float64
}{
	{"MTV cutpoint", "mL", 44.3, func(r *Results) float64 { return r.Cutpoint.Value }},
	{"MTV slope below the cutpoint (log HR per 100 mL)", "", 1.49, func(r *Results) float64 {
		if len(r.Model.Coef) == 0 {
			return math.NaN()
		}
		return 100 * r.Model.Coef[0]
	}},
	{"CAR-IMPI median (development)", "", 1.35, func(r *Results) float64 { return r.Cutoffs.Median }},
	{"CAR-IMPI lower tercile", "", 1.07, func(r *Results) float64 { return at(r.Cutoffs.Terciles, 0) }},
	{"CAR-IMPI upper tercile", "", 1.58, func(r *Results) float64 { return at(r.Cutoffs.Terciles, 1) }},
	{"CAR-IMPI median, validation", "", 1.07, func(r *Results) float64 {
		if r.FigS4 == nil {
			return math.NaN()
		}
		return at(r.FigS4.Median, 1)
	}},
	{"Validation patients in the low tercile", "%", 48, km("validation", "terciles", "pfs", func(g *GroupSurvival) float64 {
		return 100 * float64(g.N[0]) / float64(sum(g.N))
	})},
	{"Median follow-up, all", "months", 32.1, func(r *Results) float64 {
		return s1(r, func(t *TableS1) float64 { return float64(t.FollowUp.OverallMedian) })
	}},
	{"Median follow-up, development", "months", 27.6, func(r *Results) float64 { return s1(r, func(t *TableS1) float64 { return at(t.FollowUp.Median, 0) }) }},
	{"Median follow-up, validation", "months", 45.4, func(r *Results) float64 { return s1(r, func(t *TableS1) float64 { return at(t.FollowUp.Median, 1) }) }},
	{"Median PFS, all", "months", 7.6, func(r *Results) float64 {
		return s1(r, func(t *TableS1) float64 { return float64(t.PFS.OverallMedian) })
	}},
	{"Median OS, all", "months", 34.0, func(r *Results) float64 {
		return s1(r, func(t *TableS1) float64 { return float64(t.OS.OverallMedian) })
	}},
	{"Median PFS, development", "months", 7.9, func(r *Results) float64 { return s1(r, func(t *TableS1) float64 { return at(t.PFS.Median, 0) }) }},
	{"Median PFS, validation", "months", 7.5, func(r *Results) float64 { return s1(r, func(t *TableS1) float64 { return at(t.PFS.Median, 1) }) }},
	{"Median OS, development", "months", 33.4, func(r *Results) float64 { return s1(r, func(t *TableS1) float64 { return at(t.OS.Median, 0) }) }},
	{"Median OS, validation", "months", 34.0, func(r *Results) float64 { return s1(r, func(t *TableS1) float64 { return at(t.OS.Median, 1) }) }},
	{"Median PFS, development, low tercile", "months", 45.0, km("development", "terciles", "pfs", func(g *GroupSurvival) float64 { return at(g.Median, 0) })},
	{"Median PFS, development, intermediate tercile", "months", 8.9, km("development", "terciles", "pfs", func(g *GroupSurvival) float64 { return at(g.Median, 1) })},
	{"Median PFS, development, high tercile", "months", 3.1, km("development", "terciles", "pfs", func(g *GroupSurvival) float64 { return at(g.Median, 2) })},
	{"Median PFS, validation, low tercile", "months", 23.5, km("validation", "terciles", "pfs", func(g *GroupSurvival) float64 { return at(g.Median, 0) })},
	{"Median PFS, validation, intermediate tercile", "months", 8.8, km("validation", "terciles", "pfs", func(g *GroupSurvival) float64 { return at(g.Median, 1) })},
	{"Median PFS, validation, high tercile", "months", 2.0, km("validation", "terciles", "pfs", func(g *GroupSurvival) float64 { return at(g.Median, 2) })},
	{"HR high vs low median group, validation PFS", "", 2.5, km("validation", "median", "pfs", func(g *GroupSurvival) float64 { return at(g.HRVsLow, 0) })},
	{"HR high vs low median group, validation OS", "", 3.0, km("validation", "median", "os", func(g *GroupSurvival) float64 { return at(g.HRVsLow, 0) })},
	{"Multivariable HR per unit CAR-IMPI, development PFS", "", 1.95, multiHR("development")},
	{"Multivariable HR per unit CAR-IMPI, validation PFS", "", 1.71, multiHR("validation")},
	{"CAR-HEMATOTOX ≥ 3 (pooled)", "%", 26.7, combinedShare(1, 3)},
	{"1-year PFS, c-low/h-low", "%", 57, combined("pfs", 0)},
	{"1-year PFS, c-low/h-high", "%", 51, combined("pfs", 1)},
	{"1-year PFS, c-high/h-low", "%", 34, combined("pfs", 2)},
	{"1-year PFS, c-high/h-high", "%", 22, combined("pfs", 3)},
	{"1-year OS, c-low/h-low", "%", 82, combined("os", 0)},
	{"1-year OS, c-low/h-high", "%", 73, combined("os", 1)},
	{"1-year OS, c-high/h-low", "%", 63, combined("os", 2)},
	{"1-year OS, c-high/h-high", "%", 38, combined("os", 3)},
	{"Share c-high/h-high (pooled)", "%", 25, combinedShare(3)},
	{"CRS grade ≥ 3, low median group", "%", 1.8, tox("crs3", 0)},
	{"CRS grade ≥ 3, high median group", "%", 13.2, tox("crs3", 1)},
	{"ICANS grade ≥ 3, low median group", "%", 12.3, tox("icans3", 0)},
	{"ICANS grade ≥ 3, high median group", "%", 21.1, tox("icans3", 1)},
	{"ICU admission, low median group", "%", 7.9, tox("icu", 0)},
	{"ICU admission, high median group", "%", 22, tox("icu", 1)},
}

// combinedShare is the percentage of the pooled CAR-IMPI × CAR-HEMATOTOX
// groups (c-low/h-low, c-low/h-high, c-high/h-low, c-high/h-high) in the
// groups numbered.
func combinedShare(groups ...int) func(*Results) float64 {
	return func(r *Results) float64 {
		g := r.CombinedHematotox["pfs"]
		if g == nil || sum(g.N) == 0 {
			return math.NaN()
		}
		in := 0
		for _, i := range groups {
			in += g.N[i]
		}
		return 100 * float64(in) / float64(sum(g.N))
	}
}

func at(x []float64, i int) float64 {
	if i < len(x) {
		return x[i]
	}
	return math.NaN()
}

func s1(r *Results, f func(*TableS1) float64) float64 {
	if r.TableS1 == nil || len(r.TableS1.Groups) < 2 {
		return math.NaN()
	}
	return f(r.TableS1)
}

func km(cohort, grouping, ep string, f func(*GroupSurvival) float64) func(*Results) float64 {
	return func(r *Results) float64 {
		if g := r.KM[cohort][grouping][ep]; g != nil {
			return f(g)
		}
		return math.NaN()
	}
}

// multiHR is the hazard ratio of the score (first term) in the
// multivariable Cox model for PFS (Table 2).
func multiHR(cohort string) func(*Results) float64 {
	return func(r *Results) float64 {
		if m := r.CoxMultivariable[cohort]["pfs"]; m != nil && len(m.Terms) > 0 && m.Terms[0] == "score" {
			return at(m.HR, 0)
		}
		return math.NaN()
	}
}

func combined(ep string, j int) func(*Results) float64 {
	return func(r *Results) float64 {
		if g := r.CombinedHematotox[ep]; g != nil {
			return 100 * at(g.Surv12, j)
		}
		return math.NaN()
	}
}

func tox(key string, j int) func(*Results) float64 {
	return func(r *Results) float64 {
		if t := r.Toxicity[key]; t != nil {
			return 100 * at(t.Rate, j)
		}
		return math.NaN()
	}
}

// publishedLabel names a row for people: a combined group's code in its
// name (a word "c-…/…") becomes the group's label.
func publishedLabel(name string) string {
	words := strings.Fields(name)
	for i, w := range words {
		if strings.HasPrefix(w, "c-") && strings.Contains(w, "/") {
			words[i] = groupLabel(w)
		}
	}
	return strings.Join(words, " ")
}

// publishedComparison reads the paper's numbers off the results, whose
// development and validation cohorts are named dev and val in the data
// (the targets name them by their role, as the paper does).
func publishedComparison(r *Results, dev, val string) []Published {
	byRole := *r
	byRole.KM = map[string]map[string]map[string]*GroupSurvival{"development": r.KM[dev], "validation": r.KM[val]}
	byRole.CoxMultivariable = map[string]map[string]*MultiCox{"development": r.CoxMultivariable[dev], "validation": r.CoxMultivariable[val]}
	out := make([]Published, len(publishedTargets))
	for i, t := range publishedTargets {
		out[i] = Published{Name: t.name, Label: publishedLabel(t.name), Published: t.value, Cohort: jsonx.Float(t.of(&byRole)), Unit: t.unit}
	}
	return out
}

// publishedTable lays out the comparison for the report.
func publishedTable(ps []Published) Table {
	t := Table{Name: "published_vs_cohort", Title: "Published (Winkelmann et al. 2025) vs this cohort",
		Header: []string{"Number", "Published", "This cohort"}}
	for _, p := range ps {
		unit := ""
		if p.Unit != "" && p.Unit != "%" {
			unit = " " + p.Unit
		}
		f := func(v float64) string {
			switch {
			case math.IsNaN(v) && p.Unit == "months":
				return "NR"
			case math.IsNaN(v):
				return "NA"
			case p.Unit == "%":
				return strconv.FormatFloat(v, 'f', 1, 64) + "%"
			case p.Unit == "months":
				return render.Months(v) + unit
			}
			return render.Sig(v, 3) + unit
		}
		t.Rows = append(t.Rows, []string{p.Label, f(p.Published), f(float64(p.Cohort))})
	}
	t.Notes = []string{"The paper's numbers are from its text, figures, Table 1 (CAR-HEMATOTOX), Table 2 (multivariable HRs) and Table S1; NR = not reached. On simulated data the table shows how far the demo cohort is from the paper; on real data, how the cohort compares."}
	return t
}
