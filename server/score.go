package server

import (
	"bytes"
	"encoding/json"
	"math"
	"net/http"

	"carimpi/internal/jsonx"
	"carimpi/record"
	"carimpi/scores"
	"carimpi/survival"
)

// SurvivalMonths are the times, in months after infusion, of the
// individualized PFS and OS estimates in a score answer.
var SurvivalMonths = []float64{6, 12, 24}

// noBaseline is the note of an estimate that a model cannot give.
const noBaseline = "not available: model has no baseline survival"

// scoreResponse is the answer of POST /api/v1/score beyond the row: the
// row's fields (scores.Row, exactly as "carimpi batch --format json"
// writes them) come first, at the top level of the same object.
type scoreResponse struct {
	Notice string `json:"notice"`
	// Simulated is true when a model in use was fitted on simulated data
	// (the page shows a red banner; the row's warnings say so too).
	Simulated bool `json:"simulated"`
	// Errors are the values that could not be used (each with field,
	// value, message and fix); only the indices that need them are
	// unavailable.
	Errors []record.Issue `json:"errors"`
	// Survival holds, for each Cox model in use (IMPI, CAR-IMPI) and each
	// endpoint, the patient's estimated survival at SurvivalMonths, or a
	// note saying why there is none.
	Survival []survivalCurve `json:"survival"`
	// Bands are the risk groups of each grouped index, in order, and the
	// patient's group, for display.
	Bands []band `json:"bands"`
	// "models", the provenance of every model in use ([]modelRef), is
	// encoded once by New and spliced in by scoreJSON.
	// Result is the detailed result, with ?detail=true: per index, the
	// terms or points (to check a score by hand), the inputs that could not
	// be used and why, and the model version.
	Result *scores.Result `json:"result,omitempty"`
}

// survivalCurve is one model's individualized survival for one endpoint.
type survivalCurve struct {
	Model     string `json:"model"`
	Version   string `json:"version"`
	Endpoint  string `json:"endpoint"` // "pfs" or "os"
	Available bool   `json:"available"`
	Note      string `json:"note,omitempty"`
	// Estimates are S(t) at SurvivalMonths; null past the last baseline time.
	Estimates []survivalPoint `json:"estimates"`
	// Curve is S(t) at every time of the model's baseline survival.
	Curve []survivalPoint `json:"curve"`
}

type survivalPoint struct {
	Months   float64     `json:"months"`
	Survival jsonx.Float `json:"survival"`
}

// band is the ordered risk groups of one index under one scheme.
type band struct {
	Model  string `json:"model"`  // model id, e.g. "car-impi"
	Scheme string `json:"scheme"` // e.g. "median", "terciles"
	// Label names the scheme for people ("Rejeski 2021 (high ≥ 2)"); ""
	// when the scheme's name says it.
	Label  string      `json:"label,omitempty"`
	Groups []bandGroup `json:"groups"`
	Group  string      `json:"group"` // the patient's, "" when not computed
	Value  jsonx.Float `json:"value"` // the index's value (null when not computed)
	// Cutoffs are the numeric group boundaries of a Cox score (empty for
	// rule-based indices, whose groups are given by their rules).
	Cutoffs jsonx.Floats `json:"cutoffs"`
}

type bandGroup struct {
	Name string `json:"name"`
	Rule string `json:"rule"`
	// Label names a combined group for people ("CAR-IMPI low /
	// CAR-HEMATOTOX high" for c-low/h-high, scores.CombinedGroupLabel);
	// absent where the name says it. Results keep the codes.
	Label string `json:"label,omitempty"`
}

// modelRef is a model in use with its citation and provenance.
type modelRef struct {
	scores.ModelRef
	Citation string `json:"citation"`
}

func (a *api) score(w http.ResponseWriter, r *http.Request) {
	body, ok := a.readJSONBody(w, r)
	if !ok {
		return
	}
	a.scoreBody(w, r, body)
}

