package scores

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"

	"carimpi/internal/jsonx"
	"carimpi/internal/outfile"
	"carimpi/record"
)

// Coefficients are the log hazard ratios of an IMPI-type Cox model, in R's
// rms::lsp form: MTV is the slope below the knot and MTVAboveKnot the
// change of slope above it (so the slope above the knot is their sum).
// Stage 1 is the reference.
type Coefficients struct {
	MTV          float64 `json:"mtv"`
	MTVAboveKnot float64 `json:"mtv_above_knot"`
	Age          float64 `json:"age"`
	Stage2       float64 `json:"stage2"`
	Stage3       float64 `json:"stage3"`
	Stage4       float64 `json:"stage4"`
}

// Cutoffs are the frozen risk group boundaries of a score: the median
// split (low < median <= high) and the terciles (low < T1 <= intermediate <
// T2 <= high). NaN means the scheme is not defined.
type Cutoffs struct {
	Median   float64
	Terciles [2]float64
}

// BaselineSurvival is S0(t) of one endpoint ("pfs" or "os") at the times
// given, for individualized estimates S(t) = S0(t)^exp(lp - Centre).
type BaselineSurvival struct {
	Endpoint string    `json:"endpoint"`
	Times    []float64 `json:"times"`
	Survival []float64 `json:"survival"`
}

// CoxModel is an IMPI-type index: the linear predictor of a Cox model with
// a linear spline of MTV at Knot, age and Ann Arbor stage,
//
//	lp = b_mtv MTV + b_knot max(MTV - Knot, 0) + b_age age + b_stage[stage]
//
// uncentered (R: sum of coef × value, predict(type = "lp") + sum(coef ×
// means)). IMPI (Mikhaeel 2022) and CAR-IMPI (Winkelmann 2025) are
// CoxModels; a model fitted by "carimpi study" is one too. Coef is nil when
// the coefficients are not known (the built-in CAR-IMPI): such a model
// cannot score and says so.
//
// Baseline survival, when known, gives individualized estimates
//
//	S(t | x) = S0(t)^exp(lp - Centre)
//
// where S0 is the baseline survival at linear predictor Centre (R:
// survfit(fit) at the covariate means has Centre = sum(coef × fit$means);
// basehaz(fit, centered = FALSE) has Centre = 0).
type CoxModel struct {
	Info
	Knot       float64
	Coef       *Coefficients
	Cutoffs    Cutoffs
	Centre     float64
	Baseline   []BaselineSurvival
	Provenance Provenance
}

// IDs of the built-in models.
const (
	IDIMPI         = "impi"
	IDCARIMPI      = "car-impi"
	IDHematotox    = "car-hematotox"
	IDInflaMix     = "inflamix"
	IDIPI          = "ipi"
	IDRIPI         = "r-ipi"
	IDNCCNIPI      = "nccn-ipi"
	IDEASIX        = "easix"
	IDMEASIX       = "m-easix"
	IDCombinedHT   = "combined-hematotox"
	IDCombinedInfl = "combined-inflamix"
)

func coxInputs() []Input {
	return append(inputs(true, record.MTV, "linear spline at the knot (rms::lsp form); from the last PET before lymphodepletion (after bridging)", record.Age, "linear, per year", record.Stage, "factor, stage 1 reference"),
		inputs(false, record.MTVMethod, "the MTV's segmentation (SUV4 or 41pct): not in the score, recorded with the result")...)
}

