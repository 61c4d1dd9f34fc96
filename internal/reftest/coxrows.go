package reftest

import (
	"math"
	"strings"
	"testing"
)

// CoxRows reads the rows of the data set at path that a Cox model on cols
// uses, as R's na.omit keeps them: the outcome from the columns "time" and
// "status" (event tells which status is an event), one design column per
// entry of cols (a column name, or "col=level" for the 0/1 column of a
// factor level) and, unless strataCol is "", stratum codes 0, 1, ... in
// order of first appearance. A row with a missing design value is left
// out. The test fails at once on a missing column.
func CoxRows(t testing.TB, path string, cols []string, strataCol string, event func(status float64) bool) (time []float64, ev []bool, x [][]float64, strata []int) {
	t.Helper()
	tab := Table(t, path)
	floats := func(col string) []float64 {
		v, err := tab.Floats(col)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	strs := func(col string) []string {
		v, err := tab.Strings(col)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tt, status := floats("time"), floats("status")
	all := make([][]float64, len(cols))
	for j, c := range cols {
		if name, level, ok := strings.Cut(c, "="); ok {
			for _, v := range strs(name) {
				all[j] = append(all[j], map[bool]float64{true: 1}[v == level])
			}
			continue
		}
		all[j] = floats(c)
	}
	var st []string
	if strataCol != "" {
		st = strs(strataCol)
	}
	codes := map[string]int{}
	x = make([][]float64, len(cols))
rows:
	for i := range tt {
		for j := range all {
			if math.IsNaN(all[j][i]) {
				continue rows
			}
		}
		time = append(time, tt[i])
		ev = append(ev, event(status[i]))
		for j := range all {
			x[j] = append(x[j], all[j][i])
		}
		if st != nil {
			if _, ok := codes[st[i]]; !ok {
				codes[st[i]] = len(codes)
			}
			strata = append(strata, codes[st[i]])
		}
	}
	return time, ev, x, strata
}
