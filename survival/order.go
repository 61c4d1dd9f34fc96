package survival

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
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
	key   []uint64 // math.Float64bits of its time after aeqSurv merging
	start []int    // stratum s occupies sorted positions start[s]:start[s+1]
}

func (o *ordered) time(i int) float64 { return math.Float64frombits(o.key[i]) }

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

const (
	radixBits = 11
	// smallSort is the sample size below which a comparison sort beats the
	// radix sort's fixed cost (its digit histograms).
	smallSort = 256
)

// order sorts the sample by (stratum, time) with an LSD radix sort on the
// bits of the (non-negative) times (a comparison sort for small samples),
// merges nearly equal times as R's
// aeqSurv does, and finally groups by stratum with one counting pass.
// strata may be nil (one stratum); k is the number of strata.
func order(time []float64, strata []int, k int) *ordered {
	n := len(time)
	key := make([]uint64, n)
	idx := make([]int32, n)
	for i, t := range time {
		key[i] = math.Float64bits(t + 0) // t + 0 turns -0 into +0
		idx[i] = int32(i)
	}
	key2 := make([]uint64, n)
	idx2 := make([]int32, n)
	if n < smallSort {
		slices.SortFunc(idx, func(a, b int32) int { return cmp.Compare(key[a], key[b]) })
		for i, j := range idx {
			key2[i] = key[j]
		}
		key, key2 = key2, key
	} else {
		radixSort(key, idx, key2, idx2)
	}
	timefix(key)

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

// timefix merges times that differ by a rounding error, exactly as R's
// aeqSurv (survival 3.x) does before survfit and survdiff: with y the sorted
// distinct times, y[i] is tied to y[i-1] when
//
//	y[i] - y[i-1] <= tol  or  (y[i] - y[i-1]) / mean(|y|) <= tol,  tol = sqrt(eps),
//
// and every time is replaced by the first time of its chain of ties.
// key holds sorted float64 bit patterns and is changed in place.
func timefix(key []uint64) {
	tol := math.Sqrt(0x1p-52)
	var sum float64
	distinct := 0
	for i, v := range key {
		if i == 0 || v != key[i-1] {
			sum += math.Float64frombits(v)
			distinct++
		}
	}
	if distinct < 2 {
		return
	}
	mean := sum / float64(distinct)
	cut := key[0]
	prev := key[0]
	for i, v := range key {
		if v != prev {
			dy := math.Float64frombits(v) - math.Float64frombits(prev)
			if !(dy <= tol || dy/mean <= tol) {
				cut = v
			}
			prev = v
		}
		key[i] = cut
	}
}

// radixSort sorts key ascending with a stable LSD radix sort on 11-bit
// digits, permuting idx alongside; key2 and idx2 are scratch of the same
// length. Digits that every key shares are skipped. The sorted data end up
// in key and idx.
func radixSort(key []uint64, idx []int32, key2 []uint64, idx2 []int32) {
	const buckets = 1 << radixBits
	const passes = (64 + radixBits - 1) / radixBits
	var count [passes][buckets]int
	for _, v := range key {
		for p := range passes {
			count[p][(v>>(p*radixBits))&(buckets-1)]++
		}
	}
	src, dst := key, key2
	isrc, idst := idx, idx2
	for p := range passes {
		c := &count[p]
		if c[(src[0]>>(p*radixBits))&(buckets-1)] == len(src) {
			continue // every key has the same digit
		}
		sum := 0
		for b := range c {
			c[b], sum = sum, sum+c[b]
		}
		shift := p * radixBits
		for i, v := range src {
			b := (v >> shift) & (buckets - 1)
			dst[c[b]] = v
			idst[c[b]] = isrc[i]
			c[b]++
		}
		src, dst = dst, src
		isrc, idst = idst, isrc
	}
	if &src[0] != &key[0] {
		copy(key, src)
		copy(idx, isrc)
	}
}
