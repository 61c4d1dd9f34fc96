package study

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"carimpi/cohort"
	"carimpi/internal/jsonx"
	"carimpi/render"
	"carimpi/scores"
	"carimpi/stattest"
	"carimpi/survival/cox"
	"carimpi/survival/maxstat"
	"carimpi/survival/spline"
)

// Notice marks every output of the study.
const Notice = "For research use only; not a medical device. Risk groups and estimates are not a basis for treatment decisions."

// Options configure Run. The zero value runs the paper's analysis
// without the bootstrap.
type Options struct {
	// Develop and Validate name the cohorts (values of the cohort column);
	// "" means "development" and "validation".
	Develop, Validate string
	// Endpoint is the endpoint the model and cutpoint are developed on:
	// "pfs" (default) or "os".
	Endpoint string
	// Bootstrap is the number of resamples for optimism correction and
	// cutpoint stability; 0 skips them (the CLI's default is 200).
	Bootstrap int
	// Seed seeds every random step; every seed, 0 included, is used as
	// given and printed.
	Seed uint64
	// Software names the program version in the provenance.
	Software string
	// Progress receives one line per step with the elapsed time; nil is
	// quiet.
	Progress io.Writer
	// Bands draws the pointwise 95% confidence bands on the Kaplan-Meier
	// figures.
	Bands bool
	// DataSHA256 is the SHA-256 of the data file's bytes, recorded in the
	// model's provenance.
	DataSHA256 string
	// InflaMix is the user's InflaMix model; nil leaves the InflaMix
	// sections as a visible note (carimpi ships no InflaMix model).
	InflaMix *scores.InflaMixModel
	// ReleaseCohort lets Run free the cohort's fields it no longer reads
	// once every patient is scored (cohort.Release keeping analysisFields),
	// for a caller that does not use the cohort after Run, such as the
	// study command: at registry size the other laboratory values and the
	// ids are a third of the cohort.
	ReleaseCohort bool
}

// Output is everything the study produces.
type Output struct {
	Results *Results
	// Model is the fitted CAR-IMPI, loadable by "carimpi score --model".
	Model   *scores.CoxModel
	Figures []Figure
	Tables  []Table
	// Sections are the report's sections in order, as HTML fragments.
	Sections []Section

	bands   bool
	planned []plannedFigure
}

// Figure is a figure written to figures/<Name>.svg, .png (300 dpi) and
// .pdf, all three from its one Drawing.
type Figure struct {
	Name, Title string
	Drawing     *render.Drawing
	// panel, when not nil, is the figure as a panel of a multi-panel
	// figure, laid out to line up with the other panels (Fig 4).
	panel *render.Drawing
}

// plannedFigure is a figure the statistics steps ask for; the figure step
// (drawFigures) draws it once every statistic is known; panel, if not
// nil, draws it as a panel (Figure.panel).
type plannedFigure struct {
	name, title string
	draw, panel func() *render.Drawing
}

// plan asks for a figure: statistics steps compute numbers and plan
// figures, which are drawn only in the figure step.
func (out *Output) plan(name, title string, draw func() *render.Drawing) {
	out.planned = append(out.planned, plannedFigure{name, title, draw, nil})
}

// drawFigures is the figure-building step: it draws every planned figure,
// in the order planned.
func (out *Output) drawFigures() {
	for _, f := range out.planned {
		fig := Figure{Name: f.name, Title: f.title, Drawing: f.draw()}
		if f.panel != nil {
			fig.panel = f.panel()
		}
		out.Figures = append(out.Figures, fig)
	}
	out.planned = nil
}

// Table is a table written to tables/<Name>.csv, with footnotes (Notes)
// shown under it in the report.
type Table struct {
	Name, Title string
	Header      []string
	Rows        [][]string
	Notes       []string
}

// patients holds the analysis columns of the included patients: the
// cohort's columns are read where they are used, not copied (a column of
// c takes 1-4 bytes a patient, a float64 copy 8); the study keeps only
// what it computes: the scores.
type patients struct {
	n               int
	cohortOf        func(i int) string // patient i's cohort
	age, stage, mtv func(i int) float64
	pfs, os         endpointColumns
	rows            []scored
	groupNames      []string  // the combined groups of rows, by code
	score           []float64 // CAR-IMPI, set after the fit
	c               *cohort.Cohort
}

