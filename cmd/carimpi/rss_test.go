package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestMain lets the test binary run as carimpi itself (CARIMPI_AS_CLI=1),
// so that tests can measure a real process's peak memory: with
// CARIMPI_PEAK_FILE set, the child writes its own peak resident memory
// there when it ends.
func TestMain(m *testing.M) {
	if os.Getenv("CARIMPI_AS_CLI") == "1" {
		code := run(os.Args[1:], os.Stdout, os.Stderr)
		if path := os.Getenv("CARIMPI_PEAK_FILE"); path != "" {
			writePeak(path)
		}
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// writePeak writes this process's peak resident memory in kB (VmHWM of
// /proc/self/status, Linux) to path; nothing where /proc is missing.
func writePeak(path string) {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return
	}
	for line := range strings.Lines(string(status)) {
		if kb, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			os.WriteFile(path, []byte(strings.TrimSuffix(strings.TrimSpace(kb), " kB")), 0o644)
		}
	}
}

// peakRSS runs carimpi with args in a child process and returns its exit
// status and peak resident memory in MB, as the child measured it. (The
// rusage of the child is no measure: its ru_maxrss includes the test
// process's own resident memory at the fork, so every child read as large
// as the parent had grown, 405 MB after the package's other tests.)
func peakRSS(t *testing.T, args ...string) (int, int64) {
	t.Helper()
	peak := filepath.Join(t.TempDir(), "peak")
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "CARIMPI_AS_CLI=1", "CARIMPI_PEAK_FILE="+peak)
	cmd.Run()
	b, err := os.ReadFile(peak)
	if err != nil {
		t.Skip("no /proc/self/status: peak memory not measured on this system")
	}
	kb, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		t.Fatalf("peak memory %q: %v", b, err)
	}
	return cmd.ProcessState.ExitCode(), kb >> 10
}

// TestPeakMemoryIndependentOfRows runs batch and validate on 400,000-row
// files, all good and all bad, in child processes: peak RSS stays under
// 200 MB (measured 47-66 MB; validate keeps ~35 bytes a patient id for the
// duplicate check, batch nothing per row), far from the gigabytes such
// files took.
func TestPeakMemoryIndependentOfRows(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 2 x 10 MB")
	}
	if raceDetector {
		t.Skip("peak memory is not measured under the race detector")
	}
	dir := t.TempDir()
	write := func(name string, row func(i int) string) string {
		p := filepath.Join(dir, name)
		f, _ := os.Create(p)
		w := bufio.NewWriter(f)
		w.WriteString("patient_id,age,stage,mtv_ml,crp\n")
		for i := range 400000 {
			w.WriteString(row(i))
		}
		w.Flush()
		f.Close()
		return p
	}
	good := write("good.csv", func(i int) string { return fmt.Sprintf("p%d,%d,%d,%d.5,1.2\n", i, 20+i%70, 1+i%4, i%900) })
	bad := write("bad.csv", func(i int) string { return fmt.Sprintf("p%d,x,,,=1+2\n", i) })
	for _, args := range [][]string{
		{"batch", "--data", good, "--out", filepath.Join(dir, "o1.csv")},
		{"batch", "--data", bad, "--out", filepath.Join(dir, "o2.json"), "--format", "json"},
		{"validate", "--data", good, "--format", "json"},
		{"validate", "--data", bad, "--format", "json", "--problems", filepath.Join(dir, "p.csv")},
	} {
		code, mb := peakRSS(t, args...)
		t.Logf("%v: exit %d, peak RSS %d MB", args[:2], code, mb)
		if code != 0 || mb > 200 {
			t.Errorf("%v: exit %d, peak RSS %d MB", args, code, mb)
		}
	}
}
