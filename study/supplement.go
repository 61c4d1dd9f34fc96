package study

import (
	"math"
	"slices"

	"carimpi/internal/jsonx"
	"carimpi/stattest"
	"carimpi/survival"
)

// TableS1 is the paper's Table S1: follow-up, survival and toxicity by
// cohort. Arrays are in Groups order.
type TableS1 struct {
	Groups []string `json:"groups"`
	N      []int    `json:"n"`
	// FollowUp is the median follow-up by the reverse Kaplan-Meier method
	// on OS (censoring as the event; R's
	// quantile(survfit(Surv(os_months, 1 - os_event) ~ cohort))) with its
	// quartiles, per cohort and overall, and the log-rank test of the
	// reverse curves across cohorts.
	FollowUp FollowUp `json:"followup"`
	// PFS and OS: median survival with its 95% CI (survfit's default log
	// transform) per cohort and overall, and the log-rank test across
	// cohorts.
	PFS MedianSurvival `json:"pfs"`
	OS  MedianSurvival `json:"os"`
	// Toxicity holds CRS grade, ICANS grade and ICU by cohort, tested with
	// the Table-1 rule.
	Toxicity []Characteristic `json:"toxicity"`
}

// FollowUp is the reverse Kaplan-Meier follow-up per group.
type FollowUp struct {
	Median        jsonx.Floats `json:"median"`
	Q1            jsonx.Floats `json:"q1"`
	Q3            jsonx.Floats `json:"q3"`
	OverallMedian jsonx.Float  `json:"overall_median"`
	OverallQ1     jsonx.Float  `json:"overall_q1"`
	OverallQ3     jsonx.Float  `json:"overall_q3"`
	LogrankP      jsonx.Float  `json:"logrank_p"`
}

// MedianSurvival is an endpoint's median per group with its 95% CI.
type MedianSurvival struct {
	N             []int        `json:"n"`
	Events        []int        `json:"events"`
	Median        jsonx.Floats `json:"median"`
	Lower         jsonx.Floats `json:"median_lower"`
	Upper         jsonx.Floats `json:"median_upper"`
	OverallMedian jsonx.Float  `json:"overall_median"`
	OverallLower  jsonx.Float  `json:"overall_lower"`
	OverallUpper  jsonx.Float  `json:"overall_upper"`
	LogrankChisq  jsonx.Float  `json:"logrank_chisq"`
	LogrankP      jsonx.Float  `json:"logrank_p"`
}

// ScoreByCohort is Fig S4: the CAR-IMPI score by cohort, compared with the
// Wilcoxon rank-sum (Mann-Whitney) test, R's wilcox.test(score ~ cohort).
type ScoreByCohort struct {
	Groups []string     `json:"groups"`
	N      []int        `json:"n"`
	Median jsonx.Floats `json:"median"`
	Q1     jsonx.Floats `json:"q1"`
	Q3     jsonx.Floats `json:"q3"`
	Min    jsonx.Floats `json:"min"`
	Max    jsonx.Floats `json:"max"`
	Test   string       `json:"test"`
	W      jsonx.Float  `json:"statistic"`
	P      jsonx.Float  `json:"p"`
}

// cohortGroups returns the patient indices of each cohort.
func cohortGroups(p *patients, cohorts []string) [][]int {
	g := make([][]int, len(cohorts))
	for i, c := range cohorts {
		g[i] = p.subset(c)
	}
	return g
}

// riskGroups splits the patients idx by the frozen median (k = 2) or
// terciles (k = 3) of the score.
func riskGroups(p *patients, idx []int, cut Cutoffs, k int) [][]int {
	g := make([][]int, k)
	for _, i := range idx {
		var j int
		if k == 2 {
			j = medianGroup(p.score[i], cut.Median)
		} else {
			j = tercileGroup(p.score[i], [2]float64{cut.Terciles[0], cut.Terciles[1]})
		}
		if j >= 0 {
			g[j] = append(g[j], i)
		}
	}
	return g
}

var (
	medianNames  = []string{"low", "high"}
	tercileNames = []string{"low", "intermediate", "high"}
)