// analysisFields are the cohort's fields the study reads once every
// patient is scored: Table 1 and the supplementary tables, the
// multivariable models, toxicity, competing risks and the endpoints.
var analysisFields = []string{"cohort", "center", "age", "sex", "stage", "mtv_ml", "ecog", "product", "prior_lines",
	"bridging", "primary_refractory", "bulky", "prior_auto_hct", "transformed", "double_hit", "ldh", "ldh_uln", "crp",
	"ferritin", "hb", "plt", "anc", "pfs_months", "pfs_event", "os_months", "os_event", "pfs_cause",
	"crs_grade", "icans_grade", "icu", "tocilizumab", "corticosteroids", "simulated"}

// endpointColumns is an endpoint of every patient, read from the cohort
// (NaN where missing).
type endpointColumns struct {
	time, event func(i int) float64
}

func newPatients(c *cohort.Cohort, scorer *scores.Scorer) *patients {
	p := &patients{n: c.Len(), c: c}
	p.cohortOf = c.Text("cohort")
	p.age, p.stage, p.mtv = c.Column("age"), c.Column("stage"), c.Column("mtv_ml")
	p.pfs = endpointColumns{c.Column("pfs_months"), c.Column("pfs_event")}
	p.os = endpointColumns{c.Column("os_months"), c.Column("os_event")}
	p.scoreAll(scorer)
	return p
}

// scoreAll scores every patient with the scorer's models, from the
// records as loaded. CAR-IMPI is scored once the scorer holds the fitted
// model.
func (p *patients) scoreAll(scorer *scores.Scorer) {
	if len(p.rows) != p.n {
		p.rows = make([]scored, p.n)
	}
	p.groupNames = nil
	codes := map[string]uint8{}
	code := func(name string) uint8 {
		k, ok := codes[name]
		if !ok {
			if len(p.groupNames) > math.MaxUint8 {
				panic("study: more combined groups than a byte codes") // the scorer has a handful
			}
			k = uint8(len(p.groupNames))
			codes[name] = k
			p.groupNames = append(p.groupNames, name)
		}
		return k
	}
	for i, rec := range p.c.All() {
		r := scorer.Row(&rec)
		p.rows[i] = scored{IMPI: r.IMPI, ipi: whole(r.IPI), carHematotox: whole(r.CARHematotox),
			hematotox: code(r.CombinedHematotoxGroup), inflamix: code(r.CombinedInflaMixGroup)}
	}
}

// scored is what the study keeps of a patient's scores.Row: the indices
// and the codes of the combined groups it analyses (a whole Row, with its
// notes on every index not computed, is hundreds of bytes a patient), in
// 16 bytes: the IPI and CAR-HEMATOTOX are small whole numbers (see
// scores.Row), held exactly in a byte.
type scored struct {
	IMPI              float64
	ipi, carHematotox int8  // wholeMissing when not computed
	hematotox         uint8 // combined groups: indices into patients.groupNames
	inflamix          uint8
}

// IPI and CARHematotox return the indices as scores.Row has them (NaN
// when not computed).
func (s scored) IPI() float64          { return fromWhole(s.ipi) }
func (s scored) CARHematotox() float64 { return fromWhole(s.carHematotox) }

// wholeMissing marks a whole-number score not computed.
const wholeMissing = math.MinInt8

// whole returns a whole-number score as a byte; it panics when v is not
// NaN or a whole number a byte holds (the scores package's integer scores
// are 0-7).
func whole(v float64) int8 {
	if math.IsNaN(v) {
		return wholeMissing
	}
	if k := int8(v); float64(k) == v && k != wholeMissing {
		return k
	}
	panic(fmt.Sprintf("study: score %v is not a small whole number", v))
}

func fromWhole(k int8) float64 {
	if k == wholeMissing {
		return math.NaN()
	}
	return float64(k)
}

// product returns patient i's CAR-T product: the dictionary's code, or
// another product as first written in the data, spellings that differ
// only in case being one product (Relma-cel and RELMA-CEL are
// "Relma-cel").
func (p *patients) product() func(i int) string {
	text := p.c.Text("product")
	first := map[string]string{}
	for i := range p.n {
		s := text(i)
		if k := strings.ToLower(s); first[k] == "" {
			first[k] = s
		}
	}
	return func(i int) string { return first[strings.ToLower(text(i))] }
}

func (p *patients) endpoint(name string) endpointColumns {
	if name == "os" {
		return p.os
	}
	return p.pfs
}

