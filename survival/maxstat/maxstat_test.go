package maxstat

import (
	"errors"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// naiveStats recomputes the standardized statistics by the documented
// formula, one cut at a time, with the group x <= cut found by comparison.
func naiveStats(x, a, cuts []float64) []float64 {
	n := float64(len(x))
	var sa, sq float64
	for _, v := range a {
		sa += v
		sq += v * v
	}
	out := make([]float64, len(cuts))
	for j, c := range cuts {
		s, m := 0.0, 0.0
		for i := range x {
			if x[i] <= c {
				s += a[i]
				m++
			}
		}
		e := m / n * sa
		v := m * (n - m) / (n * n * (n - 1)) * (n*sq - sa*sa)
		out[j] = math.Abs(s-e) / math.Sqrt(v)
	}
	return out
}

func TestScanMatchesDefinition(t *testing.T) {
	x, tm, ev := benchData(300)
	for i := range x {
		x[i] = math.Round(x[i] * 4) // heavy ties: about 25 distinct values
	}
	r, err := Test(x, tm, ev, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := naiveStats(x, LogRankScores(tm, ev), r.Cuts)
	for j := range want {
		if math.Abs(r.Stats[j]-want[j]) > 1e-12*want[j] {
			t.Errorf("cut %v: stat %v, want %v", r.Cuts[j], r.Stats[j], want[j])
		}
		if j > 0 && !(r.Cuts[j] > r.Cuts[j-1]) {
			t.Errorf("cuts not increasing: %v", r.Cuts)
		}
	}
	if r.Method != None || !math.IsNaN(r.P) {
		t.Errorf("no method asked: got %v, p %v", r.Method, r.P)
	}
}

func TestPermutationInvariance(t *testing.T) {
	x, tm, ev := benchData(200)
	r1, err := Test(x, tm, ev, Options{Method: Lau94})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 7))
	rng.Shuffle(len(x), func(i, j int) {
		x[i], x[j] = x[j], x[i]
		tm[i], tm[j] = tm[j], tm[i]
		ev[i], ev[j] = ev[j], ev[i]
	})
	r2, err := Test(x, tm, ev, Options{Method: Lau94})
	if err != nil {
		t.Fatal(err)
	}
	if r1.Cutpoint != r2.Cutpoint || math.Abs(r1.Statistic-r2.Statistic) > 1e-12 || math.Abs(r1.P-r2.P) > 1e-12 {
		t.Errorf("shuffled data changed the result: %+v vs %+v", r1, r2)
	}
}

func TestEdgeCases(t *testing.T) {
	x, tm, ev := benchData(50)
	same := make([]float64, len(x))
	for i := range same {
		same[i] = 3
	}
	twoValues := make([]float64, len(x))
	twoValues[0] = 1 // one observation above the rest: m = 49 > floor(0.9 N)
	noEvents := make([]bool, len(x))
	tests := []struct {
		name string
		x    []float64
		ev   []bool
		opts Options
		want string
	}{
		{"all x equal", same, ev, Options{}, "all 50 x values are equal"},
		{"too few distinct x", twoValues, ev, Options{}, "2 distinct values"},
		{"no events", x, noEvents, Options{}, "constant"},
		{"bad window", x, ev, Options{MinProp: 0.6, MaxProp: 0.4}, "minprop < maxprop"},
		{"bad method", x, ev, Options{Method: "Lau93"}, "unknown p-value method"},
	}
	for _, tc := range tests {
		_, err := Test(tc.x, tm, tc.ev, tc.opts)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
	if _, err := Test(x, tm, noEvents, Options{}); !errors.Is(err, ErrConstantScores) {
		t.Errorf("no events: %v, want ErrConstantScores", err)
	}
	// A binary x inside the window has exactly one cut.
	bin := make([]float64, len(x))
	for i := range bin {
		bin[i] = float64(i % 2)
	}
	r, err := Test(bin, tm, ev, Options{Method: ExactGauss})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Cuts) != 1 || r.Cutpoint != 0 || r.M[0] != 25 {
		t.Errorf("binary x: cuts %v m %v", r.Cuts, r.M)
	}
	if want := 2 * distuv.UnitNormal.CDF(-r.Statistic); r.P != want {
		t.Errorf("one cut: exactGauss %v, want 2 Phi(-b) = %v", r.P, want)
	}
}

func TestPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"Test lengths":       func() { Test([]float64{1, 2}, []float64{1}, []bool{true, false}, Options{}) },
		"LogRankScores":      func() { LogRankScores([]float64{1}, nil) },
		"TestScores lengths": func() { TestScores([]float64{1, 2}, []float64{1}, Options{}) },
		"CondMC B":           func() { PCondMC(1, []float64{1, 2}, []int{1}, 0, 1, 1) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

func TestScoreFunctions(t *testing.T) {
	// Hand-checked: times 1, 2, 2, 3 with events 1, 1, 0, 1. Max ranks 1, 3,
	// 3, 4, so the increments are 1/4 at t=1 and 1/2 (N - 3 + 1 = 2) at t=2.
	got := LogRankScores([]float64{2, 1, 3, 2}, []bool{true, true, true, false})
	want := []float64{1 - 0.75, 1 - 0.25, 1 - 1.75, -0.75}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-15 {
			t.Errorf("log-rank score %d = %v, want %v", i, got[i], want[i])
		}
	}
	w := WilcoxonScores([]float64{3, 1, 3, 2})
	if w[0] != 3.5 || w[1] != 1 || w[2] != 3.5 || w[3] != 2 {
		t.Errorf("Wilcoxon mid-ranks %v", w)
	}
	ns := NormalScores([]float64{3, 1, 2})
	if ns[2] != 0 || math.Abs(ns[0]-0.6744897501960817) > 1e-15 || ns[1] != -ns[0] {
		t.Errorf("normal scores %v, want qnorm(3/4, 1/4, 2/4)", ns)
	}
	is := IntegerScores([]float64{0.5, 1, 2.5})
	if is[0] != 1 || is[1] != 2 || is[2] != 5 {
		t.Errorf("half scores doubled: %v", is)
	}
	is = IntegerScores([]float64{-1, 0.25, 1})
	// (a - min) N / max = 0, 1.25*3/2 = 1.875 -> 2, 3.
	if is[0] != 0 || is[1] != 2 || is[2] != 3 {
		t.Errorf("rescaled integer scores %v", is)
	}
	if math.RoundToEven(2.5) != 2 {
		t.Fatal("half to even")
	}
}

// exactBivariate returns P(|Z1| <= b, |Z2| <= b) for corr(Z1, Z2) = rho by
// a fine composite Simpson rule over z1 of phi(z1) P(|Z2| <= b | z1).
func exactBivariate(b, rho float64) float64 {
	s := math.Sqrt(1 - rho*rho)
	const n = 20000
	h := 2 * b / n
	sum := 0.0
	for k := 0; k <= n; k++ {
		z := -b + float64(k)*h
		f := distuv.UnitNormal.Prob(z) * (distuv.UnitNormal.CDF((b-rho*z)/s) - distuv.UnitNormal.CDF((-b-rho*z)/s))
		w := 2.0
		if k == 0 || k == n {
			w = 1
		} else if k%2 == 1 {
			w = 4
		}
		sum += w * f
	}
	return sum * h / 3
}

func TestExactGaussTwoCuts(t *testing.T) {
	for _, tc := range []struct {
		n int
		m []int
		b float64
	}{
		{40, []int{10, 30}, 2.1},
		{1000, []int{400, 401}, 2.7},
		{100, []int{20, 80}, 1.2},
		{100, []int{30, 31}, 0.3},
		{500, []int{100, 250}, 5},
	} {
		p, acc, err := PExactGauss(tc.b, tc.n, tc.m, 0)
		if err != nil {
			t.Fatal(err)
		}
		rho, _ := chainSteps(tc.n, tc.m)
		want := 1 - exactBivariate(tc.b, rho[0])
		if math.Abs(p-want) > 1e-9 || acc > 1e-8 {
			t.Errorf("%+v: p %.12g, want %.12g (accuracy %.2g)", tc, p, want, acc)
		}
	}
}

