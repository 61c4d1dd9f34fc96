package cox_test

import (
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"carimpi/internal/reftest"
	"carimpi/survival/cox"
	"carimpi/survival/spline"
	"carimpi/table"
)

// refDir is the R reference data copied into the repository
// (testdata/reference, computed by its scripts with R 4.2.2, survival 3.5.3).
const refDir = "../../testdata/reference"

// refCox is the part of a coxph case file (expected/cox-*.json) the tests read.
type refCox struct {
	Call     any `json:"call"`
	Expected struct {
		Terms      []string    `json:"terms"`
		Coef       []float64   `json:"coef"`
		SE         []float64   `json:"se"`
		Z          []float64   `json:"z"`
		P          []float64   `json:"p"`
		HRLower    []float64   `json:"hr_lower_95"`
		HRUpper    []float64   `json:"hr_upper_95"`
		Var        [][]float64 `json:"var"`
		Means      []float64   `json:"means"`
		N          int         `json:"n"`
		Nevent     int         `json:"nevent"`
		LoglikNull float64     `json:"loglik_null"`
		Loglik     float64     `json:"loglik"`
		LRT        refTest     `json:"lrt"`
		Wald       refTest     `json:"wald"`
		Score      refTest     `json:"score"`
		LP         struct {
			Row        []int      `json:"row"`
			LP         []*float64 `json:"lp"`
			Uncentered []*float64 `json:"lp_uncentered"`
		} `json:"linear_predictors"`
	} `json:"expected"`
}

type refTest struct {
	Statistic float64 `json:"statistic"`
	DF        int     `json:"df"`
	P         float64 `json:"p"`
}

func checkTest(t *testing.T, what string, got cox.Test, want refTest, tol float64) {
	t.Helper()
	if got.DF != want.DF || !reftest.Rel(got.Statistic, want.Statistic, tol) || !reftest.Rel(got.P, want.P, tol) {
		t.Errorf("%s = %+v, want %+v", what, got, want)
	}
}

// tableData serves a table's kept rows to NewDesign.
type tableData struct {
	tab  *table.Table
	rows []int
}

func (d tableData) Floats(col string) ([]float64, error) {
	all, err := d.tab.Floats(col)
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(d.rows))
	for k, i := range d.rows {
		out[k] = all[i]
	}
	return out, nil
}

func (d tableData) Codes(col string) ([]int32, []string, error) {
	all, err := d.tab.Strings(col)
	if err != nil {
		return nil, nil, err
	}
	out := make([]string, len(d.rows))
	for k, i := range d.rows {
		out[k] = all[i]
	}
	codes, levels := codeCells(out)
	return codes, levels, nil
}

// refFit fits terms to a reference data set as R's coxph would: rows with a
// missing value in a used column are dropped; event is the 0/1 column.
type refModel struct {
	model  *cox.Model
	design *cox.Design
	data   tableData
	time   []float64
	event  []bool
}

func refFit(t *testing.T, file, timeCol, eventCol, terms, strataCol string, opt cox.Options) refModel {
	t.Helper()
	tab := reftest.Table(t, filepath.Join(refDir, "data", file))
	ts, err := cox.ParseTerms(terms)
	if err != nil {
		t.Fatal(err)
	}
	used := append([]string{timeCol, eventCol}, cox.Vars(ts)...)
	if strataCol != "" {
		used = append(used, strataCol)
	}
	var cols [][]string
	for _, c := range used {
		s, err := tab.Strings(c)
		if err != nil {
			t.Fatal(err)
		}
		cols = append(cols, s)
	}
	d := tableData{tab: tab}
rows:
	for i := range tab.Rows {
		for _, c := range cols {
			if table.IsMissing(c[i]) {
				continue rows
			}
		}
		d.rows = append(d.rows, i)
	}
	time, _ := d.Floats(timeCol)
	ev, _ := d.Floats(eventCol)
	event := make([]bool, len(ev))
	for i, v := range ev {
		event[i] = v == 1
	}
	design, err := cox.NewDesign(ts, d)
	if err != nil {
		t.Fatal(err)
	}
	if strataCol != "" {
		codes, levels, _ := d.Codes(strataCol)
		opt.StrataNames = levels
		opt.Strata = make([]int, len(codes))
		for i, c := range codes {
			opt.Strata[i] = int(c)
		}
	}
	opt.Names = design.Names
	m, err := cox.Fit(time, event, design.X, &opt, nil)
	if err != nil {
		t.Fatal(err)
	}
	return refModel{m, design, d, time, event}
}

// rName is R's model-matrix name of a design column: factor columns
// "var=level" are "varlevel" in R.
func rName(s string) string { return strings.Replace(s, "=", "", 1) }

