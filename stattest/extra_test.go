package stattest_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"carimpi/internal/jsonx"
	"carimpi/internal/reftest"
	"carimpi/stattest"
)

// extraCases are further R results, made by testdata/extra.R.
type extraCases struct {
	Wilcox []struct {
		X, Y         []float64
		Statistic, P float64
	}
	Kruskal []struct {
		Groups           [][]float64
		Statistic, DF, P float64
	}
	Fisher []struct {
		Table    [][]int
		P        float64
		Estimate jsonx.Float  // null: not 2x2, or +Inf
		ConfInt  jsonx.Floats `json:"conf_int"`
	}
	Chisq []struct {
		Table            [][]int
		Correct          bool
		Statistic, DF, P float64
	}
}

func readExtra(t testing.TB) extraCases {
	t.Helper()
	var c extraCases
	reftest.Load(t, "testdata/extra.json", &c)
	return c
}

func TestMannWhitneyExtra(t *testing.T) {
	for _, c := range readExtra(t).Wilcox {
		r, err := stattest.MannWhitney(c.X, c.Y)
		if err != nil {
			t.Fatal(err)
		}
		if r.W != c.Statistic {
			t.Errorf("n %d, %d: W = %v, want %v", len(c.X), len(c.Y), r.W, c.Statistic)
		}
		wantExact := len(c.X) < 50 && len(c.Y) < 50 && math.Trunc(c.Statistic) == c.Statistic && !hasTies(c.X, c.Y)
		if r.Exact != wantExact {
			t.Errorf("n %d, %d: Exact = %v, want %v", len(c.X), len(c.Y), r.Exact, wantExact)
		}
		reftest.Close(t, "P", r.P, c.P, 1e-9)
	}
}

func hasTies(x, y []float64) bool {
	seen := map[float64]bool{}
	for _, v := range append(append([]float64{}, x...), y...) {
		if seen[v] {
			return true
		}
		seen[v] = true
	}
	return false
}

func TestKruskalWallisExtra(t *testing.T) {
	for _, c := range readExtra(t).Kruskal {
		r, err := stattest.KruskalWallis(c.Groups)
		if err != nil {
			t.Fatal(err)
		}
		if float64(r.DF) != c.DF {
			t.Errorf("df = %d, want %v", r.DF, c.DF)
		}
		reftest.Close(t, "H", r.H, c.Statistic, 1e-9)
		reftest.Close(t, "P", r.P, c.P, 1e-9)
	}
}

func TestFisherExtra(t *testing.T) {
	for _, c := range readExtra(t).Fisher {
		r, err := stattest.FisherExact(c.Table)
		if err != nil {
			t.Fatalf("%v: %v", c.Table, err)
		}
		reftest.Close(t, "P", r.P, c.P, 1e-9)
		if len(c.Table) != 2 || len(c.Table[0]) != 2 {
			if !math.IsNaN(r.OddsRatio) || !math.IsNaN(r.ConfInt[0]) {
				t.Errorf("%v: OddsRatio %v, ConfInt %v; want NaN", c.Table, r.OddsRatio, r.ConfInt)
			}
			continue
		}
		// R's null here is +Inf (an odds ratio or upper limit at the edge).
		for i, pair := range [][2]float64{{r.OddsRatio, float64(c.Estimate)}, {r.ConfInt[0], c.ConfInt[0]}, {r.ConfInt[1], c.ConfInt[1]}} {
			got, want := pair[0], pair[1]
			if math.IsNaN(want) {
				if !math.IsInf(got, 1) {
					t.Errorf("%v: value %d = %v, want +Inf", c.Table, i, got)
				}
				continue
			}
			reftest.Close(t, "odds ratio or limit", got, want, 1e-6)
		}
	}
}

func TestChiSquareExtra(t *testing.T) {
	for _, c := range readExtra(t).Chisq {
		r, err := stattest.ChiSquare(c.Table, c.Correct)
		if err != nil {
			t.Fatal(err)
		}
		if float64(r.DF) != c.DF {
			t.Errorf("df = %d, want %v", r.DF, c.DF)
		}
		reftest.Close(t, "Statistic", r.Statistic, c.Statistic, 1e-9)
		reftest.Close(t, "P", r.P, c.P, 1e-9)
	}
}

