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

// blockMax is the longest block of cuts gaussChain moves in one combined
// step.
const blockMax = 64

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
	// Near b = 0 every |Z_i| < b is unlikely: P(|Z_1| < b) <= 2 phi(0) b
	// and each step's density is at most phi(0)/sd_i, so 1 - p <= q =
	// 2 phi(0) b prod_i min(1, 2 phi(0) b / sd_i), and p = 1 - q is within
	// q. (The grid would otherwise shrink with b and its kernels widen
	// without bound in nodes.)
	q := 2 * distuv.UnitNormal.Prob(0) * b
	for _, s := range sd {
		q *= math.Min(1, 2*distuv.UnitNormal.Prob(0)*b/s)
	}
	if q <= tol/10 {
		return 1 - q, q, nil
	}
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
		prev = gaussChain(b, rho, sd, h, 1, blockMax)
		close(done)
	}(sMin / perSD)
	perSD += 0.125
	p = gaussChain(b, rho, sd, sMin/perSD, 1, blockMax)
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
		p = gaussChain(b, rho, sd, sMin/perSD, 0, blockMax)
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
// at most h. With (z' - r z)^2 = r (z' - z)^2 + (1-r) (z'^2 - r z^2) and
// (1-r)/s^2 = 1/(1+r), the step kernel factorizes,
//
//	phi((z' - r z)/s)/s = exp(-kappa z'^2) T(z' - z) exp(r kappa z^2) / (s sqrt(2 pi)),
//	kappa = 1/(2 (1+r)),  T(x) = exp(-a x^2),  a = r/(2 s^2),
//
// so with v_k = w_k f(z_k) exp(r kappa z_k^2) a step is the convolution of
// v with the taps T(t c) on the uniform part of the grid, followed by one
// factor per node, w_j exp(-(kappa_i - r_{i+1} kappa_{i+1}) z_j^2). Pairs
// with an end-zone node use T directly (by products along the lattice when
// the other node is uniform); all those exponentials are exp(-a K) for
// constants K of the grid, kept by an expTable.
//
// On wide grids the cuts go in blocks of up to maxBlock (see
// chainGrid.block): the part of the density far from the barriers moves by
// one combined step.
//
// Each step is split over up to workers goroutines when the grid is large
// (0 means GOMAXPROCS, at most 4).
func gaussChain(b float64, rho, sd []float64, h float64, workers, maxBlock int) float64 {
	g := newChainGrid(b, rho, sd, h, workers, maxBlock)
	u, next := g.alloc(), g.alloc()
	vz := make([]float64, g.lo)
	for k := zoneSkip; k <= g.half; k++ {
		v := g.w[k] * math.Exp(-g.kappa(0)*g.zz[k]) / math.Sqrt(2*math.Pi)
		if k < g.lo {
			vz[k] = v
		} else {
			u[g.pad+k] = v
		}
	}
	g.mirror(u)
	for i := 0; i < len(rho); {
		if l := g.blockLen(i); l > 1 {
			g.block(i, l, u, next, vz)
			i += l
		} else {
			g.step(i, u, next, vz, g.half)
			g.mirror(next)
			i++
		}
		u, next = next, u
	}
	mass := 0.0
	for j := g.lo; j <= g.half; j++ {
		mass += 2 * u[g.pad+j]
	}
	if g.m%2 == 0 {
		mass -= u[g.pad+g.half]
	}
	for j := zoneSkip; j < g.lo; j++ {
		mass += 2 * vz[j]
	}
	return math.Max(0, 1-mass)
}

// chainGrid is the grid of gaussChain with its work space. Densities are
// held as v on the uniform nodes lo..half in slices of length m+1+2 pad
// (node k at index pad+k, zero outside lo..hi, mirrored past half as far
// as pad), and on the left end zone in a slice vz (the right end zone is
// its mirror image).
type chainGrid struct {
	b, sMin             float64
	rho, sd, cumS2      []float64 // cumS2[i] = sum_{k<i} sd_k^2
	z, w, zz            []float64
	c                   float64
	m, lo, hi, half     int
	pad, reach1         int // reach1: the widest step, in nodes
	workers, maxBlock   int
	et                  *expTable
	taps, fac, hz, ones []float64
	pz                  []float64 // zone pair sums
	// Block work space: the near part's two buffers and the far part.
	near, near2, far []float64
}

