package maxstat

import (
	"fmt"
	"math"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/stat/distuv"
)

// kernelReach is the number of conditional standard deviations beyond which
// the Gaussian transition density is dropped (phi(8.5) = 1.7e-16).
const kernelReach = 8.5

// maxGaussWork bounds the grid work (nodes x kernel taps x cuts) of
// PExactGauss; past it the refinement stops and the accuracy reached is
// reported.
const maxGaussWork = 4e10

// gregoryOrder is the order of the end corrections of the trapezoidal rule
// in PExactGauss.
const gregoryOrder = 14

// PExactGauss returns P(max_i |Z_i| >= b) for the zero-mean Gaussian vector
// with unit variances and the correlation of standardized two-sample linear
// rank statistics at the cut positions m (ascending) out of n observations,
//
//	corr(Z_i, Z_j) = sqrt(m_i (n - m_j) / (m_j (n - m_i))),  m_i < m_j,
//
// the probability maxstat:::pexactgauss evaluates by randomized quasi-Monte
// Carlo (mvtnorm::pmvnorm). This correlation is that of a standardized
// Brownian bridge, so Z_1, Z_2, ... is a Gaussian Markov chain and the
// probability is a one-dimensional recursion over the cuts (see the package
// documentation), computed here deterministically on a grid that is refined
// until two successive grids agree to tol (0 means 1e-8).
//
// It returns p and the accuracy reached: the change of p between the last
// two grids, a conservative estimate since the error falls about tenfold
// from one grid to the next. When the Bonferroni bound K 2 Phi(-b) is
// within tol/10 of 2 Phi(-b), the bound is returned with that accuracy. If the work bound (4e10 kernel evaluations) is
// hit first, p is returned with the accuracy reached, and with an error if
// that is worse than 1e-4.
func PExactGauss(b float64, n int, m []int, tol float64) (p, accuracy float64, err error) {
	if tol <= 0 {
		tol = 1e-8
	}
	if len(m) == 0 {
		panic("maxstat: no cut positions")
	}
	if !(b > 0) {
		return 1, 0, nil
	}
	if len(m) == 1 {
		return 2 * distuv.UnitNormal.CDF(-b), 0, nil
	}
	rho, sd := chainSteps(n, m)
	sMin := sdMin(sd)
	// Far in the tail the Bonferroni bound pins p down: 2 Phi(-b) <= p <=
	// K 2 Phi(-b).
	if lo := 2 * distuv.UnitNormal.CDF(-b); float64(len(m))*lo-lo <= tol/10 {
		return float64(len(m)) * lo, float64(len(m))*lo - lo, nil
	}
	// The first grid has 3.75 nodes per smallest conditional standard
	// deviation for tol = 1e-8 (0.75 fewer per tenfold looser tol); each
	// refinement adds 0.75, which cuts the error about tenfold.
	perSD := math.Max(1.5, 3.75-0.75*(math.Log10(tol)+8))
	prev := math.NaN()
	for {
		intervals := max(4*gregoryOrder, int(math.Ceil(2*b*perSD/sMin)))
		work := float64(intervals) * kernelReach * perSD * float64(len(m))
		if !math.IsNaN(prev) && work > maxGaussWork {
			if accuracy > 1e-4 {
				return p, accuracy, fmt.Errorf("maxstat: exactGauss reached only %.1g accuracy within its work bound (%d cuts)", accuracy, len(m))
			}
			return p, accuracy, nil
		}
		p = gaussChain(b, rho, sd, intervals, gregoryOrder)
		if !math.IsNaN(prev) {
			accuracy = math.Abs(p - prev)
			if accuracy <= tol {
				return p, accuracy, nil
			}
		}
		prev = p
		perSD += 0.75
	}
}

// chainSteps returns, for adjacent cuts, the correlation rho_i of Z_i and
// Z_{i+1} and the conditional standard deviation sqrt(1 - rho_i^2), the
// latter from 1 - rho^2 = n (m_{i+1} - m_i) / (m_{i+1} (n - m_i)) without
// cancellation.
func chainSteps(n int, m []int) (rho, sd []float64) {
	nf := float64(n)
	rho = make([]float64, len(m)-1)
	sd = make([]float64, len(m)-1)
	for i := range rho {
		m1, m2 := float64(m[i]), float64(m[i+1])
		rho[i] = math.Sqrt(m1 * (nf - m2) / (m2 * (nf - m1)))
		sd[i] = math.Sqrt(nf * (m2 - m1) / (m2 * (nf - m1)))
	}
	return rho, sd
}

