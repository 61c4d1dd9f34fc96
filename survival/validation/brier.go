package validation

// BrierResult is the Brier score of a model at one horizon with that of
// the null model (the Kaplan-Meier risk of the whole sample for everyone)
// and the index of prediction accuracy IPA = 1 - Brier/Brier(null).
type BrierResult struct {
	Tau   float64
	Brier Estimate
	Null  Estimate
	IPA   float64
}

// Brier returns the inverse probability of censoring weighted Brier score
// of the predicted risks at horizon tau, as riskRegression::Score(...,
// metrics = "brier", summary = "ipa", cens.model = "km", null.model =
// TRUE):
//
//	BS(tau) = 1/n sum_i [ 1(T_i <= tau, d_i = 1) (1 - r_i)^2 / G(T_i-) + 1(T_i > tau) r_i^2 / G(tau) ]
//
// with the standard error of Score (package documentation). The null
// model predicts 1 - KM(tau), the Kaplan-Meier estimate of the sample, for
// every patient (Score's "Null model", prodlim). IPA = 1 - BS/BS(null)
// (Kattan and Gerds, Diagn Progn Res 2018); Score gives it no standard
// error. A horizon after the last observed time gives NaN (Score drops
// it). Brier panics if the slice lengths differ.
func Brier(time []float64, event []bool, risk []float64, tau float64) BrierResult {
	checkLengths("Brier", time, event, risk)
	res := BrierResult{Tau: tau, Brier: nanEstimate(), Null: nanEstimate(), IPA: nanf()}
	cens, err := newCensoring(time, event)
	if err != nil || !cens.covers(tau) {
		return res
	}
	w, cases, controls := cens.weights(time, event, tau)
	s, _, _, err := KMAt(time, event, tau)
	if err != nil {
		return res
	}
	null := make([]float64, len(time))
	for i := range null {
		null[i] = 1 - s
	}
	res.Brier = brier(cens, time, event, w, cases, controls, risk, tau)
	res.Null = brier(cens, time, event, w, cases, controls, null, tau)
	res.IPA = 1 - res.Brier.Value/res.Null.Value
	return res
}

func brier(cens *censoring, time []float64, event []bool, w []float64, cases, controls []bool, risk []float64, tau float64) Estimate {
	n := float64(len(time))
	res := make([]float64, len(time))
	a := make([]float64, len(time))
	sum, actrl := 0.0, 0.0
	for i := range time {
		switch {
		case cases[i]:
			res[i] = (1 - risk[i]) * (1 - risk[i]) * w[i]
			a[i] = res[i] / n
		case controls[i]:
			res[i] = risk[i] * risk[i] * w[i]
			actrl += res[i] / n
		}
		sum += res[i]
	}
	bs := sum / n
	term := cens.term(time, event, cases, a, actrl, tau)
	ifv := make([]float64, len(time))
	for i := range ifv {
		ifv[i] = res[i] - bs + term[i]
	}
	return clipped(bs, seOf(ifv))
}
