package study

import (
	"bytes"
	"encoding/json"
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"

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

// TestMemoryLimitAboveLiveHeap: the live heap of Run (the cohort released
// and every bootstrap worker busy, as in the study command) grows with
// the cohort by no more bytes a patient than the study command's memory
// limit does (which leaves it 25% of room at registry size, measured;
// between these small sizes the steps' and the workers' timing moves the
// peaks: 196-245 bytes a patient seen) and stays under the limit's linear
// part with 20% to spare, so that the limit does not keep the collector
// running at any size. The live heap is read after every collection
// (runtime/metrics), polled while Run runs.
func TestMemoryLimitAboveLiveHeap(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the study on 10,000 and 80,000 patients")
	}
	workers := runtime.GOMAXPROCS(0)
	// Frequent collections read the live heap often, so that the peaks of
	// the steps' short-lived columns are seen at both sizes.
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	peak := func(n int) float64 {
		co, rep := benchCohort(t, n)
		runtime.GC()
		stop, max := make(chan struct{}), make(chan float64)
		go func() {
			s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
			m := 0.0
			tick := time.NewTicker(time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-stop:
					max <- m
					return
				case <-tick.C:
					metrics.Read(s)
					m = math.Max(m, float64(s[0].Value.Uint64()))
				}
			}
		}()
		if _, err := Run(co, rep, Options{Bootstrap: 2 * workers, Seed: 1, ReleaseCohort: true}); err != nil {
			t.Fatal(err)
		}
		close(stop)
		return <-max
	}
	const n1, n2 = 10000, 80000
	live1, live2 := peak(n1), peak(n2)
	slope := (live2 - live1) / (n2 - n1)
	perPatient := float64(memoryPerPatient + memoryPerWorkerPatient*workers)
	linear := memoryBase + n2*perPatient
	t.Logf("%d workers: live heap peaked at %.1f MiB (%d patients) and %.1f MiB (%d): %.0f bytes a patient; the limit %.0f bytes a patient, linear part %.1f MiB at %d",
		workers, live1/(1<<20), n1, live2/(1<<20), n2, slope, perPatient, linear/(1<<20), n2)
	if slope > perPatient || 1.2*live2 > linear {
		t.Errorf("the limit does not leave the live heap its room")
	}
}

// TestReleaseCohortSameResults: a study that frees the cohort's other
// fields once every patient is scored (as the study command does) reads
// none of them afterwards and gives the same results.
func TestReleaseCohortSameResults(t *testing.T) {
	var js [2][]byte
	for k, release := range []bool{false, true} {
		c := cohort.Simulate(300, 300, cohort.DefaultSeed)
		out, err := Run(c, &cohort.Report{Source: "simulated"}, Options{Seed: 1, Bootstrap: 5, ReleaseCohort: release})
		if err != nil {
			t.Fatal(err)
		}
		if js[k], err = json.Marshal(out.Results); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(js[0], js[1]) {
		t.Error("results differ with the cohort released")
	}
}

// TestMemoryLimit: the study command's limit is the floor for small
// cohorts, then grows linearly with the cohort and with the bootstrap
// workers (the values of the command's help).
func TestMemoryLimit(t *testing.T) {
	const mib = 1 << 20
	for _, tc := range []struct {
		n, workers int
		want       int64
	}{
		{504, 2, 192 * mib},
		{50000, 2, 192 * mib},
		{500000, 2, 48*mib + 500000*424}, // 250 MiB
		{1000000, 2, 48*mib + 1000000*424},
		{1000000, 1, 48*mib + 1000000*352},
		{1000000, 0, 48*mib + 1000000*352}, // at least one worker
		{1000000, 16, 48*mib + 1000000*(280+16*72)},
	} {
		if got := MemoryLimit(tc.n, tc.workers); got != tc.want {
			t.Errorf("MemoryLimit(%d, %d) = %d, want %d", tc.n, tc.workers, got, tc.want)
		}
	}
}
