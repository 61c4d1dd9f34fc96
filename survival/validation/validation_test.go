package validation

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
	"testing"
)

func TestNetBenefitByHand(t *testing.T) {
	// No censoring: the KM risk by tau is the share with an event by tau.
	time := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	event := []bool{true, true, true, true, true, true, true, true, true, true}
	risk := []float64{0.9, 0.8, 0.1, 0.7, 0.2, 0.6, 0.3, 0.05, 0.4, 0.5}
	d := NetBenefit(time, event, risk, 4.5, []float64{0.5})
	// Treat-all: prevalence 0.4, odds 1: 0.4 - 0.6 = -0.2. Treated (risk
	// >= 0.5): rows 1,2,4,6,10 -> events by 4.5 among them: 1,2,4 = 3/5.
	// NB = 0.5 (0.6 - 0.4) = 0.1.
	if math.Abs(d.TreatAll[0]+0.2) > 1e-15 || math.Abs(d.NetBenefit[0]-0.1) > 1e-15 || math.Abs(d.Prevalence-0.4) > 1e-15 {
		t.Errorf("got treat-all %v, net benefit %v, prevalence %v", d.TreatAll, d.NetBenefit, d.Prevalence)
	}
	if d := NetBenefit(time, event, risk, 4.5, []float64{0.95}); d.NetBenefit[0] != 0 {
		t.Errorf("nobody treated: net benefit %v, want 0", d.NetBenefit[0])
	}
}

func TestOptimism(t *testing.T) {
	// run sees the resample; the optimism is the mean of Apparent - Test.
	var mu sync.Mutex
	var first [][]int32
	run := func() func(idx []int32) (Replicate, error) {
		return func(idx []int32) (Replicate, error) {
			mu.Lock()
			first = append(first, append([]int32(nil), idx...))
			mu.Unlock()
			if idx[0] == 0 {
				return Replicate{}, errors.New("fails")
			}
			return Replicate{Apparent: float64(idx[0]), Test: float64(idx[1])}, nil
		}
	}
	a, err := Optimism(5, 50, 7, run)
	if err != nil {
		t.Fatal(err)
	}
	sum, ok := 0.0, 0
	for _, idx := range first {
		if idx[0] != 0 {
			sum += float64(idx[0] - idx[1])
			ok++
		}
	}
	if a.B != 50 || a.Failed != 50-ok || len(a.Replicates) != ok || math.Abs(a.Optimism-sum/float64(ok)) > 1e-12 {
		t.Errorf("got %+v; want %d ok, optimism %v", a, ok, sum/float64(ok))
	}
	// Same seed, same replicates in the same order, whatever the number of
	// workers.
	for _, procs := range []int{1, 4} {
		old := runtime.GOMAXPROCS(procs)
		b, err := Optimism(5, 50, 7, run)
		runtime.GOMAXPROCS(old)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(b) != fmt.Sprint(a) {
			t.Fatalf("GOMAXPROCS %d: %+v, want %+v", procs, b, a)
		}
	}
	if _, err := Optimism(5, 3, 1, func() func([]int32) (Replicate, error) {
		return func([]int32) (Replicate, error) { return Replicate{}, errors.New("x") }
	}); err == nil {
		t.Error("every replicate failed: want an error")
	}
}

func TestUndefined(t *testing.T) {
	time := []float64{1, 2, 3}
	event := []bool{true, true, true}
	risk := []float64{0.2, 0.5, 0.9}
	if a := AUC(time, event, risk, 3); !math.IsNaN(a.Value) || a.Controls != 0 || a.Cases != 3 {
		t.Errorf("no control: %+v", a)
	}
	if b := Brier(time, []bool{true, false, true}, risk, 3.5); !math.IsNaN(b.Brier.Value) || !math.IsNaN(b.IPA) {
		t.Errorf("horizon after the follow-up: %+v", b)
	}
	if _, err := Slope(time, event, []float64{1, 1, 1}); err == nil {
		t.Error("constant linear predictor: want an error")
	}
	if oe := ObservedExpected(time, event, risk, 10); !math.IsNaN(oe.Ratio) {
		t.Errorf("follow-up ends before tau: O/E %v, want NaN", oe.Ratio)
	}
}