// subset returns the indices of the patients of one cohort.
func (p *patients) subset(name string) []int {
	n := 0
	for i := range p.n {
		if p.cohortOf(i) == name {
			n++
		}
	}
	idx := make([]int, 0, n)
	for i := range p.n {
		if p.cohortOf(i) == name {
			idx = append(idx, i)
		}
	}
	return idx
}

func pick(x []float64, idx []int) []float64 {
	out := make([]float64, len(idx))
	for k, i := range idx {
		out[k] = x[i]
	}
	return out
}

// pick returns the endpoint of the patients idx.
func (o endpointColumns) pick(idx []int) outcome {
	return outcome{pickAt(o.time, idx), pickAt(o.event, idx)}
}

// pickAt returns the values of the patients idx.
func pickAt(x func(i int) float64, idx []int) []float64 {
	out := make([]float64, len(idx))
	for k, i := range idx {
		out[k] = x(i)
	}
	return out
}

// stepLog prints progress lines with the elapsed time.
type stepLog struct {
	w     io.Writer
	start time.Time
}

func (s *stepLog) step(format string, args ...any) {
	if s.w != nil {
		fmt.Fprintf(s.w, "[%6.2fs] %s\n", time.Since(s.start).Seconds(), fmt.Sprintf(format, args...))
	}
}

const citation = "Winkelmann M, Raj SS, et al. Optimization and validation of the international metabolic prognostic index for CD19 CAR-T in large B-cell lymphoma. Blood Cancer J 2025;15:144. doi:10.1038/s41408-025-01338-1"

// MTVMethodNotRecorded is the mtv_method count key of patients whose
// segmentation is not in the data.
const MTVMethodNotRecorded = "not recorded"

func inclusion(rep *cohort.Report, c *cohort.Cohort) Inclusion {
	inc := Inclusion{Read: rep.Rows, Included: c.Len(), ExcludedOutliers: rep.ExcludedOutliers,
		MTVOutlierThreshold: jsonx.Float(rep.MTVThreshold), ExcludeTopMTV: rep.ExcludeTopMTV, MTVOutlierCohorts: rep.MTVOutlierCohorts, ByCohort: map[string]int{}, MTVMethod: map[string]map[string]int{}}
	for _, x := range rep.Excluded {
		inc.Excluded = append(inc.Excluded, Exclusion{PatientID: x.PatientID, Line: x.Line, Reason: strings.Join(x.Reasons, "; ")})
		if !x.Outlier {
			inc.ExcludedMissing++
		}
	}
	method, cohortOf := c.Text("mtv_method"), c.Text("cohort")
	for i := range c.Len() {
		name := cohortOf(i)
		inc.ByCohort[name]++
		m := method(i)
		if m == "" {
			m = MTVMethodNotRecorded
		}
		if inc.MTVMethod[name] == nil {
			inc.MTVMethod[name] = map[string]int{}
		}
		inc.MTVMethod[name][m]++
	}
	return inc
}

// minDevelopment is the smallest development cohort the study runs on:
// the cutpoint search keeps at least 10% of the patients on each side of
// a cut, and the model has six coefficients.
const (
	minDevelopment       = 20
	minDevelopmentEvents = 10
)

// enoughForDevelopment says, before the cutpoint search, whether the
// development patients with MTV and the endpoint can carry the steps,
// and if not how many there are and what the steps need.
func enoughForDevelopment(mtv []float64, e []bool, opt Options) error {
	events := 0
	for _, v := range e {
		if v {
			events++
		}
	}
	distinct := map[float64]bool{}
	for _, v := range mtv {
		distinct[v] = true
	}
	if len(mtv) >= minDevelopment && events >= minDevelopmentEvents && len(distinct) >= 2 {
		return nil
	}
	return fmt.Errorf("the %s cohort has %d patients with MTV and %s (%d events, %d distinct MTV values); the cutpoint search and the six-term Cox model need at least %d patients, %d events and 2 distinct MTV values",
		opt.Develop, len(mtv), strings.ToUpper(opt.Endpoint), events, len(distinct), minDevelopment, minDevelopmentEvents)
}

// complete keeps the patients with x, time and event present.
func complete(x []float64, o outcome) (xs, ts []float64, es []bool) {
	for i := range x {
		if math.IsNaN(x[i]) || math.IsNaN(o.time[i]) || math.IsNaN(o.event[i]) {
			continue
		}
		xs = append(xs, x[i])
		ts = append(ts, o.time[i])
		es = append(es, o.event[i] == 1)
	}
	return xs, ts, es
}