// IMPI returns the International Metabolic Prognostic Index (Mikhaeel et
// al., J Clin Oncol 2022;40:2352) with the coefficients reported by Ikeda
// et al. (Blood Adv 2024;8:1893). The published text gives no baseline
// survival, so IMPI gives no individualized survival unless a model file
// supplies one.
func IMPI() *CoxModel {
	return &CoxModel{
		Info: Info{
			ID: IDIMPI, Name: "IMPI", Version: "2022",
			Citations: []Citation{
				{"Mikhaeel NG et al. Proposed new dynamic prognostic index for diffuse large B-cell lymphoma: international metabolic prognostic index. J Clin Oncol 2022;40:2352-60.", "10.1200/JCO.21.02063"},
				{"Ikeda D et al. Real-world applicability of the international metabolic prognostic index in DLBCL: a validation cohort study. Blood Adv 2024;8:1893-97 (source of the coefficients used here).", ""},
			},
			Inputs: coxInputs(),
			Rule:   "lp = 0.003077330 MTV - 0.002761985 max(MTV - 307.9, 0) + 0.008092449 age + stage (1: 0, 2: -0.114645415, 3: 0.281141117, 4: 0.322247142)",
			Notes: []string{
				"MTV enters as a linear spline at the cohort median 307.9 mL in R's lsp form: the second coefficient is the change of slope above the knot, so the slope above 307.9 mL is 0.003077330 - 0.002761985 = 0.000315345 per mL (the curve flattens, as the IMPI paper describes).",
				"IMPI is a continuous score; the paper defines no fixed risk groups.",
				"Baseline survival is not in the published text: no individualized survival estimate unless a model file supplies it.",
				"The DOI of Ikeda 2024 is not recorded here (not verified).",
			},
		},
		Knot:       307.9,
		Coef:       &Coefficients{MTV: 0.003077330, MTVAboveKnot: -0.002761985, Age: 0.008092449, Stage2: -0.114645415, Stage3: 0.281141117, Stage4: 0.322247142},
		Cutoffs:    NoCutoffs(),
		Provenance: Provenance{Source: SourcePublished, Citation: "Mikhaeel et al. J Clin Oncol 2022 (coefficients as reported by Ikeda et al. Blood Adv 2024)", DOI: "10.1200/JCO.21.02063"},
	}
}

// CARIMPI returns the published CAR-IMPI (Winkelmann et al., Blood Cancer J
// 2025;15:144): knot 44.3 mL and the published cutoffs, but no
// coefficients, which are in the paper's supplement; it scores only after
// a model file supplies them (Scorer.Use).
func CARIMPI() *CoxModel {
	return &CoxModel{
		Info: Info{
			ID: IDCARIMPI, Name: "CAR-IMPI", Version: "2025 (published cutoffs; coefficients from a model file)",
			Citations: []Citation{{"Winkelmann M et al. Blood Cancer J 2025;15:144.", "10.1038/s41408-025-01338-1"}},
			Inputs:    coxInputs(),
			Rule:      "lp = b_mtv MTV + b_knot max(MTV - 44.3, 0) + b_age age + b_stage[stage] (Cox on PFS, development cohort n = 256)",
			Notes:     carimpiNotes,
		},
		Knot:    44.3,
		Cutoffs: PublishedCARIMPICutoffs(),
		Provenance: Provenance{Source: SourcePublished, Citation: "Winkelmann et al. Blood Cancer J 2025;15:144 (knot and cutoffs; the coefficients are not in the published text)",
			DOI: "10.1038/s41408-025-01338-1"},
	}
}

// carimpiNotes explain what is and is not known of the published
// CAR-IMPI; every CAR-IMPI model carries them.
var carimpiNotes = []string{
	"The paper's own age and stage coefficients are in its supplement, which carimpi does not have: the coefficients used are this model's (see its provenance), from a model file written by carimpi study or validate-model --recalibrate, or by hand from the supplement.",
	"Published MTV slopes, for documentation only: log HR +1.49 per 100 mL below the 44.3 mL knot; the paper prints +0.87 per 100 mL above it, which cannot be literal: with 1.49 below the knot, no age and stage coefficients reproduce the published median 1.35 and terciles 1.07/1.58 of the development cohort (and its validation median 1.07), while a slope of about 0.03-0.16 per 100 mL above the knot can.",
	"The paper's published cutoffs (abstract): median 1.35; terciles 1.07 and 1.58 (the results text once prints 1.53 for the upper tercile; \"cutoffs\": \"winkelmann-2025\" uses 1.58). They are not necessarily this model's: the cutoffs used are the model's own \"cutoffs\". The development cohort came from five centres.",
}

// CutoffsWinkelmann2025 names the published CAR-IMPI cutoffs in a model
// file: "cutoffs": "winkelmann-2025".
const CutoffsWinkelmann2025 = "winkelmann-2025"

// PublishedCARIMPICutoffs are the CAR-IMPI paper's cutoffs: median 1.35,
// terciles 1.07 and 1.58 (Winkelmann et al. 2025, abstract).
func PublishedCARIMPICutoffs() Cutoffs {
	return Cutoffs{Median: 1.35, Terciles: [2]float64{1.07, 1.58}}
}

// NoCutoffs is a model without risk groups.
func NoCutoffs() Cutoffs {
	return Cutoffs{Median: math.NaN(), Terciles: [2]float64{math.NaN(), math.NaN()}}
}

