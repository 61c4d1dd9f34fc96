package server

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"

	"carimpi/internal/jsonx"
	"carimpi/record"
	"carimpi/scores"
)

// openAPI serves the OpenAPI 3 description of the API. It is built from the
// same sources as the handlers (the route table, the data dictionary and
// the response types, by reflection), and a test checks it against real
// responses, so it cannot drift from them.
func (a *api) openAPI(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, a.openAPIDoc())
}

type obj = map[string]any

func (a *api) openAPIDoc() obj {
	errResp := func(desc string) obj {
		return obj{"description": desc, "content": obj{"application/json": obj{"schema": ref("Error")}}}
	}
	jsonBody := func(schema obj) obj {
		return obj{"required": true, "content": obj{"application/json": obj{"schema": schema}}}
	}
	ok := func(desc, ctype string, schema obj) obj {
		return obj{"200": obj{"description": desc, "content": obj{ctype: obj{"schema": schema}}}}
	}
	ops := map[string]obj{
		"POST /api/v1/score": {
			"summary":     "Score one patient with every applicable index",
			"description": "The answer carries every field of a row of 'carimpi batch --format json' for this patient, with the same names and values, plus survival estimates at 6, 12 and 24 months, risk-group bands and model provenance; with detail=true also the detailed result (terms or points of each index, inputs not used and why). Each index is computed from its own inputs: a value that cannot be used (not a number, outside its possible range) is listed under errors (field, value, message, fix) and makes only the indices that need it unavailable, each listed under unavailable with its reason. Malformed JSON, a repeated key, an unknown key or a wrong JSON type is a 400 naming the fields.",
			"parameters":  []any{obj{"name": "detail", "in": "query", "required": false, "schema": obj{"type": "boolean"}, "description": "add the detailed result"}},
			"requestBody": jsonBody(ref("Patient")),
			"responses": merge(ok("scores", "application/json", ref("ScoreResponse")), obj{
				"400": errResp("malformed JSON, a repeated key, data after the object, an unknown key or a wrong JSON type (see fields)"),
				"413": errResp("body too large"),
				"415": errResp("Content-Type is not application/json"),
			}),
		},
		"POST /api/v1/score-with-model": {
			"summary":     "Score one patient with a CAR-IMPI or IMPI model file sent with the request",
			"description": "Body: {\"model\": a model file as 'carimpi study' writes it (see 'carimpi help models'), \"patient\": a Patient}. The model is checked as 'carimpi score --model' checks it and used for this request only (nothing is stored); the answer is that of /api/v1/score, with the model's provenance under models and simulated true when it was fitted on simulated data.",
			"parameters":  []any{obj{"name": "detail", "in": "query", "required": false, "schema": obj{"type": "boolean"}, "description": "add the detailed result"}},
			"requestBody": jsonBody(obj{"type": "object", "required": []any{"model", "patient"}, "properties": obj{"model": obj{"type": "object"}, "patient": ref("Patient")}}),
			"responses": merge(ok("scores", "application/json", ref("ScoreResponse")), obj{
				"400": errResp("the body is not {model, patient}, the model file cannot be used, or the patient has fields that cannot be read (see fields)"),
				"413": errResp("body too large"),
				"415": errResp("Content-Type is not application/json"),
			}),
		},
		"POST /api/v1/batch": {
			"summary":     "Score many patients, streamed row by row",
			"description": "Body: a table with the data dictionary's columns (text/csv, comma or semicolon separated with decimal commas; other columns are ignored and named in the X-Carimpi-Ignored-Columns header; the query parameter units, e.g. crp=mg/L,hb=g/L, declares non-canonical units), or JSON lines, one Patient object a line (application/x-ndjson). Answer: the document of 'carimpi batch --format json' (or its CSV with Accept: text/csv), streamed: one row per input row in order, each index from its own inputs; a value that cannot be used is listed under errors and makes only the indices that need it unavailable (listed per row under unavailable); a row that cannot be read at all has null scores; the other rows go on.",
			"parameters":  []any{obj{"name": "units", "in": "query", "required": false, "schema": obj{"type": "string"}, "description": "units of CSV columns that are not in the data dictionary's unit, e.g. crp=mg/L,hb=g/L"}},
			"requestBody": obj{"required": true, "content": obj{
				"text/csv":             obj{"schema": obj{"type": "string"}},
				"application/x-ndjson": obj{"schema": ref("Patient")},
			}},
			"responses": merge(obj{"200": obj{"description": "scored rows, in input order", "content": obj{
				"application/json": obj{"schema": ref("BatchResponse")},
				"text/csv":         obj{"schema": obj{"type": "string"}},
			}}}, obj{
				"400": errResp("the table's header cannot be read"),
				"413": errResp("body too large"),
				"415": errResp("Content-Type is neither text/csv nor application/x-ndjson"),
			}),
		},
		"GET /api/v1/models": {
			"summary":   "The loaded models: id, version, citation, inputs with units and ranges, rule, groups, notes",
			"responses": ok("models", "application/json", ref("ModelsResponse")),
		},
		"GET /api/v1/openapi.json": {
			"summary":   "This document",
			"responses": ok("OpenAPI 3 document", "application/json", obj{"type": "object"}),
		},
		"GET /healthz": {
			"summary":   "Liveness",
			"security":  []any{},
			"responses": ok("alive", "application/json", schemaOf(reflect.TypeOf(health{}))),
		},
	}
	paths := obj{}
	for _, rt := range a.routes {
		op, ok := ops[rt.Method+" "+rt.Path]
		if !ok {
			continue // the page and its files are not part of the API
		}
		op = merge(op, obj{})
		resp := op["responses"].(obj)
		resp["401"] = errResp("bearer token required (only when the server runs with --token)")
		item, _ := paths[rt.Path].(obj)
		if item == nil {
			item = obj{}
			paths[rt.Path] = item
		}
		item[strings.ToLower(rt.Method)] = op
	}
	return obj{
		"openapi": "3.0.3",
		"info": obj{
			"title":       "carimpi API",
			"version":     "1",
			"description": "PET- and inflammation-based risk scores for large B-cell lymphoma before CD19 CAR T-cell therapy (CAR-IMPI, IMPI, CAR-HEMATOTOX, InflaMix, combined groups, IPI family, EASIX). " + Notice,
		},
		"paths":    paths,
		"security": []any{obj{}, obj{"bearer": []any{}}},
		"components": obj{
			"securitySchemes": obj{"bearer": obj{"type": "http", "scheme": "bearer"}},
			"schemas": obj{
				"Patient":        patientSchema(),
				"ScoreResponse":  scoreSchema(),
				"BatchResponse":  schemaOf(reflect.TypeOf(batchResponse{})),
				"Row":            rowSchema(),
				"ModelsResponse": schemaOf(reflect.TypeOf(modelsResponse{})),
				"Error":          schemaOf(reflect.TypeOf(errorBody{})),
			},
		},
	}
}