// TestGaussChainBlocks checks the blocks of cuts (the far part of the
// density moved by one combined step) against the chain taken one cut at a
// time, on the same grid, for every cut and for cuts with gaps (ties in x).
func TestGaussChainBlocks(t *testing.T) {
	var every, gaps []int
	for m := 2000; m <= 18000; m++ {
		every = append(every, m)
	}
	for m := 2000; m <= 18000; m++ {
		if m%7 == 0 || m%3 == 0 {
			gaps = append(gaps, m)
		}
	}
	for _, tc := range []struct {
		n int
		m []int
		b float64
	}{
		{20000, every, 2}, {20000, every, 3.5}, {20000, gaps, 2.5},
	} {
		rho, sd := chainSteps(tc.n, tc.m)
		sMin := math.Inf(1)
		for _, s := range sd {
			sMin = math.Min(sMin, s)
		}
		h := sMin / 1.25
		if g := newChainGrid(tc.b, rho, sd, h, 1, blockMax); g.blockLen(len(rho)/2) < 4 {
			t.Errorf("b = %v, %d cuts: blocks of %d cuts mid-way, want at least 4", tc.b, len(tc.m), g.blockLen(len(rho)/2))
		}
		blocks := gaussChain(tc.b, rho, sd, h, 1, blockMax)
		steps := gaussChain(tc.b, rho, sd, h, 1, 1)
		if math.Abs(blocks-steps) > 1e-11 {
			t.Errorf("b = %v, %d cuts: p %.15g in blocks, %.15g cut by cut", tc.b, len(tc.m), blocks, steps)
		}
	}
}

// TestConvolutions checks the blocked lattice sums of gaussChain against
// the plain sums, for tap counts and lengths that exercise every remainder
// and both parities of the first node.
func TestConvolutions(t *testing.T) {
	for _, d := range []int{1, 2, 3, 4, 11, 44, 45} {
		for _, n := range []int{1, 3, 4, 7, 61, 62} {
			taps := make([]float64, d+1)
			for k := range taps {
				taps[k] = math.Exp(-0.1 * float64(k*k))
			}
			v := make([]float64, n+2*d)
			for k := range v {
				v[k] = 2 + math.Sin(0.37*float64(k))
			}
			fac := make([]float64, n)
			for k := range fac {
				fac[k] = 1 + 0.01*float64(k)
			}
			got := make([]float64, n)
			convolve(got, v, taps, fac)
			for j0 := range 3 {
				gotEven := make([]float64, n)
				convolveEven(gotEven, v, taps, fac, j0)
				for j := range n {
					var want, wantEven float64
					for k := -d; k <= d; k++ {
						x := taps[max(k, -k)] * v[j+d+k]
						want += x
						if (j0+j+k)%2 == 0 {
							wantEven += 2 * x
						}
					}
					want *= fac[j]
					wantEven *= fac[j]
					if j0 == 0 && math.Abs(got[j]-want) > 1e-14*want {
						t.Errorf("d %d, n %d: convolve[%d] = %v, want %v", d, n, j, got[j], want)
					}
					if math.Abs(gotEven[j]-wantEven) > 1e-14*wantEven {
						t.Errorf("d %d, n %d, first node %d: convolveEven[%d] = %v, want %v", d, n, j0, j, gotEven[j], wantEven)
					}
				}
			}
		}
	}
}

// permutations calls f with every permutation of a (Heap's algorithm).
func permutations(a []float64, f func([]float64)) {
	c := make([]int, len(a))
	f(a)
	for i := 0; i < len(a); {
		if c[i] < i {
			if i%2 == 0 {
				a[0], a[i] = a[i], a[0]
			} else {
				a[c[i]], a[i] = a[i], a[c[i]]
			}
			f(a)
			c[i]++
			i = 0
		} else {
			c[i] = 0
			i++
		}
	}
}

func TestCondMCAgainstEnumeration(t *testing.T) {
	// Eight observations: the exact permutation p-value by enumerating all
	// 8! orderings of the scores, against 20000 Monte Carlo permutations.
	x := []float64{1, 2, 3, 4, 5, 6, 7, 8}
	tm := []float64{5, 3, 9, 1, 7, 2, 8, 4}
	ev := []bool{true, true, false, true, true, true, false, true}
	r, err := Test(x, tm, ev, Options{MinProp: 0.1, MaxProp: 0.9})
	if err != nil {
		t.Fatal(err)
	}
	var hits, total float64
	sorted := append([]float64(nil), r.sorted...)
	permutations(sorted, func(y []float64) {
		total++
		for _, s := range naiveStats(x, y, r.Cuts) {
			if s > r.Statistic*(1+1e-12) {
				hits++
				break
			}
		}
	})
	exact := hits / total
	const B = 20000
	p1 := PCondMC(r.Statistic*(1+1e-12), r.sorted, r.M, B, 1, 1)
	p2 := PCondMC(r.Statistic*(1+1e-12), r.sorted, r.M, B, 1, 3)
	if p1 != p2 {
		t.Errorf("condMC depends on workers: %v vs %v", p1, p2)
	}
	if se := math.Sqrt(exact * (1 - exact) / B); math.Abs(p1-exact) > 4*se {
		t.Errorf("condMC %v, exact %v (se %.2g)", p1, exact, se)
	}
}

