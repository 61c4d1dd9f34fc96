// Package benchsize is the size ladder of the benchmarks: n = 1e3, 1e4,
// 1e5, 1e6, and 1e7 when the environment variable BENCH_MAX says so
// (BENCH_MAX=1e7 go test -bench . ./survival/...), so that a plain
// `go test -bench .` stays quick on a shared machine. BENCH_MAX=1e4 cuts
// the ladder short.
package benchsize

import (
	"os"
	"strconv"
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
