package compete

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"

	"carimpi/internal/sortkey"
	"carimpi/survival"
)

// ErrNoData is returned when there are no observations.
var ErrNoData = errors.New("compete: no observations")

// Curve is the cumulative incidence of one cause in one group, stored as
// cmprsk::cuminc stores it, a step function given by its corners: Time[0]
// = 0 with Est 0, then at each time t with an event of the cause two
// points (t, F(t-)) and (t, F(t)), and a last point at the group's largest
// follow-up time. Var is the variance of Est (cuminc's var); NRisk the
// number at risk (time >= Time[i]) in the group.
type Curve struct {
	Group int // group code
	Cause int // cause code (status value)
	N     int // observations in the group
	// Events is the number of events of this cause in the group.
	Events int

	Time  []float64
	Est   []float64
	Var   []float64
	NRisk []int
}

// CumInc returns the Aalen-Johansen estimate of the cumulative incidence
// of every cause 1..max(status) in every group, as R's
// cmprsk::cuminc(time, status, group) (Fortran cinc):
//
//	F_c(t) = sum_{t_i <= t} S(t_i-) d_ci / n_i
//
// with S the Kaplan-Meier estimate of being free of every cause, n_i at
// risk and d_ci events of cause c at the distinct time t_i, and the
// variance of cuminc (Gray's delta-method estimator; Pepe 1991, with the
// correction for tied events (1 - (d-1)/(n-1))). status is 0 for censored
// and c >= 1 for an event of cause c; group holds codes 0..k-1 (nil: one
// group). causes is the number of causes, at least max(status) (0: take
// max(status)); a cause without events gets a curve that stays 0. Curves
// are ordered by cause, then group, as cuminc orders them; a group code
// without observations gets no curve.
func CumInc(time []float64, status []int, group []int, causes int) ([]Curve, error) {
	nc, ng, err := check(time, status, group)
	if err != nil {
		return nil, err
	}
	if causes < nc && causes != 0 {
		return nil, fmt.Errorf("compete: status holds cause %d but causes = %d", nc, causes)
	}
	nc = max(nc, causes)
	idx := sortedIndex(time)
	byGroup := make([][]int32, ng)
	for _, i := range idx {
		g := 0
		if group != nil {
			g = group[i]
		}
		byGroup[g] = append(byGroup[g], i)
	}
	var out []Curve
	for c := 1; c <= nc; c++ {
		for g, rows := range byGroup {
			if len(rows) == 0 {
				continue
			}
			out = append(out, cinc(time, status, rows, g, c))
		}
	}
	return out, nil
}

// check validates the data and returns the number of causes and groups.
func check(time []float64, status []int, group []int) (nc, ng int, err error) {
	n := len(time)
	if len(status) != n || (group != nil && len(group) != n) {
		panic("compete: slices of different lengths")
	}
	if n == 0 {
		return 0, 0, ErrNoData
	}
	if n > math.MaxInt32 {
		return 0, 0, fmt.Errorf("compete: %d observations is more than %d", n, math.MaxInt32)
	}
	for i, t := range time {
		if !(t >= 0) || math.IsInf(t, 1) {
			return 0, 0, fmt.Errorf("compete: time[%d] = %v; times must be finite and >= 0", i, t)
		}
		if status[i] < 0 {
			return 0, 0, fmt.Errorf("compete: status[%d] = %d; use 0 for censored and 1, 2, ... for the causes", i, status[i])
		}
		nc = max(nc, status[i])
	}
	ng = 1
	if group != nil {
		ng = 0
		for i, g := range group {
			if g < 0 || g > n {
				return 0, 0, fmt.Errorf("compete: group[%d] = %d is outside 0..%d", i, g, n)
			}
			ng = max(ng, g+1)
		}
	}
	return nc, ng, nil
}

// sortedIndex returns the indices sorted by increasing time, ties in input
// order (R's order()).
func sortedIndex(time []float64) []int32 {
	idx, _ := sortkey.Index(time)
	return idx
}

