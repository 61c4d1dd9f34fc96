package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"carimpi/internal/jsonx"
	"carimpi/internal/outfile"
	"carimpi/internal/sortkey"
	"carimpi/render"
	"carimpi/survival"
	"carimpi/survival/compete"
)

func init() { register(newCIFCmd()) }

// causeFlags are the flags that read a competing-risks status column.
type causeFlags struct {
	cause, causeCodes, censorCode string
}

func (f *causeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.cause, "cause", "", "status `column`: the censoring code or the code of the event's cause")
	fs.StringVar(&f.causeCodes, "cause-codes", "", "optional names of the cause codes, e.g. `progression=1,nrm=2`; other codes than these and the censoring code are errors")
	fs.StringVar(&f.censorCode, "censor-code", "0", "`code` of the status column that means censored")
}

// causeMap reads the status codes of a competing-risks column.
type causeMap struct {
	names, codes []string // named causes (--cause-codes), in flag order
	censor       string
	seen         []string // without --cause-codes: the cause codes met, in order
}

func (f *causeFlags) parse() (*causeMap, error) {
	if f.cause == "" {
		return nil, usagef("--cause is required")
	}
	m := &causeMap{censor: f.censorCode}
	if strings.TrimSpace(f.causeCodes) == "" {
		return m, nil
	}
	for _, part := range strings.Split(f.causeCodes, ",") {
		name, code, ok := strings.Cut(strings.TrimSpace(part), "=")
		name, code = strings.TrimSpace(name), strings.TrimSpace(code)
		if !ok || name == "" || code == "" {
			return nil, usagef("--cause-codes: %q is not name=code (e.g. progression=1,nrm=2)", part)
		}
		if sameCode(code, m.censor) {
			return nil, usagef("--cause-codes: %s=%s is the censoring code (--censor-code %s)", name, code, m.censor)
		}
		for k := range m.codes {
			if sameCode(m.codes[k], code) || m.names[k] == name {
				return nil, usagef("--cause-codes: %q repeats a name or code", part)
			}
		}
		m.names = append(m.names, name)
		m.codes = append(m.codes, code)
	}
	return m, nil
}

// status maps a cell to 0 (censored) or the cause's number 1, 2, ...; without
// --cause-codes numbers are provisional (order of appearance) until order.
func (m *causeMap) status(cell string) (int, error) {
	if sameCode(cell, m.censor) {
		return 0, nil
	}
	if m.codes != nil {
		for k, c := range m.codes {
			if sameCode(cell, c) {
				return k + 1, nil
			}
		}
		return 0, fmt.Errorf("is neither a cause code of --cause-codes (%s) nor the censoring code (--censor-code %s)", strings.Join(m.codes, ", "), m.censor)
	}
	for k, c := range m.seen {
		if sameCode(cell, c) {
			return k + 1, nil
		}
	}
	m.seen = append(m.seen, cell)
	return len(m.seen), nil
}

// order renumbers the provisional causes of a run without --cause-codes in
// cmprsk's order (numerically when every code is a number, else as text)
// and returns the cause names.
func (m *causeMap) order(status []int) []string {
	if m.codes != nil {
		return m.names
	}
	lv := levels(m.seen)
	pos := make([]int, len(m.seen)+1)
	for k, c := range m.seen {
		pos[k+1] = slices.Index(lv, c) + 1
	}
	for i, s := range status {
		status[i] = pos[s]
	}
	m.names, m.codes = lv, lv
	return lv
}

type cifFlags struct {
	data, time string
	causeFlags
	group, strata, times, rho, confType, confLevel, plot, format string
}

