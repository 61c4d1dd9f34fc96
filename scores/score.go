package scores

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"carimpi/internal/jsonx"
	"carimpi/record"
	"carimpi/table"
)

// GroupOf is the group a patient falls in under one scheme of a model.
type GroupOf struct {
	Scheme string `json:"scheme"`
	Name   string `json:"name"`
	// Label names the scheme for people (CAR-HEMATOTOX: "Rejeski 2021
	// (high ≥ 2)", "CAR-IMPI paper, exploratory (high ≥ 3)").
	Label string `json:"label,omitempty"`
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
	Used     int            `json:"inputs_used,omitempty"`
	Terms    []Term         `json:"terms"`
	Unusable []record.Issue `json:"unusable"`
	// Note says why a value is absent when that is not a missing input
	// (CAR-IMPI without a model file).
	Note     string             `json:"note,omitempty"`
	Survival []SurvivalEstimate `json:"survival,omitempty"`
	// Scope says what the index predicts, where it was validated, when
	// its inputs are taken and the cutoff numbers used (detailed results).
	Scope *Scope `json:"scope,omitempty"`
	// MTVMethod is the segmentation of the MTV used (IMPI, CAR-IMPI):
	// "SUV4" or "41pct" as given, "" when not given.
	MTVMethod string `json:"mtv_method,omitempty"`
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
	if ix.Groups == nil {
		ix.Groups = []GroupOf{}
	}
	if ix.Terms == nil {
		ix.Terms = []Term{}
	}
	if ix.Unusable == nil {
		ix.Unusable = []record.Issue{}
	}
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
	PatientID         string         `json:"patient_id"`
	IMPI              Index          `json:"impi"`
	CARIMPI           Index          `json:"car_impi"`
	Hematotox         Index          `json:"car_hematotox"`
	InflaMix          Index          `json:"inflamix"`
	IPI               Index          `json:"ipi"`
	RIPI              Index          `json:"r_ipi"`
	NCCNIPI           Index          `json:"nccn_ipi"`
	EASIX             Index          `json:"easix"`
	MEASIX            Index          `json:"m_easix"`
	CombinedHematotox Index          `json:"combined_hematotox"`
	CombinedInflaMix  Index          `json:"combined_inflamix"`
	Warnings          []record.Issue `json:"warnings"`
	Errors            []record.Issue `json:"errors"`
}

// Indices returns pointers to the result's indices in display order.
func (r *Result) Indices() []*Index {
	return []*Index{&r.IMPI, &r.CARIMPI, &r.Hematotox, &r.InflaMix, &r.IPI, &r.RIPI, &r.NCCNIPI, &r.EASIX, &r.MEASIX, &r.CombinedHematotox, &r.CombinedInflaMix}
}

// Scorer holds the models in use. Set it up (NewScorer, Use, DefaultULN)
// before scoring; after that it is safe for concurrent use.
type Scorer struct {
	IMPI    *CoxModel
	CARIMPI *CoxModel
	// InflaMix is the user's InflaMix model, nil when none is installed
	// (carimpi ships none: see InflaMixNotInstalled).
	InflaMix *InflaMixModel
	// DefaultULN is the upper limit of normal used, per …_uln field, when
	// a patient's is missing; NewScorer fills it from the data dictionary.
	DefaultULN [record.NumFields]float64
}

// NewScorer returns a scorer with the published models: IMPI, CAR-IMPI
// without coefficients (see CARIMPI) and the rule-based indices; InflaMix
// needs the user's model (set Scorer.InflaMix).
func NewScorer() *Scorer {
	s := &Scorer{IMPI: IMPI(), CARIMPI: CARIMPI()}
	for _, in := range record.Infos() {
		f, _ := record.Lookup(in.Name)
		s.DefaultULN[f] = in.DefaultULN
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
		in.Cutoffs = m.Cutoffs.values()
		in.Scope = m.Scope()
		pv := m.Provenance
		in.Provenance = &pv
		return in
	}
	infl := inflamixNotInstalledInfo
	if s.InflaMix != nil {
		infl = s.InflaMix.Info
	}
	list := []Info{cox(s.IMPI), cox(s.CARIMPI), hematotoxInfo, infl, ipiInfo, ripiInfo, nccnInfo, easixInfo, measixInfo, combinedHTInfo, combinedInflInfo}
	for i := range list {
		if list[i].Scope == nil {
			list[i].Scope = scopes[list[i].ID]
		}
		if c := list[i].Citations; len(c) > 0 {
			list[i].Citation, list[i].DOI = c[0].Text, c[0].DOI
		}
	}
	return list
}