func newChainGrid(b float64, rho, sd []float64, h float64, workers, maxBlock int) *chainGrid {
	z, w, c := mappedGrid(b, h)
	m := len(z) - 1
	g := &chainGrid{b: b, rho: rho, sd: sd, z: z, w: w, c: c, m: m,
		lo: mapZone, hi: m - mapZone, half: m / 2, workers: workers, maxBlock: maxBlock}
	g.sMin = math.Inf(1)
	g.cumS2 = make([]float64, len(sd)+1)
	for i := range sd {
		g.cumS2[i+1] = g.cumS2[i] + sd[i]*sd[i]
		g.pad = max(g.pad, nodes(g.reach(sd[i], sd[i]*sd[i]/(1+rho[i]))/c, m))
		g.sMin = min(g.sMin, sd[i])
	}
	// No step reaches farther than the grid is wide: when b is tiny next
	// to the steps' spread (a statistic near 0), reach/c would ask for
	// taps (and memory) without bound, and past int's range.
	// pad leaves room for the wider taps of blocks (blockLen keeps them
	// within it).
	g.reach1 = g.pad
	g.pad *= 4
	g.zz = make([]float64, m+1)
	for k := range g.zz {
		g.zz[k] = z[k] * z[k]
	}
	// The exponents of T for the taps (c^2, 2 c^2), for each zone node at
	// distance D from z[lo] (D^2, 2 D c) and for each pair of zone nodes
	// j < k ((z_k - z_j)^2, packed by rows).
	ks := []float64{c * c, 2 * c * c}
	for k := zoneSkip; k < g.lo; k++ {
		dk := z[g.lo] - z[k]
		ks = append(ks, dk*dk, 2*dk*c)
	}
	for j := zoneSkip; j < g.lo; j++ {
		for k := j + 1; k < g.lo; k++ {
			ks = append(ks, (z[k]-z[j])*(z[k]-z[j]))
		}
	}
	g.et = newExpTable(ks)
	if g.workers <= 0 {
		g.workers = min(runtime.GOMAXPROCS(0), 4)
	}
	if float64(g.half-g.lo)*float64(g.reach1) < 2e4 {
		g.workers = 1
	}
	g.taps = make([]float64, g.pad+1)
	g.fac = make([]float64, m+1)
	g.hz = make([]float64, g.lo)
	g.pz = make([]float64, g.lo)
	g.ones = make([]float64, m+1)
	for k := range g.ones {
		g.ones[k] = 1
	}
	return g
}

func (g *chainGrid) alloc() []float64 { return make([]float64, g.m+1+2*g.pad) }

// nodes converts a distance in grid spacings to a node count of at most
// limit (a float past int's range converts to an arbitrary int).
func nodes(x float64, limit int) int {
	if !(x < float64(limit)) {
		return limit
	}
	return int(x)
}

// reach returns how far the kernel of a step (or block) with conditional
// standard deviation s and 1 - r = omr reaches: it is dropped where
// |z' - r z| > kernelReach s, so beyond |z' - z| > kernelReach s + (1-r) b.
func (g *chainGrid) reach(s, omr float64) float64 { return kernelReach*s + omr*g.b }

func (g *chainGrid) kappa(i int) float64 { return 1 / (2 * (1 + g.rho[i])) }

// mu returns the exponent of the node factor after a step (or block) of
// correlation r and conditional variance s2 that ends before cut i:
// kappa(r) - r_i kappa_i = (1 - r r_i) / (2 (1+r) (1+r_i)), or kappa(r)
// after the last cut (then v = w f).
func (g *chainGrid) mu(r, s2 float64, i int) float64 {
	if i == len(g.rho) {
		return 1 / (2 * (1 + r))
	}
	r1, s1 := g.rho[i], g.sd[i]
	return (s2 + s1*s1 + (r-r1)*(r-r1)) / (4 * (1 + r) * (1 + r1))
}

// mirror copies the nodes past the middle that a step reads.
func (g *chainGrid) mirror(u []float64) {
	for k := g.half + 1; k <= min(g.half+g.pad, g.hi); k++ {
		u[g.pad+k] = u[g.pad+g.m-k]
	}
}

// parallel calls f over consecutive ranges covering j0..j1-1, on up to
// g.workers goroutines.
func (g *chainGrid) parallel(j0, j1 int, f func(j0, j1 int)) {
	if g.workers == 1 {
		f(j0, j1)
		return
	}
	var wg sync.WaitGroup
	chunk := (j1 - j0 + g.workers - 1) / g.workers
	for a := j0; a < j1; a += chunk {
		wg.Add(1)
		go func(a, b int) {
			defer wg.Done()
			f(a, b)
		}(a, min(a+chunk, j1))
	}
	wg.Wait()
}

