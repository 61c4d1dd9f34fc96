package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"text/tabwriter"

	"carimpi/internal/factor"
	"carimpi/internal/jsonx"
	"carimpi/internal/outfile"
	"carimpi/render"
	"carimpi/survival/concordance"
	"carimpi/survival/cox"
	"carimpi/survival/phtest"
)

func init() { register(newCoxCmd()) }

type coxFlags struct {
	survFlags
	terms, strata, ties, format string
	phTest                      bool
	// counting process, weights, offset, robust variance
	weights, offset, cluster string
	robust                   setBool
	// predicted curves, residuals
	predict, times, residuals, out string
	// Fine-Gray
	fineGray                  bool
	causeFlags                causeFlags
	causeOfInterest, cengroup string
}

func newCoxCmd() *Command {
	var f coxFlags
	fs := flag.NewFlagSet("cox", flag.ContinueOnError)
	f.survFlags.register(fs)
	fs.StringVar(&f.terms, "terms", "", "comma-separated model `terms`: col, factor(col[,ref=LEVEL]), rcs(col,K), lsp(col,k1[,k2...]), lspseg(col,k1[,...])")
	fs.StringVar(&f.strata, "strata", "", "optional `column` whose values are strata with separate baseline hazards")
	fs.StringVar(&f.ties, "ties", "efron", "tied event times: efron or breslow")
	fs.BoolVar(&f.phTest, "ph-test", false, "add the proportional hazards test (cox.zph, KM transform) per term and global")
	fs.StringVar(&f.format, "format", "table", "output format: table or json")
	fs.StringVar(&f.start, "start", "", "optional entry-time `column`: rows are intervals (start, time] (delayed entry, time-varying covariates), as coxph(Surv(start, stop, event))")
	fs.StringVar(&f.weights, "weights", "", "optional case-weight `column` (positive numbers), as coxph(weights =)")
	fs.StringVar(&f.offset, "offset", "", "optional offset `column`, added to the linear predictor with coefficient 1")
	fs.Var(&f.robust, "robust", "robust (sandwich) variance, as coxph(robust = TRUE); \"var\" is then robust and \"naive_var\" the model-based one. As in coxph, the default is robust when --weights are not all integers (--robust=false for the model-based variance)")
	fs.StringVar(&f.cluster, "cluster", "", "optional `column` of cluster ids (e.g. patient id with several rows): robust variance summed within clusters, as coxph(... + cluster(id))")
	fs.StringVar(&f.predict, "predict", "", "CSV `file` of covariate rows (the terms' columns; optionally the strata column): add each row's predicted survival curve with se and 95% CI, as survfit(fit, newdata)")
	fs.StringVar(&f.times, "times", "", "with --predict: comma-separated `times` at which to read the curves, as summary(survfit, times =)")
	fs.StringVar(&f.residuals, "residuals", "", "write residuals of `type` martingale, deviance, score, schoenfeld or dfbeta (as residuals.coxph) to --out")
	fs.StringVar(&f.out, "out", "", "CSV `file` for --residuals (never an input file)")
	fs.BoolVar(&f.fineGray, "fine-gray", false, "fit the Fine-Gray subdistribution hazards model of --cause-of-interest (cmprsk::crr) instead of a Cox model")
	f.causeFlags.register(fs)
	fs.StringVar(&f.causeOfInterest, "cause-of-interest", "", "with --fine-gray: the `code` (or --cause-codes name) of the cause modelled")
	fs.StringVar(&f.cengroup, "cengroup", "", "with --fine-gray: optional `column` whose groups get their own censoring distribution (crr's cengroup)")
	return &Command{
		Name:      "cox",
		UsageLine: "cox --data F.csv --time COL --event COL [--event-value V] --terms 'age,sex,factor(celltype,ref=squamous),rcs(age,4),lsp(mtv,44.3)' [--strata COL] [--ties efron|breslow] [--ph-test] [--start COL] [--weights COL] [--offset COL] [--robust] [--cluster COL] [--predict rows.csv [--times T]] [--residuals TYPE --out F.csv] [--fine-gray --cause COL --cause-of-interest CODE [--cause-codes ...] [--censor-code 0] [--cengroup COL]] [--format table|json]",
		Short:     "Cox proportional hazards regression, as R's coxph",
		Long: `Cox fits a Cox proportional hazards model by Newton-Raphson, as R's
survival::coxph (3.5): Efron ties by default (or Breslow), strata with their
own baseline hazards, coefficients with se, hazard ratios with 95% CI, z and
p, likelihood-ratio, Wald and score tests, and Harrell's concordance of the
linear predictor (within strata, weighted, with --start over the rows at
risk at each event time) with its standard error (summed by --cluster), as
coxph reports it. Rows with a
missing value in any used column (time, event, a term's column, the strata
column) are dropped and counted ("dropped"), as R's na.omit does.

Terms:

	col                     the column as a number
	factor(col,ref=LEVEL)   treatment contrasts, one 0/1 column "col=level" per
	                        level other than the reference; without ref= the
	                        reference is the first level. Levels are ordered
	                        numerically when all are numbers, else
	                        alphabetically (what R's factor() does to a text
	                        column); R names these columns "collevel".
	rcs(col,K)              restricted cubic spline with K knots at Harrell's
	                        default quantiles (rms::rcs): col, col', col'', ...
	lsp(col,k1,...)         linear spline as rms::lsp: col (slope below k1),
	                        col' = (col-k1)+ (change of slope at k1), ...
	lspseg(col,k1,...)      the same spline as one slope per segment:
	                        col[<k1], col[>=k1], ...

Constant or collinear columns get a null coefficient and a warning;
non-convergence and coefficients that may be infinite (monotone likelihood,
perfect separation) are reported by name, as R warns. Strata without events
are noted.

JSON output (--format json):

	{"terms", "coef", "se", "hr", "hr_lower", "hr_upper", "z", "p", "var",
	 "loglik_null", "loglik", "lrt": {"statistic", "df", "p"}, "wald": {...},
	 "score": {...}, "n", "events", "iterations", "converged", "ties",
	 "concordance": {"c", "se"}, "ph_test": {"terms", "chisq", "df", "p",
	 "global": {"chisq", "df", "p"}}, "dropped", "warnings", "notice"}

"ph_test" is null without --ph-test.

--start COL makes each row an interval (start, time] (delayed entry, or one
row per interval of a patient with time-varying covariates), as
coxph(Surv(start, stop, event)). --weights are case weights, --offset a
column added to the linear predictor. --robust gives the sandwich variance
("var", "se"; the model-based one in "naive_var"), --cluster id sums it
within clusters, as coxph(... + cluster(id)). --predict rows.csv adds each
row's survival curve (survfit(fit, newdata)) as "predictions", read at
--times; --residuals TYPE --out F.csv writes residuals(fit, type) with the
data file's line of each row.

Fine-Gray (--fine-gray --cause COL --cause-of-interest CODE [--cause-codes
progression=1,nrm=2] [--censor-code 0] [--cengroup COL]) fits the
proportional subdistribution hazards model of one cause of a competing-risks
status column, equal to R's cmprsk::crr (2.2): the same terms, Newton-Raphson
with crr's line search and stopping rule (gradient tolerance 1e-6, at most 10
steps), the sandwich variance that accounts for the estimated censoring
distribution, p = 2 (1 - Phi(|z|)) as summary.crr. Strata are not part of the
model (crr has none); --cengroup estimates the censoring distribution within
groups (crr's cengroup; what strata() does in survival::finegray). R's survival::finegray followed by coxph(..., weights = fgwt) gives the
same coefficients; its robust standard errors omit crr's censoring term and
differ slightly. JSON (--format json):

	{"model": "fine-gray", "cause_of_interest", "competing_causes": [], "terms",
	 "coef", "se", "hr", "hr_lower", "hr_upper", "z", "p", "var", "loglik_null",
	 "loglik", "lrt": {"statistic", "df", "p"}, "wald": {...}, "n", "events",
	 "competing", "censored", "iterations", "converged", "dropped", "warnings",
	 "notice"}

"hr" is the subdistribution hazard ratio; loglik is crr's log
pseudo-likelihood and "lrt" its pseudo likelihood-ratio test.

` + researchNotice,
		Flags: fs,
		Run: func(stdout, _ io.Writer) error {
			if f.fineGray {
				return writeAnswer(stdout, f.format, runFineGray, f)
			}
			return writeAnswer(stdout, f.format, runCox, f)
		},
	}
}

