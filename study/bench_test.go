package study

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"testing"

	"carimpi/cohort"
)

// studyLadder is the benchmarks' ladder of cohort sizes (development plus
// validation): 1e3, 5e3, 1e4, 5e4, 1e5, 5e5, up to STUDY_BENCH_MAX
// (default 1e4, so that a plain `go test -bench .` stays quick on a shared
// machine; STUDY_BENCH_MAX=5e5 runs the registry sizes of issue 19).
func studyLadder() []int {
	top := 1e4
	if v, err := strconv.ParseFloat(os.Getenv("STUDY_BENCH_MAX"), 64); err == nil && v >= 1e3 {
		top = v
	}
	var out []int
	for n := 1e3; n <= top; n *= 10 {
		out = append(out, int(n))
		if 5*n <= top {
			out = append(out, int(5*n))
		}
	}
	return out
}

// benchCohort simulates n patients, half development and half validation
// (seed 50), writes them as CSV and loads them with the paper's outlier
// rule, as "carimpi simulate" followed by "carimpi study --data" would.
func benchCohort(b testing.TB, n int) (*cohort.Cohort, *cohort.Report) {
	b.Helper()
	var buf bytes.Buffer
	if err := cohort.Simulate(n/2, n-n/2, cohort.DefaultSeed).WriteCSV(&buf); err != nil {
		b.Fatal(err)
	}
	co, rep, err := cohort.Load(&buf, "bench.csv", cohort.Options{ExcludeTopMTV: cohort.OutlierQuantile})
	if err != nil {
		b.Fatal(err)
	}
	return co, rep
}

// BenchmarkStudy times the whole study with B = 200 bootstrap resamples
// (Run) and writing its report (WriteDir: HTML, JSON, CSV/XLSX tables,
// SVG/PNG/PDF figures) over the size ladder. Issue 19's targets on a
// 2-core machine: 5e4 patients in 3 s, 5e5 in 30 s.
func BenchmarkStudy(b *testing.B) {
	for _, n := range studyLadder() {
		co, rep := benchCohort(b, n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				out, err := Run(co, rep, Options{Bootstrap: 200, Seed: 1})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := out.WriteDir(b.TempDir()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