// step advances the density by cut i: from u and vz to next (uniform
// targets lo..jEnd; next is not written elsewhere) and vz (in place).
func (g *chainGrid) step(i int, u, next, vz []float64, jEnd int) {
	z, c, lo, hi, pad := g.z, g.c, g.lo, g.hi, g.pad
	r, s := g.rho[i], g.sd[i]
	a := r / (2 * s * s)
	ex := g.et.at(a)
	scale := 1 / (s * math.Sqrt(2*math.Pi))
	rc := g.reach(s, s*s/(1+r))
	d := nodes(rc/c, g.pad)
	taps, fac, hz := g.taps[:d+1], g.fac, g.hz
	// taps[t] = scale T(t c), by products.
	e, ratio := scale, ex[0]
	for t := range taps {
		taps[t] = e
		e *= ratio
		ratio *= ex[1]
	}
	mu := g.mu(r, s*s, i+1)
	// Uniform targets from uniform sources.
	g.parallel(lo, jEnd+1, func(j0, j1 int) {
		nodeFactors(fac[j0:j1], g.w[j0:j1], g.zz[j0:j1], mu)
		convolve(next[pad+j0:pad+j1], u[pad+j0-d:pad+j1+d], taps, fac[j0:j1])
	})
	// Uniform targets from zone sources: for a zone node at distance D
	// from z[lo] (the right zone's mirror node from z[hi]),
	// T(D + t c) = exp(-a D^2) exp(-2 a D c)^t T(t c).
	for k := zoneSkip; k < lo; k++ {
		dk := z[lo] - z[k]
		if dk > rc {
			continue
		}
		l := 2 + 2*(k-zoneSkip)
		e, q := vz[k]*ex[l], ex[l+1]
		tEnd := nodes((rc-dk)/c, hi-lo)
		for t, tap := range taps[:min(tEnd, jEnd-lo)+1] {
			next[pad+lo+t] += e * tap * fac[lo+t]
			e *= q
		}
		// The right zone's mirror node reaches jEnd only on narrow grids.
		if hi-tEnd <= jEnd {
			e = vz[k] * ex[l]
			for t := 0; t <= tEnd; t++ {
				if hi-t <= jEnd {
					next[pad+hi-t] += e * taps[t] * fac[hi-t]
				}
				e *= q
			}
		}
	}
	// Zone targets: from the uniform sources by products along the
	// lattice, from the zone sources directly.
	for j := zoneSkip; j < lo; j++ {
		hz[j] = 0
		if dj := z[lo] - z[j]; dj <= rc {
			n := nodes((rc-dj)/c, hi-lo) + 1
			l := 2 + 2*(j-zoneSkip)
			hz[j] += kernelSum(taps[:n], u[pad+lo:pad+lo+n], ex[l], ex[l+1])
		}
	}
	// Zone pairs: T is symmetric, stored by rows j of k > j; pz gathers the
	// sums unscaled, row j's own sum in a register.
	pairs, pz := ex[2+2*(lo-zoneSkip):], g.pz
	copy(pz, vz)
	for j := zoneSkip; j < lo; j++ {
		row := pairs[:lo-1-j]
		pairs = pairs[lo-1-j:]
		vj, acc := vz[j], 0.0
		vk, pk := vz[j+1:lo], pz[j+1:lo]
		vk, pk = vk[:len(row)], pk[:len(row)]
		for i, t := range row {
			acc += t * vk[i]
			pk[i] += t * vj
		}
		pz[j] += acc
	}
	for j := zoneSkip; j < lo; j++ {
		hz[j] += scale * pz[j]
	}
	// The right zone reaches the left one on narrow grids only.
	if -2*z[lo-1] <= rc {
		for j := zoneSkip; j < lo; j++ {
			for k := zoneSkip; k < lo; k++ {
				if dz := -z[k] - z[j]; dz <= rc {
					hz[j] += vz[k] * scale * math.Exp(-a*dz*dz)
				}
			}
		}
	}
	nodeFactors(fac[zoneSkip:lo], g.w[zoneSkip:lo], g.zz[zoneSkip:lo], mu)
	for j := zoneSkip; j < lo; j++ {
		vz[j] = hz[j] * fac[j]
	}
}

// blockTau is the width, in smallest conditional standard deviations, of
// the smooth split between the near and far parts of a block: wide enough
// that the first step of the near part and the combined step of the far
// part integrate the split density as accurately as a plain step.
const blockTau = 3

