package stattest

import (
	"math"
	"slices"
)

// Limits of fisherRxC, beyond which it returns ErrTableTooLarge instead of
// running for minutes or exhausting memory.
const (
	// fisherMaxWork caps the steps of the meet-in-the-middle walk (tables
	// of 4 or more rows and columns; about 20 ns each, so about 1 s).
	fisherMaxWork = 50_000_000
	// fisherMaxListWork caps the work of listWalk (tables with 2 or 3 rows
	// or columns; about 5 ns a unit, so about 8 s of CPU). It is that
	// high for the hardest table of the study's shapes, a strongly
	// associated 5 x 3 at N = 520, which needs 1.26e9 (6.7 s).
	fisherMaxListWork = 1_500_000_000
	// fisherFlush is the number of first-half paths held at the middle
	// stage (20 bytes each with their grouping) before they are joined;
	// fisherMaxList caps a middle node's list of second-half lengths (8
	// bytes each).
	fisherFlush   = 1 << 21
	fisherMaxList = 1 << 22
	// fisherMaxIndex caps the nodes per stage of the network's index; its
	// dense bound table (16 bytes per node and stage) is used up to
	// fisherMaxDense entries, a map beyond.
	fisherMaxIndex = 1 << 22
	fisherMaxDense = 1 << 21
)

// fisherLimits are the work caps of fisherRxC's two walks; list = 0 runs
// the meet-in-the-middle walk on every shape (the tests compare the two).
type fisherLimits struct{ meet, list int }

var fisherDefaultLimits = fisherLimits{meet: fisherMaxWork, list: fisherMaxListWork}

// boundSlack widens the path bounds before a whole subtree is decided, so
// that rounding in the bounds (about 1e-12) can never decide a subtree
// wrongly; an undecided subtree is enumerated, so slack costs time only.
const boundSlack = 1e-9

// rcNetwork enumerates the r x c tables with fixed margins column by
// column (Mehta and Patel's network). A node at stage k holds the row
// margins m left for columns k..c-1; an edge is one allocation a of column
// k's total to the rows, with length -sum_i log(a_i!). A path's length plus
// the constant cst = log(prod R_i! prod C_j! / N!) is the log probability
// of its table. Nodes are numbered in mixed radix over all rows but the
// last (whose margin follows from the stage's total).
type rcNetwork struct {
	lf     []float64 // log factorials
	rows   []int     // row margins, ascending
	cols   []int     // column totals in stage order (see fisherRxC)
	suffix []float64 // suffix[k] = sum_{j >= k} log(C_j!)
	left   []int     // left[k] = sum_{j >= k} C_j
	radix  []int     // node index = sum_{i < r-1} m_i radix[i]
	size   int       // node indices per stage
	dense  []pathBounds
	sparse map[int]pathBounds
	thr    float64 // log threshold on path length (observed, plus tolerance)
	cst    float64
	mid    int // the stage where first- and second-half paths meet
	work   int
	limit  int
	p      float64 // probability of the counted tables found so far
	// first-half paths that reach the middle stage undecided, and the
	// buffers join groups them in
	midNode []int32
	midPast []float64
	start   []int32
	grouped []float64
	// scratch[k] holds the margins of a stage-k child while it is visited
	scratch [][]int
	secondL []float64 // second-half path lengths of one middle node
}

// pathBounds are an upper bound on the longest and a lower bound on the
// shortest remaining path length from a node (both exact where cheap).
type pathBounds struct{ max, min float64 }

