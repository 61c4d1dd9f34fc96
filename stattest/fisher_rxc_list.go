package stattest

import (
	"cmp"
	"math"
	"slices"
)

// pastTieTol merges past lengths at a node that differ by at most this
// (log scale), see listWalk.
const pastTieTol = 1e-10

// fisherMaxPasts caps the undecided (node, past length) entries held at
// one stage of listWalk (about 70 bytes each while a stage is built).
const fisherMaxPasts = 1 << 20

// pastList holds, for every node of one stage, its distinct undecided
// past lengths ascending: node idx has entries start[idx]:start[idx+1],
// with past length x, weight w (the merged pasts' total mass over exp(x):
// their multiplicity when they tie exactly), u = w exp(x - ref[idx]) and
// cum, the running sum of u within the node.
type pastList struct {
	start        []int32
	x, w, u, cum []float64
	ref          []float64
}

// upper returns the first i in [s, e) with x[i] > v (e if none).
func upper(x []float64, s, e int, v float64) int {
	for s < e {
		h := int(uint(s+e) >> 1)
		if x[h] <= v {
			s = h + 1
		} else {
			e = h
		}
	}
	return s
}

// listWalk is fisherRxC's walk for tables of 2 or 3 rows and 4 or more
// columns (after transposing), whose nodes are few: at most (R_0+1)(R_1+1), the partial
// sums of the two smallest rows. Columns are taken ascending, so the
// largest is the forced last one and the node counts grow slowly. Every
// allocation of a column is an edge, so the work lies in how many pasts
// reach a node undecided; the walk keeps them aggregated per node and
// never enumerates a path twice:
//
//  1. Stages 0..J-1 (J = c-2) are walked breadth first, as FEXACT does:
//     each node keeps its distinct undecided past lengths x, sorted, with
//     running sums of their masses. An edge of length e to a child with
//     path bounds [lo, hi] (exact longest path, relaxed shortest, see
//     bound) settles the pasts with x + e + hi <= thr (a prefix: their
//     summed mass times the child's closed-form mass, one exp) and drops
//     those with x + e + lo > thr (a suffix), found by binary search; only
//     the rest are passed on.
//  2. Stage J meets the last two columns without storing its pasts: for
//     each node of stage J, the undecided pasts arriving from each parent
//     form a sorted run; the node's futures (its allocations of column J,
//     the last column being forced) inside the window the runs span are
//     sorted once with running masses, bucketed by an index of equal cells,
//     and every past finds the mass of the futures y <= thr - x in about
//     one step (futures.meet).
//
// Pasts at a node within pastTieTol (1e-10) of each other are merged,
// their masses added exactly and the smallest length kept, as FEXACT
// merges paths of equal past probability. A merged past may thus be
// classed with a length up to J x 1e-10 below its own: only a table
// whose probability is within a factor 1 + J x 1e-10 of the threshold
// (the observed probability times 1 + 1e-7) can be counted wrongly, far
// inside R's own tolerance of 1e-7. Everything else is exact to rounding.
//
// Work is counted per edge, past passed on, parent looked up, future
// enumerated and past met (about 5-10 ns each); the walk stops, reporting
// false, beyond nt.limit of it or fisherMaxPasts pasts in one stage.
func (nt *rcNetwork) listWalk(root int) bool {
	c, r := len(nt.cols), len(nt.rows)
	join := c - 2
	cur := &pastList{start: make([]int32, nt.size+1)}
	for i := root + 1; i <= nt.size; i++ {
		cur.start[i] = 1
	}
	cur.x, cur.w, cur.u, cur.cum, cur.ref = []float64{0}, []float64{1}, []float64{1}, []float64{1}, make([]float64, nt.size)
	m := make([]int, r)
	var nodes []int32
	var items []past
	for k := 0; k+1 < join; k++ {
		nodes, items = nodes[:0], items[:0]
		for idx := range nt.size {
			s, e := int(cur.start[idx]), int(cur.start[idx+1])
			if s == e {
				continue
			}
			nt.decode(idx, k, m)
			ok := nt.allocate(k, m, idx, func(child []int, cidx int, edge float64, left int) bool {
				i := r - 2
				for a := max(0, left-m[r-1]); a <= min(left, m[i]); a++ {
					child[i], child[r-1] = m[i]-a, m[r-1]-(left-a)
					ci := cidx - a*nt.radix[i]
					l := edge - nt.lf[a] - nt.lf[left-a]
					b := nt.bound(k+1, child, ci)
					i1 := upper(cur.x, s, e, nt.thr-l-b.max-boundSlack)
					i2 := upper(cur.x, i1, e, nt.thr-l-b.min+boundSlack)
					if i1 > s {
						nt.p += math.Exp(nt.cst+l+nt.logMass(k+1, child)+cur.ref[idx]) * cur.cum[i1-1]
					}
					for j := i1; j < i2; j++ {
						nodes = append(nodes, int32(ci))
						items = append(items, past{cur.x[j] + l, cur.w[j]})
					}
					nt.work += 1 + i2 - i1
					if nt.work > nt.limit || len(items) > fisherMaxPasts {
						return false
					}
				}
				return true
			})
			if !ok {
				return false
			}
		}
		cur = nt.group(nodes, items, cur)
	}
	return nt.joinLast(cur, join)
}

