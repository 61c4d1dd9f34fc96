package scores

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"carimpi/internal/jsonx"
)

// GroupOf is the group a patient falls in under one scheme of a model.
type GroupOf struct {
	Scheme string `json:"scheme"`
	Name   string `json:"name"`
}

// Index is one model's result for one patient: the value (NaN when it
// cannot be computed), its groups, the terms or points that make it up,
// the inputs it could not use and why, and the model's id and version.
type Index struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Version string    `json:"version"`
	Value   float64   `json:"value"`          // score, linear predictor or probability; NaN = not computed
	Log2    float64   `json:"log2,omitempty"` // EASIX and m-EASIX only
	Groups  []GroupOf `json:"groups"`
	// Used is the number of inputs used (the InflaMix labs).
	Used     int     `json:"inputs_used,omitempty"`
	Terms    []Term  `json:"terms"`
	Unusable []Issue `json:"unusable"`
	// Note says why a value is absent when that is not a missing input
	// (CAR-IMPI without a model file).
	Note     string             `json:"note,omitempty"`
	Survival []SurvivalEstimate `json:"survival,omitempty"`
}

// SurvivalEstimate is an individualized survival probability.
type SurvivalEstimate struct {
	Endpoint string  `json:"endpoint"`
	Time     float64 `json:"time"`
	Survival float64 `json:"survival"`
}

// MarshalJSON writes the index with null for a value not computed.
func (ix Index) MarshalJSON() ([]byte, error) {
	type plain Index
	var log2 *jsonx.Float
	if !math.IsNaN(ix.Log2) {
		l := jsonx.Float(ix.Log2)
		log2 = &l
	}
	return json.Marshal(struct {
		plain
		Value jsonx.Float  `json:"value"`
		Log2  *jsonx.Float `json:"log2,omitempty"`
	}{plain(ix), jsonx.Float(ix.Value), log2})
}

func newIndex(info *Info) Index {
	return Index{ID: info.ID, Name: info.Name, Version: info.Version, Value: math.NaN(), Log2: math.NaN()}
}

// Group returns the patient's group under scheme, or "".
func (ix *Index) Group(scheme string) string {
	for _, g := range ix.Groups {
		if g.Scheme == scheme {
			return g.Name
		}
	}
	return ""
}

// Result is every index for one patient. When Errors is not empty the
// patient was not scored (every value is NaN).
type Result struct {
	PatientID         string  `json:"patient_id"`
	IMPI              Index   `json:"impi"`
	CARIMPI           Index   `json:"car_impi"`
	Hematotox         Index   `json:"car_hematotox"`
	InflaMix          Index   `json:"inflamix"`
	IPI               Index   `json:"ipi"`
	RIPI              Index   `json:"r_ipi"`
	NCCNIPI           Index   `json:"nccn_ipi"`
	EASIX             Index   `json:"easix"`
	MEASIX            Index   `json:"m_easix"`
	CombinedHematotox Index   `json:"combined_hematotox"`
	CombinedInflaMix  Index   `json:"combined_inflamix"`
	Warnings          []Issue `json:"warnings"`
	Errors            []Issue `json:"errors"`
}

// Indices returns pointers to the result's indices in display order.
func (r *Result) Indices() []*Index {
	return []*Index{&r.IMPI, &r.CARIMPI, &r.Hematotox, &r.InflaMix, &r.IPI, &r.RIPI, &r.NCCNIPI, &r.EASIX, &r.MEASIX, &r.CombinedHematotox, &r.CombinedInflaMix}
}

// Scorer holds the models in use. Set it up (NewScorer, Use, DefaultULN)
// before scoring; after that it is safe for concurrent use.
type Scorer struct {
	IMPI     *CoxModel
	CARIMPI  *CoxModel
	InflaMix *InflaMixModel
	// DefaultULN is the upper limit of normal used, per …_uln field, when
	// a patient's is missing; NewScorer fills it from the data dictionary.
	DefaultULN [NumFields]float64
}

// NewScorer returns a scorer with the published models: IMPI, CAR-IMPI
// without coefficients (see CARIMPI), InflaMix and the rule-based indices.
func NewScorer() *Scorer {
	s := &Scorer{IMPI: IMPI(), CARIMPI: CARIMPI(), InflaMix: InflaMix()}
	for f := range fields {
		s.DefaultULN[f] = fields[f].DefaultULN
	}
	return s
}

