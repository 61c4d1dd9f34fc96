package survival

import (
	"fmt"
	"math"

	"carimpi/internal/sortkey"
	"carimpi/survival/internal/timefix"
)

// tally is a sample tabulated by stratum and distinct time: all that the
// Kaplan-Meier curve and the log-rank test read of the data. Row r (a
// distinct time of one stratum, after aeqSurv merging) has count[(r*g+c)*2]
// observations of group c at its time, count[(r*g+c)*2+1] of them events.
// Its size, rows x g, stays below the log-rank test's work, rows x g^2.
type tally struct {
	g     int      // groups
	start []int    // stratum s has rows start[s]:start[s+1], times ascending
	key   []uint64 // sortkey.Key of each row's time
	count []int32
}

func (t *tally) time(r int) float64 { return sortkey.Value(t.key[r]) }

// tallyDistinct is the most distinct times tabulate counts in its hash
// table (2^16: the table and the counts stay in the processor's cache);
// beyond it, or when the counts would outgrow 4n + 4096 cells (many
// strata), it sorts. A variable so that the tests run both paths.
var tallyDistinct = 1 << 16

// tabulate checks the sample and counts it by (stratum, time, group):
// times equal after R's aeqSurv merging (timefix, over the whole sample)
// share a row. strata and group may be nil (one stratum, one group). It
// returns the tally and the numbers of strata k and groups g (1 + the
// largest code), or checkTimes' error, else checkCodes' for group, else for
// strata.
//
// With few distinct times (registry data: days, months to two decimals)
// one pass checks each row and hashes its time to its counts, and only the
// distinct times are sorted; that is O(n) with a table in cache and every
// input read once, where sorting the rows costs several passes over
// memory. Otherwise the rows are checked, then sorted by time
// (sortkey.Sort, with the event, group and stratum packed in a tag carried
// through the sort) and the sorted runs counted.
func tabulate(time []float64, event []bool, strata, group []int) (*tally, int, int, error) {
	if t, k, g := hashTally(time, event, strata, group); t != nil {
		return t, k, g, nil
	}
	// The hash pass stopped at a row it could not take (a bad value, or
	// one distinct time too many): the sort path checks every row.
	return sortTally(time, event, strata, group)
}

// hashTally is tabulate's hash path. It checks each row as it counts it and
// returns nil at the first row that is not a time >= 0 and finite with codes
// in 0..n, or that would make too many distinct times or cells, and for
// slices of different lengths or sizes checkTimes refuses (the caller then
// checks and sorts).
func hashTally(time []float64, event []bool, strata, group []int) (*tally, int, int) {
	n := len(time)
	if n == 0 || n > maxObs || len(event) != n || (strata != nil && len(strata) != n) || (group != nil && len(group) != n) {
		return nil, 0, 0
	}
	hc := &hashCounts{n: n, cells: 4*n + 4096, k: 1, g: 1, kc: 1, gc: 1, shift: 64 - 10, tab: make([]slot, 1<<10)}
	hc.limit = min(tallyDistinct, hc.cells/2)
	// The loop keeps hc's fields in locals, refreshed after the rare calls
	// that change them (a new time, a new largest code): with fewer values
	// live it runs from registers.
	tab, mask, shift := hc.tab, uint64(len(hc.tab)-1), hc.shift
	cnt, k, g, kc, gc := hc.cnt, hc.k, hc.g, hc.kc, hc.gc
	event = event[:n] // of time's length: no bounds checks in the loop
	if strata != nil {
		strata = strata[:n]
	}
	if group != nil {
		group = group[:n]
	}
	for i, t := range time {
		// t >= 0 (-0 included) and finite; its sortkey.Key is u | 1<<63
		u := math.Float64bits(t)
		if u >= 0x7ff0000000000000 && u != 1<<63 {
			return nil, 0, 0
		}
		key := u | 1<<63
		s, c := 0, 0
		if strata != nil {
			s = strata[i]
		}
		if group != nil {
			c = group[i]
		}
		if uint(s) >= uint(k) || uint(c) >= uint(g) {
			if !hc.code(s, c) {
				return nil, 0, 0
			}
			cnt, k, g, kc, gc = hc.cnt, hc.k, hc.g, hc.kc, hc.gc
		}
		h := key * phi >> shift
		for tab[h].key != key && tab[h].key != 0 {
			h = (h + 1) & mask
		}
		id := tab[h].id
		if tab[h].key == 0 {
			if !hc.insert(key, h, i) {
				return nil, 0, 0
			}
			id = int32(len(hc.keys) - 1)
			tab, mask, shift, cnt = hc.tab, uint64(len(hc.tab)-1), hc.shift, hc.cnt
		}
		e := int32(0) // branch-free: events and censorings alternate at random
		if event[i] {
			e = 1
		}
		j := 2 * ((int(id)*kc+s)*gc + c)
		cnt[j]++
		cnt[j+1] += e
	}
	return fromDistinct(hc.keys, restride(cnt, len(hc.keys), kc, gc, k, g), k, g), k, g
}

