package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"carimpi/internal/reftest"
	"carimpi/record"
	"carimpi/scores"
	"carimpi/server"
)

const refData = "../testdata/reference/data/"

// testModel is a CAR-IMPI model as a model file would give it, with a
// baseline survival for PFS only (OS stays "not available"). The numbers
// are made up for the test; only their use is checked.
func testModel() *scores.CoxModel {
	m := scores.CARIMPI()
	m.Coef = &scores.Coefficients{MTV: 0.0149, MTVAboveKnot: -0.0062, Age: 0.012, Stage2: 0.1, Stage3: 0.3, Stage4: 0.5}
	m.Centre = 1.2
	m.Baseline = []scores.BaselineSurvival{{Endpoint: "pfs", Times: []float64{1, 3, 6, 9, 12, 18}, Survival: []float64{0.95, 0.8, 0.66, 0.6, 0.55, 0.5}}}
	m.Version = "test"
	return m
}

// newScorer returns a scorer with the SYNTHETIC InflaMix-structured model
// of the reference (carimpi ships no official InflaMix parameters) and,
// withModel, the test CAR-IMPI model.
func newScorer(t testing.TB, withModel bool) *scores.Scorer {
	sc := scores.NewScorer()
	im, err := scores.LoadInflaMixFile("../testdata/reference/models/inflamix-synthetic.json")
	if err != nil {
		t.Fatal(err)
	}
	sc.InflaMix = im
	if withModel {
		if err := sc.Use(testModel()); err != nil {
			t.Fatal(err)
		}
	}
	return sc
}

