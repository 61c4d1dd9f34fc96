package compete

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// FGOptions are the optional settings of FineGray; the zero value (or nil)
// is crr's defaults.
type FGOptions struct {
	// CensGroup gives each observation's censoring group (codes 0..m-1):
	// the censoring distribution is estimated within each group (crr's
	// cengroup). nil: one group.
	CensGroup []int
	// Names are the column names; nil gives x1, x2, ...
	Names []string
	// Init are the starting coefficients; nil: 0.
	Init []float64
	// MaxIter is the maximum number of Newton steps; 0 means crr's 10, a
	// negative value evaluates the model at Init.
	MaxIter int
	// GTol is crr's convergence tolerance on the gradient; 0 means 1e-6.
	GTol float64
}

// FGModel is a fitted Fine-Gray model.
type FGModel struct {
	Names []string
	Coef  []float64 // log subdistribution hazard ratios
	SE    []float64
	HR    []float64 // exp(Coef)
	// HRLower and HRUpper are the 95% limits exp(Coef -/+ qnorm(0.975) SE).
	HRLower, HRUpper []float64
	Z                []float64 // Coef / SE
	P                []float64 // 2 (1 - Phi(|Z|)), as summary.crr
	// Var is crr's sandwich variance Inf^-1 M Inf^-1, which accounts for
	// the estimated censoring distribution; Inf is the information (minus
	// the Hessian of the log pseudo-likelihood) at Coef.
	Var, Inf [][]float64
	// Score is the gradient of the log pseudo-likelihood at Coef.
	Score []float64

	Loglik, LoglikNull float64 // log pseudo-likelihood at Coef and at 0
	// LRT is the pseudo likelihood-ratio statistic 2 (Loglik - LoglikNull)
	// on len(Coef) df (summary.crr's logtest; crr gives no p-value, this is
	// the chi-square upper tail).
	LRT struct {
		Statistic float64
		DF        int
		P         float64
	}
	N, Events, Competing, Censored int
	Iterations                     int
	Converged                      bool

	// FailTimes are the distinct times of the cause of interest and
	// BaseHaz the jumps of the baseline cumulative subdistribution hazard
	// there (crr's uftime and bfitj): F(t | x) = 1 - exp(-exp(x'b) sum_{s <= t} BaseHaz).
	FailTimes, BaseHaz []float64
}

// FineGray fits the proportional subdistribution hazards model of Fine
// and Gray (1999) for the cause with status 1 (status 0 censored, any other
// value a competing event) with covariate columns x (x[j][i]), as R's
// cmprsk::crr(time, status, x, failcode = 1, cencode = 0) does:
//
//	l(b) = sum_{i: status 1} [ x_i'b - log sum_j w_j(t_i) exp(x_j'b) ]
//
// where the risk set at t holds everyone with t_j >= t (weight 1) and
// those who had a competing event before t, with weight
// G(t-)/G(t_j-), G the Kaplan-Meier estimate of the censoring distribution
// (within the subject's censoring group). The maximisation is crr's:
// Newton-Raphson from Init with a backtracking line search, stopping when
// max_j |U_j| max(|b_j|, 1) < max(|l|, 1) GTol, at most MaxIter steps. The
// variance is crr's (Fine and Gray section 4): Inf^-1 (sum_i eta_i eta_i')
// Inf^-1, where eta_i is subject i's score residual plus the term psi_i for
// the estimation of G. The arithmetic follows crrfsv and crrvv, but the sums
// over the risk set are kept as running sums (per censoring group for the
// weighted part), so an iteration costs O(n p^2) and the variance
// O(n p^2 + n p g) instead of crr's O(n^2 p^2) and worse.
//
// Time-varying coefficients (crr's cov2 and tf) are not supported.
func FineGray(time []float64, status []int, x [][]float64, opt *FGOptions) (*FGModel, error) {
	n := len(time)
	if len(status) != n {
		panic("compete: slices of different lengths")
	}
	if opt == nil {
		opt = &FGOptions{}
	}
	p := len(x)
	for _, c := range x {
		if len(c) != n {
			panic("compete: covariate column length differs from time")
		}
	}
	if opt.CensGroup != nil && len(opt.CensGroup) != n {
		panic("compete: length of CensGroup differs from time")
	}
	if opt.Init != nil && len(opt.Init) != p {
		panic("compete: length of Init differs from the number of columns")
	}
	if opt.Names != nil && len(opt.Names) != p {
		panic("compete: length of Names differs from the number of columns")
	}
	if n == 0 {
		return nil, ErrNoData
	}
	if p == 0 {
		return nil, errors.New("compete: the model has no covariates")
	}
	names := opt.Names
	if names == nil {
		names = make([]string, p)
		for j := range names {
			names[j] = fmt.Sprintf("x%d", j+1)
		}
	}
	ncg, err := checkFG(time, status, x, opt.CensGroup, names)
	if err != nil {
		return nil, err
	}
	fg := newFGProblem(time, status, x, opt.CensGroup, ncg)
	m := &FGModel{Names: append([]string(nil), names...), N: n}
	for _, s := range status {
		switch s {
		case 0:
			m.Censored++
		case 1:
			m.Events++
		default:
			m.Competing++
		}
	}
	if m.Events == 0 {
		return nil, errors.New("compete: no events of the cause of interest: the model cannot be fitted")
	}
	maxIter := opt.MaxIter
	if maxIter == 0 {
		maxIter = 10
	} else if maxIter < 0 {
		maxIter = 0
	}
	gtol := opt.GTol
	if gtol == 0 {
		gtol = 1e-6
	}

	// crr's Newton-Raphson with backtracking, on the minimised -l.
	b := make([]float64, p)
	if opt.Init != nil {
		copy(b, opt.Init)
	}
	s := make([]float64, p)
	h := make([]float64, p*p)
	var lik float64
	for ll := 0; ; ll++ {
		lik = fg.eval(b, s, h)
		var gmax float64
		for j := range s {
			gmax = math.Max(gmax, math.Abs(s[j])*math.Max(math.Abs(b[j]), 1))
		}
		if gmax < math.Max(math.Abs(lik), 1)*gtol {
			m.Converged = true
			m.Iterations = ll
			break
		}
		if ll == maxIter {
			m.Iterations = ll
			break
		}
		sc, err := solve(h, s, p)
		if err != nil {
			return nil, fmt.Errorf("compete: %v at iteration %d", err, ll+1)
		}
		var slope float64
		for j := range sc {
			sc[j] = -sc[j]
			slope += sc[j] * s[j]
		}
		bn := make([]float64, p)
		for j := range bn {
			bn[j] = b[j] + sc[j]
		}
		fbn := fg.eval(bn, nil, nil)
		i := 0
		for math.IsNaN(fbn) || fbn > lik+1e-4*slope {
			i++
			for j := range sc {
				sc[j] *= 0.5
				bn[j] = b[j] + sc[j]
			}
			fbn = fg.eval(bn, nil, nil)
			if i > 20 {
				break
			}
		}
		if i > 20 {
			m.Iterations = ll + 1
			break
		}
		b = bn
	}
	m.Coef = b
	m.Loglik = -lik
	m.LoglikNull = -fg.eval(make([]float64, p), nil, nil)
	m.Score = make([]float64, p)
	for j := range s {
		m.Score[j] = -s[j]
	}
	// variance at b (eval fills s and h)
	fg.eval(b, s, h)
	inf := mat.NewDense(p, p, append([]float64(nil), h...))
	var hinv mat.Dense
	if err := hinv.Inverse(inf); err != nil {
		return nil, fmt.Errorf("compete: the information matrix is singular (a constant or collinear column?): %v", err)
	}
	v2 := mat.NewDense(p, p, fg.meat(b))
	var tmp, vr mat.Dense
	tmp.Mul(&hinv, v2)
	vr.Mul(&tmp, hinv.T())
	m.Var = rows(&vr)
	m.Inf = rows(inf)
	m.FailTimes, m.BaseHaz = fg.baseHaz(b)
	m.summarize()
	return m, nil
}