// indicator is 1 where x >= at, 0 where not, NaN where x is missing.
func indicator(x, at float64) float64 {
	switch {
	case math.IsNaN(x):
		return math.NaN()
	case x >= at:
		return 1
	}
	return 0
}

// above is 1 where x > limit, 0 where not, NaN where either is missing.
func above(x, limit float64) float64 {
	switch {
	case math.IsNaN(x) || math.IsNaN(limit):
		return math.NaN()
	case x > limit:
		return 1
	}
	return 0
}

func slug(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		if r >= 'A' && r <= 'Z' {
			return r + 32
		}
		return '-'
	}, s)
}

// modelTerms are the CAR-IMPI model's columns, in order.
var modelTerms = []string{"mtv", "mtv_above_knot", "age", "stage2", "stage3", "stage4"}

// sample is the development data of the model: the patients with the
// endpoint present.
type sample struct {
	mtv, age, stage, t []float64
	e                  []bool
}

func developmentSample(p *patients, dev []int, o outcome) sample {
	n := len(dev)
	s := sample{mtv: make([]float64, 0, n), age: make([]float64, 0, n), stage: make([]float64, 0, n), t: make([]float64, 0, n), e: make([]bool, 0, n)}
	for k, i := range dev {
		if math.IsNaN(o.time[k]) || math.IsNaN(o.event[k]) {
			continue
		}
		s.mtv, s.age, s.stage = append(s.mtv, p.mtv(i)), append(s.age, p.age(i)), append(s.stage, p.stage(i))
		s.t, s.e = append(s.t, o.time[k]), append(s.e, o.event[k] == 1)
	}
	return s
}

// fitAt fits the Cox model (Efron) of the sample, sorted as fit's
// cox.Sorted, on the linear spline of MTV at knot, age and stage (stage 1
// the reference), with row i counted count[i] times (nil: once;
// cox.Sorted.Fit). A stage without patients has no column: cols[c] is the
// modelTerms index of fitted column c, and absent lists the terms left
// out. x, if not nil, are the sample's design columns to reuse
// (designRows); warm, if not nil, are the starting coefficients in
// modelTerms order.
func (s sample) fitAt(fit *cox.Fitter, knot float64, count []int32, x [][]float64, warm []float64) (m *cox.Model, cols []int, absent []string, err error) {
	x = designRows(x, s, knot)
	var xs [][]float64
	var names []string
	for j, name := range modelTerms {
		if j >= 3 && allZero(x[j], count) {
			absent = append(absent, name)
			continue
		}
		xs = append(xs, x[j])
		names = append(names, name)
		cols = append(cols, j)
	}
	var init []float64
	if warm != nil {
		for _, j := range cols {
			init = append(init, warm[j])
		}
	}
	m, err = fit.Fit(xs, count, &cox.Options{Names: names, Init: init})
	return m, cols, absent, err
}

// coefficients returns the fit's coefficients in modelTerms order; a term
// left out or aliased has coefficient 0.
func coefficients(m *cox.Model, cols []int) []float64 {
	coef := make([]float64, len(modelTerms))
	for c, j := range cols {
		if !math.IsNaN(m.Coef[c]) {
			coef[j] = m.Coef[c]
		}
	}
	return coef
}

// fittedProvenance says what the model was fitted on: the data (simulated
// or not, their SHA-256), the development cohort, n, events, the carimpi
// version and the method. The citation names carimpi's fit, never the
// paper as the source of the coefficients; nothing depends on the clock.
func fittedProvenance(c *cohort.Cohort, rep *cohort.Report, opt Options, fit ModelFit) (scores.Provenance, string) {
	fo := &scores.FittedOn{
		Simulated: c.Simulated(), Data: rep.Source, Cohorts: []string{opt.Develop}, N: fit.N, Events: fit.Events,
		SHA256: opt.DataSHA256, CarimpiVersion: strings.TrimPrefix(opt.Software, "carimpi "),
		Method: fmt.Sprintf("Cox PH (Efron ties) on %s: linear spline of MTV at the maxstat knot (log-rank scores, minprop 0.1, maxprop 0.9), age, Ann Arbor stage; score = uncentered linear predictor; cutoffs = development median and type-7 terciles",
			strings.ToUpper(opt.Endpoint)),
	}
	data := fmt.Sprintf("%s (%s cohort, n = %d, %d events)", rep.Source, opt.Develop, fit.N, fit.Events)
	version := "fitted by carimpi on " + rep.Source
	if fo.Simulated {
		data = "SIMULATED data: " + data
		version += " (SIMULATED data)"
	}
	return scores.Provenance{Source: scores.SourceFitted, FittedOn: fo, Citation: scores.FittedCitation(data)}, version
}

