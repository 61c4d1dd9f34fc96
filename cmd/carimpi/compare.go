package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"text/tabwriter"

	"carimpi/internal/factor"
	"carimpi/internal/jsonx"
	"carimpi/stattest"
	"carimpi/table"
)

func init() { register(newCompareCmd()) }

type compareFlags struct {
	data, variable, by, test, format string
	simulate                         int
	seed                             uint64
}

// maxAutoCategoricalLevels is the most distinct whole-number values that
// --test auto still reads as categories (0/1 flags, ECOG 0-4, stage 1-4,
// toxicity grades 0-5) rather than as a measurement.
const maxAutoCategoricalLevels = 6

func newCompareCmd() *Command {
	var f compareFlags
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	fs.StringVar(&f.data, "data", "", "CSV `file` with one row per patient")
	fs.StringVar(&f.variable, "var", "", "`column` to compare between groups")
	fs.StringVar(&f.by, "by", "", "`column` holding the group of each row")
	fs.StringVar(&f.test, "test", "auto", "auto, wilcox, kruskal, fisher, chisq or chisq-yates")
	fs.StringVar(&f.format, "format", "table", "output format: table or json")
	wholeVar(fs, &f.simulate, "simulate", 0, 0, maxFisherTables, "Fisher test on a table larger than 2x2: Monte Carlo p-value from `B` random tables instead of the exact one; 0 for the exact test")
	wholeVar(fs, &f.seed, "seed", 1, 0, math.MaxUint64, "random `seed` for --simulate, printed with the result")
	return &Command{
		Name:      "compare",
		UsageLine: "compare --data F.csv --var COL --by COL [--test auto|wilcox|kruskal|fisher|chisq|chisq-yates] [--format table|json]",
		Short:     "test a variable between groups, as in a Table 1 (Mann-Whitney, Kruskal-Wallis, Fisher, chi-square)",
		Long: `Compare tests whether --var differs between the groups of --by, with the
tests of a clinical "Table 1" and of toxicity tables, each equal to R's:

	wilcox       Wilcoxon rank-sum / Mann-Whitney U, 2 groups (wilcox.test: exact
	             when both groups have < 50 values and there are no ties, else the
	             normal approximation with tie and continuity correction)
	kruskal      Kruskal-Wallis, 2 or more groups (kruskal.test)
	fisher       Fisher's exact test (fisher.test); for a 2x2 table also the
	             conditional maximum-likelihood odds ratio and its exact 95% CI
	chisq        Pearson's chi-square without continuity correction (chisq.test)
	chisq-yates  the same with Yates's correction (R's default for 2x2; larger
	             tables get no correction, as in R)

--test auto (the default) is the study's Table 1 rule (gtsummary's default,
one function for both): a numeric variable gets Mann-Whitney (2 groups) or
Kruskal-Wallis (3 or more); a categorical one gets the chi-square test without
continuity correction, or Fisher's exact test when an expected count is below
5 (--test chisq-yates gives R's chisq.test default for a 2x2 table). A variable is categorical when a value is not a number, or when its values
are whole numbers with at most 6 distinct values (flags, ECOG, stage, grades).
The output names the test chosen and why.

Rows with a missing --by or --var are left out and counted in the output
(n_missing, n_missing_by, n_missing_var), never dropped silently. Categories
are rows of the contingency table in the order of --by's labels (numerically
when all labels are numbers), columns in the order of --var's labels.

JSON output (--format json):

	{"test", "statistic", "df", "p", "n", "estimate", "conf_int": [lower, upper],
	 "method", "chosen_by", "var", "by", "n_missing", "n_missing_by",
	 "n_missing_var", "groups": [{"name", "n"}], ...,  "notice"}

statistic is W (wilcox), H (kruskal) or X-squared (chisq), null for Fisher;
df is null for wilcox and fisher; estimate and conf_int are the odds ratio and
its CI for a 2x2 Fisher test, else null. Tables add "levels" (the --var
categories), "table" (the counts, rows = groups), "expected" (expected counts)
and "min_expected"; wilcox adds "exact" and "z".

The exact r x c Fisher test stops with an error on tables too large to
enumerate in about a second; use --test chisq, or --simulate B (with --seed)
for a Monte Carlo p-value as R's simulate.p.value = TRUE.

` + researchNotice,
		Flags: fs,
		Run: func(stdout, _ io.Writer) error {
			return writeAnswer(stdout, f.format, runCompare, f)
		},
	}
}

