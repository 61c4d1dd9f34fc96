package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"carimpi/cohort"
	"carimpi/internal/outfile"
)

// sameFileCase is one command line whose output names an input.
type sameFileCase struct {
	name string
	args func(in, out string) []string
}

// TestOutputNeverAnInput runs every command that writes a file with its
// output naming its input by the same name, a symlink and a hard link: each
// is refused and the input is intact byte for byte.
func TestOutputNeverAnInput(t *testing.T) {
	cohortCSV := string(cohort.DefaultCSV())
	for _, c := range []sameFileCase{
		{"batch", func(in, out string) []string { return []string{"batch", "--data", in, "--out", out} }},
		{"batch-json", func(in, out string) []string {
			return []string{"batch", "--data", in, "--out", out, "--format", "json"}
		}},
		{"validate", func(in, out string) []string { return []string{"validate", "--data", in, "--out", out} }},
		{"cutpoint", func(in, out string) []string {
			return []string{"cutpoint", "--data", in, "--time", "pfs_months", "--event", "pfs_event", "--x", "mtv_ml", "--plot", out}
		}},
	} {
		for _, link := range []string{"same", "symlink", "hardlink"} {
			t.Run(c.name+"/"+link, func(t *testing.T) {
				dir := t.TempDir()
				in := filepath.Join(dir, "cohort.csv")
				if err := os.WriteFile(in, []byte(cohortCSV), 0o644); err != nil {
					t.Fatal(err)
				}
				out := in
				switch link {
				case "symlink":
					out = filepath.Join(dir, "out.csv")
					os.Symlink(in, out)
				case "hardlink":
					out = filepath.Join(dir, "out.csv")
					os.Link(in, out)
				}
				checkRun(t, c.args(in, out), 1, []string{"input", "another file"})
				if b, _ := os.ReadFile(in); string(b) != cohortCSV {
					t.Fatal("input changed")
				}
			})
		}
	}
	// The model file is an input too.
	dir := t.TempDir()
	model := filepath.Join(dir, "model.json")
	os.WriteFile(model, []byte(cliModel), 0o644)
	data := writeFile(t, "p.csv", "age,stage,mtv_ml\n64,3,120\n")
	checkRun(t, []string{"batch", "--data", data, "--model", model, "--out", model}, 1, []string{"input"})
	if b, _ := os.ReadFile(model); string(b) != cliModel {
		t.Fatal("model file changed")
	}
	// So are the column map and the InflaMix model (flag or environment).
	colMap := filepath.Join(dir, "map.json")
	const mapJSON = `{"age":"age"}`
	os.WriteFile(colMap, []byte(mapJSON), 0o644)
	for _, args := range [][]string{
		{"batch", "--data", data, "--map", colMap, "--out", colMap},
		{"batch", "--data", data, "--inflamix-model", colMap, "--out", colMap},
	} {
		checkRun(t, args, 1, []string{"input"})
		if b, _ := os.ReadFile(colMap); string(b) != mapJSON {
			t.Fatalf("%v: input changed", args)
		}
	}
	t.Setenv(inflamixEnv, colMap)
	checkRun(t, []string{"batch", "--data", data, "--out", colMap}, 1, []string{"input"})
	if b, _ := os.ReadFile(colMap); string(b) != mapJSON {
		t.Fatal("$" + inflamixEnv + " file changed")
	}
}

// TestFailedOutputLeavesFile checks that a run that fails leaves an
// existing output file as it was, and leaves no temporary file.
func TestFailedOutputLeavesFile(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "scored.csv")
	const earlier = "earlier results\n"
	os.WriteFile(out, []byte(earlier), 0o644)
	// Two columns for one field: batch fails after opening its output.
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("age,Age\n64,3\n"), 0o644)
	checkRun(t, []string{"batch", "--data", bad, "--out", out}, 1, []string{"both map to age"})
	// A quoted field never closed: the read fails mid-stream.
	broken := filepath.Join(dir, "broken.csv")
	os.WriteFile(broken, []byte("age,stage,mtv_ml\n64,3,120\n65,\"3,120\n"), 0o644)
	_, _, code := runCLI(t, "batch", "--data", broken, "--out", out)
	if code == 0 {
		t.Fatal("broken file scored")
	}
	checkRun(t, []string{"validate", "--data", bad, "--out", out}, 1, nil)
	if b, _ := os.ReadFile(out); string(b) != earlier {
		t.Fatalf("existing output changed: %q", b)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 3 {
		t.Fatalf("files left behind: %v", ents)
	}
}

