package main

import (
	"fmt"
	"path/filepath"
	"testing"

	"carimpi/internal/jsonx"
	"carimpi/internal/reftest"
)

// coxData is the folder of package cox's R reference cases.
const coxData = "../../survival/cox/testdata"

type agregArgs struct {
	Start, Time, Event, Terms, Ties, Weights, Offset, Cluster, Strata string
	EventValue                                                        *float64 `json:"event_value"`
	Robust                                                            bool
}

func (a agregArgs) cli(data string) []string {
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
		Name   string
		Args   agregArgs
		Strata []string
		Time   []float64
		NRisk  []float64 `json:"n_risk"`
		NEvent []float64 `json:"n_event"`
		Surv   []float64
		StdErr []float64 `json:"std_err"`
		Lower  jsonx.Floats
		Upper  jsonx.Floats
	}
}

// TestCoxCountingProcessCLI: coxph on (start, stop] data with weights,
// offset, strata, robust and cluster variance, through the CLI.
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
			}
			reftest.Close(t, "loglik null", out.LoglikNull, tc.Loglik[0], 1e-12)
			reftest.Close(t, "loglik", out.Loglik, tc.Loglik[1], 1e-12)
			reftest.Close(t, "score test", out.Score.Statistic, tc.Score, 1e-9)
			reftest.Close(t, "wald test", out.Wald.Statistic, tc.Wald, 1e-9)
		})
	}
}
