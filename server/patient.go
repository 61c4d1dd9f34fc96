package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"

	"carimpi/scores"
)

// decodePatient reads one patient: a JSON object whose keys are the data
// dictionary's column names (scores.Fields) and "patient_id". Values are JSON
// numbers in the dictionary's units, patient_id a string; an absent key or
// null is missing. Every problem is reported, one FieldError per key, so
// that a client can fix them all at once; err is set when the body is not a
// single JSON object.
//
// Unlike the lenient scores.Patient.UnmarshalJSON, a number sent as a string
// is an error: the API's contract is typed JSON, and "12,5" or "III" in a
// request is more likely a client bug than data.
func decodePatient(data []byte) (p scores.Patient, ferrs []FieldError, err error) {
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&raw); err != nil {
		return p, nil, fmt.Errorf("body is not a JSON object: %v", jsonErr(err))
	}
	if raw == nil {
		return p, nil, errors.New("body is not a JSON object but null")
	}
	if _, err := dec.Token(); err == nil {
		return p, nil, errors.New("body holds more than one JSON value; send one patient object (use /api/v1/batch for several)")
	}
	p = scores.NewPatient("")
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := bytes.TrimSpace(raw[k])
		if string(v) == "null" {
			continue
		}
		if k == "patient_id" {
			if json.Unmarshal(v, &p.ID) != nil {
				ferrs = append(ferrs, FieldError{Field: k, Message: "want a string, got " + jsonKind(v)})
			}
			continue
		}
		f, ok := scores.FieldByName(k)
		if !ok {
			ferrs = append(ferrs, FieldError{Field: k, Message: "unknown field; the accepted fields are the data dictionary's columns, listed in GET /api/v1/openapi.json"})
			continue
		}
		x, msg := decodeNumber(v, f.Info())
		if msg != "" {
			ferrs = append(ferrs, FieldError{Field: k, Message: msg})
			continue
		}
		p.Set(f, x)
	}
	return p, ferrs, nil
}

// decodeNumber reads a JSON number; msg says what is wrong, or is empty.
func decodeNumber(v []byte, info scores.FieldInfo) (x float64, msg string) {
	if len(v) == 0 || !(v[0] == '-' || (v[0] >= '0' && v[0] <= '9')) {
		unit := ""
		if info.Unit != "" {
			unit = " in " + info.Unit
		}
		return 0, "want a JSON number" + unit + " (" + info.Description + "), got " + jsonKind(v)
	}
	x, err := strconv.ParseFloat(string(v), 64)
	if err != nil || math.IsInf(x, 0) {
		return 0, "number " + string(v) + " is out of range"
	}
	return x, ""
}

// jsonKind names the kind of a JSON value for an error message.
func jsonKind(v []byte) string {
	switch v[0] {
	case '"':
		return "a string " + string(v)
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	}
	return "a number"
}

// jsonErr shortens encoding/json's errors to what a client needs.
func jsonErr(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%v (at byte %d)", se, se.Offset)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return "got a JSON " + te.Value
	}
	return err.Error()
}