func ref(name string) obj { return obj{"$ref": "#/components/schemas/" + name} }

func merge(a, b obj) obj {
	out := obj{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// patientSchema is the request object: the data dictionary's columns
// (record.Infos) with their units, ranges and codes.
func patientSchema() obj {
	props := obj{}
	for _, f := range record.Infos() {
		desc := f.Description
		if f.Unit != "" {
			desc += " (" + f.Unit + ")"
		}
		p := obj{"nullable": true, "description": desc}
		switch f.Kind {
		case record.Text, record.Category:
			p["type"] = "string"
			if len(f.Levels) > 0 {
				p["description"] = desc + "; codes: " + strings.Join(f.Levels, ", ")
			}
		default:
			p["type"] = "number"
			if f.Integer {
				p["type"] = "integer"
			}
			p["minimum"] = f.Min
			if f.MinOpen {
				p["exclusiveMinimum"] = true
			}
			p["maximum"] = f.Max
			if f.DefaultULN != 0 {
				p["default"] = f.DefaultULN
			}
		}
		props[f.Name] = p
	}
	return obj{
		"type": "object",
		"description": "One patient keyed by the data dictionary's column names; an absent key or null is missing. " +
			"Each value is read as a file cell is (a string such as \"IIIB\" for stage or \"12.5\" is accepted); " +
			"a value that cannot be used is listed in the answer's errors and makes only the indices that need it unavailable.",
		"properties":           props,
		"additionalProperties": false,
	}
}

var (
	floatType   = reflect.TypeOf(jsonx.Float(0))
	floatsType  = reflect.TypeOf(jsonx.Floats(nil))
	rawJSONType = reflect.TypeOf(json.RawMessage(nil))
	kindType    = reflect.TypeOf(record.Kind(0))
)

// schemaOf derives a JSON schema from a Go type through its json tags, the
// way encoding/json would write it: embedded structs are flattened, pointers
// and jsonx floats are nullable.
func schemaOf(t reflect.Type) obj {
	switch t {
	case floatType:
		return obj{"type": "number", "nullable": true}
	case floatsType:
		return obj{"type": "array", "items": obj{"type": "number", "nullable": true}}
	case rawJSONType:
		return obj{}
	case rowType:
		return ref("Row")
	case kindType:
		return obj{"type": "string"}
	}
	switch t.Kind() {
	case reflect.Pointer:
		s := schemaOf(t.Elem())
		s["nullable"] = true
		return s
	case reflect.Bool:
		return obj{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return obj{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		// carimpi writes a float that is not finite as null (jsonx).
		return obj{"type": "number", "nullable": true}
	case reflect.String:
		return obj{"type": "string"}
	case reflect.Slice:
		// A nil slice encodes as null.
		return obj{"type": "array", "items": schemaOf(t.Elem()), "nullable": true}
	case reflect.Array:
		return obj{"type": "array", "items": schemaOf(t.Elem())}
	case reflect.Map:
		return obj{"type": "object", "additionalProperties": schemaOf(t.Elem()), "nullable": true}
	case reflect.Interface:
		return obj{}
	case reflect.Struct:
		props := obj{}
		structProps(t, props)
		return obj{"type": "object", "properties": props}
	}
	panic("server: no schema for " + t.String())
}

// structProps adds the JSON properties of struct t to props.
func structProps(t reflect.Type, props obj) {
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		if f.Anonymous && name == "" {
			et := f.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				structProps(et, props)
				continue
			}
		}
		if name == "" {
			name = f.Name
		}
		props[name] = schemaOf(f.Type)
	}
}

var rowType = reflect.TypeOf(scores.Row{})

// rowSchema describes scores.Row as its JSON encoder writes it: the keys
// scores.RowColumns, one per struct field in order, a number or a string
// that is null when the index cannot be computed.
func rowSchema() obj {
	if rowType.NumField() != len(scores.RowColumns) {
		panic("server: scores.Row and scores.RowColumns differ in length")
	}
	props := obj{}
	for i, name := range scores.RowColumns {
		if name == "unavailable" {
			props[name] = obj{"type": "object", "additionalProperties": obj{"type": "string"},
				"description": "the indices not computed, by id, each with its reason"}
			continue
		}
		s := schemaOf(rowType.Field(i).Type)
		if name != "patient_id" && s["type"] != "array" && s["type"] != "integer" {
			s["nullable"] = true
		}
		props[name] = s
	}
	return obj{"type": "object", "properties": props, "description": "one row of 'carimpi batch --format json'"}
}

// scoreSchema is the Row's properties and scoreResponse's, in one object.
func scoreSchema() obj {
	s := schemaOf(reflect.TypeOf(scoreResponse{}))
	props := s["properties"].(obj)
	props["models"] = obj{"type": "array", "items": schemaOf(reflect.TypeOf(modelRef{}))}
	for k, v := range rowSchema()["properties"].(obj) {
		props[k] = v
	}
	s["description"] = "every field of a 'carimpi batch --format json' row for this patient (same names and values), then survival, bands, models and the detailed result"
	return s
}