// fisherRxC is the two-sided exact p-value of a table without empty rows or
// columns and larger than 2x2 (see FisherExact). It fails with
// ErrTableTooLarge beyond the work limits or when a list would exceed
// fisherMaxList or fisherMaxPasts.
//
// A table with 2 or 3 rows and 4 or more columns (after transposing) is
// walked by listWalk (unless limits.list is 0). Any other meets in the
// middle. The tables are paths through stages
// 0..c-1; the first half (stages before mid) is walked depth first, and a
// path whose subtree is decided by the bounds of its node is counted in
// closed form (node mass) or dropped. The first-half paths left undecided
// at a middle node are collected; then, for each such node once, its
// second-half paths are enumerated (again pruned by bounds: a subtree
// whose paths all count for every collected past is added as a mass, one
// that counts for none is dropped), sorted, and joined with the sorted
// pasts by prefix sums: a past x adds
//
//	exp(cst + x) * sum_{second-half y <= thr - x} exp(y)
//
// so the cost per middle node is that of sorting its two lists, not their
// product.
func fisherRxC(t [][]int, limits fisherLimits) (float64, error) {
	if len(t) > len(t[0]) { // fewer rows: smaller nodes and allocations
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
	// Ascending columns put the largest last, where its allocation is
	// forced, and the smallest in the first half; ascending rows leave
	// the largest margin out of the index.
	slices.Sort(cols)
	slices.Sort(rows)
	walkList := r <= 3 && c >= 4 && limits.list > 0 // with 3 columns the meet is quicker
	nt := &rcNetwork{lf: logFactorials(n), rows: rows, cols: cols, limit: limits.meet}
	if walkList {
		nt.limit = limits.list
	}
	nt.radix = make([]int, r-1)
	nt.size = 1
	for i := range r - 1 {
		nt.radix[i] = nt.size
		nt.size *= rows[i] + 1
		if nt.size > fisherMaxIndex {
			return 0, ErrTableTooLarge
		}
	}
	if nt.size*(c-1) <= fisherMaxDense {
		nt.dense = make([]pathBounds, nt.size*(c-1))
		for i := range nt.dense {
			nt.dense[i].max = math.NaN()
		}
	} else {
		nt.sparse = map[int]pathBounds{}
	}
	if !walkList {
		nt.mid = nt.split()
	}
	nt.suffix = make([]float64, c+1)
	nt.left = make([]int, c+1)
	for k := c - 1; k >= 0; k-- {
		nt.suffix[k] = nt.suffix[k+1] + nt.lf[cols[k]]
		nt.left[k] = nt.left[k+1] + cols[k]
	}
	nt.scratch = make([][]int, c+1)
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
	idx := 0
	for i := range r - 1 {
		idx += rows[i] * nt.radix[i]
	}
	if b := nt.bound(0, rows, idx); b.max+boundSlack <= nt.thr {
		return 1, nil // every table counts
	}
	if walkList {
		if !nt.listWalk(idx) {
			return 0, ErrTableTooLarge
		}
	} else if !nt.first(0, rows, idx, 0) || !nt.join() {
		return 0, ErrTableTooLarge
	}
	return math.Min(1, nt.p), nil
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

// split orders the columns (given ascending) into stages and returns the
// middle stage. The largest column goes last, where its allocation is
// forced; of the others, the set S walked before the middle minimises a
// rough cost, the first-half paths prod_{j in S} A_j plus the middle
// nodes times the second-half paths from each, prod_{j not in S} A_j,
// where A_j is the number of allocations of column j. (A small column is
// thus often best after the middle: there it multiplies the one list of
// each middle node, before it, every path into it.) The first half runs
// from its largest column to its smallest: a large column early decides
// many subtrees at once, and the small last one keeps the expansion of
// each undecided path cheap.
func (nt *rcNetwork) split() int {
	c, r := len(nt.cols), len(nt.rows)
	free := nt.cols[:c-1]
	logA := make([]float64, len(free))
	for j, v := range free {
		logA[j] = logChoose(v+r-1, r-1)
	}
	logNodes := func(used int) float64 { return math.Min(math.Log(float64(nt.size)), logChoose(used+r-1, r-1)) }
	subsets := 1 << len(free)
	if len(free) > 16 { // only the prefixes of the ascending order
		subsets = len(free) + 1
	}
	best, bestCost := 0, math.Inf(1)
	for s := 1; s < subsets; s++ {
		set := s
		if len(free) > 16 {
			set = 1<<s - 1
		}
		var first, second float64
		used := 0
		for j := range free {
			if set&(1<<j) != 0 {
				first += logA[j]
				used += free[j]
			} else {
				second += logA[j]
			}
		}
		// log(exp(first) + exp(nodes + second))
		a, b := first, logNodes(used)+second
		if cost := math.Max(a, b) + math.Log1p(math.Exp(-math.Abs(a-b))); cost < bestCost {
			best, bestCost = set, cost
		}
	}
	var before, after []int
	for j, v := range free {
		if best&(1<<j) != 0 {
			before = append(before, v)
		} else {
			after = append(after, v)
		}
	}
	slices.Reverse(before)
	copy(nt.cols, append(before, after...))
	return len(before)
}

// first walks the first-half paths below the undecided node (k, m), of
// index idx, whose path so far has length past. It returns false when a
// limit was hit.
func (nt *rcNetwork) first(k int, m []int, idx int, past float64) bool {
	if k == nt.mid {
		nt.midNode = append(nt.midNode, int32(idx))
		nt.midPast = append(nt.midPast, past)
		if len(nt.midPast) == fisherFlush { // bounded memory: join what is held
			return nt.join()
		}
		return true
	}
	return nt.allocate(k, m, idx, func(child []int, cidx int, edge float64, left int) bool {
		return nt.line(k, m, child, cidx, past+edge, left, nt.thr, nt.thr, nt.cst, &nt.p,
			func(child []int, cidx int, length float64) bool { return nt.first(k+1, child, cidx, length) })
	})
}

// line visits the children of node (k, m) that differ only in the last
// two rows' counts of column k: row r-2 takes a of the left units, row r-1
// the rest; child holds the other rows' margins already, cidx the
// child's index without rows r-2 and r-1, and length the path length
// with every other edge term. A child whose every completion has length
// at most lo adds its mass exp(add + length + log mass) to *sum; one whose
// every completion is longer than hi is dropped; any other goes to
// deeper (or, at the last stage, has its exact length).
//
// Along the line the masses of neighbouring children differ by a rational
// factor, so a run of wholly counted children costs one exp and then a
// multiplication each.
func (nt *rcNetwork) line(k int, m, child []int, cidx int, length float64, left int, lo, hi, add float64, sum *float64, deeper func(child []int, cidx int, length float64) bool) bool {
	r := len(m)
	i := r - 2
	w := -1.0 // mass of the previous child, when it counted wholly
	for a := max(0, left-m[r-1]); a <= min(left, m[i]); a++ {
		nt.work++
		if nt.work > nt.limit {
			return false
		}
		child[i], child[r-1] = m[i]-a, m[r-1]-(left-a)
		ci := cidx - a*nt.radix[i]
		l := length - nt.lf[a] - nt.lf[left-a]
		b := nt.bound(k+1, child, ci)
		if l+b.max+boundSlack <= lo {
			if w >= 0 {
				w *= float64(left-a+1) / float64(a) * float64(m[i]-a+1) / float64(child[r-1])
			} else {
				w = math.Exp(add + l + nt.logMass(k+1, child))
			}
			*sum += w
			continue
		}
		w = -1
		if l+b.min-boundSlack > hi {
			continue
		}
		if !deeper(child, ci, l) {
			return false
		}
	}
	return true
}

// join counts the first-half paths held at the middle stage, and empties
// the store: for each middle node that holds undecided first-half paths,
// it enumerates the node's second-half paths once and counts every
// (past, second half) pair whose total length is at most thr. (A node
// whose paths arrive in several batches is enumerated once per batch.)
func (nt *rcNetwork) join() bool {
	if len(nt.midPast) == 0 {
		return true
	}
	// Group the pasts by node (counting sort), each group ascending.
	if nt.start == nil {
		nt.start = make([]int32, nt.size+1)
	}
	start := nt.start
	clear(start)
	for _, v := range nt.midNode {
		start[v+1]++
	}
	for i := range nt.size {
		start[i+1] += start[i]
	}
	nt.grouped = slices.Grow(nt.grouped[:0], len(nt.midPast))[:len(nt.midPast)]
	past := nt.grouped
	for i, v := range nt.midNode { // start[v] runs ahead, then is reset
		past[start[v]] = nt.midPast[i]
		start[v]++
	}
	for i := nt.size; i > 0; i-- {
		start[i] = start[i-1]
	}
	start[0] = 0
	nt.midNode, nt.midPast = nt.midNode[:0], nt.midPast[:0]
	r := len(nt.rows)
	m := make([]int, r)
	for idx := range nt.size {
		pasts := past[start[idx]:start[idx+1]]
		if len(pasts) == 0 {
			continue
		}
		slices.Sort(pasts)
		nt.decode(idx, nt.mid, m)
		// Window on the second-half length y: y <= lo counts for every
		// past, y > hi for none.
		lo, hi := nt.thr-pasts[len(pasts)-1], nt.thr-pasts[0]
		ref := nt.bound(nt.mid, m, idx).max
		nt.secondL = nt.secondL[:0]
		low := 0.0 // sum of exp(y - ref) over y <= lo
		if !nt.second(nt.mid, m, idx, 0, lo, hi, ref, &low) {
			return false
		}
		ys := nt.secondL
		slices.Sort(ys)
		// Pasts in descending order meet ever larger limits thr - x.
		j, sum := 0, low
		for i := len(pasts) - 1; i >= 0; i-- {
			lim := nt.thr - pasts[i]
			for j < len(ys) && ys[j] <= lim {
				sum += math.Exp(ys[j] - ref)
				j++
			}
			nt.p += math.Exp(nt.cst+pasts[i]+ref) * sum
		}
		nt.work += len(pasts) + len(ys)
		if nt.work > nt.limit {
			return false
		}
	}
	return true
}

// second enumerates the second-half paths below the undecided node (k, m),
// of index idx, whose second-half length so far is q: paths longer than
// hi are dropped, subtrees whose paths are all at most lo are added to
// *low as exp(length - ref) in closed form, and the lengths of the others
// are appended to nt.secondL.
func (nt *rcNetwork) second(k int, m []int, idx int, q, lo, hi, ref float64, low *float64) bool {
	last := len(nt.cols) - 1
	return nt.allocate(k, m, idx, func(child []int, cidx int, edge float64, left int) bool {
		return nt.line(k, m, child, cidx, q+edge, left, lo, hi, -ref, low, func(child []int, cidx int, length float64) bool {
			if k+1 == last {
				nt.secondL = append(nt.secondL, length+nt.bound(last, child, cidx).max)
				return len(nt.secondL) <= fisherMaxList
			}
			return nt.second(k+1, child, cidx, length, lo, hi, ref, low)
		})
	})
}

// decode sets m to the margins of node idx at stage k.
func (nt *rcNetwork) decode(idx, k int, m []int) {
	r := len(m)
	rest := nt.left[k]
	for i := range r - 1 {
		m[i] = idx % (nt.rows[i] + 1)
		idx /= nt.rows[i] + 1
		rest -= m[i]
	}
	m[r-1] = rest
}

// logMass is log of the sum over all completions of node (k, m) of
// prod 1/x_ij!, which is M!/(prod m_i! prod_{j>=k} C_j!) since the
// multivariate hypergeometric probabilities sum to 1.
func (nt *rcNetwork) logMass(k int, m []int) float64 {
	s := nt.lf[nt.left[k]] - nt.suffix[k]
	for _, v := range m {
		s -= nt.lf[v]
	}
	return s
}

// allocate enumerates the children of node (k, m) (every a with
// sum a = C_k and 0 <= a_i <= m_i; the child's margins are m - a) by their
// rows 0..r-3, calling line with the child's margins so far, its index
// without the last two rows, the edge length -sum log(a_i!) of those rows
// and the units left for the last two. It stops early, reporting false,
// when line does.
func (nt *rcNetwork) allocate(k int, m []int, idx int, line func(child []int, cidx int, edge float64, left int) bool) bool {
	r := len(m)
	child := nt.scratch[k+1]
	var rec func(i, left, cidx int, edge float64) bool
	rec = func(i, left, cidx int, edge float64) bool {
		if i == r-2 {
			return line(child, cidx, edge, left)
		}
		room := 0 // what rows after i can take
		for _, v := range m[i+1:] {
			room += v
		}
		for a := max(0, left-room); a <= min(left, m[i]); a++ {
			child[i] = m[i] - a
			if !rec(i+1, left-a, cidx-a*nt.radix[i], edge-nt.lf[a]) {
				return false
			}
		}
		return true
	}
	return rec(0, nt.cols[k], idx, 0)
}

// bound returns the path bounds of node (k, m) of index idx, memoised:
// exact with one or two columns left, else the exact longest path and a
// relaxed shortest one (see longestPath, shortestBound).
func (nt *rcNetwork) bound(k int, m []int, idx int) pathBounds {
	c := len(nt.cols)
	if k == c-1 {
		var v float64
		for _, x := range m {
			v -= nt.lf[x]
		}
		return pathBounds{v, v}
	}
	key := k*nt.size + idx
	if nt.dense != nil {
		if b := nt.dense[key]; !math.IsNaN(b.max) {
			return b
		}
	} else if b, ok := nt.sparse[key]; ok {
		return b
	}
	b := pathBounds{max: longestPath(nt.lf, m, nt.cols[k:]), min: nt.shortestBound(k, m)}
	nt.work += 64
	if nt.dense != nil {
		nt.dense[key] = b
	} else {
		nt.sparse[key] = b
	}
	return b
}

// longestPath is the exact maximum of -sum log(x_ij!) over the tables x
// with row margins m and column totals cols: the most likely completion.
// It is a separable concave maximisation over a transportation polytope,
// so a table is optimal when no cycle of unit moves (+1, -1 alternating
// along rows and columns) improves it; starting from the rounded
// proportional table, negative cycles of the marginal costs are found by
// Bellman-Ford and cancelled until none is left.
func longestPath(lf []float64, m, cols []int) float64 {
	r, c := len(m), len(cols)
	x := make([]int, r*c)
	tot := 0
	for _, v := range m {
		tot += v
	}
	rowLeft := slices.Clone(m)
	colLeft := slices.Clone(cols)
	for i := range r {
		for j := range c {
			v := min(m[i]*cols[j]/max(tot, 1), rowLeft[i], colLeft[j])
			x[i*c+j] = v
			rowLeft[i] -= v
			colLeft[j] -= v
		}
	}
	for i := range r { // place the rounding remainders (northwest rule)
		for j := range c {
			v := min(rowLeft[i], colLeft[j])
			x[i*c+j] += v
			rowLeft[i] -= v
			colLeft[j] -= v
		}
	}
	// Residual graph: rows 0..r-1, columns r..r+c-1. Row i -> column j
	// raises x_ij at cost log(x_ij + 1); column j -> row i lowers it at
	// cost -log(x_ij), when x_ij > 0. Minimising sum log x! is the goal.
	nv := r + c
	dist := make([]float64, nv)
	pred := make([]int, nv)
	for {
		clear(dist)
		for v := range pred {
			pred[v] = -1
		}
		last := -1
		for range nv {
			last = -1
			for i := range r {
				for j := range c {
					v := x[i*c+j]
					if w := math.Log(float64(v + 1)); dist[i]+w < dist[r+j]-1e-12 {
						dist[r+j], pred[r+j], last = dist[i]+w, i, r+j
					}
					if v > 0 {
						if w := -math.Log(float64(v)); dist[r+j]+w < dist[i]-1e-12 {
							dist[i], pred[i], last = dist[r+j]+w, r+j, i
						}
					}
				}
			}
			if last < 0 {
				break
			}
		}
		if last < 0 {
			break
		}
		for range nv { // step back onto the cycle
			last = pred[last]
		}
		for v := last; ; { // apply the cycle
			u := pred[v]
			if v >= r { // u (a row) -> v (a column): raise
				x[u*c+v-r]++
			} else { // u (a column) -> v (a row): lower
				x[v*c+u-r]--
			}
			v = u
			if v == last {
				break
			}
		}
	}
	var s float64
	for _, v := range x {
		s -= lf[v]
	}
	return s
}

// shortestBound is a lower bound on the shortest remaining path from node
// (k, m), the least likely completion. With two columns left it is exact:
// a concave function attains its minimum over a polytope at a vertex, and
// the vertices have every a_i at 0 or m_i but one (enumerated for up to 10
// rows). Otherwise sum log x! is convex, and its maximum over the tables
// is at most its maximum when only the column totals (or only the row
// margins) are kept, with x_ij <= m_i (<= C_j): there the greedy fill of
// the largest caps majorises every other allocation.
func (nt *rcNetwork) shortestBound(k int, m []int) float64 {
	cols := nt.cols[k:]
	r := len(m)
	if len(cols) == 2 && r <= 10 {
		return nt.twoColumnMin(cols[0], m)
	}
	fill := func(total int, caps []int) float64 { // caps descending
		var s float64
		for _, v := range caps {
			take := min(v, total)
			s += nt.lf[take]
			total -= take
		}
		return s
	}
	desc := func(v []int) []int {
		s := slices.Clone(v)
		slices.Sort(s)
		slices.Reverse(s)
		return s
	}
	mc, cc := desc(m), desc(cols)
	var byCol, byRow float64
	for _, v := range cols {
		byCol += fill(v, mc)
	}
	for _, v := range m {
		byRow += fill(v, cc)
	}
	return -math.Min(byCol, byRow)
}

// twoColumnMin is the shortest path through the last two columns when col
// of the margins m go to the first of them (see shortestBound).
func (nt *rcNetwork) twoColumnMin(col int, m []int) float64 {
	r := len(m)
	g := func(a, mi int) float64 { return -nt.lf[a] - nt.lf[mi-a] }
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
			best = math.Min(best, v+g(rest, m[free]))
		}
	}
	return best
}