// blockRS returns the correlation R = prod r_k and the conditional
// variance S^2 = 1 - R^2 of the cuts i..i+l-1 combined.
func (g *chainGrid) blockRS(i, l int) (r, s2 float64) {
	logR := 0.0
	for _, s := range g.sd[i : i+l] {
		logR += 0.5 * math.Log1p(-s*s)
	}
	return math.Exp(logR), -math.Expm1(2 * logR)
}

// blockSplit returns, for a block of conditional variance s2, the centre
// d0 of the split (as a distance from the barrier) and the last uniform
// node jw of the near part's window.
//
// The far part, split off by Phi((d - d0)/tau), must neither reach the
// barrier nor the end zone within the block: d0 - zone >= 8.5 sqrt(tau^2 +
// S^2) (the Gaussian tails of the split and of the paths multiply). The
// near part, Phi((d0 - d)/tau), must stay within the window:
// dw - d0 >= 8.5 sqrt(tau^2 + S^2).
func (g *chainGrid) blockSplit(s2 float64) (d0 float64, jw int) {
	tau := blockTau * g.sMin
	spread := 8.5 * math.Sqrt(tau*tau+s2)
	zone := g.z[g.lo] + g.b
	d0 = zone + spread
	return d0, g.lo + nodes(math.Ceil((d0+spread-zone)/g.c), g.m+1)
}

// blockLen returns how many cuts from i on go into one block: the length
// among 1, 2, 4, ..., maxBlock with the least lattice work per cut (the
// end zones cost the same either way), 1 where the grid is too narrow for
// a block. It bounds S^2 of a block by sum s_k^2, from prefix sums.
func (g *chainGrid) blockLen(i int) int {
	best, bestCost := 1, math.Inf(1)
	taps := func(s, omr float64) float64 { return math.Ceil(g.reach(s, omr) / g.c) }
	nodes := float64(g.half - g.lo + 1)
	s := g.sd[i]
	for l := 1; l <= g.maxBlock && i+l <= len(g.rho); l *= 2 {
		var cost float64
		if l == 1 {
			cost = nodes * taps(s, 0)
		} else {
			s2 := g.cumS2[i+l] - g.cumS2[i]
			_, jw := g.blockSplit(s2)
			dl := taps(math.Sqrt(s2), s2)
			if jw+g.reach1 > g.half || dl > float64(g.pad) {
				break
			}
			if g.farEven(s2) {
				dl /= 2
			}
			// The split and the far part's node factors cost about 8
			// taps a node.
			cost = float64(jw-g.lo+1)*taps(s, 0) + nodes*(dl+8)/float64(l)
		}
		if cost < bestCost {
			best, bestCost = l, cost
		}
	}
	return best
}

// farEven reports whether the far part of a block of conditional variance
// s2 is integrated on the even nodes only: the combined kernel then has at
// least as many nodes per standard deviation, sqrt(s2)/(2c), as a single
// step has on the full grid, smin/c, and the far part, split off over
// tau = 3 smin, is smoother still.
func (g *chainGrid) farEven(s2 float64) bool { return s2 >= 4*g.sMin*g.sMin }

