package main

import (
	"path/filepath"
	"strings"
	"testing"

	"carimpi/internal/reftest"
)

// coxRef is the part of a coxph reference case (expected/cox-*.json, R
// 4.2.2, survival 3.5.3) the CLI tests compare.
type coxRef struct {
	Expected struct {
		Terms      []string  `json:"terms"`
		Coef       []float64 `json:"coef"`
		SE         []float64 `json:"se"`
		HR         []float64 `json:"exp(coef)"`
		HRLower    []float64 `json:"hr_lower_95"`
		HRUpper    []float64 `json:"hr_upper_95"`
		Z          []float64 `json:"z"`
		P          []float64 `json:"p"`
		N          int       `json:"n"`
		Nevent     int       `json:"nevent"`
		LoglikNull float64   `json:"loglik_null"`
		Loglik     float64   `json:"loglik"`
		LRT        coxTest   `json:"lrt"`
		Wald       coxTest   `json:"wald"`
		Score      coxTest   `json:"score"`
		C          struct {
			C  float64 `json:"C"`
			SE float64 `json:"se"`
		} `json:"concordance"`
	} `json:"expected"`
}

type coxTest struct {
	Statistic float64 `json:"statistic"`
	DF        int     `json:"df"`
	P         float64 `json:"p"`
}

type zphRef struct {
	Expected struct {
		Terms []string  `json:"terms"`
		Chisq []float64 `json:"chisq"`
		DF    []int     `json:"df"`
		P     []float64 `json:"p"`
	} `json:"expected"`
}

// coxOut is the JSON of carimpi cox.
type coxOut struct {
	Terms       []string   `json:"terms"`
	Coef        []*float64 `json:"coef"`
	SE          []*float64 `json:"se"`
	HR          []*float64 `json:"hr"`
	HRLower     []*float64 `json:"hr_lower"`
	HRUpper     []*float64 `json:"hr_upper"`
	Z           []*float64 `json:"z"`
	P           []*float64 `json:"p"`
	LoglikNull  float64    `json:"loglik_null"`
	Loglik      float64    `json:"loglik"`
	LRT         coxTest    `json:"lrt"`
	Wald        coxTest    `json:"wald"`
	Score       coxTest    `json:"score"`
	N           int        `json:"n"`
	Events      int        `json:"events"`
	Iterations  int        `json:"iterations"`
	Converged   bool       `json:"converged"`
	Concordance struct {
		C  float64 `json:"c"`
		SE float64 `json:"se"`
	} `json:"concordance"`
	PHTest *struct {
		Terms  []string  `json:"terms"`
		Chisq  []float64 `json:"chisq"`
		DF     []int     `json:"df"`
		P      []float64 `json:"p"`
		Global struct {
			Chisq float64 `json:"chisq"`
			DF    int     `json:"df"`
			P     float64 `json:"p"`
		} `json:"global"`
	} `json:"ph_test"`
	Dropped  int      `json:"dropped"`
	Warnings []string `json:"warnings"`
	Notice   string   `json:"notice"`
}

// coxArgs is a cox command line (main starts each run from the flags'
// defaults).
func coxArgs(args ...string) []string {
	return append([]string{"cox"}, args...)
}