// compareResult is the JSON answer of compare.
type compareResult struct {
	Test        string        `json:"test"`
	Statistic   jsonx.Float   `json:"statistic"`
	DF          jsonx.Float   `json:"df"`
	P           jsonx.Float   `json:"p"`
	N           int           `json:"n"`
	Estimate    jsonx.Float   `json:"estimate"`
	ConfInt     *jsonx.Floats `json:"conf_int"`
	Method      string        `json:"method"`
	ChosenBy    string        `json:"chosen_by"`
	Var         string        `json:"var"`
	By          string        `json:"by"`
	NMissing    int           `json:"n_missing"`
	NMissingBy  int           `json:"n_missing_by"`
	NMissingVar int           `json:"n_missing_var"`
	Groups      []groupCount  `json:"groups"`
	Levels      []string      `json:"levels,omitempty"`
	Table       [][]int       `json:"table,omitempty"`
	Expected    [][]float64   `json:"expected,omitempty"`
	MinExpected *jsonx.Float  `json:"min_expected,omitempty"`
	Exact       *bool         `json:"exact,omitempty"`
	Z           *jsonx.Float  `json:"z,omitempty"`
	Replicates  int           `json:"replicates,omitempty"`
	Seed        *uint64       `json:"seed,omitempty"`
	Warnings    []string      `json:"warnings,omitempty"`
	Notice      string        `json:"notice"`
}

type groupCount struct {
	Name string `json:"name"`
	N    int    `json:"n"`
}

var compareTests = []string{"auto", "wilcox", "kruskal", "fisher", "chisq", "chisq-yates"}

func runCompare(f compareFlags) (*compareResult, error) {
	switch {
	case f.data == "":
		return nil, usagef("--data is required")
	case f.variable == "":
		return nil, usagef("--var is required")
	case f.by == "":
		return nil, usagef("--by is required")
	case f.variable == f.by:
		return nil, usagef("--var and --by name the same column %q", f.by)
	case !slices.Contains(compareTests, f.test):
		return nil, usagef("--test %q: use one of %s", f.test, strings.Join(compareTests, ", "))
	}
	if err := checkFormat(f.format, "table", "json"); err != nil {
		return nil, err
	}
	tab, err := table.ReadFile(f.data)
	if err != nil {
		return nil, err
	}
	vals, err := tab.Strings(f.variable)
	if err != nil {
		return nil, err
	}
	byCells, err := tab.Strings(f.by)
	if err != nil {
		return nil, err
	}
	res := &compareResult{Var: f.variable, By: f.by, Notice: researchNotice,
		Statistic: jsonx.Float(math.NaN()), DF: jsonx.Float(math.NaN()), Estimate: jsonx.Float(math.NaN())}
	var keep []int // rows with both cells present
	for i := range tab.Rows {
		mb, mv := table.IsMissing(byCells[i]), table.IsMissing(vals[i])
		if mb {
			res.NMissingBy++
		}
		if mv {
			res.NMissingVar++
		}
		if mb || mv {
			res.NMissing++
			continue
		}
		keep = append(keep, i)
	}
	if len(keep) == 0 {
		return nil, fmt.Errorf("%s: no row has both %q and %q present", tab.Source, f.variable, f.by)
	}
	res.N = len(keep)
	groups := levels(pick(byCells, keep))
	if len(groups) < 2 {
		return nil, fmt.Errorf("%s: column %q has a single group (%q) among the rows with %q present; a comparison needs at least 2", tab.Source, f.by, groups[0], f.variable)
	}
	test := f.test
	if test == "auto" {
		// stattest.Table1Test, the study's rule; a categorical variable's
		// choice needs the expected counts (tableTest).
		if categorical(pick(vals, keep), tab.DecimalComma) {
			test = "categorical"
			res.ChosenBy = "auto (Table 1 rule): categorical variable"
		} else if stattest.Table1Test(false, len(groups), math.NaN()) == "wilcoxon" {
			test, res.ChosenBy = "wilcox", "auto (Table 1 rule): numeric variable, 2 groups"
		} else {
			test, res.ChosenBy = "kruskal", fmt.Sprintf("auto (Table 1 rule): numeric variable, %d groups", len(groups))
		}
	} else {
		res.ChosenBy = "--test " + test
	}
	switch test {
	case "wilcox", "kruskal":
		err = res.rankTest(tab, f, test, byCells, keep, groups)
	default:
		err = res.tableTest(f, test, pick(vals, keep), pick(byCells, keep), groups)
	}
	var cellErr *table.CellError
	if errors.As(err, &cellErr) {
		return nil, err // already names the file
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", tab.Source, err)
	}
	return res, nil
}

