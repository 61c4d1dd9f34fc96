package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"carimpi/cohort"
	"carimpi/internal/jsonx"
	"carimpi/internal/outfile"
	"carimpi/scores"
	"carimpi/study"
)

func init() { register(newValidateModelCmd()) }

func newValidateModelCmd() *Command {
	fs := flag.NewFlagSet("validate-model", flag.ContinueOnError)
	var cf cohortFlags
	cf.register(fs, 0)
	model := fs.String("model", "", "frozen model file (written by carimpi study, or by hand: carimpi help models)")
	endpoint := fs.String("endpoint", "pfs", "endpoint of the prediction measures: pfs or os (risk groups are reported for both)")
	timesFlag := fs.String("times", "6,12,24", "horizons in months, increasing")
	cohortName := fs.String("cohort", "", "keep only the patients whose cohort column holds this value (default: every patient)")
	outDir := fs.String("out", "", "folder to write the report into (index.html, results.json, figures/; with --recalibrate the updated model)")
	force := fs.Bool("force", false, "replace --out even when it is a non-empty folder that is not a carimpi report")
	var boot int
	var seed uint64
	wholeVar(fs, &boot, "bootstrap", 0, 0, maxStudyBoot, "`B` bootstrap resamples for percentile intervals of IPA and ICI; 0 for none")
	wholeVar(fs, &seed, "seed", 1, 0, math.MaxUint64, "`seed` of the bootstrap")
	format := fs.String("format", "table", "standard output: table or json (the results.json document)")
	recal := fs.String("recalibrate", "", "write an updated model: baseline (re-estimate the baseline survival) or slope (also scale the coefficients and cutoffs by the calibration slope); needs --out")
	quiet := fs.Bool("quiet", false, "do not print progress")
	bands := fs.Bool("ci-bands", false, "draw pointwise 95% confidence bands on the Kaplan-Meier figures")
	c := &Command{
		Name:      "validate-model",
		UsageLine: "validate-model --model model.json --data cohort.csv|xlsx [--endpoint pfs|os] [--times 6,12,24] [--cohort NAME] [--out DIR] [--bootstrap B --seed S] [--format table|json] [--recalibrate baseline|slope]",
		Short:     "validate a frozen model on a new cohort (external validation)",
		Long: `Validate-model applies a frozen CAR-IMPI or IMPI type model (coefficients, knot,
cutoffs, baseline survival) to a cohort, as the study validates its model on
its validation cohort and with the same code: survival by the frozen median
and tercile groups (Kaplan-Meier, medians, log-rank, HR vs low, S(t) at the
horizons) for PFS and OS; Harrell's and Uno's C (Uno truncated at the last
horizon) with IMPI and the IPI for comparison; at each horizon the
time-dependent AUC, Brier score and IPA with the standard errors of
riskRegression::Score (IPCW, Kaplan-Meier censoring model), observed
(1 - Kaplan-Meier) against mean predicted risk with O/E, the calibration
slope and calibration-in-the-large, calibration by risk decile and smoothed
(Cox on a 3-knot restricted cubic spline of log(-log(1 - risk)), Austin et al.
2020) and the decision curve. A model without baseline survival gets the
measures that need none, and a note for the others.

No MTV outliers are excluded unless --exclude-top-mtv is given. --recalibrate
writes model-recalibrated.json into --out with its provenance saying what was
updated on which data; the input model file is never changed. --format json
prints results.json (keys in README.md).
` + researchNotice,
		Flags: fs,
	}
	c.Run = func(stdout, stderr io.Writer) error {
		if *model == "" {
			return usagef("--model is required (a model file: carimpi help models)")
		}
		if cf.data == "" {
			return usagef("--data is required")
		}
		if *endpoint != "pfs" && *endpoint != "os" {
			return usagef("--endpoint %q: use pfs or os", *endpoint)
		}
		if err := checkFormat(*format, "table", "json"); err != nil {
			return err
		}
		if *recal != "" && *recal != "baseline" && *recal != "slope" {
			return usagef("--recalibrate %q: use baseline or slope", *recal)
		}
		if *recal != "" && *outDir == "" {
			return usagef("--recalibrate writes %s into the report folder: give --out DIR", study.RecalibratedFile)
		}
		times, err := parseTimes(*timesFlag)
		if err != nil {
			return err
		}
		if len(times) == 0 {
			return usagef("--times: give at least one horizon in months, e.g. 6,12,24")
		}
		for i, t := range times {
			if t <= 0 || (i > 0 && t <= times[i-1]) {
				return usagef("--times %s: give increasing horizons > 0 (months)", *timesFlag)
			}
		}
		var dir *outfile.Dir
		if *outDir != "" {
			dir, err = outfile.CreateDir(*outDir, *force, append(cf.inputs(), *model)...)
			if err != nil {
				return err
			}
			defer dir.Abort()
		}
		m, err := scores.LoadFile(*model)
		if err != nil {
			return err
		}
		co, rep, err := cf.load()
		if err != nil {
			return err
		}
		name := *cohortName
		if name != "" {
			// Matched ignoring case, as study's --develop-cohort; no match
			// is an error listing the names present.
			if name, err = cohort.FindName("--cohort", name, co.Names()); err != nil {
				return err
			}
		}
		opt := study.ExternalOptions{Endpoint: *endpoint, Times: times, Cohort: name, Bootstrap: boot, Seed: seed,
			Recalibrate: *recal, Software: "carimpi " + version, ModelFile: *model, Bands: *bands}
		if *recal != "" {
			if opt.DataSHA256, err = dataSHA256(cf.data); err != nil {
				return err
			}
		}
		if !*quiet {
			opt.Progress = stderr
			fmt.Fprintf(stderr, "carimpi validate-model: %s on %s. %s\n", *model, rep.Source, researchNotice)
			if co.Simulated() {
				fmt.Fprintln(stderr, "carimpi validate-model: the data are simulated — not patient data")
			}
		}
		x, err := study.Validate(co, rep, m, opt)
		if err != nil {
			return err
		}
		if dir != nil {
			files, err := x.WriteDir(dir.Path())
			if err != nil {
				return err
			}
			if err := dir.Commit(); err != nil {
				return err
			}
			if !*quiet {
				fmt.Fprintf(stderr, "carimpi validate-model: wrote %d files into %s\n", len(files), *outDir)
			}
		}
		if *format == "json" {
			return jsonx.Write(stdout, x.Results)
		}
		return writeValidationTable(stdout, x.Results)
	}
	return c
}