func TestBootstrap(t *testing.T) {
	x, tm, ev := benchData(120)
	s1, err := Bootstrap(x, tm, ev, Options{Workers: 1}, 200, 42)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := Bootstrap(x, tm, ev, Options{Workers: 2}, 200, 42)
	if err != nil {
		t.Fatal(err)
	}
	total := s1.Failed
	for i, c := range s1.Counts {
		total += c
		if s1.Values[i] != s2.Values[i] || c != s2.Counts[i] {
			t.Fatalf("bootstrap depends on workers")
		}
	}
	if total != 200 || s1.B != 200 || s1.Seed != 42 {
		t.Errorf("counts sum to %d, want 200", total)
	}
	if !(s1.Lower <= s1.Median && s1.Median <= s1.Upper) {
		t.Errorf("interval %v %v %v", s1.Lower, s1.Median, s1.Upper)
	}
	if _, err := Bootstrap(x, tm, ev, Options{MinProp: 1, MaxProp: 0.5}, 10, 1); err == nil {
		t.Error("bad window accepted")
	}
}

func TestHLOneCutAgainstEnumeration(t *testing.T) {
	// Binary x: one cut, where HL is the exact two-sided permutation
	// p-value P(stat >= b), checked over all C(10, 5) subsets.
	x := []float64{0, 1, 0, 1, 0, 1, 0, 1, 0, 1}
	tm := []float64{5, 3, 9, 1, 7, 2, 8, 4, 6, 10}
	ev := []bool{true, true, false, true, true, true, false, true, true, false}
	r, err := Test(x, tm, ev, Options{Method: HL})
	if err != nil {
		t.Fatal(err)
	}
	hits, total := 0.0, 0.0
	for mask := 0; mask < 1<<10; mask++ {
		if popcount(mask) != 5 {
			continue
		}
		xs := make([]float64, 10)
		for i := range xs {
			if mask>>i&1 == 0 {
				xs[i] = 1
			}
		}
		total++
		if naiveStats(xs, r.Scores, []float64{0})[0] >= r.Statistic*(1-1e-9) {
			hits++
		}
	}
	if math.Abs(r.P-hits/total) > 1e-12 {
		t.Errorf("HL one cut %v, enumeration %v", r.P, hits/total)
	}
}

func popcount(v int) int {
	n := 0
	for ; v > 0; v &= v - 1 {
		n++
	}
	return n
}

func FuzzTest(f *testing.F) {
	f.Add([]byte{3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4})
	f.Add([]byte{0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2})
	f.Add([]byte{7, 7, 7, 7, 7, 7})
	f.Fuzz(func(t *testing.T, b []byte) {
		n := len(b) / 2
		x := make([]float64, n)
		tm := make([]float64, n)
		ev := make([]bool, n)
		for i := range n {
			x[i] = float64(b[2*i] % 16)
			tm[i] = float64(b[2*i+1]>>1) + 1
			ev[i] = b[2*i+1]&1 == 1
		}
		for _, m := range []Method{Lau92, Lau94, ExactGauss, HL} {
			if m == HL && n > 60 {
				continue // exact, with time growing as n^2 x cuts: small samples
			}
			r, err := Test(x, tm, ev, Options{Method: m})
			if err != nil {
				continue
			}
			// Lau94 may be slightly negative for large b, as in R.
			if math.IsNaN(r.Statistic) || math.IsNaN(r.P) || (m != Lau94 && r.P < 0) {
				t.Fatalf("%s: statistic %v p %v", m, r.Statistic, r.P)
			}
			for i, s := range r.Stats {
				if s > r.Statistic || (s == r.Statistic && r.Cuts[i] < r.Cutpoint) {
					t.Fatalf("cut point is not the smallest maximizer")
				}
			}
		}
	})
}

