package stattest

import (
	"errors"
	"math"
	"testing"
)

// bruteFisher is the r x c Fisher p-value by plain enumeration of every
// table with the margins of t, for cross-checking the network walk.
func bruteFisher(t [][]int) float64 {
	r, c := len(t), len(t[0])
	rows := make([]int, r)
	cols := make([]int, c)
	n := 0
	for i := range t {
		for j, v := range t[i] {
			rows[i] += v
			cols[j] += v
			n += v
		}
	}
	lf := logFactorials(n)
	cst := -lf[n]
	for _, v := range rows {
		cst += lf[v]
	}
	for _, v := range cols {
		cst += lf[v]
	}
	logP := func(x [][]int) float64 {
		s := cst
		for i := range x {
			for _, v := range x[i] {
				s -= lf[v]
			}
		}
		return s
	}
	limit := logP(t) + math.Log1p(fisherRelTol)
	x := make([][]int, r)
	for i := range x {
		x[i] = make([]int, c)
	}
	rowLeft := append([]int(nil), rows...)
	colLeft := append([]int(nil), cols...)
	var p float64
	var rec func(cell int)
	rec = func(cell int) {
		if cell == r*c {
			if lp := logP(x); lp <= limit {
				p += math.Exp(lp)
			}
			return
		}
		i, j := cell/c, cell%c
		lo, hi := 0, min(rowLeft[i], colLeft[j])
		if j == c-1 { // the row's last cell takes what is left
			lo = rowLeft[i]
		}
		if i == r-1 { // the column's last cell takes what is left
			lo = max(lo, colLeft[j])
		}
		for v := lo; v <= hi; v++ {
			x[i][j] = v
			rowLeft[i] -= v
			colLeft[j] -= v
			rec(cell + 1)
			rowLeft[i] += v
			colLeft[j] += v
		}
	}
	rec(0)
	return math.Min(1, p)
}

// tableFromBytes makes a small table (2-4 rows and columns, counts 0-7)
// from fuzz input.
func tableFromBytes(b []byte) [][]int {
	if len(b) < 2 {
		return nil
	}
	r, c := 2+int(b[0]%3), 2+int(b[1]%3)
	b = b[2:]
	t := make([][]int, r)
	for i := range t {
		t[i] = make([]int, c)
		for j := range t[i] {
			if k := i*c + j; k < len(b) {
				t[i][j] = int(b[k] % 8)
			}
		}
	}
	return t
}

// tooBigForBruteForce keeps the brute-force enumeration of the fuzz test
// under a few milliseconds.
func tooBigForBruteForce(t [][]int) bool {
	n := 0
	for _, row := range t {
		for _, v := range row {
			n += v
		}
	}
	cells := len(t) * len(t[0])
	return (cells > 9 && n > 24) || n > 40
}

func FuzzFisherRxC(f *testing.F) {
	for _, seed := range [][]byte{
		{1, 1, 3, 0, 2, 1, 4, 2, 0, 1, 5},
		{2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
		{0, 1, 7, 0, 0, 7, 0, 0},
		{1, 0, 2, 2, 0, 0, 5, 1},
		{2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3},
		{0, 2, 6, 5, 4, 3, 2, 1, 0, 7},
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		tab := tableFromBytes(b)
		if tab == nil || tooBigForBruteForce(tab) {
			return
		}
		res, err := FisherExact(tab)
		compact, cerr := compactTable(tab)
		if cerr != nil {
			if err == nil {
				t.Fatalf("%v: no error, but the table is degenerate: %v", tab, cerr)
			}
			return
		}
		if err != nil {
			t.Fatalf("%v: %v", tab, err)
		}
		want := bruteFisher(compact)
		if math.Abs(res.P-want) > 1e-9*want {
			t.Fatalf("%v: p = %.17g, brute force %.17g", tab, res.P, want)
		}
		if len(compact) == 2 && len(compact[0]) == 2 {
			if lo, hi := res.ConfInt[0], res.ConfInt[1]; !(lo <= res.OddsRatio && res.OddsRatio <= hi) {
				t.Fatalf("%v: odds ratio %v outside its CI [%v, %v]", tab, res.OddsRatio, lo, hi)
			}
		}
	})
}