func TestRankTestErrors(t *testing.T) {
	nan := math.NaN()
	if _, err := stattest.MannWhitney(nil, []float64{1, 2}); err == nil {
		t.Error("MannWhitney with an empty group: no error")
	}
	if _, err := stattest.MannWhitney([]float64{nan}, []float64{1, 2}); err == nil {
		t.Error("MannWhitney with only NaN in a group: no error")
	}
	// All ties: exact is impossible (ties) and the normal sigma is 0.
	if _, err := stattest.MannWhitney([]float64{3, 3}, []float64{3, 3, 3}); !errors.Is(err, stattest.ErrAllTied) {
		t.Errorf("MannWhitney all tied: err = %v, want ErrAllTied", err)
	}
	// NaN values are dropped, as R does.
	a, _ := stattest.MannWhitney([]float64{1, nan, 5}, []float64{2, 3, 4})
	b, _ := stattest.MannWhitney([]float64{1, 5}, []float64{2, 3, 4})
	if a.W != b.W || a.P != b.P || a.N1 != 2 {
		t.Errorf("NaN not dropped: %+v vs %+v", a, b)
	}
	if _, err := stattest.KruskalWallis([][]float64{{1, 2, 3}}); err == nil {
		t.Error("KruskalWallis with one group: no error")
	}
	if _, err := stattest.KruskalWallis([][]float64{{1, 2}, {}, {3}}); err == nil || !strings.Contains(err.Error(), "group 2") {
		t.Errorf("KruskalWallis with an empty group: err = %v", err)
	}
	if _, err := stattest.KruskalWallis([][]float64{{1, 1}, {1}}); !errors.Is(err, stattest.ErrAllTied) {
		t.Errorf("KruskalWallis all tied: err = %v", err)
	}
}

func TestTableEdges(t *testing.T) {
	// Empty rows and columns carry no information: Fisher drops them.
	withZeros, err := stattest.FisherExact([][]int{{3, 0, 1}, {0, 0, 0}, {1, 0, 3}})
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := stattest.FisherExact([][]int{{3, 1}, {1, 3}})
	if withZeros.P != plain.P || withZeros.OddsRatio != plain.OddsRatio || withZeros.Rows != 2 || withZeros.Cols != 2 {
		t.Errorf("zero margins: %+v, want %+v", withZeros, plain)
	}
	for _, tab := range [][][]int{
		{{0, 0}, {1, 2}},  // one non-empty row
		{{1, 0}, {2, 0}},  // one non-empty column
		{{1, 2}, {3}},     // ragged
		{{1, -2}, {3, 4}}, // negative
		{},                // empty
		{{5, 1, 2}},       // one row
	} {
		if _, err := stattest.FisherExact(tab); err == nil {
			t.Errorf("FisherExact(%v): no error", tab)
		}
		if _, err := stattest.ChiSquare(tab, true); err == nil {
			t.Errorf("ChiSquare(%v): no error", tab)
		}
	}
	// Chi-square cannot drop an empty level: its expected counts are 0.
	if _, err := stattest.ChiSquare([][]int{{3, 0, 1}, {1, 0, 3}}, false); err == nil || !strings.Contains(err.Error(), "column 2") {
		t.Errorf("ChiSquare with an empty column: err = %v", err)
	}
	if _, err := stattest.FisherMonteCarlo([][]int{{1, 2}, {3, 4}}, 0, 1); err == nil {
		t.Error("FisherMonteCarlo with 0 replicates: no error")
	}
}

func TestDescribeEdges(t *testing.T) {
	s := stattest.Describe([]float64{math.NaN(), math.NaN()})
	if s.N != 0 || s.NMissing != 2 || !math.IsNaN(s.Median) || !math.IsNaN(s.SD) || !math.IsNaN(s.Min) {
		t.Errorf("all missing: %+v", s)
	}
	s = stattest.Describe([]float64{4})
	if s.N != 1 || s.Median != 4 || s.Q1 != 4 || s.Q3 != 4 || s.Mean != 4 || !math.IsNaN(s.SD) {
		t.Errorf("one value: %+v", s)
	}
	x := []float64{3, 1, 2}
	stattest.Describe(x)
	if x[0] != 3 || x[1] != 1 {
		t.Error("Describe modified its input")
	}
}

func TestQuantileEdges(t *testing.T) {
	if !math.IsNaN(stattest.Quantile(nil, 0.5)) {
		t.Error("Quantile of nothing is not NaN")
	}
	x := []float64{10, math.NaN(), 0, 20}
	for _, tc := range []struct{ p, want float64 }{{0, 0}, {1, 20}, {0.5, 10}, {0.25, 5}, {0.9, 18}} {
		if got := stattest.Quantile(x, tc.p); got != tc.want {
			t.Errorf("Quantile(%v, %v) = %v, want %v", x, tc.p, got, tc.want)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("Quantile with p = 1.5 did not panic")
		}
	}()
	stattest.Quantile(x, 1.5)
}

func nan() float64 { return math.NaN() }

func TestFisherMonteCarlo(t *testing.T) {
	tab := [][]int{{36, 71, 29, 1}, {27, 42, 21, 0}}
	a, err := stattest.FisherMonteCarlo(tab, 2000, 42)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := stattest.FisherMonteCarlo(tab, 2000, 42)
	c, _ := stattest.FisherMonteCarlo(tab, 2000, 43)
	exact, _ := stattest.FisherExact(tab)
	if a != b {
		t.Errorf("same seed: %v and %v", a, b)
	}
	if a == c {
		t.Errorf("seeds 42 and 43 gave the same p %v", a)
	}
	// 2000 replicates: standard error sqrt(p(1-p)/2000) < 0.012.
	if math.Abs(a-exact.P) > 0.05 {
		t.Errorf("Monte Carlo p %v, exact %v", a, exact.P)
	}
}
