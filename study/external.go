package study

import (
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"carimpi/cohort"
	"carimpi/internal/jsonx"
	"carimpi/render"
	"carimpi/scores"
	"carimpi/survival"
	"carimpi/survival/validation"
)

// ExternalOptions configure Validate. The zero value validates on every
// patient, for PFS, at 6, 12 and 24 months, without bootstrap or
// recalibration.
type ExternalOptions struct {
	// Endpoint of the prediction measures: "pfs" (default) or "os".
	// Survival by risk group is reported for both.
	Endpoint string
	// Times are the horizons in months; nil means 6, 12 and 24.
	Times []float64
	// Cohort, when set, keeps only the patients whose cohort column holds
	// it.
	Cohort string
	// Bootstrap is the number of resamples for percentile intervals of the
	// measures without an analytic one (IPA, ICI); 0 skips them.
	Bootstrap int
	Seed      uint64
	// Recalibrate is "" (none), "baseline" (re-estimate the baseline
	// survival) or "slope" (also multiply the coefficients and cutoffs by
	// the calibration slope).
	Recalibrate string
	// Software names the program version; ModelFile the model's file, for
	// the provenance.
	Software, ModelFile string
	// Progress receives one line per step; nil is quiet.
	Progress io.Writer
	// Bands draws pointwise 95% bands on the Kaplan-Meier figures.
	Bands bool
	// DataSHA256 is the SHA-256 of the data file's bytes, recorded in a
	// recalibrated model's fitted_on.
	DataSHA256 string
}

// External is the external validation of a frozen model on a cohort.
type External struct {
	Results *ExternalResults
	// Recalibrated is the updated model written as
	// model-recalibrated.json, nil without recalibration.
	Recalibrated *scores.CoxModel
	Figures      []Figure
	Tables       []Table
	Sections     []Section
}

// ExternalResults holds the numbers of an external validation under the
// stable keys of its results.json (documented in README.md).
type ExternalResults struct {
	Notice     string             `json:"notice"`
	Simulated  bool               `json:"simulated"`
	Provenance ExternalProvenance `json:"provenance"`
	Model      ModelInfo          `json:"model"`
	Inclusion  Inclusion          `json:"inclusion"`
	Cohort     string             `json:"cohort"`
	// N is the number of included patients in the cohort analysed.
	N int `json:"n"`
	// KM is keyed by grouping (median, terciles), then endpoint (pfs, os);
	// SurvAt holds each group's S(t) at the horizons, keyed the same way.
	KM             map[string]map[string]*GroupSurvival `json:"km"`
	SurvAt         map[string]map[string]*SurvAtTimes   `json:"surv_at"`
	Discrimination *Discrimination                      `json:"discrimination"`
	Prediction     *Prediction                          `json:"prediction"`
	Bootstrap      *ExternalBootstrap                   `json:"bootstrap"`
	Recalibration  *Recalibration                       `json:"recalibration"`
	Notes          []string                             `json:"notes"`
	Seed           uint64                               `json:"seed"`
}

// ExternalProvenance records what produced an external validation.
type ExternalProvenance struct {
	Software  string `json:"software"`
	Data      string `json:"data"`
	ModelFile string `json:"model_file"`
	Endpoint  string `json:"endpoint"`
}

// ModelInfo is the frozen model as applied.
type ModelInfo struct {
	ID         string              `json:"id"`
	Name       string              `json:"name"`
	Version    string              `json:"version"`
	Provenance scores.Provenance   `json:"provenance"`
	Knot       float64             `json:"knot"`
	Coef       scores.Coefficients `json:"coefficients"`
	Median     jsonx.Float         `json:"cutoff_median"`
	Terciles   jsonx.Floats        `json:"cutoff_terciles"`
	Centre     float64             `json:"centre"`
	// Baseline lists the endpoints with a baseline survival.
	Baseline []string `json:"baseline_survival"`
}

