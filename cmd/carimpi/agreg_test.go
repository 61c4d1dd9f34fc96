package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"carimpi/internal/jsonx"
	"carimpi/internal/reftest"
)

// coxData is the folder of package cox's R reference cases.
const coxData = "../../survival/cox/testdata"

type agregArgs struct {
	Data                                                              string // the data file when the case does not say otherwise
	Start, Time, Event, Terms, Ties, Weights, Offset, Cluster, Strata string
	EventValue                                                        *float64 `json:"event_value"`
	Robust                                                            bool
}

func (a agregArgs) cli(data string) []string {
	if a.Data != "" {
		data = a.Data
	}
	args := []string{"--data", filepath.Join(coxData, data), "--time", a.Time, "--event", a.Event, "--terms", a.Terms, "--ties", a.Ties}
	for _, f := range []struct{ flag, v string }{{"--start", a.Start}, {"--weights", a.Weights}, {"--offset", a.Offset},
		{"--cluster", a.Cluster}, {"--strata", a.Strata}} {
		if f.v != "" {
			args = append(args, f.flag, f.v)
		}
	}
	if a.EventValue != nil {
		args = append(args, "--event-value", fmt.Sprint(*a.EventValue))
	}
	if a.Robust {
		args = append(args, "--robust")
	}
	return args
}

type agregFile struct {
	Fits []struct {
		Name, Data string
		Args       agregArgs
		Coef, SE   []float64
		Var        [][]float64
		NaiveVar   [][]float64 `json:"naive_var"`
		Loglik     []float64
		Score      float64
		Wald       float64
		N          int
		Nevent     int
		// coxph's concordance (Harrell's C and its standard error)
		Concordance struct{ C, SE float64 }
	}
	Survfit []struct {
		Name    string
		Args    agregArgs
		Newdata []map[string]float64
		Times   []float64
		Time    []float64
		NRisk   []float64 `json:"n_risk"`
		Surv    []float64
		StdErr  []float64 `json:"std_err"`
		Lower   []float64
		Upper   []float64
		Strata  []string
	}
	KM []struct {
		Name string
		Args struct {
			agregArgs
			Group, Estimator string
			ConfType         string  `json:"conf_type"`
			ConfLevel        float64 `json:"conf_level"`
		}
		Strata        []string
		Time          []float64
		NRisk         []float64 `json:"n_risk"`
		NEvent        []float64 `json:"n_event"`
		Surv          []float64
		StdErr        []float64 `json:"std_err"`
		Lower         jsonx.Floats
		Upper         jsonx.Floats
		Probs         []float64
		Quantile      []jsonx.Floats
		QuantileLower []jsonx.Floats `json:"quantile_lower"`
		QuantileUpper []jsonx.Floats `json:"quantile_upper"`
	}
}

// TestCoxCountingProcessCLI: coxph on (start, stop] data with weights,
// offset, strata, robust and cluster variance, through the CLI, with its
// concordance (counting-process risk sets, weights, strata, clusters).
func TestCoxCountingProcessCLI(t *testing.T) {
	var file agregFile
	reftest.Load(t, filepath.Join(coxData, "agreg.json"), &file)
	if len(file.Fits) < 9 {
		t.Fatalf("%d fits", len(file.Fits))
	}
	for _, tc := range file.Fits {
		t.Run(tc.Name, func(t *testing.T) {
			var out struct {
				Coef, SE    jsonx.Floats
				Var         []jsonx.Floats
				NaiveVar    []jsonx.Floats `json:"naive_var"`
				Loglik      float64
				LoglikNull  float64 `json:"loglik_null"`
				N, Events   int
				Score, Wald struct{ Statistic float64 }
				Concordance struct{ C, SE float64 }
			}
			runJSON(t, &out, append([]string{"cox"}, tc.Args.cli(tc.Data)...)...)
			if out.N != tc.N || out.Events != tc.Nevent {
				t.Errorf("n %d events %d, want %d %d", out.N, out.Events, tc.N, tc.Nevent)
			}
			reftest.Floats(t, "coef", out.Coef, tc.Coef, 1e-9)
			reftest.Floats(t, "se", out.SE, tc.SE, 1e-9)
			for j := range tc.Var {
				reftest.Floats(t, fmt.Sprintf("var[%d]", j), out.Var[j], tc.Var[j], 1e-9)
			}
			if tc.NaiveVar != nil {
				if len(out.NaiveVar) != len(tc.NaiveVar) {
					t.Fatalf("naive_var: %d rows, want %d", len(out.NaiveVar), len(tc.NaiveVar))
				}
				for j := range tc.NaiveVar {
					reftest.Floats(t, fmt.Sprintf("naive_var[%d]", j), out.NaiveVar[j], tc.NaiveVar[j], 1e-9)
				}
				if !tc.Args.Robust && tc.Args.Cluster == "" {
					// robust by default (non-integer weights): --robust=false
					// gives R's model-based variance as "var"
					var plain struct {
						Var      []jsonx.Floats
						NaiveVar []jsonx.Floats `json:"naive_var"`
					}
					runJSON(t, &plain, append(append([]string{"cox"}, tc.Args.cli(tc.Data)...), "--robust=false")...)
					for j := range tc.NaiveVar {
						reftest.Floats(t, fmt.Sprintf("--robust=false var[%d]", j), plain.Var[j], tc.NaiveVar[j], 1e-9)
					}
					if plain.NaiveVar != nil {
						t.Errorf("--robust=false: naive_var %v, want none", plain.NaiveVar)
					}
				}
			}
			reftest.Close(t, "loglik null", out.LoglikNull, tc.Loglik[0], 1e-12)
			reftest.Close(t, "loglik", out.Loglik, tc.Loglik[1], 1e-12)
			reftest.Close(t, "score test", out.Score.Statistic, tc.Score, 1e-9)
			reftest.Close(t, "wald test", out.Wald.Statistic, tc.Wald, 1e-9)
			reftest.Close(t, "concordance", out.Concordance.C, tc.Concordance.C, 1e-9)
			reftest.Close(t, "concordance se", out.Concordance.SE, tc.Concordance.SE, 1e-9)
		})
	}
}

