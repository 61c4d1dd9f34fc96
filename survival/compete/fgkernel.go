package compete

import "math"

// fgProblem is a Fine-Gray data set sorted by increasing time (ties in
// input order), with the covariates centred at their means (which leaves
// the pseudo-likelihood, its derivatives and the variance unchanged) and
// stored row-major, and the censoring weights of every censoring group at
// every observed time.
type fgProblem struct {
	n, p, ncg int
	time      []float64
	ici       []int8 // 0 censored, 1 cause of interest, 2 competing
	cg        []int
	x         []float64 // n*p
	mean      []float64 // the column means subtracted from x
	g         []float64 // ncg*n: g[c*n+i] = G_c(time[i]-), crr's uuu
	// blocks of tied times: block b is [lo[b], lo[b+1])
	lo []int
	// failure blocks: fail[k] = block index, nfail[k] = events of cause 1
	fail  []int
	nfail []float64

	// filled by eval: per failure block S0 and xbar = S1/S0
	s0, xbar []float64
	r        []float64 // exp(x'b) per observation
}

func newFGProblem(time []float64, status []int, x [][]float64, cg []int, ncg int) *fgProblem {
	n, p := len(time), len(x)
	idx := sortedIndex(time)
	fg := &fgProblem{n: n, p: p, ncg: ncg,
		time: make([]float64, n), ici: make([]int8, n), cg: make([]int, n), x: make([]float64, n*p),
		g: make([]float64, ncg*n), r: make([]float64, n)}
	for k, i := range idx {
		fg.time[k] = time[i]
		switch status[i] {
		case 0:
		case 1:
			fg.ici[k] = 1
		default:
			fg.ici[k] = 2
		}
		if cg != nil {
			fg.cg[k] = cg[i]
		}
	}
	fg.mean = make([]float64, p)
	for j, col := range x {
		var mean float64
		for _, v := range col {
			mean += v
		}
		mean /= float64(n)
		fg.mean[j] = mean
		for k, i := range idx {
			fg.x[k*p+j] = col[i] - mean
		}
	}
	for i := 0; i < n; {
		fg.lo = append(fg.lo, i)
		d := 0
		j := i
		for ; j < n && fg.time[j] == fg.time[i]; j++ {
			if fg.ici[j] == 1 {
				d++
			}
		}
		if d > 0 {
			fg.fail = append(fg.fail, len(fg.lo)-1)
			fg.nfail = append(fg.nfail, float64(d))
		}
		i = j
	}
	fg.lo = append(fg.lo, n)
	fg.s0 = make([]float64, len(fg.fail))
	fg.xbar = make([]float64, len(fg.fail)*p)
	fg.censWeights()
	return fg
}

// censWeights fills g with crr's uuu: for each censoring group c the
// Kaplan-Meier estimate of the censoring distribution of the group (the
// censored observations are its events), read at time*(1 - 100 eps) as a
// left-continuous step (R's approx(method = "constant", f = 0)) on the knots
// (min(0, u_1) - 10 eps, 1), (u_k, G(u_k)), (u_max (1 + 10 eps), 0).
func (fg *fgProblem) censWeights() {
	const eps = 0x1p-52
	n := fg.n
	for c := 0; c < fg.ncg; c++ {
		var knots, surv []float64
		atRisk := 0
		for i := 0; i < n; i++ {
			if fg.cg[i] == c {
				atRisk++
			}
		}
		s := 1.0
		for i := 0; i < n; {
			t := fg.time[i]
			nr, d := 0, 0
			j := i
			for ; j < n && fg.time[j] == t; j++ {
				if fg.cg[j] == c {
					nr++
					if fg.ici[j] == 0 {
						d++
					}
				}
			}
			if nr > 0 {
				s *= float64(atRisk-d) / float64(atRisk)
				knots = append(knots, t)
				surv = append(surv, s)
				atRisk -= nr
			}
			i = j
		}
		row := fg.g[c*n : c*n+n]
		if len(knots) == 0 {
			continue // an empty group: never used
		}
		first := math.Min(0, knots[0]) - 10*eps
		lastKnot := knots[len(knots)-1] * (1 + 10*eps)
		k := -1 // last knot <= xout
		for i := 0; i < n; i++ {
			xout := fg.time[i] * (1 - 100*eps)
			for k+1 < len(knots) && knots[k+1] <= xout {
				k++
			}
			switch {
			case xout >= lastKnot:
				row[i] = 0
			case k < 0 || xout < first:
				row[i] = 1
			default:
				row[i] = surv[k]
			}
		}
	}
}

