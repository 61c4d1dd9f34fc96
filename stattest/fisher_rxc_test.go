package stattest_test

import (
	"errors"
	"testing"

	"carimpi/internal/jsonx"
	"carimpi/internal/reftest"
	"carimpi/stattest"
)

// TestFisherRxCLargeR checks the r x c Fisher test on the tables the
// study produces (grade x tercile, stage x tercile, N = 100-520) against
// R's fisher.test, made by testdata/fisher_rxc.R. R's FEXACT compares
// path lengths with its own tolerance, so agreement is to 1e-6 relative.
func TestFisherRxCLargeR(t *testing.T) {
	var ref struct {
		Fisher []struct {
			Name   string
			Table  [][]int
			P      jsonx.Float
			RError string `json:"r_error"`
		}
	}
	reftest.Load(t, "testdata/fisher_rxc.json", &ref)
	if len(ref.Fisher) < 10 {
		t.Fatalf("%d cases in testdata/fisher_rxc.json, want at least 10", len(ref.Fisher))
	}
	for _, c := range ref.Fisher {
		t.Run(c.Name, func(t *testing.T) {
			r, err := stattest.FisherExact(c.Table)
			if c.RError != "" { // beyond R too: a clear error, not an endless run
				if !errors.Is(err, stattest.ErrTableTooLarge) {
					t.Errorf("R failed (%s); FisherExact: p = %v, err = %v, want ErrTableTooLarge", c.RError, r.P, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			reftest.Close(t, "P", r.P, float64(c.P), 1e-6)
		})
	}
}