// SurvAtTimes is each group's Kaplan-Meier S(t) with 95% limits at the
// horizons: Surv[g][k] is group g at Times[k], NaN past its follow-up.
type SurvAtTimes struct {
	Times []float64      `json:"times"`
	Surv  []jsonx.Floats `json:"surv"`
	Lower []jsonx.Floats `json:"lower"`
	Upper []jsonx.Floats `json:"upper"`
}

// ExternalBootstrap holds bootstrap percentile 95% intervals, per
// horizon, of IPA and of the ICI.
type ExternalBootstrap struct {
	B        int          `json:"b"`
	Seed     uint64       `json:"seed"`
	Failed   int          `json:"failed"`
	IPALower jsonx.Floats `json:"ipa_lower"`
	IPAUpper jsonx.Floats `json:"ipa_upper"`
	ICILower jsonx.Floats `json:"ici_lower"`
	ICIUpper jsonx.Floats `json:"ici_upper"`
}

// Recalibration says how the model was updated.
type Recalibration struct {
	Method string      `json:"method"`
	File   string      `json:"file"`
	Slope  jsonx.Float `json:"slope"`
	N      int         `json:"n"`
	Events int         `json:"events"`
	Note   string      `json:"note"`
}

// RecalibratedFile is the name of the updated model file in the report.
const RecalibratedFile = "model-recalibrated.json"

