package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"carimpi/cohort"
)

func TestSimulateCLI(t *testing.T) {
	out, errOut, code := runCLI(t, "simulate", "--n-development", "30", "--n-validation", "20", "--seed", "7")
	if code != 0 || !strings.Contains(errOut, "seed 7") || !strings.Contains(errOut, cohort.SimulatedNotice) {
		t.Fatalf("code %d stderr %q", code, errOut)
	}
	again, _, _ := runCLI(t, "simulate", "--n-development", "30", "--n-validation", "20", "--seed", "7")
	if out != again {
		t.Fatal("same seed, different output")
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	// 30 + 20 patients remain after the outlier rule; 2 outliers are added
	if len(lines) != 53 || !strings.HasSuffix(lines[0], ",simulated") || !strings.HasSuffix(lines[1], ",1") || !strings.Contains(errOut, "the 2 outliers") {
		t.Fatalf("%d lines, header %q", len(lines), lines[0])
	}
	// The defaults reproduce the embedded cohort (flags are given because a
	// command's flag set keeps its values between in-process runs).
	def, errOut, _ := runCLI(t, "simulate", "--n-development", "256", "--n-validation", "248", "--seed", fmt.Sprint(cohort.DefaultSeed), "--out", "")
	if def != string(cohort.DefaultCSV()) || !strings.Contains(errOut, fmt.Sprintf("seed %d,", cohort.DefaultSeed)) {
		t.Fatal("carimpi simulate with the defaults differs from the embedded cohort")
	}
	dir := t.TempDir()
	x := filepath.Join(dir, "c.xlsx")
	if _, errOut, code := runCLI(t, "simulate", "--n-development", "5", "--n-validation", "5", "--out", x); code != 0 {
		t.Fatalf("xlsx: %s", errOut)
	}
	if _, _, code := runCLI(t, "simulate", "--out", filepath.Join(dir, "c.txt")); code != 2 {
		t.Fatalf("bad extension: code %d", code)
	}
	out, _, code = runCLI(t, "validate", "--data", x, "--format", "json")
	var rep struct {
		DataNotice string `json:"data_notice"`
		Accepted   int    `json:"accepted"`
		Simulated  bool   `json:"simulated"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil || rep.Accepted != 11 || !rep.Simulated || rep.DataNotice != cohort.SimulatedNotice {
		t.Fatalf("validate xlsx: code %d %s", code, out)
	}
}

func TestValidateCLI(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "site.csv")
	os.WriteFile(data, []byte("ID;Age;Stage;MTV;CRP\na;64;III;12,5;13\nb;70;2;400;45\na;55;1;3;8\nc;;4;10;20\nd;60;3;9000;30\n"), 0o644)
	mapFile := filepath.Join(dir, "map.json")
	os.WriteFile(mapFile, []byte(`{"ID": "patient_id", "MTV": "mtv_ml"}`), 0o644)

	out, _, code := runCLI(t, "validate", "--data", data, "--map", mapFile, "--format", "json")
	var rep struct {
		Notice   string `json:"notice"`
		Rows     int    `json:"rows"`
		Accepted int    `json:"accepted"`
		Excluded []struct {
			Row     int      `json:"row"`
			Line    int      `json:"line"`
			Reasons []string `json:"reasons"`
		} `json:"excluded"`
		Problems []struct {
			Row                                    int
			Column, Field, Value, Severity, Action string
			Message, Fix                           string
		} `json:"problems"`
		Threshold *float64 `json:"mtv_outlier_threshold"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil {
		t.Fatalf("code %d: %s", code, out)
	}
	if rep.Notice != researchNotice || rep.Rows != 5 || rep.Accepted != 3 || len(rep.Excluded) != 2 || rep.Threshold != nil {
		t.Fatalf("%+v", rep)
	}
	crp := false
	for _, p := range rep.Problems {
		if p.Row == 0 && p.Field == "crp" && strings.Contains(p.Fix, "--units crp=mg/L") {
			crp = true
		}
	}
	if !crp {
		t.Fatalf("CRP in mg/L read as mg/dL not flagged: %+v", rep.Problems)
	}

	// Declared units, the outlier rule and the cleaned file.
	clean := filepath.Join(dir, "clean.csv")
	out, errOut, code := runCLI(t, "validate", "--data", data, "--map", mapFile, "--units", "crp=mg/L",
		"--exclude-top-mtv", "0.3", "--out", clean, "--format", "table")
	if code != 0 || !strings.Contains(out, "MTV outlier rule: 1 rows") || !strings.Contains(out, researchNotice) ||
		!strings.Contains(errOut, "wrote 2 accepted rows") {
		t.Fatalf("code %d\n%s\n%s", code, out, errOut)
	}
	b, _ := os.ReadFile(clean)
	if !bytes.HasPrefix(b, []byte("patient_id,age,stage,mtv_ml,crp\na,64,3,12.5,1.3\n")) {
		t.Fatalf("clean file:\n%s", b)
	}

	for _, args := range [][]string{
		{"validate", "--data", ""},
		{"validate", "--data", data, "--units", "crp", "--format", "table"},
		{"validate", "--data", data, "--format", "xml"},
		{"validate", "--data", data, "--format", "table", "--units", "crp=mg/L,=x"},
		{"validate", "--data", data, "--exclude-top-mtv", "2"},
		{"validate", "--data", data, "--date-order", "ymd", "--exclude-top-mtv", "0"},
	} {
		if _, _, code := runCLI(t, args...); code != 2 {
			t.Errorf("%v: code %d, want 2", args, code)
		}
	}
	// Without the map, ID and MTV are found by their aliases; a file
	// without an MTV column is read and checked, and no row enters the
	// study.
	if out, errOut, code := runCLI(t, "validate", "--data", data, "--map", "", "--units", "", "--exclude-top-mtv", "0", "--out", "",
		"--format", "table", "--date-order", ""); code != 0 || !strings.Contains(out, "5 rows, 3 accepted") {
		t.Errorf("unmapped file: code %d %s %s", code, out, errOut)
	}
	noMTV := filepath.Join(dir, "nomtv.csv")
	os.WriteFile(noMTV, []byte("patient_id,age,stage,crp\na,64,3,1.3\n"), 0o644)
	if out, _, code := runCLI(t, "validate", "--data", noMTV); code != 0 || !strings.Contains(out, "no column for mtv_ml") || !strings.Contains(out, "0 accepted") {
		t.Errorf("file without MTV: code %d %s", code, out)
	}
}
