package scores

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"carimpi/table"
)

// Field is one numeric input of the data dictionary (DESIGN.md), in its
// canonical unit. Field.Name is the column name used by files, flags (with
// '-' for '_') and JSON.
type Field int

// The fields, in the column order of the reference data set
// scores_examples.csv. Every lab that InflaMix uses has its own upper limit
// of normal (…ULN); the value is divided by it.
const (
	Age             Field = iota // years at infusion
	Stage                        // Ann Arbor stage 1-4
	MTV                          // metabolic tumour volume, mL
	ECOG                         // ECOG performance status 0-4
	ExtranodalSites              // number of extranodal sites (IPI)
	NCCNExtranodal               // 0/1: bone marrow, CNS, liver/GI tract or lung (NCCN-IPI)
	Creatinine                   // mg/dL
	ANC                          // absolute neutrophil count, 10^9/L
	Albumin                      // g/dL
	AlbuminULN
	ALP // alkaline phosphatase, U/L (InflaMix "alk")
	ALPULN
	AST // U/L
	ASTULN
	Ferritin // ng/mL
	FerritinULN
	Hb // haemoglobin, g/dL
	HbULN
	LDH // U/L
	LDHULN
	Plt // platelets, 10^9/L
	PltULN
	Tbili // total bilirubin, mg/dL (InflaMix "tbr")
	TbiliULN
	IL10 // pg/mL
	IL10ULN
	IL6 // pg/mL
	IL6ULN
	TNFa // pg/mL
	TNFaULN
	CRP // C-reactive protein, mg/dL
	CRPULN
	Ddimer // D-dimer, µg/mL FEU by default; its ULN carries the unit
	DdimerULN
	WBC // white blood cells, 10^9/L
	WBCULN
	NumFields // number of fields; not a field
)

// Unit is an accepted unit of a field and its factor to the canonical unit
// (canonical = value × Factor).
type Unit struct {
	Name   string  `json:"name"`
	Factor float64 `json:"factor"`
}

// FieldInfo describes a field: its column name, canonical unit, the valid
// range (a value outside it is an error: the row is not scored) and the
// plausible range (a value outside it is scored with a warning, naming a
// likely unit mix-up when another unit would make it plausible).
type FieldInfo struct {
	Name        string  `json:"name"`
	Unit        string  `json:"unit"`
	Description string  `json:"description"`
	Min         float64 `json:"min"`
	Max         float64 `json:"max"`
	// MinOpen makes Min exclusive (an upper limit of normal must be > 0).
	MinOpen      bool    `json:"min_exclusive,omitempty"`
	PlausibleMin float64 `json:"plausible_min"`
	PlausibleMax float64 `json:"plausible_max"`
	Integer      bool    `json:"integer,omitempty"`
	// Required fields must be present for a patient to be scored.
	Required bool `json:"required,omitempty"`
	// OtherUnits are the non-canonical units a value may be given in
	// (converted at the edge by Field.Convert).
	OtherUnits []Unit `json:"other_units,omitempty"`
	// DefaultULN is the upper limit of normal used when an …_uln field is
	// missing (ULN fields only; Scorer.DefaultULN can override it).
	DefaultULN float64 `json:"default,omitempty"`
}

var (
	countUnits = []Unit{{"10^3/uL", 1}, {"/nL", 1}, {"G/L", 1}, {"/uL", 1e-3}}
	enzymeUnit = []Unit{{"ukat/L", 60}}
	cytokine   = []Unit{{"ng/L", 1}}
)

func lab(name, unit, desc string, pmax, max float64, other []Unit) FieldInfo {
	return FieldInfo{Name: name, Unit: unit, Description: desc, Min: 0, Max: max, PlausibleMin: 0, PlausibleMax: pmax, OtherUnits: other}
}

