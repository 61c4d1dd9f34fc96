package main

import (
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"carimpi/internal/reftest"
)

// compareOut is compare's JSON answer; pointers are null-able numbers.
type compareOut struct {
	Test        string
	Statistic   *float64
	DF          *float64
	P           *float64
	N           int
	Estimate    *float64
	ConfInt     []*float64 `json:"conf_int"`
	ChosenBy    string     `json:"chosen_by"`
	NMissing    int        `json:"n_missing"`
	NMissingBy  int        `json:"n_missing_by"`
	NMissingVar int        `json:"n_missing_var"`
	Groups      []struct {
		Name string
		N    int
	}
	Table       [][]int
	Expected    [][]float64
	MinExpected *float64 `json:"min_expected"`
	Seed        *uint64
	Warnings    []string
	Notice      string
}

// compareCLI runs compare in-process (main starts each run from the
// flags' defaults).
func compareCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	return runCLI(t, append([]string{"compare"}, args...)...)
}

func runCompareJSON(t *testing.T, args ...string) compareOut {
	t.Helper()
	var r compareOut
	runJSON(t, &r, append([]string{"compare"}, args...)...)
	return r
}

func wantRel(t *testing.T, what string, got *float64, want, tol float64) {
	t.Helper()
	if got == nil {
		t.Errorf("%s = null, want %.17g", what, want)
		return
	}
	reftest.Close(t, what, *got, want, tol)
}

func wantNull(t *testing.T, r compareOut) {
	t.Helper()
	if r.Estimate != nil || r.ConfInt != nil {
		t.Errorf("estimate %v, conf_int %v: want null for test %s", r.Estimate, r.ConfInt, r.Test)
	}
}

// caseColumn is the first word of a case file's column description, such
// as "sex (first group = 1, ...)", without an R "data$" prefix.
func caseColumn(s string) string {
	s = strings.Fields(s)[0]
	if i := strings.IndexByte(s, '$'); i >= 0 {
		s = s[i+1:]
	}
	return s
}

func TestCompareWilcoxReference(t *testing.T) {
	var c struct {
		Dataset  string
		Inputs   struct{ X, Group string }
		Expected struct {
			Statistic float64
			P         float64 `json:"p.value"`
			N1, N2    int
		}
	}
	readExpected(t, "wilcox-lung-age-sex.json", &c)
	args := []string{"--data", filepath.Join(refData, c.Dataset), "--var", caseColumn(c.Inputs.X), "--by", caseColumn(c.Inputs.Group)}
	for _, test := range []string{"wilcox", "auto"} {
		r := runCompareJSON(t, append(args, "--test", test)...)
		if r.Test != "wilcox" || r.DF != nil || r.N != c.Expected.N1+c.Expected.N2 {
			t.Errorf("--test %s: test %q, df %v, n %d", test, r.Test, r.DF, r.N)
		}
		if r.Statistic == nil || *r.Statistic != c.Expected.Statistic {
			t.Errorf("--test %s: W = %v, want %v", test, r.Statistic, c.Expected.Statistic)
		}
		if len(r.Groups) != 2 || r.Groups[0].N != c.Expected.N1 || r.Groups[1].N != c.Expected.N2 {
			t.Errorf("groups = %+v, want sizes %d, %d", r.Groups, c.Expected.N1, c.Expected.N2)
		}
		wantRel(t, "p", r.P, c.Expected.P, 1e-9)
		wantNull(t, r)
	}
}

func TestCompareKruskalReference(t *testing.T) {
	var c struct {
		Dataset  string
		Inputs   struct{ X, Group string }
		Expected struct {
			Statistic  float64
			Parameter  float64
			P          float64 `json:"p.value"`
			N          int
			GroupSizes map[string]int `json:"group_sizes"`
		}
	}
	readExpected(t, "kruskal-lung-wtloss-ecog.json", &c)
	args := []string{"--data", filepath.Join(refData, c.Dataset), "--var", caseColumn(c.Inputs.X), "--by", caseColumn(c.Inputs.Group)}
	for _, test := range []string{"kruskal", "auto"} {
		r := runCompareJSON(t, append(args, "--test", test)...)
		if r.Test != "kruskal" || r.N != c.Expected.N {
			t.Errorf("--test %s: test %q, n %d", test, r.Test, r.N)
		}
		for _, g := range r.Groups {
			if g.N != c.Expected.GroupSizes[g.Name] {
				t.Errorf("group %s: n = %d, want %d", g.Name, g.N, c.Expected.GroupSizes[g.Name])
			}
		}
		if r.NMissing != 228-c.Expected.N {
			t.Errorf("n_missing = %d, want %d", r.NMissing, 228-c.Expected.N)
		}
		wantRel(t, "statistic", r.Statistic, c.Expected.Statistic, 1e-9)
		wantRel(t, "df", r.DF, c.Expected.Parameter, 0)
		wantRel(t, "p", r.P, c.Expected.P, 1e-9)
		wantNull(t, r)
	}
}

