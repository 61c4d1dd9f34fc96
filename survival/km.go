package survival

import (
	"fmt"
	"math"
	"slices"
	"sort"

	"gonum.org/v1/gonum/stat/distuv"
)

// ConfType is the scale on which a pointwise confidence interval for S(t)
// is symmetric, as survfit's conf.type argument. The zero value is R's
// default, ConfLog.
type ConfType int

const (
	// ConfLog: S exp(-z se), min(1, S exp(z se)), with se the standard
	// error of log S; undefined where S = 0.
	ConfLog ConfType = iota
	// ConfLogLog: exp(-exp(log(-log S) -/+ z se / log S)); undefined where
	// S = 0 or S = 1.
	ConfLogLog
	// ConfPlain: max(0, S - z S se), min(1, S + z S se).
	ConfPlain
)

// String returns the name R uses: "log", "log-log" or "plain".
func (c ConfType) String() string {
	switch c {
	case ConfLog:
		return "log"
	case ConfLogLog:
		return "log-log"
	case ConfPlain:
		return "plain"
	}
	return fmt.Sprintf("ConfType(%d)", int(c))
}

// ParseConfType reads R's name of a confidence interval type.
func ParseConfType(s string) (ConfType, error) {
	for _, c := range []ConfType{ConfLog, ConfLogLog, ConfPlain} {
		if s == c.String() {
			return c, nil
		}
	}
	return 0, fmt.Errorf("survival: unknown confidence interval type %q (use log, log-log or plain)", s)
}

// KMOptions sets the pointwise confidence intervals of KaplanMeier. The zero
// value is R's default: 95% intervals of type log.
type KMOptions struct {
	ConfType  ConfType
	ConfLevel float64 // in (0, 1); 0 means 0.95
	// Estimator is Kaplan-Meier (the zero value) or Fleming-Harrington.
	Estimator Estimator
	// Start, if not nil, gives each observation's entry time: it is at
	// risk on (Start[i], time[i]] (delayed entry, left truncation; R's
	// survfit(Surv(start, stop, event))). Start[i] < time[i].
	Start []float64
	// Weights, if not nil, are positive case weights (survfit weights =):
	// numbers at risk, events and censored are weighted sums. With
	// non-integer weights the standard error is the infinitesimal
	// jackknife's, as R's survfit computes it then (for the
	// Fleming-Harrington estimator in R's form: see KMCurve.StdErr).
	Weights []float64
}

// Estimator is the survival estimator of KaplanMeier.
type Estimator int

const (
	// ProductLimit is the Kaplan-Meier estimator, S = prod (1 - d/n), with
	// Greenwood's variance of log S, sum d/(n(n-d)).
	ProductLimit Estimator = iota
	// FlemingHarrington is S = exp(-H) with H the Nelson-Aalen cumulative
	// hazard sum d/n and the variance of H sum d/n^2 (survfit stype = 2,
	// ctype = 1, type = "fleming-harrington").
	FlemingHarrington
)

// String returns the estimator's name: "km" or "fh".
func (e Estimator) String() string {
	if e == FlemingHarrington {
		return "fh"
	}
	return "km"
}

// KMCurve is the Kaplan-Meier estimate of one stratum, stored as survfit
// stores it: one row per distinct time, censoring-only times included
// (NEvent = 0 there).
type KMCurve struct {
	N      int // observations
	Events int

	Time    []float64
	NRisk   []float64 // number (or weight) at risk: time >= Time[i] (and start < Time[i])
	NEvent  []float64
	NCensor []float64
	Surv    []float64
	// StdErr is the Greenwood standard error of log S (survfit's
	// fit$std.err), sqrt(sum d/(n(n-d))); it is +Inf once S reaches 0.
	// For the Fleming-Harrington estimator it is the standard error of H,
	// sqrt(sum d/n^2). With non-integer case weights both are the
	// infinitesimal jackknife's; for Fleming-Harrington it is then, as in
	// R's survfit (survival 3.5), the jackknife standard error of H
	// divided by S, so that SurvStdErr is that standard error of H.
	// The standard error of S itself is Surv[i]*StdErr[i] (SurvStdErr).
	StdErr []float64
	// Lower and Upper are the pointwise limits; NaN where undefined.
	Lower, Upper []float64

	ConfType  ConfType
	ConfLevel float64
	z         float64
}