func uln(labName, unit string, def float64, other []Unit) FieldInfo {
	return FieldInfo{Name: labName + "_uln", Unit: unit, Description: "upper limit of normal of " + labName + ", same unit as " + labName,
		Min: 0, MinOpen: true, Max: 1e7, PlausibleMin: 0, PlausibleMax: 1e7, OtherUnits: other, DefaultULN: def}
}

// fields is the data dictionary. Default ULNs are those of the official
// InflaMix web calculator (its app.R reference ranges: Hb 16.2 g/dL,
// albumin 5.0 g/dL, LDH 250 U/L, CRP 0.3 mg/dL, ALP 130 U/L, AST 37 U/L,
// IL-6 5.0, IL-10 18, TNF-alpha 22 pg/mL, D-dimer 0.5 ug/mL, ferritin 415
// ng/mL, bilirubin 1.2 mg/dL, platelets 400 and WBC 11 10^9/L); override
// them per patient with the …_uln fields or per run with
// Scorer.DefaultULN. A result that used a default ULN says so.
var fields = [NumFields]FieldInfo{
	Age:             {Name: "age", Unit: "years", Description: "age at infusion", Min: 0, Max: 120, PlausibleMin: 18, PlausibleMax: 100, Required: true},
	Stage:           {Name: "stage", Unit: "", Description: "Ann Arbor stage 1-4 (I-IV accepted)", Min: 1, Max: 4, PlausibleMin: 1, PlausibleMax: 4, Integer: true, Required: true},
	MTV:             {Name: "mtv_ml", Unit: "mL", Description: "metabolic tumour volume", Min: 0, Max: 1e5, PlausibleMin: 0, PlausibleMax: 5000, Required: true, OtherUnits: []Unit{{"cm3", 1}, {"L", 1000}}},
	ECOG:            {Name: "ecog", Description: "ECOG performance status", Min: 0, Max: 4, PlausibleMin: 0, PlausibleMax: 4, Integer: true},
	ExtranodalSites: {Name: "extranodal_sites", Description: "number of extranodal sites (IPI)", Min: 0, Max: 30, PlausibleMin: 0, PlausibleMax: 10, Integer: true},
	NCCNExtranodal:  {Name: "nccn_extranodal", Description: "0/1: disease in bone marrow, CNS, liver/GI tract or lung (NCCN-IPI)", Min: 0, Max: 1, PlausibleMin: 0, PlausibleMax: 1, Integer: true},
	Creatinine:      lab("creatinine", "mg/dL", "serum creatinine", 15, 30, []Unit{{"umol/L", 1 / 88.42}}),
	ANC:             lab("anc", "10^9/L", "absolute neutrophil count", 50, 300, countUnits),
	Albumin:         lab("albumin", "g/dL", "serum albumin", 6, 10, []Unit{{"g/L", 0.1}}),
	AlbuminULN:      uln("albumin", "g/dL", 5.0, []Unit{{"g/L", 0.1}}),
	ALP:             lab("alp", "U/L", "alkaline phosphatase", 3000, 1e5, enzymeUnit),
	ALPULN:          uln("alp", "U/L", 130, enzymeUnit),
	AST:             lab("ast", "U/L", "aspartate aminotransferase", 3000, 1e5, enzymeUnit),
	ASTULN:          uln("ast", "U/L", 37, enzymeUnit),
	Ferritin:        lab("ferritin", "ng/mL", "serum ferritin", 50000, 1e6, []Unit{{"ug/L", 1}}),
	FerritinULN:     uln("ferritin", "ng/mL", 415, []Unit{{"ug/L", 1}}),
	Hb:              lab("hb", "g/dL", "haemoglobin", 20, 25, []Unit{{"g/L", 0.1}, {"mmol/L", 1.6114}}),
	HbULN:           uln("hb", "g/dL", 16.2, []Unit{{"g/L", 0.1}, {"mmol/L", 1.6114}}),
	LDH:             lab("ldh", "U/L", "lactate dehydrogenase", 10000, 1e5, enzymeUnit),
	LDHULN:          uln("ldh", "U/L", 250, enzymeUnit),
	Plt:             lab("plt", "10^9/L", "platelets", 1500, 5000, countUnits),
	PltULN:          uln("plt", "10^9/L", 400, countUnits),
	Tbili:           lab("tbili", "mg/dL", "total bilirubin", 30, 100, []Unit{{"umol/L", 1 / 17.104}}),
	TbiliULN:        uln("tbili", "mg/dL", 1.2, []Unit{{"umol/L", 1 / 17.104}}),
	IL10:            lab("il10", "pg/mL", "interleukin-10", 1e4, 1e7, cytokine),
	IL10ULN:         uln("il10", "pg/mL", 18, cytokine),
	IL6:             lab("il6", "pg/mL", "interleukin-6", 1e4, 1e7, cytokine),
	IL6ULN:          uln("il6", "pg/mL", 5, cytokine),
	TNFa:            lab("tnfa", "pg/mL", "tumour necrosis factor alpha", 1e4, 1e7, cytokine),
	TNFaULN:         uln("tnfa", "pg/mL", 22, cytokine),
	CRP:             lab("crp", "mg/dL", "C-reactive protein", 40, 100, []Unit{{"mg/L", 0.1}}),
	CRPULN:          uln("crp", "mg/dL", 0.3, []Unit{{"mg/L", 0.1}}),
	Ddimer:          lab("ddimer", "ug/mL FEU", "D-dimer (any unit if ddimer_uln is in the same unit)", 100, 1e6, []Unit{{"mg/L FEU", 1}, {"ng/mL FEU", 1e-3}}),
	DdimerULN:       uln("ddimer", "ug/mL FEU", 0.5, []Unit{{"mg/L FEU", 1}, {"ng/mL FEU", 1e-3}}),
	WBC:             lab("wbc", "10^9/L", "white blood cells", 100, 500, countUnits),
	WBCULN:          uln("wbc", "10^9/L", 11, countUnits),
}

