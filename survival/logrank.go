package survival

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// LogRankResult is a k-group G-rho log-rank test. Groups are indexed by
// their codes; ByStratum matrices have one row per group and one column per
// stratum, as survdiff's observed and expected matrices.
type LogRankResult struct {
	Rho      float64
	N        []int     // observations per group
	Observed []float64 // sum over event times of w(t) d_g(t), summed over strata
	Expected []float64 // sum over event times of w(t) d(t) n_g(t)/n(t)
	// Var is the k x k variance matrix of Observed - Expected, summed over strata.
	Var [][]float64

	ObservedByStratum [][]float64 // [group][stratum]
	ExpectedByStratum [][]float64 // [group][stratum]

	// Statistic is (O-E)' V^-1 (O-E) over the groups with Expected > 0
	// except the first of them; DF is their number minus 1; P the upper
	// chi-square tail.
	Statistic float64
	DF        int
	P         float64
}

// LogRank tests whether k groups have the same survival, as R's
// survdiff(Surv(time, event) ~ group + strata(strata), rho = rho) does
// (survdiff2.c): at each distinct event time t of a stratum, with n(t) at
// risk, d(t) deaths, n_g(t) and d_g(t) those of group g, and weight
// w(t) = S(t-)^rho from the left-continuous Kaplan-Meier curve of the
// stratum's pooled sample,
//
//	O_g += w d_g,   E_g += w d n_g / n,
//	V_gh += w^2 d (n - d) / (n (n - 1)) n_g/n (delta_gh - n_h/n)   (n > 1).
//
// rho = 0 is the log-rank (Mantel-Haenszel) test, rho = 1 the Peto-Peto
// modification of the Gehan-Wilcoxon test. O, E and V are summed over
// strata before the one chi-square. group and strata hold codes 0..k-1;
// strata may be nil (one stratum). A group code without observations is
// kept with zero counts and does not count towards DF, as survdiff drops
// groups with E = 0.
//
// The errors are: no observations, a bad time or code, fewer than two
// groups with subjects at risk at some event time (for example when every
// observation is censored), and a singular variance matrix.
func LogRank(time []float64, event []bool, group, strata []int, rho float64) (*LogRankResult, error) {
	t, ns, k, err := tabulate(time, event, strata, group)
	if err != nil {
		return nil, err
	}
	if group == nil {
		panic("survival: LogRank needs group codes")
	}
	if math.IsNaN(rho) || math.IsInf(rho, 0) {
		return nil, fmt.Errorf("survival: rho = %v must be finite", rho)
	}
	r := &LogRankResult{
		Rho:               rho,
		N:                 make([]int, k),
		Observed:          make([]float64, k),
		Expected:          make([]float64, k),
		Var:               make([][]float64, k),
		ObservedByStratum: make([][]float64, k),
		ExpectedByStratum: make([][]float64, k),
	}
	for g := range k {
		r.Var[g] = make([]float64, k)
		r.ObservedByStratum[g] = make([]float64, ns)
		r.ExpectedByStratum[g] = make([]float64, ns)
	}
	for row := range len(t.count) / (2 * k) {
		for g := range k {
			r.N[g] += int(t.count[2*(row*k+g)])
		}
	}
	risk := make([]float64, k)
	for s := range ns {
		r.stratum(t, s, risk)
	}
	for g := range k {
		for s := range ns {
			r.Observed[g] += r.ObservedByStratum[g][s]
			r.Expected[g] += r.ExpectedByStratum[g][s]
		}
	}
	if err := r.chiSquare(); err != nil {
		return nil, err
	}
	return r, nil
}

// stratum runs survdiff2.c's loop over stratum s forward in time: the risk
// set starts full and loses each time's observations after they are used.
func (r *LogRankResult) stratum(t *tally, s int, risk []float64) {
	k := len(risk)
	count := t.count[2*k*t.start[s] : 2*k*t.start[s+1]]
	clear(risk)
	nrisk := 0
	for i := 0; i < len(count); i += 2 {
		risk[i/2%k] += float64(count[i])
		nrisk += int(count[i])
	}
	km := 1.0
	for row := 0; row < len(count); row += 2 * k {
		at := count[row : row+2*k]
		n := float64(nrisk)
		wt := 1.0
		if r.Rho != 0 {
			wt = math.Pow(km, r.Rho)
		}
		deaths := 0.0
		for g := range k {
			if d := float64(at[2*g+1]); d > 0 {
				deaths += d
				r.ObservedByStratum[g][s] += wt * d
			}
		}
		if deaths > 0 {
			for g := range k {
				r.ExpectedByStratum[g][s] += wt * deaths * risk[g] / n
			}
			if n > 1 {
				w2 := wt * wt
				for g := range k {
					tmp := w2 * deaths * risk[g] * (n - deaths) / (n * (n - 1))
					r.Var[g][g] += tmp
					for h := range k {
						r.Var[g][h] -= tmp * risk[h] / n
					}
				}
			}
			km = km * (n - deaths) / n
		}
		for g := range k {
			risk[g] -= float64(at[2*g])
			nrisk -= int(at[2*g])
		}
	}
}

