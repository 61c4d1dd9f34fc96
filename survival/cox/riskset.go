package cox

// riskSet holds the risk-set sums of a stratum walked backward in time
// (forward over problem's sorted arrays), one distinct time at a time:
// denom and a, the sums of w exp(eta) and w exp(eta) x over everyone at
// risk, and nrisk, their case weights, grow from time to time; nd,
// deathWt, denom2 and a2 are the count, weight and the same two sums over
// the deaths at the current time only (the tied batch of Breslow and
// Efron). Survfit and the score residuals share it; the fitting kernel
// keeps its own loop, which also needs the second-moment sums.
type riskSet struct {
	denom, nrisk    float64
	a               []float64
	nd              int
	deathWt, denom2 float64
	a2              []float64
	// counting process: cursor into problem.byStart, end of the stratum,
	// number at risk
	next, end, count int
}

func newRiskSet(p int) *riskSet {
	return &riskSet{a: make([]float64, p), a2: make([]float64, p)}
}

// reset empties the risk set for stratum s.
func (rs *riskSet) reset(pr *problem, s int) {
	rs.denom, rs.nrisk = 0, 0
	clear(rs.a)
	rs.next, rs.end, rs.count = pr.starts[s], pr.starts[s+1], 0
}

// add puts the observations from i up to end that share pr.time[i] into
// the risk set, with pr.risk from the last eval, and returns the index
// past them.
func (rs *riskSet) add(pr *problem, i, end int) int {
	p := pr.p
	t := pr.time[i]
	rs.nd, rs.deathWt, rs.denom2 = 0, 0, 0
	clear(rs.a2)
	if pr.start != nil {
		rs.count -= pr.leaving(&rs.next, rs.end, t, func(k int) {
			r := pr.risk[k]
			rs.denom -= r
			rs.nrisk -= pr.weight(k)
			for j, v := range pr.x[k*p : k*p+p] {
				rs.a[j] -= r * v
			}
		})
		if rs.count == 0 {
			rs.denom, rs.nrisk = 0, 0
			clear(rs.a)
		}
	}
	for ; i < end && pr.time[i] == t; i++ {
		rs.count++
		r := pr.risk[i]
		rs.denom += r
		rs.nrisk += pr.weight(i)
		row := pr.x[i*p : i*p+p]
		for j := range rs.a {
			rs.a[j] += r * row[j]
		}
		if pr.status[i] {
			rs.nd += int(pr.deaths(i))
			rs.deathWt += pr.weight(i)
			rs.denom2 += r
			for j := range rs.a2 {
				rs.a2[j] += r * row[j]
			}
		}
	}
	return i
}
