package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"carimpi/cohort"
	"carimpi/internal/reftest"
	"carimpi/record"
	"carimpi/scores"
	"carimpi/server"
	"carimpi/survival"
	"carimpi/table"
)

const consistencyDir = "../../testdata/consistency/"

// valueError is a value refused by an entry point: field and message.
type valueError struct{ Field, Message string }

func sortedErrors(list []valueError) []valueError {
	sort.Slice(list, func(i, j int) bool {
		if list[i].Field != list[j].Field {
			return list[i].Field < list[j].Field
		}
		return list[i].Message < list[j].Message
	})
	return list
}

// TestConsistencyAcrossEntryPoints feeds the same files (a clean cohort, a
// messy European export with every convention of issue 12, a labs-only
// file) through validate, the study's loader, batch, score row by row and
// the API, and requires each value to be accepted or refused identically,
// with the same message and converted value, and every index to be equal.
func TestConsistencyAcrossEntryPoints(t *testing.T) {
	h, err := server.New(server.Config{Scorer: scores.NewScorer(), Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	flagged := map[string]bool{}
	for _, f := range scoreFields() {
		flagged[f.Name()] = true
	}
	for _, tc := range []struct {
		file    string
		decimal string // the file's decimal mark, declared to score and the API
		sep     string
		rows    int
	}{
		{"clean.csv", ".", ",", 20},
		{"messy.csv", ",", ";", 10},
		{"labs-only.csv", ".", ",", 5},
	} {
		t.Run(tc.file, func(t *testing.T) {
			path := consistencyDir + tc.file
			tab := reftest.Table(t, path)
			if len(tab.Rows) != tc.rows {
				t.Fatalf("%d rows", len(tab.Rows))
			}
			// validate: the values refused, per row.
			out, errOut, code := runCLI(t, "validate", "--data", path, "--format", "json")
			if code != 0 {
				t.Fatalf("validate: %d %s", code, errOut)
			}
			var rep struct {
				Problems []struct {
					Row                                  int
					Field, Value, Severity, Message, Fix string
				} `json:"problems"`
			}
			if err := json.Unmarshal([]byte(out), &rep); err != nil {
				t.Fatal(err)
			}
			validated := make([][]valueError, tc.rows+1)
			for _, p := range rep.Problems {
				if p.Severity == "error" && p.Row > 0 && strings.HasPrefix(p.Message, p.Field+" ") {
					validated[p.Row] = append(validated[p.Row], valueError{p.Field, p.Message})
				}
			}
			// The study's loader: the converted values of the accepted rows.
			co, _, err := cohort.LoadFile(path, cohort.Options{})
			if err != nil {
				t.Fatal(err)
			}
			loaded := map[string]*record.Record{}
			for _, r := range co.All() {
				loaded[r.PatientID] = &r
			}
			// batch: indices and refused values, per row.
			b := runBatchJSON(t, "--data", path)
			if len(b.Rows) != tc.rows {
				t.Fatalf("batch: %d rows", len(b.Rows))
			}
			batched := make([][]valueError, tc.rows+1)
			for _, e := range b.Errors {
				batched[e.Row] = append(batched[e.Row], valueError{e.Column, e.Message})
			}
			sc := scores.NewScorer()
			for i, cells := range tab.Rows {
				row := i + 1
				id := b.Rows[i]["patient_id"].(string)
				if got, want := sortedErrors(batched[row]), sortedErrors(validated[row]); fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("row %d: batch refused %v, validate %v", row, got, want)
				}
				// score with the row's cells as flags (the fields that
				// have one), the file's decimal mark declared.
				args := []string{"score", "--format", "json", "--decimal", tc.decimal}
				body := map[string]string{}
				var scoreWant []valueError
				for j, name := range tab.Header {
					cell := cells[j]
					f, ok := record.Lookup(name)
					if !ok || table.IsMissing(cell) {
						continue
					}
					body[name] = cell
					if flagged[name] {
						args = append(args, "--"+flagName(f), cell)
					}
				}
				for _, e := range batched[row] {
					if flagged[e.Field] {
						scoreWant = append(scoreWant, e)
					}
				}
				out, errOut, code := runCLI(t, args...)
				var one map[string]any
				if code != 0 || json.Unmarshal([]byte(out), &one) != nil {
					t.Fatalf("row %d: score %v: %d %s", row, args, code, errOut)
				}
				// The API with every cell as a JSON string.
				js, _ := json.Marshal(body)
				resp, err := http.Post(srv.URL+"/api/v1/score?decimal="+tc.decimal, "application/json", bytes.NewReader(js))
				if err != nil {
					t.Fatal(err)
				}
				var api map[string]any
				err = json.NewDecoder(resp.Body).Decode(&api)
				resp.Body.Close()
				if err != nil || resp.StatusCode != 200 {
					t.Fatalf("row %d: API %d %v %v", row, resp.StatusCode, err, api)
				}
				if got, want := sortedErrors(issues(one["errors"])), sortedErrors(scoreWant); fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("row %d: score refused %v, batch %v", row, got, want)
				}
				if got, want := sortedErrors(issues(api["errors"])), sortedErrors(batched[row]); fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("row %d: API refused %v, batch %v", row, got, want)
				}
				// Every index equal: batch, score and the API.
				for _, k := range scores.RowColumns {
					if k == "patient_id" || k == "warnings" {
						continue
					}
					bv, _ := json.Marshal(b.Rows[i][k])
					sv, _ := json.Marshal(one[k])
					av, _ := json.Marshal(api[k])
					if string(bv) != string(av) {
						t.Errorf("row %d %s: batch %s, API %s", row, k, bv, av)
					}
					if k != "unavailable" && string(bv) != string(sv) {
						t.Errorf("row %d %s: batch %s, score %s", row, k, bv, sv)
					}
				}
				bw, _ := json.Marshal(b.Rows[i]["warnings"])
				aw, _ := json.Marshal(api["warnings"])
				if string(bw) != string(aw) {
					t.Errorf("row %d warnings: batch %s, API %s", row, bw, aw)
				}
				// The converted values: score's patient and the study's
				// record (accepted rows), field by field.
				rec, ok := loaded[id]
				if !ok {
					continue
				}
				patient, _ := one["patient"].(map[string]any)
				for name := range flagged {
					f, _ := record.Lookup(name)
					v, has := patient[name]
					if f.IsText() {
						if s, _ := v.(string); s != f.Str(rec) {
							t.Errorf("row %d %s: score %v, study loader %q", row, name, v, f.Str(rec))
						}
						continue
					}
					x := f.Float(rec)
					if has != !math.IsNaN(x) || has && math.Abs(v.(float64)-x) > 1e-12*math.Abs(x) {
						t.Errorf("row %d %s: score %v, study loader %v", row, name, v, x)
					}
				}
				// The study scores the record as batch scores the row.
				srow := sc.Row(rec)
				for _, pair := range [][2]any{{srow.IMPI, b.Rows[i]["impi"]}, {srow.CARHematotox, b.Rows[i]["car_hematotox"]},
					{srow.IPI, b.Rows[i]["ipi"]}, {srow.EASIX, b.Rows[i]["easix"]}} {
					got, want := pair[0].(float64), pair[1]
					if math.IsNaN(got) != (want == nil) || want != nil && got != want.(float64) {
						t.Errorf("row %d: study %v, batch %v", row, got, want)
					}
				}
			}
		})
	}
}

