package stattest

import (
	"math"
	"slices"
	"sort"
)

// fisherMaxWork caps the weighted enumeration steps of fisherRxC: about 1-3
// s on a loaded 2-core machine.
const fisherMaxWork = 80_000_000

// rcNetwork enumerates the r x c tables with fixed margins column by
// column. A node at stage k is the multiset of row margins left for
// columns k..c-1 (kept sorted, since the rows are exchangeable from there
// on); an edge is one allocation of column k's total to the rows, with
// length -sum_i log(a_i!). A path's length plus the constant
// log(prod R_i! prod C_j! / N!) is the log probability of its table.
type rcNetwork struct {
	lf     []float64 // log factorials
	cols   []int     // column totals in stage order
	suffix []float64 // suffix[k] = sum_{j >= k} log(C_j!)
	bounds []map[nodeKey]pathBounds
	thr    float64             // log threshold on path length (observed, plus tolerance)
	cst    float64             // log(prod R_i! prod C_j! / N!)
	memo   map[memoKey]float64 // probability below a (node, past length)
	work   int
	limit  int
	// scratch[k] holds the margins of a stage-k child while it is
	// visited, reused so that the walk does not allocate per edge.
	scratch [][]int
	bits    uint // bits per margin in a nodeKey
}

// nodeKey packs a node's sorted margins, bits each, into 128 bits.
type nodeKey [2]uint64

// pathBounds are the longest and (a lower bound on the) shortest remaining
// path length from a node.
type pathBounds struct{ max, min float64 }

// fisherRxC is the two-sided exact p-value of a table without empty rows or
// columns (see FisherExact). It fails with ErrTableTooLarge after limit
// enumeration steps.
func fisherRxC(t [][]int, limit int) (float64, error) {
	if len(t) > len(t[0]) { // fewer rows make smaller allocations per column
		t = transpose(t)
	}
	r, c := len(t), len(t[0])
	rows := make([]int, r)
	cols := make([]int, c)
	n := 0
	for i, row := range t {
		for j, v := range row {
			rows[i] += v
			cols[j] += v
			n += v
		}
	}
	slices.Sort(cols)
	nt := &rcNetwork{lf: logFactorials(n), cols: cols, limit: limit, memo: map[memoKey]float64{}}
	nt.suffix = make([]float64, c+1)
	for k := c - 1; k >= 0; k-- {
		nt.suffix[k] = nt.suffix[k+1] + nt.lf[cols[k]]
	}
	nt.bits = uint(bitsLen(n))
	if uint(r)*nt.bits > 128 {
		return 0, ErrTableTooLarge // r > 7 rows and columns with N >= 65536: far beyond enumeration
	}
	nt.bounds = make([]map[nodeKey]pathBounds, c)
	nt.scratch = make([][]int, c+1)
	for k := range nt.bounds {
		nt.bounds[k] = map[nodeKey]pathBounds{}
	}
	for k := range nt.scratch {
		nt.scratch[k] = make([]int, r)
	}
	var obs float64
	for _, row := range t {
		for _, v := range row {
			obs -= nt.lf[v]
		}
	}
	nt.thr = obs + math.Log1p(fisherRelTol)
	nt.cst = nt.suffix[0] - nt.lf[n]
	for _, m := range rows {
		nt.cst += nt.lf[m]
	}
	slices.Sort(rows)
	p, ok := nt.walk(0, rows, 0)
	if !ok {
		return 0, ErrTableTooLarge
	}
	return math.Min(1, p), nil
}

func transpose(t [][]int) [][]int {
	out := make([][]int, len(t[0]))
	for j := range out {
		out[j] = make([]int, len(t))
		for i := range t {
			out[j][i] = t[i][j]
		}
	}
	return out
}

