package main

import (
	"fmt"
	"io"
	"math"
	"strings"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"

	"carimpi/internal/jsonx"
	"carimpi/render"
	"carimpi/survival/compete"
	"carimpi/survival/cox"
)

// fineGrayJSON is cox --fine-gray's answer.
type fineGrayJSON struct {
	Model           string   `json:"model"`
	CauseOfInterest string   `json:"cause_of_interest"`
	Competing       []string `json:"competing_causes"`
	coefJSON
	LoglikNull jsonx.Float `json:"loglik_null"`
	Loglik     jsonx.Float `json:"loglik"`
	LRT        testJSON    `json:"lrt"`
	Wald       testJSON    `json:"wald"`
	N          int         `json:"n"`
	Events     int         `json:"events"`
	NCompeting int         `json:"competing"`
	Censored   int         `json:"censored"`
	Iterations int         `json:"iterations"`
	Converged  bool        `json:"converged"`
	CenGroups  []string    `json:"cengroups,omitempty"`
	Dropped    int         `json:"dropped"`
	Warnings   []string    `json:"warnings"`
	Notice     string      `json:"notice"`
}

func runFineGray(f coxFlags) (*fineGrayJSON, error) {
	if err := checkFormat(f.format, "table", "json"); err != nil {
		return nil, err
	}
	for _, c := range []struct {
		set  bool
		name string
	}{{f.event != "", "--event"}, {f.strata != "", "--strata (crr has no strata; --cengroup gives censoring groups)"},
		{f.phTest, "--ph-test"}, {f.ties != "efron", "--ties"}, {f.start != "", "--start"}, {f.weights != "", "--weights (crr has no case weights)"},
		{f.offset != "", "--offset"}, {f.robust.set, "--robust (crr's variance is already the sandwich)"}, {f.cluster != "", "--cluster"},
		{f.predict != "", "--predict"}, {f.times != "", "--times"}, {f.residuals != "" || f.out != "", "--residuals/--out"}} {
		if c.set {
			return nil, usagef("%s cannot be used with --fine-gray", c.name)
		}
	}
	if f.terms == "" {
		return nil, usagef("--terms is required")
	}
	if f.causeOfInterest == "" {
		return nil, usagef("--fine-gray needs --cause-of-interest CODE")
	}
	cm, err := f.causeFlags.parse()
	if err != nil {
		return nil, err
	}
	interest := f.causeOfInterest
	for k, name := range cm.names {
		if name == interest {
			interest = cm.codes[k]
		}
	}
	if sameCode(interest, cm.censor) {
		return nil, usagef("--cause-of-interest %s is the censoring code (--censor-code %s)", f.causeOfInterest, cm.censor)
	}
	if cm.codes != nil && !containsCode(cm.codes, interest) {
		return nil, usagef("--cause-of-interest %q is not among --cause-codes", f.causeOfInterest)
	}
	terms, nums, texts, err := parseTerms(f.terms)
	if err != nil {
		return nil, err
	}
	sf := survFlags{data: f.data, time: f.time, event: f.causeFlags.cause, causeOf: cm.status}
	d, err := loadSurv(sf, nums, append(texts, f.cengroup))
	if err != nil {
		return nil, err
	}
	causes := cm.order(d.status)
	k := -1
	for i, c := range cm.codes {
		if sameCode(c, interest) {
			k = i + 1
		}
	}
	if k < 0 {
		return nil, fmt.Errorf("%s: no row of %q has the cause of interest %s", f.data, f.causeFlags.cause, f.causeOfInterest)
	}
	status := make([]int, len(d.status))
	var competing []string
	for i, s := range d.status {
		switch s {
		case 0:
		case k:
			status[i] = 1
		default:
			status[i] = 2
		}
	}
	for i, c := range causes {
		if i+1 != k {
			competing = append(competing, c)
		}
	}
	design, err := cox.NewDesign(terms, survColumns{d})
	if err != nil {
		return nil, fmt.Errorf("%s: %v", f.data, err)
	}
	opt := &compete.FGOptions{Names: design.Names}
	var cgNames []string
	if f.cengroup != "" {
		opt.CensGroup, cgNames = codeLevels(d.textCodes(f.cengroup))
	}
	m, err := compete.FineGray(d.time, status, design.X, opt)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", f.data, err)
	}
	res := &fineGrayJSON{Model: "fine-gray", CauseOfInterest: causes[k-1], Competing: competing,
		coefJSON:   newCoefJSON(design.Names, m.Coef, m.SE, m.HR, m.HRLower, m.HRUpper, m.Z, m.P, m.Var),
		LoglikNull: jsonx.Float(m.LoglikNull), Loglik: jsonx.Float(m.Loglik),
		LRT: testJSON{jsonx.Float(m.LRT.Statistic), m.LRT.DF, jsonx.Float(m.LRT.P)},
		N:   m.N, Events: m.Events, NCompeting: m.Competing, Censored: m.Censored,
		Iterations: m.Iterations, Converged: m.Converged, CenGroups: cgNames,
		Dropped: d.dropped, Warnings: []string{}, Notice: researchNotice}
	w, df := waldStat(m.Coef, m.Var)
	res.Wald = testJSON{jsonx.Float(w), df, jsonx.Float(chisqP(w, df))}
	if !m.Converged {
		res.Warnings = append(res.Warnings, fmt.Sprintf("did not converge in %d iterations (crr's limit); the estimates are not the maximum", m.Iterations))
	}
	return res, nil
}