// uln returns the patient's ULN field f, or the default, marking it in
// defaults.
func (s *Scorer) uln(p *record.Record, f record.Field, defaults *[record.NumFields]bool) float64 {
	if v := f.Float(p); !math.IsNaN(v) {
		return v
	}
	defaults[f] = true
	return s.DefaultULN[f]
}

// Score computes every index for p with full detail: terms, inputs not
// used and why, warnings. issues are those found reading p (record's
// Column.Read or Field.Parse): an error names a value that was not used,
// so that each index that needs it says why it is unavailable; every
// other index is computed from its own inputs.
func (s *Scorer) Score(p *record.Record, issues ...record.Issue) Result {
	var r Result
	s.score(p, issues, true, &r)
	return r
}

// Row scores p and returns the flat row of "carimpi batch" (the same
// computation as Score, without the explanations).
func (s *Scorer) Row(p *record.Record, issues ...record.Issue) Row {
	var r Result
	s.score(p, issues, false, &r)
	return r.Row()
}

// blankRecord has every field missing.
var blankRecord = record.New("")

// NotScored returns the result of a row that could not be read at all (a
// ragged row): every index unavailable with the reason.
func (s *Scorer) NotScored(id, reason string) Result {
	var r Result
	s.score(&blankRecord, nil, false, &r)
	r.PatientID = id
	r.Errors = []record.Issue{{Severity: record.SeverityError, Message: reason}}
	for _, ix := range r.Indices() {
		ix.Unusable, ix.Note = nil, reason
	}
	return r
}

func (s *Scorer) score(p *record.Record, issues []record.Issue, detail bool, r *Result) {
	r.PatientID = p.PatientID
	if len(issues) > 1 {
		// In dictionary order, whatever the order of the input's columns
		// or keys, so that every entry point lists them alike.
		issues = slices.Clone(issues)
		slices.SortStableFunc(issues, func(a, b record.Issue) int { return fieldOrder(a.Field) - fieldOrder(b.Field) })
	}
	for _, is := range issues {
		if is.Severity == record.SeverityError {
			r.Errors = append(r.Errors, is)
		} else {
			r.Warnings = append(r.Warnings, is)
		}
	}
	in := &patientIn{p: p, errs: r.Errors}
	var defaults [record.NumFields]bool
	r.IMPI = s.cox(s.IMPI, in, detail)
	r.CARIMPI = s.cox(s.CARIMPI, in, detail)
	modelWarnings(s.IMPI, &r.IMPI, &r.Warnings)
	modelWarnings(s.CARIMPI, &r.CARIMPI, &r.Warnings)
	r.Hematotox = hematotox(in, detail)
	r.InflaMix = s.inflamix(in, detail, &r.Warnings, &defaults)
	var ldhDefault [record.NumFields]bool
	ldhULN := s.uln(p, record.LDHULN, &ldhDefault)
	r.IPI = ipi(in, ldhULN, detail)
	r.RIPI = ripi(&r.IPI)
	r.NCCNIPI = nccnIPI(in, ldhULN, detail)
	if ldhDefault[record.LDHULN] && (!math.IsNaN(r.IPI.Value) || !math.IsNaN(r.NCCNIPI.Value)) {
		defaults[record.LDHULN] = true
	}
	r.EASIX = easix(in, &easixInfo, record.Creatinine, detail)
	r.MEASIX = easix(in, &measixInfo, record.CRP, detail)
	h := r.Hematotox.Group("paper")
	if h != "" {
		h = "h-" + h
	}
	r.CombinedHematotox = combined(&combinedHTInfo, &r.CARIMPI, h, h != "")
	c := r.InflaMix.Group("cluster")
	r.CombinedInflaMix = combined(&combinedInflInfo, &r.CARIMPI, c, c != "")
	if w, ok := s.defaultULNWarning(&defaults); ok {
		r.Warnings = append(r.Warnings, w)
	}
	if detail {
		r.IMPI.Scope, r.CARIMPI.Scope = s.IMPI.Scope(), s.CARIMPI.Scope()
		for _, ix := range r.Indices()[2:] {
			ix.Scope = scopes[ix.ID]
		}
	}
}