// rankTest runs Mann-Whitney or Kruskal-Wallis on the kept rows.
func (res *compareResult) rankTest(tab *table.Table, f compareFlags, test string, byCells []string, keep []int, groups []string) error {
	x, err := tab.Floats(f.variable)
	if err != nil {
		return err
	}
	samples := groupValues(x, byCells, keep, groups)
	for g, s := range samples {
		res.Groups = append(res.Groups, groupCount{groups[g], len(s)})
	}
	res.Test = test
	if test == "wilcox" {
		if len(groups) != 2 {
			return fmt.Errorf("the Wilcoxon rank-sum test compares 2 groups, but %q has %d (%s); use --test kruskal", f.by, len(groups), strings.Join(groups, ", "))
		}
		r, err := stattest.MannWhitney(samples[0], samples[1])
		if err != nil {
			return err
		}
		res.Statistic, res.P = jsonx.Float(r.W), jsonx.Float(r.P)
		res.Exact = &r.Exact
		if r.Exact {
			res.Method = "Wilcoxon rank-sum test (Mann-Whitney U), exact p-value; W = U of the first group"
		} else {
			z := jsonx.Float(r.Z)
			res.Z = &z
			res.Method = "Wilcoxon rank-sum test (Mann-Whitney U), normal approximation with tie and continuity correction; W = U of the first group"
		}
		return nil
	}
	r, err := stattest.KruskalWallis(samples)
	if err != nil {
		return err
	}
	res.Statistic, res.DF, res.P = jsonx.Float(r.H), jsonx.Float(r.DF), jsonx.Float(r.P)
	res.Method = "Kruskal-Wallis rank-sum test (tie-corrected H, chi-square approximation)"
	return nil
}

// tableTest runs a Fisher or chi-square test on the groups x levels table;
// test "categorical" picks one as --test auto does.
func (res *compareResult) tableTest(f compareFlags, test string, vals, byCells, groups []string) error {
	res.Levels = levels(vals)
	res.Table = make([][]int, len(groups))
	for g := range res.Table {
		res.Table[g] = make([]int, len(res.Levels))
	}
	for k := range vals {
		res.Table[slices.Index(groups, byCells[k])][slices.Index(res.Levels, vals[k])]++
	}
	for g, row := range res.Table {
		n := 0
		for _, v := range row {
			n += v
		}
		res.Groups = append(res.Groups, groupCount{groups[g], n})
	}
	if len(res.Levels) < 2 {
		return fmt.Errorf("column %q takes the single value %q among the rows used; there is nothing to compare", f.variable, res.Levels[0])
	}
	chi, err := stattest.ChiSquare(res.Table, test == "chisq-yates")
	if err != nil {
		return err
	}
	res.Expected = chi.Expected
	me := jsonx.Float(chi.MinExpected)
	res.MinExpected = &me
	if test == "categorical" {
		if test = stattest.Table1Test(true, len(res.Table), chi.MinExpected); test == "fisher" {
			res.ChosenBy += fmt.Sprintf(", an expected count is below 5 (%.3g): Fisher's exact test", chi.MinExpected)
		} else {
			res.ChosenBy += ", expected counts >= 5: chi-square without continuity correction (as a Table 1; --test chisq-yates for R's 2x2 default)"
		}
	}
	res.Test = test
	if test != "fisher" {
		res.Statistic, res.DF, res.P = jsonx.Float(chi.Statistic), jsonx.Float(chi.DF), jsonx.Float(chi.P)
		res.Method = "Pearson's chi-square test"
		if chi.Yates {
			res.Method += " with Yates's continuity correction"
		}
		if chi.MinExpected < 5 {
			res.Warnings = append(res.Warnings, fmt.Sprintf("an expected count is %.3g (< 5): the chi-square approximation may be incorrect; consider --test fisher", chi.MinExpected))
		}
		return nil
	}
	two := len(res.Table) == 2 && len(res.Levels) == 2
	if f.simulate > 0 && !two {
		p, err := stattest.FisherMonteCarlo(res.Table, f.simulate, f.seed)
		if err != nil {
			return err
		}
		res.P = jsonx.Float(p)
		res.Replicates, res.Seed = f.simulate, &f.seed
		res.Method = fmt.Sprintf("Fisher's exact test, Monte Carlo p-value (%d random tables, seed %d)", f.simulate, f.seed)
		return nil
	}
	r, err := stattest.FisherExact(res.Table)
	if errors.Is(err, stattest.ErrTableTooLarge) {
		return fmt.Errorf("the %dx%d table of %q by %q is too large for the exact Fisher test; use --test chisq, or --simulate 10000 --seed 1 for a Monte Carlo p-value", len(res.Table), len(res.Levels), f.by, f.variable)
	}
	if err != nil {
		return err
	}
	res.P = jsonx.Float(r.P)
	res.Method = "Fisher's exact test"
	if two {
		res.Estimate = jsonx.Float(r.OddsRatio)
		ci := jsonx.Floats(r.ConfInt[:])
		res.ConfInt = &ci
		res.Method += "; odds ratio = conditional MLE with exact 95% CI, (row 1, col 1)(row 2, col 2) / (row 1, col 2)(row 2, col 1)"
	}
	return nil
}

