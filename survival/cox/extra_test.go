package cox_test

import (
	"encoding/json"
	"slices"
	"testing"

	"carimpi/internal/reftest"
	"carimpi/survival/cox"
)

// extraCase is one entry of testdata/extra.json (written by
// testdata/make.R with R 4.2.2 and survival 3.5.3).
type extraCase struct {
	Call     string      `json:"call"`
	Coef     []float64   `json:"coef"`
	Var      [][]float64 `json:"var"`
	NaiveVar [][]float64 `json:"naive_var"`
	Loglik   []float64   `json:"loglik"`
	Score    float64     `json:"score"`
	N        int         `json:"n"`
	Strata   []string    `json:"strata"`
	Time     []float64   `json:"time"`
	NRisk    []float64   `json:"n_risk"`
	Surv     []float64   `json:"surv"`
	StdErr   []float64   `json:"std_err"`
	Lower    []float64   `json:"lower"`
	Upper    []float64   `json:"upper"`
}

func readExtra(t *testing.T) map[string]extraCase {
	t.Helper()
	var all map[string]json.RawMessage
	reftest.Load(t, "testdata/extra.json", &all)
	out := map[string]extraCase{}
	for k, v := range all {
		if k == "versions" {
			continue
		}
		var c extraCase
		if err := json.Unmarshal(v, &c); err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		out[k] = c
	}
	return out
}

func checkMatrix(t *testing.T, what string, got, want [][]float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d rows, want %d", what, len(got), len(want))
		return
	}
	for i := range want {
		reftest.Floats(t, what, got[i], want[i], tol)
	}
}

// lungWeights are the case weights of testdata/make.R: row %% 3 + 1 of the
// CSV row number.
func lungWeights(rows []int) []float64 {
	w := make([]float64, len(rows))
	for k, i := range rows {
		w[k] = float64((i+1)%3 + 1)
	}
	return w
}

func TestExtraRobustWeightsOffset(t *testing.T) {
	ex := readExtra(t)
	const tol = 1e-6

	m := refFit(t, "lung.csv", "time", "event", "age,sex,ph.ecog", "", cox.Options{Robust: true}).model
	c := ex["robust"]
	reftest.Floats(t, "robust coef", m.Coef, c.Coef, tol)
	checkMatrix(t, "robust var", m.Var, c.Var, tol)
	checkMatrix(t, "robust naive var", m.NaiveVar, c.NaiveVar, tol)

	// cluster(inst): inst is a used column, so its missing row is dropped
	rm := refFit(t, "lung.csv", "time", "event", "age,sex,ph.ecog,inst", "", cox.Options{})
	inst := rm.design.X[3]
	x := rm.design.X[:3]
	cl := make([]int, len(inst))
	for i, v := range inst {
		cl[i] = int(v)
	}
	m, err := cox.Fit(rm.time, rm.event, x, &cox.Options{Cluster: cl}, nil)
	if err != nil {
		t.Fatal(err)
	}
	c = ex["cluster"]
	if m.N != c.N {
		t.Errorf("cluster n = %d, want %d", m.N, c.N)
	}
	reftest.Floats(t, "cluster coef", m.Coef, c.Coef, tol)
	checkMatrix(t, "cluster var", m.Var, c.Var, tol)

	rm = refFit(t, "lung.csv", "time", "event", "age,sex,ph.ecog", "", cox.Options{})
	w := lungWeights(rm.data.rows)
	for _, tc := range []struct {
		name string
		opt  cox.Options
	}{
		{"weights_breslow", cox.Options{Ties: cox.Breslow}},
		{"weights_efron_robust", cox.Options{Robust: true}},
	} {
		m, err := cox.Fit(rm.time, rm.event, rm.design.X, &tc.opt, w)
		if err != nil {
			t.Fatal(err)
		}
		c := ex[tc.name]
		reftest.Floats(t, tc.name+" coef", m.Coef, c.Coef, tol)
		checkMatrix(t, tc.name+" var", m.Var, c.Var, tol)
		reftest.Floats(t, tc.name+" loglik", []float64{m.LoglikNull, m.Loglik}, c.Loglik, 1e-9)
		if c.Score != 0 && !reftest.Rel(m.Score.Statistic, c.Score, tol) {
			t.Errorf("%s score = %v, want %v", tc.name, m.Score.Statistic, c.Score)
		}
		if c.NaiveVar != nil {
			checkMatrix(t, tc.name+" naive var", m.NaiveVar, c.NaiveVar, tol)
		}
	}

	off := make([]float64, len(rm.time))
	for i := range off {
		off[i] = 0.01 * rm.design.X[0][i]
	}
	m, err = cox.Fit(rm.time, rm.event, rm.design.X[1:], &cox.Options{Offset: off}, nil)
	if err != nil {
		t.Fatal(err)
	}
	c = ex["offset"]
	reftest.Floats(t, "offset coef", m.Coef, c.Coef, tol)
	checkMatrix(t, "offset var", m.Var, c.Var, tol)
	reftest.Floats(t, "offset loglik", []float64{m.LoglikNull, m.Loglik}, c.Loglik, 1e-9)
}

func TestExtraSurvfitStrata(t *testing.T) {
	c := readExtra(t)["survfit_strata"]
	rm := refFit(t, "veteran.csv", "time", "status", "trt,karno,age", "celltype", cox.Options{})
	curves := rm.model.Survfit([]float64{1, 60, 60})
	var nrisk, surv, se, lo, up []float64
	for _, name := range slices.Compact(slices.Clone(c.Strata)) {
		var times []float64
		for k, s := range c.Strata {
			if s == name {
				times = append(times, c.Time[k])
			}
		}
		found := false
		for _, cv := range curves {
			// refFit codes strata in order of first appearance
			if cv.Stratum == slices.Index(firstSeen(t, rm), name) {
				found = true
				for _, p := range cv.At(times) {
					nrisk = append(nrisk, p.NRisk)
					surv = append(surv, p.Surv)
					se = append(se, p.StdErr)
					lo = append(lo, p.Lower)
					up = append(up, p.Upper)
				}
			}
		}
		if !found {
			t.Fatalf("no curve for stratum %s", name)
		}
	}
	reftest.Floats(t, "n.risk", nrisk, c.NRisk, 0)
	reftest.Floats(t, "surv", surv, c.Surv, 1e-6)
	reftest.Floats(t, "std.err", se, c.StdErr, 1e-5)
	reftest.Floats(t, "lower", lo, c.Lower, 1e-5)
	reftest.Floats(t, "upper", up, c.Upper, 1e-5)
}

// firstSeen lists the strata values in order of first appearance, the
// coding refFit gives them.
func firstSeen(t *testing.T, rm refModel) []string {
	_, levels, err := rm.data.Codes("celltype")
	if err != nil {
		t.Fatal(err)
	}
	return levels
}
