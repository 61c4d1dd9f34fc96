package cox

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"carimpi/internal/benchsize"
)

// benchData simulates n patients with p = 5 covariates (three normal, one
// 0/1, one MTV-like skewed), exponential event times rounded up to whole
// days (so there are ties, as in clinical data), about 30% censored, and a
// stratum code 0..nstrata-1. Seeded, so every run times the same data.
func benchData(n, nstrata int, seed uint64) (time []float64, event []bool, x [][]float64, strata []int) {
	rng := rand.New(rand.NewPCG(seed, 1))
	time = make([]float64, n)
	event = make([]bool, n)
	x = make([][]float64, 5)
	for j := range x {
		x[j] = make([]float64, n)
	}
	strata = make([]int, n)
	for i := 0; i < n; i++ {
		x[0][i] = 60 + 10*rng.NormFloat64()
		x[1][i] = rng.NormFloat64()
		x[2][i] = rng.NormFloat64()
		if rng.Float64() < 0.4 {
			x[3][i] = 1
		}
		x[4][i] = math.Exp(3 + 1.2*rng.NormFloat64())
		strata[i] = rng.IntN(nstrata)
		eta := 0.02*(x[0][i]-60) + 0.3*x[1][i] - 0.2*x[2][i] + 0.5*x[3][i] + 0.002*x[4][i]
		time[i] = math.Ceil(365 * rng.ExpFloat64() / math.Exp(eta))
		event[i] = rng.Float64() < 0.7
	}
	return
}

