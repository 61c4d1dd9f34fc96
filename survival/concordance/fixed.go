package concordance

import (
	"math"
	"slices"

	"carimpi/internal/sortkey"
	"carimpi/survival/internal/timefix"
)

// Fixed is one survival outcome prepared for many Harrell's C
// computations with different scores or row counts, as in a bootstrap of a
// model's concordance: the rows are sorted by time once (NewFixed), and
// each HarrellC then costs one sort of the scores and one O(n log n) sweep
// without the standard error's work. A Fixed keeps scratch space between
// calls and is not safe for concurrent use; make one per goroutine
// (Clone).
type Fixed struct {
	time  []float64
	event []bool
	ord   []int32  // rows by ascending time
	key   []uint64 // their time keys (sortkey), ascending
	// fixedKey are the keys after timefix over all rows (nil until the
	// first HarrellC without counts)
	fixedKey []uint64

	// apart: no two distinct times, nor any subset's, are joined by
	// timefix, and every time is finite (HarrellCs walks once)
	apart bool

	// scratch
	pair []pairNode
	rows []int32
	keys []uint64
	all  fenwick
	rank []int32
	sort sortkey.Buffer
}

// NewFixed prepares the outcome (time, event) for HarrellC. The slices are
// kept, not copied: they must not change while the Fixed is in use. It
// panics if their lengths differ.
func NewFixed(time []float64, event []bool) *Fixed {
	if len(event) != len(time) {
		panic("concordance: time, event and score lengths differ")
	}
	f := &Fixed{time: time, event: event, rank: make([]int32, len(time))}
	f.ord, f.key = sortkey.Index(time)
	f.apart = timefix.Apart(f.key)
	return f
}

// Clone returns a Fixed of the same outcome for another goroutine: it
// shares f's time order, which no call changes, and has scratch space of
// its own.
func (f *Fixed) Clone() *Fixed {
	return &Fixed{time: f.time, event: f.event, ord: f.ord, key: f.key, fixedKey: f.fixedKey, apart: f.apart,
		rank: make([]int32, len(f.time))}
}

// pairNode is a node of the two Fenwick trees of HarrellCs, side by side
// so that one walk up the tree reads both: the tree sums (t) and the
// weight at the rank (w), of the counted rows [0] and of every row once
// [1]. Whole numbers below 2^31: counts summed over fewer than 2^31 rows
// (the rows are indexed by int32).
type pairNode struct {
	t, w [2]int32
}

// HarrellCs returns HarrellC(score, count) and HarrellC(score, nil), the C
// of the rows counted and of every row once (a bootstrap replicate's
// apparent and test C), bit for bit, in one walk: when no times are tied
// by timefix the two share their time order and their score ranks, and
// the two trees side by side share their memory accesses. With times that
// timefix joins, or NaN, it calls HarrellC twice.
func (f *Fixed) HarrellCs(score []float64, count []int32) (counted, once float64) {
	n := len(f.time)
	if len(score) != n || len(count) != n {
		panic("concordance: time, event and score lengths differ")
	}
	if !f.apart || slices.ContainsFunc(score, math.IsNaN) {
		m := 0 // the scores are ranked once for both
		counted = f.harrellC(score, count, &m)
		once = f.harrellC(score, nil, &m)
		return counted, once
	}
	m := f.ranks(score)
	if len(f.pair) < m+1 {
		f.pair = make([]pairNode, n+1) // m <= n: once
	}
	tree := f.pair[:m+1]
	add := func(r int, c int32) {
		tree[r].w[0] += c
		tree[r].w[1]++
		for ; r <= m; r += r & -r {
			tree[r].t[0] += c
			tree[r].t[1]++
		}
	}
	var total [2]int64
	var conc, disc, tied [2]int64
	rows, keys := f.ord, f.key
	for hi := len(rows); hi > 0; {
		lo := hi - 1
		for lo > 0 && keys[lo-1] == keys[hi-1] {
			lo--
		}
		for _, i := range rows[lo:hi] {
			if !f.event[i] {
				add(int(f.rank[i]), count[i])
				total[0] += int64(count[i])
				total[1]++
			}
		}
		for _, i := range rows[lo:hi] {
			if !f.event[i] {
				continue
			}
			r := int(f.rank[i])
			var less0, less1 int64
			for k := r - 1; k > 0; k -= k & -k {
				less0 += int64(tree[k].t[0])
				less1 += int64(tree[k].t[1])
			}
			c := int64(count[i])
			eq0, eq1 := int64(tree[r].w[0]), int64(tree[r].w[1])
			conc[0] += c * less0
			disc[0] += c * (total[0] - less0 - eq0)
			tied[0] += c * eq0
			conc[1] += less1
			disc[1] += total[1] - less1 - eq1
			tied[1] += eq1
		}
		for _, i := range rows[lo:hi] {
			if f.event[i] {
				add(int(f.rank[i]), count[i])
				total[0] += int64(count[i])
				total[1]++
			}
		}
		hi = lo
	}
	clear(tree)
	var c [2]float64
	for s := range c {
		c[s] = math.NaN()
		if npair := conc[s] + disc[s] + tied[s]; npair > 0 {
			c[s] = ((float64(conc[s])-float64(disc[s]))/float64(npair) + 1) / 2
		}
	}
	return c[0], c[1]
}

