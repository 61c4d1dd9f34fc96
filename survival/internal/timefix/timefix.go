// Package timefix ties survival times that differ by rounding error only,
// as R's survival::aeqSurv does before survfit, survdiff, coxph, cox.zph
// and concordance (timefix = TRUE). It is the one implementation: Sorted
// works on times already sorted as sortkey keys (the survival kernels'
// order), Apply on times in any order.
package timefix

import (
	"math"

	"carimpi/internal/sortkey"
)

// tolerance is aeqSurv's default, sqrt(.Machine$double.eps).
var tolerance = math.Sqrt(0x1p-52)

// Sorted applies aeqSurv (survival 3.5, timefix = TRUE) to times given as
// ascending sortkey keys, in place: over the sorted distinct finite times
// y, a gap dy <= tol or dy/mean|y| <= tol joins the larger time to the run
// of the smaller, and every time becomes the first (smallest) time of its
// run; tol = sqrt(machine epsilon). NaN and infinite times are left as
// they are. It reports whether any time changed.
func Sorted(key []uint64) bool {
	// The finite times are one run of the sorted keys (NaN and -Inf sort
	// before, +Inf and NaN after).
	a, b := 0, len(key)
	for a < b && !finiteKey(key[a]) {
		a++
	}
	for b > a && !finiteKey(key[b-1]) {
		b--
	}
	key = key[a:b]
	var sum float64
	distinct := 0
	for i, k := range key {
		if i == 0 || k != key[i-1] {
			sum += math.Abs(sortkey.Value(k))
			distinct++
		}
	}
	if distinct < 2 {
		return false
	}
	meanAbs := sum / float64(distinct)
	// A gap above far is too wide to tie by either rule without the
	// division (twice the bound: a margin for its rounding).
	far := 2 * math.Max(tolerance, tolerance*meanAbs)
	changed := false
	cut, prev := key[0], key[0]
	prevValue := sortkey.Value(prev)
	for i, k := range key {
		if k != prev {
			v := sortkey.Value(k)
			if dy := v - prevValue; dy > far || !(dy <= tolerance || dy/meanAbs <= tolerance) {
				cut = k
			}
			prev, prevValue = k, v
		}
		if k != cut {
			key[i] = cut
			changed = true
		}
	}
	return changed
}

// finiteKey reports whether k is the sortkey.Key of a finite time.
func finiteKey(k uint64) bool {
	return k > sortkey.Key(math.Inf(-1)) && k < sortkey.Key(math.Inf(1))
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Apply is Sorted for times in any order: time is returned unchanged if no
// gap is small enough to tie, else a modified copy.
func Apply(time []float64) []float64 {
	idx, keys := sortkey.Index(time)
	if !Sorted(keys) {
		return time
	}
	out := make([]float64, len(time))
	for k, i := range idx {
		out[i] = sortkey.Value(keys[k])
	}
	return out
}

// Apart reports whether Sorted leaves every subset of the times unchanged:
// the times, given as ascending sortkey keys, are finite, and every gap
// between consecutive distinct times exceeds twice the tolerance both
// absolutely and relative to the largest |time|, which bounds the mean
// |time| of any subset's distinct times (twice: a margin for the rounding
// of that mean). A subset's gaps are no smaller than the gaps they span.
func Apart(key []uint64) bool {
	maxAbs := 0.0
	for _, k := range key {
		v := sortkey.Value(k)
		if !isFinite(v) {
			return false
		}
		maxAbs = math.Max(maxAbs, math.Abs(v))
	}
	for i := 1; i < len(key); i++ {
		if key[i] == key[i-1] {
			continue
		}
		dy := sortkey.Value(key[i]) - sortkey.Value(key[i-1])
		if !(dy > 2*tolerance && dy/maxAbs > 2*tolerance) {
			return false
		}
	}
	return true
}
