package server

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"carimpi/record"
	"carimpi/scores"
)

// TestOpenAPISync checks the OpenAPI document against the server itself:
// its operations are exactly the registered API routes, the Patient schema
// is exactly what /api/v1/score accepts, and every answer the handlers
// give has exactly the documented properties, with the documented types.
func TestOpenAPISync(t *testing.T) {
	sc := scores.NewScorer()
	m := scores.CARIMPI()
	m.Coef = &scores.Coefficients{MTV: 0.01, MTVAboveKnot: -0.005, Age: 0.01, Stage2: 0.1, Stage3: 0.2, Stage4: 0.3}
	m.Baseline = []scores.BaselineSurvival{{Endpoint: "pfs", Times: []float64{6, 12, 24}, Survival: []float64{0.7, 0.6, 0.5}}}
	if err := sc.Use(m); err != nil {
		t.Fatal(err)
	}
	a, err := newAPI(Config{Scorer: sc})
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(Config{Scorer: sc, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	get := func(method, path, ctype, body string) (int, any) {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var v any
		if strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
			if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
		}
		return rec.Code, v
	}
	// Round-trip the document through JSON, as a client sees it.
	_, docAny := get("GET", "/api/v1/openapi.json", "", "")
	doc := docAny.(map[string]any)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)

	// 1. Operations = API routes, and each answers on the handler.
	var documented, registered []string
	for path, item := range doc["paths"].(map[string]any) {
		for method := range item.(map[string]any) {
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	for _, r := range a.routes {
		if strings.HasPrefix(r.Path, "/api/") || r.Path == "/healthz" {
			registered = append(registered, r.Method+" "+r.Path)
		}
	}
	sort.Strings(documented)
	sort.Strings(registered)
	if !slices.Equal(documented, registered) {
		t.Errorf("documented operations %v, registered %v", documented, registered)
	}
	for _, op := range documented {
		method, path, _ := strings.Cut(op, " ")
		other := map[string]string{"GET": "POST", "POST": "GET"}[method]
		if code, _ := get(other, path, "", ""); code != http.StatusMethodNotAllowed {
			t.Errorf("%s %s: %d, want 405 (route missing from the mux?)", other, path, code)
		}
	}

	// 2. Patient properties = the data dictionary and patient_id, and
	// each is accepted by the decoder.
	props := schemas["Patient"].(map[string]any)["properties"].(map[string]any)
	var want []string
	for _, f := range record.Infos() {
		want = append(want, f.Name)
	}
	if got := keys(props); !slices.Equal(got, sorted(want)) {
		t.Errorf("Patient properties %v, want %v", got, sorted(want))
	}
	for k := range props {
		if _, _, ferrs, err := decodePatient([]byte(`{"`+k+`":null}`), nil, record.Format{}); err != nil || len(ferrs) > 0 {
			t.Errorf("documented field %s is refused: %v %v", k, err, ferrs)
		}
	}

	// 3. Every answer matches its schema exactly.
	full := `{"patient_id":"p","age":64,"stage":3,"mtv_ml":120,"ecog":1,"extranodal_sites":2,"nccn_extranodal":1,"ldh":310,"ldh_uln":250,"crp":2.1,"ferritin":900,"hb":10.2,"plt":140,"anc":1.5,"creatinine":0.9,"il6":12}`
	cases := []struct {
		name, method, path, ctype, body, schema string
		status                                  int
	}{
		{"score", "POST", "/api/v1/score?detail=true", "application/json", full, "ScoreResponse", 200},
		{"score error", "POST", "/api/v1/score", "application/json", `{"age":[1]}`, "Error", 400},
		{"score with a value not used", "POST", "/api/v1/score?detail=true", "application/json", `{"patient_id":"q","age":"x","plt":150}`, "ScoreResponse", 200},
		{"batch", "POST", "/api/v1/batch", "application/x-ndjson", full + "\n{\"age\":1}", "BatchResponse", 200},
		{"models", "GET", "/api/v1/models", "", "", "ModelsResponse", 200},
	}
	for _, c := range cases {
		code, v := get(c.method, c.path, c.ctype, c.body)
		if code != c.status {
			t.Errorf("%s: status %d, want %d", c.name, code, c.status)
			continue
		}
		checkSchema(t, c.name, schemas, schemas[c.schema].(map[string]any), v, true)
	}
	healthSchema := doc["paths"].(map[string]any)["/healthz"].(map[string]any)["get"].(map[string]any)["responses"].(map[string]any)["200"].(map[string]any)["content"].(map[string]any)["application/json"].(map[string]any)["schema"].(map[string]any)
	_, v := get("GET", "/healthz", "", "")
	checkSchema(t, "healthz", schemas, healthSchema, v, true)
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	sort.Strings(s)
	return s
}

// checkSchema checks value v against schema s: JSON types, nullability, and
// object properties (every key of v documented; with strict, every
// documented property present).
func checkSchema(t *testing.T, where string, schemas map[string]any, s map[string]any, v any, strict bool) {
	t.Helper()
	if r, ok := s["$ref"].(string); ok {
		s = schemas[strings.TrimPrefix(r, "#/components/schemas/")].(map[string]any)
	}
	typ, _ := s["type"].(string)
	if v == nil {
		if typ != "" && s["nullable"] != true {
			t.Errorf("%s: null, but the schema (%s) is not nullable", where, typ)
		}
		return
	}
	ok := true
	switch typ {
	case "":
	case "object":
		_, ok = v.(map[string]any)
	case "array":
		_, ok = v.([]any)
	case "string":
		_, ok = v.(string)
	case "number":
		_, ok = v.(float64)
	case "integer":
		f, isNum := v.(float64)
		ok = isNum && f == float64(int64(f))
	case "boolean":
		_, ok = v.(bool)
	}
	if !ok {
		t.Errorf("%s: %T %v, schema type %s", where, v, v, typ)
		return
	}
	switch x := v.(type) {
	case map[string]any:
		props, _ := s["properties"].(map[string]any)
		if props == nil {
			return
		}
		for k, kv := range x {
			ps, ok := props[k].(map[string]any)
			if !ok {
				t.Errorf("%s: property %q is not documented", where, k)
				continue
			}
			checkSchema(t, where+"."+k, schemas, ps, kv, false)
		}
		if strict {
			for k := range props {
				if _, ok := x[k]; !ok {
					t.Errorf("%s: documented property %q is absent", where, k)
				}
			}
		}
	case []any:
		items, _ := s["items"].(map[string]any)
		for i, e := range x {
			if items != nil {
				checkSchema(t, where+"["+strconv.Itoa(i)+"]", schemas, items, e, false)
			}
		}
	}
}