var fieldByName = func() map[string]Field {
	m := make(map[string]Field, NumFields)
	for f := Field(0); f < NumFields; f++ {
		m[fields[f].Name] = f
	}
	return m
}()

// Fields returns the data dictionary in column order.
func Fields() []FieldInfo {
	out := make([]FieldInfo, NumFields)
	copy(out, fields[:])
	return out
}

// FieldByName returns the field with the given column name.
func FieldByName(name string) (Field, bool) {
	f, ok := fieldByName[name]
	return f, ok
}

// Info returns the field's description.
func (f Field) Info() FieldInfo { return fields[f] }

// Name returns the field's column name.
func (f Field) Name() string { return fields[f].Name }

func (f Field) String() string {
	if f < 0 || f >= NumFields {
		return "Field(" + strconv.Itoa(int(f)) + ")"
	}
	return fields[f].Name
}

// normUnit spells a unit for comparison: lower case, no spaces, µ/μ as u.
func normUnit(s string) string {
	s = strings.NewReplacer("µ", "u", "μ", "u", " ", "", "³", "3").Replace(s)
	return strings.ToLower(s)
}

// Convert converts v from unit to the field's canonical unit. An empty unit
// or the canonical one returns v unchanged; an unknown unit is an error
// listing the accepted ones.
func (f Field) Convert(v float64, unit string) (float64, error) {
	info := &fields[f]
	u := normUnit(unit)
	if u == "" || u == normUnit(info.Unit) {
		return v, nil
	}
	for _, o := range info.OtherUnits {
		if normUnit(o.Name) == u {
			return v * o.Factor, nil
		}
	}
	names := []string{info.Unit}
	for _, o := range info.OtherUnits {
		names = append(names, o.Name)
	}
	if info.Unit == "" {
		return 0, fmt.Errorf("%s has no unit; got %q", info.Name, unit)
	}
	return 0, fmt.Errorf("%s: unknown unit %q; use one of %s", info.Name, unit, strings.Join(names, ", "))
}

