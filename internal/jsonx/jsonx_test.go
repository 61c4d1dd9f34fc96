package jsonx

import (
	"encoding/json"
	"math"
	"testing"
)

func TestFloatsRoundTrip(t *testing.T) {
	in := Floats{1.5, math.NaN(), math.Inf(1), 0.1}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != "[1.5,null,null,0.1]" {
		t.Fatalf("got %s", b)
	}
	var out Floats
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if out[0] != 1.5 || !math.IsNaN(out[1]) || out[3] != 0.1 {
		t.Fatalf("round trip: %v", out)
	}
	var f Float
	if err := json.Unmarshal([]byte("null"), &f); err != nil || !math.IsNaN(float64(f)) {
		t.Fatalf("null Float: %v %v", f, err)
	}
	if b, _ := json.Marshal(struct{ X Float }{Float(math.NaN())}); string(b) != `{"X":null}` {
		t.Fatalf("struct: %s", b)
	}
}
