package main

import (
	"slices"
	"strings"
	"testing"

	"carimpi/internal/jsonx"
	"carimpi/internal/reftest"
)

// logRankOut is logrank's JSON answer.
type logRankOut struct {
	Dropped           int
	Rho               float64
	Groups            []string
	N                 []int
	Observed          jsonx.Floats
	Expected          jsonx.Floats
	Var               []jsonx.Floats
	Statistic         jsonx.Float
	DF                int
	P                 jsonx.Float
	Strata            []string
	ObservedByStratum []jsonx.Floats `json:"observed_by_stratum"`
	ExpectedByStratum []jsonx.Floats `json:"expected_by_stratum"`
	Trend             *struct {
		Statistic, P jsonx.Float
		DF           int
	}
}

// logRankRef is the part of a logrank-*.json reference case the test reads.
type logRankRef struct {
	Expected struct {
		Groups       []string
		N            []int
		Obs, Exp     jsonx.Floats
		Var          []jsonx.Floats
		Chisq        float64
		DF           int
		P            float64 `json:"p.value"`
		Strata       []string
		ObsByStratum []jsonx.Floats `json:"obs_by_stratum"`
		ExpByStratum []jsonx.Floats `json:"exp_by_stratum"`
	}
}

func TestLogRankReferenceCLI(t *testing.T) {
	lung := []string{"--data", refData + "/lung.csv", "--event-value", "2", "--group", "sex"}
	for _, tc := range []struct {
		file string
		args []string
	}{
		{"logrank-lung-sex.json", lung},
		{"logrank-lung-sex-rho1.json", append([]string{"--rho", "1"}, lung...)},
		{"logrank-lung-sex-strata-ecog.json", append([]string{"--strata", "ph.ecog"}, lung...)},
		{"logrank-veteran-celltype.json", []string{"--data", refData + "/veteran.csv", "--group", "celltype"}},
	} {
		var ref logRankRef
		readExpected(t, tc.file, &ref)
		w := ref.Expected
		var out logRankOut
		runJSON(t, &out, append([]string{"logrank", "--time", "time", "--event", "status"}, tc.args...)...)
		// R's level order may differ from ours (veteran's celltype is not
		// alphabetical there); match groups and strata by name.
		pos := func(names []string, name string) int {
			i := slices.Index(names, name)
			if i < 0 {
				t.Fatalf("%s: %q not among %v", tc.file, name, names)
			}
			return i
		}
		if len(out.Groups) != len(w.Groups) {
			t.Fatalf("%s: groups %v, want %v", tc.file, out.Groups, w.Groups)
		}
		for i, name := range w.Groups {
			g := pos(out.Groups, name)
			if out.N[g] != w.N[i] {
				t.Errorf("%s: n[%s] = %d, want %d", tc.file, name, out.N[g], w.N[i])
			}
			reftest.Floats(t, tc.file+" O, E "+name, []float64{out.Observed[g], out.Expected[g]}, []float64{w.Obs[i], w.Exp[i]}, cliTol)
			for j, other := range w.Groups {
				reftest.Floats(t, tc.file+" var", []float64{out.Var[g][pos(out.Groups, other)]}, []float64{w.Var[i][j]}, cliTol)
			}
			for s, sname := range w.Strata {
				k := pos(out.Strata, sname)
				reftest.Floats(t, tc.file+" by stratum "+sname, []float64{out.ObservedByStratum[g][k], out.ExpectedByStratum[g][k]},
					[]float64{w.ObsByStratum[i][s], w.ExpByStratum[i][s]}, cliTol)
			}
		}
		if out.DF != w.DF {
			t.Errorf("%s: df %d, want %d", tc.file, out.DF, w.DF)
		}
		reftest.Floats(t, tc.file+" chisq, p", []float64{float64(out.Statistic), float64(out.P)}, []float64{w.Chisq, w.P}, cliTol)
		// veteran's celltype is text (unordered): no trend test
		if wantTrend := len(w.Groups) >= 3 && !strings.Contains(tc.file, "celltype"); (out.Trend != nil) != wantTrend {
			t.Errorf("%s: trend %+v with %d groups", tc.file, out.Trend, len(w.Groups))
		}
	}
	// --trend asks for it on text groups, in alphabetical order
	var out struct {
		Groups []string
		Trend  *struct{ Statistic float64 }
	}
	runJSON(t, &out, "logrank", "--time", "time", "--event", "status", "--data", refData+"/veteran.csv", "--group", "celltype", "--trend")
	if out.Trend == nil || len(out.Groups) != 4 {
		t.Errorf("--trend on celltype: %+v", out)
	}
}

func TestLogRankTableAndErrors(t *testing.T) {
	out, errOut, code := runCLI(t, "logrank", "--data", refData+"/lung.csv", "--time", "time", "--event", "status",
		"--event-value", "2", "--group", "ph.ecog")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"Log-rank test", "ph.ecog=3", "on 3 df", "Test for trend", "1 row dropped", researchNotice} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	for _, tc := range []struct {
		name, csv string
		args      []string
		code      int
		want      []string
	}{
		{"one group", "t,e,g\n1,1,a\n2,0,a\n", nil, 1, []string{"one group", "g=a"}},
		{"n = 1", "t,e,g\n1,1,a\n", nil, 1, []string{"one group"}},
		{"all censored", "t,e,g\n1,0,a\n2,0,b\n", nil, 1, []string{"every observation is censored"}},
		{"group without events", "t,e,g\n1,1,a\n2,0,b\n3,1,a\n4,0,b\n", nil, 0, []string{`"df": 1`}},
		{"group censored before any event", "t,e,g\n1,0,b\n2,1,a\n3,1,a\n", nil, 1, []string{"at least two groups"}},
		{"heavy ties", "t,e,g\n2,1,a\n2,1,a\n2,0,b\n2,1,b\n5,1,b\n5,0,a\n", nil, 0, []string{`"df": 1`}},
		{"all die at once", "t,e,g\n4,1,a\n4,1,b\n", nil, 1, []string{"singular"}},
		{"no group flag", "t,e,g\n1,1,a\n", []string{"--group", ""}, 2, []string{"--group is required"}},
		{"bad rho", "t,e,g\n1,1,a\n", []string{"--rho", "x"}, 2, []string{"--rho"}},
		{"negative time", "t,e,g\n1,1,a\n-1,0,b\n", nil, 1, []string{"line 3", "-1"}},
		{"missing strata column", "t,e,g\n1,1,a\n2,0,b\n", []string{"--strata", "s"}, 1, []string{`"s"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := writeCSV(t, tc.csv)
			args := append([]string{"logrank", "--data", p, "--time", "t", "--event", "e", "--group", "g", "--format", "json"}, tc.args...)
			if out := checkRun(t, args, tc.code, tc.want); tc.code == 0 && (strings.Contains(out, "NaN") || strings.Contains(out, "null")) {
				t.Errorf("undefined number in output: %s", out)
			}
		})
	}
}
