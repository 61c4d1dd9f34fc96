package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"text/tabwriter"

	"carimpi/internal/jsonx"
	"carimpi/internal/outfile"
	"carimpi/survival/maxstat"
)

func init() { register(newCutpointCmd()) }

type cutpointFlags struct {
	survFlags
	x, pmethod, plot, format string
	minProp, maxProp         float64
	bootstrap, permutations  int
	seed                     uint64
}

// maxTableCuts is the longest scan the table output lists in full.
const maxTableCuts = 60

func newCutpointCmd() *Command {
	var f cutpointFlags
	fs := flag.NewFlagSet("cutpoint", flag.ContinueOnError)
	fs.StringVar(&f.data, "data", "", "CSV `file` with one row per patient")
	fs.StringVar(&f.time, "time", "", "follow-up time `column`")
	fs.StringVar(&f.event, "event", "", "event indicator `column`")
	fs.StringVar(&f.eventValue, "event-value", "", eventValueUsage)
	fs.StringVar(&f.x, "x", "", "continuous `column` to cut, e.g. mtv_ml")
	fs.StringVar(&f.pmethod, "pmethod", "Lau94", "p-value: Lau92, Lau94, exactGauss, HL, condMC or none")
	fs.Float64Var(&f.minProp, "minprop", 0.1, "smallest `proportion` of patients in the group x <= cut")
	fs.Float64Var(&f.maxProp, "maxprop", 0.9, "largest `proportion` of patients in the group x <= cut")
	wholeVar(fs, &f.bootstrap, "bootstrap", 0, 0, maxBootstrap, "number `B` of bootstrap resamples for the cut point's stability; 0 for none")
	wholeVar(fs, &f.seed, "seed", 1, 0, math.MaxUint64, "`seed` of the bootstrap and condMC resampling, printed with the results")
	wholeVar(fs, &f.permutations, "permutations", 10000, 1, maxPermutations, "number `N` of permutations for --pmethod condMC")
	fs.StringVar(&f.plot, "plot", "", "write the scan (statistic against cut point, the chosen one marked) as an SVG `file`")
	fs.StringVar(&f.format, "format", "table", "output format: table or json")
	return &Command{
		Name:      "cutpoint",
		UsageLine: "cutpoint --data F.csv --time COL --event COL [--event-value V] --x COL [--pmethod Lau92|Lau94|exactGauss|HL|condMC] [--minprop 0.1 --maxprop 0.9] [--bootstrap B --seed S] [--plot scan.svg] [--format table|json]",
		Short:     "optimal cut point by maximally selected log-rank statistics, as R's maxstat",
		Long: `Cutpoint finds the cut point of --x that best separates the survival of
the patients with x <= cut from those with x > cut, by maximally selected
log-rank statistics, as R's maxstat.test(Surv(time, event) ~ x,
smethod = "LogRank") (maxstat 0.7.25) does: the standardized log-rank
statistic is computed at every cut that leaves between --minprop and
--maxprop of the patients in the lower group, and the cut point is the
smallest cut attaining the maximum M.

Because the cut point was searched for, the naive log-rank p-value is far
too small; --pmethod chooses a corrected one:

	Lau94       improved Bonferroni bound (Lausen, Sauerbrei & Schumacher 1994);
	            the default: closed form, valid at any n, what the CAR-IMPI
	            pipeline reports (maxstat itself defaults to no p-value)
	Lau92       Miller-Siegmund asymptotic approximation (closed form)
	exactGauss  P(max |Z| >= M) under the Gaussian limit, computed exactly by a
	            Markov-chain recursion to 1e-8 ("p_accuracy"); R approximates it
	            by quasi-Monte Carlo (error about 1e-3) and fails at 10,000 patients
	HL          exact conditional (Hothorn & Lausen 2003) on integer scores, which
	            changes M slightly; small samples only (refused above about N = 550:
	            its table is bounded at 128 MB)
	condMC      permutation p-value from --permutations permutations (--seed)
	none        no p-value

Lau92 and Lau94 are bounds and approximations that are not capped at 1, as
in R: a value of 1 or more means no evidence of a cut point.

--bootstrap B resamples the patients B times (--seed) and reports the median
cut point with its 2.5% and 97.5% quantiles and how often each cut point was
chosen: a wide interval means the cut point is not reproducible. The seed of
any random step is printed. --plot writes the scan as an SVG figure.

An event is a row whose --event cell equals --event-value (default 1). Rows
with a missing time, event or x are dropped and counted.

JSON output (--format json):

	{"notice", "x", "n", "dropped", "minprop", "maxprop", "cutpoint", "statistic",
	 "p", "pmethod", "p_accuracy", "permutations", "seed",
	 "cuts": [], "m": [], "stats": [],
	 "bootstrap": {"median", "lower", "upper", "seed", "b", "failed", "values": [], "counts": []}}

"m" is the number of patients with x <= cut. "p_accuracy" (exactGauss: the
estimated absolute error; condMC: the Monte Carlo standard error),
"permutations" and "seed" appear with the methods that use them,
"bootstrap" with --bootstrap; "p" is null for none.`,
		Flags: fs,
		Run: func(stdout, stderr io.Writer) error {
			// Restore the defaults afterwards: the flag set outlives one run
			// when the CLI is driven in-process (tests, batch use).
			defer fs.VisitAll(func(fl *flag.Flag) { _ = fl.Value.Set(fl.DefValue) })
			if err := checkFormat(f.format, "table", "json"); err != nil {
				return err
			}
			res, err := runCutpoint(f, stderr)
			if err != nil {
				return err
			}
			if f.format == "json" {
				return jsonx.Write(stdout, res)
			}
			return res.writeTable(stdout)
		},
	}
}

