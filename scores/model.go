package scores

import "carimpi/record"

// Citation is a published source with its DOI.
type Citation struct {
	Text string `json:"text"`
	DOI  string `json:"doi"`
}

// Group is one risk group of a model under one grouping scheme.
type Group struct {
	Scheme string `json:"scheme"`          // e.g. "median", "terciles", "original"
	Name   string `json:"name"`            // lower-case words: "low", "high-intermediate", ...
	Rule   string `json:"rule"`            // e.g. "score >= 1.35"
	Label  string `json:"label,omitempty"` // the scheme for people, e.g. "Rejeski 2021 (high ≥ 2)"
}

// Input is one input of a model: a data dictionary field (or a note on how
// it is used) and whether the model needs it.
type Input struct {
	Field    string  `json:"field"`
	Unit     string  `json:"unit"`
	Min      float64 `json:"min"`
	Max      float64 `json:"max"`
	Required bool    `json:"required"`
	Use      string  `json:"use"`
}

// Info is what every model carries: identity, version, sources, inputs,
// the rule in words, its groups and notes on conventions.
type Info struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Version string `json:"version"`
	// Citation and DOI repeat the primary source (Citations[0]); they are
	// filled by Scorer.Models.
	Citation  string     `json:"citation"`
	DOI       string     `json:"doi"`
	Citations []Citation `json:"citations"`
	Inputs    []Input    `json:"inputs"`
	Rule      string     `json:"rule"`
	Groups    []Group    `json:"groups"`
	// Cutoffs are the numeric group boundaries of a linear predictor (IMPI
	// type models; nil for the others, whose Groups carry the rules).
	Cutoffs *CutoffValues `json:"cutoffs,omitempty"`
	Notes   []string      `json:"notes"`
	// Provenance says where the numbers of IMPI and CAR-IMPI come from
	// (source, what a fitted model was fitted on, warnings); filled by
	// Scorer.Models.
	Provenance *Provenance `json:"provenance,omitempty"`
	// Scope: what the index predicts, where it was validated, its cutoffs.
	Scope *Scope `json:"scope,omitempty"`
}

// CutoffValues are Cutoffs as written in model files and listings: null
// where a scheme is not defined.
type CutoffValues struct {
	Median   *float64    `json:"median"`
	Terciles *[2]float64 `json:"terciles"`
}

// inputs builds the Input list of a model; uses gives, per field, how the
// model uses it, and required marks the fields it cannot do without.
func inputs(required bool, uses ...any) []Input {
	var out []Input
	for i := 0; i+1 < len(uses); i += 2 {
		info := uses[i].(record.Field).Info()
		out = append(out, Input{Field: info.Name, Unit: info.Unit, Min: info.Min, Max: info.Max, Required: required || info.Required, Use: uses[i+1].(string)})
	}
	return out
}
