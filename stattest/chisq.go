package stattest

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// ChiSquareResult is the result of ChiSquare.
type ChiSquareResult struct {
	Statistic float64
	DF        int
	P         float64
	// Yates reports whether the continuity correction was applied (only
	// ever to a 2x2 table).
	Yates bool
	// Expected holds the expected counts R_i C_j / N. The chi-square
	// approximation is doubtful when any is below 5 (R warns then);
	// MinExpected is the smallest.
	Expected    [][]float64
	MinExpected float64
}

// ChiSquare is Pearson's chi-square test of independence in an r x c table
// of counts, R's chisq.test(table, correct = yates):
//
//	X^2 = sum_ij (|O_ij - E_ij| - Y)^2 / E_ij,  E_ij = R_i C_j / N,  df = (r-1)(c-1)
//
// with Y = min(0.5, min_ij |O_ij - E_ij|) (Yates's correction, as R
// computes it) when yates is true and the table is 2x2, else Y = 0; R
// applies no correction to larger tables and neither does ChiSquare.
// P = P(chi-square(df) > X^2). A row or column with no observations makes
// an expected count 0 and the statistic undefined; it is an error naming
// the row or column (drop the empty level), as are negative counts, ragged
// tables and tables smaller than 2x2.
func ChiSquare(table [][]int, yates bool) (ChiSquareResult, error) {
	r := len(table)
	if r < 2 || len(table[0]) < 2 {
		return ChiSquareResult{}, fmt.Errorf("stattest: chi-square needs at least a 2x2 table")
	}
	c := len(table[0])
	rows := make([]float64, r)
	cols := make([]float64, c)
	var n float64
	for i, row := range table {
		if len(row) != c {
			return ChiSquareResult{}, fmt.Errorf("stattest: row %d has %d columns, row 1 has %d", i+1, len(row), c)
		}
		for j, v := range row {
			if v < 0 {
				return ChiSquareResult{}, fmt.Errorf("stattest: negative count %d in row %d, column %d", v, i+1, j+1)
			}
			rows[i] += float64(v)
			cols[j] += float64(v)
			n += float64(v)
		}
	}
	for i, s := range rows {
		if s == 0 {
			return ChiSquareResult{}, fmt.Errorf("stattest: row %d has no observations, so its expected counts are 0; drop the empty level", i+1)
		}
	}
	for j, s := range cols {
		if s == 0 {
			return ChiSquareResult{}, fmt.Errorf("stattest: column %d has no observations, so its expected counts are 0; drop the empty level", j+1)
		}
	}
	res := ChiSquareResult{DF: (r - 1) * (c - 1), Expected: make([][]float64, r), MinExpected: math.Inf(1)}
	minDev := math.Inf(1)
	for i := range table {
		res.Expected[i] = make([]float64, c)
		for j := range table[i] {
			e := rows[i] * cols[j] / n
			res.Expected[i][j] = e
			res.MinExpected = math.Min(res.MinExpected, e)
			minDev = math.Min(minDev, math.Abs(float64(table[i][j])-e))
		}
	}
	var corr float64
	if yates && r == 2 && c == 2 {
		res.Yates = true
		corr = math.Min(0.5, minDev)
	}
	for i, row := range table {
		for j, v := range row {
			e := res.Expected[i][j]
			d := math.Abs(float64(v)-e) - corr
			res.Statistic += d * d / e
		}
	}
	res.P = distuv.ChiSquared{K: float64(res.DF)}.Survival(res.Statistic)
	return res, nil
}