// phi is the multiplier of hashCounts' multiplicative (Fibonacci) hashing.
const phi = 0x9e3779b97f4a7c15

// slot is an entry of hashCounts' table: a time's key and its id.
type slot struct {
	key uint64
	id  int32
}

// hashCounts is the state of hashTally's pass: the table of distinct
// times (open addressing with linear probing, at most half full; keys
// have the top bit set, times being >= 0, so 0 marks an empty slot), the
// times by id in order of first appearance, and the counts.
type hashCounts struct {
	n, cells, limit int
	tab             []slot
	shift           uint
	keys            []uint64
	cnt             []int32 // [(id*kc*gc + s*gc + c)*2 + {0, 1}]
	// k and g are 1 + the largest codes so far; the counts have room for
	// codes below kc and gc, raised to at least 1.5 times when a larger
	// code comes (exactly 2 and 3 for 2 or 3 codes, so the counts stay
	// dense), so that new largest codes cost a copy of the counts only
	// O(log(k g)) times.
	k, g, kc, gc int
}

// code takes stratum s and group c, one of them at least the largest so
// far; false when a code is outside 0..n or there would be too many cells.
func (hc *hashCounts) code(s, c int) bool {
	if s < 0 || s > hc.n || c < 0 || c > hc.n {
		return false
	}
	hc.k, hc.g = max(hc.k, s+1), max(hc.g, c+1)
	if hc.k <= hc.kc && hc.g <= hc.gc {
		return true
	}
	k2, g2 := hc.kc, hc.gc
	if hc.k > hc.kc {
		k2 = max(hc.k, hc.kc+hc.kc/2)
	}
	if hc.g > hc.gc {
		g2 = max(hc.g, hc.gc+hc.gc/2)
	}
	if k2*g2 > hc.cells {
		return false
	}
	hc.cnt = restride(hc.cnt, len(hc.keys), hc.kc, hc.gc, k2, g2)
	hc.kc, hc.gc = k2, g2
	hc.limit = min(tallyDistinct, hc.cells/(2*k2*g2))
	return len(hc.keys) <= hc.limit
}

// insert adds key, a new time met at row i, in the empty slot h; false when
// there are too many distinct times.
func (hc *hashCounts) insert(key, h uint64, i int) bool {
	d := len(hc.keys)
	if d == hc.limit || (d == 4096 && i-d < 16 && hc.limit < hc.n) {
		// Too many distinct times; or the first 4096 were found in fewer
		// than 4112 rows: among D equally likely times 4096 draws repeat
		// about 4096^2/(2D) times, so D is near 5e5 or more, past the
		// limit (continuous times: stop now, not after a full table).
		return false
	}
	hc.tab[h] = slot{key, int32(d)}
	hc.keys = append(hc.keys, key)
	hc.cnt = append(hc.cnt, make([]int32, 2*hc.kc*hc.gc)...)
	if 2*len(hc.keys) > len(hc.tab) {
		hc.shift--
		hc.tab = make([]slot, 2*len(hc.tab))
		mask := uint64(len(hc.tab) - 1)
		for j, k := range hc.keys {
			h := k * phi >> hc.shift
			for hc.tab[h].key != 0 {
				h = (h + 1) & mask
			}
			hc.tab[h] = slot{k, int32(j)}
		}
	}
	return true
}

// restride copies counts laid out [(id*k*g + s*g + c)*2 + e] for d ids into
// the layout for k2 strata and g2 groups (codes below min(k, k2) and
// min(g, g2) kept); cnt itself when the layout is the same.
func restride(cnt []int32, d, k, g, k2, g2 int) []int32 {
	if k == k2 && g == g2 {
		return cnt
	}
	out := make([]int32, d*k2*g2*2)
	for id := range d {
		for s := range min(k, k2) {
			copy(out[2*((id*k2+s)*g2):][:2*min(g, g2)], cnt[2*((id*k+s)*g):])
		}
	}
	return out
}

