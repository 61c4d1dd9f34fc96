package concordance_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"carimpi/internal/reftest"
	"carimpi/survival/concordance"
)

// bruteCounting counts the pairs of (start, stop] data directly, as
// HarrellWith's documentation defines them, and computes the infinitesimal
// jackknife standard error from each row's pair counts (summed by cluster
// when cluster is not nil).
func bruteCounting(start, stop []float64, event []bool, score []float64, strata []int, w []float64, cluster []int) concordance.Result {
	n := len(stop)
	var r concordance.Result
	inf := make([][3]float64, n) // concordant, discordant, tied.x pairs of each row
	for i := range n {
		for j := range n {
			if i == j || (strata != nil && strata[i] != strata[j]) || !event[i] {
				continue
			}
			pw := w[i] * w[j]
			ti := stop[i]
			switch {
			case start[j] < ti && (ti < stop[j] || (ti == stop[j] && !event[j])):
				k := 2
				switch {
				case score[i] > score[j]:
					k = 0
					r.Concordant += pw
				case score[i] < score[j]:
					k = 1
					r.Discordant += pw
				default:
					r.TiedX += pw
				}
				inf[i][k] += w[j]
				inf[j][k] += w[i]
			case ti == stop[j] && event[j] && i < j:
				if score[i] == score[j] {
					r.TiedXY += pw
				} else {
					r.TiedY += pw
				}
			}
		}
	}
	npair := r.Concordant + r.Discordant + r.TiedX
	somer := (r.Concordant - r.Discordant) / npair
	r.C = (somer + 1) / 2
	sum := map[int]float64{}
	for i := range n {
		c, d, x := inf[i][0], inf[i][1], inf[i][2]
		k := i
		if cluster != nil {
			k = cluster[i]
		}
		sum[k] += w[i] * ((c-d)/npair - somer/npair*(c+d+x))
	}
	var v float64
	for _, db := range sum {
		v += db * db
	}
	r.SE = math.Sqrt(v / 4)
	return r
}

// randomCounting draws (start, stop] rows on a coarse grid, so that times,
// starts equal to other rows' stops and scores tie often; some subjects
// have several rows (the cluster codes).
func randomCounting(seed uint64, n int) (start, stop []float64, event []bool, score []float64, strata, cluster []int, w []float64) {
	rng := rand.New(rand.NewPCG(seed, 2))
	id := 0
	for len(stop) < n {
		t0 := float64(rng.IntN(6))
		for k := rng.IntN(3); k >= 0 && len(stop) < n; k-- {
			t1 := t0 + float64(1+rng.IntN(5))
			start = append(start, t0)
			stop = append(stop, t1)
			event = append(event, rng.Float64() < 0.5)
			score = append(score, float64(rng.IntN(5)))
			strata = append(strata, id%2)
			cluster = append(cluster, id)
			w = append(w, 0.5+rng.Float64())
			t0 = t1
		}
		id++
	}
	return
}

func TestCountingBruteForce(t *testing.T) {
	for seed := uint64(1); seed <= 6; seed++ {
		t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) {
			start, stop, event, score, strata, cluster, w := randomCounting(seed, 90)
			for _, wc := range weightings(w) {
				bw := wc.brute
				for _, st := range [][]int{nil, strata} {
					for _, cl := range [][]int{nil, cluster} {
						name := fmt.Sprintf("%s strata=%v cluster=%v", wc.name, st != nil, cl != nil)
						got := concordance.HarrellWith(stop, event, score, concordance.Options{Start: start, Strata: st, Weights: wc.w, Cluster: cl})
						want := bruteCounting(start, stop, event, score, st, bw, cl)
						checkResult(t, name, got, want.C, want.SE, rcount{want.Concordant, want.Discordant, want.TiedX, want.TiedY, want.TiedXY}, 1e-12)
						if !reftest.Rel(got.SE, want.SE, 1e-12) {
							t.Errorf("%s: se %v, want %v", name, got.SE, want.SE)
						}
					}
				}
			}
		})
	}
}

// With every start below the first time, (start, stop] data are
// right-censored data, and a cluster per row is no cluster.
func TestCountingReducesToHarrell(t *testing.T) {
	time, event, score, strata, w := randomData(3, 150)
	start := make([]float64, len(time))
	rows := make([]int, len(time))
	for i := range start {
		start[i] = -1
		rows[i] = 10 * i
	}
	want := concordance.Harrell(time, event, score, strata, w)
	got := concordance.HarrellWith(time, event, score, concordance.Options{Start: start, Strata: strata, Weights: w, Cluster: rows})
	if !reftest.Rel(got.C, want.C, 1e-14) || !reftest.Rel(got.SE, want.SE, 1e-12) || got.Concordant != want.Concordant || got.TiedY != want.TiedY {
		t.Errorf("counting %+v, right-censored %+v", got, want)
	}
}

func TestCountingInvalid(t *testing.T) {
	for _, start := range [][]float64{{0, 2, 1}, {0, math.NaN(), 1}} {
		r := concordance.HarrellWith([]float64{1, 2, 3}, []bool{true, true, false}, []float64{3, 2, 1}, concordance.Options{Start: start})
		if !math.IsNaN(r.C) || !math.IsNaN(r.Concordant) {
			t.Errorf("start %v: %+v, want NaN", start, r)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("no panic for a short start")
		}
	}()
	concordance.HarrellWith([]float64{1, 2}, []bool{true, true}, []float64{1, 2}, concordance.Options{Start: []float64{0}})
}

// concordance-counting.json: coxph's concordance on (start, stop] data
// (jasa1, cgd) with weights, strata and clusters (see
// testdata/concordance-counting.R).
func TestCountingR(t *testing.T) {
	var ref struct {
		Cases []struct {
			Name                   string
			Start, Stop, Score     []float64
			Event, Strata, Cluster []int
			Weights                []float64
			C, SE                  float64
			Count                  rcount
		}
	}
	reftest.Load(t, "testdata/concordance-counting.json", &ref)
	if len(ref.Cases) < 6 {
		t.Fatalf("%d cases", len(ref.Cases))
	}
	for _, c := range ref.Cases {
		event := make([]bool, len(c.Event))
		for i, e := range c.Event {
			event[i] = e == 1
		}
		got := concordance.HarrellWith(c.Stop, event, c.Score, concordance.Options{Start: c.Start, Strata: c.Strata, Weights: c.Weights, Cluster: c.Cluster})
		checkResult(t, c.Name, got, c.C, c.SE, c.Count, 1e-9)
		if !reftest.Rel(got.SE, c.SE, 1e-9) {
			t.Errorf("%s: se %.15g, want %.15g", c.Name, got.SE, c.SE)
		}
	}
}

// Start and stop times that differ by rounding error only are tied
// jointly, as aeqSurv ties (start, stop] data: a start a hair after
// another row's event time still takes that row out of the risk set there.
func TestCountingTimefix(t *testing.T) {
	stop := []float64{2, 5, 5, 6}
	event := []bool{true, true, false, true}
	score := []float64{3, 1, 2, 0}
	exact := []float64{0, 0, 2, 2}
	noisy := []float64{0, 0, 2 * (1 + 1e-12), 2 - 1e-13}
	want := concordance.HarrellWith(stop, event, score, concordance.Options{Start: exact})
	got := concordance.HarrellWith(stop, event, score, concordance.Options{Start: noisy})
	if got != want {
		t.Errorf("near-tied starts %+v, want %+v", got, want)
	}
	if want.Concordant+want.Discordant+want.TiedX != 3 {
		t.Errorf("%+v: want 3 comparable pairs (the rows entering at 2 are not at risk at 2)", want)
	}
}
