package scores

import (
	"carimpi/record"

	"fmt"
	"math"
	"strings"

	"carimpi/internal/jsonx"
)

// The CAR-HEMATOTOX groupings, for people (schemes "original" and
// "paper").
const (
	HematotoxOriginal = "Rejeski 2021 (high ≥ 2)"
	HematotoxPaper    = "CAR-IMPI paper, exploratory (high ≥ 3)"
)

// Rule-based indices. Each has an Info (for "carimpi models") and a
// function that computes it from a Patient; detail adds the terms.

var hematotoxInfo = Info{
	ID: IDHematotox, Name: "CAR-HEMATOTOX", Version: "2021",
	Citations: []Citation{{"Rejeski K et al. CAR-HEMATOTOX: a model for CAR T-cell-related hematologic toxicity in relapsed/refractory large B-cell lymphoma. Blood 2021;138:2499-2513.", "10.1182/blood.2020010543"}},
	Inputs:    inputs(true, record.Plt, "< 75: 2; 75-175: 1", record.ANC, "< 1.2: 1", record.Hb, "< 9.0: 1", record.CRP, ">= 3.0 mg/dL: 1", record.Ferritin, "> 2000: 2; 650-2000: 1"),
	Rule:      "sum of points: platelets < 75 -> 2, 75-175 -> 1; ANC < 1.2 -> 1; Hb < 9.0 -> 1; CRP >= 3.0 mg/dL -> 1; ferritin > 2000 -> 2, 650-2000 -> 1 (both 1-point ranges inclusive); score 0-7",
	Groups: []Group{
		{"original", "low", "score 0-1", HematotoxOriginal}, {"original", "high", "score >= 2", HematotoxOriginal},
		{"paper", "low", "score 0-2", HematotoxPaper}, {"paper", "high", "score >= 3", HematotoxPaper},
	},
	Notes: []string{
		"Both groupings are reported: " + HematotoxOriginal + " and " + HematotoxPaper + " (used for the combined groups of the CAR-IMPI paper).",
		"A value exactly on a threshold: platelets 75 and 175 score 1, ANC 1.2 and Hb 9.0 score 0, CRP 3.0 scores 1, ferritin 650 and 2000 score 1.",
		"Not computed when any of the five inputs is missing.",
	},
}

var ipiInfo = Info{
	ID: IDIPI, Name: "IPI", Version: "1993",
	Citations: []Citation{{"The International Non-Hodgkin's Lymphoma Prognostic Factors Project. A predictive model for aggressive non-Hodgkin's lymphoma. N Engl J Med 1993;329:987-94.", "10.1056/NEJM199309303291402"}},
	Inputs:    inputs(true, record.Age, "> 60: 1", record.Stage, "III-IV: 1", record.ECOG, ">= 2: 1", record.LDH, "> ULN: 1", record.LDHULN, "upper limit of normal (default 250)", record.ExtranodalSites, "> 1: 1"),
	Rule:      "one point each: age > 60, stage III-IV, ECOG >= 2, LDH > ULN, more than 1 extranodal site",
	Groups:    []Group{{"ipi", "low", "0-1", ""}, {"ipi", "low-intermediate", "2", ""}, {"ipi", "high-intermediate", "3", ""}, {"ipi", "high", "4-5", ""}},
}

var ripiInfo = Info{
	ID: IDRIPI, Name: "R-IPI", Version: "2007",
	Citations: []Citation{{"Sehn LH et al. The revised International Prognostic Index (R-IPI) is a better predictor of outcome than the standard IPI for patients with diffuse large B-cell lymphoma treated with R-CHOP. Blood 2007;109:1857-61.", "10.1182/blood-2006-08-038257"}},
	Inputs:    ipiInfo.Inputs,
	Rule:      "the IPI points regrouped",
	Groups:    []Group{{"r-ipi", "very-good", "0", ""}, {"r-ipi", "good", "1-2", ""}, {"r-ipi", "poor", "3-5", ""}},
}