func TestSortedIndex(t *testing.T) {
	// Values that share their top bits, ties, signed zeros and negatives.
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{5000, 300} { // radix and comparison paths
		v := make([]float64, n)
		for i := range v {
			switch i % 4 {
			case 0:
				v[i] = 1 + float64(rng.IntN(1000))*1e-15
			case 1:
				v[i] = float64(rng.IntN(20)) - 10
			case 2:
				v[i] = rng.NormFloat64()
			default:
				v[i] = math.Copysign(0, -1)
			}
		}
		idx := sortedIndex(v)
		for i := 1; i < len(idx); i++ {
			a, b := v[idx[i-1]], v[idx[i]]
			if a > b || (a == b && idx[i-1] > idx[i]) {
				t.Fatalf("position %d: %v (%d) before %v (%d)", i, a, idx[i-1], b, idx[i])
			}
		}
	}
}

// FuzzPExactGauss drives the exactGauss recursion directly with the cut
// positions of small samples (where its grid is coarsest) and any
// statistic: it must return a probability, never panic.
func FuzzPExactGauss(f *testing.F) {
	f.Add(uint8(9), []byte{1, 3, 5, 7}, 2.5)
	f.Add(uint8(9), []byte{1, 2}, 0.01)
	f.Add(uint8(200), []byte{10, 20, 30, 190}, 3.9)
	f.Fuzz(func(t *testing.T, n uint8, cuts []byte, b float64) {
		var m []int
		for _, c := range cuts {
			if k := int(c); k >= 1 && k < int(n) && (len(m) == 0 || k > m[len(m)-1]) {
				m = append(m, k)
			}
		}
		if len(m) == 0 || len(m) > 64 || math.IsNaN(b) || b > 40 {
			return
		}
		p, acc, err := PExactGauss(b, int(n), m, 0)
		if err == nil && !(p >= 0 && p <= 1+1e-9 && acc >= 0) {
			t.Fatalf("n %d m %v b %v: p %v accuracy %v", n, m, b, p, acc)
		}
	})
}

// TestExactGaussStatisticNearZero is the 7-patient file on which exactGauss
// panicked (found by FuzzTest; kept in testdata/fuzz/FuzzTest): its
// statistic is 1e-16, so the grid spacing was tiny and the kernel's reach
// in nodes overflowed int. Near b = 0 the chain has a closed form, 1 - p =
// (2b)^3 phi(0) (phi(0)/sd_1) (phi(0)/sd_2) for three cuts, which the
// recursion must match without allocating more than a few kilobytes.
func TestExactGaussStatisticNearZero(t *testing.T) {
	b := []byte("\xf2$\x18:\xbe$\xec\xf8\\\x7f\xca,l\x84")
	n := len(b) / 2
	x, tm, ev := make([]float64, n), make([]float64, n), make([]bool, n)
	for i := range n {
		x[i] = float64(b[2*i] % 16)
		tm[i] = float64(b[2*i+1]>>1) + 1
		ev[i] = b[2*i+1]&1 == 1
	}
	r, err := Test(x, tm, ev, Options{Method: ExactGauss})
	if err != nil || !(r.P > 0.999 && r.P <= 1) {
		t.Fatalf("p %v, err %v (statistic %g)", r.P, err, r.Statistic)
	}
	m := []int{2, 5, 7}
	_, sd := chainSteps(9, m)
	for _, bb := range []float64{1e-3, 1e-5, 1e-300} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		p, _, err := PExactGauss(bb, 9, m, 0)
		runtime.ReadMemStats(&after)
		want := 8 * bb * bb * bb * math.Pow(2*math.Pi, -1.5) / (sd[0] * sd[1])
		if err != nil || math.Abs((1-p)-want) > 0.01*want+1e-15 {
			t.Errorf("b %g: 1 - p = %g, want %g (%v)", bb, 1-p, want, err)
		}
		if a := after.TotalAlloc - before.TotalAlloc; a > 1<<20 {
			t.Errorf("b %g: allocated %d bytes", bb, a)
		}
	}
}