// tableS1 computes Table S1 over the cohorts.
func tableS1(p *patients, cohorts []string, seed uint64) *TableS1 {
	groups := cohortGroups(p, cohorts)
	k := len(groups)
	t := &TableS1{Groups: cohorts, N: make([]int, k)}
	for g := range groups {
		t.N[g] = len(groups[g])
	}
	all := concat(groups)
	t.FollowUp = FollowUp{Median: nanSlice(k), Q1: nanSlice(k), Q3: nanSlice(k)}
	for g, idx := range append(groups, all) {
		q := followUpQuartiles(completeOutcome(p.os, idx))
		if g < k {
			t.FollowUp.Median[g], t.FollowUp.Q1[g], t.FollowUp.Q3[g] = q[0], q[1], q[2]
		} else {
			t.FollowUp.OverallMedian, t.FollowUp.OverallQ1, t.FollowUp.OverallQ3 = jsonx.Float(q[0]), jsonx.Float(q[1]), jsonx.Float(q[2])
		}
	}
	t.FollowUp.LogrankP = jsonx.Float(math.NaN())
	if lr := groupLogRank(p.os, groups, true); lr != nil {
		t.FollowUp.LogrankP = jsonx.Float(lr.P)
	}
	t.PFS = medianSurvival(p.pfs, groups)
	t.OS = medianSurvival(p.os, groups)
	t.Toxicity = describe(toxicityVars(p, false), cohorts, groups, seed).Rows
	return t
}

// followUpQuartiles is the median follow-up and its quartiles by the
// reverse Kaplan-Meier method: the Kaplan-Meier curve of the censoring
// (event = !death), read as R's quantile(survfit(Surv(time, 1 - event) ~ 1),
// c(0.5, 0.25, 0.75)) reads it (survival.KMCurve.Quantile: the midpoint
// rule on a flat at exactly 1 - p). NaN is not reached.
func followUpQuartiles(time []float64, death []bool) [3]float64 {
	rev := make([]bool, len(death))
	for i, d := range death {
		rev[i] = !d
	}
	q := [3]float64{math.NaN(), math.NaN(), math.NaN()}
	if c, err := survival.KaplanMeier(time, rev, nil, survival.KMOptions{}); err == nil && len(c) == 1 {
		for j, pr := range []float64{0.5, 0.25, 0.75} {
			q[j] = c[0].Quantile(pr).Estimate
		}
	}
	return q
}

func concat(groups [][]int) []int {
	var all []int
	for _, g := range groups {
		all = append(all, g...)
	}
	return all
}

// completeOutcome returns the times and events of the patients idx that
// have both.
func completeOutcome(o endpointColumns, idx []int) ([]float64, []bool) {
	t, e := make([]float64, 0, len(idx)), make([]bool, 0, len(idx))
	for _, i := range idx {
		ti, ei := o.time(i), o.event(i)
		if math.IsNaN(ti) || math.IsNaN(ei) {
			continue
		}
		t = append(t, ti)
		e = append(e, ei == 1)
	}
	return t, e
}

// groupLogRank is the log-rank test across groups (reverse: censoring as
// the event); nil when it cannot be computed.
func groupLogRank(o endpointColumns, groups [][]int, reverse bool) *survival.LogRankResult {
	n := 0
	for _, idx := range groups {
		n += len(idx)
	}
	t, e, code := make([]float64, 0, n), make([]bool, 0, n), make([]int, 0, n)
	for g, idx := range groups {
		for _, i := range idx {
			ti, ei := o.time(i), o.event(i)
			if math.IsNaN(ti) || math.IsNaN(ei) {
				continue // as completeOutcome
			}
			t = append(t, ti)
			e = append(e, (ei == 1) != reverse)
			code = append(code, g)
		}
	}
	if len(t) == 0 {
		return nil
	}
	lr, err := survival.LogRank(t, e, code, nil, 0)
	if err != nil {
		return nil
	}
	return lr
}