// modelWarnings adds to warns, when the model's index was computed, what
// its model file left unsaid and whether it was fitted on simulated data.
func modelWarnings(m *CoxModel, ix *Index, warns *[]record.Issue) {
	if math.IsNaN(ix.Value) {
		return
	}
	if m.Provenance.Simulated() {
		*warns = append(*warns, record.Issue{Field: m.ID, Severity: record.SeverityWarning, Message: m.Name + ": " + SimulatedWarning})
	}
	for _, w := range m.Provenance.Warnings {
		*warns = append(*warns, record.Issue{Field: m.ID, Severity: record.SeverityWarning, Message: m.Name + ": " + w})
	}
}

// Simulated reports whether a model in use was fitted on simulated data.
func (s *Scorer) Simulated() bool {
	return s.IMPI.Provenance.Simulated() || s.CARIMPI.Provenance.Simulated()
}

// fieldOrder is a field's place in the dictionary (-1 for other names).
func fieldOrder(name string) int {
	if f, ok := record.Lookup(name); ok {
		return int(f)
	}
	return -1
}

// defaultULNWarning names the default upper limits of normal used.
func (s *Scorer) defaultULNWarning(used *[record.NumFields]bool) (record.Issue, bool) {
	var parts, names []string
	for f := record.Field(0); f < record.NumFields; f++ {
		if !used[f] {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s %g %s", f.Name(), s.DefaultULN[f], f.Unit()))
		names = append(names, f.Name())
	}
	if len(parts) == 0 {
		return record.Issue{}, false
	}
	return record.Issue{Field: strings.Join(names, ", "), Severity: record.SeverityWarning,
		Message: "default upper limit of normal used: " + strings.Join(parts, ", "),
		Fix:     "give the laboratory's own ULN (the *_uln fields) or set the default with --default-uln"}, true
}

// patientIn is a patient being scored with the errors found reading it, so
// that an index can say why an input is unusable.
type patientIn struct {
	p    *record.Record
	errs []record.Issue
}

// why returns the reason field f is missing: its reading error, or
// "missing".
func (in *patientIn) why(f record.Field) record.Issue {
	for _, e := range in.errs {
		if e.Field == f.Name() {
			return record.Issue{Field: e.Field, Value: e.Value, Severity: record.SeverityError, Message: "not used: " + e.Message}
		}
	}
	return record.Issue{Field: f.Name(), Message: "missing"}
}

// coxGroups holds the group lists of a Cox model by (median, tercile)
// group; results share them.
var coxGroups = func() map[[2]string][]GroupOf {
	m := map[[2]string][]GroupOf{}
	for _, a := range []string{"", "low", "high"} {
		for _, b := range []string{"", "low", "intermediate", "high"} {
			var g []GroupOf
			if a != "" {
				g = append(g, GroupOf{"median", a, ""})
			}
			if b != "" {
				g = append(g, GroupOf{"terciles", b, ""})
			}
			m[[2]string{a, b}] = g
		}
	}
	return m
}()

// NeedsModelFile is the note of a Cox model without coefficients (the
// built-in CAR-IMPI).
const NeedsModelFile = "needs a model file with its coefficients (--model model.json, written by carimpi study or by hand from the paper's supplement); not computed"

// Reason says why an index is unavailable ("" when it was computed): its
// note (CAR-IMPI without a model file), or the inputs it lacks and why
// ("needs plt (missing), mtv_ml (not used: mtv_ml -5 mL is outside ...)").
func (ix *Index) Reason() string {
	if !math.IsNaN(ix.Value) || len(ix.Groups) > 0 {
		return ""
	}
	if len(ix.Unusable) == 0 {
		if ix.Note != "" {
			return ix.Note
		}
		return "not computed"
	}
	return unusableText(ix)
}

func unusableText(ix *Index) string {
	if len(ix.Unusable) == 0 {
		return ix.Note
	}
	parts := make([]string, len(ix.Unusable))
	for i, u := range ix.Unusable {
		parts[i] = u.Field + " (" + u.Message + ")"
	}
	return "needs " + strings.Join(parts, ", ")
}

func (s *Scorer) cox(m *CoxModel, in *patientIn, detail bool) Index {
	ix := newIndex(&m.Info)
	if m.Coef == nil {
		ix.Note = NeedsModelFile
		return ix
	}
	if !need(in, &ix, record.MTV, record.Age, record.Stage) {
		return ix
	}
	p := in.p
	ix.MTVMethod = p.MTVMethod
	if detail {
		ix.Value, ix.Terms = m.LP(p.MTV, p.Age, p.Stage)
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
		ix.Value = m.lp(p.MTV, p.Age, p.Stage)
	}
	ix.Groups = coxGroups[[2]string{m.Cutoffs.MedianGroup(ix.Value), m.Cutoffs.TercileGroup(ix.Value)}]
	return ix
}

func (s *Scorer) inflamix(in *patientIn, detail bool, warns *[]record.Issue, defaults *[record.NumFields]bool) Index {
	m := s.InflaMix
	if m == nil {
		ix := newIndex(&inflamixNotInstalledInfo)
		ix.Note = InflaMixNotInstalled
		return ix
	}
	p := in.p
	ix := newIndex(&m.Info)
	var z [NumLabs]float64
	var used [record.NumFields]bool
	var entered [record.NumFields]bool // labs that entered the posterior
	for i, f := range m.labs {
		raw := f.Float(p)
		z[i] = math.NaN()
		if math.IsNaN(raw) {
			ix.Unusable = append(ix.Unusable, in.why(f))
			continue
		}
		uf, _ := f.ULN()
		u := s.uln(p, uf, &used)
		v, ok := m.Standardize(i, raw, u)
		if !ok {
			msg := fmt.Sprintf("%s %g cannot enter InflaMix: log10 of %g/%g is undefined; give the assay's detection limit instead", f.Name(), raw, raw, u)
			ix.Unusable = append(ix.Unusable, record.Issue{Field: f.Name(), Value: fmtFloat(raw), Message: msg})
			*warns = append(*warns, record.Issue{Field: f.Name(), Value: fmtFloat(raw), Severity: record.SeverityWarning, Message: msg})
			used[uf] = false
			continue
		}
		z[i] = v
		entered[f] = true
		if detail {
			rule := fmt.Sprintf("z = (%s/%g - mean)/sd", f.Name(), u)
			if m.log10[i] {
				rule = fmt.Sprintf("z = (log10(%s/%g) - mean)/sd", f.Name(), u)
			}
			if used[uf] {
				rule += " (default ULN)"
			}
			ix.Terms = append(ix.Terms, Term{Input: f.Name(), Value: jsonx.Float(raw), Points: jsonx.Float(v), Rule: rule})
		}
	}
	prob, n := m.Posterior(&z)
	ix.Used = n
	if n == 1 {
		msg := "InflaMix needs at least 2 of its 14 labs; only 1 given"
		*warns = append(*warns, record.Issue{Severity: record.SeverityWarning, Message: msg})
		ix.Note = msg
	}
	if !math.IsNaN(prob) {
		ix.Value = prob
		ix.Groups = inflamixGroups[int(b2f(prob > 0.5))]
		for f, u := range used {
			defaults[f] = defaults[f] || u
		}
		var missing []string
		for _, f := range inflamixCore {
			if !entered[f] {
				missing = append(missing, f.Name())
			}
		}
		if len(missing) > 0 {
			*warns = append(*warns, record.Issue{Field: IDInflaMix, Severity: record.SeverityWarning, Message: fmt.Sprintf(
				"InflaMix from %d labs without the full core panel (missing %s): it was validated with at least Hb, albumin, LDH, CRP, ALP and AST; treat the cluster as uncertain",
				n, strings.Join(missing, ", "))})
		}
	}
	return ix
}

// inflamixCore are the 6 core labs InflaMix was validated with.
var inflamixCore = []record.Field{record.Hb, record.Albumin, record.LDH, record.CRP, record.ALP, record.AST}

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
	// Unavailable lists the indices not computed, each with its reason
	// (Index.Reason), in display order.
	Unavailable []Unavailable
}

