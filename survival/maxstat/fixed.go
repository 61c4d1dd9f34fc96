package maxstat

import (
	"fmt"
	"math"
)

// Fixed is a covariate and a survival outcome sorted once, for many Tests
// on the rows repeated by counts: the bootstrap, where a resample is a
// count per row. Each Test then costs O(n) without a sort. A Fixed is not
// modified by Test and is safe for concurrent use.
type Fixed struct {
	x, time []float64
	event   []bool
	byX     []int32 // rows by ascending x (stable)
	byTime  []int32 // rows by ascending time (stable)
}

// NewFixed sorts x and the outcome (time, event) for Test. The slices are
// kept, not copied: they must not change while the Fixed is in use. It
// panics if their lengths differ and returns an error for a missing x or
// time.
func NewFixed(x, time []float64, event []bool) (*Fixed, error) {
	if len(time) != len(x) || len(event) != len(x) {
		panic(badLength)
	}
	for i := range x {
		if math.IsNaN(time[i]) {
			return nil, fmt.Errorf("maxstat: time %d is missing", i+1)
		}
		if math.IsNaN(x[i]) {
			return nil, fmt.Errorf("maxstat: x %d is missing", i+1)
		}
	}
	return &Fixed{x: x, time: time, event: event, byX: sortedIndex(x), byTime: sortedIndex(time)}, nil
}

// Test is the package's Test on the rows with row i repeated count[i]
// times (0 leaves it out; count nil: once each): the log-rank scores of
// the repeated outcome (equal over the copies of a row, summed as over the
// repeated rows) and the scan over the repeated rows in order of x. The
// result is Test's on the repeated rows except, where rows tie in x, the
// order of their copies within the tie, which changes the compensated
// partial sums by an ulp at most; CondMC permutes the copies in that other
// order, so its estimate is another Monte Carlo draw. Result.Scores has
// one score per row (0 for rows of count 0). It panics if count's length
// differs from x's.
func (f *Fixed) Test(count []int32, opts Options) (*Result, error) {
	minProp, maxProp, method, err := opts.check()
	if err != nil {
		return nil, err
	}
	n := len(f.x)
	if count != nil {
		if len(count) != len(f.x) {
			panic(badLength)
		}
		n = 0
		for i, c := range count {
			if c < 0 {
				return nil, fmt.Errorf("maxstat: row %d: count %d is negative", i+1, c)
			}
			n += int(c)
		}
	}
	times := func(i int32) int {
		if count == nil {
			return 1
		}
		return int(count[i])
	}
	a := logRankScores(f.byTime, f.time, f.event, count, n)
	// the repeated rows in order of x
	xs, ys := make([]float64, 0, n), make([]float64, 0, n)
	for _, i := range f.byX {
		for range times(i) {
			xs, ys = append(xs, f.x[i]), append(ys, a[i])
		}
	}
	if method == HL {
		// integer scores of the repeated rows, and each row's
		ys = IntegerScores(ys)
		k := 0
		for _, i := range f.byX {
			if c := times(i); c > 0 {
				a[i] = ys[k]
				k += c
			}
		}
	}
	return scanTest(xs, ys, a, minProp, maxProp, method, opts)
}
