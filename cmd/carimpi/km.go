package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"

	"carimpi/internal/jsonx"
	"carimpi/survival"
)

func init() { register(newKMCmd()) }

type kmFlags struct {
	survFlags
	plot                                     kmPlotFlags
	group, confType, times, rmst, format     string
	weights, estimator, confLevel, quantiles string
}

func newKMCmd() *Command {
	var f kmFlags
	fs := flag.NewFlagSet("km", flag.ContinueOnError)
	f.survFlags.register(fs)
	fs.StringVar(&f.group, "group", "", "optional `column` whose values get one curve each")
	f.plot.register(fs)
	fs.StringVar(&f.confType, "conf-type", "log", "pointwise 95% confidence interval: log (R's default), log-log or plain")
	fs.StringVar(&f.times, "times", "", "comma-separated `times` at which to read S(t), e.g. 12,24 (landmark rates)")
	fs.StringVar(&f.rmst, "rmst", "", "optional horizon `tau`: add the restricted mean survival time up to tau with its se")
	fs.StringVar(&f.format, "format", "table", "output format: table or json")
	fs.StringVar(&f.start, "start", "", "optional entry-time `column` (delayed entry, left truncation): rows are at risk on (start, time], as survfit(Surv(start, stop, event))")
	fs.StringVar(&f.weights, "weights", "", "optional case-weight `column` (positive numbers): weighted numbers at risk and events, as survfit(weights =)")
	fs.StringVar(&f.estimator, "estimator", "km", "km (Kaplan-Meier) or fh (Fleming-Harrington: S = exp(-Nelson-Aalen), se of H = sqrt(sum d/n^2))")
	fs.StringVar(&f.confLevel, "conf-level", "0.95", "confidence `level` of the pointwise intervals and of the median's and quantiles' CI")
	fs.StringVar(&f.quantiles, "quantiles", "", "comma-separated `probabilities`, e.g. 0.25,0.5,0.75: the times by which these fractions had the event, with CI, as quantile(fit)")
	return &Command{
		Name:      "km",
		UsageLine: "km --data F.csv --time COL --event COL [--event-value V] [--group COL] [--conf-type log|log-log|plain] [--conf-level 0.95] [--estimator km|fh] [--start COL] [--weights COL] [--times 12,24] [--quantiles 0.25,0.5,0.75] [--rmst TAU] [--plot F.svg|png|pdf [--break-time 6] [--labels A,B] [--plot-ci] [--median-line]] [--format table|json]",
		Short:     "Kaplan-Meier curves with median, landmark rates and follow-up, as R's survfit",
		Long: `Km estimates Kaplan-Meier survival curves, one per value of --group, as
R's survival::survfit (3.5) does: a row per distinct time (censoring-only
times included), the number at risk, events, censored, S(t), the standard
error of S(t) (Greenwood, as summary.survfit prints it) and a pointwise 95%
confidence interval of type log (R's default), log-log or plain. The median
and its 95% CI follow print.survfit (the CI is where the interval's curves
cross 0.5, so it depends on --conf-type); null means not reached. --times
reads S(t) as summary(fit, times = ...) does: times after a curve's last
follow-up are left out. The median follow-up is the median of the reverse
Kaplan-Meier curve (censoring as the event) of all kept rows.

An event is a row whose --event cell equals --event-value (default 1); the
column may hold one other value, which means censored. Rows with a missing
time, event or group are dropped and counted. Groups are ordered numerically
when every value is a number, else alphabetically, and named "col=value".

JSON output (--format json):

	{"notice", "dropped", "conf_type",
	 "strata": [{"name", "n", "events", "median", "median_lower", "median_upper",
	             "time": [], "n_risk": [], "n_event": [], "n_censor": [], "surv": [],
	             "std_err": [], "lower": [], "upper": [],
	             "at_times": {"time": [], "n_risk": [], "n_event": [], "surv": [],
	                          "std_err": [], "lower": [], "upper": []},
	             "rmst": {"tau", "mean", "se"}}],
	 "median_followup": {"median", "lower", "upper"}}

"rmst" appears with --rmst.

--plot F.svg|png|pdf draws the curves as the study's figures do (format
from the extension; PNG at 300 dpi): censor ticks, a number-at-risk table
under the axis, the log-rank p with two or more groups, --plot-ci for the
pointwise confidence bands, --median-line for dashed lines at S = 0.5,
--break-time for the step between time ticks and risk-table columns, and
--labels to rename the groups in order (comma-separated). The table output lists the event times only,
as summary(fit) does; the JSON has every row.`,
		Flags: fs,
		Run: func(stdout, _ io.Writer) error {
			return writeAnswer(stdout, f.format, runKM, f)
		},
	}
}

