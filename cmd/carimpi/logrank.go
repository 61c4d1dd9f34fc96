package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"
	"text/tabwriter"

	"carimpi/internal/factor"
	"carimpi/internal/jsonx"
	"carimpi/render"
	"carimpi/survival"
)

func init() { register(newLogRankCmd()) }

type logRankFlags struct {
	survFlags
	group, strata, rho, format string
	trend                      bool
}

func newLogRankCmd() *Command {
	var f logRankFlags
	fs := flag.NewFlagSet("logrank", flag.ContinueOnError)
	f.survFlags.register(fs)
	fs.StringVar(&f.group, "group", "", "`column` whose values are the groups compared (required)")
	fs.StringVar(&f.strata, "strata", "", "optional `column`: compare groups within its strata and sum, as survdiff's strata()")
	fs.StringVar(&f.rho, "rho", "0", "G-rho weight S(t-)^rho: 0 = log-rank, 1 = Peto-Peto")
	fs.StringVar(&f.format, "format", "table", "output format: table or json")
	fs.BoolVar(&f.trend, "trend", false, "add the test for trend also when the groups are text (scores 1..k in alphabetical order); numeric groups always get it")
	return &Command{
		Name:      "logrank",
		UsageLine: "logrank --data F.csv --time COL --event COL [--event-value V] --group COL [--strata COL] [--rho R] [--trend] [--format table|json]",
		Short:     "log-rank and G-rho tests between groups, with strata and a trend test, as R's survdiff",
		Long: `Logrank tests whether the groups of --group have the same survival, as R's
survival::survdiff (3.5) does: observed and expected events per group, the
variance matrix of O - E, and the chi-square on k - 1 df with its p-value.
--strata compares the groups within each stratum and sums (survdiff's
strata()); --rho weights each event time by S(t-)^rho of the pooled
Kaplan-Meier curve (0: log-rank, 1: Peto-Peto). With three or more ordered
groups a test for trend is added: scores 1..k in the order of "groups",
chi-square on 1 df = (s'(O-E))^2 / s'Vs. Groups are ordered when every group
value is a number (numeric order, e.g. ECOG 0..3 or risk terciles coded 1,
2, 3); text groups such as CAR-T products have no order and get no trend
test unless --trend asks for one in the alphabetical order of "groups".

An event is a row whose --event cell equals --event-value (default 1). Rows
with a missing time, event, group or stratum are dropped and counted.
Groups are named "col=value".

JSON output (--format json):

	{"notice", "dropped", "rho", "groups": [], "n": [], "observed": [],
	 "expected": [], "var": [[]], "statistic", "df", "p",
	 "strata": [], "observed_by_stratum": [[]], "expected_by_stratum": [[]],
	 "trend": {"statistic", "df", "p"}}

The by-stratum matrices (rows = groups, columns = strata) appear with
--strata; "trend" with three or more ordered groups (or --trend).`,
		Flags: fs,
		Run: func(stdout, _ io.Writer) error {
			return writeAnswer(stdout, f.format, runLogRank, f)
		},
	}
}

type logRankJSON struct {
	Notice      string         `json:"notice"`
	Dropped     int            `json:"dropped"`
	EventCoding string         `json:"event_coding,omitempty"` // R's Surv 1/2 coding read without --event-value
	Rho         float64        `json:"rho"`
	Groups      []string       `json:"groups"`
	N           []int          `json:"n"`
	Observed    jsonx.Floats   `json:"observed"`
	Expected    jsonx.Floats   `json:"expected"`
	Var         []jsonx.Floats `json:"var"`
	Statistic   jsonx.Float    `json:"statistic"`
	DF          int            `json:"df"`
	P           jsonx.Float    `json:"p"`

	Strata            []string       `json:"strata,omitempty"`
	ObservedByStratum []jsonx.Floats `json:"observed_by_stratum,omitempty"`
	ExpectedByStratum []jsonx.Floats `json:"expected_by_stratum,omitempty"`
	Trend             *trendJSON     `json:"trend,omitempty"`
}

