package cohort

import (
	"math"
	"strconv"
)

// Record is one patient, in the units of the data dictionary
// (../shared/DESIGN.md). Missing numbers are NaN, missing text is "".
// Codes: Sex "female"/"male"; Product "axi-cel", "tisa-cel", "liso-cel" or
// another name in lower case; MTVMethod "SUV4" or "41pct"; 0/1 flags and
// events as 0 or 1; Stage Ann Arbor 1-4; grades ASTCT 0-5.
type Record struct {
	PatientID string
	Cohort    string // e.g. "development", "validation"
	Center    string

	Age       float64 // years at infusion
	Sex       string
	Stage     float64 // Ann Arbor 1-4
	MTV       float64 // metabolic tumour volume, mL
	MTVMethod string  // segmentation: "SUV4" or "41pct"

	ECOG              float64
	Product           string
	PriorLines        float64
	Bridging          float64
	PrimaryRefractory float64
	Bulky             float64
	PriorAutoHCT      float64
	Transformed       float64
	DoubleHit         float64
	ExtranodalSites   float64
	NCCNExtranodal    float64

	// Labs before lymphodepletion and their upper limits of normal.
	LDH, LDHULN           float64 // U/L
	CRP, CRPULN           float64 // mg/dL
	Ferritin, FerritinULN float64 // ng/mL
	Hb, HbULN             float64 // g/dL
	Plt, PltULN           float64 // 10^9/L
	ANC                   float64 // 10^9/L
	Albumin, AlbuminULN   float64 // g/dL
	ALP, ALPULN           float64 // U/L
	AST, ASTULN           float64 // U/L
	TBili, TBiliULN       float64 // mg/dL
	WBC, WBCULN           float64 // 10^9/L
	Creatinine            float64 // mg/dL
	IL6, IL6ULN           float64 // pg/mL
	IL10, IL10ULN         float64 // pg/mL
	TNFa, TNFaULN         float64 // pg/mL
	DDimer, DDimerULN     float64 // ug/mL FEU

	PFSMonths, PFSEvent float64 // event 1 = progression or death
	OSMonths, OSEvent   float64 // event 1 = death

	CRSGrade, ICANSGrade float64 // ASTCT 0-5
	ICU                  float64
	Tocilizumab          float64
	Corticosteroids      float64

	// Simulated marks a synthetic record (column simulated = 1).
	Simulated bool
}

// NewRecord returns a record with every number missing (NaN).
func NewRecord() Record {
	var r Record
	for i := range fields {
		if f := &fields[i]; f.num != nil {
			*f.num(&r) = math.NaN()
		}
	}
	return r
}

// Kind is how a field's cells are read.
type Kind int

const (
	Text     Kind = iota // free text (id, cohort, center)
	Category             // a code from Levels; common spellings are normalised
	Number               // a measurement in Unit
	Integer              // a whole number (stage, ECOG, counts, grades)
	Binary               // 0/1 (also yes/no, true/false)
)

// Field describes one column of the data dictionary.
type Field struct {
	Name     string
	Kind     Kind
	Unit     string // canonical unit of a Number ("" for codes)
	Required bool   // needed by CAR-IMPI; a row without it is excluded
	// Min and Max bound the possible values: a value outside is an error
	// (the row is excluded for a required field, else the cell is set
	// missing). Low and High bound the plausible values: outside, the
	// value is kept and flagged.
	Min, Max  float64
	Low, High float64
	Levels    []string // canonical codes of a Category
	Doc       string

	// medLo, medHi: the range in which a column's median lies in the
	// canonical unit; outside it, a column whose median fits after another
	// unit's conversion is flagged as that unit (0, 0 = no check).
	medLo, medHi float64
	units        []unit // accepted units; canonical first (nil for codes)
	num          func(*Record) *float64
	str          func(*Record) *string
	minOpen      bool // Min itself is impossible (a ULN or Hb of 0)
}

// Float returns the field's value in r (NaN for a text field or a missing
// value).
func (f *Field) Float(r *Record) float64 {
	if f.num != nil {
		return *f.num(r)
	}
	if f.Name == "simulated" {
		if r.Simulated {
			return 1
		}
		return 0
	}
	return math.NaN()
}

// String returns the field's value in r as written to a CSV file: text as
// is, numbers in the shortest form that reads back to the same float64,
// "" when missing.
func (f *Field) String(r *Record) string {
	return string(f.appendValue(nil, r))
}