type cutpointJSON struct {
	Notice       string          `json:"notice"`
	X            string          `json:"x"`
	N            int             `json:"n"`
	Dropped      int             `json:"dropped"`
	EventCoding  string          `json:"event_coding,omitempty"` // R's Surv 1/2 coding read without --event-value
	MinProp      float64         `json:"minprop"`
	MaxProp      float64         `json:"maxprop"`
	Cutpoint     float64         `json:"cutpoint"`
	Statistic    float64         `json:"statistic"`
	P            jsonx.Float     `json:"p"`
	PMethod      string          `json:"pmethod"`
	PAccuracy    *float64        `json:"p_accuracy,omitempty"`
	Permutations int             `json:"permutations,omitempty"`
	Seed         *uint64         `json:"seed,omitempty"`
	Cuts         jsonx.Floats    `json:"cuts"`
	M            []int           `json:"m"`
	Stats        jsonx.Floats    `json:"stats"`
	Bootstrap    *bootstrapJSON  `json:"bootstrap,omitempty"`
	plot         string          // the SVG file written, if any
	res          *maxstat.Result // for the table
}

type bootstrapJSON struct {
	Median jsonx.Float  `json:"median"`
	Lower  jsonx.Float  `json:"lower"`
	Upper  jsonx.Float  `json:"upper"`
	Seed   uint64       `json:"seed"`
	B      int          `json:"b"`
	Failed int          `json:"failed"`
	Values jsonx.Floats `json:"values"`
	Counts []int        `json:"counts"`
}

