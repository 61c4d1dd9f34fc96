package study

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"carimpi/cohort"
	"carimpi/render"
	"carimpi/scores"
)

// addPaperTables lays out Table 1 and the supplementary tables from the
// results (the presentation step; every number comes from Results).
func (out *Output) addPaperTables(cohorts []string) {
	res := out.Results
	if res.Table1 != nil {
		out.Tables = append(out.Tables, characteristicsTable("table1", "Table 1. Patient characteristics by cohort", res.Table1, cohortLabel, 0))
	}
	if res.TableS1 != nil {
		out.Tables = append(out.Tables, tableS1Layout(res.TableS1))
	}
	out.Tables = append(out.Tables, multivariableTable(res.CoxMultivariable, cohorts, "pfs"), multivariableTable(res.CoxMultivariable, cohorts, "os"))
	if len(res.Toxicity) > 0 {
		out.Tables = append(out.Tables, toxicityTable(res.Toxicity))
	}
	for _, s := range []struct {
		name, title string
		m           map[string]*Characteristics
	}{
		{"table_s2", "Table S2. Patient characteristics by CAR-IMPI median group", res.TableS2},
		{"table_s3", "Table S3. Patient characteristics by CAR-IMPI tercile group", res.TableS3},
	} {
		keys := []string{"pooled"}
		for _, k := range sortedKeys(s.m) {
			if k != "pooled" {
				keys = append(keys, k)
			}
		}
		for _, key := range keys {
			ch := s.m[key]
			if ch == nil {
				continue
			}
			name, title := s.name, s.title+", all cohorts pooled"
			if key != "pooled" {
				name, title = s.name+"-"+slug(key), s.title+", "+key+" cohort"
			}
			out.Tables = append(out.Tables, characteristicsTable(name, title, ch, riskLabel, 0))
		}
	}
	if res.TableS5 != nil {
		out.Tables = append(out.Tables, characteristicsTable("table_s5", "Table S5. Toxicity and supportive therapy by CAR-IMPI tercile group, cohorts pooled", res.TableS5, riskLabel, 0))
	}
	if res.ToxicityGrades != nil {
		out.Tables = append(out.Tables, characteristicsTable("toxicity_grades", "Fig 3 data. CRS and ICANS grades and ICU admission by CAR-IMPI median group, cohorts pooled", res.ToxicityGrades, riskLabel, 0))
	}
}

// tableS1Layout lays out Table S1: follow-up, survival and toxicity by
// cohort.
func tableS1Layout(s *TableS1) Table {
	k := len(s.Groups)
	header := []string{"", fmt.Sprintf("All (n = %d)", sum(s.N))}
	for g, c := range s.Groups {
		header = append(header, fmt.Sprintf("%s (n = %d)", cohortLabel(c), s.N[g]))
	}
	header = append(header, "p")
	t := Table{Name: "table_s1", Title: "Table S1. Follow-up, survival and toxicity by cohort", Header: header}
	row := func(label, all string, per func(g int) string, p string) {
		r := []string{label, all}
		for g := range k {
			r = append(r, per(g))
		}
		t.Rows = append(t.Rows, append(r, p))
	}
	fu := s.FollowUp
	row("Median follow-up, months (IQR)ᵃ", render.MedianIQR(float64(fu.OverallMedian), float64(fu.OverallQ1), float64(fu.OverallQ3)),
		func(g int) string { return render.MedianIQR(fu.Median[g], fu.Q1[g], fu.Q3[g]) }, render.FormatP(float64(fu.LogrankP))+"ᵇ")
	for _, ep := range []struct {
		label string
		m     MedianSurvival
	}{{"Median PFS, months (95% CI)", s.PFS}, {"Median OS, months (95% CI)", s.OS}} {
		m := ep.m
		row(ep.label, render.MedianCI(float64(m.OverallMedian), float64(m.OverallLower), float64(m.OverallUpper)),
			func(g int) string { return render.MedianCI(m.Median[g], m.Lower[g], m.Upper[g]) }, render.FormatP(float64(m.LogrankP))+"ᵇ")
	}
	tox := characteristicsTable("", "", &Characteristics{Groups: s.Groups, N: s.N, Rows: s.Toxicity}, cohortLabel, 2)
	t.Rows = append(t.Rows, tox.Rows...)
	t.Notes = append([]string{
		"ᵃ Reverse Kaplan-Meier method on OS (censoring as the event); IQR = quartiles of the reverse curve.",
		"ᵇ Log-rank test between cohorts (for follow-up: of the reverse Kaplan-Meier curves).",
		"Medians not reached are NR."}, tox.Notes...)
	return t
}

