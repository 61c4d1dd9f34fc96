package scores

import (
	"fmt"
	"math"
	"strconv"
)

// Scope says what an index predicts, in whom it was validated, when its
// inputs are taken, which cutoff numbers it uses and what happens to a
// value exactly on a cutoff. Every detailed result carries its index's
// Scope, so that a number never travels without what it means.
type Scope struct {
	Predicts    string `json:"predicts"`
	ValidatedIn string `json:"validated_in"`
	Inputs      string `json:"inputs"`
	Cutoffs     string `json:"cutoffs"`
	OnCutoff    string `json:"on_cutoff"`
}

var scopes = map[string]*Scope{
	IDIMPI: {
		Predicts:    "progression-free and overall survival after first-line treatment of diffuse large B-cell lymphoma",
		ValidatedIn: "first-line DLBCL treated with R-CHOP (Mikhaeel 2022; Ikeda 2024); not developed for CAR T cells (see CAR-IMPI)",
		Inputs:      "MTV from the baseline (staging) PET, age, Ann Arbor stage",
		Cutoffs:     "none: IMPI is a continuous score",
		OnCutoff:    "not applicable",
	},
	IDHematotox: {
		Predicts:    "hematotoxicity (prolonged cytopenia), infections and survival after CD19 CAR T cells",
		ValidatedIn: "relapsed/refractory large B-cell lymphoma treated with axi-cel or tisa-cel (Rejeski 2021)",
		Inputs:      "labs before lymphodepletion (baseline)",
		Cutoffs:     "points: platelets < 75 -> 2, 75-175 -> 1 (10^9/L); ANC < 1.2 -> 1 (10^9/L); Hb < 9.0 -> 1 (g/dL); CRP >= 3.0 -> 1 (mg/dL); ferritin > 2000 -> 2, 650-2000 -> 1 (ng/mL); groups: Rejeski 2021 (high >= 2) and CAR-IMPI paper, exploratory (high >= 3)",
		OnCutoff:    "a value exactly on a threshold: platelets 75 and 175 score 1, ANC 1.2 and Hb 9.0 score 0, CRP 3.0 scores 1, ferritin 650 and 2000 score 1 (the published ranges are inclusive); a score of exactly 2 is high under Rejeski 2021, of exactly 3 high under the CAR-IMPI paper's threshold",
	},
	IDInflaMix: {
		Predicts:    "membership of the inflammatory cluster, associated with shorter progression-free and overall survival after CD19 CAR T cells",
		ValidatedIn: "large B-cell lymphoma before CD19 CAR T cells (Raj 2025), with at least the 6 core labs Hb, albumin, LDH, CRP, ALP and AST; research use only, under the MSK InflaMix Terms of Use",
		Inputs:      "labs within 48 h before infusion, each divided by its own upper limit of normal",
		Cutoffs:     "inflamed when the posterior probability of the inflammatory component > 0.5",
		OnCutoff:    "a posterior of exactly 0.5 is non-inflamed",
	},
	IDIPI: {
		Predicts:    "overall survival of aggressive non-Hodgkin lymphoma",
		ValidatedIn: "aggressive NHL treated with doxorubicin-based chemotherapy before rituximab (1993); not developed for CAR T cells",
		Inputs:      "at diagnosis: age, Ann Arbor stage, ECOG, LDH with its ULN, number of extranodal sites",
		Cutoffs:     "one point each for age > 60, stage III-IV, ECOG >= 2, LDH > ULN, > 1 extranodal site; groups 0-1 low, 2 low-intermediate, 3 high-intermediate, 4-5 high",
		OnCutoff:    "age exactly 60, LDH exactly at the ULN and exactly 1 extranodal site score 0",
	},
	IDRIPI: {
		Predicts:    "progression-free and overall survival of DLBCL treated with R-CHOP",
		ValidatedIn: "DLBCL treated with R-CHOP in British Columbia (Sehn 2007); not developed for CAR T cells",
		Inputs:      "the IPI's, at diagnosis",
		Cutoffs:     "IPI points 0 very good, 1-2 good, 3-5 poor",
		OnCutoff:    "as the IPI",
	},
	IDNCCNIPI: {
		Predicts:    "overall and progression-free survival of DLBCL treated with R-CHOP",
		ValidatedIn: "DLBCL treated with R-CHOP (NCCN database, validated in British Columbia; Zhou 2014); not developed for CAR T cells",
		Inputs:      "at diagnosis: age, LDH/ULN, Ann Arbor stage, extranodal disease in bone marrow, CNS, liver/GI tract or lung, ECOG",
		Cutoffs:     "age > 40-60: 1, > 60-75: 2, > 75: 3; LDH/ULN > 1-3: 1, > 3: 2; stage III-IV: 1; extranodal site: 1; ECOG >= 2: 1; groups 0-1, 2-3, 4-5, >= 6",
		OnCutoff:    "age exactly 40, 60 or 75 and LDH/ULN exactly 1 or 3 score in the lower band",
	},
	IDEASIX: {
		Predicts:    "mortality in acute graft-versus-host disease after allogeneic transplantation; exploratory for endothelial toxicity after CAR T cells",
		ValidatedIn: "acute GVHD after allogeneic stem-cell transplantation (Luft 2017)",
		Inputs:      "LDH (U/L), creatinine (mg/dL), platelets (10^9/L), before lymphodepletion when used for CAR T cells",
		Cutoffs:     "none: continuous (log2 also reported)",
		OnCutoff:    "not applicable",
	},
	IDMEASIX: {
		Predicts:    "severe cytokine release syndrome and neurotoxicity (ICANS) after CAR T cells",
		ValidatedIn: "CAR T-cell recipients with lymphoma (Pennisi 2021)",
		Inputs:      "LDH (U/L), CRP (mg/dL), platelets (10^9/L) before lymphodepletion",
		Cutoffs:     "none: continuous (log2 also reported)",
		OnCutoff:    "not applicable",
	},
	IDCombinedHT: {
		Predicts:    "progression-free and overall survival by CAR-IMPI and CAR-HEMATOTOX together",
		ValidatedIn: "exploratory combination of the CAR-IMPI paper (Fig. 4, pooled cohorts); not separately validated",
		Inputs:      "CAR-IMPI median group and CAR-HEMATOTOX (>= 3)",
		Cutoffs:     "CAR-IMPI median group x CAR-HEMATOTOX high >= 3",
		OnCutoff:    "as CAR-IMPI and CAR-HEMATOTOX",
	},
	IDCombinedInfl: {
		Predicts:    "progression-free and overall survival by CAR-IMPI and the InflaMix cluster together",
		ValidatedIn: "exploratory combination of the CAR-IMPI paper (Fig. 4, pooled cohorts); not separately validated",
		Inputs:      "CAR-IMPI median group and InflaMix cluster",
		Cutoffs:     "CAR-IMPI median group x InflaMix inflamed (posterior > 0.5)",
		OnCutoff:    "as CAR-IMPI and InflaMix",
	},
}

