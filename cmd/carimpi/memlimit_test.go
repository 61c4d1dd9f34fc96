package main

import (
	"cmp"
	"path/filepath"
	"runtime/debug"
	"testing"
)

// TestStudyMemoryLimit: the study command sets its soft memory limit for
// the run only when GOMEMLIMIT is unset, and restores the limit (and
// GOGC, see gcPercent) before it when done.
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
	// The command itself leaves the limit and GOGC as it found them.
	before, gogc := debug.SetMemoryLimit(-1), debug.SetGCPercent(100)
	debug.SetGCPercent(gogc)
	if _, stderr, code := runCLI(t, "study", "--bootstrap", "0", "--quiet", "--out", filepath.Join(t.TempDir(), "r")); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	after, gogcAfter := debug.SetMemoryLimit(-1), debug.SetGCPercent(gogc)
	if after != before || gogcAfter != gogc {
		t.Errorf("limit %d and GOGC %d after the study, %d and %d before", after, gogcAfter, before, gogc)
	}
}

// TestGCPercent: gcPercent sets GOGC unless the user set GOGC or
// GOMEMLIMIT, and the setting before it is restored once, however often
// restore is called.
func TestGCPercent(t *testing.T) {
	percent := func() int {
		p := debug.SetGCPercent(100)
		debug.SetGCPercent(p)
		return p
	}
	for _, tc := range []struct {
		name, gogc, memlimit string
		want                 int // during the load; 0: unchanged
	}{
		{"unset", "", "", 50},
		{"the user's GOGC", "200", "", 0},
		{"the user's GOMEMLIMIT", "", "1GiB", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("GOGC", tc.gogc)
			t.Setenv("GOMEMLIMIT", tc.memlimit)
			before := percent()
			restore := gcPercent(50)
			during := percent()
			restore()
			debug.SetGCPercent(70) // a later change is not undone by a second restore
			restore()
			after := percent()
			debug.SetGCPercent(before)
			if want := cmp.Or(tc.want, before); during != want || after != 70 {
				t.Errorf("GOGC %d during the run (want %d), %d after", during, want, after)
			}
		})
	}
}