// testJSON is a chi-square test in the output.
type testJSON struct {
	Statistic jsonx.Float `json:"statistic"`
	DF        int         `json:"df"`
	P         jsonx.Float `json:"p"`
}

func toTestJSON(t cox.Test) testJSON {
	return testJSON{jsonx.Float(t.Statistic), t.DF, jsonx.Float(t.P)}
}

type concordanceJSON struct {
	C  jsonx.Float `json:"c"`
	SE jsonx.Float `json:"se"`
}

type zphStatJSON struct {
	Chisq jsonx.Float `json:"chisq"`
	DF    int         `json:"df"`
	P     jsonx.Float `json:"p"`
}

type phTestJSON struct {
	Terms  []string     `json:"terms"`
	Chisq  jsonx.Floats `json:"chisq"`
	DF     []int        `json:"df"`
	P      jsonx.Floats `json:"p"`
	Global zphStatJSON  `json:"global"`
}

// coefJSON is a regression's coefficient table in the output.
type coefJSON struct {
	Terms   []string       `json:"terms"`
	Coef    jsonx.Floats   `json:"coef"`
	SE      jsonx.Floats   `json:"se"`
	HR      jsonx.Floats   `json:"hr"`
	HRLower jsonx.Floats   `json:"hr_lower"`
	HRUpper jsonx.Floats   `json:"hr_upper"`
	Z       jsonx.Floats   `json:"z"`
	P       jsonx.Floats   `json:"p"`
	Var     []jsonx.Floats `json:"var"`
}

