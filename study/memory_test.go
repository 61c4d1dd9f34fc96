package study

import (
	"runtime"
	"testing"

	"carimpi/cohort"
	"carimpi/scores"
)

// TestPatientsBytesPerPatient: what the study keeps beside the cohort for
// the whole run (newPatients: the scores of every patient, 16 bytes) stays
// under 24 bytes a patient: the cohort's columns (cohort name, age, stage,
// MTV, the endpoints) are read from the cohort where they are used, not
// copied (they were 107 bytes a patient as float64 and string copies).
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
	if per > 24 {
		t.Errorf("%.0f bytes a patient", per)
	}
	runtime.KeepAlive(p)
}
