package validation

import (
	"fmt"
	"path/filepath"
	"testing"

	"carimpi/internal/jsonx"
	"carimpi/internal/reftest"
	"carimpi/survival/concordance"
)

// rCase is one case of testdata/validation-r.json (validation-r.R).
type rCase struct {
	Name    string
	N       int
	Times   []float64
	Harrell struct{ C, SE jsonx.Float }
	Uno     struct{ Tau, C, SE jsonx.Float }
	AUC     struct{ AUC, SE, Lower, Upper jsonx.Floats }
	Brier   struct {
		Brier, SE, Lower, Upper jsonx.Floats
		Null                    jsonx.Floats
		NullSE                  jsonx.Floats `json:"null_se"`
		IPA                     jsonx.Floats
	}
	Slope struct{ Slope, SE jsonx.Float }
	KM    struct {
		Surv, Lower, Upper jsonx.Floats
		StdErr             jsonx.Floats `json:"std_err"`
	} `json:"km"`
	Expected   jsonx.Floats
	InTheLarge struct {
		Observed, Expected jsonx.Float
		LogRatio           jsonx.Float `json:"log_ratio"`
		SE                 jsonx.Float
	} `json:"in_the_large"`
	Smooth []struct {
		Tau                 float64
		LeftOut             int `json:"left_out"`
		Knots, Observed     jsonx.Floats
		ICI, E50, E90, EMax jsonx.Float
	}
}

// rData is a case's validation sample as the R script wrote it.
type rData struct {
	time, lp, cumhaz []float64
	event            []bool
	risk             map[float64][]float64
}

