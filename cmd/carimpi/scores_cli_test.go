package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"carimpi/internal/reftest"
	"carimpi/scores"
)

// batchJSON is the JSON form of "carimpi batch".
type batchJSON struct {
	Notice string           `json:"notice"`
	Rows   []map[string]any `json:"rows"`
	Errors []struct {
		Row     int    `json:"row"`
		Column  string `json:"column"`
		Value   string `json:"value"`
		Message string `json:"message"`
	} `json:"errors"`
}

func runBatchJSON(t *testing.T, args ...string) batchJSON {
	t.Helper()
	out, errOut, code := runCLI(t, append([]string{"batch", "--format", "json"}, args...)...)
	if code != 0 {
		t.Fatalf("batch: code %d: %s", code, errOut)
	}
	var b batchJSON
	if err := json.Unmarshal([]byte(out), &b); err != nil {
		t.Fatalf("batch output is not JSON: %v\n%s", err, out)
	}
	return b
}

func num(v any) float64 {
	if f, ok := v.(float64); ok {
		return f
	}
	return math.NaN()
}

// synthInflaMix is the SYNTHETIC InflaMix-structured model of the
// reference (carimpi ships no official InflaMix parameters).
const synthInflaMix = "../../testdata/reference/models/inflamix-synthetic.json"

// TestBatchScoresExamples runs scores_examples.csv through "carimpi batch"
// and compares with scores-examples.json (independent implementation of
// the published rules): IMPI, EASIX, m-EASIX 1e-9 relative, InflaMix (with
// the synthetic model) 1e-12 absolute, integer scores and groups exactly.
func TestBatchScoresExamples(t *testing.T) {
	var ref struct {
		Expected map[string][]any `json:"expected"`
	}
	readExpected(t, "scores-examples.json", &ref)
	b := runBatchJSON(t, "--data", filepath.Join(refData, "scores_examples.csv"), "--inflamix-model", synthInflaMix)
	if len(b.Errors) != 0 || b.Notice == "" {
		t.Fatalf("errors %v, notice %q", b.Errors, b.Notice)
	}
	ids := ref.Expected["patient_id"]
	if len(b.Rows) != len(ids) {
		t.Fatalf("%d rows, want %d", len(b.Rows), len(ids))
	}
	for i, row := range b.Rows {
		if row["patient_id"] != ids[i] {
			t.Fatalf("row %d: id %v, want %v", i, row["patient_id"], ids[i])
		}
		for _, key := range []string{"impi", "easix", "m_easix"} {
			got, want := num(row[key]), num(ref.Expected[key][i])
			if math.IsNaN(got) != math.IsNaN(want) || math.Abs(got-want) > 1e-9*math.Abs(want) {
				t.Errorf("%v %s = %v, want %v", ids[i], key, got, want)
			}
		}
		got, want := num(row["inflamix_prob"]), num(ref.Expected["inflamix_prob"][i])
		if math.IsNaN(got) != math.IsNaN(want) || math.Abs(got-want) > 1e-12 {
			t.Errorf("%v inflamix_prob = %v, want %v", ids[i], got, want)
		}
		for _, key := range []string{"car_hematotox", "ipi", "nccn_ipi", "inflamix_labs", "ipi_group", "nccn_ipi_group"} {
			if row[key] != ref.Expected[key][i] {
				t.Errorf("%v %s = %v, want %v", ids[i], key, row[key], ref.Expected[key][i])
			}
		}
		for _, key := range scores.RowColumns {
			if _, ok := row[key]; !ok {
				t.Errorf("row %d lacks key %q", i, key)
			}
		}
		if len(row) != len(scores.RowColumns) {
			t.Errorf("row %d has %d keys, want %d", i, len(row), len(scores.RowColumns))
		}
	}
}