func (f *Field) appendValue(b []byte, r *Record) []byte {
	if f.str != nil {
		return append(b, *f.str(r)...)
	}
	v := f.Float(r)
	if math.IsNaN(v) {
		return b
	}
	return strconv.AppendFloat(b, v, 'f', -1, 64)
}

// Fields returns the data dictionary in export column order. The slice is
// a copy; changing it does not change the dictionary.
func Fields() []Field { return append([]Field(nil), fields...) }

// Lookup returns the dictionary field called name.
func Lookup(name string) (*Field, bool) {
	i, ok := fieldIndex[name]
	if !ok {
		return nil, false
	}
	return &fields[i], true
}

var fieldIndex = func() map[string]int {
	m := make(map[string]int, len(fields))
	for i, f := range fields {
		m[f.Name] = i
	}
	return m
}()

var inf = math.Inf(1)

func text(name, doc string, required bool, p func(*Record) *string) Field {
	return Field{Name: name, Kind: Text, Required: required, Doc: doc, str: p}
}

func category(name, doc string, levels []string, p func(*Record) *string) Field {
	return Field{Name: name, Kind: Category, Levels: levels, Doc: doc, str: p}
}

func integer(name, doc string, min, max float64, p func(*Record) *float64) Field {
	return Field{Name: name, Kind: Integer, Min: min, Max: max, Low: min, High: max, Doc: doc, num: p}
}

func binary(name, doc string, p func(*Record) *float64) Field {
	return Field{Name: name, Kind: Binary, Min: 0, Max: 1, Low: 0, High: 1, Doc: doc, num: p}
}

// lab is a measurement with a unit family; uln, when non-empty, adds the
// matching *_uln field (read in the same unit unless declared otherwise).
type labSpec struct {
	name, doc    string
	units        []unit
	low, high    float64 // plausible range
	medLo, medHi float64 // typical cohort median
	ulnLo, ulnHi float64 // typical ULN (0, 0: no ULN field)
	val, ulnP    func(*Record) *float64
	positive     bool // 0 is impossible (Hb)
}

func labFields(s labSpec) []Field {
	f := Field{Name: s.name, Kind: Number, Unit: s.units[0].name, Min: 0, Max: inf, Low: s.low, High: s.high,
		Doc: s.doc, medLo: s.medLo, medHi: s.medHi, units: s.units, num: s.val, minOpen: s.positive}
	if s.ulnP == nil {
		return []Field{f}
	}
	u := Field{Name: s.name + "_uln", Kind: Number, Unit: s.units[0].name, Min: 0, Max: inf, Low: s.ulnLo, High: s.ulnHi,
		Doc: "upper limit of normal of " + s.name, medLo: s.ulnLo, medHi: s.ulnHi, units: s.units, num: s.ulnP, minOpen: true}
	return []Field{f, u}
}