// HarrellC returns Harrell's C of score with the outcome in which row i
// counts count[i] times (count nil: once each; 0 leaves it out), the C
// that Harrell returns for the rows so repeated, bit for bit: the pair
// counts are whole numbers, summed exactly in float64 below 2^53 pairs,
// and times nearly equal are tied (timefix) among the rows present, as
// Harrell ties them. Copies of one row are tied in time and score and so
// never a comparable pair, as in Harrell. It panics if score or count
// differ in length from the outcome.
func (f *Fixed) HarrellC(score []float64, count []int32) float64 {
	n := len(f.time)
	if len(score) != n || (count != nil && len(count) != n) {
		panic("concordance: time, event and score lengths differ")
	}
	m := 0
	return f.harrellC(score, count, &m)
}

// harrellC is HarrellC with the scores ranked already if *m > 0 (the
// number of distinct scores; ranks), else ranked here and *m set.
func (f *Fixed) harrellC(score []float64, count []int32, m *int) float64 {
	weight := func(i int32) float64 {
		if count == nil {
			return 1
		}
		return float64(count[i])
	}
	// The rows present in time order, their times tied as Harrell ties
	// them (timefix on the present times only; for all rows, once).
	rows, keys := f.ord, f.fixedKey
	if count != nil || keys == nil {
		rows, keys = f.rows[:0], f.keys[:0]
		for k, i := range f.ord {
			if count == nil || count[i] > 0 {
				rows, keys = append(rows, i), append(keys, f.key[k])
			}
		}
		f.rows, f.keys = rows, keys
		timefix.Sorted(keys)
		if count == nil {
			f.fixedKey = slices.Clone(keys)
		}
	}
	for _, i := range rows {
		if math.IsNaN(f.time[i]) || math.IsNaN(score[i]) {
			return math.NaN()
		}
	}
	if *m == 0 {
		*m = f.ranks(score)
	}
	if len(f.all.tree) < *m+1 {
		f.all = newFenwick(*m)
	}
	// Walk back in time: at each time the censored rows join the risk set
	// first (a censoring at an event's time counts as later), then each
	// event is compared with every row at risk, then the events join.
	var conc, disc, tied float64
	for hi := len(rows); hi > 0; {
		lo := hi - 1
		for lo > 0 && keys[lo-1] == keys[hi-1] {
			lo--
		}
		for _, i := range rows[lo:hi] {
			if !f.event[i] {
				f.all.add(int(f.rank[i]), weight(i))
			}
		}
		for _, i := range rows[lo:hi] {
			if f.event[i] {
				w := weight(i)
				less, greater, equal := f.all.split(int(f.rank[i]))
				conc += w * less
				disc += w * greater
				tied += w * equal
			}
		}
		for _, i := range rows[lo:hi] {
			if f.event[i] {
				f.all.add(int(f.rank[i]), weight(i))
			}
		}
		hi = lo
	}
	// empty the tree for the next call: one memclr is cheaper than
	// clearing the path of every row
	clear(f.all.tree)
	clear(f.all.node)
	f.all.total = 0
	npair := conc + disc + tied
	if npair == 0 {
		return math.NaN()
	}
	return ((conc-disc)/npair + 1) / 2
}

// ranks sets f.rank to the dense 1-based rank of each score among all
// rows and returns the number of distinct scores.
func (f *Fixed) ranks(score []float64) int {
	idx, keys := f.sort.Index(score)
	return denseRanks(f.rank, idx, keys)
}
