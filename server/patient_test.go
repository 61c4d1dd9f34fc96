package server

import (
	"encoding/json"
	"math"
	"testing"
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
		p, ferrs, err := decodePatient(body)
		for _, fe := range ferrs {
			if fe.Message == "" {
				t.Fatalf("field error without a message: %+v", fe)
			}
		}
		if err != nil || len(ferrs) > 0 {
			return
		}
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		q, ferrs, err := decodePatient(b)
		if err != nil || len(ferrs) > 0 {
			t.Fatalf("re-encoded patient %s refused: %v %v", b, err, ferrs)
		}
		if q.ID != p.ID {
			t.Fatalf("patient_id %q, then %q", p.ID, q.ID)
		}
		for i := range p.Values {
			x, y := p.Values[i], q.Values[i]
			if x != y && !(math.IsNaN(x) && math.IsNaN(y)) {
				t.Fatalf("value %d: %v, then %v (%s)", i, x, y, b)
			}
		}
	})
}
