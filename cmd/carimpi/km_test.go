package main

import (
	"math"
	"slices"
	"strings"
	"testing"

	"carimpi/internal/jsonx"
	"carimpi/internal/reftest"
)

// kmOut is km's JSON answer.
type kmOut struct {
	Dropped int
	Strata  []struct {
		Name                     string
		N, Events                int
		Median                   jsonx.Float
		MedianLower              jsonx.Float `json:"median_lower"`
		MedianUpper              jsonx.Float `json:"median_upper"`
		Time, Surv, Lower, Upper jsonx.Floats
		StdErr                   jsonx.Floats `json:"std_err"`
		NRisk                    jsonx.Floats `json:"n_risk"`
		NEvent                   jsonx.Floats `json:"n_event"`
		NCensor                  jsonx.Floats `json:"n_censor"`
		AtTimes                  kmAtOut      `json:"at_times"`
		RMST                     *struct{ Tau, Mean, SE float64 }
		Quantiles                *struct{ Quantile, Lower, Upper jsonx.Floats }
	}
	FollowUp struct{ Median, Lower, Upper jsonx.Float } `json:"median_followup"`
}

type kmAtOut struct {
	Time, Surv, Lower, Upper jsonx.Floats
	NRisk                    jsonx.Floats `json:"n_risk"`
	NEvent                   jsonx.Floats `json:"n_event"`
	StdErr                   jsonx.Floats `json:"std_err"`
}

// kmRef is the part of a km-*.json reference case the CLI test reads.
type kmRef struct {
	Expected struct {
		Strata []struct {
			Stratum   string
			N, Events int
			Median    jsonx.Float
			CILog     map[string]jsonx.Float `json:"median_ci_log"`
			CILogLog  map[string]jsonx.Float `json:"median_ci_loglog"`
			Table     map[string]jsonx.Floats
			AtTimes   map[string]jsonx.Floats `json:"summary_at_times"`
		}
	}
}

// cliTol is the reference README's tolerance for KM and log-rank numbers.
const cliTol = 1e-9

func TestKMReferenceCLI(t *testing.T) {
	for _, tc := range []struct {
		file string
		args []string
	}{
		{"km-lung-overall.json", []string{"--data", refData + "/lung.csv", "--event-value", "2"}},
		{"km-lung-sex.json", []string{"--data", refData + "/lung.csv", "--event-value", "2", "--group", "sex"}},
		{"km-veteran-trt.json", []string{"--data", refData + "/veteran.csv", "--group", "trt"}},
	} {
		var ref kmRef
		readExpected(t, tc.file, &ref)
		for _, ct := range []string{"log", "log-log"} {
			var out kmOut
			args := append([]string{"km", "--time", "time", "--event", "status", "--conf-type", ct, "--times", "365,180"}, tc.args...)
			runJSON(t, &out, args...)
			if len(out.Strata) != len(ref.Expected.Strata) {
				t.Fatalf("%s: %d strata, want %d", tc.file, len(out.Strata), len(ref.Expected.Strata))
			}
			suffix := "_log"
			ci := func(i int) map[string]jsonx.Float { return ref.Expected.Strata[i].CILog }
			if ct == "log-log" {
				suffix = "_loglog"
				ci = func(i int) map[string]jsonx.Float { return ref.Expected.Strata[i].CILogLog }
			}
			for i, w := range ref.Expected.Strata {
				g := out.Strata[i]
				name := tc.file + " " + ct + " " + w.Stratum
				if g.Name != w.Stratum || g.N != w.N || g.Events != w.Events {
					t.Errorf("%s: got %s n %d events %d, want n %d events %d", name, g.Name, g.N, g.Events, w.N, w.Events)
				}
				reftest.Floats(t, name+" median", []float64{float64(g.Median), float64(g.MedianLower), float64(g.MedianUpper)},
					[]float64{float64(w.Median), float64(ci(i)["lower"]), float64(ci(i)["upper"])}, 0)
				tb := w.Table
				reftest.Floats(t, name+" time", g.Time, tb["time"], 0)
				reftest.Floats(t, name+" n_risk", g.NRisk, tb["n.risk"], 0)
				reftest.Floats(t, name+" n_event", g.NEvent, tb["n.event"], 0)
				reftest.Floats(t, name+" n_censor", g.NCensor, tb["n.censor"], 0)
				reftest.Floats(t, name+" surv", g.Surv, tb["surv"], cliTol)
				reftest.Floats(t, name+" std_err", g.StdErr, tb["std.err.surv"], cliTol)
				reftest.Floats(t, name+" lower", g.Lower, tb["lower"+suffix], cliTol)
				reftest.Floats(t, name+" upper", g.Upper, tb["upper"+suffix], cliTol)
				at, wa := g.AtTimes, w.AtTimes
				reftest.Floats(t, name+" at time", at.Time, wa["times"], 0)
				reftest.Floats(t, name+" at n_risk", at.NRisk, wa["n.risk"], 0)
				reftest.Floats(t, name+" at n_event", at.NEvent, wa["n.event"], 0)
				reftest.Floats(t, name+" at surv", at.Surv, wa["surv"], cliTol)
				reftest.Floats(t, name+" at std_err", at.StdErr, wa["std.err.surv"], cliTol)
				reftest.Floats(t, name+" at lower", at.Lower, wa["lower"+suffix], cliTol)
				reftest.Floats(t, name+" at upper", at.Upper, wa["upper"+suffix], cliTol)
			}
		}
	}
}

