package cox

import "math"

// The information matrix of a Cox model is symmetric and positive
// semi-definite; a constant or collinear column makes it singular. These
// routines factor it as L D L' with a rank test, in the manner of survival's
// cholesky2/chsolve2/chinv2: a pivot below toler times the largest diagonal
// element marks its column as redundant, the column is dropped from the
// factor (pivot and multipliers set to 0), solves give it 0 and the inverse
// has a zero row and column for it. Matrices are p x p, row-major, and only
// the lower triangle of the input is read.

// ldlFactor overwrites a with its L D L' factor (D on the diagonal, the unit
// lower triangle L below it) and returns the rank.
func ldlFactor(a []float64, p int, toler float64) int {
	var eps float64
	for i := 0; i < p; i++ {
		if d := a[i*p+i]; d > eps {
			eps = d
		}
	}
	if eps == 0 {
		eps = toler
	} else {
		eps *= toler
	}
	rank := 0
	for i := 0; i < p; i++ {
		pivot := a[i*p+i]
		if math.IsNaN(pivot) || math.IsInf(pivot, 0) || pivot < eps {
			a[i*p+i] = 0
			for j := i + 1; j < p; j++ {
				a[j*p+i] = 0
			}
			continue
		}
		rank++
		for j := i + 1; j < p; j++ {
			t := a[j*p+i] / pivot
			a[j*p+i] = t
			a[j*p+j] -= t * t * pivot
			for k := j + 1; k < p; k++ {
				a[k*p+j] -= t * a[k*p+i]
			}
		}
	}
	return rank
}

// ldlSolve solves (L D L') y = b in place, giving redundant columns 0.
func ldlSolve(f []float64, p int, b []float64) {
	for i := 0; i < p; i++ {
		t := b[i]
		for j := 0; j < i; j++ {
			t -= f[i*p+j] * b[j]
		}
		b[i] = t
	}
	for i := p - 1; i >= 0; i-- {
		if f[i*p+i] == 0 {
			b[i] = 0
			continue
		}
		t := b[i] / f[i*p+i]
		for j := i + 1; j < p; j++ {
			t -= f[j*p+i] * b[j]
		}
		b[i] = t
	}
}

// ldlInverse returns the full symmetric (generalised) inverse from the
// factor f: (L')^-1 D^+ L^-1, with zero rows and columns for redundant
// columns.
func ldlInverse(f []float64, p int) []float64 {
	// linv = L^-1, unit lower triangular.
	linv := make([]float64, p*p)
	for i := 0; i < p; i++ {
		linv[i*p+i] = 1
		for j := 0; j < i; j++ {
			var s float64
			for k := j; k < i; k++ {
				s -= f[i*p+k] * linv[k*p+j]
			}
			linv[i*p+j] = s
		}
	}
	inv := make([]float64, p*p)
	for k := 0; k < p; k++ {
		d := f[k*p+k]
		if d == 0 {
			continue
		}
		for i := 0; i <= k; i++ {
			li := linv[k*p+i] / d
			if li == 0 {
				continue
			}
			for j := 0; j <= i; j++ {
				inv[i*p+j] += li * linv[k*p+j]
			}
		}
	}
	for i := 0; i < p; i++ {
		if f[i*p+i] == 0 {
			for j := 0; j < p; j++ {
				inv[i*p+j], inv[j*p+i] = 0, 0
			}
		}
		for j := 0; j < i; j++ {
			inv[j*p+i] = inv[i*p+j]
		}
	}
	return inv
}