// Validate applies a frozen model (coefficients, knot, cutoffs and, when
// it has one, baseline survival) to a cohort and reports what the study
// reports for its validation cohort, with the same code: survival by the
// frozen risk groups (Kaplan-Meier, log-rank, HR vs low, S(t)),
// discrimination (Harrell's and Uno's C, the latter truncated at the last
// horizon, with IMPI and the IPI for comparison) and the prediction
// measures of package validation. c holds the included patients and rep
// the loader's report.
func Validate(c *cohort.Cohort, rep *cohort.Report, m *scores.CoxModel, opt ExternalOptions) (*External, error) {
	if m == nil || m.Coef == nil {
		return nil, errors.New("the model has no coefficients: give a model file with all six (carimpi help models)")
	}
	if opt.Endpoint == "" {
		opt.Endpoint = "pfs"
	}
	if opt.Endpoint != "pfs" && opt.Endpoint != "os" {
		return nil, fmt.Errorf("endpoint %q: use pfs or os", opt.Endpoint)
	}
	if opt.Times == nil {
		opt.Times = []float64{6, 12, 24}
	}
	for i, t := range opt.Times {
		if !(t > 0) || math.IsInf(t, 0) || (i > 0 && t <= opt.Times[i-1]) {
			return nil, fmt.Errorf("times %v: give increasing times > 0 (months)", opt.Times)
		}
	}
	switch opt.Recalibrate {
	case "", "baseline", "slope":
	default:
		return nil, fmt.Errorf("recalibrate %q: use baseline or slope", opt.Recalibrate)
	}
	log := &stepLog{w: opt.Progress, start: time.Now()}
	p := newPatients(c, scores.NewScorer())
	idx := make([]int, p.n)
	for i := range idx {
		idx[i] = i
	}
	name := "external"
	if opt.Cohort != "" {
		idx = p.subset(opt.Cohort)
		if len(idx) == 0 {
			return nil, fmt.Errorf("no patient in cohort %q; the cohort column holds: %s (use --cohort)", opt.Cohort, strings.Join(c.Names(), ", "))
		}
		name = opt.Cohort
	}
	p.score = make([]float64, p.n)
	for i := range p.score {
		p.score[i], _ = m.LP(p.mtv(i), p.age(i), p.stage(i))
	}
	out := &Output{bands: opt.Bands, Model: m}
	res := &ExternalResults{Notice: Notice, Simulated: c.Simulated(), Seed: opt.Seed, Cohort: name,
		Provenance: ExternalProvenance{Software: opt.Software, Data: rep.Source, ModelFile: opt.ModelFile, Endpoint: opt.Endpoint},
		Model:      modelInfo(m), Inclusion: inclusion(rep, c),
		KM: map[string]map[string]*GroupSurvival{}, SurvAt: map[string]map[string]*SurvAtTimes{}}
	if c.Simulated() {
		res.Notes = append(res.Notes, "Simulated data — not patient data.")
	}
	res.Notes = append(res.Notes, provenanceNotes(m)...)
	res.N = len(idx)
	log.step("%d patients in cohort %s", len(idx), name)

	// Survival by the frozen risk groups.
	for _, g := range []struct {
		name   string
		ok     bool
		of     func(float64) int
		labels []string
	}{
		{"median", !math.IsNaN(m.Cutoffs.Median), func(s float64) int { return medianGroup(s, m.Cutoffs.Median) }, []string{"low", "high"}},
		{"terciles", !math.IsNaN(m.Cutoffs.Terciles[0]), func(s float64) int { return tercileGroup(s, m.Cutoffs.Terciles) }, []string{"low", "intermediate", "high"}},
	} {
		if !g.ok {
			res.Notes = append(res.Notes, fmt.Sprintf("The model has no %s cutoffs: no %s groups.", g.name, g.name))
			continue
		}
		res.KM[g.name], res.SurvAt[g.name] = map[string]*GroupSurvival{}, map[string]*SurvAtTimes{}
		groups := make([]int, len(idx))
		for k, i := range idx {
			groups[k] = g.of(p.score[i])
		}
		for _, ep := range []string{"pfs", "os"} {
			gs, curves, err := groupComparison(p.endpoint(ep).pick(idx), groups, g.labels)
			if err != nil {
				res.Notes = append(res.Notes, fmt.Sprintf("%s groups, %s: %v", g.name, strings.ToUpper(ep), err))
				continue
			}
			res.KM[g.name][ep] = gs
			res.SurvAt[g.name][ep] = survAt(gs, curves, opt.Times)
			out.addKM(fmt.Sprintf("km-%s-%s", g.name, ep), fmt.Sprintf("%s by %s %s group, %s cohort", strings.ToUpper(ep), m.Name, g.name, name), ep, gs, curves)
		}
	}
	log.step("survival by risk group")

	tau := opt.Times[len(opt.Times)-1]
	res.Discrimination = discrimination(p, idx, opt.Endpoint, m.Name, tau)
	horizon := opt.Times[0]
	if slices.Contains(opt.Times, 12) {
		horizon = 12
	}
	pr, notes := out.prediction(p, idx, m, name, opt.Endpoint, opt.Times, horizon)
	res.Prediction = pr
	res.Notes = append(res.Notes, notes...)
	log.step("discrimination and calibration")

	if opt.Bootstrap > 0 && pr != nil && pr.Brier != nil {
		res.Bootstrap = bootstrapIntervals(p, idx, m, opt)
		log.step("bootstrap: B = %d, seed %d", opt.Bootstrap, opt.Seed)
	}
	ext := &External{Results: res}
	if opt.Recalibrate != "" {
		data := rep.Source
		if c.Simulated() {
			data += " (simulated data — not patient data)"
		}
		rm, rc, err := recalibrate(p, idx, m, pr, name, data, c.Simulated(), opt)
		if err != nil {
			return nil, fmt.Errorf("recalibration: %w", err)
		}
		ext.Recalibrated, res.Recalibration = rm, rc
		log.step("recalibrated (%s)", opt.Recalibrate)
	}
	out.drawFigures()
	ext.Figures = out.Figures
	ext.Tables = externalTables(res)
	ext.Sections = externalSections(out, res, opt)
	return ext, nil
}

func modelInfo(m *scores.CoxModel) ModelInfo {
	mi := ModelInfo{ID: m.ID, Name: m.Name, Version: m.Version, Provenance: m.Provenance, Knot: m.Knot, Coef: *m.Coef,
		Median: jsonx.Float(m.Cutoffs.Median), Terciles: jsonx.Floats{m.Cutoffs.Terciles[0], m.Cutoffs.Terciles[1]}, Centre: m.Centre, Baseline: []string{}}
	for _, b := range m.Baseline {
		mi.Baseline = append(mi.Baseline, b.Endpoint)
	}
	return mi
}