func medianSurvival(o endpointColumns, groups [][]int) MedianSurvival {
	k := len(groups)
	m := MedianSurvival{N: make([]int, k), Events: make([]int, k), Median: nanSlice(k), Lower: nanSlice(k), Upper: nanSlice(k),
		OverallMedian: jsonx.Float(math.NaN()), OverallLower: jsonx.Float(math.NaN()), OverallUpper: jsonx.Float(math.NaN()),
		LogrankChisq: jsonx.Float(math.NaN()), LogrankP: jsonx.Float(math.NaN())}
	for g, idx := range append(groups, concat(groups)) {
		tm, ev := completeOutcome(o, idx)
		c, err := survival.KaplanMeier(tm, ev, nil, survival.KMOptions{})
		if err != nil || len(c) != 1 {
			continue
		}
		md := c[0].Median()
		if g < k {
			m.N[g], m.Events[g] = c[0].N, c[0].Events
			m.Median[g], m.Lower[g], m.Upper[g] = md.Estimate, md.Lower, md.Upper
		} else {
			m.OverallMedian, m.OverallLower, m.OverallUpper = jsonx.Float(md.Estimate), jsonx.Float(md.Lower), jsonx.Float(md.Upper)
		}
	}
	if lr := groupLogRank(o, groups, false); lr != nil {
		m.LogrankChisq, m.LogrankP = jsonx.Float(lr.Statistic), jsonx.Float(lr.P)
	}
	return m
}

// toxicityVars are the toxicity rows: CRS and ICANS grade distributions,
// and with extended, grade >= 3 of each and the supportive therapies
// (Table S5). Columns without any value are left out.
func toxicityVars(p *patients, extended bool) []variable {
	col := p.c.Column
	atLeast3 := func(v float64) bool { return v >= 3 }
	crs, icans := col("crs_grade"), col("icans_grade")
	vars := []variable{gradeVar("crs_grade", "CRS grade (ASTCT)", crs, p.n)}
	if extended {
		vars = append(vars, binaryVar("crs3", "CRS grade ≥ 3", crs, atLeast3))
	}
	vars = append(vars, gradeVar("icans_grade", "ICANS grade (ASTCT)", icans, p.n))
	if extended {
		vars = append(vars, binaryVar("icans3", "ICANS grade ≥ 3", icans, atLeast3))
	}
	vars = append(vars, binaryVar("icu", "ICU admission", col("icu"), isOne))
	if extended {
		vars = append(vars, binaryVar("tocilizumab", "Tocilizumab", col("tocilizumab"), isOne), binaryVar("corticosteroids", "Corticosteroids", col("corticosteroids"), isOne))
	}
	return withData(vars, p.n)
}

// withData keeps the variables with a value for at least one patient: a
// column the data do not have is no row of "—" in a manuscript's table.
func withData(vars []variable, n int) []variable {
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	var kept []variable
	for _, v := range vars {
		if v.num != nil && slices.ContainsFunc(v.num(all), func(x float64) bool { return !math.IsNaN(x) }) {
			kept = append(kept, v)
			continue
		}
		for i := 0; v.code != nil && i < n; i++ {
			if v.code(i) != codeMissing {
				kept = append(kept, v)
				break
			}
		}
	}
	return kept
}

// scoreByCohort computes Fig S4's numbers for the first two cohorts.
func scoreByCohort(p *patients, cohorts []string) *ScoreByCohort {
	groups := cohortGroups(p, cohorts)
	k := len(groups)
	s := &ScoreByCohort{Groups: cohorts, N: make([]int, k), Median: nanSlice(k), Q1: nanSlice(k), Q3: nanSlice(k), Min: nanSlice(k), Max: nanSlice(k),
		W: jsonx.Float(math.NaN()), P: jsonx.Float(math.NaN())}
	samples := make([][]float64, k)
	for g, idx := range groups {
		samples[g] = finiteOnly(pick(p.score, idx))
		d := stattest.Describe(samples[g])
		s.N[g] = d.N
		if d.N > 0 {
			s.Median[g], s.Q1[g], s.Q3[g], s.Min[g], s.Max[g] = d.Median, d.Q1, d.Q3, d.Min, d.Max
		}
	}
	if t, err := stattest.CompareContinuous(samples); err == nil {
		s.Test, s.W, s.P = t.Test, jsonx.Float(t.Statistic), jsonx.Float(t.P)
	}
	return s
}