// walk returns the probability of the counted tables through node (k, m)
// whose path so far has length past, and false when the work limit was
// hit. Many paths reach a node with the same length (permuted rows or
// columns with equal totals); the sum below a node is a function of that
// length only, so it is memoised per (node, length to 1e-11), as the
// network algorithm merges equal past probabilities.
func (nt *rcNetwork) walk(k int, m []int, past float64) (float64, bool) {
	b, ok := nt.bound(k, m)
	if !ok {
		return 0, false
	}
	if past+b.max <= nt.thr { // every completion counts: the node's mass
		return math.Exp(nt.cst + past + nt.logMass(k, m)), true
	}
	if past+b.min > nt.thr { // no completion counts
		return 0, true
	}
	mk := memoKey{node: nt.key(m), stage: k, past: int64(math.Round(past * 1e11))}
	if s, ok := nt.memo[mk]; ok {
		return s, true
	}
	var sum float64
	if k == len(nt.cols)-2 {
		sum, ok = nt.lastTwoColumns(nt.cols[k], m, past)
	} else {
		child := nt.scratch[k+1]
		ok = nt.allocate(nt.cols[k], m, func(a []int, edge float64) bool {
			nt.childOf(child, m, a)
			s, ok := nt.walk(k+1, child, past+edge)
			sum += s
			return ok
		})
	}
	if ok && len(nt.memo) < maxMemo {
		nt.memo[mk] = sum
	}
	return sum, ok
}

// maxMemo caps the entries of rcNetwork.memo (about 100 bytes each).
const maxMemo = 1 << 19

// memoKey identifies a node reached with a given past length.
type memoKey struct {
	node  nodeKey
	stage int
	past  int64 // path length so far, in units of 1e-11
}

// lastTwoColumns returns the probability of the counted tables through a
// node with two columns left, where the allocation a of the first of them
// fixes the second (m - a). Rows 0..r-3 are enumerated; for each such
// prefix the last two rows have one free count, handled by twoRowTails.
func (nt *rcNetwork) lastTwoColumns(col int, m []int, past float64) (float64, bool) {
	r := len(m)
	p, q := m[r-2], m[r-1]
	var sum float64
	var rec func(i, left int, v float64) bool
	rec = func(i, left int, v float64) bool {
		if i == r-2 {
			nt.work++
			if nt.work > nt.limit {
				return false
			}
			sum += nt.twoRowTails(v, left, p, q)
			return true
		}
		room := p + q
		for j := i + 1; j < r-2; j++ {
			room += m[j]
		}
		for a := max(0, left-room); a <= min(left, m[i]); a++ {
			if !rec(i+1, left-a, v-nt.lf[a]-nt.lf[m[i]-a]) {
				return false
			}
		}
		return true
	}
	ok := rec(0, col, past)
	return sum, ok
}

// twoRowTails returns the probability of the counted tables among those
// that put a of `left` units in row p's first cell (margins p and q of the
// last two rows, two columns left), the rest of the path having length
// base. The path length
//
//	v(a) = base - log a! - log (p-a)! - log (left-a)! - log (q-left+a)!
//
// is concave in a, so the counted values {v(a) <= thr} are two tails
// around the mode. The tails are found by bisection and summed outward
// from their inner ends until the terms no longer change the sum;
// when every a counts, the Vandermonde identity gives the total
// C(p+q, left)/(p! q!) exp(base) in closed form.
func (nt *rcNetwork) twoRowTails(base float64, left, p, q int) float64 {
	lo, hi := max(0, left-q), min(left, p)
	lf := nt.lf
	v := func(a int) float64 { return base - lf[a] - lf[p-a] - lf[left-a] - lf[q-left+a] }
	// mode: first a whose step v(a+1) - v(a) is not positive
	mode := lo + sort.Search(hi-lo, func(d int) bool {
		a := lo + d
		return float64(p-a)*float64(left-a) <= float64(a+1)*float64(q-left+a+1)
	})
	if v(mode) <= nt.thr {
		return math.Exp(nt.cst + base + lf[p+q] - lf[left] - lf[p+q-left] - lf[p] - lf[q])
	}
	var sum float64
	// Successive terms differ by rational factors, so each tail takes one
	// exp and then a multiplication per term (rounding grows by ~1 eps per
	// term).
	// Left tail: v increases on [lo, mode]; the last a there with v <= thr.
	if n := sort.Search(mode-lo, func(d int) bool { return v(lo+d) > nt.thr }); n > 0 {
		a := lo + n - 1
		t := math.Exp(nt.cst + v(a))
		for {
			nt.work++
			sum += t
			if a == lo || t <= sum*1e-17 {
				break
			}
			// exp(v(a-1) - v(a))
			t *= float64(a) * float64(q-left+a) / (float64(p-a+1) * float64(left-a+1))
			a--
		}
	}
	// Right tail: v decreases on [mode, hi]; the first a there with v <= thr.
	n := sort.Search(hi-mode, func(d int) bool { return v(mode+1+d) <= nt.thr })
	if a := mode + 1 + n; a <= hi {
		t := math.Exp(nt.cst + v(a))
		for {
			nt.work++
			sum += t
			if a == hi || t <= sum*1e-17 {
				break
			}
			// exp(v(a+1) - v(a))
			t *= float64(p-a) * float64(left-a) / (float64(a+1) * float64(q-left+a+1))
			a++
		}
	}
	return sum
}

