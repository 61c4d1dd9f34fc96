package record

import (
	"encoding/json"
	"math"
)

// Kind is how a field's cells are read.
type Kind int

const (
	Text     Kind = iota // free text (id, cohort, center)
	Category             // a code from Levels; common spellings are normalised
	Number               // a measurement in Unit
	Integer              // a whole number (stage, ECOG, counts, grades)
	Binary               // 0/1 (also yes/no, true/false)
)

var kindNames = [...]string{"text", "category", "number", "integer", "binary"}

func (k Kind) String() string { return kindNames[k] }

// MarshalJSON writes the kind's name.
func (k Kind) MarshalJSON() ([]byte, error) { return json.Marshal(k.String()) }

// Field is one column of the data dictionary; the constants below list
// them in export order.
type Field int

// The data dictionary, in export column order.
const (
	PatientID Field = iota
	Cohort
	Center
	Age
	Sex
	Stage
	MTV
	MTVMethod
	ECOG
	Product
	PriorLines
	Bridging
	PrimaryRefractory
	Bulky
	PriorAutoHCT
	Transformed
	DoubleHit
	ExtranodalSites
	NCCNExtranodal
	LDH
	LDHULN
	CRP
	CRPULN
	Ferritin
	FerritinULN
	Hb
	HbULN
	Plt
	PltULN
	ANC
	Albumin
	AlbuminULN
	ALP
	ALPULN
	AST
	ASTULN
	TBili
	TBiliULN
	WBC
	WBCULN
	Creatinine
	IL6
	IL6ULN
	IL10
	IL10ULN
	TNFa
	TNFaULN
	DDimer
	DDimerULN
	PFSMonths
	PFSEvent
	OSMonths
	OSEvent
	PFSCause
	CRSGrade
	ICANSGrade
	ICU
	Tocilizumab
	Corticosteroids
	Simulated
	NumFields // the number of fields; not a field
)

// Unit is an accepted unit of a field: canonical value = value × Factor.
type Unit struct {
	Name   string  `json:"name"`
	Factor float64 `json:"factor"`
}

// Info describes a field: its column name, kind, canonical unit and
// accepted units, the possible range (a value outside it is an error: the
// value cannot be right and is not used) and the plausible range (a value
// outside it is used with a warning that names a likely unit mix-up when
// another unit would make it plausible), its codes and a one-line
// description.
type Info struct {
	Name        string `json:"name"`
	Kind        Kind   `json:"kind"`
	Unit        string `json:"unit"`
	Description string `json:"description"`
	// Min and Max bound the possible values; MinOpen makes Min itself
	// impossible (an upper limit of normal or a haemoglobin of 0).
	Min          float64 `json:"min"`
	Max          float64 `json:"max"`
	MinOpen      bool    `json:"min_exclusive,omitempty"`
	PlausibleMin float64 `json:"plausible_min"`
	PlausibleMax float64 `json:"plausible_max"`
	Integer      bool    `json:"integer,omitempty"`
	// Required marks the inputs of CAR-IMPI (age, stage, mtv_ml): a cohort
	// row without them cannot enter the study. Scoring needs no field as
	// such: each index uses its own inputs.
	Required bool `json:"required,omitempty"`
	// Units are the accepted units, canonical first (none for codes).
	Units []Unit `json:"units,omitempty"`
	// Levels are the canonical codes of a Category or Binary field.
	Levels []string `json:"codes,omitempty"`
	// DefaultULN is the upper limit of normal used when a patient's …_uln
	// is missing (ULN fields with a default only; the scorer can override
	// it, and every use is a warning naming the value).
	DefaultULN float64 `json:"default,omitempty"`

	// medLo, medHi: the range in which a column's median lies in the
	// canonical unit; a column whose median lies outside but fits after
	// another unit's conversion is flagged as that unit (0, 0 = no check).
	medLo, medHi float64
	num          func(*Record) *float64
	str          func(*Record) *string
}

// Info returns the field's description (a copy).
func (f Field) Info() Info { return dict[f] }

// Name returns the field's column name.
func (f Field) Name() string { return dict[f].Name }

// Kind returns how the field's cells are read.
func (f Field) Kind() Kind { return dict[f].Kind }

