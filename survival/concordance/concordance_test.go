package concordance_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"

	"carimpi/internal/reftest"
	"carimpi/survival/concordance"
)

const (
	refData     = "../../testdata/reference/data/"
	refExpected = "../../testdata/reference/expected/"
)

// rcount is R's concordance count vector.
type rcount struct {
	Concordant float64 `json:"concordant"`
	Discordant float64 `json:"discordant"`
	TiedX      float64 `json:"tied.x"`
	TiedY      float64 `json:"tied.y"`
	TiedXY     float64 `json:"tied.xy"`
}

func checkResult(t *testing.T, name string, got concordance.Result, c, se float64, n rcount, countTol float64) {
	t.Helper()
	if !reftest.Rel(got.C, c, 1e-9) {
		t.Errorf("%s: C = %.15g, want %.15g", name, got.C, c)
	}
	if !reftest.Rel(got.SE, se, 1e-6) {
		t.Errorf("%s: se = %.15g, want %.15g", name, got.SE, se)
	}
	for _, q := range []struct {
		name      string
		got, want float64
	}{
		{"concordant", got.Concordant, n.Concordant},
		{"discordant", got.Discordant, n.Discordant},
		{"tied.x", got.TiedX, n.TiedX},
		{"tied.y", got.TiedY, n.TiedY},
		{"tied.xy", got.TiedXY, n.TiedXY},
	} {
		if !scalar.EqualWithinAbsOrRel(q.got, q.want, 1e-9, countTol) {
			t.Errorf("%s: %s = %.15g, want %.15g", name, q.name, q.got, q.want)
		}
	}
}

// coxCase is a cox-*.json file: its concordance block was computed by
// summary(coxph) on the fit's linear predictor, which the test rebuilds as
// X b from the data and the file's coefficients (centering does not change
// C).
type coxCase struct {
	file, data string
	event      func(status float64) bool
	cols       []string // data column of each term; "col=level" for a factor dummy
	strata     string
}

func TestHarrellCoxReference(t *testing.T) {
	status2 := func(s float64) bool { return s == 2 }
	status1 := func(s float64) bool { return s == 1 }
	lung := []string{"age", "sex", "ph.ecog"}
	for _, tc := range []coxCase{
		{"cox-lung-efron.json", "lung.csv", status2, lung, ""},
		{"cox-lung-breslow.json", "lung.csv", status2, lung, ""},
		{"cox-pbc.json", "pbc312.csv", status2, []string{"age", "edema", "log_bili", "log_albumin", "log_protime"}, ""},
		{"cox-veteran-strata.json", "veteran.csv", status1, []string{"trt", "karno", "diagtime", "age"}, "celltype"},
		{"cox-veteran-celltype.json", "veteran.csv", status1, []string{"celltype=smallcell", "celltype=adeno", "celltype=large"}, ""},
	} {
		t.Run(tc.file, func(t *testing.T) {
			var ref struct {
				Expected struct {
					Coef        []float64
					Concordance struct {
						C  float64
						SE float64
						rcount
					}
				}
			}
			reftest.Load(t, refExpected+tc.file, &ref)
			time, event, score, strata := coxData(t, tc, ref.Expected.Coef)
			got := concordance.Harrell(time, event, score, strata, nil)
			e := ref.Expected.Concordance
			checkResult(t, tc.file, got, e.C, e.SE, e.rcount, 0)
		})
	}
}

// coxData returns the complete rows of tc's data set and their linear
// predictor X b.
func coxData(t *testing.T, tc coxCase, coef []float64) (time []float64, event []bool, score []float64, strata []int) {
	t.Helper()
	time, event, x, strata := reftest.CoxRows(t, refData+tc.data, tc.cols, tc.strata, tc.event)
	score = make([]float64, len(time))
	for i := range score {
		lp := 0.0
		for j := range x {
			lp += coef[j] * x[j][i]
		}
		score[i] = lp
	}
	return time, event, score, strata
}

// concordance-r.json: survival::concordance on given scores, with weights,
// strata and Uno's time weights (see testdata/concordance-r.R).
func TestConcordanceR(t *testing.T) {
	var ref struct {
		Cases []struct {
			Name    string
			Time    []float64
			Event   []int
			Score   []float64
			Strata  []float64
			Weights []float64
			Tau     *float64
			C, SE   float64
			Count   rcount
		}
	}
	reftest.Load(t, "testdata/concordance-r.json", &ref)
	for _, c := range ref.Cases {
		event := make([]bool, len(c.Event))
		for i, e := range c.Event {
			event[i] = e == 1
		}
		var strata []int
		for _, s := range c.Strata {
			strata = append(strata, int(s))
		}
		var got concordance.Result
		if c.Tau != nil {
			got = concordance.Uno(c.Time, event, c.Score, *c.Tau, c.Weights)
		} else {
			got = concordance.Harrell(c.Time, event, c.Score, strata, c.Weights)
		}
		checkResult(t, c.Name, got, c.C, c.SE, c.Count, 1e-9)
	}
}

