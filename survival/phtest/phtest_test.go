package phtest_test

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"

	"carimpi/internal/reftest"
	"carimpi/survival/phtest"
)

const (
	refData     = "../../testdata/reference/data/"
	refExpected = "../../testdata/reference/expected/"
)

// zphCase pairs a coxzph-*.json file with the cox-*.json fit it tests: the
// fitted coefficients come from the latter (the fit itself is tested in
// survival/cox).
type zphCase struct {
	zph, cox, data string
	event          func(status float64) bool
	cols           []string // data column of each design column; "col=level" for a factor dummy
	terms          []phtest.Term
	strata         string
	efron          bool
}

func single(names ...string) []phtest.Term {
	var t []phtest.Term
	for j, n := range names {
		t = append(t, phtest.Term{Name: n, Cols: []int{j}})
	}
	return t
}

func TestZPHReference(t *testing.T) {
	status2 := func(s float64) bool { return s == 2 }
	status1 := func(s float64) bool { return s == 1 }
	lung := []string{"age", "sex", "ph.ecog"}
	pbc := []string{"age", "edema", "log_bili", "log_albumin", "log_protime"}
	vet := []string{"trt", "karno", "diagtime", "age"}
	for _, tc := range []zphCase{
		{"coxzph-lung-efron.json", "cox-lung-efron.json", "lung.csv", status2, lung, single(lung...), "", true},
		{"coxzph-lung-breslow.json", "cox-lung-breslow.json", "lung.csv", status2, lung, single(lung...), "", false},
		{"coxzph-pbc.json", "cox-pbc.json", "pbc312.csv", status2, pbc, single(pbc...), "", true},
		{"coxzph-veteran-strata.json", "cox-veteran-strata.json", "veteran.csv", status1, vet, single(vet...), "celltype", true},
		{"coxzph-veteran-celltype.json", "cox-veteran-celltype.json", "veteran.csv", status1,
			[]string{"celltype=smallcell", "celltype=adeno", "celltype=large"},
			[]phtest.Term{{Name: "celltype", Cols: []int{0, 1, 2}}}, "", true},
	} {
		t.Run(tc.zph, func(t *testing.T) {
			var fit struct{ Expected struct{ Coef []float64 } }
			reftest.Load(t, refExpected+tc.cox, &fit)
			var ref struct {
				Expected struct {
					Terms []string
					Chisq []float64
					DF    []int
					P     []float64
				}
			}
			reftest.Load(t, refExpected+tc.zph, &ref)
			time, event, x, strata := reftest.CoxRows(t, refData+tc.data, tc.cols, tc.strata, tc.event)
			got, err := phtest.ZPH(time, event, x, fit.Expected.Coef, tc.efron, tc.terms, strata, nil)
			if err != nil {
				t.Fatal(err)
			}
			rows := append(got.Terms, got.Global)
			e := ref.Expected
			if len(rows) != len(e.Terms) {
				t.Fatalf("%d rows, want %d", len(rows), len(e.Terms))
			}
			for i, r := range rows {
				if r.Name != e.Terms[i] || r.DF != e.DF[i] ||
					!reftest.Rel(r.Chisq, e.Chisq[i], 1e-10) ||
					!reftest.Rel(r.P, e.P[i], 1e-10) {
					t.Errorf("row %d: got %+v, want %s chisq %.10g df %d p %.10g", i, r, e.Terms[i], e.Chisq[i], e.DF[i], e.P[i])
				}
			}
		})
	}
}

// zphR is a case of testdata/zph-r.json (see zph-r.R): weighted fits,
// factors with strata, Breslow ties.
type zphR struct {
	Name      string
	Ties      string
	Time      []float64
	Status    []float64
	X         [][]float64
	Coef      []float64
	TermNames []string `json:"term_names"`
	TermCols  [][]int  `json:"term_cols"`
	Strata    []float64
	Weights   []float64
	Chisq     []float64
	DF        []int
	P         []float64
}

func (c zphR) args() (event []bool, terms []phtest.Term, strata []int) {
	for _, s := range c.Status {
		event = append(event, s == 1)
	}
	for i, n := range c.TermNames {
		terms = append(terms, phtest.Term{Name: n, Cols: c.TermCols[i]})
	}
	for _, s := range c.Strata {
		strata = append(strata, int(s))
	}
	return event, terms, strata
}

func readR(t *testing.T) []zphR {
	t.Helper()
	var ref struct{ Cases []zphR }
	reftest.Load(t, "testdata/zph-r.json", &ref)
	return ref.Cases
}

