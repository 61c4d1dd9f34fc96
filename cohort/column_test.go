package cohort

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestColumnExact: every value comes back bit for bit, whatever the
// encoding the column ends in, and the column is as narrow as its values
// allow.
func TestColumnExact(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		name  string
		vals  []float64
		width int
		scale int
	}{
		{"missing only", []float64{nan, nan}, 0, 0},
		{"flags", []float64{0, 1, nan, 1}, 1, 0},
		{"grades then a decimal", []float64{0, 5, nan, 2.5}, 1, 1},
		{"labs", []float64{169, 0.09, 6.21, 1439}, 4, 2},
		{"months", []float64{2.33, 37.96, nan, 120.5}, 2, 2},
		{"rescaled past int16", []float64{400, 1.5, 0.25}, 4, 2},
		{"negative", []float64{-3, -127, 2}, 1, 0},
		{"min int8 is the missing mark", []float64{-128}, 2, 0},
		{"converted unit", []float64{1.2, math.Nextafter(1.3, 0)}, 8, 0},
		{"negative zero", []float64{1, math.Copysign(0, -1)}, 8, 0},
		{"too many decimals", []float64{1, 1e-9}, 8, 0},
		{"rescale overflows int32", []float64{2e9, 0.5}, 8, 0},
		{"huge", []float64{1e300, 7}, 8, 0},
		{"missing after float64", []float64{math.Nextafter(0.3, 1), nan, 4}, 8, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var c column
			for _, v := range tc.vals {
				c.push(v)
			}
			if c.width != tc.width || c.width != 8 && c.width != 0 && c.scale != tc.scale {
				t.Errorf("width %d scale %d, want %d %d", c.width, c.scale, tc.width, tc.scale)
			}
			same(t, &c, tc.vals)
			// Set back in reverse order, then to missing and back.
			for i := len(tc.vals) - 1; i >= 0; i-- {
				c.set(i, nan)
				c.set(i, tc.vals[i])
			}
			same(t, &c, tc.vals)
		})
	}
}

// TestColumnRandom: decimals as a file writes them, read with
// strconv.ParseFloat, and arbitrary doubles, mixed in one column.
func TestColumnRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		var c column
		var vals []float64
		for range 300 {
			var v float64
			switch rng.IntN(10) {
			case 0:
				v = math.NaN()
			case 1:
				if trial%4 == 0 {
					v = rng.NormFloat64() * 100 // not a short decimal
					break
				}
				fallthrough
			default:
				d := rng.IntN(5)
				s := strconv.FormatFloat(rng.Float64()*math.Pow(10, float64(rng.IntN(6))), 'f', d, 64)
				v, _ = strconv.ParseFloat(s, 64)
			}
			vals = append(vals, v)
			c.push(v)
		}
		same(t, &c, vals)
		var idx []int
		var kept []float64
		for i, v := range vals {
			if rng.IntN(3) > 0 {
				idx = append(idx, i)
				kept = append(kept, v)
			}
		}
		c.keep(idx)
		same(t, &c, kept)
	}
}

func same(t *testing.T, c *column, want []float64) {
	t.Helper()
	if c.n != len(want) {
		t.Fatalf("n %d, want %d", c.n, len(want))
	}
	for i, v := range want {
		got := c.at(i)
		if math.Float64bits(got) != math.Float64bits(v) && !(math.IsNaN(got) && math.IsNaN(v)) {
			t.Fatalf("value %d: %v (%x), want %v (%x); width %d scale %d", i, got, math.Float64bits(got), v, math.Float64bits(v), c.width, c.scale)
		}
	}
}

// TestColumnText: codes, levels copied and "" as missing.
func TestColumnText(t *testing.T) {
	var c column
	in := []string{"development", "", "validation", "development"}
	for _, s := range in {
		c.pushText(s)
	}
	c.setText(1, "validation")
	want := []string{"development", "validation", "validation", "development"}
	for i, s := range want {
		if got := c.text(i); got != s {
			t.Errorf("text %d: %q, want %q", i, got, s)
		}
	}
	if len(c.levels) != 2 || c.width != 1 {
		t.Errorf("levels %v width %d", c.levels, c.width)
	}
}