// Use installs a loaded or fitted model in place of the built-in one with
// the same id (impi or car-impi).
func (s *Scorer) Use(m *CoxModel) error {
	switch m.ID {
	case IDIMPI:
		s.IMPI = m
	case IDCARIMPI:
		s.CARIMPI = m
	default:
		return fmt.Errorf("scores: no model slot for id %q", m.ID)
	}
	return nil
}

// Models returns the Info of every model in use, in display order.
func (s *Scorer) Models() []Info {
	cox := func(m *CoxModel) Info {
		in := m.Info
		in.Groups = m.Cutoffs.groups()
		return in
	}
	return []Info{cox(s.IMPI), cox(s.CARIMPI), hematotoxInfo, s.InflaMix.Info, ipiInfo, ripiInfo, nccnInfo, easixInfo, measixInfo, combinedHTInfo, combinedInflInfo}
}

// uln returns the patient's ULN field f or the default.
func (s *Scorer) uln(p *Patient, f Field) float64 {
	if v := p.Values[f]; !math.IsNaN(v) {
		return v
	}
	return s.DefaultULN[f]
}

// Score computes every index for p with full detail: terms, inputs not
// used and why, warnings. A patient with errors (Patient.Check) is not
// scored.
func (s *Scorer) Score(p *Patient) Result {
	var r Result
	s.score(p, true, &r)
	return r
}

// Row scores p and returns the flat row of "carimpi batch" (the same
// computation as Score, without the explanations).
func (s *Scorer) Row(p *Patient) Row {
	var r Result
	s.score(p, false, &r)
	return r.Row()
}

func (s *Scorer) score(p *Patient, detail bool, r *Result) {
	r.PatientID = p.ID
	errs, warns := p.Check()
	for _, e := range errs {
		if !hasIssue(r.Errors, e.Field) {
			r.Errors = append(r.Errors, e)
		}
	}
	r.Warnings = append(r.Warnings, warns...)
	scored := len(r.Errors) == 0
	if !scored {
		p = &notScored
	}
	r.IMPI = s.cox(s.IMPI, p, detail && scored)
	r.CARIMPI = s.cox(s.CARIMPI, p, detail && scored)
	r.Hematotox = hematotox(p, detail)
	r.InflaMix = s.inflamix(p, detail, &r.Warnings)
	r.IPI = ipi(p, s.uln(p, LDHULN), detail)
	r.RIPI = ripi(&r.IPI)
	r.NCCNIPI = nccnIPI(p, s.uln(p, LDHULN), detail)
	r.EASIX = easix(p, &easixInfo, Creatinine, detail)
	r.MEASIX = easix(p, &measixInfo, CRP, detail)
	h := r.Hematotox.Group("paper")
	r.CombinedHematotox = combined(&combinedHTInfo, &r.CARIMPI, "h-"+h, h != "", detail)
	c := r.InflaMix.Group("cluster")
	r.CombinedInflaMix = combined(&combinedInflInfo, &r.CARIMPI, c, c != "", detail)
	if !scored {
		for _, ix := range r.Indices() {
			ix.Terms, ix.Unusable, ix.Note = nil, nil, "not scored: the patient's inputs have errors"
		}
	}
}

func hasIssue(list []Issue, field string) bool {
	for _, e := range list {
		if e.Field == field {
			return true
		}
	}
	return false
}

// notScored is the all-missing patient used for a patient with errors.
var notScored = NewPatient("")

func (s *Scorer) cox(m *CoxModel, p *Patient, detail bool) Index {
	in := m.Info
	ix := newIndex(&in)
	if m.Coef == nil {
		ix.Note = m.Name + " needs a model file with its coefficients (--model model.json, written by carimpi study or by hand from the paper's supplement); not computed"
		return ix
	}
	mtv, age, st := p.Values[MTV], p.Values[Age], p.Values[Stage]
	if math.IsNaN(mtv) || math.IsNaN(age) || math.IsNaN(st) {
		return ix
	}
	if detail {
		ix.Value, ix.Terms = m.LP(mtv, age, st)
		for _, ep := range []string{"pfs", "os"} {
			times, surv := m.Survival(ep, ix.Value)
			for i := range times {
				ix.Survival = append(ix.Survival, SurvivalEstimate{ep, times[i], surv[i]})
			}
		}
		if len(m.Baseline) == 0 {
			ix.Note = "no baseline survival in this model: no individualized survival estimate"
		}
	} else {
		ix.Value = m.lp(mtv, age, st)
	}
	if g := m.Cutoffs.MedianGroup(ix.Value); g != "" {
		ix.Groups = append(ix.Groups, GroupOf{"median", g})
	}
	if g := m.Cutoffs.TercileGroup(ix.Value); g != "" {
		ix.Groups = append(ix.Groups, GroupOf{"terciles", g})
	}
	return ix
}

