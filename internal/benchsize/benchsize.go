// Package benchsize is the size ladder of the benchmarks: n = 1e3, 1e4,
// 1e5, 1e6, and 1e7 when the environment variable BENCH_MAX says so
// (BENCH_MAX=1e7 go test -bench . ./survival/...), so that a plain
// `go test -bench .` stays quick on a shared machine. BENCH_MAX=1e4 cuts
// the ladder short.
package benchsize

import (
	"os"
	"strconv"
	"syscall"
	"testing"
)

// Ladder returns the sizes 1e3, 1e4, ... up to BENCH_MAX (default 1e6).
func Ladder() []int {
	top := 1e6
	if v, err := strconv.ParseFloat(os.Getenv("BENCH_MAX"), 64); err == nil && v >= 1e3 {
		top = v
	}
	var out []int
	for n := 1e3; n <= top; n *= 10 {
		out = append(out, int(n))
	}
	return out
}

// CPU starts counting the process's CPU time (user + system, all threads)
// and returns the function that reports it per operation as the metric
// "cpu-ns/op", to call after the benchmark's loop: on a shared machine CPU
// time is the steadier figure, where wall time (ns/op) grows with the load.
func CPU(b *testing.B) func() {
	start := cpuTime()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
