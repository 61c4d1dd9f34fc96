package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"carimpi/internal/jsonx"
	"carimpi/internal/reftest"
)

// competeData is the folder of the cmprsk reference cases.
const competeData = "../../survival/compete/testdata"

type cifOut struct {
	Causes, Groups []string
	Dropped        int
	Curves         []struct {
		Group, Cause                 string
		N, Events                    int
		Time, Est, Var, Lower, Upper jsonx.Floats
		NRisk                        jsonx.Floats `json:"n_risk"`
	}
	AtTimes []struct {
		Group, Cause                 string
		Time, Est, Var, Lower, Upper jsonx.Floats
	} `json:"at_times"`
	Gray []struct {
		Cause        string
		Statistic, P jsonx.Float
		DF           int
	}
}

// TestCIFReferenceCLI runs every cmprsk::cuminc case through the CLI.
func TestCIFReferenceCLI(t *testing.T) {
	var file struct{ Cases []reftest.CumIncCase }
	reftest.Load(t, filepath.Join(competeData, "cuminc.json"), &file)
	for _, tc := range file.Cases {
		t.Run(tc.Name, func(t *testing.T) {
			args := []string{"cif", "--data", filepath.Join(competeData, tc.Data), "--time", tc.Args.Time, "--cause", tc.Args.Cause,
				"--rho", fmt.Sprint(tc.Args.Rho)}
			if tc.Args.Group != "" {
				args = append(args, "--group", tc.Args.Group)
			}
			if tc.Args.Strata != "" {
				args = append(args, "--strata", tc.Args.Strata)
			}
			if tc.Args.Cencode != nil {
				args = append(args, "--censor-code", fmt.Sprint(*tc.Args.Cencode))
			}
			var ts []string
			for _, x := range tc.Timepoints.Times {
				ts = append(ts, fmt.Sprint(x))
			}
			args = append(args, "--times", strings.Join(ts, ","))
			var out cifOut
			runJSON(t, &out, args...)
			if len(out.Curves) != len(tc.Curves) {
				t.Fatalf("%d curves, want %d", len(out.Curves), len(tc.Curves))
			}
			for k, want := range tc.Curves {
				c := out.Curves[k]
				g := c.Group
				if g == "all" {
					g = "1"
				}
				if name := g + " " + c.Cause; name != want.Name {
					t.Fatalf("curve %d is %q, want %q", k, name, want.Name)
				}
				reftest.Floats(t, want.Name+" time", c.Time, want.Time, 0)
				reftest.Floats(t, want.Name+" est", c.Est, want.Est, 1e-12)
				reftest.Floats(t, want.Name+" var", c.Var, want.Var, 1e-12)
				at := out.AtTimes[k]
				if at.Group != c.Group || at.Cause != c.Cause {
					t.Fatalf("at_times %d is %s/%s", k, at.Group, at.Cause)
				}
				reftest.Floats(t, want.Name+" est at times", at.Est, tc.Timepoints.Est[k], 1e-12)
				reftest.Floats(t, want.Name+" var at times", at.Var, tc.Timepoints.Var[k], 1e-12)
				if len(c.NRisk) != len(c.Time) || c.NRisk[0] != float64(c.N) {
					t.Errorf("%s: n_risk %v", want.Name, c.NRisk[:1])
				}
			}
			if len(out.Gray) != len(tc.Tests) {
				t.Fatalf("%d Gray tests, want %d", len(out.Gray), len(tc.Tests))
			}
			for k, want := range tc.Tests {
				g := out.Gray[k]
				if g.Cause != want.Cause || g.DF != want.DF {
					t.Errorf("Gray %d: cause %s df %d, want %s %d", k, g.Cause, g.DF, want.Cause, want.DF)
				}
				reftest.Close(t, "Gray statistic "+want.Cause, float64(g.Statistic), want.Stat, 1e-10)
				reftest.Close(t, "Gray p "+want.Cause, float64(g.P), want.PV, 1e-9)
			}
		})
	}
}

func TestCIFFlagsAndErrors(t *testing.T) {
	data := filepath.Join(competeData, "cart.csv")
	var out cifOut
	runJSON(t, &out, "cif", "--data", data, "--time", "time", "--cause", "pfs_cause", "--cause-codes", "nrm=2,progression=1",
		"--group", "group", "--times", "12", "--conf-type", "plain")
	if strings.Join(out.Causes, ",") != "nrm,progression" || out.Dropped != 2 || out.Curves[0].Cause != "nrm" {
		t.Errorf("causes %v dropped %d first curve %s", out.Causes, out.Dropped, out.Curves[0].Cause)
	}
	// plain limits: est -/+ 1.96 se
	c := out.AtTimes[0]
	if se := (c.Upper[0] - c.Lower[0]) / 2 / 1.959963984540054; !reftest.Rel(se*se, c.Var[0], 1e-9) {
		t.Errorf("plain CI half-width %v does not match var %v", se, c.Var[0])
	}
	// before the first event: F = 0 with limits 0
	for _, cv := range out.Curves {
		if cv.Est[0] != 0 || cv.Lower[0] != 0 || cv.Upper[0] != 0 || cv.Time[0] != 0 {
			t.Errorf("%s/%s starts at %v (%v, %v)", cv.Group, cv.Cause, cv.Est[0], cv.Lower[0], cv.Upper[0])
		}
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("t,s\n1,1\n2,3\n3,0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	checkRun(t, []string{"cif", "--data", bad, "--time", "t", "--cause", "s", "--cause-codes", "progression=1,nrm=2"}, 1,
		[]string{"bad.csv", "line 3", `"3"`, "--cause-codes"})
	checkRun(t, []string{"cif", "--data", data, "--time", "time"}, 2, []string{"--cause is required"})
	checkRun(t, []string{"cif", "--data", data, "--time", "time", "--cause", "pfs_cause", "--cause-codes", "a=0"}, 2, []string{"censoring code"})
	checkRun(t, []string{"cif", "--data", data, "--time", "time", "--cause", "pfs_cause", "--strata", "center"}, 2, []string{"--strata needs --group"})
	plot := filepath.Join(dir, "cif.svg")
	out2 := checkRun(t, []string{"cif", "--data", data, "--time", "time", "--cause", "pfs_cause", "--group", "product", "--plot", plot}, 0,
		[]string{"Gray's test", "figure written"})
	svg, err := os.ReadFile(plot)
	if err != nil || !strings.Contains(string(svg), "<svg") || !strings.Contains(string(svg), "Number at risk") {
		t.Errorf("plot: %v %.200s", err, svg)
	}
	_ = out2
	for _, ext := range []string{".png", ".pdf"} {
		f := filepath.Join(dir, "cif"+ext)
		checkRun(t, []string{"cif", "--data", data, "--time", "time", "--cause", "pfs_cause", "--group", "group", "--plot", f}, 0, []string{"figure written"})
		if b, err := os.ReadFile(f); err != nil || len(b) < 1000 {
			t.Errorf("%s: %v, %d bytes", ext, err, len(b))
		}
	}
	checkRun(t, []string{"cif", "--data", data, "--time", "time", "--cause", "pfs_cause", "--plot", filepath.Join(dir, "x.gif")}, 2, []string{".svg, .png or .pdf"})
}
