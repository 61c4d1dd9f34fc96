package compete

import (
	"math"
	"strings"
	"testing"

	"carimpi/survival"
)

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  func() error
		want string
	}{
		{"no data", func() error { _, err := CumInc(nil, nil, nil, 0); return err }, "no observations"},
		{"negative time", func() error { _, err := CumInc([]float64{1, -1}, []int{1, 0}, nil, 0); return err }, "time[1]"},
		{"negative status", func() error { _, err := CumInc([]float64{1, 2}, []int{1, -1}, nil, 0); return err }, "status[1]"},
		{"too few causes", func() error { _, err := CumInc([]float64{1, 2}, []int{1, 3}, nil, 2); return err }, "causes = 2"},
		{"one group", func() error {
			_, err := Gray([]float64{1, 2, 3}, []int{1, 0, 2}, []int{0, 0, 0}, nil, 1, 0)
			return err
		}, "two or more groups"},
		{"rho", func() error {
			_, err := Gray([]float64{1, 2}, []int{1, 0}, []int{0, 1}, nil, 1, math.NaN())
			return err
		}, "rho"},
		{"no events of interest", func() error {
			_, err := FineGray([]float64{1, 2, 3}, []int{2, 0, 2}, [][]float64{{1, 0, 1}}, nil)
			return err
		}, "no events of the cause of interest"},
		{"missing covariate", func() error {
			_, err := FineGray([]float64{1, 2, 3}, []int{1, 0, 2}, [][]float64{{1, math.NaN(), 1}}, nil)
			return err
		}, "observation 2"},
		{"no covariates", func() error { _, err := FineGray([]float64{1}, []int{1}, nil, nil); return err }, "no covariates"},
	} {
		err := tc.err()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

// TestConfInt checks the three scales at a point and the limits' edge
// values: 0 before the first event, 1 at F = 1, NaN where undefined.
func TestConfInt(t *testing.T) {
	z := 1.959963984540054
	f, v := 0.3, 0.0025
	se := math.Sqrt(v)
	for _, tc := range []struct {
		ct     survival.ConfType
		lo, up float64
	}{
		{survival.ConfPlain, f - z*se, f + z*se},
		{survival.ConfLog, f * math.Exp(-z*se/f), f * math.Exp(z*se/f)},
		{survival.ConfLogLog, math.Pow(f, math.Exp(-z*se/(f*math.Log(f)))), math.Pow(f, math.Exp(z*se/(f*math.Log(f))))},
	} {
		lo, up := ConfInt(f, v, tc.ct, 0.95)
		if math.Abs(lo-tc.lo) > 1e-12 || math.Abs(up-tc.up) > 1e-12 || !(lo < f && f < up) {
			t.Errorf("%v: (%v, %v), want (%v, %v)", tc.ct, lo, up, tc.lo, tc.up)
		}
		if lo, up := ConfInt(0, 0, tc.ct, 0.95); lo != 0 || up != 0 {
			t.Errorf("%v at F = 0: (%v, %v)", tc.ct, lo, up)
		}
		if lo, up := ConfInt(math.NaN(), 0, tc.ct, 0.95); !math.IsNaN(lo) || !math.IsNaN(up) {
			t.Errorf("%v at NaN: (%v, %v)", tc.ct, lo, up)
		}
	}
	if lo, up := ConfInt(1, 0, survival.ConfLogLog, 0.95); lo != 1 || up != 1 {
		t.Errorf("log-log at F = 1: (%v, %v)", lo, up)
	}
	// the limits widen with the level
	l90, u90 := ConfInt(f, v, survival.ConfLogLog, 0.90)
	l95, u95 := ConfInt(f, v, survival.ConfLogLog, 0.95)
	if !(l95 < l90 && u90 < u95) {
		t.Errorf("90%% (%v, %v) not inside 95%% (%v, %v)", l90, u90, l95, u95)
	}
}

// TestNoEventsOfOneCauseInAGroup: a group without events of a cause has a
// curve that stays 0 with variance 0, and Gray's test still runs.
func TestNoEventsOfOneCauseInAGroup(t *testing.T) {
	tm := []float64{1, 2, 3, 4, 5, 6, 7, 8}
	st := []int{1, 2, 1, 0, 1, 1, 0, 1}
	g := []int{0, 0, 0, 0, 1, 1, 1, 1}
	curves, err := CumInc(tm, st, g, 0)
	if err != nil {
		t.Fatal(err)
	}
	c := curves[3] // group 1, cause 2
	if c.Group != 1 || c.Cause != 2 || c.Events != 0 {
		t.Fatalf("curve %+v", c)
	}
	for i := range c.Est {
		if c.Est[i] != 0 || c.Var[i] != 0 {
			t.Errorf("est %v var %v at %v", c.Est[i], c.Var[i], c.Time[i])
		}
	}
	if _, err := Gray(tm, st, g, nil, 2, 0); err != nil {
		t.Error(err)
	}
}
