package maxstat

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"carimpi/table"
)

const refDir = "../../testdata/reference"

// refCase is the part of a maxstat reference file (R maxstat 0.7.25,
// testdata/reference/scripts/06_maxstat.R) the tests use.
type refCase struct {
	Dataset  string `json:"dataset"`
	Expected struct {
		N                 int       `json:"N"`
		Cutpoint          float64   `json:"estimated_cutpoint"`
		Statistic         float64   `json:"statistic"`
		P                 float64   `json:"p.value"`
		Cuts              []float64 `json:"cuts"`
		MLeft             []int     `json:"m_left"`
		Stats             []float64 `json:"stats"`
		Scores            []float64 `json:"scores"`
		IntScores         []float64 `json:"scores_used_integer"`
		PMarkov           *float64  `json:"p.value_exact_markov"`
		PValueErrorOfR    *float64  `json:"p.value_error_estimate"`
		PMvnormPrecise    *float64  `json:"p.value_pmvnorm_precise"`
		PMvnormPreciseErr *float64  `json:"p.value_pmvnorm_precise_error"`
	} `json:"expected"`
}

// refMaxstat lists the maxstat reference cases with their columns.
var refMaxstat = []struct {
	file, x, time, event, eventValue string
	method                           Method
}{
	{"maxstat-dlbcl-mge-lau92.json", "MGE", "time", "cens", "1", Lau92},
	{"maxstat-dlbcl-mge-lau94.json", "MGE", "time", "cens", "1", Lau94},
	{"maxstat-dlbcl-mge-exactgauss.json", "MGE", "time", "cens", "1", ExactGauss},
	{"maxstat-dlbcl-mge-hl.json", "MGE", "time", "cens", "1", HL},
	{"maxstat-lung-age-lau94.json", "age", "time", "status", "2", Lau94},
	{"maxstat-lung-age-exactgauss.json", "age", "time", "status", "2", ExactGauss},
}

func readRef(t testing.TB, file string) refCase {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(refDir, "expected", file))
	if err != nil {
		t.Fatal(err)
	}
	var c refCase
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return c
}

// readSurv reads x, time and event from a reference CSV, dropping rows with
// a missing value (as R's na.omit).
func readSurv(t testing.TB, dataset, xCol, timeCol, eventCol, eventValue string) (x, tm []float64, ev []bool) {
	t.Helper()
	tab, err := table.ReadFile(filepath.Join(refDir, "data", dataset))
	if err != nil {
		t.Fatal(err)
	}
	xs, err1 := tab.Floats(xCol)
	ts, err2 := tab.Floats(timeCol)
	es, err3 := tab.Strings(eventCol)
	if err1 != nil || err2 != nil || err3 != nil {
		t.Fatal(err1, err2, err3)
	}
	for i := range xs {
		if math.IsNaN(xs[i]) || math.IsNaN(ts[i]) || table.IsMissing(es[i]) {
			continue
		}
		x = append(x, xs[i])
		tm = append(tm, ts[i])
		ev = append(ev, es[i] == eventValue)
	}
	return x, tm, ev
}

func relClose(a, b, tol float64) bool {
	return math.Abs(a-b) <= tol*math.Max(math.Abs(b), 1e-300)
}

func TestReferenceCases(t *testing.T) {
	for _, rc := range refMaxstat {
		t.Run(rc.file, func(t *testing.T) {
			want := readRef(t, rc.file)
			x, tm, ev := readSurv(t, want.Dataset, rc.x, rc.time, rc.event, rc.eventValue)
			if len(x) != want.Expected.N {
				t.Fatalf("N = %d, want %d", len(x), want.Expected.N)
			}
			// Scores: 1e-12 relative (documented formula, R checks it at 1e-12).
			for i, a := range LogRankScores(tm, ev) {
				if math.Abs(a-want.Expected.Scores[i]) > 1e-12*math.Max(1, math.Abs(a)) {
					t.Fatalf("score %d = %v, want %v", i, a, want.Expected.Scores[i])
				}
			}
			r, err := Test(x, tm, ev, Options{Method: rc.method, Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			if rc.method == HL {
				for i, a := range r.Scores {
					if a != want.Expected.IntScores[i] {
						t.Fatalf("integer score %d = %v, want %v", i, a, want.Expected.IntScores[i])
					}
				}
			}
			if r.Cutpoint != want.Expected.Cutpoint {
				t.Errorf("cutpoint %v, want %v exactly", r.Cutpoint, want.Expected.Cutpoint)
			}
			if !relClose(r.Statistic, want.Expected.Statistic, 1e-9) {
				t.Errorf("statistic %v, want %v (1e-9 relative)", r.Statistic, want.Expected.Statistic)
			}
			if len(r.Cuts) != len(want.Expected.Cuts) {
				t.Fatalf("%d cuts, want %d", len(r.Cuts), len(want.Expected.Cuts))
			}
			for i := range r.Cuts {
				if r.Cuts[i] != want.Expected.Cuts[i] || r.M[i] != want.Expected.MLeft[i] {
					t.Errorf("cut %d = %v (m %d), want %v (m %d)", i, r.Cuts[i], r.M[i], want.Expected.Cuts[i], want.Expected.MLeft[i])
				}
				if !relClose(r.Stats[i], want.Expected.Stats[i], 1e-9) {
					t.Errorf("stat %d = %v, want %v (1e-9 relative)", i, r.Stats[i], want.Expected.Stats[i])
				}
			}
			switch rc.method {
			case ExactGauss:
				// The deterministic Markov-chain value, 1e-8 absolute; R's
				// randomized pmvnorm value, 5e-3 absolute.
				if math.Abs(r.P-*want.Expected.PMarkov) > 1e-8 {
					t.Errorf("p %.12g, want %.12g (1e-8 absolute), accuracy %.2g", r.P, *want.Expected.PMarkov, r.PAccuracy)
				}
				if math.Abs(r.P-want.Expected.P) > 5e-3 {
					t.Errorf("p %.12g, R's pmvnorm %.12g (5e-3 absolute)", r.P, want.Expected.P)
				}
				if r.PAccuracy > 1e-8 {
					t.Errorf("accuracy %.2g, want <= 1e-8", r.PAccuracy)
				}
			default:
				if !relClose(r.P, want.Expected.P, 1e-9) {
					t.Errorf("p %.15g, want %.15g (1e-9 relative)", r.P, want.Expected.P)
				}
			}
		})
	}
}