// writeCoefs prints the coefficient table, the ratio column headed hr.
func (c *coefJSON) writeCoefs(w io.Writer, hr string) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "term\tcoef\t%s\tlower .95\tupper .95\tse\tz\tp\t\n", hr)
	for j, name := range c.Terms {
		fmt.Fprintf(tw, "%s", name)
		for _, v := range []float64{c.Coef[j], c.HR[j], c.HRLower[j], c.HRUpper[j], c.SE[j], c.Z[j]} {
			fmt.Fprintf(tw, "\t%s", fmtNum(v))
		}
		fmt.Fprintf(tw, "\t%s\t\n", render.PText(c.P[j], 4))
	}
	return tw.Flush()
}

func newCoefJSON(terms []string, coef, se, hr, lo, up, z, p []float64, v [][]float64) coefJSON {
	c := coefJSON{Terms: terms, Coef: coef, SE: se, HR: hr, HRLower: lo, HRUpper: up, Z: z, P: p}
	for _, row := range v {
		c.Var = append(c.Var, row)
	}
	return c
}

// coxJSON is the cox command's answer.
type coxJSON struct {
	coefJSON
	LoglikNull  jsonx.Float      `json:"loglik_null"`
	Loglik      jsonx.Float      `json:"loglik"`
	LRT         testJSON         `json:"lrt"`
	Wald        testJSON         `json:"wald"`
	Score       testJSON         `json:"score"`
	N           int              `json:"n"`
	Events      int              `json:"events"`
	Iterations  int              `json:"iterations"`
	Converged   bool             `json:"converged"`
	Ties        string           `json:"ties"`
	Strata      []string         `json:"strata,omitempty"`
	Concordance concordanceJSON  `json:"concordance"`
	PHTest      *phTestJSON      `json:"ph_test"`
	NaiveVar    []jsonx.Floats   `json:"naive_var,omitempty"`
	Predictions []predictionJSON `json:"predictions,omitempty"`
	// ResidualsFile is the --out file written with --residuals.
	ResidualsFile string   `json:"residuals_file,omitempty"`
	Dropped       int      `json:"dropped"`
	EventCoding   string   `json:"event_coding,omitempty"` // R's Surv 1/2 coding read without --event-value
	Warnings      []string `json:"warnings"`
	Notice        string   `json:"notice"`
}

