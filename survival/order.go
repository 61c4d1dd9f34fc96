package survival

import (
	"errors"
	"fmt"
	"math"

	"carimpi/internal/sortkey"
	"carimpi/survival/internal/timefix"
)

const (
	errLength = "survival: slices of different lengths"
	// maxObs is the largest sample the int32 sort index can hold.
	maxObs = math.MaxInt32
)

// ErrNoData is returned when there are no observations.
var ErrNoData = errors.New("survival: no observations")

// ordered is a sample sorted by stratum and then ascending time, with
// each sorted position's input row: the order of the kernels that need
// per-row inputs such as weights or entry times (the others read a tally).
// Tied times are one batch to the kernels, so the order within a tie is
// irrelevant.
type ordered struct {
	key   []uint64 // sortkey.Key of its time after aeqSurv merging
	row   []int32  // the input row of each position
	start []int    // stratum s occupies sorted positions start[s]:start[s+1]
}

func (o *ordered) time(i int) float64 { return sortkey.Value(o.key[i]) }

// checkCodes returns k = 1 + the largest code (1 for nil codes), or an error
// for a negative code or one above n, which would only make empty groups.
func checkCodes(what string, codes []int, n int) (int, error) {
	if codes == nil {
		return 1, nil
	}
	if len(codes) != n {
		panic(errLength)
	}
	k := 0
	for i, c := range codes {
		if c < 0 || c > n {
			return 0, fmt.Errorf("survival: %s[%d] = %d is outside 0..%d", what, i, c, n)
		}
		k = max(k, c+1)
	}
	return k, nil
}

// checkTimes reports the first time that is negative, NaN or infinite.
func checkTimes(time []float64, event []bool) error {
	if len(time) != len(event) {
		panic(errLength)
	}
	if len(time) == 0 {
		return ErrNoData
	}
	if len(time) > maxObs {
		return fmt.Errorf("survival: %d observations is more than %d", len(time), maxObs)
	}
	for i, t := range time {
		if !(t >= 0) || math.IsInf(t, 1) {
			return fmt.Errorf("survival: time[%d] = %v; times must be finite and >= 0", i, t)
		}
	}
	return nil
}

// order sorts the rows by time with the shared radix sort (sortkey.Sort),
// merges nearly equal times as R's aeqSurv does over the whole sample
// (timefix.Sorted), and then groups them by stratum (codes 0..k-1, nil for
// one stratum) with one stable counting pass.
func order(time []float64, strata []int, k int) *ordered {
	n := len(time)
	key := make([]uint64, n)
	row := make([]int32, n)
	for i, t := range time {
		key[i] = sortkey.Key(t)
		row[i] = int32(i)
	}
	sortkey.Sort(key, row)
	timefix.Sorted(key)
	o := &ordered{key: key, row: row, start: make([]int, k+1)}
	if k == 1 {
		o.start[1] = n
		return o
	}
	for _, i := range row {
		o.start[strata[i]+1]++
	}
	for s := range k {
		o.start[s+1] += o.start[s]
	}
	key2 := make([]uint64, n)
	row2 := make([]int32, n)
	next := append([]int(nil), o.start[:k]...)
	for p, i := range row {
		s := strata[i]
		key2[next[s]], row2[next[s]] = key[p], i
		next[s]++
	}
	o.key, o.row = key2, row2
	return o
}

// bitsFor returns the number of bits that hold the codes 0..k-1.
func bitsFor(k int) int {
	b := 0
	for 1<<b < k {
		b++
	}
	return b
}