// logMass is log of the sum over all completions of node (k, m) of
// prod 1/x_ij!, which is M!/(prod m_i! prod_{j>=k} C_j!) since the
// multivariate hypergeometric probabilities sum to 1.
func (nt *rcNetwork) logMass(k int, m []int) float64 {
	s := -nt.suffix[k]
	tot := 0
	for _, v := range m {
		s -= nt.lf[v]
		tot += v
	}
	return s + nt.lf[tot]
}

// childOf sets child to the sorted margins m - a.
func (nt *rcNetwork) childOf(child, m, a []int) {
	for i := range m {
		child[i] = m[i] - a[i]
	}
	slices.Sort(child)
	nt.work += 4 // the sort and the map look-up that follow
}

// key packs the margins m.
func (nt *rcNetwork) key(m []int) nodeKey {
	var k nodeKey
	var pos uint
	for _, v := range m {
		k[pos/64] |= uint64(v) << (pos % 64)
		if pos%64+nt.bits > 64 { // straddles the two words
			k[1] |= uint64(v) >> (64 - pos%64)
		}
		pos += nt.bits
	}
	return k
}

func bitsLen(n int) int {
	b := 1
	for n>>b > 0 {
		b++
	}
	return b
}

// bound returns the path bounds of node (k, m), memoised. With one column
// left the path is fixed; with two, the longest path maximises a
// separable concave function (found by greedy transfers) and the shortest
// minimises it, at a vertex of {0 <= a_i <= m_i, sum a_i = C}. Earlier
// stages recurse over their allocations.
func (nt *rcNetwork) bound(k int, m []int) (pathBounds, bool) {
	c := len(nt.cols)
	if k == c-1 {
		var v float64
		for _, x := range m {
			v -= nt.lf[x]
		}
		return pathBounds{v, v}, true
	}
	key := nt.key(m)
	if b, ok := nt.bounds[k][key]; ok {
		return b, true
	}
	var b pathBounds
	if k == c-2 {
		nt.work += 16 + len(m)*len(m)<<min(len(m), 10) // the cost of the two searches
		b = pathBounds{max: nt.twoColumnMax(nt.cols[k], m), min: nt.twoColumnMin(nt.cols[k], m)}
	} else {
		b = pathBounds{max: math.Inf(-1), min: math.Inf(1)}
		child := nt.scratch[k+1]
		done := nt.allocate(nt.cols[k], m, func(a []int, edge float64) bool {
			nt.childOf(child, m, a)
			cb, ok := nt.bound(k+1, child)
			b.max = math.Max(b.max, edge+cb.max)
			b.min = math.Min(b.min, edge+cb.min)
			return ok
		})
		if !done {
			return pathBounds{}, false
		}
	}
	nt.bounds[k][key] = b
	return b, true
}

