package cohort_test

import (
	"fmt"
	"testing"

	"carimpi/record"
)

// BenchmarkStream reads and checks b.N-row CSV files of the full
// dictionary (about 330 bytes a row) streamed from memory through the one
// input path (record.Stream, as validate, study and batch read files);
// rows/s is the figure of issue 6 (>= 200,000 at 1e6 rows).
func BenchmarkStream(b *testing.B) {
	for _, n := range []int{1e4, 1e6} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				rd, err := record.NewCSVReader(newRowsReader(n), "bench.csv", record.Options{})
				if err != nil {
					b.Fatal(err)
				}
				rows := 0
				err = record.Stream(rd, 0, nil, func(row *record.Row, _ *struct{}) error {
					rows++
					return nil
				})
				if err != nil || rows != n {
					b.Fatal(err, rows)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
