package scores_test

import (
	"strings"
	"testing"

	"carimpi/record"
	"carimpi/scores"
)

// TestScopeOnEveryResult: every index of a detailed result says what it
// predicts, where it was validated and which cutoffs it used; the
// CAR-HEMATOTOX groupings carry their names; default ULNs and an
// incomplete InflaMix core panel are warned about.
func TestScopeOnEveryResult(t *testing.T) {
	s := synthScorer(t)
	if err := s.Use(loadTestModel(t)); err != nil {
		t.Fatal(err)
	}
	p := patient(map[record.Field]float64{record.Age: 64, record.Stage: 3, record.MTV: 120, record.ECOG: 1, record.ExtranodalSites: 2,
		record.NCCNExtranodal: 1, record.LDH: 300, record.CRP: 2.1, record.Ferritin: 800, record.Hb: 10, record.Plt: 120, record.ANC: 2})
	p.MTVMethod = "41pct"
	r := s.Score(&p)
	if r.CARIMPI.MTVMethod != "41pct" || r.IMPI.MTVMethod != "41pct" {
		t.Errorf("mtv_method not recorded: %q %q", r.CARIMPI.MTVMethod, r.IMPI.MTVMethod)
	}
	for _, ix := range r.Indices() {
		if ix.Scope == nil || ix.Scope.Predicts == "" || ix.Scope.ValidatedIn == "" || ix.Scope.Cutoffs == "" || ix.Scope.OnCutoff == "" {
			t.Errorf("%s: scope %+v", ix.ID, ix.Scope)
		}
	}
	if c := r.CARIMPI.Scope.Cutoffs; c != "median 1.35; terciles 1.07 and 1.58" {
		t.Errorf("CAR-IMPI cutoffs used %q", c)
	}
	if !strings.Contains(r.CARIMPI.Scope.Inputs, "last PET before lymphodepletion (after bridging)") {
		t.Errorf("CAR-IMPI inputs %q", r.CARIMPI.Scope.Inputs)
	}
	if !strings.Contains(r.Hematotox.Scope.ValidatedIn, "axi-cel or tisa-cel") || !strings.Contains(r.InflaMix.Scope.ValidatedIn, "6 core labs") {
		t.Errorf("scopes %+v %+v", r.Hematotox.Scope, r.InflaMix.Scope)
	}
	var labels []string
	for _, g := range r.Hematotox.Groups {
		labels = append(labels, g.Label+": "+g.Name)
	}
	if strings.Join(labels, "; ") != "Rejeski 2021 (high ≥ 2): high; CAR-IMPI paper, exploratory (high ≥ 3): low" {
		t.Errorf("CAR-HEMATOTOX groups %q", labels)
	}
	var msgs []string
	for _, w := range r.Warnings {
		msgs = append(msgs, w.Message)
	}
	all := strings.Join(msgs, "\n")
	for _, want := range []string{"default upper limit of normal used: ldh_uln 250 U/L, crp_uln 0.3 mg/dL, ferritin_uln 415 ng/mL, hb_uln 16.2 g/dL, plt_uln 400 10^9/L", "missing albumin, alp, ast"} {
		if !strings.Contains(all, want) {
			t.Errorf("no warning %q in\n%s", want, all)
		}
	}
	// With its ULNs given and the core panel complete, no such warnings.
	for f, v := range map[record.Field]float64{record.LDHULN: 240, record.CRPULN: 0.5, record.PltULN: 400, record.FerritinULN: 300, record.HbULN: 15,
		record.Albumin: 3.5, record.AlbuminULN: 5, record.ALP: 90, record.ALPULN: 120, record.AST: 30, record.ASTULN: 40} {
		f.SetFloat(&p, v)
	}
	if r := s.Score(&p); len(r.Warnings) != 0 {
		t.Errorf("warnings with every ULN and the core panel: %v", r.Warnings)
	}
	// The models listing carries the scopes too.
	for _, in := range s.Models() {
		if in.Scope == nil {
			t.Errorf("%s: no scope in the listing", in.ID)
		}
	}
}

// TestCARIMPINotesNameCutoffsPublished checks that the notes every CAR-IMPI
// model carries (fitted ones too, whose cutoffs are their own) never state
// the published cutoffs as if they were the model's.
func TestCARIMPINotesNameCutoffsPublished(t *testing.T) {
	for _, n := range scores.CARIMPI().Notes {
		if strings.Contains(n, "1.35") && !strings.Contains(n, "published") {
			t.Errorf("note gives the paper's cutoffs without saying they are the published ones: %q", n)
		}
		// Every CAR-IMPI model carries these notes, fitted and recalibrated
		// ones included: none may say the model lacks its coefficients.
		if strings.Contains(n, "must supply") {
			t.Errorf("note would tell a fitted model's user it has no coefficients: %q", n)
		}
	}
}