func newHandler(t testing.TB, cfg server.Config) http.Handler {
	if cfg.Scorer == nil {
		cfg.Scorer = newScorer(t, true)
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	h, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func do(h http.Handler, method, path, ctype, body string, hdr ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

const patient = `{"patient_id":"p1","age":64,"stage":3,"mtv_ml":120,"ecog":1,"extranodal_sites":2,"nccn_extranodal":1,
"ldh":310,"ldh_uln":250,"crp":2.1,"ferritin":900,"hb":10.2,"plt":140,"anc":1.5,"creatinine":0.9,"il6":12}`

type errorBody struct {
	Error  string `json:"error"`
	Fields []struct {
		Field, Message string
	} `json:"fields"`
	Notice string `json:"notice"`
}

// TestValueErrorsScoreTheRest: a value that cannot be used is listed in
// "errors" (field, value, message) and makes only the indices that need
// it unavailable, with the reason; the others are computed (200).
func TestValueErrorsScoreTheRest(t *testing.T) {
	const js = "application/json"
	labs := `"plt":165,"anc":2.8,"hb":10.6,"crp":1.3,"ferritin":447`
	h := newHandler(t, server.Config{})
	for _, tc := range []struct {
		name, body, field, message string
	}{
		{"string for number", `{"age":"6O","stage":2,"mtv_ml":10,` + labs + `}`, "age", `age "6O" is not a number`},
		{"overflowing number", `{"age":1e999,"stage":2,"mtv_ml":10,` + labs + `}`, "age", `age "1e999" is not a number`},
		{"stage 5", `{"age":60,"stage":5,"mtv_ml":10,` + labs + `}`, "stage", "stage 5 is outside the possible range 1-4"},
		{"negative MTV", `{"age":60,"stage":2,"mtv_ml":-5,` + labs + `}`, "mtv_ml", "mtv_ml -5 mL is outside the possible range"},
		{"age 150", `{"age":150,"stage":2,"mtv_ml":1,` + labs + `}`, "age", "age 150 years is outside the possible range"},
		{"missing age", `{"stage":2,"mtv_ml":1,` + labs + `}`, "", ""},
	} {
		rec := do(h, "POST", "/api/v1/score", js, tc.body)
		var v struct {
			IMPI         *float64          `json:"impi"`
			CARHematotox *float64          `json:"car_hematotox"`
			Unavailable  map[string]string `json:"unavailable"`
			Errors       []struct {
				Field, Value, Message string
			} `json:"errors"`
		}
		if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &v) != nil {
			t.Errorf("%s: status %d %s", tc.name, rec.Code, rec.Body)
			continue
		}
		if v.IMPI != nil || v.CARHematotox == nil || *v.CARHematotox != 1 {
			t.Errorf("%s: impi %v, car_hematotox %v", tc.name, v.IMPI, v.CARHematotox)
		}
		if tc.field == "" {
			if len(v.Errors) != 0 || !strings.Contains(v.Unavailable["impi"], "age (missing)") {
				t.Errorf("%s: errors %v, impi %q", tc.name, v.Errors, v.Unavailable["impi"])
			}
			continue
		}
		if len(v.Errors) != 1 || v.Errors[0].Field != tc.field || !strings.Contains(v.Errors[0].Message, tc.message) ||
			!strings.Contains(v.Unavailable["impi"], tc.message) {
			t.Errorf("%s: errors %+v, impi %q", tc.name, v.Errors, v.Unavailable["impi"])
		}
	}
	// A labs-only CSV is scored through batch (no required column).
	rec := do(h, "POST", "/api/v1/batch", "text/csv", "plt,anc,hb,crp,ferritin\n165,2.8,10.6,1.3,447\n")
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"car_hematotox":1,`) {
		t.Errorf("labs-only batch: %d %s", rec.Code, rec.Body)
	}
}

func TestErrorPaths(t *testing.T) {
	const js = "application/json"
	big := `{"patient_id":"` + strings.Repeat("x", 2<<10) + `"}`
	tests := []struct {
		name, method, path, ctype, body string
		hdr                             []string
		status                          int
		fields                          []string // fields named in a 400
		inError                         string   // part of the error message
		allow                           string
	}{
		{name: "malformed JSON", method: "POST", path: "/api/v1/score", ctype: js, body: `{"age": 6`, status: 400, inError: "not a JSON object"},
		{name: "array, not object", method: "POST", path: "/api/v1/score", ctype: js, body: `[1]`, status: 400, inError: "not a JSON object"},
		{name: "null body", method: "POST", path: "/api/v1/score", ctype: js, body: `null`, status: 400, inError: "null"},
		{name: "two objects", method: "POST", path: "/api/v1/score", ctype: js, body: `{} {}`, status: 400, inError: "more than one"},
		{name: "repeated key", method: "POST", path: "/api/v1/score", ctype: js, body: `{"age":60,"age":70}`, status: 400, inError: `request body: duplicate key "age"`},
		{name: "unknown field", method: "POST", path: "/api/v1/score", ctype: js, body: `{"age":60,"stage":2,"mtv_ml":10,"ldh_ul":300}`, status: 400, fields: []string{"ldh_ul"}},
		{name: "boolean for number", method: "POST", path: "/api/v1/score", ctype: js, body: `{"age":60,"stage":true,"mtv_ml":10}`, status: 400, fields: []string{"stage"}},
		{name: "number for patient_id", method: "POST", path: "/api/v1/score", ctype: js, body: `{"patient_id":7,"age":60,"stage":2,"mtv_ml":10}`, status: 400, fields: []string{"patient_id"}},
		{name: "several at once", method: "POST", path: "/api/v1/score", ctype: js, body: `{"age":"x","stage":5,"mtv_ml":10,"foo":1}`, status: 400, fields: []string{"age", "foo", "stage"}},
		{name: "too large", method: "POST", path: "/api/v1/score", ctype: js, body: big, status: 413},
		{name: "batch too large", method: "POST", path: "/api/v1/batch", ctype: "text/csv", body: "age,stage,mtv_ml\n" + strings.Repeat("60,2,10\n", 400), status: 413},
		{name: "score as text", method: "POST", path: "/api/v1/score", ctype: "text/plain", body: patient, status: 415},
		{name: "score without type", method: "POST", path: "/api/v1/score", body: patient, status: 415},
		{name: "batch as JSON", method: "POST", path: "/api/v1/batch", ctype: js, body: patient, status: 415},
		{name: "batch bad units", method: "POST", path: "/api/v1/batch?units=crp=furlongs", ctype: "text/csv", body: "age,stage,mtv_ml\n60,2,10\n", status: 400, fields: []string{"units"}},
		{name: "batch empty body", method: "POST", path: "/api/v1/batch", ctype: "text/csv", body: "", status: 400},
		{name: "no such path", method: "GET", path: "/api/v1/nothing", status: 404},
		{name: "no such static file", method: "GET", path: "/static/nothing.js", status: 404},
		{name: "GET score", method: "GET", path: "/api/v1/score", status: 405, allow: "POST"},
		{name: "DELETE healthz", method: "DELETE", path: "/healthz", status: 405, allow: "GET, HEAD"},
		{name: "POST models", method: "POST", path: "/api/v1/models", ctype: js, body: "{}", status: 405, allow: "GET, HEAD"},
	}
	h := newHandler(t, server.Config{MaxBodyBytes: 2 << 10})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(h, tt.method, tt.path, tt.ctype, tt.body, tt.hdr...)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d; body %s", rec.Code, tt.status, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type %q, want JSON", ct)
			}
			var e errorBody
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil {
				t.Fatalf("error body %q: %v", rec.Body, err)
			}
			if e.Error == "" || e.Notice != server.Notice {
				t.Errorf("error body %s lacks error or notice", rec.Body)
			}
			if !strings.Contains(e.Error, tt.inError) {
				t.Errorf("error %q does not contain %q", e.Error, tt.inError)
			}
			var got []string
			for _, f := range e.Fields {
				if f.Message == "" {
					t.Errorf("field %s without message", f.Field)
				}
				got = append(got, f.Field)
			}
			slices.Sort(got)
			if tt.fields != nil && !slices.Equal(got, tt.fields) {
				t.Errorf("fields %v, want %v (%s)", got, tt.fields, rec.Body)
			}
			if a := rec.Header().Get("Allow"); a != tt.allow {
				t.Errorf("Allow %q, want %q", a, tt.allow)
			}
		})
	}
}

func TestToken(t *testing.T) {
	h := newHandler(t, server.Config{Token: "s3cret"})
	tests := []struct {
		name, method, path, auth string
		status                   int
	}{
		{"no token", "POST", "/api/v1/score", "", 401},
		{"wrong token", "POST", "/api/v1/score", "Bearer s3cre", 401},
		{"not bearer", "POST", "/api/v1/score", "Basic s3cret", 401},
		{"models without token", "GET", "/api/v1/models", "", 401},
		{"right token", "POST", "/api/v1/score", "Bearer s3cret", 200},
		{"healthz is open", "GET", "/healthz", "", 200},
		{"page is open", "GET", "/", "", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(h, tt.method, tt.path, "application/json", patient, "Authorization", tt.auth)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			if tt.status == 401 && rec.Header().Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
		})
	}
}

func TestCORS(t *testing.T) {
	off := newHandler(t, server.Config{})
	rec := do(off, "POST", "/api/v1/score", "application/json", patient, "Origin", "https://example.org")
	if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("CORS off: Access-Control-Allow-Origin %q", got)
	}
	on := newHandler(t, server.Config{CORSOrigin: "https://example.org"})
	rec = do(on, "POST", "/api/v1/score", "application/json", patient, "Origin", "https://example.org")
	if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "https://example.org" {
		t.Errorf("allowed origin: Access-Control-Allow-Origin %q", got)
	}
	rec = do(on, "POST", "/api/v1/score", "application/json", patient, "Origin", "https://evil.example")
	if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("other origin: Access-Control-Allow-Origin %q", got)
	}
	rec = do(on, "OPTIONS", "/api/v1/score", "", "", "Origin", "https://example.org", "Access-Control-Request-Method", "POST")
	if rec.Code != 204 || !strings.Contains(rec.Header().Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Errorf("preflight: %d %v", rec.Code, rec.Header())
	}
}

// TestAccessLog checks that the log has method, path, status and latency,
// and no patient value.
func TestAccessLog(t *testing.T) {
	var buf bytes.Buffer
	h := newHandler(t, server.Config{Log: slog.New(slog.NewJSONHandler(&buf, nil))})
	do(h, "POST", "/api/v1/score?x=987654", "application/json", `{"patient_id":"SECRET-ID","age":61.2345,"stage":2,"mtv_ml":77.777}`)
	do(h, "POST", "/api/v1/score", "application/json", `{"age":"61.2345x"}`)
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d log lines, want 2: %s", len(lines), buf.String())
	}
	for _, l := range lines {
		for _, secret := range []string{"SECRET-ID", "61.2345", "77.777", "987654"} {
			if strings.Contains(l, secret) {
				t.Errorf("log line holds patient data %q: %s", secret, l)
			}
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"method", "path", "status", "latency_ms"} {
			if _, ok := m[k]; !ok {
				t.Errorf("log line lacks %s: %s", k, l)
			}
		}
	}
}

// scoreRow posts one patient and returns the answer as raw JSON members.
func scoreRow(t testing.TB, h http.Handler, body string) map[string]json.RawMessage {
	t.Helper()
	rec := do(h, "POST", "/api/v1/score", "application/json", body)
	if rec.Code != 200 {
		t.Fatalf("score: %d %s", rec.Code, rec.Body)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// csvPatients turns the rows of a CSV file into JSON patient objects,
// numbers as JSON numbers and empty cells left out.
func csvPatients(t testing.TB, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(strings.ReplaceAll(string(b), "\r\n", "\n")), "\n")
	header := strings.Split(lines[0], ",")
	var out []string
	for _, l := range lines[1:] {
		cells := strings.Split(l, ",")
		var parts []string
		for i, c := range cells {
			switch {
			case c == "":
			case header[i] == "patient_id":
				parts = append(parts, `"patient_id":"`+c+`"`)
			default:
				parts = append(parts, `"`+header[i]+`":`+c)
			}
		}
		out = append(out, "{"+strings.Join(parts, ",")+"}")
	}
	return out
}

// TestScoreEqualsBatch checks the contract: for every patient of the
// reference examples, /api/v1/score carries every field of the row that
// "carimpi batch --format json" (scores.Scorer.Batch) writes, with the same
// value, and /api/v1/batch writes that very document.
func TestScoreEqualsBatch(t *testing.T) {
	for _, withModel := range []bool{false, true} {
		sc := newScorer(t, withModel)
		h := newHandler(t, server.Config{Scorer: sc})
		csvBody, err := os.ReadFile(refData + "scores_examples.csv")
		if err != nil {
			t.Fatal(err)
		}
		want := batchDoc(t, sc, csvBody)
		rec := do(h, "POST", "/api/v1/batch", "text/csv", string(csvBody))
		if rec.Code != 200 {
			t.Fatalf("batch: %d %s", rec.Code, rec.Body)
		}
		if got := rec.Body.String(); got != want.raw {
			i := 0
			for i < min(len(got), len(want.raw)) && got[i] == want.raw[i] {
				i++
			}
			t.Errorf("/api/v1/batch differs from scores.Scorer.Batch at byte %d:\n%.200q\nwant\n%.200q", i, got[i:], want.raw[i:])
		}
		pats := csvPatients(t, refData+"scores_examples.csv")
		if len(pats) != len(want.Rows) {
			t.Fatalf("%d patients, %d rows", len(pats), len(want.Rows))
		}
		for i, p := range pats {
			if len(want.rowErrors(i+1)) > 0 {
				continue // a row with errors is a 400 from /score (TestErrorPaths)
			}
			got := scoreRow(t, h, p)
			for k, v := range want.Rows[i] {
				if string(got[k]) != string(v) {
					t.Errorf("model %v, patient %d, %s: score %s, batch %s", withModel, i+1, k, got[k], v)
				}
			}
		}
	}
}

type batchJSON struct {
	raw    string
	Rows   []map[string]json.RawMessage `json:"rows"`
	Errors []scores.BatchError          `json:"errors"`
	Notice string                       `json:"notice"`
}

func (b *batchJSON) rowErrors(row int) []scores.BatchError {
	var out []scores.BatchError
	for _, e := range b.Errors {
		if e.Row == row {
			out = append(out, e)
		}
	}
	return out
}

func tableReader(b []byte) (*record.Reader, error) {
	return record.NewCSVReader(bytes.NewReader(b), "scores_examples.csv", record.Options{})
}

// batchDoc runs scores' own batch (the code of "carimpi batch") on a CSV.
func batchDoc(t testing.TB, sc *scores.Scorer, csvBody []byte) batchJSON {
	t.Helper()
	var buf bytes.Buffer
	rd, err := tableReader(csvBody)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sc.Batch(rd, &buf, scores.BatchOptions{Format: "json", Notice: server.Notice, Models: sc.Refs()}); err != nil {
		t.Fatal(err)
	}
	var b batchJSON
	if err := json.Unmarshal(buf.Bytes(), &b); err != nil {
		t.Fatalf("%v: %s", err, buf.String())
	}
	b.raw = buf.String()
	return b
}

// TestScoreReference checks the scores the API gives for the reference
// examples against the expected values computed outside carimpi.
func TestScoreReference(t *testing.T) {
	var exp struct {
		Expected map[string][]any `json:"expected"`
	}
	reftest.Load(t, "../testdata/reference/expected/scores-examples.json", &exp)
	h := newHandler(t, server.Config{Scorer: newScorer(t, false)})
	ids := exp.Expected["patient_id"]
	for i, p := range csvPatients(t, refData+"scores_examples.csv") {
		rec := do(h, "POST", "/api/v1/score", "application/json", p)
		if rec.Code != 200 {
			continue // invalid on purpose (boundary cases); see TestScoreEqualsBatch
		}
		var got map[string]any
		json.Unmarshal(rec.Body.Bytes(), &got)
		if got["patient_id"] != ids[i] {
			t.Fatalf("row %d: patient %v, want %v", i, got["patient_id"], ids[i])
		}
		for _, k := range []string{"impi", "easix", "m_easix", "inflamix_prob", "car_hematotox", "ipi", "nccn_ipi", "ipi_group", "nccn_ipi_group"} {
			want, ok := exp.Expected[k]
			if !ok {
				continue
			}
			switch w := want[i].(type) {
			case float64:
				g, _ := got[k].(float64)
				tol := 1e-9 * max(1, abs(w))
				if k == "inflamix_prob" {
					tol = 1e-9
				}
				if abs(g-w) > tol {
					t.Errorf("%v %s: %v, want %v", ids[i], k, got[k], w)
				}
			default:
				if got[k] != w {
					t.Errorf("%v %s: %v, want %v", ids[i], k, got[k], w)
				}
			}
		}
	}
}

func abs(x float64) float64 { return max(x, -x) }

func TestBatchJSONLines(t *testing.T) {
	sc := newScorer(t, true)
	h := newHandler(t, server.Config{Scorer: sc})
	lines := []string{
		`{"patient_id":"a","age":50,"stage":2,"mtv_ml":30,"crp":1,"ldh":200}`,
		``,
		`{"patient_id":"b","age":"old","stage":2,"mtv_ml":30}`,
		`{"patient_id":"c","age":50,"stage":5,"mtv_ml":30}`,
		`not json`,
		`{"patient_id":"e","age":70,"stage":4,"mtv_ml":300,"ldh_ul":1}`,
		`{"age":70,"stage":4,"mtv_ml":300}`,
	}
	rec := do(h, "POST", "/api/v1/batch", "application/x-ndjson", strings.Join(lines, "\n"))
	if rec.Code != 200 {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	var doc batchJSON
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("%v: %s", err, rec.Body)
	}
	if len(doc.Rows) != 6 || doc.Notice != server.Notice {
		t.Fatalf("%d rows, notice %q: %s", len(doc.Rows), doc.Notice, rec.Body)
	}
	wantErr := map[int]string{2: "age", 3: "stage", 4: "", 5: "ldh_ul"}
	for row := 1; row <= 6; row++ {
		errs := doc.rowErrors(row)
		col, bad := wantErr[row]
		if bad != (len(errs) > 0) || (bad && errs[0].Column != col) {
			t.Errorf("row %d errors %+v, want column %q (bad %v)", row, errs, col, bad)
		}
		if bad && string(doc.Rows[row-1]["car_impi"]) != "null" {
			t.Errorf("row %d has errors but was scored: %s", row, doc.Rows[row-1]["car_impi"])
		}
	}
	if got := string(doc.Rows[5]["patient_id"]); got != `"6"` {
		t.Errorf("row without id: patient_id %s, want the row number", got)
	}
	// A good line scores as /api/v1/score does.
	one := scoreRow(t, h, lines[0])
	for k, v := range doc.Rows[0] {
		if string(one[k]) != string(v) {
			t.Errorf("%s: batch %s, score %s", k, v, one[k])
		}
	}
	// CSV out when asked for.
	rec = do(h, "POST", "/api/v1/batch", "application/x-ndjson", lines[0], "Accept", "text/csv")
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") || !strings.HasPrefix(rec.Body.String(), strings.Join(scores.RowColumns, ",")) {
		t.Errorf("CSV answer: %s %q", ct, rec.Body)
	}
}

func TestSurvival(t *testing.T) {
	h := newHandler(t, server.Config{})
	got := scoreRow(t, h, patient)
	var surv []struct {
		Model, Endpoint, Note string
		Available             bool
		Estimates             []struct{ Months, Survival *float64 }
		Curve                 []struct{ Months, Survival float64 }
	}
	if err := json.Unmarshal(got["survival"], &surv); err != nil {
		t.Fatal(err)
	}
	var lp float64
	json.Unmarshal(got["car_impi"], &lp)
	m := testModel()
	times, s := m.Survival("pfs", lp)
	at := map[float64]float64{}
	for i := range times {
		at[times[i]] = s[i]
	}
	for _, c := range surv {
		switch {
		case c.Model == "car-impi" && c.Endpoint == "pfs":
			if !c.Available || len(c.Curve) != len(times) || len(c.Estimates) != 3 {
				t.Fatalf("car-impi pfs: %+v", c)
			}
			// 6 and 12 months are baseline times; 24 is past the last (18).
			for i, want := range []float64{at[6], at[12]} {
				if e := c.Estimates[i]; *e.Survival != want {
					t.Errorf("S(%v) = %v, want %v", *e.Months, *e.Survival, want)
				}
			}
			if c.Estimates[2].Survival != nil {
				t.Errorf("S(24) past the last baseline time = %v, want null", *c.Estimates[2].Survival)
			}
		case c.Endpoint == "os" || c.Model == "impi":
			if c.Available || c.Note != "not available: model has no baseline survival" {
				t.Errorf("%s %s: available %v, note %q", c.Model, c.Endpoint, c.Available, c.Note)
			}
		}
	}
}

func TestModelsAndHealth(t *testing.T) {
	h := newHandler(t, server.Config{})
	rec := do(h, "GET", "/api/v1/models", "", "")
	var m struct {
		Notice string
		Models []struct {
			ID               string   `json:"id"`
			BaselineSurvival []string `json:"baseline_survival"`
		}
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil || rec.Code != 200 {
		t.Fatalf("%d %v %s", rec.Code, err, rec.Body)
	}
	ids := map[string][]string{}
	for _, x := range m.Models {
		ids[x.ID] = x.BaselineSurvival
	}
	if b, ok := ids["car-impi"]; !ok || !slices.Equal(b, []string{"pfs"}) || m.Notice != server.Notice {
		t.Errorf("models: %s", rec.Body)
	}
	if _, ok := ids["inflamix"]; !ok {
		t.Errorf("models lack inflamix: %s", rec.Body)
	}
	rec = do(h, "GET", "/healthz", "", "")
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"ok"`) {
		t.Errorf("healthz: %d %s", rec.Code, rec.Body)
	}
}

func TestPage(t *testing.T) {
	h := newHandler(t, server.Config{})
	rec := do(h, "GET", "/", "", "")
	page := rec.Body.String()
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("%d %v", rec.Code, rec.Header())
	}
	if !strings.Contains(page, server.Notice) || !strings.Contains(rec.Header().Get("Content-Security-Policy"), "default-src 'self'") {
		t.Error("page lacks the notice or its CSP")
	}
	if strings.Contains(page, "http://") || strings.Contains(page, "https://") {
		t.Error("page refers to another site; it must work offline")
	}
	// Every input has a label, and the ULN presets are the scorer's.
	for _, name := range []string{"age", "stage", "mtv_ml", "ecog", "ldh", "ldh_uln", "crp", "ferritin", "hb", "plt", "anc", "creatinine", "extranodal_sites", "nccn_extranodal", "il6", "ddimer", "ddimer_uln"} {
		if !strings.Contains(page, `id="`+name+`"`) || !strings.Contains(page, `for="`+name+`"`) {
			t.Errorf("input %s missing or unlabelled", name)
		}
	}
	if !strings.Contains(page, `id="ldh_uln" name="ldh_uln" class="uln" type="number" inputmode="decimal" min="0" step="any" value="250"`) {
		t.Error("LDH ULN preset is not 250")
	}
	for _, f := range []string{"/static/app.js", "/static/style.css"} {
		rec := do(h, "GET", f, "", "")
		if rec.Code != 200 || rec.Body.Len() == 0 {
			t.Errorf("%s: %d", f, rec.Code)
		}
	}
	if rec := do(h, "GET", "/static/index.html", "", ""); rec.Code != 404 {
		t.Errorf("the page template is served raw: %d", rec.Code)
	}
}

// TestConcurrent runs a round of mixed requests in parallel (run with
// -race): the handlers share the scorer and the rendered page.
func TestConcurrent(t *testing.T) {
	h := newHandler(t, server.Config{})
	srv := httptest.NewServer(h)
	defer srv.Close()
	want := do(h, "POST", "/api/v1/score", "application/json", patient).Body.String()
	const workers, each = 8, 10
	errc := make(chan string, workers*each)
	done := make(chan bool)
	for w := range workers {
		go func() {
			defer func() { done <- true }()
			for i := range each {
				var resp *http.Response
				var err error
				switch (w + i) % 3 {
				case 0:
					resp, err = http.Post(srv.URL+"/api/v1/score", "application/json", strings.NewReader(patient))
				case 1:
					resp, err = http.Post(srv.URL+"/api/v1/batch", "text/csv", strings.NewReader("patient_id,age,stage,mtv_ml,crp,ldh,plt,creatinine\nx,60,3,100,2,300,150,1\ny,40,1,20,0.5,200,250,0.8\n"))
				default:
					resp, err = http.Get(srv.URL + "/api/v1/models")
				}
				if err != nil {
					errc <- err.Error()
					continue
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					errc <- resp.Status + ": " + string(b)
				}
				if (w+i)%3 == 0 && string(b) != want {
					errc <- "score answer differs under load"
				}
			}
		}()
	}
	for range workers {
		<-done
	}
	close(errc)
	for e := range errc {
		t.Error(e)
	}
}

// TestBatchStreams checks that rows come back while the body is still being
// sent: the client waits for scored rows before it sends the rest. (The
// CSV reader looks at the first 64 KiB to find the separator, so the first
// part is larger than that.)
func TestBatchStreams(t *testing.T) {
	for _, tc := range []struct {
		ctype, header, line string
		n                   int
	}{
		{"application/x-ndjson", "", `{"age":60,"stage":2,"mtv_ml":10}`, 1100},
		{"text/csv", "age,stage,mtv_ml\n", "60,2,10", 9000},
	} {
		t.Run(tc.ctype, func(t *testing.T) {
			srv := httptest.NewServer(newHandler(t, server.Config{}))
			defer srv.Close()
			pr, pw := io.Pipe()
			req, _ := http.NewRequest("POST", srv.URL+"/api/v1/batch", pr)
			req.Header.Set("Content-Type", tc.ctype)
			type result struct {
				resp *http.Response
				err  error
			}
			got := make(chan result, 1)
			go func() {
				resp, err := http.DefaultClient.Do(req)
				got <- result{resp, err}
			}()
			io.WriteString(pw, tc.header)
			io.WriteString(pw, strings.Repeat(tc.line+"\n", tc.n))
			var r result
			select {
			case r = <-got:
			case <-time.After(10 * time.Second):
				t.Fatal("no answer while the body is open: the batch does not stream")
			}
			if r.err != nil {
				t.Fatal(r.err)
			}
			defer r.resp.Body.Close()
			buf := make([]byte, 4096)
			n, err := io.ReadAtLeast(r.resp.Body, buf, 200)
			if err != nil || !strings.Contains(string(buf[:n]), `"rows":[`) {
				t.Fatalf("first bytes %q, %v", buf[:n], err)
			}
			io.WriteString(pw, tc.line+"\n")
			pw.Close()
			rest, _ := io.ReadAll(r.resp.Body)
			var doc batchJSON
			if err := json.Unmarshal(append(buf[:n], rest...), &doc); err != nil || len(doc.Rows) != tc.n+1 {
				t.Fatalf("%d rows, %v", len(doc.Rows), err)
			}
		})
	}
}

// TestSimulatedAnswer: with a model fitted on simulated data the score and
// batch answers say so ("simulated": true, the row's warnings, the
// model's provenance); with published models only they say false.
func TestSimulatedAnswer(t *testing.T) {
	m := testModel()
	m.Provenance = scores.Provenance{Source: scores.SourceFitted, Citation: scores.FittedCitation("SIMULATED data: demo"),
		FittedOn: &scores.FittedOn{Simulated: true, Data: "demo", Cohorts: []string{"development"}, N: 10, Events: 5, Method: "test"}}
	sc := newScorer(t, false)
	if err := sc.Use(m); err != nil {
		t.Fatal(err)
	}
	patient := `{"age":64,"stage":3,"mtv_ml":120}`
	for _, tc := range []struct {
		sc        *scores.Scorer
		simulated bool
	}{{sc, true}, {newScorer(t, false), false}} {
		h := newHandler(t, server.Config{Scorer: tc.sc})
		rec := do(h, "POST", "/api/v1/score", "application/json", patient)
		var ans struct {
			Simulated *bool    `json:"simulated"`
			Warnings  []string `json:"warnings"`
			Models    []struct {
				ID         string             `json:"id"`
				Provenance *scores.Provenance `json:"provenance"`
			} `json:"models"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &ans); err != nil || ans.Simulated == nil || *ans.Simulated != tc.simulated {
			t.Fatalf("score answer %d: %s", rec.Code, rec.Body)
		}
		if tc.simulated && (!strings.Contains(strings.Join(ans.Warnings, "|"), scores.SimulatedWarning) || ans.Models[1].Provenance == nil || !ans.Models[1].Provenance.Simulated()) {
			t.Errorf("simulated answer: %s", rec.Body)
		}
		rec = do(h, "POST", "/api/v1/batch", "text/csv", "age,stage,mtv_ml\n64,3,120\n")
		if want := fmt.Sprintf(`"simulated":%t`, tc.simulated); !strings.Contains(rec.Body.String(), want) {
			t.Errorf("batch answer lacks %s: %s", want, rec.Body)
		}
	}
}