// groupLabel names a survival group for people: risk groups in words,
// the combined groups of Fig 4 by their two parts as the paper's Fig 4
// legend does (scores.CombinedGroupLabel; results.json keeps the codes).
func groupLabel(g string) string {
	if strings.Contains(g, "/") {
		return scores.CombinedGroupLabel(g)
	}
	return riskLabel(g)
}

// termLabels name the terms of the Cox models for the report as the paper
// does (results.json and the CSV tables keep the term names): the
// multivariable models' and CAR-IMPI's (modelTermLabel).
var termLabels = map[string]string{
	"score":    "CAR-IMPI (per unit)",
	"ecog2":    "ECOG 2–4 (vs 0–1)",
	"ldh_high": "LDH > ULN (vs ≤ ULN)",
	"crp":      "CRP (per mg/dL)",
	"age":      "Age (per year)",
	"stage2":   "Ann Arbor stage II (vs I)",
	"stage3":   "Ann Arbor stage III (vs I)",
	"stage4":   "Ann Arbor stage IV (vs I)",
}

// modelTermLabel names a term of the CAR-IMPI model, whose MTV is a linear
// spline at knot (rms::lsp form): the coefficient of mtv is the slope
// below the knot, that of mtv_above_knot the change of slope above it.
func modelTermLabel(term string, knot float64) string {
	switch term {
	case "mtv":
		return fmt.Sprintf("MTV (per mL, below the %s mL knot)", cohort.FormatMTV(knot))
	case "mtv_above_knot":
		return fmt.Sprintf("MTV above the %s mL knot (change of slope, per mL)", cohort.FormatMTV(knot))
	}
	if l := termLabels[term]; l != "" {
		return l
	}
	return term
}

// multivariableTable lays out Table 2 (PFS) or Table S4 (OS): the
// multivariable Cox models of the cohorts side by side, the product with
// its reference row.
func multivariableTable(m map[string]map[string]*MultiCox, cohorts []string, ep string) Table {
	name, title := "table2", "Table 2. Multivariable Cox regression for PFS"
	if ep == "os" {
		name, title = "table_s4", "Table S4. Multivariable Cox regression for OS"
	}
	header := []string{"Variable"}
	for _, c := range cohorts {
		header = append(header, cohortLabel(c)+": HR (95% CI)", "p")
	}
	t := Table{Name: name, Title: title, Header: header}
	var terms []string
	for _, c := range cohorts {
		if mc := m[c][ep]; mc != nil {
			for _, term := range mc.Terms {
				if !slices.Contains(terms, term) {
					terms = append(terms, term)
				}
			}
		}
	}
	anyNE := false
	cells := func(term string) []string {
		var r []string
		for _, c := range cohorts {
			mc := m[c][ep]
			j := -1
			if mc != nil {
				j = slices.Index(mc.Terms, term)
			}
			if j < 0 {
				r = append(r, "—", "")
				continue
			}
			if !estimable(mc, j) {
				r = append(r, "NE", "")
				anyNE = true
				continue
			}
			r = append(r, render.HR(mc.HR[j], mc.Lower[j], mc.Upper[j]), render.FormatP(mc.P[j]))
		}
		return r
	}
	productDone := false
	for _, term := range terms {
		if lvl, ok := strings.CutPrefix(term, "product="); ok {
			if !productDone {
				productDone = true
				t.Rows = append(t.Rows, append([]string{"CAR-T product"}, make([]string, 2*len(cohorts))...))
				ref := []string{"    Axi-cel"}
				for range cohorts {
					ref = append(ref, "1 (ref.)", "")
				}
				t.Rows = append(t.Rows, ref)
			}
			t.Rows = append(t.Rows, append([]string{"    " + levelLabel("product", lvl)}, cells(term)...))
			continue
		}
		label := termLabels[term]
		if label == "" {
			label = term
		}
		t.Rows = append(t.Rows, append([]string{label}, cells(term)...))
	}
	var foot []string
	for _, c := range cohorts {
		mc := m[c][ep]
		if mc == nil {
			continue
		}
		strata := "no strata"
		if mc.Strata != "" {
			strata = "stratified by " + mc.Strata
		}
		foot = append(foot, fmt.Sprintf("%s: n = %d, %d events, %d left out for missing values, %s", cohortLabel(c), mc.N, mc.Events, mc.Dropped, strata))
		if k := len(mc.Terms); mc.Events < 10*k {
			t.Notes = append(t.Notes, fmt.Sprintf("%s: %d patients with %d events for %d coefficients; a Cox model needs about 10 events per coefficient (%d here), so its estimates are unstable or not estimable.",
				cohortLabel(c), mc.N, mc.Events, k, 10*k))
		}
		for _, w := range mc.Warnings {
			t.Notes = append(t.Notes, cohortLabel(c)+": "+w)
		}
	}
	if anyNE {
		t.Notes = append(t.Notes, "NE: not estimable (the fit did not converge, the coefficient may be infinite, or the covariate is constant in the cohort).")
	}
	t.Notes = append([]string{"Cox proportional hazards models (Efron ties); Wald p-values. " + strings.Join(foot, "; ") + "."}, t.Notes...)
	return t
}