// cinc is cmprsk's Fortran subroutine cinc on the rows of one group
// (sorted by time), for cause c; the arithmetic is done in the same order.
func cinc(time []float64, status []int, rows []int32, g, c int) Curve {
	n := len(rows)
	cv := Curve{Group: g, Cause: c, N: n}
	cv.Time = append(cv.Time, 0)
	cv.Est = append(cv.Est, 0)
	cv.Var = append(cv.Var, 0)
	cv.NRisk = append(cv.NRisk, n)
	fk := 1.0
	var v1, v2, v3 float64
	rs := float64(n)
	for ll := 0; ll < n; {
		t := time[rows[ll]]
		l := ll
		nd1, nd2 := 0, 0
		for ; l < n && time[rows[l]] == t; l++ {
			switch s := status[rows[l]]; {
			case s == c:
				nd1++
			case s != 0:
				nd2++
			}
		}
		nrisk := n - ll
		if nd := nd1 + nd2; nd > 0 {
			fkn := fk * (rs - float64(nd)) / rs
			last := cv.Est[len(cv.Est)-1]
			if nd1 > 0 {
				cv.Est = append(cv.Est, last, last+fk*float64(nd1)/rs)
				last = cv.Est[len(cv.Est)-1]
			}
			if nd2 > 0 && fkn > 0 {
				t5 := 1.0
				if nd2 > 1 {
					t5 = 1 - (float64(nd2)-1)/(rs-1)
				}
				t6 := fk * fk * t5 * float64(nd2) / (rs * rs)
				t3 := 1 / fkn
				t4 := last / fkn
				v1 += t4 * t4 * t6
				v2 += t3 * t4 * t6
				v3 += t3 * t3 * t6
			}
			if nd1 > 0 {
				t5 := 1.0
				if nd1 > 1 {
					t5 = 1 - (float64(nd1)-1)/(rs-1)
				}
				t6 := fk * fk * t5 * float64(nd1) / (rs * rs)
				t3 := 0.0
				if fkn > 0 {
					t3 = 1 / fkn
				}
				t4 := 1 + t3*last
				v1 += t4 * t4 * t6
				v2 += t3 * t4 * t6
				v3 += t3 * t3 * t6
				t2 := last
				cv.Time = append(cv.Time, t, t)
				cv.Var = append(cv.Var, cv.Var[len(cv.Var)-1], v1+t2*t2*v3-2*t2*v2)
				cv.NRisk = append(cv.NRisk, nrisk, nrisk)
				cv.Events += nd1
			}
			fk = fkn
		}
		rs = float64(n - l)
		ll = l
	}
	last := len(cv.Est) - 1
	cv.Time = append(cv.Time, time[rows[n-1]])
	cv.Est = append(cv.Est, cv.Est[last])
	cv.Var = append(cv.Var, cv.Var[last])
	nr := 0
	for k := n - 1; k >= 0 && time[rows[k]] == time[rows[n-1]]; k-- {
		nr++
	}
	cv.NRisk = append(cv.NRisk, nr)
	return cv
}

// At reads the curve at the given times as cmprsk::timepoints does: the
// times are sorted and made unique; F(t) and its variance are the values
// of the step function at t (right-continuous), NaN for a time after the
// group's largest follow-up time or before 0.
func (cv *Curve) At(times []float64) (t, est, vr []float64) {
	t = slices.Clone(times)
	slices.Sort(t)
	t = slices.Compact(t)
	est = make([]float64, len(t))
	vr = make([]float64, len(t))
	n := len(cv.Time)
	for i, tp := range t {
		if !(tp >= 0) || tp > cv.Time[n-1] {
			est[i], vr[i] = math.NaN(), math.NaN()
			continue
		}
		// tpoi: the corner after the last corner <= tp, which holds F(tp)
		// (the last corner itself at the largest time)
		j := min(survival.StepIndex(cv.Time, tp)+1, n-1)
		est[i], vr[i] = cv.Est[j], cv.Var[j]
	}
	return t, est, vr
}

// ConfInt returns pointwise confidence limits for a cumulative incidence
// est with variance v at level (e.g. 0.95), on the scale of ct:
//
//	log-log: F^exp(+z se/(F log F)) .. F^exp(-z se/(F log F)), i.e. symmetric in log(-log F)
//	log:     F exp(-z se/F) .. min(1, F exp(z se/F))
//	plain:   max(0, F - z se) .. min(1, F + z se)
//
// with se = sqrt(v). Where F = 0 and v = 0 (before the first event) both
// limits are 0; where F = 1 both are 1; where the transform is otherwise
// undefined they are NaN.
func ConfInt(est, v float64, ct survival.ConfType, level float64) (lower, upper float64) {
	z := distuv.UnitNormal.Quantile(1 - (1-level)/2)
	se := math.Sqrt(v)
	switch {
	case math.IsNaN(est) || math.IsNaN(v):
		return math.NaN(), math.NaN()
	case est == 0 && v == 0:
		return 0, 0
	case est == 1 && ct != survival.ConfPlain:
		return 1, 1
	}
	switch ct {
	case survival.ConfPlain:
		return math.Max(0, est-z*se), math.Min(1, est+z*se)
	case survival.ConfLog:
		if est == 0 {
			return math.NaN(), math.NaN()
		}
		return est * math.Exp(-z*se/est), math.Min(1, est*math.Exp(z*se/est))
	default:
		if est == 0 {
			return math.NaN(), math.NaN()
		}
		h := z * se / (est * math.Log(est)) // negative
		return math.Pow(est, math.Exp(-h)), math.Pow(est, math.Exp(h))
	}
}
