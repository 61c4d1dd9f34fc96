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
// to the kernels, so the order within a tie is irrelevant. Each sorted
// position carries its event flag and group code (tag), moved through the
// sort with the key, so that the kernels read the sorted arrays in order
// and never look a row up in the input.
type ordered struct {
	key   []uint64 // sortkey.Key of its time after aeqSurv merging
	tag   []int32  // event (bit 0) | group code << 1; nil when row is set
	row   []int32  // the input row of each position, for kernels that need per-row inputs
	start []int    // stratum s occupies sorted positions start[s]:start[s+1]
}

func (o *ordered) time(i int) float64 { return sortkey.Value(o.key[i]) }
func (o *ordered) event(i int) bool   { return o.tag[i]&1 != 0 }
func (o *ordered) group(i int) int    { return int(o.tag[i] >> 1) }

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
// (sortkey.Sort), merges nearly equal times as R's aeqSurv does over the
// whole sample (timefix.Sorted), and finally groups by stratum with one
// stable counting pass. The stratum code travels in the tag's high bits
// during the sort and is dropped after. strata and group may be nil (one
// stratum, one group); k is the number of strata, g the number of groups.
// With rows, each position carries its input row instead (o.row), for the
// kernels that need per-row inputs such as weights or entry times.
func order(time []float64, event []bool, strata, group []int, k, g int, rows bool) (*ordered, error) {
	n := len(time)
	gbits := bitsFor(g)
	if !rows && 1+gbits+bitsFor(k) > 31 {
		return nil, fmt.Errorf("survival: %d groups in %d strata are too many to code", g, k)
	}
	shift := 1 + gbits
	key := make([]uint64, n)
	tag := make([]int32, n)
	for i, t := range time {
		key[i] = sortkey.Key(t)
		if rows {
			tag[i] = int32(i)
			continue
		}
		var c int32
		if event[i] {
			c = 1
		}
		if group != nil {
			c |= int32(group[i]) << 1
		}
		if strata != nil {
			c |= int32(strata[i]) << shift
		}
		tag[i] = c
	}
	sortkey.Sort(key, tag)
	timefix.Sorted(key)

	o := &ordered{key: key, tag: tag, start: make([]int, k+1)}
	stratum := func(c int32) int32 { return c >> shift }
	low := int32(1)<<shift - 1
	if rows {
		o.tag, o.row = nil, tag
		stratum = func(c int32) int32 { return int32(strata[c]) }
		low = -1
	}
	if k == 1 {
		o.start[1] = n
		return o, nil
	}
	for _, c := range tag {
		o.start[stratum(c)+1]++
	}
	for s := range k {
		o.start[s+1] += o.start[s]
	}
	key2 := make([]uint64, n)
	tag2 := make([]int32, n)
	next := append([]int(nil), o.start[:k]...)
	for i, c := range tag {
		s := stratum(c)
		key2[next[s]] = key[i]
		tag2[next[s]] = c & low
		next[s]++
	}
	o.key = key2
	if rows {
		o.row = tag2
	} else {
		o.tag = tag2
	}
	return o, nil
}

// bitsFor returns the number of bits that hold the codes 0..k-1.
func bitsFor(k int) int {
	b := 0
	for 1<<b < k {
		b++
	}
	return b
}