// KaplanMeier returns the Kaplan-Meier (product-limit) estimate for each
// stratum, as R's survfit(Surv(time, event) ~ strata, conf.type = ...):
//
//	S(t) = prod_{t_i <= t} (1 - d_i/n_i),   var log S(t) = sum_{t_i <= t} d_i / (n_i (n_i - d_i))
//
// with n_i the number at risk and d_i the deaths at the distinct time t_i.
// strata holds codes 0..k-1 (nil: one curve); the result has one curve per
// code, and a code without observations gives an empty curve (N = 0).
// Times must be finite and >= 0. Case weights are not supported.
func KaplanMeier(time []float64, event []bool, strata []int, opt KMOptions) ([]KMCurve, error) {
	// rows[s]:rows[s+1] are curve s's rows in the backing arrays.
	var (
		t    *tally
		o    *ordered
		rows []int
		k    int
		err  error
	)
	// Without entry times, weights or Fleming-Harrington the counts by
	// distinct time are all the curve needs: tabulate checks the data as
	// it counts them.
	plain := opt.Start == nil && opt.Weights == nil && opt.Estimator == ProductLimit
	if plain {
		if t, k, _, err = tabulate(time, event, strata, nil); err != nil {
			return nil, err
		}
	} else {
		if err := checkTimes(time, event); err != nil {
			return nil, err
		}
		if k, err = checkCodes("strata", strata, len(time)); err != nil {
			return nil, err
		}
	}
	z, err := opt.z()
	if err != nil {
		return nil, err
	}
	if err := opt.check(time); err != nil {
		return nil, err
	}
	if plain {
		rows = t.start
	} else {
		o = order(time, strata, k)
		rows = make([]int, k+1)
		for s := range k {
			for i := o.start[s]; i < o.start[s+1]; i++ {
				if i == o.start[s] || o.key[i] != o.key[i-1] {
					rows[s+1]++
				}
			}
			rows[s+1] += rows[s]
		}
	}
	m := rows[k]
	var (
		tm     = make([]float64, m)
		nrisk  = make([]float64, m)
		nevent = make([]float64, m)
		ncens  = make([]float64, m)
		surv   = make([]float64, m)
		se     = make([]float64, m)
		lower  = make([]float64, m)
		upper  = make([]float64, m)
	)
	curves := make([]KMCurve, k)
	for s := range curves {
		a, b := rows[s], rows[s+1]
		c := &curves[s]
		*c = KMCurve{
			Time: tm[a:b:b], NRisk: nrisk[a:b:b], NEvent: nevent[a:b:b], NCensor: ncens[a:b:b],
			Surv: surv[a:b:b], StdErr: se[a:b:b], Lower: lower[a:b:b], Upper: upper[a:b:b],
			ConfType: opt.ConfType, ConfLevel: opt.level(), z: z,
		}
		if t != nil {
			c.fill(t, s)
		} else {
			c.N = o.start[s+1] - o.start[s]
			c.fillGeneral(o, o.start[s], o.start[s+1], event, opt)
		}
	}
	return curves, nil
}

// check validates the entry times and weights against time.
func (opt KMOptions) check(time []float64) error {
	if (opt.Start != nil && len(opt.Start) != len(time)) || (opt.Weights != nil && len(opt.Weights) != len(time)) {
		panic(errLength)
	}
	for i, s := range opt.Start {
		if math.IsNaN(s) || math.IsInf(s, 0) || !(s < time[i]) {
			return fmt.Errorf("survival: start[%d] = %v is not a finite time before time[%d] = %v", i, s, i, time[i])
		}
	}
	for i, w := range opt.Weights {
		if !(w > 0) || math.IsInf(w, 0) {
			return fmt.Errorf("survival: weight[%d] = %v is not positive and finite", i, w)
		}
	}
	if opt.Estimator != ProductLimit && opt.Estimator != FlemingHarrington {
		return fmt.Errorf("survival: unknown estimator %d", int(opt.Estimator))
	}
	return nil
}

func (opt KMOptions) level() float64 {
	if opt.ConfLevel == 0 {
		return 0.95
	}
	return opt.ConfLevel
}

