package compete

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// GrayTest is Gray's test of equal cumulative incidence of one cause among
// groups. Statistic and P are NaN where the variance matrix is singular
// (cuminc reports a statistic of -1 there).
type GrayTest struct {
	Cause     int
	Statistic float64
	DF        int // number of groups - 1
	P         float64
	// Score holds the scores of groups 1..k-1 (the first group dropped)
	// and Var their variance matrix, summed over strata.
	Score []float64
	Var   [][]float64
}

// Gray returns Gray's (1988) test that the cumulative incidence of cause
// is the same in the groups, as cmprsk::cuminc(time, status, group,
// strata, rho) computes it (Fortran crstm): in each stratum, the score of
// group j is
//
//	s_j = sum_t W(t) [ d_j(t) - d(t) R_j(t) / R(t) ],   R_j = n_j(t) (1 - F_j(t-)) / S_j(t-)
//
// with W(t) = (1 - F(t-))^rho, F the pooled cumulative incidence, F_j and
// S_j the group's cumulative incidence and event-free Kaplan-Meier, and the
// variance of Gray's paper; scores and variances are summed over strata
// and s' V^-1 s is chi-square with k - 1 df. status is 0 for censored, cause
// for the cause of interest, anything else a competing event. group holds
// codes 0..k-1 with k >= 2 (codes without observations are left out, as
// cuminc drops empty levels); strata holds codes 0..m-1 or is nil.
func Gray(time []float64, status []int, group, strata []int, cause int, rho float64) (GrayTest, error) {
	if group == nil {
		panic("compete: Gray needs groups")
	}
	if _, _, err := check(time, status, group); err != nil {
		return GrayTest{}, err
	}
	if strata != nil && len(strata) != len(time) {
		panic("compete: slices of different lengths")
	}
	if math.IsNaN(rho) || math.IsInf(rho, 0) {
		return GrayTest{}, fmt.Errorf("compete: rho %v is not finite", rho)
	}
	// recode the groups present 0..ng-1 in code order
	ngAll := 0
	for _, g := range group {
		ngAll = max(ngAll, g+1)
	}
	present := make([]int, ngAll)
	for _, g := range group {
		present[g] = 1
	}
	ng := 0
	for g := range present {
		if present[g] == 1 {
			present[g] = ng
			ng++
		} else {
			present[g] = -1
		}
	}
	if ng < 2 {
		return GrayTest{}, fmt.Errorf("compete: Gray's test needs two or more groups with observations, got %d", ng)
	}
	ns := 1
	for i, s := range strata {
		if s < 0 {
			return GrayTest{}, fmt.Errorf("compete: strata[%d] = %d is negative", i, s)
		}
		ns = max(ns, s+1)
	}
	idx := sortedIndex(time)
	byStratum := make([][]int32, ns)
	for _, i := range idx {
		s := 0
		if strata != nil {
			s = strata[i]
		}
		byStratum[s] = append(byStratum[s], i)
	}
	ng1 := ng - 1
	s := make([]float64, ng1)
	v := make([]float64, ng1*ng1)
	w := newCrst(ng)
	for _, rows := range byStratum {
		if len(rows) == 0 {
			continue
		}
		y := make([]float64, len(rows))
		m := make([]int, len(rows))
		ig := make([]int, len(rows))
		for k, i := range rows {
			y[k] = time[i]
			ig[k] = present[group[i]]
			switch status[i] {
			case 0:
				m[k] = 0
			case cause:
				m[k] = 1
			default:
				m[k] = 2
			}
		}
		st, vt := w.run(y, m, ig, rho)
		for i := range ng1 {
			s[i] += st[i]
			for j := 0; j <= i; j++ {
				v[i*ng1+j] += vt[i*ng1+j]
			}
		}
	}
	res := GrayTest{Cause: cause, DF: ng1, Score: s, Var: make([][]float64, ng1)}
	for i := range ng1 {
		res.Var[i] = make([]float64, ng1)
		for j := range ng1 {
			if j <= i {
				res.Var[i][j] = v[i*ng1+j]
			} else {
				res.Var[i][j] = v[j*ng1+i]
			}
		}
	}
	res.Statistic, res.P = math.NaN(), math.NaN()
	if q, ok := quadForm(res.Var, s); ok {
		res.Statistic = q
		res.P = distuv.ChiSquared{K: float64(ng1)}.Survival(q)
	}
	return res, nil
}