func TestReferenceCox(t *testing.T) {
	cases := []struct {
		file                             string // expected/<file>.json
		data, time, event, terms, strata string
		ties                             cox.Method
	}{
		{"cox-lung-efron", "lung.csv", "time", "event", "age,sex,ph.ecog", "", cox.Efron},
		{"cox-lung-breslow", "lung.csv", "time", "event", "age,sex,ph.ecog", "", cox.Breslow},
		{"cox-veteran-strata", "veteran.csv", "time", "status", "trt,karno,diagtime,age", "celltype", cox.Efron},
		{"cox-pbc", "pbc312.csv", "time", "event", "age,edema,log_bili,log_albumin,log_protime", "", cox.Efron},
		{"cox-veteran-celltype", "veteran.csv", "time", "status", "factor(celltype,ref=squamous)", "", cox.Efron},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			var ref refCox
			reftest.Load(t, filepath.Join(refDir, "expected", c.file+".json"), &ref)
			want := ref.Expected
			rm := refFit(t, c.data, c.time, c.event, c.terms, c.strata, cox.Options{Ties: c.ties})
			m := rm.model
			if !m.Converged || len(m.Warnings) != 0 {
				t.Errorf("converged %v, warnings %q", m.Converged, m.Warnings)
			}
			// match columns by R name: our factor column order may differ
			idx := make([]int, len(want.Terms))
			for k, name := range want.Terms {
				idx[k] = -1
				for j, n := range m.Names {
					if rName(n) == name {
						idx[k] = j
					}
				}
				if idx[k] < 0 {
					t.Fatalf("term %s not among %q", name, m.Names)
				}
			}
			pick := func(v []float64) []float64 {
				out := make([]float64, len(idx))
				for k, j := range idx {
					out[k] = v[j]
				}
				return out
			}
			const tol = 1e-10 // achieved (the case files allow 1e-6)
			reftest.Floats(t, "coef", pick(m.Coef), want.Coef, tol)
			reftest.Floats(t, "se", pick(m.SE), want.SE, tol)
			reftest.Floats(t, "z", pick(m.Z), want.Z, tol)
			reftest.Floats(t, "p", pick(m.P), want.P, tol)
			reftest.Floats(t, "hr_lower", pick(m.HRLower), want.HRLower, tol)
			reftest.Floats(t, "hr_upper", pick(m.HRUpper), want.HRUpper, tol)
			reftest.Floats(t, "means", pick(m.Means), want.Means, 1e-12)
			for k, j := range idx {
				row := make([]float64, len(idx))
				for l, jj := range idx {
					row[l] = m.Var[j][jj]
				}
				reftest.Floats(t, "var row", row, want.Var[k], tol)
			}
			if m.N != want.N || m.Events != want.Nevent {
				t.Errorf("n, events = %d, %d; want %d, %d", m.N, m.Events, want.N, want.Nevent)
			}
			reftest.Floats(t, "loglik", []float64{m.LoglikNull, m.Loglik}, []float64{want.LoglikNull, want.Loglik}, 1e-9)
			checkTest(t, "lrt", m.LRT, want.LRT, tol)
			checkTest(t, "wald", m.Wald, want.Wald, tol)
			checkTest(t, "score", m.Score, want.Score, tol)
			// linear predictors of CSV rows 1..10 (all kept in these data sets
			// except lung row 14, which is beyond 10)
			lp := m.LinearPredictors(true)
			lpu := m.LinearPredictors(false)
			for k, row := range want.LP.Row {
				i := slices.Index(rm.data.rows, row-1)
				if i < 0 {
					t.Fatalf("row %d dropped", row)
				}
				if !reftest.Rel(lp[i], *want.LP.LP[k], tol) && math.Abs(lp[i]-*want.LP.LP[k]) > 1e-12 {
					t.Errorf("lp row %d = %.12g, want %.12g", row, lp[i], *want.LP.LP[k])
				}
				if !reftest.Rel(lpu[i], *want.LP.Uncentered[k], tol) && math.Abs(lpu[i]-*want.LP.Uncentered[k]) > 1e-12 {
					t.Errorf("lp_uncentered row %d = %.12g, want %.12g", row, lpu[i], *want.LP.Uncentered[k])
				}
				x := make([]float64, len(m.Coef))
				for j := range x {
					x[j] = rm.design.X[j][i]
				}
				if got := m.LP(x); !reftest.Rel(got, lpu[i], 1e-12) {
					t.Errorf("LP(row %d) = %v, LinearPredictors %v", row, got, lpu[i])
				}
			}
		})
	}
}