// fields is the data dictionary in export order.
var fields = func() []Field {
	fs := []Field{
		text("patient_id", "patient identifier (unique within the file)", true, func(r *Record) *string { return &r.PatientID }),
		text("cohort", "cohort name, e.g. development or validation", false, func(r *Record) *string { return &r.Cohort }),
		text("center", "treating center", false, func(r *Record) *string { return &r.Center }),
		{Name: "age", Kind: Number, Unit: "years", Required: true, Min: 0, Max: 120, Low: 18, High: 95, medLo: 30, medHi: 85,
			units: []unit{{"years", 1}}, Doc: "age at CAR T-cell infusion", num: func(r *Record) *float64 { return &r.Age }},
		category("sex", "female or male", []string{"female", "male"}, func(r *Record) *string { return &r.Sex }),
		{Name: "stage", Kind: Integer, Required: true, Min: 1, Max: 4, Low: 1, High: 4,
			Doc: "Ann Arbor stage 1-4 (roman numerals and A/B/E/S/X suffixes accepted)", num: func(r *Record) *float64 { return &r.Stage }},
		{Name: "mtv_ml", Kind: Number, Unit: "mL", Required: true, Min: 0, Max: inf, Low: 0, High: 10000,
			units: []unit{{"ml", 1}, {"cm3", 1}, {"cc", 1}, {"l", 1000}}, Doc: "metabolic tumour volume on the last PET/CT before lymphodepletion",
			num: func(r *Record) *float64 { return &r.MTV }},
		category("mtv_method", "MTV segmentation: SUV4 (absolute SUV 4.0) or 41pct (41% of SUVmax)", []string{"SUV4", "41pct"},
			func(r *Record) *string { return &r.MTVMethod }),
		integer("ecog", "ECOG performance status 0-4", 0, 4, func(r *Record) *float64 { return &r.ECOG }),
		category("product", "CAR T-cell product: axi-cel, tisa-cel, liso-cel (others kept in lower case)",
			[]string{"axi-cel", "tisa-cel", "liso-cel"}, func(r *Record) *string { return &r.Product }),
		integer("prior_lines", "prior systemic lines, excluding bridging", 0, 20, func(r *Record) *float64 { return &r.PriorLines }),
		binary("bridging", "received bridging therapy", func(r *Record) *float64 { return &r.Bridging }),
		binary("primary_refractory", "primary refractory disease", func(r *Record) *float64 { return &r.PrimaryRefractory }),
		binary("bulky", "post-bridging bulky disease (> 10 cm)", func(r *Record) *float64 { return &r.Bulky }),
		binary("prior_auto_hct", "prior autologous HCT", func(r *Record) *float64 { return &r.PriorAutoHCT }),
		binary("transformed", "transformed lymphoma", func(r *Record) *float64 { return &r.Transformed }),
		binary("double_hit", "double/triple hit", func(r *Record) *float64 { return &r.DoubleHit }),
		integer("extranodal_sites", "number of extranodal sites (IPI)", 0, 30, func(r *Record) *float64 { return &r.ExtranodalSites }),
		binary("nccn_extranodal", "bone marrow, CNS, liver/GI tract or lung involvement (NCCN-IPI)", func(r *Record) *float64 { return &r.NCCNExtranodal }),
	}
	enzyme := []unit{{"u/l", 1}, {"iu/l", 1}, {"ukat/l", 60}}
	counts := []unit{{"10^9/l", 1}, {"10^3/ul", 1}, {"g/l", 1}, {"gpt/l", 1}, {"/ul", 0.001}}
	perDL := []unit{{"g/dl", 1}, {"g/l", 0.1}}
	pg := []unit{{"pg/ml", 1}, {"ng/l", 1}}
	for _, s := range []labSpec{
		{name: "ldh", doc: "lactate dehydrogenase", units: enzyme, low: 50, high: 20000, medLo: 120, medHi: 1500, ulnLo: 150, ulnHi: 500,
			val: func(r *Record) *float64 { return &r.LDH }, ulnP: func(r *Record) *float64 { return &r.LDHULN }},
		{name: "crp", doc: "C-reactive protein", units: []unit{{"mg/dl", 1}, {"mg/l", 0.1}}, low: 0, high: 40, medLo: 0.2, medHi: 8, ulnLo: 0.1, ulnHi: 2,
			val: func(r *Record) *float64 { return &r.CRP }, ulnP: func(r *Record) *float64 { return &r.CRPULN }},
		{name: "ferritin", doc: "ferritin", units: []unit{{"ng/ml", 1}, {"ug/l", 1}}, low: 1, high: 100000, ulnLo: 100, ulnHi: 700,
			val: func(r *Record) *float64 { return &r.Ferritin }, ulnP: func(r *Record) *float64 { return &r.FerritinULN }},
		{name: "hb", doc: "haemoglobin", units: []unit{{"g/dl", 1}, {"g/l", 0.1}, {"mmol/l", 1.611}}, low: 4, high: 20, medLo: 7, medHi: 15,
			ulnLo: 12, ulnHi: 20, positive: true,
			val: func(r *Record) *float64 { return &r.Hb }, ulnP: func(r *Record) *float64 { return &r.HbULN }},
		{name: "plt", doc: "platelets", units: counts, low: 0, high: 2000, medLo: 20, medHi: 600, ulnLo: 250, ulnHi: 600,
			val: func(r *Record) *float64 { return &r.Plt }, ulnP: func(r *Record) *float64 { return &r.PltULN }},
		{name: "anc", doc: "absolute neutrophil count", units: counts, low: 0, high: 100, medLo: 0.2, medHi: 20,
			val: func(r *Record) *float64 { return &r.ANC }},
		{name: "albumin", doc: "albumin", units: perDL, low: 1, high: 6.5, medLo: 2, medHi: 5.5, ulnLo: 4, ulnHi: 6,
			val: func(r *Record) *float64 { return &r.Albumin }, ulnP: func(r *Record) *float64 { return &r.AlbuminULN }},
		{name: "alp", doc: "alkaline phosphatase (InflaMix 'alk')", units: enzyme, low: 5, high: 5000, medLo: 30, medHi: 600, ulnLo: 60, ulnHi: 300,
			val: func(r *Record) *float64 { return &r.ALP }, ulnP: func(r *Record) *float64 { return &r.ALPULN }},
		{name: "ast", doc: "aspartate aminotransferase", units: enzyme, low: 3, high: 10000, medLo: 8, medHi: 300, ulnLo: 20, ulnHi: 80,
			val: func(r *Record) *float64 { return &r.AST }, ulnP: func(r *Record) *float64 { return &r.ASTULN }},
		{name: "tbili", doc: "total bilirubin (InflaMix 'tbr')", units: []unit{{"mg/dl", 1}, {"umol/l", 1 / 17.104}}, low: 0, high: 30, medLo: 0.1, medHi: 4,
			ulnLo: 0.7, ulnHi: 2,
			val: func(r *Record) *float64 { return &r.TBili }, ulnP: func(r *Record) *float64 { return &r.TBiliULN }},
		{name: "wbc", doc: "white blood cells", units: counts, low: 0, high: 500, medLo: 0.3, medHi: 40, ulnLo: 8, ulnHi: 15,
			val: func(r *Record) *float64 { return &r.WBC }, ulnP: func(r *Record) *float64 { return &r.WBCULN }},
		{name: "creatinine", doc: "creatinine", units: []unit{{"mg/dl", 1}, {"umol/l", 1 / 88.42}}, low: 0.1, high: 20, medLo: 0.3, medHi: 3,
			val: func(r *Record) *float64 { return &r.Creatinine }},
		{name: "il6", doc: "interleukin 6", units: pg, low: 0, high: 100000, ulnLo: 1, ulnHi: 20,
			val: func(r *Record) *float64 { return &r.IL6 }, ulnP: func(r *Record) *float64 { return &r.IL6ULN }},
		{name: "il10", doc: "interleukin 10", units: pg, low: 0, high: 100000, ulnLo: 2, ulnHi: 40,
			val: func(r *Record) *float64 { return &r.IL10 }, ulnP: func(r *Record) *float64 { return &r.IL10ULN }},
		{name: "tnfa", doc: "tumour necrosis factor alpha", units: pg, low: 0, high: 100000, ulnLo: 4, ulnHi: 40,
			val: func(r *Record) *float64 { return &r.TNFa }, ulnP: func(r *Record) *float64 { return &r.TNFaULN }},
		{name: "ddimer", doc: "D-dimer (FEU)", units: []unit{{"ug/ml", 1}, {"mg/l", 1}, {"ng/ml", 0.001}}, low: 0, high: 200, medLo: 0.1, medHi: 30,
			ulnLo: 0.2, ulnHi: 1.5,
			val: func(r *Record) *float64 { return &r.DDimer }, ulnP: func(r *Record) *float64 { return &r.DDimerULN }},
	} {
		fs = append(fs, labFields(s)...)
	}
	times := []unit{{"months", 1}, {"days", 1 / DaysPerMonth}, {"weeks", 7 / DaysPerMonth}, {"years", 12}}
	fs = append(fs,
		Field{Name: "pfs_months", Kind: Number, Unit: "months", Min: 0, Max: inf, Low: 0, High: 240, medLo: 0.5, medHi: 120, units: times,
			Doc: "time from infusion to progression, death or last follow-up", num: func(r *Record) *float64 { return &r.PFSMonths }},
		binary("pfs_event", "1 = progression or death, 0 = censored", func(r *Record) *float64 { return &r.PFSEvent }),
		Field{Name: "os_months", Kind: Number, Unit: "months", Min: 0, Max: inf, Low: 0, High: 240, medLo: 0.5, medHi: 120, units: times,
			Doc: "time from infusion to death or last follow-up", num: func(r *Record) *float64 { return &r.OSMonths }},
		binary("os_event", "1 = death, 0 = censored", func(r *Record) *float64 { return &r.OSEvent }),
		integer("crs_grade", "cytokine release syndrome, ASTCT grade 0-5", 0, 5, func(r *Record) *float64 { return &r.CRSGrade }),
		integer("icans_grade", "ICANS, ASTCT grade 0-5", 0, 5, func(r *Record) *float64 { return &r.ICANSGrade }),
		binary("icu", "admitted to the intensive care unit", func(r *Record) *float64 { return &r.ICU }),
		binary("tocilizumab", "received tocilizumab", func(r *Record) *float64 { return &r.Tocilizumab }),
		binary("corticosteroids", "received corticosteroids", func(r *Record) *float64 { return &r.Corticosteroids }),
		Field{Name: "simulated", Kind: Binary, Min: 0, Max: 1, Low: 0, High: 1, Doc: "1 = synthetic record, not patient data"},
	)
	return fs
}()