// cliModel is a CAR-IMPI model file with made-up coefficients.
const cliModel = `{"schema": "carimpi-model", "schema_version": 1, "id": "car-impi", "name": "CAR-IMPI", "version": "cli-test",
 "provenance": {"citation": "test", "doi": "", "fitted_on": "none", "date": "2026-01-01", "software": "go test"},
 "knot": 44.3,
 "coefficients": {"mtv": 0.0149, "mtv_above_knot": -0.0062, "age": 0.01, "stage2": 0.1, "stage3": 0.3, "stage4": 0.5},
 "cutoffs": {"median": 1.35, "terciles": [1.07, 1.58]}}`

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestScoreCommand(t *testing.T) {
	base := []string{"score", "--age", "64", "--stage", "3", "--mtv", "120", "--ecog", "1", "--ldh", "300", "--ldh-uln", "250",
		"--crp", "2.1", "--ferritin", "800", "--hb", "10", "--plt", "120", "--anc", "2", "--creatinine", "1", "--extranodal-sites", "2", "--nccn-extranodal", "1"}
	out, errOut, code := runCLI(t, base...)
	if code != 0 || !strings.Contains(out, researchNotice) || !strings.Contains(out, "CAR-IMPI") ||
		!strings.Contains(out, "needs a model file") || !strings.Contains(out, "1.168") {
		t.Fatalf("score table: code %d\n%s\n%s", code, out, errOut)
	}
	out, _, _ = runCLI(t, append(base, "--format", "json")...)
	var plain struct {
		IMPI    float64  `json:"impi"`
		CARIMPI *float64 `json:"car_impi"`
		Notes   []string `json:"notes"`
	}
	if json.Unmarshal([]byte(out), &plain) != nil || plain.CARIMPI != nil || len(plain.Notes) == 0 || !strings.Contains(plain.Notes[0], "--model") {
		t.Errorf("score json without a model: %s", out)
	}
	model := writeFile(t, "model.json", cliModel)
	out, _, code = runCLI(t, append(base, "--model", model, "--format", "json")...)
	var res struct {
		Notice  string  `json:"notice"`
		CARIMPI float64 `json:"car_impi"`
		Group   string  `json:"combined_hematotox_group"`
		Result  struct {
			CARIMPI struct {
				Value  float64 `json:"value"`
				Groups []struct{ Scheme, Name string }
				Terms  []struct{ Input string }
			} `json:"car_impi"`
			CombinedHematotox struct {
				Groups []struct{ Scheme, Name string }
			} `json:"combined_hematotox"`
		} `json:"detail"`
		Models []struct {
			ID        string `json:"id"`
			Version   string `json:"version"`
			Citations []struct{ DOI string }
		} `json:"models"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil || res.Notice == "" {
		t.Fatalf("score json: code %d\n%s", code, out)
	}
	want := 0.0149*120 - 0.0062*(120-44.3) + 0.01*64 + 0.3
	if math.Abs(res.Result.CARIMPI.Value-want) > 1e-12 || res.CARIMPI != res.Result.CARIMPI.Value || res.Group != "c-high/h-low" ||
		len(res.Result.CARIMPI.Terms) != 4 ||
		len(res.Result.CombinedHematotox.Groups) != 1 || res.Result.CombinedHematotox.Groups[0].Name != "c-high/h-low" {
		t.Errorf("CAR-IMPI with model: %+v", res.Result)
	}
	if len(res.Models) < 9 || res.Models[1].Version != "cli-test" {
		t.Errorf("models %+v", res.Models)
	}
	// Units: CRP in mg/L and Hb in g/L give the same result.
	conv := append([]string(nil), base...)
	for i, a := range conv {
		switch a {
		case "--crp":
			conv[i+1] = "21"
		case "--hb":
			conv[i+1] = "100"
		}
	}
	a, _, _ := runCLI(t, append(base, "--format", "json")...)
	b, _, code := runCLI(t, append(conv, "--units", "crp=mg/L,hb=g/L", "--format", "json")...)
	if code != 0 || strings.Replace(a, `"crp":2.1`, "", 1) != strings.Replace(b, `"crp":2.1`, "", 1) {
		t.Errorf("units changed the result (code %d)", code)
	}
}

// TestScoreAndBatchBadInput checks each bad input through the CLI: the
// message names the field and the value; the value is not used, and only
// the indices that need it are unavailable.
func TestScoreAndBatchBadInput(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"score"}, 2, "give at least one input"},
		{[]string{"score", "--age", "64", "--stage", "5", "--mtv", "120"}, 0, "stage 5 is outside the possible range 1-4"},
		{[]string{"score", "--age", "64", "--stage", "0", "--mtv", "120"}, 0, "there is no stage 0"},
		{[]string{"score", "--age", "64", "--stage", "3", "--mtv", "-1"}, 0, "mtv_ml -1 mL is outside the possible range 0-100000 mL"},
		{[]string{"score", "--age", "150", "--stage", "3", "--mtv", "120"}, 0, "age 150 years is outside the possible range 0-120 years"},
		{[]string{"score", "--age", "64", "--stage", "3", "--mtv", "120", "--ldh", "300", "--ldh-uln", "0"}, 0, "ldh_uln 0 U/L is outside the possible range above 0"},
		{[]string{"score", "--age", "64", "--stage", "3", "--mtv", "120", "--hb", "105"}, 0, "if it is in g/L, that is 10.5 g/dL"},
		{[]string{"score", "--age", "6x", "--stage", "3", "--mtv", "120"}, 0, `age "6x" is not a number`},
		{[]string{"score", "--age", "0x1p6", "--stage", "3", "--mtv", "120"}, 0, `age "0x1p6" is not a number`},
		{[]string{"score", "--age", "64", "--stage", "3", "--mtv", "120", "--model", "/nonexistent/model.json"}, 1, "model.json"},
		{[]string{"score", "--age", "64", "--stage", "3", "--mtv", "120", "--units", "crp=furlongs"}, 2, `unit "furlongs" is not known for crp`},
		{[]string{"score", "--age", "64", "--stage", "3", "--mtv", "120", "--format", "xml"}, 2, "xml"},
		{[]string{"batch"}, 2, "--data is required"},
		{[]string{"batch", "--data", "p.xls"}, 1, "this spreadsheet format is not read"},
		{[]string{"batch", "--data", "nonexistent.xlsx"}, 1, "nonexistent.xlsx"},
	} {
		_, errOut, code := runCLI(t, tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: code %d, stderr %q; want %d and %q", tc.args, code, errOut, tc.code, tc.want)
		}
	}
	// An MTV of -5 leaves CAR-HEMATOTOX computed and IMPI unavailable,
	// with the reason.
	out, _, code := runCLI(t, "score", "--plt", "165", "--anc", "2.8", "--hb", "10.6", "--crp", "1.3", "--ferritin", "447", "--mtv", "-5", "--format", "json")
	var sc map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &sc) != nil || sc["car_hematotox"] != 1.0 || sc["impi"] != nil ||
		!strings.Contains(sc["unavailable"].(map[string]any)["impi"].(string), "mtv_ml -5 mL is outside the possible range") {
		t.Errorf("mtv -5: code %d\n%s", code, out)
	}
	bad := writeFile(t, "bad-model.json", strings.Replace(cliModel, `"schema_version": 1`, `"schema_version": 7`, 1))
	if _, errOut, code := runCLI(t, "batch", "--data", filepath.Join(refData, "scores_examples.csv"), "--model", bad); code != 1 || !strings.Contains(errOut, "schema_version is 7") {
		t.Errorf("wrong schema version: code %d, %q", code, errOut)
	}
	// A default ULN changes the IPI's LDH point when the patient has none.
	for _, tc := range []struct {
		uln, ipi string
	}{{"", "ipi: high "}, {"ldh=400", "ipi: high-intermediate"}} {
		args := []string{"score", "--age", "64", "--stage", "3", "--mtv", "120", "--ecog", "1", "--ldh", "300", "--extranodal-sites", "2"}
		if tc.uln != "" {
			args = append(args, "--default-uln", tc.uln)
		}
		if out, _, code := runCLI(t, args...); code != 0 || !strings.Contains(out, tc.ipi) {
			t.Errorf("--default-uln %q: code %d\n%s", tc.uln, code, out)
		}
	}
	if _, errOut, code := runCLI(t, "score", "--age", "64", "--stage", "3", "--mtv", "120", "--default-uln", "ldh=0"); code != 2 || !strings.Contains(errOut, "ldh_uln") {
		t.Errorf("--default-uln ldh=0: %d %q", code, errOut)
	}
	// CRP 45 "mg/dL" is scored with a warning that gives the fix.
	out, _, code = runCLI(t, "score", "--age", "64", "--stage", "3", "--mtv", "120", "--crp", "45")
	if code != 0 || !strings.Contains(out, "if it is in mg/L, that is 4.5 mg/dL") {
		t.Errorf("CRP 45: code %d\n%s", code, out)
	}
	data := writeFile(t, "p.csv", "patient_id,age,stage,mtv_ml,hb,plt,ldh_uln,ldh\n"+
		"ok1,64,3,120,10,150,250,300\n"+
		"noage,,3,120,10,150,250,300\n"+
		"st5,64,5,120,10,150,250,300\n"+
		"neg,64,2,-4,10,150,250,300\n"+
		"old,150,2,4,10,150,250,300\n"+
		"uln0,64,2,4,10,150,0,300\n"+
		"hbgl,64,2,4,105,150,250,300\n"+
		"pltul,64,2,4,10,165000,250,300\n"+
		"text,64,2,4,ten,150,250,300\n"+
		"ok2,70,4,500,10,150,250,300\n")
	b := runBatchJSON(t, "--data", data)
	if len(b.Rows) != 10 || b.Rows[0]["impi"] == nil || b.Rows[9]["impi"] == nil || b.Rows[9]["patient_id"] != "ok2" {
		t.Fatalf("rows %v", b.Rows)
	}
	// Each error: the field's value is not used; IMPI (age, stage, MTV)
	// is unavailable exactly when one of its inputs is.
	want := map[string]string{"3 stage": "5", "4 mtv_ml": "-4", "5 age": "150", "6 ldh_uln": "0", "7 hb": "105", "8 plt": "165000", "9 hb": "ten"}
	for _, e := range b.Errors {
		key := strconv.Itoa(e.Row) + " " + e.Column
		if v, ok := want[key]; !ok || v != e.Value || !strings.Contains(e.Message, e.Column) {
			t.Errorf("unexpected error %+v", e)
		}
		delete(want, key)
		impiInput := e.Column == "stage" || e.Column == "mtv_ml" || e.Column == "age"
		if (b.Rows[e.Row-1]["impi"] == nil) != impiInput {
			t.Errorf("row %d (%s): impi %v", e.Row, e.Column, b.Rows[e.Row-1]["impi"])
		}
	}
	if len(want) > 0 {
		t.Errorf("errors not reported: %v", want)
	}
	if b.Rows[1]["impi"] != nil || !strings.Contains(b.Rows[1]["unavailable"].(map[string]any)["impi"].(string), "age (missing)") {
		t.Errorf("row without age: %v", b.Rows[1])
	}
}

func TestBatchCSVAndModels(t *testing.T) {
	model := writeFile(t, "model.json", cliModel)
	outFile := filepath.Join(t.TempDir(), "scored.csv")
	t.Setenv("CARIMPI_INFLAMIX_MODEL", synthInflaMix) // the environment names the InflaMix model
	_, errOut, code := runCLI(t, "batch", "--data", filepath.Join(refData, "scores_examples.csv"), "--model", model, "--out", outFile)
	if code != 0 || !strings.Contains(errOut, "34 rows; 0 values not used") {
		t.Fatalf("batch csv: code %d, %s", code, errOut)
	}
	tab := reftest.Table(t, outFile)
	if strings.Join(tab.Header, ",") != strings.Join(scores.RowColumns, ",") || len(tab.Rows) != 34 {
		t.Fatalf("header %v, %d rows", tab.Header, len(tab.Rows))
	}
	groups, _ := tab.Strings("combined_inflamix_group")
	for i, g := range groups {
		if !strings.HasPrefix(g, "c-") {
			t.Errorf("row %d: combined group %q", i+1, g)
		}
	}
	t.Setenv("CARIMPI_INFLAMIX_MODEL", "")
	out, _, code := runCLI(t, "models", "--format", "json")
	var m struct {
		Notice string `json:"notice"`
		Models []struct {
			ID        string `json:"id"`
			Citations []struct{ DOI string }
			Inputs    []struct{ Field, Unit string }
		} `json:"models"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &m) != nil || m.Notice == "" {
		t.Fatalf("models json: %d %s", code, out)
	}
	ids := map[string]bool{}
	for _, x := range m.Models {
		ids[x.ID] = true
	}
	for _, id := range []string{"impi", "car-impi", "car-hematotox", "inflamix", "ipi", "r-ipi", "nccn-ipi", "easix", "m-easix"} {
		if !ids[id] {
			t.Errorf("models lacks %s", id)
		}
	}
	out, _, code = runCLI(t, "models")
	if code != 0 || !strings.Contains(out, "10.1038/s41408-025-01338-1") || !strings.Contains(out, "1.53") || !strings.Contains(out, researchNotice) {
		t.Errorf("models table: %d\n%s", code, out)
	}
}