// survColumns serves a survData's kept rows to cox.NewDesign.
type survColumns struct{ d *survData }

func (s survColumns) Floats(col string) ([]float64, error) { return s.d.floatColumn(col), nil }
func (s survColumns) Codes(col string) ([]int32, []string, error) {
	codes, levels := s.d.textCodes(col)
	return codes, levels, nil
}

func runCox(f coxFlags) (*coxJSON, error) {
	if err := checkFormat(f.format, "table", "json"); err != nil {
		return nil, err
	}
	if f.causeFlags.cause != "" || f.causeOfInterest != "" || f.cengroup != "" || f.causeFlags.causeCodes != "" {
		return nil, usagef("--cause, --cause-codes, --cause-of-interest and --cengroup need --fine-gray")
	}
	if f.terms == "" {
		return nil, usagef("--terms is required")
	}
	var ties cox.Method
	switch f.ties {
	case "efron":
		ties = cox.Efron
	case "breslow":
		ties = cox.Breslow
	default:
		return nil, usagef("--ties %q: use efron or breslow", f.ties)
	}
	terms, nums, texts, err := parseTerms(f.terms)
	if err != nil {
		return nil, err
	}
	times, err := parseTimes(f.times)
	if err != nil {
		return nil, err
	}
	if f.predict != "" && f.offset != "" {
		return nil, usagef("--predict is not available with --offset")
	}
	if times != nil && f.predict == "" {
		return nil, usagef("--times needs --predict")
	}
	if (f.residuals == "") != (f.out == "") {
		return nil, usagef("--residuals TYPE and --out F.csv go together")
	}
	if f.residuals != "" {
		if err := cox.CheckResidualType(f.residuals); err != nil {
			return nil, usagef("--residuals: %v", err)
		}
		if err := outfile.CheckInputs(f.out, f.data, f.predict); err != nil {
			return nil, err
		}
	}
	if f.phTest && (f.start != "" || f.weights != "" || f.offset != "") {
		return nil, usagef("--ph-test is not available with --start, --weights or --offset")
	}
	d, err := loadSurv(f.survFlags, append(nums, f.weights, f.offset), append(texts, f.strata, f.cluster))
	if err != nil {
		return nil, err
	}
	design, err := cox.NewDesign(terms, survColumns{d})
	if err != nil {
		return nil, fmt.Errorf("%s: %v", f.data, err)
	}
	opt := &cox.Options{Ties: ties, Names: design.Names, Start: d.start, Robust: f.robust.v}
	var weights []float64
	var robustNote string
	if f.weights != "" {
		weights = d.floatColumn(f.weights)
		if err := d.checkWeights(f.weights, weights); err != nil {
			return nil, err
		}
		// coxph: robust defaults to TRUE when a weight is not an integer
		if !f.robust.set && slices.ContainsFunc(weights, func(w float64) bool { return w != math.Trunc(w) }) {
			opt.Robust = true
			robustNote = fmt.Sprintf("--weights %s are not all integers: robust (sandwich) variance, as coxph's default; --robust=false gives the model-based one", f.weights)
		}
	}
	if f.offset != "" {
		opt.Offset = d.floatColumn(f.offset)
	}
	if f.cluster != "" {
		opt.Cluster, _ = codeLevels(d.textCodes(f.cluster))
	}
	if f.strata != "" {
		opt.Strata, opt.StrataNames = codeLevels(d.textCodes(f.strata))
	}
	m, err := cox.Fit(d.time, d.event, design.X, opt, weights)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", f.data, err)
	}
	res := &coxJSON{
		coefJSON:   newCoefJSON(design.Names, m.Coef, m.SE, m.HR, m.HRLower, m.HRUpper, m.Z, m.P, m.Var),
		LoglikNull: jsonx.Float(m.LoglikNull), Loglik: jsonx.Float(m.Loglik),
		LRT: toTestJSON(m.LRT), Wald: toTestJSON(m.Wald), Score: toTestJSON(m.Score),
		N: m.N, Events: m.Events, Iterations: m.Iterations, Converged: m.Converged,
		Ties: m.Ties.String(), Strata: opt.StrataNames,
		Dropped: d.dropped, EventCoding: d.eventNote, Warnings: append([]string{}, m.Warnings...), Notice: researchNotice,
	}
	if robustNote != "" {
		res.Warnings = append(res.Warnings, robustNote)
	}
	if m.NaiveVar != nil {
		for _, row := range m.NaiveVar {
			res.NaiveVar = append(res.NaiveVar, row)
		}
	}
	if f.residuals != "" {
		if err := writeResiduals(f.out, f.residuals, d, design.Names, m, f.data); err != nil {
			return nil, err
		}
		res.ResidualsFile = f.out
	}
	if f.predict != "" {
		if res.Predictions, err = predict(f.predict, f, design, m, opt.StrataNames, times); err != nil {
			return nil, err
		}
	}
	if f.phTest {
		zph, err := phTest(d, design, m, opt.Strata)
		if err != nil {
			return nil, fmt.Errorf("%s: ph test: %v", f.data, err)
		}
		res.PHTest = zph
	}
	lp := m.LinearPredictors(false)
	// Neither the columns nor the model (which keeps a sorted copy of the
	// data) are used again: they can be collected while the concordance
	// needs its memory (at 1e6 rows and 5 terms, about 90 MB of the peak).
	design.X, d.nums, m = nil, nil, nil
	c := concordance.HarrellWith(d.time, d.event, lp,
		concordance.Options{Start: d.start, Strata: opt.Strata, Weights: weights, Cluster: opt.Cluster})
	res.Concordance = concordanceJSON{jsonx.Float(c.C), jsonx.Float(c.SE)}
	return res, nil
}

