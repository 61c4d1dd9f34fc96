package cox

import (
	"errors"
	"fmt"
	"math"

	"carimpi/internal/sortkey"
	"carimpi/survival/internal/timefix"
)

// Sorted is a right-censored outcome sorted by time once, for many Cox
// fits that differ in their covariates and in whole-number frequency
// weights: the bootstrap, where a resample is a count per row. Each Fit
// then costs no sort and works on the rows present only. A Sorted is not
// modified by Fit and is safe for concurrent use.
type Sorted struct {
	time  []float64
	event []bool
	order []int32 // rows by decreasing time, then increasing index
	// apart: timefix joins no two of the times, of any subset of the
	// rows, so that a Fit need not apply it
	apart bool
}

// NewSorted sorts the outcome (time >= 0 and finite, event true for an
// event) for Fit. The slices are kept, not copied: they must not change
// while the Sorted is in use. It panics if their lengths differ.
func NewSorted(time []float64, event []bool) (*Sorted, error) {
	if len(event) != len(time) {
		panic("cox: length of event differs from time")
	}
	for i, t := range time {
		if math.IsNaN(t) || t < 0 || math.IsInf(t, 0) {
			return nil, fmt.Errorf("cox: observation %d: time %v is not a finite number >= 0", i+1, t)
		}
	}
	s := &Sorted{time: time, event: event, order: make([]int32, len(time))}
	keys := make([]uint64, len(time))
	for i, t := range time {
		keys[i] = ^sortkey.Key(t) // decreasing time
		s.order[i] = int32(i)
	}
	sortkey.Sort(keys, s.order)
	for k, i := range s.order {
		keys[len(keys)-1-k] = sortkey.Key(time[i])
	}
	s.apart = timefix.Apart(keys)
	return s, nil
}

// errFreqOptions is returned for the options Sorted.Fit does not take.
var errFreqOptions = errors.New("cox: a frequency-weighted fit takes no strata, start times, offset, robust variance or clusters")

// Fit fits the Cox model to the outcome with row i repeated count[i] times
// (0 leaves it out; count nil: once each), the same fit as Fit on the
// repeated rows to rounding error: Efron's d counts each death with its
// multiplicity and the k/d steps run over the repeated deaths (unlike
// coxph's case-weight Efron, which would count a row of weight c as one
// death of weight c), N and Events count the repetitions, columns are
// centred and scaled over the repeated rows and times nearly equal are
// tied (timefix) among the rows present. Sums of c copies are computed as c
// times one copy, so the results differ from the repeated fit only in
// rounding (about 1e-13 relative; tests compare the two). x holds the
// covariate columns for every row (x[j][i]); opt may set Ties, Init,
// MaxIter, Eps and Names only. The model's per-row results (LinearPredictors,
// Residuals) are per row, NaN for the rows of count 0.
//
// Fit panics if the lengths of x's columns or count differ from the
// outcome's. It returns an error for NaN covariates of rows present,
// negative counts, the options it does not take and data without events.
func (s *Sorted) Fit(x [][]float64, count []int32, opt *Options) (*Model, error) {
	w := &Fitter{s: s} // memory for one fit, no more
	return w.Fit(x, count, opt)
}

// Fitter fits Sorted's model again and again in the same memory, as a
// bootstrap worker does once per resample: the kernel's copy of the data
// (the rows present, centred and scaled, row-major) and the per-row
// arrays are kept between fits instead of allocated each time. A Fitter is
// not safe for concurrent use; make one per goroutine.
type Fitter struct {
	s       *Sorted
	rows    []int32
	weights []float64
	keys    []uint64
	times   []float64
	// last is the previous fit's layout, overwritten by the next (empty
	// before the first; nil for Sorted.Fit's one fit)
	last *fitted
}

// Fitter returns a Fitter of the outcome.
func (s *Sorted) Fitter() *Fitter {
	return &Fitter{s: s, last: &fitted{pr: &problem{}}}
}

// Fit is Sorted.Fit in the Fitter's memory. The Model's coefficients,
// variances, tests and LP are its own, but what it computes from the data
// (LinearPredictors, Residuals, Survfit, robust variances) reads the
// Fitter's memory and holds only until the Fitter's next Fit.
func (w *Fitter) Fit(x [][]float64, count []int32, opt *Options) (*Model, error) {
	s := w.s
	n := len(s.time)
	if opt == nil {
		opt = &Options{}
	}
	if opt.Strata != nil || opt.Start != nil || opt.Offset != nil || opt.Robust || opt.Cluster != nil {
		return nil, errFreqOptions
	}
	if count != nil && len(count) != n {
		panic("cox: length of count differs from time")
	}
	p := len(x)
	for _, c := range x {
		if len(c) != n {
			panic("cox: covariate column length differs from time")
		}
	}
	if opt.Init != nil && len(opt.Init) != p {
		panic("cox: length of Init differs from the number of columns")
	}
	names := opt.Names
	if names == nil {
		names = make([]string, p)
		for j := range names {
			names[j] = fmt.Sprintf("x%d", j+1)
		}
	} else if len(names) != p {
		panic("cox: length of Names differs from the number of columns")
	}
	// The rows present, in the kernel's order, and their weights.
	rows := s.order
	var weights []float64
	total := n
	if count != nil {
		present := 0
		for _, c := range count {
			if c > 0 {
				present++
			}
		}
		rows = grow(w.rows, present, w.last != nil)[:0]
		weights = grow(w.weights, n, false)
		total = 0
		for _, i := range s.order {
			c := count[i]
			if c < 0 {
				return nil, fmt.Errorf("cox: observation %d: count %d is negative", i+1, c)
			}
			weights[i] = float64(c)
			if c > 0 {
				rows = append(rows, i)
				total += int(c)
			}
		}
		w.rows, w.weights = rows, weights
	}
	if len(rows) == 0 {
		return nil, errNoEvents
	}
	for j, c := range x {
		for i, v := range c {
			if v-v != 0 && (count == nil || count[i] > 0) { // NaN or ±Inf
				return nil, fmt.Errorf("cox: observation %d: %s is %v; drop rows with missing values first", i+1, names[j], v)
			}
		}
	}
	// timefix over the times present, as the repeated rows would have it:
	// ascending keys for timefix, then back to the kernel's order.
	spare := w.last != nil
	times := grow(w.times, len(rows), spare)
	w.times = times
	if s.apart {
		for k, i := range rows {
			times[k] = s.time[i] + 0 // -0 as +0, as sortkey.Key has it
		}
	} else {
		keys := grow(w.keys, len(rows), spare)
		w.keys = keys
		for k, i := range rows {
			keys[len(rows)-1-k] = sortkey.Key(s.time[i])
		}
		timefix.Sorted(keys)
		for k := range times {
			times[k] = sortkey.Value(keys[len(rows)-1-k])
		}
	}
	pr, f := layout(rows, times, nil, []int{0}, s.event, x, opt, weights, count != nil, w.last)
	if spare {
		w.last = f
	}
	m := &Model{Names: append([]string(nil), names...), N: total, Ties: opt.Ties}
	if err := m.fitPrepared(pr, f, opt); err != nil {
		return nil, err
	}
	return m, nil
}