func TestReferenceCoxSurv(t *testing.T) {
	var ref struct {
		Inputs struct {
			Newdata map[string]float64 `json:"newdata"`
		} `json:"inputs"`
		Expected struct {
			LP     float64   `json:"newdata_lp_uncentered"`
			Times  []float64 `json:"times"`
			NRisk  []float64 `json:"n.risk"`
			NEvent []float64 `json:"n.event"`
			Surv   []float64 `json:"surv"`
			StdErr []float64 `json:"std.err"`
			Lower  []float64 `json:"lower"`
			Upper  []float64 `json:"upper"`
			CumHaz []float64 `json:"cumhaz"`
			AtZero struct {
				Time   []float64 `json:"time"`
				Hazard []float64 `json:"hazard"`
			} `json:"baseline_cumhaz_at_zero"`
			AtMeans struct {
				Means  []float64 `json:"means"`
				Hazard []float64 `json:"hazard"`
			} `json:"baseline_cumhaz_at_means"`
		} `json:"expected"`
	}
	reftest.Load(t, filepath.Join(refDir, "expected", "coxsurv-lung-efron.json"), &ref)
	want := ref.Expected
	m := refFit(t, "lung.csv", "time", "event", "age,sex,ph.ecog", "", cox.Options{}).model
	x := []float64{ref.Inputs.Newdata["age"], ref.Inputs.Newdata["sex"], ref.Inputs.Newdata["ph.ecog"]}
	if got := m.LP(x); !reftest.Rel(got, want.LP, 1e-10) {
		t.Errorf("LP = %v, want %v", got, want.LP)
	}
	curves := m.Survfit(x)
	if len(curves) != 1 {
		t.Fatalf("%d curves", len(curves))
	}
	pts := curves[0].At(want.Times)
	var nrisk, nevent, surv, se, lo, up, ch []float64
	for _, p := range pts {
		nrisk = append(nrisk, p.NRisk)
		nevent = append(nevent, p.NEvent)
		surv = append(surv, p.Surv)
		se = append(se, p.StdErr)
		lo = append(lo, p.Lower)
		up = append(up, p.Upper)
		ch = append(ch, p.CumHaz)
	}
	reftest.Floats(t, "n.risk", nrisk, want.NRisk, 0)
	reftest.Floats(t, "n.event", nevent, want.NEvent, 0)
	reftest.Floats(t, "surv", surv, want.Surv, 1e-10)
	reftest.Floats(t, "cumhaz", ch, want.CumHaz, 1e-10)
	reftest.Floats(t, "std.err", se, want.StdErr, 1e-10)
	reftest.Floats(t, "lower", lo, want.Lower, 1e-10)
	reftest.Floats(t, "upper", up, want.Upper, 1e-10)

	base := m.Survfit(make([]float64, 3))[0]
	reftest.Floats(t, "basehaz time", base.Time, want.AtZero.Time, 0)
	reftest.Floats(t, "basehaz(centered=FALSE)", base.CumHaz, want.AtZero.Hazard, 1e-10)
	atMeans := m.Survfit(want.AtMeans.Means)[0]
	reftest.Floats(t, "basehaz(centered=TRUE)", atMeans.CumHaz, want.AtMeans.Hazard, 1e-10)
}

func TestReferenceLinearSpline(t *testing.T) {
	var ref struct {
		Expected struct {
			Segments struct {
				Coef []float64   `json:"coef"`
				SE   []float64   `json:"se"`
				P    []float64   `json:"p"`
				Var  [][]float64 `json:"var"`
			} `json:"segments"`
			SlopeChange struct {
				Coef []float64 `json:"coef"`
				SE   []float64 `json:"se"`
				P    []float64 `json:"p"`
			} `json:"slope_change"`
			LoglikNull float64 `json:"loglik_null"`
			Loglik     float64 `json:"loglik"`
			LRT        refTest `json:"lrt"`
			N          int     `json:"n"`
			Nevent     int     `json:"nevent"`
		} `json:"expected"`
	}
	reftest.Load(t, filepath.Join(refDir, "expected", "cox-lung-linear-spline-age60.json"), &ref)
	want := ref.Expected
	for _, c := range []struct {
		terms       string
		coef, se, p []float64
	}{
		{"lspseg(age,60)", want.Segments.Coef, want.Segments.SE, want.Segments.P},
		{"lsp(age,60)", want.SlopeChange.Coef, want.SlopeChange.SE, want.SlopeChange.P},
	} {
		m := refFit(t, "lung.csv", "time", "event", c.terms, "", cox.Options{}).model
		reftest.Floats(t, c.terms+" coef", m.Coef, c.coef, 1e-10)
		reftest.Floats(t, c.terms+" se", m.SE, c.se, 1e-10)
		reftest.Floats(t, c.terms+" p", m.P, c.p, 1e-10)
		reftest.Floats(t, c.terms+" loglik", []float64{m.LoglikNull, m.Loglik}, []float64{want.LoglikNull, want.Loglik}, 1e-9)
		checkTest(t, c.terms+" lrt", m.LRT, want.LRT, 1e-10)
		if m.N != want.N || m.Events != want.Nevent {
			t.Errorf("%s: n, events = %d, %d", c.terms, m.N, m.Events)
		}
	}
}

