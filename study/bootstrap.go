package study

import (
	"errors"
	"math"
	"math/rand/v2"

	"carimpi/internal/jsonx"
	"carimpi/stattest"
	"carimpi/survival/concordance"
	"carimpi/survival/cox"
	"carimpi/survival/maxstat"
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

// develop repeats steps 4-5 on one sample: the knot by maximally selected
// log-rank statistics, then the Cox fit; it returns the coefficients.
func develop(mtv, age, stage, t []float64, e []bool) (knot float64, coef []float64, err error) {
	ms, err := maxstat.Test(mtv, t, e, maxstat.Options{})
	if err != nil {
		return 0, nil, err
	}
	knot = ms.Cutpoint
	x := designRows(mtv, age, stage, knot)
	var cols [][]float64
	var keep []int
	for j := range x {
		if j < 3 || !allZero(x[j]) {
			cols = append(cols, x[j])
			keep = append(keep, j)
		}
	}
	m, err := cox.Fit(t, e, cols, nil, nil)
	if err != nil {
		return 0, nil, err
	}
	coef = make([]float64, len(modelTerms))
	for c, j := range keep {
		if !math.IsNaN(m.Coef[c]) {
			coef[j] = m.Coef[c]
		}
	}
	if !m.Converged {
		return knot, coef, errors.New("did not converge")
	}
	return knot, coef, nil
}

// designRows returns the model's columns: MTV, max(MTV - knot, 0), age and
// the stage 2-4 indicators.
func designRows(mtv, age, stage []float64, knot float64) [][]float64 {
	x := make([][]float64, len(modelTerms))
	for j := range x {
		x[j] = make([]float64, len(mtv))
	}
	for i := range mtv {
		x[0][i], x[1][i], x[2][i] = mtv[i], math.Max(mtv[i]-knot, 0), age[i]
		for s := 2; s <= 4; s++ {
			if stage[i] == float64(s) {
				x[1+s][i] = 1
			}
		}
	}
	return x
}

func linearPredictor(x [][]float64, coef []float64) []float64 {
	lp := make([]float64, len(x[0]))
	for j, col := range x {
		for i, v := range col {
			lp[i] += coef[j] * v
		}
	}
	return lp
}

// addBootstrap runs the optimism correction of the C-index over opt.Bootstrap
// resamples of the development cohort, seeded by opt.Seed.
func (out *Output) addBootstrap(p *patients, dev []int, o outcome, opt Options) error {
	var mtv, age, stage, t []float64
	var e []bool
	for k, i := range dev {
		if math.IsNaN(o.time[k]) || math.IsNaN(o.event[k]) {
			continue
		}
		mtv, age, stage = append(mtv, p.mtv[i]), append(age, p.age[i]), append(stage, p.stage[i])
		t, e = append(t, o.time[k]), append(e, o.event[k] == 1)
	}
	n := len(t)
	if n < 10 {
		return errors.New("fewer than 10 development patients with the endpoint")
	}
	_, coef, err := develop(mtv, age, stage, t, e)
	if err != nil {
		return err
	}
	apparent := concordance.Harrell(t, e, linearPredictor(designRows(mtv, age, stage, out.Results.Cutpoint.Value), coef), nil, nil).C
	rng := rand.New(rand.NewPCG(opt.Seed, 0x9e3779b97f4a7c15))
	bm, ba, bs, bt := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	be := make([]bool, n)
	var optimism, cuts []float64
	failed := 0
	for b := 0; b < opt.Bootstrap; b++ {
		for k := 0; k < n; k++ {
			i := rng.IntN(n)
			bm[k], ba[k], bs[k], bt[k], be[k] = mtv[i], age[i], stage[i], t[i], e[i]
		}
		knot, c, err := develop(bm, ba, bs, bt, be)
		if err != nil {
			failed++
			continue
		}
		cb := concordance.Harrell(bt, be, linearPredictor(designRows(bm, ba, bs, knot), c), nil, nil).C
		co := concordance.Harrell(t, e, linearPredictor(designRows(mtv, age, stage, knot), c), nil, nil).C
		optimism = append(optimism, cb-co)
		cuts = append(cuts, knot)
	}
	if len(optimism) == 0 {
		return errors.New("every resample failed")
	}
	mean := stattest.Describe(optimism).Mean
	q := stattest.Quantiles(cuts, 0.5, 0.025, 0.975)
	out.Results.Optimism = &Optimism{B: opt.Bootstrap, Seed: opt.Seed, Failed: failed,
		ApparentC: jsonx.Float(apparent), Optimism: jsonx.Float(mean), CorrectedC: jsonx.Float(apparent - mean),
		CutpointMedian: jsonx.Float(q[0]), CutpointLower: jsonx.Float(q[1]), CutpointUpper: jsonx.Float(q[2])}
	return nil
}
