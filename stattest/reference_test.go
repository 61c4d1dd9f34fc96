package stattest_test

import (
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"carimpi/internal/reftest"
	"carimpi/stattest"
	"carimpi/table"
)

// The R reference cases (see testdata/reference/README.md); expected
// numbers are read from their JSON files, never copied here.
const (
	refData     = "../testdata/reference/data"
	refExpected = "../testdata/reference/expected"
)

// groupBy splits column x by the labels of column by, dropping rows where
// either is missing, as R's formula interface does. Groups come in R's
// level order (numeric labels sorted as numbers).
func groupBy(t *testing.T, tab *table.Table, x, by string) (labels []string, groups [][]float64) {
	t.Helper()
	xs, err := tab.Floats(x)
	if err != nil {
		t.Fatal(err)
	}
	bs, err := tab.Strings(by)
	if err != nil {
		t.Fatal(err)
	}
	idx := map[string]int{}
	for _, b := range bs {
		if !table.IsMissing(b) {
			idx[b] = 0
		}
	}
	for l := range idx {
		labels = append(labels, l)
	}
	slices.SortFunc(labels, func(a, b string) int {
		fa, _ := strconv.ParseFloat(a, 64)
		fb, _ := strconv.ParseFloat(b, 64)
		return int(math.Copysign(1, fa-fb))
	})
	groups = make([][]float64, len(labels))
	for i, l := range labels {
		idx[l] = i
	}
	for i, b := range bs {
		if table.IsMissing(b) || math.IsNaN(xs[i]) {
			continue
		}
		groups[idx[b]] = append(groups[idx[b]], xs[i])
	}
	return labels, groups
}

// crossTab counts the rows by the labels of two numeric-coded columns.
func crossTab(t *testing.T, tab *table.Table, rows, cols string) [][]int {
	t.Helper()
	rl, _ := groupBy(t, tab, rows, rows)
	cl, _ := groupBy(t, tab, cols, cols)
	rs, _ := tab.Strings(rows)
	cs, _ := tab.Strings(cols)
	out := make([][]int, len(rl))
	for i := range out {
		out[i] = make([]int, len(cl))
	}
	for k := range rs {
		i, j := slices.Index(rl, rs[k]), slices.Index(cl, cs[k])
		if i >= 0 && j >= 0 {
			out[i][j]++
		}
	}
	return out
}

func TestQuantileReference(t *testing.T) {
	for _, tc := range []struct{ name, data, col string }{
		{"quantile-lung-age", "lung.csv", "age"},
		{"quantile-lung-wtloss", "lung.csv", "wt.loss"},
		{"quantile-dlbcl-mge", "dlbcl.csv", "MGE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var c struct {
				Expected struct {
					N                          int
					NMissing                   int `json:"n_missing"`
					Probs, Quantiles           []float64
					Median, Min, Max, Mean, SD float64
				}
			}
			reftest.Load(t, filepath.Join(refExpected, tc.name+".json"), &c)
			e := c.Expected
			x, err := reftest.Table(t, filepath.Join(refData, tc.data)).Floats(tc.col)
			if err != nil {
				t.Fatal(err)
			}
			const tol = 1e-12 // the case files' tolerance
			got := stattest.Quantiles(x, e.Probs...)
			for i, p := range e.Probs {
				reftest.Close(t, "Quantiles p="+strconv.FormatFloat(p, 'g', -1, 64), got[i], e.Quantiles[i], tol)
				reftest.Close(t, "Quantile", stattest.Quantile(x, p), e.Quantiles[i], tol)
			}
			reftest.Close(t, "Median", stattest.Median(x), e.Median, tol)
			s := stattest.Describe(x)
			if s.N != e.N || s.NMissing != e.NMissing {
				t.Errorf("Describe n = %d, n_missing = %d; want %d, %d", s.N, s.NMissing, e.N, e.NMissing)
			}
			reftest.Close(t, "Describe.Q1", s.Q1, e.Quantiles[0], tol)
			reftest.Close(t, "Describe.Median", s.Median, e.Median, tol)
			reftest.Close(t, "Describe.Q3", s.Q3, e.Quantiles[2], tol)
			reftest.Close(t, "Describe.Min", s.Min, e.Min, tol)
			reftest.Close(t, "Describe.Max", s.Max, e.Max, tol)
			reftest.Close(t, "Describe.Mean", s.Mean, e.Mean, tol)
			reftest.Close(t, "Describe.SD", s.SD, e.SD, tol)
		})
	}
}

func TestMannWhitneyReference(t *testing.T) {
	var c struct {
		Expected struct {
			Statistic float64
			P         float64 `json:"p.value"`
			N1, N2    int
			Z         float64 `json:"z_continuity_corrected"`
		}
	}
	reftest.Load(t, filepath.Join(refExpected, "wilcox-lung-age-sex.json"), &c)
	_, g := groupBy(t, reftest.Table(t, filepath.Join(refData, "lung.csv")), "age", "sex")
	r, err := stattest.MannWhitney(g[0], g[1])
	if err != nil {
		t.Fatal(err)
	}
	e := c.Expected
	if r.W != e.Statistic || r.N1 != e.N1 || r.N2 != e.N2 || r.Exact {
		t.Errorf("W = %v (n %d, %d, exact %v), want %v (n %d, %d, normal approximation)", r.W, r.N1, r.N2, r.Exact, e.Statistic, e.N1, e.N2)
	}
	reftest.Close(t, "P", r.P, e.P, 1e-9)
	reftest.Close(t, "Z", r.Z, e.Z, 1e-9)
}