// estimable reports whether term j of a multivariable fit has a finite
// estimate worth printing: the fit converged, the coefficient exists and
// is not flagged as possibly infinite.
func estimable(mc *MultiCox, j int) bool {
	if math.IsNaN(mc.HR[j]) || math.IsInf(mc.HR[j], 0) || math.IsNaN(mc.Upper[j]) || math.IsInf(mc.Upper[j], 0) {
		return false
	}
	for _, w := range mc.Warnings {
		if strings.Contains(w, "did not converge") || strings.Contains(w, "of "+mc.Terms[j]+" may be infinite") ||
			strings.Contains(w, "variable "+mc.Terms[j]+";") || strings.Contains(w, "one or more coefficients may be infinite") {
			return false
		}
	}
	return true
}

// toxicityLabels name the binary toxicities.
var toxicityLabels = map[string]string{"crs3": "CRS grade ≥ 3", "icans3": "ICANS grade ≥ 3", "icu": "ICU admission"}

// toxicityTable lays out Fig 3's binary comparisons by median group.
func toxicityTable(tox map[string]*Toxicity) Table {
	t := Table{Name: "fig3_toxicity", Title: "Severe toxicity by CAR-IMPI median group, cohorts pooled",
		Header: []string{"Toxicity", "Low risk", "High risk", "Chi-square p", "Fisher p"}}
	for _, k := range []string{"crs3", "icans3", "icu"} {
		tx := tox[k]
		if tx == nil {
			continue
		}
		t.Rows = append(t.Rows, []string{toxicityLabels[k], render.CountPct(tx.Events[0], tx.N[0], 0), render.CountPct(tx.Events[1], tx.N[1], 0),
			render.FormatP(float64(tx.ChisqP)), render.FormatP(float64(tx.FisherP))})
	}
	t.Notes = []string{"n (%) of the patients with the toxicity recorded. Chi-square test with Yates's continuity correction (R's default for 2×2 tables) and Fisher's exact test, as the paper reports both."}
	return t
}