func TestCoxCLIReference(t *testing.T) {
	cases := []struct {
		ref, zph string
		args     []string
		dropped  int
	}{
		{"cox-lung-efron.json", "coxzph-lung-efron.json", []string{"--data", filepath.Join(refData, "lung.csv"), "--time", "time", "--event", "status", "--event-value", "2", "--terms", "age,sex,ph.ecog"}, 1},
		{"cox-lung-breslow.json", "coxzph-lung-breslow.json", []string{"--data", filepath.Join(refData, "lung.csv"), "--time", "time", "--event", "event", "--terms", "age, sex, ph.ecog", "--ties", "breslow"}, 1},
		{"cox-veteran-strata.json", "coxzph-veteran-strata.json", []string{"--data", filepath.Join(refData, "veteran.csv"), "--time", "time", "--event", "status", "--terms", "trt,karno,diagtime,age", "--strata", "celltype"}, 0},
		{"cox-pbc.json", "coxzph-pbc.json", []string{"--data", filepath.Join(refData, "pbc312.csv"), "--time", "time", "--event", "event", "--terms", "age,edema,log_bili,log_albumin,log_protime"}, 0},
		{"cox-veteran-celltype.json", "coxzph-veteran-celltype.json", []string{"--data", filepath.Join(refData, "veteran.csv"), "--time", "time", "--event", "status", "--terms", "factor(celltype,ref=squamous)"}, 0},
	}
	for _, c := range cases {
		t.Run(c.ref, func(t *testing.T) {
			var ref coxRef
			readExpected(t, c.ref, &ref)
			var zph zphRef
			readExpected(t, c.zph, &zph)
			var out coxOut
			runJSON(t, &out, coxArgs(append([]string{"--ph-test"}, c.args...)...)...)
			want := ref.Expected
			const tol = 1e-10 // achieved (the case files allow 1e-6)
			for k, name := range want.Terms {
				j := -1
				for jj, n := range out.Terms {
					if strings.Replace(n, "=", "", 1) == name {
						j = jj
					}
				}
				if j < 0 {
					t.Fatalf("term %s not in %q", name, out.Terms)
				}
				for _, q := range []struct {
					what string
					got  *float64
					want float64
				}{
					{"coef", out.Coef[j], want.Coef[k]}, {"se", out.SE[j], want.SE[k]}, {"hr", out.HR[j], want.HR[k]},
					{"hr_lower", out.HRLower[j], want.HRLower[k]}, {"hr_upper", out.HRUpper[j], want.HRUpper[k]},
					{"z", out.Z[j], want.Z[k]}, {"p", out.P[j], want.P[k]},
				} {
					if q.got == nil || !reftest.Rel(*q.got, q.want, tol) {
						t.Errorf("%s %s = %v, want %v", q.what, name, q.got, q.want)
					}
				}
			}
			if !reftest.Rel(out.LoglikNull, want.LoglikNull, 1e-9) || !reftest.Rel(out.Loglik, want.Loglik, 1e-9) {
				t.Errorf("loglik %v %v, want %v %v", out.LoglikNull, out.Loglik, want.LoglikNull, want.Loglik)
			}
			for _, q := range []struct {
				what      string
				got, want coxTest
			}{{"lrt", out.LRT, want.LRT}, {"wald", out.Wald, want.Wald}, {"score", out.Score, want.Score}} {
				if q.got.DF != q.want.DF || !reftest.Rel(q.got.Statistic, q.want.Statistic, tol) || !reftest.Rel(q.got.P, q.want.P, tol) {
					t.Errorf("%s = %+v, want %+v", q.what, q.got, q.want)
				}
			}
			if out.N != want.N || out.Events != want.Nevent || out.Dropped != c.dropped || !out.Converged {
				t.Errorf("n %d events %d dropped %d converged %v", out.N, out.Events, out.Dropped, out.Converged)
			}
			if !reftest.Rel(out.Concordance.C, want.C.C, 1e-9) || !reftest.Rel(out.Concordance.SE, want.C.SE, 1e-6) {
				t.Errorf("concordance %+v, want %+v", out.Concordance, want.C)
			}
			if out.Notice != researchNotice || len(out.Warnings) != 0 {
				t.Errorf("notice %q warnings %q", out.Notice, out.Warnings)
			}
			z := out.PHTest
			if z == nil {
				t.Fatal("no ph_test")
			}
			wz := zph.Expected
			nt := len(wz.Terms) - 1 // the last row is GLOBAL
			if len(z.Terms) != nt {
				t.Fatalf("ph_test terms %q, want %q", z.Terms, wz.Terms)
			}
			for k := 0; k < nt; k++ {
				if z.Terms[k] != wz.Terms[k] || z.DF[k] != wz.DF[k] || !reftest.Rel(z.Chisq[k], wz.Chisq[k], tol) || !reftest.Rel(z.P[k], wz.P[k], tol) {
					t.Errorf("ph_test %s: %v %d %v, want %s %v %d %v", z.Terms[k], z.Chisq[k], z.DF[k], z.P[k], wz.Terms[k], wz.Chisq[k], wz.DF[k], wz.P[k])
				}
			}
			if z.Global.DF != wz.DF[nt] || !reftest.Rel(z.Global.Chisq, wz.Chisq[nt], tol) || !reftest.Rel(z.Global.P, wz.P[nt], tol) {
				t.Errorf("ph_test global %+v, want %v %d %v", z.Global, wz.Chisq[nt], wz.DF[nt], wz.P[nt])
			}
		})
	}
}