var nccnInfo = Info{
	ID: IDNCCNIPI, Name: "NCCN-IPI", Version: "2014",
	Citations: []Citation{{"Zhou Z et al. An enhanced International Prognostic Index (NCCN-IPI) for patients with diffuse large B-cell lymphoma treated in the rituximab era. Blood 2014;123:837-42.", "10.1182/blood-2013-09-524108"}},
	Inputs: inputs(true, record.Age, "> 40-60: 1; > 60-75: 2; > 75: 3", record.LDH, "LDH/ULN > 1-3: 1; > 3: 2", record.LDHULN, "upper limit of normal (default 250)",
		record.Stage, "III-IV: 1", record.NCCNExtranodal, "1: 1", record.ECOG, ">= 2: 1"),
	Rule:   "age > 40-60: 1, > 60-75: 2, > 75: 3; LDH/ULN > 1-3: 1, > 3: 2; stage III-IV: 1; extranodal disease in bone marrow, CNS, liver/GI tract or lung: 1; ECOG >= 2: 1; score 0-8",
	Groups: []Group{{"nccn-ipi", "low", "0-1", ""}, {"nccn-ipi", "low-intermediate", "2-3", ""}, {"nccn-ipi", "high-intermediate", "4-5", ""}, {"nccn-ipi", "high", ">= 6", ""}},
}

var easixInfo = Info{
	ID: IDEASIX, Name: "EASIX", Version: "2017",
	Citations: []Citation{{"Luft T et al. EASIX in patients with acute graft-versus-host disease: a retrospective cohort analysis. Lancet Haematol 2017;4:e414-23.", ""}},
	Inputs:    inputs(true, record.LDH, "U/L", record.Creatinine, "mg/dL", record.Plt, "10^9/L"),
	Rule:      "EASIX = LDH (U/L) × creatinine (mg/dL) / platelets (10^9/L); log2(EASIX) also reported",
	Notes:     []string{"Continuous; no groups. Undefined (null) when platelets are 0.", "The DOI is not recorded here (not verified)."},
}

var measixInfo = Info{
	ID: IDMEASIX, Name: "m-EASIX", Version: "2021",
	Citations: []Citation{{"Pennisi M et al. Modified EASIX predicts severe cytokine release syndrome and neurotoxicity after chimeric antigen receptor T cells. Blood Adv 2021;5:3397-3406.", ""}},
	Inputs:    inputs(true, record.LDH, "U/L", record.CRP, "mg/dL", record.Plt, "10^9/L"),
	Rule:      "m-EASIX = LDH (U/L) × CRP (mg/dL) / platelets (10^9/L); log2(m-EASIX) also reported",
	Notes:     []string{"Continuous; no groups. Undefined (null) when platelets are 0.", "The DOI is not recorded here (not verified)."},
}

var combinedHTInfo = Info{
	ID: IDCombinedHT, Name: "CAR-IMPI × CAR-HEMATOTOX", Version: "2025",
	Citations: []Citation{{"Winkelmann M et al. Blood Cancer J 2025;15:144, Fig. 4.", "10.1038/s41408-025-01338-1"}},
	Inputs:    []Input{{Field: "car-impi", Required: true, Use: "median group (c-low < 1.35 <= c-high)"}, {Field: "car-hematotox", Required: true, Use: "h-low 0-2, h-high >= 3"}},
	Rule:      "CAR-IMPI median group × CAR-HEMATOTOX (>= 3)",
	Groups:    []Group{{"combined", "c-low/h-low", "", ""}, {"combined", "c-low/h-high", "", ""}, {"combined", "c-high/h-low", "", ""}, {"combined", "c-high/h-high", "", ""}},
	Notes:     []string{"Needs CAR-IMPI, hence a model file with its coefficients."},
}

var combinedInflInfo = Info{
	ID: IDCombinedInfl, Name: "CAR-IMPI × InflaMix", Version: "2025",
	Citations: combinedHTInfo.Citations,
	Inputs:    []Input{{Field: "car-impi", Required: true, Use: "median group"}, {Field: "inflamix", Required: true, Use: "cluster (inflamed: posterior > 0.5)"}},
	Rule:      "CAR-IMPI median group × InflaMix cluster",
	Groups:    []Group{{"combined", "c-low/non-inflamed", "", ""}, {"combined", "c-low/inflamed", "", ""}, {"combined", "c-high/non-inflamed", "", ""}, {"combined", "c-high/inflamed", "", ""}},
	Notes:     combinedHTInfo.Notes,
}

// need records why the missing inputs of an index are missing; it
// returns true when all are present.
func need(in *patientIn, ix *Index, fs ...record.Field) bool {
	ok := true
	for _, f := range fs {
		if !f.Has(in.p) {
			ok = false
			ix.Unusable = append(ix.Unusable, in.why(f))
		}
	}
	return ok
}