// block advances the density over the cuts i..i+l-1 from u and vz to next
// and vz. It splits v = v chi + v (1 - chi) with chi = Phi((d - d0)/tau), d
// the distance from the barrier: the near part v (1 - chi) goes step by
// step over the window lo..jw; the far part v chi never feels the
// barriers within the block, so it moves by the combined step of
// correlation R = prod r_i and conditional variance S^2 = 1 - R^2 (the
// same factorization, with its own node factors).
func (g *chainGrid) block(i, l int, u, next, vz []float64) {
	if g.near == nil {
		g.near, g.near2, g.far = g.alloc(), g.alloc(), g.alloc()
	}
	lo, half, pad, c := g.lo, g.half, g.pad, g.c
	r, s2 := g.blockRS(i, l)
	d0, jw := g.blockSplit(s2)
	tau := blockTau * g.sMin
	near, near2, far := g.near, g.near2, g.far
	clear(near)
	clear(near2)
	clear(far)
	// The split; chi is 0 or 1 to 1e-17 beyond 8.5 tau of d0.
	r0 := g.rho[i]
	// Far part in the block's representation: times exp((R K - r0 kappa0) z^2),
	// r0 kappa0 - R K = (r0 - R) / (2 (1+r0) (1+R)), r0 - R = r0 (1 - prod_{>i} r).
	logRest := 0.0
	for _, s := range g.sd[i+1 : i+l] {
		logRest += 0.5 * math.Log1p(-s*s)
	}
	muIn := r0 * -math.Expm1(logRest) / (2 * (1 + r0) * (1 + r))
	nodeFactors(g.fac[lo:half+1], g.ones[lo:half+1], g.zz[lo:half+1], muIn)
	for j := lo; j <= half; j++ {
		x := (g.z[j] + g.b - d0) / tau
		v := u[pad+j]
		switch {
		case x <= -8.5:
			near[pad+j] = v
		case x >= 8.5:
			far[pad+j] = v * g.fac[j]
		default:
			chi := distuv.UnitNormal.CDF(x)
			near[pad+j] = v * (1 - chi)
			far[pad+j] = v * chi * g.fac[j]
		}
	}
	g.mirror(far)
	// Near part: step by step over the window.
	for k := i; k < i+l; k++ {
		g.step(k, near, near2, vz, jw)
		near, near2 = near2, near
	}
	// Far part: the combined step, then the node factors of cut i+l.
	s := math.Sqrt(s2)
	a := r / (2 * s2)
	d := nodes(g.reach(s, s2/(1+r))/c, g.pad)
	taps := g.taps[:d+1]
	e, ratio, q := 1/(s*math.Sqrt(2*math.Pi)), math.Exp(-a*c*c), math.Exp(-2*a*c*c)
	for t := range taps {
		taps[t] = e
		e *= ratio
		ratio *= q
	}
	mu := g.mu(r, s2, i+l)
	even := g.farEven(s2)
	g.parallel(lo, half+1, func(j0, j1 int) {
		nodeFactors(g.fac[j0:j1], g.w[j0:j1], g.zz[j0:j1], mu)
		if even {
			convolveEven(next[pad+j0:pad+j1], far[pad+j0-d:pad+j1+d], taps, g.fac[j0:j1], j0)
		} else {
			convolve(next[pad+j0:pad+j1], far[pad+j0-d:pad+j1+d], taps, g.fac[j0:j1])
		}
	})
	for j := lo; j <= jw; j++ {
		next[pad+j] += near[pad+j]
	}
	g.mirror(next)
}

// expTable keeps exp(-a K_l) for the constants K_l of a grid as a changes
// slowly from step to step: from the values at an anchor a0, times the
// Taylor polynomial of degree 7 of exp((a0 - a) K_l), exact to 1e-18 while
// |a0 - a| max K_l <= 0.02, past which a becomes the anchor.
type expTable struct {
	k, base, val []float64
	a0, kMax     float64
}

func newExpTable(k []float64) *expTable {
	e := &expTable{k: k, base: make([]float64, len(k)), val: make([]float64, len(k)), a0: math.NaN()}
	for _, x := range k {
		e.kMax = max(e.kMax, x)
	}
	return e
}

// at returns exp(-a K_l) for every l.
func (e *expTable) at(a float64) []float64 {
	x := e.a0 - a
	if !(math.Abs(x)*e.kMax <= 0.02) {
		e.a0 = a
		for l, k := range e.k {
			e.base[l] = math.Exp(-a * k)
		}
		copy(e.val, e.base)
		return e.val
	}
	base := e.base[:len(e.k)]
	val := e.val[:len(e.k)]
	for l, k := range e.k {
		y := x * k
		val[l] = base[l] * (1 + y*(1+y*(1.0/2+y*(1.0/6+y*(1.0/24+y*(1.0/120+y*(1.0/720+y*(1.0/5040))))))))
	}
	return val
}

// convolve sets out[j] = fac[j] sum_{|t| <= d} taps[|t|] v[j+d+t] for the
// symmetric taps taps[0..d] (len(v) = len(out) + 2d), four targets at a
// time so the sums are not bound by the latency of one.
func convolve(out, v, taps, fac []float64) {
	d := len(taps) - 1
	n := len(out)
	v = v[:n+2*d]
	fac = fac[:n]
	j := 0
	for ; j+4 <= n; j += 4 {
		x := v[j : j+2*d+4]
		t0 := taps[0]
		a0, a1, a2, a3 := t0*x[d], t0*x[d+1], t0*x[d+2], t0*x[d+3]
		for t := 1; t <= d; t++ {
			tt := taps[t]
			l := x[d-t : d-t+4]
			r := x[d+t : d+t+4]
			a0 += tt * (l[0] + r[0])
			a1 += tt * (l[1] + r[1])
			a2 += tt * (l[2] + r[2])
			a3 += tt * (l[3] + r[3])
		}
		f := fac[j : j+4]
		o := out[j : j+4]
		o[0], o[1], o[2], o[3] = a0*f[0], a1*f[1], a2*f[2], a3*f[3]
	}
	for ; j < n; j++ {
		x := v[j : j+2*d+1]
		acc := taps[0] * x[d]
		for t := 1; t <= d; t++ {
			acc += taps[t] * (x[d-t] + x[d+t])
		}
		out[j] = acc * fac[j]
	}
}

