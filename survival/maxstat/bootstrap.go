package maxstat

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"

	"carimpi/stattest"
)

// bootChunk is the number of bootstrap resamples drawn from one random
// stream, seeded by (seed, bootStream | chunk index); bootStream keeps the
// streams apart from PCondMC's for the same seed.
const (
	bootChunk  = 8
	bootStream = 1 << 63
)

// Stability is the bootstrap distribution of the estimated cut point.
type Stability struct {
	// B is the number of resamples and Seed the seed of their streams.
	B    int
	Seed uint64
	// Cutpoints holds the cut point estimated on each resample, NaN where
	// the resample had no admissible cut (too few distinct x values, or no
	// event); Failed counts those.
	Cutpoints []float64
	Failed    int
	// Median, Lower and Upper are the 0.5, 0.025 and 0.975 type-7
	// quantiles (R's default) of the successful cut points.
	Median, Lower, Upper float64
	// Values are the distinct cut points found, ascending, and Counts how
	// many resamples chose each: the histogram of the cut point.
	Values []float64
	Counts []int
}

// Bootstrap estimates the stability of the cut point of Test: it draws b
// resamples of the observations with replacement, recomputes the log-rank
// scores and the maximally selected statistic on each (window from opts;
// no p-value), and summarizes the chosen cut points. The resamples come from
// PCG streams seeded by (seed, 2^63 + i) for consecutive blocks i of 8 and run on
// opts.Workers goroutines; the result depends on seed and b only. An error
// is returned when no resample yields a cut point.
func Bootstrap(x, time []float64, event []bool, opts Options, b int, seed uint64) (*Stability, error) {
	if len(time) != len(x) || len(event) != len(x) {
		panic(badLength)
	}
	if b <= 0 {
		panic("maxstat: number of bootstrap resamples must be positive")
	}
	minProp, maxProp, err := opts.window()
	if err != nil {
		return nil, err
	}
	f, err := NewFixed(x, time, event)
	if err != nil {
		return nil, err
	}
	n := len(x)
	cuts := make([]float64, b)
	chunks := (b + bootChunk - 1) / bootChunk
	forChunks(chunks, opts.Workers, func(c int) {
		rng := rand.New(rand.NewPCG(seed, bootStream|uint64(c)))
		count := make([]int32, n)
		cutter := f.Cutter()
		for r := c * bootChunk; r < min(b, (c+1)*bootChunk); r++ {
			clear(count)
			for range n {
				count[rng.IntN(n)]++
			}
			cut, _, err := cutter.Cut(count, Options{MinProp: minProp, MaxProp: maxProp})
			if err != nil {
				cuts[r] = math.NaN()
				continue
			}
			cuts[r] = cut
		}
	})
	s := &Stability{B: b, Seed: seed, Cutpoints: cuts}
	ok := make([]float64, 0, b)
	for _, v := range cuts {
		if math.IsNaN(v) {
			s.Failed++
		} else {
			ok = append(ok, v)
		}
	}
	if len(ok) == 0 {
		return nil, errors.New("maxstat: no bootstrap resample had an admissible cut point")
	}
	slices.Sort(ok)
	q := stattest.QuantileSorted
	s.Median, s.Lower, s.Upper = q(ok, 0.5), q(ok, 0.025), q(ok, 0.975)
	for i, v := range ok {
		if i == 0 || v != ok[i-1] {
			s.Values = append(s.Values, v)
			s.Counts = append(s.Counts, 0)
		}
		s.Counts[len(s.Counts)-1]++
	}
	return s, nil
}
