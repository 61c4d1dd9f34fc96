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
	n, err := f.total(count)
	if err != nil {
		return nil, err
	}
	times := func(i int32) int {
		if count == nil {
			return 1
		}
		return int(count[i])
	}
	a := logRankScores(nil, f.byTime, f.time, f.event, count, n)
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

// total returns the number of rows repeated by count (nil: once each). It
// panics if count's length differs from x's.
func (f *Fixed) total(count []int32) (int, error) {
	if count == nil {
		return len(f.x), nil
	}
	if len(count) != len(f.x) {
		panic(badLength)
	}
	n := 0
	for i, c := range count {
		if c < 0 {
			return 0, fmt.Errorf("maxstat: row %d: count %d is negative", i+1, c)
		}
		n += int(c)
	}
	return n, nil
}

// Cutter finds Fixed's cut point on resample after resample in the same
// memory, as a bootstrap worker does: the log-rank scores of a resample
// are written over the last's, and the scan reads the rows with their
// counts in place of the repeated rows. A Cutter is not safe for
// concurrent use; make one per goroutine.
type Cutter struct {
	f *Fixed
	a []float64
}

// Cutter returns a Cutter of f.
func (f *Fixed) Cutter() *Cutter {
	return &Cutter{f: f, a: make([]float64, len(f.x))}
}

// Cut returns the Cutpoint and Statistic of f.Test(count, opts), bit for
// bit, without the p-value or the statistic at every cut; only opts'
// window (MinProp, MaxProp) is used. It allocates nothing.
func (c *Cutter) Cut(count []int32, opts Options) (cutpoint, statistic float64, err error) {
	minProp, maxProp, err := opts.window()
	if err != nil {
		return 0, 0, err
	}
	f := c.f
	n, err := f.total(count)
	if err != nil {
		return 0, 0, err
	}
	a := logRankScores(c.a, f.byTime, f.time, f.event, count, n)
	var r Result
	if err := scanRuns(n, runs{order: f.byX, x: f.x, y: a, count: count}, minProp, maxProp, &r, false); err != nil {
		return 0, 0, err
	}
	return r.Cutpoint, r.Statistic, nil
}