// Units maps a field to the unit its values are given in, when that is not
// the canonical one. A lab's unit applies to its …_uln field too.
type Units map[Field]string

// ParseUnits reads a list such as "crp=mg/L,hb=g/L" (field names as in the
// data dictionary).
func ParseUnits(spec string) (Units, error) {
	u := Units{}
	for _, item := range strings.Split(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		name, unit, ok := strings.Cut(item, "=")
		f, known := FieldByName(strings.TrimSpace(name))
		if !ok || !known {
			return nil, fmt.Errorf("units: %q is not field=unit with a known field (e.g. crp=mg/L)", item)
		}
		if _, err := f.Convert(1, unit); err != nil {
			return nil, fmt.Errorf("units: %v", err)
		}
		u[f] = strings.TrimSpace(unit)
		if l := ulnOf(f); l >= 0 {
			if _, set := u[l]; !set {
				u[l] = u[f]
			}
		}
	}
	return u, nil
}

// ulnOf returns the ULN field of a lab, or -1.
func ulnOf(f Field) Field { return ulnFields[f] }

// labOf returns the lab of a ULN field, or -1.
func labOf(f Field) Field { return labFields[f] }

// ulnFields and labFields pair each lab with its ULN field (-1 if none).
var ulnFields, labFields = func() (u, l [NumFields]Field) {
	for f := Field(0); f < NumFields; f++ {
		u[f], l[f] = -1, -1
	}
	for f := Field(1); f < NumFields; f++ {
		if fields[f].Name == fields[f-1].Name+"_uln" {
			u[f-1], l[f] = f, f-1
		}
	}
	return u, l
}()

// Patient is one patient's inputs in canonical units; NaN means missing.
// Build one with NewPatient (all missing) and Set. It encodes to JSON as an
// object keyed by the data dictionary's column names, with "patient_id".
type Patient struct {
	ID     string
	Values [NumFields]float64
}

// NewPatient returns a patient with every field missing.
func NewPatient(id string) Patient {
	p := Patient{ID: id}
	for i := range p.Values {
		p.Values[i] = math.NaN()
	}
	return p
}

// Get returns a field's value (NaN when missing).
func (p *Patient) Get(f Field) float64 { return p.Values[f] }

// Set sets a field's value in canonical units.
func (p *Patient) Set(f Field, v float64) { p.Values[f] = v }

// Has reports whether a field is present.
func (p *Patient) Has(f Field) bool { return !math.IsNaN(p.Values[f]) }

// MarshalJSON writes {"patient_id": ..., "age": ..., ...} with the fields
// that are present.
func (p Patient) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`{"patient_id":`)
	id, _ := json.Marshal(p.ID)
	b.Write(id)
	for f := Field(0); f < NumFields; f++ {
		if p.Has(f) {
			fmt.Fprintf(&b, ",%q:%s", fields[f].Name, strconv.FormatFloat(p.Values[f], 'g', -1, 64))
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads an object keyed by column names; absent keys and
// null are missing. An unknown key is an error naming it.
func (p *Patient) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*p = NewPatient("")
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		raw := m[k]
		if k == "patient_id" {
			if err := json.Unmarshal(raw, &p.ID); err != nil {
				return fmt.Errorf("patient_id: %v", err)
			}
			continue
		}
		f, ok := FieldByName(k)
		if !ok {
			return fmt.Errorf("unknown field %q", k)
		}
		if string(raw) == "null" {
			continue
		}
		var v float64
		if err := json.Unmarshal(raw, &v); err != nil {
			var s string
			if json.Unmarshal(raw, &s) != nil {
				return fmt.Errorf("%s: %s is not a number", k, raw)
			}
			if v, err = ParseValue(f, s, false); err != nil {
				return err
			}
		}
		p.Values[f] = v
	}
	return nil
}