func (opt KMOptions) z() (float64, error) {
	l := opt.level()
	if !(l > 0 && l < 1) {
		return 0, fmt.Errorf("survival: confidence level %v is not in (0, 1)", opt.ConfLevel)
	}
	if opt.ConfType < ConfLog || opt.ConfType > ConfPlain {
		return 0, fmt.Errorf("survival: unknown confidence interval type %d", int(opt.ConfType))
	}
	return distuv.UnitNormal.Quantile(1 - (1-l)/2), nil
}

// fill computes the curve of stratum s from its rows of the tally.
func (c *KMCurve) fill(t *tally, s int) {
	count := t.count[2*t.start[s] : 2*t.start[s+1]]
	nrisk := 0
	for r := 0; r < len(count); r += 2 {
		nrisk += int(count[r])
	}
	c.N = nrisk
	sv, varh := 1.0, 0.0
	for r := range c.Time {
		m, d := int(count[2*r]), int(count[2*r+1])
		if d > 0 {
			n := float64(nrisk)
			sv *= (n - float64(d)) / n
			if d == nrisk {
				varh = math.Inf(1)
			} else {
				varh += float64(d) / (n * (n - float64(d)))
			}
		}
		c.Time[r] = t.time(t.start[s] + r)
		c.NRisk[r] = float64(nrisk)
		c.NEvent[r] = float64(d)
		c.NCensor[r] = float64(m - d)
		c.Surv[r] = sv
		c.StdErr[r] = math.Sqrt(varh)
		c.Lower[r], c.Upper[r] = confInt(sv, c.StdErr[r], c.ConfType, c.z)
		c.Events += d
		nrisk -= m
	}
}

// fillGeneral computes the rows of sorted positions [a, b) with entry
// times, case weights or the Fleming-Harrington estimator: at each distinct
// time t, n = sum of w over {start < t <= time}, d = sum of w over the
// events at t; Kaplan-Meier S *= 1 - d/n with Greenwood's sum d/(n(n-d)),
// or Fleming-Harrington H += d/n with var H += d/n^2 and S = exp(-H).
func (c *KMCurve) fillGeneral(o *ordered, a, b int, event []bool, opt KMOptions) {
	w := func(i int32) float64 {
		if opt.Weights == nil {
			return 1
		}
		return opt.Weights[i]
	}
	// entries: the starts of the stratum, decreasing; a walk back in time
	// takes out those with start >= t
	var starts []float64
	var startW []float64
	if opt.Start != nil {
		idx := slices.Clone(o.row[a:b])
		slices.SortFunc(idx, func(x, y int32) int { return cmpDesc(opt.Start[x], opt.Start[y]) })
		for _, i := range idx {
			starts = append(starts, opt.Start[i])
			startW = append(startW, w(i))
		}
	}
	// backward pass: weight with time >= t, minus entries at or after t
	type row struct{ t, n, d, cens float64 }
	var rs []row
	var atOrAfter float64
	k := 0
	var entered float64 // weight of starts >= t
	for j := b; j > a; {
		i := j - 1
		key := o.key[i]
		var d, cens float64
		for ; j > a && o.key[j-1] == key; j-- {
			wi := w(o.row[j-1])
			atOrAfter += wi
			if event[o.row[j-1]] {
				d += wi
			} else {
				cens += wi
			}
		}
		t := o.time(i)
		for ; k < len(starts) && starts[k] >= t; k++ {
			entered += startW[k]
		}
		rs = append(rs, row{t, atOrAfter - entered, d, cens})
	}
	s, h, v := 1.0, 0.0, 0.0
	for r := range rs {
		x := rs[len(rs)-1-r]
		if x.d > 0 {
			if opt.Estimator == FlemingHarrington {
				h += x.d / x.n
				v += x.d / (x.n * x.n)
				s = math.Exp(-h)
			} else {
				s *= (x.n - x.d) / x.n
				if x.d >= x.n {
					v = math.Inf(1)
				} else {
					v += x.d / (x.n * (x.n - x.d))
				}
			}
		}
		c.Time[r], c.NRisk[r], c.NEvent[r], c.NCensor[r] = x.t, x.n, x.d, x.cens
		c.Surv[r] = s
		c.StdErr[r] = math.Sqrt(v)
		c.Lower[r], c.Upper[r] = confInt(s, c.StdErr[r], c.ConfType, c.z)
	}
	for i := a; i < b; i++ {
		if event[o.row[i]] {
			c.Events++
		}
	}
	if nonInteger(opt.Weights) {
		c.jackknife(o, a, b, event, opt)
	}
}

