package server

import (
	"strconv"
	"strings"

	"carimpi/record"
)

// The web page's form, as data rendered by web/index.html. Units, their
// conversion factors and the default upper limits of normal come from the
// data dictionary of package record (record.Info), so the page and the
// API cannot disagree on them. The page converts at its edge: it sends
// value×Factor, so the API only ever sees the dictionary's units. A lab and
// its ULN share one selector, so their ratio never depends on the unit.

// formUnit is one choice of a unit selector.
type formUnit struct {
	Label  string
	Factor string // value in the canonical unit = value × Factor
}

// formOption is one choice of a select input; Value "" means missing.
type formOption struct{ Value, Label string }

// formInput is one field of the form.
type formInput struct {
	Name, Label, Help string
	Opts              []formOption // a select when non-nil
	Units             []formUnit   // canonical first
	ULN               string       // the lab's ULN column, "" if none
	ULNDefault        string
	Min, Max          string
	Step              string
}

// formSection is a fieldset of the form.
type formSection struct {
	Legend string
	Inputs []formInput
}

// formSpec lists the form's fields: column name, label, help and, for a
// select, its choices.
var formSpec = []struct {
	legend string
	inputs []formInput
}{
	{"Patient", []formInput{
		{Name: "age", Label: "Age", Help: "years at infusion"},
		{Name: "stage", Label: "Ann Arbor stage", Opts: []formOption{{"", "unknown"}, {"1", "I"}, {"2", "II"}, {"3", "III"}, {"4", "IV"}}},
		{Name: "mtv_ml", Label: "Metabolic tumor volume (MTV)", Help: "last PET before lymphodepletion (after bridging)"},
		{Name: "mtv_method", Label: "MTV segmentation", Opts: []formOption{{"", "not stated"}, {"SUV4", "SUV 4.0 (absolute)"}, {"41pct", "41% of SUVmax"}}},
		{Name: "ecog", Label: "ECOG performance status", Opts: []formOption{{"", "unknown"}, {"0", "0"}, {"1", "1"}, {"2", "2"}, {"3", "3"}, {"4", "4"}}},
		{Name: "extranodal_sites", Label: "Extranodal sites", Help: "count, for IPI"},
		{Name: "nccn_extranodal", Label: "NCCN extranodal disease", Help: "bone marrow, CNS, liver/GI tract or lung", Opts: []formOption{{"", "unknown"}, {"0", "no"}, {"1", "yes"}}},
	}},
	{"Laboratory values before lymphodepletion", []formInput{
		{Name: "ldh", Label: "LDH"},
		{Name: "crp", Label: "C-reactive protein (CRP)"},
		{Name: "ferritin", Label: "Ferritin"},
		{Name: "hb", Label: "Hemoglobin"},
		{Name: "plt", Label: "Platelets"},
		{Name: "anc", Label: "Neutrophils (ANC)"},
		{Name: "creatinine", Label: "Creatinine"},
	}},
	{"Further InflaMix laboratory values", []formInput{
		{Name: "albumin", Label: "Albumin"},
		{Name: "alp", Label: "Alkaline phosphatase"},
		{Name: "ast", Label: "AST"},
		{Name: "tbili", Label: "Total bilirubin"},
		{Name: "wbc", Label: "White blood cells"},
		{Name: "il6", Label: "IL-6"},
		{Name: "il10", Label: "IL-10"},
		{Name: "tnfa", Label: "TNF-α"},
		{Name: "ddimer", Label: "D-dimer"},
	}},
}

// unitLabel spells the data dictionary's ASCII unit names for the page.
var unitLabel = strings.NewReplacer("10^9", "10⁹", "10^3", "10³", "umol", "µmol", "ug", "µg", "uL", "µL")

// formSections fills formSpec from the data dictionary; defaultULN gives
// the ULN preset of a ULN column (the scorer's, which a run may override).
func formSections(defaultULN func(record.Field) float64) []formSection {
	g := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	var out []formSection
	for _, s := range formSpec {
		sec := formSection{Legend: s.legend}
		for _, in := range s.inputs {
			f, ok := record.Lookup(in.Name)
			if !ok {
				panic("server: form field " + in.Name + " is not in the data dictionary")
			}
			info := f.Info()
			in.Min, in.Max, in.Step = g(info.Min), g(info.Max), "any"
			if info.Integer {
				in.Step = "1"
			}
			if info.Unit != "" {
				in.Units = append(in.Units, formUnit{unitLabel.Replace(info.Unit), "1"})
				for _, u := range info.Units[1:] {
					if u.Factor != 1 { // synonyms of the canonical unit add nothing
						in.Units = append(in.Units, formUnit{unitLabel.Replace(u.Name), g(u.Factor)})
					}
				}
			}
			if uf, ok := f.ULN(); ok {
				in.ULN, in.ULNDefault = uf.Name(), g(defaultULN(uf))
			}
			sec.Inputs = append(sec.Inputs, in)
		}
		out = append(out, sec)
	}
	return out
}