// crst is the workspace of cmprsk's Fortran subroutine crst for ng groups.
type crst struct {
	ng                     int
	f1m, f1, skmm, skm, v3 []float64
	c, a, v2               []float64 // ng*ng, ng*ng, (ng-1)*ng
	rs                     []int
	d0, d1, d2             []int
	s, v                   []float64
}

func newCrst(ng int) *crst {
	return &crst{ng: ng,
		f1m: make([]float64, ng), f1: make([]float64, ng), skmm: make([]float64, ng), skm: make([]float64, ng),
		v3: make([]float64, ng), c: make([]float64, ng*ng), a: make([]float64, ng*ng), v2: make([]float64, ng*ng),
		rs: make([]int, ng), d0: make([]int, ng), d1: make([]int, ng), d2: make([]int, ng),
		s: make([]float64, ng), v: make([]float64, ng*ng)}
}

// run is crst on one stratum sorted by time: y times, m 0/1/2 (censored,
// cause of interest, other cause), ig group 0..ng-1. It returns the scores
// of groups 0..ng-2 and their variance (lower triangle, row-major
// (ng-1)x(ng-1)), in crst's order of operations.
func (w *crst) run(y []float64, m, ig []int, rho float64) ([]float64, []float64) {
	ng := w.ng
	ng1 := ng - 1
	n := len(y)
	f1m, f1, skmm, skm, v3, c, a, v2, rs := w.f1m, w.f1, w.skmm, w.skm, w.v3, w.c, w.a, w.v2, w.rs
	s := w.s[:ng1]
	v := w.v[:ng1*ng1]
	clear(rs)
	for _, g := range ig {
		rs[g]++
	}
	clear(s)
	clear(v)
	for i := range ng {
		f1m[i], f1[i], skmm[i], skm[i], v3[i] = 0, 0, 1, 1, 0
	}
	clear(v2)
	clear(c)
	var fm, f float64
	for ll := 0; ll < n; {
		lu := ll
		for lu < n && y[lu] == y[ll] {
			lu++
		}
		clear(w.d0)
		clear(w.d1)
		clear(w.d2)
		for i := ll; i < lu; i++ {
			switch m[i] {
			case 0:
				w.d0[ig[i]]++
			case 1:
				w.d1[ig[i]]++
			default:
				w.d2[ig[i]]++
			}
		}
		nd1, nd2 := 0, 0
		for i := range ng {
			nd1 += w.d1[i]
			nd2 += w.d2[i]
		}
		if nd1 != 0 || nd2 != 0 {
			var tr, tq float64
			for i := range ng {
				if rs[i] <= 0 {
					continue
				}
				td := float64(w.d1[i] + w.d2[i])
				skm[i] = skmm[i] * (float64(rs[i]) - td) / float64(rs[i])
				f1[i] = f1m[i] + (skmm[i]*float64(w.d1[i]))/float64(rs[i])
				tr += float64(rs[i]) / skmm[i]
				tq += float64(rs[i]) * (1 - f1m[i]) / skmm[i]
			}
			f = fm + float64(nd1)/tr
			fb := math.Pow(1-fm, rho)
			for i := range ng {
				for j := i; j < ng; j++ {
					a[i*ng+j] = 0
				}
				if rs[i] <= 0 {
					continue
				}
				t1 := float64(rs[i]) / skmm[i]
				a[i*ng+i] = fb * t1 * (1 - t1/tr)
				if a[i*ng+i] != 0 {
					c[i*ng+i] += a[i*ng+i] * float64(nd1) / (tr * (1 - fm))
				}
				for j := i + 1; j < ng; j++ {
					if rs[j] <= 0 {
						continue
					}
					a[i*ng+j] = -(fb * t1 * float64(rs[j])) / (skmm[j] * tr)
					if a[i*ng+j] != 0 {
						c[i*ng+j] += a[i*ng+j] * float64(nd1) / (tr * (1 - fm))
					}
				}
			}
			for i := 1; i < ng; i++ {
				for j := 0; j < i; j++ {
					a[i*ng+j] = a[j*ng+i]
					c[i*ng+j] = c[j*ng+i]
				}
			}
			for i := range ng1 {
				if rs[i] <= 0 {
					continue
				}
				s[i] += fb * (float64(w.d1[i]) - float64(nd1*rs[i])*(1-f1m[i])/(skmm[i]*tq))
			}
			if nd1 > 0 {
				for k := range ng {
					if rs[k] <= 0 {
						continue
					}
					t4 := 1.0
					if skm[k] > 0 {
						t4 = 1 - (1-f)/skm[k]
					}
					t5 := 1.0
					if nd1 > 1 {
						t5 = 1 - float64(nd1-1)/(tr*skmm[k]-1)
					}
					t3 := t5 * skmm[k] * float64(nd1) / (tr * float64(rs[k]))
					v3[k] += t4 * t4 * t3
					for i := range ng1 {
						t1 := a[i*ng+k] - t4*c[i*ng+k]
						v2[i*ng+k] += t1 * t4 * t3
						for j := 0; j <= i; j++ {
							t2 := a[j*ng+k] - t4*c[j*ng+k]
							v[i*ng1+j] += t1 * t2 * t3
						}
					}
				}
			}
			if nd2 != 0 {
				for k := range ng {
					if skm[k] <= 0 || w.d2[k] <= 0 {
						continue
					}
					t4 := (1 - f) / skm[k]
					t5 := 1.0
					if w.d2[k] > 1 {
						t5 = 1 - (float64(w.d2[k])-1)/(float64(rs[k])-1)
					}
					t6 := float64(rs[k])
					t3 := t5 * ((skmm[k] * skmm[k]) * float64(w.d2[k])) / (t6 * t6)
					v3[k] += t4 * t4 * t3
					for i := range ng1 {
						t1 := t4 * c[i*ng+k]
						v2[i*ng+k] -= t1 * t4 * t3
						for j := 0; j <= i; j++ {
							t2 := t4 * c[j*ng+k]
							v[i*ng1+j] += t1 * t2 * t3
						}
					}
				}
			}
		}
		if lu >= n {
			break
		}
		for i := ll; i < lu; i++ {
			rs[ig[i]]--
		}
		fm = f
		copy(f1m, f1)
		copy(skmm, skm)
		ll = lu
	}
	for i := range ng1 {
		for j := 0; j <= i; j++ {
			for k := range ng {
				v[i*ng1+j] += c[i*ng+k] * c[j*ng+k] * v3[k]
				v[i*ng1+j] += c[i*ng+k] * v2[j*ng+k]
				v[i*ng1+j] += c[j*ng+k] * v2[i*ng+k]
			}
		}
	}
	return s, v
}

