// Package sortkey is the one sort of numbers shared by the statistics:
// float64 values become unsigned integer keys in the same order (Key), and
// a stable LSD radix sort orders keys with their row indices (Sort); the
// sorting permutation (Index) and R's mid-ranks (MidRanks) are built on it.
// Sorting integer keys, not indices through a comparison function, keeps a
// sort of 1e7 values a few sequential passes over memory.
package sortkey

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
)

// Key maps v to a uint64 whose unsigned order is the numeric order of v
// (-0 and +0 get the same key; NaN sorts above +Inf). For v >= 0 it is
// math.Float64bits(v) with the top bit set.
func Key(v float64) uint64 {
	u := math.Float64bits(v + 0) // v + 0 turns -0 into +0
	if u>>63 == 1 {
		return ^u
	}
	return u | 1<<63
}

// Value inverts Key.
func Value(k uint64) float64 {
	if k>>63 == 1 {
		return math.Float64frombits(k &^ (1 << 63))
	}
	return math.Float64frombits(^k)
}

const (
	radixBits = 11
	buckets   = 1 << radixBits
	passes    = (64 + radixBits - 1) / radixBits
	// small is the length below which a comparison sort beats the radix
	// sort's fixed cost (its digit histograms); packBits = log2(small).
	small    = 1 << packBits
	packBits = 12
)

// sortSmall is Sort for fewer than 2^packBits keys: it sorts plain uint64s
// holding the top 52 key bits above the position, then sorts by the full
// key (and position, for stability) the rare runs that share those bits
// but not the key.
func (b *Buffer) sortSmall(key []uint64, idx []int32) {
	const low = 1<<packBits - 1
	b.packed = grow(b.packed, len(key))
	packed := b.packed
	for i, k := range key {
		packed[i] = k&^low | uint64(i)
	}
	slices.Sort(packed)
	for lo := 0; lo < len(packed); {
		hi, same := lo+1, true
		k0 := key[packed[lo]&low]
		for hi < len(packed) && packed[hi]&^low == packed[lo]&^low {
			same = same && key[packed[hi]&low] == k0
			hi++
		}
		if !same {
			slices.SortFunc(packed[lo:hi], func(a, b uint64) int {
				if c := cmp.Compare(key[a&low], key[b&low]); c != 0 {
					return c
				}
				return cmp.Compare(a, b)
			})
		}
		lo = hi
	}
	b.key2, b.idx2 = grow(b.key2, len(key)), grow(b.idx2, len(key))
	k2, i2 := b.key2, b.idx2
	for i, p := range packed {
		k2[i], i2[i] = key[p&low], idx[p&low]
	}
	copy(key, k2)
	copy(idx, i2)
}

// Sort sorts key ascending, stably, permuting idx alongside: an LSD radix
// sort over only the bits in which the keys differ, in as few digits of at
// most 11 bits as cover them (whole-day times take two passes), skipping a
// digit every key shares (a comparison sort below 4096 keys). idx must be
// as long as key.
func Sort(key []uint64, idx []int32) {
	var b Buffer
	b.sort(key, idx)
}

// Buffer is memory for sorting again and again without allocating, as a
// bootstrap worker ranks the scores of resample after resample: Index's
// keys and permutation and the radix sort's second arrays are kept
// between calls. A Buffer is not safe for concurrent use.
type Buffer struct {
	key, key2 []uint64
	idx, idx2 []int32
	packed    []uint64 // sortSmall's
}

// Index is the package's Index in b's memory: what it returns is
// overwritten by b's next Index.
func (b *Buffer) Index(v []float64) (idx []int32, keys []uint64) {
	b.key, b.idx = grow(b.key, len(v)), grow(b.idx, len(v))
	keys, idx = b.key, b.idx
	for i, x := range v {
		keys[i] = Key(x)
		idx[i] = int32(i)
	}
	b.sort(keys, idx)
	return idx, keys
}

// grow returns s with length n, reallocated only if it has not the
// capacity.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// sort is Sort with b's second arrays.
func (b *Buffer) sort(key []uint64, idx []int32) {
	n := len(key)
	if len(idx) != n {
		panic("sortkey: key and idx lengths differ")
	}
	if n < small {
		b.sortSmall(key, idx)
		return
	}
	// Only the bits that differ between keys need sorting: digits of at
	// most 11 bits, as few as cover them (whole-day times: two).
	and, or := ^uint64(0), uint64(0)
	for _, v := range key {
		and &= v
		or |= v
	}
	diff := and ^ or
	if diff == 0 {
		return // all keys equal: sorted, and stable
	}
	lo := bits.TrailingZeros64(diff)
	width := 64 - bits.LeadingZeros64(diff) - lo
	np := (width + radixBits - 1) / radixBits
	digit := uint((width + np - 1) / np)
	mask := uint64(1)<<digit - 1
	var count [passes][buckets]int
	for _, v := range key {
		v >>= uint(lo)
		for p := range np {
			count[p][(v>>(uint(p)*digit))&mask]++
		}
	}
	b.key2, b.idx2 = grow(b.key2, n), grow(b.idx2, n)
	key2, idx2 := b.key2, b.idx2
	src, dst := key, key2
	isrc, idst := idx, idx2
	for p := range np {
		c := &count[p]
		shift := uint(lo) + uint(p)*digit
		if c[(src[0]>>shift)&mask] == n {
			continue // every key has the same digit
		}
		sum := 0
		for b := range c[:mask+1] {
			c[b], sum = sum, sum+c[b]
		}
		for i, v := range src {
			b := (v >> shift) & mask
			dst[c[b]] = v
			idst[c[b]] = isrc[i]
			c[b]++
		}
		src, dst = dst, src
		isrc, idst = idst, isrc
	}
	if &src[0] != &key[0] {
		copy(key, src)
		copy(idx, isrc)
	}
}

// Index returns the permutation that sorts v ascending, stably (ties keep
// their order), and the keys of v in that order. v must not contain NaN.
func Index(v []float64) (idx []int32, keys []uint64) {
	keys = make([]uint64, len(v))
	idx = make([]int32, len(v))
	for i, x := range v {
		keys[i] = Key(x)
		idx[i] = int32(i)
	}
	Sort(keys, idx)
	return idx, keys
}

// MidRanks returns R's rank(x, ties.method = "average"): 1-based ranks,
// tied values getting the mean of the ranks they span, and sum(t^3 - t)
// over the groups of t tied values (the tie correction of rank tests). x
// must not contain NaN.
func MidRanks(x []float64) (ranks []float64, ties float64) {
	idx, keys := Index(x)
	ranks = make([]float64, len(x))
	for lo := 0; lo < len(x); {
		hi := lo + 1
		for hi < len(x) && keys[hi] == keys[lo] {
			hi++
		}
		mid := float64(lo+1+hi) / 2
		for _, i := range idx[lo:hi] {
			ranks[i] = mid
		}
		if t := float64(hi - lo); t > 1 {
			ties += t*t*t - t
		}
		lo = hi
	}
	return ranks, ties
}
