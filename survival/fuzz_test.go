package survival_test

import (
	"math"
	"testing"

	"carimpi/survival"
)

// decode turns fuzz bytes into a sample: three bytes per observation give a
// time on a coarse grid (many ties), an event flag, a group (0..3) and a
// stratum (0..1).
func decode(b []byte) (time []float64, event []bool, group, strata []int) {
	for i := 0; i+2 < len(b); i += 3 {
		time = append(time, float64(b[i])/4)
		event = append(event, b[i+1]&1 == 1)
		group = append(group, int(b[i+2]&3))
		strata = append(strata, int(b[i+2]>>2&1))
	}
	return
}

func fuzzSeeds(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{7, 1, 0})                            // n = 1
	f.Add([]byte{1, 0, 0, 2, 0, 1, 3, 0, 0})          // all censored
	f.Add([]byte{4, 1, 0, 4, 1, 1, 4, 1, 0, 4, 0, 1}) // heavy ties
	f.Add([]byte{1, 1, 0, 2, 1, 0, 3, 0, 1, 9, 0, 1}) // a group without events
	f.Add([]byte{0, 1, 0, 0, 1, 5, 2, 0, 4, 8, 1, 1}) // time 0, two strata
	f.Add([]byte{10, 1, 0, 20, 0, 3, 30, 1, 3, 40, 1, 0, 50, 0, 3, 60, 1, 0})
}

func FuzzKaplanMeier(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		time, event, _, strata := decode(b)
		for _, ct := range []survival.ConfType{survival.ConfLog, survival.ConfLogLog, survival.ConfPlain} {
			curves, err := survival.KaplanMeier(time, event, strata, survival.KMOptions{ConfType: ct})
			if err != nil {
				if len(time) > 0 {
					t.Fatalf("n = %d: %v", len(time), err)
				}
				continue
			}
			n := 0
			for _, c := range curves {
				n += c.N
				checkCurveInvariants(t, &c)
			}
			if n != len(time) {
				t.Fatalf("curves hold %d observations, want %d", n, len(time))
			}
		}
	})
}

func checkCurveInvariants(t *testing.T, c *survival.KMCurve) {
	t.Helper()
	seen, prev := 0, 1.0
	for i := range c.Time {
		if i > 0 && (c.Time[i] <= c.Time[i-1] || c.NRisk[i] != c.NRisk[i-1]-c.NEvent[i-1]-c.NCensor[i-1]) {
			t.Fatalf("row %d: time or risk set out of order", i)
		}
		s := c.Surv[i]
		if !(s >= 0 && s <= prev) {
			t.Fatalf("row %d: S = %v after %v", i, s, prev)
		}
		if lo, up := c.Lower[i], c.Upper[i]; !math.IsNaN(lo) && !(lo >= 0 && lo <= s+1e-12 && up >= s-1e-12 && up <= 1) {
			t.Fatalf("row %d: S = %v outside [%v, %v]", i, s, lo, up)
		}
		if s > 0 && math.IsNaN(c.StdErr[i]) {
			t.Fatalf("row %d: NaN std.err", i)
		}
		prev = s
		seen += int(c.NEvent[i] + c.NCensor[i])
	}
	if seen != c.N {
		t.Fatalf("rows count %d observations, want %d", seen, c.N)
	}
	m := c.Median()
	if !math.IsNaN(m.Estimate) && (!math.IsNaN(m.Lower) && m.Lower > m.Estimate || !math.IsNaN(m.Upper) && m.Upper < m.Estimate) {
		t.Fatalf("median %+v out of order", m)
	}
	s := c.At([]float64{0, 5, 20, 60})
	for i := range s.Time {
		if !(s.Surv[i] >= 0 && s.Surv[i] <= 1) || s.NRisk[i] < 0 || s.NEvent[i] < 0 {
			t.Fatalf("at %v: %+v", s.Time[i], s)
		}
	}
	if len(c.Time) > 0 {
		r, err := c.RMST(c.Time[len(c.Time)-1])
		if err != nil || !(r.Mean >= 0 && r.Mean <= r.Tau) || math.IsNaN(r.StdErr) {
			t.Fatalf("RMST %+v, %v", r, err)
		}
	}
}

func FuzzLogRank(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		time, event, group, strata := decode(b)
		for _, rho := range []float64{0, 1, 0.5} {
			for _, st := range [][]int{nil, strata} {
				r, err := survival.LogRank(time, event, group, st, rho)
				if err != nil {
					continue
				}
				if !(r.Statistic >= -1e-9) || math.IsInf(r.Statistic, 0) || !(r.P >= 0 && r.P <= 1) || r.DF < 1 {
					t.Fatalf("rho %v: statistic %v df %d p %v", rho, r.Statistic, r.DF, r.P)
				}
				o, e := 0.0, 0.0
				for g := range r.Observed {
					o += r.Observed[g]
					e += r.Expected[g]
				}
				if math.Abs(o-e) > 1e-9*max(1, o) {
					t.Fatalf("sum O %v != sum E %v", o, e)
				}
				if tr, err := r.Trend(nil); err == nil && (!(tr.P >= 0 && tr.P <= 1) || math.IsNaN(tr.Statistic)) {
					t.Fatalf("trend %+v", tr)
				}
			}
		}
	})
}
