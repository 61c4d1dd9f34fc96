package concordance

// unoTimeWeights returns 1/G(t-)^2 for each distinct event time of the rows
// ord (sorted by decreasing time), in that order, with weight 0 for event
// times after tau. G is the Kaplan-Meier estimate of the censoring
// distribution with events at a time removed from the risk set before the
// censorings at that time, as survival's fastkm1 computes it.
func unoTimeWeights(time []float64, event []bool, weights []float64, ord []int, tau float64) []float64 {
	w := func(i int) float64 {
		if weights == nil {
			return 1
		}
		return weights[i]
	}
	// Walk in increasing time: the risk set at t is everything not yet passed.
	var atRisk float64
	for _, i := range ord {
		atRisk += w(i)
	}
	var out []float64
	g := 1.0
	for hi := len(ord); hi > 0; {
		t := time[ord[hi-1]]
		lo := hi - 1
		for lo > 0 && time[ord[lo-1]] == t {
			lo--
		}
		var dead, cens float64
		hasEvent := false
		for _, i := range ord[lo:hi] {
			if event[i] {
				dead += w(i)
				hasEvent = true
			} else {
				cens += w(i)
			}
		}
		if hasEvent {
			tw := 1 / (g * g)
			if t > tau {
				tw = 0
			}
			out = append(out, tw)
		}
		if cens > 0 {
			g *= 1 - cens/(atRisk-dead)
		}
		atRisk -= dead + cens
		hi = lo
	}
	// out is in increasing time; the sweep wants decreasing.
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}