// TestCoxPredictCLI: survfit.coxph curves for new covariate rows, read at
// times, through cox --predict (counting-process and stratified fits).
func TestCoxPredictCLI(t *testing.T) {
	var file agregFile
	reftest.Load(t, filepath.Join(coxData, "agreg.json"), &file)
	if len(file.Survfit) < 3 {
		t.Fatalf("%d survfit cases", len(file.Survfit))
	}
	data := map[string]string{"start": "jasa1.csv", "entry": "lung-entry.csv"}
	for _, tc := range file.Survfit {
		t.Run(tc.Name, func(t *testing.T) {
			var cols []string
			for c := range tc.Newdata[0] {
				cols = append(cols, c)
			}
			slices.Sort(cols)
			csv := strings.Join(cols, ",") + "\n"
			var vals []string
			for _, c := range cols {
				vals = append(vals, fmt.Sprint(tc.Newdata[0][c]))
			}
			csv += strings.Join(vals, ",") + "\n"
			rows := filepath.Join(t.TempDir(), "rows.csv")
			if err := os.WriteFile(rows, []byte(csv), 0o644); err != nil {
				t.Fatal(err)
			}
			var ts []string
			for _, x := range tc.Times {
				ts = append(ts, fmt.Sprint(x))
			}
			var out struct {
				Predictions []struct {
					Row     int
					Stratum string
					AtTimes struct {
						Time, Surv, Lower, Upper jsonx.Floats
						NRisk                    jsonx.Floats `json:"n_risk"`
						StdErr                   jsonx.Floats `json:"std_err"`
					} `json:"at_times"`
				}
			}
			args := append([]string{"cox"}, tc.Args.cli(data[tc.Args.Start])...)
			runJSON(t, &out, append(args, "--predict", rows, "--times", strings.Join(ts, ","))...)
			// R stacks the strata's rows; so do we, curve by curve
			var time, nrisk, surv, se, lo, up []float64
			var strata []string
			for _, p := range out.Predictions {
				a := p.AtTimes
				time = append(time, a.Time...)
				nrisk = append(nrisk, a.NRisk...)
				surv = append(surv, a.Surv...)
				se = append(se, a.StdErr...)
				lo = append(lo, a.Lower...)
				up = append(up, a.Upper...)
				for range a.Time {
					strata = append(strata, tc.Args.Strata+"="+p.Stratum)
				}
			}
			if tc.Strata != nil && !slices.Equal(strata, tc.Strata) {
				t.Errorf("strata %v, want %v", strata, tc.Strata)
			}
			reftest.Floats(t, "time", time, tc.Time, 0)
			reftest.Floats(t, "n.risk", nrisk, tc.NRisk, 0)
			reftest.Floats(t, "surv", surv, tc.Surv, 1e-9)
			reftest.Floats(t, "std.err", se, tc.StdErr, 1e-9)
			reftest.Floats(t, "lower", lo, tc.Lower, 1e-9)
			reftest.Floats(t, "upper", up, tc.Upper, 1e-9)
		})
	}
}

