package survival_test

import (
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"carimpi/internal/jsonx"
	"carimpi/internal/reftest"
	"carimpi/survival"
)

// kmCase is the layout of the km-*.json reference files.
type kmCase struct {
	Expected struct {
		Strata []kmStratum `json:"strata"`
	} `json:"expected"`
}

type kmLimits struct {
	Lower jsonx.Float `json:"lower"`
	Upper jsonx.Float `json:"upper"`
}

type kmStratum struct {
	Stratum        string      `json:"stratum"`
	N              int         `json:"n"`
	Events         int         `json:"events"`
	Median         jsonx.Float `json:"median"`
	MedianCILog    kmLimits    `json:"median_ci_log"`
	MedianCILogLog kmLimits    `json:"median_ci_loglog"`
	Table          struct {
		Time        jsonx.Floats `json:"time"`
		NRisk       jsonx.Floats `json:"n.risk"`
		NEvent      jsonx.Floats `json:"n.event"`
		NCensor     jsonx.Floats `json:"n.censor"`
		Surv        jsonx.Floats `json:"surv"`
		StdErr      jsonx.Floats `json:"std.err"`
		StdErrSurv  jsonx.Floats `json:"std.err.surv"`
		LowerLog    jsonx.Floats `json:"lower_log"`
		UpperLog    jsonx.Floats `json:"upper_log"`
		LowerLogLog jsonx.Floats `json:"lower_loglog"`
		UpperLogLog jsonx.Floats `json:"upper_loglog"`
	} `json:"table"`
	AtTimes struct {
		Times       jsonx.Floats `json:"times"`
		NRisk       jsonx.Floats `json:"n.risk"`
		NEvent      jsonx.Floats `json:"n.event"`
		Surv        jsonx.Floats `json:"surv"`
		StdErrSurv  jsonx.Floats `json:"std.err.surv"`
		LowerLog    jsonx.Floats `json:"lower_log"`
		UpperLog    jsonx.Floats `json:"upper_log"`
		LowerLogLog jsonx.Floats `json:"lower_loglog"`
		UpperLogLog jsonx.Floats `json:"upper_loglog"`
	} `json:"summary_at_times"`
}

// refTol is tighter than the README's 1e-9 for KM and log-rank numbers:
// the Go code follows R's arithmetic closely enough to hold 1e-12.
const refTol = 1e-12

func TestKaplanMeierReference(t *testing.T) {
	for _, tc := range []struct {
		file, data, event string
		code              float64
		group             string
	}{
		{"km-lung-overall.json", "lung.csv", "status", 2, ""},
		{"km-lung-sex.json", "lung.csv", "status", 2, "sex"},
		{"km-veteran-trt.json", "veteran.csv", "status", 1, "trt"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			survival.EachPath(t, func(t *testing.T) {
				var want kmCase
				reftest.Load(t, filepath.Join(refExpected, tc.file), &want)
				d := loadData(t, tc.data, "time", tc.event)
				tm, ev := d.floats(t, "time"), d.events(t, tc.event, tc.code)
				var strata []int
				labels := []string{"all"}
				if tc.group != "" {
					strata, labels = d.codes(t, tc.group)
				}
				for _, ct := range []survival.ConfType{survival.ConfLog, survival.ConfLogLog} {
					curves, err := survival.KaplanMeier(tm, ev, strata, survival.KMOptions{ConfType: ct})
					if err != nil {
						t.Fatal(err)
					}
					if len(curves) != len(want.Expected.Strata) {
						t.Fatalf("%d curves, want %d", len(curves), len(want.Expected.Strata))
					}
					for _, w := range want.Expected.Strata {
						s := slices.Index(labels, w.Stratum)
						if s < 0 {
							t.Fatalf("stratum %q not among %v", w.Stratum, labels)
						}
						checkCurve(t, w.Stratum+" "+ct.String(), &curves[s], &w)
					}
				}
			})
		})
	}
}

