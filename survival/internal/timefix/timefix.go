// Package timefix ties survival times that differ by rounding error only,
// as R's survival::aeqSurv does before survfit, coxph, cox.zph and
// concordance (timefix = TRUE).
package timefix

import (
	"math"
	"slices"
)

// tolerance is aeqSurv's default, sqrt(.Machine$double.eps).
var tolerance = math.Sqrt(0x1p-52)

// Apply treats times that differ by rounding error only as tied, as R's
// aeqSurv does (survival 3.5, timefix = TRUE): over the
// sorted distinct finite times y, a gap dy <= tol or dy/mean|y| <= tol joins
// the larger time to the run of the smaller, and every time becomes the
// first (smallest) time of its run. tol = sqrt(machine epsilon). time is
// returned unchanged if no gap is that small, else a modified copy; NaN and
// infinite times are left as they are.
func Apply(time []float64) []float64 {
	y := make([]float64, 0, len(time))
	for _, t := range time {
		if !math.IsInf(t, 0) && !math.IsNaN(t) {
			y = append(y, t)
		}
	}
	slices.Sort(y)
	y = slices.Compact(y)
	if len(y) < 2 {
		return time
	}
	var meanAbs float64
	for _, v := range y {
		meanAbs += math.Abs(v)
	}
	meanAbs /= float64(len(y))
	cuts := y[:1:1]
	tied := false
	for k := 1; k < len(y); k++ {
		dy := y[k] - y[k-1]
		if dy <= tolerance || dy/meanAbs <= tolerance {
			tied = true
			continue
		}
		cuts = append(cuts, y[k])
	}
	if !tied {
		return time
	}
	out := make([]float64, len(time))
	for i, t := range time {
		if math.IsInf(t, 0) || math.IsNaN(t) {
			out[i] = t
			continue
		}
		// the last cut <= t
		k, found := slices.BinarySearch(cuts, t)
		if !found {
			k--
		}
		out[i] = cuts[k]
	}
	return out
}
