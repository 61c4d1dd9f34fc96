package stattest

import "math"

// Summary is the descriptive line of a numeric variable in a "Table 1":
// counts, type-7 quartiles (R's quantile default), range, mean and
// standard deviation.
type Summary struct {
	N        int // non-missing values
	NMissing int // NaN values
	Median   float64
	Q1, Q3   float64 // type-7 quantiles at 0.25 and 0.75
	Min, Max float64
	Mean     float64
	// SD is the sample standard deviation with the n-1 denominator, R's sd();
	// NaN when N < 2.
	SD float64
}

// Describe summarises x, counting NaN values as missing and leaving them out
// of every statistic (R's na.rm = TRUE). With no non-missing value all the
// statistics are NaN. x is not modified.
//
// The mean and variance use two passes:
//
//	mean = sum_i x_i / n,  sd = sqrt(sum_i (x_i - mean)^2 / (n-1))
func Describe(x []float64) Summary {
	s := sortedFinite(x)
	n := len(s)
	out := Summary{N: n, NMissing: len(x) - n}
	if n == 0 {
		nan := math.NaN()
		out.Median, out.Q1, out.Q3, out.Min, out.Max, out.Mean, out.SD = nan, nan, nan, nan, nan, nan, nan
		return out
	}
	out.Min, out.Max = s[0], s[n-1]
	out.Q1 = QuantileSorted(s, 0.25)
	out.Median = QuantileSorted(s, 0.5)
	out.Q3 = QuantileSorted(s, 0.75)
	var sum float64
	for _, v := range s {
		sum += v
	}
	out.Mean = sum / float64(n)
	out.SD = math.NaN()
	if n > 1 {
		var ss float64
		for _, v := range s {
			d := v - out.Mean
			ss += d * d
		}
		out.SD = math.Sqrt(ss / float64(n-1))
	}
	return out
}