// Unavailable is an index that could not be computed and why.
type Unavailable struct {
	ID, Reason string
}

// RowColumns are the keys of Row in JSON and the CSV header, in order.
var RowColumns = []string{"patient_id", "impi", "car_impi", "car_impi_median_group", "car_impi_tercile_group", "car_hematotox",
	"inflamix_prob", "inflamix_cluster", "inflamix_labs", "ipi", "ipi_group", "r_ipi_group", "nccn_ipi", "nccn_ipi_group",
	"easix", "m_easix", "combined_hematotox_group", "combined_inflamix_group", "warnings", "unavailable"}

// Row flattens a Result. Errors (values not used) become warnings "not
// used: ...", and every index not computed is listed with its reason, so
// that a row says why a cell is empty.
func (r *Result) Row() Row {
	w := make([]string, 0, len(r.Errors)+len(r.Warnings))
	for _, e := range r.Errors {
		if e.Field == "" {
			w = append(w, e.Message)
		} else {
			w = append(w, "not used: "+e.Message)
		}
	}
	for _, e := range r.Warnings {
		w = append(w, e.Text())
	}
	indices := r.Indices()
	n := 0
	for _, ix := range indices {
		if math.IsNaN(ix.Value) && len(ix.Groups) == 0 {
			n++
		}
	}
	var un []Unavailable
	if n > 0 {
		un = make([]Unavailable, 0, n)
		for _, ix := range indices {
			if why := ix.Reason(); why != "" {
				un = append(un, Unavailable{ix.ID, why})
			}
		}
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
		Unavailable:            un,
	}
}

