package cox_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"carimpi/survival/cox"
)

// freqData simulates n rows with many tied times (whole months), about a
// third censored, an MTV-like column, age, and a 0/1 column.
func freqData(n int, seed uint64) (time []float64, event []bool, x [][]float64) {
	rng := rand.New(rand.NewPCG(seed, 7))
	x = [][]float64{make([]float64, n), make([]float64, n), make([]float64, n)}
	for i := range n {
		x[0][i] = math.Round(math.Exp(4+rng.NormFloat64())*10) / 10
		x[1][i] = float64(40 + rng.IntN(40))
		if rng.Float64() < 0.3 {
			x[2][i] = 1
		}
		eta := 0.004*x[0][i] + 0.02*(x[1][i]-60) + 0.5*x[2][i]
		time = append(time, math.Ceil(24*rng.ExpFloat64()/math.Exp(eta)))
		event = append(event, rng.Float64() < 0.65)
	}
	return time, event, x
}

// repeated returns the rows idx of the data, in that order.
func repeated(idx []int, time []float64, event []bool, x [][]float64) ([]float64, []bool, [][]float64) {
	t, e := make([]float64, len(idx)), make([]bool, len(idx))
	xs := make([][]float64, len(x))
	for j := range xs {
		xs[j] = make([]float64, len(idx))
	}
	for k, i := range idx {
		t[k], e[k] = time[i], event[i]
		for j := range x {
			xs[j][k] = x[j][i]
		}
	}
	return t, e, xs
}

// near reports whether a and b agree to tol relative, or to 1e-13
// absolute for values near 0 (residuals that cancel).
func near(a, b, tol float64) bool {
	return a == b || math.Abs(a-b) <= max(tol*math.Max(math.Abs(a), math.Abs(b)), 1e-13)
}

// TestSortedFitIsRepeatedFit checks that a frequency fit equals the fit of
// the physically repeated rows (bootstrap resamples, Efron and Breslow,
// with rows of count 0, 1 and several and tied deaths within and across
// rows): coefficients, variance, log-likelihoods, tests, N, events,
// iterations, a survival curve and every row's residuals, to 1e-12.
func TestSortedFitIsRepeatedFit(t *testing.T) {
	const tol = 1e-12
	for _, ties := range []cox.Method{cox.Efron, cox.Breslow} {
		for _, n := range []int{40, 400} {
			time, event, x := freqData(n, uint64(n))
			s, err := cox.NewSorted(time, event)
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(3, uint64(n)))
			for r := range 5 {
				name := fmt.Sprintf("%v/n=%d/resample %d", ties, n, r)
				idx := make([]int, n)
				count := make([]int32, n)
				for k := range idx {
					idx[k] = rng.IntN(n)
					count[idx[k]]++
				}
				opt := &cox.Options{Ties: ties, Names: []string{"mtv", "age", "flag"}}
				got, err := s.Fit(x, count, opt)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				rt, re, rx := repeated(idx, time, event, x)
				want, err := cox.Fit(rt, re, rx, opt, nil)
				if err != nil {
					t.Fatalf("%s: repeated: %v", name, err)
				}
				if got.N != want.N || got.Events != want.Events || got.Iterations != want.Iterations || got.Converged != want.Converged {
					t.Errorf("%s: N, events, iterations, converged = %d %d %d %v, repeated %d %d %d %v", name,
						got.N, got.Events, got.Iterations, got.Converged, want.N, want.Events, want.Iterations, want.Converged)
				}
				check := func(what string, g, w float64) {
					if !near(g, w, tol) {
						t.Errorf("%s: %s = %.17g, repeated %.17g", name, what, g, w)
					}
				}
				check("loglik", got.Loglik, want.Loglik)
				check("null loglik", got.LoglikNull, want.LoglikNull)
				check("score test", got.Score.Statistic, want.Score.Statistic)
				for j := range got.Coef {
					check("coef "+got.Names[j], got.Coef[j], want.Coef[j])
					check("mean "+got.Names[j], got.Means[j], want.Means[j])
					for k := range got.Coef {
						check(fmt.Sprintf("var %d %d", j, k), got.Var[j][k], want.Var[j][k])
					}
				}
				gc, wc := got.Survfit([]float64{50, 60, 1})[0], want.Survfit([]float64{50, 60, 1})[0]
				if len(gc.Time) != len(wc.Time) {
					t.Fatalf("%s: curve of %d times, repeated %d", name, len(gc.Time), len(wc.Time))
				}
				for k := range gc.Time {
					check("curve time", gc.Time[k], wc.Time[k])
					check("curve n.risk", gc.NRisk[k], wc.NRisk[k])
					check("curve n.event", gc.NEvent[k], wc.NEvent[k])
					check("curve surv", gc.Surv[k], wc.Surv[k])
					check("curve std.err", gc.StdErr[k], wc.StdErr[k])
				}
				gr, wr := got.Residuals(), want.Residuals()
				glp, wlp := got.LinearPredictors(true), want.LinearPredictors(true)
				for k, i := range idx {
					check("martingale", gr.Martingale[i], wr.Martingale[k])
					check("linear predictor", glp[i], wlp[k])
					for j := range x {
						check("score residual", gr.Score[i][j], wr.Score[k][j])
						check("dfbeta", gr.DFBeta[i][j], wr.DFBeta[k][j])
					}
				}
				for i, c := range count {
					if c == 0 && !math.IsNaN(gr.Martingale[i]) {
						t.Errorf("%s: row %d of count 0 has a martingale residual %v", name, i, gr.Martingale[i])
					}
				}
			}
		}
	}
}