func TestCoxCLITableAndErrors(t *testing.T) {
	lung := filepath.Join(refData, "lung.csv")
	out, stderr, code := runCLI(t, coxArgs("--data", lung, "--time", "time", "--event", "event", "--terms", "age,sex,lsp(age,60)")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, s := range []string{"term", "sex", "Likelihood ratio test", "Concordance", researchNotice} {
		if !strings.Contains(out, s) {
			t.Errorf("table output lacks %q:\n%s", s, out)
		}
	}
	for _, bad := range []struct {
		args []string
		code int
		msg  string
	}{
		{coxArgs("--data", lung, "--time", "time", "--event", "event"), 2, "--terms is required"},
		{coxArgs("--data", lung, "--time", "time", "--event", "event", "--terms", "age", "--ties", "exact"), 2, "--ties"},
		{coxArgs("--data", lung, "--time", "time", "--event", "event", "--terms", "spline(age)"), 2, "unknown function"},
		{coxArgs("--data", lung, "--time", "time", "--event", "event", "--terms", "nosuch"), 1, "nosuch"},
		{coxArgs("--data", lung, "--time", "time", "--event", "event", "--terms", "factor(sex,ref=3)"), 1, "reference level"},
	} {
		_, stderr, code := runCLI(t, bad.args...)
		if code != bad.code || !strings.Contains(stderr, bad.msg) {
			t.Errorf("%q: exit %d, stderr %q; want %d and %q", bad.args, code, stderr, bad.code, bad.msg)
		}
	}
}

// TestCoxCLIWarnings: perfect separation and a constant column are
// reported by name in JSON, with a null coefficient for the constant one,
// and a row with a missing covariate is dropped and counted.
func TestCoxCLIWarnings(t *testing.T) {
	csv := "time,status,x,c,z\n1,1,1,5,3\n2,1,1,5,1\n3,1,1,5,4\n4,1,1,5,1\n5,1,1,5,5\n6,0,0,5,9\n7,1,0,5,2\n8,0,0,5,6\n9,1,0,5,5\n10,1,0,5,3\n11,1,0,5,\n"
	var out coxOut
	runJSON(t, &out, coxArgs("--data", writeCSV(t, csv), "--time", "time", "--event", "status", "--terms", "x,c,z")...)
	w := strings.Join(out.Warnings, "\n")
	if out.Dropped != 1 || out.N != 10 || out.Coef[1] != nil || !strings.Contains(w, "variable x; coefficient may be infinite") || !strings.Contains(w, "c is constant") {
		t.Errorf("dropped %d n %d coef %v warnings %q", out.Dropped, out.N, out.Coef, out.Warnings)
	}
}

// TestCoxCLILinearSpline: cox-lung-linear-spline-age60.json, both
// parameterisations (lspseg: slope per segment; lsp: rms::lsp form).
func TestCoxCLILinearSpline(t *testing.T) {
	var ref struct {
		Expected struct {
			Segments    struct{ Coef, SE []float64 } `json:"segments"`
			SlopeChange struct{ Coef, SE []float64 } `json:"slope_change"`
			Loglik      float64                      `json:"loglik"`
			N           int                          `json:"n"`
		} `json:"expected"`
	}
	readExpected(t, "cox-lung-linear-spline-age60.json", &ref)
	want := ref.Expected
	for _, c := range []struct {
		terms    string
		coef, se []float64
	}{
		{"lspseg(age,60)", want.Segments.Coef, want.Segments.SE},
		{"lsp(age,60)", want.SlopeChange.Coef, want.SlopeChange.SE},
	} {
		var out coxOut
		runJSON(t, &out, coxArgs("--data", filepath.Join(refData, "lung.csv"), "--time", "time", "--event", "event", "--terms", c.terms)...)
		for j := range c.coef {
			if !reftest.Rel(*out.Coef[j], c.coef[j], 1e-6) || !reftest.Rel(*out.SE[j], c.se[j], 1e-6) {
				t.Errorf("%s %s: coef %v se %v, want %v %v", c.terms, out.Terms[j], *out.Coef[j], *out.SE[j], c.coef[j], c.se[j])
			}
		}
		if !reftest.Rel(out.Loglik, want.Loglik, 1e-9) || out.N != want.N {
			t.Errorf("%s: loglik %v n %d", c.terms, out.Loglik, out.N)
		}
	}
}