// AppendJSON appends the row as one JSON object with the keys RowColumns.
func (row *Row) AppendJSON(b []byte) []byte {
	return row.appendRow(b, 'j')
}

// AppendCSV appends the row as one CSV line (RFC 4180, ',' separator,
// '\n' end) in RowColumns order: empty cells where not computed, warnings
// joined with " | ".
func (row *Row) AppendCSV(b []byte) []byte {
	return row.appendRow(b, 'c')
}

// appendRow writes the row as JSON (mode 'j') or CSV (mode 'c').
func (row *Row) appendRow(b []byte, mode byte) []byte {
	key := func(k string) {
		if mode == 'j' {
			b = append(b, ',', '"')
			b = append(b, k...)
			b = append(b, '"', ':')
		} else {
			b = append(b, ',')
		}
	}
	str := func(v string) {
		switch {
		case mode == 'c':
			b = table.AppendText(b, v)
		case v == "":
			b = append(b, "null"...)
		default:
			b = appendJSONString(b, v)
		}
	}
	num := func(k string, v float64) {
		key(k)
		b = appendNum(b, v, mode)
	}
	group := func(k, v string) {
		key(k)
		str(v)
	}
	if mode == 'j' {
		b = append(b, `{"patient_id":`...)
	}
	str(row.PatientID)
	num("impi", row.IMPI)
	num("car_impi", row.CARIMPI)
	group("car_impi_median_group", row.CARIMPIMedianGroup)
	group("car_impi_tercile_group", row.CARIMPITercileGroup)
	num("car_hematotox", row.CARHematotox)
	num("inflamix_prob", row.InflaMixProb)
	group("inflamix_cluster", row.InflaMixCluster)
	num("inflamix_labs", float64(row.InflaMixLabs))
	num("ipi", row.IPI)
	group("ipi_group", row.IPIGroup)
	group("r_ipi_group", row.RIPIGroup)
	num("nccn_ipi", row.NCCNIPI)
	group("nccn_ipi_group", row.NCCNIPIGroup)
	num("easix", row.EASIX)
	num("m_easix", row.MEASIX)
	group("combined_hematotox_group", row.CombinedHematotoxGroup)
	group("combined_inflamix_group", row.CombinedInflaMixGroup)
	key("warnings")
	if mode == 'c' {
		b = table.AppendText(b, strings.Join(row.Warnings, " | "))
		key("unavailable")
		un := make([]string, len(row.Unavailable))
		for i, u := range row.Unavailable {
			un[i] = u.ID + ": " + u.Reason
		}
		b = table.AppendText(b, strings.Join(un, " | "))
		return append(b, '\n')
	}
	b = append(b, '[')
	for i, w := range row.Warnings {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, w)
	}
	b = append(b, ']')
	key("unavailable")
	b = append(b, '{')
	for i, u := range row.Unavailable {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, u.ID)
		b = append(b, ':')
		b = appendJSONString(b, u.Reason)
	}
	return append(b, '}', '}')
}

// appendJSONString appends s as a JSON string: plain ASCII directly, the
// rest through encoding/json.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x80 || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
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
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.AppendInt(b, int64(v), 10)
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}
