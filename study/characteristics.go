package study

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"carimpi/internal/jsonx"
	"carimpi/stattest"
)

// Characteristics describes variables by group, each tested with the
// Table-1 rule (stattest.CompareContinuous, stattest.CompareCategorical):
// Table 1 (by cohort), Tables S2 and S3 (by median and tercile group),
// Table S5 and the grade tests of Fig 3.
type Characteristics struct {
	Groups []string         `json:"groups"`
	N      []int            `json:"n"`
	Rows   []Characteristic `json:"rows"`
}

// Characteristic is one variable by group. Continuous variables carry the
// type-7 median and quartiles of each group (and of all groups together);
// categorical ones the counts Counts[group][level]. Missing[g] counts the
// group's patients without a value. Test is "wilcoxon", "kruskal",
// "chisq" (no continuity correction) or "fisher"; "" when there is nothing
// to test (Note says why). Method names the test as computed; MonteCarlo
// is set when Fisher's p-value is a Monte Carlo estimate because exact
// enumeration was beyond reach.
type Characteristic struct {
	Variable string `json:"variable"`
	Label    string `json:"label"`
	Kind     string `json:"kind"` // "continuous" or "categorical"
	Unit     string `json:"unit,omitempty"`
	// Levels of a categorical variable, in display order.
	Levels  []string `json:"levels,omitempty"`
	Counts  [][]int  `json:"counts,omitempty"`
	Missing []int    `json:"missing"`

	Median        jsonx.Floats `json:"median,omitempty"`
	Q1            jsonx.Floats `json:"q1,omitempty"`
	Q3            jsonx.Floats `json:"q3,omitempty"`
	OverallMedian *jsonx.Float `json:"overall_median,omitempty"`
	OverallQ1     *jsonx.Float `json:"overall_q1,omitempty"`
	OverallQ3     *jsonx.Float `json:"overall_q3,omitempty"`

	Test        string      `json:"test"`
	Statistic   jsonx.Float `json:"statistic"`
	DF          int         `json:"df"`
	P           jsonx.Float `json:"p"`
	MinExpected jsonx.Float `json:"min_expected"`
	Method      string      `json:"method,omitempty"`
	MonteCarlo  *MonteCarlo `json:"monte_carlo,omitempty"`
	Note        string      `json:"note,omitempty"`
}

// MonteCarlo describes a Monte Carlo Fisher p-value: B random tables with
// the observed margins, drawn with Seed (stattest.FisherMonteCarlo, R's
// fisher.test(x, simulate.p.value = TRUE, B = B)).
type MonteCarlo struct {
	B    int    `json:"b"`
	Seed uint64 `json:"seed"`
}

// fisherReplicates is B of the Monte Carlo Fisher p-value used when the
// exact test is beyond reach (R's default is 2000; 10,000 give p to about
// +-0.002 at p = 0.05 for 50 ms at N = 500).
const fisherReplicates = 10_000

// variable is one row of a characteristics table: a continuous column, or
// a categorical one as codes, indices into its levels in display order.
// Both are read where the table needs them, from the patients' columns,
// not copied: a table of 20 variables held as float64 or a code a
// patient took 50-80 MB at 5e5 patients.
type variable struct {
	key, label, unit string
	num              func(idx []int) []float64 // continuous: the values of the patients idx
	code             func(i int) int           // categorical: patient i's level, or codeMissing or codeOther
	levels           []string
}

// Codes of a categorical variable that are not levels.
const (
	codeMissing = -1 // no value: counted as missing
	codeOther   = -2 // a value not among the levels: not counted
)

// textVar turns a text column (s gives patient i's value, "" when
// missing) into a categorical variable with the given levels.
func textVar(key, label string, s func(i int) string, levels []string) variable {
	index := make(map[string]int, len(levels))
	for l, v := range levels {
		index[v] = l
	}
	return variable{key: key, label: label, levels: levels, code: func(i int) int {
		v := s(i)
		l, ok := index[v]
		switch {
		case v == "":
			return codeMissing
		case !ok:
			return codeOther
		}
		return l
	}}
}

// binaryVar is the categorical variable "no"/"yes" of a column (x gives
// patient i's value, NaN when missing), yes where yes(value).
func binaryVar(key, label string, x func(i int) float64, yes func(float64) bool) variable {
	return variable{key: key, label: label, levels: []string{"no", "yes"}, code: func(i int) int {
		switch v := x(i); {
		case math.IsNaN(v):
			return codeMissing
		case yes(v):
			return 1
		}
		return 0
	}}
}