// Unit returns the field's canonical unit ("" for codes).
func (f Field) Unit() string { return dict[f].Unit }

// Valid reports whether f is a field of the dictionary.
func (f Field) Valid() bool { return f >= 0 && f < NumFields }

// ULN returns the upper-limit-of-normal field of a lab, and whether it has
// one.
func (f Field) ULN() (Field, bool) {
	if f+1 < NumFields && dict[f+1].Name == dict[f].Name+"_uln" {
		return f + 1, true
	}
	return -1, false
}

// Lab returns the lab of an upper-limit-of-normal field, and whether f is
// one.
func (f Field) Lab() (Field, bool) {
	if f > 0 && dict[f].Name == dict[f-1].Name+"_uln" {
		return f - 1, true
	}
	return -1, false
}

// Fields returns every field in export order.
func Fields() []Field {
	out := make([]Field, NumFields)
	for i := range out {
		out[i] = Field(i)
	}
	return out
}

// Infos returns the description of every field in export order.
func Infos() []Info { return append([]Info(nil), dict[:]...) }

// Lookup returns the field whose column name is name (exactly).
func Lookup(name string) (Field, bool) {
	f, ok := byName[name]
	return f, ok
}

var byName = func() map[string]Field {
	m := make(map[string]Field, NumFields)
	for f := Field(0); f < NumFields; f++ {
		m[dict[f].Name] = f
	}
	return m
}()

func text(name, doc string, p func(*Record) *string) Info {
	return Info{Name: name, Kind: Text, Description: doc, str: p}
}

func category(name, doc string, levels []string, p func(*Record) *string) Info {
	return Info{Name: name, Kind: Category, Levels: levels, Description: doc, str: p}
}

func integer(name, doc string, min, max, pmax float64, p func(*Record) *float64) Info {
	return Info{Name: name, Kind: Integer, Min: min, Max: max, PlausibleMin: min, PlausibleMax: pmax, Integer: true, Description: doc, num: p}
}

func binary(name, doc string, p func(*Record) *float64) Info {
	return Info{Name: name, Kind: Binary, Min: 0, Max: 1, PlausibleMin: 0, PlausibleMax: 1, Integer: true, Levels: []string{"0", "1"},
		Description: doc, num: p}
}

// labSpec is a measurement with its units; uln, when set, adds the matching
// …_uln field, read in the lab's unit unless declared otherwise.
type labSpec struct {
	name, doc    string
	units        []Unit
	max          float64 // possible maximum (the minimum is 0)
	low, high    float64 // plausible range
	medLo, medHi float64 // typical cohort median
	ulnLo, ulnHi float64 // plausible ULN
	defULN       float64 // default ULN (0: none)
	val, uln     func(*Record) *float64
	positive     bool // 0 is impossible (Hb)
}

func labInfos(s labSpec) []Info {
	f := Info{Name: s.name, Kind: Number, Unit: s.units[0].Name, Description: s.doc, Min: 0, Max: s.max, MinOpen: s.positive,
		PlausibleMin: s.low, PlausibleMax: s.high, Units: s.units, medLo: s.medLo, medHi: s.medHi, num: s.val}
	if s.uln == nil {
		return []Info{f}
	}
	u := Info{Name: s.name + "_uln", Kind: Number, Unit: s.units[0].Name, Description: "upper limit of normal of " + s.name + " (in " + s.name + "'s unit unless declared)",
		Min: 0, Max: s.max, MinOpen: true, PlausibleMin: s.ulnLo, PlausibleMax: s.ulnHi, Units: s.units, DefaultULN: s.defULN,
		medLo: s.ulnLo, medHi: s.ulnHi, num: s.uln}
	return []Info{f, u}
}

// DaysPerMonth converts days to months: the mean Gregorian month,
// 365.25 / 12 = 30.4375 days, as R users get from
// as.numeric(difftime(b, a, units = "days")) / 30.4375.
const DaysPerMonth = 30.4375

