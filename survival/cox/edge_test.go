package cox_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"carimpi/internal/reftest"
	"carimpi/survival/cox"
)

// book1 is the small data set of Therneau and Grambsch's appendix E.1.1
// (survival's tests/book1.R), deliberately unsorted and with a missing
// status (the row with time 3), which a caller drops before Fit as coxph's
// na.omit does. With r = exp(beta) the log partial likelihoods are
//
//	Breslow: 2 beta - log(3r + 3) - 2 log(r + 3)
//	Efron:   2 beta - log(3r + 3) - log(r + 3) - log((r + 5)/2)
//
// (risk sets: time 1, six subjects, three with x = 1; time 6, four
// subjects, one with x = 1, two tied deaths x = 1 and x = 0; time 9, one
// subject). The Breslow score is 2 - r/(r+1) - 2r/(r+3), zero at
// r = (3 + sqrt(33))/2, and its information r/(r+1)^2 + 6r/(r+3)^2.
var book1 = struct {
	time   []float64
	status []float64 // NaN = missing
	x      []float64
}{
	time:   []float64{9, 3, 1, 1, 6, 6, 8},
	status: []float64{1, math.NaN(), 1, 0, 1, 1, 0},
	x:      []float64{0, 2, 1, 1, 1, 0, 0},
}

func book1Data() (time []float64, event []bool, x []float64) {
	for i, s := range book1.status {
		if math.IsNaN(s) {
			continue
		}
		time = append(time, book1.time[i])
		event = append(event, s == 1)
		x = append(x, book1.x[i])
	}
	return
}