// eval returns crr's objective, minus the log pseudo-likelihood, at b and,
// when s and h are not nil, its gradient s and Hessian h (p*p, full). It
// also leaves S0 and xbar of each failure time in fg.s0, fg.xbar.
func (fg *fgProblem) eval(b, s, h []float64) float64 {
	n, p, ncg := fg.n, fg.p, fg.ncg
	derivs := s != nil
	eta := make([]float64, n)
	for i := 0; i < n; i++ {
		row := fg.x[i*p : i*p+p]
		var e float64
		for j, bj := range b {
			e += bj * row[j]
		}
		eta[i] = e
		fg.r[i] = math.Exp(e)
	}
	nf := len(fg.fail)
	// descending: the sums over t_j >= t_k at each failure time k
	suf1 := make([]float64, nf*p)
	var suf2 []float64
	if derivs {
		suf2 = make([]float64, nf*p*p)
	}
	var a0 float64
	a1 := make([]float64, p)
	a2 := make([]float64, p*p)
	k := nf - 1
	for bl := len(fg.lo) - 2; bl >= 0; bl-- {
		for i := fg.lo[bl]; i < fg.lo[bl+1]; i++ {
			r := fg.r[i]
			row := fg.x[i*p : i*p+p]
			a0 += r
			for j := range a1 {
				a1[j] += r * row[j]
				if derivs {
					for l := 0; l <= j; l++ {
						a2[j*p+l] += r * row[j] * row[l]
					}
				}
			}
		}
		if k >= 0 && fg.fail[k] == bl {
			fg.s0[k] = a0
			copy(suf1[k*p:k*p+p], a1)
			if derivs {
				copy(suf2[k*p*p:(k+1)*p*p], a2)
			}
			k--
		}
	}
	// ascending: the competing events before t_k, weighted per group
	b0 := make([]float64, ncg)
	b1 := make([]float64, ncg*p)
	var b2 []float64
	if derivs {
		b2 = make([]float64, ncg*p*p)
		clear(s)
		clear(h)
	}
	var lik float64
	k = 0
	for bl := 0; bl+1 < len(fg.lo); bl++ {
		lo, hi := fg.lo[bl], fg.lo[bl+1]
		if k < nf && fg.fail[k] == bl {
			s0 := fg.s0[k]
			s1 := suf1[k*p : k*p+p]
			for c := 0; c < ncg; c++ {
				gk := fg.g[c*n+lo]
				if gk == 0 || b0[c] == 0 {
					continue
				}
				s0 += gk * b0[c]
				for j := range s1 {
					s1[j] += gk * b1[c*p+j]
				}
				if derivs {
					s2 := suf2[k*p*p : (k+1)*p*p]
					for j := range p * p {
						s2[j] += gk * b2[c*p*p+j]
					}
				}
			}
			d := fg.nfail[k]
			for i := lo; i < hi; i++ {
				if fg.ici[i] == 1 {
					lik -= eta[i]
					if derivs {
						for j := range s {
							s[j] -= fg.x[i*p+j]
						}
					}
				}
			}
			lik += d * math.Log(s0)
			fg.s0[k] = s0
			xb := fg.xbar[k*p : k*p+p]
			for j := range xb {
				xb[j] = s1[j] / s0
			}
			if derivs {
				s2 := suf2[k*p*p : (k+1)*p*p]
				for j := range p {
					s[j] += d * xb[j]
					for l := 0; l <= j; l++ {
						h[j*p+l] += d * (s2[j*p+l]/s0 - xb[j]*xb[l])
					}
				}
			}
			k++
		}
		for i := lo; i < hi; i++ {
			if fg.ici[i] != 2 {
				continue
			}
			c := fg.cg[i]
			w := fg.r[i] / fg.g[c*n+i]
			row := fg.x[i*p : i*p+p]
			b0[c] += w
			for j := range p {
				b1[c*p+j] += w * row[j]
				if derivs {
					for l := 0; l <= j; l++ {
						b2[c*p*p+j*p+l] += w * row[j] * row[l]
					}
				}
			}
		}
	}
	if derivs {
		for j := range p {
			for l := j + 1; l < p; l++ {
				h[j*p+l] = h[l*p+j]
			}
		}
	}
	return lik
}

