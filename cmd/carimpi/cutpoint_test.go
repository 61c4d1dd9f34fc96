package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// cutpointOut is the JSON of carimpi cutpoint.
type cutpointOut struct {
	Notice       string    `json:"notice"`
	N            int       `json:"n"`
	Dropped      int       `json:"dropped"`
	Cutpoint     float64   `json:"cutpoint"`
	Statistic    float64   `json:"statistic"`
	P            *float64  `json:"p"`
	PMethod      string    `json:"pmethod"`
	PAccuracy    *float64  `json:"p_accuracy"`
	Permutations int       `json:"permutations"`
	Seed         *uint64   `json:"seed"`
	Cuts         []float64 `json:"cuts"`
	M            []int     `json:"m"`
	Stats        []float64 `json:"stats"`
	Bootstrap    *struct {
		Median, Lower, Upper float64
		Seed                 uint64
		B, Failed            int
		Values               []float64
		Counts               []int
	} `json:"bootstrap"`
}

func runCutpointJSON(t *testing.T, args ...string) cutpointOut {
	t.Helper()
	out, errOut, code := runCLI(t, append([]string{"cutpoint", "--format", "json"}, args...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var v cutpointOut
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	return v
}

func TestCutpointReference(t *testing.T) {
	dlbcl := []string{"--data", filepath.Join(refData, "dlbcl.csv"), "--time", "time", "--event", "cens", "--x", "MGE"}
	lung := []string{"--data", filepath.Join(refData, "lung.csv"), "--time", "time", "--event", "status", "--event-value", "2", "--x", "age"}
	for _, tc := range []struct {
		file, method string
		args         []string
		dropped      int
	}{
		{"maxstat-dlbcl-mge-lau92.json", "Lau92", dlbcl, 2},
		{"maxstat-dlbcl-mge-lau94.json", "Lau94", dlbcl, 2},
		{"maxstat-dlbcl-mge-exactgauss.json", "exactGauss", dlbcl, 2},
		{"maxstat-dlbcl-mge-hl.json", "HL", dlbcl, 2},
		{"maxstat-lung-age-lau94.json", "Lau94", lung, 0},
		{"maxstat-lung-age-exactgauss.json", "exactGauss", lung, 0},
	} {
		t.Run(tc.file, func(t *testing.T) {
			var want struct {
				Expected struct {
					N         int       `json:"N"`
					Cutpoint  float64   `json:"estimated_cutpoint"`
					Statistic float64   `json:"statistic"`
					P         float64   `json:"p.value"`
					PMarkov   *float64  `json:"p.value_exact_markov"`
					Cuts      []float64 `json:"cuts"`
					M         []int     `json:"m_left"`
					Stats     []float64 `json:"stats"`
				} `json:"expected"`
			}
			readExpected(t, tc.file, &want)
			e := want.Expected
			got := runCutpointJSON(t, append(tc.args, "--pmethod", tc.method)...)
			if got.N != e.N || got.Dropped != tc.dropped || got.PMethod != tc.method || got.Notice == "" {
				t.Errorf("n %d dropped %d pmethod %q notice %q", got.N, got.Dropped, got.PMethod, got.Notice)
			}
			if got.Cutpoint != e.Cutpoint {
				t.Errorf("cutpoint %v, want %v exactly", got.Cutpoint, e.Cutpoint)
			}
			if math.Abs(got.Statistic-e.Statistic) > 1e-9*e.Statistic {
				t.Errorf("statistic %v, want %v", got.Statistic, e.Statistic)
			}
			if len(got.Cuts) != len(e.Cuts) {
				t.Fatalf("%d cuts, want %d", len(got.Cuts), len(e.Cuts))
			}
			for i := range e.Cuts {
				if got.Cuts[i] != e.Cuts[i] || got.M[i] != e.M[i] || math.Abs(got.Stats[i]-e.Stats[i]) > 1e-9*e.Stats[i] {
					t.Errorf("cut %d: %v %d %v, want %v %d %v", i, got.Cuts[i], got.M[i], got.Stats[i], e.Cuts[i], e.M[i], e.Stats[i])
				}
			}
			if got.P == nil {
				t.Fatal("p is null")
			}
			if e.PMarkov != nil {
				if math.Abs(*got.P-*e.PMarkov) > 1e-8 || got.PAccuracy == nil || *got.PAccuracy > 1e-8 {
					t.Errorf("exactGauss p %v (accuracy %v), want %v within 1e-8", *got.P, got.PAccuracy, *e.PMarkov)
				}
			} else if math.Abs(*got.P-e.P) > 1e-9*e.P {
				t.Errorf("p %v, want %v (1e-9 relative)", *got.P, e.P)
			}
		})
	}
}

func TestCutpointTableBootstrapPlot(t *testing.T) {
	plot := filepath.Join(t.TempDir(), "scan.svg")
	args := []string{"cutpoint", "--data", filepath.Join(refData, "dlbcl.csv"), "--time", "time", "--event", "cens",
		"--x", "MGE", "--bootstrap", "100", "--seed", "7", "--plot", plot}
	out, errOut, code := runCLI(t, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, s := range []string{"cut point 0.186052631578947", "Lau94", "seed 7", researchNotice, "scan plot written"} {
		if !strings.Contains(out, s) {
			t.Errorf("table output lacks %q:\n%s", s, out)
		}
	}
	if !strings.Contains(errOut, "seed 7") {
		t.Errorf("seed not printed on stderr: %q", errOut)
	}
	svg, err := os.ReadFile(plot)
	if err != nil || !strings.Contains(string(svg), "<svg") || !strings.Contains(string(svg), "<path") {
		t.Errorf("plot: %v %.200s", err, svg)
	}
	j := runCutpointJSON(t, args[1:]...)
	b := j.Bootstrap
	if b == nil || b.B != 100 || b.Seed != 7 || !(b.Lower <= b.Median && b.Median <= b.Upper) {
		t.Fatalf("bootstrap %+v", b)
	}
	n := b.Failed
	for _, c := range b.Counts {
		n += c
	}
	if n != 100 {
		t.Errorf("bootstrap counts sum to %d", n)
	}
	j2 := runCutpointJSON(t, args[1:]...)
	if j2.Bootstrap.Median != b.Median || j2.Bootstrap.Lower != b.Lower {
		t.Error("same seed, different bootstrap")
	}
	mc := runCutpointJSON(t, "--data", filepath.Join(refData, "dlbcl.csv"), "--time", "time", "--event", "cens",
		"--x", "MGE", "--pmethod", "condMC", "--permutations", "2000", "--seed", "3")
	if mc.Permutations != 2000 || mc.Seed == nil || *mc.Seed != 3 || mc.P == nil || !(*mc.P > 0 && *mc.P < 0.2) {
		t.Errorf("condMC: %+v", mc)
	}
	none := runCutpointJSON(t, "--data", filepath.Join(refData, "dlbcl.csv"), "--time", "time", "--event", "cens",
		"--x", "MGE", "--pmethod", "none")
	if none.P != nil {
		t.Errorf("pmethod none: p %v, want null", *none.P)
	}
}

func TestCutpointErrors(t *testing.T) {
	dir := t.TempDir()
	same := filepath.Join(dir, "same.csv")
	if err := os.WriteFile(same, []byte("t,e,x\n1,1,5\n2,0,5\n3,1,5\n4,1,5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(refData, "dlbcl.csv")
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--data", data, "--time", "time", "--event", "cens"}, 2, "--x is required"},
		{[]string{"--data", data, "--time", "time", "--event", "cens", "--x", "MGE", "--pmethod", "exact"}, 2, "--pmethod"},
		{[]string{"--data", data, "--time", "time", "--event", "cens", "--x", "MGE", "--minprop", "0.5", "--maxprop", "0.4"}, 2, "--minprop"},
		{[]string{"--data", data, "--time", "time", "--event", "cens", "--x", "MGE", "--format", "xml"}, 2, "--format"},
		{[]string{"--data", data, "--time", "time", "--event", "cens", "--x", "nope"}, 1, "nope"},
		{[]string{"--data", same, "--time", "t", "--event", "e", "--x", "x"}, 1, "equal"},
	} {
		_, errOut, code := runCLI(t, append([]string{"cutpoint"}, tc.args...)...)
		if code != tc.code || !strings.Contains(errOut, tc.msg) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, errOut, tc.code, tc.msg)
		}
	}
}
