package maxstat

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// PLau92 returns the p-value of a maximally selected statistic b by the
// asymptotic approximation of Miller and Siegmund (1982) as given by Lausen
// and Schumacher (1992), maxstat:::pLausen92:
//
//	p = 4 phi(b)/b + phi(b) (b - 1/b) log(maxprop (1-minprop) / ((1-maxprop) minprop))
//
// with p = 1 for b < 1 and negative values set to 0; p is not capped at 1.
// It depends on the data only through b and the window.
func PLau92(b, minProp, maxProp float64) float64 {
	if b < 1 {
		return 1
	}
	db := distuv.UnitNormal.Prob(b)
	p := 4*db/b + db*(b-1/b)*math.Log(maxProp*(1-minProp)/((1-maxProp)*minProp))
	return math.Max(p, 0)
}

// PLau94 returns the p-value of a maximally selected statistic b by the
// improved Bonferroni inequality of Lausen, Sauerbrei and Schumacher (1994),
// maxstat:::pLausen94 with the cut positions m (sizes of the group
// x <= cut, ascending) out of n observations:
//
//	p = 1 - (Phi(b) - Phi(-b)) + sum_i (1/pi) exp(-b^2/2) (t_i - (b^2/4 - 1) t_i^3 / 6),
//	t_i = sqrt(1 - m_i (n - m_{i+1}) / ((n - m_i) m_{i+1}))
//
// over adjacent cuts. p is not capped at 1 and can be slightly negative for
// very large b, as in R. The first term is computed as R computes it,
// 1 - (Phi(b) - Phi(-b)), not as the exact tail 2 Phi(-b): the two differ
// only where 2 Phi(-b) < 1e-16 (b > 8.3), where R's form loses the tail and
// p < 1e-15 either way; carimpi keeps R's value so that results agree with
// maxstat to the last digits (e.g. pbc bilirubin, b = 9.6: p = 2.3195e-20,
// where the exact tail would add 7.6e-22).
func PLau94(b float64, n int, m []int) float64 {
	d := 0.0
	nf := float64(n)
	for i := 0; i+1 < len(m); i++ {
		m1, m2 := float64(m[i]), float64(m[i+1])
		t := math.Sqrt(1 - m1*(nf-m2)/((nf-m1)*m2))
		d += t - (b*b/4-1)*(t*t*t)/6
	}
	return 1 - (distuv.UnitNormal.CDF(b) - distuv.UnitNormal.CDF(-b)) + d*math.Exp(-b*b/2)/math.Pi
}