// nonInteger reports whether any weight has a fractional part.
func nonInteger(w []float64) bool {
	for _, v := range w {
		if v != math.Trunc(v) {
			return true
		}
	}
	return false
}

// jackknife replaces StdErr (and the limits) by the infinitesimal
// jackknife standard error which R's survfit uses for curves with
// non-integer case weights (survfitkm.c's robust variance, each row its own
// cluster). For the Kaplan-Meier estimator it is the standard error of
// log S: with U_i(t) the derivative of log S(t) with respect to w_i,
//
//	U_i(t) = sum_{t_j <= t, start_i < t_j <= T_i} d_j/(n_j (n_j - d_j)) - [event_i, T_i <= t] / (n_{T_i} - d_{T_i})
//	var log S(t) = sum_i (w_i U_i(t))^2.
//
// For the Fleming-Harrington estimator U_i is the derivative of the
// Nelson-Aalen H (up to sign), the same sums with d_j/n_j^2 and 1/n_{T_i},
// and sqrt(sum_i (w_i U_i)^2) is the standard error of H = -log S. R
// (survival 3.5, survfitKM: logse is FALSE for stype = 2, ctype = 1 with a
// robust variance) reports that number as the standard error of S itself
// and divides it by S for the limits; StdErr follows R, holding
// se(H)/S, so that SurvStdErr and the limits equal survfit's.
//
// Both are computed with running sums over the subjects at risk
// (O(n log n)).
func (c *KMCurve) jackknife(o *ordered, a, b int, event []bool, opt KMOptions) {
	fh := opt.Estimator == FlemingHarrington
	m := len(c.Time)
	// C(t_j) = sum_{k <= j} d_k/(n_k(n_k - d_k)), or d_k/n_k^2 for fh
	cum := make([]float64, m)
	var acc float64
	for j := range m {
		n, d := c.NRisk[j], c.NEvent[j]
		switch {
		case d == 0:
		case fh:
			acc += d / (n * n)
		case d >= n:
			acc = math.Inf(1)
		default:
			acc += d / (n * (n - d))
		}
		cum[j] = acc
	}
	// jump: the derivative's step at the row's own event
	jump := func(j int) float64 { return 1 / (c.NRisk[j] - c.NEvent[j]) }
	if fh {
		jump = func(j int) float64 { return 1 / c.NRisk[j] }
	}
	type subj struct {
		w, cs float64 // weight, C at the start
		entry int     // first row at which the subject is at risk
		last  int     // row of its own time
		death bool
	}
	subs := make([]subj, 0, b-a)
	r := 0
	for i := a; i < b; i++ {
		t := o.time(i)
		for c.Time[r] != t {
			r++
		}
		row := o.row[i]
		s := subj{w: opt.Weights[row], last: r, death: event[row]}
		if opt.Start != nil {
			st := opt.Start[row]
			s.cs = StepAt(c.Time, cum, st, 0) // C at the last row time <= st
			s.entry = StepIndex(c.Time, st) + 1
		}
		subs = append(subs, s)
	}
	byEntry := make([]int, len(subs))
	for k := range byEntry {
		byEntry[k] = k
	}
	slices.SortFunc(byEntry, func(x, y int) int { return subs[x].entry - subs[y].entry })
	byLast := subs // already in order of their own time
	var w2, s1, s2, done float64
	e, l := 0, 0
	for j := range m {
		for ; e < len(byEntry) && subs[byEntry[e]].entry <= j; e++ {
			s := subs[byEntry[e]]
			ww := s.w * s.w
			w2, s1, s2 = w2+ww, s1+ww*s.cs, s2+ww*s.cs*s.cs
		}
		cj := cum[j]
		v := done + w2*cj*cj - 2*cj*s1 + s2
		for k := l; k < len(byLast) && byLast[k].last == j; k++ {
			s := byLast[k]
			ww := s.w * s.w
			u := cj - s.cs
			if s.death {
				du := u - jump(j)
				v += ww * (du*du - u*u)
				u = du
			}
			done += ww * u * u
			w2, s1, s2 = w2-ww, s1-ww*s.cs, s2-ww*s.cs*s.cs
		}
		for l < len(byLast) && byLast[l].last == j {
			l++
		}
		if math.IsInf(cj, 1) {
			v = math.Inf(1)
		}
		c.StdErr[j] = math.Sqrt(math.Max(v, 0))
		if fh {
			c.StdErr[j] /= c.Surv[j]
		}
		c.Lower[j], c.Upper[j] = confInt(c.Surv[j], c.StdErr[j], c.ConfType, c.z)
	}
}