func readCase(t *testing.T, c rCase) rData {
	tab := reftest.Table(t, filepath.Join("testdata", "validation-"+c.Name+".csv"))
	col := func(name string) []float64 {
		v, err := tab.Floats(name)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	d := rData{time: col("time"), lp: col("lp"), cumhaz: col("cumhaz"), risk: map[float64][]float64{}}
	for _, e := range col("event") {
		d.event = append(d.event, e == 1)
	}
	for _, tau := range c.Times {
		d.risk[tau] = col(fmt.Sprintf("risk_%g", tau))
	}
	return d
}

// TestAgainstR checks every measure against R (survival 3.5.3,
// riskRegression 2022.11.28, rms 6.5.0) on three validation samples: lung
// and pbc with tied times, a simulated one with whole-month times and
// tied predictions.
func TestAgainstR(t *testing.T) {
	var ref struct{ Cases []rCase }
	reftest.Load(t, filepath.Join("testdata", "validation-r.json"), &ref)
	if len(ref.Cases) != 3 {
		t.Fatalf("%d cases, want 3", len(ref.Cases))
	}
	const tol, tolKM = 1e-6, 1e-9
	for _, c := range ref.Cases {
		t.Run(c.Name, func(t *testing.T) {
			d := readCase(t, c)
			if len(d.time) != c.N {
				t.Fatalf("%d rows, want %d", len(d.time), c.N)
			}
			h := concordance.Harrell(d.time, d.event, d.lp, nil, nil)
			reftest.Close(t, "Harrell C", h.C, float64(c.Harrell.C), tol)
			reftest.Close(t, "Harrell SE", h.SE, float64(c.Harrell.SE), tol)
			u := concordance.Uno(d.time, d.event, d.lp, float64(c.Uno.Tau), nil)
			reftest.Close(t, "Uno C", u.C, float64(c.Uno.C), tol)
			reftest.Close(t, "Uno SE", u.SE, float64(c.Uno.SE), tol)
			s, err := Slope(d.time, d.event, d.lp)
			if err != nil {
				t.Fatal(err)
			}
			reftest.Close(t, "slope", s.Slope, float64(c.Slope.Slope), tol)
			reftest.Close(t, "slope SE", s.SE, float64(c.Slope.SE), tol)
			l := InTheLarge(d.time, d.event, d.cumhaz)
			reftest.Close(t, "O", l.Observed, float64(c.InTheLarge.Observed), 0)
			reftest.Close(t, "E", l.Expected, float64(c.InTheLarge.Expected), tolKM)
			reftest.Close(t, "log O/E", l.LogRatio, float64(c.InTheLarge.LogRatio), tolKM)
			reftest.Close(t, "SE log O/E", l.SE, float64(c.InTheLarge.SE), tolKM)
			for k, tau := range c.Times {
				risk := d.risk[tau]
				at := fmt.Sprintf(" at %g", tau)
				a := AUC(d.time, d.event, risk, tau)
				reftest.Close(t, "AUC"+at, a.Value, c.AUC.AUC[k], tol)
				reftest.Close(t, "AUC SE"+at, a.SE, c.AUC.SE[k], tol)
				reftest.Close(t, "AUC lower"+at, a.Lower, c.AUC.Lower[k], tol)
				reftest.Close(t, "AUC upper"+at, a.Upper, c.AUC.Upper[k], tol)
				b := Brier(d.time, d.event, risk, tau)
				reftest.Close(t, "Brier"+at, b.Brier.Value, c.Brier.Brier[k], tol)
				reftest.Close(t, "Brier SE"+at, b.Brier.SE, c.Brier.SE[k], tol)
				reftest.Close(t, "Brier lower"+at, b.Brier.Lower, c.Brier.Lower[k], tol)
				reftest.Close(t, "Brier upper"+at, b.Brier.Upper, c.Brier.Upper[k], tol)
				reftest.Close(t, "null Brier"+at, b.Null.Value, c.Brier.Null[k], tol)
				reftest.Close(t, "null Brier SE"+at, b.Null.SE, c.Brier.NullSE[k], tol)
				reftest.Close(t, "IPA"+at, b.IPA, c.Brier.IPA[k], tol)
				oe := ObservedExpected(d.time, d.event, risk, tau)
				reftest.Close(t, "KM"+at, 1-oe.Observed, c.KM.Surv[k], tolKM)
				reftest.Close(t, "KM lower"+at, 1-oe.ObservedUpper, c.KM.Lower[k], tolKM)
				reftest.Close(t, "KM upper"+at, 1-oe.ObservedLower, c.KM.Upper[k], tolKM)
				reftest.Close(t, "expected"+at, oe.Expected, c.Expected[k], tolKM)
				reftest.Close(t, "se log O/E"+at, oe.SELogRatio, c.KM.StdErr[k]/(1-c.KM.Surv[k]), tolKM)
				sm, err := Smooth(d.time, d.event, risk, tau)
				if err != nil {
					t.Fatal(err)
				}
				rs := c.Smooth[k]
				if sm.LeftOut != rs.LeftOut {
					t.Errorf("smooth%s: %d left out, want %d", at, sm.LeftOut, rs.LeftOut)
				}
				reftest.Floats(t, "smooth knots"+at, sm.Knots, rs.Knots, 1e-9)
				reftest.Floats(t, "smooth observed"+at, sm.Observed, rs.Observed, tol)
				reftest.Close(t, "ICI"+at, sm.ICI, float64(rs.ICI), tol)
				reftest.Close(t, "E50"+at, sm.E50, float64(rs.E50), tol)
				reftest.Close(t, "E90"+at, sm.E90, float64(rs.E90), tol)
				reftest.Close(t, "Emax"+at, sm.EMax, float64(rs.EMax), tol)
			}
		})
	}
}

// TestDecisionAndGroupsAgainstR checks the decision curves and the
// calibration by risk decile against the R script's Kaplan-Meier
// computations (dcurves::dca's formula).
func TestDecisionAndGroupsAgainstR(t *testing.T) {
	var ref struct {
		Cases []struct {
			rCase
			Thresholds []float64
			DCA        []struct {
				Tau        float64
				NetBenefit jsonx.Floats `json:"net_benefit"`
				TreatAll   jsonx.Floats `json:"treat_all"`
			}
			Deciles []struct {
				Tau                               float64
				N                                 []int
				Predicted, Observed, Lower, Upper jsonx.Floats
			}
		}
	}
	reftest.Load(t, filepath.Join("testdata", "validation-r.json"), &ref)
	for _, c := range ref.Cases {
		d := readCase(t, c.rCase)
		for k, tau := range c.Times {
			at := fmt.Sprintf("%s at %g", c.Name, tau)
			risk := d.risk[tau]
			dc := NetBenefit(d.time, d.event, risk, tau, c.Thresholds)
			reftest.Floats(t, "net benefit "+at, dc.NetBenefit, c.DCA[k].NetBenefit, 1e-9)
			reftest.Floats(t, "treat all "+at, dc.TreatAll, c.DCA[k].TreatAll, 1e-9)
			g := Groups(d.time, d.event, risk, tau, 10)
			var n []int
			var pred, obs, lo, hi []float64
			for _, x := range g {
				n, pred, obs, lo, hi = append(n, x.N), append(pred, x.Predicted), append(obs, x.Observed), append(lo, x.Lower), append(hi, x.Upper)
			}
			if fmt.Sprint(n) != fmt.Sprint(c.Deciles[k].N) {
				t.Errorf("decile sizes %s: %v, want %v", at, n, c.Deciles[k].N)
			}
			reftest.Floats(t, "decile predicted "+at, pred, c.Deciles[k].Predicted, 1e-9)
			reftest.Floats(t, "decile observed "+at, obs, c.Deciles[k].Observed, 1e-9)
			reftest.Floats(t, "decile lower "+at, lo, c.Deciles[k].Lower, 1e-9)
			reftest.Floats(t, "decile upper "+at, hi, c.Deciles[k].Upper, 1e-9)
		}
	}
}
