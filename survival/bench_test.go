package survival

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"carimpi/internal/benchsize"
	"carimpi/internal/sortkey"
)

// benchData is n observations in 3 groups with exponential times (hazards
// 0.05, 0.1, 0.15 per month) rounded to 0.01 month, so there are ties,
// and about 30% censoring; seed 1.
func benchData(n int) (time []float64, event []bool, group []int) {
	rng := rand.New(rand.NewPCG(1, 0))
	time, event, group = make([]float64, n), make([]bool, n), make([]int, n)
	for i := range n {
		group[i] = rng.IntN(3)
		time[i] = math.Round(rng.ExpFloat64()/(0.05*float64(group[i]+1))*100) / 100
		event[i] = rng.Float64() < 0.7
	}
	return
}

// BenchmarkKMCore times KaplanMeier with one curve per group over the size
// ladder (internal/benchsize; BENCH_MAX=1e7 adds n = 1e7), against
// BenchmarkKMFloor, the plainest code doing the same work (kmFloor). Its
// times have a few thousand distinct values (tabulate's hash path);
// BenchmarkKMContinuous has all times distinct (the sort path), against
// BenchmarkKMSortFloor (kmSortFloor).
func BenchmarkKMCore(b *testing.B) { benchKM(b, benchData) }

// BenchmarkKMContinuous: see BenchmarkKMCore.
func BenchmarkKMContinuous(b *testing.B) { benchKM(b, continuousData) }

