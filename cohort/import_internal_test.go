package cohort

import (
	"math"
	"strconv"
	"testing"
)

// FuzzParseDecimal: the fast path agrees with strconv.ParseFloat bit for
// bit whenever it accepts a string.
func FuzzParseDecimal(f *testing.F) {
	for _, s := range []string{"0", "-0", "12.5", "0.1", "123456789012345", "0.000000000000001", "-.5", "5.", ".", "-", "1e5", "9007199254740993"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, ok := parseDecimal(s)
		if !ok {
			return
		}
		w, err := strconv.ParseFloat(s, 64)
		if err != nil || math.Float64bits(v) != math.Float64bits(w) {
			t.Fatalf("%q: fast %v, strconv %v (%v)", s, v, w, err)
		}
	})
}
