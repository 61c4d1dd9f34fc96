package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"carimpi/internal/reftest"
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
	reftest.Load(t, filepath.Join(refExpected, name), v)
}

// runJSON runs a command with --format json, decodes its answer into v
// and checks that it carries the research notice.
func runJSON(t *testing.T, v any, args ...string) {
	t.Helper()
	out, errOut, code := runCLI(t, append(args, "--format", "json")...)
	if code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, errOut)
	}
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, out)
	}
	if !strings.Contains(out, `"notice": "`+researchNotice+`"`) {
		t.Errorf("%v: no notice", args)
	}
}

// checkRun runs a command line in-process and checks its exit status and
// that its answer (stdout on success, else stderr, which must be one line
// for a failure) contains each of want. It returns stdout.
func checkRun(t *testing.T, args []string, code int, want []string) string {
	t.Helper()
	out, errOut, got := runCLI(t, args...)
	if got != code {
		t.Fatalf("exit %d, want %d; stdout %q stderr %q", got, code, out, errOut)
	}
	text := out
	if code != 0 {
		text = errOut
		if code == 1 && strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
			t.Errorf("error is not one line: %q", errOut)
		}
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("output lacks %q: %s", w, text)
		}
	}
	return out
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
	if out, errOut, code := runCLI(t, "km", "--data", data, "--time", "time", "--event", "status", "--event-value", "1", "--format", "json"); code != 0 || !strings.Contains(out, `"events": 63`) {
		t.Fatalf("first run: %d %s", code, errOut)
	}
	// Without --event-value lung's status (exactly 1/2) is read as R's
	// Surv reads it: 2 = death, 165 events, and the output says so.
	out, errOut, code := runCLI(t, "km", "--data", data, "--time", "time", "--event", "status", "--format", "json")
	if code != 0 {
		t.Fatalf("second run: %d %s", code, errOut)
	}
	if !strings.Contains(out, `"events": 165`) || !strings.Contains(out, `coded 1/2 as R's Surv`) {
		t.Errorf("second run kept the first run's --event-value:\n%.300s", out)
	}
}

// skipShort skips a test that runs the whole study: CI's race stage runs
// with -short (the study's goroutines are raced in their own packages),
// while go test ./... runs it.
func skipShort(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the whole study; runs without -short")
	}
}