func runCutpoint(f cutpointFlags, stderr io.Writer) (*cutpointJSON, error) {
	if f.x == "" {
		return nil, usagef("--x is required")
	}
	method, err := maxstat.ParseMethod(f.pmethod)
	if err != nil {
		return nil, usagef("--pmethod %q: use Lau92, Lau94, exactGauss, HL, condMC or none", f.pmethod)
	}
	if !(f.minProp >= 0 && f.minProp < f.maxProp && f.maxProp <= 1) {
		return nil, usagef("--minprop %g, --maxprop %g: need 0 <= minprop < maxprop <= 1", f.minProp, f.maxProp)
	}
	if f.plot != "" {
		if err := outfile.CheckInputs(f.plot, f.data); err != nil {
			return nil, err
		}
	}
	d, err := loadSurv(f.survFlags, []string{f.x}, nil)
	if err != nil {
		return nil, err
	}
	x := d.floatColumn(f.x)
	opts := maxstat.Options{MinProp: f.minProp, MaxProp: f.maxProp, Method: method, B: f.permutations, Seed: f.seed}
	if method == maxstat.CondMC {
		fmt.Fprintf(stderr, "cutpoint: condMC with %d permutations, seed %d\n", f.permutations, f.seed)
	}
	r, err := maxstat.Test(x, d.time, d.event, opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.x, err)
	}
	out := &cutpointJSON{Notice: researchNotice, X: f.x, N: r.N, Dropped: d.dropped, EventCoding: d.eventNote,
		MinProp: f.minProp, MaxProp: f.maxProp, Cutpoint: r.Cutpoint, Statistic: r.Statistic,
		P: jsonx.Float(r.P), PMethod: string(method), Cuts: r.Cuts, M: r.M, Stats: r.Stats, res: r}
	switch method {
	case maxstat.ExactGauss:
		out.PAccuracy = &r.PAccuracy
	case maxstat.CondMC:
		out.PAccuracy = &r.PAccuracy
		out.Permutations = r.B
		out.Seed = &r.Seed
	}
	if f.bootstrap > 0 {
		fmt.Fprintf(stderr, "cutpoint: bootstrap with %d resamples, seed %d\n", f.bootstrap, f.seed)
		s, err := maxstat.Bootstrap(x, d.time, d.event, opts, f.bootstrap, f.seed)
		if err != nil {
			return nil, err
		}
		out.Bootstrap = &bootstrapJSON{Median: jsonx.Float(s.Median), Lower: jsonx.Float(s.Lower),
			Upper: jsonx.Float(s.Upper), Seed: s.Seed, B: s.B, Failed: s.Failed, Values: s.Values, Counts: s.Counts}
	}
	if f.plot != "" {
		if err := outfile.WriteFile(f.plot, []byte(scanPlot(f.x, r, d.dropped).SVG()), f.data); err != nil {
			return nil, err
		}
		out.plot = f.plot
	}
	return out, nil
}

func (c *cutpointJSON) writeTable(w io.Writer) error {
	r := c.res
	fmt.Fprintf(w, "Maximally selected log-rank statistic for %s (maxstat.test, LogRank)\n", c.X)
	fmt.Fprintf(w, "n = %d (%d dropped for missing values), window %g-%g, %d cuts\n", c.N, c.Dropped, c.MinProp, c.MaxProp, len(r.Cuts))
	if c.EventCoding != "" {
		fmt.Fprintln(w, c.EventCoding)
	}
	fmt.Fprintf(w, "cut point %g (groups x <= %g and x > %g), M = %.4f\n", c.Cutpoint, c.Cutpoint, c.Cutpoint, c.Statistic)
	switch maxstat.Method(c.PMethod) {
	case maxstat.None:
		fmt.Fprintf(w, "p-value not computed (--pmethod none)\n")
	case maxstat.ExactGauss:
		fmt.Fprintf(w, "p = %.6g (exactGauss, accuracy %.1g)\n", r.P, r.PAccuracy)
	case maxstat.CondMC:
		fmt.Fprintf(w, "p = %.6g (condMC, %d permutations, seed %d, Monte Carlo se %.2g)\n", r.P, r.B, r.Seed, r.PAccuracy)
	default:
		fmt.Fprintf(w, "p = %.6g (%s)\n", r.P, c.PMethod)
	}
	if b := c.Bootstrap; b != nil {
		fmt.Fprintf(w, "bootstrap (B = %d, seed %d, %d without a cut): median %g, 95%% interval %g to %g\n",
			b.B, b.Seed, b.Failed, float64(b.Median), float64(b.Lower), float64(b.Upper))
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "cut point\tchosen\t")
		for i, v := range b.Values {
			fmt.Fprintf(tw, "%g\t%d\t\n", v, b.Counts[i])
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if c.plot != "" {
		fmt.Fprintf(w, "scan plot written to %s\n", c.plot)
	}
	if len(r.Cuts) <= maxTableCuts {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "cut\tn (x <= cut)\tstatistic\t")
		for i, v := range r.Cuts {
			fmt.Fprintf(tw, "%g\t%d\t%.4f\t\n", v, r.M[i], r.Stats[i])
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(w, "(%d cuts: use --format json or --plot for the scan)\n", len(r.Cuts))
	}
	_, err := fmt.Fprintln(w, researchNotice)
	return err
}
