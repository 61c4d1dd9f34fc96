package validation

import (
	"errors"
	"math"
	"sort"

	"carimpi/survival"
)

func nanf() float64 { return math.NaN() }

// KMAt returns the Kaplan-Meier estimate S(tau) of a sample with its 95%
// log-scale limits (R's summary(survfit(...), times = tau)). A curve that
// ends before tau keeps its last value, with NaN limits; R's summary drops
// such a time instead (extend = FALSE).
func KMAt(time []float64, event []bool, tau float64) (s, lower, upper float64, err error) {
	c, err := survival.KaplanMeier(time, event, nil, survival.KMOptions{})
	if err != nil {
		return nanf(), nanf(), nanf(), err
	}
	if len(c) == 0 || c[0].N == 0 {
		return nanf(), nanf(), nanf(), errors.New("validation: no observations")
	}
	k := &c[0]
	if a := k.At([]float64{tau}); len(a.Surv) == 1 {
		return a.Surv[0], a.Lower[0], a.Upper[0], nil
	}
	return stepAt(k.Time, k.Surv, tau), nanf(), nanf(), nil
}

// stepAt returns S(t) of a right-continuous step function, 1 before its
// first time.
func stepAt(times, surv []float64, t float64) float64 {
	k := sort.Search(len(times), func(i int) bool { return times[i] > t })
	if k == 0 {
		return 1
	}
	return surv[k-1]
}