// gaussChain returns 1 - P(|Z_i| <= b for all i) for the Gaussian Markov
// chain Z_{i+1} | Z_i ~ N(rho_i Z_i, sd_i^2), Z_1 ~ N(0, 1), propagating
// the sub-density of Z_i on [-b, b] over a grid of intervals+1 nodes with
// the trapezoidal rule and Gregory end corrections of the given order.
func gaussChain(b float64, rho, sd []float64, intervals, order int) float64 {
	nn := intervals + 1
	h := 2 * b / float64(intervals)
	w := make([]float64, nn)
	for k := range w {
		w[k] = h
	}
	w[0], w[nn-1] = h/2, h/2
	for i, c := range gregoryEnd(order) {
		w[i] += c * h
		w[nn-1-i] += c * h
	}
	f := make([]float64, nn)
	for k := range f {
		f[k] = distuv.UnitNormal.Prob(-b + float64(k)*h)
	}
	g := make([]float64, nn)
	half := intervals / 2 // the density is symmetric: compute j <= half, mirror the rest
	workers := 1
	if float64(nn)*kernelReach*sdMin(sd)/h > 2e4 {
		workers = min(runtime.GOMAXPROCS(0), 4)
	}
	var taps []float64
	for i := range rho {
		for k := range f {
			g[k] = w[k] * f[k]
		}
		r, s := rho[i], sd[i]
		alpha := r * h / s
		d := int(math.Ceil((kernelReach + (1-r)*b/s) / alpha))
		taps = taps[:0]
		for t := -d; t <= d; t++ {
			taps = append(taps, math.Exp(-0.5*(alpha*float64(t))*(alpha*float64(t))))
		}
		step := func(j0, j1 int) {
			for j := j0; j < j1; j++ {
				// u = (z_j - rho z_k)/s = alpha (j-k) + c_j; the taps are
				// symmetric, so taps[d+j-k] = taps[d-j+k], ascending in k.
				c := (1 - r) * (-b + float64(j)*h) / s
				beta := math.Exp(-alpha * c)
				k0, k1 := max(0, j-d), min(nn-1, j+d)
				f[j] = kernelSum(taps[d-j+k0:d-j+k1+1], g[k0:k1+1], math.Pow(beta, float64(j-k0)), 1/beta) *
					math.Exp(-0.5*c*c) / (s * math.Sqrt(2*math.Pi))
			}
		}
		if workers == 1 {
			step(0, half+1)
		} else {
			var wg sync.WaitGroup
			chunk := (half + workers) / workers
			for lo := 0; lo <= half; lo += chunk {
				wg.Add(1)
				go func(lo, hi int) {
					defer wg.Done()
					step(lo, hi)
				}(lo, min(lo+chunk, half+1))
			}
			wg.Wait()
		}
		for j := half + 1; j < nn; j++ {
			f[j] = f[nn-1-j]
		}
	}
	mass := 0.0
	for k := range f {
		mass += w[k] * f[k]
	}
	return math.Max(0, 1-mass)
}

// kernelSum returns sum_i taps[i] g[i] pw q^i, with four independent
// product chains so the loop is not bound by the latency of one.
func kernelSum(taps, g []float64, pw, q float64) float64 {
	taps = taps[:len(g)]
	q2 := q * q
	q4 := q2 * q2
	p0, p1, p2, p3 := pw, pw*q, pw*q2, pw*q2*q
	var a0, a1, a2, a3 float64
	i := 0
	for ; i+4 <= len(g); i += 4 {
		a0 += taps[i] * g[i] * p0
		a1 += taps[i+1] * g[i+1] * p1
		a2 += taps[i+2] * g[i+2] * p2
		a3 += taps[i+3] * g[i+3] * p3
		p0 *= q4
		p1 *= q4
		p2 *= q4
		p3 *= q4
	}
	for ; i < len(g); i++ {
		a0 += taps[i] * g[i] * p0
		p0 *= q
	}
	return (a0 + a1) + (a2 + a3)
}

func sdMin(sd []float64) float64 {
	s := math.Inf(1)
	for _, v := range sd {
		s = math.Min(s, v)
	}
	return s
}