// noCutoffsWarning is the warning of a model file that declares no
// cutoffs.
const noCutoffsWarning = "the model file declares no cutoffs: scores without risk groups. Give the cutoffs of the model's own development cohort, or name the published ones with \"cutoffs\": \"winkelmann-2025\"."

// noSourceWarning is the warning of a model file that does not say where
// its numbers come from.
const noSourceWarning = "the model file does not say where its coefficients come from (no \"source\"): read as hand-entered."

// groups returns the Info.Groups of a model's cutoffs.
func (c Cutoffs) groups() []Group {
	var g []Group
	if !math.IsNaN(c.Median) {
		m := strconv.FormatFloat(c.Median, 'g', -1, 64)
		g = append(g, Group{"median", "low", "score < " + m, ""}, Group{"median", "high", "score >= " + m, ""})
	}
	if !math.IsNaN(c.Terciles[0]) {
		a, b := strconv.FormatFloat(c.Terciles[0], 'g', -1, 64), strconv.FormatFloat(c.Terciles[1], 'g', -1, 64)
		g = append(g, Group{"terciles", "low", "score < " + a, ""}, Group{"terciles", "intermediate", a + " <= score < " + b, ""}, Group{"terciles", "high", "score >= " + b, ""})
	}
	return g
}

// defined reports whether any scheme is defined.
func (c Cutoffs) defined() bool { return !math.IsNaN(c.Median) || !math.IsNaN(c.Terciles[0]) }

// values returns the cutoffs with null for undefined schemes.
func (c Cutoffs) values() *CutoffValues {
	v := &CutoffValues{}
	if !math.IsNaN(c.Median) {
		m := c.Median
		v.Median = &m
	}
	if !math.IsNaN(c.Terciles[0]) {
		t := c.Terciles
		v.Terciles = &t
	}
	return v
}

// MedianGroup returns "low" or "high" ("" when lp is NaN or no median).
func (c Cutoffs) MedianGroup(lp float64) string {
	switch {
	case math.IsNaN(lp) || math.IsNaN(c.Median):
		return ""
	case lp < c.Median:
		return "low"
	}
	return "high"
}

// TercileGroup returns "low", "intermediate" or "high" ("" when undefined).
func (c Cutoffs) TercileGroup(lp float64) string {
	switch {
	case math.IsNaN(lp) || math.IsNaN(c.Terciles[0]):
		return ""
	case lp < c.Terciles[0]:
		return "low"
	case lp < c.Terciles[1]:
		return "intermediate"
	}
	return "high"
}

// Term is one part of a score, so that it can be checked by hand.
// Points is the term's contribution: points of a points score, the
// linear predictor term of a Cox model, the z value of an InflaMix lab.
type Term struct {
	Input  string      `json:"input"`
	Value  jsonx.Float `json:"value"`
	Points jsonx.Float `json:"points"`
	Rule   string      `json:"rule"`
}

// LP returns the linear predictor of a patient with the given MTV (mL),
// age (years) and stage (1-4), and its terms. It returns NaN when the
// model has no coefficients or an input is missing or out of range.
func (m *CoxModel) LP(mtv, age, stage float64) (float64, []Term) {
	// (+ 0 turns the -0 of a negative coefficient times 0 into 0.)
	if m.Coef == nil || math.IsNaN(mtv) || math.IsNaN(age) || stage < 1 || stage > 4 || stage != math.Trunc(stage) {
		return math.NaN(), nil
	}
	c := m.Coef
	above := math.Max(mtv-m.Knot, 0)
	st := [5]float64{0, 0, c.Stage2, c.Stage3, c.Stage4}[int(stage)]
	terms := []Term{
		{"mtv_ml", jsonx.Float(mtv), jsonx.Float(c.MTV * mtv), fmt.Sprintf("%g × MTV", c.MTV)},
		{"mtv_ml", jsonx.Float(above), jsonx.Float(c.MTVAboveKnot*above + 0), fmt.Sprintf("%g × max(MTV − %g, 0)", c.MTVAboveKnot, m.Knot)},
		{"age", jsonx.Float(age), jsonx.Float(c.Age * age), fmt.Sprintf("%g × age", c.Age)},
		{"stage", jsonx.Float(stage), jsonx.Float(st), "stage term (stage 1 = 0)"},
	}
	return m.lp(mtv, age, stage), terms
}