// TestBatchXLSX writes scores_examples.csv into a workbook and checks that
// batch scores it exactly as the CSV.
func TestBatchXLSX(t *testing.T) {
	tab := reftest.Table(t, filepath.Join(refData, "scores_examples.csv"))
	f := excelize.NewFile()
	sheet := f.GetSheetName(0)
	put := func(r int, cells []string) {
		row := make([]any, len(cells))
		for i, c := range cells {
			if v, err := strconv.ParseFloat(c, 64); err == nil {
				row[i] = v
			} else {
				row[i] = c
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, r)
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	put(1, tab.Header)
	for i, rec := range tab.Rows {
		put(i+2, rec)
	}
	path := filepath.Join(t.TempDir(), "patients.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	fromCSV, _, _ := runCLI(t, "batch", "--data", filepath.Join(refData, "scores_examples.csv"))
	fromXLSX, errOut, code := runCLI(t, "batch", "--data", path)
	if code != 0 || fromCSV != fromXLSX {
		t.Errorf("xlsx batch (code %d, %s) differs from csv:\n%s\n%s", code, errOut, fromXLSX, fromCSV)
	}
}

// TestInflaMixNotInstalledCLI: without an InflaMix model, score gives null
// InflaMix fields and the reason, and a bad model file is one clear error.
func TestInflaMixNotInstalledCLI(t *testing.T) {
	t.Setenv("CARIMPI_INFLAMIX_MODEL", "")
	out, errOut, code := runCLI(t, "score", "--age", "60", "--stage", "3", "--mtv", "50", "--crp", "2", "--ldh", "300", "--format", "json")
	if code != 0 {
		t.Fatalf("score: %d %s", code, errOut)
	}
	var r struct {
		Prob    *float64 `json:"inflamix_prob"`
		Cluster *string  `json:"inflamix_cluster"`
		Notes   []string `json:"notes"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.Prob != nil || r.Cluster != nil || !strings.Contains(strings.Join(r.Notes, "\n"), "InflaMix: "+scores.InflaMixNotInstalled) {
		t.Errorf("without a model: %s", out)
	}
	bad := writeFile(t, "bad.json", `{"labs": ["albumin"]}`)
	_, errOut, code = runCLI(t, "score", "--age", "60", "--stage", "3", "--mtv", "50", "--inflamix-model", bad)
	if code != 1 || !strings.Contains(errOut, "bad.json") || !strings.Contains(errOut, "labs") {
		t.Errorf("bad model: %d %s", code, errOut)
	}
}

// TestImportInflaMixCLI imports the synthetic model.RData, refuses to
// overwrite the result, and scores the same with the RData as with the
// written JSON.
func TestImportInflaMixCLI(t *testing.T) {
	t.Setenv("CARIMPI_INFLAMIX_MODEL", "")
	rdataFile := "../../testdata/reference/models/inflamix-synthetic.RData"
	out := filepath.Join(t.TempDir(), "inflamix.json")
	_, errOut, code := runCLI(t, "models", "import-inflamix", rdataFile, "--out", out, "--synthetic")
	if code != 0 || !strings.Contains(errOut, "inflammatory component 1") {
		t.Fatalf("import: %d %s", code, errOut)
	}
	if _, errOut, code = runCLI(t, "models", "import-inflamix", "--out", out, rdataFile); code != 1 || !strings.Contains(errOut, "exists") {
		t.Errorf("overwrite: %d %s", code, errOut)
	}
	if _, errOut, code = runCLI(t, "models", "import-inflamix"); code != 2 {
		t.Errorf("no operand: %d %s", code, errOut)
	}
	args := []string{"score", "--age", "60", "--stage", "3", "--mtv", "50", "--crp", "2", "--ldh", "300", "--albumin", "3.1", "--format", "json", "--inflamix-model"}
	a, _, c1 := runCLI(t, append(args, out)...)
	b, _, c2 := runCLI(t, append(args, rdataFile)...)
	var ra, rb map[string]any
	if c1 != 0 || c2 != 0 || json.Unmarshal([]byte(a), &ra) != nil || json.Unmarshal([]byte(b), &rb) != nil {
		t.Fatalf("score: %d %d", c1, c2)
	}
	if p := num(ra["inflamix_prob"]); math.IsNaN(p) || p != num(rb["inflamix_prob"]) || ra["inflamix_labs"] != 3.0 {
		t.Errorf("posterior %v (JSON model) vs %v (RData)", ra["inflamix_prob"], rb["inflamix_prob"])
	}
}

// TestSimulatedSurvives: the demo study fits on simulated data; its
// model.json says so, and score (first table line, JSON key, warnings),
// batch (JSON key, rows, sidecar) and serve (refused unless
// --allow-simulated) carry the flag on.
func TestSimulatedSurvives(t *testing.T) {
	skipShort(t)
	rep := filepath.Join(t.TempDir(), "report")
	if _, errOut, code := runCLI(t, "study", "--bootstrap", "0", "--quiet", "--out", rep); code != 0 {
		t.Fatalf("study: %d %s", code, errOut)
	}
	// Without an InflaMix model, the study's InflaMix section is a note
	// saying how to install one.
	for _, f := range []string{"results.json", "index.html"} {
		b, err := os.ReadFile(filepath.Join(rep, f))
		if err != nil || !strings.Contains(string(b), "InflaMix model not installed: obtain model.RData from the official InflaMix calculator") {
			t.Errorf("%s lacks the InflaMix note (%v)", f, err)
		}
	}
	model := filepath.Join(rep, "model.json")
	raw, err := os.ReadFile(model)
	if err != nil {
		t.Fatal(err)
	}
	var mf struct {
		Source   string `json:"source"`
		Citation string `json:"citation"`
		DOI      string `json:"doi"`
		FittedOn struct {
			Simulated bool   `json:"simulated"`
			SHA256    string `json:"sha256"`
			N         int    `json:"n"`
		} `json:"fitted_on"`
	}
	if err := json.Unmarshal(raw, &mf); err != nil || mf.Source != "fitted" || !mf.FittedOn.Simulated || len(mf.FittedOn.SHA256) != 64 || mf.FittedOn.N == 0 ||
		!strings.HasPrefix(mf.Citation, "method of Winkelmann et al. 2025; coefficients fitted by carimpi on SIMULATED data") || mf.DOI != "" || strings.Contains(string(raw), `"date"`) {
		t.Fatalf("model.json provenance: %v %+v", err, mf)
	}
	table, _, code := runCLI(t, "score", "--age", "64", "--stage", "3", "--mtv", "120", "--model", model)
	if code != 0 || !strings.HasPrefix(table, "*** "+scores.SimulatedWarning) {
		t.Errorf("score table does not start with the simulated warning:\n%s", table)
	}
	js, _, _ := runCLI(t, "score", "--age", "64", "--stage", "3", "--mtv", "120", "--model", model, "--format", "json")
	var sj struct {
		Simulated bool     `json:"simulated"`
		Warnings  []string `json:"warnings"`
	}
	if json.Unmarshal([]byte(js), &sj) != nil || !sj.Simulated || !strings.Contains(strings.Join(sj.Warnings, "|"), scores.SimulatedWarning) {
		t.Errorf("score json: %s", js)
	}
	b := runBatchJSON(t, "--data", filepath.Join(refData, "scores_examples.csv"), "--model", model)
	if len(b.Rows) == 0 || !strings.Contains(strings.Join(strings.Fields(jsonString(b.Rows[0]["warnings"])), " "), "SIMULATED") {
		t.Errorf("batch row warnings: %v", b.Rows[0]["warnings"])
	}
	out := filepath.Join(t.TempDir(), "scored.csv")
	if _, errOut, code := runCLI(t, "batch", "--data", filepath.Join(refData, "scores_examples.csv"), "--model", model, "--out", out); code != 0 || !strings.Contains(errOut, scores.SimulatedWarning) {
		t.Fatalf("batch: %d %s", code, errOut)
	}
	side, err := os.ReadFile(out + ".provenance.json")
	var sp struct {
		Simulated bool `json:"simulated"`
		Notice    string
		Models    []struct {
			ID         string `json:"id"`
			Version    string `json:"version"`
			Provenance *struct {
				Source string `json:"source"`
			} `json:"provenance"`
		} `json:"models"`
	}
	if err != nil || json.Unmarshal(side, &sp) != nil || !sp.Simulated || sp.Notice == "" || len(sp.Models) < 2 || sp.Models[1].ID != "car-impi" || sp.Models[1].Provenance == nil || sp.Models[1].Provenance.Source != "fitted" {
		t.Errorf("sidecar: %v %s", err, side)
	}
	if _, errOut, code := runCLI(t, "serve", "--model", model, "--addr", "127.0.0.1:99999"); code != 2 || !strings.Contains(errOut, "--allow-simulated") {
		t.Errorf("serve accepted a simulated model: %d %s", code, errOut)
	}
	if _, errOut, code := runCLI(t, "serve", "--model", model, "--allow-simulated", "--addr", "127.0.0.1:99999"); code != 1 || !strings.Contains(errOut, "99999") {
		t.Errorf("serve --allow-simulated: %d %s", code, errOut)
	}
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