type past struct{ x, w float64 }

// group builds the next stage's lists from the pushed (node, past) pairs,
// reusing the buffers of old.
func (nt *rcNetwork) group(nodes []int32, items []past, old *pastList) *pastList {
	start := old.start
	clear(start)
	for _, v := range nodes {
		start[v+1]++
	}
	for i := range nt.size {
		start[i+1] += start[i]
	}
	sorted := make([]past, len(items))
	for i, v := range nodes {
		sorted[start[v]] = items[i]
		start[v]++
	}
	for i := nt.size; i > 0; i-- {
		start[i] = start[i-1]
	}
	start[0] = 0
	pl := &pastList{start: start, ref: old.ref, x: old.x[:0], w: old.w[:0], u: old.u[:0], cum: old.cum[:0]}
	n := 0
	for idx := range nt.size {
		s, e := int(start[idx]), int(start[idx+1])
		start[idx] = int32(n)
		if s == e {
			continue
		}
		ps := sorted[s:e]
		slices.SortFunc(ps, func(a, b past) int { return cmp.Compare(a.x, b.x) })
		nt.work += len(ps)
		first := len(pl.x)
		for _, q := range ps {
			if j := len(pl.x) - 1; j >= first && q.x-pl.x[j] <= pastTieTol {
				pl.w[j] += q.w * math.Exp(q.x-pl.x[j])
				continue
			}
			pl.x = append(pl.x, q.x)
			pl.w = append(pl.w, q.w)
		}
		ref := pl.x[len(pl.x)-1]
		pl.ref[idx] = ref
		sum := 0.0
		for j := first; j < len(pl.x); j++ {
			pl.u = append(pl.u, pl.w[j]*math.Exp(pl.x[j]-ref))
			sum += pl.u[j]
			pl.cum = append(pl.cum, sum)
		}
		n = len(pl.x)
	}
	start[nt.size] = int32(n)
	return pl
}

// run is the undecided pasts x[i1:i2] of a parent node, reaching a node
// of the join stage by an edge of length e.
type run struct {
	parent, i1, i2 int
	e              float64
}

// joinLast counts the tables through each node of stage join (= c-2)
// from the lists of stage join-1 (see listWalk).
func (nt *rcNetwork) joinLast(pl *pastList, join int) bool {
	r := len(nt.rows)
	m := make([]int, r)
	var runs []run
	var fs futures
	for idx := range nt.size {
		nt.decode(idx, join, m)
		if m[r-1] < 0 || m[r-1] > nt.rows[r-1] {
			continue
		}
		runs = runs[:0]
		var b pathBounds
		var mass float64
		have := false // b and mass computed
		ok := nt.parents(join-1, m, idx, func(pidx int, e float64) bool {
			s, end := int(pl.start[pidx]), int(pl.start[pidx+1])
			nt.work++
			if s == end {
				return nt.work <= nt.limit
			}
			if !have {
				b, mass, have = nt.bound(join, m, idx), nt.logMass(join, m), true
			}
			i1 := upper(pl.x, s, end, nt.thr-e-b.max-boundSlack)
			i2 := upper(pl.x, i1, end, nt.thr-e-b.min+boundSlack)
			if i1 > s {
				nt.p += math.Exp(nt.cst+e+mass+pl.ref[pidx]) * pl.cum[i1-1]
			}
			if i2 > i1 {
				runs = append(runs, run{pidx, i1, i2, e})
			}
			return nt.work <= nt.limit
		})
		if !ok {
			return false
		}
		if len(runs) == 0 {
			continue
		}
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, q := range runs {
			lo = math.Min(lo, pl.x[q.i1]+q.e)
			hi = math.Max(hi, pl.x[q.i2-1]+q.e)
		}
		// Futures y: those <= thr - hi count for every past, those above
		// thr - lo for none, the rest are sorted.
		ref := b.max
		low := 0.0
		fs.y = fs.y[:0]
		tlo, thi := nt.thr-hi, nt.thr-lo
		nt.allocate(join, m, idx, func(child []int, cidx int, edge float64, left int) bool {
			i := r - 2
			for v := max(0, left-m[r-1]); v <= min(left, m[i]); v++ {
				child[i], child[r-1] = m[i]-v, m[r-1]-(left-v)
				y := edge - nt.lf[v] - nt.lf[left-v]
				for _, w := range child {
					y -= nt.lf[w]
				}
				nt.work++
				switch {
				case y <= tlo:
					low += math.Exp(y - ref)
				case y <= thi:
					fs.y = append(fs.y, y)
				}
			}
			return true
		})
		fs.build(tlo, thi, low, ref)
		nt.work += len(fs.y)
		for _, q := range runs {
			nt.p += math.Exp(nt.cst+q.e+pl.ref[q.parent]+ref) * fs.meet(pl.x[q.i1:q.i2], pl.u[q.i1:q.i2], nt.thr-q.e)
			nt.work += q.i2 - q.i1
		}
		if nt.work > nt.limit {
			return false
		}
	}
	return true
}

