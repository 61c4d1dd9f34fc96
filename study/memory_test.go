package study

import (
	"runtime"
	"testing"

	"carimpi/cohort"
	"carimpi/scores"
)

// TestPatientsBytesPerPatient: the columns the study keeps beside the
// cohort for the whole run (newPatients: cohort names, age, stage, MTV,
// both endpoints and the scores) stay under 160 bytes a patient (measured
// 107): the other columns are read from the cohort where they are used.
func TestPatientsBytesPerPatient(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates 20,000 patients")
	}
	c := cohort.Simulate(10000, 10000, cohort.DefaultSeed)
	sc := scores.NewScorer()
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	p := newPatients(c, sc)
	runtime.GC()
	runtime.ReadMemStats(&ms)
	per := (float64(ms.HeapAlloc) - float64(base)) / float64(p.n)
	t.Logf("%.0f bytes a patient", per)
	if per > 160 {
		t.Errorf("%.0f bytes a patient", per)
	}
	runtime.KeepAlive(p)
}