func TestKMTableAndExtras(t *testing.T) {
	out, errOut, code := runCLI(t, "km", "--data", refData+"/lung.csv", "--time", "time", "--event", "status",
		"--event-value", "2", "--group", "sex", "--times", "180,365", "--rmst", "365")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"sex=1", "270", "212 to 310", "Median follow-up", "0.6445", researchNotice, "RMST to 365"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	var js kmOut
	runJSON(t, &js, "km", "--data", refData+"/lung.csv", "--time", "time", "--event", "status", "--event-value", "2", "--rmst", "365")
	if r := js.Strata[0].RMST; r == nil || r.Tau != 365 || math.Abs(r.Mean-263.2218664820066) > 1e-6 {
		t.Errorf("rmst %+v", r)
	}
	if float64(js.FollowUp.Median) != 588 {
		t.Errorf("follow-up %+v", js.FollowUp)
	}
	// Without --times, at_times is present with empty arrays.
	if js.Strata[0].AtTimes.Time == nil || len(js.Strata[0].AtTimes.Time) != 0 {
		t.Errorf("at_times %+v", js.Strata[0].AtTimes)
	}
}

// TestKMDegenerate: degenerate data give a result without NaN tables, or
// one clear line naming the file, line, column and value.
func TestKMDegenerate(t *testing.T) {
	for _, tc := range []struct {
		name, csv string
		args      []string
		code      int
		want      []string // in stdout (code 0) or stderr
	}{
		{"n = 1", "t,e\n5,1\n", nil, 0, []string{`"median": 5`, `"surv": [`}},
		{"all censored", "t,e\n5,0\n7,0\n", nil, 0, []string{`"median": null`, `"surv": [`}},
		{"heavy ties", "t,e,g\n2,1,a\n2,1,a\n2,0,a\n2,1,b\n2,1,b\n3,0,b\n", []string{"--group", "g"}, 0, []string{`"name": "g=a"`, `"name": "g=b"`}},
		{"group without events", "t,e,g\n2,1,a\n3,0,b\n4,0,b\n", []string{"--group", "g"}, 0, []string{`"events": 0`}},
		{"missing group dropped", "t,e,g\n2,1,a\n3,0,\n4,1,b\n", []string{"--group", "g"}, 0, []string{`"dropped": 1`}},
		{"negative time", "t,e\n5,1\n-2,0\n", nil, 1, []string{"line 3", "t", "-2", "negative"}},
		{"bad time", "t,e\n5,1\nfive,0\n", nil, 1, []string{"line 3", "five"}},
		{"0/1/2 without --event-value", "t,e\n5,1\n6,0\n7,2\n", nil, 1, []string{`"e" holds the values 0, 1, 2`, "--event-value"}},
		{"third event code", "t,e\n5,1\n6,0\n7,2\n", []string{"--event-value", "1"}, 1, []string{"line 4", `"2"`, "third event code"}},
		{"dead/alive", "t,e\n5,dead\n6,alive\n7,dead\n", nil, 0, []string{`"n_event": [`}},
		{"missing column", "t,x\n5,1\n", nil, 1, []string{"e"}},
		{"ragged row", "t,e\n5,1\n6\n", nil, 1, []string{"line 3", "ragged"}},
		{"no rows", "t,e\n", nil, 1, []string{"no row"}},
		{"bad conf type", "t,e\n5,1\n", []string{"--conf-type", "logit"}, 2, []string{"--conf-type"}},
		{"bad times", "t,e\n5,1\n", []string{"--times", "12,x"}, 2, []string{"--times"}},
		{"bad rmst", "t,e\n5,1\n", []string{"--rmst", "-1"}, 2, []string{"--rmst"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := writeCSV(t, tc.csv)
			args := append([]string{"km", "--data", p, "--time", "t", "--event", "e", "--format", "json"}, tc.args...)
			if out := checkRun(t, args, tc.code, tc.want); tc.code == 0 && strings.Contains(out, "NaN") {
				t.Errorf("NaN in output: %s", out)
			}
		})
	}
	if c := commands["km"]; !slices.ContainsFunc([]string{"data", "time", "event", "event-value", "group", "conf-type", "times", "format"},
		func(n string) bool { return c.Flags.Lookup(n) == nil }) {
		return
	}
	t.Error("km lacks a flag of the issue's contract")
}