func (s *Scorer) inflamix(p *Patient, detail bool, warns *[]Issue) Index {
	m := s.InflaMix
	ix := newIndex(&m.Info)
	var z [NumLabs]float64
	for i, f := range inflamixLabs {
		raw := p.Values[f]
		z[i] = math.NaN()
		if math.IsNaN(raw) {
			if detail {
				ix.Unusable = append(ix.Unusable, Issue{Field: f.Name(), Message: "missing"})
			}
			continue
		}
		uf := ulnOf(f)
		u := s.uln(p, uf)
		v, ok := m.Standardize(i, raw, u)
		if !ok {
			msg := fmt.Sprintf("%s %g cannot enter InflaMix: log10 of %g/%g is undefined; give the assay's detection limit instead", f.Name(), raw, raw, u)
			ix.Unusable = append(ix.Unusable, Issue{f.Name(), fmtFloat(raw), msg})
			*warns = append(*warns, Issue{f.Name(), fmtFloat(raw), msg})
			continue
		}
		z[i] = v
		if detail {
			rule := fmt.Sprintf("z = (%s/%g - mean)/sd", f.Name(), u)
			if m.log10[i] {
				rule = fmt.Sprintf("z = (log10(%s/%g) - mean)/sd", f.Name(), u)
			}
			if math.IsNaN(p.Values[uf]) {
				rule += " (default ULN)"
			}
			ix.Terms = append(ix.Terms, Term{Input: f.Name(), Value: jsonx.Float(raw), Points: jsonx.Float(v), Rule: rule})
		}
	}
	prob, n := m.Posterior(&z)
	ix.Used = n
	if n == 1 && p != &notScored {
		msg := "InflaMix needs at least 2 of its 14 labs; only 1 given"
		*warns = append(*warns, Issue{Message: msg})
		ix.Note = msg
	}
	if !math.IsNaN(prob) {
		ix.Value = prob
		g := "non-inflamed"
		if prob > 0.5 {
			g = "inflamed"
		}
		ix.Groups = []GroupOf{{"cluster", g}}
	}
	return ix
}

func fmtFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// Row is the flat result of one patient: the row of "carimpi batch" and of
// the HTTP API. Numbers are NaN and groups "" when not computed (JSON null,
// CSV empty). Integer scores are float64 holding whole numbers.
type Row struct {
	PatientID              string
	IMPI                   float64
	CARIMPI                float64
	CARIMPIMedianGroup     string
	CARIMPITercileGroup    string
	CARHematotox           float64
	InflaMixProb           float64
	InflaMixCluster        string
	InflaMixLabs           int
	IPI                    float64
	IPIGroup               string
	RIPIGroup              string
	NCCNIPI                float64
	NCCNIPIGroup           string
	EASIX                  float64
	MEASIX                 float64
	CombinedHematotoxGroup string
	CombinedInflaMixGroup  string
	Warnings               []string
}

// RowColumns are the keys of Row in JSON and the CSV header, in order.
var RowColumns = []string{"patient_id", "impi", "car_impi", "car_impi_median_group", "car_impi_tercile_group", "car_hematotox",
	"inflamix_prob", "inflamix_cluster", "inflamix_labs", "ipi", "ipi_group", "r_ipi_group", "nccn_ipi", "nccn_ipi_group",
	"easix", "m_easix", "combined_hematotox_group", "combined_inflamix_group", "warnings"}