type cliTableCase struct {
	Dataset string
	Inputs  struct {
		Rows, Columns string
		Table         [][]int
	}
}

func (c cliTableCase) args() []string {
	return []string{"--data", filepath.Join(refData, c.Dataset), "--by", c.Inputs.Rows, "--var", c.Inputs.Columns}
}

func checkTable(t *testing.T, r compareOut, c cliTableCase) {
	t.Helper()
	if !slices.EqualFunc(r.Table, c.Inputs.Table, slices.Equal) {
		t.Errorf("table = %v, want %v", r.Table, c.Inputs.Table)
	}
}

func TestCompareFisherReference(t *testing.T) {
	for _, tc := range []struct {
		name     string
		autoTest string // what --test auto must pick on these data
	}{
		{"fisher-lung-sex-ecog", "fisher"},  // an expected count < 5
		{"fisher-lung-sex-status", "chisq"}, // 2x2, all expected >= 5: the Table-1 rule, no correction
	} {
		t.Run(tc.name, func(t *testing.T) {
			var c struct {
				cliTableCase
				Expected struct {
					P        float64 `json:"p.value"`
					Estimate *float64
					ConfInt  []float64 `json:"conf.int"`
				}
			}
			readExpected(t, tc.name+".json", &c)
			r := runCompareJSON(t, append(c.args(), "--test", "fisher")...)
			checkTable(t, r, c.cliTableCase)
			if r.Test != "fisher" || r.Statistic != nil || r.DF != nil {
				t.Errorf("test %q, statistic %v, df %v; want fisher, null, null", r.Test, r.Statistic, r.DF)
			}
			wantRel(t, "p", r.P, c.Expected.P, 1e-9)
			if c.Expected.Estimate == nil {
				wantNull(t, r)
			} else {
				wantRel(t, "estimate", r.Estimate, *c.Expected.Estimate, 1e-6)
				if len(r.ConfInt) != 2 {
					t.Fatalf("conf_int = %v", r.ConfInt)
				}
				wantRel(t, "conf_int[0]", r.ConfInt[0], c.Expected.ConfInt[0], 1e-6)
				wantRel(t, "conf_int[1]", r.ConfInt[1], c.Expected.ConfInt[1], 1e-6)
			}
			if auto := runCompareJSON(t, c.args()...); auto.Test != tc.autoTest || !strings.HasPrefix(auto.ChosenBy, "auto") {
				t.Errorf("--test auto chose %q (%s), want %q", auto.Test, auto.ChosenBy, tc.autoTest)
			}
		})
	}
}

func TestCompareChiSquareReference(t *testing.T) {
	type res struct {
		Statistic, Parameter float64
		P                    float64 `json:"p.value"`
	}
	check := func(t *testing.T, r compareOut, test string, want res, expected [][]float64) {
		t.Helper()
		if r.Test != test {
			t.Errorf("test = %q, want %q", r.Test, test)
		}
		wantRel(t, "statistic", r.Statistic, want.Statistic, 1e-9)
		wantRel(t, "df", r.DF, want.Parameter, 0)
		wantRel(t, "p", r.P, want.P, 1e-9)
		wantNull(t, r)
		for i := range expected {
			for j := range expected[i] {
				wantRel(t, "expected", &r.Expected[i][j], expected[i][j], 1e-12)
			}
		}
	}
	t.Run("chisq-lung-sex-status", func(t *testing.T) {
		var c struct {
			cliTableCase
			Expected struct {
				Yates          res
				NoCorrection   res         `json:"no_correction"`
				ExpectedCounts [][]float64 `json:"expected_counts"`
			}
		}
		readExpected(t, "chisq-lung-sex-status.json", &c)
		r := runCompareJSON(t, append(c.args(), "--test", "chisq-yates")...)
		checkTable(t, r, c.cliTableCase)
		check(t, r, "chisq-yates", c.Expected.Yates, c.Expected.ExpectedCounts)
		check(t, runCompareJSON(t, append(c.args(), "--test", "chisq")...), "chisq", c.Expected.NoCorrection, c.Expected.ExpectedCounts)
		// --test auto is the Table-1 rule (stattest.Table1Test): no
		// continuity correction, as the study's tables.
		check(t, runCompareJSON(t, c.args()...), "chisq", c.Expected.NoCorrection, c.Expected.ExpectedCounts)
	})
	t.Run("chisq-lung-sex-ecog", func(t *testing.T) {
		var c struct {
			cliTableCase
			Expected struct {
				res
				ExpectedCounts [][]float64 `json:"expected_counts"`
			}
		}
		readExpected(t, "chisq-lung-sex-ecog.json", &c)
		for _, test := range []string{"chisq", "chisq-yates"} { // no correction beyond 2x2
			r := runCompareJSON(t, append(c.args(), "--test", test)...)
			checkTable(t, r, c.cliTableCase)
			check(t, r, test, c.Expected.res, c.Expected.ExpectedCounts)
			if len(r.Warnings) == 0 {
				t.Error("no warning for expected counts below 5")
			}
		}
	})
}