type trendJSON struct {
	Statistic jsonx.Float `json:"statistic"`
	DF        int         `json:"df"`
	P         jsonx.Float `json:"p"`
}

func runLogRank(f logRankFlags) (*logRankJSON, error) {
	if err := checkFormat(f.format, "table", "json"); err != nil {
		return nil, err
	}
	if f.group == "" {
		return nil, usagef("--group is required")
	}
	rho, err := strconv.ParseFloat(f.rho, 64)
	if err != nil || math.IsNaN(rho) || math.IsInf(rho, 0) {
		return nil, usagef("--rho %q is not a number", f.rho)
	}
	d, err := loadSurv(f.survFlags, nil, []string{f.group, f.strata})
	if err != nil {
		return nil, err
	}
	group, names := d.codeColumn(f.group)
	if len(names) < 2 {
		return nil, fmt.Errorf("%s: column %q has one group (%s) among the %d kept rows; the test compares two or more", f.data, f.group, names[0], len(group))
	}
	var strata []int
	var snames []string
	if f.strata != "" {
		strata, snames = d.codeColumn(f.strata)
	}
	r, err := survival.LogRank(d.time, d.event, group, strata, rho)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.data, err)
	}
	res := &logRankJSON{
		Notice: researchNotice, Dropped: d.dropped, EventCoding: d.eventNote, Rho: rho, Groups: names, N: r.N,
		Observed: r.Observed, Expected: r.Expected,
		Statistic: jsonx.Float(r.Statistic), DF: r.DF, P: jsonx.Float(r.P),
	}
	for _, row := range r.Var {
		res.Var = append(res.Var, row)
	}
	if strata != nil {
		res.Strata = snames
		for g := range r.N {
			res.ObservedByStratum = append(res.ObservedByStratum, r.ObservedByStratum[g])
			res.ExpectedByStratum = append(res.ExpectedByStratum, r.ExpectedByStratum[g])
		}
	}
	_, lv := d.textCodes(f.group)
	if len(names) >= 3 && (f.trend || factor.Numeric(lv)) {
		if t, err := r.Trend(nil); err == nil {
			res.Trend = &trendJSON{jsonx.Float(t.Statistic), t.DF, jsonx.Float(t.P)}
		} else if !errors.Is(err, survival.ErrNoTrendVariance) {
			return nil, err
		}
	}
	return res, nil
}

func (r *logRankJSON) writeTable(w io.Writer) error {
	name := "Log-rank test"
	switch r.Rho {
	case 0:
	case 1:
		name = "Peto-Peto test (G-rho, rho = 1)"
	default:
		name = fmt.Sprintf("G-rho test (rho = %g)", r.Rho)
	}
	if r.Strata != nil {
		name += fmt.Sprintf(", stratified (%d strata)", len(r.Strata))
	}
	fmt.Fprintln(w, name)
	if r.EventCoding != "" {
		fmt.Fprintln(w, r.EventCoding)
	}
	if r.Dropped > 0 {
		fmt.Fprintln(w, droppedLine(r.Dropped))
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "group\tN\tobserved\texpected\t(O-E)^2/E\t(O-E)^2/V\t\n")
	for g, name := range r.Groups {
		o, e, v := r.Observed[g], r.Expected[g], r.Var[g][g]
		fmt.Fprintf(tw, "%s\t%d\t%.4g\t%.4g\t%.4g\t%.4g\t\n", name, r.N[g], o, e, (o-e)*(o-e)/e, (o-e)*(o-e)/v)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nChi-square = %.4g on %d df, p = %s\n", float64(r.Statistic), r.DF, render.PText(float64(r.P), 3))
	if t := r.Trend; t != nil {
		fmt.Fprintf(w, "Test for trend (scores 1..%d in the order above): chi-square = %.4g on 1 df, p = %s\n",
			len(r.Groups), float64(t.Statistic), render.PText(float64(t.P), 3))
	}
	_, err := fmt.Fprintln(w, "\n"+researchNotice)
	return err
}
