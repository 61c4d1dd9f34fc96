package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"

	"carimpi/cohort"
	"carimpi/internal/outfile"
	"carimpi/internal/textsafe"
	"carimpi/study"
)

func init() { register(newStudyCmd()) }

func newStudyCmd() *Command {
	fs := flag.NewFlagSet("study", flag.ContinueOnError)
	var cf cohortFlags
	cf.register(fs, 0.025)
	develop := fs.String("develop-cohort", "development", "value of the cohort column that marks the development cohort")
	validate := fs.String("validate-cohort", "validation", "value of the cohort column that marks the validation cohort")
	endpoint := fs.String("endpoint", "pfs", "endpoint the cutpoint and model are developed on: pfs or os")
	outDir := fs.String("out", "report", "folder to write the report into")
	var seed uint64
	var boot int
	wholeVar(fs, &seed, "seed", 1, 0, math.MaxUint64, "`seed` of every random step, i.e. the bootstrap")
	wholeVar(fs, &boot, "bootstrap", 200, 0, maxStudyBoot, "`B` bootstrap resamples for the optimism-corrected C-index and cutpoint stability; 0 skips the bootstrap")
	quiet := fs.Bool("quiet", false, "do not print progress")
	force := fs.Bool("force", false, "replace --out even when it is a non-empty folder that is not a carimpi report")
	bands := fs.Bool("ci-bands", false, "draw pointwise 95% confidence bands on the Kaplan-Meier figures")
	inflamix := fs.String("inflamix-model", "", inflamixFlagUsage)
	c := &Command{
		Name:      "study",
		UsageLine: "study [--data cohort.csv|xlsx] [--develop-cohort development --validate-cohort validation] [--endpoint pfs] [--out report/] [--force] [--seed S]",
		Short:     "develop and validate CAR-IMPI and write the study report",
		Long: `Study runs the CAR-IMPI analysis of Winkelmann et al. (Blood Cancer J 2025;15:144)
on a cohort: inclusion and the MTV outlier rule (--exclude-top-mtv; its
quantile taken over the development and validation cohorts, not over other
cohorts of the file), Table 1, the restricted cubic
spline of MTV, the maxstat cutpoint, the Cox model whose linear predictor is
CAR-IMPI, frozen median and tercile risk groups, Kaplan-Meier and Cox by group
in each cohort, multivariable Cox, toxicity and the combined groups with
CAR-HEMATOTOX and InflaMix, plus discrimination and bootstrap validation.

Without --data it runs on the embedded simulated cohort (not patient data).
It writes index.html, results.json, model.json, tables/*.csv and
figures/*.svg into --out; model.json is loadable by "carimpi score --model".
The folder is replaced as a whole (built beside it, then swapped in), so no
file of an earlier run remains; a non-empty folder that is not a carimpi
report (one whose ` + outfile.Manifest + ` lists every entry) is refused
unless --force, and a folder holding an input is always refused.

Memory: the study sets Go's soft memory limit for the cohort it loaded,
max(192 MiB, 48 MiB + n x (280 + 72 x workers) bytes) for n patients and
GOMAXPROCS bootstrap workers (250 MiB for 5e5 patients on 2 cores), so that
the process holds about its live data rather than twice it. It grows with
the cohort as the live data do. While the cohort loads, before its size is
known, the collector runs at GOGC=50. Set GOMEMLIMIT (e.g. 1GiB, or off)
to choose your own limit (the load then keeps GOGC as it is), or GOGC to
choose the load's.
` + researchNotice,
		Flags: fs,
	}
	c.Run = func(stdout, stderr io.Writer) error {
		if *endpoint != "pfs" && *endpoint != "os" {
			return usagef("--endpoint %q: use pfs or os", *endpoint)
		}
		// The report folder is checked before the work and built beside
		// it, then swapped in whole: no file of an earlier run survives,
		// and a failed run leaves the earlier report as it was.
		dir, err := outfile.CreateDir(*outDir, *force, append(cf.inputs(), (&modelFlags{inflamix: *inflamix}).files()...)...)
		if err != nil {
			return err
		}
		defer dir.Abort()
		// The outlier rule waits for the cohorts: its quantile is taken
		// over the two cohorts analysed, not a third one in the file.
		var co *cohort.Cohort
		var rep *cohort.Report
		restoreGC := gcPercent(50)
		defer restoreGC() // on an early return
		if cf.data == "" {
			if cf.mapFile != "" || cf.units != "" || cf.sheet != "" {
				return usagef("--map, --units and --sheet need --data")
			}
			if err := checkFraction(cf.excludeTopMTV); err != nil {
				return err
			}
			co, rep, err = cohort.Load(bytes.NewReader(cohort.DefaultCSV()), cohort.DefaultFile, cohort.Options{})
		} else {
			var opts cohort.Options
			if opts, err = cf.cohortOptions(); err != nil {
				return err
			}
			opts.ExcludeTopMTV = 0
			co, rep, err = cohort.LoadFile(cf.data, opts)
		}
		restoreGC()
		if err != nil {
			return err
		}
		defer setMemoryLimit(co.Len())()
		im, err := loadInflaMix(*inflamix)
		if err != nil {
			return err
		}
		sum, err := dataSHA256(cf.data)
		if err != nil {
			return err
		}
		dev, val, err := cohortNames(fs, co, *develop, *validate)
		if err != nil {
			return err
		}
		var analysed []string // nil without a cohort column: every row
		if names := co.Names(); len(names) != 1 || names[0] != "" {
			analysed = []string{dev}
			if slices.Contains(names, val) {
				analysed = append(analysed, val)
			}
		}
		if err := co.ExcludeTopMTV(rep, cf.excludeTopMTV, analysed...); err != nil {
			return err
		}
		opt := study.Options{Develop: dev, Validate: val, Endpoint: *endpoint, Seed: seed,
			Bootstrap: boot, Software: "carimpi " + version, Bands: *bands, InflaMix: im, DataSHA256: sum, ReleaseCohort: true}
		if !*quiet {
			opt.Progress = stderr
			fmt.Fprintf(stderr, "carimpi study: %s (seed %d). %s\n", textsafe.Terminal(rep.Source), seed, researchNotice)
			if co.Simulated() {
				fmt.Fprintln(stderr, "carimpi study: the data are simulated — not patient data")
			}
		}
		out, err := study.Run(co, rep, opt)
		if err != nil {
			return err
		}
		files, err := out.WriteDir(dir.Path())
		if err != nil {
			return err
		}
		if err := dir.Commit(); err != nil {
			return err
		}
		if !*quiet {
			fmt.Fprintf(stderr, "carimpi study: wrote %d files into %s: index.html (report), results.json, model.json, tables/, figures/\n", len(files), *outDir)
		}
		return nil
	}
	return c
}

