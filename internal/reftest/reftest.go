// Package reftest holds the test helpers shared by the packages that check
// carimpi against the R reference cases of testdata/reference: reading a
// case file or data set and comparing numbers to a relative tolerance.
// Test files cannot be imported across packages, hence this small ordinary
// package; only tests import it.
//
// The case files write R's NA, NaN and Inf alike as JSON null, which
// carimpi's decoders (jsonx.Float, jsonx.Floats) read as NaN: a NaN want
// therefore stands for any non-finite value.
package reftest

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"carimpi/table"
)

// Load decodes the JSON file at path into v; the test fails at once when
// the file cannot be read or decoded.
func Load(t testing.TB, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// Table reads the CSV file at path, such as a reference data set; the
// test fails at once when it cannot.
func Table(t testing.TB, path string) *table.Table {
	t.Helper()
	tab, err := table.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

// Rel reports whether got equals want to the relative tolerance tol:
// got == want, or |got-want| <= tol*|want| for finite values, so that a
// want of 0 or ±Inf needs exactly that. A NaN want (a JSON null: R's NA,
// NaN or Inf) matches a NaN or infinite got; a NaN got matches only it.
func Rel(got, want, tol float64) bool {
	switch {
	case math.IsNaN(want):
		return math.IsNaN(got) || math.IsInf(got, 0)
	case math.IsNaN(got) || math.IsInf(want, 0) || math.IsInf(got, 0):
		return got == want
	}
	return got == want || math.Abs(got-want) <= tol*math.Abs(want)
}

// Close reports a test error unless Rel(got, want, tol), and says whether
// the values matched.
func Close(t testing.TB, what string, got, want, tol float64) bool {
	t.Helper()
	if Rel(got, want, tol) {
		return true
	}
	t.Errorf("%s = %.17g, want %.17g (rel tol %g)", what, got, want, tol)
	return false
}

// Floats reports a test error when got and want differ in length or when
// an element differs beyond Rel's tolerance (naming the first such element
// and how many differ), and says whether they matched.
func Floats(t testing.TB, what string, got, want []float64, tol float64) bool {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d values, want %d", what, len(got), len(want))
		return false
	}
	first, bad := -1, 0
	for i := range want {
		if !Rel(got[i], want[i], tol) {
			if first < 0 {
				first = i
			}
			bad++
		}
	}
	if bad == 0 {
		return true
	}
	t.Errorf("%s[%d] = %.17g, want %.17g (rel tol %g; %d of %d values differ)", what, first, got[first], want[first], tol, bad, len(want))
	return false
}