func (ix *Index) term(detail bool, f record.Field, v, points float64, rule string) {
	if detail {
		ix.Terms = append(ix.Terms, Term{Input: f.Name(), Value: jsonx.Float(v), Points: jsonx.Float(points), Rule: rule})
	}
}

// Group tables: results share these slices, which are never modified.
var (
	hematotoxGroups = [][]GroupOf{
		{{"original", "low", HematotoxOriginal}, {"paper", "low", HematotoxPaper}},
		{{"original", "high", HematotoxOriginal}, {"paper", "low", HematotoxPaper}},
		{{"original", "high", HematotoxOriginal}, {"paper", "high", HematotoxPaper}},
	}
	ipiGroups      = groupTable("ipi", "low", "low", "low-intermediate", "high-intermediate", "high", "high")
	ripiGroups     = groupTable("r-ipi", "very-good", "good", "good", "poor", "poor", "poor")
	nccnGroups     = groupTable("nccn-ipi", "low", "low", "low-intermediate", "low-intermediate", "high-intermediate", "high-intermediate", "high", "high", "high")
	inflamixGroups = groupTable("cluster", "non-inflamed", "inflamed")
	combinedGroups = map[string][]GroupOf{}
)

// CombinedGroupLabel names a combined group of the CAR-IMPI paper (Fig 4)
// for people, as the figure's legend does: c- is the CAR-IMPI median
// group, h- the CAR-HEMATOTOX group (>= 3), the InflaMix clusters keep
// their names ("c-low/h-high" is "CAR-IMPI low / CAR-HEMATOTOX high",
// "c-high/inflamed" "CAR-IMPI high / inflamed"). Results keep the codes;
// anything that is not such a code is returned as it is.
func CombinedGroupLabel(code string) string {
	a, b, ok := strings.Cut(code, "/")
	lvl, isC := strings.CutPrefix(a, "c-")
	if !ok || !isC {
		return code
	}
	if h, isH := strings.CutPrefix(b, "h-"); isH {
		b = "CAR-HEMATOTOX " + h
	}
	return "CAR-IMPI " + lvl + " / " + b
}

func groupTable(scheme string, names ...string) [][]GroupOf {
	t := make([][]GroupOf, len(names))
	for i, n := range names {
		t[i] = []GroupOf{{scheme, n, ""}}
	}
	return t
}

func init() {
	for _, c := range []string{"low", "high"} {
		for _, o := range []string{"h-low", "h-high", "non-inflamed", "inflamed"} {
			name := "c-" + c + "/" + o
			combinedGroups[name] = []GroupOf{{"combined", name, ""}}
		}
	}
}

func hematotox(in *patientIn, detail bool) Index {
	ix := newIndex(&hematotoxInfo)
	p := in.p
	if !need(in, &ix, record.Plt, record.ANC, record.Hb, record.CRP, record.Ferritin) {
		return ix
	}
	plt, anc, hb, crp, fer := p.Plt, p.ANC, p.Hb, p.CRP, p.Ferritin
	pp := 0.0
	switch {
	case plt < 75:
		pp = 2
	case plt <= 175:
		pp = 1
	}
	pa := b2f(anc < 1.2)
	ph := b2f(hb < 9.0)
	pc := b2f(crp >= 3.0)
	pf := 0.0
	switch {
	case fer > 2000:
		pf = 2
	case fer >= 650:
		pf = 1
	}
	ix.term(detail, record.Plt, plt, pp, "< 75: 2; 75-175: 1")
	ix.term(detail, record.ANC, anc, pa, "< 1.2: 1")
	ix.term(detail, record.Hb, hb, ph, "< 9.0: 1")
	ix.term(detail, record.CRP, crp, pc, ">= 3.0: 1")
	ix.term(detail, record.Ferritin, fer, pf, "> 2000: 2; 650-2000: 1")
	s := pp + pa + ph + pc + pf
	ix.Value = s
	g := 0 // low/low
	if s >= 2 {
		g = 1 // original high, paper low
	}
	if s >= 3 {
		g = 2
	}
	ix.Groups = hematotoxGroups[g]
	return ix
}

