package scores_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"carimpi/internal/reftest"
	"carimpi/scores"
	"carimpi/table"
)

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

func patient(kv map[scores.Field]float64) scores.Patient {
	p := scores.NewPatient("t")
	for f, v := range kv {
		p.Set(f, v)
	}
	return p
}

func TestCARIMPIWithModelFile(t *testing.T) {
	s := scores.NewScorer()
	p := patient(map[scores.Field]float64{scores.Age: 64, scores.Stage: 3, scores.MTV: 120})
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
	base := map[scores.Field]float64{scores.Age: 50, scores.Stage: 1}
	// MTV 10: lp = 0.149 + 0.5 = 0.649 (c-low); MTV 200: 2.98 - 0.965 + 0.5 (c-high).
	labsLow := map[scores.Field]float64{scores.Plt: 250, scores.ANC: 3, scores.Hb: 13, scores.CRP: 0.5, scores.Ferritin: 200,
		scores.LDH: 180, scores.Albumin: 4.2, scores.IL6: 2}
	labsHigh := map[scores.Field]float64{scores.Plt: 60, scores.ANC: 0.8, scores.Hb: 8, scores.CRP: 12, scores.Ferritin: 3000,
		scores.LDH: 900, scores.Albumin: 2.5, scores.IL6: 80}
	for _, tc := range []struct {
		mtv      float64
		labs     map[scores.Field]float64
		ht, infl string
	}{
		{10, labsLow, "c-low/h-low", "c-low/non-inflamed"},
		{10, labsHigh, "c-low/h-high", "c-low/inflamed"},
		{200, labsLow, "c-high/h-low", "c-high/non-inflamed"},
		{200, labsHigh, "c-high/h-high", "c-high/inflamed"},
	} {
		p := patient(base)
		p.Set(scores.MTV, tc.mtv)
		for f, v := range tc.labs {
			p.Set(f, v)
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
	rd := reftest.Table(t, refDir+"data/scores_examples.csv")
	cols, err := scores.NewColumns(rd.Header, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, rec := range rd.Rows {
		p, errs := cols.Patient(rec, false, i+1)
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		a, b := s1.Row(&p), s2.Row(&p)
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if string(ja) != string(jb) || math.IsNaN(a.CARIMPI) {
			t.Errorf("%s: %s\n%s", p.ID, ja, jb)
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
	if _, err := scores.LoadFile(filepath.Join(t.TempDir(), "none.json")); err == nil || !strings.Contains(err.Error(), "none.json") {
		t.Errorf("missing file: %v", err)
	}
	if err := scores.Save(&bytes.Buffer{}, scores.CARIMPI()); err == nil {
		t.Error("saving the built-in CAR-IMPI (no coefficients) should fail")
	}
}

// TestBadInput checks each bad input of the issue: the message names the
// field and, for a suspected unit, gives the fix.
func TestBadInput(t *testing.T) {
	ok := map[scores.Field]float64{scores.Age: 64, scores.Stage: 3, scores.MTV: 120}
	for _, tc := range []struct {
		name    string
		set     map[scores.Field]float64
		unset   scores.Field
		err     bool
		field   string
		message string
	}{
		{"missing age", nil, scores.Age, true, "age", "age is required"},
		{"missing mtv", nil, scores.MTV, true, "mtv_ml", "mtv_ml is required"},
		{"stage 5", map[scores.Field]float64{scores.Stage: 5}, -1, true, "stage", "stage 5 must be from 1 to 4"},
		{"stage 2.5", map[scores.Field]float64{scores.Stage: 2.5}, -1, true, "stage", "whole number"},
		{"negative MTV", map[scores.Field]float64{scores.MTV: -3}, -1, true, "mtv_ml", "mtv_ml -3 mL must be from 0"},
		{"age 150", map[scores.Field]float64{scores.Age: 150}, -1, true, "age", "age 150 years must be from 0 to 120"},
		{"ULN 0", map[scores.Field]float64{scores.LDHULN: 0}, -1, true, "ldh_uln", "must be greater than 0"},
		{"negative lab", map[scores.Field]float64{scores.CRP: -1}, -1, true, "crp", "crp -1 mg/dL must be from 0"},
		{"Hb in g/L", map[scores.Field]float64{scores.Hb: 105}, -1, true, "hb", "if it is in g/L, that is 10.5 g/dL"},
		{"plt per uL", map[scores.Field]float64{scores.Plt: 165000}, -1, true, "plt", "if it is in /uL, that is 165 10^9/L"},
		{"CRP in mg/L", map[scores.Field]float64{scores.CRP: 45}, -1, false, "crp", "if it is in mg/L, that is 4.5 mg/dL"},
		{"creatinine in umol/L", map[scores.Field]float64{scores.Creatinine: 88}, -1, true, "creatinine", "if it is in umol/L, that is 0.9952 mg/dL"},
		{"ECOG 5", map[scores.Field]float64{scores.ECOG: 5}, -1, true, "ecog", "ecog 5 must be from 0 to 4"},
		{"age 12", map[scores.Field]float64{scores.Age: 12}, -1, false, "age", "implausible"},
	} {
		p := patient(ok)
		for f, v := range tc.set {
			p.Set(f, v)
		}
		if tc.unset >= 0 {
			p.Set(tc.unset, math.NaN())
		}
		r := scores.NewScorer().Score(&p)
		list := r.Warnings
		if tc.err {
			list = r.Errors
			if !math.IsNaN(r.IMPI.Value) || !math.IsNaN(r.Hematotox.Value) {
				t.Errorf("%s: scored despite errors", tc.name)
			}
		}
		found := false
		for _, is := range list {
			found = found || (is.Field == tc.field && strings.Contains(is.Message, tc.message))
		}
		if !found {
			t.Errorf("%s: errors %v warnings %v; want %q on %s", tc.name, r.Errors, r.Warnings, tc.message, tc.field)
		}
	}
}

func TestColumnsAndUnits(t *testing.T) {
	units, err := scores.ParseUnits("crp=mg/L, hb=g/L,plt=/µL")
	if err != nil {
		t.Fatal(err)
	}
	header := []string{"Patient ID", "Age", "stage", "MTV-mL", "crp", "CRP ULN", "hb", "plt", "note"}
	cols, err := scores.NewColumns(header, units)
	if err != nil {
		t.Fatal(err)
	}
	if len(cols.Ignored) != 1 || cols.Ignored[0] != "note" {
		t.Errorf("ignored %v", cols.Ignored)
	}
	p, errs := cols.Patient([]string{"a", "64", "III", "120", "45", "8", "105", "165000", "x"}, false, 1)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	for f, want := range map[scores.Field]float64{scores.Stage: 3, scores.CRP: 4.5, scores.CRPULN: 0.8, scores.Hb: 10.5, scores.Plt: 165} {
		if got := p.Get(f); math.Abs(got-want) > 1e-12 {
			t.Errorf("%v = %v, want %v", f, got, want)
		}
	}
	if _, errs := cols.Patient([]string{"b", "6O", "3", "1,5", "", "", "", "", ""}, false, 2); len(errs) != 2 ||
		!strings.Contains(errs[0].Message, `age: "6O" is not a number`) || errs[1].Field != "mtv_ml" {
		t.Errorf("cell errors %v", errs)
	}
	if p, errs := cols.Patient([]string{"", "64", "3", "1,5", "", "", "", "", ""}, true, 7); len(errs) > 0 || p.Get(scores.MTV) != 1.5 || p.ID != "7" {
		t.Errorf("decimal comma / row id: %v %v %q", errs, p.Get(scores.MTV), p.ID)
	}
	if _, err := scores.NewColumns([]string{"patient_id", "age", "mtv_ml"}, nil); err == nil || !strings.Contains(err.Error(), `"stage"`) {
		t.Errorf("missing column: %v", err)
	}
	for _, bad := range []string{"crp=mmol/L", "nope=mg/L", "crp"} {
		if _, err := scores.ParseUnits(bad); err == nil {
			t.Errorf("ParseUnits(%q) accepted", bad)
		}
	}
}

func TestInflaMixEdges(t *testing.T) {
	s := synthScorer(t)
	req := map[scores.Field]float64{scores.Age: 60, scores.Stage: 2, scores.MTV: 50}
	extreme := patient(req)
	extreme.Set(scores.IL6, 1e6)
	extreme.Set(scores.CRP, 99)
	extreme.Set(scores.LDH, 9e4)
	if row := s.Row(&extreme); row.InflaMixProb != 1 || row.InflaMixCluster != "inflamed" {
		t.Errorf("extreme inflamed labs: %v %q", row.InflaMixProb, row.InflaMixCluster)
	}
	// Every lab far above and far below its ULN: 0 <= P <= 1, never NaN.
	for _, f := range scores.InflaMixLabs() {
		for _, v := range []float64{1e-6, f.Info().Max} {
			p := patient(req)
			p.Set(scores.LDH, 200)
			p.Set(scores.Hb, 12)
			p.Set(f, v)
			if prob := s.Row(&p).InflaMixProb; !(prob >= 0 && prob <= 1) {
				t.Errorf("%v = %v: posterior %v", f, v, prob)
			}
		}
	}
	one := patient(req)
	one.Set(scores.CRP, 2)
	r := s.Score(&one)
	if !math.IsNaN(r.InflaMix.Value) || r.InflaMix.Used != 1 || len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0].Message, "at least 2") {
		t.Errorf("one lab: %v, %d labs, %v", r.InflaMix.Value, r.InflaMix.Used, r.Warnings)
	}
	zero := patient(req)
	zero.Set(scores.CRP, 0)
	zero.Set(scores.LDH, 200)
	zero.Set(scores.Hb, 12)
	r = s.Score(&zero)
	if r.InflaMix.Used != 2 || len(r.Warnings) != 1 || r.Warnings[0].Field != "crp" {
		t.Errorf("CRP 0: %d labs, warnings %v", r.InflaMix.Used, r.Warnings)
	}
}

// TestConcurrentScoring scores from several goroutines (the marginal
// cache is filled concurrently) and compares with a serial run.
func TestConcurrentScoring(t *testing.T) {
	_, pats := synthPatients(t)
	var list []scores.Patient
	for _, p := range pats {
		q := withRequired(*p)
		// Drop a different subset of labs per patient.
		for i, f := range scores.InflaMixLabs() {
			if (len(list)>>i)&1 == 1 {
				q.Set(f, math.NaN())
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
	rd, err := table.NewReader(strings.NewReader(in), "in.csv")
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
	for i, id := range []string{"a", "b", "c", "d", "e,1"} {
		if recs[i+1][0] != id {
			t.Errorf("row %d id %q, want %q", i+1, recs[i+1][0], id)
		}
	}
	if recs[1][1] == "" || recs[2][1] != "" || recs[5][1] == "" || !strings.Contains(recs[5][18], "mg/L") {
		t.Errorf("scores: %q", recs)
	}
	type key struct {
		row    int
		column string
		value  string
	}
	want := []key{{2, "age", ""}, {3, "crp", "abc"}, {3, "stage", "5"}, {4, "mtv_ml", "-4"}, {4, "ldh_uln", "0"}, {6, "", ""}}
	got := map[key]string{}
	for _, e := range sum.Errors {
		got[key{e.Row, e.Column, e.Value}] = e.Message
	}
	for _, k := range want {
		if msg, ok := got[k]; !ok || !strings.Contains(msg, k.column) || !strings.Contains(msg, "line ") || (k.row == 6 && !strings.Contains(msg, "line 7: the row has 3 cells but the header has 6")) {
			t.Errorf("missing error %+v (got %+v)", k, sum.Errors)
		}
	}
	if sum.Rows != 6 || len(sum.Errors) != len(want) || sum.Warnings != 2 {
		t.Errorf("summary %+v", sum)
	}
}

func TestPatientJSON(t *testing.T) {
	var p scores.Patient
	if err := json.Unmarshal([]byte(`{"patient_id": "x", "age": 64, "stage": "IV", "mtv_ml": 120, "crp": null, "ldh": "300"}`), &p); err != nil {
		t.Fatal(err)
	}
	if p.ID != "x" || p.Get(scores.Stage) != 4 || p.Get(scores.LDH) != 300 || p.Has(scores.CRP) {
		t.Errorf("decoded %+v", p)
	}
	b, _ := json.Marshal(p)
	var q scores.Patient
	err := json.Unmarshal(b, &q)
	b2, _ := json.Marshal(q)
	if err != nil || string(b) != string(b2) {
		t.Errorf("round trip %s -> %s: %v", b, b2, err)
	}
	for _, bad := range []string{`{"agee": 1}`, `{"age": "old"}`, `{"age": [1]}`} {
		if err := json.Unmarshal([]byte(bad), &p); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}