type kmJSON struct {
	Notice      string          `json:"notice"`
	Dropped     int             `json:"dropped"`
	EventCoding string          `json:"event_coding,omitempty"` // R's Surv 1/2 coding read without --event-value
	ConfType    string          `json:"conf_type"`
	ConfLevel   float64         `json:"conf_level"`
	Estimator   string          `json:"estimator"`
	Strata      []kmStratumJSON `json:"strata"`
	FollowUp    medianJSON      `json:"median_followup"`
	Warnings    []string        `json:"warnings,omitempty"`

	group  string
	nTimes int // number of --times
}

type kmStratumJSON struct {
	Name        string       `json:"name"`
	N           int          `json:"n"`
	Events      int          `json:"events"`
	Median      jsonx.Float  `json:"median"`
	MedianLower jsonx.Float  `json:"median_lower"`
	MedianUpper jsonx.Float  `json:"median_upper"`
	Time        jsonx.Floats `json:"time"`
	NRisk       jsonx.Floats `json:"n_risk"`
	NEvent      jsonx.Floats `json:"n_event"`
	NCensor     jsonx.Floats `json:"n_censor"`
	Surv        jsonx.Floats `json:"surv"`
	StdErr      jsonx.Floats `json:"std_err"`
	Lower       jsonx.Floats `json:"lower"`
	Upper       jsonx.Floats `json:"upper"`
	AtTimes     atTimesJSON  `json:"at_times"`
	RMST        *rmstJSON    `json:"rmst,omitempty"`
	Quantiles   *quantJSON   `json:"quantiles,omitempty"`
}

// quantJSON holds survival-time quantiles with their CI, as quantile(fit).
type quantJSON struct {
	Probs    []float64    `json:"probs"`
	Quantile jsonx.Floats `json:"quantile"`
	Lower    jsonx.Floats `json:"lower"`
	Upper    jsonx.Floats `json:"upper"`
}

type atTimesJSON struct {
	Time   jsonx.Floats `json:"time"`
	NRisk  jsonx.Floats `json:"n_risk"`
	NEvent jsonx.Floats `json:"n_event"`
	Surv   jsonx.Floats `json:"surv"`
	StdErr jsonx.Floats `json:"std_err"`
	Lower  jsonx.Floats `json:"lower"`
	Upper  jsonx.Floats `json:"upper"`
}

type rmstJSON struct {
	Tau  float64     `json:"tau"`
	Mean jsonx.Float `json:"mean"`
	SE   jsonx.Float `json:"se"`
}

type medianJSON struct {
	Median jsonx.Float `json:"median"`
	Lower  jsonx.Float `json:"lower"`
	Upper  jsonx.Float `json:"upper"`
}