// setMemoryLimit sets the study's soft memory limit for a cohort of n
// patients (study.MemoryLimit, with GOMAXPROCS bootstrap workers) unless
// the user set GOMEMLIMIT, and returns the function that restores the
// limit before it.
func setMemoryLimit(n int) (restore func()) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	old := debug.SetMemoryLimit(study.MemoryLimit(n, runtime.GOMAXPROCS(0)))
	return func() { debug.SetMemoryLimit(old) }
}

// gcPercent makes the collector run once the heap has grown by p percent
// of the live data (GOGC=p) unless the user set GOGC or GOMEMLIMIT; it
// returns the function that restores the setting (once, however often
// called). The study loads its cohort at GOGC=50, when its size, and so
// the study's memory limit, is not known yet (at 1e6 patients the load
// holds 240 MB live); the table-or-JSON commands run at GOGC=33 (see
// writeAnswer).
func gcPercent(p int) (restore func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	old := debug.SetGCPercent(p)
	done := false
	return func() {
		if !done {
			debug.SetGCPercent(old)
			done = true
		}
	}
}

// dataSHA256 is the hex SHA-256 of the data file's bytes (of the embedded
// cohort when path is empty), recorded in the fitted model's provenance.
func dataSHA256(path string) (string, error) {
	h := sha256.New()
	if path == "" {
		h.Write(cohort.DefaultCSV())
	} else {
		f, err := os.Open(path)
		if err != nil {
			return "", err
		}
		defer f.Close()
		if _, err := io.Copy(h, f); err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// cohortNames resolves --develop-cohort and --validate-cohort against the
// cohort column's names, ignoring case ("validation" finds "Validation").
// A name given on the command line that matches no row is an error listing
// the names present; the default validation name may be absent (the study
// then has no validation), and a file without a cohort column is one
// development cohort.
func cohortNames(fs *flag.FlagSet, co *cohort.Cohort, develop, validate string) (string, string, error) {
	names := co.Names()
	if len(names) == 1 && names[0] == "" {
		return develop, validate, nil
	}
	dev, err := cohort.FindName("--develop-cohort", develop, names)
	if err != nil {
		return "", "", err
	}
	explicit := false
	fs.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "validate-cohort" })
	val, err := cohort.FindName("--validate-cohort", validate, names)
	switch {
	case err != nil && explicit:
		return "", "", err
	case err != nil:
		val = validate
	}
	if strings.EqualFold(dev, val) {
		return "", "", usagef("--develop-cohort and --validate-cohort both name %q; give two cohorts", dev)
	}
	return dev, val, nil
}
