package validation

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"carimpi/stattest"
	"carimpi/survival"
	"carimpi/survival/cox"
	"carimpi/survival/spline"
)

// SlopeResult is the calibration slope: the coefficient of the linear
// predictor in a Cox model of the validation cohort, with its Wald
// standard error, 95% limits and the Wald test of slope = 1.
type SlopeResult struct {
	Slope, SE, Lower, Upper float64
	P1                      float64 // two-sided p of slope = 1
	N, Events               int
}

// Slope returns the calibration slope of a linear predictor lp (R:
// coxph(Surv(time, event) ~ lp), Efron ties): 1 means the predictions
// spread as much as the outcomes do, below 1 too much (overfitting).
// Slope panics if the slice lengths differ.
func Slope(time []float64, event []bool, lp []float64) (SlopeResult, error) {
	checkLengths("Slope", time, event, lp)
	m, err := cox.Fit(time, event, [][]float64{lp}, &cox.Options{Names: []string{"lp"}}, nil)
	if err != nil {
		return SlopeResult{}, fmt.Errorf("calibration slope: %w", err)
	}
	if m.Rank < 1 {
		return SlopeResult{}, errors.New("calibration slope: the linear predictor is constant")
	}
	b, se := m.Coef[0], m.SE[0]
	z := (b - 1) / se
	return SlopeResult{Slope: b, SE: se, Lower: b - z975*se, Upper: b + z975*se,
		P1: 2 * normalUpper(math.Abs(z)), N: m.N, Events: m.Events}, nil
}

// normalUpper is P(Z > z) for a standard normal Z.
func normalUpper(z float64) float64 { return 0.5 * math.Erfc(z/math.Sqrt2) }

// LargeResult is calibration-in-the-large over the whole follow-up: the
// observed number of events O against the expected number E, the sum of
// the patients' predicted cumulative hazards at their own follow-up time.
type LargeResult struct {
	Observed, Expected float64
	// LogRatio is log(O/E) with standard error 1/sqrt(O); Ratio = O/E with
	// limits exp(LogRatio -/+ 1.96 SE).
	LogRatio, SE        float64
	Ratio, Lower, Upper float64
}

// InTheLarge returns calibration-in-the-large of a survival model (Crowson,
// Atkinson and Therneau, Stat Methods Med Res 2016): cumhaz[i] is the
// model's cumulative hazard H(T_i | x_i) = -log S(T_i | x_i) at patient
// i's own time. log(O/E) and its standard error are the intercept of R's
// glm(event ~ offset(log(cumhaz)), family = poisson) and its standard
// error. InTheLarge panics if the slice lengths differ.
func InTheLarge(time []float64, event []bool, cumhaz []float64) LargeResult {
	checkLengths("InTheLarge", time, event, cumhaz)
	var o, e float64
	for i := range time {
		if event[i] {
			o++
		}
		e += cumhaz[i]
	}
	r := LargeResult{Observed: o, Expected: e, LogRatio: math.Log(o / e), SE: 1 / math.Sqrt(o)}
	r.Ratio = o / e
	r.Lower, r.Upper = r.Ratio*math.Exp(-z975*r.SE), r.Ratio*math.Exp(z975*r.SE)
	return r
}

// OEResult compares the observed risk by a horizon, 1 - KM(Tau), with the
// mean predicted risk.
type OEResult struct {
	Tau                           float64
	Observed                      float64 // 1 - KM(Tau)
	ObservedLower, ObservedUpper  float64 // from the log-scale KM limits
	Expected                      float64 // mean predicted risk
	Ratio, RatioLower, RatioUpper float64 // O/E, exp(log(O/E) -/+ 1.96 se)
	SELogRatio                    float64 // se(S)/(1 - S), Greenwood se(S) of the KM
}