// fitModel fits the CAR-IMPI model on the development sample and returns
// it as a scores model with the fit's numbers for the report.
func fitModel(s sample, knot float64, opt Options) (*scores.CoxModel, ModelFit, error) {
	fit := ModelFit{Terms: modelTerms, Knot: knot}
	srt, err := cox.NewSorted(s.t, s.e)
	if err != nil {
		return nil, fit, fmt.Errorf("fitting the CAR-IMPI model: %w", err)
	}
	m, cols, absent, err := s.fitAt(srt.Fitter(), knot, nil, nil, nil)
	if err != nil {
		return nil, fit, fmt.Errorf("fitting the CAR-IMPI model: %w", err)
	}
	for _, name := range absent {
		fit.Warnings = append(fit.Warnings, fmt.Sprintf("%s: no development patient has this stage; its coefficient is 0", name))
	}
	fit.Warnings = append(fit.Warnings, m.Warnings...)
	k := len(modelTerms)
	fit.Coef = coefficients(m, cols)
	fit.SE, fit.HR, fit.P = nanSlice(k), make(jsonx.Floats, k), nanSlice(k)
	fit.Var = make([]jsonx.Floats, k)
	for j := range modelTerms {
		fit.HR[j] = math.Exp(fit.Coef[j])
		fit.Var[j] = nanSlice(k)
	}
	for c, j := range cols {
		fit.SE[j], fit.P[j] = m.SE[c], m.P[c]
		for d, l := range cols {
			fit.Var[j][l] = m.Var[c][d]
		}
	}
	fit.N, fit.Events = m.N, m.Events
	model := scores.CARIMPI()
	model.Knot = knot
	model.Coef = &scores.Coefficients{MTV: fit.Coef[0], MTVAboveKnot: fit.Coef[1], Age: fit.Coef[2],
		Stage2: fit.Coef[3], Stage3: fit.Coef[4], Stage4: fit.Coef[5]}
	fit.Formula = fmt.Sprintf("CAR-IMPI = %.6g·MTV %+.6g·max(MTV − %s, 0) %+.6g·age %+.6g·[stage 2] %+.6g·[stage 3] %+.6g·[stage 4]",
		fit.Coef[0], fit.Coef[1], cohort.FormatMTV(knot), fit.Coef[2], fit.Coef[3], fit.Coef[4], fit.Coef[5])
	return model, fit, nil
}

// allZero reports whether x is 0 in every row counted (count nil: every
// row; else those with count[i] > 0).
func allZero(x []float64, count []int32) bool {
	for i, v := range x {
		if v != 0 && (count == nil || count[i] > 0) {
			return false
		}
	}
	return true
}

// addBaselines stores the baseline survival of PFS and OS at the
// development mean score, S0(t) with S(t | x) = S0(t)^exp(lp - Centre):
// the score enters each endpoint's Cox model with coefficient fixed at 1
// (an offset), so the estimates follow the fitted index.
func addBaselines(m *scores.CoxModel, p *patients, dev []int) error {
	sc := pick(p.score, dev)
	centre := stattest.Describe(sc).Mean
	m.Centre = centre
	m.Baseline = nil
	for _, ep := range []string{"pfs", "os"} {
		o := p.endpoint(ep).pick(dev)
		x, t, e := complete(sc, o)
		if len(t) == 0 {
			continue
		}
		fit, err := cox.Fit(t, e, [][]float64{x}, &cox.Options{Init: []float64{1}, MaxIter: -1}, nil)
		if err != nil {
			return err
		}
		curves := fit.Survfit([]float64{centre})
		if len(curves) == 0 {
			return errors.New("no baseline curve")
		}
		c := curves[0]
		m.Baseline = append(m.Baseline, scores.BaselineSurvival{Endpoint: ep, Times: c.Time, Survival: c.Surv})
	}
	return nil
}

