package validation

import (
	"fmt"
	"math"

	"carimpi/survival"
)

// censoring is the Kaplan-Meier estimate G of the censoring distribution
// of a sample, with what the influence functions need. As prodlim's
// reverse Kaplan-Meier, which riskRegression uses, the patients with an
// event at a time leave the risk set before the censorings there:
//
//	G(t) = prod_{u <= t} (1 - c(u) / (Y(u) - d(u)))
//
// with Y(u) at risk, c(u) censored and d(u) events at the distinct time u.
// (survival's survfit(Surv(time, 1 - event) ~ 1) keeps them: 1 - c/Y.)
type censoring struct {
	n      int
	time   []float64 // distinct times, increasing
	g      []float64 // G at each distinct time
	atRisk []float64 // number with T >= time
	h      []float64 // n * sum over distinct times <= time of c / Y^2
	row    []int     // each row's distinct time index
}

func newCensoring(time []float64, event []bool) (*censoring, error) {
	cens := make([]bool, len(event))
	for i, e := range event {
		cens[i] = !e
	}
	km, err := survival.KaplanMeier(time, cens, nil, survival.KMOptions{})
	if err != nil {
		return nil, err
	}
	if len(km) == 0 || km[0].N == 0 {
		return nil, fmt.Errorf("validation: no observations")
	}
	k := km[0]
	nt := len(k.Time)
	c := &censoring{n: len(time), time: k.Time, g: make([]float64, nt), atRisk: make([]float64, nt), h: make([]float64, nt), row: make([]int, len(time))}
	n := float64(c.n)
	sum, g := 0.0, 1.0
	for m := range k.Time {
		// In the reversed curve NEvent counts the censorings and NCensor
		// the events.
		y, cn, d := float64(k.NRisk[m]), float64(k.NEvent[m]), float64(k.NCensor[m])
		if cn > 0 {
			g *= 1 - cn/(y-d)
		}
		c.g[m] = g
		c.atRisk[m] = y
		sum += n * cn / (y * y)
		c.h[m] = sum
	}
	for i, t := range time {
		c.row[i] = c.index(t)
	}
	return c, nil
}

// covers reports whether the follow-up reaches tau (riskRegression::Score
// drops a horizon after the last observed time).
func (c *censoring) covers(tau float64) bool { return len(c.time) > 0 && tau <= c.time[len(c.time)-1] }

// index returns the index of the last distinct time <= t, -1 if none.
func (c *censoring) index(t float64) int {
	return survival.StepIndex(c.time, t)
}

// before returns G(T_i-) of row i.
func (c *censoring) before(i int) float64 {
	if m := c.row[i]; m > 0 {
		return c.g[m-1]
	}
	return 1
}

// at returns G(t).
func (c *censoring) at(t float64) float64 {
	if m := c.index(t); m >= 0 {
		return c.g[m]
	}
	return 1
}

// weights returns the inverse probability of censoring weights at horizon
// tau: 1/G(T_i-) for a case (T_i <= tau, event), 1/G(tau) for a control
// (T_i > tau), 0 for a patient censored at or before tau.
func (c *censoring) weights(time []float64, event []bool, tau float64) (w []float64, cases, controls []bool) {
	w = make([]float64, len(time))
	cases, controls = make([]bool, len(time)), make([]bool, len(time))
	gt := c.at(tau)
	for i, t := range time {
		switch {
		case t <= tau && event[i]:
			cases[i], w[i] = true, 1/c.before(i)
		case t > tau:
			controls[i], w[i] = true, 1/gt
		}
	}
	return w, cases, controls
}

// term returns, for every row i, the first-order change of
//
//	sum_{cases k} a_k / w_k * w_k(G) + actrl / w_ctrl * w_ctrl(G)
//
// when row i's influence function perturbs G: with the Nelson-Aalen
// influence function of the censoring hazard (riskRegression's
// "IC-Nelson-Aalen-cens-time"),
//
//	f_i(s) = 1(T_i < s) (1 - d_i) n / Y(T_i) - sum_{u <= min(T_i, s), u < s} n c(u) / Y(u)^2
//
// over the distinct times u (Y at risk, c censored there), a weight 1/G(s)
// changes by f_i(s)/G(s): the result is sum_k a_k f_i(T_k-) + actrl
// f_i(tau). a holds a_k for the cases and is ignored elsewhere.
func (c *censoring) term(time []float64, event []bool, cases []bool, a []float64, actrl, tau float64) []float64 {
	nt := len(c.time)
	caseSum := make([]float64, nt) // sum of a over the cases at each distinct time
	for k := range time {
		if cases[k] {
			caseSum[c.row[k]] += a[k]
		}
	}
	after := make([]float64, nt+1) // sum of caseSum over distinct times > m (index m+1)
	for m := nt - 1; m >= 0; m-- {
		after[m] = after[m+1] + caseSum[m]
	}
	early := make([]float64, nt) // sum over distinct times <= m of caseSum * H(previous time)
	run := 0.0
	for m := 0; m < nt; m++ {
		prev := 0.0
		if m > 0 {
			prev = c.h[m-1]
		}
		run += caseSum[m] * prev
		early[m] = run
	}
	mt := c.index(tau)
	htau := 0.0
	if mt >= 0 {
		htau = c.h[mt]
	}
	n := float64(c.n)
	out := make([]float64, len(time))
	for i := range time {
		m := c.row[i]
		full := -c.h[m]
		if !event[i] {
			full += n / c.atRisk[m]
		}
		v := full*after[m+1] - early[m]
		if time[i] <= tau {
			v += actrl * full
		} else {
			v -= actrl * htau
		}
		out[i] = v
	}
	return out
}

// seOf returns sd(x)/sqrt(n), sd with denominator n - 1 (R's sd).
func seOf(x []float64) float64 {
	n := float64(len(x))
	if n < 2 {
		return math.NaN()
	}
	mean := 0.0
	for _, v := range x {
		mean += v
	}
	mean /= n
	ss := 0.0
	for _, v := range x {
		ss += (v - mean) * (v - mean)
	}
	return math.Sqrt(ss/(n-1)) / math.Sqrt(n)
}

// z975 is qnorm(0.975).
const z975 = 1.959963984540054

// Estimate is a measure with its standard error and 95% limits; NaN where
// undefined.
type Estimate struct {
	Value, SE, Lower, Upper float64
}

// clipped returns value -/+ 1.96 se clipped to [0, 1].
func clipped(v, se float64) Estimate {
	return Estimate{v, se, math.Max(0, v-z975*se), math.Min(1, v+z975*se)}
}

func nanEstimate() Estimate { return Estimate{math.NaN(), math.NaN(), math.NaN(), math.NaN()} }

func checkLengths(fn string, time []float64, event []bool, x []float64) {
	if len(event) != len(time) || len(x) != len(time) {
		panic("validation." + fn + ": slice lengths differ")
	}
}