func checkCurve(t *testing.T, name string, c *survival.KMCurve, w *kmStratum) {
	t.Helper()
	if c.N != w.N || c.Events != w.Events {
		t.Errorf("%s: n %d events %d, want %d %d", name, c.N, c.Events, w.N, w.Events)
	}
	tb := w.Table
	reftest.Floats(t, name+" time", c.Time, tb.Time, 0)
	checkInts(t, name+" n.risk", c.NRisk, tb.NRisk)
	checkInts(t, name+" n.event", c.NEvent, tb.NEvent)
	checkInts(t, name+" n.censor", c.NCensor, tb.NCensor)
	reftest.Floats(t, name+" surv", c.Surv, tb.Surv, refTol)
	reftest.Floats(t, name+" std.err", c.StdErr, tb.StdErr, refTol)
	sse := make([]float64, len(c.Surv))
	for i := range sse {
		sse[i] = c.SurvStdErr(i)
	}
	reftest.Floats(t, name+" std.err.surv", sse, tb.StdErrSurv, refTol)
	lo, up, ci := tb.LowerLog, tb.UpperLog, w.MedianCILog
	at := w.AtTimes
	atLo, atUp := at.LowerLog, at.UpperLog
	if c.ConfType == survival.ConfLogLog {
		lo, up, ci = tb.LowerLogLog, tb.UpperLogLog, w.MedianCILogLog
		atLo, atUp = at.LowerLogLog, at.UpperLogLog
	}
	reftest.Floats(t, name+" lower", c.Lower, lo, refTol)
	reftest.Floats(t, name+" upper", c.Upper, up, refTol)

	m := c.Median()
	reftest.Floats(t, name+" median (lower, upper)", []float64{m.Estimate, m.Lower, m.Upper},
		jsonx.Floats{float64(w.Median), float64(ci.Lower), float64(ci.Upper)}, 0)

	s := c.At(at.Times)
	reftest.Floats(t, name+" at times", s.Time, at.Times, 0)
	checkInts(t, name+" at n.risk", s.NRisk, at.NRisk)
	checkInts(t, name+" at n.event", s.NEvent, at.NEvent)
	reftest.Floats(t, name+" at surv", s.Surv, at.Surv, refTol)
	reftest.Floats(t, name+" at std.err", s.StdErr, at.StdErrSurv, refTol)
	reftest.Floats(t, name+" at lower", s.Lower, atLo, refTol)
	reftest.Floats(t, name+" at upper", s.Upper, atUp, refTol)
}

// TestKaplanMeierSmall checks hand-computed cases, including R's median
// rules, summary(times=) semantics and the plain interval.
func TestKaplanMeierSmall(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		name   string
		time   []float64
		event  []bool
		opt    survival.KMOptions
		surv   []float64
		nrisk  []float64
		median survival.Median
	}{
		{
			name:   "censored between events",
			time:   []float64{1, 2, 3, 4},
			event:  []bool{false, true, false, true},
			surv:   []float64{1, 2.0 / 3, 2.0 / 3, 0},
			nrisk:  []float64{4, 3, 2, 1},
			median: survival.Median{Estimate: 4, Lower: 2, Upper: nan},
		},
		{
			// S is 0.5 on [2, 4): the median is the midpoint 3.
			name:   "flat at one half",
			time:   []float64{1, 2, 3, 4},
			event:  []bool{true, true, false, true},
			surv:   []float64{0.75, 0.5, 0.5, 0},
			nrisk:  []float64{4, 3, 2, 1},
			median: survival.Median{Estimate: 3, Lower: 1, Upper: nan},
		},
		{
			name:   "median not reached",
			time:   []float64{1, 2, 3},
			event:  []bool{true, false, false},
			surv:   []float64{2.0 / 3, 2.0 / 3, 2.0 / 3},
			nrisk:  []float64{3, 2, 1},
			median: survival.Median{Estimate: nan, Lower: 1, Upper: nan},
		},
		{
			name:   "censor-only tie",
			time:   []float64{1, 2, 5, 5, 9},
			event:  []bool{true, true, false, false, true},
			surv:   []float64{0.8, 0.6, 0.6, 0},
			nrisk:  []float64{5, 4, 3, 1},
			median: survival.Median{Estimate: 9, Lower: 2, Upper: nan},
		},
		{
			name:   "n = 1 event",
			time:   []float64{7},
			event:  []bool{true},
			surv:   []float64{0},
			nrisk:  []float64{1},
			median: survival.Median{Estimate: 7, Lower: nan, Upper: nan},
		},
		{
			name:   "all censored",
			time:   []float64{3, 1, 2},
			event:  []bool{false, false, false},
			surv:   []float64{1, 1, 1},
			nrisk:  []float64{3, 2, 1},
			median: survival.Median{Estimate: nan, Lower: nan, Upper: nan},
		},
		{
			name:   "heavy ties, plain interval",
			time:   []float64{2, 2, 2, 2, 2, 2, 5, 5},
			event:  []bool{true, true, true, true, false, false, true, false},
			opt:    survival.KMOptions{ConfType: survival.ConfPlain},
			surv:   []float64{0.5, 0.25},
			nrisk:  []float64{8, 2},
			median: survival.Median{Estimate: 3.5, Lower: 2, Upper: nan},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := survival.KaplanMeier(tc.time, tc.event, nil, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			reftest.Floats(t, "surv", c[0].Surv, tc.surv, 1e-15)
			if !slices.Equal(c[0].NRisk, tc.nrisk) {
				t.Errorf("n.risk %v, want %v", c[0].NRisk, tc.nrisk)
			}
			m := c[0].Median()
			reftest.Floats(t, "median", []float64{m.Estimate, m.Lower, m.Upper},
				[]float64{tc.median.Estimate, tc.median.Lower, tc.median.Upper}, 1e-15)
			for i := range c[0].Surv {
				lo, up := c[0].Lower[i], c[0].Upper[i]
				if !math.IsNaN(lo) && (lo < 0 || up > 1 || lo > c[0].Surv[i] || up < c[0].Surv[i]) {
					t.Errorf("row %d: S %v outside [%v, %v]", i, c[0].Surv[i], lo, up)
				}
			}
		})
	}
}