// carimpiScope is CAR-IMPI's scope without its cutoff numbers, which are
// the model's (coxScope).
var carimpiScope = Scope{
	Predicts:    "progression-free survival (and overall survival) after CD19 CAR T cells in large B-cell lymphoma",
	ValidatedIn: "LBCL treated with axi-cel, tisa-cel or liso-cel: development n = 256 (five centres), validation n = 248 (MSKCC) (Winkelmann 2025)",
	Inputs:      "MTV from the last PET before lymphodepletion (after bridging), age at infusion, Ann Arbor stage",
	OnCutoff:    "a score exactly on a cutoff is in the higher group (low < median <= high; low < T1 <= intermediate < T2 <= high)",
}

// ScopeOf returns the scope of the index id (nil when unknown). For
// IMPI and CAR-IMPI use CoxModel.Scope, which has the model's cutoffs.
func ScopeOf(id string) *Scope { return scopes[id] }

// Scope returns the model's scope with the cutoff numbers it uses.
func (m *CoxModel) Scope() *Scope {
	if m.ID == IDIMPI {
		return scopes[IDIMPI]
	}
	s := carimpiScope
	s.Cutoffs = m.Cutoffs.describe()
	if m.Provenance.Source != SourcePublished {
		s.ValidatedIn = "the published CAR-IMPI: " + s.ValidatedIn + "; this model file's coefficients (" + m.Provenance.Source + ") are not that validation's"
	}
	return &s
}

// describe gives the cutoff numbers in words.
func (c Cutoffs) describe() string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	switch {
	case math.IsNaN(c.Median) && math.IsNaN(c.Terciles[0]):
		return "none: the model file declares no cutoffs, so no risk groups"
	case math.IsNaN(c.Terciles[0]):
		return "median " + f(c.Median)
	case math.IsNaN(c.Median):
		return fmt.Sprintf("terciles %s and %s", f(c.Terciles[0]), f(c.Terciles[1]))
	}
	return fmt.Sprintf("median %s; terciles %s and %s", f(c.Median), f(c.Terciles[0]), f(c.Terciles[1]))
}
