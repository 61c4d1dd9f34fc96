package validation

import (
	"errors"
	"math"

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
	return survival.StepAt(k.Time, k.Surv, tau, 1), nanf(), nanf(), nil
}