// lp is LP without the terms, for batch scoring.
func (m *CoxModel) lp(mtv, age, stage float64) float64 {
	if m.Coef == nil {
		return math.NaN()
	}
	// The one formula of the linear predictor (LP, batch rows, the
	// study's scores and external validation all come here).
	c := m.Coef
	st := [5]float64{0, 0, c.Stage2, c.Stage3, c.Stage4}[int(stage)]
	return c.MTV*mtv + c.MTVAboveKnot*math.Max(mtv-m.Knot, 0) + c.Age*age + st
}

// Survival returns S(t) = S0(t)^exp(lp - Centre) at each baseline time of
// the endpoint ("pfs" or "os"), or nil when the model carries no baseline
// survival for it.
func (m *CoxModel) Survival(endpoint string, lp float64) (times, surv []float64) {
	for _, b := range m.Baseline {
		if b.Endpoint != endpoint || math.IsNaN(lp) {
			continue
		}
		r := math.Exp(lp - m.Centre)
		surv = make([]float64, len(b.Times))
		for i, s0 := range b.Survival {
			surv[i] = math.Pow(s0, r)
		}
		return append([]float64(nil), b.Times...), surv
	}
	return nil, nil
}

// SchemaVersion is the version of the model file format written by Save;
// Load also reads version 1 (before provenance was data).
const SchemaVersion = 2

// modelFile is the JSON model file. Example (the numbers are
// placeholders, not coefficients of any model):
//
//	{
//	  "schema": "carimpi-model", "schema_version": 2,
//	  "id": "car-impi", "name": "CAR-IMPI", "version": "example",
//	  "source": "hand-entered",
//	  "citation": "typed in from ...", "doi": "",
//	  "knot": 44.3,
//	  "coefficients": {"mtv": 0.0111, "mtv_above_knot": -0.0111, "age": 0.0111, "stage2": 0.111, "stage3": 0.222, "stage4": 0.333},
//	  "cutoffs": {"median": 1.11, "terciles": [0.99, 1.22]},
//	  "centre": 0,
//	  "baseline_survival": [{"endpoint": "pfs", "times": [6, 12], "survival": [0.7, 0.6]}],
//	  "notes": ["..."]
//	}
//
// source is "published", "fitted" or "hand-entered" (a file without it is
// read as hand-entered, with a warning); a fitted model has fitted_on
// {simulated, data, cohorts, n, events, sha256, carimpi_version, method}.
// cutoffs is an object (median and/or terciles, null where not defined),
// null (no groups), or "winkelmann-2025" (the published 1.35; 1.07/1.58);
// a file without cutoffs gives scores without groups, with a warning.
// centre, baseline_survival, date and notes are optional.
type modelFile struct {
	Schema        string             `json:"schema"`
	SchemaVersion int                `json:"schema_version"`
	ID            string             `json:"id"`
	Name          string             `json:"name"`
	Version       string             `json:"version"`
	Source        string             `json:"source,omitempty"`
	FittedOn      *FittedOn          `json:"fitted_on,omitempty"`
	Citation      string             `json:"citation,omitempty"`
	DOI           string             `json:"doi,omitempty"`
	Date          string             `json:"date,omitempty"`
	Provenance    *provenanceV1      `json:"provenance,omitempty"` // schema version 1
	Knot          *float64           `json:"knot"`
	Coefficients  map[string]float64 `json:"coefficients"`
	Cutoffs       json.RawMessage    `json:"cutoffs,omitempty"`
	Centre        float64            `json:"centre"`
	Baseline      []BaselineSurvival `json:"baseline_survival,omitempty"`
	Notes         []string           `json:"notes,omitempty"`
}

// provenanceV1 is the provenance object of schema version 1 files.
type provenanceV1 struct {
	Citation string `json:"citation"`
	DOI      string `json:"doi"`
	FittedOn string `json:"fitted_on"`
	Date     string `json:"date"`
	Software string `json:"software"`
}

const schemaName = "carimpi-model"

var coefNames = []string{"mtv", "mtv_above_knot", "age", "stage2", "stage3", "stage4"}

func (c *Coefficients) ptrs() []*float64 {
	return []*float64{&c.MTV, &c.MTVAboveKnot, &c.Age, &c.Stage2, &c.Stage3, &c.Stage4}
}

