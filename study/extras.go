package study

import (
	"fmt"
	"math"
	"sort"

	"carimpi/internal/jsonx"
	"carimpi/render"
	"carimpi/scores"
	"carimpi/survival/validation"
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

// riskAt returns each patient's predicted risk of the endpoint by h,
// 1 - S(h | lp), from the model's baseline survival; nil when the model
// has none for the endpoint.
func riskAt(m *scores.CoxModel, endpoint string, lp []float64, h float64) []float64 {
	risk := make([]float64, len(lp))
	for i, v := range lp {
		times, surv := m.Survival(endpoint, v)
		if times == nil {
			return nil
		}
		k := sort.Search(len(times), func(j int) bool { return times[j] > h })
		risk[i] = 0
		if k > 0 {
			risk[i] = 1 - surv[k-1]
		}
	}
	return risk
}

// prediction computes the model-based checks of one cohort.
func (out *Output) prediction(p *patients, idx []int, cohortName, endpoint string) *Prediction {
	o := p.endpoint(endpoint).pick(idx)
	var t, s []float64
	var e []bool
	const horizon = 12
	for k, i := range idx {
		if math.IsNaN(o.time[k]) || math.IsNaN(o.event[k]) || math.IsNaN(p.score[i]) {
			continue
		}
		t, e, s = append(t, o.time[k]), append(e, o.event[k] == 1), append(s, p.score[i])
	}
	risk := riskAt(out.Model, endpoint, s, horizon)
	if risk == nil || len(t) < 20 {
		return nil
	}
	pr := &Prediction{Endpoint: endpoint, AUCTimes: []float64{12, 24}, Horizon: horizon}
	for _, h := range pr.AUCTimes {
		pr.AUC = append(pr.AUC, validation.AUC(t, e, riskAt(out.Model, endpoint, s, h), h).Value)
	}
	for _, g := range validation.Groups(t, e, risk, horizon, 10) {
		pr.CalN = append(pr.CalN, g.N)
		pr.CalPredicted = append(pr.CalPredicted, g.Predicted)
		pr.CalObserved = append(pr.CalObserved, g.Observed)
		pr.CalLower = append(pr.CalLower, g.Lower)
		pr.CalUpper = append(pr.CalUpper, g.Upper)
	}
	var thresholds []float64
	for th := 0.05; th < 0.951; th += 0.05 {
		thresholds = append(thresholds, math.Round(th*100)/100)
	}
	dc := validation.NetBenefit(t, e, risk, horizon, thresholds)
	pr.Thresholds, pr.NetBenefit, pr.TreatAll = dc.Thresholds, dc.NetBenefit, dc.TreatAll
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
