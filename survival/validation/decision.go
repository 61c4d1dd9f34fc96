package validation

// DecisionCurve is the net benefit of treating the patients whose predicted
// risk of the event by Tau is at least each threshold probability, against
// treating everyone and no one (net benefit 0).
type DecisionCurve struct {
	Tau        float64
	Thresholds []float64
	NetBenefit []float64
	TreatAll   []float64
	// Prevalence is the Kaplan-Meier risk of the event by Tau, 1 - KM(Tau).
	Prevalence float64
}

// NetBenefit returns the decision curve at horizon tau for the given
// thresholds (Vickers, Cronin, Elkin and Gonen, BMC Med Inform Decis Mak
// 2008, with Kaplan-Meier risks for censored data; R's dcurves::dca with a
// Surv outcome):
//
//	NB(p) = P(r >= p) [ (1 - S_+(tau)) - S_+(tau) p/(1 - p) ]
//	NB_all(p) = (1 - S(tau)) - S(tau) p/(1 - p)
//
// where S_+ is the Kaplan-Meier estimate among the patients with r >= p
// and S that of everyone. A threshold nobody reaches has net benefit 0.
// NetBenefit panics if the slice lengths differ.
func NetBenefit(time []float64, event []bool, risk []float64, tau float64, thresholds []float64) DecisionCurve {
	checkLengths("NetBenefit", time, event, risk)
	d := DecisionCurve{Tau: tau, Thresholds: append([]float64(nil), thresholds...)}
	sAll, _, _, err := KMAt(time, event, tau)
	if err != nil {
		sAll = nanf()
	}
	d.Prevalence = 1 - sAll
	n := float64(len(time))
	for _, pt := range thresholds {
		odds := pt / (1 - pt)
		d.TreatAll = append(d.TreatAll, (1-sAll)-sAll*odds)
		var ht []float64
		var he []bool
		for i := range time {
			if risk[i] >= pt {
				ht, he = append(ht, time[i]), append(he, event[i])
			}
		}
		if len(ht) == 0 {
			d.NetBenefit = append(d.NetBenefit, 0)
			continue
		}
		sh, _, _, _ := KMAt(ht, he, tau)
		frac := float64(len(ht)) / n
		d.NetBenefit = append(d.NetBenefit, frac*(1-sh)-frac*sh*odds)
	}
	return d
}