func TestKruskalWallisReference(t *testing.T) {
	var c struct {
		Expected struct {
			Statistic  float64
			Parameter  int
			P          float64 `json:"p.value"`
			N          int
			GroupSizes map[string]int `json:"group_sizes"`
		}
	}
	reftest.Load(t, filepath.Join(refExpected, "kruskal-lung-wtloss-ecog.json"), &c)
	labels, g := groupBy(t, reftest.Table(t, filepath.Join(refData, "lung.csv")), "wt.loss", "ph.ecog")
	for i, l := range labels {
		if len(g[i]) != c.Expected.GroupSizes[l] {
			t.Errorf("group %s has %d values, want %d", l, len(g[i]), c.Expected.GroupSizes[l])
		}
	}
	r, err := stattest.KruskalWallis(g)
	if err != nil {
		t.Fatal(err)
	}
	e := c.Expected
	if r.DF != e.Parameter || r.N != e.N {
		t.Errorf("df = %d, n = %d; want %d, %d", r.DF, r.N, e.Parameter, e.N)
	}
	reftest.Close(t, "H", r.H, e.Statistic, 1e-9)
	reftest.Close(t, "P", r.P, e.P, 1e-9)
}

type tableCase struct {
	Inputs struct {
		Rows, Columns string
		Table         [][]int
	}
}

// caseTable returns the case's table, after checking that the data give it.
func caseTable(t *testing.T, c tableCase) [][]int {
	t.Helper()
	got := crossTab(t, reftest.Table(t, filepath.Join(refData, "lung.csv")), c.Inputs.Rows, c.Inputs.Columns)
	if !slices.EqualFunc(got, c.Inputs.Table, slices.Equal) {
		t.Fatalf("table(%s, %s) = %v, case file has %v", c.Inputs.Rows, c.Inputs.Columns, got, c.Inputs.Table)
	}
	return got
}

func TestFisherReference(t *testing.T) {
	for _, name := range []string{"fisher-lung-sex-ecog", "fisher-lung-sex-status"} {
		t.Run(name, func(t *testing.T) {
			var c struct {
				tableCase
				Expected struct {
					P        float64 `json:"p.value"`
					Estimate *float64
					ConfInt  []float64 `json:"conf.int"`
				}
			}
			reftest.Load(t, filepath.Join(refExpected, name+".json"), &c)
			r, err := stattest.FisherExact(caseTable(t, c.tableCase))
			if err != nil {
				t.Fatal(err)
			}
			e := c.Expected
			reftest.Close(t, "P", r.P, e.P, 1e-9)
			if e.Estimate == nil {
				if !math.IsNaN(r.OddsRatio) {
					t.Errorf("OddsRatio = %v for an r x c table, want NaN", r.OddsRatio)
				}
				return
			}
			reftest.Close(t, "OddsRatio", r.OddsRatio, *e.Estimate, 1e-6)
			reftest.Close(t, "ConfInt[0]", r.ConfInt[0], e.ConfInt[0], 1e-6)
			reftest.Close(t, "ConfInt[1]", r.ConfInt[1], e.ConfInt[1], 1e-6)
		})
	}
}

func TestChiSquareReference(t *testing.T) {
	type res struct {
		Statistic float64
		Parameter int
		P         float64 `json:"p.value"`
	}
	check := func(t *testing.T, r stattest.ChiSquareResult, want res, expected [][]float64) {
		t.Helper()
		if r.DF != want.Parameter {
			t.Errorf("df = %d, want %d", r.DF, want.Parameter)
		}
		reftest.Close(t, "Statistic", r.Statistic, want.Statistic, 1e-9)
		reftest.Close(t, "P", r.P, want.P, 1e-9)
		for i := range expected {
			for j := range expected[i] {
				reftest.Close(t, "Expected", r.Expected[i][j], expected[i][j], 1e-12)
			}
		}
	}
	t.Run("chisq-lung-sex-status", func(t *testing.T) {
		var c struct {
			tableCase
			Expected struct {
				Yates          res
				NoCorrection   res         `json:"no_correction"`
				ExpectedCounts [][]float64 `json:"expected_counts"`
			}
		}
		reftest.Load(t, filepath.Join(refExpected, "chisq-lung-sex-status.json"), &c)
		tab := caseTable(t, c.tableCase)
		for _, yates := range []bool{true, false} {
			r, err := stattest.ChiSquare(tab, yates)
			if err != nil {
				t.Fatal(err)
			}
			want := c.Expected.NoCorrection
			if yates {
				want = c.Expected.Yates
			}
			if r.Yates != yates {
				t.Errorf("Yates = %v, want %v", r.Yates, yates)
			}
			check(t, r, want, c.Expected.ExpectedCounts)
		}
	})
	t.Run("chisq-lung-sex-ecog", func(t *testing.T) {
		var c struct {
			tableCase
			Expected struct {
				res
				ExpectedCounts [][]float64 `json:"expected_counts"`
			}
		}
		reftest.Load(t, filepath.Join(refExpected, "chisq-lung-sex-ecog.json"), &c)
		// R applies no correction beyond 2x2, whatever correct says.
		r, err := stattest.ChiSquare(caseTable(t, c.tableCase), true)
		if err != nil {
			t.Fatal(err)
		}
		if r.Yates {
			t.Error("Yates applied to a 2x4 table")
		}
		check(t, r, c.Expected.res, c.Expected.ExpectedCounts)
		if r.MinExpected >= 5 {
			t.Errorf("MinExpected = %v, the table has counts below 5", r.MinExpected)
		}
	})
}
