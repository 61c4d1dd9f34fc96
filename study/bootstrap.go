package study

import (
	"errors"
	"math"
	"slices"

	"carimpi/internal/jsonx"
	"carimpi/internal/sortkey"
	"carimpi/stattest"
	"carimpi/survival/concordance"
	"carimpi/survival/cox"
	"carimpi/survival/maxstat"
	"carimpi/survival/validation"
)

// Optimism is the bootstrap validation of the whole development procedure
// (Harrell's method): each resample repeats the cutpoint search and the
// model fit; the optimism is the mean of the resample's apparent C minus
// its C on the original development cohort.
type Optimism struct {
	B          int         `json:"b"`
	Seed       uint64      `json:"seed"`
	Failed     int         `json:"failed"`
	ApparentC  jsonx.Float `json:"apparent_c"`
	Optimism   jsonx.Float `json:"optimism"`
	CorrectedC jsonx.Float `json:"corrected_c"`
	// The bootstrap distribution of the cutpoint: median and 95% interval.
	CutpointMedian jsonx.Float `json:"cutpoint_median"`
	CutpointLower  jsonx.Float `json:"cutpoint_lower"`
	CutpointUpper  jsonx.Float `json:"cutpoint_upper"`
}

// development is the development sample prepared for the resamples: its
// outcome sorted once for the cutpoint search and for the Cox fit, so that
// a resample, given as a count per row, is fitted without a copy or a sort,
// and the design columns that do not depend on the knot.
type development struct {
	s   sample
	srt *cox.Sorted
	cut *maxstat.Fixed
	x   [][]float64 // designRows but the hinge: shared by the workers
}

func newDevelopment(s sample) (*development, error) {
	srt, err := cox.NewSorted(s.t, s.e)
	if err != nil {
		return nil, err
	}
	cut, err := maxstat.NewFixed(s.mtv, s.t, s.e)
	if err != nil {
		return nil, err
	}
	x := designRows(nil, s, 0)
	x[1] = nil // each worker has a hinge column of its own
	return &development{s: s, srt: srt, cut: cut, x: x}, nil
}

// worker is one goroutine's memory for developing the model on resample
// after resample: the design's hinge column and the Cox fit's (cox.Fitter),
// reused by each develop, so that a resample allocates no per-patient
// memory of its own.
type worker struct {
	d   *development
	cut *maxstat.Cutter
	fit *cox.Fitter
	x   [][]float64 // d.x with a hinge column of its own
}

func (d *development) worker() *worker {
	x := slices.Clone(d.x)
	x[1] = make([]float64, len(d.s.t))
	return &worker{d: d, cut: d.cut.Cutter(), fit: d.srt.Fitter(), x: x}
}

// develop repeats steps 4-5 on the sample with row i counted count[i]
// times (nil: once each): the knot by maximally selected log-rank
// statistics, then the Cox fit; it returns the knot and the coefficients
// in modelTerms order. Both are those of the repeated rows (see
// maxstat.Cutter and cox.Sorted.Fit). warm (modelTerms order) starts
// the Newton iterations of the Cox fit, nil at 0: the resamples start at
// the development model's coefficients, which takes about half the
// iterations of a start at 0 and ends at the same estimate within the
// convergence tolerance (TestBootstrapWarmStart asserts linear predictors
// within 1e-6; the largest difference seen was 7e-8; at 5e4 simulated
// patients the optimism moved by 1.2e-10 of C).
func (w *worker) develop(count []int32, warm []float64) (knot float64, coef []float64, err error) {
	knot, _, err = w.cut.Cut(count, maxstat.Options{})
	if err != nil {
		return 0, nil, err
	}
	m, cols, _, err := w.d.s.fitAt(w.fit, knot, count, w.x, warm)
	if err != nil {
		return 0, nil, err
	}
	if !m.Converged {
		return 0, nil, errors.New("did not converge")
	}
	return knot, coefficients(m, cols), nil
}

// designRows returns the model's columns over the sample's rows, in
// modelTerms order: MTV, max(MTV - knot, 0), age and the stage 2-4
// indicators. MTV and age are the sample's own slices, not copies (the
// fits only read them). Given x, designRows' result on the same sample, it
// only sets x's hinge column to the knot: the bootstrap's workers share
// the other columns, each with a hinge of its own.
func designRows(x [][]float64, s sample, knot float64) [][]float64 {
	if x == nil {
		n := len(s.mtv)
		x = make([][]float64, len(modelTerms))
		x[0], x[1], x[2] = s.mtv, make([]float64, n), s.age
		for st := 2; st <= 4; st++ {
			col := make([]float64, n)
			for i, v := range s.stage {
				if v == float64(st) {
					col[i] = 1
				}
			}
			x[1+st] = col
		}
	}
	for i, v := range s.mtv {
		x[1][i] = math.Max(v-knot, 0)
	}
	return x
}