// TestSortedFitWithoutCounts checks that without counts a Sorted fit is
// Fit's, bit for bit.
func TestSortedFitWithoutCounts(t *testing.T) {
	time, event, x := freqData(300, 11)
	s, err := cox.NewSorted(time, event)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Fit(x, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	want, err := cox.Fit(time, event, x, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Loglik != want.Loglik || got.Iterations != want.Iterations {
		t.Errorf("loglik %v in %d iterations, Fit %v in %d", got.Loglik, got.Iterations, want.Loglik, want.Iterations)
	}
	for j := range got.Coef {
		if got.Coef[j] != want.Coef[j] || got.SE[j] != want.SE[j] {
			t.Errorf("column %d: coef %v se %v, Fit %v %v", j, got.Coef[j], got.SE[j], want.Coef[j], want.SE[j])
		}
	}
}

// TestSortedFitNotCaseWeights checks that frequencies are not coxph's case
// weights: with tied deaths the case-weighted Efron fit differs from the
// repeated rows' fit, which Sorted.Fit matches.
func TestSortedFitNotCaseWeights(t *testing.T) {
	time := []float64{1, 2, 2, 3, 4, 5, 5, 6}
	event := []bool{true, true, false, true, true, true, true, false}
	x := [][]float64{{0.5, 1.2, 0.1, 2.3, 0.7, 1.9, 0.4, 1.1}}
	count := []int32{1, 2, 1, 1, 3, 2, 1, 1}
	var idx []int
	for i, c := range count {
		for range c {
			idx = append(idx, i)
		}
	}
	s, err := cox.NewSorted(time, event)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Fit(x, count, nil)
	if err != nil {
		t.Fatal(err)
	}
	rt, re, rx := repeated(idx, time, event, x)
	want, err := cox.Fit(rt, re, rx, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	w := make([]float64, len(count))
	for i, c := range count {
		w[i] = float64(c)
	}
	caseW, err := cox.Fit(time, event, x, nil, w)
	if err != nil {
		t.Fatal(err)
	}
	if !near(got.Coef[0], want.Coef[0], 1e-12) || !near(got.Loglik, want.Loglik, 1e-12) {
		t.Errorf("frequency fit coef %v loglik %v, repeated rows %v %v", got.Coef[0], got.Loglik, want.Coef[0], want.Loglik)
	}
	if near(caseW.Coef[0], want.Coef[0], 1e-6) {
		t.Errorf("case-weighted Efron coef %v equals the repeated rows' %v: the test data have no tied deaths to tell them apart", caseW.Coef[0], want.Coef[0])
	}
}

func TestSortedFitErrors(t *testing.T) {
	time := []float64{1, 2, 3, 4}
	event := []bool{true, false, true, false}
	x := [][]float64{{1, 2, 3, 4}}
	if _, err := cox.NewSorted([]float64{1, -1}, []bool{true, true}); err == nil {
		t.Error("negative time: no error")
	}
	s, err := cox.NewSorted(time, event)
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		count []int32
		opt   *cox.Options
	}{
		"negative count": {[]int32{1, -1, 1, 1}, nil},
		"no events":      {[]int32{0, 2, 0, 1}, nil},
		"nothing":        {[]int32{0, 0, 0, 0}, nil},
		"strata":         {nil, &cox.Options{Strata: []int{0, 0, 1, 1}}},
		"robust":         {nil, &cox.Options{Robust: true}},
	} {
		if _, err := s.Fit(x, c.count, c.opt); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	// a NaN covariate of a row left out does not matter
	if _, err := s.Fit([][]float64{{1, math.NaN(), 3, 4}}, []int32{1, 0, 2, 1}, nil); err != nil {
		t.Errorf("NaN in a row of count 0: %v", err)
	}
	if _, err := s.Fit([][]float64{{1, math.NaN(), 3, 4}}, []int32{1, 1, 2, 1}, nil); err == nil {
		t.Error("NaN in a row present: no error")
	}
}

// TestFitterIsFit checks that fits one after another in a Fitter's memory
// (resamples of different sizes, a column dropped, times that timefix
// joins and times it does not) are Sorted.Fit's, bit for bit, and match
// the repeated rows' Fit.
func TestFitterIsFit(t *testing.T) {
	for _, nearTies := range []bool{false, true} {
		time, event, x := freqData(300, 21)
		if nearTies {
			// months from days: equal times in two roundings, which
			// timefix ties (and the repeated rows' Fit ties)
			for i := range time {
				if i%2 == 0 {
					time[i] = time[i] * 30 / 30.4375
				} else {
					time[i] = time[i] * 30 * (1 / 30.4375)
				}
			}
		}
		s, err := cox.NewSorted(time, event)
		if err != nil {
			t.Fatal(err)
		}
		f := s.Fitter()
		rng := rand.New(rand.NewPCG(8, 9))
		for r := range 6 {
			name := fmt.Sprintf("near ties %v/resample %d", nearTies, r)
			m := len(time) - 50*(r%3) // resamples of m rows
			idx := make([]int, m)
			count := make([]int32, len(time))
			for k := range idx {
				idx[k] = rng.IntN(len(time))
				count[idx[k]]++
			}
			cols := x[:3-r%2]
			got, err := f.Fit(cols, count, nil)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			want, err := s.Fit(cols, count, nil)
			if err != nil {
				t.Fatalf("%s: Sorted.Fit: %v", name, err)
			}
			if got.Loglik != want.Loglik || got.Iterations != want.Iterations || got.N != want.N || got.Events != want.Events {
				t.Errorf("%s: loglik %v in %d iterations, n %d, %d events; Sorted.Fit %v %d %d %d", name,
					got.Loglik, got.Iterations, got.N, got.Events, want.Loglik, want.Iterations, want.N, want.Events)
			}
			glp, wlp := got.LinearPredictors(true), want.LinearPredictors(true)
			for j := range got.Coef {
				if got.Coef[j] != want.Coef[j] || got.SE[j] != want.SE[j] {
					t.Errorf("%s: column %d: coef %v se %v, Sorted.Fit %v %v", name, j, got.Coef[j], got.SE[j], want.Coef[j], want.SE[j])
				}
			}
			for i := range glp {
				if glp[i] != wlp[i] && !(math.IsNaN(glp[i]) && math.IsNaN(wlp[i])) {
					t.Fatalf("%s: row %d: linear predictor %v, Sorted.Fit %v", name, i, glp[i], wlp[i])
				}
			}
			rt, re, rx := repeated(idx, time, event, cols)
			rep, err := cox.Fit(rt, re, rx, nil, nil)
			if err != nil {
				t.Fatalf("%s: repeated: %v", name, err)
			}
			if !near(got.Loglik, rep.Loglik, 1e-12) || got.Iterations != rep.Iterations {
				t.Errorf("%s: loglik %.17g in %d iterations, repeated rows %.17g in %d", name, got.Loglik, got.Iterations, rep.Loglik, rep.Iterations)
			}
			for j := range got.Coef {
				if !near(got.Coef[j], rep.Coef[j], 1e-12) {
					t.Errorf("%s: coef %d = %.17g, repeated rows %.17g", name, j, got.Coef[j], rep.Coef[j])
				}
			}
		}
	}
}

// TestFitterAllocations guards the point of a Fitter: once it has fitted
// resamples of a size, fitting them again allocates no per-row memory,
// only the model's few p-sized results.
func TestFitterAllocations(t *testing.T) {
	const n = 20000
	time, event, x := freqData(n, 5)
	s, err := cox.NewSorted(time, event)
	if err != nil {
		t.Fatal(err)
	}
	f := s.Fitter()
	rng := rand.New(rand.NewPCG(1, 2))
	counts := make([][]int32, 4)
	for r := range counts {
		counts[r] = make([]int32, n)
		for range n {
			counts[r][rng.IntN(n)]++
		}
	}
	fitAll := func() {
		for _, c := range counts {
			if _, err := f.Fit(x, c, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	fitAll() // the memory settles
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fitAll()
	runtime.ReadMemStats(&after)
	perFit := float64(after.TotalAlloc-before.TotalAlloc) / float64(len(counts))
	if perFit > n/4 {
		t.Errorf("a Fitter's fit allocates %.0f bytes at n = %d, more than a byte every 4 rows", perFit, n)
	}
}
