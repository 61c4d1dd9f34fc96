package maxstat

import (
	"math/big"
	"sync"
)

// bernoulli holds B_2, B_4, ..., B_16.
var bernoulli = []*big.Rat{
	big.NewRat(1, 6), big.NewRat(-1, 30), big.NewRat(1, 42), big.NewRat(-1, 30),
	big.NewRat(5, 66), big.NewRat(-691, 2730), big.NewRat(7, 6), big.NewRat(-3617, 510),
}

var (
	gregoryMu    sync.Mutex
	gregoryCache = map[int][]float64{}
)

// gregoryEnd returns the end corrections c_0..c_{q-1} (in units of the
// spacing) that turn the trapezoidal rule into Gregory's rule of order q:
// sum_i c_i i^j equals the Euler-Maclaurin end term B_{j+1}/(j+1) for odd j
// and 0 for even j, j = 0..q-1. They are solved exactly in rationals.
func gregoryEnd(q int) []float64 {
	gregoryMu.Lock()
	defer gregoryMu.Unlock()
	if c, ok := gregoryCache[q]; ok {
		return c
	}
	a := make([][]*big.Rat, q)
	for j := range a {
		a[j] = make([]*big.Rat, q+1)
		for i := range q {
			v := new(big.Int).Exp(big.NewInt(int64(i)), big.NewInt(int64(j)), nil)
			a[j][i] = new(big.Rat).SetInt(v)
		}
		a[j][q] = new(big.Rat)
		if j%2 == 1 {
			a[j][q].Quo(bernoulli[(j-1)/2], big.NewRat(int64(j+1), 1))
		}
	}
	for col := range q {
		piv := col
		for a[piv][col].Sign() == 0 {
			piv++
		}
		a[col], a[piv] = a[piv], a[col]
		for r := range q {
			if r == col || a[r][col].Sign() == 0 {
				continue
			}
			f := new(big.Rat).Quo(a[r][col], a[col][col])
			for k := col; k <= q; k++ {
				a[r][k].Sub(a[r][k], new(big.Rat).Mul(f, a[col][k]))
			}
		}
	}
	c := make([]float64, q)
	for i := range q {
		c[i], _ = new(big.Rat).Quo(a[i][q], a[i][i]).Float64()
	}
	gregoryCache[q] = c
	return c
}