// ObservedExpected returns the observed/expected ratio at horizon tau:
// O = 1 - KM(tau) (R: summary(survfit(Surv(time, event) ~ 1), times =
// tau)), E = mean(risk), and O/E with 95% limits exp(log(O/E) -/+ 1.96
// se(S)/(1 - S)), se(S) the Greenwood standard error of the KM estimate
// S(tau) (the delta method for log(1 - S), E held fixed). NaN when the
// follow-up ends before tau. ObservedExpected panics if the slice lengths
// differ.
func ObservedExpected(time []float64, event []bool, risk []float64, tau float64) OEResult {
	checkLengths("ObservedExpected", time, event, risk)
	r := OEResult{Tau: tau, Observed: nanf(), ObservedLower: nanf(), ObservedUpper: nanf(), Ratio: nanf(), RatioLower: nanf(), RatioUpper: nanf(), SELogRatio: nanf()}
	var e float64
	for _, v := range risk {
		e += v
	}
	r.Expected = e / float64(len(risk))
	c, err := survival.KaplanMeier(time, event, nil, survival.KMOptions{})
	if err != nil || len(c) == 0 || c[0].N == 0 {
		return r
	}
	a := c[0].At([]float64{tau})
	if len(a.Surv) != 1 {
		return r
	}
	s := a.Surv[0]
	r.Observed, r.ObservedLower, r.ObservedUpper = 1-s, 1-a.Upper[0], 1-a.Lower[0]
	r.SELogRatio = a.StdErr[0] / (1 - s)
	r.Ratio = r.Observed / r.Expected
	r.RatioLower, r.RatioUpper = r.Ratio*math.Exp(-z975*r.SELogRatio), r.Ratio*math.Exp(z975*r.SELogRatio)
	return r
}

// RiskGroup is one group of a calibration plot by risk quantile group, on
// the survival scale: mean predicted survival 1 - mean(risk) against the
// Kaplan-Meier estimate of the group at the horizon with its 95%
// log-scale limits.
type RiskGroup struct {
	N                      int
	Predicted              float64
	Observed, Lower, Upper float64
}

// Groups splits the patients into k groups of (nearly) equal size by
// predicted risk (ties in input order; group g holds the sorted positions
// [g n/k, (g+1) n/k)) and returns each group's predicted and Kaplan-Meier
// survival at tau (KMAt). Groups panics if the slice lengths differ.
func Groups(time []float64, event []bool, risk []float64, tau float64, k int) []RiskGroup {
	checkLengths("Groups", time, event, risk)
	order := make([]int, len(time))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return risk[order[a]] < risk[order[b]] })
	var out []RiskGroup
	for d := 0; d < k; d++ {
		lo, hi := d*len(order)/k, (d+1)*len(order)/k
		if hi == lo {
			continue
		}
		var dt []float64
		var de []bool
		mean := 0.0
		for _, i := range order[lo:hi] {
			dt, de = append(dt, time[i]), append(de, event[i])
			mean += risk[i]
		}
		mean /= float64(hi - lo)
		sv, l, u, _ := KMAt(dt, de, tau)
		out = append(out, RiskGroup{N: hi - lo, Predicted: 1 - mean, Observed: sv, Lower: l, Upper: u})
	}
	return out
}

// SmoothResult is a smoothed calibration curve at one horizon.
type SmoothResult struct {
	Tau   float64
	Knots []float64 // knots of the spline of log(-log(1 - risk))
	// Observed[i] is the smoothed observed risk of patient i at Tau; NaN
	// for a patient left out (predicted risk 0 or 1).
	Observed []float64
	LeftOut  int
	// ICI, E50 and E90 are the mean, median and 90th percentile of
	// |observed - predicted| over the patients (Austin, Harrell and van
	// Klaveren, Stat Med 2020); EMax is the largest.
	ICI, E50, E90, EMax float64
	// Curve is the smoothed curve on a grid of predicted risks from the
	// 1st to the 99th percentile.
	Grid, Curve []float64
}