// TestFisherRxCBrute checks both walks against plain enumeration, with
// small instances of the shapes R cannot compute at N ~ 500 (tercile x
// grade 0-5, 3 x 6, with sparse grades; a strongly associated grade 0-4 x
// tercile, 5 x 3) among them.
func TestFisherRxCBrute(t *testing.T) {
	for _, tab := range [][][]int{
		{{3, 0, 2}, {1, 4, 2}, {0, 1, 5}, {2, 1, 0}},
		{{2, 1, 0, 3}, {0, 3, 2, 1}, {1, 1, 4, 0}},
		{{5, 1}, {0, 4}, {2, 2}},
		{{6, 0, 0}, {0, 6, 0}, {0, 0, 6}},
		{{1, 1, 1, 1}, {1, 1, 1, 1}},
		{{9, 2, 4, 1, 1, 0}, {6, 2, 3, 1, 0, 1}, {4, 2, 3, 2, 1, 0}},
		{{10, 8, 4, 0, 0, 0}, {3, 8, 5, 1, 0, 0}, {1, 4, 7, 1, 1, 1}},
		{{9, 5, 2}, {6, 7, 6}, {1, 3, 5}, {0, 1, 3}, {0, 0, 3}},
		{{12, 6, 1}, {5, 8, 4}, {1, 2, 6}, {0, 1, 4}, {0, 0, 2}},
	} {
		want := bruteFisher(tab)
		for _, lim := range []fisherLimits{fisherDefaultLimits, {meet: fisherMaxWork}} {
			got, err := fisherRxC(tab, lim)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-want) > 1e-12*want {
				t.Errorf("%v, limits %+v: p = %.17g, brute force %.17g", tab, lim, got, want)
			}
		}
	}
}

// TestFisherRxCWalksAgree checks listWalk against the meet-in-the-middle
// walk, an independent enumeration, on study-sized tables that both can
// compute (the 3 x 6 and strong 5 x 3 ones at N ~ 130-250), to 1e-10.
func TestFisherRxCWalksAgree(t *testing.T) {
	for _, tab := range [][][]int{
		{{29, 7, 12, 4, 1, 0}, {19, 6, 8, 4, 1, 1}, {13, 5, 8, 5, 3, 0}},
		{{24, 19, 9, 1, 0, 0}, {6, 19, 12, 1, 0, 0}, {2, 10, 18, 2, 2, 1}},
		{{22, 12, 5}, {15, 18, 15}, {4, 9, 12}, {1, 3, 6}, {0, 1, 6}},
		{{33, 19, 8}, {22, 26, 22}, {6, 13, 19}, {2, 4, 9}, {0, 2, 9}},
		{{30, 25, 20}, {35, 36, 33}, {12, 15, 20}, {4, 5, 8}, {1, 2, 4}},
		{{8, 4, 2}, {14, 10, 6}, {22, 20, 18}, {39, 49, 58}},
		{{15, 20, 10, 3, 2}, {10, 18, 12, 6, 4}},
	} {
		c, err := compactTable(tab)
		if err != nil {
			t.Fatal(err)
		}
		list, err := fisherRxC(c, fisherDefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		meet, err := fisherRxC(c, fisherLimits{meet: 20 * fisherMaxWork})
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(list-meet) > 1e-10*meet {
			t.Errorf("%v: listWalk p = %.17g, meet in the middle %.17g", tab, list, meet)
		}
	}
}

func TestFisherRxCWorkLimit(t *testing.T) {
	tab := [][]int{{10, 12, 8, 15}, {9, 14, 11, 6}, {13, 7, 10, 12}}
	for _, lim := range []fisherLimits{{meet: 1000}, {meet: 1000, list: 1000}} {
		if _, err := fisherRxC(tab, lim); !errors.Is(err, ErrTableTooLarge) {
			t.Errorf("with work limits %+v: err = %v, want ErrTableTooLarge", lim, err)
		}
	}
}

func TestUnirootMatchesR(t *testing.T) {
	// R: uniroot(function(x) x^3 - 2, c(0, 2))$root, default tolerance.
	// The root is 2^(1/3); R stops within its tolerance eps^0.25.
	got := uniroot(func(x float64) float64 { return x*x*x - 2 }, 0, 2)
	if math.Abs(got-math.Cbrt(2)) > math.Pow(machEps, 0.25) {
		t.Errorf("uniroot = %v, want within %g of %v", got, math.Pow(machEps, 0.25), math.Cbrt(2))
	}
}
