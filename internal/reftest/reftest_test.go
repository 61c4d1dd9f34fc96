package reftest

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	errors []string
	fatal  bool
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, format)
}

func (r *recorder) Fatal(args ...any) { r.fatal = true }

func (r *recorder) Fatalf(format string, args ...any) { r.fatal = true }

func TestRel(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	for _, tc := range []struct {
		got, want, tol float64
		ok             bool
	}{
		{1, 1, 0, true},
		{1 + 1e-10, 1, 1e-9, true},
		{1 + 1e-8, 1, 1e-9, false},
		{-2 - 1e-9, -2, 1e-9, true}, // relative to |want|
		{-2 - 3e-9, -2, 1e-9, false},
		{0, 0, 0, true},
		{1e-300, 0, 1e-6, false}, // a zero want needs an exact zero
		{nan, nan, 0, true},      // R's NA
		{nan, 1, 1, false},
		{1, nan, 1, false},
		{inf, nan, 1, true}, // null: R's Inf too
		{-inf, nan, 1, true},
		{inf, inf, 0, true},
		{inf, -inf, 1, false},
		{1, inf, 1, false},
	} {
		if got := Rel(tc.got, tc.want, tc.tol); got != tc.ok {
			t.Errorf("Rel(%v, %v, %v) = %v, want %v", tc.got, tc.want, tc.tol, got, tc.ok)
		}
	}
}

func TestCloseAndFloats(t *testing.T) {
	var r recorder
	if !Close(&r, "x", 1, 1, 0) || len(r.errors) != 0 {
		t.Errorf("Close of equal values failed: %q", r.errors)
	}
	if Close(&r, "x", 1.1, 1, 0.01) || len(r.errors) != 1 {
		t.Errorf("Close of 1.1 and 1 at 1%% passed: %q", r.errors)
	}
	r.errors = nil
	for _, tc := range []struct {
		got, want []float64
		ok        bool
	}{
		{[]float64{1, math.NaN()}, []float64{1, math.NaN()}, true},
		{nil, nil, true},
		{[]float64{1}, []float64{1, 2}, false},
		{[]float64{1, 2, 4}, []float64{1, 3, 5}, false},
	} {
		r.errors = nil
		if ok := Floats(&r, "v", tc.got, tc.want, 1e-9); ok != tc.ok || (len(r.errors) == 0) != tc.ok {
			t.Errorf("Floats(%v, %v) = %v with errors %q, want %v", tc.got, tc.want, ok, r.errors, tc.ok)
		}
	}
	// One error names the first difference and counts them all.
	r.errors = nil
	Floats(&r, "v", []float64{1, 2, 4}, []float64{1, 3, 5}, 0)
	if len(r.errors) != 1 || !strings.Contains(r.errors[0], "differ") {
		t.Errorf("errors %q", r.errors)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	if err := os.WriteFile(good, []byte(`{"a": [1, null]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	var v struct{ A []*float64 }
	var r recorder
	Load(&r, good, &v)
	if r.fatal || len(v.A) != 2 || *v.A[0] != 1 || v.A[1] != nil {
		t.Errorf("Load: fatal %v, %+v", r.fatal, v)
	}
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"a": `), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{bad, filepath.Join(dir, "missing.json")} {
		r.fatal = false
		Load(&r, p, &v)
		if !r.fatal {
			t.Errorf("Load(%s) did not fail the test", p)
		}
	}
}

func TestTable(t *testing.T) {
	p := filepath.Join(t.TempDir(), "d.csv")
	if err := os.WriteFile(p, []byte("a,b\n1,x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var r recorder
	if tab := Table(&r, p); r.fatal || len(tab.Rows) != 1 || !tab.Has("b") {
		t.Errorf("Table: fatal %v", r.fatal)
	}
	Table(&r, filepath.Join(t.TempDir(), "missing.csv"))
	if !r.fatal {
		t.Error("Table of a missing file did not fail the test")
	}
}

func TestCoxRows(t *testing.T) {
	p := filepath.Join(t.TempDir(), "d.csv")
	csv := "time,status,age,sex,inst\n5,2,60,m,a\n3,1,,f,b\n7,1,70,f,b\n9,2,80,,a\n"
	if err := os.WriteFile(p, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	time, ev, x, strata := CoxRows(t, p, []string{"age", "sex=f"}, "inst", func(s float64) bool { return s == 2 })
	// the row with a missing age is left out; a missing factor cell is 0
	want := [][]float64{{60, 70, 80}, {0, 1, 0}}
	if !slices.Equal(time, []float64{5, 7, 9}) || !slices.Equal(ev, []bool{true, false, true}) ||
		!slices.EqualFunc(x, want, slices.Equal) || !slices.Equal(strata, []int{0, 1, 0}) {
		t.Errorf("CoxRows = %v %v %v %v", time, ev, x, strata)
	}
	if _, _, _, s := CoxRows(t, p, []string{"age"}, "", func(float64) bool { return true }); s != nil {
		t.Errorf("strata without a column: %v", s)
	}
}
