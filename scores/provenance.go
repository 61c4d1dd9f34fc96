package scores

import (
	"fmt"
	"strings"
)

// Sources of a model's numbers (Provenance.Source).
const (
	// SourcePublished: coefficients printed in a publication (IMPI).
	SourcePublished = "published"
	// SourceFitted: coefficients fitted by carimpi ("carimpi study").
	SourceFitted = "fitted"
	// SourceHandEntered: typed into a model file by a person (also every
	// model file that does not say where its numbers come from).
	SourceHandEntered = "hand-entered"
)

// FittedOn describes the data a fitted model was fitted on.
type FittedOn struct {
	// Simulated is true when the data were simulated (not patients): every
	// output made with the model says so.
	Simulated bool `json:"simulated"`
	// Data names the data in words (a file name, or "the embedded
	// simulated cohort").
	Data string `json:"data"`
	// Cohorts are the cohort(s) the model was developed on.
	Cohorts []string `json:"cohorts"`
	N       int      `json:"n"`
	Events  int      `json:"events"`
	// SHA256 is the hash of the data file's bytes as read.
	SHA256         string `json:"sha256"`
	CarimpiVersion string `json:"carimpi_version"`
	Method         string `json:"method"`
}

// Provenance says where a model's numbers come from. A fitted model's
// citation names carimpi and the data, never the paper as the source of
// its coefficients (FittedCitation).
type Provenance struct {
	Source   string    `json:"source"`
	FittedOn *FittedOn `json:"fitted_on,omitempty"`
	Citation string    `json:"citation"`
	DOI      string    `json:"doi"`
	// Date is written only when the model file carries one (model files
	// are otherwise byte-stable).
	Date string `json:"date,omitempty"`
	// Warnings are what the model file left unsaid (no source, no
	// cutoffs); every result made with the model repeats them.
	Warnings []string `json:"warnings,omitempty"`
}

// Simulated reports whether the model was fitted on simulated data.
func (p *Provenance) Simulated() bool { return p.FittedOn != nil && p.FittedOn.Simulated }

// FittedCitation is the citation of a model fitted by carimpi: the method
// is the paper's, the coefficients are carimpi's fit on data.
func FittedCitation(data string) string {
	return "method of Winkelmann et al. 2025; coefficients fitted by carimpi on " + data
}

// SimulatedWarning is the line every output made with a model fitted on
// simulated data starts with.
const SimulatedWarning = "MODEL FITTED ON SIMULATED DATA — NOT FOR PATIENTS"

// Describe returns the provenance in one line: source, data and citation.
func (p *Provenance) Describe() string {
	var parts []string
	parts = append(parts, "source: "+p.Source)
	if f := p.FittedOn; f != nil {
		s := fmt.Sprintf("fitted on %s (%s, n = %d, %d events; %s; carimpi %s", f.Data, strings.Join(f.Cohorts, ", "), f.N, f.Events, f.Method, f.CarimpiVersion)
		if f.SHA256 != "" {
			s += "; data sha256 " + f.SHA256[:min(12, len(f.SHA256))]
		}
		s += ")"
		if f.Simulated {
			s += " — SIMULATED DATA"
		}
		parts = append(parts, s)
	}
	if p.Citation != "" {
		parts = append(parts, "citation: "+p.Citation)
	}
	return strings.Join(parts, "; ")
}