// dict is the data dictionary, indexed by Field. Default ULNs are those of
// the official InflaMix web calculator (its app.R reference ranges: Hb
// 16.2 g/dL, albumin 5.0 g/dL, LDH 250 U/L, CRP 0.3 mg/dL, ALP 130 U/L,
// AST 37 U/L, IL-6 5.0, IL-10 18, TNF-alpha 22 pg/mL, D-dimer 0.5 ug/mL,
// ferritin 415 ng/mL, bilirubin 1.2 mg/dL, platelets 400 and WBC 11
// 10^9/L); every use is a warning naming the value.
var dict = func() [NumFields]Info {
	enzyme := []Unit{{"U/L", 1}, {"IU/L", 1}, {"ukat/L", 60}}
	counts := []Unit{{"10^9/L", 1}, {"10^3/uL", 1}, {"G/L", 1}, {"Gpt/L", 1}, {"/nL", 1}, {"/uL", 0.001}}
	perDL := []Unit{{"g/dL", 1}, {"g/L", 0.1}}
	pg := []Unit{{"pg/mL", 1}, {"ng/L", 1}}
	times := []Unit{{"months", 1}, {"days", 1 / DaysPerMonth}, {"weeks", 7 / DaysPerMonth}, {"years", 12}}
	fs := []Info{
		text("patient_id", "patient identifier (unique within the file; the row number when absent)", func(r *Record) *string { return &r.PatientID }),
		text("cohort", "cohort name, e.g. development or validation", func(r *Record) *string { return &r.Cohort }),
		text("center", "treating center", func(r *Record) *string { return &r.Center }),
		{Name: "age", Kind: Number, Unit: "years", Required: true, Min: 0, Max: 120, PlausibleMin: 18, PlausibleMax: 100, medLo: 30, medHi: 85,
			Units: []Unit{{"years", 1}}, Description: "age at CAR T-cell infusion", num: func(r *Record) *float64 { return &r.Age }},
		category("sex", "female or male", []string{"female", "male"}, func(r *Record) *string { return &r.Sex }),
		{Name: "stage", Kind: Integer, Required: true, Min: 1, Max: 4, PlausibleMin: 1, PlausibleMax: 4, Integer: true, Levels: []string{"1", "2", "3", "4"},
			Description: "Ann Arbor stage 1-4 (I-IV and the suffixes A, B, E, S, X accepted and dropped)", num: func(r *Record) *float64 { return &r.Stage }},
		{Name: "mtv_ml", Kind: Number, Unit: "mL", Required: true, Min: 0, Max: 100000, PlausibleMin: 0, PlausibleMax: 10000,
			Units:       []Unit{{"mL", 1}, {"cm3", 1}, {"cc", 1}, {"L", 1000}},
			Description: "metabolic tumour volume on the last PET/CT before lymphodepletion, after bridging (0 = no measurable disease)",
			num:         func(r *Record) *float64 { return &r.MTV }},
		category("mtv_method", "MTV segmentation: SUV4 (absolute SUV 4.0) or 41pct (41% of SUVmax)", []string{"SUV4", "41pct"},
			func(r *Record) *string { return &r.MTVMethod }),
		integer("ecog", "ECOG performance status 0-4", 0, 4, 4, func(r *Record) *float64 { return &r.ECOG }),
		category("product", "CAR T-cell product: axi-cel, tisa-cel, liso-cel (others kept as written)",
			[]string{"axi-cel", "tisa-cel", "liso-cel"}, func(r *Record) *string { return &r.Product }),
		integer("prior_lines", "prior systemic lines, excluding bridging", 0, 20, 10, func(r *Record) *float64 { return &r.PriorLines }),
		binary("bridging", "received bridging therapy", func(r *Record) *float64 { return &r.Bridging }),
		binary("primary_refractory", "primary refractory disease", func(r *Record) *float64 { return &r.PrimaryRefractory }),
		binary("bulky", "post-bridging bulky disease (> 10 cm)", func(r *Record) *float64 { return &r.Bulky }),
		binary("prior_auto_hct", "prior autologous HCT", func(r *Record) *float64 { return &r.PriorAutoHCT }),
		binary("transformed", "transformed lymphoma", func(r *Record) *float64 { return &r.Transformed }),
		binary("double_hit", "double/triple hit", func(r *Record) *float64 { return &r.DoubleHit }),
		integer("extranodal_sites", "number of extranodal sites (IPI)", 0, 30, 10, func(r *Record) *float64 { return &r.ExtranodalSites }),
		binary("nccn_extranodal", "bone marrow, CNS, liver/GI tract or lung involvement (NCCN-IPI)", func(r *Record) *float64 { return &r.NCCNExtranodal }),
	}
	for _, s := range []labSpec{
		{name: "ldh", doc: "lactate dehydrogenase", units: enzyme, max: 1e5, low: 50, high: 20000, medLo: 120, medHi: 1500, ulnLo: 150, ulnHi: 500, defULN: 250,
			val: func(r *Record) *float64 { return &r.LDH }, uln: func(r *Record) *float64 { return &r.LDHULN }},
		{name: "crp", doc: "C-reactive protein", units: []Unit{{"mg/dL", 1}, {"mg/L", 0.1}}, max: 100, low: 0, high: 40, medLo: 0.2, medHi: 8,
			ulnLo: 0.1, ulnHi: 2, defULN: 0.3,
			val: func(r *Record) *float64 { return &r.CRP }, uln: func(r *Record) *float64 { return &r.CRPULN }},
		{name: "ferritin", doc: "ferritin", units: []Unit{{"ng/mL", 1}, {"ug/L", 1}}, max: 1e6, low: 1, high: 100000, ulnLo: 100, ulnHi: 700, defULN: 415,
			val: func(r *Record) *float64 { return &r.Ferritin }, uln: func(r *Record) *float64 { return &r.FerritinULN }},
		{name: "hb", doc: "haemoglobin", units: []Unit{{"g/dL", 1}, {"g/L", 0.1}, {"mmol/L", 1.6114}}, max: 25, low: 4, high: 20, medLo: 7, medHi: 15,
			ulnLo: 12, ulnHi: 20, defULN: 16.2, positive: true,
			val: func(r *Record) *float64 { return &r.Hb }, uln: func(r *Record) *float64 { return &r.HbULN }},
		{name: "plt", doc: "platelets", units: counts, max: 5000, low: 0, high: 2000, medLo: 20, medHi: 600, ulnLo: 250, ulnHi: 600, defULN: 400,
			val: func(r *Record) *float64 { return &r.Plt }, uln: func(r *Record) *float64 { return &r.PltULN }},
		{name: "anc", doc: "absolute neutrophil count", units: counts, max: 300, low: 0, high: 100, medLo: 0.2, medHi: 20,
			val: func(r *Record) *float64 { return &r.ANC }},
		{name: "albumin", doc: "albumin", units: perDL, max: 10, low: 1, high: 6.5, medLo: 2, medHi: 5.5, ulnLo: 4, ulnHi: 6, defULN: 5.0,
			val: func(r *Record) *float64 { return &r.Albumin }, uln: func(r *Record) *float64 { return &r.AlbuminULN }},
		{name: "alp", doc: "alkaline phosphatase (InflaMix 'alk')", units: enzyme, max: 1e5, low: 5, high: 5000, medLo: 30, medHi: 600, ulnLo: 60, ulnHi: 300, defULN: 130,
			val: func(r *Record) *float64 { return &r.ALP }, uln: func(r *Record) *float64 { return &r.ALPULN }},
		{name: "ast", doc: "aspartate aminotransferase", units: enzyme, max: 1e5, low: 3, high: 10000, medLo: 8, medHi: 300, ulnLo: 20, ulnHi: 80, defULN: 37,
			val: func(r *Record) *float64 { return &r.AST }, uln: func(r *Record) *float64 { return &r.ASTULN }},
		{name: "tbili", doc: "total bilirubin (InflaMix 'tbr')", units: []Unit{{"mg/dL", 1}, {"umol/L", 1 / 17.104}}, max: 100, low: 0, high: 30,
			medLo: 0.1, medHi: 4, ulnLo: 0.7, ulnHi: 2, defULN: 1.2,
			val: func(r *Record) *float64 { return &r.TBili }, uln: func(r *Record) *float64 { return &r.TBiliULN }},
		{name: "wbc", doc: "white blood cells", units: counts, max: 500, low: 0, high: 200, medLo: 0.3, medHi: 40, ulnLo: 8, ulnHi: 15, defULN: 11,
			val: func(r *Record) *float64 { return &r.WBC }, uln: func(r *Record) *float64 { return &r.WBCULN }},
		{name: "creatinine", doc: "serum creatinine", units: []Unit{{"mg/dL", 1}, {"umol/L", 1 / 88.42}}, max: 30, low: 0.1, high: 15, medLo: 0.3, medHi: 3,
			val: func(r *Record) *float64 { return &r.Creatinine }},
		{name: "il6", doc: "interleukin 6", units: pg, max: 1e7, low: 0, high: 100000, ulnLo: 1, ulnHi: 20, defULN: 5,
			val: func(r *Record) *float64 { return &r.IL6 }, uln: func(r *Record) *float64 { return &r.IL6ULN }},
		{name: "il10", doc: "interleukin 10", units: pg, max: 1e7, low: 0, high: 100000, ulnLo: 2, ulnHi: 40, defULN: 18,
			val: func(r *Record) *float64 { return &r.IL10 }, uln: func(r *Record) *float64 { return &r.IL10ULN }},
		{name: "tnfa", doc: "tumour necrosis factor alpha", units: pg, max: 1e7, low: 0, high: 100000, ulnLo: 4, ulnHi: 40, defULN: 22,
			val: func(r *Record) *float64 { return &r.TNFa }, uln: func(r *Record) *float64 { return &r.TNFaULN }},
		{name: "ddimer", doc: "D-dimer (fibrinogen-equivalent units)", units: []Unit{{"ug/mL FEU", 1}, {"mg/L FEU", 1}, {"ng/mL FEU", 0.001}},
			max: 1e6, low: 0, high: 200, medLo: 0.1, medHi: 30, ulnLo: 0.2, ulnHi: 1.5, defULN: 0.5,
			val: func(r *Record) *float64 { return &r.DDimer }, uln: func(r *Record) *float64 { return &r.DDimerULN }},
	} {
		fs = append(fs, labInfos(s)...)
	}
	fs = append(fs,
		Info{Name: "pfs_months", Kind: Number, Unit: "months", Min: 0, Max: 1200, PlausibleMin: 0, PlausibleMax: 240, medLo: 0.5, medHi: 120, Units: times,
			Description: "time from infusion to progression, death or last follow-up", num: func(r *Record) *float64 { return &r.PFSMonths }},
		binary("pfs_event", "1 = progression or death, 0 = censored (1/2 coded files: 2 = event, as R's Surv)", func(r *Record) *float64 { return &r.PFSEvent }),
		Info{Name: "os_months", Kind: Number, Unit: "months", Min: 0, Max: 1200, PlausibleMin: 0, PlausibleMax: 240, medLo: 0.5, medHi: 120, Units: times,
			Description: "time from infusion to death or last follow-up", num: func(r *Record) *float64 { return &r.OSMonths }},
		binary("os_event", "1 = death, 0 = censored (1/2 coded files: 2 = event, as R's Surv)", func(r *Record) *float64 { return &r.OSEvent }),
		integer("pfs_cause", "competing risks: 0 censored, 1 progression/relapse, 2 death without progression", 0, 2, 2,
			func(r *Record) *float64 { return &r.PFSCause }),
		integer("crs_grade", "cytokine release syndrome, ASTCT grade 0-5", 0, 5, 5, func(r *Record) *float64 { return &r.CRSGrade }),
		integer("icans_grade", "ICANS, ASTCT grade 0-5", 0, 5, 5, func(r *Record) *float64 { return &r.ICANSGrade }),
		binary("icu", "admitted to the intensive care unit", func(r *Record) *float64 { return &r.ICU }),
		binary("tocilizumab", "received tocilizumab", func(r *Record) *float64 { return &r.Tocilizumab }),
		binary("corticosteroids", "received corticosteroids", func(r *Record) *float64 { return &r.Corticosteroids }),
		Info{Name: "simulated", Kind: Binary, Min: 0, Max: 1, PlausibleMin: 0, PlausibleMax: 1, Integer: true, Levels: []string{"0", "1"},
			Description: "1 = synthetic record, not patient data"},
	)
	if len(fs) != int(NumFields) {
		panic("record: the table and the Field constants disagree")
	}
	var t [NumFields]Info
	copy(t[:], fs)
	for i := range t {
		if t[i].Kind == Number && math.IsInf(t[i].Max, 0) {
			panic("record: infinite maximum of " + t[i].Name)
		}
	}
	return t
}()
