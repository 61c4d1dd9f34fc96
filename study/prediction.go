package study

import (
	"carimpi/internal/crmath"
	"carimpi/internal/textsafe"
	"fmt"
	"math"
	"slices"
	"strings"

	"carimpi/internal/jsonx"
	"carimpi/render"
	"carimpi/scores"
	"carimpi/survival"
	"carimpi/survival/validation"
)

// Prediction holds the measures of a model's predictions in one cohort
// (package validation computes each): time-dependent AUC, Brier score and
// IPA, observed against expected risk, calibration slope and
// calibration-in-the-large, calibration curves by risk decile and smoothed,
// and decision curves, at the horizons AUCTimes. The study computes it for
// each of its cohorts and validate-model for the cohort it is given, with
// the same code. Arrays are in AUCTimes order; NaN (JSON null) where a
// measure is undefined, such as past the end of follow-up.
type Prediction struct {
	Endpoint string `json:"endpoint"`
	N        int    `json:"n"`
	Events   int    `json:"events"`
	// AUC is the cumulative/dynamic time-dependent AUC at AUCTimes (IPCW,
	// Kaplan-Meier censoring model) with its standard error and 95% limits,
	// as riskRegression::Score.
	AUCTimes []float64    `json:"auc_times"`
	AUC      jsonx.Floats `json:"auc"`
	AUCSE    jsonx.Floats `json:"auc_se"`
	AUCLower jsonx.Floats `json:"auc_lower"`
	AUCUpper jsonx.Floats `json:"auc_upper"`
	// Brier score with SE and limits, the null (Kaplan-Meier) model's Brier
	// score and IPA = 1 - Brier/null, as riskRegression::Score. Null
	// without a baseline survival.
	Brier      jsonx.Floats `json:"brier"`
	BrierSE    jsonx.Floats `json:"brier_se"`
	BrierLower jsonx.Floats `json:"brier_lower"`
	BrierUpper jsonx.Floats `json:"brier_upper"`
	BrierNull  jsonx.Floats `json:"brier_null"`
	IPA        jsonx.Floats `json:"ipa"`
	// Observed risk 1 - KM(t) with its limits, mean predicted risk, O/E
	// with 95% limits from the Greenwood SE.
	Observed      jsonx.Floats `json:"observed_risk"`
	ObservedLower jsonx.Floats `json:"observed_risk_lower"`
	ObservedUpper jsonx.Floats `json:"observed_risk_upper"`
	Expected      jsonx.Floats `json:"expected_risk"`
	OE            jsonx.Floats `json:"oe_ratio"`
	OELower       jsonx.Floats `json:"oe_lower"`
	OEUpper       jsonx.Floats `json:"oe_upper"`
	// Smoothed calibration (Austin et al. 2020): ICI, E50, E90.
	ICI jsonx.Floats `json:"ici"`
	E50 jsonx.Floats `json:"e50"`
	E90 jsonx.Floats `json:"e90"`
	// Slope is the calibration slope (Cox of the outcome on the linear
	// predictor); InTheLarge observed/expected events over follow-up.
	Slope      *CalSlope      `json:"calibration_slope"`
	InTheLarge *CalInTheLarge `json:"calibration_in_the_large"`
	// Curves per horizon.
	Deciles   []DecileCurve   `json:"calibration_deciles"`
	Smoothed  []SmoothCurve   `json:"calibration_smooth"`
	Decisions []DecisionCurve `json:"decision_curves"`
	// The study's historical keys: calibration by decile and the decision
	// curve at Horizon (the same numbers as the per-horizon entries).
	Horizon      float64      `json:"horizon"`
	CalN         []int        `json:"calibration_n"`
	CalPredicted jsonx.Floats `json:"calibration_predicted"`
	CalObserved  jsonx.Floats `json:"calibration_observed"`
	CalLower     jsonx.Floats `json:"calibration_lower"`
	CalUpper     jsonx.Floats `json:"calibration_upper"`
	Thresholds   []float64    `json:"dca_thresholds"`
	NetBenefit   jsonx.Floats `json:"dca_net_benefit"`
	TreatAll     jsonx.Floats `json:"dca_treat_all"`
}

// CalSlope is the calibration slope with its 95% CI and the p value of
// slope = 1.
type CalSlope struct {
	Slope jsonx.Float `json:"slope"`
	SE    jsonx.Float `json:"se"`
	Lower jsonx.Float `json:"lower"`
	Upper jsonx.Float `json:"upper"`
	P1    jsonx.Float `json:"p_slope_1"`
}

