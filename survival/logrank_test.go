package survival_test

import (
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"carimpi/internal/jsonx"
	"carimpi/internal/reftest"
	"carimpi/survival"
)

// logrankCase is the layout of the logrank-*.json reference files.
type logrankCase struct {
	Inputs struct {
		Rho float64 `json:"rho"`
	} `json:"inputs"`
	Expected struct {
		Groups       []string       `json:"groups"`
		N            []int          `json:"n"`
		Obs          jsonx.Floats   `json:"obs"`
		Exp          jsonx.Floats   `json:"exp"`
		Var          []jsonx.Floats `json:"var"`
		Chisq        float64        `json:"chisq"`
		DF           int            `json:"df"`
		P            float64        `json:"p.value"`
		Strata       []string       `json:"strata"`
		ObsByStratum []jsonx.Floats `json:"obs_by_stratum"`
		ExpByStratum []jsonx.Floats `json:"exp_by_stratum"`
	} `json:"expected"`
}

func TestLogRankReference(t *testing.T) {
	for _, tc := range []struct {
		file, data, event string
		code              float64
		group, strata     string
	}{
		{"logrank-lung-sex.json", "lung.csv", "status", 2, "sex", ""},
		{"logrank-lung-sex-rho1.json", "lung.csv", "status", 2, "sex", ""},
		{"logrank-veteran-celltype.json", "veteran.csv", "status", 1, "celltype", ""},
		{"logrank-lung-sex-strata-ecog.json", "lung.csv", "status", 2, "sex", "ph.ecog"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			survival.EachPath(t, func(t *testing.T) {
				var c logrankCase
				reftest.Load(t, filepath.Join(refExpected, tc.file), &c)
				w := c.Expected
				need := []string{"time", tc.event, tc.group}
				if tc.strata != "" {
					need = append(need, tc.strata)
				}
				d := loadData(t, tc.data, need...)
				group, labels := d.codes(t, tc.group)
				var strata []int
				var slabels []string
				if tc.strata != "" {
					strata, slabels = d.codes(t, tc.strata)
				}
				r, err := survival.LogRank(d.floats(t, "time"), d.events(t, tc.event, tc.code), group, strata, c.Inputs.Rho)
				if err != nil {
					t.Fatal(err)
				}
				// The reference lists groups in R's level order, which may differ
				// from ours (veteran's celltype); compare group by group.
				pos := make([]int, len(w.Groups))
				for i, name := range w.Groups {
					pos[i] = slices.Index(labels, name)
					if pos[i] < 0 {
						t.Fatalf("group %q not among %v", name, labels)
					}
				}
				for i, g := range pos {
					if r.N[g] != w.N[i] {
						t.Errorf("n[%s] = %d, want %d", w.Groups[i], r.N[g], w.N[i])
					}
					reftest.Floats(t, "obs "+w.Groups[i], []float64{r.Observed[g]}, w.Obs[i:i+1], refTol)
					reftest.Floats(t, "exp "+w.Groups[i], []float64{r.Expected[g]}, w.Exp[i:i+1], refTol)
					for j, h := range pos {
						reftest.Floats(t, "var "+w.Groups[i]+" "+w.Groups[j], []float64{r.Var[g][h]}, w.Var[i][j:j+1], refTol)
					}
					for s, name := range w.Strata {
						k := slices.Index(slabels, name)
						reftest.Floats(t, "obs by stratum "+name, []float64{r.ObservedByStratum[g][k]}, w.ObsByStratum[i][s:s+1], refTol)
						reftest.Floats(t, "exp by stratum "+name, []float64{r.ExpectedByStratum[g][k]}, w.ExpByStratum[i][s:s+1], refTol)
					}
				}
				if r.DF != w.DF {
					t.Errorf("df %d, want %d", r.DF, w.DF)
				}
				reftest.Floats(t, "chisq, p", []float64{r.Statistic, r.P}, jsonx.Floats{w.Chisq, w.P}, refTol)
				if len(w.Groups) == 2 {
					// With two groups the trend test is the log-rank test.
					tr, err := r.Trend(nil)
					if err != nil || !reftest.Rel(tr.Statistic, w.Chisq, refTol) || tr.DF != 1 {
						t.Errorf("trend %+v, %v; want chisq %v", tr, err, w.Chisq)
					}
				}
			})
		})
	}
}

