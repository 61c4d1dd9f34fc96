package record

import (
	"math"
	"strconv"
)

// Record is one patient in the canonical units of the data dictionary
// (see the package documentation). Missing numbers are NaN, missing text
// is "". Codes: Sex "female"/"male"; Product "axi-cel", "tisa-cel",
// "liso-cel" or another name as written in the data; MTVMethod "SUV4" or "41pct";
// 0/1 flags and events as 0 or 1; Stage Ann Arbor 1-4; grades ASTCT 0-5.
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
	PFSCause            float64 // 0 censored, 1 progression/relapse, 2 death without progression

	CRSGrade, ICANSGrade float64 // ASTCT 0-5
	ICU                  float64
	Tocilizumab          float64
	Corticosteroids      float64

	// Simulated marks a synthetic record (column simulated = 1).
	Simulated bool
}

// missing has every number missing; copying it is cheaper than filling.
var missing = func() Record {
	var r Record
	for f := Field(0); f < NumFields; f++ {
		if d := &dict[f]; d.num != nil {
			*d.num(&r) = math.NaN()
		}
	}
	return r
}()

// New returns a record with every number missing (NaN) and the given id.
func New(id string) Record {
	r := missing
	r.PatientID = id
	return r
}

// Float returns the field's value in r: NaN for a text field or a missing
// value; 0 or 1 for simulated.
func (f Field) Float(r *Record) float64 {
	d := &dict[f]
	switch {
	case d.num != nil:
		return *d.num(r)
	case f == Simulated:
		if r.Simulated {
			return 1
		}
		return 0
	}
	return math.NaN()
}

// SetFloat sets a numeric field of r (in the canonical unit); it panics for
// a text field (the caller's mistake, not the user's).
func (f Field) SetFloat(r *Record, v float64) {
	d := &dict[f]
	switch {
	case d.num != nil:
		*d.num(r) = v
	case f == Simulated:
		r.Simulated = v == 1
	default:
		panic("record: SetFloat of text field " + d.Name)
	}
}

// Str returns a text field of r; "" for a numeric field.
func (f Field) Str(r *Record) string {
	if d := &dict[f]; d.str != nil {
		return *d.str(r)
	}
	return ""
}

// SetStr sets a text or code field of r; it panics for a numeric field.
func (f Field) SetStr(r *Record, s string) {
	d := &dict[f]
	if d.str == nil {
		panic("record: SetStr of numeric field " + d.Name)
	}
	*d.str(r) = s
}

// IsText reports whether the field holds text (Text or Category kinds).
func (f Field) IsText() bool { return dict[f].str != nil }

// Has reports whether r has a value for the field.
func (f Field) Has(r *Record) bool {
	d := &dict[f]
	switch {
	case d.str != nil:
		return *d.str(r) != ""
	case d.num != nil:
		return !math.IsNaN(*d.num(r))
	}
	return r.Simulated
}

// String returns the field's value in r as written to a CSV file: text as
// is, numbers in the shortest form that reads back to the same float64,
// "" when missing.
func (f Field) String(r *Record) string { return string(f.AppendValue(nil, r)) }

// AppendValue appends the field's value as String writes it.
func (f Field) AppendValue(b []byte, r *Record) []byte {
	if d := &dict[f]; d.str != nil {
		return append(b, *d.str(r)...)
	}
	v := f.Float(r)
	if math.IsNaN(v) {
		return b
	}
	return strconv.AppendFloat(b, v, 'f', -1, 64)
}