// meat returns crr's middle matrix sum_i eta_i eta_i' (p*p) at b (crrvv's
// v2): eta_i is subject i's score residual
//
//	delta_i (x_i - xbar(t_i)) - sum_k d_k w_i(t_k) (x_i - xbar_k) / S0_k
//
// (w_i(t) = exp(x_i'b) at risk, times G(t-)/G(t_i-) after a competing
// event) plus psi_i, the influence of the estimated censoring
// distribution: with Y_c(u) at risk in censoring group c at u and
//
//	q_c(u) = sum_{failures j in c, t_j >= u} G_c(t_j-)/S0_j sum_{competing l in c, t_l < u} exp(x_l'b)/G_c(t_l-) (x_l - xbar_j)
//
// psi_i = -sum_{censorings in c_i at u <= t_i} q_c(u)/Y_c(u)^2 + [i censored] q_c(t_i)/Y_c(t_i),
// all as crrvv computes them.
func (fg *fgProblem) meat(b []float64) []float64 {
	n, p, ncg := fg.n, fg.p, fg.ncg
	fg.eval(b, nil, nil)
	nb := len(fg.lo) - 1
	eta := make([]float64, n*p)
	// ascending: Hc = sum_{t_k <= t} d_k/S0_k, Qc = sum d_k xbar_k/S0_k
	var hc float64
	qc := make([]float64, p)
	k := 0
	nf := len(fg.fail)
	for bl := 0; bl < nb; bl++ {
		fk := -1
		if k < nf && fg.fail[k] == bl {
			d := fg.nfail[k]
			hc += d / fg.s0[k]
			for j := range qc {
				qc[j] += d * fg.xbar[k*p+j] / fg.s0[k]
			}
			fk = k
			k++
		}
		for i := fg.lo[bl]; i < fg.lo[bl+1]; i++ {
			r := fg.r[i]
			row := fg.x[i*p : i*p+p]
			e := eta[i*p : i*p+p]
			for j := range e {
				e[j] = -r * (row[j]*hc - qc[j])
			}
			if fg.ici[i] == 1 {
				for j := range e {
					e[j] += row[j] - fg.xbar[fk*p+j]
				}
			}
		}
	}
	// descending: competing-event terms (failures after t_i, weighted in
	// the subject's group) and the suffix sums C, D of q
	hg := make([]float64, ncg)
	qg := make([]float64, ncg*p)
	cs := make([]float64, ncg)
	ds := make([]float64, ncg*p)
	slot := make([]int, nb) // index into cSnap of blocks with censoring, or -1
	var cSnap, dSnap []float64
	k = nf - 1
	for bl := nb - 1; bl >= 0; bl-- {
		lo, hi := fg.lo[bl], fg.lo[bl+1]
		for i := lo; i < hi; i++ {
			if fg.ici[i] != 2 {
				continue
			}
			c := fg.cg[i]
			w := fg.r[i] / fg.g[c*n+i]
			row := fg.x[i*p : i*p+p]
			e := eta[i*p : i*p+p]
			for j := range e {
				e[j] -= w * (row[j]*hg[c] - qg[c*p+j])
			}
		}
		if k >= 0 && fg.fail[k] == bl {
			s0 := fg.s0[k]
			xb := fg.xbar[k*p : k*p+p]
			for c := 0; c < ncg; c++ {
				gk := fg.g[c*n+lo]
				hg[c] += fg.nfail[k] * gk / s0
				for j := range p {
					qg[c*p+j] += fg.nfail[k] * gk * xb[j] / s0
				}
			}
			for i := lo; i < hi; i++ {
				if fg.ici[i] != 1 {
					continue
				}
				c := fg.cg[i]
				gk := fg.g[c*n+lo]
				cs[c] += gk / s0
				for j := range p {
					ds[c*p+j] += gk * xb[j] / s0
				}
			}
			k--
		}
		slot[bl] = -1
		for i := lo; i < hi; i++ {
			if fg.ici[i] == 0 {
				slot[bl] = len(cSnap) / ncg
				cSnap = append(cSnap, cs...)
				dSnap = append(dSnap, ds...)
				break
			}
		}
	}
	// ascending: psi
	y := make([]float64, ncg)
	for i := 0; i < n; i++ {
		y[fg.cg[i]]++
	}
	b0 := make([]float64, ncg)
	b1 := make([]float64, ncg*p)
	ss2 := make([]float64, ncg*p)
	q := make([]float64, ncg*p)
	for bl := 0; bl < nb; bl++ {
		lo, hi := fg.lo[bl], fg.lo[bl+1]
		if sl := slot[bl]; sl >= 0 {
			for c := 0; c < ncg; c++ {
				for j := range p {
					q[c*p+j] = b1[c*p+j]*cSnap[sl*ncg+c] - b0[c]*dSnap[(sl*ncg+c)*p+j]
				}
			}
			for i := lo; i < hi; i++ {
				if fg.ici[i] != 0 {
					continue
				}
				c := fg.cg[i]
				for j := range p {
					ss2[c*p+j] -= q[c*p+j] / (y[c] * y[c])
				}
			}
		}
		for i := lo; i < hi; i++ {
			c := fg.cg[i]
			e := eta[i*p : i*p+p]
			for j := range e {
				e[j] += ss2[c*p+j]
				if fg.ici[i] == 0 {
					e[j] += q[c*p+j] / y[c]
				}
			}
		}
		for i := lo; i < hi; i++ {
			c := fg.cg[i]
			y[c]--
			if fg.ici[i] == 2 {
				w := fg.r[i] / fg.g[c*n+i]
				b0[c] += w
				for j := range p {
					b1[c*p+j] += w * fg.x[i*p+j]
				}
			}
		}
	}
	v := make([]float64, p*p)
	for i := 0; i < n; i++ {
		e := eta[i*p : i*p+p]
		for j := range p {
			for l := range p {
				v[j*p+l] += e[j] * e[l]
			}
		}
	}
	return v
}

// baseHaz returns the distinct times of the cause of interest and the jumps
// d_k / S0_k of the baseline cumulative subdistribution hazard (crrfit),
// at covariates 0 (S0 on the uncentred columns).
func (fg *fgProblem) baseHaz(b []float64) (times, jumps []float64) {
	fg.eval(b, nil, nil)
	var shift float64
	for j, m := range fg.mean {
		shift += b[j] * m
	}
	scale := math.Exp(shift)
	for k, bl := range fg.fail {
		times = append(times, fg.time[fg.lo[bl]])
		jumps = append(jumps, fg.nfail[k]/(fg.s0[k]*scale))
	}
	return times, jumps
}