// futures are the future lengths y of a node of the join stage in a
// window (lo, hi], ascending in pt with g, the mass of the futures before
// it (plus the mass below lo) over exp(ref), and a sentinel {+Inf, total}
// last. An index of 8 equal cells per future over the window (cell c
// starts at pt[start[c]]) finds the mass below a point mostly without a
// step: fewer cells cost mispredicted steps, more cost cache (measured:
// 1, 4, 8, 16 per future gave 3.3, 1.9, 1.6, 1.5 s CPU on the demo's
// ICANS table and 2.7, 2.0, 1.9-2.0, 2.4 s on the CRS one).
type futures struct {
	y, tmp       []float64
	pt           []point
	start        []int32
	lo, hi, invW float64
}

type point struct{ y, g float64 }

func (f *futures) cell(v float64) int {
	return min(len(f.start)-2, int((v-f.lo)*f.invW))
}

// build sorts f.y by a counting sort over the cells (the cell of a value
// is monotone in it, so only values within a cell need comparing) and sums
// the masses.
func (f *futures) build(lo, hi, low, ref float64) {
	k := max(1, 8*len(f.y))
	f.lo, f.hi = lo, hi
	f.invW = 0
	if hi > lo {
		f.invW = float64(k) / (hi - lo)
	}
	f.start = slices.Grow(f.start[:0], k+1)[:k+1]
	clear(f.start)
	for _, v := range f.y {
		f.start[f.cell(v)+1]++
	}
	for c := range k {
		f.start[c+1] += f.start[c]
	}
	f.tmp = slices.Grow(f.tmp[:0], len(f.y))[:len(f.y)]
	for _, v := range f.y { // start[c] runs ahead, then is reset
		c := f.cell(v)
		f.tmp[f.start[c]] = v
		f.start[c]++
	}
	for c := k; c > 0; c-- {
		f.start[c] = f.start[c-1]
	}
	f.start[0] = 0
	f.y, f.tmp = f.tmp, f.y
	for c := range k {
		if s, e := f.start[c], f.start[c+1]; e-s > 1 {
			slices.Sort(f.y[s:e])
		}
	}
	f.pt = f.pt[:0]
	for _, v := range f.y {
		f.pt = append(f.pt, point{v, low})
		low += math.Exp(v - ref)
	}
	f.pt = append(f.pt, point{math.Inf(1), low})
}

// meet is sum_i u_i G(t0 - x_i), G(t) the mass of the futures <= t over
// exp(ref): the innermost loop of the walk.
func (f *futures) meet(x, u []float64, t0 float64) float64 {
	pt, st := f.pt, f.start
	lo, hi, inv, last := f.lo, f.hi, f.invW, len(f.start)-2
	gLo, gHi := pt[0].g, pt[len(pt)-1].g
	sum := 0.0
	for i, xi := range x {
		t := t0 - xi
		g := gLo
		switch {
		case t >= hi:
			g = gHi
		case t > lo:
			j := st[min(last, int((t-lo)*inv))]
			for pt[j].y <= t { // the sentinel stops it
				j++
			}
			g = pt[j].g
		}
		sum += u[i] * g
	}
	return sum
}

// parents calls fn for every node of stage k from which an allocation a
// of column k leads to the node m (index idx) of stage k+1, with the
// parent's index and the edge length -sum log(a_i!). It stops early,
// reporting false, when fn does.
func (nt *rcNetwork) parents(k int, m []int, idx int, fn func(pidx int, e float64) bool) bool {
	r := len(m)
	var rec func(i, left, pidx int, e float64) bool
	rec = func(i, left, pidx int, e float64) bool {
		if i == r-1 {
			if m[i]+left > nt.rows[i] {
				return true
			}
			return fn(pidx, e-nt.lf[left])
		}
		for v := 0; v <= min(left, nt.rows[i]-m[i]); v++ {
			if !rec(i+1, left-v, pidx+v*nt.radix[i], e-nt.lf[v]) {
				return false
			}
		}
		return true
	}
	return rec(0, nt.cols[k], idx, 0)
}