func containsCode(codes []string, c string) bool {
	for _, x := range codes {
		if sameCode(x, c) {
			return true
		}
	}
	return false
}

// waldStat is b' V^-1 b on len(b) degrees of freedom (NaN when V is
// singular).
func waldStat(b []float64, v [][]float64) (float64, int) {
	p := len(b)
	vm := mat.NewDense(p, p, nil)
	for i := range v {
		vm.SetRow(i, v[i])
	}
	var x mat.VecDense
	if err := x.SolveVec(vm, mat.NewVecDense(p, append([]float64(nil), b...))); err != nil {
		return math.NaN(), p
	}
	return mat.Dot(&x, mat.NewVecDense(p, append([]float64(nil), b...))), p
}

func chisqP(stat float64, df int) float64 {
	if math.IsNaN(stat) || df <= 0 {
		return math.NaN()
	}
	return distuv.ChiSquared{K: float64(df)}.Survival(stat)
}

func (r *fineGrayJSON) writeTable(w io.Writer) error {
	fmt.Fprintf(w, "Fine-Gray competing risks regression (cmprsk::crr) for %s; competing: %s\n\n", r.CauseOfInterest, strings.Join(r.Competing, ", "))
	if err := r.writeCoefs(w, "sHR"); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nn = %d (%d events of interest, %d competing, %d censored; %d rows dropped for missing values)\n", r.N, r.Events, r.NCompeting, r.Censored, r.Dropped)
	fmt.Fprintf(w, "pseudo log-likelihood: null %.4f, model %.4f; %d iterations, converged: %v\n", float64(r.LoglikNull), float64(r.Loglik), r.Iterations, r.Converged)
	fmt.Fprintf(w, "Pseudo likelihood ratio test = %.4f on %d df, p = %s\n", float64(r.LRT.Statistic), r.LRT.DF, render.PText(float64(r.LRT.P), 4))
	fmt.Fprintf(w, "Wald test = %.4f on %d df, p = %s\n", float64(r.Wald.Statistic), r.Wald.DF, render.PText(float64(r.Wald.P), 4))
	fmt.Fprintln(w, "sHR = subdistribution hazard ratio: the effect on the cumulative incidence of this cause.")
	for _, msg := range r.Warnings {
		fmt.Fprintf(w, "Warning: %s\n", msg)
	}
	_, err := fmt.Fprintln(w, researchNotice)
	return err
}