// addScan draws the cutpoint scan (Fig S2B).
func (out *Output) addScan(ms *maxstat.Result) {
	out.plan("cutpoint-scan", "Maximally selected log-rank statistic of MTV (Fig S2B)", func() *render.Drawing {
		return render.LinePlot{Title: "Standardized log-rank statistic by MTV cutpoint", XLabel: "MTV cutpoint (mL)", YLabel: "Standardized statistic",
			Series:  []render.Series{{Name: "statistic", X: ms.Cuts, Y: ms.Stats}},
			Markers: []render.Marker{{X: ms.Cutpoint, Label: fmt.Sprintf("%.4g mL", ms.Cutpoint)}}}.Drawing()
	})
}

// addRCS fits the development endpoint on a 4-knot restricted cubic spline
// of MTV and draws its log hazard ratio against MTV = 0 (Fig S2A).
func (out *Output) addRCS(mtv []float64, o outcome, endpoint string, res *Results) {
	x, t, e := complete(mtv, o)
	knots, err := spline.RCSKnots(x, 4)
	if err != nil {
		res.Notes = append(res.Notes, "Restricted cubic spline not drawn: "+err.Error())
		return
	}
	cols := make([][]float64, len(knots)-1)
	var buf []float64
	for _, v := range x {
		buf = spline.RCS(buf[:0], v, knots)
		for j := range cols {
			cols[j] = append(cols[j], buf[j])
		}
	}
	m, err := cox.Fit(t, e, cols, nil, nil)
	if err != nil || m.Rank < len(cols) {
		res.Notes = append(res.Notes, fmt.Sprintf("Restricted cubic spline not drawn: the fit failed (%v)", err))
		return
	}
	grid := gridTo(stattest.Quantile(x, 0.95), 80)
	basis := func(dst []float64, v float64) []float64 { return spline.RCS(dst, v, knots) }
	curve := spline.LogHRCurve(basis, m.Coef, m.Var, grid, 0)
	zero := 0.0
	out.plan("mtv-rcs", "Restricted cubic spline of MTV (Fig S2A)", func() *render.Drawing {
		return render.LinePlot{Title: fmt.Sprintf("log HR of %s by MTV, restricted cubic spline (4 knots)", strings.ToUpper(endpoint)),
			XLabel: "MTV (mL)", YLabel: "log hazard ratio vs MTV = 0",
			Series: []render.Series{{Name: "rcs", X: curve.X, Y: curve.LogHR, Lower: curve.Lower, Upper: curve.Upper}},
			HLine:  &zero, Note: fmt.Sprintf("Knots at %s mL (Harrell's default quantiles); band: pointwise 95%% CI; grid to the 95th percentile of MTV.", joinFloats(knots))}.Drawing()
	})
}

// addModelFigure draws the fitted linear spline of MTV (Fig 1).
func (out *Output) addModelFigure(p *patients, dev []int, o outcome, knot float64) {
	m := out.Model
	coef := []float64{m.Coef.MTV, m.Coef.MTVAboveKnot}
	x, _, _ := complete(pickAt(p.mtv, dev), o)
	grid := gridTo(stattest.Quantile(x, 0.95), 80)
	v := out.Results.Model.Var
	cov := [][]float64{{v[0][0], v[0][1]}, {v[1][0], v[1][1]}}
	basis := func(dst []float64, v float64) []float64 { return spline.LSP(dst, v, []float64{knot}) }
	curve := spline.LogHRCurve(basis, coef, cov, grid, 0)
	zero := 0.0
	out.plan("mtv-linear-spline", "Linear spline of MTV in the CAR-IMPI model (Fig 1)", func() *render.Drawing {
		return render.LinePlot{Title: "log HR by MTV: linear spline with one knot", XLabel: "MTV (mL)", YLabel: "log hazard ratio vs MTV = 0",
			Series:  []render.Series{{Name: "CAR-IMPI", X: curve.X, Y: curve.LogHR, Lower: curve.Lower, Upper: curve.Upper}},
			Markers: []render.Marker{{X: knot, Label: fmt.Sprintf("knot %.4g mL", knot)}}, HLine: &zero,
			Note: fmt.Sprintf("Slope below the knot %.3g, above %.3g per 100 mL (log HR); band: pointwise 95%% CI.", 100*coef[0], 100*(coef[0]+coef[1]))}.Drawing()
	})
}

func gridTo(hi float64, n int) []float64 {
	g := make([]float64, n+1)
	for i := range g {
		g[i] = hi * float64(i) / float64(n)
	}
	return g
}

func joinFloats(x []float64) string {
	s := make([]string, len(x))
	for i, v := range x {
		s[i] = render.Num(v)
	}
	return strings.Join(s, ", ")
}