// CalInTheLarge is calibration-in-the-large over the whole follow-up.
type CalInTheLarge struct {
	Observed float64     `json:"observed_events"`
	Expected jsonx.Float `json:"expected_events"`
	LogRatio jsonx.Float `json:"log_oe"`
	SE       jsonx.Float `json:"log_oe_se"`
	Ratio    jsonx.Float `json:"oe_ratio"`
	Lower    jsonx.Float `json:"oe_lower"`
	Upper    jsonx.Float `json:"oe_upper"`
}

// DecileCurve is the calibration by decile of predicted risk at one
// horizon, on the survival scale.
type DecileCurve struct {
	Time      float64      `json:"time"`
	N         []int        `json:"n"`
	Predicted jsonx.Floats `json:"predicted_survival"`
	Observed  jsonx.Floats `json:"observed_survival"`
	Lower     jsonx.Floats `json:"lower"`
	Upper     jsonx.Floats `json:"upper"`
}

// SmoothCurve is the smoothed calibration curve at one horizon: observed
// against predicted risk on a grid.
type SmoothCurve struct {
	Time      float64      `json:"time"`
	Knots     jsonx.Floats `json:"knots"`
	Predicted jsonx.Floats `json:"predicted_risk"`
	Observed  jsonx.Floats `json:"observed_risk"`
	LeftOut   int          `json:"left_out"`
}

// DecisionCurve is the decision curve at one horizon.
type DecisionCurve struct {
	Time       float64      `json:"time"`
	Thresholds []float64    `json:"thresholds"`
	NetBenefit jsonx.Floats `json:"net_benefit"`
	TreatAll   jsonx.Floats `json:"treat_all"`
	Prevalence jsonx.Float  `json:"prevalence"`
}

// riskAt returns each patient's predicted risk of the endpoint by h,
// 1 - S(h | lp) = 1 - S0(h)^exp(lp - Centre), from the model's baseline
// survival, read once at h: one power per patient; nil when the model has
// none for the endpoint (or an lp is NaN).
func riskAt(m *scores.CoxModel, endpoint string, lp []float64, h float64) []float64 {
	bt, s0 := m.Survival(endpoint, m.Centre) // S0 itself: the power is 1
	if bt == nil {
		return nil
	}
	s0h := crmath.Base(survival.StepAt(bt, s0, h, 1))
	risk := make([]float64, len(lp))
	for i, v := range lp {
		if math.IsNaN(v) {
			return nil
		}
		// exp and pow rounded to the nearest double, as R's (glibc's), so
		// that tied and adjacent risks rank as in riskRegression::Score
		risk[i] = 1 - s0h.Pow(crmath.Exp(v-m.Centre))
	}
	return risk
}

// predictionInput is one cohort's complete cases for the measures.
type predictionInput struct {
	t, lp []float64
	e     []bool
}

func predictionData(p *patients, idx []int, endpoint string) predictionInput {
	o := p.endpoint(endpoint)
	complete := func(i int) bool { return !math.IsNaN(o.time(i)) && !math.IsNaN(o.event(i)) && !math.IsNaN(p.score[i]) }
	n := 0
	for _, i := range idx {
		if complete(i) {
			n++
		}
	}
	in := predictionInput{t: make([]float64, 0, n), lp: make([]float64, 0, n), e: make([]bool, 0, n)}
	for _, i := range idx {
		if complete(i) {
			in.t, in.e, in.lp = append(in.t, o.time(i)), append(in.e, o.event(i) == 1), append(in.lp, p.score[i])
		}
	}
	return in
}

// dcaThresholds are the decision curves' threshold probabilities.
func dcaThresholds() []float64 {
	var th []float64
	for k := 1; k <= 19; k++ {
		th = append(th, float64(k)/20)
	}
	return th
}

