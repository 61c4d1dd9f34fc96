package cohort_test

import (
	"fmt"
	"testing"

	"carimpi/cohort"
)

// BenchmarkScan imports and validates b.N-row CSV files of the full
// dictionary (59 columns, about 330 bytes a row) streamed from memory;
// rows/s is the figure of issue 6 (>= 200,000 at 1e6 rows).
func BenchmarkScan(b *testing.B) {
	for _, n := range []int{1e4, 1e6} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				rep, err := cohort.Scan(newRowsReader(n), "bench.csv", cohort.Options{}, func(*cohort.Record) error { return nil })
				if err != nil || rep.Accepted != n {
					b.Fatal(err, rep.Accepted)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