// convolveEven is convolve with the sources restricted to the even nodes
// and weighted 2: the trapezoidal rule of spacing 2c, for densities smooth
// on that scale. Node j0+j is the target out[j] and the source v[j+d];
// odd j0 shifts the parity. Four targets at a time, two at even nodes
// (even taps) and two at odd nodes (odd taps), which share their sources.
func convolveEven(out, v, taps, fac []float64, j0 int) {
	d := len(taps) - 1
	n := len(out)
	v = v[:n+2*d]
	fac = fac[:n]
	e := j0 & 1 // out[e] and out[e+2] of each four are at even nodes
	j := 0
	for ; j+4 <= n; j += 4 {
		x := v[j : j+2*d+4]
		// Even targets q = e, e+2 start from tap 0, odd ones q = 1-e, 3-e
		// from tap 1; with t odd, the odd targets take tap t and the even
		// ones tap t+1, from the sources d+q-t and d+q+t (t+1).
		t0 := taps[0]
		ae0, ae1 := t0*x[d+e], t0*x[d+e+2]
		var ao0, ao1 float64
		t := 1
		if e == 0 {
			for ; t < d; t += 2 {
				to, te := taps[t], taps[t+1]
				l := x[d-t-1 : d-t+4]
				r := x[d+t+1 : d+t+4]
				ao0 += to * (l[2] + r[0])
				ao1 += to * (l[4] + r[2])
				ae0 += te * (l[0] + r[0])
				ae1 += te * (l[2] + r[2])
			}
		} else {
			for ; t < d; t += 2 {
				to, te := taps[t], taps[t+1]
				l := x[d-t : d-t+3]
				r := x[d+t : d+t+5]
				ao0 += to * (l[0] + r[0])
				ao1 += to * (l[2] + r[2])
				ae0 += te * (l[0] + r[2])
				ae1 += te * (l[2] + r[4])
			}
		}
		if t == d {
			q := 1 - e
			ao0 += taps[t] * (x[d+q-t] + x[d+q+t])
			ao1 += taps[t] * (x[d+q+2-t] + x[d+q+2+t])
		}
		o, f := out[j:j+4], fac[j:j+4]
		o[e], o[e+2] = 2*ae0*f[e], 2*ae1*f[e+2]
		o[1-e], o[3-e] = 2*ao0*f[1-e], 2*ao1*f[3-e]
	}
	for ; j < n; j++ {
		x := v[j : j+2*d+1]
		acc := 0.0
		for t := (j + e) & 1; t <= d; t += 2 {
			if t == 0 {
				acc += taps[0] * x[d]
				continue
			}
			acc += taps[t] * (x[d-t] + x[d+t])
		}
		out[j] = 2 * acc * fac[j]
	}
}

// nodeFactors sets fac[j] = w[j] exp(-mu zz[j]), by the Taylor polynomial
// of degree 3 when every mu zz[j] <= 1e-4 and of degree 4 when every mu
// zz[j] <= 1e-3 (relative error below 1e-17).
func nodeFactors(fac, w, zz []float64, mu float64) {
	w, zz = w[:len(fac)], zz[:len(fac)]
	if len(zz) == 0 {
		return
	}
	// z^2 is convex in z: its largest value over the nodes is at an end.
	switch x := mu * max(zz[0], zz[len(zz)-1]); {
	case x <= 1e-4:
		for j := range fac {
			x := -mu * zz[j]
			fac[j] = w[j] * (1 + x*(1+x*(1.0/2+x*(1.0/6))))
		}
	case x <= 1e-3:
		for j := range fac {
			x := -mu * zz[j]
			fac[j] = w[j] * (1 + x*(1+x*(1.0/2+x*(1.0/6+x*(1.0/24)))))
		}
	default:
		for j := range fac {
			fac[j] = w[j] * math.Exp(-mu*zz[j])
		}
	}
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