func benchKM(b *testing.B, data func(int) ([]float64, []bool, []int)) {
	for _, n := range benchsize.Ladder() {
		time, event, group := data(n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			defer benchsize.CPU(b)()
			for b.Loop() {
				if _, err := KaplanMeier(time, event, group, KMOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// continuousData is benchData with a uniform (0, 1) added to each time:
// all distinct (but for near ties at large n, which aeqSurv merges).
func continuousData(n int) (time []float64, event []bool, group []int) {
	time, event, group = benchData(n)
	rng := rand.New(rand.NewPCG(2, 0))
	for i := range time {
		time[i] += rng.Float64()
	}
	return
}

// BenchmarkKMFloor: see BenchmarkKMCore.
func BenchmarkKMFloor(b *testing.B) { benchFloor(b, benchData, kmFloor) }

// BenchmarkKMSortFloor: see BenchmarkKMCore.
func BenchmarkKMSortFloor(b *testing.B) { benchFloor(b, continuousData, kmSortFloor) }

func benchFloor(b *testing.B, data func(int) ([]float64, []bool, []int), floor func([]float64, []bool, []int, int) int) {
	for _, n := range benchsize.Ladder() {
		time, event, group := data(n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			defer benchsize.CPU(b)()
			for b.Loop() {
				floor(time, event, group, 3)
			}
		})
	}
}

// kmFloor is the least a Kaplan-Meier by k groups has to do on times with
// few distinct values: one pass counting each row in a hash table of its
// time (open addressing, sized for the data beforehand: no growth, no
// limits, no near-tie merging), the distinct times sorted (one radix
// sort), then per group one pass over them that computes, at each time
// the group has, the number at risk and of events, S, the Greenwood
// standard error and the log-type 95% interval, written as KMCurve's
// columns (floorCurves). It returns the number of rows of the curves (to
// be used, so not optimised away).
func kmFloor(time []float64, event []bool, group []int, k int) int {
	const bits = 17
	type slot struct {
		key uint64
		id  int32
	}
	tab := make([]slot, 1<<bits)
	var keys []uint64
	var cnt []int32 // [(id*k + g)*2 + event]
	for i, t := range time {
		key := math.Float64bits(t) | 1<<63
		h := key * 0x9e3779b97f4a7c15 >> (64 - bits)
		for tab[h].key != key && tab[h].key != 0 {
			h = (h + 1) & (1<<bits - 1)
		}
		if tab[h].key == 0 {
			tab[h] = slot{key, int32(len(keys))}
			keys = append(keys, key)
			cnt = append(cnt, make([]int32, 2*k)...)
		}
		e := int32(0) // branch-free, as in tabulate
		if event[i] {
			e = 1
		}
		c := (int(tab[h].id)*k + group[i]) * 2
		cnt[c]++
		cnt[c+1] += e
	}
	idx := make([]int32, len(keys))
	for i := range idx {
		idx[i] = int32(i)
	}
	sortkey.Sort(keys, idx)
	rows := 0
	c := newFloorCurves(k * len(keys))
	for g := range k {
		nrisk := 0
		for _, id := range idx {
			nrisk += int(cnt[(int(id)*k+g)*2])
		}
		s, v := 1.0, 0.0
		for r, id := range idx {
			m, d := int(cnt[(int(id)*k+g)*2]), int(cnt[(int(id)*k+g)*2+1])
			if m == 0 {
				continue
			}
			c.step(rows, keys[r], &s, &v, nrisk, d, m)
			rows++
			nrisk -= m
		}
	}
	return rows
}

// kmSortFloor is the least a Kaplan-Meier by k groups has to do on times
// that are all distinct: sort the times with each row's group and event
// packed beside them (one radix sort, no near-tie merging), then per group
// one pass over its rows that computes, at each distinct time, the number
// at risk and of events, S, the Greenwood standard error and the log-type
// 95% interval, written as KMCurve's columns. It returns the number of rows
// of the curves.
func kmSortFloor(time []float64, event []bool, group []int, k int) int {
	n := len(time)
	key := make([]uint64, n)
	tag := make([]int32, n)
	for i, t := range time {
		key[i] = sortkey.Key(t)
		tag[i] = int32(group[i]) << 1
		if event[i] {
			tag[i] |= 1
		}
	}
	sortkey.Sort(key, tag)
	start := make([]int, k+1)
	for _, c := range tag {
		start[c>>1+1]++
	}
	for g := range k {
		start[g+1] += start[g]
	}
	key2 := make([]uint64, n)
	ev := make([]bool, n)
	next := append([]int(nil), start[:k]...)
	for i, c := range tag {
		g := c >> 1
		key2[next[g]], ev[next[g]] = key[i], c&1 == 1
		next[g]++
	}
	rows := 0
	c := newFloorCurves(n)
	for g := range k {
		nrisk := start[g+1] - start[g]
		s, v := 1.0, 0.0
		for i := start[g]; i < start[g+1]; {
			d, j := 0, i
			for ; j < start[g+1] && key2[j] == key2[i]; j++ {
				if ev[j] {
					d++
				}
			}
			c.step(rows, key2[i], &s, &v, nrisk, d, j-i)
			rows++
			nrisk -= j - i
			i = j
		}
	}
	return rows
}

// floorCurves are the floors' output, the columns of KMCurve: at each
// distinct time the time, numbers at risk, of events and censored, S, the
// standard error of log S and the log-type 95% interval.
type floorCurves struct{ time, nrisk, nevent, ncens, surv, se, lo, up []float64 }

func newFloorCurves(m int) *floorCurves {
	return &floorCurves{make([]float64, m), make([]float64, m), make([]float64, m), make([]float64, m),
		make([]float64, m), make([]float64, m), make([]float64, m), make([]float64, m)}
}

// step is the floors' work at one distinct time (key) with nrisk at risk, d
// events and m observations: S and Greenwood's sum updated, row r written.
func (c *floorCurves) step(r int, key uint64, s, v *float64, nrisk, d, m int) {
	if d > 0 {
		n := float64(nrisk)
		*s *= (n - float64(d)) / n
		*v += float64(d) / (n * (n - float64(d)))
	}
	c.time[r], c.nrisk[r], c.nevent[r], c.ncens[r] = sortkey.Value(key), float64(nrisk), float64(d), float64(m-d)
	c.surv[r], c.se[r] = *s, math.Sqrt(*v)
	c.lo[r], c.up[r] = *s*math.Exp(-1.96*c.se[r]), math.Min(1, *s*math.Exp(1.96*c.se[r]))
}

// TestKMFloor checks that the floors compute the curves KaplanMeier does.
func TestKMFloor(t *testing.T) {
	for _, n := range []int{1000, 5000} {
		for _, data := range []func(int) ([]float64, []bool, []int){benchData, continuousData} {
			time, event, group := data(n)
			curves, err := KaplanMeier(time, event, group, KMOptions{})
			if err != nil {
				t.Fatal(err)
			}
			rows := 0
			for _, c := range curves {
				rows += len(c.Time)
			}
			if a, b := kmFloor(time, event, group, 3), kmSortFloor(time, event, group, 3); a != rows || b != rows {
				t.Errorf("n = %d: floors have %d and %d rows, KaplanMeier %d", n, a, b, rows)
			}
		}
	}
}

func BenchmarkLogRank(b *testing.B) {
	for _, n := range benchsize.Ladder() {
		time, event, group := benchData(n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := LogRank(time, event, group, nil, 0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