func cmpDesc(x, y float64) int {
	switch {
	case x > y:
		return -1
	case x < y:
		return 1
	}
	return 0
}

// confInt is survival's survfit_confint for a standard error se of log S.
func confInt(s, se float64, ct ConfType, z float64) (lower, upper float64) {
	nan := math.NaN()
	switch ct {
	case ConfPlain:
		h := se * s * z
		return math.Max(s-h, 0), math.Min(s+h, 1)
	case ConfLogLog:
		if s == 0 || s == 1 {
			return nan, nan
		}
		h := z * se / math.Log(s)
		ll := math.Log(-math.Log(s))
		return math.Exp(-math.Exp(ll - h)), math.Exp(-math.Exp(ll + h))
	default:
		if s == 0 {
			return nan, nan
		}
		// exp(log S -+ h) as survfit_confint writes it, without the log
		// (the same to a few units in the last place).
		h := z * se
		lower, upper = s*math.Exp(-h), s*math.Exp(h)
		if upper > 1 {
			upper = 1
		}
		return lower, upper
	}
}

// SurvStdErr returns the standard error of S at row i, Surv[i]*StdErr[i],
// which is what R's summary.survfit prints as std.err (NaN where S = 0).
func (c *KMCurve) SurvStdErr(i int) float64 { return c.Surv[i] * c.StdErr[i] }

// Median is a median survival time with its confidence interval; NaN means
// not reached.
type Median struct {
	Estimate, Lower, Upper float64
}

// Median returns the median survival time and its confidence interval as
// R's print.survfit and summary(fit)$table give them: Quantile(0.5).
func (c *KMCurve) Median() Median { return c.Quantile(0.5) }

// Quantile returns the p-th quantile of the event time, the time by which
// a fraction p has had the event, with its confidence interval, as R's
// quantile.survfit(fit, p): the first time with S(t) <= 1 - p (within
// sqrt(eps)), or, when S is 1 - p on a flat stretch, the midpoint between
// the time it reached 1 - p and the next time it drops (the last time of
// the table when it never drops again). The limits apply the same rule to
// the Upper and Lower curves (Brookmeyer-Crowley style inversion of the
// pointwise interval), so they depend on the curve's ConfType. NaN means
// not reached.
func (c *KMCurve) Quantile(p float64) Median {
	return Median{
		Estimate: firstBelow(c.Surv, c.Time, 1-p),
		Lower:    firstBelow(c.Lower, c.Time, 1-p),
		Upper:    firstBelow(c.Upper, c.Time, 1-p),
	}
}

// firstBelow is quantile.survfit's findq on the curve y over times x:
// the first time y <= level (within sqrt(eps)), with the midpoint rule on
// a flat at level. NaN values of y are skipped.
func firstBelow(y, x []float64, level float64) float64 {
	tol := math.Sqrt(0x1p-52)
	for i, v := range y {
		if !(v < level+tol) {
			continue
		}
		if math.Abs(v-level) < tol {
			for j := i + 1; j < len(y); j++ {
				if y[j] < v-tol {
					return (x[i] + x[j]) / 2
				}
			}
			return (x[i] + x[len(x)-1]) / 2
		}
		return x[i]
	}
	return math.NaN()
}

// KMSummary is the Kaplan-Meier curve read at chosen times (landmark
// rates such as 12-month survival).
type KMSummary struct {
	Time   []float64
	NRisk  []float64 // number at risk at Time[i]
	NEvent []float64 // events after the previous requested time, up to Time[i]
	Surv   []float64
	StdErr []float64 // standard error of S (not of log S), as summary prints
	Lower  []float64
	Upper  []float64
}