// fromDistinct turns the hash path's counts by distinct time (keys[id],
// cnt[(id*k*g + s*g + c)*2 + e]) into a tally: the distinct times sorted
// and merged by aeqSurv, the counts summed by (stratum, merged time, group)
// and the times a stratum does not have dropped from it.
func fromDistinct(keys []uint64, cnt []int32, k, g int) *tally {
	d := len(keys)
	sorted := make([]uint64, d)
	idx := make([]int32, d)
	copy(sorted, keys)
	for i := range idx {
		idx[i] = int32(i)
	}
	sortkey.Sort(sorted, idx)
	timefix.Sorted(sorted)
	rank := make([]int, d) // by id
	uniq := sorted[:0]     // the merged times; sorted is not read again behind it
	for i, key := range sorted {
		if i == 0 || key != uniq[len(uniq)-1] {
			uniq = append(uniq, key)
		}
		rank[idx[i]] = len(uniq) - 1
	}
	m := len(uniq)
	dense := make([]int32, k*m*g*2) // [((s*m + r)*g + c)*2 + e]
	for id, r := range rank {
		for s := range k {
			from := cnt[(id*k+s)*g*2:][:g*2]
			to := dense[(s*m+r)*g*2:][:g*2]
			for j, v := range from {
				to[j] += v
			}
		}
	}
	// Keep the (stratum, time) cells with observations, in place: row w
	// comes from cell s*m + r >= w.
	t := &tally{g: g, start: make([]int, k+1)}
	w := 0
	for s := range k {
		for r := range m {
			cell := dense[(s*m+r)*g*2:][:g*2]
			seen := false
			for c := range g {
				seen = seen || cell[2*c] > 0
			}
			if seen {
				copy(dense[w*g*2:], cell)
				t.key = append(t.key, uniq[r])
				w++
			}
		}
		t.start[s+1] = w
	}
	t.count = dense[:w*g*2]
	return t
}

// sortTally is tabulate's sort path: the rows checked, sorted by time
// with the shared radix sort, event, group and stratum packed in the tag
// carried through it; aeqSurv over the sorted keys; then each stratum's
// runs of equal times counted (two passes: rows per stratum, then the
// counts).
func sortTally(time []float64, event []bool, strata, group []int) (*tally, int, int, error) {
	n := len(time)
	if n == 0 || n > maxObs || len(event) != n {
		return nil, 0, 0, checkTimes(time, event)
	}
	// The times are checked as their keys are made, below; a bad time is
	// reported before a bad code, as checkTimes before checkCodes would.
	k := 0
	g, err := checkCodes("group", group, n)
	if err == nil {
		k, err = checkCodes("strata", strata, n)
	}
	if err != nil {
		if terr := checkTimes(time, event); terr != nil {
			return nil, 0, 0, terr
		}
		return nil, 0, 0, err
	}
	gbits := bitsFor(g)
	if 1+gbits+bitsFor(k) > 31 {
		return nil, 0, 0, fmt.Errorf("survival: %d groups in %d strata are too many to code", g, k)
	}
	shift := 1 + gbits
	key := make([]uint64, n)
	tag := make([]int32, n)
	for i, t := range time {
		u := math.Float64bits(t) // t >= 0 (-0 included) and finite: its key is u | 1<<63
		if u >= 0x7ff0000000000000 && u != 1<<63 {
			return nil, 0, 0, checkTimes(time, event)
		}
		key[i] = u | 1<<63
		var c int32
		if event[i] {
			c = 1
		}
		if group != nil {
			c |= int32(group[i]) << 1
		}
		if strata != nil {
			c |= int32(strata[i]) << shift
		}
		tag[i] = c
	}
	sortkey.Sort(key, tag)
	timefix.Sorted(key)

	t := &tally{g: g, start: make([]int, k+1)}
	last := make([]int, k) // the last run of equal times in which stratum s was seen, + 1
	run := 0
	for i, c := range tag {
		if i == 0 || key[i] != key[i-1] {
			run++
		}
		if s := c >> shift; last[s] != run {
			last[s] = run
			t.start[s+1]++
		}
	}
	for s := range k {
		t.start[s+1] += t.start[s]
	}
	rows := t.start[k]
	t.key = make([]uint64, rows)
	t.count = make([]int32, rows*g*2)
	next := append([]int(nil), t.start[:k]...) // the row stratum s fills next
	clear(last)
	run = 0
	for i, c := range tag {
		if i == 0 || key[i] != key[i-1] {
			run++
		}
		s := c >> shift
		if last[s] != run {
			last[s] = run
			t.key[next[s]] = key[i]
			next[s]++
		}
		j := ((next[s]-1)*g + int(c>>1&(1<<gbits-1))) * 2
		t.count[j]++
		t.count[j+1] += c & 1
	}
	return t, k, g, nil
}
