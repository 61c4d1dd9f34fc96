package scores_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"carimpi/record"
	"carimpi/scores"
)

// readRows reads a patient table through record's one input path and
// returns each row's record and issues.
func readRows(t testing.TB, r io.Reader, opts record.Options) ([]record.Record, [][]record.Issue) {
	t.Helper()
	rd, err := record.NewCSVReader(r, "test.csv", opts)
	if err != nil {
		t.Fatal(err)
	}
	var recs []record.Record
	var issues [][]record.Issue
	err = record.Stream(rd, 1, nil, func(row *record.Row, _ *struct{}) error {
		if !row.Blank {
			recs = append(recs, row.Record)
			issues = append(issues, append([]record.Issue(nil), row.Issues...))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return recs, issues
}

// testModel is a CAR-IMPI model file as "carimpi study" would write it;
// the coefficients are made up for the test (the published ones are in
// the paper's supplement).
const testModel = `{
  "schema": "carimpi-model", "schema_version": 2,
  "id": "car-impi", "name": "CAR-IMPI", "version": "test-1",
  "source": "hand-entered", "citation": "test fit (made-up coefficients)",
  "knot": 44.3,
  "coefficients": {"mtv": 0.0149, "mtv_above_knot": -0.0062, "age": 0.01, "stage2": 0.1, "stage3": 0.3, "stage4": 0.5},
  "cutoffs": {"median": 1.35, "terciles": [1.07, 1.58]},
  "centre": 1.2,
  "baseline_survival": [{"endpoint": "pfs", "times": [6, 12], "survival": [0.7, 0.55]}]
}`

func loadTestModel(t testing.TB) *scores.CoxModel {
	t.Helper()
	m, err := scores.Load(strings.NewReader(testModel))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func patient(kv map[record.Field]float64) record.Record {
	p := record.New("t")
	for f, v := range kv {
		f.SetFloat(&p, v)
	}
	return p
}

func TestCARIMPIWithModelFile(t *testing.T) {
	s := scores.NewScorer()
	p := patient(map[record.Field]float64{record.Age: 64, record.Stage: 3, record.MTV: 120})
	if r := s.Score(&p); !math.IsNaN(r.CARIMPI.Value) || !strings.Contains(r.CARIMPI.Note, "model file") {
		t.Fatalf("built-in CAR-IMPI scored without coefficients: %v %q", r.CARIMPI.Value, r.CARIMPI.Note)
	}
	if err := s.Use(loadTestModel(t)); err != nil {
		t.Fatal(err)
	}
	r := s.Score(&p)
	// Hand computation: 0.0149*120 - 0.0062*(120-44.3) + 0.01*64 + 0.3.
	want := 0.0149*120 - 0.0062*(120-44.3) + 0.01*64 + 0.3
	if math.Abs(r.CARIMPI.Value-want) > 1e-12 {
		t.Fatalf("CAR-IMPI = %v, want %v", r.CARIMPI.Value, want)
	}
	sum := 0.0
	for _, term := range r.CARIMPI.Terms {
		sum += float64(term.Points)
	}
	if math.Abs(sum-want) > 1e-12 {
		t.Errorf("terms sum to %v, want %v", sum, want)
	}
	if g := r.CARIMPI.Group("median"); g != "high" {
		t.Errorf("median group %q", g)
	}
	// S(t) = S0(t)^exp(lp - centre).
	if len(r.CARIMPI.Survival) != 2 || math.Abs(r.CARIMPI.Survival[1].Survival-math.Pow(0.55, math.Exp(want-1.2))) > 1e-12 {
		t.Errorf("survival %+v", r.CARIMPI.Survival)
	}
}

func TestCutoffBoundaries(t *testing.T) {
	c := scores.CARIMPI().Cutoffs
	for _, tc := range []struct {
		lp              float64
		median, tercile string
	}{
		{1.0699, "low", "low"}, {1.07, "low", "intermediate"}, {1.3499, "low", "intermediate"},
		{1.35, "high", "intermediate"}, {1.5799, "high", "intermediate"}, {1.58, "high", "high"}, {math.NaN(), "", ""},
	} {
		if m, tg := c.MedianGroup(tc.lp), c.TercileGroup(tc.lp); m != tc.median || tg != tc.tercile {
			t.Errorf("lp %v: %q/%q, want %q/%q", tc.lp, m, tg, tc.median, tc.tercile)
		}
	}
}

func TestCombinedGroups(t *testing.T) {
	s := synthScorer(t)
	if err := s.Use(loadTestModel(t)); err != nil {
		t.Fatal(err)
	}
	base := map[record.Field]float64{record.Age: 50, record.Stage: 1}
	// MTV 10: lp = 0.149 + 0.5 = 0.649 (c-low); MTV 200: 2.98 - 0.965 + 0.5 (c-high).
	labsLow := map[record.Field]float64{record.Plt: 250, record.ANC: 3, record.Hb: 13, record.CRP: 0.5, record.Ferritin: 200,
		record.LDH: 180, record.Albumin: 4.2, record.IL6: 2}
	labsHigh := map[record.Field]float64{record.Plt: 60, record.ANC: 0.8, record.Hb: 8, record.CRP: 12, record.Ferritin: 3000,
		record.LDH: 900, record.Albumin: 2.5, record.IL6: 80}
	for _, tc := range []struct {
		mtv      float64
		labs     map[record.Field]float64
		ht, infl string
	}{
		{10, labsLow, "c-low/h-low", "c-low/non-inflamed"},
		{10, labsHigh, "c-low/h-high", "c-low/inflamed"},
		{200, labsLow, "c-high/h-low", "c-high/non-inflamed"},
		{200, labsHigh, "c-high/h-high", "c-high/inflamed"},
	} {
		p := patient(base)
		record.MTV.SetFloat(&p, tc.mtv)
		for f, v := range tc.labs {
			f.SetFloat(&p, v)
		}
		row := s.Row(&p)
		if row.CombinedHematotoxGroup != tc.ht || row.CombinedInflaMixGroup != tc.infl {
			t.Errorf("MTV %v: %q, %q; want %q, %q (CAR-IMPI %v, HT %v, InflaMix %v)", tc.mtv, row.CombinedHematotoxGroup,
				row.CombinedInflaMixGroup, tc.ht, tc.infl, row.CARIMPI, row.CARHematotox, row.InflaMixProb)
		}
	}
}

// TestSaveLoadScoresIdentically saves a loaded model, loads it again and
// scores the reference examples with both.
func TestSaveLoadScoresIdentically(t *testing.T) {
	m1 := loadTestModel(t)
	var buf bytes.Buffer
	if err := scores.Save(&buf, m1); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "model.json")
	if err := scores.SaveFile(path, m1); err != nil {
		t.Fatal(err)
	}
	m2, err := scores.LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var buf2 bytes.Buffer
	if err := scores.Save(&buf2, m2); err != nil {
		t.Fatal(err)
	}
	if buf.String() != buf2.String() {
		t.Errorf("save(load(save(m))) differs:\n%s\n%s", buf.String(), buf2.String())
	}
	s1, s2 := synthScorer(t), synthScorer(t)
	s1.Use(m1)
	s2.Use(m2)
	f, err := os.Open(refDir + "data/scores_examples.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, issues := readRows(t, f, record.Options{})
	for i := range recs {
		p := &recs[i]
		for _, is := range issues[i] {
			if is.Severity == record.SeverityError {
				t.Fatal(is)
			}
		}
		a, b := s1.Row(p), s2.Row(p)
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if string(ja) != string(jb) || math.IsNaN(a.CARIMPI) {
			t.Errorf("%s: %s\n%s", p.PatientID, ja, jb)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	for _, tc := range []struct{ edit, want string }{
		{`"schema_version": 2`, `"schema_version": 3` + "\x00" + "schema_version is 3"},
		{`"source": "hand-entered"`, `"source": "guessed"` + "\x00" + `source "guessed"`},
		{`"source": "hand-entered"`, `"source": "fitted"` + "\x00" + "a fitted model needs fitted_on"},
		{`"cutoffs": {"median": 1.35, "terciles": [1.07, 1.58]}`, `"cutoffs": "published"` + "\x00" + `"winkelmann-2025"`},
		{`"id": "car-impi"`, `"id": "other"` + "\x00" + `id "other"`},
		{`"age": 0.01, `, "\x00" + `coefficient "age" is missing`},
		{`"stage4": 0.5`, `"stage4": 0.5, "ecog": 1` + "\x00" + "unknown coefficients [ecog]"},
		{`[1.07, 1.58]`, `[1.58, 1.07]` + "\x00" + "ascending"},
		{`[0.7, 0.55]`, `[0.7, 1.5]` + "\x00" + "survival must be in (0, 1]"},
		{`"knot": 44.3,`, "\x00" + "knot must be"},
		{`"centre": 1.2,`, `"center": 1.2,` + "\x00" + `unknown field "center"`},
		{`{`, `[` + "\x00" + "model file"},
	} {
		repl, want, _ := strings.Cut(tc.want, "\x00")
		src := strings.Replace(testModel, tc.edit, repl, 1)
		_, err := scores.Load(strings.NewReader(src))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("edit %q: error %v, want it to contain %q", tc.edit, err, want)
		}
	}
	for body, want := range map[string]string{
		strings.Replace(testModel, `"knot": 44.3,`, `"knot": 44.3, "knot": 50,`, 1): `duplicate key "knot"`,
		testModel + "\n{}": "more than one JSON value",
		strings.Replace(testModel, `"age": 0.01,`, `"age": 0.01, "age": 0.02,`, 1): `duplicate key "age" in $.coefficients`,
	} {
		if _, err := scores.Load(strings.NewReader(body)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v, want %q", err, want)
		}
	}
	if _, err := scores.LoadFile(filepath.Join(t.TempDir(), "none.json")); err == nil || !strings.Contains(err.Error(), "none.json") {
		t.Errorf("missing file: %v", err)
	}
	if err := scores.Save(&bytes.Buffer{}, scores.CARIMPI()); err == nil {
		t.Error("saving the built-in CAR-IMPI (no coefficients) should fail")
	}
}

// TestBadInput checks each bad input: the message names the field and
// the value and, for a suspected unit, gives the fix; an error leaves only
// the indices that need the field unavailable, with the reason.
func TestBadInput(t *testing.T) {
	labs := map[string]string{"age": "64", "stage": "3", "mtv_ml": "120", "plt": "150", "anc": "2", "hb": "11", "crp": "1", "ferritin": "300"}
	for _, tc := range []struct {
		name, field, value string
		err                bool
		message            string
	}{
		{"stage 5", "stage", "5", true, "stage 5 is outside the possible range 1-4"},
		{"stage 2.5", "stage", "2.5", true, "whole number"},
		{"negative MTV", "mtv_ml", "-3", true, "mtv_ml -3 mL is outside the possible range 0-100000 mL"},
		{"age 150", "age", "150", true, "age 150 years is outside the possible range 0-120 years"},
		{"ULN 0", "ldh_uln", "0", true, "ldh_uln 0 U/L is outside the possible range above 0"},
		{"negative lab", "crp", "-1", true, "crp -1 mg/dL is outside the possible range"},
		{"Hb in g/L", "hb", "105", true, "if it is in g/L, that is 10.5 g/dL"},
		{"plt per uL", "plt", "165000", true, "if it is in /uL, that is 165 10^9/L"},
		{"CRP in mg/L", "crp", "45", false, "if it is in mg/L, that is 4.5 mg/dL"},
		{"creatinine in umol/L", "creatinine", "88", true, "if it is in umol/L, that is 0.9952 mg/dL"},
		{"ECOG 5", "ecog", "5", true, "ecog 5 is outside the possible range 0-4"},
		{"age 12", "age", "12", false, "outside the plausible range 18-100 years"},
	} {
		p := record.New("t")
		var issues []record.Issue
		for k, v := range labs {
			if k != tc.field {
				f, _ := record.Lookup(k)
				f.Parse(&p, v, nil)
			}
		}
		f, _ := record.Lookup(tc.field)
		is := f.Parse(&p, tc.value, nil)
		issues = append(issues, is)
		if tc.err != (is.Severity == record.SeverityError) || !strings.Contains(is.Text(), tc.message) {
			t.Errorf("%s: %+v; want %q (error %v)", tc.name, is, tc.message, tc.err)
			continue
		}
		r := scores.NewScorer().Score(&p, issues...)
		impiInput := tc.field == "age" || tc.field == "stage" || tc.field == "mtv_ml"
		htInput := tc.field == "plt" || tc.field == "anc" || tc.field == "hb" || tc.field == "crp" || tc.field == "ferritin"
		if tc.err && math.IsNaN(r.IMPI.Value) != impiInput || tc.err && math.IsNaN(r.Hematotox.Value) != htInput {
			t.Errorf("%s: IMPI %v, CAR-HEMATOTOX %v", tc.name, r.IMPI.Value, r.Hematotox.Value)
		}
		if tc.err && impiInput && !strings.Contains(r.IMPI.Reason(), tc.message) && !strings.Contains(r.IMPI.Reason(), "not used") {
			t.Errorf("%s: IMPI reason %q", tc.name, r.IMPI.Reason())
		}
	}
}

// TestLabsOnly: the labs of CAR-HEMATOTOX alone give CAR-HEMATOTOX (the
// issue's example), with IMPI unavailable for want of age, stage and MTV.
func TestLabsOnly(t *testing.T) {
	recs, issues := readRows(t, strings.NewReader("plt,anc,hb,crp,ferritin\n165,2.8,10.6,1.3,447\n"), record.Options{})
	r := synthScorer(t).Score(&recs[0], issues[0]...)
	if r.Hematotox.Value != 1 || !math.IsNaN(r.IMPI.Value) || r.IMPI.Reason() != "needs mtv_ml (missing), age (missing), stage (missing)" {
		t.Errorf("labs only: CAR-HEMATOTOX %v, IMPI %v (%s)", r.Hematotox.Value, r.IMPI.Value, r.IMPI.Reason())
	}
	found := false
	for _, w := range r.Warnings {
		found = found || strings.Contains(w.Message, "crp_uln 0.3 mg/dL")
	}
	if !found {
		t.Errorf("no default-ULN warning naming the value: %v", r.Warnings)
	}
}

func TestInflaMixEdges(t *testing.T) {
	s := synthScorer(t)
	req := map[record.Field]float64{record.Age: 60, record.Stage: 2, record.MTV: 50}
	extreme := patient(req)
	record.IL6.SetFloat(&extreme, 1e6)
	record.CRP.SetFloat(&extreme, 99)
	record.LDH.SetFloat(&extreme, 9e4)
	if row := s.Row(&extreme); row.InflaMixProb != 1 || row.InflaMixCluster != "inflamed" {
		t.Errorf("extreme inflamed labs: %v %q", row.InflaMixProb, row.InflaMixCluster)
	}
	// Every lab far above and far below its ULN: 0 <= P <= 1, never NaN.
	for _, f := range scores.InflaMixLabs() {
		for _, v := range []float64{1e-6, f.Info().Max} {
			p := patient(req)
			record.LDH.SetFloat(&p, 200)
			record.Hb.SetFloat(&p, 12)
			f.SetFloat(&p, v)
			if prob := s.Row(&p).InflaMixProb; !(prob >= 0 && prob <= 1) {
				t.Errorf("%v = %v: posterior %v", f, v, prob)
			}
		}
	}
	one := patient(req)
	record.CRP.SetFloat(&one, 2)
	r := s.Score(&one)
	if !math.IsNaN(r.InflaMix.Value) || r.InflaMix.Used != 1 || len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0].Message, "at least 2") {
		t.Errorf("one lab: %v, %d labs, %v", r.InflaMix.Value, r.InflaMix.Used, r.Warnings)
	}
	zero := patient(req)
	record.CRP.SetFloat(&zero, 0)
	record.LDH.SetFloat(&zero, 200)
	record.Hb.SetFloat(&zero, 12)
	r = s.Score(&zero)
	if r.InflaMix.Used != 2 || len(r.Warnings) != 3 || r.Warnings[0].Field != "crp" || !strings.Contains(r.Warnings[1].Message, "missing albumin, crp, alp, ast)") {
		t.Errorf("CRP 0: %d labs, warnings %v", r.InflaMix.Used, r.Warnings)
	}
}

// TestConcurrentScoring scores from several goroutines (the marginal
// cache is filled concurrently) and compares with a serial run.
func TestConcurrentScoring(t *testing.T) {
	_, pats := synthPatients(t)
	var list []record.Record
	for _, p := range pats {
		q := withRequired(*p)
		// Drop a different subset of labs per patient.
		for i, f := range scores.InflaMixLabs() {
			if (len(list)>>i)&1 == 1 {
				f.SetFloat(&q, math.NaN())
			}
		}
		list = append(list, q)
	}
	serial := synthScorer(t)
	want := make([]float64, len(list))
	for i := range list {
		want[i] = serial.Row(&list[i]).InflaMixProb
	}
	s := synthScorer(t)
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range list {
				if got := s.Row(&list[i]).InflaMixProb; got != want[i] && !(math.IsNaN(got) && math.IsNaN(want[i])) {
					t.Errorf("patient %d: %v, want %v", i, got, want[i])
				}
			}
		}()
	}
	wg.Wait()
}

func TestBatchErrorsAndOrder(t *testing.T) {
	in := "patient_id,age,stage,mtv_ml,crp,ldh_uln\n" +
		"a,64,3,120,2,250\n" +
		"b,,3,120,2,250\n" +
		"c,64,5,120,abc,250\n" +
		"d,64,2,-4,2,0\n" +
		"\"e,1\",70,4,300,45,250\n" +
		"f,70,4\n"
	rd, err := record.NewCSVReader(strings.NewReader(in), "in.csv", record.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	sum, err := synthScorer(t).Batch(rd, &out, scores.BatchOptions{Format: "csv", Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&out).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 7 || strings.Join(recs[0], ",") != strings.Join(scores.RowColumns, ",") {
		t.Fatalf("output %q", recs)
	}
	for i, id := range []string{"a", "b", "c", "d", "e,1", "6"} {
		if recs[i+1][0] != id {
			t.Errorf("row %d id %q, want %q", i+1, recs[i+1][0], id)
		}
	}
	if recs[1][1] == "" || recs[2][1] != "" || recs[5][1] == "" || !strings.Contains(recs[5][18], "mg/L") ||
		!strings.Contains(recs[2][19], "impi: needs age (missing)") {
		t.Errorf("scores: %q", recs)
	}
	type key struct {
		row    int
		column string
		value  string
	}
	want := []key{{3, "crp", "abc"}, {3, "stage", "5"}, {4, "mtv_ml", "-4"}, {4, "ldh_uln", "0"}, {6, "", ""}}
	got := map[key]scores.BatchError{}
	for _, e := range sum.Errors {
		got[key{e.Row, e.Column, e.Value}] = e
	}
	for _, k := range want {
		e, ok := got[k]
		if !ok || !strings.Contains(e.Message, k.column) || e.Line != k.row+1 || (k.row == 6 && !strings.Contains(e.Message, "the row has 3 cells but the header has 6")) {
			t.Errorf("missing error %+v (got %+v)", k, sum.Errors)
		}
	}
	if sum.Rows != 6 || len(sum.Errors) != len(want) || sum.Warnings != 4 {
		t.Errorf("summary %+v", sum)
	}
}

func TestPatientJSON(t *testing.T) {
	p, issues, keyErrs, err := record.DecodeJSON([]byte(`{"patient_id": "x", "age": 64, "stage": "IV", "mtv_ml": 120, "crp": null, "ldh": "300"}`), nil, record.Format{})
	if err != nil || len(issues) > 0 || len(keyErrs) > 0 {
		t.Fatal(err, issues, keyErrs)
	}
	if p.PatientID != "x" || p.Stage != 4 || p.LDH != 300 || record.CRP.Has(&p) {
		t.Errorf("decoded %+v", p)
	}
	b, _ := json.Marshal(p)
	q, _, _, err := record.DecodeJSON(b, nil, record.Format{})
	b2, _ := json.Marshal(q)
	if err != nil || string(b) != string(b2) {
		t.Errorf("round trip %s -> %s: %v", b, b2, err)
	}
	for _, bad := range []string{`{"agee": 1}`, `{"age": [1]}`} {
		if _, _, keyErrs, err := record.DecodeJSON([]byte(bad), nil, record.Format{}); err == nil && len(keyErrs) == 0 {
			t.Errorf("%s accepted", bad)
		}
	}
	if _, issues, _, _ := record.DecodeJSON([]byte(`{"age": "old"}`), nil, record.Format{}); len(issues) != 1 || issues[0].Severity != record.SeverityError {
		t.Errorf(`{"age": "old"}: %v`, issues)
	}
}
