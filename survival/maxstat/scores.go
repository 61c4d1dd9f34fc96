package maxstat

import (
	"cmp"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// LogRankScores returns the log-rank (Savage) scores of a right-censored
// outcome, exactRankTests::cscores(Surv(time, event), type = "LogRank"):
//
//	a_i = d_i - sum_{j: t_j <= t_i} d_j / (N - r_j + 1)
//
// where d is the event indicator and r_j the rank of t_j with tied times
// given the maximum rank, so tied times share the denominator
// N - maxrank + 1 (with ties this is not exactly the Nelson-Aalen
// increment). The scores are returned in data order and sum to zero.
// LogRankScores panics if the slices differ in length.
func LogRankScores(time []float64, event []bool) []float64 {
	n := len(time)
	if len(event) != n {
		panic(badLength)
	}
	idx := sortedIndex(time)
	a := make([]float64, n)
	cum := 0.0
	for lo := 0; lo < n; {
		hi := lo + 1
		for hi < n && time[idx[hi]] == time[idx[lo]] {
			hi++
		}
		// hi is the maximum rank of the tied group (1-based).
		denom := float64(n - hi + 1)
		for _, i := range idx[lo:hi] {
			if event[i] {
				cum += 1 / denom
			}
		}
		for _, i := range idx[lo:hi] {
			if event[i] {
				a[i] = 1 - cum
			} else {
				a[i] = -cum
			}
		}
		lo = hi
	}
	return a
}

// WilcoxonScores returns the mid-ranks of y, R's rank(y), the scores of
// maxstat.test(smethod = "Wilcoxon") for an uncensored outcome.
func WilcoxonScores(y []float64) []float64 {
	return midRanks(y)
}

// NormalScores returns the van der Waerden scores of y,
// qnorm(rank(y) / (N + 1)) with mid-ranks, the scores of
// maxstat.test(smethod = "NormalQuantil") for an uncensored outcome.
func NormalScores(y []float64) []float64 {
	r := midRanks(y)
	n1 := float64(len(y) + 1)
	for i, v := range r {
		r[i] = distuv.UnitNormal.Quantile(v / n1)
	}
	return r
}

// IntegerScores returns the integer scores maxstat uses for the exact
// conditional (HL) p-value (maxstat.test with iscores = TRUE): scores
// that are already integers are kept; scores whose fractional parts are all
// 0 or 0.5 are doubled; otherwise
//
//	round((a - min a) N / max(a - min a))
//
// with R's round (half to even). a is not modified.
func IntegerScores(a []float64) []float64 {
	out := append([]float64(nil), a...)
	sumFrac, allHalf := 0.0, true
	for _, v := range a {
		f := v - math.Floor(v)
		sumFrac += f
		if f != 0 && f != 0.5 {
			allHalf = false
		}
	}
	switch {
	case sumFrac == 0:
	case allHalf:
		for i := range out {
			out[i] *= 2
		}
	default:
		mn := math.Inf(1)
		for _, v := range out {
			mn = math.Min(mn, v)
		}
		mx := math.Inf(-1)
		for i := range out {
			out[i] -= mn
			mx = math.Max(mx, out[i])
		}
		n := float64(len(out))
		for i, v := range out {
			out[i] = math.RoundToEven(v * n / mx)
		}
	}
	return out
}

// midRanks returns R's rank(y) with ties.method = "average".
func midRanks(y []float64) []float64 {
	idx := sortedIndex(y)
	r := make([]float64, len(y))
	for lo := 0; lo < len(y); {
		hi := lo + 1
		for hi < len(y) && y[idx[hi]] == y[idx[lo]] {
			hi++
		}
		mid := float64(lo+1+hi) / 2
		for _, i := range idx[lo:hi] {
			r[i] = mid
		}
		lo = hi
	}
	return r
}

// sortItem is a sortable key (float64 bits in unsigned order) and its index.
type sortItem struct {
	key uint64
	idx int32
}

// packBits is the number of low key bits smallSortedIndex gives to the index.
const packBits = 12

// smallSortedIndex finishes sortedIndex for fewer than 2^packBits values:
// it sorts plain uint64s holding the top 52 key bits above the index, then
// sorts by the full key the rare runs that share those bits but not the key.
func smallSortedIndex(items []sortItem, out []int32) []int32 {
	packed := make([]uint64, len(items))
	for i, it := range items {
		packed[i] = it.key>>packBits<<packBits | uint64(it.idx)
	}
	slices.Sort(packed)
	for lo := 0; lo < len(packed); {
		hi, same := lo+1, true
		k0 := items[packed[lo]&(1<<packBits-1)].key
		for hi < len(packed) && packed[hi]>>packBits == packed[lo]>>packBits {
			same = same && items[packed[hi]&(1<<packBits-1)].key == k0
			hi++
		}
		if !same {
			slices.SortFunc(packed[lo:hi], func(a, b uint64) int {
				ka, kb := items[a&(1<<packBits-1)].key, items[b&(1<<packBits-1)].key
				if c := cmp.Compare(ka, kb); c != 0 {
					return c
				}
				return cmp.Compare(a, b)
			})
		}
		lo = hi
	}
	for i, p := range packed {
		out[i] = int32(p & (1<<packBits - 1))
	}
	return out
}

// sortedIndex returns the permutation that sorts v ascending (stable). It
// maps the float64 bit patterns to unsigned order; below 4096 values it
// sorts them by comparison (smallSortedIndex), otherwise it packs the top 32
// key bits above the 32-bit index into one uint64, sorts those by an LSD
// radix sort (3 passes over the top 32 bits, skipping passes where every
// key has the same digit), and sorts by the full key the runs that share the
// top bits but not the key (rare for continuous data; ties stay in index
// order). v must not contain NaN.
func sortedIndex(v []float64) []int32 {
	n := len(v)
	keys := make([]sortItem, n)
	for i, x := range v {
		u := math.Float64bits(x + 0) // x + 0 turns -0 into +0
		if u>>63 == 1 {
			u = ^u
		} else {
			u |= 1 << 63
		}
		keys[i] = sortItem{u, int32(i)}
	}
	out := make([]int32, n)
	if n < 1<<packBits {
		return smallSortedIndex(keys, out)
	}
	const bits = 11
	const buckets = 1 << bits
	items := make([]uint64, n)
	var count [3][buckets]int32
	for i, k := range keys {
		it := k.key>>32<<32 | uint64(i)
		items[i] = it
		for p := range 3 {
			count[p][(it>>(32+p*bits))&(buckets-1)]++
		}
	}
	tmp := make([]uint64, n)
	for p := range 3 {
		c := &count[p]
		shift := 32 + p*bits
		if int(c[(items[0]>>shift)&(buckets-1)]) == n {
			continue
		}
		var sum int32
		for b := range c {
			c[b], sum = sum, sum+c[b]
		}
		for _, it := range items {
			b := (it >> shift) & (buckets - 1)
			tmp[c[b]] = it
			c[b]++
		}
		items, tmp = tmp, items
	}
	for lo := 0; lo < n; {
		hi := lo + 1
		for hi < n && items[hi]>>32 == items[lo]>>32 {
			hi++
		}
		same := true
		for _, it := range items[lo+1 : hi] {
			same = same && keys[uint32(it)].key == keys[uint32(items[lo])].key
		}
		if !same {
			slices.SortFunc(items[lo:hi], func(a, b uint64) int {
				if c := cmp.Compare(keys[uint32(a)].key, keys[uint32(b)].key); c != 0 {
					return c
				}
				return cmp.Compare(uint32(a), uint32(b))
			})
		}
		lo = hi
	}
	for i, it := range items {
		out[i] = int32(uint32(it))
	}
	return out
}