func rows(a mat.Matrix) [][]float64 {
	r, c := a.Dims()
	out := make([][]float64, r)
	for i := range out {
		out[i] = make([]float64, c)
		for j := range out[i] {
			out[i][j] = a.At(i, j)
		}
	}
	return out
}

func (m *FGModel) summarize() {
	p := len(m.Coef)
	z975 := distuv.UnitNormal.Quantile(0.975)
	m.SE, m.HR, m.HRLower, m.HRUpper, m.Z, m.P = make([]float64, p), make([]float64, p), make([]float64, p), make([]float64, p), make([]float64, p), make([]float64, p)
	for j, b := range m.Coef {
		se := math.Sqrt(m.Var[j][j])
		m.SE[j] = se
		m.HR[j] = math.Exp(b)
		m.HRLower[j] = math.Exp(b - z975*se)
		m.HRUpper[j] = math.Exp(b + z975*se)
		m.Z[j] = b / se
		m.P[j] = 2 * (1 - distuv.UnitNormal.CDF(math.Abs(m.Z[j])))
	}
	m.LRT.Statistic = 2 * (m.Loglik - m.LoglikNull)
	m.LRT.DF = p
	m.LRT.P = distuv.ChiSquared{K: float64(p)}.Survival(m.LRT.Statistic)
}

// solve returns the solution of the p x p system h y = s.
func solve(h, s []float64, p int) ([]float64, error) {
	var y mat.VecDense
	if err := y.SolveVec(mat.NewDense(p, p, append([]float64(nil), h...)), mat.NewVecDense(p, append([]float64(nil), s...))); err != nil {
		return nil, fmt.Errorf("singular information matrix: %v", err)
	}
	return y.RawVector().Data, nil
}

func checkFG(time []float64, status []int, x [][]float64, cg []int, names []string) (int, error) {
	n := len(time)
	for i, t := range time {
		if !(t >= 0) || math.IsInf(t, 1) {
			return 0, fmt.Errorf("compete: time[%d] = %v; times must be finite and >= 0", i, t)
		}
		if status[i] < 0 {
			return 0, fmt.Errorf("compete: status[%d] = %d; use 0 for censored, 1 for the cause of interest, 2 for others", i, status[i])
		}
	}
	for j, c := range x {
		for i, v := range c {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return 0, fmt.Errorf("compete: observation %d: %s is %v; drop rows with missing values first", i+1, names[j], v)
			}
		}
	}
	ncg := 1
	for i, g := range cg {
		if g < 0 || g > n {
			return 0, fmt.Errorf("compete: CensGroup[%d] = %d is outside 0..%d", i, g, n)
		}
		ncg = max(ncg, g+1)
	}
	return ncg, nil
}
