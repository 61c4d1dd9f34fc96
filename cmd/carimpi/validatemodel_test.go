package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"carimpi/internal/jsonx"
	"carimpi/internal/reftest"
	"carimpi/scores"
	"carimpi/study"
)

const vmData = "../../testdata/validate-model"

// vmJSON runs validate-model with --format json and decodes its answer,
// which must carry the study's research notice.
func vmJSON(t *testing.T, v *study.ExternalResults, args ...string) {
	t.Helper()
	out, errOut, code := runCLI(t, append(args, "--format", "json")...)
	if code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, errOut)
	}
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	if v.Notice != study.Notice {
		t.Errorf("notice %q", v.Notice)
	}
}

// sameJSON reports whether a and b encode to the same JSON (NaN as null).
func sameJSON(t *testing.T, a, b any) bool {
	t.Helper()
	var x, y strings.Builder
	if err := jsonx.Write(&x, a); err != nil {
		t.Fatal(err)
	}
	if err := jsonx.Write(&y, b); err != nil {
		t.Fatal(err)
	}
	return x.String() == y.String()
}

// TestValidateModelAgainstR validates the hand-entered model of
// testdata/validate-model on its simulated cohort and compares every
// measure with make.R's R computation (riskRegression::Score, survival,
// rms): 1e-6 relative, 1e-9 for the Kaplan-Meier pieces.
func TestValidateModelAgainstR(t *testing.T) {
	if got := vmAgainstR(t, vmData, "expected.json", "logrank_median_pfs", "pfs", 24, "--quiet"); !got.Simulated {
		t.Error("the simulated cohort is not reported as simulated")
	}
}

// TestValidateModelRotterdamAgainstR: another hand-entered model (PFS and
// OS baselines) on 700 patients of survival's rotterdam data, with the
// many tied and adjacent risks that rounded covariates give; the AUC
// agrees with riskRegression::Score only when the risks are R's doubles
// (internal/crmath), math.Exp/math.Pow moved it by 2e-5.
func TestValidateModelRotterdamAgainstR(t *testing.T) {
	dir := filepath.Join(vmData, "rotterdam")
	for _, ep := range []string{"pfs", "os"} {
		t.Run(ep, func(t *testing.T) {
			vmAgainstR(t, dir, "expected_"+ep+".json", "logrank_median", ep, 60, "--endpoint", ep, "--times", "12,36,60", "--quiet")
		})
	}
}