// issues reads the "errors" list of a score or API answer.
func issues(v any) []valueError {
	list, _ := v.([]any)
	var out []valueError
	for _, x := range list {
		m := x.(map[string]any)
		out = append(out, valueError{m["field"].(string), m["message"].(string)})
	}
	return out
}

// TestConventionsThroughEveryEntryPoint spells out what the messy file
// must give (the consistency test above checks that every entry point
// agrees).
func TestConventionsThroughEveryEntryPoint(t *testing.T) {
	b := runBatchJSON(t, "--data", consistencyDir+"messy.csv")
	refused := map[string]string{}
	for _, e := range b.Errors {
		refused[fmt.Sprint(e.Row, " ", e.Column)] = e.Message
	}
	for key, want := range map[string]string{
		"2 plt":      `plt "1.200" is ambiguous in a file with decimal commas`,
		"4 age":      `age "1_200" is not a number`,
		"4 stage":    "stage 0 is outside the possible range 1-4",
		"5 mtv_ml":   "mtv_ml -5 mL is outside the possible range",
		"6 mtv_ml":   `mtv_ml "0x1p4" is not a number`,
		"7 age":      `age "Inf" is not a number`,
		"8 plt":      "plt 165000 10^9/L is outside the possible range",
		"8 hb":       "hb 105 g/dL is outside the possible range",
		"9 ferritin": `ferritin "1.200,5" is ambiguous`,
	} {
		if got := refused[key]; !strings.Contains(got, want) {
			t.Errorf("%s: %q, want %q", key, got, want)
		}
	}
	if len(refused) != 9 {
		t.Errorf("refused %v", refused)
	}
	rows := b.Rows
	if rows[0]["car_hematotox"] == nil || rows[4]["car_hematotox"] == nil || rows[4]["impi"] != nil {
		t.Errorf("MTV -5 must leave CAR-HEMATOTOX computed and IMPI unavailable: %v", rows[4])
	}
	if w := fmt.Sprint(rows[0]["warnings"]); !strings.Contains(w, `stage "IIIB" read as 3`) {
		t.Errorf("stage suffix note: %s", w)
	}
	// The same file loaded for the study: stages and events as read.
	co, rep, err := cohort.LoadFile(consistencyDir+"messy.csv", cohort.Options{})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]record.Record{}
	for _, r := range co.All() {
		byID[r.PatientID] = r
	}
	for id, want := range map[string][2]float64{"m01": {3, 1}, "m02": {4, 1}, "m03": {2, 0}, "m05": {4, 1}, "m06": {3, 0}, "m09": {1, 1}, "m10": {2, 0}} {
		r, ok := byID[id]
		if !ok && id != "m05" && id != "m06" {
			t.Errorf("%s not accepted: %+v", id, rep.Excluded)
			continue
		}
		if ok && (r.Stage != want[0] || r.PFSEvent != want[1]) {
			t.Errorf("%s: stage %v event %v, want %v", id, r.Stage, r.PFSEvent, want)
		}
	}
	if r := byID["m01"]; r.MTV != 12.5 || r.Sex != "female" || r.Product != "axi-cel" || r.ANC != 2.8 {
		t.Errorf("m01 read as %+v", r)
	}
}

