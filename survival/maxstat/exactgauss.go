package maxstat

import (
	"fmt"
	"math"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/stat/distuv"
)

// kernelReach is the number of conditional standard deviations beyond which
// the Gaussian transition density is dropped: the mass lost is 2 Phi(-8) =
// 1.2e-15 a step, 1e-10 over 80,000 cuts.
const kernelReach = 8.0

// maxGaussWork bounds the grid work (nodes x kernel taps x cuts) of one
// grid of PExactGauss; past it the refinement stops and the accuracy
// reached is reported.
const maxGaussWork = 4e10

// Grid map: the node spacing g'(xi) = c (S_L + S_R - 1), with
// S_L(xi) = Phi(sqrt2 (xi - mapShift) / mapWidth) and S_R its mirror image,
// falls smoothly from c in the interior to 1e-18 c at the barriers over the
// last mapZone nodes of each end. mapWidth = 2 nodes keeps the aliasing of
// the map below exp(-pi^2 mapWidth^2) = 1e-17; mapShift = 6.25 mapWidth
// makes the end weights 1e-18 of the interior ones.
const (
	mapWidth = 2.0
	mapShift = 12.5
	mapZone  = 26
	// zoneSkip end nodes have weights below 1e-11 c and are left out, as
	// sources and as targets.
	zoneSkip = 3
)

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
// two grids, a conservative estimate since the error falls by orders of
// magnitude from one grid to the next. When the Bonferroni bound K 2 Phi(-b)
// is within tol/10 of 2 Phi(-b), the bound is returned with that accuracy.
// If the work bound (4e10 kernel evaluations for one grid) is hit first, p
// is returned with the accuracy reached, and with an error if that is worse
// than 1e-4. PExactGauss panics if m is empty.
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
	// Far in the tail the Bonferroni bound pins p down: 2 Phi(-b) <= p <=
	// K 2 Phi(-b).
	if lo := 2 * distuv.UnitNormal.CDF(-b); float64(len(m))*lo-lo <= tol/10 {
		return float64(len(m)) * lo, float64(len(m))*lo - lo, nil
	}
	rho, sd := chainSteps(n, m)
	sMin := math.Inf(1)
	for _, s := range sd {
		sMin = math.Min(sMin, s)
	}
	// perSD is the number of interior nodes per smallest conditional
	// standard deviation: the interior trapezoidal error is about
	// exp(-2 pi^2 perSD^2) a step, so the first grid makes K of them
	// about tol. The first two grids (perSD and perSD + 1/8) run side by
	// side, one goroutine each; later refinements add 1/4.
	perSD := math.Max(0.75, math.Sqrt(math.Log(float64(len(m))/tol)/(2*math.Pi*math.Pi)))
	work := func(perSD float64) float64 {
		return (b*perSD/sMin + mapZone) * 2 * kernelReach * perSD * float64(len(m))
	}
	var prev float64
	done := make(chan struct{})
	go func(h float64) {
		prev = gaussChain(b, rho, sd, h, 1)
		close(done)
	}(sMin / perSD)
	perSD += 0.125
	p = gaussChain(b, rho, sd, sMin/perSD, 1)
	<-done
	for {
		accuracy = math.Abs(p - prev)
		if accuracy <= tol {
			return p, accuracy, nil
		}
		perSD += 0.25
		if work(perSD) > maxGaussWork {
			if accuracy > 1e-4 {
				return p, accuracy, fmt.Errorf("maxstat: exactGauss reached only %.1g accuracy within its work bound (%d cuts)", accuracy, len(m))
			}
			return p, accuracy, nil
		}
		prev = p
		p = gaussChain(b, rho, sd, sMin/perSD, 0)
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

// mappedGrid returns nodes z_0..z_M on [-b, b], symmetric about 0, with
// interior spacing c <= h, and their trapezoidal weights: z_k = g(k) and
// w_k = g'(k) for the map g described at mapWidth. Nodes mapZone..M-mapZone
// are equally spaced (to rounding). The transformed integrand
// F(g(xi)) g'(xi) vanishes with its derivatives at both ends, so the plain
// trapezoidal rule in xi converges spectrally up to the barriers.
func mappedGrid(b, h float64) (z, w []float64, c float64) {
	sq2 := math.Sqrt2
	psi := func(x float64) float64 { return x*distuv.UnitNormal.CDF(x) + distuv.UnitNormal.Prob(x) }
	// a(x) = integral_0^x S_L.
	a := func(x float64) float64 {
		return mapWidth / sq2 * (psi(sq2*(x-mapShift)/mapWidth) - psi(-sq2*mapShift/mapWidth))
	}
	sl := func(x float64) float64 { return distuv.UnitNormal.CDF(sq2 * (x - mapShift) / mapWidth) }
	m := 2*mapZone + int(math.Ceil(2*b/h))
	mf := float64(m)
	c = 2 * b / (2*a(mf) - mf) // g(M) = b
	z = make([]float64, m+1)
	w = make([]float64, m+1)
	for k := 0; k <= m/2; k++ {
		kf := float64(k)
		z[k] = -b + c*(a(kf)+a(mf)-a(mf-kf)-kf)
		w[k] = c * (sl(kf) + sl(mf-kf) - 1)
		z[m-k], w[m-k] = -z[k], w[k]
	}
	z[0], z[m] = -b, b
	if m%2 == 0 {
		z[m/2] = 0
	}
	return z, w, c
}

// gaussChain returns 1 - P(|Z_i| <= b for all i) for the Gaussian Markov
// chain Z_{i+1} | Z_i ~ N(rho_i Z_i, sd_i^2), Z_1 ~ N(0, 1), propagating
// the sub-density of Z_i on [-b, b] over the mapped grid of interior spacing
// at most h (see the package documentation for the kernel factorization).
// Each step is split over up to workers goroutines when the grid is large
// (0 means GOMAXPROCS, at most 4).
func gaussChain(b float64, rho, sd []float64, h float64, workers int) float64 {
	z, w, c := mappedGrid(b, h)
	m := len(z) - 1
	lo, hi := mapZone, m-mapZone // z_k = z[lo] + (k-lo) c on lo..hi
	f := make([]float64, m+1)
	for k := zoneSkip; k <= m-zoneSkip; k++ {
		f[k] = distuv.UnitNormal.Prob(z[k])
	}
	g := make([]float64, m+1)
	zone := make([]float64, m+1) // left end zone's share of each target's sum
	half := m / 2                // f is symmetric: compute j <= half, mirror the rest
	if workers <= 0 {
		workers = min(runtime.GOMAXPROCS(0), 4)
	}
	if float64(half)*kernelReach*sd[0]/c < 2e4 {
		workers = 1
	}
	var taps []float64
	norm := 1 / math.Sqrt(2*math.Pi)
	for i := range rho {
		for k := range f {
			g[k] = w[k] * f[k]
		}
		r, s := rho[i], sd[i]
		alpha := r * c / s
		delta := (1 - r) * c / s // change of c_j from one interior node to the next
		// Taps out to |u| = kernelReach for interior targets (|c_j| <=
		// (1-r) b/s) and for end-zone targets (|us| <= alpha/2).
		d := int(math.Ceil((kernelReach + math.Max((1-r)*b/s, alpha/2)) / alpha))
		taps = taps[:0]
		for t := -d; t <= d; t++ {
			taps = append(taps, math.Exp(-0.5*(alpha*float64(t))*(alpha*float64(t))))
		}
		// Per interior node: beta^-1 grows by invGamma, beta^d by gammaD.
		invGamma, gammaD := math.Exp(alpha*delta), math.Exp(-alpha*delta*float64(d))
		q, scale := math.Exp(-delta*delta), norm/s
		// The left end zone's sources reach the targets z_j <= reach: those
		// sums are formed first, with the interior targets' terms by products
		// along the lattice (u grows by eps = c/s a node).
		reach := r*z[lo-1] + kernelReach*s
		jr := lo - 1
		for jr < half && z[jr+1] <= reach {
			jr++
		}
		clear(zone[:jr+1])
		eps := c / s
		q2 := math.Exp(-eps * eps)
		for k := zoneSkip; k < lo; k++ {
			for j := zoneSkip; j < lo && j <= jr; j++ {
				if u := (z[j] - r*z[k]) / s; math.Abs(u) <= kernelReach {
					zone[j] += g[k] * math.Exp(-0.5*u*u)
				}
			}
			u := (z[lo] - r*z[k]) / s
			e, ratio := g[k]*math.Exp(-0.5*u*u), math.Exp(-u*eps-0.5*eps*eps)
			for j := lo; j <= jr; j++ {
				zone[j] += e
				e *= ratio
				ratio *= q2
			}
		}
		zones := func(j int) float64 {
			acc := 0.0
			if j <= jr {
				acc = zone[j]
			}
			if z[j] >= -reach { // the right end zone, for narrow grids only
				acc += zoneSum(z[j], r, s, z[hi+1:m+1-zoneSkip], g[hi+1:m+1-zoneSkip])
			}
			return acc
		}
		step := func(j0, j1 int) {
			// Targets in the end zone: with ks the uniform node nearest
			// zj/r, (zj - r z_k)/s = us - alpha (k - ks) and
			// phi(us - alpha t) = phi(us) exp(alpha us)^t exp(-alpha^2 t^2/2).
			for j := max(j0, zoneSkip); j < min(j1, lo); j++ {
				zj := z[j]
				ks := lo + int(math.Round((zj/r-z[lo])/c))
				us := (zj - r*(z[lo]+float64(ks-lo)*c)) / s
				t0, t1 := max(-d, lo-ks), min(d, hi-ks)
				acc := zones(j)
				if t0 <= t1 {
					au := alpha * us
					acc += kernelSum(taps[t0+d:t1+d+1], g[ks+t0:ks+t1+1], math.Exp(au*float64(t0)-0.5*us*us), math.Exp(au))
				}
				f[j] = acc * scale
			}
			// Interior targets: (zj - r z_k)/s = cj + alpha (j - k) with
			// cj = (1-r) zj/s, so phi = exp(-cj^2/2) beta^(j-k) taps, with
			// beta = exp(-alpha cj); cj grows by delta a node, so beta,
			// beta^d and exp(-cj^2/2) follow by products, re-anchored every
			// 32 nodes.
			var cj, invBeta, betaD, e, ratio float64
			jStart := max(j0, lo)
			for j := jStart; j < j1; j++ {
				if (j-jStart)%32 == 0 {
					cj = (1 - r) * z[j] / s
					invBeta = math.Exp(alpha * cj)
					betaD = math.Exp(-alpha * cj * float64(d))
					e = math.Exp(-0.5 * cj * cj)
					ratio = math.Exp(-cj*delta - 0.5*delta*delta)
				}
				k0, k1 := max(lo, j-d), min(hi, j+d)
				pw := betaD
				if j-k0 != d {
					pw = math.Exp(-alpha * cj * float64(j-k0))
				}
				acc := e * kernelSum(taps[d-j+k0:d-j+k1+1], g[k0:k1+1], pw, invBeta)
				if j <= jr || z[j] >= -reach {
					acc += zones(j)
				}
				f[j] = acc * scale
				cj += delta
				invBeta *= invGamma
				betaD *= gammaD
				e *= ratio
				ratio *= q
			}
		}
		if workers == 1 {
			step(0, half+1)
		} else {
			var wg sync.WaitGroup
			chunk := (half + workers) / workers
			for j0 := 0; j0 <= half; j0 += chunk {
				wg.Add(1)
				go func(j0, j1 int) {
					defer wg.Done()
					step(j0, j1)
				}(j0, min(j0+chunk, half+1))
			}
			wg.Wait()
		}
		for j := half + 1; j <= m; j++ {
			f[j] = f[m-j]
		}
	}
	mass := 0.0
	for k := range f {
		mass += w[k] * f[k]
	}
	return math.Max(0, 1-mass)
}

// zoneSum returns sum_k g_k exp(-u_k^2/2), u_k = (zj - r z_k)/s, over the
// unequally spaced nodes of an end zone, skipping |u_k| > kernelReach.
func zoneSum(zj, r, s float64, z, g []float64) float64 {
	acc := 0.0
	for k, zk := range z {
		if u := (zj - r*zk) / s; math.Abs(u) <= kernelReach {
			acc += g[k] * math.Exp(-0.5*u*u)
		}
	}
	return acc
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
