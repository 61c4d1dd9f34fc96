package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// refData is the folder of the R reference datasets copied into the repo.
const refData = "../../testdata/reference/data"

// refExpected is the folder of the R reference results.
const refExpected = "../../testdata/reference/expected"

// runCLI runs the CLI in-process and returns stdout, stderr and the status.
func runCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return out.String(), errb.String(), code
}

// readExpected decodes a reference case file into v.
func readExpected(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(refExpected, name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func TestHelpAndVersion(t *testing.T) {
	out, _, code := runCLI(t, "help")
	if code != 0 || !strings.Contains(out, "Commands:") {
		t.Fatalf("help: code %d, out %q", code, out)
	}
	out, _, code = runCLI(t, "version")
	if code != 0 || !strings.Contains(out, "carimpi") || !strings.Contains(out, "research") {
		t.Fatalf("version: code %d, out %q", code, out)
	}
	if _, errOut, code := runCLI(t, "no-such-command"); code != 2 || !strings.Contains(errOut, "unknown command") {
		t.Fatalf("unknown: code %d, err %q", code, errOut)
	}
	if _, _, code := runCLI(t); code != 2 {
		t.Fatalf("no args: code %d", code)
	}
}

// TestFlagsResetBetweenRuns checks that a flag given in one in-process run
// does not carry over into the next.
func TestFlagsResetBetweenRuns(t *testing.T) {
	data := refData + "/lung.csv"
	if _, errOut, code := runCLI(t, "km", "--data", data, "--time", "time", "--event", "status", "--event-value", "2", "--format", "json"); code != 0 {
		t.Fatalf("first run: %d %s", code, errOut)
	}
	// Without --event-value the event code is 1 again: lung's status 1 is
	// "censored", so this run sees only the 63 rows coded 1 as events.
	out, errOut, code := runCLI(t, "km", "--data", data, "--time", "time", "--event", "status", "--format", "json")
	if code != 0 {
		t.Fatalf("second run: %d %s", code, errOut)
	}
	if !strings.Contains(out, `"events": 63`) {
		t.Errorf("second run kept the first run's --event-value:\n%.300s", out)
	}
}