// g is the length of the two cells of row i when a of its margin mi goes
// to the first of the last two columns.
func (nt *rcNetwork) g(a, mi int) float64 { return -nt.lf[a] - nt.lf[mi-a] }

// twoColumnMax is the longest path through the last two columns when col
// of the margins m go to the first of them.
func (nt *rcNetwork) twoColumnMax(col int, m []int) float64 {
	tot := 0
	for _, v := range m {
		tot += v
	}
	a := make([]int, len(m))
	used := 0
	for i, v := range m { // start near the optimum: proportional shares
		a[i] = v * col / tot
		used += a[i]
	}
	gain := func(i int) float64 { // change when a_i grows by 1
		if a[i] >= m[i] {
			return math.Inf(-1)
		}
		return math.Log(float64(m[i]-a[i]) / float64(a[i]+1))
	}
	loss := func(i int) float64 { // change when a_i shrinks by 1
		if a[i] == 0 {
			return math.Inf(-1)
		}
		return math.Log(float64(a[i]) / float64(m[i]-a[i]+1))
	}
	for ; used < col; used++ {
		best := 0
		for i := range a {
			if gain(i) > gain(best) {
				best = i
			}
		}
		a[best]++
	}
	// For a separable concave objective under one sum constraint, no
	// improving unit transfer means a global maximum.
	for {
		best, up, down := 1e-12, -1, -1
		for i := range a {
			for j := range a {
				if i != j && gain(i)+loss(j) > best {
					best, up, down = gain(i)+loss(j), i, j
				}
			}
		}
		if up < 0 {
			break
		}
		a[up]++
		a[down]--
	}
	var v float64
	for i := range a {
		v += nt.g(a[i], m[i])
	}
	return v
}

// twoColumnMin is the shortest path through the last two columns. A
// concave function attains its minimum over a polytope at a vertex; the
// vertices here have every a_i at 0 or m_i but one. They are enumerated for
// up to 10 rows; beyond that, the weaker bound sum_i min_a g_i(a) is used.
func (nt *rcNetwork) twoColumnMin(col int, m []int) float64 {
	r := len(m)
	if r > 10 {
		var v float64
		for _, x := range m {
			v -= nt.lf[x]
		}
		return v
	}
	best := math.Inf(1)
	for free := range r {
		for mask := 0; mask < 1<<r; mask++ {
			if mask&(1<<free) != 0 {
				continue
			}
			rest := col
			var v float64
			for i := range r {
				if i != free && mask&(1<<i) != 0 {
					rest -= m[i]
				}
				if i != free {
					v -= nt.lf[m[i]] // g at a_i = 0 or m_i
				}
			}
			if rest < 0 || rest > m[free] {
				continue
			}
			best = math.Min(best, v+nt.g(rest, m[free]))
		}
	}
	return best
}

// allocate calls f for every a with sum a = col and 0 <= a_i <= m_i, with
// the edge length -sum log(a_i!). It stops early, reporting false, when f
// does or when the work limit is reached.
func (nt *rcNetwork) allocate(col int, m []int, f func(a []int, edge float64) bool) bool {
	r := len(m)
	a := make([]int, r)
	room := make([]int, r+1) // room[i] = sum of m[i:]
	for i := r - 1; i >= 0; i-- {
		room[i] = room[i+1] + m[i]
	}
	var rec func(i, left int, edge float64) bool
	rec = func(i, left int, edge float64) bool {
		if i == r-1 {
			a[i] = left
			nt.work++
			if nt.work > nt.limit {
				return false
			}
			return f(a, edge-nt.lf[left])
		}
		for v := max(0, left-room[i+1]); v <= min(left, m[i]); v++ {
			a[i] = v
			if !rec(i+1, left-v, edge-nt.lf[v]) {
				return false
			}
		}
		return true
	}
	return rec(0, col, 0)
}
