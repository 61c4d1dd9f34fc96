package survival_test

import (
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"carimpi/internal/reftest"
	"carimpi/table"
)

// Paths of the R reference cases (see testdata/reference/README.md).
const (
	refData     = "../testdata/reference/data"
	refExpected = "../testdata/reference/expected"
)

// dataset is a reference CSV with rows dropped where a needed column is missing.
type dataset struct {
	tab  *table.Table
	keep []int
}

func loadData(t *testing.T, file string, need ...string) dataset {
	t.Helper()
	tab := reftest.Table(t, filepath.Join(refData, file))
	d := dataset{tab: tab}
rows:
	for i := range tab.Rows {
		for _, c := range need {
			col, err := tab.Strings(c)
			if err != nil {
				t.Fatal(err)
			}
			if table.IsMissing(col[i]) {
				continue rows
			}
		}
		d.keep = append(d.keep, i)
	}
	return d
}

func (d dataset) floats(t *testing.T, col string) []float64 {
	t.Helper()
	all, err := d.tab.Floats(col)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]float64, len(d.keep))
	for k, i := range d.keep {
		out[k] = all[i]
	}
	return out
}

// events reads a status column with the given event code.
func (d dataset) events(t *testing.T, col string, code float64) []bool {
	v := d.floats(t, col)
	out := make([]bool, len(v))
	for i, x := range v {
		out[i] = x == code
	}
	return out
}

// codes turns a column into codes 0..k-1 in R's factor order (numeric
// order for numbers, else string order) and the labels "col=value".
func (d dataset) codes(t *testing.T, col string) ([]int, []string) {
	t.Helper()
	all, err := d.tab.Strings(col)
	if err != nil {
		t.Fatal(err)
	}
	var vals []string
	for _, i := range d.keep {
		if !slices.Contains(vals, all[i]) {
			vals = append(vals, all[i])
		}
	}
	slices.SortFunc(vals, func(a, b string) int {
		x, errA := strconv.ParseFloat(a, 64)
		y, errB := strconv.ParseFloat(b, 64)
		if errA == nil && errB == nil {
			return cmpFloat(x, y)
		}
		if a < b {
			return -1
		}
		if a > b {
			return 1
		}
		return 0
	})
	out := make([]int, len(d.keep))
	for k, i := range d.keep {
		out[k] = slices.Index(vals, all[i])
	}
	labels := make([]string, len(vals))
	for i, v := range vals {
		labels[i] = col + "=" + v
	}
	return out, labels
}

func cmpFloat(x, y float64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

func checkInts(t *testing.T, what string, got []float64, want []float64) {
	t.Helper()
	reftest.Floats(t, what, got, want, 0)
}
