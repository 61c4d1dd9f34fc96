package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"carimpi/internal/jsonx"
	"carimpi/internal/reftest"
)

// TestFineGrayReferenceCLI runs every cmprsk::crr case through cox --fine-gray.
func TestFineGrayReferenceCLI(t *testing.T) {
	var file struct {
		Cases []struct {
			Name, Data string
			Args       struct {
				Time, Cause, Terms, Cengroup string
				Failcode, Cencode            float64
			}
			Coef, SE, P []float64
			Var         [][]float64
			Loglik      float64
			LoglikNull  float64 `json:"loglik_null"`
			Converged   bool
			N           int
		}
	}
	reftest.Load(t, filepath.Join(competeData, "crr.json"), &file)
	for _, tc := range file.Cases {
		t.Run(tc.Name, func(t *testing.T) {
			args := []string{"cox", "--fine-gray", "--data", filepath.Join(competeData, tc.Data), "--time", tc.Args.Time,
				"--cause", tc.Args.Cause, "--cause-of-interest", fmt.Sprint(tc.Args.Failcode),
				"--censor-code", fmt.Sprint(tc.Args.Cencode), "--terms", tc.Args.Terms}
			if tc.Args.Cengroup != "" {
				args = append(args, "--cengroup", tc.Args.Cengroup)
			}
			var out struct {
				Model           string
				Coef, SE, P, HR jsonx.Floats
				Var             []jsonx.Floats
				Loglik          float64
				LoglikNull      float64 `json:"loglik_null"`
				N, Events       int
				Converged       bool
				LRT             struct{ Statistic float64 }
			}
			runJSON(t, &out, args...)
			if out.Model != "fine-gray" || out.N != tc.N || out.Converged != tc.Converged {
				t.Errorf("model %q n %d converged %v", out.Model, out.N, out.Converged)
			}
			reftest.Floats(t, "coef", out.Coef, tc.Coef, 1e-9)
			reftest.Floats(t, "se", out.SE, tc.SE, 1e-9)
			reftest.Floats(t, "p", out.P, tc.P, 1e-9)
			for j := range tc.Var {
				reftest.Floats(t, fmt.Sprintf("var[%d]", j), out.Var[j], tc.Var[j], 1e-9)
			}
			reftest.Close(t, "loglik", out.Loglik, tc.Loglik, 1e-12)
			reftest.Close(t, "loglik null", out.LoglikNull, tc.LoglikNull, 1e-12)
			reftest.Close(t, "pseudo LRT", out.LRT.Statistic, 2*(tc.Loglik-tc.LoglikNull), 1e-9)
		})
	}
	data := filepath.Join(competeData, "cart.csv")
	base := []string{"cox", "--fine-gray", "--data", data, "--time", "time", "--cause", "pfs_cause", "--terms", "age"}
	checkRun(t, base, 2, []string{"--cause-of-interest"})
	checkRun(t, append(base, "--cause-of-interest", "1", "--strata", "center"), 2, []string{"--strata", "cengroup"})
	checkRun(t, append(base, "--cause-of-interest", "0"), 2, []string{"censoring code"})
	checkRun(t, append(base, "--cause-of-interest", "1", "--weights", "age"), 2, []string{"--weights", "cannot be used with --fine-gray"})
	checkRun(t, append(base, "--cause-of-interest", "1", "--robust"), 2, []string{"--robust"})
	checkRun(t, append(base, "--cause-of-interest", "7"), 1, []string{"no row", "7"})
	checkRun(t, append(base, "--cause-codes", "progression=1,nrm=2", "--cause-of-interest", "relapse"), 2, []string{"not among --cause-codes"})
	checkRun(t, append(base, "--cause-codes", "progression=1,nrm=2", "--cause-of-interest", "nrm"), 0, []string{"Fine-Gray", "for nrm", "competing: progression"})
}

// TestWeightErrorsNameTheLine: a weight that is not positive is refused
// by km and cox with its line, column and value.
func TestWeightErrorsNameTheLine(t *testing.T) {
	f := filepath.Join(t.TempDir(), "w.csv")
	if err := os.WriteFile(f, []byte("t,e,w\n1,1,1\n2,0,-1\n3,1,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range [][]string{{"km"}, {"cox", "--terms", "w"}} {
		checkRun(t, append(cmd, "--data", f, "--time", "t", "--event", "e", "--weights", "w"), 1, []string{"w.csv line 3", `"w"`, "-1"})
	}
}