// TestStudyOutDir checks that study replaces a previous report whole (no
// stale figure), refuses a folder that is not a report unless --force, and
// never replaces a folder holding its input.
func TestStudyOutDir(t *testing.T) {
	skipShort(t)
	dir := t.TempDir()
	rep := filepath.Join(dir, "report")
	study := []string{"study", "--bootstrap", "0", "--quiet", "--out", rep}
	checkRun(t, study, 0, nil)
	stale := filepath.Join(rep, "figures", "km-from-an-earlier-run.svg")
	os.WriteFile(stale, []byte("<svg/>"), 0o644)
	checkRun(t, study, 0, nil)
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Error("a figure of an earlier run survived")
	}
	for _, f := range []string{"index.html", "model.json", "results.json", outfile.Manifest} {
		if _, err := os.Stat(filepath.Join(rep, f)); err != nil {
			t.Error(err)
		}
	}
	// A user's folder.
	home := filepath.Join(dir, "home")
	os.Mkdir(home, 0o755)
	thesis := filepath.Join(home, "thesis.txt")
	os.WriteFile(thesis, []byte("mine"), 0o644)
	checkRun(t, []string{"study", "--bootstrap", "0", "--quiet", "--out", home}, 1, []string{"--force", "not a carimpi report"})
	if b, _ := os.ReadFile(thesis); string(b) != "mine" {
		t.Fatal("user's file changed")
	}
	// The input inside the report folder: refused even with --force.
	in := filepath.Join(rep, "cohort.csv")
	os.WriteFile(in, cohort.DefaultCSV(), 0o644)
	checkRun(t, []string{"study", "--data", in, "--bootstrap", "0", "--quiet", "--force", "--out", rep}, 1, []string{"holds the input"})
	if b, _ := os.ReadFile(in); string(b) != string(cohort.DefaultCSV()) {
		t.Fatal("input changed")
	}
	// No temporary folders left beside.
	ents, _ := os.ReadDir(dir)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if strings.Join(names, ",") != "home,report" {
		t.Errorf("left beside the report: %v", names)
	}
}

// TestStudyOutDirHoldsModel checks that a report folder holding the
// InflaMix model file (by flag or environment) is refused even with --force:
// replacing the folder would delete the user's copy of the model.
func TestStudyOutDirHoldsModel(t *testing.T) {
	rep := t.TempDir()
	model := filepath.Join(rep, "inflamix-model.json")
	os.WriteFile(model, []byte("mine"), 0o644)
	study := []string{"study", "--bootstrap", "0", "--quiet", "--force", "--out", rep}
	checkRun(t, append(study, "--inflamix-model", model), 1, []string{"holds the input"})
	t.Setenv(inflamixEnv, model)
	checkRun(t, study, 1, []string{"holds the input"})
	if b, _ := os.ReadFile(model); string(b) != "mine" {
		t.Fatal("the InflaMix model file changed")
	}
}