func newCIFCmd() *Command {
	var f cifFlags
	fs := flag.NewFlagSet("cif", flag.ContinueOnError)
	fs.StringVar(&f.data, "data", "", "CSV `file` with one row per patient")
	fs.StringVar(&f.time, "time", "", "follow-up time `column`")
	f.causeFlags.register(fs)
	fs.StringVar(&f.group, "group", "", "optional `column` whose values get their own curves and are compared by Gray's test")
	fs.StringVar(&f.strata, "strata", "", "optional `column`: Gray's test compares the groups within its strata and sums")
	fs.StringVar(&f.times, "times", "", "comma-separated `times` at which to read the cumulative incidence, e.g. 6,12,24")
	fs.StringVar(&f.rho, "rho", "0", "Gray's test weight (1 - F(t-))^rho")
	fs.StringVar(&f.confType, "conf-type", "log-log", "pointwise confidence interval: log-log, log or plain")
	fs.StringVar(&f.confLevel, "conf-level", "0.95", "confidence `level` of the pointwise intervals")
	fs.StringVar(&f.plot, "plot", "", "write the curves with a number-at-risk table to a `file` (.svg, .png at 300 dpi, or .pdf)")
	fs.StringVar(&f.format, "format", "table", "output format: table or json")
	return &Command{
		Name:      "cif",
		UsageLine: "cif --data F.csv --time COL --cause COL [--cause-codes progression=1,nrm=2] [--censor-code 0] [--group COL] [--strata COL] [--times 6,12,24] [--rho 0] [--conf-type log-log] [--conf-level 0.95] [--plot F.svg|png|pdf] [--format table|json]",
		Short:     "cumulative incidence of competing risks with Gray's test, as R's cmprsk::cuminc",
		Long: `Cif estimates the cumulative incidence of each cause of a competing-risks
outcome (e.g. relapse and non-relapse mortality) in each group by the
Aalen-Johansen estimator, with the variance of R's cmprsk::cuminc (2.2),
pointwise confidence limits, the number at risk, the estimates at --times
(as cmprsk::timepoints: null after a group's last follow-up time) and, with
--group, Gray's test per cause (k groups, --strata, --rho) equal to
cuminc's. Kaplan-Meier curves of one cause, censoring the others,
overestimate its incidence; these do not.

The status column (--cause) holds the censoring code (--censor-code, 0 by
default) or the code of the cause. --cause-codes names the codes
(progression=1,nrm=2) and fixes their order; any other code is then an
error naming the row. Without it every other code is a cause, in numeric
order. Rows with a missing time, status, group or stratum are dropped and
counted.

Confidence limits are not part of cuminc. They are symmetric on the scale of
--conf-type: log-log (default) F^exp(+-z se/(F log F)), i.e. on
log(-log F), which keeps them inside (0, 1); log F exp(+-z se/F); plain
F +- z se (clipped to [0, 1]); se = sqrt(var). Before the first event
(F = 0, var = 0) both limits are 0.

Curves are given as cuminc gives them, by the corners of the step
function: time 0 with est 0, then at each event time of the cause two
points (the value before and after the jump), and the group's last
follow-up time.

JSON output (--format json):

	{"causes": [], "groups": [], "conf_type", "conf_level", "rho",
	 "curves": [{"group", "cause", "n", "events", "time": [], "est": [], "var": [],
	             "lower": [], "upper": [], "n_risk": []}],
	 "at_times": [{"group", "cause", "time": [], "est": [], "var": [], "lower": [], "upper": []}],
	 "gray": [{"cause", "statistic", "df", "p"}], "dropped", "notice"}

Curves are ordered by cause, then group (cuminc's order); "gray" is empty
without --group; a statistic is null where the variance is singular (cuminc
prints -1). Without --group the one group is "all".

` + researchNotice,
		Flags: fs,
		Run: func(stdout, _ io.Writer) error {
			return writeAnswer(stdout, f.format, runCIF, f)
		},
	}
}

type cifCurveJSON struct {
	Group  string       `json:"group"`
	Cause  string       `json:"cause"`
	N      int          `json:"n"`
	Events int          `json:"events"`
	Time   jsonx.Floats `json:"time"`
	Est    jsonx.Floats `json:"est"`
	Var    jsonx.Floats `json:"var"`
	Lower  jsonx.Floats `json:"lower"`
	Upper  jsonx.Floats `json:"upper"`
	NRisk  []int        `json:"n_risk"`
}

type cifAtJSON struct {
	Group string       `json:"group"`
	Cause string       `json:"cause"`
	Time  jsonx.Floats `json:"time"`
	Est   jsonx.Floats `json:"est"`
	Var   jsonx.Floats `json:"var"`
	Lower jsonx.Floats `json:"lower"`
	Upper jsonx.Floats `json:"upper"`
}

type grayJSON struct {
	Cause     string      `json:"cause"`
	Statistic jsonx.Float `json:"statistic"`
	DF        int         `json:"df"`
	P         jsonx.Float `json:"p"`
}