// prediction computes the measures of model m's predictions of the
// endpoint for the patients idx at the horizons times; horizon is the one
// of the historical single-horizon keys. Without a baseline survival only
// the measures that need none are computed (AUC from the linear predictor,
// the slope; the others are NaN) and notes say so.
func (out *Output) prediction(p *patients, idx []int, m *scores.CoxModel, cohortName, endpoint string, times []float64, horizon float64) (*Prediction, []string) {
	in := predictionData(p, idx, endpoint)
	var notes []string
	if len(in.t) < 20 {
		return nil, []string{fmt.Sprintf("%s cohort: %d patients with %s and the score; the prediction measures need 20.", cohortName, len(in.t), strings.ToUpper(endpoint))}
	}
	pr := &Prediction{Endpoint: endpoint, N: len(in.t), AUCTimes: times, Horizon: horizon}
	for _, e := range in.e {
		if e {
			pr.Events++
		}
	}
	if s, err := validation.Slope(in.t, in.e, in.lp); err == nil {
		pr.Slope = &CalSlope{jsonx.Float(s.Slope), jsonx.Float(s.SE), jsonx.Float(s.Lower), jsonx.Float(s.Upper), jsonx.Float(s.P1)}
	} else {
		notes = append(notes, fmt.Sprintf("%s cohort: %v", cohortName, err))
	}
	bt, s0 := m.Survival(endpoint, m.Centre) // the baseline curve S0, nil without one
	baseline := bt != nil && !slices.ContainsFunc(in.lp, math.IsNaN)
	if !baseline {
		notes = append(notes, fmt.Sprintf("%s cohort: the model has no baseline survival for %s, so there are no predicted risks: the Brier score, IPA, observed/expected, calibration-in-the-large, calibration curves and decision curves are not computed; the time-dependent AUC uses the linear predictor (it needs only the order).", cohortName, strings.ToUpper(endpoint)))
	} else {
		ch := make([]float64, len(in.t))
		beyond, end := 0, 0.0
		for i, v := range in.lp {
			ch[i] = -math.Log(math.Pow(survival.StepAt(bt, s0, in.t[i], 1), math.Exp(v-m.Centre)))
			if end = bt[len(bt)-1]; in.t[i] > end {
				beyond++
			}
		}
		if beyond > 0 {
			notes = append(notes, fmt.Sprintf("%s cohort: calibration-in-the-large holds the predicted cumulative hazard at its value at %g months, the model's last baseline time, for the %d patients followed longer.", cohortName, end, beyond))
		}
		l := validation.InTheLarge(in.t, in.e, ch)
		pr.InTheLarge = &CalInTheLarge{l.Observed, jsonx.Float(l.Expected), jsonx.Float(l.LogRatio), jsonx.Float(l.SE), jsonx.Float(l.Ratio), jsonx.Float(l.Lower), jsonx.Float(l.Upper)}
	}
	slug := slug(cohortName)
	last := slices.Max(in.t)
	for _, h := range times {
		if h > last {
			// As riskRegression::Score, no measure past the follow-up.
			notes = append(notes, fmt.Sprintf("%s cohort: the follow-up ends at %g months; no measures at %g months.", cohortName, last, h))
			pr.AUC, pr.AUCSE = append(pr.AUC, math.NaN()), append(pr.AUCSE, math.NaN())
			pr.AUCLower, pr.AUCUpper = append(pr.AUCLower, math.NaN()), append(pr.AUCUpper, math.NaN())
			pr.riskUndefined()
			continue
		}
		risk := in.lp
		if baseline {
			risk = riskAt(m, endpoint, in.lp, h)
		}
		a := validation.AUC(in.t, in.e, risk, h)
		pr.AUC, pr.AUCSE = append(pr.AUC, a.Value), append(pr.AUCSE, a.SE)
		pr.AUCLower, pr.AUCUpper = append(pr.AUCLower, a.Lower), append(pr.AUCUpper, a.Upper)
		if !baseline {
			pr.riskUndefined()
			continue
		}
		b := validation.Brier(in.t, in.e, risk, h)
		pr.Brier, pr.BrierSE = append(pr.Brier, b.Brier.Value), append(pr.BrierSE, b.Brier.SE)
		pr.BrierLower, pr.BrierUpper = append(pr.BrierLower, b.Brier.Lower), append(pr.BrierUpper, b.Brier.Upper)
		pr.BrierNull, pr.IPA = append(pr.BrierNull, b.Null.Value), append(pr.IPA, b.IPA)
		oe := validation.ObservedExpected(in.t, in.e, risk, h)
		pr.Observed, pr.ObservedLower, pr.ObservedUpper = append(pr.Observed, oe.Observed), append(pr.ObservedLower, oe.ObservedLower), append(pr.ObservedUpper, oe.ObservedUpper)
		pr.Expected, pr.OE = append(pr.Expected, oe.Expected), append(pr.OE, oe.Ratio)
		pr.OELower, pr.OEUpper = append(pr.OELower, oe.RatioLower), append(pr.OEUpper, oe.RatioUpper)

		dc := DecileCurve{Time: h}
		for _, g := range validation.Groups(in.t, in.e, risk, h, 10) {
			dc.N = append(dc.N, g.N)
			dc.Predicted, dc.Observed = append(dc.Predicted, g.Predicted), append(dc.Observed, g.Observed)
			dc.Lower, dc.Upper = append(dc.Lower, g.Lower), append(dc.Upper, g.Upper)
		}
		pr.Deciles = append(pr.Deciles, dc)
		sc := SmoothCurve{Time: h}
		if sm, err := validation.Smooth(in.t, in.e, risk, h); err == nil {
			sc.Knots, sc.Predicted, sc.Observed, sc.LeftOut = sm.Knots, sm.Grid, sm.Curve, sm.LeftOut
			pr.ICI, pr.E50, pr.E90 = append(pr.ICI, sm.ICI), append(pr.E50, sm.E50), append(pr.E90, sm.E90)
		} else {
			pr.ICI, pr.E50, pr.E90 = append(pr.ICI, math.NaN()), append(pr.E50, math.NaN()), append(pr.E90, math.NaN())
			notes = append(notes, fmt.Sprintf("%s cohort, %g months: %v", cohortName, h, err))
		}
		pr.Smoothed = append(pr.Smoothed, sc)
		d := validation.NetBenefit(in.t, in.e, risk, h, dcaThresholds())
		dca := DecisionCurve{Time: h, Thresholds: d.Thresholds, NetBenefit: d.NetBenefit, TreatAll: d.TreatAll, Prevalence: jsonx.Float(d.Prevalence)}
		pr.Decisions = append(pr.Decisions, dca)
		if h == horizon {
			pr.CalN, pr.CalPredicted, pr.CalObserved, pr.CalLower, pr.CalUpper = dc.N, dc.Predicted, dc.Observed, dc.Lower, dc.Upper
			pr.Thresholds, pr.NetBenefit, pr.TreatAll = dca.Thresholds, dca.NetBenefit, dca.TreatAll
		}
		out.addPredictionFigures(cohortName, slug, endpoint, m.Name, dc, sc, dca)
	}
	return pr, notes
}

