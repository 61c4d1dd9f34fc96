package study

import (
	"bytes"
	"math"
	"math/rand/v2"
	"testing"

	"carimpi/cohort"
	"carimpi/survival/concordance"
)

// TestBootstrapWarmStart checks that starting a resample's Cox fit at the
// development model's coefficients (as the bootstrap does) finds the fit
// that starting at 0 finds, within the convergence tolerance: the same
// knot, every linear predictor equal to 1e-6 and C-indices to 1e-8, over
// resamples of the seed-7 fixture and of 5,000 simulated patients.
func TestBootstrapWarmStart(t *testing.T) {
	seed7, rep7, err := cohort.LoadFile("../testdata/study/cohort-seed7.csv", cohort.Options{ExcludeTopMTV: 0.025})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := cohort.Simulate(2500, 2500, cohort.DefaultSeed).WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	sim, repSim, err := cohort.Load(&buf, "sim.csv", cohort.Options{ExcludeTopMTV: cohort.OutlierQuantile})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		c    *cohort.Cohort
		rep  *cohort.Report
	}{{"seed7", seed7, rep7}, {"simulated 5000", sim, repSim}} {
		opt, _ := Options{}.withDefaults()
		a := newAnalysis(tc.c, tc.rep, opt)
		if err := a.include(); err != nil {
			t.Fatal(err)
		}
		orig := developmentSample(a.p, a.dev, a.p.endpoint(opt.Endpoint).pick(a.dev))
		dev, err := newDevelopment(orig)
		if err != nil {
			t.Fatal(err)
		}
		w := dev.worker()
		_, coef, err := w.develop(nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		n := len(orig.t)
		rng := rand.New(rand.NewPCG(1, 2))
		count := make([]int32, n)
		fixed := concordance.NewFixed(orig.t, orig.e)
		for r := range 20 {
			clear(count)
			for range n {
				count[rng.IntN(n)]++
			}
			k0, c0, err0 := w.develop(count, nil)
			k1, c1, err1 := w.develop(count, coef)
			if err0 != nil || err1 != nil {
				t.Fatalf("%s resample %d: %v, warm %v", tc.name, r, err0, err1)
			}
			if k0 != k1 {
				t.Fatalf("%s resample %d: knot %v, warm %v", tc.name, r, k0, k1)
			}
			lp0, lp1 := orig.lp(nil, k0, c0), orig.lp(nil, k1, c1)
			for i := range lp0 {
				if math.Abs(lp1[i]-lp0[i]) > 1e-6 {
					t.Fatalf("%s resample %d: patient %d's linear predictor %v, warm %v (coefficients %v, warm %v)", tc.name, r, i, lp0[i], lp1[i], c0, c1)
				}
			}
			for _, cnt := range [][]int32{count, nil} {
				if a, b := fixed.HarrellC(lp0, cnt), fixed.HarrellC(lp1, cnt); math.Abs(a-b) > 1e-8 {
					t.Errorf("%s resample %d: C %v, warm %v", tc.name, r, a, b)
				}
			}
		}
	}
}