// vmAgainstR compares validate-model on dir's model.json and cohort.csv
// with the R values of dir/expected (written by dir/make.R).
func vmAgainstR(t *testing.T, dir, expected, logrankKey, endpoint string, unoTau float64, args ...string) *study.ExternalResults {
	t.Helper()
	var want struct {
		N       int
		Harrell struct{ C, SE float64 }
		Uno     struct{ C, SE float64 }
		AUC     jsonx.Floats `json:"auc"`
		AUCSE   jsonx.Floats `json:"auc_se"`
		AUCLo   jsonx.Floats `json:"auc_lower"`
		AUCHi   jsonx.Floats `json:"auc_upper"`
		Brier   jsonx.Floats `json:"brier"`
		BrierSE jsonx.Floats `json:"brier_se"`
		Null    jsonx.Floats `json:"brier_null"`
		IPA     jsonx.Floats `json:"ipa"`
		Obs     jsonx.Floats `json:"observed"`
		Exp     jsonx.Floats `json:"expected"`
		OE      jsonx.Floats `json:"oe"`
		OELo    jsonx.Floats `json:"oe_lower"`
		OEHi    jsonx.Floats `json:"oe_upper"`
		Slope   float64
		SlopeSE float64                                     `json:"slope_se"`
		Large   struct{ Observed, Expected, Ratio float64 } `json:"in_the_large"`
		ICI     jsonx.Floats
		E50     jsonx.Floats
		E90     jsonx.Floats
		NB      []jsonx.Floats `json:"net_benefit"`
	}
	reftest.Load(t, filepath.Join(dir, expected), &want)
	var raw map[string]json.RawMessage
	reftest.Load(t, filepath.Join(dir, expected), &raw)
	var lr struct {
		Chisq float64
		N     []int
	}
	if err := json.Unmarshal(raw[logrankKey], &lr); err != nil {
		t.Fatalf("%s: %v", logrankKey, err)
	}
	var got study.ExternalResults
	vmJSON(t, &got, append([]string{"validate-model", "--model", filepath.Join(dir, "model.json"), "--data", filepath.Join(dir, "cohort.csv")}, args...)...)
	const tol, tolKM = 1e-6, 1e-9
	if got.N != want.N {
		t.Fatalf("n %d, want %d", got.N, want.N)
	}
	d := got.Discrimination
	if d.Index[0] != "CAR-IMPI" || d.UnoTau != unoTau {
		t.Fatalf("discrimination %v tau %v", d.Index, d.UnoTau)
	}
	reftest.Close(t, "Harrell C", d.HarrellC[0], want.Harrell.C, tol)
	reftest.Close(t, "Harrell SE", d.HarrellSE[0], want.Harrell.SE, tol)
	reftest.Close(t, "Uno C", d.UnoC[0], want.Uno.C, tol)
	reftest.Close(t, "Uno SE", d.UnoSE[0], want.Uno.SE, tol)
	p := got.Prediction
	reftest.Floats(t, "AUC", p.AUC, want.AUC, tol)
	reftest.Floats(t, "AUC SE", p.AUCSE, want.AUCSE, tol)
	reftest.Floats(t, "AUC lower", p.AUCLower, want.AUCLo, tol)
	reftest.Floats(t, "AUC upper", p.AUCUpper, want.AUCHi, tol)
	reftest.Floats(t, "Brier", p.Brier, want.Brier, tol)
	reftest.Floats(t, "Brier SE", p.BrierSE, want.BrierSE, tol)
	reftest.Floats(t, "null Brier", p.BrierNull, want.Null, tol)
	reftest.Floats(t, "IPA", p.IPA, want.IPA, tol)
	reftest.Floats(t, "observed", p.Observed, want.Obs, tolKM)
	reftest.Floats(t, "expected", p.Expected, want.Exp, tolKM)
	reftest.Floats(t, "O/E", p.OE, want.OE, tolKM)
	reftest.Floats(t, "O/E lower", p.OELower, want.OELo, tolKM)
	reftest.Floats(t, "O/E upper", p.OEUpper, want.OEHi, tolKM)
	reftest.Close(t, "slope", float64(p.Slope.Slope), want.Slope, tol)
	reftest.Close(t, "slope SE", float64(p.Slope.SE), want.SlopeSE, tol)
	reftest.Close(t, "observed events", p.InTheLarge.Observed, want.Large.Observed, 0)
	reftest.Close(t, "expected events", float64(p.InTheLarge.Expected), want.Large.Expected, tolKM)
	reftest.Close(t, "O/E in the large", float64(p.InTheLarge.Ratio), want.Large.Ratio, tolKM)
	reftest.Floats(t, "ICI", p.ICI, want.ICI, tol)
	reftest.Floats(t, "E50", p.E50, want.E50, tol)
	reftest.Floats(t, "E90", p.E90, want.E90, tol)
	for k, dc := range p.Decisions {
		reftest.Floats(t, "net benefit", dc.NetBenefit, want.NB[k], tolKM)
	}
	km := got.KM["median"][endpoint]
	reftest.Close(t, "log-rank", float64(km.LogrankChisq), lr.Chisq, tolKM)
	if !reflect.DeepEqual(km.N, lr.N) {
		t.Errorf("median groups n %v, want %v", km.N, lr.N)
	}
	return &got
}

