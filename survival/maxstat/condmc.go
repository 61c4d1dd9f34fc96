package maxstat

import (
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
)

// mcChunk is the number of permutations drawn from one random stream; the
// streams are seeded by (seed, chunk index), so results do not depend on
// the number of goroutines.
const mcChunk = 250

// PCondMC returns the Monte Carlo permutation p-value of the maximally
// selected statistic b, maxstat's pmethod = "condMC" (maxstat:::pmaxperm):
// the fraction of B random permutations of the scores whose maximum
// standardized statistic over the cut positions m exceeds b (strictly, as
// R). sorted holds the scores in ascending order of x. The permutations come
// from PCG streams seeded by (seed, i) for consecutive blocks i of 250
// permutations and are spread over workers goroutines (0 means GOMAXPROCS);
// the result depends on seed and B only. R's stream cannot be reproduced,
// so the p-value agrees with R's within Monte Carlo error only.
func PCondMC(b float64, sorted []float64, m []int, B int, seed uint64, workers int) float64 {
	if B <= 0 {
		panic("maxstat: number of permutations must be positive")
	}
	n := len(sorted)
	var ss, ss2 float64
	for _, v := range sorted {
		ss += v
		ss2 += v * v
	}
	nf := float64(n)
	q := nf*ss2 - ss*ss
	e := make([]float64, len(m))
	sd := make([]float64, len(m))
	for i, k := range m {
		kf := float64(k)
		e[i] = kf / nf * ss
		sd[i] = math.Sqrt(kf * float64(n-k) / (nf * nf * float64(n-1)) * q)
	}
	chunks := (B + mcChunk - 1) / mcChunk
	counts := make([]int, chunks)
	forChunks(chunks, workers, func(c int) {
		rng := rand.New(rand.NewPCG(seed, uint64(c)))
		y := append([]float64(nil), sorted...)
		reps := min(mcChunk, B-c*mcChunk)
		for range reps {
			rng.Shuffle(n, func(i, j int) { y[i], y[j] = y[j], y[i] })
			cs, k := 0.0, 0
			for j, mk := range m {
				for ; k < mk; k++ {
					cs += y[k]
				}
				if math.Abs((cs-e[j])/sd[j]) > b {
					counts[c]++
					break
				}
			}
		}
	})
	total := 0
	for _, c := range counts {
		total += c
	}
	return float64(total) / float64(B)
}

// forChunks calls do(c) for c = 0..chunks-1 on up to workers goroutines
// (0 means GOMAXPROCS).
func forChunks(chunks, workers int, do func(c int)) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, chunks)
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range next {
				do(c)
			}
		}()
	}
	for c := range chunks {
		next <- c
	}
	close(next)
	wg.Wait()
}