func runKM(f kmFlags) (*kmJSON, error) {
	if err := checkFormat(f.format, "table", "json"); err != nil {
		return nil, err
	}
	ct, err := survival.ParseConfType(f.confType)
	if err != nil {
		return nil, usagef("--conf-type %q: use log, log-log or plain", f.confType)
	}
	level, err := parseLevel(f.confLevel)
	if err != nil {
		return nil, err
	}
	var est survival.Estimator
	switch f.estimator {
	case "km":
	case "fh":
		est = survival.FlemingHarrington
	default:
		return nil, usagef("--estimator %q: use km or fh", f.estimator)
	}
	var probs []float64
	if strings.TrimSpace(f.quantiles) != "" {
		for _, p := range strings.Split(f.quantiles, ",") {
			v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
			if err != nil || !(v > 0 && v < 1) {
				return nil, usagef("--quantiles: %q is not a probability in (0, 1)", p)
			}
			probs = append(probs, v)
		}
	}
	times, err := parseTimes(f.times)
	if err != nil {
		return nil, err
	}
	tau := math.NaN()
	if f.rmst != "" {
		tau, err = strconv.ParseFloat(f.rmst, 64)
		if err != nil || !(tau >= 0) || math.IsInf(tau, 0) {
			return nil, usagef("--rmst %q is not a non-negative number", f.rmst)
		}
	}
	d, err := loadSurv(f.survFlags, []string{f.weights}, []string{f.group})
	if err != nil {
		return nil, err
	}
	strata, names := d.codeColumn(f.group)
	opt := survival.KMOptions{ConfType: ct, ConfLevel: level, Estimator: est, Start: d.start}
	var warnings []string
	if f.weights != "" {
		opt.Weights = d.floatColumn(f.weights)
		if err := d.checkWeights(f.weights, opt.Weights); err != nil {
			return nil, err
		}
		if est == survival.FlemingHarrington {
			for _, w := range opt.Weights {
				if w != math.Trunc(w) {
					warnings = append(warnings, "non-integer weights with --estimator fh: std_err is the infinitesimal-jackknife standard error of the cumulative hazard H = -log S, and the limits take std_err/S as the standard error of log S, as R's survfit(..., weights =, stype = 2, ctype = 1) reports them (survival 3.5)")
					break
				}
			}
		}
	}
	curves, err := survival.KaplanMeier(d.time, d.event, strata, opt)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.data, err)
	}
	res := &kmJSON{Notice: researchNotice, Dropped: d.dropped, ConfType: ct.String(), ConfLevel: level, Estimator: est.String(),
		group: f.group, nTimes: len(times), Warnings: warnings, EventCoding: d.eventNote}
	for s := range curves {
		c := &curves[s]
		m := c.Median()
		st := kmStratumJSON{
			Name: names[s], N: c.N, Events: c.Events,
			Median: jsonx.Float(m.Estimate), MedianLower: jsonx.Float(m.Lower), MedianUpper: jsonx.Float(m.Upper),
			Time: c.Time, NRisk: c.NRisk, NEvent: c.NEvent, NCensor: c.NCensor,
			Surv: c.Surv, StdErr: make([]float64, len(c.Surv)), Lower: c.Lower, Upper: c.Upper,
		}
		for i := range st.StdErr {
			st.StdErr[i] = c.SurvStdErr(i)
		}
		at := c.At(times)
		st.AtTimes = atTimesJSON{Time: at.Time, NRisk: at.NRisk, NEvent: at.NEvent, Surv: at.Surv, StdErr: at.StdErr, Lower: at.Lower, Upper: at.Upper}
		if !math.IsNaN(tau) {
			r, err := c.RMST(tau)
			if err != nil {
				return nil, err
			}
			st.RMST = &rmstJSON{Tau: tau, Mean: jsonx.Float(r.Mean), SE: jsonx.Float(r.StdErr)}
		}
		if probs != nil {
			q := &quantJSON{Probs: probs}
			for _, p := range probs {
				m := c.Quantile(p)
				q.Quantile = append(q.Quantile, m.Estimate)
				q.Lower = append(q.Lower, m.Lower)
				q.Upper = append(q.Upper, m.Upper)
			}
			st.Quantiles = q
		}
		res.Strata = append(res.Strata, st)
	}
	fuOpt := opt
	fuOpt.Estimator = survival.ProductLimit
	fu, err := survival.MedianFollowUp(d.time, d.event, fuOpt)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.data, err)
	}
	res.FollowUp = medianJSON{jsonx.Float(fu.Estimate), jsonx.Float(fu.Lower), jsonx.Float(fu.Upper)}
	if f.plot.file != "" {
		if err := f.plot.write(f, d, strata, curves, names); err != nil {
			return nil, err
		}
	}
	return res, nil
}

