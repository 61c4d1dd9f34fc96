package main

import (
	"path/filepath"
	"runtime/debug"
	"testing"
)

// TestStudyMemoryLimit: the study command sets its soft memory limit for
// the run only when GOMEMLIMIT is unset, and restores the limit before it
// when done.
func TestStudyMemoryLimit(t *testing.T) {
	for _, tc := range []struct {
		name, env string
		set       bool
	}{
		{"unset", "", true},
		{"the user's", "1GiB", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("GOMEMLIMIT", tc.env)
			before := debug.SetMemoryLimit(-1)
			restore := setMemoryLimit(500000)
			during := debug.SetMemoryLimit(-1)
			restore()
			if after := debug.SetMemoryLimit(-1); after != before {
				t.Errorf("limit %d after the run, %d before", after, before)
			}
			if (during != before) != tc.set {
				t.Errorf("limit %d during the run, %d before; set: %v", during, before, tc.set)
			}
		})
	}
	// The command itself leaves the limit as it found it.
	before := debug.SetMemoryLimit(-1)
	if _, stderr, code := runCLI(t, "study", "--bootstrap", "0", "--quiet", "--out", filepath.Join(t.TempDir(), "r")); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if after := debug.SetMemoryLimit(-1); after != before {
		t.Errorf("limit %d after the study, %d before", after, before)
	}
}
