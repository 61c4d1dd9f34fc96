package study

import (
	"fmt"
	"math"
	"sort"

	"carimpi/internal/jsonx"
	"carimpi/render"
	"carimpi/stattest"
	"carimpi/survival"
)

// Prediction holds the beyond-the-paper checks of the model's predicted
// survival in one cohort: time-dependent AUC, calibration by risk decile
// and decision-curve analysis, at the horizons given.
type Prediction struct {
	Endpoint string `json:"endpoint"`
	// AUC is the cumulative/dynamic time-dependent AUC at AUCTimes.
	AUCTimes []float64    `json:"auc_times"`
	AUC      jsonx.Floats `json:"auc"`
	// Calibration at Horizon months, one entry per decile of predicted risk.
	Horizon      float64      `json:"horizon"`
	CalN         []int        `json:"calibration_n"`
	CalPredicted jsonx.Floats `json:"calibration_predicted"`
	CalObserved  jsonx.Floats `json:"calibration_observed"`
	CalLower     jsonx.Floats `json:"calibration_lower"`
	CalUpper     jsonx.Floats `json:"calibration_upper"`
	// Decision curve at Horizon: net benefit of treating patients whose
	// predicted risk of an event by Horizon is at least each threshold.
	Thresholds []float64    `json:"dca_thresholds"`
	NetBenefit jsonx.Floats `json:"dca_net_benefit"`
	TreatAll   jsonx.Floats `json:"dca_treat_all"`
}

// TimeAUC is the cumulative/dynamic time-dependent AUC of a risk score at
// horizon h with inverse-probability-of-censoring weights (Uno et al.,
// JASA 2007; R's timeROC with weighting = "marginal"):
//
//	AUC(h) = sum_i sum_j w_i 1(T_i <= h, d_i = 1) 1(T_j > h) [1(s_i > s_j) + 1(s_i = s_j)/2]
//	         / (sum_i w_i 1(T_i <= h, d_i = 1) * #{j: T_j > h})
//
// with w_i = 1/G(T_i-), G the Kaplan-Meier estimate of the censoring
// distribution (the controls' common weight 1/G(h) cancels). Cases are
// ranked against the sorted control scores, O(n log n). NaN without cases
// or controls.
func TimeAUC(t []float64, e []bool, score []float64, h float64) float64 {
	cens := make([]bool, len(e))
	for i := range e {
		cens[i] = !e[i]
	}
	g, err := survival.KaplanMeier(t, cens, nil, survival.KMOptions{})
	if err != nil || len(g) == 0 {
		return math.NaN()
	}
	var controls []float64
	for i := range t {
		if t[i] > h {
			controls = append(controls, score[i])
		}
	}
	sort.Float64s(controls)
	var num, den float64
	for i := range t {
		if !(t[i] <= h && e[i]) {
			continue
		}
		gi := leftLimit(g[0].Time, g[0].Surv, t[i])
		if gi <= 0 {
			continue
		}
		w := 1 / gi
		below := sort.SearchFloat64s(controls, score[i])
		ties := sort.Search(len(controls), func(k int) bool { return controls[k] > score[i] }) - below
		num += w * (float64(below) + 0.5*float64(ties))
		den += w * float64(len(controls))
	}
	if den == 0 {
		return math.NaN()
	}
	return num / den
}

// leftLimit returns S(t-) of a right-continuous step function.
func leftLimit(times, surv []float64, t float64) float64 {
	k := sort.SearchFloat64s(times, t) // first time >= t
	if k == 0 {
		return 1
	}
	return surv[k-1]
}

// valueAt returns S(t) of a right-continuous step function, 1 before its
// first time.
func valueAt(times, surv []float64, t float64) float64 {
	k := sort.Search(len(times), func(i int) bool { return times[i] > t })
	if k == 0 {
		return 1
	}
	return surv[k-1]
}

// kmAt is the Kaplan-Meier S(h) of a sample with its 95% log CI; a curve
// that ends before h keeps its last value (NaN limits then).
func kmAt(t []float64, e []bool, h float64) (s, lo, hi float64) {
	c, err := survival.KaplanMeier(t, e, nil, survival.KMOptions{})
	if err != nil || len(c) == 0 || c[0].N == 0 {
		return math.NaN(), math.NaN(), math.NaN()
	}
	if a := c[0].At([]float64{h}); len(a.Surv) == 1 {
		return a.Surv[0], a.Lower[0], a.Upper[0]
	}
	return valueAt(c[0].Time, c[0].Surv, h), math.NaN(), math.NaN()
}