// addPaperFigures draws Fig S4, the Fig 4A schema and the paper's
// multi-panel layouts (Fig 2 A–D, Fig S3 A–D, Fig 4 B–E) from the panels
// already drawn.
func (out *Output) addPaperFigures(p *patients, cohorts []string) {
	res := out.Results
	if s4 := res.FigS4; s4 != nil {
		vals := make([][]float64, len(cohorts))
		labels := make([]string, len(cohorts))
		for g, c := range cohorts {
			vals[g] = pick(p.score, p.subset(c))
			labels[g] = cohortLabel(c)
		}
		out.Figures = append(out.Figures, Figure{Name: "score-by-cohort", Title: "CAR-IMPI by cohort (Fig S4)",
			Drawing: render.BoxStrip{Title: "CAR-IMPI by cohort", YLabel: "CAR-IMPI score", Groups: labels, Values: vals, Colors: render.CohortColors,
				Footnote: fmt.Sprintf("Box: median and IQR; whiskers: 1.5 IQR; points: patients. Wilcoxon rank-sum (Mann-Whitney) %s.", render.PInline(float64(s4.P)))}.Drawing()})
	}
	var schemas []*render.Drawing
	for _, c := range []struct {
		title, col string
		levels     [2]string
		cells      [2][2]string
		gs         *GroupSurvival
	}{
		{"CAR-IMPI × CAR-HEMATOTOX", "CAR-HEMATOTOX", [2]string{"low (< 3)", "high (≥ 3)"}, [2][2]string{{"c-low/h-low", "c-low/h-high"}, {"c-high/h-low", "c-high/h-high"}}, res.CombinedHematotox["pfs"]},
		{"CAR-IMPI × InflaMix", "InflaMix cluster", [2]string{"non-inflamed", "inflamed"}, [2][2]string{{"c-low/non-inflamed", "c-low/inflamed"}, {"c-high/non-inflamed", "c-high/inflamed"}}, res.CombinedInflamix["pfs"]},
	} {
		s := render.Schema{Title: c.title, RowTitle: "CAR-IMPI", ColTitle: c.col, Rows: [2]string{"below median", "at or above median"}, Cols: c.levels, Cells: c.cells,
			N: [2][2]int{{-1, -1}, {-1, -1}}}
		for r := range 2 {
			for k := range 2 {
				s.Labels[r][k] = groupLabel(c.cells[r][k])
				if c.gs != nil {
					s.N[r][k] = c.gs.N[2*r+k]
				}
			}
		}
		schemas = append(schemas, s.Drawing())
	}
	out.Figures = append(out.Figures, Figure{Name: "combination-schema", Title: "Combined radio-inflammatory groups (Fig 4A)",
		Drawing: render.Grid("Fig 4A. Combined radio-inflammatory risk groups", schemas, 2, "")})
	for _, panel := range []struct {
		name, title string
		parts       []string
	}{
		{"fig2", "Fig 2. PFS and OS by CAR-IMPI median group", []string{"km-%s-median-pfs", "km-%s-median-os"}},
		{"fig-s3", "Fig S3. PFS and OS by CAR-IMPI tercile group", []string{"km-%s-terciles-pfs", "km-%s-terciles-os"}},
	} {
		var ds []*render.Drawing
		var which []string // "A, B: development"
		for _, c := range cohorts {
			var letters []string
			for _, part := range panel.parts {
				if f, ok := out.figure(fmt.Sprintf(part, slug(c))); ok {
					letters = append(letters, string(rune('A'+len(ds))))
					ds = append(ds, f.Drawing)
				}
			}
			if len(letters) > 0 {
				which = append(which, strings.Join(letters, ", ")+": "+c)
			}
		}
		if len(ds) > 1 {
			title := fmt.Sprintf("%s (%s)", panel.title, strings.Join(which, "; "))
			out.Figures = append(out.Figures, Figure{Name: panel.name, Title: title, Drawing: render.Grid(title, ds, 2, "ABCD"[:len(ds)])})
		}
	}
	var ds []*render.Drawing
	var parts []string
	for _, c := range []struct{ key, title string }{{"combined-hematotox", "CAR-IMPI × CAR-HEMATOTOX"}, {"combined-inflamix", "CAR-IMPI × InflaMix"}} {
		n := len(ds)
		for _, ep := range []string{"pfs", "os"} {
			if f, ok := out.figure(c.key + "-" + ep); ok {
				d := f.Drawing
				if f.panel != nil {
					d = f.panel
				}
				ds = append(ds, d)
			}
		}
		if len(ds) > n {
			parts = append(parts, fmt.Sprintf("%s (%s)", c.title, strings.Join(strings.Split("BCDE"[n:len(ds)], ""), ", ")))
		}
	}
	if len(ds) > 1 {
		letters := "BCDE"[:len(ds)]
		title := fmt.Sprintf("Fig 4 %c–%c. PFS and OS by %s", letters[0], letters[len(letters)-1], strings.Join(parts, " and "))
		out.Figures = append(out.Figures, Figure{Name: "fig4", Title: title + ", cohorts pooled", Drawing: render.Grid(title, ds, 2, letters)})
	}
}