func TestZPHR(t *testing.T) {
	for _, c := range readR(t) {
		event, terms, strata := c.args()
		got, err := phtest.ZPH(c.Time, event, c.X, c.Coef, c.Ties == "efron", terms, strata, c.Weights)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		for i, r := range append(got.Terms, got.Global) {
			if !reftest.Rel(r.Chisq, c.Chisq[i], 1e-10) || r.DF != c.DF[i] ||
				!reftest.Rel(r.P, c.P[i], 1e-10) {
				t.Errorf("%s row %d: got %+v, want chisq %.10g df %d p %.10g", c.Name, i, r, c.Chisq[i], c.DF[i], c.P[i])
			}
		}
	}
}

func TestZPHProperties(t *testing.T) {
	c := readR(t)[1] // unweighted, strata, factor
	event, terms, strata := c.args()
	base, err := phtest.ZPH(c.Time, event, c.X, c.Coef, false, terms, strata, nil)
	if err != nil {
		t.Fatal(err)
	}
	n := len(c.Time)
	ones := make([]float64, n)
	for i := range ones {
		ones[i] = 1
	}
	same := func(name string, r *phtest.Result, tol float64) {
		t.Helper()
		a, b := append(r.Terms, r.Global), append(base.Terms, base.Global)
		for i := range a {
			if a[i].Name != b[i].Name || !scalar.EqualWithinAbsOrRel(a[i].Chisq, b[i].Chisq, 0, tol) {
				t.Errorf("%s: row %d %+v, want %+v", name, i, a[i], b[i])
			}
		}
	}
	r, err := phtest.ZPH(c.Time, event, c.X, c.Coef, false, terms, strata, ones)
	if err != nil {
		t.Fatal(err)
	}
	same("all-ones weights", r, 1e-12)

	// Reversing the row order changes nothing.
	rev := func(v []float64) []float64 {
		out := make([]float64, len(v))
		for i, x := range v {
			out[len(v)-1-i] = x
		}
		return out
	}
	re, rs := make([]bool, n), make([]int, n)
	for i := range n {
		re[n-1-i], rs[n-1-i] = event[i], strata[i]
	}
	var rx [][]float64
	for _, col := range c.X {
		rx = append(rx, rev(col))
	}
	r, err = phtest.ZPH(rev(c.Time), re, rx, c.Coef, false, terms, rs, nil)
	if err != nil {
		t.Fatal(err)
	}
	same("reversed rows", r, 1e-10)

	// Times equal up to rounding are tied, as coxph's stored y.
	noisy := append([]float64(nil), c.Time...)
	for i := 1; i < len(noisy); i += 2 { // exact ties become near-ties
		noisy[i] *= 1 + 1e-12
	}
	r, err = phtest.ZPH(noisy, event, c.X, c.Coef, false, terms, strata, nil)
	if err != nil {
		t.Fatal(err)
	}
	same("times with rounding noise", r, 1e-10)

	// An aliased column (NaN coefficient) is dropped, as R does.
	x := append(append([][]float64(nil), c.X...), c.X[3])
	coef := append(append([]float64(nil), c.Coef...), math.NaN())
	terms2 := append(append([]phtest.Term(nil), terms...), phtest.Term{Name: "karno2", Cols: []int{4}})
	r, err = phtest.ZPH(c.Time, event, x, coef, false, terms2, strata, nil)
	if err != nil {
		t.Fatal(err)
	}
	same("aliased column", r, 1e-12)
}

func TestZPHErrors(t *testing.T) {
	x := [][]float64{{1, 2, 3, 4}}
	if _, err := phtest.ZPH([]float64{1, 2, 3, 4}, []bool{false, false, false, false}, x, []float64{0.1}, true, nil, nil, nil); err == nil {
		t.Error("no events: no error")
	}
	// A constant column makes the information matrix singular.
	if _, err := phtest.ZPH([]float64{1, 2, 3, 4}, []bool{true, true, false, true}, [][]float64{{1, 1, 1, 1}}, []float64{0}, true, nil, nil, nil); err == nil {
		t.Error("constant column: no error")
	}
	for _, f := range []func(){
		func() {
			phtest.ZPH([]float64{1, 2}, []bool{true}, [][]float64{{1, 2}}, []float64{0}, true, nil, nil, nil)
		},
		func() {
			phtest.ZPH([]float64{1, 2}, []bool{true, true}, [][]float64{{1, 2}}, []float64{0, 1}, true, nil, nil, nil)
		},
		func() {
			phtest.ZPH([]float64{1, 2}, []bool{true, true}, [][]float64{{1, 2}}, []float64{0}, true, []phtest.Term{{"a", []int{1}}}, nil, nil)
		},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			f()
		}()
	}
}