// survfitJSON is the R reference of testdata/events12 (make.R).
type survfitJSON struct {
	N      int       `json:"n"`
	Events int       `json:"events"`
	Time   []float64 `json:"time"`
	NRisk  []float64 `json:"n_risk"`
	NEvent []float64 `json:"n_event"`
	Surv   []float64 `json:"surv"`
	StdErr []float64 `json:"std_err"`
	Lower  []float64 `json:"lower"`
	Upper  []float64 `json:"upper"`
	Median float64   `json:"median"`
}

// TestRSurvCodingEqualsR: a pfs_event column coded 1/2 (R's Surv) read by
// validate/the study and by km without --event-value gives R's survfit
// (testdata/events12, R-generated).
func TestRSurvCodingEqualsR(t *testing.T) {
	const dir = "../../testdata/events12/"
	var want survfitJSON
	reftest.Load(t, dir+"survfit.json", &want)
	near := func(what string, got, exp []float64) {
		t.Helper()
		if len(got) != len(exp) {
			t.Fatalf("%s: %d values, R %d", what, len(got), len(exp))
		}
		for i := range exp {
			if math.Abs(got[i]-exp[i]) > 1e-12*math.Max(1, math.Abs(exp[i])) {
				t.Fatalf("%s[%d] = %v, R %v", what, i, got[i], exp[i])
			}
		}
	}
	// km without --event-value.
	out, errOut, code := runCLI(t, "km", "--data", dir+"events12.csv", "--time", "pfs_months", "--event", "pfs_event", "--format", "json")
	if code != 0 {
		t.Fatalf("km: %d %s", code, errOut)
	}
	var km struct {
		EventCoding string        `json:"event_coding"`
		Strata      []survfitJSON `json:"strata"`
	}
	if err := json.Unmarshal([]byte(out), &km); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(km.EventCoding, "2 = event") || len(km.Strata) != 1 || km.Strata[0].Events != want.Events || km.Strata[0].Median != want.Median {
		t.Fatalf("km: coding %q, %d strata", km.EventCoding, len(km.Strata))
	}
	s := km.Strata[0]
	near("km time", s.Time, want.Time)
	near("km n_risk", s.NRisk, want.NRisk)
	near("km n_event", s.NEvent, want.NEvent)
	near("km surv", s.Surv, want.Surv)
	near("km std_err", s.StdErr, want.StdErr)
	near("km lower", s.Lower, want.Lower)
	near("km upper", s.Upper, want.Upper)
	// The cohort loader (validate, study) reads the same column as R.
	co, rep, err := cohort.LoadFile(dir+"events12.csv", cohort.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.EventCoding["pfs_event"] == "" || co.Len() != want.N {
		t.Fatalf("loader: coding %v, %d records", rep.EventCoding, co.Len())
	}
	ev := co.Floats("pfs_event")
	evb := make([]bool, len(ev))
	for i, e := range ev {
		evb[i] = e == 1
	}
	curves, err := survival.KaplanMeier(co.Floats("pfs_months"), evb, nil, survival.KMOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c := curves[0]
	near("loader time", c.Time, want.Time)
	near("loader surv", c.Surv, want.Surv)
	near("loader lower", c.Lower, want.Lower)
	near("loader upper", c.Upper, want.Upper)
}

// TestCohortNamesIgnoreCase: --validate-cohort validation finds
// "Validation"; a name that matches no row is an error listing the names.
func TestCohortNamesIgnoreCase(t *testing.T) {
	skipShort(t)
	var b strings.Builder
	b.WriteString(strings.Replace(strings.Replace(string(cohort.DefaultCSV()), ",development,", ",Development,", -1), ",validation,", ",VALIDATION,", -1))
	data := writeFile(t, "cohorts.csv", b.String())
	dir := t.TempDir()
	if _, errOut, code := runCLI(t, "study", "--data", data, "--out", dir+"/r", "--bootstrap", "0", "--quiet",
		"--develop-cohort", "development", "--validate-cohort", "Validation"); code != 0 {
		t.Fatalf("study: %d %s", code, errOut)
	}
	var res struct {
		KM map[string]any `json:"km"`
	}
	reftest.Load(t, dir+"/r/results.json", &res)
	if _, ok := res.KM["VALIDATION"]; !ok {
		t.Errorf("validation cohort not analysed: %v", res.KM)
	}
	_, errOut, code := runCLI(t, "study", "--data", data, "--out", dir+"/r2", "--bootstrap", "0", "--quiet", "--validate-cohort", "external")
	if code != 1 || !strings.Contains(errOut, `"external" matches no row`) || !strings.Contains(errOut, "Development, VALIDATION") {
		t.Errorf("unknown cohort: %d %s", code, errOut)
	}
}

// TestFactorOrderAgrees: km --group inst and cox --strata inst order the
// institutions alike, numerically as R's factor() of a numeric column
// (1, 2, 10, not 1, 10, 2).
func TestFactorOrderAgrees(t *testing.T) {
	out, errOut, code := runCLI(t, "km", "--data", refData+"/lung.csv", "--time", "time", "--event", "status", "--group", "inst", "--format", "json")
	if code != 0 {
		t.Fatalf("km: %d %s", code, errOut)
	}
	var km struct {
		Strata []struct{ Name string } `json:"strata"`
	}
	json.Unmarshal([]byte(out), &km)
	out, errOut, code = runCLI(t, "cox", "--data", refData+"/lung.csv", "--time", "time", "--event", "status", "--terms", "age", "--strata", "inst", "--format", "json")
	if code != 0 {
		t.Fatalf("cox: %d %s", code, errOut)
	}
	var cx struct {
		Strata []string `json:"strata"`
	}
	json.Unmarshal([]byte(out), &cx)
	var kmNames []string
	for _, s := range km.Strata {
		kmNames = append(kmNames, strings.TrimPrefix(s.Name, "inst="))
	}
	var coxNames []string
	for _, s := range cx.Strata {
		coxNames = append(coxNames, strings.TrimPrefix(s, "inst="))
	}
	if len(kmNames) < 10 || fmt.Sprint(kmNames) != fmt.Sprint(coxNames) || kmNames[1] != "2" {
		t.Errorf("km groups %v, cox strata %v", kmNames, coxNames)
	}
}