// groupValues splits x at the given rows by their label in byCells, one
// slice per entry of groups (which must hold every such label), keeping
// the rows' order within each group.
func groupValues(x []float64, byCells []string, rows []int, groups []string) [][]float64 {
	samples := make([][]float64, len(groups))
	for _, i := range rows {
		g := slices.Index(groups, byCells[i])
		samples[g] = append(samples[g], x[i])
	}
	return samples
}

// levels returns the distinct labels in R's factor order (factor.Levels).
func levels(cells []string) []string { return factor.Levels(cells) }

// categorical reports whether --test auto treats the cells as categories:
// some cell is not a number, or all are whole numbers with at most
// maxAutoCategoricalLevels distinct values.
func categorical(cells []string, decimalComma bool) bool {
	distinct := map[float64]bool{}
	for _, c := range cells {
		v, err := table.ParseFloat(c, decimalComma)
		if err != nil {
			return true
		}
		if v != math.Trunc(v) {
			return false
		}
		distinct[v] = true
	}
	return len(distinct) <= maxAutoCategoricalLevels
}

func (res *compareResult) writeTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "%s by %s: %s\n", res.Var, res.By, res.Method)
	fmt.Fprintf(tw, "test\t%s (%s)\n", res.Test, res.ChosenBy)
	if !math.IsNaN(float64(res.Statistic)) {
		fmt.Fprintf(tw, "statistic\t%.6g\n", float64(res.Statistic))
	}
	if !math.IsNaN(float64(res.DF)) {
		fmt.Fprintf(tw, "df\t%g\n", float64(res.DF))
	}
	fmt.Fprintf(tw, "p\t%.4g\n", float64(res.P))
	if res.ConfInt != nil {
		fmt.Fprintf(tw, "odds ratio\t%.4g (95%% CI %.4g to %.4g)\n", float64(res.Estimate), (*res.ConfInt)[0], (*res.ConfInt)[1])
	}
	fmt.Fprintf(tw, "n\t%d (left out: %d rows; %d with %s missing, %d with %s missing)\n", res.N, res.NMissing, res.NMissingVar, res.Var, res.NMissingBy, res.By)
	names := make([]string, len(res.Groups))
	for i, g := range res.Groups {
		names[i] = fmt.Sprintf("%s: %d", g.Name, g.N)
	}
	fmt.Fprintf(tw, "groups\t%s\n", strings.Join(names, ", "))
	if res.Table != nil {
		fmt.Fprintf(tw, "\ncounts\t%s\n", strings.Join(res.Levels, "\t"))
		for g, row := range res.Table {
			cells := make([]string, len(row))
			for j, v := range row {
				cells[j] = fmt.Sprintf("%d (exp %.3g)", v, res.Expected[g][j])
			}
			fmt.Fprintf(tw, "%s\t%s\n", res.Groups[g].Name, strings.Join(cells, "\t"))
		}
	}
	for _, m := range res.Warnings {
		fmt.Fprintf(tw, "\nwarning: %s\n", m)
	}
	fmt.Fprintf(tw, "\n%s\n", researchNotice)
	return tw.Flush()
}