// quadForm returns s' V^-1 s, or false when V is singular (R's qr rank
// test with tolerance 1e-7, relative to the largest pivot).
func quadForm(v [][]float64, s []float64) (float64, bool) {
	n := len(s)
	a := make([]float64, n*n)
	for i := range n {
		copy(a[i*n:i*n+n], v[i])
	}
	b := append([]float64(nil), s...)
	// Gaussian elimination with partial pivoting
	maxPivot := 0.0
	for i := range n {
		maxPivot = max(maxPivot, math.Abs(a[i*n+i]))
	}
	if maxPivot == 0 || math.IsNaN(maxPivot) {
		return 0, false
	}
	for col := range n {
		p := col
		for r := col + 1; r < n; r++ {
			if math.Abs(a[r*n+col]) > math.Abs(a[p*n+col]) {
				p = r
			}
		}
		if !(math.Abs(a[p*n+col]) > 1e-7*maxPivot) {
			return 0, false
		}
		if p != col {
			for k := range n {
				a[p*n+k], a[col*n+k] = a[col*n+k], a[p*n+k]
			}
			b[p], b[col] = b[col], b[p]
		}
		for r := col + 1; r < n; r++ {
			f := a[r*n+col] / a[col*n+col]
			for k := col; k < n; k++ {
				a[r*n+k] -= f * a[col*n+k]
			}
			b[r] -= f * b[col]
		}
	}
	x := make([]float64, n)
	for i := n - 1; i >= 0; i-- {
		sum := b[i]
		for k := i + 1; k < n; k++ {
			sum -= a[i*n+k] * x[k]
		}
		x[i] = sum / a[i*n+i]
	}
	var q float64
	for i := range n {
		q += s[i] * x[i]
	}
	return q, true
}
