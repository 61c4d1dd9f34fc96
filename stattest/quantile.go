package stattest

import (
	"math"

	"carimpi/internal/sortkey"
)

// Quantile returns the type-7 sample quantile of x at probability p, R's
// default quantile(x, p, type = 7):
//
//	h = (n-1) p + 1,  Q(p) = x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h])
//
// with x sorted ascending and 1-based indexing. NaN values are ignored (as
// R's na.rm = TRUE); an empty input gives NaN. x is not modified. Quantile
// panics if p is outside [0, 1].
func Quantile(x []float64, p float64) float64 {
	s := sortedFinite(x)
	return QuantileSorted(s, p)
}

// Quantiles returns the type-7 quantiles of x at each probability in ps,
// sorting x once.
func Quantiles(x []float64, ps ...float64) []float64 {
	s := sortedFinite(x)
	out := make([]float64, len(ps))
	for i, p := range ps {
		out[i] = QuantileSorted(s, p)
	}
	return out
}

// QuantileSorted is Quantile for x already sorted ascending and free of NaN.
func QuantileSorted(x []float64, p float64) float64 {
	if p < 0 || p > 1 || math.IsNaN(p) {
		panic("stattest: quantile probability outside [0, 1]")
	}
	n := len(x)
	if n == 0 {
		return math.NaN()
	}
	h := float64(n-1) * p
	lo := math.Floor(h)
	i := int(lo)
	if i >= n-1 {
		return x[n-1]
	}
	frac := h - lo
	return x[i] + frac*(x[i+1]-x[i])
}

// Median is Quantile(x, 0.5), R's median().
func Median(x []float64) float64 { return Quantile(x, 0.5) }

func sortedFinite(x []float64) []float64 {
	s := make([]float64, 0, len(x))
	for _, v := range x {
		if !math.IsNaN(v) {
			s = append(s, v)
		}
	}
	// the shared radix sort (O(n); Table 1 sorts every variable of a
	// registry cohort); values are copied, not rebuilt from their keys, so
	// that -0 stays -0
	idx, _ := sortkey.Index(s)
	out := make([]float64, len(s))
	for k, i := range idx {
		out[k] = s[i]
	}
	return out
}
