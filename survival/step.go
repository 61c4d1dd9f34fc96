package survival

// StepIndex locates t on a right-continuous step function that jumps at
// the ascending times: it returns the largest i with times[i] <= t, or -1
// when t is before times[0] (or times is empty). Tied times give the last
// of the tie, so the value read is the one after every jump at t. A NaN t
// counts as after the last time. O(log n), by bisection.
func StepIndex(times []float64, t float64) int {
	lo, hi := 0, len(times) // times[:lo] <= t, times[hi:] > t
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if times[mid] > t {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo - 1
}

// StepAt returns the value at t of the right-continuous step function that
// is before on (-Inf, times[0]) and values[i] on [times[i], times[i+1]):
//
//	f(t) = values[i], i = max{i : times[i] <= t};   f(t) = before if t < times[0]
//
// as a survival curve S(t) (before = 1), a cumulative hazard (before = 0)
// or R's summary(survfit(...), times = t) read it. Past the last time it
// stays at the last value; callers that must not extrapolate check t
// against the last time. times must be ascending and as long as values.
func StepAt(times, values []float64, t, before float64) float64 {
	if len(times) != len(values) {
		panic(errLength)
	}
	if i := StepIndex(times, t); i >= 0 {
		return values[i]
	}
	return before
}