// bruteUno is the O(n^2) definition of Uno's C in concordance.Uno's doc.
func bruteUno(time []float64, event []bool, score []float64, tau float64, w []float64) float64 {
	n := len(time)
	g := func(t float64) float64 { // censoring KM at t-, events before censorings
		s := 1.0
		for _, c := range distinct(time) {
			if c >= t {
				break
			}
			var atRisk, dead, cens float64
			for k := range n {
				if time[k] >= c {
					atRisk += w[k]
				}
				if time[k] == c {
					if event[k] {
						dead += w[k]
					} else {
						cens += w[k]
					}
				}
			}
			if cens > 0 {
				s *= 1 - cens/(atRisk-dead)
			}
		}
		return s
	}
	var num, den float64
	for i := range n {
		if !event[i] || time[i] > tau {
			continue
		}
		gi := g(time[i])
		for j := range n {
			if time[j] > time[i] || (time[j] == time[i] && !event[j]) {
				pw := w[i] * w[j] / (gi * gi)
				den += pw
				switch {
				case score[i] > score[j]:
					num += pw
				case score[i] == score[j]:
					num += pw / 2
				}
			}
		}
	}
	return num / den
}

func distinct(x []float64) []float64 {
	seen := map[float64]bool{}
	var out []float64
	for _, v := range x {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	for i := 1; i < len(out); i++ { // insertion sort, small n
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// bruteHarrell counts pairs directly.
func bruteHarrell(time []float64, event []bool, score []float64, strata []int, w []float64) concordance.Result {
	var r concordance.Result
	for i := range time {
		for j := range time {
			if i == j || (strata != nil && strata[i] != strata[j]) || !event[i] {
				continue
			}
			pw := w[i] * w[j]
			switch {
			case time[i] < time[j] || (time[i] == time[j] && !event[j]):
				switch {
				case score[i] > score[j]:
					r.Concordant += pw
				case score[i] < score[j]:
					r.Discordant += pw
				default:
					r.TiedX += pw
				}
			case time[i] == time[j] && event[j] && i < j:
				if score[i] == score[j] {
					r.TiedXY += pw
				} else {
					r.TiedY += pw
				}
			}
		}
	}
	r.C = (r.Concordant + r.TiedX/2) / (r.Concordant + r.Discordant + r.TiedX)
	return r
}

// weighting is a case of the brute-force tests: the weights given to the
// function under test (nil: unweighted) and those of the brute force.
type weighting struct {
	name     string
	w, brute []float64
}

// weightings returns the unweighted case (nil, all ones) and w.
func weightings(w []float64) []weighting {
	ones := make([]float64, len(w))
	for i := range ones {
		ones[i] = 1
	}
	return []weighting{{"unweighted", nil, ones}, {"weighted", w, w}}
}

// randomData has many tied times and scores; the seed is in the test name.
func randomData(seed uint64, n int) (time []float64, event []bool, score []float64, strata []int, w []float64) {
	rng := rand.New(rand.NewPCG(seed, 0))
	for range n {
		time = append(time, float64(1+rng.IntN(15)))
		event = append(event, rng.Float64() < 0.6)
		score = append(score, float64(rng.IntN(6)))
		strata = append(strata, rng.IntN(3))
		w = append(w, 0.5+rng.Float64())
	}
	return
}

func TestBruteForce(t *testing.T) {
	for seed := uint64(1); seed <= 5; seed++ {
		t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) {
			time, event, score, strata, w := randomData(seed, 80)
			for _, wc := range weightings(w) {
				bw := wc.brute
				for _, st := range [][]int{nil, strata} {
					got := concordance.Harrell(time, event, score, st, wc.w)
					want := bruteHarrell(time, event, score, st, bw)
					checkResult(t, wc.name, got, want.C, got.SE, rcount{want.Concordant, want.Discordant, want.TiedX, want.TiedY, want.TiedXY}, 1e-12)
				}
				for _, tau := range []float64{5, 10, 20} {
					got := concordance.Uno(time, event, score, tau, wc.w)
					if want := bruteUno(time, event, score, tau, bw); !reftest.Rel(got.C, want, 1e-12) {
						t.Errorf("%s Uno tau %v: C = %v, want %v", wc.name, tau, got.C, want)
					}
				}
			}
		})
	}
}

func TestProperties(t *testing.T) {
	time, event, score, strata, _ := randomData(7, 200)
	ones := make([]float64, len(time))
	for i := range ones {
		ones[i] = 1
	}
	base := concordance.Harrell(time, event, score, strata, nil)
	if got := concordance.Harrell(time, event, score, strata, ones); got != base {
		t.Errorf("all-ones weights %+v differ from nil %+v", got, base)
	}
	// Permuting the rows changes nothing.
	perm := rand.New(rand.NewPCG(7, 1)).Perm(len(time))
	pt, pe, ps, pst := make([]float64, len(time)), make([]bool, len(time)), make([]float64, len(time)), make([]int, len(time))
	for i, p := range perm {
		pt[i], pe[i], ps[i], pst[i] = time[p], event[p], score[p], strata[p]
	}
	got := concordance.Harrell(pt, pe, ps, pst, nil)
	if !reftest.Rel(got.C, base.C, 1e-14) || !reftest.Rel(got.SE, base.SE, 1e-12) || got.Concordant != base.Concordant {
		t.Errorf("permuted %+v, want %+v", got, base)
	}
	// Negating the score swaps concordant and discordant.
	neg := make([]float64, len(score))
	for i, s := range score {
		neg[i] = -s
	}
	r := concordance.Harrell(time, event, neg, strata, nil)
	if r.Concordant != base.Discordant || !reftest.Rel(r.C, 1-base.C, 1e-14) || !reftest.Rel(r.SE, base.SE, 1e-12) {
		t.Errorf("negated %+v vs %+v", r, base)
	}
	// Uno with no censoring before tau and tau past all times is Harrell.
	allEvents := make([]bool, len(time))
	for i := range allEvents {
		allEvents[i] = true
	}
	h := concordance.Harrell(time, allEvents, score, nil, nil)
	u := concordance.Uno(time, allEvents, score, math.Inf(1), nil)
	if !reftest.Rel(u.C, h.C, 1e-14) {
		t.Errorf("Uno without censoring %v, Harrell %v", u.C, h.C)
	}
}

func TestDegenerate(t *testing.T) {
	// No events: no comparable pair.
	r := concordance.Harrell([]float64{1, 2, 3}, []bool{false, false, false}, []float64{1, 2, 3}, nil, nil)
	if !math.IsNaN(r.C) || !math.IsNaN(r.SE) {
		t.Errorf("no events: %+v", r)
	}
	// NaN score.
	r = concordance.Harrell([]float64{1, 2, 3}, []bool{true, true, true}, []float64{1, math.NaN(), 3}, nil, nil)
	if !math.IsNaN(r.C) {
		t.Errorf("NaN score: %+v", r)
	}
	// Perfect ordering.
	r = concordance.Harrell([]float64{1, 2, 3, 4}, []bool{true, true, true, false}, []float64{4, 3, 2, 1}, nil, nil)
	if r.C != 1 || r.Concordant != 6 {
		t.Errorf("perfect: %+v", r)
	}
}

func TestPanics(t *testing.T) {
	for _, f := range []func(){
		func() { concordance.Harrell([]float64{1}, []bool{true, false}, []float64{1}, nil, nil) },
		func() { concordance.Harrell([]float64{1}, []bool{true}, []float64{1}, []int{1, 2}, nil) },
		func() { concordance.Uno([]float64{1}, []bool{true}, []float64{1}, 1, []float64{1, 2}) },
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

// Times that differ by rounding error only are tied, as R's aeqSurv
// (timefix = TRUE) makes them.
func TestTimefix(t *testing.T) {
	exact := []float64{1, 1, 2, 3, 3, 4}
	noisy := []float64{1 + 1e-12, 1, 2, 3, 3 * (1 + 1e-10), 4}
	event := []bool{true, true, false, true, true, false}
	score := []float64{3, 1, 2, 0.5, 2, 1}
	want := concordance.Harrell(exact, event, score, nil, nil)
	got := concordance.Harrell(noisy, event, score, nil, nil)
	if got != want {
		t.Errorf("Harrell with near-ties %+v, want %+v", got, want)
	}
	if want.TiedY != 2 {
		t.Errorf("tied.y = %v, want 2", want.TiedY)
	}
	if got, want := concordance.Uno(noisy, event, score, 10, nil), concordance.Uno(exact, event, score, 10, nil); got != want {
		t.Errorf("Uno with near-ties %+v, want %+v", got, want)
	}
}