// provenanceNotes says where the model comes from.
func provenanceNotes(m *scores.CoxModel) []string {
	notes := []string{fmt.Sprintf("Model: %s, version %s; %s.", m.Name, m.Version, m.Provenance.Describe())}
	if m.Provenance.Simulated() {
		notes = append(notes, "The model was fitted on SIMULATED data: not for patients.")
	}
	if len(m.Baseline) == 0 {
		notes = append(notes, "The model carries no baseline survival: only the measures that need none are reported (C-index, risk groups, calibration slope, AUC from the linear predictor).")
	}
	return notes
}

// survAt reads each group's Kaplan-Meier curve at the horizons.
func survAt(gs *GroupSurvival, curves []render.KMGroup, times []float64) *SurvAtTimes {
	sa := &SurvAtTimes{Times: times}
	for j := range gs.Groups {
		s, lo, hi := nanSlice(len(times)), nanSlice(len(times)), nanSlice(len(times))
		for _, c := range curves {
			if c.Name != gs.Groups[j] || len(c.Time) == 0 {
				continue
			}
			for k, t := range times {
				if t > c.Time[len(c.Time)-1] {
					continue
				}
				s[k], lo[k], hi[k] = survival.StepAt(c.Time, c.Surv, t, 1), survival.StepAt(c.Time, c.Lower, t, 1), survival.StepAt(c.Time, c.Upper, t, 1)
			}
		}
		sa.Surv, sa.Lower, sa.Upper = append(sa.Surv, s), append(sa.Lower, lo), append(sa.Upper, hi)
	}
	return sa
}

// bootstrapIntervals resamples the cohort for percentile intervals of IPA
// and ICI at each horizon.
func bootstrapIntervals(p *patients, idx []int, m *scores.CoxModel, opt ExternalOptions) *ExternalBootstrap {
	in := predictionData(p, idx, opt.Endpoint)
	risks := make([][]float64, len(opt.Times))
	for k, h := range opt.Times {
		risks[k] = riskAt(m, opt.Endpoint, in.lp, h)
	}
	n := len(in.t)
	lo, hi, failed, err := validation.Percentile(n, opt.Bootstrap, opt.Seed, func() func(rows []int32) ([]float64, error) {
		// each parallel worker has its own resample
		t, e, r := make([]float64, n), make([]bool, n), make([]float64, n)
		return func(rows []int32) ([]float64, error) {
			v := make([]float64, 0, 2*len(opt.Times))
			for k, h := range opt.Times {
				for j, i := range rows {
					t[j], e[j], r[j] = in.t[i], in.e[i], risks[k][i]
				}
				v = append(v, validation.Brier(t, e, r, h).IPA)
				sm, err := validation.Smooth(t, e, r, h)
				if err != nil {
					sm.ICI = math.NaN()
				}
				v = append(v, sm.ICI)
			}
			return v, nil
		}
	})
	b := &ExternalBootstrap{B: opt.Bootstrap, Seed: opt.Seed, Failed: failed}
	for k := range opt.Times {
		if err != nil {
			b.IPALower, b.IPAUpper = append(b.IPALower, math.NaN()), append(b.IPAUpper, math.NaN())
			b.ICILower, b.ICIUpper = append(b.ICILower, math.NaN()), append(b.ICIUpper, math.NaN())
			continue
		}
		b.IPALower, b.IPAUpper = append(b.IPALower, lo[2*k]), append(b.IPAUpper, hi[2*k])
		b.ICILower, b.ICIUpper = append(b.ICILower, lo[2*k+1]), append(b.ICIUpper, hi[2*k+1])
	}
	return b
}

