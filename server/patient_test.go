package server

import (
	"encoding/json"
	"strings"
	"testing"

	"carimpi/record"
)

// FuzzDecodePatient checks that any body decodes without panicking, that a
// body accepted whole reads back to the same patient after encoding, and
// that every field error has a message (its field may be the key "").
func FuzzDecodePatient(f *testing.F) {
	for _, s := range []string{
		`{"age":64,"stage":3,"mtv_ml":120,"ldh":310,"ldh_uln":250}`,
		`{"patient_id":"p1","crp":null,"hb":1e-3}`,
		`{"age":"64"}`, `{"x":1}`, `[]`, `null`, `{"age":1e999}`, `{"age":-0}`, `{} {}`, `{"age":6`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		p, issues, ferrs, err := decodePatient(body, nil, record.Format{})
		for _, fe := range ferrs {
			if fe.Message == "" {
				t.Fatalf("field error without a message: %+v", fe)
			}
		}
		for _, is := range issues {
			if is.Message == "" || is.Field == "" {
				t.Fatalf("value issue without a field or message: %+v", is)
			}
		}
		if err != nil || len(ferrs) > 0 {
			return
		}
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		q, _, ferrs, err := decodePatient(b, nil, record.Format{})
		if err != nil || len(ferrs) > 0 {
			t.Fatalf("re-encoded patient %s refused: %v %v", b, err, ferrs)
		}
		for _, f := range record.Fields() {
			if a, b := f.String(&p), f.String(&q); a != b && !(f == record.PatientID && strings.TrimSpace(a) == b) {
				t.Fatalf("%s: %q, then %q", f.Name(), a, b)
			}
		}
	})
}