func (r *kmJSON) writeTable(w io.Writer) error {
	by := ""
	if r.group != "" {
		by = " by " + r.group
	}
	name := "Kaplan-Meier"
	if r.Estimator == "fh" {
		name = "Fleming-Harrington (exp of Nelson-Aalen)"
	}
	fmt.Fprintf(w, "%s survival%s; %g%% confidence intervals of type %s\n", name, by, 100*r.ConfLevel, r.ConfType)
	if r.EventCoding != "" {
		fmt.Fprintln(w, r.EventCoding)
	}
	if r.Dropped > 0 {
		fmt.Fprintln(w, droppedLine(r.Dropped))
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	hasRMST := len(r.Strata) > 0 && r.Strata[0].RMST != nil
	fmt.Fprint(tw, "group\tn\tevents\tmedian\tCI\t")
	if hasRMST {
		fmt.Fprintf(tw, "RMST to %s\tse\t", kmTime(r.Strata[0].RMST.Tau))
	}
	fmt.Fprintln(tw)
	for _, s := range r.Strata {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t", s.Name, s.N, s.Events, kmMedian(float64(s.Median)),
			kmCI(float64(s.MedianLower), float64(s.MedianUpper), kmLimit))
		if s.RMST != nil {
			fmt.Fprintf(tw, "%.4g\t%.4g\t", float64(s.RMST.Mean), float64(s.RMST.SE))
		}
		fmt.Fprintln(tw)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fu := r.FollowUp
	fmt.Fprintf(w, "Median follow-up (reverse Kaplan-Meier): %s (CI %s)\n",
		kmMedian(float64(fu.Median)), kmCI(float64(fu.Lower), float64(fu.Upper), kmLimit))
	fmt.Fprintln(w, "NR = not reached: the curve or its confidence limit stays above 50%.")
	for _, msg := range r.Warnings {
		fmt.Fprintf(w, "Warning: %s\n", msg)
	}
	for _, st := range r.Strata {
		if q := st.Quantiles; q != nil {
			fmt.Fprintf(w, "%s quantiles:", st.Name)
			for i, p := range q.Probs {
				fmt.Fprintf(w, " %g%%: %s (%s)", 100*p, kmMedian(q.Quantile[i]), kmCI(q.Lower[i], q.Upper[i], kmLimit))
			}
			fmt.Fprintln(w)
		}
	}

	if r.nTimes > 0 {
		fmt.Fprintln(w, "\nSurvival at the requested times:")
		tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
		fmt.Fprint(tw, "group\ttime\tat risk\tevents\tsurvival\tstd.err\tCI\t\n")
		for _, s := range r.Strata {
			a := s.AtTimes
			for i := range a.Time {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%.4f\t%.4f\t%s\t\n", s.Name, kmTime(a.Time[i]), kmTime(a.NRisk[i]), kmTime(a.NEvent[i]),
					a.Surv[i], a.StdErr[i], kmCI(a.Lower[i], a.Upper[i], kmProb))
			}
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		for _, s := range r.Strata {
			if len(s.AtTimes.Time) < r.nTimes {
				fmt.Fprintf(w, "%s: times after its last follow-up (%s) are not shown\n", s.Name, kmTime(s.Time[len(s.Time)-1]))
			}
		}
	} else {
		for _, s := range r.Strata {
			fmt.Fprintf(w, "\n%s: survival at each event time\n", s.Name)
			err := writeRightAligned(w, "time\tat risk\tevents\tsurvival\tstd.err\tCI\t", len(s.Time), func(i int, b []byte) ([]byte, bool) {
				if s.NEvent[i] == 0 {
					return b, false
				}
				b = append(appendKMTime(b, s.Time[i]), '\t')
				b = append(appendKMTime(b, s.NRisk[i]), '\t')
				b = append(appendKMTime(b, s.NEvent[i]), '\t')
				b = append(strconv.AppendFloat(b, s.Surv[i], 'f', 4, 64), '\t')
				b = append(appendKMProb(b, s.StdErr[i]), '\t')
				b = append(appendKMProb(b, s.Lower[i]), " to "...)
				return append(appendKMProb(b, s.Upper[i]), '\t'), true
			})
			if err != nil {
				return err
			}
		}
	}
	_, err := fmt.Fprintln(w, "\n"+researchNotice)
	return err
}

func kmTime(t float64) string { return string(appendKMTime(nil, t)) }

// appendKMTime appends a time or count as the tables print it: 6
// significant digits.
func appendKMTime(b []byte, t float64) []byte { return strconv.AppendFloat(b, t, 'g', 6, 64) }

func kmMedian(t float64) string {
	if math.IsNaN(t) {
		return "not reached"
	}
	return kmTime(t)
}

func kmProb(v float64) string { return string(appendKMProb(nil, v)) }

// appendKMProb appends a probability or standard error to 4 decimals, NA
// when not finite.
func appendKMProb(b []byte, v float64) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return append(b, "NA"...)
	}
	return strconv.AppendFloat(b, v, 'f', 4, 64)
}

// kmLimit formats a confidence limit of a median; NR = not reached.
func kmLimit(t float64) string {
	if math.IsNaN(t) {
		return "NR"
	}
	return kmTime(t)
}

func kmCI(lo, up float64, f func(float64) string) string { return f(lo) + " to " + f(up) }

func droppedLine(n int) string {
	if n == 1 {
		return "1 row dropped for a missing value"
	}
	return fmt.Sprintf("%d rows dropped for a missing value", n)
}