func TestKaplanMeierStrataAndErrors(t *testing.T) {
	// Code 1 has no observations: an empty curve, not an error.
	c, err := survival.KaplanMeier([]float64{1, 2, 3}, []bool{true, false, true}, []int{0, 2, 2}, survival.KMOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(c) != 3 || c[1].N != 0 || len(c[1].Time) != 0 || !math.IsNaN(c[1].Median().Estimate) {
		t.Fatalf("empty stratum: %+v", c[1])
	}
	if c[2].N != 2 || c[2].Events != 1 || c[2].Surv[1] != 0 {
		t.Errorf("stratum 2: %+v", c[2])
	}
	for _, tc := range []struct {
		name   string
		time   []float64
		strata []int
		opt    survival.KMOptions
		msg    string
	}{
		{"empty", nil, nil, survival.KMOptions{}, "no observations"},
		{"negative", []float64{1, -2}, nil, survival.KMOptions{}, "time[1] = -2"},
		{"NaN", []float64{math.NaN(), 2}, nil, survival.KMOptions{}, "time[0] = NaN"},
		{"Inf", []float64{1, math.Inf(1)}, nil, survival.KMOptions{}, "time[1] = +Inf"},
		{"code", []float64{1, 2}, []int{0, -1}, survival.KMOptions{}, "strata[1] = -1"},
		{"level", []float64{1, 2}, nil, survival.KMOptions{ConfLevel: 1.5}, "confidence level"},
	} {
		_, err := survival.KaplanMeier(tc.time, make([]bool, len(tc.time)), tc.strata, tc.opt)
		if err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.msg)
		}
	}
}