// scoreWithModel serves POST /api/v1/score-with-model: {"model": a model
// file (as "carimpi study" writes it), "patient": one patient}. The model
// is read and checked by scores.Load, as "carimpi score --model" does, and
// used for this request only (the web page's model file picker: the file
// stays with the user). A model fitted on simulated data is scored and
// the answer says so ("simulated": true).
func (a *api) scoreWithModel(w http.ResponseWriter, r *http.Request) {
	body, ok := a.readJSONBody(w, r)
	if !ok {
		return
	}
	var req struct {
		Model   json.RawMessage `json:"model"`
		Patient json.RawMessage `json:"patient"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil || len(req.Model) == 0 || len(req.Patient) == 0 {
		writeError(w, http.StatusBadRequest, "the body must be {\"model\": <model file>, \"patient\": {...}}", []FieldError{{Field: "model", Message: "a model file and a patient are both needed"}})
		return
	}
	m, err := scores.Load(bytes.NewReader(req.Model))
	if err != nil {
		writeError(w, http.StatusBadRequest, "the model file cannot be used: "+err.Error(), []FieldError{{Field: "model", Message: err.Error()}})
		return
	}
	sc := *a.sc
	if err := sc.Use(m); err != nil {
		writeError(w, http.StatusBadRequest, err.Error(), []FieldError{{Field: "model", Message: err.Error()}})
		return
	}
	b := *a
	b.sc = &sc
	if b.refsJSON, err = json.Marshal(b.modelRefs()); err != nil {
		writeError(w, http.StatusInternalServerError, "encoding the answer: "+err.Error(), nil)
		return
	}
	b.scoreBody(w, r, req.Patient)
}

// scoreBody scores the patient of body and writes the answer.
func (a *api) scoreBody(w http.ResponseWriter, r *http.Request, body []byte) {
	units, fm, ferr := inputQuery(r)
	if ferr != nil {
		writeError(w, http.StatusBadRequest, ferr.Message, []FieldError{*ferr})
		return
	}
	p, issues, ferrs, err := decodePatient(body, units, fm)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error(), nil)
		return
	}
	if len(ferrs) > 0 {
		writeError(w, http.StatusBadRequest, "the patient has fields that cannot be read", ferrs)
		return
	}
	// The row is computed exactly as "carimpi batch" computes it; the
	// detailed result adds the explanations and the survival curves. A
	// value that cannot be used is listed in "errors" and makes only the
	// indices that need it unavailable.
	row := a.sc.Row(&p, issues...)
	res := a.sc.Score(&p, issues...)
	b, err := a.scoreJSON(&row, &res, r.URL.Query().Get("detail") == "true")
	if err != nil {
		writeError(w, http.StatusInternalServerError, "encoding the answer: "+err.Error(), nil)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Write(b)
}

// scoreJSON writes the row's fields and then scoreResponse's in one
// object; detail adds the detailed result.
func (a *api) scoreJSON(row *scores.Row, res *scores.Result, detail bool) ([]byte, error) {
	errs := res.Errors
	if errs == nil {
		errs = []record.Issue{}
	}
	resp := scoreResponse{
		Notice:    Notice,
		Simulated: a.sc.Simulated(),
		Errors:    errs,
		Survival:  a.survival(res),
		Bands:     a.bands(res),
	}
	if detail {
		resp.Result = res
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	err := enc.Encode(resp)
	if err != nil {
		return nil, err
	}
	extra := bytes.TrimSpace(buf.Bytes())
	b := row.AppendJSON(make([]byte, 0, 2048+len(extra)+len(a.refsJSON)))
	b = append(b[:len(b)-1], ',')
	b = append(b, extra[1:len(extra)-1]...)
	b = append(b, `,"models":`...)
	b = append(b, a.refsJSON...)
	return append(b, '}', '\n'), nil
}

// coxModels pairs each Cox model in use with its index in a result.
func (a *api) coxModels(res *scores.Result) []struct {
	m  *scores.CoxModel
	ix *scores.Index
} {
	return []struct {
		m  *scores.CoxModel
		ix *scores.Index
	}{{a.sc.CARIMPI, &res.CARIMPI}, {a.sc.IMPI, &res.IMPI}}
}

// survival reads the individualized survival that package scores computed
// (S0(t)^exp(lp - centre) at the baseline's times, scores.CoxModel.Survival)
// and picks the values at SurvivalMonths from that step function: the value
// at the last baseline time <= t, 1 before the first, and null after the
// last (no extrapolation), as R's summary(survfit(...), times = t, extend =
// FALSE) would report.
func (a *api) survival(res *scores.Result) []survivalCurve {
	var out []survivalCurve
	for _, c := range a.coxModels(res) {
		for _, ep := range []string{"pfs", "os"} {
			sc := survivalCurve{Model: c.m.ID, Version: c.m.Version, Endpoint: ep, Estimates: []survivalPoint{}, Curve: []survivalPoint{}}
			var times, surv []float64
			for _, s := range c.ix.Survival {
				if s.Endpoint == ep {
					sc.Curve = append(sc.Curve, survivalPoint{s.Time, jsonx.Float(s.Survival)})
					times, surv = append(times, s.Time), append(surv, s.Survival)
				}
			}
			switch {
			case len(sc.Curve) > 0:
				sc.Available = true
				for _, t := range SurvivalMonths {
					v := math.NaN() // past the last baseline time: no extrapolation
					if t <= times[len(times)-1] {
						v = survival.StepAt(times, surv, t, 1)
					}
					sc.Estimates = append(sc.Estimates, survivalPoint{t, jsonx.Float(v)})
				}
			case c.m.Coef == nil || math.IsNaN(c.ix.Value):
				sc.Note = "not available: " + c.m.Name + " could not be computed for this patient"
				if c.ix.Note != "" {
					sc.Note = "not available: " + c.ix.Note
				}
			case !hasBaseline(c.m, ep):
				sc.Note = noBaseline
			}
			out = append(out, sc)
		}
	}
	return out
}

func hasBaseline(m *scores.CoxModel, endpoint string) bool {
	for _, b := range m.Baseline {
		if b.Endpoint == endpoint {
			return true
		}
	}
	return false
}

// bands lists, for every grouped index of the result, its groups in the
// order of the model's Info and the patient's group.
func (a *api) bands(res *scores.Result) []band {
	byID := map[string]*scores.Index{}
	for _, ix := range res.Indices() {
		byID[ix.ID] = ix
	}
	cutoffs := map[string]scores.Cutoffs{a.sc.CARIMPI.ID: a.sc.CARIMPI.Cutoffs, a.sc.IMPI.ID: a.sc.IMPI.Cutoffs}
	var out []band
	for _, info := range a.sc.Models() {
		ix := byID[info.ID]
		for _, g := range info.Groups {
			if len(out) == 0 || out[len(out)-1].Model != info.ID || out[len(out)-1].Scheme != g.Scheme {
				b := band{Model: info.ID, Scheme: g.Scheme, Label: g.Label, Value: jsonx.Float(math.NaN())}
				if ix != nil {
					b.Group, b.Value = ix.Group(g.Scheme), jsonx.Float(ix.Value)
				}
				if c, ok := cutoffs[info.ID]; ok {
					switch g.Scheme {
					case "median":
						b.Cutoffs = jsonx.Floats{c.Median}
					case "terciles":
						b.Cutoffs = jsonx.Floats{c.Terciles[0], c.Terciles[1]}
					}
				}
				out = append(out, b)
			}
			last := &out[len(out)-1]
			bg := bandGroup{Name: g.Name, Rule: g.Rule}
			if l := scores.CombinedGroupLabel(g.Name); l != g.Name {
				bg.Label = l
			}
			last.Groups = append(last.Groups, bg)
		}
	}
	return out
}

// modelRefs is the provenance of the models in use.
func (a *api) modelRefs() []modelRef {
	infos := a.sc.Models()
	refs := a.sc.Refs()
	out := make([]modelRef, len(refs))
	for i, r := range refs {
		out[i] = modelRef{ModelRef: r}
		if c := infos[i].Citations; len(c) > 0 {
			out[i].Citation = c[0].Text
		}
	}
	return out
}

// models serves GET /api/v1/models: every model in use, as "carimpi
// models --format json" lists them, with the Cox models' provenance and
// the endpoints of their baseline survival.
func (a *api) models(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, a.modelsBody())
}

// modelsResponse is the answer of GET /api/v1/models: the document of
// "carimpi models --format json", with each Cox model's provenance and
// baseline survival endpoints added.
type modelsResponse struct {
	Notice string        `json:"notice"`
	Models []modelInfo   `json:"models"`
	Fields []record.Info `json:"fields"`
}

type modelInfo struct {
	scores.Info
	// BaselineSurvival lists the endpoints with a baseline survival
	// (individualized estimates); empty when the model has none.
	BaselineSurvival []string `json:"baseline_survival"`
}

func (a *api) modelsBody() modelsResponse {
	cox := map[string]*scores.CoxModel{a.sc.CARIMPI.ID: a.sc.CARIMPI, a.sc.IMPI.ID: a.sc.IMPI}
	var out modelsResponse
	out.Notice = Notice
	out.Fields = record.Infos()
	for _, info := range a.sc.Models() {
		mi := modelInfo{Info: info, BaselineSurvival: []string{}}
		if m, ok := cox[info.ID]; ok {
			for _, b := range m.Baseline {
				mi.BaselineSurvival = append(mi.BaselineSurvival, b.Endpoint)
			}
		}
		out.Models = append(out.Models, mi)
	}
	return out
}