// TestKMParityCLI: Kaplan-Meier with delayed entry, case weights, the
// Fleming-Harrington estimator, other confidence levels and quantiles,
// through km, against survfit and quantile.survfit.
func TestKMParityCLI(t *testing.T) {
	var file agregFile
	reftest.Load(t, filepath.Join(coxData, "agreg.json"), &file)
	if len(file.KM) < 7 {
		t.Fatalf("%d km cases", len(file.KM))
	}
	data := map[string]string{"start": "jasa1.csv", "entry": "lung-entry.csv", "": "lung-entry.csv"}
	for _, tc := range file.KM {
		t.Run(tc.Name, func(t *testing.T) {
			a := tc.Args
			args := []string{"km", "--data", filepath.Join(coxData, data[a.Start]), "--time", a.Time, "--event", a.Event}
			for _, f := range []struct{ flag, v string }{{"--start", a.Start}, {"--weights", a.Weights}, {"--group", a.Group},
				{"--estimator", a.Estimator}, {"--conf-type", a.ConfType}} {
				if f.v != "" {
					args = append(args, f.flag, f.v)
				}
			}
			if a.EventValue != nil {
				args = append(args, "--event-value", fmt.Sprint(*a.EventValue))
			}
			if a.ConfLevel != 0 {
				args = append(args, "--conf-level", fmt.Sprint(a.ConfLevel))
			}
			if tc.Probs != nil {
				var ps []string
				for _, p := range tc.Probs {
					ps = append(ps, fmt.Sprint(p))
				}
				args = append(args, "--quantiles", strings.Join(ps, ","))
			}
			var out kmOut
			runJSON(t, &out, args...)
			var time, nrisk, nevent, surv, se, lo, up []float64
			var strata []string
			for k, st := range out.Strata {
				time = append(time, st.Time...)
				nrisk = append(nrisk, st.NRisk...)
				nevent = append(nevent, st.NEvent...)
				surv = append(surv, st.Surv...)
				se = append(se, st.StdErr...)
				lo = append(lo, st.Lower...)
				up = append(up, st.Upper...)
				for range st.Time {
					strata = append(strata, st.Name)
				}
				if tc.Probs != nil {
					q := st.Quantiles
					if q == nil {
						t.Fatal("no quantiles")
					}
					reftest.Floats(t, st.Name+" quantile", q.Quantile, tc.Quantile[k], 0)
					reftest.Floats(t, st.Name+" quantile lower", q.Lower, tc.QuantileLower[k], 0)
					reftest.Floats(t, st.Name+" quantile upper", q.Upper, tc.QuantileUpper[k], 0)
				}
			}
			if tc.Strata != nil && !slices.Equal(strata, tc.Strata) {
				t.Errorf("strata differ: %v... want %v...", strata[:1], tc.Strata[:1])
			}
			reftest.Floats(t, "time", time, tc.Time, 0)
			reftest.Floats(t, "n.risk", nrisk, tc.NRisk, 1e-12)
			reftest.Floats(t, "n.event", nevent, tc.NEvent, 1e-12)
			reftest.Floats(t, "surv", surv, tc.Surv, 1e-10)
			reftest.Floats(t, "std.err", se, tc.StdErr, 1e-10)
			reftest.Floats(t, "lower", lo, tc.Lower, 1e-10)
			reftest.Floats(t, "upper", up, tc.Upper, 1e-10)
		})
	}
}

// TestCoxResidualsCLI: residuals.coxph of every type through cox
// --residuals, on right-censored, counting-process, weighted and
// stratified fits.
func TestCoxResidualsCLI(t *testing.T) {
	var file struct {
		Residuals []struct {
			Name                 string
			Args                 agregArgs
			Martingale, Deviance []float64
			Score, DFBeta        [][]float64
			Schoenfeld           [][]float64
			SchoenfeldTime       []float64 `json:"schoenfeld_time"`
		}
	}
	reftest.Load(t, filepath.Join(coxData, "agreg.json"), &file)
	if len(file.Residuals) < 4 {
		t.Fatalf("%d residual cases", len(file.Residuals))
	}
	data := map[string]string{"start": "jasa1.csv", "entry": "lung-entry.csv", "": "lung-entry.csv"}
	for _, tc := range file.Residuals {
		t.Run(tc.Name, func(t *testing.T) {
			for _, kind := range []string{"martingale", "deviance", "score", "dfbeta", "schoenfeld"} {
				out := filepath.Join(t.TempDir(), kind+".csv")
				args := append([]string{"cox"}, tc.Args.cli(data[tc.Args.Start])...)
				checkRun(t, append(args, "--residuals", kind, "--out", out), 0, nil)
				tab := reftest.Table(t, out)
				col := func(c string) []float64 {
					v, err := tab.Floats(c)
					if err != nil {
						t.Fatal(err)
					}
					return v
				}
				var want [][]float64
				switch kind {
				case "martingale":
					reftest.Floats(t, kind, col(kind), tc.Martingale, 1e-9)
					continue
				case "deviance":
					reftest.Floats(t, kind, col(kind), tc.Deviance, 1e-9)
					continue
				case "score":
					want = tc.Score
				case "dfbeta":
					want = tc.DFBeta
				case "schoenfeld":
					want = tc.Schoenfeld
					reftest.Floats(t, kind+" time", col("time"), tc.SchoenfeldTime, 1e-12)
				}
				names := tab.Header[len(tab.Header)-len(want[0]):]
				for j, name := range names {
					w := make([]float64, len(want))
					for i := range want {
						w[i] = want[i][j]
					}
					// row by row: tied deaths in R's order (input order)
					reftest.Floats(t, kind+" "+name, col(name), w, 1e-9)
				}
			}
		})
	}
}