// TestLogRankTrend checks the trend statistic against the formula written
// out on survdiff's O - E and variance: (s'(O-E))^2 / s'Vs.
func TestLogRankTrend(t *testing.T) {
	d := loadData(t, "veteran.csv", "time", "status", "celltype")
	group, _ := d.codes(t, "celltype")
	r, err := survival.LogRank(d.floats(t, "time"), d.events(t, "status", 1), group, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	scores := []float64{3, 1, -2, 7}
	tr, err := r.Trend(scores)
	if err != nil {
		t.Fatal(err)
	}
	u, v := 0.0, 0.0
	for g := range scores {
		u += scores[g] * (r.Observed[g] - r.Expected[g])
		for h := range scores {
			v += scores[g] * scores[h] * r.Var[g][h]
		}
	}
	if !reftest.Rel(tr.Statistic, u*u/v, 1e-14) || tr.DF != 1 || !(tr.P > 0 && tr.P < 1) {
		t.Errorf("trend %+v, want statistic %v", tr, u*u/v)
	}
	// Shifting the scores changes nothing, since sum(O-E) = 0.
	shifted, _ := r.Trend([]float64{13, 11, 8, 17})
	if !reftest.Rel(shifted.Statistic, tr.Statistic, 1e-9) {
		t.Errorf("shifted scores: %v, want %v", shifted.Statistic, tr.Statistic)
	}
	if _, err := r.Trend([]float64{2, 2, 2, 2}); err == nil {
		t.Error("equal scores accepted")
	}
}

func TestLogRankDegenerate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		time   []float64
		event  []bool
		group  []int
		strata []int
		msg    string // "" means no error
		df     int
	}{
		{name: "empty", msg: "no observations"},
		{name: "n = 1", time: []float64{1}, event: []bool{true}, group: []int{0}, msg: "at least two groups"},
		{name: "one group", time: []float64{1, 2}, event: []bool{true, true}, group: []int{0, 0}, msg: "at least two groups"},
		{name: "all censored", time: []float64{1, 2, 3}, event: []bool{false, false, false}, group: []int{0, 1, 1}, msg: "every observation is censored"},
		{name: "all die at once", time: []float64{4, 4}, event: []bool{true, true}, group: []int{0, 1}, msg: "singular"},
		{name: "group without events", time: []float64{1, 2, 3, 4}, event: []bool{true, false, true, false}, group: []int{0, 1, 0, 1}, df: 1},
		{name: "empty group", time: []float64{1, 2, 3, 4}, event: []bool{true, true, true, false}, group: []int{0, 2, 0, 2}, df: 1},
		{name: "group censored before events", time: []float64{1, 2, 3, 4}, event: []bool{false, true, false, true}, group: []int{1, 0, 2, 0}, df: 1},
		{name: "bad code", time: []float64{1, 2}, event: []bool{true, true}, group: []int{0, 7}, msg: "group[1] = 7"},
		{name: "bad time", time: []float64{1, math.NaN()}, event: []bool{true, true}, group: []int{0, 1}, msg: "time[1] = NaN"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			group := tc.group
			if group == nil {
				group = []int{}
			}
			r, err := survival.LogRank(tc.time, tc.event, group, tc.strata, 0)
			if tc.msg != "" {
				if err == nil || !strings.Contains(err.Error(), tc.msg) {
					t.Fatalf("error %v, want one containing %q", err, tc.msg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.DF != tc.df || math.IsNaN(r.Statistic) || math.IsNaN(r.P) {
				t.Errorf("df %d statistic %v p %v, want df %d", r.DF, r.Statistic, r.P, tc.df)
			}
		})
	}
}