func TestBook1(t *testing.T) {
	time, event, x := book1Data()
	breslow := func(b float64) float64 {
		r := math.Exp(b)
		return 2*b - math.Log(3*r+3) - 2*math.Log(r+3)
	}
	efron := func(b float64) float64 {
		r := math.Exp(b)
		return 2*b - math.Log(3*r+3) - math.Log(r+3) - math.Log((r+5)/2)
	}
	m, err := cox.Fit(time, event, [][]float64{x}, &cox.Options{Ties: cox.Breslow}, nil)
	if err != nil {
		t.Fatal(err)
	}
	bhat := math.Log((3 + math.Sqrt(33)) / 2)
	r := math.Exp(bhat)
	info := r/((r+1)*(r+1)) + 6*r/((r+3)*(r+3))
	reftest.Floats(t, "breslow coef", m.Coef, []float64{bhat}, 1e-8)
	reftest.Floats(t, "breslow loglik", []float64{m.LoglikNull, m.Loglik}, []float64{breslow(0), breslow(bhat)}, 1e-12)
	reftest.Floats(t, "breslow var", []float64{m.Var[0][0]}, []float64{1 / info}, 1e-7)
	// score test at 0: U(0)^2 / I(0) = 1 / (5/8)
	reftest.Floats(t, "breslow score test", []float64{m.Score.Statistic}, []float64{1.6}, 1e-12)

	m, err = cox.Fit(time, event, [][]float64{x}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	b := m.Coef[0]
	reftest.Floats(t, "efron loglik", []float64{m.LoglikNull, m.Loglik}, []float64{efron(0), efron(b)}, 1e-12)
	// the estimate maximises the closed form: its derivative is 0
	const h = 1e-5
	if d := (efron(b+h) - efron(b-h)) / (2 * h); math.Abs(d) > 1e-7 {
		t.Errorf("efron: d loglik / d beta at the estimate = %g", d)
	}
}

// TestSeparation: a covariate that orders the deaths perfectly has a
// monotone likelihood; R (survival 3.5.3) warns "Loglik converged before
// variable 1; coefficient may be infinite" for x on these data.
func TestSeparation(t *testing.T) {
	time := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	event := []bool{true, true, true, true, true, false, true, false, true, true}
	x := []float64{1, 1, 1, 1, 1, 0, 0, 0, 0, 0}
	z := []float64{3, 1, 4, 1, 5, 9, 2, 6, 5, 3}
	m, err := cox.Fit(time, event, [][]float64{x, z}, &cox.Options{Names: []string{"x", "z"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	w := strings.Join(m.Warnings, "\n")
	if !strings.Contains(w, "variable x; coefficient may be infinite") || strings.Contains(w, "variable z") {
		t.Errorf("warnings %q", m.Warnings)
	}
	if m.Coef[0] < 10 {
		t.Errorf("coef x = %v, want a large value", m.Coef[0])
	}
}

// TestConstantWithinStrata: a covariate that is constant inside every
// stratum carries no information; its coefficient is NaN (R's NA) with a
// warning naming it, and the other column is fitted as without it.
func TestConstantWithinStrata(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := 60
	time := make([]float64, n)
	event := make([]bool, n)
	strata := make([]int, n)
	c := make([]float64, n)
	z := make([]float64, n)
	for i := range time {
		time[i] = float64(1 + rng.IntN(40))
		event[i] = rng.IntN(4) > 0
		strata[i] = i % 3
		c[i] = 10 * float64(strata[i])
		z[i] = rng.NormFloat64()
	}
	m, err := cox.Fit(time, event, [][]float64{c, z}, &cox.Options{Strata: strata, Names: []string{"c", "z"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !m.Aliased[0] || !math.IsNaN(m.Coef[0]) || m.Rank != 1 || !strings.Contains(strings.Join(m.Warnings, "\n"), "c is constant or collinear") {
		t.Fatalf("aliased %v coef %v rank %d warnings %q", m.Aliased, m.Coef, m.Rank, m.Warnings)
	}
	only, err := cox.Fit(time, event, [][]float64{z}, &cox.Options{Strata: strata}, nil)
	if err != nil {
		t.Fatal(err)
	}
	reftest.Floats(t, "coef z", m.Coef[1:], only.Coef, 1e-9)
	reftest.Floats(t, "se z", m.SE[1:], only.SE, 1e-9)
	if m.LRT.DF != 1 || m.Wald.DF != 1 || m.Score.DF != 1 {
		t.Errorf("df %d %d %d, want 1", m.LRT.DF, m.Wald.DF, m.Score.DF)
	}
	reftest.Floats(t, "tests", []float64{m.LRT.Statistic, m.Wald.Statistic, m.Score.Statistic},
		[]float64{only.LRT.Statistic, only.Wald.Statistic, only.Score.Statistic}, 1e-9)
}

func TestSingleEvent(t *testing.T) {
	time := []float64{5, 1, 3, 4, 2}
	event := []bool{false, false, true, false, false}
	x := []float64{0.5, 1, 2, -1, 0}
	m, err := cox.Fit(time, event, [][]float64{x}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	// at beta = 0 the one death is one of the 3 at risk at time 3
	reftest.Floats(t, "loglik null", []float64{m.LoglikNull}, []float64{-math.Log(3)}, 1e-14)
	if m.Events != 1 {
		t.Errorf("events %d", m.Events)
	}
	// the death has the largest x in its risk set: monotone likelihood
	if !strings.Contains(strings.Join(m.Warnings, "\n"), "may be infinite") {
		t.Errorf("warnings %q", m.Warnings)
	}
}

// TestAllTied: every subject dies at the same time. The score is 0 at
// beta = 0 under both tie rules, so the estimate is 0; the log-likelihood
// is -n log n (Breslow) and -log n! (Efron).
func TestAllTied(t *testing.T) {
	n := 6
	time := make([]float64, n)
	event := make([]bool, n)
	x := []float64{3, 1, 4, 1, 5, 9}
	for i := range time {
		time[i] = 7
		event[i] = true
	}
	lf, _ := math.Lgamma(float64(n + 1))
	for _, tc := range []struct {
		ties   cox.Method
		loglik float64
	}{
		{cox.Breslow, -float64(n) * math.Log(float64(n))},
		{cox.Efron, -lf},
	} {
		m, err := cox.Fit(time, event, [][]float64{x}, &cox.Options{Ties: tc.ties}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(m.Coef[0]) > 1e-12 || !m.Converged {
			t.Errorf("%v: coef %v converged %v", tc.ties, m.Coef, m.Converged)
		}
		reftest.Floats(t, tc.ties.String()+" loglik", []float64{m.LoglikNull, m.Loglik}, []float64{tc.loglik, tc.loglik}, 1e-13)
	}
}

// TestScaleInvariance: MTV in mL (up to 5000) beside age in years gives
// the same fit as MTV in litres, coefficient times 1000, and shifting a
// column changes nothing but the means: centring and scaling keep the
// precision.
func TestScaleInvariance(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	n := 400
	time := make([]float64, n)
	event := make([]bool, n)
	age := make([]float64, n)
	mtv := make([]float64, n)
	for i := range time {
		age[i] = 30 + 50*rng.Float64()
		mtv[i] = 5000 * math.Pow(rng.Float64(), 3)
		rate := math.Exp(0.02*(age[i]-60) + 0.0004*mtv[i])
		time[i] = math.Ceil(rng.ExpFloat64() / rate * 100)
		event[i] = rng.Float64() < 0.8
	}
	ml, err := cox.Fit(time, event, [][]float64{age, mtv}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	litres := make([]float64, n)
	shifted := make([]float64, n)
	for i := range mtv {
		litres[i] = mtv[i] / 1000
		shifted[i] = age[i] + 1e6
	}
	l, err := cox.Fit(time, event, [][]float64{shifted, litres}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	reftest.Floats(t, "coef", []float64{ml.Coef[0], ml.Coef[1] * 1000}, l.Coef, 1e-9)
	reftest.Floats(t, "se", []float64{ml.SE[0], ml.SE[1] * 1000}, l.SE, 1e-8)
	reftest.Floats(t, "loglik", []float64{ml.Loglik}, []float64{l.Loglik}, 1e-12)
	if !ml.Converged || len(ml.Warnings) > 0 {
		t.Errorf("converged %v warnings %q", ml.Converged, ml.Warnings)
	}
}

// TestProperties: permuting the observations changes nothing, and nil
// weights equal all-ones weights.
func TestProperties(t *testing.T) {
	rm := refFit(t, "lung.csv", "time", "event", "age,sex,ph.ecog", "", cox.Options{})
	base := rm.model
	n := len(rm.time)
	ones := make([]float64, n)
	for i := range ones {
		ones[i] = 1
	}
	m, err := cox.Fit(rm.time, rm.event, rm.design.X, nil, ones)
	if err != nil {
		t.Fatal(err)
	}
	reftest.Floats(t, "ones coef", m.Coef, base.Coef, 1e-12)
	reftest.Floats(t, "ones se", m.SE, base.SE, 1e-12)

	rng := rand.New(rand.NewPCG(3, 5))
	perm := rng.Perm(n)
	time := make([]float64, n)
	event := make([]bool, n)
	x := make([][]float64, len(rm.design.X))
	for j := range x {
		x[j] = make([]float64, n)
	}
	for k, i := range perm {
		time[k], event[k] = rm.time[i], rm.event[i]
		for j := range x {
			x[j][k] = rm.design.X[j][i]
		}
	}
	m, err = cox.Fit(time, event, x, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	reftest.Floats(t, "permuted coef", m.Coef, base.Coef, 1e-10)
	reftest.Floats(t, "permuted loglik", []float64{m.Loglik}, []float64{base.Loglik}, 1e-13)
	lp, baseLP := m.LinearPredictors(true), base.LinearPredictors(true)
	for k, i := range perm {
		if !reftest.Rel(lp[k], baseLP[i], 1e-9) && math.Abs(lp[k]-baseLP[i]) > 1e-12 {
			t.Fatalf("permuted lp[%d] = %v, want %v", k, lp[k], baseLP[i])
		}
	}
}

func TestEmptyStratumAndErrors(t *testing.T) {
	time := []float64{1, 2, 3, 4, 5, 6, 7, 8}
	event := []bool{true, false, true, true, false, false, false, false}
	x := []float64{1, 0, 2, 1, 0, 1, 3, 2}
	strata := []int{0, 0, 0, 0, 1, 1, 1, 1}
	m, err := cox.Fit(time, event, [][]float64{x}, &cox.Options{Strata: strata, StrataNames: []string{"A", "B"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(m.Warnings, "\n"), "stratum B has no events") {
		t.Errorf("warnings %q", m.Warnings)
	}
	bad := []struct {
		name   string
		time   []float64
		event  []bool
		x      []float64
		w      []float64
		errSub string
	}{
		{"negative time", []float64{1, -2}, []bool{true, true}, []float64{0, 1}, nil, "time -2"},
		{"NaN covariate", []float64{1, 2}, []bool{true, true}, []float64{0, math.NaN()}, nil, "x1 is NaN"},
		{"zero weight", []float64{1, 2}, []bool{true, true}, []float64{0, 1}, []float64{1, 0}, "weight 0"},
		{"no events", []float64{1, 2}, []bool{false, false}, []float64{0, 1}, nil, "no events"},
	}
	for _, b := range bad {
		_, err := cox.Fit(b.time, b.event, [][]float64{b.x}, nil, b.w)
		if err == nil || !strings.Contains(err.Error(), b.errSub) {
			t.Errorf("%s: error %v, want one containing %q", b.name, err, b.errSub)
		}
	}
}

func TestPanics(t *testing.T) {
	panics := func(name string, f func()) {
		t.Helper()
		defer func() {
			if recover() == nil {
				t.Errorf("%s: no panic", name)
			}
		}()
		f()
	}
	panics("event length", func() { cox.Fit([]float64{1, 2}, []bool{true}, nil, nil, nil) })
	panics("column length", func() { cox.Fit([]float64{1, 2}, []bool{true, false}, [][]float64{{1}}, nil, nil) })
	panics("weights length", func() { cox.Fit([]float64{1, 2}, []bool{true, false}, nil, nil, []float64{1}) })
	panics("strata length", func() {
		cox.Fit([]float64{1, 2}, []bool{true, false}, nil, &cox.Options{Strata: []int{1}}, nil)
	})
	m, _ := cox.Fit([]float64{1, 2, 3}, []bool{true, false, true}, [][]float64{{1, 0, 2}}, nil, nil)
	panics("LP length", func() { m.LP([]float64{1, 2}) })
	panics("Survfit length", func() { m.Survfit(nil) })
}

// TestTimefix: times that differ by rounding error (days/30.4375 computed
// two ways) are one tie, as coxph's timefix = TRUE (aeqSurv) makes them.
func TestTimefix(t *testing.T) {
	time := []float64{10, 0.1 + 0.2, 0.3, 5, 7, 2}
	event := []bool{true, true, true, false, true, true}
	x := []float64{1, 0, 1, 0, 1, 0}
	exact := slices.Clone(time)
	exact[1] = 0.3
	a, err := cox.Fit(time, event, [][]float64{x}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := cox.Fit(exact, event, [][]float64{x}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.Loglik != b.Loglik || a.Coef[0] != b.Coef[0] {
		t.Errorf("near-tie not merged: loglik %v vs %v", a.Loglik, b.Loglik)
	}
}