// parseTerms reads --terms and returns the terms with the columns to read
// as numbers and as text (factors).
func parseTerms(s string) (terms []cox.Term, nums, texts []string, err error) {
	if terms, err = cox.ParseTerms(s); err != nil {
		return nil, nil, nil, usagef("--terms: %v", err)
	}
	for _, t := range terms {
		if t.Kind == cox.Factor {
			texts = append(texts, t.Var)
		} else {
			nums = append(nums, t.Var)
		}
	}
	return terms, nums, texts, nil
}

// codeLevels recodes text codes into their levels in R's factor order
// (factor.Levels: numerically when every level is a number, else as
// strings; the strata order of coxph, as km orders groups) and returns the
// new codes and the ordered levels.
func codeLevels(codes []int32, levels []string) ([]int, []string) {
	sorted := factor.Levels(levels)
	recode := make([]int, len(levels))
	for c, l := range levels {
		recode[c] = slices.Index(sorted, l)
	}
	out := make([]int, len(codes))
	for i, c := range codes {
		out[i] = recode[c]
	}
	return out, sorted
}

func (r *coxJSON) writeTable(w io.Writer) error {
	if err := r.writeCoefs(w, "HR"); err != nil {
		return err
	}
	if r.EventCoding != "" {
		fmt.Fprintf(w, "\n%s", r.EventCoding)
	}
	fmt.Fprintf(w, "\nn = %d, events = %d (%d rows dropped for missing values); ties: %s", r.N, r.Events, r.Dropped, r.Ties)
	if len(r.Strata) > 0 {
		fmt.Fprintf(w, "; strata: %d", len(r.Strata))
	}
	fmt.Fprintf(w, "\nlog-likelihood: null %.4f, model %.4f; %d iterations, converged: %v\n", float64(r.LoglikNull), float64(r.Loglik), r.Iterations, r.Converged)
	for _, t := range []struct {
		name string
		t    testJSON
	}{{"Likelihood ratio test", r.LRT}, {"Wald test", r.Wald}, {"Score (log-rank) test", r.Score}} {
		fmt.Fprintf(w, "%-22s = %.4f on %d df, p = %s\n", t.name, float64(t.t.Statistic), t.t.DF, render.PText(float64(t.t.P), 4))
	}
	fmt.Fprintf(w, "Concordance = %.4f (se = %.4f)\n", float64(r.Concordance.C), float64(r.Concordance.SE))
	if z := r.PHTest; z != nil {
		fmt.Fprintln(w, "\nProportional hazards test (cox.zph, KM transform):")
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(tw, "term\tchisq\tdf\tp\t\n")
		for j, name := range z.Terms {
			fmt.Fprintf(tw, "%s\t%.4f\t%d\t%s\t\n", name, z.Chisq[j], z.DF[j], render.PText(z.P[j], 4))
		}
		fmt.Fprintf(tw, "GLOBAL\t%.4f\t%d\t%s\t\n", float64(z.Global.Chisq), z.Global.DF, render.PText(float64(z.Global.P), 4))
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if len(r.Predictions) > 0 {
		if err := writePredictions(w, r.Predictions); err != nil {
			return err
		}
	}
	for _, msg := range r.Warnings {
		fmt.Fprintf(w, "Warning: %s\n", msg)
	}
	_, err := fmt.Fprintln(w, researchNotice)
	return err
}

func fmtNum(v float64) string {
	if math.IsNaN(v) {
		return "NA"
	}
	return fmt.Sprintf("%.4g", v)
}

// phTest runs cox.zph on the fit, one test per term (a factor's or
// spline's columns jointly) and GLOBAL.
func phTest(d *survData, design *cox.Design, m *cox.Model, strata []int) (*phTestJSON, error) {
	terms := make([]phtest.Term, len(design.Terms))
	for j, ti := range design.TermOf {
		terms[ti].Cols = append(terms[ti].Cols, j)
	}
	for ti, t := range design.Terms {
		terms[ti].Name = termLabel(t)
	}
	z, err := phtest.ZPH(d.time, d.event, design.X, m.Coef, m.Ties == cox.Efron, terms, strata, nil)
	if err != nil {
		return nil, err
	}
	out := &phTestJSON{Global: zphStatJSON{jsonx.Float(z.Global.Chisq), z.Global.DF, jsonx.Float(z.Global.P)}}
	for _, s := range z.Terms {
		out.Terms = append(out.Terms, s.Name)
		out.Chisq = append(out.Chisq, s.Chisq)
		out.DF = append(out.DF, s.DF)
		out.P = append(out.P, s.P)
	}
	return out, nil
}

// termLabel names a term as R's cox.zph table does: a numeric or factor
// column by its name, a spline as written, e.g. rcs(age,4).
func termLabel(t cox.Term) string {
	switch t.Kind {
	case cox.RCS:
		return fmt.Sprintf("rcs(%s,%d)", t.Var, t.NK)
	case cox.LSP, cox.LSPSegments:
		name := "lsp"
		if t.Kind == cox.LSPSegments {
			name = "lspseg"
		}
		s := name + "(" + t.Var
		for _, k := range t.Knots {
			s += "," + strconv.FormatFloat(k, 'g', -1, 64)
		}
		return s + ")"
	}
	return t.Var
}

// setBool is a boolean flag that remembers whether it was given, for
// defaults that depend on other flags (R's robust = missing). Its default
// text is "", and Set("") (main's reset to the default before each run)
// makes it unset again.
type setBool struct{ v, set bool }

func (b *setBool) String() string {
	if b == nil || !b.set {
		return ""
	}
	return strconv.FormatBool(b.v)
}
func (b *setBool) Get() any         { return b.v }
func (b *setBool) IsBoolFlag() bool { return true }
func (b *setBool) Set(s string) error {
	if s == "" {
		*b = setBool{}
		return nil
	}
	v, err := strconv.ParseBool(s)
	if err != nil {
		return err
	}
	b.v, b.set = v, true
	return nil
}
