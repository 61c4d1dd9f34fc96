package validation

import (
	"errors"
	"math/rand/v2"

	"carimpi/stattest"
)

// Replicate is one bootstrap replicate of a development procedure: the
// performance of the model developed on the resample, measured on the
// resample (Apparent) and on the original sample (Test), and any values
// the caller wants summarized across replicates (Extra, e.g. a cutpoint).
type Replicate struct {
	Apparent, Test float64
	Extra          []float64
}

// OptimismResult is Harrell's bootstrap estimate of the optimism of an
// apparent performance measure.
type OptimismResult struct {
	B, Failed int
	// Optimism is the mean of Apparent - Test over the successful
	// replicates; the corrected measure is the apparent one minus it.
	Optimism float64
	// Replicates are the successful replicates in resample order.
	Replicates []Replicate
}

// Optimism runs B bootstrap replicates of a development procedure on a
// sample of n patients (Harrell, Lee and Mark, Stat Med 1996; Steyerberg,
// Clinical Prediction Models, ch. 17): resample r draws n row indices with
// replacement from a PCG generator seeded by (seed, 0x9e3779b97f4a7c15),
// one rand.IntN(n) per index, resamples in order, and run(idx) develops
// the model on those rows and measures it. A replicate whose run returns
// an error is counted in Failed and left out. It returns an error when
// every replicate failed. The result depends only on n, B, seed and run.
func Optimism(n, b int, seed uint64, run func(idx []int) (Replicate, error)) (OptimismResult, error) {
	res := OptimismResult{B: b}
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	idx := make([]int, n)
	var diff []float64
	for r := 0; r < b; r++ {
		for k := range idx {
			idx[k] = rng.IntN(n)
		}
		rep, err := run(idx)
		if err != nil {
			res.Failed++
			continue
		}
		res.Replicates = append(res.Replicates, rep)
		diff = append(diff, rep.Apparent-rep.Test)
	}
	if len(diff) == 0 {
		return res, errors.New("every bootstrap resample failed")
	}
	res.Optimism = stattest.Describe(diff).Mean
	return res, nil
}

// Percentile returns bootstrap percentile 95% intervals of a vector of
// statistics: B resamples of n rows drawn as Optimism draws them (same
// seed, same resamples), stat evaluated on each; element k of lower and
// upper are the type-7 2.5% and 97.5% quantiles of the replicates' k-th
// values that are not NaN. A resample whose stat returns an error is
// counted in failed. It returns an error when every resample failed.
func Percentile(n, b int, seed uint64, stat func(idx []int) ([]float64, error)) (lower, upper []float64, failed int, err error) {
	var reps [][]float64
	_, err = Optimism(n, b, seed, func(idx []int) (Replicate, error) {
		v, err := stat(idx)
		if err != nil {
			return Replicate{}, err
		}
		reps = append(reps, v)
		return Replicate{}, nil
	})
	if err != nil {
		return nil, nil, b, err
	}
	failed = b - len(reps)
	k := len(reps[0])
	for j := 0; j < k; j++ {
		col := make([]float64, 0, len(reps))
		for _, r := range reps {
			col = append(col, r[j])
		}
		q := stattest.Quantiles(col, 0.025, 0.975)
		lower, upper = append(lower, q[0]), append(upper, q[1])
	}
	return lower, upper, failed, nil
}
