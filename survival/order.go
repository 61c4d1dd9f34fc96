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

// ordered is a sample sorted by stratum and then ascending time, the
// precondition of every kernel in this package. Tied times are one batch
// to the kernels, so the order within a tie is irrelevant.
type ordered struct {
	idx   []int32  // original index of each sorted position
	key   []uint64 // sortkey.Key of its time after aeqSurv merging
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

// order sorts the sample by (stratum, time) with the shared radix sort
// (sortkey.Sort), merges nearly equal times as R's aeqSurv does
// (timefix.Sorted), and finally groups by stratum with one stable counting
// pass. strata may be nil (one stratum); k is the number of strata.
func order(time []float64, strata []int, k int) *ordered {
	n := len(time)
	key := make([]uint64, n)
	idx := make([]int32, n)
	for i, t := range time {
		key[i] = sortkey.Key(t)
		idx[i] = int32(i)
	}
	sortkey.Sort(key, idx)
	timefix.Sorted(key)

	o := &ordered{idx: idx, key: key, start: make([]int, k+1)}
	if k == 1 {
		o.start[1] = n
		return o
	}
	for _, i := range idx {
		o.start[strata[i]+1]++
	}
	for s := range k {
		o.start[s+1] += o.start[s]
	}
	key2 := make([]uint64, n)
	idx2 := make([]int32, n)
	next := append([]int(nil), o.start[:k]...)
	for i, j := range idx {
		s := strata[j]
		key2[next[s]] = key[i]
		idx2[next[s]] = j
		next[s]++
	}
	o.key, o.idx = key2, idx2
	return o
}
