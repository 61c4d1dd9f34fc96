package validation

import (
	"errors"
	"math/rand/v2"
	"runtime"
	"sync"

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
// one rand.IntN(n) per index, resamples in order, and a replicate function
// develops the model on those rows and measures it. A replicate whose
// function returns an error is counted in Failed and left out. It returns
// an error when every replicate failed.
//
// The replicates run in parallel on up to GOMAXPROCS workers: newRun is
// called once per worker and returns that worker's replicate function,
// which may keep its own scratch between calls. The resamples are drawn in
// order from the one generator and the results are kept in resample order,
// so the result depends only on n, B, seed and the procedure, never on the
// number of cores. Memory: one resample of n int32 indices per worker, plus
// one.
func Optimism(n, b int, seed uint64, newRun func() func(idx []int32) (Replicate, error)) (OptimismResult, error) {
	res := OptimismResult{B: b}
	reps := make([]Replicate, b)
	errs := make([]error, b)
	resamples(n, b, seed, func() func(r int, idx []int32) {
		run := newRun()
		return func(r int, idx []int32) { reps[r], errs[r] = run(idx) }
	})
	var diff []float64
	for r := range b {
		if errs[r] != nil {
			res.Failed++
			continue
		}
		res.Replicates = append(res.Replicates, reps[r])
		diff = append(diff, reps[r].Apparent-reps[r].Test)
	}
	if len(diff) == 0 {
		return res, errors.New("every bootstrap resample failed")
	}
	res.Optimism = stattest.Describe(diff).Mean
	return res, nil
}

// resamples draws the b resamples of n rows in order from one generator
// (see Optimism) and hands resample r to a worker's function; the workers
// (up to GOMAXPROCS, each made by newWorker) run in parallel. It returns
// when every resample has been handled.
func resamples(n, b int, seed uint64, newWorker func() func(r int, idx []int32)) {
	workers := max(1, min(runtime.GOMAXPROCS(0), b))
	type job struct {
		r   int
		idx []int32
	}
	free := make(chan []int32, workers+1)
	for range workers + 1 {
		free <- make([]int32, n)
	}
	jobs := make(chan job, workers)
	go func() {
		rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
		for r := range b {
			idx := <-free
			for k := range idx {
				idx[k] = int32(rng.IntN(n))
			}
			jobs <- job{r, idx}
		}
		close(jobs)
	}()
	var wg sync.WaitGroup
	for range workers {
		work := newWorker()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				work(j.r, j.idx)
				free <- j.idx
			}
		}()
	}
	wg.Wait()
}

// Percentile returns bootstrap percentile 95% intervals of a vector of
// statistics: B resamples of n rows drawn as Optimism draws them (same
// seed, same resamples), stat evaluated on each; element k of lower and
// upper are the type-7 2.5% and 97.5% quantiles of the replicates' k-th
// values that are not NaN. A resample whose stat returns an error is
// counted in failed. It returns an error when every resample failed. As in
// Optimism, newStat gives each parallel worker its own function.
func Percentile(n, b int, seed uint64, newStat func() func(idx []int32) ([]float64, error)) (lower, upper []float64, failed int, err error) {
	all := make([][]float64, b)
	resamples(n, b, seed, func() func(r int, idx []int32) {
		stat := newStat()
		return func(r int, idx []int32) {
			if v, err := stat(idx); err == nil {
				all[r] = v
			}
		}
	})
	var reps [][]float64
	for _, v := range all {
		if v != nil {
			reps = append(reps, v)
		}
	}
	if len(reps) == 0 {
		return nil, nil, b, errors.New("every bootstrap resample failed")
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