// writeValidationTable prints the main numbers of an external validation.
func writeValidationTable(w io.Writer, r *study.ExternalResults) error {
	fmt.Fprintf(w, "%s\n", r.Notice)
	if r.Simulated {
		fmt.Fprintln(w, "Simulated data — not patient data.")
	}
	fmt.Fprintf(w, "Model %s %s; data %s, cohort %s, n = %d; endpoint %s\n\n", r.Model.Name, r.Model.Version, r.Provenance.Data, r.Cohort, r.N, strings.ToUpper(r.Provenance.Endpoint))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	num := func(v float64) string {
		if math.IsNaN(v) {
			return "NA"
		}
		return fmt.Sprintf("%.3f", v)
	}
	if d := r.Discrimination; d != nil {
		fmt.Fprintln(tw, "index\tn\tHarrell C (95% CI)\tUno C (95% CI)")
		for j, ix := range d.Index {
			fmt.Fprintf(tw, "%s\t%d\t%s (%s-%s)\t%s (%s-%s)\n", ix, d.N[j], num(d.HarrellC[j]), num(d.HarrellLower[j]), num(d.HarrellUpper[j]), num(d.UnoC[j]), num(d.UnoLower[j]), num(d.UnoUpper[j]))
		}
		fmt.Fprintln(tw)
	}
	if p := r.Prediction; p != nil {
		fmt.Fprintln(tw, "months\tAUC (95% CI)\tBrier\tIPA\tobserved\texpected\tO/E (95% CI)\tICI")
		for k, t := range p.AUCTimes {
			fmt.Fprintf(tw, "%g\t%s (%s-%s)\t%s\t%s\t%s\t%s\t%s (%s-%s)\t%s\n", t, num(p.AUC[k]), num(p.AUCLower[k]), num(p.AUCUpper[k]),
				num(p.Brier[k]), num(p.IPA[k]), num(p.Observed[k]), num(p.Expected[k]), num(p.OE[k]), num(p.OELower[k]), num(p.OEUpper[k]), num(p.ICI[k]))
		}
		if s := p.Slope; s != nil {
			fmt.Fprintf(tw, "\ncalibration slope %s (95%% CI %s-%s)\n", num(float64(s.Slope)), num(float64(s.Lower)), num(float64(s.Upper)))
		}
		if l := p.InTheLarge; l != nil {
			fmt.Fprintf(tw, "calibration-in-the-large O/E %s (95%% CI %s-%s): %.0f observed, %s expected events\n", num(float64(l.Ratio)), num(float64(l.Lower)), num(float64(l.Upper)), l.Observed, num(float64(l.Expected)))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, n := range r.Notes {
		fmt.Fprintln(w, "note: "+n)
	}
	return nil
}