// BenchmarkFit times Fit (Efron, p = 5) over the size ladder
// (internal/benchsize), with one stratum and with three.
// bench/compare-r.sh cox compares it with R's coxph.fit.
func BenchmarkFit(b *testing.B) {
	for _, n := range benchsize.Ladder() {
		for _, k := range []int{1, 3} {
			time, event, x, strata := benchData(n, k, 20251124)
			opt := &Options{}
			if k > 1 {
				opt.Strata = strata
			}
			b.Run(fmt.Sprintf("n=%d/strata=%d", n, k), func(b *testing.B) {
				b.ReportAllocs()
				defer benchsize.CPU(b)()
				for b.Loop() {
					if _, err := Fit(time, event, x, opt, nil); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkCore times the Newton-Raphson iteration alone on prepared data
// (sorted, scaled, row-major), against BenchmarkFloor: floorFit, the same
// iteration around floorEval, the plainest loop that does this work.
// Core/Floor is the kernel's overhead over that floor.
func BenchmarkCore(b *testing.B) {
	for _, n := range benchsize.Ladder() {
		time, event, x, _ := benchData(n, 1, 20251124)
		pr, _ := prepare(time, event, x, &Options{}, nil)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			defer benchsize.CPU(b)()
			for b.Loop() {
				newtonRaphson(pr, make([]float64, pr.p), DefaultMaxIter, DefaultEps)
			}
		})
	}
}

// BenchmarkFloor: see BenchmarkCore.
func BenchmarkFloor(b *testing.B) {
	for _, n := range benchsize.Ladder() {
		time, event, x, _ := benchData(n, 1, 20251124)
		pr, _ := prepare(time, event, x, &Options{}, nil)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			defer benchsize.CPU(b)()
			for b.Loop() {
				floorFit(pr)
			}
		})
	}
}

// floorFit is Newton-Raphson from 0 with floorEval and no step halving,
// stopping as newtonRaphson does; it returns the coefficients, the log
// likelihood and the number of evaluations.
func floorFit(pr *problem) ([]float64, float64, int) {
	p := pr.p
	beta, u, imat := make([]float64, p), make([]float64, p), make([]float64, p*p)
	lk := floorEval(pr.x, p, pr.time, pr.status, beta, u, imat)
	evals := 1
	for range DefaultMaxIter {
		ldlFactor(imat, p, tolerChol)
		ldlSolve(imat, p, u)
		for j := range beta {
			beta[j] += u[j]
		}
		old := lk
		lk = floorEval(pr.x, p, pr.time, pr.status, beta, u, imat)
		evals++
		if math.Abs(1-old/lk) <= DefaultEps {
			break
		}
	}
	return beta, lk, evals
}

// floorEval is the plainest loop for one Efron evaluation (one stratum, no
// weights, no offset; tied deaths handled once per distinct time, as the
// kernel does): the log partial likelihood, score u and information imat
// (lower triangle) at beta, on sorted (decreasing time) row-major x.
func floorEval(x []float64, p int, time []float64, status []bool, beta, u, imat []float64) float64 {
	n := len(time)
	a, a2 := make([]float64, p), make([]float64, p)
	c, c2 := make([]float64, p*p), make([]float64, p*p)
	clear(u)
	clear(imat)
	var loglik, denom float64
	for i := 0; i < n; {
		t := time[i]
		var denom2 float64
		nd := 0
		clear(a2)
		clear(c2)
		for ; i < n && time[i] == t; i++ {
			row := x[i*p : i*p+p]
			var e float64
			for j := range p {
				e += beta[j] * row[j]
			}
			r := math.Exp(e)
			denom += r
			for j := range p {
				a[j] += r * row[j]
				for k := 0; k <= j; k++ {
					c[j*p+k] += r * row[j] * row[k]
				}
			}
			if status[i] {
				nd++
				denom2 += r
				loglik += e
				for j := range p {
					u[j] += row[j]
					a2[j] += r * row[j]
					for k := 0; k <= j; k++ {
						c2[j*p+k] += r * row[j] * row[k]
					}
				}
			}
		}
		if nd == 0 {
			continue
		}
		var s0, s1, t0, t1, t2 float64
		for k := range nd {
			f := float64(k) / float64(nd)
			d := denom - f*denom2
			loglik -= math.Log(d)
			s0 += 1 / d
			s1 += f / d
			t0 += 1 / (d * d)
			t1 += f / (d * d)
			t2 += f * f / (d * d)
		}
		for j := range p {
			u[j] -= s0*a[j] - s1*a2[j]
			for k := 0; k <= j; k++ {
				imat[j*p+k] += s0*c[j*p+k] - s1*c2[j*p+k] -
					(t0*a[j]*a[k] - t1*(a[j]*a2[k]+a2[j]*a[k]) + t2*a2[j]*a2[k])
			}
		}
	}
	return loglik
}

// TestFloorEval checks that the floor loop computes what the kernel does,
// and its iteration reaches the same fit, so that the Core/Floor ratio
// compares equal work.
func TestFloorEval(t *testing.T) {
	time, event, x, _ := benchData(2000, 1, 3)
	pr, _ := prepare(time, event, x, &Options{}, nil)
	p := pr.p
	beta := []float64{0.1, -0.2, 0.05, 0.3, -0.1}
	u1, i1 := make([]float64, p), make([]float64, p*p)
	u2, i2 := make([]float64, p), make([]float64, p*p)
	l1 := pr.eval(beta, u1, i1)
	l2 := floorEval(pr.x, p, pr.time, pr.status, beta, u2, i2)
	if math.Abs(l1-l2) > 1e-9*math.Abs(l1) {
		t.Fatalf("loglik %v, floor %v", l1, l2)
	}
	for j := range u1 {
		if math.Abs(u1[j]-u2[j]) > 1e-8 {
			t.Fatalf("u[%d] %v, floor %v", j, u1[j], u2[j])
		}
	}
	for j := range i1 {
		if math.Abs(i1[j]-i2[j]) > 1e-8*math.Abs(i1[0]) {
			t.Fatalf("imat[%d] %v, floor %v", j, i1[j], i2[j])
		}
	}
	nr := newtonRaphson(pr, make([]float64, p), DefaultMaxIter, DefaultEps)
	beta2, lk, evals := floorFit(pr)
	if math.Abs(nr.loglik-lk) > 1e-9*math.Abs(lk) || evals != nr.iter+1 {
		t.Fatalf("floorFit: loglik %v after %d evaluations, kernel %v after %d", lk, evals, nr.loglik, nr.iter+1)
	}
	for j := range beta2 {
		if math.Abs(beta2[j]-nr.beta[j]) > 1e-7 {
			t.Fatalf("floorFit beta %v, kernel %v", beta2, nr.beta)
		}
	}
}