// characteristicVars are the rows of Table 1 (and of Tables S2 and S3),
// in the paper's order, those with data.
func characteristicVars(p *patients) []variable {
	col := p.c.Column
	// field is a continuous variable read from the cohort.
	field := func(key, label string) variable {
		return variable{key: key, label: label, num: func(idx []int) []float64 { return p.c.Pick(key, idx) }}
	}
	ht := func(i int) float64 { return p.rows[i].CARHematotox() }
	ldh, ldhULN := col("ldh"), col("ldh_uln")
	ldhHigh := func(i int) float64 { return above(ldh(i), ldhULN(i)) }
	sex, product := p.c.Text("sex"), p.product()
	atLeast := func(k float64) func(float64) bool { return func(v float64) bool { return v >= k } }
	return withData([]variable{
		field("age", "Age, years"),
		textVar("sex", "Sex", sex, presentLevels(p.n, sex, "female", "male")),
		binaryVar("ecog", "ECOG 2–4 (vs 0–1)", col("ecog"), atLeast(2)),
		textVar("product", "CAR-T product", product, presentLevels(p.n, product, "axi-cel", "tisa-cel", "liso-cel")),
		field("prior_lines", "Prior lines of therapy"),
		field("mtv_ml", "MTV, mL"),
		binaryVar("stage", "Ann Arbor stage 3–4 (vs 1–2)", p.stage, atLeast(3)),
		binaryVar("bridging", "Bridging therapy", col("bridging"), isOne),
		binaryVar("primary_refractory", "Primary refractory", col("primary_refractory"), isOne),
		binaryVar("bulky", "Bulky disease (> 10 cm)", col("bulky"), isOne),
		binaryVar("prior_auto_hct", "Prior autologous HCT", col("prior_auto_hct"), isOne),
		binaryVar("transformed", "Transformed lymphoma", col("transformed"), isOne),
		binaryVar("double_hit", "Double/triple hit", col("double_hit"), isOne),
		binaryVar("car_hematotox", "CAR-HEMATOTOX ≥ 3 (high)", ht, atLeast(3)),
		field("ldh", "LDH, U/L"),
		binaryVar("ldh_high", "LDH > ULN", ldhHigh, isOne),
		field("hb", "Hemoglobin, g/dL"),
		field("plt", "Platelets, 10⁹/L"),
		field("anc", "ANC, 10⁹/L"),
		field("ferritin", "Ferritin, ng/mL"),
		field("crp", "CRP, mg/dL"),
	}, p.n)
}

// presentLevels orders the observed values of s: the known ones first in
// the given order, then any other value in sorted order.
func presentLevels(n int, s func(i int) string, known ...string) []string {
	obs := levelsAt(n, s, "")
	var out []string
	for _, k := range known {
		for _, o := range obs {
			if o == k {
				out = append(out, k)
			}
		}
	}
	for _, o := range obs {
		found := false
		for _, k := range known {
			found = found || o == k
		}
		if !found {
			out = append(out, o)
		}
	}
	return out
}

// Supplement holds the statistics of the paper's supplementary tables
// and of the grade tests of Fig 3.
type supplement struct {
	S1 *TableS1
	// S2 and S3 are keyed by "pooled" and by cohort name.
	S2, S3 map[string]*Characteristics
	S4     *ScoreByCohort
	S5     *Characteristics
	// Grades is Fig 3's test of the whole CRS and ICANS grade
	// distributions (and ICU) by median group, pooled.
	Grades *Characteristics
}

// supplementStats computes Tables S1-S3 and S5, Fig S4 and the grade
// tests of Fig 3 once the score and cutoffs are known; seed seeds any
// Monte Carlo Fisher p-value.
func supplementStats(p *patients, cohorts []string, cut Cutoffs, seed uint64) supplement {
	var s supplement
	s.S1 = tableS1(p, cohorts, seed)
	all := concat(cohortGroups(p, cohorts))
	vars := characteristicVars(p)
	s.S2 = map[string]*Characteristics{"pooled": describe(vars, medianNames, riskGroups(p, all, cut, 2), seed)}
	s.S3 = map[string]*Characteristics{"pooled": describe(vars, tercileNames, riskGroups(p, all, cut, 3), seed)}
	if len(cohorts) > 1 {
		for _, c := range cohorts {
			idx := p.subset(c)
			s.S2[c] = describe(vars, medianNames, riskGroups(p, idx, cut, 2), seed)
			s.S3[c] = describe(vars, tercileNames, riskGroups(p, idx, cut, 3), seed)
		}
		s.S4 = scoreByCohort(p, cohorts)
	}
	if tv := toxicityVars(p, true); len(tv) > 0 {
		s.S5 = describe(tv, tercileNames, riskGroups(p, all, cut, 3), seed)
		s.Grades = describe(toxicityVars(p, false), medianNames, riskGroups(p, all, cut, 2), seed)
	}
	return s
}