// TestTimefix checks that times equal up to rounding are one time, as in
// R (survfit's timefix = TRUE): 0.1+0.2 and 0.3 are tied.
func TestTimefix(t *testing.T) {
	c, err := survival.KaplanMeier([]float64{0.1 + 0.2, 0.3, 1}, []bool{true, true, false}, nil, survival.KMOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(c[0].Time) != 2 || c[0].NEvent[0] != 2 || c[0].Time[0] != 0.3 {
		t.Errorf("times %v events %v, want 0.3 with 2 events", c[0].Time, c[0].NEvent)
	}
}

func TestAtBeforeFirstAndBeyond(t *testing.T) {
	c, err := survival.KaplanMeier([]float64{5, 6, 8, 10}, []bool{true, false, true, false}, nil, survival.KMOptions{})
	if err != nil {
		t.Fatal(err)
	}
	times := []float64{11, 2, 8, math.NaN()}
	s := c[0].At(times)
	if !slices.Equal(s.Time, []float64{2, 8}) || times[0] != 11 {
		t.Fatalf("times %v (caller's %v)", s.Time, times)
	}
	if s.Surv[0] != 1 || s.StdErr[0] != 0 || s.Lower[0] != 1 || s.Upper[0] != 1 || s.NRisk[0] != 4 || s.NEvent[0] != 0 {
		t.Errorf("before the first time: %+v", s)
	}
	if s.NRisk[1] != 2 || s.NEvent[1] != 2 || math.Abs(s.Surv[1]-0.375) > 1e-15 {
		t.Errorf("at 8: %+v", s)
	}
}

// TestAtBeforeFirstAllTypes: R 4.2.2, survival 3.5.3,
// summary(survfit(Surv(t, e) ~ 1, conf.type = ct), times = c(0.5, 1.5)) with
// t = 1:6, e = c(0,0,1,0,1,1): at 0.5 (before the first time) S = 1 with
// lower = upper = 1 for log, log-log and plain; at 1.5 (after a censoring,
// S still 1) log-log gives NA and log and plain 1, 1.
func TestAtBeforeFirstAllTypes(t *testing.T) {
	tm := []float64{1, 2, 3, 4, 5, 6}
	ev := []bool{false, false, true, false, true, true}
	for _, ct := range []survival.ConfType{survival.ConfLog, survival.ConfLogLog, survival.ConfPlain} {
		c, err := survival.KaplanMeier(tm, ev, nil, survival.KMOptions{ConfType: ct})
		if err != nil {
			t.Fatal(err)
		}
		s := c[0].At([]float64{0.5, 1.5})
		if s.Surv[0] != 1 || s.Lower[0] != 1 || s.Upper[0] != 1 {
			t.Errorf("%v at 0.5: S %v (%v, %v), want 1 (1, 1)", ct, s.Surv[0], s.Lower[0], s.Upper[0])
		}
		wantNaN := ct == survival.ConfLogLog
		if math.IsNaN(s.Lower[1]) != wantNaN || math.IsNaN(s.Upper[1]) != wantNaN || (!wantNaN && (s.Lower[1] != 1 || s.Upper[1] != 1)) {
			t.Errorf("%v at 1.5: (%v, %v)", ct, s.Lower[1], s.Upper[1])
		}
	}
}

func TestRMSTAndFollowUp(t *testing.T) {
	// Hand computation: S = 1 on [0,1), 0.75 on [1,3), 0.375 on [3,...).
	tm := []float64{1, 2, 3, 4}
	ev := []bool{true, false, true, false}
	c, err := survival.KaplanMeier(tm, ev, nil, survival.KMOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := c[0].RMST(3.5)
	if err != nil {
		t.Fatal(err)
	}
	mean := 1 + 2*0.75 + 0.5*0.375
	// A at 1 = 2*0.75 + 0.5*0.375, A at 3 = 0.5*0.375; hazards 1/(4*3), 1/(2*1).
	a1, a3 := 2*0.75+0.5*0.375, 0.5*0.375
	se := math.Sqrt(a1*a1/12 + a3*a3/2)
	if math.Abs(r.Mean-mean) > 1e-15 || math.Abs(r.StdErr-se) > 1e-15 {
		t.Errorf("RMST %+v, want mean %v se %v", r, mean, se)
	}
	if r, _ := c[0].RMST(0.5); r.Mean != 0.5 || r.StdErr != 0 {
		t.Errorf("RMST before the first time: %+v", r)
	}
	if _, err := c[0].RMST(-1); err == nil {
		t.Error("negative horizon accepted")
	}
	// Reverse KM: censorings at 2 and 4 are the events.
	m, err := survival.MedianFollowUp(tm, ev, survival.KMOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Estimate != 4 {
		t.Errorf("median follow-up %v, want 4", m.Estimate)
	}
}

// TestKaplanMeierGeneralPath: unit weights and entry times before every
// time give exactly the fast path's curve; weights of 2 double the counts
// and leave S and its Greenwood se as with the data written twice.
func TestKaplanMeierGeneralPath(t *testing.T) {
	tm := []float64{3, 1, 4, 1, 5, 9, 2, 6, 5, 3}
	ev := []bool{true, false, true, true, false, true, true, false, true, true}
	g := []int{0, 1, 0, 1, 0, 1, 0, 1, 0, 1}
	fast, err := survival.KaplanMeier(tm, ev, g, survival.KMOptions{ConfType: survival.ConfLogLog})
	if err != nil {
		t.Fatal(err)
	}
	ones := make([]float64, len(tm))
	start := make([]float64, len(tm))
	for i := range ones {
		ones[i], start[i] = 1, -1
	}
	gen, err := survival.KaplanMeier(tm, ev, g, survival.KMOptions{ConfType: survival.ConfLogLog, Weights: ones, Start: start})
	if err != nil {
		t.Fatal(err)
	}
	for s := range fast {
		for _, pair := range [][2][]float64{{fast[s].Surv, gen[s].Surv}, {fast[s].StdErr, gen[s].StdErr}, {fast[s].NRisk, gen[s].NRisk}, {fast[s].NCensor, gen[s].NCensor}} {
			reftest.Floats(t, "general vs fast", pair[1], pair[0], 1e-15)
		}
	}
	twice := append(append([]float64(nil), tm...), tm...)
	ev2 := append(append([]bool(nil), ev...), ev...)
	g2 := append(append([]int(nil), g...), g...)
	dup, _ := survival.KaplanMeier(twice, ev2, g2, survival.KMOptions{})
	w2 := make([]float64, len(tm))
	for i := range w2 {
		w2[i] = 2
	}
	wt, _ := survival.KaplanMeier(tm, ev, g, survival.KMOptions{Weights: w2})
	for s := range dup {
		reftest.Floats(t, "weights 2 surv", wt[s].Surv, dup[s].Surv, 1e-15)
		reftest.Floats(t, "weights 2 se", wt[s].StdErr, dup[s].StdErr, 1e-15)
		reftest.Floats(t, "weights 2 n.risk", wt[s].NRisk, dup[s].NRisk, 0)
	}
	if _, err := survival.KaplanMeier(tm, ev, nil, survival.KMOptions{Start: tm}); err == nil {
		t.Error("start = time accepted")
	}
}
