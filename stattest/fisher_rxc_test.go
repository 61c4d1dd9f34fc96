package stattest_test

import (
	"fmt"
	"math"
	"testing"

	"carimpi/internal/jsonx"
	"carimpi/internal/reftest"
	"carimpi/stattest"
)

// TestFisherRxCLargeR checks the r x c Fisher test on the tables the
// study produces (grade x tercile, stage x tercile, N = 100-520) against
// R's fisher.test, made by testdata/fisher_rxc.R. R's FEXACT merges path
// lengths within its own tolerance; agreement is to 1e-7 relative. A
// table R could not compute is checked by TestFisherRxCHard instead.
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
		if c.RError != "" {
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			r, err := stattest.FisherExact(c.Table)
			if err != nil {
				t.Fatal(err)
			}
			reftest.Close(t, "P", r.P, float64(c.P), 1e-7)
		})
	}
}

// heavyFisher are the reference tables that take seconds (the strongly
// associated 5 x 3 about 10 s of CPU), skipped with -short.
var heavyFisher = map[string]bool{"tercile-x-crs-grade-0-5-n508": true, "grade-x-tercile-strong-n520": true}

// TestFisherRxCHard checks the two shapes R's FEXACT cannot compute at the
// study's size, tercile x grade 0-5 (3 x 6) and a strongly associated
// grade x tercile (5 x 3), against testdata/fisher_rxc_hard.R: R's exact
// p-value on smaller N of the same shapes, and at N ~ 500 R's Monte Carlo
// p from B = 1e6 tables, which must lie within 4 standard errors of its
// mean (1 + B p) / (B + 1) at the exact p. Agreement with R's exact value
// is to 1e-6 relative: on the strong 5 x 3 at N = 261 R's FEXACT (which
// merges past probabilities within its tolerance) is 2.2e-7 above the sum
// that both of carimpi's walks give to 2e-13 (TestFisherRxCWalksAgree
// checks them against each other); the others agree to 1e-8.
func TestFisherRxCHard(t *testing.T) {
	var ref struct {
		Fisher []struct {
			Name   string
			Method string
			Table  [][]int
			P      jsonx.Float
			PMC    jsonx.Float `json:"p_mc"`
			B      float64
		}
	}
	reftest.Load(t, "testdata/fisher_rxc_hard.json", &ref)
	shapes := map[string]int{}
	for _, c := range ref.Fisher {
		shapes[fmt.Sprintf("%dx%d %s", len(c.Table), len(c.Table[0]), c.Method)]++
	}
	for _, s := range []string{"3x6 exact", "5x3 exact", "3x6 monte_carlo", "5x3 monte_carlo"} {
		if shapes[s] < 2 {
			t.Errorf("%d %s cases in testdata/fisher_rxc_hard.json, want at least 2", shapes[s], s)
		}
	}
	for _, c := range ref.Fisher {
		t.Run(c.Name, func(t *testing.T) {
			if heavyFisher[c.Name] && testing.Short() {
				t.Skip("takes seconds; run without -short")
			}
			r, err := stattest.FisherExact(c.Table)
			if err != nil {
				t.Fatal(err)
			}
			if c.Method == "exact" {
				reftest.Close(t, "P", r.P, float64(c.P), 1e-6)
				return
			}
			b := c.B
			mean := (1 + b*r.P) / (b + 1)
			se := math.Sqrt(b*r.P*(1-r.P)) / (b + 1)
			if d := math.Abs(float64(c.PMC) - mean); d > 4*se+1e-15 {
				t.Errorf("p = %.8g, R's Monte Carlo %.8g (B = %g): %.1f standard errors apart", r.P, float64(c.PMC), b, d/se)
			}
		})
	}
}