// Issue is an error or warning about one input field ("" for the whole
// patient).
type Issue struct {
	Field   string `json:"field"`
	Value   string `json:"value"`
	Message string `json:"message"`
}

// ParseValue reads one cell or flag value of a field. Missing spellings
// (table.IsMissing) give NaN; stage also accepts I-IV. The error names the
// field and the value.
func ParseValue(f Field, s string, decimalComma bool) (float64, error) {
	v, ok := parseNumber(s, decimalComma)
	if ok {
		return v, nil
	}
	t := strings.ToUpper(strings.TrimSpace(s))
	if f == Stage {
		for i, r := range []string{"I", "II", "III", "IV"} {
			if t == r {
				return float64(i + 1), nil
			}
		}
	}
	return 0, fmt.Errorf("%s: %q is not a number; write a plain number such as 12.5, or leave it empty if it is missing", fields[f].Name, s)
}

// Check validates p: required fields present, every value in its valid
// range (and whole where it must be) — errors; values outside the
// plausible range, with the likely unit fix — warnings.
func (p *Patient) Check() (errs, warns []Issue) {
	for f := Field(0); f < NumFields; f++ {
		info := &fields[f]
		v := p.Values[f]
		if math.IsNaN(v) {
			if info.Required {
				errs = append(errs, Issue{info.Name, "", fmt.Sprintf("%s is required (%s); the patient cannot be scored without it", info.Name, info.Description)})
			}
			continue
		}
		switch {
		case math.IsInf(v, 0):
			errs = append(errs, Issue{info.Name, fmtFloat(v), info.Name + " must be a finite number"})
		case v < info.Min || (info.MinOpen && v == info.Min) || v > info.Max:
			errs = append(errs, Issue{info.Name, fmtFloat(v), info.outOfRange(v, "must be", rangeText(info))})
		case info.Integer && v != math.Trunc(v):
			errs = append(errs, Issue{info.Name, fmtFloat(v), fmt.Sprintf("%s %g must be a whole number (%s)", info.Name, v, info.Description)})
		case v < info.PlausibleMin || v > info.PlausibleMax:
			warns = append(warns, Issue{info.Name, fmtFloat(v), info.outOfRange(v, "is implausible; expected", fmt.Sprintf("%g to %g", info.PlausibleMin, info.PlausibleMax))})
		}
	}
	return errs, warns
}

func rangeText(info *FieldInfo) string {
	max := strconv.FormatFloat(info.Max, 'g', -1, 64)
	if info.MinOpen {
		return "greater than " + strconv.FormatFloat(info.Min, 'g', -1, 64) + " and at most " + max
	}
	return "from " + strconv.FormatFloat(info.Min, 'g', -1, 64) + " to " + max
}

// outOfRange words a range message, adding the units under which v would
// be plausible (the likely mix-up and its fix).
func (info *FieldInfo) outOfRange(v float64, verb, want string) string {
	unit := info.Unit
	if unit != "" {
		unit = " " + unit
	}
	msg := fmt.Sprintf("%s %g%s %s %s", info.Name, v, unit, verb, want)
	for _, o := range info.OtherUnits {
		c := v * o.Factor
		if o.Factor != 1 && c >= info.PlausibleMin && c <= info.PlausibleMax && !(info.MinOpen && c == 0) {
			msg += fmt.Sprintf("; if it is in %s, that is %.4g %s (declare the unit: %s=%s)", o.Name, c, info.Unit, labName(info), o.Name)
		}
	}
	return msg
}

// labName returns the name under which a unit is declared (a ULN's lab).
func labName(info *FieldInfo) string { return strings.TrimSuffix(info.Name, "_uln") }

// parseNumber reads a number, or a missing value (table.IsMissing) as NaN;
// ok is false for anything else, infinities included.
func parseNumber(s string, decimalComma bool) (v float64, ok bool) {
	v, err := table.ParseFloat(s, decimalComma)
	return v, err == nil
}