// recalibrate updates the model on the cohort: "baseline" re-estimates the
// baseline survival of PFS and OS with the linear predictor as an offset
// (centred at the cohort's mean linear predictor), as the study estimates
// it on its development cohort; "slope" first multiplies the coefficients
// and the cutoffs by the calibration slope (so the same patients stay in
// the same groups).
func recalibrate(p *patients, idx []int, m *scores.CoxModel, pr *Prediction, cohortName, data string, simulated bool, opt ExternalOptions) (*scores.CoxModel, *Recalibration, error) {
	rm := *m
	coef := *m.Coef
	rm.Coef = &coef
	rm.Info.Notes = append([]string(nil), m.Info.Notes...)
	rc := &Recalibration{Method: opt.Recalibrate, File: RecalibratedFile, Slope: jsonx.Float(math.NaN())}
	saved := p.score
	defer func() { p.score = saved }()
	if opt.Recalibrate == "slope" {
		if pr == nil || pr.Slope == nil {
			return nil, nil, errors.New("no calibration slope could be estimated on this cohort")
		}
		b := float64(pr.Slope.Slope)
		rc.Slope = jsonx.Float(b)
		c := rm.Coef
		for _, v := range []*float64{&c.MTV, &c.MTVAboveKnot, &c.Age, &c.Stage2, &c.Stage3, &c.Stage4} {
			*v *= b
		}
		rm.Cutoffs = scores.Cutoffs{Median: b * m.Cutoffs.Median, Terciles: [2]float64{b * m.Cutoffs.Terciles[0], b * m.Cutoffs.Terciles[1]}}
		p.score = make([]float64, len(saved))
		for i, s := range saved {
			p.score[i] = b * s
		}
	}
	if err := addBaselines(&rm, p, idx); err != nil {
		return nil, nil, err
	}
	in := predictionData(p, idx, opt.Endpoint)
	rc.N = len(in.t)
	for _, e := range in.e {
		if e {
			rc.Events++
		}
	}
	what := "baseline survival (PFS and OS) re-estimated with the linear predictor as an offset"
	if opt.Recalibrate == "slope" {
		what = fmt.Sprintf("coefficients and cutoffs multiplied by the calibration slope %.6g, then the %s", float64(rc.Slope), what)
	}
	// No date is stamped, so that the same model and data give the same
	// file byte for byte; the data's SHA-256 in fitted_on identifies the fit.
	rc.Note = fmt.Sprintf("Recalibrated by carimpi validate-model --recalibrate %s on %s (cohort %s, n = %d, %d %s events): %s. Original model: %s, version %s, fitted on %s.",
		opt.Recalibrate, data, cohortName, rc.N, rc.Events, strings.ToUpper(opt.Endpoint), what, m.Name, m.Version, m.Provenance.Describe())
	rm.Version = m.Version + " recalibrated (" + opt.Recalibrate + ")"
	// The recalibrated numbers are carimpi's fit on this cohort; the
	// original model's simulated flag carries over.
	fo := &scores.FittedOn{Simulated: simulated || m.Provenance.Simulated(), Data: data, Cohorts: []string{cohortName}, N: rc.N, Events: rc.Events, SHA256: opt.DataSHA256,
		CarimpiVersion: strings.TrimPrefix(opt.Software, "carimpi "), Method: "recalibration (" + opt.Recalibrate + ") of " + m.Name + " version " + m.Version + ": " + what}
	rm.Provenance = scores.Provenance{Source: scores.SourceFitted, FittedOn: fo, Citation: scores.FittedCitation(data + ", recalibrating " + m.Name + " " + m.Version)}
	rm.Info.Notes = append([]string{rc.Note}, rm.Info.Notes...)
	return &rm, rc, nil
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// externalTables are the report's CSV tables: the measures per horizon
// and the survival by group.
func externalTables(res *ExternalResults) []Table {
	var tabs []Table
	if pr := res.Prediction; pr != nil {
		t := Table{Name: "measures", Title: "Prediction measures per horizon",
			Header: []string{"months", "auc", "auc_se", "auc_lower", "auc_upper", "brier", "brier_se", "brier_null", "ipa", "observed_risk", "expected_risk", "oe_ratio", "oe_lower", "oe_upper", "ici", "e50", "e90"}}
		for k, h := range pr.AUCTimes {
			row := []string{fmt.Sprintf("%g", h)}
			for _, x := range []jsonx.Floats{pr.AUC, pr.AUCSE, pr.AUCLower, pr.AUCUpper, pr.Brier, pr.BrierSE, pr.BrierNull, pr.IPA, pr.Observed, pr.Expected, pr.OE, pr.OELower, pr.OEUpper, pr.ICI, pr.E50, pr.E90} {
				row = append(row, csvNumber(x[k]))
			}
			t.Rows = append(t.Rows, row)
		}
		tabs = append(tabs, t)
	}
	t := Table{Name: "risk-groups", Title: "Survival by frozen risk group", Header: append([]string{"grouping", "endpoint"}, groupHeader...)}
	for _, g := range []string{"median", "terciles"} {
		for _, ep := range []string{"pfs", "os"} {
			if gs := res.KM[g][ep]; gs != nil {
				for _, r := range groupRows(gs) {
					t.Rows = append(t.Rows, append([]string{g, ep}, r...))
				}
			}
		}
	}
	return append(tabs, t)
}

// csvNumber writes a number for a CSV table, NA when undefined.
func csvNumber(v float64) string {
	if math.IsNaN(v) {
		return "NA"
	}
	return fmt.Sprintf("%.10g", v)
}

// externalSections assembles the report.
func externalSections(out *Output, res *ExternalResults, opt ExternalOptions) []Section {
	var sections []Section
	add := func(id, title string, b *htmlBuf) { sections = append(sections, Section{id, title, b.String()}) }
	m := res.Model

	var b htmlBuf
	b.p("%s version %s, applied frozen: lp = %g·MTV %+g·max(MTV − %g, 0) %+g·age %+g·[stage 2] %+g·[stage 3] %+g·[stage 4].",
		m.Name, m.Version, m.Coef.MTV, m.Coef.MTVAboveKnot, m.Knot, m.Coef.Age, m.Coef.Stage2, m.Coef.Stage3, m.Coef.Stage4)
	b.table([]string{"Provenance", ""}, [][]string{{"Citation", m.Provenance.Citation}, {"Provenance", m.Provenance.Describe()}, {"Date", m.Provenance.Date},
		{"Model file", res.Provenance.ModelFile},
		{"Cutoffs", fmt.Sprintf("median %s; terciles %s, %s", sig3(float64(m.Median)), sig3(m.Terciles[0]), sig3(m.Terciles[1]))},
		{"Baseline survival", strings.Join(m.Baseline, ", ")}}, "The frozen model")
	add("model", "Model", &b)

	b = htmlBuf{}
	inc := res.Inclusion
	b.p("%d rows read; %d patients included; %d excluded (%d for missing or invalid required data, %d as MTV outliers); %d in the cohort analysed (%s).",
		inc.Read, inc.Included, len(inc.Excluded), inc.ExcludedMissing, inc.ExcludedOutliers, res.N, res.Cohort)
	if len(inc.Excluded) > 0 {
		var ex [][]string
		for _, x := range inc.Excluded {
			ex = append(ex, []string{x.PatientID, fmt.Sprint(x.Line), x.Reason})
		}
		b.table([]string{"Patient", "Line", "Reason"}, ex, "Excluded rows")
	}
	add("flow", "Cohort flow", &b)

	b = htmlBuf{}
	for _, g := range []string{"median", "terciles"} {
		for _, ep := range []string{"pfs", "os"} {
			gs := res.KM[g][ep]
			if gs == nil {
				continue
			}
			b.WriteString(fmt.Sprintf("<h3>%s by %s group</h3>\n", strings.ToUpper(ep), g))
			out.groupBlock(&b, fmt.Sprintf("km-%s-%s", g, ep), gs, fmt.Sprintf("%s cohort, %s, frozen %s groups", res.Cohort, strings.ToUpper(ep), g))
			if sa := res.SurvAt[g][ep]; sa != nil {
				var rows [][]string
				for j, name := range gs.Groups {
					row := []string{name}
					for k := range sa.Times {
						row = append(row, fmt.Sprintf("%s (%s–%s)", render.Percent(sa.Surv[j][k]), render.Percent(sa.Lower[j][k]), render.Percent(sa.Upper[j][k])))
					}
					rows = append(rows, row)
				}
				head := []string{"Group"}
				for _, t := range sa.Times {
					head = append(head, fmt.Sprintf("S(%g) (95%% CI)", t))
				}
				b.table(head, rows, "Kaplan-Meier survival at the horizons (months)")
			}
		}
	}
	add("survival", "Survival by frozen risk group", &b)

	b = htmlBuf{}
	if d := res.Discrimination; d != nil && len(d.Index) > 0 {
		var rows [][]string
		for j, ix := range d.Index {
			rows = append(rows, []string{ix, fmt.Sprint(d.N[j]), cIndex(d.HarrellC[j], d.HarrellLower[j], d.HarrellUpper[j]), cIndex(d.UnoC[j], d.UnoLower[j], d.UnoUpper[j])})
		}
		b.table([]string{"Index", "n", "Harrell's C (95% CI)", fmt.Sprintf("Uno's C, tau = %g months (95%% CI)", d.UnoTau)}, rows, fmt.Sprintf("Discrimination for %s", strings.ToUpper(d.Endpoint)))
	}
	if pr := res.Prediction; pr != nil {
		out.predictionBlock(&b, pr, res.Cohort, m.Name)
	}
	if bs := res.Bootstrap; bs != nil {
		var rows [][]string
		for k, t := range opt.Times {
			rows = append(rows, []string{fmt.Sprintf("%g", t), fmt.Sprintf("%s–%s", sig3(bs.IPALower[k]), sig3(bs.IPAUpper[k])), fmt.Sprintf("%s–%s", sig3(bs.ICILower[k]), sig3(bs.ICIUpper[k]))})
		}
		b.table([]string{"Months", "IPA 95% interval", "ICI 95% interval"}, rows, fmt.Sprintf("Bootstrap percentile intervals (B = %d, seed %d, %d failed)", bs.B, bs.Seed, bs.Failed))
	}
	add("performance", "Discrimination, calibration and clinical usefulness", &b)

	if rc := res.Recalibration; rc != nil {
		b = htmlBuf{}
		b.p("%s", rc.Note)
		b.p("Written as %s next to this report; the input model file is unchanged.", rc.File)
		add("recalibration", "Recalibration", &b)
	}

	b = htmlBuf{}
	for _, n := range res.Notes {
		b.note(n)
	}
	add("notes", "Notes", &b)
	return sections
}

// WriteDir writes the report into dir: index.html, results.json,
// model-recalibrated.json (with --recalibrate) and figures/*.svg. It
// returns the paths written, in order.
func (x *External) WriteDir(dir string) ([]string, error) {
	var models []namedModel
	if x.Recalibrated != nil {
		models = append(models, namedModel{RecalibratedFile, x.Recalibrated})
	}
	return writeDir(dir, x.WriteHTML, x.Results, models, x.Tables, x.Figures)
}

// WriteHTML writes the self-contained report page.
func (x *External) WriteHTML(w io.Writer) error {
	r := x.Results
	meta := fmt.Sprintf("Data: %s (cohort %s). Model: %s %s (%s). Endpoint of the measures: %s. Software: %s. Seed: %d.",
		r.Provenance.Data, r.Cohort, r.Model.Name, r.Model.Version, nonEmpty(r.Provenance.ModelFile, "model"), strings.ToUpper(r.Provenance.Endpoint), r.Provenance.Software, r.Seed)
	return writePage(w, r.Model.Name+" external validation report", "External validation of "+r.Model.Name, r.Notice, r.Simulated, meta, x.Sections)
}

func sig3(v float64) string { return render.Sig(v, 3) }