type cifJSON struct {
	Causes    []string       `json:"causes"`
	Groups    []string       `json:"groups"`
	ConfType  string         `json:"conf_type"`
	ConfLevel float64        `json:"conf_level"`
	Rho       float64        `json:"rho"`
	Curves    []cifCurveJSON `json:"curves"`
	AtTimes   []cifAtJSON    `json:"at_times"`
	Gray      []grayJSON     `json:"gray"`
	Dropped   int            `json:"dropped"`
	Notice    string         `json:"notice"`

	group, strata, plot string
}

// parseLevel reads a confidence level flag in (0, 1).
func parseLevel(s string) (float64, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || !(v > 0 && v < 1) {
		return 0, usagef("--conf-level %q is not a number in (0, 1), e.g. 0.95", s)
	}
	return v, nil
}

func runCIF(f cifFlags) (*cifJSON, error) {
	if err := checkFormat(f.format, "table", "json"); err != nil {
		return nil, err
	}
	cm, err := f.causeFlags.parse()
	if err != nil {
		return nil, err
	}
	ct, err := survival.ParseConfType(f.confType)
	if err != nil {
		return nil, usagef("--conf-type %q: use log-log, log or plain", f.confType)
	}
	level, err := parseLevel(f.confLevel)
	if err != nil {
		return nil, err
	}
	rho, err := strconv.ParseFloat(f.rho, 64)
	if err != nil || math.IsNaN(rho) || math.IsInf(rho, 0) {
		return nil, usagef("--rho %q is not a number", f.rho)
	}
	times, err := parseTimes(f.times)
	if err != nil {
		return nil, err
	}
	if f.plot != "" {
		if ext := strings.ToLower(filepath.Ext(f.plot)); ext != ".svg" && ext != ".png" && ext != ".pdf" {
			return nil, usagef("--plot %q: name an .svg, .png or .pdf file", f.plot)
		}
		if err := outfile.CheckInputs(f.plot, f.data); err != nil {
			return nil, err
		}
	}
	if f.strata != "" && f.group == "" {
		return nil, usagef("--strata needs --group: Gray's test compares groups within strata")
	}
	if f.time == "" {
		return nil, usagef("--time is required")
	}
	sf := survFlags{data: f.data, time: f.time, event: f.cause, causeOf: cm.status}
	d, err := loadSurv(sf, nil, []string{f.group, f.strata})
	if err != nil {
		return nil, err
	}
	causes := cm.order(d.status)
	group, gnames := d.codeColumn(f.group)
	if f.group != "" {
		for i := range gnames {
			gnames[i] = strings.TrimPrefix(gnames[i], f.group+"=")
		}
	}
	var strata []int
	if f.strata != "" {
		strata, _ = d.codeColumn(f.strata)
	}
	res := &cifJSON{Causes: causes, Groups: gnames, ConfType: ct.String(), ConfLevel: level, Rho: rho,
		Dropped: d.dropped, Notice: researchNotice, Gray: []grayJSON{}, group: f.group, strata: f.strata}
	// every cause of --cause-codes gets a curve, even without events
	status := d.status
	curves, err := compete.CumInc(d.time, status, group, len(causes))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.data, err)
	}
	for _, c := range curves {
		cj := cifCurveJSON{Group: gnames[c.Group], Cause: causes[c.Cause-1], N: c.N, Events: c.Events,
			Time: c.Time, Est: c.Est, Var: c.Var, NRisk: c.NRisk,
			Lower: make([]float64, len(c.Est)), Upper: make([]float64, len(c.Est))}
		for i := range c.Est {
			cj.Lower[i], cj.Upper[i] = compete.ConfInt(c.Est[i], c.Var[i], ct, level)
		}
		res.Curves = append(res.Curves, cj)
		if times != nil {
			t, est, vr := c.At(times)
			at := cifAtJSON{Group: cj.Group, Cause: cj.Cause, Time: t, Est: est, Var: vr,
				Lower: make([]float64, len(t)), Upper: make([]float64, len(t))}
			for i := range t {
				at.Lower[i], at.Upper[i] = compete.ConfInt(est[i], vr[i], ct, level)
			}
			res.AtTimes = append(res.AtTimes, at)
		}
	}
	if f.group != "" {
		if len(gnames) < 2 {
			return nil, fmt.Errorf("%s: column %q has one group (%s) among the %d kept rows; Gray's test compares two or more", f.data, f.group, gnames[0], len(group))
		}
		for k, name := range causes {
			g, err := compete.Gray(d.time, status, group, strata, k+1, rho)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", f.data, err)
			}
			res.Gray = append(res.Gray, grayJSON{Cause: name, Statistic: jsonx.Float(g.Statistic), DF: g.DF, P: jsonx.Float(g.P)})
		}
	}
	if f.plot != "" {
		fig, err := render.Encode(res.figure(d.time, group).Drawing(), f.plot)
		if err != nil {
			return nil, err
		}
		if err := outfile.WriteFile(f.plot, fig, f.data); err != nil {
			return nil, err
		}
		res.plot = f.plot
	}
	return res, nil
}

