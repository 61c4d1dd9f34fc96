package scores

import (
	"math"
	"strconv"
	"testing"
)

// FuzzFastFloat checks the fast path of parseNumber against
// strconv.ParseFloat: when it accepts a string, the value is identical.
func FuzzFastFloat(f *testing.F) {
	for _, s := range []string{"0", "-0", "12.5", "0.1", "123456789012345", "1234567890123456", ".5", "5.", "+3.25", "1e3", "9007199254740993", "0.000000000000001"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, ok := fastFloat(s)
		if !ok {
			return
		}
		w, err := strconv.ParseFloat(s, 64)
		if err != nil || math.Float64bits(v) != math.Float64bits(w) {
			t.Fatalf("fastFloat(%q) = %v, strconv %v (%v)", s, v, w, err)
		}
	})
}
