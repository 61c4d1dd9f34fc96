package study

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
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

// bootstrapSample is the development sample of n simulated patients
// (benchCohort's), as the study hands it to the bootstrap.
func bootstrapSample(tb testing.TB, n int) (sample, Options) {
	tb.Helper()
	var buf bytes.Buffer
	if err := cohort.Simulate(n/2, n-n/2, cohort.DefaultSeed).WriteCSV(&buf); err != nil {
		tb.Fatal(err)
	}
	c, rep, err := cohort.Load(&buf, "sim.csv", cohort.Options{ExcludeTopMTV: cohort.OutlierQuantile})
	if err != nil {
		tb.Fatal(err)
	}
	opt, _ := Options{Bootstrap: 200, Seed: 1}.withDefaults()
	a := newAnalysis(c, rep, opt)
	if err := a.include(); err != nil {
		tb.Fatal(err)
	}
	return developmentSample(a.p, a.dev, a.p.endpoint(opt.Endpoint).pick(a.dev)), opt
}

// TestBootstrapReusesMemory guards the bootstrap's memory: each worker
// develops the model on resample after resample in memory of its own
// (cox.Fitter, maxstat.Cutter, concordance.Fixed, the hinge column), so
// that 40 more resamples of 20,000 simulated patients allocate less than a
// byte a development patient each: 0.6, a few kB of results a resample
// (156 bytes a patient when every resample allocated its own).
func TestBootstrapReusesMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates 20,000 patients")
	}
	orig, opt := bootstrapSample(t, 20000)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	alloc := func(b int) uint64 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		o := opt
		o.Bootstrap = b
		if _, err := bootstrapOptimism(orig, o); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}
	few, many := alloc(10), alloc(50)
	perResample := (float64(many) - float64(few)) / 40 / float64(len(orig.t))
	t.Logf("%.2f bytes a patient a resample", perResample)
	if perResample > 1 {
		t.Errorf("a resample allocates %.1f bytes a development patient", perResample)
	}
}

// BenchmarkBootstrap runs the optimism bootstrap alone (B = 200) on the
// development sample over studyLadder's sizes; its B/op is the workers'
// memory, made once, not once per resample.
func BenchmarkBootstrap(b *testing.B) {
	for _, n := range studyLadder() {
		orig, opt := bootstrapSample(b, n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := bootstrapOptimism(orig, opt); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