// prediction computes the model-based checks of one cohort.
func (out *Output) prediction(p *patients, idx []int, cohortName, endpoint string) *Prediction {
	o := p.endpoint(endpoint).pick(idx)
	var t, s, risk []float64
	var e []bool
	const horizon = 12
	for k, i := range idx {
		if math.IsNaN(o.time[k]) || math.IsNaN(o.event[k]) || math.IsNaN(p.score[i]) {
			continue
		}
		times, surv := out.Model.Survival(endpoint, p.score[i])
		if times == nil {
			return nil
		}
		t, e, s = append(t, o.time[k]), append(e, o.event[k] == 1), append(s, p.score[i])
		risk = append(risk, 1-valueAt(times, surv, horizon))
	}
	if len(t) < 20 {
		return nil
	}
	pr := &Prediction{Endpoint: endpoint, AUCTimes: []float64{12, 24}, Horizon: horizon}
	for _, h := range pr.AUCTimes {
		pr.AUC = append(pr.AUC, TimeAUC(t, e, s, h))
	}
	// Calibration by decile of predicted risk.
	order := make([]int, len(t))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return risk[order[a]] < risk[order[b]] })
	for d := 0; d < 10; d++ {
		lo, hi := d*len(order)/10, (d+1)*len(order)/10
		var dt, dr []float64
		var de []bool
		for _, i := range order[lo:hi] {
			dt, de, dr = append(dt, t[i]), append(de, e[i]), append(dr, risk[i])
		}
		sv, l, u := kmAt(dt, de, horizon)
		pr.CalN = append(pr.CalN, len(dt))
		pr.CalPredicted = append(pr.CalPredicted, 1-stattest.Describe(dr).Mean)
		pr.CalObserved = append(pr.CalObserved, sv)
		pr.CalLower = append(pr.CalLower, l)
		pr.CalUpper = append(pr.CalUpper, u)
	}
	// Decision curve (Vickers et al., BMC Med Inform Decis Mak 2008, with
	// Kaplan-Meier risks for censored data).
	sAll, _, _ := kmAt(t, e, horizon)
	n := float64(len(t))
	for th := 0.05; th < 0.951; th += 0.05 {
		pt := math.Round(th*100) / 100
		pr.Thresholds = append(pr.Thresholds, pt)
		odds := pt / (1 - pt)
		pr.TreatAll = append(pr.TreatAll, (1-sAll)-sAll*odds)
		var ht []float64
		var he []bool
		for i := range t {
			if risk[i] >= pt {
				ht, he = append(ht, t[i]), append(he, e[i])
			}
		}
		if len(ht) == 0 {
			pr.NetBenefit = append(pr.NetBenefit, 0)
			continue
		}
		sh, _, _ := kmAt(ht, he, horizon)
		frac := float64(len(ht)) / n
		pr.NetBenefit = append(pr.NetBenefit, frac*(1-sh)-frac*sh*odds)
	}
	slug := slug(cohortName)
	out.Figures = append(out.Figures,
		Figure{Name: "calibration-" + slug, Title: fmt.Sprintf("Calibration of predicted %d-month %s by risk decile, %s cohort", horizon, endpointName(endpoint), cohortName),
			SVG: render.LinePlot{Title: fmt.Sprintf("Calibration at %d months, %s cohort", horizon, cohortName), XLabel: "Predicted survival", YLabel: "Observed (Kaplan-Meier)",
				Series: []render.Series{
					{Name: "deciles", X: pr.CalPredicted, Y: pr.CalObserved, Lower: pr.CalLower, Upper: pr.CalUpper},
					{Name: "ideal", X: []float64{0, 1}, Y: []float64{0, 1}}},
				Note: "Each point is a decile of predicted risk; band: 95% CI of the observed rate."}.SVG()},
		Figure{Name: "dca-" + slug, Title: fmt.Sprintf("Decision curve at %d months, %s cohort", horizon, cohortName),
			SVG: render.LinePlot{Title: fmt.Sprintf("Decision curve for an event by %d months, %s cohort", horizon, cohortName), XLabel: "Threshold probability", YLabel: "Net benefit",
				Series: []render.Series{{Name: "CAR-IMPI model", X: pr.Thresholds, Y: pr.NetBenefit}, {Name: "treat all", X: pr.Thresholds, Y: pr.TreatAll},
					{Name: "treat none", X: []float64{pr.Thresholds[0], pr.Thresholds[len(pr.Thresholds)-1]}, Y: []float64{0, 0}}}}.SVG()})
	return pr
}

func endpointName(ep string) string {
	if ep == "os" {
		return "OS"
	}
	return "PFS"
}