// Smooth returns the smoothed calibration curve at horizon tau of Austin,
// Harrell and van Klaveren (Stat Med 2020;39:2714): a Cox model of the
// outcome on a restricted cubic spline with 3 knots (Harrell's default
// quantiles 0.1, 0.5, 0.9) of the complementary log-log of the predicted
// risk, cll = log(-log(1 - risk)), whose predicted risk 1 - S(tau | cll)
// is the observed risk of a patient with that prediction. In R:
//
//	cll <- log(-log(1 - risk))
//	fit <- coxph(Surv(time, event) ~ rms::rcs(cll, 3))
//	obs <- 1 - summary(survfit(fit, newdata = data.frame(cll)), times = tau)$surv
//
// (Efron ties, survfit.coxph's baseline). A patient whose predicted risk
// is 0 or 1 (cll infinite) is left out and counted, as R's na.omit does.
// ICI, E50 and E90 are computed over the other patients, E50 and E90 by
// R's quantile type 7. Smooth panics if the slice lengths differ.
func Smooth(time []float64, event []bool, risk []float64, tau float64) (SmoothResult, error) {
	checkLengths("Smooth", time, event, risk)
	res := SmoothResult{Tau: tau}
	var cll, kr, kt []float64
	var ke []bool
	var kept []int
	for i, r := range risk {
		if !(r > 0 && r < 1) {
			res.LeftOut++
			continue
		}
		cll = append(cll, math.Log(-math.Log(1-r)))
		kt, ke, kr, kept = append(kt, time[i]), append(ke, event[i]), append(kr, r), append(kept, i)
	}
	if len(cll) < 10 {
		return res, fmt.Errorf("smoothed calibration: %d patients with a predicted risk strictly between 0 and 1; need 10", len(cll))
	}
	knots, err := spline.RCSKnots(cll, 3)
	if err != nil {
		return res, fmt.Errorf("smoothed calibration: %w", err)
	}
	res.Knots = knots
	basis := func(v float64) []float64 { return spline.RCS(nil, v, knots) }
	p := len(knots) - 1
	x := make([][]float64, p)
	for _, v := range cll {
		b := basis(v)
		for j := range x {
			x[j] = append(x[j], b[j])
		}
	}
	m, err := cox.Fit(kt, ke, x, nil, nil)
	if err != nil {
		return res, fmt.Errorf("smoothed calibration: %w", err)
	}
	curves := m.Survfit(make([]float64, p))
	if len(curves) == 0 {
		return res, errors.New("smoothed calibration: no baseline")
	}
	pts := curves[0].At([]float64{tau})
	if len(pts) != 1 {
		return res, fmt.Errorf("smoothed calibration: the follow-up ends before %g", tau)
	}
	h0 := pts[0].CumHaz
	obs := func(v float64) float64 {
		b := basis(v)
		eta := 0.0
		for j, c := range m.Coef {
			if !math.IsNaN(c) {
				eta += c * b[j]
			}
		}
		return 1 - math.Exp(-h0*math.Exp(eta))
	}
	diff := make([]float64, len(kept))
	res.Observed = make([]float64, len(risk))
	for i := range res.Observed {
		res.Observed[i] = math.NaN()
	}
	for k, i := range kept {
		res.Observed[i] = obs(cll[k])
		diff[k] = math.Abs(res.Observed[i] - kr[k])
		res.ICI += diff[k]
		res.EMax = math.Max(res.EMax, diff[k])
	}
	res.ICI /= float64(len(kept))
	q := stattest.Quantiles(diff, 0.5, 0.9)
	res.E50, res.E90 = q[0], q[1]
	g := stattest.Quantiles(kr, 0.01, 0.99)
	const steps = 50
	for k := 0; k <= steps; k++ {
		r := g[0] + (g[1]-g[0])*float64(k)/steps
		res.Grid = append(res.Grid, r)
		res.Curve = append(res.Curve, obs(math.Log(-math.Log(1-r))))
	}
	return res, nil
}