// writeCSV writes a small CSV in a temporary folder and returns its path.
func writeCSV(t *testing.T, content string) string {
	t.Helper()
	return writeFile(t, "d.csv", content)
}

func TestCompareMissingAndEdges(t *testing.T) {
	// Rows with a missing group or value are counted, never silently dropped.
	f := writeCSV(t, "x,g,c\n1.5,a,yes\n2.5,a,no\n3.5,,yes\nNA,b,no\n4.5,b,\n5.5,b,yes\n7,b,no\n")
	r := runCompareJSON(t, "--data", f, "--var", "x", "--by", "g")
	if r.Test != "wilcox" || r.N != 5 || r.NMissing != 2 || r.NMissingBy != 1 || r.NMissingVar != 1 {
		t.Errorf("got test %s, n %d, n_missing %d (by %d, var %d); want wilcox, 5, 2 (1, 1)", r.Test, r.N, r.NMissing, r.NMissingBy, r.NMissingVar)
	}
	if r.P == nil || !(*r.P > 0 && *r.P <= 1) {
		t.Errorf("p = %v", r.P)
	}
	// Categorical labels make a table; small counts make auto pick Fisher.
	r = runCompareJSON(t, "--data", f, "--var", "c", "--by", "g")
	if r.Test != "fisher" || r.N != 5 || r.NMissing != 2 {
		t.Errorf("categorical: test %s, n %d, n_missing %d", r.Test, r.N, r.NMissing)
	}

	for _, tc := range []struct {
		name, csv string
		args      []string
		code      int
		msg       string
	}{
		{"one group", "x,g\n1,a\n2,a\n3,\n", []string{"--var", "x", "--by", "g"}, 1, "single group"},
		{"all ties", "x,g\n1,a\n1,a\n1,b\n1,b\n", []string{"--var", "x", "--by", "g", "--test", "wilcox"}, 1, "tied"},
		{"all ties kruskal", "x,g\n1,a\n1,b\n1,c\n", []string{"--var", "x", "--by", "g", "--test", "kruskal"}, 1, "tied"},
		{"wilcox with 3 groups", "x,g\n1,a\n2,b\n3,c\n", []string{"--var", "x", "--by", "g", "--test", "wilcox"}, 1, "--test kruskal"},
		{"constant category", "x,g\nyes,a\nyes,b\n", []string{"--var", "x", "--by", "g"}, 1, "single value"},
		{"bad number", "x,g\n1,a\nabc,b\n", []string{"--var", "x", "--by", "g", "--test", "wilcox"}, 1, "line 3"},
		{"missing column", "x,g\n1,a\n", []string{"--var", "y", "--by", "g"}, 1, `no column "y"`},
		{"ragged", "x,g\n1,a\n2\n", []string{"--var", "x", "--by", "g"}, 1, "ragged"},
		{"bad test", "x,g\n1,a\n", []string{"--var", "x", "--by", "g", "--test", "t"}, 2, "--test"},
		{"same column", "x,g\n1,a\n", []string{"--var", "g", "--by", "g"}, 2, "same column"},
		{"no var", "x,g\n1,a\n", []string{"--by", "g"}, 2, "--var"},
		{"nothing present", "x,g\n,a\n1,\n", []string{"--var", "x", "--by", "g"}, 1, "no row"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errOut, code := compareCLI(t, append([]string{"--data", writeCSV(t, tc.csv)}, tc.args...)...)
			if code != tc.code || !strings.Contains(errOut, tc.msg) || strings.Count(errOut, "\n") > 3 {
				t.Errorf("exit %d, stderr %q; want exit %d mentioning %q", code, errOut, tc.code, tc.msg)
			}
		})
	}
}

func TestCompareSimulate(t *testing.T) {
	var c cliTableCase
	readExpected(t, "fisher-lung-sex-ecog.json", &c)
	args := append(c.args(), "--test", "fisher", "--simulate", "2000", "--seed", "7")
	a, b := runCompareJSON(t, args...), runCompareJSON(t, args...)
	if *a.P != *b.P || a.Seed == nil || *a.Seed != 7 {
		t.Errorf("same seed gave p %v and %v (seed %v)", *a.P, *b.P, a.Seed)
	}
	var e struct {
		Expected struct {
			P float64 `json:"p.value"`
		}
	}
	readExpected(t, "fisher-lung-sex-ecog.json", &e)
	// 2000 replicates: the Monte Carlo standard error is below 0.01.
	if math.Abs(*a.P-e.Expected.P) > 0.04 {
		t.Errorf("Monte Carlo p = %v, exact %v", *a.P, e.Expected.P)
	}
}

func TestCompareTableFormat(t *testing.T) {
	out, _, code := compareCLI(t, "--data", filepath.Join(refData, "lung.csv"), "--var", "status", "--by", "sex", "--test", "fisher")
	for _, want := range []string{"fisher", "odds ratio", researchNotice} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("exit %d, table output lacks %q:\n%s", code, want, out)
		}
	}
}