// figure draws every curve: a colour per group, a line style per cause.
func (r *cifJSON) figure(time []float64, group []int) render.CIFPlot {
	p := render.CIFPlot{
		Title:  "Cumulative incidence",
		XLabel: "Time", YLabel: "Cumulative incidence", Causes: r.Causes, Bands: len(r.Groups)*len(r.Causes) <= 4,
	}
	if r.group != "" {
		p.Title += " by " + r.group
	}
	// number at risk per group over the distinct times
	idx, _ := sortkey.Index(time)
	for g, name := range r.Groups {
		var rows []int32
		for _, i := range idx {
			if group == nil || group[i] == g {
				rows = append(rows, i)
			}
		}
		cg := render.CIFGroup{Name: name, N: len(rows)}
		for k, i := range rows {
			if k == 0 || time[i] != time[rows[k-1]] {
				cg.Time = append(cg.Time, time[i])
				cg.NRisk = append(cg.NRisk, len(rows)-k)
			}
		}
		p.Groups = append(p.Groups, cg)
	}
	for _, c := range r.Curves {
		p.Curves = append(p.Curves, render.CIFCurve{Group: slices.Index(r.Groups, c.Group), Cause: slices.Index(r.Causes, c.Cause),
			Time: c.Time, Est: c.Est, Lower: c.Lower, Upper: c.Upper})
	}
	for _, g := range r.Gray {
		ps := render.FormatP(float64(g.P))
		if !strings.HasPrefix(ps, "<") {
			ps = "= " + ps
		}
		p.Inset = append(p.Inset, fmt.Sprintf("Gray's test, %s: p %s", g.Cause, ps))
	}
	return p
}

func (r *cifJSON) writeTable(w io.Writer) error {
	by := ""
	if r.group != "" {
		by = " by " + r.group
	}
	fmt.Fprintf(w, "Cumulative incidence of competing risks%s (Aalen-Johansen, variance of cmprsk::cuminc)\n", by)
	fmt.Fprintf(w, "%g%% confidence intervals of type %s\n", 100*r.ConfLevel, r.ConfType)
	if r.Dropped > 0 {
		fmt.Fprintln(w, droppedLine(r.Dropped))
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "group\tcause\tn\tevents\t\n")
	for _, c := range r.Curves {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t\n", c.Group, c.Cause, c.N, c.Events)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(r.AtTimes) > 0 {
		fmt.Fprintln(w, "\nCumulative incidence at the requested times:")
		tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
		fmt.Fprint(tw, "group\tcause\ttime\testimate\tstd.err\tCI\t\n")
		for _, a := range r.AtTimes {
			for i, t := range a.Time {
				if math.IsNaN(a.Est[i]) {
					fmt.Fprintf(tw, "%s\t%s\t%s\tNA (after the last follow-up)\t\t\t\n", a.Group, a.Cause, kmTime(t))
					continue
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%.4f\t%.4f\t%s\t\n", a.Group, a.Cause, kmTime(t), a.Est[i], math.Sqrt(a.Var[i]), kmCI(a.Lower[i], a.Upper[i], kmProb))
			}
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if len(r.Gray) > 0 {
		fmt.Fprintf(w, "\nGray's test (rho = %g%s):\n", r.Rho, map[bool]string{true: ", stratified by " + r.strata}[r.strata != ""])
		for _, g := range r.Gray {
			fmt.Fprintf(w, "  %s: chi-square = %.4g on %d df, p = %s\n", g.Cause, float64(g.Statistic), g.DF, render.PText(float64(g.P), 3))
		}
	}
	if r.plot != "" {
		fmt.Fprintf(w, "\nfigure written to %s\n", r.plot)
	}
	_, err := fmt.Fprintln(w, "\n"+researchNotice)
	return err
}