// ipi returns the IPI with its points and missing inputs.
func ipi(in *patientIn, uln float64, detail bool) Index {
	ix := newIndex(&ipiInfo)
	p := in.p
	if !need(in, &ix, record.Age, record.Stage, record.ECOG, record.LDH, record.ExtranodalSites) {
		return ix
	}
	age, st, ecog, ldh, en := p.Age, p.Stage, p.ECOG, p.LDH, p.ExtranodalSites
	pa, ps, pe, pl, pn := b2f(age > 60), b2f(st >= 3), b2f(ecog >= 2), b2f(ldh > uln), b2f(en > 1)
	ix.term(detail, record.Age, age, pa, "> 60: 1")
	ix.term(detail, record.Stage, st, ps, "III-IV: 1")
	ix.term(detail, record.ECOG, ecog, pe, ">= 2: 1")
	if detail {
		ix.term(detail, record.LDH, ldh, pl, fmt.Sprintf("> ULN (%g): 1", uln))
	}
	ix.term(detail, record.ExtranodalSites, en, pn, "> 1: 1")
	s := pa + ps + pe + pl + pn
	ix.Value = s
	ix.Groups = ipiGroups[int(s)]
	return ix
}

// ripi regroups the IPI points.
func ripi(ipiIx *Index) Index {
	ix := newIndex(&ripiInfo)
	ix.Terms, ix.Unusable = ipiIx.Terms, ipiIx.Unusable
	if s := ipiIx.Value; !math.IsNaN(s) {
		ix.Value = s
		ix.Groups = ripiGroups[int(s)]
	}
	return ix
}

func nccnIPI(in *patientIn, uln float64, detail bool) Index {
	ix := newIndex(&nccnInfo)
	p := in.p
	if !need(in, &ix, record.Age, record.LDH, record.Stage, record.NCCNExtranodal, record.ECOG) {
		return ix
	}
	age, ldh, st, en, ecog := p.Age, p.LDH, p.Stage, p.NCCNExtranodal, p.ECOG
	pa := 0.0
	switch {
	case age > 75:
		pa = 3
	case age > 60:
		pa = 2
	case age > 40:
		pa = 1
	}
	r := ldh / uln
	pl := 0.0
	switch {
	case r > 3:
		pl = 2
	case r > 1:
		pl = 1
	}
	ps, pn, pe := b2f(st >= 3), b2f(en >= 1), b2f(ecog >= 2)
	ix.term(detail, record.Age, age, pa, "> 40-60: 1; > 60-75: 2; > 75: 3")
	if detail {
		ix.term(detail, record.LDH, ldh, pl, fmt.Sprintf("LDH/ULN (ULN %g) > 1-3: 1; > 3: 2", uln))
	}
	ix.term(detail, record.Stage, st, ps, "III-IV: 1")
	ix.term(detail, record.NCCNExtranodal, en, pn, "bone marrow, CNS, liver/GI tract or lung: 1")
	ix.term(detail, record.ECOG, ecog, pe, ">= 2: 1")
	s := pa + pl + ps + pn + pe
	ix.Value = s
	ix.Groups = nccnGroups[int(s)]
	return ix
}

// easix computes record.LDH × x / platelets for x = creatinine (EASIX) or record.CRP
// (m-EASIX), with its log2.
func easix(in *patientIn, info *Info, x record.Field, detail bool) Index {
	ix := newIndex(info)
	p := in.p
	if !need(in, &ix, record.LDH, x, record.Plt) {
		return ix
	}
	ldh, xv, plt := p.LDH, x.Float(p), p.Plt
	if plt == 0 {
		ix.Unusable = append(ix.Unusable, record.Issue{Field: record.Plt.Name(), Value: "0", Message: "platelets of 0: " + info.Name + " is undefined"})
		return ix
	}
	ix.term(detail, record.LDH, ldh, ldh, "factor")
	ix.term(detail, x, xv, xv, "factor")
	ix.term(detail, record.Plt, plt, plt, "divisor")
	ix.Value = ldh * xv / plt
	ix.Log2 = math.Log2(ix.Value)
	return ix
}

// combined crosses the CAR-IMPI median group with a second group.
func combined(info *Info, carimpi *Index, other string, otherOK bool) Index {
	ix := newIndex(info)
	c := carimpi.Group("median")
	switch {
	case c == "" && carimpi.Note == NeedsModelFile:
		ix.Note = "needs CAR-IMPI, which needs a model file (--model)"
	case c == "":
		ix.Unusable = append(ix.Unusable, record.Issue{Field: IDCARIMPI, Message: "not computed: " + unusableText(carimpi)})
	case !otherOK:
		ix.Unusable = append(ix.Unusable, record.Issue{Field: info.Inputs[1].Field, Message: "not computed"})
		ix.Note = "needs " + info.Inputs[1].Field
	default:
		ix.Groups = combinedGroups["c-"+c+"/"+other]
	}
	return ix
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
