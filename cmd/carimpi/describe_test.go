package main

import (
	"path/filepath"
	"strings"
	"testing"
)

type summaryOut struct {
	N        int
	NMissing int `json:"n_missing"`
	Median   *float64
	Q1, Q3   *float64
	Min, Max *float64
	Mean, SD *float64
}

type describeOut struct {
	Var string
	summaryOut
	By         string
	NMissingBy *int `json:"n_missing_by"`
	Groups     []struct {
		Name string
		summaryOut
	}
	Notice string
}

// describeCLI runs describe in-process (main starts each run from the
// flags' defaults).
func describeCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	return runCLI(t, append([]string{"describe"}, args...)...)
}

func runDescribeJSON(t *testing.T, args ...string) describeOut {
	t.Helper()
	var r describeOut
	runJSON(t, &r, append([]string{"describe"}, args...)...)
	return r
}

func TestDescribeReference(t *testing.T) {
	for _, name := range []string{"quantile-lung-age", "quantile-lung-wtloss", "quantile-dlbcl-mge"} {
		t.Run(name, func(t *testing.T) {
			var c struct {
				Dataset  string
				Inputs   struct{ X string }
				Expected struct {
					N                          int
					NMissing                   int `json:"n_missing"`
					Probs, Quantiles           []float64
					Median, Min, Max, Mean, SD float64
				}
			}
			readExpected(t, name+".json", &c)
			e := c.Expected
			if len(e.Probs) != 3 || e.Probs[0] != 0.25 || e.Probs[2] != 0.75 {
				t.Fatalf("probs %v: the test expects quartiles", e.Probs)
			}
			r := runDescribeJSON(t, "--data", filepath.Join(refData, c.Dataset), "--var", caseColumn(c.Inputs.X))
			if r.N != e.N || r.NMissing != e.NMissing {
				t.Errorf("n = %d, n_missing = %d; want %d, %d", r.N, r.NMissing, e.N, e.NMissing)
			}
			const tol = 1e-12
			wantRel(t, "q1", r.Q1, e.Quantiles[0], tol)
			wantRel(t, "median", r.Median, e.Median, tol)
			wantRel(t, "median (quantiles[1])", r.Median, e.Quantiles[1], tol)
			wantRel(t, "q3", r.Q3, e.Quantiles[2], tol)
			wantRel(t, "min", r.Min, e.Min, tol)
			wantRel(t, "max", r.Max, e.Max, tol)
			wantRel(t, "mean", r.Mean, e.Mean, tol)
			wantRel(t, "sd", r.SD, e.SD, tol)
			if r.Groups != nil || r.NMissingBy != nil {
				t.Errorf("groups without --by: %+v", r.Groups)
			}
		})
	}
}

func TestDescribeBy(t *testing.T) {
	f := writeCSV(t, "x,g\n1,b\n2,b\n4,b\n10,a\nNA,a\n7,\n,\n5,c\n")
	r := runDescribeJSON(t, "--data", f, "--var", "x", "--by", "g")
	if r.N != 6 || r.NMissing != 2 || r.NMissingBy == nil || *r.NMissingBy != 2 || r.By != "g" {
		t.Fatalf("overall n %d, n_missing %d, n_missing_by %v", r.N, r.NMissing, r.NMissingBy)
	}
	if len(r.Groups) != 3 || r.Groups[0].Name != "a" || r.Groups[1].Name != "b" || r.Groups[2].Name != "c" {
		t.Fatalf("groups %+v", r.Groups)
	}
	a, b, c := r.Groups[0], r.Groups[1], r.Groups[2]
	if a.N != 1 || a.NMissing != 1 || *a.Median != 10 || a.SD != nil {
		t.Errorf("group a: %+v (sd of one value must be null)", a.summaryOut)
	}
	if b.N != 3 || *b.Median != 2 || *b.Q1 != 1.5 || *b.Q3 != 3 || *b.Mean != 7.0/3 {
		t.Errorf("group b: %+v", b.summaryOut)
	}
	if c.N != 1 || *c.Min != 5 || *c.Max != 5 {
		t.Errorf("group c: %+v", c.summaryOut)
	}
	out, _, code := describeCLI(t, "--data", f, "--var", "x", "--by", "g")
	for _, want := range []string{"g=a", "g=b", "missing", researchNotice} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("table output lacks %q:\n%s", want, out)
		}
	}
}

func TestDescribeErrors(t *testing.T) {
	for _, tc := range []struct {
		name, csv string
		args      []string
		code      int
		msg       string
	}{
		{"bad number", "x\n1\n2,5\n", []string{"--var", "x"}, 1, "line 3"},
		{"text cell", "x\n1\nabc\n", []string{"--var", "x"}, 1, `line 3, column "x": value "abc"`},
		{"missing column", "x\n1\n", []string{"--var", "y"}, 1, `no column "y"`},
		{"missing by column", "x\n1\n", []string{"--var", "x", "--by", "g"}, 1, `no column "g"`},
		{"no var", "x\n1\n", nil, 2, "--var"},
		{"bad format", "x\n1\n", []string{"--var", "x", "--format", "xml"}, 2, "--format"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errOut, code := describeCLI(t, append([]string{"--data", writeCSV(t, tc.csv)}, tc.args...)...)
			if code != tc.code || !strings.Contains(errOut, tc.msg) {
				t.Errorf("exit %d, stderr %q; want exit %d mentioning %q", code, errOut, tc.code, tc.msg)
			}
		})
	}
	// All values missing: counts, and null statistics rather than NaN tokens.
	r := runDescribeJSON(t, "--data", writeCSV(t, "x\nNA\n\n"), "--var", "x")
	if r.N != 0 || r.NMissing != 1 || r.Median != nil || r.SD != nil {
		t.Errorf("all missing: %+v", r.summaryOut)
	}
}
