package validation

import (
	"math"
	"sort"
)

// AUCResult is a time-dependent AUC at one horizon.
type AUCResult struct {
	Estimate
	Tau      float64
	Cases    int // T <= tau with an event
	Controls int // T > tau
}

// AUC returns the cumulative/dynamic time-dependent AUC of risk at horizon
// tau with inverse probability of censoring weights (Uno et al., JASA
// 2007; Blanche, Dartigues and Jacqmin-Gadda, Stat Med 2013), as
// riskRegression::Score(..., metrics = "auc", cens.model = "km"):
//
//	AUC(tau) = sum_{cases i} sum_{controls j} w_i w_j [1(r_i > r_j) + 1(r_i = r_j)/2]
//	           / (sum_{cases i} w_i  sum_{controls j} w_j)
//
// with the weights of the package documentation (the controls' common
// weight 1/G(tau) cancels). A higher risk means an earlier event. A
// horizon after the last observed time gives NaN (Score drops it). The
// standard error is Score's, from the influence function with the
// Kaplan-Meier censoring term (package documentation). Without a case or
// a control the result is NaN. AUC panics if the slice lengths differ.
func AUC(time []float64, event []bool, risk []float64, tau float64) AUCResult {
	checkLengths("AUC", time, event, risk)
	res := AUCResult{Estimate: nanEstimate(), Tau: tau}
	cens, err := newCensoring(time, event)
	if err != nil || !cens.covers(tau) {
		return res
	}
	w, cases, controls := cens.weights(time, event, tau)
	var caseRisk, ctrlRisk []float64
	var caseW []float64
	muCase, muCtrl := 0.0, 0.0
	for i := range time {
		switch {
		case cases[i]:
			caseRisk = append(caseRisk, risk[i])
			caseW = append(caseW, w[i])
			muCase += w[i]
		case controls[i]:
			ctrlRisk = append(ctrlRisk, risk[i])
			muCtrl += w[i]
		}
	}
	res.Cases, res.Controls = len(caseRisk), len(ctrlRisk)
	if res.Cases == 0 || res.Controls == 0 {
		return res
	}
	wCtrl := 1 / cens.at(tau)
	sort.Float64s(ctrlRisk)
	// Cases sorted by risk with cumulative weights, for each control's
	// weighted count of cases above it.
	ord := make([]int, len(caseRisk))
	for k := range ord {
		ord[k] = k
	}
	sort.Slice(ord, func(a, b int) bool { return caseRisk[ord[a]] < caseRisk[ord[b]] })
	sr := make([]float64, len(ord))
	cum := make([]float64, len(ord)+1) // cum[k] = weight of the k lowest cases
	for k, o := range ord {
		sr[k] = caseRisk[o]
		cum[k+1] = cum[k] + caseW[o]
	}
	// ic0[i]: row i's weighted count of concordant pairs (ties 1/2) times
	// its own weight, as a case or as a control.
	n := float64(len(time))
	ic0 := make([]float64, len(time))
	num := 0.0
	for i := range time {
		switch {
		case cases[i]:
			below := sort.SearchFloat64s(ctrlRisk, risk[i])
			ties := sort.Search(len(ctrlRisk), func(k int) bool { return ctrlRisk[k] > risk[i] }) - below
			ic0[i] = w[i] * wCtrl * (float64(below) + 0.5*float64(ties))
			num += ic0[i]
		case controls[i]:
			lo := sort.SearchFloat64s(sr, risk[i])
			hi := sort.Search(len(sr), func(k int) bool { return sr[k] > risk[i] })
			ic0[i] = w[i] * ((cum[len(sr)] - cum[hi]) + 0.5*(cum[hi]-cum[lo]))
		}
	}
	auc := num / (muCase * muCtrl)
	res.Value = auc
	// Influence function: AUC = nu/mu with mu = muCase muCtrl / n^2 and
	// nu = AUC mu; row i changes nu by ic0_i/n and mu by w_i (the other
	// group's total)/n with G fixed, and both through G.
	mu := muCase * muCtrl / (n * n)
	nu := auc * mu
	ifv := make([]float64, len(time))
	a := make([]float64, len(time))
	actrl := 0.0
	for i := range time {
		var dnu, dmu float64
		switch {
		case cases[i]:
			dnu, dmu = ic0[i]/n, w[i]*muCtrl/n
			a[i] = (ic0[i]*mu - w[i]*muCtrl*nu) / (n * n * mu * mu)
		case controls[i]:
			dnu, dmu = ic0[i]/n, w[i]*muCase/n
			actrl += (ic0[i]*mu - w[i]*muCase*nu) / (n * n * mu * mu)
		}
		ifv[i] = (dnu*mu - dmu*nu) / (mu * mu)
	}
	term := cens.term(time, event, cases, a, actrl, tau)
	for i := range ifv {
		ifv[i] += term[i]
	}
	se := seOf(ifv)
	res.Estimate = clipped(auc, se)
	if math.IsNaN(se) {
		res.Lower, res.Upper = math.NaN(), math.NaN()
	}
	return res
}