// errTooFewGroups is returned when fewer than two groups have an expected
// count above zero.
var errTooFewGroups = errors.New("survival: log-rank test needs at least two groups with subjects at risk at an event time")

// chiSquare forms survdiff's statistic on the groups with E > 0, dropping
// the first of them.
func (r *LogRankResult) chiSquare() error {
	var use []int
	events := 0.0
	for g, e := range r.Expected {
		events += r.Observed[g]
		if e > 0 {
			use = append(use, g)
		}
	}
	if events == 0 {
		return errors.New("survival: log-rank test needs events; every observation is censored")
	}
	if len(use) < 2 {
		return fmt.Errorf("%w; %d of the %d groups have", errTooFewGroups, len(use), len(r.Expected))
	}
	use = use[1:]
	m := len(use)
	v := mat.NewSymDense(m, nil)
	d := mat.NewVecDense(m, nil)
	for a, g := range use {
		d.SetVec(a, r.Observed[g]-r.Expected[g])
		for b, h := range use[:a+1] {
			v.SetSym(a, b, r.Var[g][h])
		}
	}
	x, err := solveSPD(v, d)
	if err != nil {
		return err
	}
	r.Statistic = mat.Dot(d, x)
	r.DF = m
	r.P = chiSquareP(r.Statistic, m)
	return nil
}

// chiSquareP is the upper tail P(X > x) of a chi-square with df degrees of
// freedom; gonum gives NaN for astronomically large x, where it is 0.
func chiSquareP(x float64, df int) float64 {
	p := distuv.ChiSquared{K: float64(df)}.Survival(x)
	if math.IsNaN(p) && x > float64(df) {
		return 0
	}
	return p
}

// solveSPD solves v x = d for a symmetric positive definite v.
func solveSPD(v *mat.SymDense, d *mat.VecDense) (*mat.VecDense, error) {
	var ch mat.Cholesky
	if !ch.Factorize(v) {
		return nil, errors.New("survival: log-rank variance matrix is singular (e.g. every subject at risk dies at the same time)")
	}
	var x mat.VecDense
	if err := ch.SolveVecTo(&x, d); err != nil {
		return nil, fmt.Errorf("survival: log-rank variance matrix is singular: %w", err)
	}
	return &x, nil
}

// ErrNoTrendVariance is returned by Trend when s'Vs is zero: equal scores,
// or no group comparison carries information.
var ErrNoTrendVariance = errors.New("survival: trend test has zero variance (equal scores or no information)")

// Trend is a one-degree-of-freedom chi-square test.
type Trend struct {
	Statistic float64
	DF        int
	P         float64
}

// Trend tests for a trend in survival across ordered groups with the
// given scores (nil: 1, 2, ..., k in code order), using the (stratified,
// weighted) quantities of the log-rank test:
//
//	chi^2 = (s'(O - E))^2 / (s' V s)   on 1 df
//
// (Collett, Modelling Survival Data in Medical Research, 3rd ed., 2.6.1;
// Stata's sts test, trend). With two groups it equals the log-rank test.
// scores must have one element per group; a zero variance gives
// ErrNoTrendVariance.
func (r *LogRankResult) Trend(scores []float64) (Trend, error) {
	k := len(r.Observed)
	if scores != nil && len(scores) != k {
		panic(errLength)
	}
	score := func(g int) float64 {
		if scores == nil {
			return float64(g + 1)
		}
		return scores[g]
	}
	u, v, size := 0.0, 0.0, 0.0
	for g := range k {
		u += score(g) * (r.Observed[g] - r.Expected[g])
		for h := range k {
			x := score(g) * r.Var[g][h] * score(h)
			v += x
			size += math.Abs(x)
		}
	}
	// The rows of V sum to zero, so equal scores give v = 0 up to rounding.
	if !(v > 1e-10*size) {
		return Trend{}, ErrNoTrendVariance
	}
	t := Trend{Statistic: u * u / v, DF: 1}
	t.P = chiSquareP(t.Statistic, 1)
	return t, nil
}