// byDecreasingTime returns the sample's rows sorted by decreasing time,
// ties in row order (a stable sort), and each row's new position.
func (s sample) byDecreasingTime() (sample, []int32) {
	n := len(s.t)
	keys, order := make([]uint64, n), make([]int32, n)
	for i, t := range s.t {
		keys[i], order[i] = ^sortkey.Key(t), int32(i)
	}
	sortkey.Sort(keys, order)
	out := sample{mtv: make([]float64, n), age: make([]float64, n), stage: make([]float64, n), t: make([]float64, n), e: make([]bool, n)}
	pos := make([]int32, n)
	for k, i := range order {
		out.mtv[k], out.age[k], out.stage[k], out.t[k], out.e[k] = s.mtv[i], s.age[i], s.stage[i], s.t[i], s.e[i]
		pos[i] = int32(k)
	}
	return out, pos
}

// lp returns the linear predictor of the model (knot, coef in modelTerms
// order) for every row of the sample, in dst (grown as needed): the sum
// over designRows' columns in order, so the same value as summing the
// design matrix column by column, without building it.
func (s sample) lp(dst []float64, knot float64, coef []float64) []float64 {
	if cap(dst) < len(s.mtv) {
		dst = make([]float64, len(s.mtv))
	}
	dst = dst[:len(s.mtv)]
	for i, mtv := range s.mtv {
		v := 0.0
		v += coef[0] * mtv
		v += coef[1] * math.Max(mtv-knot, 0)
		v += coef[2] * s.age[i]
		for st := 2; st <= 4; st++ {
			if s.stage[i] == float64(st) {
				v += coef[1+st] * 1
			} else {
				v += coef[1+st] * 0
			}
		}
		dst[i] = v
	}
	return dst
}

// startBootstrap starts the optimism correction of the C-index over
// opt.Bootstrap resamples of the development sample orig, seeded by
// opt.Seed, and returns the function that waits for its result. A
// resample is the original rows counted with their multiplicity: the
// cutpoint search, the Cox fit and both C-indices work on the counts over
// the outcome sorted once (maxstat.Fixed, cox.Sorted, concordance.Fixed),
// giving the results of the repeated rows without building or sorting
// them. A resample's model is measured on the resample (apparent) and on
// the original sample (test) with one linear predictor over the original
// rows.
func startBootstrap(orig sample, opt Options) func() (*Optimism, error) {
	type result struct {
		o   *Optimism
		err error
	}
	done := make(chan result, 1)
	go func() {
		o, err := bootstrapOptimism(orig, opt)
		done <- result{o, err}
	}()
	return func() (*Optimism, error) {
		r := <-done
		return r.o, r.err
	}
}

func bootstrapOptimism(orig sample, opt Options) (*Optimism, error) {
	n := len(orig.t)
	if n < 10 {
		return nil, errors.New("fewer than 10 development patients with the endpoint")
	}
	// The rows in the Cox kernel's order (decreasing time, then row): the
	// fits and C-indices then read them in memory order, not scattered;
	// resample row i is counted at pos[i].
	orig, pos := orig.byDecreasingTime()
	dev, err := newDevelopment(orig)
	if err != nil {
		return nil, err
	}
	knot, coef, err := dev.worker().develop(nil, nil)
	if err != nil {
		return nil, err
	}
	// the outcome sorted once for every worker's C-indices (Clone)
	cIndex := concordance.NewFixed(orig.t, orig.e)
	apparent := cIndex.Clone().HarrellC(orig.lp(nil, knot, coef), nil)
	opt0, err := validation.Optimism(n, opt.Bootstrap, opt.Seed, func() func(idx []int32) (validation.Replicate, error) {
		// each parallel worker has its own counts and scratch
		w := dev.worker()
		fixed := cIndex.Clone()
		count := make([]int32, n)
		var lp []float64
		return func(idx []int32) (validation.Replicate, error) {
			clear(count)
			for _, i := range idx {
				count[pos[i]]++
			}
			knot, c, err := w.develop(count, coef)
			if err != nil {
				return validation.Replicate{}, err
			}
			lp = orig.lp(lp, knot, c)
			apparent, test := fixed.HarrellCs(lp, count)
			return validation.Replicate{Apparent: apparent, Test: test, Extra: []float64{knot}}, nil
		}
	})
	if err != nil {
		return nil, err
	}
	cuts := make([]float64, len(opt0.Replicates))
	for r, rep := range opt0.Replicates {
		cuts[r] = rep.Extra[0]
	}
	mean := opt0.Optimism
	failed := opt0.Failed
	q := stattest.Quantiles(cuts, 0.5, 0.025, 0.975)
	return &Optimism{B: opt.Bootstrap, Seed: opt.Seed, Failed: failed,
		ApparentC: jsonx.Float(apparent), Optimism: jsonx.Float(mean), CorrectedC: jsonx.Float(apparent - mean),
		CutpointMedian: jsonx.Float(q[0]), CutpointLower: jsonx.Float(q[1]), CutpointUpper: jsonx.Float(q[2])}, nil
}
