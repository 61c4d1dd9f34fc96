package maxstat

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestFixedIsRepeatedTest checks Fixed.Test on counts against Test on the
// physically repeated rows (bootstrap resamples of data with ties in x and
// in time): the cut points, group sizes and cut point equal, the
// statistics and p-values (condMC's permutations are another draw, see
// Fixed.Test) equal to 1e-13, and each row's score that of its copies.
func TestFixedIsRepeatedTest(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{30, 300} {
		x, tm := make([]float64, n), make([]float64, n)
		ev := make([]bool, n)
		for i := range x {
			x[i] = math.Round(rng.NormFloat64()*4) / 4 // ties in x
			tm[i] = math.Ceil(10 * rng.ExpFloat64())   // ties in time
			ev[i] = rng.Float64() < 0.6
		}
		f, err := NewFixed(x, tm, ev)
		if err != nil {
			t.Fatal(err)
		}
		for r := range 4 {
			count := make([]int32, n)
			idx := make([]int, n)
			for k := range idx {
				idx[k] = rng.IntN(n)
				count[idx[k]]++
			}
			xs, ts, es := make([]float64, n), make([]float64, n), make([]bool, n)
			for k, i := range idx {
				xs[k], ts[k], es[k] = x[i], tm[i], ev[i]
			}
			methods := []Method{None, Lau94, ExactGauss, HL}
			if n > 100 {
				methods = methods[:2] // the exact ones are slow at this size
			}
			for _, m := range methods {
				name := fmt.Sprintf("n=%d/resample %d/%s", n, r, m)
				opts := Options{Method: m}
				got, err := f.Test(count, opts)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				want, err := Test(xs, ts, es, opts)
				if err != nil {
					t.Fatalf("%s: repeated: %v", name, err)
				}
				if got.Cutpoint != want.Cutpoint || got.N != want.N || len(got.M) != len(want.M) {
					t.Fatalf("%s: cut %v n %d %d cuts, repeated %v %d %d", name, got.Cutpoint, got.N, len(got.M), want.Cutpoint, want.N, len(want.M))
				}
				for j := range got.M {
					if got.M[j] != want.M[j] || got.Cuts[j] != want.Cuts[j] || math.Abs(got.Stats[j]-want.Stats[j]) > 1e-13*want.Stats[j] {
						t.Errorf("%s: cut %d: %v %d %v, repeated %v %d %v", name, j, got.Cuts[j], got.M[j], got.Stats[j], want.Cuts[j], want.M[j], want.Stats[j])
					}
				}
				if math.Abs(got.P-want.P) > 1e-13 || math.IsNaN(got.P) != math.IsNaN(want.P) {
					t.Errorf("%s: p %v, repeated %v", name, got.P, want.P)
				}
				for k, i := range idx {
					if got.Scores[i] != want.Scores[k] {
						t.Fatalf("%s: row %d score %v, repeated %v", name, i, got.Scores[i], want.Scores[k])
					}
				}
			}
		}
	}
}

func TestFixedErrors(t *testing.T) {
	if _, err := NewFixed([]float64{1, math.NaN()}, []float64{1, 2}, []bool{true, true}); err == nil {
		t.Error("NaN x: no error")
	}
	if _, err := NewFixed([]float64{1, 2}, []float64{1, math.NaN()}, []bool{true, true}); err == nil {
		t.Error("NaN time: no error")
	}
	f, err := NewFixed([]float64{1, 2, 3, 4}, []float64{1, 2, 3, 4}, []bool{true, false, true, true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Test([]int32{1, -1, 1, 1}, Options{}); err == nil {
		t.Error("negative count: no error")
	}
	if _, err := f.Test([]int32{4, 0, 0, 0}, Options{}); err == nil {
		t.Error("one distinct x: no error")
	}
}

// TestCutterIsTest checks that a Cutter's cut point and statistic are
// Fixed.Test's, bit for bit, over resamples one after another (rows of
// count 0, ties in x and in time), and that after the first it allocates
// nothing.
func TestCutterIsTest(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const n = 500
	x, tm := make([]float64, n), make([]float64, n)
	ev := make([]bool, n)
	for i := range x {
		x[i] = math.Round(rng.NormFloat64()*8) / 8
		tm[i] = math.Ceil(10 * rng.ExpFloat64())
		ev[i] = rng.Float64() < 0.6
	}
	f, err := NewFixed(x, tm, ev)
	if err != nil {
		t.Fatal(err)
	}
	c := f.Cutter()
	count := make([]int32, n)
	for r := range 10 {
		clear(count)
		for range n {
			count[rng.IntN(n)]++
		}
		cnt := count
		if r == 0 {
			cnt = nil
		}
		opts := Options{MinProp: 0.05 * float64(1+r%3), MaxProp: 0.9}
		want, err := f.Test(cnt, opts)
		if err != nil {
			t.Fatal(err)
		}
		cut, stat, err := c.Cut(cnt, opts)
		if err != nil {
			t.Fatal(err)
		}
		if cut != want.Cutpoint || stat != want.Statistic {
			t.Errorf("resample %d: cut %v statistic %v, Test %v %v", r, cut, stat, want.Cutpoint, want.Statistic)
		}
	}
	if allocs := testing.AllocsPerRun(5, func() { c.Cut(count, Options{}) }); allocs > 0 {
		t.Errorf("a Cut allocates %v times", allocs)
	}
	if _, _, err := c.Cut(make([]int32, n), Options{}); err == nil {
		t.Error("no rows: no error")
	}
}
