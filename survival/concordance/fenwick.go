package concordance

// fenwick is a binary indexed tree of weights over score ranks 1..m, with
// the per-rank weights and the total kept alongside so that the weight
// below, above and at a rank each cost O(log m).
type fenwick struct {
	tree  []float64 // tree[r] = sum of node[r-lowbit(r)+1 .. r], 1-based
	node  []float64 // weight at each rank
	total float64
}

func newFenwick(m int) fenwick {
	return fenwick{tree: make([]float64, m+1), node: make([]float64, m+1)}
}

func (f *fenwick) add(r int, w float64) {
	f.node[r] += w
	f.total += w
	for ; r < len(f.tree); r += r & -r {
		f.tree[r] += w
	}
}

// split returns the weight at ranks below r, above r and at r.
func (f *fenwick) split(r int) (less, greater, equal float64) {
	equal = f.node[r]
	for k := r - 1; k > 0; k -= k & -k {
		less += f.tree[k]
	}
	return less, f.total - less - equal, equal
}

// clear zeroes every entry that add(r, .) touched, so a tree can be reused
// for the next stratum at the cost of its own rows only.
func (f *fenwick) clear(r int) {
	f.node[r] = 0
	f.total = 0
	for ; r < len(f.tree); r += r & -r {
		f.tree[r] = 0
	}
}