func TestReferenceRCS(t *testing.T) {
	var ref struct {
		Expected struct {
			Knots      []float64 `json:"knots"`
			Terms      []string  `json:"terms"`
			Coef       []float64 `json:"coef"`
			SE         []float64 `json:"se"`
			LoglikNull float64   `json:"loglik_null"`
			Loglik     float64   `json:"loglik"`
			LRT        refTest   `json:"lrt"`
			Curve      struct {
				X     []float64 `json:"x"`
				LogHR []float64 `json:"logHR_vs_ref"`
				SE    []float64 `json:"se"`
				Lower []float64 `json:"lower_95"`
				Upper []float64 `json:"upper_95"`
			} `json:"curve"`
		} `json:"expected"`
		Inputs struct {
			Ref float64 `json:"reference_value"`
		} `json:"inputs"`
	}
	reftest.Load(t, filepath.Join(refDir, "expected", "cox-lung-rcs-age.json"), &ref)
	want := ref.Expected
	rm := refFit(t, "lung.csv", "time", "event", "rcs(age,4)", "", cox.Options{})
	m := rm.model
	reftest.Floats(t, "knots", rm.design.Terms[0].Knots, want.Knots, 1e-12)
	if !slices.Equal(m.Names, want.Terms) {
		t.Errorf("names %q, want %q", m.Names, want.Terms)
	}
	reftest.Floats(t, "coef", m.Coef, want.Coef, 1e-10)
	reftest.Floats(t, "se", m.SE, want.SE, 1e-10)
	reftest.Floats(t, "loglik", []float64{m.LoglikNull, m.Loglik}, []float64{want.LoglikNull, want.Loglik}, 1e-9)
	checkTest(t, "lrt", m.LRT, want.LRT, 1e-10)

	// the log-HR curve against age 60 from this fit (tolerance 1e-6 absolute)
	knots := rm.design.Terms[0].Knots
	basis := func(dst []float64, x float64) []float64 { return spline.RCS(dst, x, knots) }
	c := spline.LogHRCurve(basis, m.Coef, m.Var, want.Curve.X, ref.Inputs.Ref)
	for i := range want.Curve.X {
		for _, q := range [][2]float64{{c.LogHR[i], want.Curve.LogHR[i]}, {c.SE[i], want.Curve.SE[i]}, {c.Lower[i], want.Curve.Lower[i]}, {c.Upper[i], want.Curve.Upper[i]}} {
			if math.Abs(q[0]-q[1]) > 1e-6 {
				t.Errorf("curve at %v: %v, want %v", want.Curve.X[i], q[0], q[1])
			}
		}
	}
}

// TestEvaluateAtInit: MaxIter < 0 evaluates the model at Init without
// iterating (coxph iter.max = 0); at R's estimate it gives R's log
// likelihood and variance.
func TestEvaluateAtInit(t *testing.T) {
	var ref refCox
	reftest.Load(t, filepath.Join(refDir, "expected", "cox-lung-efron.json"), &ref)
	want := ref.Expected
	m := refFit(t, "lung.csv", "time", "event", "age,sex,ph.ecog", "", cox.Options{Init: want.Coef, MaxIter: -1}).model
	if m.Iterations != 0 {
		t.Errorf("iterations %d", m.Iterations)
	}
	reftest.Floats(t, "coef", m.Coef, want.Coef, 1e-15)
	reftest.Floats(t, "loglik", []float64{m.LoglikNull, m.Loglik}, []float64{want.Loglik, want.Loglik}, 1e-12)
	for k := range want.Var {
		reftest.Floats(t, "var", m.Var[k], want.Var[k], 1e-10)
	}
	one := refFit(t, "lung.csv", "time", "event", "age,sex,ph.ecog", "", cox.Options{MaxIter: 1}).model
	if one.Iterations != 1 || one.Converged || !(one.Loglik > one.LoglikNull) {
		t.Errorf("one step: iterations %d converged %v loglik %v -> %v", one.Iterations, one.Converged, one.LoglikNull, one.Loglik)
	}
}
