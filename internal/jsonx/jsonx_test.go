package jsonx

import (
	"encoding/json"
	"math"
	"strings"
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

// TestCheckObjectDepth checks that deep nesting is refused early, in
// linear time and memory (the path of each level used to make it
// quadratic: 100,000 levels took gigabytes).
func TestCheckObjectDepth(t *testing.T) {
	deep := strings.Repeat(`{"a":`, 100000) + "1" + strings.Repeat("}", 100000)
	if err := CheckObject([]byte(deep)); err == nil || !strings.Contains(err.Error(), "nested deeper than 32") {
		t.Fatalf("err = %v", err)
	}
	if err := CheckObject([]byte(`{"a":[` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `]}`)); err == nil {
		t.Fatal("deep array accepted")
	}
	if err := CheckObject([]byte(`{"age":64,"labs":{"crp":[1,2]}}`)); err != nil {
		t.Fatal(err)
	}
}