// At reads the curve at the given times as R's summary(fit, times = ...)
// does (extend = FALSE): the times are sorted, non-finite times and times
// after the curve's last time are dropped, S(t) is the value at the last
// curve time <= t (1, with limits 1 of every type, before the first),
// NRisk counts those with time >= t,
// and NEvent counts the events in (previous requested time, t]. times is
// not modified.
func (c *KMCurve) At(times []float64) KMSummary {
	ts := make([]float64, 0, len(times))
	for _, t := range times {
		if !math.IsNaN(t) && !math.IsInf(t, 0) && len(c.Time) > 0 && t <= c.Time[len(c.Time)-1] {
			ts = append(ts, t)
		}
	}
	slices.Sort(ts)
	out := KMSummary{
		Time:   ts,
		NRisk:  make([]float64, len(ts)),
		NEvent: make([]float64, len(ts)),
		Surv:   make([]float64, len(ts)),
		StdErr: make([]float64, len(ts)),
		Lower:  make([]float64, len(ts)),
		Upper:  make([]float64, len(ts)),
	}
	r, events, prev := 0, 0.0, 0.0 // rows with Time <= t, their events, events up to the previous t
	for i, t := range ts {
		for r < len(c.Time) && c.Time[r] <= t {
			events += c.NEvent[r]
			r++
		}
		atRisk := sort.SearchFloat64s(c.Time, t) // first row with Time >= t
		out.NRisk[i] = c.NRisk[atRisk]
		out.NEvent[i] = events - prev
		prev = events
		if r == 0 {
			// Before the curve's first time summary.survfit gives S = 1
			// with both limits 1 whatever the type (survfit_confint would
			// give NA for log-log there, as it does on the curve's own
			// rows where S = 1).
			out.Surv[i], out.StdErr[i] = 1, 0
			out.Lower[i], out.Upper[i] = 1, 1
			continue
		}
		out.Surv[i] = c.Surv[r-1]
		out.StdErr[i] = c.SurvStdErr(r - 1)
		out.Lower[i], out.Upper[i] = c.Lower[r-1], c.Upper[r-1]
	}
	return out
}

// RMST is a restricted mean survival time: the area under S(t) from 0 to
// Tau, with its standard error.
type RMST struct {
	Tau, Mean, StdErr float64
}

// RMST returns the restricted mean survival time up to tau and its
// standard error as R's print(fit, rmean = tau) (survmean) computes them:
//
//	mean = integral_0^tau S(t) dt
//	var  = sum_{t_i <= tau} A_i^2 d_i / (n_i (n_i - d_i)),  A_i = integral_{t_i}^tau S(t) dt
//
// with the terms where n_i = d_i left out. A tau before the first time
// gives mean = tau and se 0 (R's print refuses such a tau). A negative or
// non-finite tau is an error.
func (c *KMCurve) RMST(tau float64) (RMST, error) {
	if !(tau >= 0) || math.IsInf(tau, 1) {
		return RMST{}, fmt.Errorf("survival: restricted mean horizon %v must be finite and >= 0", tau)
	}
	m := StepIndex(c.Time, tau) + 1 // rows with Time <= tau
	if m == 0 {
		return RMST{Tau: tau, Mean: tau}, nil
	}
	// rect(i) is survmean's rectangles[i+1]: the area over the i-th step.
	rect := func(i int) float64 {
		if i == 0 {
			return c.Time[0]
		}
		t := tau
		if i < m {
			t = c.Time[i]
		}
		return (t - c.Time[i-1]) * c.Surv[i-1]
	}
	mean := 0.0
	for i := 0; i <= m; i++ {
		mean += rect(i)
	}
	area, v := 0.0, 0.0
	for i := m - 1; i >= 0; i-- {
		area += rect(i + 1)
		if n, d := c.NRisk[i], c.NEvent[i]; n != d {
			v += area * area * (d / (n * (n - d)))
		}
	}
	return RMST{Tau: tau, Mean: mean, StdErr: math.Sqrt(v)}, nil
}

// MedianFollowUp returns the median follow-up time by the reverse
// Kaplan-Meier method (Schemper and Smith 1996): the median of the
// Kaplan-Meier curve in which censoring is the event, as R's
// survfit(Surv(time, 1 - event) ~ 1) prints it, with its interval.
func MedianFollowUp(time []float64, event []bool, opt KMOptions) (Median, error) {
	if len(time) != len(event) {
		panic(errLength)
	}
	rev := make([]bool, len(event))
	for i, e := range event {
		rev[i] = !e
	}
	c, err := KaplanMeier(time, rev, nil, opt)
	if err != nil {
		return Median{}, err
	}
	return c[0].Median(), nil
}