// riskUndefined appends NaN to every measure of predicted risks, for a
// horizon where they are undefined.
func (pr *Prediction) riskUndefined() {
	for _, x := range []*jsonx.Floats{&pr.Brier, &pr.BrierSE, &pr.BrierLower, &pr.BrierUpper, &pr.BrierNull, &pr.IPA,
		&pr.Observed, &pr.ObservedLower, &pr.ObservedUpper, &pr.Expected, &pr.OE, &pr.OELower, &pr.OEUpper, &pr.ICI, &pr.E50, &pr.E90} {
		*x = append(*x, math.NaN())
	}
}

// addPredictionFigures draws the calibration and decision curves of one
// horizon.
func (out *Output) addPredictionFigures(cohortName, slug, endpoint, model string, dc DecileCurve, sc SmoothCurve, dca DecisionCurve) {
	h := dc.Time
	series := []render.Series{{Name: "deciles of predicted risk (Kaplan-Meier, 95% CI)", X: dc.Predicted, Y: dc.Observed, Lower: dc.Lower, Upper: dc.Upper, Points: true}}
	if len(sc.Predicted) > 0 {
		x := make([]float64, len(sc.Predicted))
		y := make([]float64, len(sc.Predicted))
		for i := range x {
			x[i], y[i] = 1-sc.Predicted[i], 1-sc.Observed[i]
		}
		series = append(series, render.Series{Name: "smoothed (Austin 2020)", X: x, Y: y})
	}
	series = append(series, render.Series{Name: "ideal", X: []float64{0, 1}, Y: []float64{0, 1}, Color: "#555555", Dashed: true})
	out.plan(fmt.Sprintf("calibration-%s-%gm", slug, h), fmt.Sprintf("Calibration of predicted %g-month %s, %s cohort", h, endpointName(endpoint), cohortName),
		func() *render.Drawing {
			return render.LinePlot{Title: fmt.Sprintf("Calibration at %g months, %s cohort", h, cohortName), XLabel: fmt.Sprintf("Predicted %g-month %s", h, endpointName(endpoint)), YLabel: fmt.Sprintf("Observed %g-month %s", h, endpointName(endpoint)),
				Series: series,
				Note:   "Points: deciles of predicted risk, observed by Kaplan-Meier (band: 95% CI). Smoothed: Cox model on a restricted cubic spline (3 knots) of log(-log(1 - predicted risk)) (Austin et al. 2020)."}.Drawing()
		})
	floor := -0.05
	out.plan(fmt.Sprintf("dca-%s-%gm", slug, h), fmt.Sprintf("Decision curve at %g months, %s cohort", h, cohortName),
		func() *render.Drawing {
			return render.LinePlot{Title: fmt.Sprintf("Decision curve for an event by %g months, %s cohort", h, cohortName), XLabel: "Threshold probability", YLabel: "Net benefit",
				Series: []render.Series{{Name: model, X: dca.Thresholds, Y: dca.NetBenefit}, {Name: "treat all", X: dca.Thresholds, Y: dca.TreatAll, Color: "#000000", Dashed: true},
					{Name: "treat none", X: []float64{dca.Thresholds[0], dca.Thresholds[len(dca.Thresholds)-1]}, Y: []float64{0, 0}, Color: "#555555"}},
				YFloor: &floor, Note: "Net benefit below -0.05 is not drawn."}.Drawing()
		})
}