// TestValidateModelMatchesStudy validates the model the study writes on
// the study's own validation cohort: every number the study reports for
// that cohort comes out the same.
func TestValidateModelMatchesStudy(t *testing.T) {
	skipShort(t)
	dir := t.TempDir()
	rep := filepath.Join(dir, "study")
	data := "../../testdata/study/cohort-seed7.csv"
	checkRun(t, []string{"study", "--data", data, "--out", rep, "--bootstrap", "0", "--quiet"}, 0, nil)
	b, err := os.ReadFile(filepath.Join(rep, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	var st study.Results
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	var got study.ExternalResults
	vmJSON(t, &got, "validate-model", "--model", filepath.Join(rep, "model.json"), "--data", data, "--cohort", "validation",
		"--exclude-top-mtv", "0.025", "--times", "12,24", "--quiet")
	for _, g := range []string{"median", "terciles"} {
		for _, ep := range []string{"pfs", "os"} {
			if !sameJSON(t, got.KM[g][ep], st.KM["validation"][g][ep]) {
				t.Errorf("km %s %s differs:\n%+v\n%+v", g, ep, got.KM[g][ep], st.KM["validation"][g][ep])
			}
		}
	}
	if !sameJSON(t, got.Discrimination, st.Discrimination["validation"]) {
		t.Errorf("discrimination differs:\n%+v\n%+v", got.Discrimination, st.Discrimination["validation"])
	}
	if !sameJSON(t, got.Prediction, st.Prediction["validation"]) {
		t.Errorf("prediction differs:\n%+v\n%+v", got.Prediction, st.Prediction["validation"])
	}
	if got.Prediction == nil || len(got.Prediction.AUC) != 2 || got.KM["median"]["pfs"] == nil {
		t.Fatal("nothing compared")
	}
}

// TestValidateModelWithoutBaseline: a model without baseline survival gets
// the C-index, the groups, the slope and the AUC, and a note for the rest.
func TestValidateModelWithoutBaseline(t *testing.T) {
	var got study.ExternalResults
	vmJSON(t, &got, "validate-model", "--model", filepath.Join(vmData, "model-nobaseline.json"), "--data", filepath.Join(vmData, "cohort.csv"), "--quiet")
	p := got.Prediction
	if p == nil || p.Slope == nil || len(p.AUC) != 3 || !allNaN(p.Brier) || !allNaN(p.IPA) || p.InTheLarge != nil || len(p.Deciles) != 0 || got.KM["median"]["pfs"] == nil || len(got.Discrimination.Index) == 0 {
		t.Fatalf("got %+v", p)
	}
	var with study.ExternalResults
	vmJSON(t, &with, "validate-model", "--model", filepath.Join(vmData, "model.json"), "--data", filepath.Join(vmData, "cohort.csv"), "--quiet")
	// The AUC needs only the order: the linear predictor gives R's value.
	reftest.Floats(t, "AUC from the linear predictor", p.AUC, with.Prediction.AUC, 1e-12)
	if !strings.Contains(strings.Join(got.Notes, " "), "no baseline survival") {
		t.Errorf("no note on the missing baseline: %v", got.Notes)
	}
}

// TestValidateModelRecalibrate writes an updated model whose provenance
// says what changed; the input model is untouched; after slope
// recalibration the calibration slope on the same data is 1.
func TestValidateModelRecalibrate(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "model.json")
	orig, err := os.ReadFile(filepath.Join(vmData, "model.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(in, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(vmData, "cohort.csv")
	out := filepath.Join(dir, "report")
	var got study.ExternalResults
	vmJSON(t, &got, "validate-model", "--model", in, "--data", data, "--out", out, "--recalibrate", "slope", "--quiet")
	after, _ := os.ReadFile(in)
	if string(after) != string(orig) {
		t.Fatal("the input model file changed")
	}
	rm, err := scores.LoadFile(filepath.Join(out, study.RecalibratedFile))
	if err != nil {
		t.Fatal(err)
	}
	b := float64(got.Recalibration.Slope)
	if fo := rm.Provenance.FittedOn; got.Recalibration.Method != "slope" || rm.Provenance.Source != scores.SourceFitted || fo == nil || !strings.HasPrefix(fo.Data, "cohort.csv") ||
		!strings.Contains(fo.Method, "recalibration (slope)") || !strings.Contains(rm.Notes[0], "calibration slope") {
		t.Errorf("provenance: %+v / %+v / %q", got.Recalibration, rm.Provenance, rm.Notes[0])
	}
	if !rm.Provenance.Simulated() {
		t.Errorf("recalibrated on simulated data, provenance %+v does not say so", rm.Provenance)
	}
	// the data's SHA-256 identifies the fit (no date is stamped)
	if sum, err := dataSHA256(data); err != nil || rm.Provenance.FittedOn.SHA256 != sum {
		t.Errorf("fitted_on.sha256 %q, want the data's %q (%v)", rm.Provenance.FittedOn.SHA256, sum, err)
	}
	// The recalibrated model file is deterministic: no date is stamped.
	out2 := filepath.Join(dir, "report2")
	vmJSON(t, new(study.ExternalResults), "validate-model", "--model", in, "--data", data, "--out", out2, "--recalibrate", "slope", "--quiet")
	first, _ := os.ReadFile(filepath.Join(out, study.RecalibratedFile))
	second, _ := os.ReadFile(filepath.Join(out2, study.RecalibratedFile))
	if len(first) == 0 || string(first) != string(second) || strings.Contains(string(first), time.Now().UTC().Format("2006-01-02")) {
		t.Error("two recalibrations of the same model on the same data wrote different files")
	}
	// A report folder holding the model is refused: it would be replaced.
	checkRun(t, []string{"validate-model", "--model", in, "--data", data, "--out", dir, "--quiet"}, 1, []string{"model.json"})
	reftest.Close(t, "age coefficient", rm.Coef.Age, b*0.012, 1e-15)
	reftest.Close(t, "median cutoff", rm.Cutoffs.Median, b*1.35, 1e-15)
	var again study.ExternalResults
	vmJSON(t, &again, "validate-model", "--model", filepath.Join(out, study.RecalibratedFile), "--data", data, "--quiet")
	reftest.Close(t, "slope after recalibration", float64(again.Prediction.Slope.Slope), 1, 1e-6)
	if !reflect.DeepEqual(again.KM["median"]["pfs"].N, got.KM["median"]["pfs"].N) {
		t.Error("the scaled cutoffs changed the groups")
	}
	// The report folder holds the page, the results, the model and figures.
	for _, f := range []string{"index.html", "results.json", study.RecalibratedFile, "figures/dca-external-12m.svg", "figures/km-median-pfs.svg", "tables/measures.csv", "tables/risk-groups.csv"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
}

func TestValidateModelErrors(t *testing.T) {
	m, d := filepath.Join(vmData, "model.json"), filepath.Join(vmData, "cohort.csv")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no model", []string{"--data", d}, "--model"},
		{"no data", []string{"--model", m}, "--data"},
		{"bad endpoint", []string{"--model", m, "--data", d, "--endpoint", "efs"}, "--endpoint"},
		{"bad times", []string{"--model", m, "--data", d, "--times", "12,6"}, "--times"},
		{"recalibrate without out", []string{"--model", m, "--data", d, "--recalibrate", "slope"}, "--out"},
		{"bad recalibrate", []string{"--model", m, "--data", d, "--recalibrate", "all", "--out", t.TempDir()}, "--recalibrate"},
		{"unknown cohort", []string{"--model", m, "--data", d, "--cohort", "nope"}, "external"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code := 2
			if tc.name == "unknown cohort" {
				code = 1
			}
			checkRun(t, append([]string{"validate-model", "--quiet"}, tc.args...), code, []string{tc.want})
		})
	}
}

func allNaN(x jsonx.Floats) bool {
	for _, v := range x {
		if v == v {
			return false
		}
	}
	return len(x) > 0
}
