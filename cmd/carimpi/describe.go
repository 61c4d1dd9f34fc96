package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"text/tabwriter"

	"carimpi/internal/jsonx"
	"carimpi/stattest"
	"carimpi/table"
)

func init() { register(newDescribeCmd()) }

type describeFlags struct {
	data, variable, by, format string
}

func newDescribeCmd() *Command {
	var f describeFlags
	fs := flag.NewFlagSet("describe", flag.ContinueOnError)
	fs.StringVar(&f.data, "data", "", "CSV `file` with one row per patient")
	fs.StringVar(&f.variable, "var", "", "numeric `column` to summarise")
	fs.StringVar(&f.by, "by", "", "optional `column` whose labels split the rows into groups")
	fs.StringVar(&f.format, "format", "table", "output format: table or json")
	return &Command{
		Name:      "describe",
		UsageLine: "describe --data F.csv --var COL [--by COL] [--format table|json]",
		Short:     "summarise a numeric variable: n, missing, median (Q1, Q3), range, mean, SD",
		Long: `Describe prints the "Table 1" summary of a numeric column: the number of
values and of missing cells, median and quartiles (type-7 quantiles, R's
default), minimum, maximum, mean and standard deviation (n - 1 denominator).
A cell that is neither a number nor empty/NA is an error naming its line.

With --by, the same summary follows for each group (labels in numeric order
when all are numbers, else alphabetical). Rows whose --by cell is missing are
in the overall summary, belong to no group, and are counted in n_missing_by.

JSON output (--format json):

	{"var", "n", "n_missing", "median", "q1", "q3", "min", "max", "mean", "sd",
	 "by", "n_missing_by", "groups": [{"name", "n", "n_missing", "median", "q1",
	 "q3", "min", "max", "mean", "sd"}], "notice"}

The top level always summarises all rows; "by", "n_missing_by" and "groups"
appear with --by. Statistics that do not exist (no values; sd of one value)
are null.

` + researchNotice,
		Flags: fs,
		Run: func(stdout, _ io.Writer) error {
			return writeAnswer(stdout, f.format, runDescribe, f)
		},
	}
}

// summaryJSON is one line of describe's answer.
type summaryJSON struct {
	N        int         `json:"n"`
	NMissing int         `json:"n_missing"`
	Median   jsonx.Float `json:"median"`
	Q1       jsonx.Float `json:"q1"`
	Q3       jsonx.Float `json:"q3"`
	Min      jsonx.Float `json:"min"`
	Max      jsonx.Float `json:"max"`
	Mean     jsonx.Float `json:"mean"`
	SD       jsonx.Float `json:"sd"`
}

func toSummaryJSON(s stattest.Summary) summaryJSON {
	return summaryJSON{N: s.N, NMissing: s.NMissing, Median: jsonx.Float(s.Median), Q1: jsonx.Float(s.Q1), Q3: jsonx.Float(s.Q3),
		Min: jsonx.Float(s.Min), Max: jsonx.Float(s.Max), Mean: jsonx.Float(s.Mean), SD: jsonx.Float(s.SD)}
}

type describeGroup struct {
	Name string `json:"name"`
	summaryJSON
}

// describeResult is the JSON answer of describe.
type describeResult struct {
	Var string `json:"var"`
	summaryJSON
	By         string          `json:"by,omitempty"`
	NMissingBy *int            `json:"n_missing_by,omitempty"`
	Groups     []describeGroup `json:"groups,omitempty"`
	Notice     string          `json:"notice"`
}

func runDescribe(f describeFlags) (*describeResult, error) {
	switch {
	case f.data == "":
		return nil, usagef("--data is required")
	case f.variable == "":
		return nil, usagef("--var is required")
	}
	if err := checkFormat(f.format, "table", "json"); err != nil {
		return nil, err
	}
	tab, err := table.ReadFile(f.data)
	if err != nil {
		return nil, err
	}
	x, err := tab.Floats(f.variable)
	if err != nil {
		return nil, err
	}
	res := &describeResult{Var: f.variable, summaryJSON: toSummaryJSON(stattest.Describe(x)), Notice: researchNotice}
	if f.by == "" {
		return res, nil
	}
	byCells, err := tab.Strings(f.by)
	if err != nil {
		return nil, err
	}
	res.By = f.by
	var present []int // rows with a group
	for i, c := range byCells {
		if !table.IsMissing(c) {
			present = append(present, i)
		}
	}
	nMissing := len(byCells) - len(present)
	res.NMissingBy = &nMissing
	groups := levels(pick(byCells, present))
	for g, s := range groupValues(x, byCells, present, groups) {
		res.Groups = append(res.Groups, describeGroup{Name: groups[g], summaryJSON: toSummaryJSON(stattest.Describe(s))})
	}
	return res, nil
}

func (res *describeResult) writeTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "group\tn\tmissing\tmedian\tQ1\tQ3\tmin\tmax\tmean\tsd\t\n")
	line := func(name string, s summaryJSON) {
		fmt.Fprintf(tw, "%s\t%d\t%d", name, s.N, s.NMissing)
		for _, v := range []jsonx.Float{s.Median, s.Q1, s.Q3, s.Min, s.Max, s.Mean, s.SD} {
			if math.IsNaN(float64(v)) {
				fmt.Fprint(tw, "\tNA")
			} else {
				fmt.Fprintf(tw, "\t%.4g", float64(v))
			}
		}
		fmt.Fprint(tw, "\t\n")
	}
	line("all", res.summaryJSON)
	for _, g := range res.Groups {
		line(res.By+"="+g.Name, g.summaryJSON)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if res.NMissingBy != nil {
		fmt.Fprintf(w, "rows with %s missing (in \"all\", in no group): %d\n", res.By, *res.NMissingBy)
	}
	_, err := fmt.Fprintf(w, "%s: median (Q1, Q3) are type-7 quantiles; sd has n-1 denominator.\n%s\n", res.Var, researchNotice)
	return err
}