func endpointName(ep string) string {
	if ep == "os" {
		return "OS"
	}
	return "PFS"
}

// predictionBlock writes the measures of one cohort into a report section.
func (out *Output) predictionBlock(b *htmlBuf, pr *Prediction, cohortName, model string) {
	pct := render.Percent
	f3 := sig3
	var rows [][]string
	for k, h := range pr.AUCTimes {
		rows = append(rows, []string{fmt.Sprintf("%g", h), cIndex(pr.AUC[k], pr.AUCLower[k], pr.AUCUpper[k]),
			cIndex(pr.Brier[k], pr.BrierLower[k], pr.BrierUpper[k]), f3(pr.BrierNull[k]), f3(pr.IPA[k]),
			fmt.Sprintf("%s (%s–%s)", pct(pr.Observed[k]), pct(pr.ObservedLower[k]), pct(pr.ObservedUpper[k])), pct(pr.Expected[k]),
			cIndex(pr.OE[k], pr.OELower[k], pr.OEUpper[k]), f3(pr.ICI[k])})
	}
	b.table([]string{"Months", "AUC (95% CI)", "Brier (95% CI)", "Brier, null model", "IPA", "Observed risk (95% CI)", "Mean predicted risk", "O/E (95% CI)", "ICI"}, rows,
		fmt.Sprintf("%s of %s in the %s cohort (n = %d, %d events). AUC: cumulative/dynamic, IPCW with a Kaplan-Meier censoring model; Brier and IPA: IPCW, null model = Kaplan-Meier (riskRegression::Score). Observed: 1 − Kaplan-Meier; O/E limits from the Greenwood SE. ICI: mean |smoothed observed − predicted|.",
			model, strings.ToUpper(pr.Endpoint), cohortName, pr.N, pr.Events))
	if s := pr.Slope; s != nil {
		b.p("Calibration slope (Cox model of %s on the linear predictor): %s (95%% CI %s–%s; p for slope = 1: %s).", strings.ToUpper(pr.Endpoint), f3(float64(s.Slope)), f3(float64(s.Lower)), f3(float64(s.Upper)), render.FormatP(float64(s.P1)))
	}
	if l := pr.InTheLarge; l != nil {
		b.p("Calibration-in-the-large over the whole follow-up: %.0f observed events, %s expected from the model (sum of predicted cumulative hazards at each patient's follow-up time); O/E %s (95%% CI %s–%s).",
			l.Observed, f3(float64(l.Expected)), f3(float64(l.Ratio)), f3(float64(l.Lower)), f3(float64(l.Upper)))
	}
	for k, dc := range pr.Deciles {
		var rows [][]string
		for d := range dc.N {
			rows = append(rows, []string{fmt.Sprint(d + 1), fmt.Sprint(dc.N[d]), f3(dc.Predicted[d]), cIndex(dc.Observed[d], dc.Lower[d], dc.Upper[d])})
		}
		b.WriteString(fmt.Sprintf("<h3>%s cohort, %g months</h3>\n", textsafe.Markup(cohortName), dc.Time))
		b.table([]string{"Decile of risk", "n", fmt.Sprintf("Predicted S(%g)", dc.Time), "Observed S (95% CI)"}, rows, "Calibration by decile of predicted risk")
		if k < len(pr.Smoothed) && pr.Smoothed[k].LeftOut > 0 {
			b.note(fmt.Sprintf("Smoothed calibration: %d patients with a predicted risk of 0 or 1 left out.", pr.Smoothed[k].LeftOut))
		}
		b.fig(out, fmt.Sprintf("calibration-%s-%gm", slug(cohortName), dc.Time))
		b.fig(out, fmt.Sprintf("dca-%s-%gm", slug(cohortName), dc.Time))
	}
}