// TestNumericFlagRanges checks that the flags that size work are refused
// outside their documented range before any work.
func TestNumericFlagRanges(t *testing.T) {
	data := writeFile(t, "c.csv", string(cohort.DefaultCSV()))
	for _, args := range [][]string{
		{"cutpoint", "--data", data, "--time", "pfs_months", "--event", "pfs_event", "--x", "mtv_ml", "--bootstrap", "1000000000"},
		{"cutpoint", "--data", data, "--time", "pfs_months", "--event", "pfs_event", "--x", "mtv_ml", "--bootstrap", "-1"},
		{"cutpoint", "--data", data, "--time", "pfs_months", "--event", "pfs_event", "--x", "mtv_ml", "--pmethod", "condMC", "--permutations", "1000000000"},
		{"study", "--bootstrap", "1000000000", "--out", filepath.Join(t.TempDir(), "r")},
		{"simulate", "--n-development", "1000000000"},
		{"simulate", "--n-validation", "-5"},
	} {
		checkRun(t, args, 2, []string{"give a whole number from"})
	}
	// Every integer flag has one parser: a value that is no whole number
	// (exponent, fraction, base prefix, text) is refused with what is
	// valid, in the line that names the flag, before any work.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"study", "--bootstrap", "1e9"}, `"1e9" for flag -bootstrap: give a whole number from 0 to 10000`},
		{[]string{"study", "--bootstrap", "2.5"}, `"2.5" for flag -bootstrap: give a whole number from 0 to 10000`},
		{[]string{"study", "--seed", "1e3"}, `"1e3" for flag -seed: give a whole number from 0 to 18446744073709551615`},
		{[]string{"study", "--seed", "-1"}, `"-1" for flag -seed: give a whole number from 0 to`},
		{[]string{"cutpoint", "--bootstrap", "1e9"}, "-bootstrap: give a whole number from 0 to 100000"},
		{[]string{"cutpoint", "--permutations", "0x10"}, "-permutations: give a whole number from 1 to 1000000"},
		{[]string{"validate-model", "--bootstrap", "1E4"}, "-bootstrap: give a whole number from 0 to 10000"},
		{[]string{"compare", "--simulate", "1e6"}, "-simulate: give a whole number from 0 to 10000000"},
		{[]string{"simulate", "--n-development", "1e3"}, "-n-development: give a whole number from 0 to 50000"},
		{[]string{"simulate", "--n-validation", "many"}, "-n-validation: give a whole number from 0 to 50000"},
		{[]string{"serve", "--max-body", "1e12"}, "-max-body: give a whole number from 1 to 1073741824"},
		{[]string{"serve", "--max-body", "2147483648"}, "-max-body: give a whole number from 1 to 1073741824"},
		{[]string{"mtv", "--connectivity", "7"}, "-connectivity: give 6, 18 or 26"},
	} {
		checkRun(t, c.args, 2, []string{c.want})
	}
}

// TestValidateBoundedReport checks that validate lists at most 1,000
// problems, counts them all, and writes every one to --problems; the
// accepted rows stream to --out.
func TestValidateBoundedReport(t *testing.T) {
	var b strings.Builder
	b.WriteString("patient_id,age,stage,mtv_ml\n")
	for i := range 3000 {
		if i%2 == 0 {
			fmt.Fprintf(&b, "p%d,x,3,100\n", i)
		} else {
			fmt.Fprintf(&b, "p%d,60,3,100\n", i)
		}
	}
	data := writeFile(t, "c.csv", b.String())
	dir := t.TempDir()
	out, probs := filepath.Join(dir, "clean.csv"), filepath.Join(dir, "problems.csv")
	var rep struct {
		Rows, Accepted int
		Problems       []json.RawMessage
		ProblemsTotal  int `json:"problems_total"`
		Excluded       []json.RawMessage
		ExcludedTotal  int `json:"excluded_total"`
		Errors         int `json:"errors"`
	}
	runJSON(t, &rep, "validate", "--data", data, "--out", out, "--problems", probs)
	if rep.Rows != 3000 || rep.Accepted != 1500 || len(rep.Problems) != 1000 || rep.ProblemsTotal != 1500 ||
		len(rep.Excluded) != 1000 || rep.ExcludedTotal != 1500 || rep.Errors != 1500 {
		t.Fatalf("%+v", rep)
	}
	lines := func(p string) int {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Count(string(b), "\n")
	}
	if n := lines(out); n != 1501 {
		t.Errorf("--out has %d lines", n)
	}
	if n := lines(probs); n != 3001 {
		t.Errorf("--problems has %d lines", n)
	}
	text := checkRun(t, []string{"validate", "--data", data}, 0, []string{"... and 500 more problems", "... and 500 more excluded rows"})
	if strings.Count(text, "\n") > 2100 {
		t.Errorf("table output of %d lines", strings.Count(text, "\n"))
	}
}

func TestCompareSimulateRange(t *testing.T) {
	data := writeFile(t, "c.csv", string(cohort.DefaultCSV()))
	checkRun(t, []string{"compare", "--data", data, "--var", "stage", "--by", "cohort", "--test", "fisher", "--simulate", "1000000000"}, 2, []string{"-simulate: give a whole number from 0 to 10000000"})
}