// Row flattens a Result. Errors become warnings "not scored: ...", so that
// a CSV row says why it is empty.
func (r *Result) Row() Row {
	w := make([]string, 0, len(r.Errors)+len(r.Warnings))
	for _, e := range r.Errors {
		w = append(w, "not scored: "+e.Message)
	}
	for _, e := range r.Warnings {
		w = append(w, e.Message)
	}
	return Row{
		PatientID:              r.PatientID,
		IMPI:                   r.IMPI.Value,
		CARIMPI:                r.CARIMPI.Value,
		CARIMPIMedianGroup:     r.CARIMPI.Group("median"),
		CARIMPITercileGroup:    r.CARIMPI.Group("terciles"),
		CARHematotox:           r.Hematotox.Value,
		InflaMixProb:           r.InflaMix.Value,
		InflaMixCluster:        r.InflaMix.Group("cluster"),
		InflaMixLabs:           r.InflaMix.Used,
		IPI:                    r.IPI.Value,
		IPIGroup:               r.IPI.Group("ipi"),
		RIPIGroup:              r.RIPI.Group("r-ipi"),
		NCCNIPI:                r.NCCNIPI.Value,
		NCCNIPIGroup:           r.NCCNIPI.Group("nccn-ipi"),
		EASIX:                  r.EASIX.Value,
		MEASIX:                 r.MEASIX.Value,
		CombinedHematotoxGroup: r.CombinedHematotox.Group("combined"),
		CombinedInflaMixGroup:  r.CombinedInflaMix.Group("combined"),
		Warnings:               w,
	}
}

// AppendJSON appends the row as one JSON object with the keys RowColumns.
func (row *Row) AppendJSON(b []byte) []byte {
	b = append(b, `{"patient_id":`...)
	b = strconv.AppendQuote(b, row.PatientID)
	num := func(key string, v float64) {
		b = append(b, ',', '"')
		b = append(b, key...)
		b = append(b, '"', ':')
		b = appendNum(b, v, 'j')
	}
	str := func(key, v string) {
		b = append(b, ',', '"')
		b = append(b, key...)
		b = append(b, '"', ':')
		if v == "" {
			b = append(b, "null"...)
		} else {
			b = strconv.AppendQuote(b, v)
		}
	}
	num("impi", row.IMPI)
	num("car_impi", row.CARIMPI)
	str("car_impi_median_group", row.CARIMPIMedianGroup)
	str("car_impi_tercile_group", row.CARIMPITercileGroup)
	num("car_hematotox", row.CARHematotox)
	num("inflamix_prob", row.InflaMixProb)
	str("inflamix_cluster", row.InflaMixCluster)
	num("inflamix_labs", float64(row.InflaMixLabs))
	num("ipi", row.IPI)
	str("ipi_group", row.IPIGroup)
	str("r_ipi_group", row.RIPIGroup)
	num("nccn_ipi", row.NCCNIPI)
	str("nccn_ipi_group", row.NCCNIPIGroup)
	num("easix", row.EASIX)
	num("m_easix", row.MEASIX)
	str("combined_hematotox_group", row.CombinedHematotoxGroup)
	str("combined_inflamix_group", row.CombinedInflaMixGroup)
	b = append(b, `,"warnings":[`...)
	for i, w := range row.Warnings {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendQuote(b, w)
	}
	return append(b, ']', '}')
}

// MarshalJSON writes the row as AppendJSON does.
func (row Row) MarshalJSON() ([]byte, error) { return row.AppendJSON(nil), nil }

// appendNum writes v in the shortest form that reads back exactly; NaN
// and ±Inf are "null" in JSON (mode 'j') and empty in CSV.
func appendNum(b []byte, v float64, mode byte) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		if mode == 'j' {
			return append(b, "null"...)
		}
		return b
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}

// CSVRecord returns the row's cells in RowColumns order (empty when not
// computed; warnings joined with " | ").
func (row *Row) CSVRecord(dst []string) []string {
	n := func(v float64) string { return string(appendNum(nil, v, 'c')) }
	return append(dst[:0], row.PatientID, n(row.IMPI), n(row.CARIMPI), row.CARIMPIMedianGroup, row.CARIMPITercileGroup,
		n(row.CARHematotox), n(row.InflaMixProb), row.InflaMixCluster, strconv.Itoa(row.InflaMixLabs), n(row.IPI), row.IPIGroup,
		row.RIPIGroup, n(row.NCCNIPI), row.NCCNIPIGroup, n(row.EASIX), n(row.MEASIX), row.CombinedHematotoxGroup,
		row.CombinedInflaMixGroup, strings.Join(row.Warnings, " | "))
}