// isOne is the "yes" of a 0/1 column.
func isOne(v float64) bool { return v == 1 }

// gradeVar turns a grade column (0, 1, 2, ...) of n patients into a
// categorical variable whose levels are the observed grades in increasing
// order.
func gradeVar(key, label string, x func(i int) float64, n int) variable {
	var lv []float64
	for i := range n {
		if v := x(i); !math.IsNaN(v) && !slices.Contains(lv, v) {
			lv = append(lv, v)
		}
	}
	slices.Sort(lv)
	levels := make([]string, len(lv))
	for i, v := range lv {
		levels[i] = strconv.FormatFloat(v, 'f', -1, 64)
	}
	return variable{key: key, label: label, levels: levels, code: func(i int) int {
		if v := x(i); !math.IsNaN(v) {
			return slices.Index(lv, v)
		}
		return codeMissing
	}}
}

// describe tabulates the variables over the groups (patient indices per
// group) and tests each; seed seeds a Monte Carlo Fisher p-value, should
// one be needed.
func describe(vars []variable, names []string, groups [][]int, seed uint64) *Characteristics {
	ch := &Characteristics{Groups: names, N: make([]int, len(groups))}
	for g, idx := range groups {
		ch.N[g] = len(idx)
	}
	for _, v := range vars {
		if v.num != nil {
			ch.Rows = append(ch.Rows, continuousRow(v, groups))
		} else {
			ch.Rows = append(ch.Rows, categoricalRow(v, groups, seed))
		}
	}
	return ch
}

func continuousRow(v variable, groups [][]int) Characteristic {
	k := len(groups)
	c := Characteristic{Variable: v.key, Label: v.label, Unit: v.unit, Kind: "continuous", Missing: make([]int, k),
		Median: nanSlice(k), Q1: nanSlice(k), Q3: nanSlice(k)}
	samples := make([][]float64, k)
	total := 0
	for g, idx := range groups {
		x := v.num(idx) // a copy: filtered in place
		samples[g] = slices.DeleteFunc(x, math.IsNaN)
		c.Missing[g] = len(idx) - len(samples[g])
		if len(samples[g]) > 0 {
			q := stattest.Quantiles(samples[g], 0.5, 0.25, 0.75)
			c.Median[g], c.Q1[g], c.Q3[g] = q[0], q[1], q[2]
		}
		total += len(samples[g])
	}
	all := make([]float64, 0, total)
	for _, s := range samples {
		all = append(all, s...)
	}
	if len(all) > 0 {
		q := stattest.Quantiles(all, 0.5, 0.25, 0.75)
		m, q1, q3 := jsonx.Float(q[0]), jsonx.Float(q[1]), jsonx.Float(q[2])
		c.OverallMedian, c.OverallQ1, c.OverallQ3 = &m, &q1, &q3
	}
	c.setTest(stattest.CompareContinuous(samples))
	return c
}

func categoricalRow(v variable, groups [][]int, seed uint64) Characteristic {
	k := len(groups)
	c := Characteristic{Variable: v.key, Label: v.label, Kind: "categorical", Levels: v.levels, Missing: make([]int, k), Counts: make([][]int, k)}
	for g, idx := range groups {
		c.Counts[g] = make([]int, len(v.levels))
		for _, i := range idx {
			switch l := v.code(i); {
			case l == codeMissing:
				c.Missing[g]++
			case l >= 0:
				c.Counts[g][l]++
			}
		}
	}
	c.setTest(stattest.CompareCategorical(c.Counts, fisherReplicates, seed))
	return c
}

func (c *Characteristic) setTest(t stattest.GroupTest, err error) {
	c.Statistic, c.P, c.MinExpected = jsonx.Float(math.NaN()), jsonx.Float(math.NaN()), jsonx.Float(math.NaN())
	if err != nil {
		c.Note = "not tested: " + err.Error()
		return
	}
	c.Test, c.Statistic, c.DF, c.P, c.MinExpected = t.Test, jsonx.Float(t.Statistic), t.DF, jsonx.Float(t.P), jsonx.Float(t.MinExpected)
	c.Method = testNames[t.Test]
	if t.Replicates > 0 {
		c.MonteCarlo = &MonteCarlo{B: t.Replicates, Seed: t.Seed}
		c.Method = fmt.Sprintf("%s, Monte Carlo p-value from %d random tables with the observed margins, seed %d (exact enumeration beyond reach; R: fisher.test(x, simulate.p.value = TRUE, B = %d))", testNames["fisher"], t.Replicates, t.Seed, t.Replicates)
	}
}