// Save writes m as a model file (schema version SchemaVersion),
// byte-stable: the same model gives the same bytes. A model without
// coefficients cannot be saved.
func Save(w io.Writer, m *CoxModel) error {
	if m.Coef == nil {
		return fmt.Errorf("model %s has no coefficients to save", m.ID)
	}
	pv := m.Provenance
	f := modelFile{Schema: schemaName, SchemaVersion: SchemaVersion, ID: m.ID, Name: m.Name, Version: m.Version,
		Source: nonEmpty(pv.Source, SourceHandEntered), FittedOn: pv.FittedOn, Citation: pv.Citation, DOI: pv.DOI, Date: pv.Date,
		Knot: &m.Knot, Coefficients: map[string]float64{}, Centre: m.Centre, Baseline: m.Baseline, Notes: m.Notes}
	for i, p := range m.Coef.ptrs() {
		f.Coefficients[coefNames[i]] = *p
	}
	cut, err := json.Marshal(m.Cutoffs.values())
	if err != nil {
		return err
	}
	if m.Cutoffs.defined() {
		f.Cutoffs = cut
	} else {
		f.Cutoffs = json.RawMessage("null")
	}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// SaveFile writes m to the named file, never over one of inputs (see
// internal/outfile).
func SaveFile(path string, m *CoxModel, inputs ...string) error {
	return outfile.Write(path, func(w io.Writer) error { return Save(w, m) }, inputs...)
}

// Load reads a model file and checks it: the schema version (1 or 2), an
// id of "impi" or "car-impi", a finite knot >= 0, all six coefficients
// (and no others), the source and, for a fitted model, what it was fitted
// on, ascending terciles, and baseline survival in (0, 1] at ascending
// times. Nothing is inherited from the built-in model with the same id but
// its inputs, rule and notes: a file without cutoffs has no risk groups
// and a file without a source is hand-entered, each with a warning in
// Provenance.Warnings.
func Load(r io.Reader) (*CoxModel, error) {
	var f modelFile
	if err := jsonx.DecodeStrict(r, &f); err != nil {
		return nil, fmt.Errorf("model file: %v", err)
	}
	if f.SchemaVersion != 1 && f.SchemaVersion != SchemaVersion {
		return nil, fmt.Errorf("model file: schema_version is %d; this carimpi reads versions 1 and %d (field \"schema_version\")", f.SchemaVersion, SchemaVersion)
	}
	if f.Schema != "" && f.Schema != schemaName {
		return nil, fmt.Errorf("model file: schema is %q, want %q", f.Schema, schemaName)
	}
	var m *CoxModel
	switch f.ID {
	case IDIMPI:
		m = IMPI()
	case IDCARIMPI:
		m = CARIMPI()
	default:
		return nil, fmt.Errorf("model file: id %q: want %q or %q", f.ID, IDIMPI, IDCARIMPI)
	}
	if f.Knot == nil || math.IsNaN(*f.Knot) || *f.Knot < 0 {
		return nil, errors.New("model file: knot must be a number >= 0 (mL)")
	}
	m.Knot = *f.Knot
	m.Coef = &Coefficients{}
	for i, p := range m.Coef.ptrs() {
		v, ok := f.Coefficients[coefNames[i]]
		if !ok {
			return nil, fmt.Errorf("model file: coefficient %q is missing (need %v)", coefNames[i], coefNames)
		}
		*p = v
	}
	if len(f.Coefficients) != len(coefNames) {
		var extra []string
		for k := range f.Coefficients {
			if !containsString(coefNames, k) {
				extra = append(extra, k)
			}
		}
		sort.Strings(extra)
		return nil, fmt.Errorf("model file: unknown coefficients %v (known: %v)", extra, coefNames)
	}
	pv, err := f.provenance()
	if err != nil {
		return nil, err
	}
	if m.Cutoffs, err = f.cutoffs(&pv); err != nil {
		return nil, err
	}
	for _, b := range f.Baseline {
		if b.Endpoint != "pfs" && b.Endpoint != "os" {
			return nil, fmt.Errorf("model file: baseline_survival endpoint %q: want pfs or os", b.Endpoint)
		}
		if len(b.Times) != len(b.Survival) || len(b.Times) == 0 {
			return nil, fmt.Errorf("model file: baseline_survival %s: times and survival must have the same, non-zero length", b.Endpoint)
		}
		for i, s := range b.Survival {
			if !(s > 0 && s <= 1) || b.Times[i] < 0 || (i > 0 && b.Times[i] <= b.Times[i-1]) {
				return nil, fmt.Errorf("model file: baseline_survival %s: survival must be in (0, 1] at ascending times >= 0", b.Endpoint)
			}
		}
	}
	m.Name = nonEmpty(f.Name, m.Name)
	m.Version = nonEmpty(f.Version, "model file")
	m.Provenance = pv
	m.Centre = f.Centre
	m.Baseline = f.Baseline
	notes := append([]string(nil), f.Notes...)
	for _, n := range m.Notes {
		if !containsString(notes, n) {
			notes = append(notes, n)
		}
	}
	m.Notes = notes
	m.Rule = fmt.Sprintf("lp = %g MTV + %g max(MTV - %g, 0) + %g age + stage (1: 0, 2: %g, 3: %g, 4: %g)",
		m.Coef.MTV, m.Coef.MTVAboveKnot, m.Knot, m.Coef.Age, m.Coef.Stage2, m.Coef.Stage3, m.Coef.Stage4)
	// The file's citation is the source of its numbers; the built-in
	// citations follow as the method's.
	src := Citation{pv.Citation, pv.DOI}
	if src.Text == "" {
		src.Text = "model file (" + pv.Source + "; no citation given)"
	}
	m.Citations = append([]Citation{src}, m.Citations...)
	return m, nil
}

// provenance reads the source, fitted_on and citation of a model file
// (schema version 1: the provenance object, read as hand-entered).
func (f *modelFile) provenance() (Provenance, error) {
	pv := Provenance{Source: f.Source, FittedOn: f.FittedOn, Citation: f.Citation, DOI: f.DOI, Date: f.Date}
	if p := f.Provenance; p != nil {
		if f.SchemaVersion != 1 || f.Source != "" {
			return pv, errors.New("model file: \"provenance\" is the schema version 1 form; give source, fitted_on, citation and doi at the top level")
		}
		pv.Citation, pv.DOI, pv.Date = p.Citation, p.DOI, p.Date
	}
	switch pv.Source {
	case "":
		pv.Source = SourceHandEntered
		pv.Warnings = append(pv.Warnings, noSourceWarning)
	case SourcePublished, SourceHandEntered:
	case SourceFitted:
		fo := pv.FittedOn
		if fo == nil || fo.Data == "" || len(fo.Cohorts) == 0 || fo.N <= 0 || fo.Method == "" {
			return pv, errors.New("model file: a fitted model needs fitted_on with simulated, data, cohorts, n, events, sha256, carimpi_version and method")
		}
	default:
		return pv, fmt.Errorf("model file: source %q: want %q, %q or %q", pv.Source, SourcePublished, SourceFitted, SourceHandEntered)
	}
	if pv.Source != SourceFitted && pv.FittedOn != nil {
		return pv, fmt.Errorf("model file: fitted_on is given but source is %q (want \"fitted\")", pv.Source)
	}
	return pv, nil
}

// cutoffs reads the cutoffs of a model file: an object, null, or the name
// of the published ones; absent gives none with a warning in pv.
func (f *modelFile) cutoffs(pv *Provenance) (Cutoffs, error) {
	raw := bytes.TrimSpace(f.Cutoffs)
	switch {
	case len(raw) == 0:
		pv.Warnings = append(pv.Warnings, noCutoffsWarning)
		return NoCutoffs(), nil
	case string(raw) == "null":
		return NoCutoffs(), nil
	case raw[0] == '"':
		var name string
		if err := json.Unmarshal(raw, &name); err != nil || name != CutoffsWinkelmann2025 || f.ID != IDCARIMPI {
			return NoCutoffs(), fmt.Errorf("model file: cutoffs %s: the named cutoffs are %q (CAR-IMPI's published median 1.35 and terciles 1.07/1.58); otherwise give {\"median\": ..., \"terciles\": [..., ...]}", raw, CutoffsWinkelmann2025)
		}
		return PublishedCARIMPICutoffs(), nil
	}
	var v CutoffValues
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return NoCutoffs(), fmt.Errorf("model file: cutoffs: %v", err)
	}
	c := NoCutoffs()
	if v.Median != nil {
		c.Median = *v.Median
	}
	if t := v.Terciles; t != nil {
		if !(t[0] < t[1]) {
			return c, fmt.Errorf("model file: terciles %v must be ascending", *t)
		}
		c.Terciles = *t
	}
	return c, nil
}

// LoadFile reads the named model file.
func LoadFile(path string) (*CoxModel, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("model file: %v", err)
	}
	defer f.Close()
	m, err := Load(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return m, nil
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
